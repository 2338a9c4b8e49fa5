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

k grid: ``n1 x n2 x n3`` uniform grid of the first BZ cell; one eigensystem per chunk serves
every component and every ``E_F``; the sum runs through :func:`lrtheory.parallel.kmap_reduce`
(serial, processes or Dask).

Not covered: the orbital Hall conductivity in 3D (``operator="orbital"`` is the 2D ``m_z``
of :mod:`lrtheory.response.bulk_omm`) and the off-diagonal position elements of Wannier
interpolation (see :mod:`lrtheory.models.wannier90`).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np

from lrtheory.conventions import DEGEN_TOL, E2_OVER_H
from lrtheory.errors import LrtheoryError, check_finite, check_positive
from lrtheory.parallel.executor import auto_chunk_size, kmap_reduce
from lrtheory.response.berry import generalized_berry_curvature
from lrtheory.response.hall import eigensystem, occupied_sums

__all__ = ["HallTensor", "hall_tensor", "bz_grid_nd"]


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


def _chunk(k, *, model, op, pairs, ef, temperature, degen_tol, weight):
    eig = eigensystem(model, k, degen_tol)
    out = np.empty((len(pairs), len(ef)))
    for p, (b, c) in enumerate(pairs):
        om = generalized_berry_curvature(eig, op, b=b, c=c, model=model)
        out[p] = occupied_sums(eig.energies, om, ef, temperature) * weight
    return out


def hall_tensor(model, ef, *, nk=40, temperature: float = 0.0, operator=None,
                chunk_size: int | None = None, workers: int | None = 1, scheduler=None,
                degen_tol: float = DEGEN_TOL, progress: bool = False) -> HallTensor:
    """All components ``sigma^O_bc(E_F)`` of a d-dimensional lattice model (d = 2 or 3).

    Parameters
    ----------
    model : BlochModel with a square lattice matrix (bulk)
    ef : float or (n_EF,) array, Fermi energies (energy units of the model)
    nk : int or d ints, grid size per reciprocal direction
    temperature : float, ``T >= 0`` (k_B = 1)
    operator : None (number current), "charge" (electrical AHC), "spin_x|y|z", (n, n) array
    workers, scheduler, chunk_size, progress : see :func:`lrtheory.parallel.kmap_reduce`
    """
    ef = check_finite("ef", np.atleast_1d(np.asarray(ef, float)))
    check_positive("temperature", temperature, allow_zero=True)
    k, vol = bz_grid_nd(model, nk)
    d = k.shape[1]
    anti = operator is None or (isinstance(operator, str) and operator in ("number", "charge"))
    pairs = [(b, c) for b in range(d) for c in range(d) if (b < c if anti else True)]
    func = partial(_chunk, model=model, op=operator, pairs=pairs, ef=ef,
                   temperature=float(temperature), degen_tol=degen_tol,
                   weight=1.0 / (vol * len(k)))
    cs = chunk_size or auto_chunk_size(model.n_orbitals, arrays=16)
    out = kmap_reduce(func, k, chunk_size=cs, workers=workers, scheduler=scheduler,
                      progress=progress, desc="Hall tensor")
    sigma = np.zeros((len(ef), d, d))
    for p, (b, c) in enumerate(pairs):
        sigma[:, b, c] = out[p]
        if anti:
            sigma[:, c, b] = -out[p]
    return HallTensor(ef, sigma, tuple(int(x) for x in np.broadcast_to(nk, (d,))), str(operator))
