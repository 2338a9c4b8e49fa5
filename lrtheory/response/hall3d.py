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

k grid: ``n1 x n2 x n3`` :class:`~lrtheory.models.lattice.UniformGrid` of the first BZ cell
on the k-sum driver (:func:`lrtheory.response.ksum.ksum`: chunks built inside the workers,
memory flat in Nk; serial, processes or Dask); one eigensystem per chunk serves every
component and every ``E_F`` (two-band models with ``O`` = 1 or charge need none:
closed-form curvature, :mod:`lrtheory.kernels.two_band`). With every ``n_a`` even the
``n/2`` sub-grid of the same pass gives ``change_on_doubling``.

Models with a position matrix (full Wannier interpolation,
:meth:`lrtheory.models.BlochModel.position_matrix`) get the curvature of Wang, Yates, Souza,
Vanderbilt (docs/wannier-interpolation.md) through the eigensystem. Not covered: the
orbital Hall conductivity in 3D (``operator="orbital"`` is the 2D ``m_z`` of
:mod:`lrtheory.response.bulk_omm`).
"""
from __future__ import annotations

import numpy as np

from lrtheory._docstrings import shared_docs
from lrtheory.conventions import DEGEN_TOL, E2_OVER_H, ELECTRON_CHARGE
from lrtheory.errors import LrtheoryError, check_energies, check_integer, check_positive
from lrtheory.kernels.two_band import two_band_bands_and_curvature
from lrtheory.models.lattice import UniformGrid
from lrtheory.models.protocol import ensure_model, hamiltonian_and_velocity
from lrtheory.response.berry import (check_method, generalized_berry_curvature,
                                     is_number_operator, number_curvatures,
                                     uses_two_band_closed_form)
from lrtheory.response.bulk_omm import block_average_diagonal
from lrtheory.response.ksum import TIME_ESTIMATE_TAIL, Integrand, ksum, ksum_time_estimate
from lrtheory.response.kspace import eigensystem, occupied_sums
from lrtheory.result import Result, register_view

__all__ = ["HallTensor", "HallTensorIntegrand", "hall_tensor", "hall_tensor_time_estimate",
           "bz_grid_nd", "grid_points"]


class HallTensor(Result):
    """``sigma[i_EF, b, c]`` (units: [O] e/hbar per length**(d-2)), on grid ``nk``
    (a :class:`~lrtheory.result.Result`: ``values["sigma"]``, ``coords["ef"]``; with every
    ``n_a`` even, ``error["sigma"]`` the change from the ``n/2`` grid).

    Parameters
    ----------
    ef : (n_EF,) array
        Fermi energies (t0).
    sigma : (n_EF, d, d) array
        ``sigma[i_EF, b, c]`` ([O] e/hbar per length**(d-2)).
    nk : tuple of int
        Grid size per reciprocal direction.
    operator : str or None or array
        The operator O (see :func:`lrtheory.response.berry.band_operator`): ``'charge'``, ``None`` (O = 1), ``'orbital'``, ...
    **fields_ : dict
        Further :class:`~lrtheory.result.Result` fields (provenance, model, status ...).
    """

    def __init__(self, ef, sigma, nk, operator, **fields_):
        Result.__init__(self, "hall_tensor", {"sigma": sigma}, coords={"ef": ef},
                        settings={"nk": tuple(nk), "operator": str(operator)}, **fields_)

    ef = property(lambda self: self.coords["ef"], doc="Fermi energies, (n_EF,).")
    sigma = property(lambda self: self.values["sigma"], doc="sigma[i_EF, b, c].")
    nk = property(lambda self: tuple(self.settings["nk"]), doc="Grid points per direction.")
    operator = property(lambda self: self.settings["operator"], doc="Operator spec (text).")

    @property
    def change_on_doubling(self) -> np.ndarray | None:
        """``sigma(n) - sigma(n/2)`` (None when some ``n_a`` is odd: no nested sub-grid)."""
        return self.error.get("sigma")

    @property
    def sigma_e2h(self) -> np.ndarray:
        """``sigma`` / (e^2/h) (for ``operator="charge"``)."""
        return self.sigma / E2_OVER_H


register_view("hall_tensor", HallTensor)


def bz_grid_nd(model, nk) -> tuple[np.ndarray, float]:
    """Uniform grid of Cartesian k (N, d) over the first BZ cell (whole) and the cell volume
    (:class:`~lrtheory.models.lattice.UniformGrid`, one matrix product per point).

    Parameters
    ----------
    model : BlochModel
        A bulk lattice model (square lattice matrix).
    nk : int or sequence of int
        Grid size (per direction).

    Returns
    -------
    tuple
        ``(k, volume)``: k (N, d) Cartesian (1/a) and the cell volume (a^d).
    """
    grid = _grid(model, nk)
    return grid.points(), grid.cell_volume


def grid_points(bounds, nk: tuple, B: np.ndarray) -> np.ndarray:
    """Cartesian k of flat indices ``start <= i < stop`` of the grid of :func:`bz_grid_nd`
    (same order), built inside the worker: memory flat in the number of k-points.

    Parameters
    ----------
    bounds : array_like
        ``(start, stop)`` flat indices.
    nk : tuple of int
        Grid shape.
    B : (d, d) array
        Reciprocal vectors (rows, 1/a).

    Returns
    -------
    ndarray
        (stop - start, d) Cartesian k (1/a).
    """
    start, stop = (int(x) for x in np.asarray(bounds).reshape(-1)[:2])
    return UniformGrid(B, tuple(nk), product="matmul").points(start, stop)


def _grid(model, nk) -> UniformGrid:
    lat = model.lattice_vectors
    shape = np.shape(np.atleast_2d(lat)) if lat is not None else None
    if lat is None or shape[0] != shape[1]:
        raise LrtheoryError(f"a bulk model is needed (square lattice matrix), got "
                            f"{'no lattice (continuum model)' if lat is None else shape}")
    d = shape[0]
    ns = tuple(int(x) for x in np.broadcast_to(np.atleast_1d(np.asarray(nk, int)), (d,)))
    for v in ns:
        check_positive("number of k-points per direction", v)
    return UniformGrid.from_lattice(lat, ns, product="matmul")


def _antisymmetric(operator) -> bool:
    """``O = 1`` or charge: ``sigma_bc = -sigma_cb``, only ``b < c`` is computed."""
    return is_number_operator(operator) or (isinstance(operator, str) and operator == "charge")


class HallTensorIntegrand(Integrand):
    r"""All components ``sigma^O_bc(E_F)`` of Eq. (S23) in d dimensions on one chunk:
    ``sum_k w_k sum_n f(e_nk - E_F) Omega^O_{n,bc}(k)`` (``e [O]/hbar`` per length**(d-2);
    curvature Eq. S24). Fermi sea; TR-odd for ``O = 1`` or charge.

    Parameters
    ----------
    ef : (n_EF,) array
        Fermi energies (t0).
    pairs : sequence of (int, int)
        Components (b, c) to compute.
    operator : str or None or array
        The operator O (see :func:`lrtheory.response.berry.band_operator`): ``'charge'``, ``None`` (O = 1), ``'orbital'``, ...
    temperature : float
        T >= 0 (t0).
    degen_tol : float
        Degeneracy threshold (t0).
    method : str
        ``'auto'`` or ``'sum-over-states'``.
    """

    name = "hall_tensor"
    kind = "sea"

    def __init__(self, ef, pairs, *, operator=None, temperature=0.0, degen_tol=DEGEN_TOL,
                 method="auto"):
        self.ef, self.pairs, self.operator = ef, list(pairs), operator
        self.temperature, self.degen_tol, self.method = float(temperature), degen_tol, method
        self.anti = _antisymmetric(operator)
        self.tr_parity = -1 if self.anti else None
        self.units = {"sigma": "e [O]/hbar per length**(d-2)"}

    def __call__(self, k, model):
        if self.method == "auto" and uses_two_band_closed_form(model, self.operator):
            H, dH = hamiltonian_and_velocity(model, k)
            out = []
            for b, c in self.pairs:
                e, om = two_band_bands_and_curvature(H, dH[:, b], dH[:, c], self.degen_tol)
                out.append((e, ELECTRON_CHARGE * om if self.operator == "charge" else om))
            return out
        eig = eigensystem(model, k, self.degen_tol)
        if self.anti:  # O = 1 or charge: every pair from one pass over the eigensystem
            om = number_curvatures(eig, self.pairs, charge=self.operator == "charge")
            if eig.has_degenerate_bands:
                om = np.stack([block_average_diagonal(eig, om[:, p])
                               for p in range(len(self.pairs))], 1)
            return [(eig.energies, om[:, p]) for p in range(len(self.pairs))]
        return [(eig.energies, generalized_berry_curvature(eig, self.operator, b=b, c=c,
                                                           model=model))
                for b, c in self.pairs]

    def reduce(self, state, weights):
        out = np.empty((len(self.pairs), len(self.ef)))
        for p, (e, om) in enumerate(state):
            out[p] = occupied_sums(weights.select(e), weights.select(om), self.ef,
                                   self.temperature) * weights.factor
        return {"pairs": out}

    def finish(self, total, grid):
        d = grid.dim
        sigma = np.zeros((len(self.ef), d, d))
        for p, (b, c) in enumerate(self.pairs):
            sigma[:, b, c] = total["pairs"][p]
            if self.anti:
                sigma[:, c, b] = -total["pairs"][p]
        return {"sigma": sigma}

    def coords(self):
        return {"ef": self.ef}

    def settings(self):
        return {"operator": str(self.operator), "temperature": self.temperature,
                "method": self.method}


def hall_tensor(model, ef, *, nk=40, temperature: float = 0.0, operator=None,
                chunk_size: int | None = None, workers: int | None = 1, scheduler=None,
                degen_tol: float = DEGEN_TOL, progress: bool = False,
                method: str = "auto") -> HallTensor:
    """All components ``sigma^O_bc(E_F)`` of a d-dimensional lattice model (d = 2 or 3).

    Parameters
    ----------
    model : BlochModel with a square lattice matrix (bulk)
    ef : float or (n_EF,) array
        Fermi energies (energy units of the model, t0).
    nk : int or d ints
        Grid size per reciprocal direction (all even: ``change_on_doubling`` too).
    temperature : float
        ``T >= 0`` (t0, k_B = 1).
    operator : None (number current), "charge" (electrical AHC), "spin_x|y|z", (n, n) array
    workers, scheduler, chunk_size, progress : see :func:`lrtheory.response.ksum.ksum`
    degen_tol : float
        Bands closer than this (t0) count as degenerate.
    method : "auto" (closed-form two-band curvature where it applies, no ``eigh``) or
        "sum-over-states" (see :func:`lrtheory.response.hall.hall_conductivity`)

    Returns
    -------
    HallTensor
        ``sigma`` (n_EF, d, d) in ``e [O]/hbar`` per length**(d-2) (charge: e^2/hbar).
    """
    model, integrand, grid = _setup_tensor(model, ef, nk, temperature, operator, degen_tol,
                                           method, "hall_tensor")
    res = ksum(integrand, model, grid, workers=workers, scheduler=scheduler,
               chunk_size=chunk_size, progress=progress)
    return HallTensor.from_fields(**{**res.fields(), "settings": {**res.settings,
                                                                   "nk": grid.shape}})


def _setup_tensor(model, ef, nk, temperature, operator, degen_tol, method, where):
    """Checked model, :class:`HallTensorIntegrand` and grid of a :func:`hall_tensor` call."""
    model = ensure_model(model, where=where)
    check_method(method)
    ef = check_energies("ef", ef)
    nk_items = list(nk) if isinstance(nk, (tuple, list, np.ndarray)) else [nk]
    nk = tuple(check_integer("nk", v, minimum=1) for v in nk_items)
    check_positive("temperature", temperature, allow_zero=True)
    grid = _grid(model, nk)
    anti = _antisymmetric(operator)
    pairs = [(b, c) for b in range(grid.dim) for c in range(grid.dim) if (b < c if anti else True)]
    integrand = HallTensorIntegrand(ef, pairs, operator=operator, temperature=temperature,
                                    degen_tol=degen_tol, method=method)
    return model, integrand, grid


@shared_docs(time_estimate_tail=TIME_ESTIMATE_TAIL)
def hall_tensor_time_estimate(model, ef, *, nk=40, temperature: float = 0.0, operator=None,
                              degen_tol: float = DEGEN_TOL, method: str = "auto",
                              workers: int = 1, sample: int = 2048) -> float:
    """Estimated wall time (s) of :func:`hall_tensor` with the same arguments: its k-chunk
    function timed on the first ``sample`` k-points (best of two) and scaled to the grid,
    shared by ``workers`` processes (:func:`lrtheory.response.ksum.ksum_time_estimate`; a
    lower bound: no reduce, no process start-up, perfect parallel speed-up).

    Parameters
    ----------
    model, ef, nk, temperature, operator, degen_tol, method, workers
        As for :func:`hall_tensor` (``ef``, T and ``degen_tol`` in t0).
    %(time_estimate_tail)s
    """
    model, integrand, grid = _setup_tensor(model, ef, nk, temperature, operator, degen_tol,
                                           method, "hall_tensor_time_estimate")
    return ksum_time_estimate(integrand, model, grid, workers=workers, sample=sample)
