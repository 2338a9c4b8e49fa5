"""Geometry records of the model protocol (:mod:`lrtheory.models.protocol` re-exports them):
the cut of a ribbon (:class:`RibbonCut`) or a film (:class:`SlabCut`), the Wannier-gauge
position matrix of full Wannier interpolation (:class:`PositionMatrix`) and the packed
orbital-basis fields of a fast eigensystem (:class:`PackedFields`). Plain frozen data.

Units: lengths in a, k Cartesian in 1/a.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

__all__ = ["PositionMatrix", "PackedFields", "RibbonCut", "SlabCut", "ClassDefault"]


@dataclass(frozen=True)
class PositionMatrix:
    r"""Position matrix of full Wannier interpolation in the orbital (Wannier) basis.

    Atomic-position gauge (paper Eq. S48, the gauge of ``H(k)`` and ``dH/dk``):

    .. math:: A^a_{mn}(\mathbf k) = \sum_R e^{i\mathbf k\cdot(\mathbf R + \mathbf r_n
              - \mathbf r_m)}\,\big[\langle m\mathbf 0|r_a|n\mathbf R\rangle
              - r_{m,a}\,\delta_{mn}\delta_{\mathbf R\mathbf 0}\big],

    ``A^a_mn = i <u_m|d_a u_n>`` of the orbital-basis Bloch functions (a, Hermitian).

    Attributes
    ----------
    connection : (..., dim, n, n) complex ndarray
        ``A^a(k)`` (a).
    curl : (..., dim, dim, n, n) complex ndarray
        ``d_b A^c - d_c A^b`` at ``[..., b, c]`` (a^2; antisymmetric in b, c).
    """

    connection: np.ndarray
    curl: np.ndarray


@dataclass(frozen=True)
class PackedFields:
    r"""``H(k)`` and the Hermitian orbital-basis operators an eigensystem needs, two
    Hermitian operators packed into one complex matrix (``P = X + iY``: one Fourier sum and
    one band-basis product serve both), in a gauge ``D`` with one phase per orbital.

    The operator ``X`` of the atomic-position gauge (paper Eq. S48) is ``D^\dagger X_D D``,
    ``D = diag(phase)``, so with ``U`` the eigenvectors of ``H`` (columns) its band-basis
    matrix is ``(DU)^\dagger X_D (DU)``: the gauge phase is applied to ``U`` (n^2 numbers
    per k) instead of to every block. ``H`` itself is given in the gauge ``D`` too
    (``H_D``, unitarily equivalent: same energies, eigenvectors ``DU``). ``X`` and ``Y``
    are the Hermitian and anti-Hermitian (divided by i) parts of the band-basis
    ``(DU)^\dagger P (DU)``.

    Attributes
    ----------
    hamiltonian : (Nk, n, n) complex ndarray
        ``H_D(k) = D H(k) D^dagger`` (t0): the Bloch Hamiltonian in the gauge of the
        blocks (for Wannier90 models the Wannier90 gauge ``sum_R exp(ik.R) H(R)``).
    phase : (Nk, n) complex ndarray
        ``D`` (``exp(ik.r_j)`` for Wannier90 models).
    blocks : (Nk, B, n, n) complex ndarray
        The packed operators in the gauge ``D``: ``(X + iY)/2`` for the blocks ``j <
        n_full`` (so that ``X = Z + Z^dagger`` and ``iY = Z - Z^dagger`` of their band
        matrix ``Z``), ``X + iY`` for the others (whose band diagonal is read directly).
    velocity : tuple of (int, int)
        For each Cartesian component ``a < dim`` of ``dH/dk`` (a t0): ``(j, part)``, the
        block and the part (0: Hermitian ``X``, 1: anti-Hermitian ``Y``) holding it.
    connection : tuple of (int, int) or None
        The same for the position matrix ``A^a`` (a) of full Wannier interpolation; None in
        the tight-binding approximation.
    curl : tuple of ((int, int), int, int)
        ``((b, c), j, part)`` for ``d_b A^c - d_c A^b`` (a^2), ``b < c``; only its band
        diagonal is needed, so these blocks come last (from ``n_full`` on).
    n_full : int
        Blocks ``j < n_full`` need the whole band-basis matrix, the others its diagonal.
    """

    hamiltonian: np.ndarray
    phase: np.ndarray
    blocks: np.ndarray
    velocity: tuple
    connection: tuple | None
    curl: tuple
    n_full: int


@dataclass(frozen=True)
class RibbonCut:
    """How a ribbon was cut from a 2D lattice model (issue #18).

    Attributes
    ----------
    direction : tuple of int
        The periodic direction in the parent's lattice-vector indices (Miller-like:
        ``(1, 0)`` is along ``a_1``).
    width : int
        Number of parent cells stacked across the ribbon.
    stacking : tuple of int
        The stacking vector in the parent's lattice-vector indices.
    terminations : str
        Which parent orbitals sit on the two edges (lowest and highest transverse
        coordinate).
    """

    direction: tuple
    width: int
    stacking: tuple
    terminations: str = ""


@dataclass(frozen=True)
class SlabCut:
    """How a slab (film) was cut from a 3D lattice model.

    Attributes
    ----------
    miller : tuple of int
        The Miller indices ``(h, k, l)`` of the surface: the normal is along
        ``G = h b_1 + k b_2 + l b_3`` (reciprocal vectors of the parent).
    layers : int
        Number of parent cells (layers of thickness ``d_hkl = 2 pi/|G|``) stacked along the
        normal.
    basis : tuple of tuple of int
        Rows: the in-plane vectors ``a_1'``, ``a_2'`` and the stacking vector ``a_3'`` in the
        parent's lattice indices (a unimodular integer matrix).
    spacing : float
        ``d_hkl`` (a): the thickness of one layer.
    terminations : str
        Which parent orbitals sit on the two surfaces (lowest and highest normal coordinate).
    """

    miller: tuple
    layers: int
    basis: tuple
    spacing: float
    terminations: str = ""


class ClassDefault:
    """A class-level default of a model attribute that an instance attribute, a dataclass
    field or a subclass property can override (a non-data descriptor, so ``self.name = ...``
    works); used by :class:`lrtheory.models.protocol.BlochModel`.

    Parameters
    ----------
    factory : callable
        ``factory(instance)`` gives the default value.
    doc : str
        The attribute's docstring.
    """

    def __init__(self, factory, doc: str):
        self.factory, self.__doc__ = factory, doc

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        return self.factory(obj)
