"""Fixed inputs and helpers shared by the golden case modules."""
from __future__ import annotations

import numpy as np

from tests.golden.api import A

# fixed inputs ---------------------------------------------------------------------------
HALDANE = dict(t0=1.0, t2=0.1, phi=0.7, delta=0.2)
GAPPED = dict(t0=1.0, t2=0.0, delta=0.5)  # TR-invariant gapped graphene
W = 4  # ribbon width (cells)
NK = 64  # ribbon k grid


def kpts(n: int, d: int, seed: int = 1234, scale: float = 3.0) -> np.ndarray:
    """``n`` fixed Cartesian k points in ``d`` dimensions (seeded, generic: no degeneracy)."""
    return np.random.default_rng(seed).uniform(-scale, scale, size=(n, d))


def bloch(model, k) -> dict:
    """H(k), V(k) (both ways), band energies and gauge-invariant band quantities."""
    hv = A("hamiltonian_and_velocity")(model, k)
    e = np.linalg.eigvalsh(model.hamiltonian(k))
    return {"H": model.hamiltonian(k), "V": model.velocity(k), "hv_H": hv[0], "hv_V": hv[1],
            "energies": e}


def thin(a, max_size: int = 1500):
    """Every s-th row of a large array (so the stored data stay small)."""
    a = np.asarray(a)
    step = max(1, -(-a.size // max_size))
    return a[::step] if a.ndim else a


def min_gap(es) -> float:
    """Smallest non-degenerate level spacing of an eigensystem (what the removed, unused
    ``Eigensystem.min_gap`` returned; same arithmetic)."""
    de = np.abs(es.energy_differences())
    de = np.where(de <= es.degen_tol, np.inf, de)
    return float(de.min()) if de.size else np.inf
