"""The grids the k-sum driver (:mod:`lrtheory.response.ksum`) accepts besides the uniform BZ
grid of :mod:`lrtheory.models.lattice`: explicit quadratures with a sub-grid weight column
(:class:`QuadratureGrid`, the polar rule of continuum models), and :func:`response_grid`,
which picks the grid of a 2D bulk response from the model.
"""
from __future__ import annotations

import numpy as np

from lrtheory.errors import (ConventionError, ShapeError, check_finite, check_integer,
                             check_positive)
from lrtheory.models.lattice import UniformGrid, polar_grid

__all__ = ["QuadratureGrid", "response_grid", "NK_MIN"]

#: smallest linear BZ grid with an error estimate (even): nk/2 = 4 is the coarsest sub-grid
#: that samples more than the 4 time-reversal-invariant momenta of a 2D lattice
NK_MIN = 8


class QuadratureGrid:
    """Explicit k-points with a full and a sub-grid weight column (continuum models).

    Parameters
    ----------
    k : (N, d) array
        Cartesian k-points (1/a).
    w : (N,) array
        Weights of the full estimate: ``sum w g(k) ~ int d^dk/(2 pi)^d g`` (1/a^d).
    w_sub : (N,) array or None
        Weights of the coarser estimate that gives the error (None: no estimate).
    label : dict
        Settings that describe the grid (recorded in ``Result.settings``).
    """

    def __init__(self, k, w, w_sub=None, *, label: dict | None = None):
        k = check_finite("quadrature points", np.asarray(k, float))
        w = check_finite("quadrature weights", np.asarray(w, float)).reshape(-1)
        if k.ndim != 2 or len(k) != len(w) or len(k) == 0:
            raise ShapeError(f"quadrature: need k (N, d) and w (N,), N > 0, got {k.shape}, "
                             f"{w.shape}")
        if w_sub is not None:
            w_sub = check_finite("quadrature sub-grid weights", np.asarray(w_sub, float))
            if w_sub.shape != w.shape:
                raise ShapeError(f"quadrature: w_sub shape {w_sub.shape} != w shape {w.shape}")
        self.k, self.w, self.w_sub = k, w, w_sub
        self.label = dict(label or {})

    @classmethod
    def polar(cls, k_max: float, n_r: int, n_theta: int) -> "QuadratureGrid":
        """The polar quadrature of radius ``k_max`` (:func:`lrtheory.models.lattice.polar_grid`,
        ``n_r x n_theta``) followed by the ``n_r/2 x n_theta/2`` rule that gives the error
        (full weights zero on the second block and sub weights zero on the first).

        Parameters
        ----------
        k_max, n_r, n_theta : float, int, int
            Radius (1/a), radial and angular points.

        Returns
        -------
        QuadratureGrid
        """
        n_r = check_integer("n_r", n_r, minimum=2)
        n_theta = check_integer("n_theta", n_theta, minimum=2)
        k, w = polar_grid(k_max, n_r, n_theta)
        k2, w2 = polar_grid(k_max, max(2, n_r // 2), max(2, n_theta // 2))
        return cls(np.concatenate([k, k2]), np.concatenate([w, 0 * w2]),
                   np.concatenate([0 * w, w2]),
                   label={"grid": "polar", "k_max": float(k_max), "n_r": n_r,
                          "n_theta": n_theta})

    @property
    def n_points(self) -> int:
        return len(self.k)

    @property
    def has_subgrid(self) -> bool:
        return self.w_sub is not None

    def points(self, start: int, stop: int) -> np.ndarray:
        """k-points ``start..stop`` (flat indices).

        Parameters
        ----------
        start, stop : int
            Flat point indices.

        Returns
        -------
        ndarray
            (stop - start, d) Cartesian k (1/a).
        """
        return self.k[start:stop]

    def __repr__(self) -> str:
        return f"QuadratureGrid(n_points={self.n_points}, {self.label})"


def response_grid(model, *, nk=None, k_max=None, n_r: int = 400, n_theta: int = 64,
                  product: str = "matmul"):
    """The k grid of a 2D bulk response: the ``nk x nk`` BZ grid of a lattice model (``nk``
    even, ``>= NK_MIN``), or the polar quadrature of radius ``k_max`` (1/a) with ``n_r x
    n_theta`` points of a continuum model (``lattice_vectors is None``, no BZ).

    Returns ``(grid, nk)``: a :class:`UniformGrid` and ``nk``, or a :class:`QuadratureGrid`
    and None.

    Parameters
    ----------
    model, nk, k_max, n_r, n_theta, product
        The model; its BZ grid size (lattice model) or the radius (1/a) and radial/angular
        points (continuum model); how grid points are built (see UniformGrid).

    Returns
    -------
    tuple
    """
    if model.lattice_vectors is None:
        if k_max is None:
            raise ConventionError("continuum models need k_max (radius of the polar grid)")
        check_positive("k_max", k_max)
        return QuadratureGrid.polar(k_max, n_r, n_theta), None
    if nk is None:
        raise ConventionError("lattice models need nk (linear BZ grid size)")
    nk = check_integer("nk", nk, minimum=NK_MIN, even=True)  # the sub-grid needs nk/2
    return UniformGrid.from_lattice(model.lattice_vectors, (nk, nk), product=product), nk
