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

import os
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from lrtheory.bands.eigensystem import Eigensystem
from lrtheory.conventions import DEGEN_TOL, E2_OVER_H, ELECTRON_CHARGE
from lrtheory.errors import (ConvergenceError, ConventionError, LrtheoryError, ResourceError,
                             check_integer, check_positive, check_real)
from lrtheory.kernels.occupation import fermi, fermi_derivative
from lrtheory.kernels.two_band import (two_band_bands_and_curvature,
                                       two_band_orbital_hall_curvature)
from lrtheory.models.protocol import hamiltonian_and_velocity
from lrtheory.parallel.executor import auto_chunk_size, kmap_reduce, resolve_workers
from lrtheory.response.berry import generalized_berry_curvature, reciprocal_vectors

__all__ = [
    "KIntegral",
    "HallCurve",
    "ChernNumbers",
    "NK_MIN",
    "CHERN_TOL",
    "available_memory",
    "hall_memory_estimate",
    "hall_time_estimate",
    "bz_grid",
    "occupied_sums",
    "hall_conductivity",
    "chern_numbers",
    "eigensystem",
    "bands_and_curvature",
    "uses_two_band_closed_form",
]


@dataclass(frozen=True)
class KIntegral:
    """A k-integrated quantity with its convergence estimate.

    ``value`` at linear density ``nk``; ``change_on_doubling = value(nk) - value(nk/2)``
    (an estimate of the remaining error, usually pessimistic); ``nk`` the grid size.
    """

    value: np.ndarray
    nk: int
    change_on_doubling: np.ndarray
    info: dict = field(default_factory=dict)

    def __float__(self) -> float:
        return float(np.asarray(self.value).reshape(-1)[0])

    @property
    def error_estimate(self) -> float:
        return float(np.max(np.abs(self.change_on_doubling)))


#: smallest linear grid of the Hall k-sum (even): nk/2 = 4 is the coarsest sub-grid that
#: samples more than the 4 time-reversal-invariant momenta
NK_MIN = 8
#: default tolerance on |C - round(C)| for a Chern number to count as converged
CHERN_TOL = 1e-3


@dataclass(frozen=True)
class ChernNumbers(KIntegral):
    """Band Chern numbers ``(1/2pi) int Omega_n d^2k`` with their convergence status.

    ``value`` (n_bands,) the raw grid sums (not integers on a finite grid); ``integer`` the
    nearest integers; ``distance = |value - integer|`` (the convergence measure); ``tol``
    the tolerance; ``status`` ``"converged"`` when every ``distance <= tol`` and the ``nk/2``
    grid rounds to the same integers, else ``"not converged"`` (then ``integer`` is not an
    answer: refine the grid, or the bands touch and single-band Chern numbers are undefined).
    """

    integer: np.ndarray = None
    distance: np.ndarray = None
    tol: float = CHERN_TOL
    status: str = "not converged"

    @property
    def converged(self) -> bool:
        return self.status == "converged"


#: ``HallCurve.operator`` -> the current whose response ``sigma`` is (docs/conventions.md)
_CURRENTS = {
    "charge": "charge current j = -e v (electrical sigma_xy, e^2/hbar)",
    "None": "particle (number) current j = v, O = 1 (sigma = +C/2pi; not the electrical "
            "sigma_xy, which is -C/2pi)",
    "number": "particle (number) current j = v, O = 1",
    "orbital": "orbital-moment current j = m_z v (orbital Hall conductivity)",
}


@dataclass(frozen=True)
class HallCurve:
    """Generalized Hall conductivity versus Fermi energy.

    ``sigma`` in units of ``e [O] / hbar`` (``operator="charge"``: e^2/hbar), shape (n_EF,);
    ``sigma_half`` the same on the ``nk/2`` grid; ``band_chern`` (n_bands,) the Chern number
    of each band, ``(1/2pi) int Omega_n`` (for ``operator=None`` and ``"charge"``; for other
    operators the per-band sums of ``Omega^O``). :attr:`current` says which current ``sigma``
    is the response of (charge current ``j = -e v`` or particle current ``j = v``).
    """

    ef: np.ndarray
    sigma: np.ndarray
    sigma_half: np.ndarray
    nk: int
    temperature: float
    operator: str
    b: int
    c: int
    band_chern: np.ndarray
    band_chern_half: np.ndarray

    @property
    def change_on_doubling(self) -> np.ndarray:
        return self.sigma - self.sigma_half

    @property
    def current(self) -> str:
        """Which current ``sigma`` is the response of, in words."""
        return _CURRENTS.get(self.operator, f"current j = O v of the operator {self.operator}")

    @property
    def sigma_e2h(self) -> np.ndarray:
        """Electrical ``sigma`` in units of e^2/h (only for ``operator="charge"``, the charge
        current ``j = -e v``: ``-C`` in a gap with occupied Chern number ``C``)."""
        if self.operator != "charge":
            raise ConventionError(
                f"sigma_e2h is the electrical Hall conductivity (charge current j = -e v); this "
                f"curve is the response of the {self.current}: use operator='charge'")
        return self.sigma / E2_OVER_H

    def __repr__(self) -> str:
        return (f"HallCurve(operator={self.operator!r}: {self.current}; n_EF={len(self.ef)}, "
                f"nk={self.nk}, T={self.temperature:g}, b={self.b}, c={self.c}, "
                f"band_chern={np.round(self.band_chern, 6).tolist()})")

    def chern(self, tol: float = CHERN_TOL) -> "ChernNumbers":
        """:class:`ChernNumbers` of ``band_chern`` with its status (never raises)."""
        return _chern_status(self.band_chern, self.band_chern_half, self.nk, tol)


def _chern_status(value, half, nk, tol) -> ChernNumbers:
    value, half = np.asarray(value, float), np.asarray(half, float)
    integer = np.rint(value)
    distance = np.abs(value - integer)
    ok = bool(np.all(distance <= tol) and np.all(np.rint(half) == integer))
    return ChernNumbers(value, int(nk), value - half,
                        {"distance_from_integer": distance, "tol": tol},
                        integer=integer.astype(int), distance=distance, tol=float(tol),
                        status="converged" if ok else "not converged")


def available_memory() -> int:
    """Available physical memory in bytes: ``MemAvailable`` of /proc/meminfo, else
    ``SC_AVPHYS_PAGES * SC_PAGE_SIZE``, else 4 GiB (an assumption, stated)."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, ValueError, OSError):
        return 4 * 2**30


#: bytes of bookkeeping per chunk of the map (bounds row, the view object and list slot)
_PER_CHUNK_BYTES = 16 + 160


def hall_memory_estimate(n_orbitals: int, nk: int, n_ef: int, chunk_size: int,
                         workers: int = 1, temperature: float = 0.0) -> int:
    """Estimated peak memory (bytes) of :func:`hall_conductivity` on an ``nk x nk`` grid.

    Chunk list: ``ceil(nk^2 / chunk_size) * 176`` bytes (in the parent); per worker: one
    chunk's working set, ~16 complex (n, n) arrays per k-point, the energy sort of
    :func:`occupied_sums` (~6 floats per state) and at ``T > 0`` the occupation matrix
    (at most 2e6 floats); results ``O(n_EF + n_bands)``."""
    n_chunks = -(-int(nk) ** 2 // int(chunk_size))
    states = int(chunk_size) * int(n_orbitals)
    per_chunk = 16 * 16 * int(chunk_size) * int(n_orbitals) ** 2 + 6 * 8 * states
    per_chunk += 8 * (min(2_000_000, states * n_ef) if temperature > 0 else 4 * n_ef)
    return int(n_chunks * _PER_CHUNK_BYTES + max(1, workers) * per_chunk + 64 * n_ef)


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


def bz_grid(model, nk: int) -> tuple[np.ndarray, np.ndarray, float]:
    """Uniform ``nk x nk`` grid of the first BZ cell (k -> -k symmetric modulo G).

    Returns ``k (N, 2)`` Cartesian, ``half (N,)`` bool mask of the ``nk/2`` sub-grid (every
    other point; all False if ``nk`` is odd) and the unit-cell area (a^2).
    """
    nk = check_integer("nk", nk, minimum=2)
    B = reciprocal_vectors(model)
    if B.shape != (2, 2):
        raise LrtheoryError(f"a 2D bulk model is needed, reciprocal vectors have shape {B.shape}")
    i = np.arange(nk)
    I1, I2 = np.meshgrid(i, i, indexing="ij")
    frac = np.stack([I1, I2], -1).reshape(-1, 2) / nk
    half = ((I1 % 2 == 0) & (I2 % 2 == 0)).reshape(-1) if nk % 2 == 0 else np.zeros(nk * nk, bool)
    area = abs(np.linalg.det(np.atleast_2d(np.asarray(model.lattice_vectors, float))))
    return frac @ B, half, area


def occupied_sums(energies: np.ndarray, weights: np.ndarray, ef: np.ndarray,
                  temperature: float) -> np.ndarray:
    r"""``S(E_F) = sum_j w_j f(e_j - E_F)`` for all ``E_F`` at once (any shapes, flattened).

    ``T = 0``: sort once, cumulative sums, ``searchsorted`` (states exactly at ``E_F``
    count 1/2). ``T > 0``: exact occupation matrix for small problems, else energy bins of
    width ``T/50`` with a first-order Taylor correction in each bin.
    """
    e = np.asarray(energies, float).reshape(-1)
    w = np.asarray(weights, float).reshape(-1)
    ef = np.atleast_1d(np.asarray(ef, float))
    if temperature <= 0:
        if ef.size <= 16:  # a few E_F: direct comparison, O(N * n_EF), no sort
            return np.array([w[e < x].sum() + 0.5 * w[e == x].sum() for x in ef])
        order = np.argsort(e, kind="stable")
        es, cs = e[order], np.concatenate([[0.0], np.cumsum(w[order])])
        lo = np.searchsorted(es, ef, side="left")
        hi = np.searchsorted(es, ef, side="right")
        return 0.5 * (cs[lo] + cs[hi])
    T = float(temperature)
    if e.size * ef.size <= 2_000_000:
        return fermi(e[None, :] - ef[:, None], 0.0, T) @ w
    h = T / 50.0
    idx = np.floor((e - e.min()) / h).astype(np.int64)
    uniq, inv = np.unique(idx, return_inverse=True)
    centers = e.min() + (uniq + 0.5) * h
    s0 = np.bincount(inv, weights=w)
    s1 = np.bincount(inv, weights=w * (e - centers[inv]))
    x = centers[None, :] - ef[:, None]
    return fermi(x, 0.0, T) @ s0 + fermi_derivative(x, 0.0, T) @ s1


def eigensystem(model, k: np.ndarray, degen_tol: float = DEGEN_TOL) -> Eigensystem:
    """One batched diagonalization of ``model`` on the k stack (Nk, 2): H(k) and dH/dk built
    together where the model offers ``hamiltonian_and_velocity``, band-basis velocities by
    batched matmul (:meth:`Eigensystem.compute` without the Hermiticity re-check)."""
    return Eigensystem.compute(model, k, degen_tol=degen_tol, check=False)


def grid_slice(bounds: np.ndarray, nk: int, B: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """k-points ``start <= i < stop`` of the ``nk x nk`` grid of :func:`bz_grid` (same order)
    and their ``nk/2`` sub-grid mask, built inside the worker: memory flat in Nk."""
    start, stop = (int(x) for x in np.asarray(bounds).reshape(-1)[:2])
    i1, i2 = np.divmod(np.arange(start, stop), nk)
    k = np.outer(i1 / nk, B[0]) + np.outer(i2 / nk, B[1])
    half = (i1 % 2 == 0) & (i2 % 2 == 0) if nk % 2 == 0 else np.zeros(len(i1), bool)
    return k, half


def uses_two_band_closed_form(model, op) -> bool:
    """True when the Hall k-sum of ``model`` takes the closed-form two-band route
    (:mod:`lrtheory.kernels.two_band`, no ``eigh``): two orbitals and ``O`` a multiple of 1,
    or the orbital moment ``m_z`` of a 2D model."""
    if model.n_orbitals != 2 or not (op is None or isinstance(op, str)):
        return False
    return op in (None, "number", "charge") or (op == "orbital" and model.dim == 2)


METHODS = ("auto", "sum-over-states")


def bands_and_curvature(model, k, op=None, *, b: int = 0, c: int = 1,
                        degen_tol: float = DEGEN_TOL, method: str = "auto"
                        ) -> tuple[np.ndarray, np.ndarray]:
    """Band energies (Nk, n) (t0) and generalized curvature ``Omega^O_{n,bc}`` (Nk, n)
    (``[O] a^2``) on the k stack.

    ``method="auto"``: the closed form for two-band models with ``O`` = 1 or charge
    (:mod:`lrtheory.kernels.two_band`), else one batched ``eigh`` and the sum over states
    (Eq. S24); ``"sum-over-states"``: always the latter (for cross-checks)."""
    if method not in METHODS:
        raise LrtheoryError(f"method must be one of {METHODS}, got {method!r}")
    if method == "auto" and uses_two_band_closed_form(model, op):
        H, dH = hamiltonian_and_velocity(model, k)
        if op == "orbital":
            return two_band_orbital_hall_curvature(H, dH, b, c, degen_tol, ELECTRON_CHARGE)
        e, om = two_band_bands_and_curvature(H, dH[:, b], dH[:, c], degen_tol)
        return e, (ELECTRON_CHARGE * om if op == "charge" else om)
    eig = eigensystem(model, k, degen_tol)
    return eig.energies, generalized_berry_curvature(eig, op, b=b, c=c, model=model)


def _hall_chunk(bounds, *, model, nk, B, op, b, c, ef, temperature, degen_tol, weight,
                method="auto"):
    k, half = grid_slice(bounds, nk, B)
    energies, om = bands_and_curvature(model, k, op, b=b, c=c, degen_tol=degen_tol,
                                       method=method)
    full = occupied_sums(energies, om, ef, temperature) * weight
    hs = occupied_sums(energies[half], om[half], ef, temperature) * (4 * weight)
    # per-band Chern numbers of the ordinary curvature (only for op None: else the sums of
    # Omega^O per band, same normalization)
    return {"full": full, "half": hs,
            "band": om.sum(0) * weight, "band_half": om[half].sum(0) * 4 * weight}


def _hall_integrand(model, ef, nk, area, *, temperature, operator, b, c, degen_tol, method):
    """The k-chunk function of :func:`hall_conductivity` (and of its time estimate): index
    ranges of the ``nk x nk`` grid -> partial sums, weight ``int d^2k/(2pi)^2 = (1/(A N))
    sum_k`` with ``A`` the unit-cell area and ``N = nk^2``."""
    return partial(_hall_chunk, model=model, nk=nk, B=reciprocal_vectors(model), op=operator,
                   b=b, c=c, ef=ef, temperature=float(temperature), degen_tol=degen_tol,
                   weight=1.0 / (area * nk * nk), method=method)


def hall_time_estimate(model, ef, *, nk: int, temperature: float = 0.0, operator="charge",
                       method: str = "auto", workers: int = 1, sample: int = 2048) -> float:
    """Estimated wall time (seconds) of :func:`hall_conductivity` with the same arguments.

    Times the k-chunk integrand of the same call on the first ``sample`` k-points of the
    ``nk x nk`` grid (best of two runs, so one-off set-up is not counted) and scales it
    linearly to ``nk^2`` k-points shared by ``workers`` processes (every k-point costs the
    same). It leaves out the chunk bookkeeping, the reduce, the process start-up (~1 s) and
    counts perfect parallel speed-up (measured 1.8-2.05x on 2 cores, docs/performance.md):
    a lower bound, measured at 0.65-0.75 of the real time for the Haldane model at
    nk = 480 and 960 on one worker.
    """
    import time

    ef = check_real("ef", ef).reshape(-1)
    nk = check_integer("nk", nk, minimum=NK_MIN, even=True)
    _, _, area = bz_grid(model, 2)
    m = int(min(max(1, int(sample)), nk * nk))
    func = _hall_integrand(model, ef, nk, area, temperature=temperature, operator=operator,
                           b=0, c=1, degen_tol=DEGEN_TOL, method=method)
    best = float("inf")
    for _ in range(2):
        t0 = time.perf_counter()
        func(np.array([0, m]))
        best = min(best, time.perf_counter() - t0)
    return best * (nk * nk / m) / max(1, int(workers))


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
    method : ``"auto"`` or ``"sum-over-states"``
        ``auto`` uses the closed-form two-band curvature where it applies (two orbitals,
        ``O`` = 1 or charge; no diagonalization), else the sum over states of Eq. S24;
        ``sum-over-states`` forces the latter. Both agree to rounding (tested).

    Returns
    -------
    HallCurve
    """
    if method not in METHODS:
        raise LrtheoryError(f"method must be one of {METHODS}, got {method!r}")
    ef = check_real("ef", ef).reshape(-1)
    if ef.size == 0:
        raise ConventionError("ef is empty: give at least one Fermi energy")
    check_positive("temperature", temperature, allow_zero=True)
    check_positive("degen_tol", degen_tol, allow_zero=True)
    for name, v in (("b", b), ("c", c)):
        if check_integer(name, v, minimum=0) > 1:
            raise ConventionError(f"{name} must be 0 (x) or 1 (y) for a 2D model, got {v}")
    _, _, area = bz_grid(model, 2)  # validates the model; the grid itself is never stored
    nk = check_integer("nk", nk, minimum=NK_MIN, even=True)
    n_total = nk * nk
    cs = (check_integer("chunk_size", chunk_size) if chunk_size is not None
          else auto_chunk_size(model.n_orbitals, arrays=16))
    _check_memory(model.n_orbitals, nk, ef.size, cs, resolve_workers(workers),
                  float(temperature))
    # the map runs over (start, stop) index ranges: each worker builds its own k-points
    starts = np.arange(0, n_total, cs)
    bounds = np.stack([starts, np.minimum(starts + cs, n_total)], -1)
    func = _hall_integrand(model, ef, nk, area, temperature=temperature, operator=operator,
                           b=b, c=c, degen_tol=degen_tol, method=method)
    out = kmap_reduce(func, bounds, chunk_size=1, workers=workers, progress=progress,
                      desc="Hall", scheduler=scheduler)
    # band sums: Chern number C_n = (1/2pi) int Omega_n d^2k = 2 pi * (1/(2pi)^2) int
    # charge: Omega^q = q Omega, so the band sums / q are the Chern numbers (as for O = 1)
    scale = 2 * np.pi / (ELECTRON_CHARGE if operator == "charge" else 1.0)
    return HallCurve(ef, out["full"], out["half"], int(nk), float(temperature),
                     str(operator), b, c, scale * out["band"], scale * out["band_half"])


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
