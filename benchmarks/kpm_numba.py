"""The numba engine of the Chebyshev step against SciPy's kernels and the memory bandwidth
(issue #16 item 4). Needs numba (``pip install 'lrtheory[fast]'``); never run by the tests.

**Metric** as ``kpm_perf.py``: the time of one in-place Chebyshev step ``y += +-2 H~ x`` (the
whole three-term update) divided by D orbitals and R random vectors (ns per moment per orbital
per vector), Haldane torus (t2 = 0.1, phi = pi/2: complex H~, 10 stored entries per row, int32
indices) at 1e4, 1e5, 1e6 (and 4e6) orbitals, and gapped graphene (t2 = 0: real H~) at 1e4 and
1e6. Engines: ``scipy`` (``ChebyshevRecursion(engine="scipy")``: csr_matvec(s)), ``numba1``
(numba, serial kernel), ``numba2`` (numba, rows over 2 threads).

**Bandwidth limit** (same process, same number of threads): the step's bytes (values 16 nnz
complex or 8 nnz real, column indices 4 nnz, row pointers 4 (D + 1), vectors 3 x 16 D R: read
T_n, read and write T_{n-1}) over a STREAM-like copy of 400 MB (read + write counted) on the
same number of threads: ``np.copyto`` on 1 thread, or on 2 Python threads each copying half
(NumPy releases the GIL in the copy). Measured before each size in every round.

**Times.** Wall time and the CPU time of the whole process (``time.process_time``: all
threads), best of ``repeat`` steps, then best and median over interleaved rounds. The machine
is shared: the load average is recorded before and after. Writes benchmarks/kpm_numba.json
(``kpm_numba_<layer>.json`` when ``NUMBA_THREADING_LAYER`` is set).
Also measured: numba's import time, the first call of each kernel in a fresh process (compile
or load from numba's cache), in subprocesses.

Run: cd <worktree> && nice -n 5 python3 benchmarks/kpm_numba.py [rounds] [--no-4e6]
"""
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numba  # noqa: E402

from kpm_perf import SIZES, torus_hamiltonian  # noqa: E402
from lrtheory import kpm  # noqa: E402
from lrtheory.kpm import chebyshev as cb  # noqa: E402
from lrtheory.kpm.recursion import ChebyshevRecursion  # noqa: E402
from lrtheory.models.haldane import haldane  # noqa: E402

ENGINES = ("scipy", "numba1", "numba2")


def stream(n_threads, n_bytes=400e6, repeat=5):
    """(wall GB/s, CPU GB/s) of a 400 MB copy, read + write counted: ``np.copyto`` on one
    thread, or on n threads each copying a contiguous n-th (NumPy releases the GIL in the
    copy loop). CPU time: the whole process."""
    a = np.ones(int(n_bytes // 8))
    b = np.empty_like(a)
    cuts = np.linspace(0, a.size, n_threads + 1).astype(int)
    pool = ThreadPoolExecutor(n_threads) if n_threads > 1 else None

    def part(k):
        np.copyto(b[cuts[k]:cuts[k + 1]], a[cuts[k]:cuts[k + 1]])

    def run():
        if pool is None:
            np.copyto(b, a)
        else:
            list(pool.map(part, range(n_threads)))
    run()
    best, best_cpu = np.inf, np.inf
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        run()
        best_cpu = min(best_cpu, time.process_time() - c)
        best = min(best, time.perf_counter() - t)
    if pool is not None:
        pool.shutdown()
    return 2 * a.nbytes / best / 1e9, 2 * a.nbytes / best_cpu / 1e9


def step_bytes(Ht, real, R):
    D, nnz = Ht.shape[0], Ht.nnz
    return (8 if real else 16) * nnz + 4 * nnz + 4 * (D + 1) + 3 * 16 * D * R


def time_engine(rec, threads, D, R, repeat):
    rec.threads = threads
    r = np.exp(1j * np.random.default_rng(0).uniform(0, 2 * np.pi, (D, R)))
    a0, a1 = r, np.ascontiguousarray(r[::-1])
    rec.accumulate(1, a1, a0)  # warm (compile / load)
    best, best_cpu, sign = np.inf, np.inf, 1
    for _ in range(repeat):
        sign = -sign
        t, c = time.perf_counter(), time.process_time()
        rec.accumulate(sign, a1, a0)
        best_cpu = min(best_cpu, time.process_time() - c)
        best = min(best, time.perf_counter() - t)
        a0, a1 = a1, a0
    return best, best_cpu


FIRST_CALL = r"""
import json, time, numpy as np, scipy.sparse as sp
t = time.perf_counter(); import numba; t_import = time.perf_counter() - t
from lrtheory.kpm.recursion import ChebyshevRecursion
H = sp.random(1000, 1000, density=0.01, format="csr", random_state=0, dtype=complex)
H = (H + H.conj().T) * 0.1
out = {"import_numba_s": t_import}
for real in (False, True):
    for th in (1, 2):
        rec = ChebyshevRecursion(H.real if real else H, engine="numba", threads=th)
        x = np.ones((1000, 8), complex); y = x.copy()
        t = time.perf_counter(); rec.accumulate(1, x, y)
        out[f"{'real' if real else 'complex'}_threads{th}_first_call_s"] = time.perf_counter() - t
print(json.dumps(out))
"""


def first_calls(cache_dir):
    """First-call times in two fresh processes: empty cache (compile), then warm cache."""
    env = dict(os.environ, NUMBA_CACHE_DIR=cache_dir,
               PYTHONPATH=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    res = {}
    for label in ("cold_cache", "warm_cache"):
        out = subprocess.run([sys.executable, "-c", FIRST_CALL], env=env, capture_output=True,
                             text=True, check=True).stdout
        res[label] = json.loads(out.strip().splitlines()[-1])
    return res


def main(rounds=3, big=True):
    import tempfile

    out = {"load_before": os.getloadavg(), "rounds": rounds, "numba": numba.__version__,
           "threading_layer_env": os.environ.get("NUMBA_THREADING_LAYER", "default"),
           "affinity": len(os.sched_getaffinity(0)), "rows": [], "stream": []}
    with tempfile.TemporaryDirectory() as tmp:
        out["first_calls"] = first_calls(tmp)
    print(out["first_calls"], flush=True)
    complex_model = haldane(t2=0.1, phi=np.pi / 2, delta=0.2)
    real_model = haldane(t2=0.0, delta=0.3)
    cases = [("haldane", complex_model, L) for L in SIZES[: 4 if big else 3]]
    cases += [("graphene_real", real_model, SIZES[0]), ("graphene_real", real_model, SIZES[2])]
    mats = {}
    for label, model, L in cases:
        H = torus_hamiltonian(model, L)
        Ht = cb.rescaled(H, kpm.spectral_bounds(H))
        del H
        mats[label, L] = (Ht, ChebyshevRecursion(Ht, engine="scipy"),
                          ChebyshevRecursion(Ht, engine="numba"))
    print("threading layer after a launch:", end=" ")
    time_engine(mats[cases[0][0], cases[0][2]][2], 2, mats[cases[0][0], cases[0][2]][0].shape[0],
                1, 2)
    out["threading_layer"] = numba.threading_layer()
    print(out["threading_layer"], flush=True)
    times = {}
    for rnd in range(rounds):
        for label, _, L in cases:
            Ht, rec_s, rec_n = mats[label, L]
            D = Ht.shape[0]
            bw = {1: stream(1), 2: stream(2)}
            out["stream"].append({"round": rnd, "n_orbitals": D, "threads1": bw[1],
                                  "threads2": bw[2]})
            repeat = max(3, min(30, int(3e6 // D)))
            for R in (1, 8):
                for eng in ENGINES:
                    rec, th = (rec_s, 1) if eng == "scipy" else (rec_n, int(eng[-1]))
                    t, c = time_engine(rec, th, D, R, repeat)
                    limit = bw[th]
                    times.setdefault((label, L, R, eng), []).append((t, c, limit))
                    print(rnd, label, D, R, eng, f"{1e9 * t / (D * R):.2f} ns wall",
                          f"{1e9 * c / (D * R):.2f} ns cpu", flush=True)
    for (label, L, R, eng), tb in times.items():
        Ht, rec_s, _ = mats[label, L]
        D = Ht.shape[0]
        t = np.array([x[0] for x in tb])
        c = np.array([x[1] for x in tb])
        bw = np.array([x[2][0] for x in tb]) * 1e9
        bwc = np.array([x[2][1] for x in tb]) * 1e9
        b = step_bytes(Ht, rec_s.real, R)
        n = 1e9 / (D * R)
        out["rows"].append({
            "model": label, "n_orbitals": D, "nnz": int(Ht.nnz), "real_H": bool(rec_s.real),
            "n_vectors": R, "engine": eng, "step_bytes": b,
            "wall_ns_best": n * float(t.min()), "wall_ns_median": n * float(np.median(t)),
            "cpu_ns_best": n * float(c.min()), "cpu_ns_median": n * float(np.median(c)),
            "stream_GBs_median": float(np.median(bw)) / 1e9,
            "stream_cpu_GBs_median": float(np.median(bwc)) / 1e9,
            "wall_over_limit_median": float(np.median(t * bw / b)),
            "wall_over_limit_best": float(np.min(t * bw / b)),
            "cpu_over_cpu_limit_median": float(np.median(c * bwc / b))})
    out["load_after"] = os.getloadavg()
    layer = os.environ.get("NUMBA_THREADING_LAYER")
    name = f"kpm_numba_{layer}.json" if layer else "kpm_numba.json"
    with open(os.path.join(os.path.dirname(__file__), name), "w") as f:
        json.dump(out, f, indent=1)
    print("load", out["load_before"], out["load_after"])


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(int(args[0]) if args else 3, big="--no-4e6" not in sys.argv)
