"""Geometry records of the model protocol (:mod:`lrtheory.models.protocol` re-exports them):
the cut of a ribbon (:class:`RibbonCut`) or a film (:class:`SlabCut`) and the Wannier-gauge
position matrix of full Wannier interpolation (:class:`PositionMatrix`). Plain frozen data.

Units: lengths in a, k Cartesian in 1/a.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

__all__ = ["PositionMatrix", "RibbonCut", "SlabCut"]


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
