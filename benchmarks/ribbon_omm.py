"""Wall time of the full Fig. 2 accumulation vs the bare batched eigh of the same k stack.

Run: ``python benchmarks/ribbon_omm.py [--nk 2048] [--width 20]``. Prints both times and
their ratio (the overhead of building H(k), weights, response matrices and all site profiles
over the diagonalisation itself). BLAS is pinned to one thread for both (see
lrtheory.parallel.blas_single_thread). No asserts: a report, not a test.
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from lrtheory.models.haldane import haldane
from lrtheory.parallel import blas_single_thread
from lrtheory.response.density import ribbon_accumulation


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--nk", type=int, default=2048)
    p.add_argument("--width", type=int, default=20)
    p.add_argument("--repeat", type=int, default=3)
    a = p.parse_args()
    rib = haldane(t2=0.0, delta=0.5).ribbon(a.width)
    k = rib.k_grid(a.nk)
    H = rib.hamiltonian(k)
    t_eig, t_acc = [], []
    for _ in range(a.repeat):
        with blas_single_thread():
            t0 = time.perf_counter()
            np.linalg.eigh(H)
            t_eig.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        ribbon_accumulation(rib, 1.5, nk=a.nk, convergence=False)
        t_acc.append(time.perf_counter() - t0)
    te, ta = min(t_eig), min(t_acc)
    print(f"Fig. 2 accumulation, W={a.width}, Nk={a.nk} ({rib.n_orbitals} orbitals): "
          f"{ta:.3f} s; bare batched eigh: {te:.3f} s; ratio {ta / te:.2f}")


if __name__ == "__main__":
    main()
