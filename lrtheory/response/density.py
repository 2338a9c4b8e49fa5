r"""Static density accumulations in ribbons: Kubo response of site densities to E_x (Eq. 55).

The static (omega = 0) Kubo response of a bounded, k-diagonal operator ``A`` to a uniform field
``E_x`` (coupling ``H_E = H_0 + e E x``, Eq. 3; ``delta <A> = e chi_{A,x} E_x``, Eq. 20) is,
exactly at finite ``eta`` (derivation: docs/derivations.md, section "Ribbons and the OMM
density"),

.. math::
   \chi_{A,x}(0;\eta) = \frac{1}{\eta}\sum_k\sum_{nn'}
        \big[W^1_{nn'} - \mathcal L^\eta_{nn'}\big] A_{nn'}(k)\, v^x_{n'n}(k),

with the divided difference ``W1 = (f_n - f_n')/(e_n - e_n')`` (``f'(e_n)`` in a degenerate
block) and the Lindhard factor ``L = (f_n - f_n')/(e_n - e_n' + i eta)`` (Eq. 18). Split:

* **intraband** (coefficient of ``tau = 1/eta``): ``tau sum f'(e_n) A_nn v_nn`` over
  degenerate blocks = ``tau sum (df/dk) A_nn`` (Eq. 55, first term; Boltzmann with
  ``delta f = e E tau df/dk`` for charge ``-e``);
* **interband** (eta -> 0): ``sum_{n != n'} (f_n - f_n')/(e_n - e_n') A_nn' A^x_n'n``
  with ``A^x_n'n = i v_n'n/(e_n - e_n')`` (Eq. 55, second term).

Everything is written through the band-basis *response density matrix*
``R_{n'n}(k) = w_{nn'} v^x_{n'n}`` (so ``delta <A> = sum_k Tr[A(k) R(k)]``), which is
Hermitian and gauge covariant (the weights depend on energies only and are constant inside
degenerate blocks). In the orbital basis ``R_orb = U R U^dagger`` is gauge *invariant*: every
site density is then a trace, computed for all sites at once.

Site operators (point-like orbitals, paper Eq. S49; summed over the cells of a row and
divided by their number, i.e. per unit cell):

* charge (number) density ``P_mu``: ``<P_mu> = (R_orb)_{mu mu}``;
* velocity density ``j(mu) = {v, P_mu}/2``: ``<j(mu)> = Re (V R_orb)_{mu mu}`` with
  ``V_x = dH/dk`` and ``V_y = i[H, y]`` (``(V_y)_{mu nu} = i H_{mu nu} (y_nu - y_mu)``);
* OMM density ``n_m(mu) = {m_z, P_mu}/2`` with ``m_z = (q/4)(r x v - v x r)_z``
  (:data:`lrtheory.conventions.OMM_PREFACTOR`). For point-like orbitals the identity
  ``n_m(i) = (q/2)(x_i j_y(i) - y_i j_x(i))`` holds **exactly** (the bond-vector remainder
  vanishes because bond velocity is parallel to the bond). In a ribbon the ``x_i j_y`` term
  is not translation invariant unless ``delta j_y(i) = 0``; lrtheory reports
  ``n_m(y) = -(q/2) y delta j_x(y)`` (x measured from the observation point, y from the
  ribbon centre line) *together with* ``delta j_x`` and ``delta j_y`` so that the origin
  dependence ``n_m -> n_m - (q/2) Y0 delta j_x`` is visible.

Units: ``hbar = e = 1``; per unit field ``E_x`` (t0/(e a)); densities per unit cell (per
length a along x); intraband parts per unit ``tau`` (hbar/t0).
"""
from __future__ import annotations

import dataclasses

import numpy as np

from lrtheory._compat import renamed_keywords
from lrtheory.bands.eigensystem import Eigensystem
from lrtheory.conventions import DEGEN_TOL
from lrtheory.errors import (ConventionError, LrtheoryError, check_integer, check_positive,
                             check_real_scalar, warn)
from lrtheory.kernels.lindhard import fermi_surface_weight
from lrtheory.models.lattice import UniformGrid
from lrtheory.models.protocol import Ribbon, ensure_model
from lrtheory.parallel.executor import auto_chunk_size
from lrtheory.response.ksum import ksum
from lrtheory.response.parts import PartProfiles
from lrtheory.response.ribbon_ksum import (RibbonIntegrand, chunk_traces, pair_weights,
                                           ribbon_bandwidth)
from lrtheory.response.ribbon_operators import OMM_CONVENTION, site_operators
from lrtheory.result import Result, register_view

__all__ = [
    "occupation_weights",
    "response_matrices",
    "site_traces",
    "ribbon_site_operators",
    "RibbonAccumulation",
    "ribbon_accumulation",
    "symmetric_antisymmetric",
    "DEFAULT_SMEARING",
]

#: Fermi-function smearing (t0) used for the Fermi-surface (intraband) term at T = 0.
DEFAULT_SMEARING = 0.02

# ``es=`` was the keyword of the eigensystem before issue #14 (glossary: ``eigensystem``)
_renamed = renamed_keywords(es="eigensystem")


def _fermi_surface(e, ef, temperature, smearing):
    """``-f'(e)`` (1/t0) at the physical temperature, or at ``smearing`` when ``T = 0``."""
    return fermi_surface_weight(e, ef, temperature if temperature > 0 else smearing)


@_renamed
def occupation_weights(eigensystem: Eigensystem, ef: float, *, temperature: float = 0.0,
                       smearing: float = DEFAULT_SMEARING, eta: float | None = None) -> dict:
    r"""Kubo weights ``w_{nn'}(k)`` of the static response (Eq. 55; see module doc).

    At ``T = 0`` the occupations are a step and ``f'`` is that of a Fermi function of
    temperature ``smearing`` (a stated regularisation); kernels from
    :mod:`lrtheory.kernels.lindhard` (``principal_interband``, ``fermi_surface_weight``).

    Parameters
    ----------
    eigensystem : Eigensystem
        Ribbon eigensystem (Nk points; ``es=`` is its deprecated spelling).
    ef, temperature, smearing : float
        Fermi energy, ``k_B T`` (>= 0) and the ``T = 0`` width of ``f'`` (> 0), all t0.
    eta : float, optional
        Broadening (t0/hbar) of the exact finite-eta weight.

    Returns
    -------
    dict
        (Nk, n, n) arrays: ``"intraband"`` (``f'`` on degenerate blocks, 1/t0; times tau),
        ``"interband"`` (``i (f_n - f_n')/(e_n - e_n')^2`` elsewhere, 1/t0^2; eta -> 0) and,
        with ``eta``, ``"eta"`` (``(W1 - L^eta)/eta``, 1/t0^2).
    """
    check_positive("temperature", temperature, allow_zero=True)
    check_positive("smearing", smearing)
    if eta is not None:
        check_positive("eta", eta)
    e = eigensystem.energies
    fp = -_fermi_surface(e, ef, temperature, smearing)  # f'(e_n)
    # e_n at [n, n'], e_n' at [n, n']; f' of a degenerate block: the average of its two levels
    return pair_weights(e[:, :, None], e[:, None, :], fp[:, :, None], fp[:, None, :], ef,
                        temperature, eigensystem.degen_tol, eta)


@_renamed
def response_matrices(eigensystem: Eigensystem, ef: float, *, direction: int = 0, **kw) -> dict:
    r"""Band-basis response density matrices ``R_{n'n} = w_{nn'} v_{n'n}`` (Eq. 55).

    ``delta <A> = e E sum_k Tr[A(k) R(k)]`` for any k-diagonal Hermitian ``A`` (band basis).

    Parameters
    ----------
    eigensystem, ef, **kw
        As in :func:`occupation_weights` (``es=`` is deprecated).
    direction : int
        Cartesian index of the field (ribbons: 0 = along the ribbon).

    Returns
    -------
    dict
        Keys of :func:`occupation_weights`; (Nk, n, n) per unit E (intraband per unit tau).
    """
    w = occupation_weights(eigensystem, ef, **kw)
    v = eigensystem.velocity[:, direction]
    return {name: np.swapaxes(wt, -1, -2) * v for name, wt in w.items()}


@_renamed
def to_orbital(eigensystem: Eigensystem, R: np.ndarray) -> np.ndarray:
    """``U R U^dagger``: gauge-invariant orbital-basis form of a band-basis matrix.

    Parameters
    ----------
    eigensystem, R : Eigensystem, ndarray
        Eigensystem (``es=`` is deprecated) and band-basis matrices (Nk, n, n).

    Returns
    -------
    ndarray
        (Nk, n, n), units of ``R``.
    """
    U = eigensystem.states
    return U @ R @ np.conj(np.swapaxes(U, -1, -2))


def ribbon_site_operators(model, k: np.ndarray) -> dict:
    r"""k-diagonal orbital-basis operators of a ribbon: ``V_x = dH/dk`` and ``V_y = i[H, y]``
    (:func:`lrtheory.response.ribbon_operators.site_operators`; paper Eq. 4).

    Parameters
    ----------
    model, k : Ribbon, (Nk, 1) ndarray
        The ribbon and k along it (1/a).

    Returns
    -------
    dict
        ``{"vx": (Nk, n, n), "vy": (Nk, n, n)}`` (a t0/hbar).
    """
    return site_operators(model, k)


@renamed_keywords(ops="operators")
def site_traces(R_orb: np.ndarray, operators: dict) -> dict:
    r"""Site-resolved expectation values, summed over the k stack, for all orbitals at once.

    ``charge[mu] = sum_k Re R_{mu mu}``, ``jx[mu] = sum_k Re (V_x R)_{mu mu}``, ``jy`` alike
    (velocity densities ``{V, P_mu}/2``, Eq. S49).

    Parameters
    ----------
    R_orb, operators : ndarray, dict
        Orbital-basis response (Nk, n, n) (:func:`to_orbital`) and the operators of
        :func:`ribbon_site_operators` (``ops=`` is deprecated).

    Returns
    -------
    dict
        ``charge``, ``jx``, ``jy``: (n,) real arrays (units of ``R``; jx, jy times a t0/hbar).
    """
    out = {"charge": np.einsum("kii->i", R_orb).real}
    for name, op in (("jx", operators["vx"]), ("jy", operators["vy"])):
        out[name] = np.einsum("kij,kji->i", op, R_orb, optimize=True).real
    return out


#: weights below this fraction of a part's largest weight are dropped when looking for the
#: bands that do not respond (f' of a Fermi function 42 widths away; f_n = f_n' exactly):
#: far below rounding of the kept terms
WEIGHT_CUT = 1e-18


def response_band_blocks(weights: dict) -> tuple[int, int]:
    """``(lo, hi)``: bands ``< lo`` pair with each other with zero weight in every part, and so
    do bands ``>= hi`` (e.g. lo = occupied, hi = empty bands of an insulator at T = 0).

    The response matrices then vanish in the ``[:lo, :lo]`` and ``[hi:, hi:]`` blocks on the
    whole k chunk, and products with them skip those blocks."""
    n = next(iter(weights.values())).shape[-1]
    nz = np.zeros((n, n), bool)
    for w in weights.values():
        a = np.abs(w)
        top = a.max() if a.size else 0.0
        if top > 0:
            nz |= (a > WEIGHT_CUT * top).any(axis=0)
    if not nz.any():
        return n, n
    nz = nz | nz.T
    idx = np.arange(n)
    first = np.where(nz.any(1), np.argmax(nz, axis=1), n)           # first partner of each band
    last = np.where(nz.any(1), n - 1 - np.argmax(nz[:, ::-1], axis=1), -1)
    # lo: the largest L with no partner < L among bands < L
    lo = int(np.max(np.nonzero(np.minimum.accumulate(np.r_[n, first]) >= np.r_[0, idx + 1])[0]))
    # hi: the smallest H with no partner >= H among bands >= H
    ok = np.maximum.accumulate(np.r_[last, -1][::-1])[::-1] < np.r_[idx, n]
    hi = int(np.min(np.nonzero(ok)[0]))
    return lo, max(hi, lo)


def _chunk_profiles(k, *, model, ef, temperature, smearing, eta, degen_tol):
    """Site traces of one chunk summed over its k-points, keys ``"<part>_<quantity>"``
    (:func:`lrtheory.response.ribbon_ksum.chunk_traces`; same sums as :func:`site_traces`
    of :func:`to_orbital`, tested to rounding)."""
    per_k = chunk_traces(k, model, y=np.asarray(model.transverse_positions(), float), ef=ef,
                         temperature=temperature, smearing=smearing, eta=eta,
                         degen_tol=degen_tol)
    return {key: v.sum(0) for key, v in per_k.items()}


#: settings of a ribbon accumulation that :attr:`RibbonAccumulation.params` shows (the
#: keys before issue #14)
_PARAM_KEYS = ("ef", "nk", "temperature", "smearing", "eta", "degen_tol", "fermi_surface",
               "filling", "omm_convention")


class RibbonAccumulation(PartProfiles, Result):
    r"""Density accumulations of a ribbon in a static field ``E_x`` (per unit field and cell):
    a :class:`lrtheory.result.Result` (``quantity = "ribbon_accumulation"``) that keeps the
    attributes of the older class.

    Attributes
    ----------
    values : dict of (n,) arrays, keys ``"<part>_<quantity>"``; parts ``intraband``
        (per unit tau), ``interband`` (eta -> 0) and ``eta`` (exact at finite eta, if asked);
        quantities ``charge`` (electron number; charge density = q * this), ``jx``, ``jy``
        (velocity densities in the ribbon's frame; charge current = q * this) and ``omm`` =
        ``-(q/2) y jx``. ``profiles`` is the same dict.
    y : (n,) transverse coordinate of each orbital (a), origin on the ribbon centre line
        (``coords["y"]``).
    error : dict, full-grid minus sub-grid (every other k-point, i.e. ``k_grid(nk // 2)``)
        profiles, from the same pass (odd ``nk``: a second run on ``k_grid(nk // 2)``).
    convergence : dict, max relative change of each profile when Nk is halved,
        ``max|error| / max|value|`` (0 for a profile below 1e-14; empty if not computed).
    settings : the run settings, the ribbon's ``frame`` (3, 3) (rows: along the ribbon,
        transverse, normal; issue #18) and ``cut`` (dict or None). ``params``: the settings
        the class had before (ef, nk, temperature, smearing, eta, degen_tol, fermi_surface,
        filling, omm_convention). ``nk``: number of k-points.

    Parameters
    ----------
    y, profiles, params, nk, convergence, **fields_
        The attributes above (``profiles``: the values) and ``Result`` fields (``error``, ...).
    """

    def __init__(self, y, profiles, params, nk, convergence=None, **fields_):
        settings = {**dict(params), "nk": nk, "convergence": dict(convergence or {})}
        Result.__init__(self, "ribbon_accumulation", dict(profiles), coords={"y": y},
                        settings=settings, **fields_)

    @property
    def y(self) -> np.ndarray:
        return self.coords["y"]

    @property
    def profiles(self) -> dict:
        return self.values

    @property
    def nk(self) -> int:
        return self.settings["nk"]

    @property
    def params(self) -> dict:
        return {key: self.settings[key] for key in _PARAM_KEYS if key in self.settings}

    @property
    def convergence(self) -> dict:
        return self.settings.get("convergence", {})

    @property
    def frame(self) -> np.ndarray:
        """The ribbon's report frame (3, 3) (``settings["frame"]``)."""
        return np.asarray(self.settings["frame"])


register_view("ribbon_accumulation", RibbonAccumulation)


#: bytes of one (m, n, n) complex array of a ribbon chunk: twice the per-core L2 of the machine
#: measured (Fig. 2 ribbons, W = 20 and 80: 1.33-1.41x the floor against 1.46-1.47x with 1 MiB
#: and 1.69x with 8 MiB at W = 20; docs/performance.md)
RIBBON_CHUNK_BYTES = 2 ** 21


def ribbon_chunk_size(n_orbitals: int) -> int:
    """k-points per ribbon chunk: one complex (n, n) array per chunk of about
    :data:`RIBBON_CHUNK_BYTES` (at least 1)."""
    return auto_chunk_size(n_orbitals, arrays=1, budget=RIBBON_CHUNK_BYTES)


def _ribbon_grid(model, nk: int) -> UniformGrid:
    """The ribbon's grid ``model.k_grid(nk)`` as a :class:`UniformGrid` (same points, bit for
    bit: ``(i / nk) * (2 pi / L)``), cell "volume" 1 so that the weights are ``1 / nk``."""
    length = np.linalg.norm(np.asarray(model.lattice_vectors, float), axis=1)
    return UniformGrid((2 * np.pi / length)[:, None], (nk,), 1.0, "outer")


def _relative_change(full: dict, change: dict) -> dict:
    conv = {}
    for key, val in full.items():
        scale = max(np.max(np.abs(val)), 1e-300)
        conv[key] = float(np.max(np.abs(change[key])) / scale) if scale > 1e-14 else 0.0
    return conv


def ribbon_accumulation(model, ef: float, *, nk: int = 2048, temperature: float = 0.0,
                        smearing: float = DEFAULT_SMEARING, eta: float | None = None,
                        degen_tol: float = DEGEN_TOL, convergence: bool = True,
                        workers: int | None = 1, chunk_size: int | None = None,
                        scheduler=None, progress: bool = False,
                        fermi_surface: str = "smeared") -> RibbonAccumulation:
    r"""Charge, current and OMM density accumulations across a ribbon (Eq. 55, corrected).

    Parameters
    ----------
    model : Ribbon
        A :class:`lrtheory.models.protocol.Ribbon` (e.g. ``haldane().ribbon(20)``).
    ef : float
        Fermi energy (t0).
    nk : int
        k-points on the uniform grid ``model.k_grid(nk)`` (symmetric under k -> -k).
    temperature : float
        T (t0); at ``T = 0`` a step, and the Fermi-surface term smeared by ``smearing``.
    fermi_surface : str
        ``"smeared"`` (default) or ``"exact"``: at ``T = 0`` the intraband (Fermi-surface)
        part is then the exact sum over Fermi points ``-(1/G) sum_{k_F} sign(v_nn)
        A_nn(k_F)`` (:mod:`lrtheory.response.fermi_points`; ``smearing`` no longer enters it;
        ``nk`` is the grid on which Fermi points are located). Needs ``temperature == 0``.
    eta : float, optional
        If given, also the exact finite-eta response (part ``"eta"``) (t0).
    convergence : bool
        Also estimate the error from the sub-grid ``k_grid(nk // 2)`` (same pass; odd ``nk``:
        a second run); the max relative change goes to ``convergence``.
    smearing, degen_tol : float
        Width of the ``T = 0`` Fermi derivative and the degeneracy tolerance (t0).
    workers, scheduler, progress, chunk_size
        Execution of the k-sum (:func:`lrtheory.response.ksum.ksum`).

    Returns
    -------
    RibbonAccumulation
        Profiles per unit ``E_x`` and cell (intraband per unit tau), the ribbon's frame and
        cut in ``settings``.
    """
    model = ensure_model(model, Ribbon, where="ribbon_accumulation")
    ef = check_real_scalar("ef", ef, "Fermi energy (a real number)")
    nk = check_integer("nk", nk, minimum=4)
    check_positive("temperature", temperature, allow_zero=True)
    check_positive("smearing", smearing)
    check_positive("degen_tol", degen_tol, allow_zero=True)
    if eta is not None:
        check_positive("eta", eta)
    if chunk_size is not None:
        check_integer("chunk_size", chunk_size)
    filling = _filling(model, ef, max(float(temperature), float(smearing)))
    if filling != "partial":
        warn(f"E_F = {ef:g} t0 lies outside the spectrum (every |e_n(k)| <= "
             f"{model.energy_bound:.4g} t0): all bands are {filling}, so every accumulation "
             "is exactly zero")
    if fermi_surface not in ("smeared", "exact"):
        raise ConventionError(
            f"fermi_surface must be 'smeared' or 'exact', got {fermi_surface!r}")
    exact = fermi_surface == "exact"
    if exact and check_positive("temperature", temperature, allow_zero=True) > 0:
        raise ConventionError("fermi_surface='exact' is the T = 0 Fermi-point sum; at T > 0 the "
                              "Fermi derivative is physical: use fermi_surface='smeared'")
    y = np.asarray(model.transverse_positions(), float)
    integrand = RibbonIntegrand(y, ef=ef, temperature=temperature, smearing=smearing, eta=eta,
                                degen_tol=degen_tol, bandwidth=ribbon_bandwidth(model))
    run = dict(workers=workers, scheduler=scheduler, progress=progress,
               chunk_size=chunk_size or ribbon_chunk_size(model.n_orbitals))
    one_pass = convergence and nk % 2 == 0
    res = ksum(integrand, model, _ribbon_grid(model, nk), subgrid=one_pass, **run)
    prof, change = dict(res.values), dict(res.error)
    if convergence and not one_pass:  # odd nk: k_grid(nk // 2) is not a sub-grid
        half = ksum(integrand, model, _ribbon_grid(model, nk // 2), subgrid=False, **run)
        change = {key: prof[key] - half.values[key] for key in prof}
    if exact:
        from lrtheory.response.fermi_points import fermi_point_profiles
        prof.update(fermi_point_profiles(model, ef, nk=nk, degen_tol=degen_tol))
        if convergence:
            half_fp = fermi_point_profiles(model, ef, nk=nk // 2, degen_tol=degen_tol)
            change.update({key: prof[key] - val for key, val in half_fp.items()})
    conv = _relative_change(prof, change) if convergence else {}
    params = dict(ef=ef, nk=nk, temperature=temperature, smearing=smearing, eta=eta,
                  degen_tol=degen_tol, fermi_surface=fermi_surface, filling=filling,
                  omm_convention=OMM_CONVENTION)
    cut = None if model.cut is None else dataclasses.asdict(model.cut)
    extra = dict(frame=np.asarray(model.frame, float).tolist(), cut=cut,
                 chunk_size=res.settings["chunk_size"], grid="ribbon k_grid",
                 subgrid="every other k-point" if one_pass else
                 ("k_grid(nk // 2), second run" if convergence else None))
    return RibbonAccumulation(y, prof, {**params, **extra}, nk, conv,
                              units={**res.units, "y": "a"}, model=res.model,
                              error=change if convergence else {},
                              status="not checked")


#: Fermi functions 40 widths away from E_F are 1 or 0 to ~4e-18 (below rounding of the sums)
_FILLING_WIDTHS = 40.0


def _filling(model, ef: float, width: float) -> str:
    """``"full"``/``"empty"`` when ``E_F`` lies more than 40 widths (T or smearing) above /
    below every band (Gershgorin bound ``model.energy_bound``, rigorous for all k), else
    ``"partial"``; models without a bound (``energy_bound is None``) count as ``"partial"``."""
    bound = model.energy_bound
    if bound is None:
        return "partial"
    margin = float(bound) + _FILLING_WIDTHS * width
    return "full" if ef > margin else "empty" if ef < -margin else "partial"


def symmetric_antisymmetric(y: np.ndarray, profile: np.ndarray, *, atol: float = 1e-8):
    r"""Split a profile into parts symmetric / antisymmetric under ``y -> -y`` (Fig. 2d).

    Parameters
    ----------
    y, profile : (n,) ndarray
        Transverse positions (a, from the centre line) and a profile on them (any unit).
    atol : float
        Tolerance (a) of the required ``y -> -y`` symmetry of the positions (zigzag ribbons
        have it; LrtheoryError otherwise).

    Returns
    -------
    sym, anti : ndarray
        (n,) parts on the input ordering, units of ``profile``.
    """
    y = np.asarray(y)
    order = np.argsort(y)
    ys = y[order]
    if not np.allclose(ys, -ys[::-1], atol=atol):
        raise LrtheoryError("positions are not symmetric about y = 0: no (anti)symmetric split")
    mirror = np.empty_like(order)
    mirror[order] = order[::-1]
    p = np.asarray(profile)
    return 0.5 * (p + p[mirror]), 0.5 * (p - p[mirror])
