"""KPM performance (issue #16 item 4): time per moment per orbital from 10^4 to 10^6 orbitals,
and the sparse product against the memory bandwidth of a STREAM-like numpy copy.

One process, measurements interleaved (size by size, copy between them) and repeated; the best
of the repeats is kept (the machine is shared: the load is recorded). Writes
benchmarks/kpm_perf.json. Run: cd <worktree> && nice -n 5 python3 benchmarks/kpm_perf.py

Bytes of one CSR product y = H~ X (X: D x R complex): values 16 nnz + column indices 4 nnz +
row pointers 4 (D + 1) + X read 16 D R + y written 16 D R (write-allocate: + 16 D R read).
The recursion step T_{n+1} = 2 H~ T_n - T_{n-1} adds 2 passes over D R vectors (scale,
subtract: + 3 x 16 D R). The bandwidth limit is bytes / (STREAM copy bandwidth).
"""
import json
import os
import time

import numpy as np

from lrtheory import kpm
from lrtheory.kpm import chebyshev as cb
from lrtheory.models.haldane import haldane


def stream_copy(n_bytes=400e6, repeat=5):
    a = np.ones(int(n_bytes // 8))
    b = np.empty_like(a)
    best = np.inf
    for _ in range(repeat):
        t = time.perf_counter()
        np.copyto(b, a)
        best = min(best, time.perf_counter() - t)
    return 2 * a.nbytes / best  # read a + write b (bytes/s); no write-allocate counted


def step_time(Ht, R, repeat):
    D = Ht.shape[0]
    rng = np.random.default_rng(0)
    a0 = np.exp(1j * rng.uniform(0, 6.3, (D, R)))
    a1 = Ht @ a0
    best_mv, best_step = np.inf, np.inf
    for _ in range(repeat):
        t = time.perf_counter()
        y = Ht @ a1
        best_mv = min(best_mv, time.perf_counter() - t)
        t = time.perf_counter()
        a2 = Ht @ a1
        a2 *= 2
        a2 -= a0
        best_step = min(best_step, time.perf_counter() - t)
        a0, a1 = a1, a2
    del y
    return best_mv, best_step


def main(repeat=15):
    model = haldane(t2=0.1, phi=np.pi / 2, delta=0.2)
    sizes = [(71, 71), (224, 224), (708, 707)]  # 2 L1 L2 orbitals: ~1e4, 1e5, 1e6
    samples = {}
    for L in sizes:
        s = kpm.supercell(model, L)
        samples[L] = cb.rescaled(s.hamiltonian, kpm.spectral_bounds(s.hamiltonian))
    out = {"load_before": os.getloadavg(), "stream_copy_GBs": [], "rows": []}
    for R in (1, 8):
        for L, Ht in samples.items():
            bw = stream_copy()
            out["stream_copy_GBs"].append(bw / 1e9)
            D, nnz = Ht.shape[0], Ht.nnz
            mv, step = step_time(Ht, R, repeat)
            bytes_mv = 20 * nnz + 4 * (D + 1) + 3 * 16 * D * R
            bytes_step = bytes_mv + 3 * 16 * D * R
            out["rows"].append({
                "cells": list(L), "n_orbitals": D, "nnz": nnz, "n_vectors": R,
                "matvec_seconds": mv, "step_seconds": step,
                "ns_per_moment_per_orbital": 1e9 * step / (D * R),
                "matvec_GBs": bytes_mv / mv / 1e9, "step_GBs": bytes_step / step / 1e9,
                "stream_GBs": bw / 1e9,
                "step_over_bandwidth_limit": step / (bytes_step / bw)})
            print(out["rows"][-1], flush=True)
    out["load_after"] = os.getloadavg()
    with open(os.path.join(os.path.dirname(__file__), "kpm_perf.json"), "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
