"""Wannier k-sums against the bare batched ``eigh`` floor and against WannierBerri, on the
same grid and machine (the ``wfull`` case of benchmarks/run.py; issue #15 Speed).

    python benchmarks/wannier_speed.py OUT.json N ROUNDS FILE[:full] [FILE[:full] ...]

For each file (``:full`` = ``interpolation='full'``): the AHC tensor ``hall_tensor(model,
[E_F], nk=N, operator='charge')`` (serial, one BLAS thread) and the floor, ``np.linalg.eigh``
of the same N^3 stack of H(k) (built beforehand, not timed), measured in one process,
interleaved (floor, lrtheory, floor, lrtheory, ...) ``ROUNDS`` times (use >= 7 on a shared
machine): CPU time (``time.process_time``), ``ratio`` the median of the per-round ratios
(``ratio_rounds`` all of them), ``time``/``floor`` the medians (``wall_min`` the minimum wall
time). ``OPENBLAS_NUM_THREADS`` and ``OMP_NUM_THREADS`` are set to 1 before NumPy is
imported when unset: with the BLAS pool limited only at run time (threadpoolctl), an idle
pool thread spins after each large matrix product, and its CPU time made ``eigh`` after a
product cost 1.6x the floor in ``process_time``.
WannierBerri (``/work/venvs/wberri`` or ``$LRTHEORY_WBERRI_PYTHON``): ``wberri.run`` of
``calculators.static.AHC`` on ``Grid(NKdiv=1, NKFFT=N)`` reading the same file
(``System_tb``, positions included for ``:full``, else ``force_internal_terms_only``),
serial, no symmetry, no refinement, minimum of ``ROUNDS`` calls after one warm-up (Numba
compilation), run in its own process with one BLAS thread.
"""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EF = 17.6255  # eV: bcc Fe (nscf.out); any E_F costs the same

WB_CODE = r"""
import json, os, sys, tempfile, time, warnings
warnings.simplefilter("ignore")
import numpy as np
import wannierberri as wb
from wannierberri import calculators
path, N, rounds, full = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1"
s = wb.system.System_tb(tb_file=path, berry=full, silent=True,
                        force_internal_terms_only=not full)
if full:
    s.set_R_mat("AA", s.get_R_mat("AA"), reset=True, Hermitian=True)
grid = wb.Grid(s, NKdiv=(1, 1, 1), NKFFT=(N, N, N), use_symmetry=False)
calc = {"ahc": calculators.static.AHC(Efermi=np.array([%r]), tetra=False)}
os.chdir(tempfile.mkdtemp())
times = []
for i in range(rounds + 1):
    t = time.perf_counter()
    res = wb.run(s, grid=grid, calculators=calc, parallel=False, adpt_num_iter=0,
                 use_irred_kpt=False, print_progress_step_time=1e9)
    times.append(time.perf_counter() - t)
O = np.asarray(res.results["ahc"].data).reshape(-1, 3)[0]
print("RESULT " + json.dumps({"time": min(times[1:]), "time_first": times[0],
                              "O_S_per_m": O.tolist(), "version": wb.__version__}))
""" % EF


def lrtheory_timings(path, full, N, rounds):
    from threadpoolctl import threadpool_limits

    from lrtheory.io.wannier90 import load_wannier90
    from lrtheory.response.hall3d import bz_grid_nd, hall_tensor

    threadpool_limits(1)
    model = load_wannier90(path, interpolation="full" if full else "tight-binding")
    k, _ = bz_grid_nd(model, N)
    H = model.hamiltonian(k)
    sigma = hall_tensor(model, [EF], nk=N, operator="charge").values["sigma"][0]  # warm-up
    floor, ours, wall = [], [], []
    for _ in range(rounds):
        t = time.process_time()
        np.linalg.eigh(H)
        floor.append(time.process_time() - t)
        t, w = time.process_time(), time.perf_counter()
        sigma = hall_tensor(model, [EF], nk=N, operator="charge").values["sigma"][0]
        ours.append(time.process_time() - t)
        wall.append(time.perf_counter() - w)
    ratios = np.array(ours) / np.array(floor)
    return {"floor": float(np.median(floor)), "time": float(np.median(ours)),
            "ratio": float(np.median(ratios)), "ratio_rounds": ratios.round(3).tolist(),
            "wall_min": min(wall), "clock": "process_time",
            "n_orbitals": model.n_orbitals, "nrpts": int(len(model._rblocks[0])),
            "sigma_xy": float(sigma[0, 1])}


def wberri_timing(path, full, N, rounds):
    py = os.environ.get("LRTHEORY_WBERRI_PYTHON", "/work/venvs/wberri/bin/python")
    if not Path(py).exists():
        return {"error": f"no WannierBerri venv at {py}"}
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1",
               MKL_NUM_THREADS="1", NUMBA_NUM_THREADS="1")
    r = subprocess.run([py, "-c", WB_CODE, str(path), str(N), str(rounds), str(int(full))],
                       capture_output=True, text=True, env=env, timeout=3600)
    line = [x for x in r.stdout.splitlines() if x.startswith("RESULT ")]
    return json.loads(line[-1][7:]) if line else {"error": r.stderr[-300:]}


def each_file(out, files, measure):
    """Run ``measure(path, full) -> row`` for each ``FILE[:full]`` (a row with ``error`` for a
    missing file), print each row as JSON and write ``{"rows": ..., "measured_at": ...}`` to
    ``out`` (shared by wannier_ab.py and wannier_floor.py)."""
    rows = []
    for spec in files:
        path, _, mode = spec.partition(":")
        full = mode == "full"
        if not Path(path).exists():
            rows.append({"file": path, "full": full, "error": f"{path} not present"})
            continue
        rows.append(measure(path, full))
        print(json.dumps(rows[-1]), flush=True)
    Path(out).write_text(json.dumps({"rows": rows, "measured_at":
                                     time.strftime("%Y-%m-%dT%H:%M:%S")}, indent=1))


def main(out, N, rounds, *files):
    N, rounds = int(N), int(rounds)

    def measure(path, full):
        row = {"file": Path(path).name, "full": full, "N": N,
               "loadavg_before": os.getloadavg()}
        row["lrtheory"] = lrtheory_timings(path, full, N, rounds)
        row["wberri"] = wberri_timing(path, full, N, rounds)
        row["loadavg_after"] = os.getloadavg()
        return row

    each_file(out, files, measure)


if __name__ == "__main__":
    if len(sys.argv) < 5:
        raise SystemExit(__doc__.split("\n\n")[1])
    sys.path.insert(0, str(ROOT))
    main(*sys.argv[1:])
