r"""The one k-sum driver: grid, sub-grid error estimate, chunks, executor, progress.

Every k-integrated bulk response of lrtheory is

.. math:: X = \int\frac{d^dk}{(2\pi)^d}\, g(\mathbf k) \approx \sum_{\mathbf k} w_{\mathbf k}\,
          g(\mathbf k),

with ``g`` the physics of one response (an :class:`Integrand`) and ``w`` the weights of a
grid. The driver :func:`ksum` owns everything else:

* **grid**: a :class:`lrtheory.models.lattice.UniformGrid` of the first BZ cell (weights
  ``w = 1 / (V_cell n_1 ... n_d)``, the cell volume ``V_cell`` in a^d) or a
  :class:`QuadratureGrid` (explicit points and weights, e.g. the polar quadrature of a
  continuum model, :meth:`QuadratureGrid.polar`);
* **chunks**: index ranges ``[start, stop)`` of the grid; the k-points of a chunk are built
  inside the worker (memory flat in the number of k-points);
* **sub-grid error estimate, one pass**: on a uniform grid with every ``n_a`` even, the
  points with every index even form the ``n/2`` grid; the same eigensystem gives the sums
  over it (weight ``2^d w``), and ``error = value(n) - value(n/2)``. A quadrature grid
  carries a second weight column instead (for the polar grid: a separate ``n_r/2 x
  n_theta/2`` rule appended to the points, zero weight in the full sum);
* **executor and progress**: :func:`lrtheory.parallel.kmap_reduce` (serial, processes or
  Dask; partial sums added in chunk order, so every executor gives the same bits). The
  function shipped to the workers is one ``functools.partial`` holding integrand, model
  and grid: nothing here names a response, so adding one needs no edit to the executor.

Adding a response = one small module defining an :class:`Integrand` (docs/design.md,
"Adding a response"; example: :mod:`lrtheory.response.carrier_density`).
"""
from __future__ import annotations

import abc
import time
from functools import cached_property, partial, reduce
from operator import mul
from typing import Any

import numpy as np

from lrtheory._docstrings import shared_docs
from lrtheory.errors import ConventionError, check_integer
from lrtheory.models.lattice import UniformGrid
from lrtheory.models.protocol import ensure_model
from lrtheory.parallel.executor import auto_chunk_size, kmap_reduce
from lrtheory.response.grids import NK_MIN, QuadratureGrid, response_grid
from lrtheory.result import Result

__all__ = ["Integrand", "Weights", "QuadratureGrid", "ksum", "ksum_time_estimate",
           "point_weight", "chunk_weights", "response_grid", "NK_MIN", "SUB"]

#: key suffix of the sub-grid partial sums in the chunk results
SUB = "@sub"
_KINDS = ("sea", "surface", "both")


class Weights:
    """The weights of one estimate (full grid or sub-grid) on one chunk of ``m`` points.

    Attributes
    ----------
    mask : (m,) bool ndarray or None
        The points of this estimate (None: all ``m``).
    factor : float or None
        The common weight of those points on a uniform grid (1/a^d), else None.
    point : (m,) ndarray
        Per-point weights over the whole chunk, zero outside ``mask`` (1/a^d).

    Integrands that need the points of the estimate themselves (``select`` and ``factor``,
    e.g. an E_F curve from sorted energies) run on uniform grids; ``point`` works on every
    grid.

    Parameters
    ----------
    m : int
        Number of points of the chunk.
    mask, factor, point : optional
        See Attributes.
    """

    def __init__(self, m: int, *, mask=None, factor=None, point=None):
        self.m, self.mask, self.factor, self._point = int(m), mask, factor, point

    @cached_property
    def point(self) -> np.ndarray:
        if self._point is not None:
            return self._point
        w = np.full(self.m, self.factor)
        return w if self.mask is None else w * self.mask

    def select(self, a: np.ndarray) -> np.ndarray:
        """``a`` (leading axis m) restricted to the points of this estimate.

        Parameters
        ----------
        a : ndarray
            Data with leading axis m.

        Returns
        -------
        ndarray
        """
        return a if self.mask is None else a[self.mask]

    def sum(self, a: np.ndarray) -> np.ndarray:
        """``sum_k w_k a[k]`` over the leading axis (one tensordot with :attr:`point`).

        Parameters
        ----------
        a : ndarray
            Data with leading axis m (any units).

        Returns
        -------
        ndarray
            ``sum_k w_k a[k]`` (units of ``a`` times 1/a^d).
        """
        return np.tensordot(self.point, a, 1)


class Integrand(abc.ABC):
    r"""The physics of one k-integrated response on one chunk of k-points.

    Subclasses set the class attributes and define :meth:`__call__`; the driver
    (:func:`ksum`) does the rest. The partial sums of a chunk are
    ``reduce(__call__(k, model), weights)``: one evaluation (one diagonalization) serves the
    full-grid and the sub-grid sums, which differ only in their weights. Instances must pickle (a module-level class whose
    attributes are arrays, numbers, strings: no lambdas), since they travel to workers.

    Attributes
    ----------
    name : str
        The quantity (``Result.quantity``, progress label).
    tr_parity : +1, -1 or None
        Parity of the response under time reversal (``+1``: allowed with TR, ``-1``:
        vanishes in a TR-invariant model, e.g. a Hall conductivity of the charge current;
        None: depends on the operator).
    kind : "sea", "surface" or "both"
        Fermi-sea (all occupied states) or Fermi-surface (``f'``) quantity.
    units : dict of str -> str
        Unit text of every named array :meth:`finish` returns.
    """

    name: str = "k-sum"
    tr_parity: int | None = None
    kind: str = "sea"
    units: dict = {}

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        if cls.kind not in _KINDS:
            raise ConventionError(f"{cls.__name__}.kind must be one of {_KINDS}, got "
                                  f"{cls.kind!r}")
        if cls.tr_parity not in (1, -1, None):
            raise ConventionError(f"{cls.__name__}.tr_parity must be +1, -1 or None, got "
                                  f"{cls.tr_parity!r}")

    @abc.abstractmethod
    def __call__(self, k: np.ndarray, model) -> Any:
        """Per-point data of the chunk ``k`` (m, d) (Cartesian, 1/a): by default a dict of
        arrays with leading axis ``m`` that :meth:`reduce` sums with the weights.

        Parameters
        ----------
        k, model
            Cartesian k (m, d) of the chunk (1/a) and the model.

        Returns
        -------
        Any
            Per-point data of the chunk (default: dict of arrays with leading axis m).
        """

    def reduce(self, state: Any, weights: Weights) -> dict:
        """Partial sums of one chunk for one estimate: default ``weights.sum`` of every
        array of the dict ``state``. Override when the sum is not a weighted sum of per-point
        values (e.g. occupation sums over a whole E_F curve).

        Parameters
        ----------
        state, weights
            What :meth:`__call__` returned for the chunk; the :class:`Weights` (1/a^d).

        Returns
        -------
        dict
            Named partial sums of the chunk (units of the data times 1/a^d).
        """
        return {name: weights.sum(v) for name, v in state.items()}

    def finish(self, total: dict, grid) -> dict:
        """Normalised named arrays from the summed partial sums (default: unchanged).

        Must be linear in ``total`` (a normalisation): the driver applies it to the full
        sums, the sub-grid sums and their difference (the error estimate).

        Parameters
        ----------
        total, grid
            The partial sums added over all chunks (dict) and the k grid.

        Returns
        -------
        dict
            Named arrays in the units of :attr:`units`.
        """
        return dict(total)

    def coords(self) -> dict:
        """Coordinates of the result arrays (e.g. ``{"ef": ...}``); default none.

        Returns
        -------
        dict
        """
        return {}

    def settings(self) -> dict:
        """Run settings of this integrand recorded in the Result (temperature, ...).

        Returns
        -------
        dict
        """
        return {}


def point_weight(grid: UniformGrid) -> float:
    """Weight of one point of a uniform grid, ``1 / (V_cell n_1 ... n_d)`` (1/a^d), products
    taken left to right (``int d^dk/(2 pi)^d = (1/(V_cell N)) sum_k``).

    Parameters
    ----------
    grid : UniformGrid
        The grid.

    Returns
    -------
    float
        The weight (1/a^d).
    """
    return 1.0 / reduce(mul, grid.shape, grid.cell_volume)


def _has_subgrid(grid) -> bool:
    if isinstance(grid, UniformGrid):
        return all(n % 2 == 0 for n in grid.shape)
    return grid.has_subgrid


def chunk_weights(grid, start: int, stop: int, sub: bool) -> Weights:
    """The :class:`Weights` of points ``start..stop`` of ``grid``: the full grid, or with
    ``sub`` the sub-grid (uniform: mask of the ``n/2`` points, weight ``2^d w``;
    quadrature: the second weight column).

    Parameters
    ----------
    grid, start, stop, sub
        The grid, the flat indices of the chunk, the sub-grid estimate instead of the full.

    Returns
    -------
    Weights
        The weights (1/a^d).
    """
    m = stop - start
    if isinstance(grid, UniformGrid):
        w = point_weight(grid)
        if not sub:
            return Weights(m, factor=w)
        return Weights(m, mask=grid.subgrid_mask(start, stop), factor=2 ** grid.dim * w)
    return Weights(m, point=(grid.w_sub if sub else grid.w)[start:stop])


def _ksum_chunk(bounds, *, integrand: Integrand, model, grid, subgrid: bool) -> dict:
    """One chunk: points built here, one evaluation, full (and sub-grid) partial sums."""
    start, stop = (int(x) for x in np.asarray(bounds).reshape(-1)[:2])
    state = integrand(grid.points(start, stop), model)
    out = integrand.reduce(state, chunk_weights(grid, start, stop, False))
    if subgrid:
        sub = integrand.reduce(state, chunk_weights(grid, start, stop, True))
        out.update({name + SUB: v for name, v in sub.items()})
    return out


def _check_grid(grid):
    if not isinstance(grid, (UniformGrid, QuadratureGrid)):
        raise ConventionError(f"ksum needs a UniformGrid or a QuadratureGrid, got "
                              f"{type(grid).__name__}")
    return grid


def _grid_settings(grid) -> dict:
    if isinstance(grid, UniformGrid):
        return {"grid": "uniform", "shape": list(grid.shape)}
    return dict(grid.label)


def _bounds(n_points: int, chunk_size: int) -> np.ndarray:
    starts = np.arange(0, n_points, chunk_size)
    return np.stack([starts, np.minimum(starts + chunk_size, n_points)], -1)


def _chunk_size(model, chunk_size) -> int:
    if chunk_size is not None:
        return check_integer("chunk_size", chunk_size)
    return auto_chunk_size(model.n_orbitals, arrays=16)


def ksum(integrand: Integrand, model, grid, *, subgrid: bool = True, workers: int | None = 1,
         scheduler=None, chunk_size: int | None = None, progress: bool = False,
         tol: float | None = None) -> Result:
    r"""Integrate ``integrand`` over ``grid`` for ``model``: ``int d^dk/(2 pi)^d g(k)``.

    Parameters
    ----------
    integrand : Integrand
        The physics of one chunk.
    model : BlochModel
        Shipped to each worker once, with the integrand and the grid.
    grid : UniformGrid or QuadratureGrid
        The k-points and weights (1/a^d).
    subgrid : bool
        Also sum over the sub-grid (uniform grid with every ``n_a`` even: the ``n/2`` grid
        in the same pass; quadrature: its second weight column) and report
        ``error = value - sub-grid value``. Without it (or on a grid with no sub-grid) the
        error is empty and the status ``"not checked"``.
    workers, scheduler, progress
        Executor options of :func:`lrtheory.parallel.kmap_reduce`.
    chunk_size : int, optional
        k-points per chunk (default: :func:`~lrtheory.parallel.executor.auto_chunk_size`
        of ``model.n_orbitals``, 16 (n, n) arrays per point); results depend on it only
        through the rounding of the sum.
    tol : float, optional
        Tolerance on every ``|error|`` (units of the arrays): sets ``status``.

    Returns
    -------
    Result
        ``quantity = integrand.name``, ``values = integrand.finish(sums)`` with
        ``integrand.units``, ``error`` and ``subgrid`` (see above), ``settings`` (the
        integrand's, the grid's, ``chunk_size``), ``model`` (name, parameters).
    """
    if not isinstance(integrand, Integrand):
        raise ConventionError(f"ksum needs an Integrand, got {type(integrand).__name__}")
    model = ensure_model(model, where=integrand.name)
    grid = _check_grid(grid)
    use_sub = bool(subgrid) and _has_subgrid(grid)
    cs = _chunk_size(model, chunk_size)
    func = partial(_ksum_chunk, integrand=integrand, model=model, grid=grid, subgrid=use_sub)
    out = kmap_reduce(func, _bounds(grid.n_points, cs), chunk_size=1, workers=workers,
                      progress=progress, desc=integrand.name, scheduler=scheduler)
    full = {k: v for k, v in out.items() if not k.endswith(SUB)}
    values = integrand.finish(full, grid)
    error, sub_values, status = {}, {}, "not checked"
    if use_sub:
        sub = {k[: -len(SUB)]: v for k, v in out.items() if k.endswith(SUB)}
        sub_values = integrand.finish(sub, grid)
        error = integrand.finish({k: full[k] - sub[k] for k in full}, grid)
    result = Result(integrand.name, values, units=dict(integrand.units),
                    coords=integrand.coords(),
                    settings={**integrand.settings(), **_grid_settings(grid), "chunk_size": cs},
                    model={"name": model.name, "params": dict(model.params)},
                    status=status, error=error, subgrid=sub_values)
    return result if tol is None else result.with_status(tol)


#: numpydoc tail (``sample`` and Returns) of the time estimates built on
#: :func:`ksum_time_estimate` (lrtheory._docstrings block ``time_estimate_tail``)
TIME_ESTIMATE_TAIL = """
    sample : int
        k-points timed.

    Returns
    -------
    float
        Estimated wall time (s), a lower bound.
    """


@shared_docs(time_estimate_tail=TIME_ESTIMATE_TAIL)
def ksum_time_estimate(integrand: Integrand, model, grid, *, workers: int = 1,
                       sample: int = 2048) -> float:
    """Estimated wall time (s) of :func:`ksum`: the chunk function timed on the first
    ``sample`` points (best of two, so one-off set-up is not counted), scaled linearly to
    the grid and divided by ``workers`` (a lower bound: no bookkeeping, reduce or process
    start-up, perfect parallel speed-up).

    Parameters
    ----------
    integrand, model, grid, workers
        As for :func:`ksum` (k in 1/a).
    %(time_estimate_tail)s
    """
    model = ensure_model(model, where=integrand.name)
    grid = _check_grid(grid)
    m = int(min(max(1, int(sample)), grid.n_points))
    func = partial(_ksum_chunk, integrand=integrand, model=model, grid=grid,
                   subgrid=_has_subgrid(grid))
    best = float("inf")
    for _ in range(2):
        t0 = time.perf_counter()
        func(np.array([0, m]))
        best = min(best, time.perf_counter() - t0)
    return best * (grid.n_points / m) / max(1, int(workers))
