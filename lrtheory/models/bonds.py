r"""Bonds of a tight-binding model: the energy-scale guard and the grouping of hoppings by
displacement into sparse triplets (qsymm/Kwant style ``H(k) = sum_m exp(i k.d_m) H_m``).

Used by :class:`lrtheory.models.tightbinding.TightBindingModel`; :class:`BondTable` is its
public read-only view (``model.bond_table``) for the model-file reader and the symmetry
search.

Units: energies in t0, lengths in a.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lrtheory.errors import ModelError

__all__ = ["BondTable", "group_bonds", "MAX_ENERGY_SCALE"]

_ROUND = 9  # decimals used to group equal bond displacements

#: largest accepted bound on ||H(k)|| and ||dH/dk|| (t0, t0 a): products of two such numbers
#: (v^2 in curvatures, H^2 inside eigh) must stay finite in double precision (max ~1.8e308)
MAX_ENERGY_SCALE = 1e150


def check_energy_scale(hops, onsite, lat, pos) -> float:
    """Refuse amplitudes whose size makes H(k) or products of it overflow (e.g. t = 1e308:
    NumPy overflow warnings and NaN bands instead of an answer). Returns the Gershgorin
    bound ``max_i (|eps_i| + sum_j |t_ij|)`` on every eigenvalue of every H(k) (t0)."""
    n = len(onsite)
    if n == 0:
        return 0.0
    row = np.abs(np.asarray(onsite, complex)).astype(float)
    longest = 1.0
    if hops:
        I = np.array([h.i for h in hops])
        J = np.array([h.j for h in hops])
        A = np.abs(np.array([h.t for h in hops], complex))
        R = np.array([h.R for h in hops], float).reshape(len(hops), -1)
        d = R @ lat + pos[J] - pos[I]
        longest = max(1.0, float(np.max(np.linalg.norm(d, axis=1))))
        with np.errstate(over="ignore", invalid="ignore"):
            np.add.at(row, I, A)
            np.add.at(row, J, A)
    with np.errstate(over="ignore", invalid="ignore"):
        scale = float(np.max(row)) * longest
    if not np.isfinite(scale) or scale > MAX_ENERGY_SCALE:
        raise ModelError(
            f"hopping and on-site magnitudes make ||H(k)|| (or ||dH/dk||) up to {scale:.3g}, "
            f"above the limit {MAX_ENERGY_SCALE:.0e} (t0) at which H, its square or v^2 "
            "overflow double precision: rescale the energies")
    return float(np.max(row))


@dataclass(frozen=True, eq=False)
class BondTable:
    r"""The bonds of a :class:`TightBindingModel` as sparse triplets (read-only arrays).

    ``H(k) = sum_m exp(i k.d_m) H_m`` with ``H_m[row, col] += amplitude`` for every entry of
    group ``m = group[e]`` (repeated positions add up), on-site terms in the group ``d = 0``.

    Attributes
    ----------
    displacements : (m, d_space) ndarray
        Distinct Cartesian bond displacements ``d_m = R.A + r_j - r_i`` (a), sorted.
    group, row, col : (E,) int ndarrays
        Group, row ``i`` and column ``j`` of each entry (both orientations of every bond).
    amplitude : (E,) complex ndarray
        The entry's amplitude (t0).
    n_orbitals : int
        Size of ``H``.
    """

    displacements: np.ndarray
    group: np.ndarray
    row: np.ndarray
    col: np.ndarray
    amplitude: np.ndarray
    n_orbitals: int

    def __post_init__(self):
        for name in ("displacements", "group", "row", "col", "amplitude"):
            getattr(self, name).setflags(write=False)

    def matrices(self) -> np.ndarray:
        """The dense bond matrices ``H_m`` (for analysis of small models).

        Returns
        -------
        ndarray
            ``H_m``, complex, shape (m, n, n) (t0), one per displacement.
        """
        n = self.n_orbitals
        Hm = np.zeros((len(self.displacements), n, n), complex)
        np.add.at(Hm, (self.group, self.row, self.col), self.amplitude)
        return Hm


def group_bonds(hoppings, onsite: np.ndarray, lattice_vectors: np.ndarray,
                positions: np.ndarray):
    """Group the terms of a hopping list by Cartesian displacement ``d = R.A + r_j - r_i``.

    Parameters
    ----------
    hoppings : sequence of Hopping
        Each bond once (``<i, 0|H|j, R> = t``, t0); the conjugate is added here.
    onsite : (n,) array
        On-site energies (t0).
    lattice_vectors : (dim, d_space) array
        Lattice vectors (a).
    positions : (n, d_space) array
        Orbital positions (a).

    Returns
    -------
    tuple
        ``(D (m, d_space), G, I, J, T)``: distinct displacements sorted (deterministic
        group order) and, per term, its group, row, column and amplitude (repeated
        positions add up). Storage is O(number of hoppings), not O(m n^2): wide ribbons keep
        a few n terms per group.
    """
    n = len(onsite)
    lat = lattice_vectors
    index: dict[tuple, int] = {}
    exact: list[np.ndarray] = []
    G: list[int] = []
    I: list[int] = []
    J: list[int] = []
    T: list[complex] = []

    def group(d):
        key = tuple(np.round(d, _ROUND) + 0.0)
        if key not in index:
            index[key] = len(exact)
            exact.append(np.asarray(d, float))
        return index[key]

    for h in hoppings:
        d = np.asarray(h.R, float) @ lat + positions[h.j] - positions[h.i]
        G += [group(d), group(-d)]
        I += [h.i, h.j]
        J += [h.j, h.i]
        T += [complex(h.t), complex(np.conj(h.t))]
    g0 = group(np.zeros(lat.shape[1]))
    G += [g0] * n
    I += list(range(n))
    J += list(range(n))
    T += list(onsite.astype(complex))
    keys = sorted(index)  # deterministic group order
    remap = np.empty(len(keys), int)
    remap[[index[k] for k in keys]] = np.arange(len(keys))
    D = np.array([exact[index[k]] for k in keys], float).reshape(len(keys), lat.shape[1])
    return (D, remap[np.asarray(G, int)], np.asarray(I, int), np.asarray(J, int),
            np.asarray(T, complex))
