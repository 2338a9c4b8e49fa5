"""DOS moments end to end with the two engines of the Chebyshev step (issue #16 item 4).

``chebyshev.dos_moments`` (N = 64: 32 steps, each with the two overlaps of the doubling) on the
Haldane torus (complex H~) at 1e4 and 1e6 orbitals, R = 1, 4 (the default chunk of
``density_of_states``) and 8 vectors, ``engine="scipy"`` against ``engine="numba"`` (serial
kernel), interleaved, 3 rounds; CPU time of the thread per step per orbital per vector, best of
rounds; the moments of the two engines compared (relative difference). Needs numba. Writes
benchmarks/kpm_numba_dos.json. Run: cd <worktree> && nice -n 5 python3 benchmarks/kpm_numba_dos.py
"""
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from kpm_perf import SIZES, torus_hamiltonian  # noqa: E402
from lrtheory import kpm  # noqa: E402
from lrtheory.kpm import chebyshev as cb  # noqa: E402
from lrtheory.kpm.recursion import ChebyshevRecursion  # noqa: E402
from lrtheory.models.haldane import haldane  # noqa: E402

N = 64


def main(rounds=3):
    model = haldane(t2=0.1, phi=np.pi / 2, delta=0.2)
    out = {"load_before": os.getloadavg(), "n_moments": N, "rounds": rounds, "rows": []}
    recs = {}
    for L in (SIZES[0], SIZES[2]):
        H = torus_hamiltonian(model, L)
        Ht = cb.rescaled(H, kpm.spectral_bounds(H))
        recs[L] = {e: ChebyshevRecursion(Ht, engine=e, threads=1) for e in ("scipy", "numba")}
    times, diffs = {}, {}
    for _ in range(rounds):
        for L, by_engine in recs.items():
            D = by_engine["scipy"].shape[0]
            for R in (1, 4, 8):
                r = cb.random_vectors(D, np.arange(R), 0)
                mu = {}
                for eng, rec in by_engine.items():
                    c = time.thread_time()
                    mu[eng] = cb.dos_moments(rec, r, N)
                    t = (time.thread_time() - c) / (N // 2) / (D * R) * 1e9
                    times.setdefault((D, R, eng), []).append(t)
                    print(D, R, eng, f"{t:.2f} ns cpu per step/orbital/vector", flush=True)
                diffs[D, R] = float(np.abs(mu["numba"] - mu["scipy"]).max()
                                    / np.abs(mu["scipy"]).max())
    for (D, R, eng), t in times.items():
        out["rows"].append({"n_orbitals": D, "n_vectors": R, "engine": eng,
                            "cpu_ns_best": min(t), "cpu_ns_median": float(np.median(t)),
                            "moments_rel_diff_between_engines": diffs[D, R]})
    out["load_after"] = os.getloadavg()
    with open(os.path.join(os.path.dirname(__file__), "kpm_numba_dos.json"), "w") as f:
        json.dump(out, f, indent=1)
    print("load", out["load_before"], out["load_after"])


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
