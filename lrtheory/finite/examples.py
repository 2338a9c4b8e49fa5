r"""Worked finite example: a Haldane-model flake, open in both directions (paper Eq. 53, S41).

The flake is built here directly from the paper's real-space vectors, by matching
site-to-site displacement vectors, independently of the Bloch builder in
:mod:`lrtheory.models.tightbinding` (the tests compare the two):

* nearest neighbours A -> B: ``delta_1 = (1/2, 1/(2 sqrt3))``, ``delta_2 = (-1/2, 1/(2 sqrt3))``,
  ``delta_3 = (0, -1/sqrt3)``, amplitude ``-t0`` (``-t0 a_r^dag b_{r+delta}``);
* next-nearest ``l_1 = (1, 0)``, ``l_2 = (-1/2, sqrt3/2)``, ``l_3 = (-1/2, -sqrt3/2)``:
  ``t2 e^{i phi} a_r^dag a_{r+l_n}`` and ``t2 e^{-i phi} b_r^dag b_{r+l_n}``, plus h.c.;
* on-site ``+Delta`` on A, ``-Delta`` on B.

A sites sit at ``R = n1 a_1 + n2 a_2`` with ``a_1 = l_1 = (1, 0)``, ``a_2 = -l_3 =
(1/2, sqrt3/2)`` (``0 <= n1 < nx``, ``0 <= n2 < ny``), B sites at ``R + delta_1``: a
parallelogram with zigzag edges. Lengths in the next-nearest-neighbour distance.
"""
from __future__ import annotations

import numpy as np

from lrtheory.errors import ModelError
from lrtheory.finite.system import FiniteSystem

__all__ = ["DELTAS", "LS", "honeycomb_flake", "haldane_flake"]

_S3 = np.sqrt(3.0)
DELTAS = np.array([[0.5, 0.5 / _S3], [-0.5, 0.5 / _S3], [0.0, -1.0 / _S3]])
LS = np.array([[1.0, 0.0], [-0.5, _S3 / 2], [-0.5, -_S3 / 2]])


def honeycomb_flake(nx: int, ny: int) -> tuple[np.ndarray, np.ndarray]:
    """Sites of an ``nx x ny`` parallelogram honeycomb flake (the lattice of Eq. 53).

    Parameters
    ----------
    nx, ny : int
        Cells along ``a_1`` and ``a_2``, positive.

    Returns
    -------
    positions : (2 nx ny, 2) array
        Site positions (a): the A site of cell ``(n1, n2)`` at index ``2 (n1 ny + n2)``, its
        B partner next.
    sublattice : (2 nx ny,) int array
        0 for A, 1 for B.
    """
    for name, v in (("nx", nx), ("ny", ny)):
        if int(v) != v or int(v) < 1:
            raise ModelError(f"flake size {name} must be a positive integer, got {v!r}")
    n1, n2 = np.meshgrid(np.arange(nx), np.arange(ny), indexing="ij")
    a1, a2 = LS[0], -LS[2]
    r_a = n1.reshape(-1, 1) * a1 + n2.reshape(-1, 1) * a2
    pos = np.stack([r_a, r_a + DELTAS[0]], axis=1).reshape(-1, 2)
    sub = np.tile([0, 1], nx * ny)
    return pos, sub


def _bond_matrix(pos: np.ndarray, vec: np.ndarray, tol: float = 1e-6) -> np.ndarray:
    """``M[i, j] = True`` where ``pos[j] - pos[i] == vec``."""
    d = pos[None, :, :] - pos[:, None, :]
    return np.all(np.abs(d - vec) < tol, axis=-1)


def haldane_flake(nx: int, ny: int, *, t0: float = 1.0, t2: float = 0.0,
                  phi: float = np.pi / 2, delta: float = 0.0, center: bool = True
                  ) -> FiniteSystem:
    r"""Haldane-model flake (Eq. 53) as a :class:`FiniteSystem`.

    Parameters
    ----------
    nx, ny : int
        Cells along ``a_1`` and ``a_2``.
    t0, t2, phi, delta : float
        Hoppings, Haldane phase and staggered potential (energies in t0).
    center : bool
        Shift positions so the flake's centroid is the origin (then the OMM operator's
        default origin is the flake centre).

    Returns
    -------
    FiniteSystem
        Spinless; ``time_reversal="spinless"`` when ``t2 = 0`` or ``sin(phi) = 0`` (then
        ``H`` is real and TR-invariant, which the constructor checks), else ``None``.
    """
    for name, v in (("t0", t0), ("t2", t2), ("phi", phi), ("delta", delta)):
        if not np.isfinite(v):
            raise ModelError(f"{name} must be finite, got {v!r}")
    pos, sub = honeycomb_flake(nx, ny)
    n = pos.shape[0]
    is_a, is_b = sub == 0, sub == 1
    h = np.zeros((n, n), dtype=complex)
    for dv in DELTAS:
        m = _bond_matrix(pos, dv) & is_a[:, None] & is_b[None, :]
        h[m] += -t0
    for lv in LS:
        m = _bond_matrix(pos, lv)
        h[m & is_a[:, None] & is_a[None, :]] += t2 * np.exp(1j * phi)
        h[m & is_b[:, None] & is_b[None, :]] += t2 * np.exp(-1j * phi)
    h = h + h.conj().T
    h[np.arange(n), np.arange(n)] = np.where(is_a, delta, -delta)
    if center:
        pos = pos - pos.mean(axis=0)
    tr_invariant = t2 == 0 or abs(np.sin(phi)) < 1e-14
    if tr_invariant:
        h = h.real.astype(complex)
    return FiniteSystem(h, pos, 1, "spinless" if tr_invariant else None)
