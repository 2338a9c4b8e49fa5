"""WannierBerri timing of the Haldane anomalous Hall conductivity on an N x N (x 1) grid;
run by benchmarks/run.py inside its own venv (``benchmarks/.venv-wberri``: system Python 3.11,
``pip install wannierberri pythtb numba``; WannierBerri imports Numba for its Fermi-sea band
selection without declaring it). Usage: ``wberri_case.py N [REPEAT [NKFFT]]``.

Same model as run.py: t0 = 1, t2 = 0.1, phi = pi/2, Delta = 0.2, lattice a1 = (1, 0),
a2 = (1/2, sqrt3/2) (read as angstrom), B at reduced (1/3, 1/3). It is handed to WannierBerri
through its PythTB 1.8 reader (``System_R.from_pythtb``: tight-binding convention, only the
Hamiltonian's own terms), and ``wberri.run`` integrates ``calculators.static.AHC`` (Fermi-sea
Berry curvature, ``O = -e^2/hbar int [dk] Omega f``, S/m) at E_F = 0 on ``Grid(NK=(N, N, 1))``
with WannierBerri's own choice of FFT sub-grid x K-point division, serial (no ray), no
symmetries given, no adaptive refinement. The model is 2D: WannierBerri pads a third,
non-periodic direction of length c = 1 angstrom, so the sheet conductance is O_z * c and
sigma_xy / (e^2/h) = O_z * 1e-10 m / (e^2/h); in the gap that is -C of the occupied band in
WannierBerri's sign convention. ``time`` = the ``run`` call only, minimum of ``REPEAT``
(default 2) calls in one process, like run.py's ``--repeat``: the first call also pays Numba's
JIT compilation (``time_first``); model + System set-up and imports are ``time_setup``.
``NKFFT`` (optional) forces NKFFT x NKFFT FFT blocks on an (N/NKFFT)^2 K-point division."""
import json
import os
import sys
import tempfile
import time
import warnings

import numpy as np

N = int(sys.argv[1])
REPEAT = int(sys.argv[2]) if len(sys.argv) > 2 else 2
NKFFT = int(sys.argv[3]) if len(sys.argv) > 3 else None  # default: WannierBerri chooses
warnings.simplefilter("ignore")
t_setup = time.perf_counter()
import pythtb  # noqa: E402
import wannierberri as wberri  # noqa: E402
from wannierberri import calculators  # noqa: E402

from pythtb_haldane import LATTICE, ORBITALS, set_haldane_terms  # noqa: E402 (benchmarks/)

tb = set_haldane_terms(pythtb.tb_model(2, 2, LATTICE, ORBITALS))
system = wberri.System_R.from_pythtb(tb)
if NKFFT is None:
    grid = wberri.Grid(system, NK=(N, N, 1), use_symmetry=False)
else:  # NKdiv x NKFFT = N in-plane (N must be a multiple of NKFFT)
    grid = wberri.Grid(system, NKdiv=(N // NKFFT, N // NKFFT, 1), NKFFT=(NKFFT, NKFFT, 1),
                       use_symmetry=False)
calc = {"ahc": calculators.static.AHC(Efermi=np.array([0.0]), tetra=False)}
t_setup = time.perf_counter() - t_setup

tmp = tempfile.TemporaryDirectory(prefix="wberri_")  # run() writes result files into the cwd
os.chdir(tmp.name)
times = []
for _ in range(max(1, REPEAT)):
    t = time.perf_counter()
    res = wberri.run(system, grid=grid, calculators=calc, parallel=False, adpt_num_iter=0,
                     use_irred_kpt=False, print_progress_step_time=1e9)
    times.append(time.perf_counter() - t)
dt = min(times)
os.chdir("/")
tmp.cleanup()
O = np.asarray(res.results["ahc"].data).reshape(-1, 3)[0]  # (E_F, component) -> E_F = 0
e2h = 1.602176634e-19 ** 2 / 6.62607015e-34
sxy = float(O[2] * 1e-10 / e2h)
peak = 0.0
for line in open("/proc/self/status"):
    if line.startswith("VmHWM:"):
        peak = float(line.split()[1]) / 1024
print("RESULT " + json.dumps({
    "time": dt, "time_first": times[0], "repeat": len(times), "time_setup": t_setup,
    "N": N, "nk_total": N * N,
    "grid": {"NKdiv": [int(x) for x in grid.div], "NKFFT": [int(x) for x in grid.FFT]},
    "ahc_S_per_m": [float(x) for x in O], "sigma_xy_e2h": sxy,
    "version": wberri.__version__, "maxrss_mb": peak}))
