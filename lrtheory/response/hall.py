r"""Generalized Hall conductivities (paper Eq. S23) as whole E_F curves, Chern numbers.

.. math::
   \sigma^{O}_{bc}(E_F, T) = e \int\frac{d^2k}{(2\pi)^2}\sum_n f(\epsilon_{n\mathbf k}-E_F)\,
   \Omega^{O}_{n,bc}(\mathbf k)

(hbar = 1, ``e = 1``; the current ``J^b_O = O * v^b`` per unit area responds to ``E_c``:
``J^b = sigma_bc E_c``). With the electron charge in the operator, ``O = q = -1``
(``operator="charge"``), this is the electrical Hall conductivity in units of
``e^2/hbar``; divide by ``E2_OVER_H = 1/2pi`` for units of ``e^2/h``.

Sign in our convention (H' = +e E.r, q = -e, j = q v / area; docs/conventions.md): the
Kubo formula gives ``chi_{v^x, y} = sum_n f_n Omega_n`` with
``Omega_n = -2 Im sum v^x_nm v^y_mn/(e_n - e_m)^2``, hence

.. math:: \sigma_{xy} = -\frac{e^2}{h}\, C,\qquad C = \frac{1}{2\pi}\sum_{n\,occ}\int \Omega_n d^2k.

This is checked against the Kubo formula of Eq. (29) evaluated directly with ``j = q v``
(no Berry rewriting) and against the bulk current in a finite flake with the real position
operator (tests/physics/test_hall_*.py).

Cost: one batched diagonalization per k chunk serves the whole ``E_F`` curve; two-band
models with ``O = 1`` or charge need none (closed-form bands and curvature,
:mod:`lrtheory.kernels.two_band`). At ``T = 0``
the per-chunk sum is a cumulative sum over energy-sorted states read with
``searchsorted`` (``O(N log N)`` whatever the number of ``E_F`` points); at ``T > 0`` the
states are binned in energy bins of width ``T/50`` with a first-order correction inside
each bin (error below ~1e-5 relative) and contracted with a (n_EF x n_bins) occupation matrix.

The k-sum is :class:`HallIntegrand` on the shared driver :func:`lrtheory.response.ksum.ksum`
(grid, chunks, executor, progress); :class:`HallCurve` and :class:`ChernNumbers` are
:class:`~lrtheory.result.Result` subclasses.

Convergence: the grid of ``nk x nk`` points (``nk`` even) contains the ``nk/2`` grid
(every other point), so the same eigensystem also gives the value at half the linear
density: ``change_on_doubling = value(nk) - value(nk/2)``. ``nk`` must therefore be even
and at least :data:`NK_MIN` (= 8: the ``nk/2`` sub-grid then samples more than the four
time-reversal-invariant momenta, which is all a 2 x 2 grid holds); odd or smaller ``nk``
raise :class:`~lrtheory.errors.ConventionError`.

Chern numbers: the Kubo/sum-rule curvature summed on a grid is *not* quantized on a finite
grid (unlike the lattice-link number :func:`lrtheory.response.berry.fhs_chern`); its
distance from the nearest integer is the convergence measure. :func:`chern_numbers` returns
a :class:`ChernNumbers` whose ``status`` says ``"converged"`` only when every band is within
``tol`` of an integer on the ``nk`` grid and rounds to the same integer on the ``nk/2``
grid; by default (``strict=True``) anything else raises
:class:`~lrtheory.errors.ConvergenceError` instead of returning a number such as 3.66.

Memory: the k-sum is chunked (flat in ``nk``); before any allocation
:func:`hall_memory_estimate` adds the per-chunk working set (times the number of worker
processes) and the chunk index list (16 bytes + ~150 bytes of bookkeeping per chunk) and
compares it with the available memory (:func:`available_memory`); a request that does not fit
raises :class:`~lrtheory.errors.ResourceError` with the estimate and the largest ``nk``
that fits. Time: ~0.7 us per k-point on the two-band closed form (2 cores, 2026), i.e.
``nk = 10^5`` (10^10 points) takes about two hours.
"""
from __future__ import annotations

import numpy as np

from lrtheory._docstrings import shared_docs
from lrtheory.conventions import DEGEN_TOL, ELECTRON_CHARGE
from lrtheory.errors import (ConvergenceError, ConventionError, LrtheoryError, ResourceError,
                             check_energies, check_integer, check_positive)
from lrtheory.models.lattice import UniformGrid
from lrtheory.models.protocol import ensure_model
from lrtheory.parallel.executor import auto_chunk_size, resolve_workers
from lrtheory.result import KIntegral
from lrtheory.response.hall_results import CHERN_TOL, HALL_UNITS, ChernNumbers, HallCurve
# generic helpers, re-exported here under their old import path
from lrtheory.response.berry import (bands_and_curvature, check_method, is_number_operator,
                                     uses_two_band_closed_form)
from lrtheory.response.ksum import (NK_MIN, TIME_ESTIMATE_TAIL, Integrand, ksum,
                                    ksum_time_estimate)
from lrtheory.response.kspace import (PER_CHUNK_BYTES as _PER_CHUNK_BYTES, available_memory,
                                      eigensystem, ksum_memory_estimate, memory_docs,
                                      occupied_sums)

__all__ = [
    "KIntegral",
    "HallCurve",
    "ChernNumbers",
    "HallIntegrand",
    "NK_MIN",
    "CHERN_TOL",
    "available_memory",
    "hall_memory_estimate",
    "hall_time_estimate",
    "bz_grid",
    "hall_grid",
    "occupied_sums",
    "hall_conductivity",
    "chern_numbers",
    "eigensystem",
    "bands_and_curvature",
    "uses_two_band_closed_form",
]

@memory_docs
def hall_memory_estimate(n_orbitals: int, nk: int, n_ef: int, chunk_size: int,
                         workers: int = 1, temperature: float = 0.0) -> int:
    """Estimated peak memory (bytes) of :func:`hall_conductivity` on an ``nk x nk`` grid:
    :func:`lrtheory.response.kspace.ksum_memory_estimate` of ``nk^2`` points.

    Parameters
    ----------
    n_orbitals, nk, n_ef, chunk_size, workers : int
        Bands, linear grid size, Fermi energies, k-points per chunk, worker processes.
    %(memory_tail)s
    """
    return ksum_memory_estimate(n_orbitals, int(nk) ** 2, n_ef, chunk_size, workers,
                                temperature)


def _check_memory(n_orbitals, nk, n_ef, cs, workers, temperature):
    need = hall_memory_estimate(n_orbitals, nk, n_ef, cs, workers, temperature)
    avail = available_memory()
    if need <= 0.8 * avail:
        return
    fixed = hall_memory_estimate(n_orbitals, 0, n_ef, cs, workers, temperature)
    room = max(0.0, 0.8 * avail - fixed)
    best = int(np.sqrt(room * cs / _PER_CHUNK_BYTES)) // 2 * 2
    fit = (f"the largest nk that fits is about {best}" if best >= NK_MIN
           else "not even the smallest grid fits")
    raise ResourceError(
        f"nk = {nk} ({nk * nk:.3g} k-points) needs an estimated {need / 2**30:.3g} GiB, "
        f"{avail / 2**30:.3g} GiB available: {fit}")


def hall_grid(model, nk: int, *, product: str = "outer") -> UniformGrid:
    """The ``nk x nk`` :class:`~lrtheory.models.lattice.UniformGrid` of a 2D lattice model.

    Parameters
    ----------
    model, nk, product
        A 2D lattice model (raises for a continuum or non-2D one), the linear grid size
        (>= 2) and how points are built (see UniformGrid).

    Returns
    -------
    UniformGrid
        The grid (k in 1/a).
    """
    nk = check_integer("nk", nk, minimum=2)
    lat = model.lattice_vectors
    if lat is not None and np.shape(np.atleast_2d(lat)) != (2, 2):
        raise LrtheoryError(f"a 2D bulk model is needed, lattice vectors have shape "
                            f"{np.shape(np.atleast_2d(lat))}")
    return UniformGrid.from_lattice(lat, (nk, nk), product=product)


def bz_grid(model, nk: int) -> tuple[np.ndarray, np.ndarray, float]:
    """Uniform ``nk x nk`` grid of the first BZ cell (k -> -k symmetric modulo G), whole.

    Parameters
    ----------
    model, nk
        A 2D lattice model and the linear grid size.

    Returns
    -------
    tuple
        ``(k, half, area)``: k (N, 2) Cartesian (1/a), ``half`` (N,) bool mask of the ``nk/2``
        sub-grid (every other point; all False if ``nk`` is odd), the cell area (a^2).
    """
    grid = hall_grid(model, nk, product="matmul")  # one matrix product, as it always was
    return grid.points(), grid.subgrid_mask(), grid.cell_volume


def grid_slice(bounds: np.ndarray, nk: int, B: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """k-points ``start <= i < stop`` of the ``nk x nk`` grid of :func:`bz_grid` (same order)
    and their ``nk/2`` sub-grid mask (:meth:`UniformGrid.points`, :meth:`~UniformGrid.subgrid_mask`)."""
    start, stop = (int(x) for x in np.asarray(bounds).reshape(-1)[:2])
    grid = UniformGrid(B, (int(nk), int(nk)))
    return grid.points(start, stop), grid.subgrid_mask(start, stop)


class HallIntegrand(Integrand):
    r"""Generalized Hall conductivity of Eq. (S23) on one chunk, for a whole E_F curve.

    ``sigma^O_bc(E_F) = sum_k w_k sum_n f(e_nk - E_F) Omega^O_{n,bc}(k)`` (``e [O]/hbar``;
    charge: e^2/hbar) and the band sums ``C_n = 2 pi sum_k w_k Omega_n(k)`` (for charge
    divided by ``q``: the Chern numbers). Curvature from :func:`~lrtheory.response.berry.
    bands_and_curvature` (Eq. S24; closed form for two bands); the E_F sum by
    :func:`~lrtheory.response.kspace.occupied_sums`. A Fermi-sea quantity; TR-odd for
    ``O = 1`` or charge, TR-even for a TR-odd ``O`` (orbital moment, spin), else None.

    Parameters
    ----------
    ef, nk, temperature, operator, b, c, degen_tol, method
        As for :func:`hall_conductivity` (``ef`` (n_EF,) and T in t0).
    """

    name = "hall_conductivity"
    kind = "sea"

    def __init__(self, ef, nk, *, temperature=0.0, operator="charge", b=0, c=1,
                 degen_tol=DEGEN_TOL, method="auto"):
        self.ef, self.nk = ef, int(nk)
        self.temperature, self.operator = float(temperature), operator
        self.b, self.c, self.degen_tol, self.method = b, c, degen_tol, method
        charge = isinstance(operator, str) and operator == "charge"
        self.tr_parity = -1 if charge or is_number_operator(operator) else (
            1 if isinstance(operator, str) else None)
        self.units = {"sigma": HALL_UNITS.get(str(operator), "e [O]/hbar"), "band_chern": "1"}
        # C_n = (1/2pi) int Omega_n d^2k = 2 pi * (1/(2pi)^2) int; Omega^q = q Omega
        self._scale = 2 * np.pi / (ELECTRON_CHARGE if charge else 1.0)

    def __call__(self, k, model):
        return bands_and_curvature(model, k, self.operator, b=self.b, c=self.c,
                                   degen_tol=self.degen_tol, method=self.method)

    def reduce(self, state, weights):
        energies, om = weights.select(state[0]), weights.select(state[1])
        return {"sigma": occupied_sums(energies, om, self.ef, self.temperature) * weights.factor,
                "band": om.sum(0) * weights.factor}

    def finish(self, total, grid):
        return {"sigma": total["sigma"], "band_chern": self._scale * total["band"]}

    def coords(self):
        return {"ef": self.ef}

    def settings(self):
        return {"nk": self.nk, "temperature": self.temperature, "operator": str(self.operator),
                "b": self.b, "c": self.c, "method": self.method}


def _setup(model, ef, nk, temperature, operator, b, c, degen_tol, method, where):
    """Checked integrand and grid of a Hall k-sum (one line per bad input)."""
    model = ensure_model(model, where=where)
    check_method(method)
    ef = check_energies("ef", ef)
    check_positive("temperature", temperature, allow_zero=True)
    check_positive("degen_tol", degen_tol, allow_zero=True)
    for name, v in (("b", b), ("c", c)):
        if check_integer(name, v, minimum=0) > 1:
            raise ConventionError(f"{name} must be 0 (x) or 1 (y) for a 2D model, got {v}")
    hall_grid(model, 2)  # a 2D lattice model (message before the nk check, as always)
    nk = check_integer("nk", nk, minimum=NK_MIN, even=True)
    integrand = HallIntegrand(ef, nk, temperature=temperature, operator=operator, b=b, c=c,
                              degen_tol=degen_tol, method=method)
    return model, ef, nk, integrand, hall_grid(model, nk)


@shared_docs(time_estimate_tail=TIME_ESTIMATE_TAIL)
def hall_time_estimate(model, ef, *, nk: int, temperature: float = 0.0, operator="charge",
                       method: str = "auto", workers: int = 1, sample: int = 2048) -> float:
    """Estimated wall time (seconds) of :func:`hall_conductivity` with the same arguments.

    Times the k-chunk function of the same call on the first ``sample`` k-points of the
    ``nk x nk`` grid (:func:`lrtheory.response.ksum.ksum_time_estimate`: best of two runs,
    scaled linearly to ``nk^2`` k-points shared by ``workers`` processes). It leaves out the
    chunk bookkeeping, the reduce, the process start-up (~1 s) and counts perfect parallel
    speed-up (measured 1.8-2.05x on 2 cores, docs/performance.md): a lower bound, measured
    at 0.65-0.75 of the real time for the Haldane model at nk = 480 and 960 on one worker.

    Parameters
    ----------
    model, ef, nk, temperature, operator, method, workers
        As for :func:`hall_conductivity` (``ef`` and T in t0).
    %(time_estimate_tail)s
    """
    model, ef, nk, integrand, grid = _setup(model, ef, nk, temperature, operator, 0, 1,
                                            DEGEN_TOL, method, "hall_time_estimate")
    return ksum_time_estimate(integrand, model, grid, workers=workers, sample=sample)


def hall_conductivity(model, ef, *, nk: int = 120, temperature: float = 0.0, operator="charge",
                      b: int = 0, c: int = 1, chunk_size: int | None = None,
                      workers: int | None = 1, degen_tol: float = DEGEN_TOL,
                      progress: bool = False, scheduler=None,
                      method: str = "auto") -> HallCurve:
    r"""Generalized Hall conductivity ``sigma^O_bc(E_F)`` of Eq. (S23) on an ``nk x nk`` grid.

    Parameters
    ----------
    model : BlochModel (2D lattice)
    ef : float or (n_EF,) array
        Fermi energies (t0).
    nk : int
        Linear grid size (even: then the ``nk/2`` sub-grid gives ``change_on_doubling``).
    temperature : float
        ``T >= 0`` (t0, k_B = 1).
    operator : see :func:`lrtheory.response.berry.band_operator`
        ``"charge"`` (default, as the ``lrtheory hall`` command): the charge current
        ``j = q v`` with ``q = -e``, i.e. the electrical ``sigma_xy`` (e^2/hbar; ``sigma_e2h``
        in e^2/h is ``-C`` for occupied bands of total Chern number ``C``); ``None``: ``O = 1``,
        the particle (number) current ``j = v`` (``sigma = +C/2pi``); in both cases
        ``band_chern`` are the Chern numbers of the bands (docs/conventions.md);
        ``"orbital"``: orbital Hall conductivity (units ``e * [m]/hbar``, ``[m] = e a^2 t0/hbar``).
    b, c : int
        Current and field directions.
    chunk_size, workers, progress, scheduler
        See :func:`lrtheory.response.ksum.ksum`.
    degen_tol : float
        Bands closer than this (t0) count as degenerate.
    method : ``"auto"`` or ``"sum-over-states"``
        ``auto`` uses the closed-form two-band curvature where it applies (two orbitals,
        ``O`` = 1 or charge; no diagonalization), else the sum over states of Eq. S24;
        ``sum-over-states`` forces the latter. Both agree to rounding (tested).

    Returns
    -------
    HallCurve
        A :class:`~lrtheory.result.Result` (``sigma``, ``band_chern``, their ``nk/2``
        values and differences).
    """
    model, ef, nk, integrand, grid = _setup(model, ef, nk, temperature, operator, b, c,
                                            degen_tol, method, "hall_conductivity")
    cs = (check_integer("chunk_size", chunk_size) if chunk_size is not None
          else auto_chunk_size(model.n_orbitals, arrays=16))
    _check_memory(model.n_orbitals, nk, ef.size, cs, resolve_workers(workers),
                  float(temperature))
    res = ksum(integrand, model, grid, workers=workers, scheduler=scheduler, chunk_size=cs,
               progress=progress)
    return HallCurve.cast(res)


def chern_numbers(model, nk: int = 120, *, tol: float = CHERN_TOL, strict: bool = True,
                  **kw) -> ChernNumbers:
    """Chern number of every band, ``(1/2pi) int Omega_n d^2k`` (Kubo/sum-rule curvature),
    with its change when the linear grid density doubles and its convergence status.

    Parameters
    ----------
    model : 2D Bloch model
    nk : int
        Even linear grid size, ``>= NK_MIN`` (8).
    tol : float
        Largest accepted ``|C_n - round(C_n)|`` (dimensionless; default 1e-3).
    strict : bool
        True (default): raise :class:`~lrtheory.errors.ConvergenceError` unless the status
        is ``"converged"`` (module doc); False: return the :class:`ChernNumbers` with
        ``status = "not converged"``.
    **kw
        Passed to :func:`hall_conductivity` (workers, chunk_size, method, ...).

    Returns
    -------
    ChernNumbers
        ``value`` the grid sums, ``integer`` the nearest integers, ``distance``, ``status``.
    """
    tol = check_positive("tol", tol)
    curve = hall_conductivity(model, [0.0], nk=nk, operator=None, **kw)
    res = curve.chern(tol)
    if strict and not res.converged:
        worst = int(np.argmax(res.distance))
        raise ConvergenceError(
            f"Chern numbers not converged on the {res.nk} x {res.nk} grid: band {worst} sums "
            f"to {res.value[worst]:+.4f} ({res.distance[worst]:.2g} from an integer, "
            f"tolerance {tol:g}; nk/2 grid {res.value[worst] - res.change_on_doubling[worst]:+.4f}"
            f"): use a finer grid (e.g. nk = {2 * res.nk}), or the bands touch and a single "
            "band has no Chern number (strict=False returns the sums with their status)")
    return res
