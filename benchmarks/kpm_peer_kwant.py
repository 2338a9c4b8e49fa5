"""lrtheory.kpm's Kubo-Bastin conductivity tensor against Kwant's kpm.conductivity (issue #16).

Runs in the benchmark-only venv /work/venvs/kwant (Kwant 1.5.0 built against numpy < 2):
    cd <worktree> && PYTHONPATH=. nice -n 5 /work/venvs/kwant/bin/python \
        benchmarks/kpm_peer_kwant.py
Writes benchmarks/kpm_peer_kwant.json. Like with like: the same open 8 x 8 Haldane flake as
kpm_peer_hall_factor.py (its Hamiltonian and orbital positions passed to Kwant as a matrix;
Kwant builds v_ij = i H_ij (x_j - x_i), lrtheory's velocity), the same spectral window (Kwant's
a = (max - min)/(2 - eps) equals lrtheory's half width for eps = 2 m/(1 + m)), the same Jackson
moments, and exact traces on both sides (Kwant's vector_factory = the D unit vectors; its
moments are averaged over vectors, so its values are multiplied by D and divided by the
area). Kwant returns e^2/h (per volume); lrtheory's values are converted (2 pi sigma).
"""
import json
import os
import warnings

import numpy as np

from lrtheory import kpm
from lrtheory.conventions import ELECTRON_CHARGE
from lrtheory.kpm import chebyshev as cb
from lrtheory.kpm import exact
from lrtheory.models.haldane import haldane

warnings.filterwarnings("ignore", message="MUMPS")
import kwant  # noqa: E402


def main(n_cells=8, n_moments=66):
    flake = kpm.supercell(haldane(t2=0.1, phi=np.pi / 2, delta=0.2), (n_cells, n_cells),
                          periodic=False)
    sc = kpm.spectral_bounds(flake.hamiltonian)
    eps = 2 * sc.margin / (1 + sc.margin)
    ef = np.array([-1.5, -0.75, 0.0, 0.75, 1.5])
    g = cb.kernel_factors(n_moments)
    D = flake.n_orbitals
    out = {"kwant_version": kwant.__version__, "sample": f"open {n_cells} x {n_cells} Haldane "
           "flake (t2 = 0.1, phi = pi/2, delta = 0.2)", "n_moments": n_moments,
           "ef": ef.tolist(), "load": os.getloadavg()}
    for a, b in ("xx", "xy", "yx", "yy"):
        mu = exact.bastin_moments(flake, kpm.current_operator(flake, "charge", "xy".index(a)),
                                  flake.velocity["xy".index(b)], n_moments, sc)
        ours = (2 * np.pi * ELECTRON_CHARGE * cb.bastin_sigma(mu, g, sc.to_unit(ef))
                / (sc.half_width ** 2 * flake.volume))
        c = kwant.kpm.conductivity(flake.hamiltonian, alpha=a, beta=b,
                                   positions=flake.positions, num_moments=n_moments,
                                   num_vectors=D, vector_factory=np.eye(D, dtype=complex),
                                   bounds=(sc.e_min, sc.e_max), eps=eps)
        theirs = np.array([c(mu=e, temperature=0.0) for e in ef]).real * D / flake.volume
        out[a + b] = {"lrtheory_e2h": ours.tolist(), "kwant_e2h": theirs.tolist()}
    for k in ("xx", "yy"):
        out[f"ratio_kwant_{k}_to_lrtheory_{k}"] = (np.array(out[k]["kwant_e2h"])
                                                   / out[k]["lrtheory_e2h"]).tolist()
    out["ratio_kwant_xy_to_lrtheory_yx"] = (np.array(out["xy"]["kwant_e2h"])
                                            / out["yx"]["lrtheory_e2h"]).tolist()
    out["ratio_kwant_xy_to_lrtheory_xy"] = (np.array(out["xy"]["kwant_e2h"])
                                            / out["xy"]["lrtheory_e2h"]).tolist()
    print(json.dumps(out, indent=1))
    with open(os.path.join(os.path.dirname(__file__), "kpm_peer_kwant.json"), "w") as fh:
        json.dump(out, fh, indent=1)


if __name__ == "__main__":
    main()
