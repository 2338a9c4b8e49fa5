"""DOS moments end to end (issue #16 item 4): lrtheory.kpm.chebyshev.dos_moments (in-place
recursion, overlaps without temporaries) against the textbook version it replaced (kept here
verbatim as the reference), same vectors, 10^4 and 10^6 orbitals, R = 1, 4 (the DOS's
default block) and 8, N = 64 moments (32 steps with the doubling). Interleaved, best of
rounds (wall and thread CPU time, see kpm_perf.py); the two must agree to 1e-12 relative.
The ChebyshevRecursion is built once per size (as the quantities do; its build time, two
scaled copies of the matrix values, is recorded apart).
Writes benchmarks/kpm_dos_speed.json.

Run: cd <worktree> && nice -n 5 python3 benchmarks/kpm_dos_speed.py [rounds]
"""
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kpm_perf import SIZES, torus_hamiltonian  # noqa: E402

from lrtheory import kpm  # noqa: E402
from lrtheory.kpm import chebyshev as cb  # noqa: E402
from lrtheory.kpm.recursion import ChebyshevRecursion  # noqa: E402
from lrtheory.models.haldane import haldane  # noqa: E402


def textbook_dos_moments(Ht, vectors, N):
    a0 = vectors
    a1 = Ht @ a0
    R = a0.shape[1]
    mu = np.zeros((R, N), complex)
    mu[:, 0] = np.einsum("dr,dr->r", a0.conj(), a0)
    mu[:, 1] = np.einsum("dr,dr->r", a0.conj(), a1)
    m0, m1 = mu[:, 0].copy(), mu[:, 1].copy()
    n = 1
    while 2 * n < N:
        mu[:, 2 * n] = 2 * np.einsum("dr,dr->r", a1.conj(), a1) - m0
        if 2 * n + 1 >= N:
            break
        a2 = Ht @ a1
        a2 *= 2
        a2 -= a0
        mu[:, 2 * n + 1] = 2 * np.einsum("dr,dr->r", a2.conj(), a1) - m1
        a0, a1 = a1, a2
        n += 1
    return mu


def main(rounds=3, N=64):
    model = haldane(t2=0.1, phi=np.pi / 2, delta=0.2)
    out = {"load_before": os.getloadavg(), "n_moments": N, "rows": []}
    mats = {}
    for L in (SIZES[0], SIZES[2]):
        H = torus_hamiltonian(model, L)
        mats[L] = cb.rescaled(H, kpm.spectral_bounds(H))
    recs, out["build_seconds"] = {}, {}
    for L, Ht in mats.items():  # built once per run, as lrtheory.kpm.quantities does
        t = time.perf_counter()
        recs[L] = ChebyshevRecursion(Ht)
        out["build_seconds"][str(Ht.shape[0])] = time.perf_counter() - t
    best = {}
    for _ in range(rounds):
        for L, Ht in mats.items():
            for R in (1, 4, 8):
                r = cb.random_vectors(Ht.shape[0], range(R), 0)
                for name, f in (("textbook", textbook_dos_moments), ("inplace", cb.dos_moments)):
                    M = Ht if name == "textbook" else recs[L]
                    t, c = time.perf_counter(), time.thread_time()
                    mu = f(M, r, N)
                    dt, dc = time.perf_counter() - t, time.thread_time() - c
                    key = (L, R, name)
                    old = best.get(key, (np.inf, np.inf))
                    best[key] = (min(old[0], dt), min(old[1], dc))
                    if name == "textbook":
                        ref = mu
                    else:
                        dev = float(np.abs(mu - ref).max() / np.abs(ref).max())
                        assert dev < 1e-12, dev
                print(L, R, {k[2]: v for k, v in best.items() if k[:2] == (L, R)}, flush=True)
    for (L, R, name), (t, c) in best.items():
        D = mats[L].shape[0]
        out["rows"].append({"cells": list(L), "n_orbitals": D, "n_vectors": R,
                            "implementation": name, "seconds_best": t, "cpu_seconds_best": c,
                            "ns_per_step_per_orbital_per_vector": 1e9 * t / (N // 2 * D * R),
                            "cpu_ns_per_step_per_orbital_per_vector":
                                1e9 * c / (N // 2 * D * R)})
    out["load_after"] = os.getloadavg()
    with open(os.path.join(os.path.dirname(__file__), "kpm_dos_speed.json"), "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main(*(int(x) for x in sys.argv[1:]))
