"""KPM at 10^6 orbitals (issue #16 item 3): DOS and a site-resolved valley accumulation.

Gapped graphene (TR-invariant, t2 = 0, delta = 0.3 t0) on a 1000 x 500-cell zigzag
ribbon (periodic along a_1 = x, open along a_2; 10^6 orbitals), field along x (along the
edges): the valley density (TR-odd) can only
accumulate through the Fermi-surface (dissipative) term, here in its Kubo-Greenwood form with
the Lorentz kernel (eta_equivalent in the output). The per-site profile is averaged along x
(rows of constant y) with its stochastic error. Writes benchmarks/kpm_scale.json.

Run: cd <worktree> && nice -n 5 python3 benchmarks/kpm_scale.py [n1 n2 workers]
Not a test: it takes minutes.
"""
import json
import os
import resource
import sys
import time

import numpy as np

from lrtheory import kpm
from lrtheory.kpm.sample import honeycomb_valley_model
from lrtheory.models.haldane import haldane


def rss_gb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6


def main(n1=1000, n2=500, workers=2):
    out = {"load_before": os.getloadavg(), "cells": [n1, n2]}
    t = time.perf_counter()
    model = haldane(t2=0.0, delta=0.3)
    s = kpm.supercell(model, (n1, n2), periodic=(True, False))
    V = kpm.supercell(honeycomb_valley_model(), (n1, n2), periodic=(True, False)).hamiltonian
    out.update(n_orbitals=s.n_orbitals, nnz=int(s.hamiltonian.nnz),
               build_seconds=time.perf_counter() - t, rss_after_build_gb=rss_gb())
    print(out, flush=True)
    E = np.linspace(-3.2, 3.2, 161)
    dos = kpm.density_of_states(s, E, n_moments=512, n_vectors=2, workers=workers,
                                vectors_per_chunk=1)
    out["dos"] = {"energy": E.tolist(), "dos": dos.values["dos"].tolist(),
                  "error": dos.error["dos"].tolist(), "wall_seconds": dos.settings["wall_seconds"],
                  "n_moments": 512, "n_vectors": 2, "workers": workers}
    print("dos", dos.settings["wall_seconds"], rss_gb(), flush=True)
    acc = kpm.fermi_surface_accumulation(s, [0.8], operator=V, field=(1.0, 0.0),
                                         n_moments=256, n_vectors=2, workers=workers,
                                         kernel="lorentz")
    a = acc.values["accumulation"][:, 0]
    err = acc.error["accumulation"][:, 0]
    rows = np.arange(s.n_orbitals) // 2 % n2  # index n2 of cell (n1 n2) ordering: c = i1 n2 + i2
    prof = np.bincount(rows, a, n2) / np.bincount(rows, None, n2)
    perr = np.sqrt(np.bincount(rows, err ** 2, n2)) / np.bincount(rows, None, n2)
    y = np.bincount(rows, s.positions[:, 1], n2) / np.bincount(rows, None, n2)
    out["accumulation"] = {"y": y.tolist(), "profile": prof.tolist(), "error": perr.tolist(),
                           "total": float(acc.values["total"][0]),
                           "wall_seconds": acc.settings["wall_seconds"], "n_moments": 256,
                           "n_vectors": 2, "workers": workers, "ef": 0.8,
                           "eta_equivalent": acc.settings["eta_equivalent"]}
    out["max_rss_gb_main"] = rss_gb()
    out["load_after"] = os.getloadavg()
    print("acc", acc.settings["wall_seconds"], rss_gb(), os.getloadavg(), flush=True)
    with open(os.path.join(os.path.dirname(__file__), "kpm_scale.json"), "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main(*(int(x) for x in sys.argv[1:]))
