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

from dataclasses import dataclass, field
from functools import partial

import numpy as np

from lrtheory.bands.eigensystem import Eigensystem
from lrtheory.conventions import DEGEN_TOL, ELECTRON_CHARGE
from lrtheory.errors import (ConventionError, LrtheoryError, ModelError, check_integer,
                             check_positive, check_real_scalar, warn)
from lrtheory.kernels.banded import (band_diagonals, banded_matmul, banded_site_trace,
                                     half_bandwidth, near_diagonals)
from lrtheory.kernels.lindhard import LINDHARD, fermi_surface_weight, principal_interband
from lrtheory.kernels.occupation import fermi
from lrtheory.models.protocol import hamiltonian_and_velocity
from lrtheory.parallel.executor import auto_chunk_size, kmap_reduce

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

PARTS = ("intraband", "interband")


def _fermi_surface(e, ef, temperature, smearing):
    """``-f'(e)`` (1/t0) at the physical temperature, or at ``smearing`` when ``T = 0``."""
    return fermi_surface_weight(e, ef, temperature if temperature > 0 else smearing)


def occupation_weights(es: Eigensystem, ef: float, *, temperature: float = 0.0,
                       smearing: float = DEFAULT_SMEARING, eta: float | None = None) -> dict:
    r"""Kubo weights ``w_{nn'}(k)`` (Nk, n, n) of the static response (see module doc).

    Returns a dict with ``"intraband"`` (``f'`` on degenerate blocks, coefficient of tau),
    ``"interband"`` (``i (f_n - f_n')/(e_n - e_n')^2`` off the degenerate blocks, eta -> 0)
    and, if ``eta`` is given, ``"eta"``: the exact finite-eta weight ``(W1 - L^eta)/eta``.

    At ``T = 0`` the occupations are an exact step and ``f'`` is the derivative of a Fermi
    function of temperature ``smearing`` (a stated regularisation of the Fermi-surface term).
    The weights are the kernels compiled from the symbolic layer
    (:mod:`lrtheory.kernels.lindhard`: ``principal_interband``, ``fermi_surface_weight``,
    ``LINDHARD``).
    """
    check_positive("temperature", temperature, allow_zero=True)
    check_positive("smearing", smearing)
    e = es.energies
    en, em = e[:, :, None], e[:, None, :]  # e_n at [n, n'], e_n' at [n, n']
    de = en - em
    deg = np.abs(de) <= es.degen_tol
    fp = -_fermi_surface(e, ef, temperature, smearing)  # f'(e_n)
    # f' of the block: average of the two levels (symmetric, constant to O(degen_tol))
    fp_pair = 0.5 * (fp[:, :, None] + fp[:, None, :])
    tol = es.degen_tol * (1 + 1e-12)
    w1_inter = principal_interband(en, em, ef, temperature, tol=tol)  # P (f_n - f_n')/de
    safe = np.where(deg, 1.0, de)
    out = {
        "intraband": np.where(deg, fp_pair, 0.0).astype(complex),
        "interband": np.where(deg, 0.0, 1j * w1_inter / safe),
    }
    if eta is not None:
        check_positive("eta", eta)
        f = fermi(e, ef, temperature)
        w1 = np.where(deg, fp_pair, w1_inter)
        lind = LINDHARD(f[:, :, None], f[:, None, :], en, em, 0.0, eta)
        out["eta"] = (w1 - lind) / eta
    return out


def response_matrices(es: Eigensystem, ef: float, *, direction: int = 0, **kw) -> dict:
    r"""Band-basis response density matrices ``R_{n'n} = w_{nn'} v_{n'n}`` (Nk, n, n).

    ``delta <A> = e E sum_k Tr[A(k) R(k)]`` for any k-diagonal Hermitian ``A`` (band basis).
    Keys as in :func:`occupation_weights`. ``direction`` selects the field direction
    (ribbons: 0 = along the ribbon).
    """
    w = occupation_weights(es, ef, **kw)
    v = es.velocity[:, direction]
    return {name: np.swapaxes(wt, -1, -2) * v for name, wt in w.items()}


def to_orbital(es: Eigensystem, R: np.ndarray) -> np.ndarray:
    """``U R U^dagger``: gauge-invariant orbital-basis form of a band-basis matrix."""
    U = es.states
    return U @ R @ np.conj(np.swapaxes(U, -1, -2))


def ribbon_site_operators(model, k: np.ndarray) -> dict:
    r"""k-diagonal orbital-basis operators of a ribbon: ``V_x = dH/dk`` and ``V_y = i[H, y]``.

    Returns ``{"vx": (Nk, n, n), "vy": (Nk, n, n)}`` (units t0 a / hbar).
    """
    y = model.transverse_positions()
    H = model.hamiltonian(k)
    vx = model.velocity(k)[:, 0]
    vy = 1j * H * (y[None, None, :] - y[None, :, None])
    return {"vx": vx, "vy": vy}


def site_traces(R_orb: np.ndarray, ops: dict) -> dict:
    r"""Site-resolved expectation values, summed over the k stack, for all orbitals at once.

    ``charge[mu] = sum_k Re R_{mu mu}``, ``jx[mu] = sum_k Re (V_x R)_{mu mu}``,
    ``jy[mu] = sum_k Re (V_y R)_{mu mu}`` (``{V, P_mu}/2`` densities; velocity, not charge).
    """
    out = {"charge": np.einsum("kii->i", R_orb).real}
    for name, op in (("jx", ops["vx"]), ("jy", ops["vy"])):
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


def _blocked_band_velocity(Ud, VU, lo, hi):
    """``U^dagger V U`` in every block except ``[:lo, :lo]`` and ``[hi:, hi:]`` (left 0)."""
    Nk, n, _ = Ud.shape
    v = np.zeros((Nk, n, n), complex)
    v[:, :lo, lo:] = Ud[:, :lo] @ VU[:, :, lo:]
    v[:, lo:hi] = Ud[:, lo:hi] @ VU
    v[:, hi:, :hi] = np.conj(np.swapaxes(v[:, :hi, hi:], -1, -2))  # Hermitian
    return v


def _blocked_times_Ud(R, Ud, lo, hi):
    """``R @ U^dagger`` for ``R`` vanishing in the ``[:lo, :lo]`` and ``[hi:, hi:]`` blocks."""
    P = np.empty(Ud.shape, complex)
    P[:, :lo] = R[:, :lo, lo:] @ Ud[:, lo:]
    P[:, lo:hi] = R[:, lo:hi] @ Ud
    P[:, hi:] = R[:, hi:, :hi] @ Ud[:, :hi]
    return P


def _chunk_profiles(k, *, model, ef, temperature, smearing, eta, degen_tol):
    """Map step: site traces ``<A_mu> = Re (A U R U^dagger)_{mu mu}`` for ``A = 1, V_x, V_y``
    and every part, from one eigensystem, with as few n^3 products as the structure allows
    (BLAS threads are capped by the executor, :func:`lrtheory.parallel.kmap_reduce`).

    * the weights depend on energies only, so the bands that cannot respond (pairs of fully
      occupied or of empty bands, :func:`response_band_blocks`) are known before any product
      and the band-basis velocity and ``P = R U^dagger`` skip those blocks;
    * when ``H``, ``V_x`` (hence ``V_y``) are banded in the orbital order (ribbons,
      :mod:`lrtheory.kernels.banded`), ``V_x U`` and the traces cost O(w n^2): only the
      diagonals of ``U P`` near the main one are formed;
    * the intraband ``R`` is diagonal unless bands are degenerate (then ``R U^dagger`` is a
      row scaling).

    Same sums as :func:`site_traces` of :func:`to_orbital` (tested to rounding).
    """
    H, V = hamiltonian_and_velocity(model, k)
    Vx = V[:, 0]
    e, U = np.linalg.eigh(H)
    Ud = np.conj(np.swapaxes(U, -1, -2))
    n = e.shape[-1]
    y = model.transverse_positions()
    w = half_bandwidth(H, Vx)
    banded = 2 * w + 1 <= n // 4
    if banded:  # V_y = i[H, y] only through its diagonals: (V_y)[mu, mu+d] = i H (y_mu+d - y_mu)
        Vy = {d: 1j * h * (y[d:] - y[:n - d] if d >= 0 else y[:n + d] - y[-d:])
              for d, h in band_diagonals(H, w).items()}
    else:
        Vy = 1j * H * (y[None, None, :] - y[None, :, None])
    VxU = banded_matmul(Vx, U, w) if banded else Vx @ U
    es = Eigensystem(k, e, U, None, float(degen_tol))
    weights = occupation_weights(es, ef, temperature=temperature, smearing=smearing, eta=eta)
    eye = np.eye(n, dtype=bool)
    off_block = es.has_degenerate_bands
    if off_block:  # degenerate bands: weights on degenerate blocks need those v elements
        lo, hi = response_band_blocks(weights)
    else:  # diagonal weights (Fermi surface) are taken apart below with diag(v) only
        lo, hi = response_band_blocks({name: np.where(eye, 0, wt)
                                       for name, wt in weights.items()})
    vband = _blocked_band_velocity(Ud, VxU, lo, hi)
    if not off_block:
        vdiag = np.einsum("kin,kin->kn", np.conj(U), VxU)  # v_nn
    if not banded:
        VyU = Vy @ U
    out = {}
    for part, wt in weights.items():
        if off_block:
            R = np.swapaxes(wt, -1, -2) * vband  # R_{n'n} = w_{nn'} v_{n'n} (response_matrices)
            P = _blocked_times_Ud(R, Ud, lo, hi)
        else:
            P = (np.diagonal(wt, axis1=-2, axis2=-1) * vdiag)[:, :, None] * Ud
            if part != "intraband":  # intraband weights are diagonal without degeneracies
                R = np.swapaxes(wt, -1, -2) * vband
                R[:, eye] = 0
                P += _blocked_times_Ud(R, Ud, lo, hi)
        if banded:
            diags = near_diagonals(U, P, w)
            traces = {"charge": banded_site_trace(None, diags, w),
                      "jx": banded_site_trace(Vx, diags, w),
                      "jy": banded_site_trace(Vy, diags, w)}
            for q, t in traces.items():
                out[f"{part}_{q}"] = t.real.sum(0)
        else:
            out[f"{part}_charge"] = np.einsum("kmn,knm->m", U, P, optimize=True).real
            out[f"{part}_jx"] = np.einsum("kmn,knm->m", VxU, P, optimize=True).real
            out[f"{part}_jy"] = np.einsum("kmn,knm->m", VyU, P, optimize=True).real
    return out


@dataclass
class RibbonAccumulation:
    r"""Density accumulations of a ribbon in a static field ``E_x`` (per unit field and cell).

    Attributes
    ----------
    y : (n,) transverse coordinate of each orbital (a), origin on the ribbon centre line
    profiles : dict of (n,) arrays, keys ``"<part>_<quantity>"``; parts ``intraband``
        (per unit tau), ``interband`` (eta -> 0) and ``eta`` (exact at finite eta, if asked);
        quantities ``charge`` (electron number; charge density = q * this), ``jx``, ``jy``
        (velocity densities; charge current = q * this) and ``omm`` = ``-(q/2) y jx``.
    nk : int, number of k-points; ``convergence`` : dict, max relative change of each profile
        when Nk is halved (if computed).
    """

    y: np.ndarray
    profiles: dict
    params: dict
    nk: int
    convergence: dict = field(default_factory=dict)

    def get(self, part: str, quantity: str) -> np.ndarray:
        try:
            return self.profiles[f"{part}_{quantity}"]
        except KeyError:
            raise LrtheoryError(
                f"no profile {part}_{quantity}; available: {sorted(self.profiles)}"
            ) from None


def _profiles(model, k, ef, temperature, smearing, eta, degen_tol, workers, chunk_size,
              scheduler=None, progress=False):
    func = partial(_chunk_profiles, model=model, ef=ef, temperature=temperature,
                   smearing=smearing, eta=eta, degen_tol=degen_tol)
    tot = kmap_reduce(func, k, chunk_size=chunk_size or auto_chunk_size(model.n_orbitals),
                      workers=workers, scheduler=scheduler, progress=progress,
                      desc="ribbon k-sum")
    y = model.transverse_positions()
    prof = {key: val / len(k) for key, val in tot.items()}
    for part in [p for p in ("intraband", "interband", "eta") if f"{p}_jx" in prof]:
        prof[f"{part}_omm"] = -(ELECTRON_CHARGE / 2.0) * y * prof[f"{part}_jx"]
    return prof


def ribbon_accumulation(model, ef: float, *, nk: int = 2048, temperature: float = 0.0,
                        smearing: float = DEFAULT_SMEARING, eta: float | None = None,
                        degen_tol: float = DEGEN_TOL, convergence: bool = True,
                        workers: int | None = 1, chunk_size: int | None = None,
                        scheduler=None, progress: bool = False,
                        fermi_surface: str = "smeared") -> RibbonAccumulation:
    r"""Charge, current and OMM density accumulations across a ribbon (Eq. 55, corrected).

    Parameters
    ----------
    model : ribbon Bloch model (``dim == 1``, ``transverse_positions()``)
    ef : Fermi energy (t0)
    nk : k-points on the uniform grid (symmetric under k -> -k)
    temperature : T (t0); at ``T = 0`` occupations are a step and the Fermi-surface term uses
        a Fermi derivative of width ``smearing``.
    fermi_surface : ``"smeared"`` (default) or ``"exact"``: at ``T = 0`` the intraband
        (Fermi-surface) part is then the exact sum over Fermi points
        ``-(1/G) sum_{k_F} sign(v_nn) A_nn(k_F)`` (:mod:`lrtheory.response.fermi_points`;
        ``smearing`` no longer enters it; ``nk`` is the grid on which Fermi points are
        located). ``"exact"`` needs ``temperature == 0``.
    eta : if given, also the exact finite-eta response (part ``"eta"``).
    convergence : also evaluate with ``nk // 2`` and record the max relative change.
    workers, scheduler, progress, chunk_size : execution of the k-sum
        (:func:`lrtheory.parallel.kmap_reduce`: local processes or a Dask scheduler).

    Returns
    -------
    RibbonAccumulation
    """
    if getattr(model, "dim", None) != 1 or not hasattr(model, "transverse_positions"):
        raise ModelError("ribbon_accumulation needs a ribbon (1D Bloch model with a transverse "
                         "axis): build one with model.ribbon(width)")
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
    kgrid = model.k_grid(nk)
    prof = _profiles(model, kgrid, ef, temperature, smearing, eta, degen_tol, workers,
                     chunk_size, scheduler, progress)
    if exact:
        from lrtheory.response.fermi_points import fermi_point_profiles
        prof.update(fermi_point_profiles(model, ef, nk=nk, degen_tol=degen_tol))
    conv = {}
    if convergence:
        half = _profiles(model, model.k_grid(nk // 2), ef, temperature, smearing, eta,
                         degen_tol, workers, chunk_size, scheduler, progress)
        if exact:
            half.update(fermi_point_profiles(model, ef, nk=nk // 2, degen_tol=degen_tol))
        for key, val in prof.items():
            scale = max(np.max(np.abs(val)), 1e-300)
            conv[key] = float(np.max(np.abs(val - half[key])) / scale) if scale > 1e-14 else 0.0
    params = dict(ef=ef, nk=nk, temperature=temperature, smearing=smearing, eta=eta,
                  degen_tol=degen_tol, fermi_surface=fermi_surface, filling=filling,
                  omm_convention="n_m(y) = -(q/2) y jx(y), q = -1, "
                  "x from observation point, y from ribbon centre line")
    return RibbonAccumulation(model.transverse_positions(), prof, params, nk, conv)


#: Fermi functions 40 widths away from E_F are 1 or 0 to ~4e-18 (below rounding of the sums)
_FILLING_WIDTHS = 40.0


def _filling(model, ef: float, width: float) -> str:
    """``"full"``/``"empty"`` when ``E_F`` lies more than 40 widths (T or smearing) above /
    below every band (Gershgorin bound ``model.energy_bound``, rigorous for all k), else
    ``"partial"``; models without a bound count as ``"partial"``."""
    bound = getattr(model, "energy_bound", None)
    if bound is None:
        return "partial"
    margin = float(bound) + _FILLING_WIDTHS * width
    return "full" if ef > margin else "empty" if ef < -margin else "partial"


def symmetric_antisymmetric(y: np.ndarray, profile: np.ndarray, *, atol: float = 1e-8):
    r"""Split a profile into parts symmetric / antisymmetric under ``y -> -y`` (Fig. 2d).

    Requires the set of positions to be symmetric about 0 (zigzag ribbons are).
    Returns ``(sym, anti)`` on the input ordering.
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
