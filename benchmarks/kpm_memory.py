"""Peak memory of a KPM run against the number of orbitals (issue #16 item 4: linear).

Each size runs in its own child process (clean ru_maxrss): build the Haldane torus
(t2 = 0.1), then a DOS with N = 64 moments and R = 1 vector, serial. Writes
benchmarks/kpm_memory.json. Run: cd <worktree> && nice -n 5 python3 benchmarks/kpm_memory.py
"""
import json
import os
import resource
import subprocess
import sys

CHILD = """
import resource, sys, numpy as np
from lrtheory import kpm
from lrtheory.models.haldane import haldane
L1, L2 = int(sys.argv[1]), int(sys.argv[2])
s = kpm.supercell(haldane(t2=0.1, delta=0.2), (L1, L2))
kpm.density_of_states(s, [0.0], n_moments=64, n_vectors=1)
print(s.n_orbitals, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def main():
    rows = []
    base = int(subprocess.run([sys.executable, "-c", "import resource, numpy, scipy.sparse; "
                               "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"],
                              capture_output=True, text=True, check=True).stdout)
    for L in ((71, 71), (224, 224), (708, 707)):
        out = subprocess.run([sys.executable, "-c", CHILD, *map(str, L)], capture_output=True,
                             text=True, check=True, env={**os.environ}).stdout.split()
        D, kb = int(out[0]), int(out[1])
        rows.append({"n_orbitals": D, "peak_rss_mb": kb / 1e3,
                     "bytes_per_orbital_above_baseline": (kb - base) * 1e3 / D})
        print(rows[-1], flush=True)
    with open(os.path.join(os.path.dirname(__file__), "kpm_memory.json"), "w") as f:
        json.dump({"baseline_rss_mb": base / 1e3, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
