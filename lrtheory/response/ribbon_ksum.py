r"""The ribbon density accumulation (Eq. 55, corrected) as an integrand of the one k-sum driver.

:class:`RibbonIntegrand` gives, for every k of a chunk, the site traces
``t_mu(A) = Re (A U R U^dagger)_{mu mu}`` of ``A = 1, V_x, V_y``
(:mod:`lrtheory.response.ribbon_operators`) for every part of the response density matrix
``R_{n'n} = w_{nn'} v^x_{n'n}`` (:mod:`lrtheory.response.density`); the driver
(:func:`lrtheory.response.ksum.ksum`) sums them over the full grid and, in the same pass,
over the every-other-point sub-grid (the error estimate).

Fewest products (exact rewritings, tested against the plain formulation):

* ``R`` is Hermitian, so with ``T`` its upper half (strict upper triangle plus half the
  diagonal) ``U R U^dagger = N + N^dagger``, ``N = (U T) U^dagger``, and
  ``t_mu(A) = Re[(A N)_{mu mu} + (N A)_{mu mu}]``: one product ``U T`` of half the size;
* bands that cannot respond (pairs of bands that are fully occupied, or empty, at every k of
  the chunk: occupations within ``1e-18`` of 1 or 0) bound the block ``[:hi, lo:]`` where
  ``T`` can be non-zero off its diagonal; the weights and ``v^x`` are formed only there;
* the diagonal of ``R`` (Fermi-surface parts) is a column scaling of ``U``;
* banded ``H``, ``V_x`` (ribbons, :mod:`lrtheory.kernels.banded`): ``V_x U`` in O(w n^2) and
  only the ``2w + 1`` diagonals of ``N`` near the main one are formed.

A ribbon cut from a full-interpolation Wannier model (``model.has_position_matrix``) uses
the velocity ``-i[r, H] = dH/dk + i[H, A_x]`` for the field and ``j_x``, and
``V_y = i[H, Y]`` with ``Y = diag(y) + A^y`` for ``j_y``
(:mod:`lrtheory.models.slab_positions`), dense products (``A`` need not be banded); the
lever arm of the OMM density stays the centres' ``y``, as in films.

Units: per unit field ``E_x`` (t0/(e a)) and cell; intraband parts per unit tau (hbar/t0).
"""
from __future__ import annotations

import numpy as np

from lrtheory.kernels.banded import band_diagonals, banded_matmul, half_bandwidth
from lrtheory.kernels.lindhard import LINDHARD, fermi_surface_weight, principal_interband
from lrtheory.kernels.occupation import fermi
from lrtheory.models.protocol import hamiltonian_and_velocity
from lrtheory.response.ksum import Integrand
from lrtheory.response.parts import PARTS, part_units
from lrtheory.response.ribbon_operators import (add_omm_profiles, transverse_velocity,
                                                transverse_velocity_diagonals)

__all__ = ["RibbonIntegrand", "pair_weights", "chunk_traces", "ribbon_bandwidth", "QUANTITIES"]

#: site quantities of every part (``omm`` is added by :meth:`RibbonIntegrand.finish`)
QUANTITIES = ("charge", "jx", "jy")
#: occupations within this of 1 (or 0) at every k of a chunk make a band inert (its pairs
#: with other inert bands of the same kind have weights below 1e-18 of the largest)
_FROZEN = 1e-18
#: up to this many orbitals V_x U is one dense product even when V_x is banded
_DENSE_N = 64


def fermi_derivative_weight(e, ef, temperature, smearing):
    """``-f'(e)`` (1/t0) at the physical temperature, or at ``smearing`` when ``T = 0``
    (shared by the ribbon and the film integrands).

    Parameters
    ----------
    e : ndarray
        Band energies (t0).
    ef, temperature, smearing : float
        Fermi energy, temperature and the T = 0 smearing (t0).

    Returns
    -------
    ndarray
        ``-f'(e)`` (1/t0), the shape of ``e``.
    """
    return fermi_surface_weight(e, ef, temperature if temperature > 0 else smearing)


def pair_weights(ea, eb, fpa, fpb, ef, temperature, degen_tol, eta=None) -> dict:
    r"""Kubo weights ``w_{ab}`` of the static response for broadcast band pairs (``ea`` at
    ``[a, b]`` rows, ``eb`` columns; ``fpa``, ``fpb`` their ``f'``): see
    :func:`lrtheory.response.density.occupation_weights` (the same arithmetic on the full
    band pairs; Eq. 55's two terms and the exact finite-eta weight).

    Parameters
    ----------
    ea, eb : ndarray
        Band energies of the pairs, broadcast against each other (t0).
    fpa, fpb : ndarray
        Their Fermi derivatives ``f'`` (1/t0).
    ef : float
        Fermi energy (t0).
    temperature : float
        ``k_B T`` (t0), >= 0.
    degen_tol : float
        Pairs closer than this (t0) are degenerate (intraband).
    eta : float, optional
        Broadening (t0/hbar) of the exact finite-eta weight.

    Returns
    -------
    dict
        ``"intraband"`` (``f'``, 1/t0), ``"interband"`` (1/t0^2) and, with ``eta``,
        ``"eta"`` (1/t0^2); complex arrays of the broadcast shape.
    """
    de = ea - eb
    deg = np.abs(de) <= degen_tol
    fp_pair = 0.5 * (fpa + fpb)
    tol = degen_tol * (1 + 1e-12)
    w1_inter = principal_interband(ea, eb, ef, temperature, tol=tol)
    safe = np.where(deg, 1.0, de)
    out = {"intraband": np.where(deg, fp_pair, 0.0).astype(complex),
           "interband": np.where(deg, 0.0, 1j * w1_inter / safe)}
    if eta is not None:
        fa, fb = fermi(ea, ef, temperature), fermi(eb, ef, temperature)
        w1 = np.where(deg, fp_pair, w1_inter)
        out["eta"] = (w1 - LINDHARD(fa, fb, ea, eb, 0.0, eta)) / eta
    return out


def _window(e, ef, temperature, degen_tol, fp):
    """``(lo, hi, deg)``: off the diagonal, ``R`` vanishes outside rows ``< hi`` x columns
    ``>= lo`` of its upper triangle on the whole chunk (module doc); ``deg``: some pair of
    bands in that window is degenerate (then the Fermi-surface parts have off-diagonal
    entries there)."""
    n = e.shape[-1]
    f = fermi(e, ef, temperature)
    c = fermi(2 * ef - e, ef, temperature)  # 1 - f (exact tails)
    lo = int(np.min(np.sum(c <= _FROZEN, axis=-1)))
    hi = n - int(np.min(np.sum(f <= _FROZEN, axis=-1)))
    pair = np.zeros(n, bool)
    if n > 1:  # degenerate pairs carry the Fermi-surface weight f' off the diagonal
        close = (np.diff(e, axis=-1) <= degen_tol).any(axis=0)
        pair[:-1] |= close
        pair[1:] |= close
        pair &= _significant(fp)
        if pair.any():
            idx = np.nonzero(pair)[0]
            lo, hi = min(lo, int(idx[0])), max(hi, int(idx[-1]) + 1)
    hi = max(hi, lo)
    return lo, hi, bool(pair[lo:hi].any())


def _significant(fp):
    """Bands whose ``|f'|`` exceeds ``1e-18`` of the chunk's largest at some k (n,) bool."""
    a = np.abs(fp)
    top = a.max() if a.size else 0.0
    return (a > _FROZEN * top).any(axis=0) if top > 0 else np.zeros(fp.shape[-1], bool)


def _span(mask):
    """``(first, last + 1)`` of the True entries of a bool (n,) (``(0, 0)`` if none)."""
    idx = np.nonzero(mask)[0]
    return (int(idx[0]), int(idx[-1]) + 1) if idx.size else (0, 0)


#: generic k (1/a) at which the band structure of H and V_x is read (entries of a Bloch sum
#: that vanish at three unrelated irrational k vanish identically)
_PROBE_K = np.array([[0.3713906763541037], [1.9105690223730287], [-2.718281828459045]])


def ribbon_bandwidth(model) -> int:
    """Half-bandwidth ``w`` of ``H(k)`` and ``V_x(k)`` of a ribbon in its orbital order, read
    at three generic k (:mod:`lrtheory.kernels.banded`).

    Parameters
    ----------
    model : Ribbon
        The ribbon.

    Returns
    -------
    int
        ``w``: ``H_{mu nu} = 0`` for ``|mu - nu| > w``.
    """
    H, V = hamiltonian_and_velocity(model, _PROBE_K)
    return half_bandwidth(H, V[:, 0])


def _near_diagonals(Yc, Ucc, w):
    """``{d: np.diagonal(Y U^dagger, d)}`` for ``d = -w..w`` from the columns of ``Y`` that
    can be non-zero (``Yc``) and the same columns of ``conj(U)`` (``Ucc``)."""
    n = Yc.shape[-2]
    out = {}
    for d in range(-w, w + 1):
        if d >= 0:
            out[d] = np.einsum("kib,kib->ki", Yc[:, :n - d], Ucc[:, d:])
        else:
            out[d] = np.einsum("kib,kib->ki", Yc[:, -d:], Ucc[:, :n + d])
    return out


def _banded_trace(A, Nd, w, n):
    """``Re[(A N)_{mu mu} + (N A)_{mu mu}]`` from the diagonals of Hermitian ``A`` and of
    ``N`` (``np.diagonal`` layout)."""
    t = np.zeros(Nd[0].shape[:-1] + (n,))
    for d in range(-w, w + 1):
        s = (A[d] * Nd[-d] + np.conj(A[d]) * Nd[d]).real
        if d >= 0:
            t[..., :n - d] += s
        else:
            t[..., -d:] += s
    return t


def chunk_traces(k, model, *, y, ef, temperature, smearing, eta, degen_tol,
                 bandwidth=None) -> dict:
    """Per-k site traces of one chunk (module doc; Eq. 55 with the corrected OMM density).

    Parameters
    ----------
    k : (m, 1) ndarray
        k along the ribbon (1/a).
    model : Ribbon
        The ribbon.
    y : (n,) ndarray
        Transverse positions (a).
    ef, temperature, smearing : float
        Fermi energy, ``k_B T`` and the ``T = 0`` Fermi-surface smearing (t0).
    eta : float or None
        Broadening (t0/hbar) of the exact finite-eta part; None: no ``eta`` part.
    degen_tol : float
        Degeneracy tolerance (t0).
    bandwidth : int, optional
        Half-bandwidth of ``H``, ``V_x`` (:func:`ribbon_bandwidth`; None: read from this
        chunk).

    Returns
    -------
    dict
        ``"<part>_<quantity>"`` -> (m, n) per-k site traces, per unit E_x (intraband per
        unit tau): ``charge`` in electrons, ``jx``, ``jy`` in a t0/hbar.
    """
    H, V = hamiltonian_and_velocity(model, k)
    Vx, Vy = V[:, 0], None
    if model.has_position_matrix:  # full Wannier interpolation: v = -i[r, H], V_y = i[H, Y]
        Ax = model.position_matrix(k).connection[:, 0]
        Y = model.transverse_position(k)
        Vx = Vx + 1j * (H @ Ax - Ax @ H)
        Vy = 1j * (H @ Y - Y @ H)
    e, U = np.linalg.eigh(H)
    m, n = e.shape
    w = half_bandwidth(H, Vx) if bandwidth is None else int(bandwidth)
    banded = 2 * w + 1 <= n // 4 and Vy is None
    fp = -fermi_derivative_weight(e, ef, temperature, smearing)  # f'(e_n)
    lo, hi, deg = _window(e, ef, temperature, degen_tol, fp)
    dlo, dhi = _span(_significant(fp))  # bands of the diagonal (Fermi-surface) parts
    c_lo = min(lo, dlo) if dhi > dlo else lo  # columns of V_x U that are needed
    Uc = np.conj(U)
    # V_x U: banded products beat one zgemm only for wide ribbons (measured: n = 40 dense)
    Us = U[:, :, c_lo:]
    VxU = banded_matmul(Vx, Us, w) if banded and n > _DENSE_N else Vx @ Us
    # diagonal of R: R_nn = w_nn v_nn (intraband f', eta f'/eta, interband 0), bands dlo:dhi
    vdiag = np.einsum("kin,kin->kn", Uc[:, :, dlo:dhi], VxU[:, :, dlo - c_lo:dhi - c_lo]).real
    fpd = fp[:, dlo:dhi]
    diag = {"intraband": fpd * vdiag, "interband": None}
    if eta is not None:
        diag["eta"] = (fpd - 0.0) / eta * vdiag
    blocks = {}
    if hi > 0 and lo < n:
        # T[a, b] = R[a, b] = w[b, a] v[a, b] for a < b in rows :hi, columns lo:
        er, ec = e[:, :hi], e[:, lo:]
        wt = pair_weights(ec[:, :, None], er[:, None, :], fp[:, lo:, None], fp[:, None, :hi],
                          ef, temperature, degen_tol, eta)
        if not deg:  # no degenerate pair in the window: no intraband entry off the diagonal
            del wt["intraband"]
        vb = np.swapaxes(Uc[:, :, :hi], -1, -2) @ VxU[:, :, lo - c_lo:]
        upper = np.arange(hi)[:, None] < np.arange(lo, n)[None, :]
        for part, wp in wt.items():
            blocks[part] = np.where(upper, np.swapaxes(wp, -1, -2) * vb, 0)
    if banded:
        ops = {"jx": band_diagonals(Vx, w), "jy": transverse_velocity_diagonals(H, y, w)}
    else:
        ops = {"jx": Vx, "jy": transverse_velocity(H, y) if Vy is None else Vy}
    out = {}
    for part, dg in diag.items():
        # columns c0: of Y = U T (the others vanish)
        if dg is None and part not in blocks:
            for q in QUANTITIES:
                out[f"{part}_{q}"] = np.zeros((m, n))
            continue
        if part in blocks and dg is not None:  # diagonal and off-diagonal entries
            c0, c1 = min(lo, dlo) if dhi > dlo else lo, n
            Y = np.zeros((m, n, c1 - c0), complex)
            Y[:, :, dlo - c0:dhi - c0] = U[:, :, dlo:dhi] * (0.5 * dg)[:, None, :]
            Y[:, :, lo - c0:] += U[:, :, :hi] @ blocks[part]
        elif part in blocks:
            c0, c1 = lo, n
            Y = U[:, :, :hi] @ blocks[part]
        else:
            c0, c1 = dlo, dhi
            Y = U[:, :, dlo:dhi] * (0.5 * dg)[:, None, :]
        Ucc = Uc[:, :, c0:c1]
        if banded:
            Nd = _near_diagonals(Y, Ucc, w)
            out[f"{part}_charge"] = 2 * Nd[0].real
            for q, A in ops.items():
                out[f"{part}_{q}"] = _banded_trace(A, Nd, w, n)
        else:
            N = Y @ np.swapaxes(Ucc, -1, -2)
            out[f"{part}_charge"] = 2 * np.einsum("kii->ki", N).real
            for q, A in ops.items():
                out[f"{part}_{q}"] = (np.einsum("kij,kji->ki", A, N)
                                      + np.einsum("kij,kij->ki", np.conj(A), N)).real
    return out


class RibbonIntegrand(Integrand):
    """Site traces of the ribbon response (Eq. 55, corrected) on the k-sum driver.

    Parameters
    ----------
    y : (n,) ndarray
        Transverse positions of the ribbon's orbitals (a).
    bandwidth : int, optional
        Half-bandwidth of ``H`` and ``V_x`` (:func:`ribbon_bandwidth`; None: read per chunk).
    ef, temperature, smearing, eta, degen_tol : float
        As in :func:`lrtheory.response.density.ribbon_accumulation` (t0).

    Notes
    -----
    ``finish`` divides by nothing (the grid weights are ``1/N_k`` per point: a ribbon grid
    with cell "volume" 1, densities per unit cell) and adds ``"<part>_omm"``.
    """

    name = "ribbon_accumulation"
    tr_parity = None
    kind = "both"
    units = {}

    def __init__(self, y, *, ef, temperature, smearing, eta, degen_tol, bandwidth=None):
        self.y = np.asarray(y, float)
        self.bandwidth = bandwidth
        self.kw = dict(ef=float(ef), temperature=float(temperature), smearing=float(smearing),
                       eta=None if eta is None else float(eta), degen_tol=float(degen_tol))
        parts = PARTS + (("eta",) if eta is not None else ())
        units = {"charge": "electrons", "jx": "t0 a/hbar", "jy": "t0 a/hbar",
                 "omm": "e a^2 t0/hbar"}
        self.units = part_units(parts, {q: units[q] for q in QUANTITIES + ("omm",)},
                                " per cell per unit E_x")

    def __call__(self, k, model) -> dict:
        return chunk_traces(k, model, y=self.y, bandwidth=self.bandwidth, **self.kw)

    def finish(self, total: dict, grid) -> dict:
        return add_omm_profiles(dict(total), self.y)

    def coords(self) -> dict:
        return {"y": self.y}

    def settings(self) -> dict:
        return dict(self.kw)
