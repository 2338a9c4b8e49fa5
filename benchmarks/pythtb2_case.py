"""PythTB 2.x timing of the Haldane Chern number (Kubo-formula Berry curvature on an N x N
grid, ``TBModel.chern_number``); run by benchmarks/run.py inside a Python >= 3.12 venv
(PythTB 2.x does not install on 3.11). Same model as run.py: t0 = 1, t2 = 0.1, phi = pi/2,
Delta = 0.2, lattice a1 = (1, 0), a2 = (1/2, sqrt3/2), B at reduced (1/3, 1/3)."""
import json
import resource
import sys
import time

import numpy as np
import pythtb

from pythtb_haldane import LATTICE, ORBITALS, set_haldane_terms  # noqa: E402 (benchmarks/)

N = int(sys.argv[1])
m = set_haldane_terms(pythtb.TBModel(pythtb.Lattice(LATTICE, ORBITALS, periodic_dirs=[0, 1])))
t = time.perf_counter()
c = m.chern_number((0, 1), (N, N), occ_idxs=[0])
dt = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
for line in open("/proc/self/status"):
    if line.startswith("VmHWM:"):
        peak = float(line.split()[1]) / 1024
print("RESULT " + json.dumps({"time": dt, "chern": [float(np.real(c))],
                              "version": pythtb.__version__,
                              "maxrss_mb": peak}))
