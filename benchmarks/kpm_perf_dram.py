"""KPM step time at 1e6 and 4e6 orbitals (DRAM regime, R = 1): is the time per moment per
orbital flat once the matrix no longer fits in cache? Writes benchmarks/kpm_perf_4e6.json.

Run: cd <worktree> && nice -n 5 python3 benchmarks/kpm_perf_dram.py (about 3 minutes).
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kpm_perf import step_time, stream_copy  # noqa: E402

from lrtheory import kpm  # noqa: E402
from lrtheory.kpm import chebyshev as cb  # noqa: E402
from lrtheory.models.haldane import haldane  # noqa: E402


def main():
    model = haldane(t2=0.1, phi=np.pi / 2, delta=0.2)
    rows = []
    for L in ((708, 707), (1415, 1414)):
        s = kpm.supercell(model, L)
        Ht = cb.rescaled(s.hamiltonian, kpm.spectral_bounds(s.hamiltonian))
        del s
        bw = stream_copy()
        mv, step = step_time(Ht, 1, 10)
        D = Ht.shape[0]
        b = 20 * Ht.nnz + 4 * (D + 1) + 6 * 16 * D
        rows.append(dict(n_orbitals=D, ns=1e9 * step / D, stream=bw / 1e9,
                         ratio=step / (b / bw), load=os.getloadavg()))
        print(rows[-1], flush=True)
        del Ht
    with open(os.path.join(os.path.dirname(__file__), "kpm_perf_4e6.json"), "w") as f:
        json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
