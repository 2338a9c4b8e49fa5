"""Do the KPM entry points gain from blocking vectors, with either engine? (issue #16 item 4)

The three quantities on a 70 x 70 Haldane torus (9800 orbitals, complex H), 4 random vectors,
``vectors_per_chunk`` 1 (the default of the Hall conductivity and of the accumulation) and 4
(the default of the DOS), with ``LRTHEORY_NUMBA=0`` (SciPy) and ``=1`` (numba, serial kernel):
DOS (N = 512), Fermi-surface accumulation (N = 256, one E_F), Kubo-Bastin Hall (N = 64). CPU
time of the process, best of 2 interleaved rounds (the first numba call, which loads the
compiled kernels, is in round 0 only). Needs numba. Writes benchmarks/kpm_numba_blocking.json.
Run: cd <worktree> && nice -n 5 python3 benchmarks/kpm_numba_blocking.py
"""
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from lrtheory import kpm  # noqa: E402
from lrtheory.models.haldane import haldane  # noqa: E402


def main(rounds=2):
    s = kpm.supercell(haldane(t2=0.1, phi=np.pi / 2, delta=0.2), (70, 70))
    out = {"n_orbitals": s.n_orbitals, "load_before": os.getloadavg(), "rows": []}
    calls = {
        "hall": lambda vpc: kpm.hall_conductivity(s, [0.0], n_moments=64, n_vectors=4,
                                                  vectors_per_chunk=vpc),
        "accumulation": lambda vpc: kpm.fermi_surface_accumulation(
            s, [0.0], n_moments=256, n_vectors=4, vectors_per_chunk=vpc),
        "dos": lambda vpc: kpm.density_of_states(s, [0.0], n_moments=512, n_vectors=4,
                                                 vectors_per_chunk=vpc)}
    res = {}
    for rnd in range(rounds):
        for flag in ("0", "1"):
            os.environ["LRTHEORY_NUMBA"] = flag
            for vpc in (1, 4):
                for name, f in calls.items():
                    c = time.process_time()
                    f(vpc)
                    c = time.process_time() - c
                    res.setdefault((name, flag, vpc), []).append(c)
                    print(rnd, name, "numba" if flag == "1" else "scipy", "vectors_per_chunk",
                          vpc, f"{c:.2f} s cpu", flush=True)
    for (name, flag, vpc), v in sorted(res.items()):
        out["rows"].append({"quantity": name, "engine": "numba" if flag == "1" else "scipy",
                            "vectors_per_chunk": vpc, "cpu_s_best": min(v), "cpu_s": v})
    out["load_after"] = os.getloadavg()
    with open(os.path.join(os.path.dirname(__file__), "kpm_numba_blocking.json"), "w") as f:
        json.dump(out, f, indent=1)
    print("load", out["load_before"], out["load_after"])


if __name__ == "__main__":
    main()
