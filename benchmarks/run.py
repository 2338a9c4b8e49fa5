"""lrtheory speed-and-scale benchmarks (issue #9): one command, a table, results.json, plots.

    python benchmarks/run.py            # full set (about 10-20 minutes on 2 cores)
    python benchmarks/run.py --quick    # N <= 240, ribbons W <= 320, Nk3D ~ 1e5
    python benchmarks/run.py --smoke    # every case at a tiny size, in this process (seconds)

``--smoke`` is the suite's check that the benchmarks still run (tests/unit/
test_benchmarks_smoke.py): every case of :data:`CASES` at a tiny size (:data:`SIZES`), in this
process (an exception is a failure, not an ``error`` row), without the peers' venvs, the bcc Fe
files and Dask (no cluster, no port); its table and plot go to a temporary folder unless
``--out``/``--img`` are given. It measures nothing: the full and quick runs are unchanged.

Every measurement runs in its own subprocess (clean peak memory = ``ru_maxrss`` of that
process) with ``OPENBLAS_CORETYPE`` / ``OPENBLAS_L2_SIZE`` removed from its environment and
BLAS pinned to one thread per process (``OPENBLAS_NUM_THREADS=1`` etc.), so 2 workers use 2
cores. Each case is compared with its *floor*: the bare batched ``np.linalg.eigh`` of the
same k stack (H(k) built beforehand, not timed). Timings are the minimum of ``--repeat``
runs; the ribbon case times the accumulation and its floor in one process, interleaved
(``case_ribbon``: warm-up, >= 5 rounds, wall and CPU time, paired-round ratios, load), and
the scale-out case interleaves its methods over child processes (``scale_timings``). Writes benchmarks/results.json (machine, versions, parameters, load average, time of
measurement) and docs/img/perf_*.png. No assertion anywhere: a report, not a test.
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

# ------------------------------------------------------------------------------------------
# measurements (each runs inside a child process: ``run.py --child CASE JSON_PARAMS``)
# ------------------------------------------------------------------------------------------


def _best(fn, repeat):
    times, out = [], None
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def _floor_eigh(H, repeat):
    t, _ = _best(lambda: np.linalg.eigh(H), repeat)
    return t


def plain_berry_chunk(model, k):
    """Benchmark-local reference k-sum: Berry curvature of every band, Eigensystem route.

    Omega_n = -2 Im sum_{m != n} v^x_nm v^y_mn / (e_n - e_m)^2 (docs/conventions.md)."""
    from lrtheory.bands.eigensystem import Eigensystem

    es = Eigensystem.compute(model, k, check=False)
    vx, vy = es.velocity[:, 0], es.velocity[:, 1]
    de = es.energy_differences()
    off = ~np.eye(es.n_bands, dtype=bool)
    inv2 = np.where(off, 1.0 / np.where(off, de, 1.0) ** 2, 0.0)
    om = -2 * np.imag(np.einsum("knm,kmn,knm->kn", vx, vy, inv2))
    occ = (es.energies < 0.0)
    return {"band": om.sum(0), "sigma": (om * occ).sum()}


def haldane_model():
    from lrtheory.models.haldane import haldane

    return haldane(t0=1.0, t2=0.1, phi=np.pi / 2, delta=0.2)


def case_bulk(p):
    """Haldane bulk: Berry curvature + Chern + sigma_xy on an N x N grid."""
    from lrtheory.response.hall import bz_grid, hall_conductivity

    model, N, rep, method = haldane_model(), p["N"], p["repeat"], p["method"]
    out = {"N": N, "nk_total": N * N, "method": method}
    if method == "floor":
        k, _, _ = bz_grid(model, N)
        H = model.hamiltonian(k)
        out["time"] = _floor_eigh(H, rep)
        t_h, _ = _best(lambda: model.hamiltonian(k), rep)
        out["time_hk"] = t_h
    elif method == "lrtheory":
        def run():
            c = hall_conductivity(model, [0.0], nk=N, operator=None)
            return c.band_chern, -c.sigma[0]  # charge q = -1: sigma_xy = q * number current
        out["time"], (chern, sxy) = _best(run, rep)
        out["chern"] = [float(x) for x in chern]
        out["sigma_xy_e2h"] = float(sxy * 2 * np.pi)
    elif method == "sum-over-states":
        def run():
            c = hall_conductivity(model, [0.0], nk=N, operator=None, method="sum-over-states")
            return c.band_chern, -c.sigma[0]
        out["time"], (chern, sxy) = _best(run, rep)
        out["chern"] = [float(x) for x in chern]
        out["sigma_xy_e2h"] = float(sxy * 2 * np.pi)
    elif method == "plain":
        from lrtheory.parallel import kmap_reduce

        k, _, area = bz_grid(model, N)
        f = partial(plain_berry_chunk, model)
        out["time"], tot = _best(lambda: kmap_reduce(f, k, chunk_size=4096), rep)
        # C_n = (1/2pi) int Omega d^2k, int d^2k = (2pi)^2/area * (1/Nk) sum_k
        out["chern"] = [float(x) for x in tot["band"] * 2 * np.pi / (area * len(k))]
    elif method == "pythtb":
        import pythtb

        tb = pythtb.tb_model(2, 2, [[1.0, 0.0], [0.5, np.sqrt(3) / 2]],
                             [[0.0, 0.0], [1 / 3, 1 / 3]])
        tb.set_onsite([0.2, -0.2])
        for h in model.hoppings:
            tb.set_hop(h.t, h.i, h.j, list(h.R))

        def run():
            w = pythtb.wf_array(tb, [N, N])
            w.solve_on_grid([0.0, 0.0])
            return w.berry_flux([0]) / (2 * np.pi)
        out["time"], chern = _best(run, 1)
        out["chern"] = [float(chern)]
        out["version"] = getattr(pythtb, "__version__", "?")
    return out


def case_ohe(p):
    """Orbital Hall conductivity: a curve of n_EF Fermi energies vs a single one."""
    from lrtheory.response.hall import bz_grid, hall_conductivity

    model, N, rep = haldane_model(), p["N"], p["repeat"]
    if p["n_ef"] == 0:
        k, _, _ = bz_grid(model, N)
        return {"time": _floor_eigh(model.hamiltonian(k), rep), "N": N, "n_ef": 0}
    ef = np.linspace(-3.5, 3.5, p["n_ef"])
    t, c = _best(lambda: hall_conductivity(model, ef, nk=N, operator="orbital"), rep)
    return {"time": t, "N": N, "n_ef": p["n_ef"], "sigma_first": float(c.sigma[0])}


def _interleaved(fns, repeat, warmup=True):
    """Time every function of ``fns`` in ``repeat`` rounds, interleaved (each round runs
    them all, in an order rotated by one each round, so a burst of load from other users of
    a shared machine hits a round, not a method), after one untimed warm-up call each
    (first-call costs: lazy imports, the first page faults of the arrays, caches).
    Returns ``{name: {"wall": [...], "cpu": [...], "first": s}}`` (CPU = this process's
    user + system time: with one BLAS thread it does not count the time other processes
    hold the core, which wall time on a loaded machine does)."""
    names = list(fns)
    out = {n: {"wall": [], "cpu": [], "first": None} for n in names}
    if warmup:
        for n in names:
            t0 = time.perf_counter()
            fns[n]()
            out[n]["first"] = time.perf_counter() - t0
    for r in range(max(1, repeat)):
        for n in names[r % len(names):] + names[:r % len(names)]:
            c0, t0 = time.process_time(), time.perf_counter()
            fns[n]()
            out[n]["wall"].append(time.perf_counter() - t0)
            out[n]["cpu"].append(time.process_time() - c0)
    return out


def _ratio_stats(num, den):
    """Ratios of paired rounds ``num[i] / den[i]``: median, min, max, and the ratio of the
    best times ``min(num) / min(den)``."""
    r = np.asarray(num) / np.asarray(den)
    return {"best": float(min(num) / min(den)), "median": float(np.median(r)),
            "min": float(r.min()), "max": float(r.max()), "rounds": int(r.size)}


def case_ribbon(p):
    """Ribbon accumulation (Eq. 55, Fig. 2 parameters) for width W against its floor, in one
    process, interleaved: the bare batched eigh of the same k stack, whole (one call) and in
    the accumulation's own chunks (the lower of the two per round is the floor; a whole
    stack of W = 80 is 210 MB of fresh pages per call, slower than the chunks)."""
    from lrtheory.models.haldane import haldane
    from lrtheory.response.density import ribbon_accumulation, ribbon_chunk_size

    W, nk, rep = p["W"], p["nk"], p["repeat"]
    rib = haldane(t2=0.0, delta=0.5).ribbon(W)
    k = rib.k_grid(nk)
    H = rib.hamiltonian(k)
    cs = ribbon_chunk_size(rib.n_orbitals)

    def floor_chunks():
        for i in range(0, len(H), cs):
            np.linalg.eigh(H[i:i + cs])

    fns = {"floor": lambda: np.linalg.eigh(H), "floor_chunks": floor_chunks,
           "lrtheory": lambda: ribbon_accumulation(rib, 1.5, nk=nk, convergence=False),
           # the default: sub-grid error estimate from the same pass (issue #14; was a second
           # run at nk // 2, +50 %)
           "convergence": lambda: ribbon_accumulation(rib, 1.5, nk=nk)}
    load0 = os.getloadavg()
    t = _interleaved(fns, rep, warmup=p.get("warmup", True))
    floor = {key: [min(a, b) for a, b in zip(t["floor"][key], t["floor_chunks"][key])]
             for key in ("wall", "cpu")}
    out = {"W": W, "nk": nk, "n_orbitals": rib.n_orbitals, "method": "interleaved",
           "chunk_size": cs, "repeat": rep,
           "time": min(t["lrtheory"]["wall"]), "time_floor": min(floor["wall"]),
           "time_floor_whole": min(t["floor"]["wall"]),
           "time_floor_chunks": min(t["floor_chunks"]["wall"]),
           "time_convergence": min(t["convergence"]["wall"]),
           "cpu": min(t["lrtheory"]["cpu"]), "cpu_floor": min(floor["cpu"]),
           "first": {n: v["first"] for n, v in t.items()},
           "ratio_wall": _ratio_stats(t["lrtheory"]["wall"], floor["wall"]),
           "ratio_cpu": _ratio_stats(t["lrtheory"]["cpu"], floor["cpu"]),
           "loadavg_before": load0, "loadavg_end": os.getloadavg(),
           "api": "lrtheory.response.density.ribbon_accumulation (Fig. 2: t2=0, Delta=0.5, "
                  "E_F=1.5)"}
    out["time_hk"], _ = _best(lambda: rib.hamiltonian(k), 2)
    return out


def w90_model(kind, tmp):
    """A 3D model written by our Wannier90 writer and read back."""
    from lrtheory.models.tightbinding import Hopping, TightBindingModel
    from lrtheory.io.wannier90 import load_wannier90, write_tb_dat

    if kind == "weyl":
        from lrtheory.models.haldane import layered_haldane

        src = layered_haldane()
    else:
        rng = np.random.default_rng(7)
        n = 16
        lat = np.array([[3.0, 0, 0], [0.4, 3.2, 0], [0.3, 0.2, 3.5]])
        pos = rng.uniform(0, 1, (n, 3)) @ lat
        hops = []
        for R in [(a, b, c) for a in (-1, 0, 1) for b in (-1, 0, 1) for c in (-1, 0, 1)]:
            if R < (0, 0, 0):
                continue
            scale = 1.0 / (1 + np.sum(np.abs(R)) ** 2)
            for i in range(n):
                for j in range(n):
                    if R == (0, 0, 0) and j <= i:
                        continue
                    t = scale * (rng.normal() + 1j * rng.normal())
                    hops.append(Hopping(i, j, R, t))
        src = TightBindingModel(lat, pos, hops, rng.normal(size=n), name="dense random")
    path = Path(tmp) / f"{kind}_tb.dat"
    write_tb_dat(src, path)
    return load_wannier90(path)


def case_w90(p):
    """3D Wannier90 model: AHC tensor on n^3 k-points: serial, 2 processes, 2 Dask workers."""
    from lrtheory.response.hall3d import bz_grid_nd, hall_tensor

    with tempfile.TemporaryDirectory() as tmp:
        model = w90_model(p["kind"], tmp)
    n, rep, method = p["n"], p["repeat"], p["method"]
    out = {"kind": p["kind"], "n": n, "nk_total": n ** 3, "n_orbitals": model.n_orbitals,
           "method": method}
    if method == "floor":
        k, _ = bz_grid_nd(model, n)
        out["time_hk"], H = _best(lambda: model.hamiltonian(k), 1)
        out["time"] = _floor_eigh(H, rep)
        return out
    kw = {}
    if method == "processes":
        kw["workers"] = 2
    elif method == "dask":
        import distributed

        t0 = time.perf_counter()
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1,
                                           dashboard_address=None, silence_logs=40)
        client = distributed.Client(cluster)
        out["dask_startup"] = time.perf_counter() - t0
        kw["scheduler"] = client
    t, res = _best(lambda: hall_tensor(model, [0.0], nk=n, operator="charge", **kw), rep)
    out["time"] = t
    out["sigma_xy"] = float(res.sigma[0, 0, 1])
    if method == "dask":
        client.close()
        cluster.close()
    return out


#: bcc Fe Wannier90 model of the scale-out case (benchmarks/make_fe_w90.py writes it);
#: ``--fe-w90 PATH`` or ``LRTHEORY_FE_W90`` override
FE_W90_DEFAULT = "/tmp/fe_w90/Fe_tb.dat"
FE_EF = 17.6255  # eV, Fermi energy of the DFT run (nscf.out)


def _digest(res):
    """sha256 of every array a result holds (bit-identity of serial / processes / Dask)."""
    import hashlib

    h = hashlib.sha256()

    def walk(prefix, obj):
        if isinstance(obj, np.ndarray):
            h.update(prefix.encode() + np.ascontiguousarray(obj).tobytes())
        elif isinstance(obj, dict):
            for key in sorted(obj, key=str):
                walk(f"{prefix}/{key}", obj[key])

    walk("", dict(vars(res)) if hasattr(res, "__dict__") else {})
    walk("values", dict(getattr(res, "values", None) or {}))
    return h.hexdigest()[:16]


def case_scale(p):
    """Scale-out (issue #14): one k-sum serial, on 2 processes, on a running 2-worker Dask
    LocalCluster with Dask's default settings (``dask``) and with the settings of
    :func:`lrtheory.parallel.dask_config.dask_compute_config` (``dask-recipe``; the start-up of
    each running cluster is timed apart), and with ``scheduler="local:2"`` (whose cluster the
    first call starts and the next calls of the process reuse), all in this process, in one
    phase per parallel method: serial and that method, with no other executor's process
    alive (an idle default cluster alone takes ~140 ms of CPU per second from the 2 cores:
    docs/performance.md). Each phase: the first call of the method (fork server, cluster
    start-up, worker imports included), then ``repeat`` interleaved rounds (see
    :func:`_interleaved`). The speed-up of a method is taken round by round against the
    serial run of the same round of its phase, so load from other users that changes
    between rounds cancels out to first order. (Until 7 December one phase ran all four;
    until 8 December the two Dask methods shared a phase.)"""
    import logging

    from lrtheory.parallel import close_local_cluster, close_process_pools
    from lrtheory.parallel.dask_config import dask_compute_config

    if p.get("dask", True):
        import distributed

    system, rep = p["system"], p["repeat"]
    if system == "fe":
        from lrtheory.io.wannier90 import load_wannier90
        from lrtheory.response.hall3d import hall_tensor

        model = load_wannier90(p["path"])
        call = partial(hall_tensor, model, [FE_EF], nk=p["nk"], operator="charge")
    else:
        from lrtheory.models.haldane import haldane
        from lrtheory.response.density import ribbon_accumulation

        model = haldane().ribbon(p["W"])
        call = partial(ribbon_accumulation, model, 0.5, nk=p["nk"], convergence=False)
    out = {"system": system, "method": "interleaved", "nk": p["nk"],
           "n_orbitals": model.n_orbitals, "loadavg_before": os.getloadavg()}
    first, digests, startup = {}, {}, {}
    wall = {"serial": []}
    speedup = {}

    def running_cluster(config):
        t0 = time.perf_counter()
        import dask

        with dask.config.set(config):
            cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1,
                                               dashboard_address=None,
                                               silence_logs=logging.ERROR)
            client = distributed.Client(cluster)
        return (cluster, client), {"scheduler": client}, time.perf_counter() - t0

    def phase(method, start, stop):
        handle, kws, startup[method] = start()
        t0 = time.perf_counter()
        digests["serial"] = _digest(call())
        first["serial"] = min(first.get("serial", np.inf), time.perf_counter() - t0)
        t0 = time.perf_counter()
        digests[method] = _digest(call(**kws))
        first[method] = time.perf_counter() - t0
        t = _interleaved({"serial": call, method: partial(call, **kws)}, rep, warmup=False)
        stop(handle)
        wall["serial"] += t["serial"]["wall"]
        wall[method] = t[method]["wall"]
        speedup[method] = _ratio_stats(t["serial"]["wall"], t[method]["wall"])

    def stop_cluster(handle):
        cluster, client = handle
        client.close()
        cluster.close()

    phase("processes", lambda: (None, {"workers": 2}, None), lambda h: close_process_pools())
    if p.get("dask", True):  # False only in --smoke (no cluster, no port)
        phase("dask", lambda: running_cluster({}), stop_cluster)
        phase("dask-recipe", lambda: running_cluster(dask_compute_config()), stop_cluster)
        phase("dask-local", lambda: (None, {"scheduler": "local:2"}, None),
              lambda h: close_local_cluster())
    speedup["serial"] = _ratio_stats(wall["serial"], wall["serial"])
    out.update(first=first, digests=digests, wall=wall, speedup=speedup,
               dask_startup=startup.get("dask"), dask_startups=startup,
               loadavg_end=os.getloadavg())
    return out


def case_mem(p):
    """Peak memory of the Haldane Hall k-sum vs Nk (nothing else in the process)."""
    from lrtheory.response.hall import hall_conductivity

    t0 = time.perf_counter()
    hall_conductivity(haldane_model(), [0.0], nk=p["N"])
    return {"N": p["N"], "nk_total": p["N"] ** 2, "time": time.perf_counter() - t0}


CASES = {"bulk": case_bulk, "ohe": case_ohe, "ribbon": case_ribbon, "w90": case_w90,
         "mem": case_mem, "scale": case_scale}


def peak_rss_mb() -> float:
    """Peak resident memory of this process (MB): VmHWM (Linux, reset by exec), else
    ru_maxrss (which on Linux survives exec and would include the parent's peak)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return float(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(case, params):
    import warnings

    warnings.simplefilter("ignore")
    out = CASES[case](params)
    out["maxrss_mb"] = peak_rss_mb()
    print("RESULT " + json.dumps(out))


# ------------------------------------------------------------------------------------------
# orchestration
# ------------------------------------------------------------------------------------------


def child_env():
    env = dict(os.environ)
    for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        env.pop(var, None)
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = "1"
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    return env


#: ``--smoke``: :func:`measure` runs :func:`child` in this process (an exception propagates)
IN_PROCESS = False


def measure(case, timeout=1800, **params):
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", case, json.dumps(params)]
    t0 = time.time()
    if IN_PROCESS:
        import contextlib
        import io

        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            child(case, json.loads(json.dumps(params)))
        r = subprocess.CompletedProcess(cmd, 0, buf.getvalue(), "")
    else:
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, env=child_env(),
                               timeout=timeout)
        except subprocess.TimeoutExpired:
            return {**params, "error": f"timeout after {timeout} s"}
    for line in r.stdout.splitlines():
        if line.startswith("RESULT "):
            res = json.loads(line[7:])
            res["loadavg_after"] = os.getloadavg()
            res["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(t0))
            print(f"  {case} {params} -> {res.get('time', float('nan')):.3f} s, "
                  f"{res['maxrss_mb']:.0f} MB", flush=True)
            return res
    err = (r.stderr.strip().splitlines() or ["no output"])[-1]
    print(f"  {case} {params} FAILED: {err}", flush=True)
    return {**params, "error": err}


def blas_info():
    code = ("import numpy, json\n"
            "try:\n from threadpoolctl import threadpool_info\n"
            " print(json.dumps([{k: d.get(k) for k in ('internal_api','version','num_threads',"
            "'architecture','threading_layer')} for d in threadpool_info()]))\n"
            "except ImportError:\n print('[]')")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       env=child_env())
    try:
        return json.loads(r.stdout)
    except json.JSONDecodeError:
        return []


def versions():
    out = {"python": platform.python_version()}
    for mod in ("numpy", "scipy", "dask", "distributed", "pythtb", "threadpoolctl"):
        try:
            out[mod] = __import__(mod).__version__
        except Exception:  # noqa: BLE001
            out[mod] = None
    try:
        import lrtheory

        out["lrtheory"] = lrtheory.__version__
        out["git"] = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                                    capture_output=True, text=True).stdout.strip()
    except Exception:  # noqa: BLE001
        pass
    return out


CASE_NAMES = ("bulk", "ohe", "ribbon", "mem", "w90", "scale", "wfull")

#: sizes of the three runs: full (default), ``--quick`` and ``--smoke`` (tiny: the suite's check
#: that every case still runs; no peers, no bcc Fe files, no Dask)
SIZES = {
    "full": {"bulk": [60, 120, 240, 480, 960], "ohe": 240,
             "ribbon": [(20, 2048), (80, 512), (320, 32), (1000, 4)],
             "mem": [60, 120, 240, 480, 960],
             "w90": [("weyl", 47), ("weyl", 100), ("dense", 47)],
             "w90_methods": ("floor", "serial", "processes", "dask"),
             "scale_ribbon": {"W": 80, "nk": 512}, "external": True},
    "quick": {"bulk": [60, 120, 240], "ohe": 240, "ribbon": [(20, 2048), (80, 512), (320, 32)],
              "mem": [60, 120, 240, 480], "w90": [("weyl", 47), ("dense", 24)],
              "w90_methods": ("floor", "serial", "processes", "dask"),
              "scale_ribbon": {"W": 80, "nk": 512}, "external": True},
    # external=False: no peer venvs, no PythTB, no bcc Fe files (rows say "skipped")
    "smoke": {"bulk": [8], "ohe": 8, "ribbon": [(4, 16)], "mem": [8],
              "w90": [("weyl", 4), ("dense", 2)], "w90_methods": ("floor", "serial"),
              "scale_ribbon": {"W": 4, "nk": 16, "dask": False}, "external": False},
}
SMOKE_SKIP = "not in --smoke (peer venvs, data files and Dask are timed only in real runs)"


def run_all(a):
    quick = a.quick
    rep = a.repeat
    size = SIZES["smoke" if a.smoke else "quick" if quick else "full"]
    R = {"machine": {"platform": platform.platform(), "processor": platform.processor(),
                     "cpu_count": os.cpu_count(),
                     "affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
                     "blas": blas_info()},
         "versions": versions(),
         "env_removed": ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"],
         "env_before": {v: os.environ.get(v) for v in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")},
         "blas_threads_per_process": 1,
         "started": time.strftime("%Y-%m-%dT%H:%M:%S"), "loadavg_start": os.getloadavg(),
         "quick": quick, "smoke": a.smoke, "repeat": rep, "results": {}}
    res = R["results"]
    cases = set(a.only.split(",")) if a.only else set(CASE_NAMES)
    unknown = cases - set(CASE_NAMES)
    if unknown:
        raise SystemExit(f"--only: unknown case(s) {sorted(unknown)}; choose from {CASE_NAMES}")
    if a.only and Path(a.out).exists():  # keep the other cases' last measurements
        res.update({key: val for key, val in json.loads(Path(a.out).read_text())
                    .get("results", {}).items() if key not in cases})

    if "bulk" in cases:
        Ns = size["bulk"]
        print("Haldane bulk (Berry curvature + Chern + sigma_xy)")
        res["bulk"] = []
        for N in Ns:
            for method in ("floor", "lrtheory", "sum-over-states", "plain"):
                res["bulk"].append(measure("bulk", N=N, method=method, repeat=rep))
            if N <= a.pythtb_max and size["external"]:
                res["bulk"].append(measure("bulk", N=N, method="pythtb", repeat=1))
        if size["external"]:
            res["bulk"] += pythtb2_timings([N for N in Ns if N <= a.pythtb_max])
            res["bulk"] += wberri_timings([N for N in Ns if N <= min(a.pythtb_max, 480)])
        else:
            res["bulk"] += [{"method": m, "skipped": SMOKE_SKIP}
                            for m in ("pythtb", "pythtb2", "wberri")]
    if "ohe" in cases:
        print("Orbital Hall curve (200 E_F) vs one E_F")
        Nohe = size["ohe"]
        res["ohe"] = [measure("ohe", N=Nohe, n_ef=n, repeat=rep) for n in (0, 1, 200)]
    if "ribbon" in cases:
        print("Ribbons")
        rib = size["ribbon"]
        if a.ribbon_sizes:
            rib = [tuple(int(x) for x in item.split(":")) for item in a.ribbon_sizes.split(",")]
        res["ribbon"] = []
        for W, nk in rib:
            big = W >= 1000  # ~30 s per accumulation: one round, no warm-up
            r = measure("ribbon", W=W, nk=nk, repeat=1 if big else max(rep, 5),
                        warmup=not big)
            if "time" not in r:
                res["ribbon"].append(r)
                continue
            res["ribbon"].append({**r, "method": "floor", "time": r["time_floor"]})
            res["ribbon"].append({**r, "method": "lrtheory"})
    if "mem" in cases:
        print("Peak memory vs Nk (Haldane Hall k-sum)")
        res["mem"] = [measure("mem", N=N) for N in size["mem"]]
    if "w90" in cases:
        print("3D Wannier90 models: serial vs 2 processes vs 2 Dask workers")
        res["w90"] = []
        for kind, n in size["w90"]:
            for method in size["w90_methods"]:
                # at least 2 repetitions: the minimum then excludes first-call costs (imports in
                # fresh Dask workers)
                res["w90"].append(measure("w90", kind=kind, n=n, method=method,
                                          repeat=max(rep, 2)))
    if "scale" in cases:
        res["scale"] = scale_timings(a, rep, size)
    if "wfull" in cases:
        res["wfull"] = wannier_full_timings(a, rep) if size["external"] else [
            {"skipped": SMOKE_SKIP}]
    R["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    R["loadavg_end"] = os.getloadavg()
    return R


def scale_timings(a, rep, size):
    """Scale-out rows: bcc Fe AHC tensor (28^3, 18 bands; skipped with a reason when the
    file is absent) and a Haldane ribbon W = 80 (160 orbitals, nk = 512; ``size``), each in
    one child process that interleaves the methods (:func:`case_scale`)."""
    print("Scale-out: serial vs 2 processes vs Dask on 2 workers")
    path = a.fe_w90 or os.environ.get("LRTHEORY_FE_W90") or FE_W90_DEFAULT
    systems = [("ribbon", dict(size["scale_ribbon"]))]
    rows = []
    if not size["external"]:
        rows.append({"system": "fe", "skipped": SMOKE_SKIP})
    elif Path(path).exists():
        systems.insert(0, ("fe", {"path": str(path), "nk": 28}))
    else:
        rows.append({"system": "fe", "error": f"no {path}: make it with "
                     "benchmarks/make_fe_w90.py, or give --fe-w90 / LRTHEORY_FE_W90"})
        print("  fe skipped:", rows[-1]["error"])
    for system, extra in systems:
        r = measure("scale", system=system, repeat=max(rep, 3), **extra)
        if "wall" not in r:
            rows.append(r)
            continue
        for method, walls in r["wall"].items():
            rows.append({"system": system, "method": method, "nk": r["nk"],
                         "n_orbitals": r["n_orbitals"], "time": min(walls),
                         "time_first": r["first"][method], "speedup": r["speedup"][method],
                         "digests": [r["digests"][method]], "rounds": len(walls),
                         "dask_startup": (r.get("dask_startups") or {}).get(method), "maxrss_mb": r["maxrss_mb"],
                         "loadavg_before": r["loadavg_before"], "loadavg_end": r["loadavg_end"],
                         "measured_at": r["measured_at"]})
    return rows


def wannier_full_timings(a, rep):
    """bcc Fe AHC on 16^3, tight-binding and full Wannier interpolation, against the eigh
    floor and WannierBerri on the same grid (benchmarks/wannier_speed.py; files from
    benchmarks/make_fe_w90.py and benchmarks/make_fe_wb_tb.py, skipped when absent)."""
    print("Wannier interpolation: bcc Fe AHC vs eigh floor vs WannierBerri")
    fe = a.fe_w90 or os.environ.get("LRTHEORY_FE_W90") or FE_W90_DEFAULT
    fe_wb = os.environ.get("LRTHEORY_FE_WB_TB", "/tmp/fe/Fe_wb_tb.dat")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "wfull.json"
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "wannier_speed.py"), str(out),
                        "16", str(max(rep, 7)), fe, fe_wb, fe_wb + ":full"], env=child_env(),
                       timeout=7200)
        return json.loads(out.read_text())["rows"] if out.exists() else [
            {"error": "benchmarks/wannier_speed.py failed"}]


def _peer_timings(method, venv_dir, script, Ns, missing, extra_args=lambda N: []):
    """Time a peer package that lives in its own venv (``benchmarks/<venv_dir>``): run
    ``benchmarks/<script> N [extra]`` per N and read its ``RESULT {json}`` line."""
    venv = ROOT / "benchmarks" / venv_dir / "bin" / "python"
    if not venv.exists() or not Ns:
        return [{"method": method, "error": missing}]
    out = []
    for N in Ns:
        cmd = [str(venv), str(ROOT / "benchmarks" / script), str(N), *extra_args(N)]
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, env=child_env(), timeout=1800)
            line = [x for x in r.stdout.splitlines() if x.startswith("RESULT ")]
            res = json.loads(line[-1][7:]) if line else {"N": N, "error": r.stderr[-300:]}
        except subprocess.TimeoutExpired:
            res = {"N": N, "error": "timeout"}
        res.update(method=method, N=N)
        print(f"  bulk {method} N={N} -> {res.get('time', res.get('error'))}", flush=True)
        out.append(res)
    return out


def pythtb2_timings(Ns):
    """PythTB 2.x needs Python >= 3.12: time it in a separate venv if one is there
    (``benchmarks/.venv-pythtb2``, made by ``benchmarks/check_pythtb2.sh``)."""
    return _peer_timings("pythtb2", ".venv-pythtb2", "pythtb2_case.py", Ns,
                         "no Python >= 3.12 venv with PythTB 2.x (benchmarks/check_pythtb2.sh)")


def wberri_timings(Ns):
    """WannierBerri (``calculators.static.AHC`` via ``wberri.run`` on ``Grid(NK=(N, N, 1))``)
    timed in its own venv if one is there: ``python3 -m venv benchmarks/.venv-wberri &&
    benchmarks/.venv-wberri/bin/pip install wannierberri pythtb numba`` (see
    benchmarks/wberri_case.py). Minimum of 2 runs up to N = 240, one run above (~30 s)."""
    return _peer_timings("wberri", ".venv-wberri", "wberri_case.py", Ns,
                         "no venv with WannierBerri (python3 -m venv benchmarks/.venv-wberri && "
                         "benchmarks/.venv-wberri/bin/pip install wannierberri pythtb numba)",
                         lambda N: ["2" if N <= 240 else "1"])


def _get(rows, **kw):
    for r in rows:
        if all(r.get(k) == v for k, v in kw.items()) and "time" in r:
            return r
    return None


def summarize(R):
    # a case not measured (e.g. --only into a fresh --out) is an empty list, not a KeyError
    res = collections.defaultdict(list, R["results"])
    lines = []
    add = lines.append
    add("| case | size | time (s) | floor eigh (s) | ratio to floor | peak RSS (MB) | note |")
    add("|---|---|---|---|---|---|---|")
    for N in sorted({r["N"] for r in res["bulk"] if "N" in r}):
        fl = _get(res["bulk"], N=N, method="floor")
        for m in ("lrtheory", "sum-over-states", "plain", "pythtb", "pythtb2", "wberri"):
            r = _get(res["bulk"], N=N, method=m)
            if r is None or fl is None:
                continue
            note = {"lrtheory": "hall_conductivity: Chern of both bands + sigma_xy(E_F=0); "
                                "closed-form two-band curvature, no eigh",
                    "sum-over-states": "the same with method='sum-over-states' (eigh + Eq. S24)",
                    "plain": "Eigensystem + Berry curvature via kmap_reduce (benchmark code)",
                    "pythtb": f"PythTB {r.get('version', '1.8')} wf_array + berry_flux (Chern only)",
                    "pythtb2": f"PythTB {r.get('version', '2.x')} (Python 3.12 venv)",
                    "wberri": f"WannierBerri {r.get('version', '?')} AHC at E_F=0 (own venv, "
                              f"serial, default NKdiv x NKFFT grid)"}[m]
            add(f"| Haldane bulk {m} | {N}x{N} | {r['time']:.3f} | {fl['time']:.3f} | "
                f"{r['time'] / fl['time']:.2f} | {r.get('maxrss_mb', float('nan')):.0f} | {note} |")
    o = {r["n_ef"]: r for r in res["ohe"] if "time" in r}
    if 1 in o and 200 in o:
        add(f"| orbital Hall, 200 E_F vs 1 | {o[1]['N']}x{o[1]['N']} | {o[200]['time']:.3f} | "
            f"{o[0]['time']:.3f} | {o[200]['time'] / o[0]['time']:.2f} | "
            f"{o[200]['maxrss_mb']:.0f} | curve/one point = {o[200]['time'] / o[1]['time']:.2f}; "
            f"one point/floor = {o[1]['time'] / o[0]['time']:.2f} |")
    for W in sorted({r["W"] for r in res["ribbon"] if "W" in r}):
        fl = _get(res["ribbon"], W=W, method="floor")
        r = _get(res["ribbon"], W=W, method="lrtheory")
        if fl is None or r is None:
            continue
        note = ""
        if "ratio_wall" in r:  # interleaved in one process (see case_ribbon)
            w, c = r["ratio_wall"], r["ratio_cpu"]
            la = r.get("loadavg_before", [float("nan")])[0]
            note = (f"ratio = median of {c['rounds']} interleaved rounds' CPU-time ratios "
                    f"({c['min']:.2f}-{c['max']:.2f}; best CPU times {c['best']:.2f}); wall time: "
                    f"paired median {w['median']:.2f} ({w['min']:.2f}-{w['max']:.2f}), best "
                    f"{w['best']:.2f}; load {la:.1f}; ")
        # interleaved rows: the median of the paired-round CPU-time ratios (one BLAS thread:
        # CPU time leaves out the time other processes hold the core; best wall times of
        # different rounds can even invert under load)
        ratio = r["ratio_cpu"]["median"] if "ratio_cpu" in r else r["time"] / fl["time"]
        add(f"| ribbon accumulation W={W} | Nk={r['nk']} ({r['n_orbitals']} orb.) | "
            f"{r['time']:.3f} | {fl['time']:.3f} | {ratio:.2f} | "
            f"{r['maxrss_mb']:.0f} | {note}{1e3 * r['time'] / r['nk']:.2f} ms/k; H(k) build "
            f"{fl['time_hk'] / fl['time']:.2f} x eigh |")
    for r in res["mem"]:
        if "time" in r:
            add(f"| Hall k-sum memory | {r['N']}x{r['N']} | {r['time']:.3f} | | | "
                f"{r['maxrss_mb']:.0f} | peak RSS vs Nk |")
    for key in sorted({(r["kind"], r["n"]) for r in res["w90"] if "kind" in r}):
        fl = _get(res["w90"], kind=key[0], n=key[1], method="floor")
        ser = _get(res["w90"], kind=key[0], n=key[1], method="serial")
        for m in ("serial", "processes", "dask"):
            r = _get(res["w90"], kind=key[0], n=key[1], method=m)
            if r is None or fl is None:
                continue
            sp = f"speed-up vs serial {ser['time'] / r['time']:.2f}" if ser else ""
            extra = f"; Dask start-up {r['dask_startup']:.1f} s not included" if m == "dask" else ""
            add(f"| W90 3D {key[0]} ({r['n_orbitals']} orb.) {m} | {key[1]}^3 = "
                f"{key[1] ** 3:.2e} | {r['time']:.3f} | {fl['time']:.3f} | "
                f"{r['time'] / fl['time']:.2f} | {r['maxrss_mb']:.0f} | {sp}{extra} |")
    for system in ("fe", "ribbon"):
        ser = _get(res.get("scale", []), system=system, method="serial")
        for m in ("processes", "dask", "dask-recipe", "dask-local"):
            r = _get(res.get("scale", []), system=system, method=m)
            if r is None or ser is None:
                continue
            name = {"fe": "bcc Fe W90 AHC", "ribbon": "Haldane ribbon W=80"}[system]
            same = "bit-equal to serial" if r.get("digests") == ser.get("digests") \
                else "DIFFERS from serial"
            extra = {"processes": "2 processes",
                     "dask": f"Dask, running 2-worker cluster, Dask's default settings "
                             f"(start-up {r.get('dask_startup') or float('nan'):.1f} s not "
                             f"included)",
                     "dask-recipe": "Dask, running 2-worker cluster started with "
                                    "dask_compute_config() (start-up not included)",
                     "dask-local": "Dask scheduler='local:2' (one cluster per process, started "
                                   "by the first call: first call includes its start-up, the "
                                   "next calls reuse it)"}[m]
            sp = r.get("speedup") or {}
            load = max(r.get("loadavg_before", [0])[0], r.get("loadavg_end", [0])[0])
            add(f"| scale-out {name} {m} | nk={r['nk']} ({r['n_orbitals']} orb.) | "
                f"{r['time']:.3f} | | | {r['maxrss_mb']:.0f} | serial/{m}: best "
                f"{sp.get('best', float('nan')):.2f}, paired rounds median "
                f"{sp.get('median', float('nan')):.2f} ({sp.get('min', float('nan')):.2f}-"
                f"{sp.get('max', float('nan')):.2f}, {sp.get('rounds', 0)} rounds); first call "
                f"{ser['time_first'] / r['time_first']:.2f}; {extra}; {same}; load <= "
                f"{load:.1f} |")
    for r in res.get("wfull", []):  # benchmarks/wannier_speed.py
        if "lrtheory" not in r:
            continue
        ours, wb = r["lrtheory"], r.get("wberri", {})
        vs = f"WannierBerri {wb['version']} {wb['time']:.3f} s" if "time" in wb else \
            wb.get("error", "")
        add(f"| W90 Fe AHC {r['file']} ({'full' if r['full'] else 'tight-binding'}, "
            f"{ours['nrpts']} R) | {r['N']}^3 | {ours['time']:.3f} | {ours['floor']:.3f} | "
            f"{ours['ratio']:.2f} (median of {len(ours.get('ratio_rounds', [1]))} rounds) | | "
            f"{vs} |")
    return "\n".join(lines)


def plots(R, outdir):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # a case not measured (e.g. --only into a fresh --out) is an empty list, not a KeyError
    res = collections.defaultdict(list, R["results"])
    outdir.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(1, 3, figsize=(13, 3.8))
    for m, style in (("floor", "k--"), ("lrtheory", "o-"), ("sum-over-states", "d-"),
                     ("plain", "s-"), ("pythtb", "^-"), ("pythtb2", "v-"), ("wberri", "x-")):
        rows = [r for r in res["bulk"] if r.get("method") == m and "time" in r]
        if rows:
            ax[0].loglog([r["N"] ** 2 for r in rows], [r["time"] for r in rows], style,
                         label="eigh floor" if m == "floor" else m)
    mem = [r for r in res["mem"] if "time" in r]
    if mem:
        ax0b = ax[0].twinx()
        ax0b.semilogx([r["nk_total"] for r in mem], [r["maxrss_mb"] for r in mem], "r:",
                      label="peak RSS (MB)")
        ax0b.set_ylabel("peak RSS of the Hall k-sum (MB)", color="r")
        ax0b.set_ylim(0, 1.3 * max(r["maxrss_mb"] for r in mem))  # keep the line visible
    ax[0].set_xlabel("Nk (Haldane bulk)")
    ax[0].set_ylabel("time (s)")
    ax[0].legend(fontsize=8)
    for m, style in (("floor", "k--"), ("lrtheory", "o-")):
        rows = [r for r in res["ribbon"] if r.get("method") == m and "time" in r]
        if rows:
            ax[1].loglog([r["W"] for r in rows], [r["time"] / r["nk"] for r in rows], style,
                         label="eigh floor" if m == "floor" else "ribbon_accumulation")
    rows = [r for r in res["ribbon"] if r.get("method") == "floor" and "time" in r]
    if rows:
        ax[1].loglog([r["W"] for r in rows], [r["time_hk"] / r["nk"] for r in rows], "g:",
                     label="H(k) build")
    ax[1].set_xlabel("ribbon width W")
    ax[1].set_ylabel("time per k-point (s)")
    ax[1].legend(fontsize=8)
    for kind, n in sorted({(r["kind"], r["n"]) for r in res["w90"] if "kind" in r}):
        ser = _get(res["w90"], kind=kind, n=n, method="serial")
        if ser is None:
            continue
        xs, ys = [1], [1.0]
        for m in ("processes", "dask"):
            r = _get(res["w90"], kind=kind, n=n, method=m)
            if r:
                xs.append(2)
                ys.append(ser["time"] / r["time"])
                ax[2].plot([2], [ser["time"] / r["time"]], "o" if m == "processes" else "s",
                           label=f"{kind} {n}^3 {m}")
    ax[2].plot([1, 2], [1, 2], "k--", label="ideal")
    ax[2].set_xlabel("workers")
    ax[2].set_ylabel("speed-up vs serial")
    ax[2].set_xticks([1, 2])
    ax[2].legend(fontsize=7)
    la = R.get("loadavg_start")
    fig.suptitle(f"lrtheory benchmarks ({R['started']}, load average at start "
                 f"{la[0]:.1f}/{la[1]:.1f}/{la[2]:.1f} on {R['machine']['affinity']} cores)",
                 fontsize=9)
    fig.tight_layout()
    fig.savefig(outdir / "perf_scaling.png", dpi=110)
    plt.close(fig)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="N <= 240, W <= 320, Nk3D ~ 1e5")
    p.add_argument("--repeat", type=int, default=2, help="repetitions per timing (min taken)")
    p.add_argument("--pythtb-max", type=int, default=480, help="largest N timed with PythTB")
    p.add_argument("--smoke", action="store_true", help="every case at a tiny size in this "
                   "process, no peers/data files/Dask: the suite's check that the benchmarks "
                   "run (measures nothing; --out and --img default to a temporary folder)")
    p.add_argument("--out", default=None, help="results file (default "
                   "benchmarks/results.json)")
    p.add_argument("--img", default=None, help="folder of the plots (default docs/img)")
    p.add_argument("--child", nargs=2, metavar=("CASE", "PARAMS"), help=argparse.SUPPRESS)
    p.add_argument("--replot", action="store_true", help="only redo table/plots from --out")
    p.add_argument("--only", default="", help="comma-separated cases to re-measure "
                   "(bulk,ohe,ribbon,mem,w90,scale,wfull); the others are kept from --out")
    p.add_argument("--ribbon-sizes", default="", help="ribbon cases as W:NK,W:NK (default "
                   "20:2048,80:512,320:32,1000:4)")
    p.add_argument("--fe-w90", default="", help="bcc Fe _tb.dat of the scale case "
                   "(default: $LRTHEORY_FE_W90 or " + FE_W90_DEFAULT + ")")
    a = p.parse_args(argv)
    if a.child:
        child(a.child[0], json.loads(a.child[1]))
        return 0
    if a.smoke:  # never overwrite the recorded results or the docs' plots
        global IN_PROCESS
        IN_PROCESS, a.repeat = True, 1
        if a.out is None or a.img is None:
            tmp = Path(tempfile.mkdtemp(prefix="lrtheory-bench-smoke-"))
            a.out, a.img = a.out or str(tmp / "results.json"), a.img or str(tmp)
    a.out = a.out or str(ROOT / "benchmarks" / "results.json")
    a.img = a.img or str(ROOT / "docs" / "img")
    if a.replot:
        R = json.loads(Path(a.out).read_text())
    else:
        R = run_all(a)
        Path(a.out).write_text(json.dumps(R, indent=1))
    table = summarize(R)
    R["table"] = table
    Path(a.out).write_text(json.dumps(R, indent=1))
    plots(R, Path(a.img))
    print()
    print(f"load average: start {R['loadavg_start']}, end {R.get('loadavg_end')}")
    print(table)
    if a.smoke:
        failed = [(case, row) for case, rows in R["results"].items() for row in rows
                  if "error" in row]
        print(f"smoke: {a.out}, {Path(a.img) / 'perf_scaling.png'}; "
              f"{len(failed)} failed row(s)", *failed, sep="\n")
        return 1 if failed else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
