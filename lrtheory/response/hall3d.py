r"""Hall conductivity tensors of 3D (and 2D) lattice models, e.g. Wannier90 models.

.. math::
   \sigma^{O}_{bc}(E_F) = \int_{BZ}\frac{d^dk}{(2\pi)^d}\sum_n f(\epsilon_{n\mathbf k}-E_F)\,
   \Omega^{O}_{n,bc}(\mathbf k)

with the generalized Berry curvature of paper Eq. (S24)
(:func:`lrtheory.response.berry.generalized_berry_curvature`), the same normalization and
sign as the 2D :func:`lrtheory.response.hall.hall_conductivity` (``operator="charge"``: the
electrical anomalous Hall conductivity in e^2/hbar per length**(d-2); ``sigma_xy = -(e^2/h)
C / c`` for a stack of Chern layers with spacing c). All ``d x d`` components are returned:
for ``O = 1`` or charge the tensor is antisymmetric and only ``b < c`` is computed, for a
general operator (spin Hall: ``operator="spin_z"`` on a model with a ``spin`` attribute, or
an (n, n) matrix) every ``(b, c)`` is computed.

k grid: ``n1 x n2 x n3`` uniform grid of the first BZ cell, built chunk by chunk inside the
workers (memory flat in Nk); one eigensystem per chunk serves every component and every
``E_F`` (two-band models with ``O`` = 1 or charge need none: closed-form curvature,
:mod:`lrtheory.kernels.two_band`); the sum runs through :func:`lrtheory.parallel.kmap_reduce`
(serial, processes or Dask).

Not covered: the orbital Hall conductivity in 3D (``operator="orbital"`` is the 2D ``m_z``
of :mod:`lrtheory.response.bulk_omm`) and the off-diagonal position elements of Wannier
interpolation (see :mod:`lrtheory.models.wannier90`).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np

from lrtheory.conventions import DEGEN_TOL, E2_OVER_H, ELECTRON_CHARGE
from lrtheory.errors import (LrtheoryError, check_integer, check_positive,
                             check_real)
from lrtheory.parallel.executor import auto_chunk_size, kmap_reduce
from lrtheory.response.berry import generalized_berry_curvature
from lrtheory.kernels.two_band import two_band_bands_and_curvature
from lrtheory.models.protocol import hamiltonian_and_velocity
from lrtheory.response.hall import METHODS, eigensystem, occupied_sums, uses_two_band_closed_form

__all__ = ["HallTensor", "hall_tensor", "bz_grid_nd", "grid_points"]


@dataclass(frozen=True)
class HallTensor:
    """``sigma[i_EF, b, c]`` (units: [O] e/hbar per length**(d-2)), on grid ``nk``."""

    ef: np.ndarray
    sigma: np.ndarray
    nk: tuple
    operator: str

    @property
    def sigma_e2h(self) -> np.ndarray:
        """``sigma`` / (e^2/h) (for ``operator="charge"``)."""
        return self.sigma / E2_OVER_H


def bz_grid_nd(model, nk) -> tuple[np.ndarray, float]:
    """Uniform grid of Cartesian k (N, d) over the first BZ cell and the cell volume."""
    lat = np.atleast_2d(np.asarray(model.lattice_vectors, float))
    d = lat.shape[0]
    if lat.shape != (d, d):
        raise LrtheoryError(f"a bulk model is needed (square lattice matrix), got {lat.shape}")
    ns = np.broadcast_to(np.atleast_1d(np.asarray(nk, int)), (d,))
    for v in ns:
        check_positive("number of k-points per direction", v)
    axes = [np.arange(m) / m for m in ns]
    frac = np.stack(np.meshgrid(*axes, indexing="ij"), -1).reshape(-1, d)
    B = 2 * np.pi * np.linalg.inv(lat).T
    return frac @ B, abs(np.linalg.det(lat))


def grid_points(bounds, nk: tuple, B: np.ndarray) -> np.ndarray:
    """Cartesian k of flat indices ``start <= i < stop`` of the grid of :func:`bz_grid_nd`
    (same order), built inside the worker: memory flat in the number of k-points."""
    start, stop = (int(x) for x in np.asarray(bounds).reshape(-1)[:2])
    idx = np.unravel_index(np.arange(start, stop), nk)
    frac = np.stack([i / m for i, m in zip(idx, nk)], -1)
    return frac @ B


def _chunk(bounds, *, model, nk, B, op, pairs, ef, temperature, degen_tol, weight,
           method="auto"):
    k = grid_points(bounds, nk, B)
    out = np.empty((len(pairs), len(ef)))
    if method == "auto" and uses_two_band_closed_form(model, op):
        H, dH = hamiltonian_and_velocity(model, k)
        for p, (b, c) in enumerate(pairs):
            e, om = two_band_bands_and_curvature(H, dH[:, b], dH[:, c], degen_tol)
            om = ELECTRON_CHARGE * om if op == "charge" else om
            out[p] = occupied_sums(e, om, ef, temperature) * weight
        return out
    eig = eigensystem(model, k, degen_tol)
    for p, (b, c) in enumerate(pairs):
        om = generalized_berry_curvature(eig, op, b=b, c=c, model=model)
        out[p] = occupied_sums(eig.energies, om, ef, temperature) * weight
    return out


def hall_tensor(model, ef, *, nk=40, temperature: float = 0.0, operator=None,
                chunk_size: int | None = None, workers: int | None = 1, scheduler=None,
                degen_tol: float = DEGEN_TOL, progress: bool = False,
                method: str = "auto") -> HallTensor:
    """All components ``sigma^O_bc(E_F)`` of a d-dimensional lattice model (d = 2 or 3).

    Parameters
    ----------
    model : BlochModel with a square lattice matrix (bulk)
    ef : float or (n_EF,) array, Fermi energies (energy units of the model)
    nk : int or d ints, grid size per reciprocal direction
    temperature : float, ``T >= 0`` (k_B = 1)
    operator : None (number current), "charge" (electrical AHC), "spin_x|y|z", (n, n) array
    workers, scheduler, chunk_size, progress : see :func:`lrtheory.parallel.kmap_reduce`
    method : "auto" (closed-form two-band curvature where it applies, no ``eigh``) or
        "sum-over-states" (see :func:`lrtheory.response.hall.hall_conductivity`)
    """
    if method not in METHODS:
        raise LrtheoryError(f"method must be one of {METHODS}, got {method!r}")
    ef = check_real("ef", ef).reshape(-1)
    if ef.size == 0:
        raise LrtheoryError("ef is empty: give at least one Fermi energy")
    nk_items = list(nk) if isinstance(nk, (tuple, list, np.ndarray)) else [nk]
    nk = tuple(check_integer("nk", v, minimum=1) for v in nk_items)
    check_positive("temperature", temperature, allow_zero=True)
    _, vol = bz_grid_nd(model, 1)  # validates the lattice; the grid is built per chunk
    lat = np.atleast_2d(np.asarray(model.lattice_vectors, float))
    d = lat.shape[0]
    ns = tuple(int(x) for x in np.broadcast_to(np.atleast_1d(np.asarray(nk, int)), (d,)))
    for v in ns:
        check_positive("number of k-points per direction", v)
    n_total = int(np.prod(ns))
    anti = operator is None or (isinstance(operator, str) and operator in ("number", "charge"))
    pairs = [(b, c) for b in range(d) for c in range(d) if (b < c if anti else True)]
    func = partial(_chunk, model=model, nk=ns, B=2 * np.pi * np.linalg.inv(lat).T,
                   op=operator, pairs=pairs, ef=ef, temperature=float(temperature),
                   degen_tol=degen_tol, weight=1.0 / (vol * n_total), method=method)
    cs = chunk_size or auto_chunk_size(model.n_orbitals, arrays=16)
    # the map runs over (start, stop) index ranges: each worker builds its own k-points
    starts = np.arange(0, n_total, cs)
    bounds = np.stack([starts, np.minimum(starts + cs, n_total)], -1)
    out = kmap_reduce(func, bounds, chunk_size=1, workers=workers, scheduler=scheduler,
                      progress=progress, desc="Hall tensor")
    sigma = np.zeros((len(ef), d, d))
    for p, (b, c) in enumerate(pairs):
        sigma[:, b, c] = out[p]
        if anti:
            sigma[:, c, b] = -out[p]
    return HallTensor(ef, sigma, ns, str(operator))
