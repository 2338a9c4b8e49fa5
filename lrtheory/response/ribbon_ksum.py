r"""The ribbon density accumulation (Eq. 55, corrected) as an integrand of the one k-sum driver.

:class:`RibbonIntegrand` gives, for every k of a chunk, the site traces
``t_mu(A) = Re (A U R U^dagger)_{mu mu}`` of ``A = 1, V_x, V_y``
(:mod:`lrtheory.response.ribbon_operators`) for every part of the response density matrix
``R_{n'n} = w_{nn'} v^x_{n'n}`` (:mod:`lrtheory.response.density`); the driver
(:func:`lrtheory.response.ksum.ksum`) sums them over the full grid and, in the same pass,
over the every-other-point sub-grid (the error estimate).

Fewest products and passes (exact rewritings, tested against the plain formulation on random
ribbons in a random gauge; :func:`band_traces` is all the work after ``eigh``):

* ``R`` is Hermitian, so with ``T`` its strict upper triangle ``U R U^dagger = U D U^dagger
  + N + N^dagger``, ``N = (U T) U^dagger``, ``D`` the diagonal of ``R``;
* bands that cannot respond (pairs of bands that are fully occupied, or empty, at every k of
  the chunk: occupations within ``1e-18`` of 1 or 0; at ``T = 0`` exactly the bands below or
  above ``E_F``) bound the block ``[:hi, lo:]`` where ``T`` can be non-zero; the weights and
  ``v^x`` are formed only there. Without degenerate pairs in the block (a test of neighbour
  gaps) and without ``eta`` the interband weight ``i (f_b - f_a)/(e_b - e_a)^2`` is one real
  array multiplied into ``v^x`` (no complex weights, no masks but the overlap triangle);
* banded ``H``, ``V_x`` (ribbons, :mod:`lrtheory.kernels.banded`): ``V_x U`` in O(w n^2)
  (vanishing diagonals skipped) and only the ``w + 1`` diagonals of ``U R U^dagger`` on and
  below the main one are formed, the ``N`` part by row-wise dot products (``np.vecdot``);
* the diagonal ``D`` (Fermi-surface parts, bands with a significant ``f'``) needs neither
  ``V_x U`` nor ``U D``: the column products ``P_d = U[mu + d] conj(U[mu])`` give both
  ``v^x_nn = Re[(V_x)_0 P_0 + 2 sum_d (V_x)_d P_d]`` and the near diagonals ``P_d D`` of
  ``U D U^dagger`` (:func:`lrtheory.kernels.banded.column_products`);
* the traces of all parts are stacked into one (m, K, n) array, summed over k by the driver
  in one product per estimate.

A ribbon cut from a full-interpolation Wannier model (``model.has_position_matrix``) uses
the velocity ``-i[r, H] = dH/dk + i[H, A_x]`` for the field and ``j_x``, and
``V_y = i[H, Y]`` with ``Y = diag(y) + A^y`` for ``j_y``
(:mod:`lrtheory.models.slab_positions`), dense products (``A`` need not be banded); the
lever arm of the OMM density stays the centres' ``y``, as in films.

Units: per unit field ``E_x`` (t0/(e a)) and cell; intraband parts per unit tau (hbar/t0).
"""
from __future__ import annotations

import numpy as np

from lrtheory.kernels.banded import (band_diagonals, banded_matmul, column_products,
                                     half_bandwidth, hermitian_site_trace)
from lrtheory.kernels.lindhard import LINDHARD, fermi_surface_weight, principal_interband
from lrtheory.kernels.occupation import fermi
from lrtheory.models.protocol import hamiltonian_and_velocity
from lrtheory.response.ksum import Integrand
from lrtheory.response.parts import PARTS, part_units
from lrtheory.response.ribbon_operators import (add_omm_profiles, position_velocities,
                                                transverse_velocity,
                                                transverse_velocity_diagonals)

__all__ = ["RibbonIntegrand", "pair_weights", "chunk_traces", "band_traces", "trace_keys",
           "ribbon_bandwidth", "QUANTITIES"]

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


def _window(e, ef, temperature, degen_tol, significant):
    """``(lo, hi, deg)``: off the diagonal, ``R`` vanishes outside rows ``< hi`` x columns
    ``>= lo`` of its upper triangle on the whole chunk (module doc); ``deg``: some pair of
    bands in that window is degenerate (then the Fermi-surface parts have off-diagonal
    entries there). ``significant``: the bands of :func:`_significant`."""
    n = e.shape[-1]
    if temperature > 0:
        f = fermi(e, ef, temperature)
        c = fermi(2 * ef - e, ef, temperature)  # 1 - f (exact tails)
        lo = int(np.min(np.sum(c <= _FROZEN, axis=-1)))
        hi = n - int(np.min(np.sum(f <= _FROZEN, axis=-1)))
    else:  # steps: f = 1 exactly below E_F and 0 above (the interband weights' own f)
        lo = int(np.min(np.sum(e < ef, axis=-1)))
        hi = n - int(np.min(np.sum(e > ef, axis=-1)))
    pair = np.zeros(n, bool)
    if n > 1:  # degenerate pairs carry the Fermi-surface weight f' off the diagonal
        close = (np.diff(e, axis=-1) <= degen_tol).any(axis=0)
        pair[:-1] |= close
        pair[1:] |= close
        pair &= significant
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


def _vecdot_einsum(a, b):
    """``sum_i conj(a_i) b_i`` over the last axis: :func:`numpy.vecdot` of NumPy < 2."""
    return np.einsum("...i,...i->...", np.conj(a), b)


#: row-wise dot products conjugating the first argument (pyproject allows NumPy >= 1.24)
_vecdot = getattr(np, "vecdot", _vecdot_einsum)


def _add_offdiagonal_near_diagonals(G, i, Y, Ub, w):
    """Add to ``G[d][i]`` (``d = 0..w``) the near diagonals ``M[..., mu + d, mu]`` of
    ``M = N + N^dagger``, ``N = Y U_b^dagger`` (``Ub``: the columns of ``U`` that match
    ``Y``'s): ``N[mu, nu] = sum_b conj(U_b[nu, b]) Y[mu, b]`` (``np.vecdot`` conjugates its
    first argument)."""
    n = Y.shape[-2]
    G[0][i] += 2 * _vecdot(Ub, Y).real
    for d in range(1, w + 1):
        G[d][i] += _vecdot(Ub[:, :n - d], Y[:, d:])  # N[mu + d, mu]
        G[d][i] += np.conj(_vecdot(Ub[:, d:], Y[:, :n - d]))  # conj N[mu, mu + d]


def _interband_weights(e, lo, hi, ef, temperature, degen_tol):
    """Real ``w`` with ``i w[a, b] = i (f_b - f_a)/(e_b - e_a)^2`` = the interband weight of
    :func:`pair_weights` for rows ``a < hi`` x columns ``b >= lo`` (m, hi, n - lo), the
    same arithmetic; undefined where ``a >= b`` (the caller masks it). Only for blocks with
    no degenerate pair."""
    er, ec = e[:, :hi, None], e[:, None, lo:]
    d = ec - er
    with np.errstate(divide="ignore", invalid="ignore"):
        if temperature > 0:
            w1 = principal_interband(ec, er, ef, temperature, tol=degen_tol * (1 + 1e-12))
        else:
            f = fermi(e, ef, 0.0)
            w1 = (f[:, None, lo:] - f[:, :hi, None]) / d
        return w1 / d


def _band_diagonal(A, P):
    """``Re (U^dagger A U)_{bb}`` for Hermitian banded ``A`` (diagonals ``d >= 0``) from the
    column products ``P`` of ``U`` (:func:`lrtheory.kernels.banded.column_products`);
    diagonals of ``A`` that vanish on the chunk are skipped."""
    out = np.zeros(P[0].shape[:-2] + P[0].shape[-1:])
    for d, a in A.items():
        if a.any():  # one batched vector-matrix product per diagonal (BLAS)
            t = (np.real(a) if d == 0 else a)[..., None, :] @ P[d]
            out += t[..., 0, :].real if d == 0 else 2 * t[..., 0, :].real
    return out


def _degenerate_in_block(e, lo, hi, degen_tol) -> bool:
    """Some pair ``a < b`` with ``a < hi`` and ``b >= lo`` has ``e_b - e_a <= 2 degen_tol``
    at some k. With ascending energies the smallest such difference is a neighbour gap
    ``e_{j+1} - e_j`` with ``lo - 1 <= j <= hi - 1``."""
    n = e.shape[-1]
    j0, j1 = max(lo - 1, 0), min(hi, n - 1)
    return j1 > j0 and bool((np.diff(e[:, j0:j1 + 1], axis=-1) <= 2 * degen_tol).any())


def _offdiagonal_blocks(e, Uc, VxUb, fp, lo, hi, deg, *, ef, temperature, degen_tol, eta):
    """``{part: T}``: the strict upper triangle of ``R`` in rows ``:hi`` x columns ``lo:``
    (m, hi, n - lo), ``T[a, b] = w[b, a] v[a, b]`` (module doc)."""
    n = e.shape[-1]
    vb = np.swapaxes(Uc[:, :, :hi], -1, -2) @ VxUb  # v[a, b] = (U^dagger V_x U)[a, b]
    if eta is None and not deg and not _degenerate_in_block(e, lo, hi, degen_tol):
        # the common case: interband only, i w vb without complex weights or masks
        w = _interband_weights(e, lo, hi, ef, temperature, degen_tol)
        T = np.empty_like(vb)
        np.multiply(w, vb.imag, out=T.real)
        np.negative(T.real, out=T.real)
        np.multiply(w, vb.real, out=T.imag)
        if hi > lo:  # a >= b in the overlap of rows and columns: not in the upper triangle
            T[:, lo:hi, :hi - lo][:, np.tri(hi - lo, dtype=bool)] = 0
        return {"interband": T}
    er, ec = e[:, :hi], e[:, lo:]
    wt = pair_weights(ec[:, :, None], er[:, None, :], fp[:, lo:, None], fp[:, None, :hi],
                      ef, temperature, degen_tol, eta)
    if not deg:  # no degenerate pair in the window: no intraband entry off the diagonal
        del wt["intraband"]
    upper = np.arange(hi)[:, None] < np.arange(lo, n)[None, :]
    return {part: np.where(upper, np.swapaxes(wp, -1, -2) * vb, 0) for part, wp in wt.items()}


def band_traces(e, U, H, Vx, *, y, bandwidth, ef, temperature, smearing, eta,
                degen_tol, stacked=False, Vy=None):
    """Per-k site traces of the response (Eq. 55, corrected OMM density) from any
    eigensystem of the chunk: the work of :func:`chunk_traces` after ``eigh``.

    Gauge invariant: ``U`` may carry any phases and any rotation inside degenerate blocks
    (tested against the plain formulation in a random gauge).

    Parameters
    ----------
    e : (m, n) ndarray
        Band energies, ascending at every k (as ``eigh`` returns them) (t0).
    U : (m, n, n) ndarray
        Eigenvectors as columns, any gauge.
    H, Vx : (m, n, n) ndarray
        ``H(k)`` (t0) and ``V_x = dH/dk`` (a t0/hbar) in the orbital basis.
    y : (n,) ndarray
        Transverse positions (a).
    bandwidth : int
        Half-bandwidth ``w`` of ``H`` and ``V_x`` (:func:`ribbon_bandwidth`).
    ef, temperature, smearing, eta, degen_tol
        As in :func:`chunk_traces`.
    stacked : bool
        Return one (m, K, n) array, the K traces in the order of :func:`trace_keys`,
        instead of the dict.
    Vy : (m, n, n) ndarray, optional
        ``V_y`` in the orbital basis (a t0/hbar) where it is not ``i[H, diag(y)]``: a ribbon
        of a full-interpolation model passes ``i[H, Y]``, ``Y = diag(y) + A^y``; then the
        dense route is taken.

    Returns
    -------
    dict or ndarray
        As :func:`chunk_traces` (or stacked, see ``stacked``).
    """
    m, n = e.shape
    w = int(bandwidth)
    banded = 2 * w + 1 <= n // 4 and Vy is None
    fp = -fermi_derivative_weight(e, ef, temperature, smearing)  # f'(e_n)
    sig = _significant(fp)
    lo, hi, deg = _window(e, ef, temperature, degen_tol, sig)
    dlo, dhi = _span(sig)  # bands of the diagonal (Fermi-surface) parts
    Uc = np.conj(U)
    block = hi > 0 and lo < n
    # V_x U for the columns that need it: banded products beat one zgemm only for wide
    # ribbons (measured: n = 40 dense); the banded route needs no V_x U for the diagonal
    c_lo = lo if banded else (min(lo, dlo) if dhi > dlo else lo)
    VxU = None
    if block or (dhi > dlo and not banded):
        Us = U[:, :, c_lo:]
        VxU = banded_matmul(Vx, Us, w) if banded and n > _DENSE_N else Vx @ Us
    if banded:
        ops = {"jx": band_diagonals(Vx, w), "jy": transverse_velocity_diagonals(H, y, w)}
        ops = {q: {d: a for d, a in A.items() if d >= 0} for q, A in ops.items()}
        del ops["jy"][0]  # V_y vanishes on the diagonal
    else:
        ops = {"jx": Vx, "jy": transverse_velocity(H, y) if Vy is None else Vy}
    # diagonal of R: R_nn = w_nn v_nn (intraband f', eta f'/eta, interband 0), bands dlo:dhi
    diag = {}
    if dhi > dlo:
        UD, UDc = U[:, :, dlo:dhi], Uc[:, :, dlo:dhi]
        if banded:
            P = column_products(UD, UDc, w)
            vdiag = _band_diagonal(ops["jx"], P)
        else:
            vdiag = np.einsum("kin,kin->kn", UDc, VxU[:, :, dlo - c_lo:dhi - c_lo]).real
        fpd = fp[:, dlo:dhi]
        diag["intraband"] = fpd * vdiag
        if eta is not None:
            diag["eta"] = (fpd - 0.0) / eta * vdiag
    blocks = {}
    if block:
        blocks = _offdiagonal_blocks(e, Uc, VxU[:, :, lo - c_lo:], fp, lo, hi, deg, ef=ef,
                                     temperature=temperature, degen_tol=degen_tol, eta=eta)
    parts = _parts(eta)
    active = [i for i, part in enumerate(parts) if part in diag or part in blocks]
    S = np.zeros((m, len(parts), len(QUANTITIES), n))
    if active and banded:
        # near diagonals M[mu + d, mu] of every active part's R_orb, stacked over the parts
        G = {d: np.zeros((len(active), m, n - d), float if d == 0 else complex)
             for d in range(w + 1)}
        for i, part in enumerate(parts[j] for j in active):
            if part in diag:
                r = diag[part][..., None]
                for d in range(w + 1):
                    G[d][i] += (P[d] @ r)[..., 0]
            if part in blocks:  # columns lo: of U T (the others vanish)
                _add_offdiagonal_near_diagonals(G, i, U[:, :, :hi] @ blocks[part],
                                                U[:, :, lo:], w)
        traces = [G[0]] + [hermitian_site_trace(A, G) for A in ops.values()]
        for q, t in enumerate(traces):
            S[:, active, q] = np.moveaxis(t, 0, 1)
    for i in active if not banded else ():
        part, M = parts[i], 0
        if part in diag:
            M = (UD * diag[part][:, None, :]) @ np.swapaxes(UDc, -1, -2)
        if part in blocks:
            N = (U[:, :, :hi] @ blocks[part]) @ np.swapaxes(Uc[:, :, lo:], -1, -2)
            M = M + N + np.conj(np.swapaxes(N, -1, -2))
        S[:, i, 0] = np.einsum("kii->ki", M).real
        for q, A in enumerate(ops.values(), 1):
            S[:, i, q] = np.einsum("kij,kji->ki", A, M).real
    if stacked:
        return S.reshape(m, -1, n)
    return {key: S[:, i // len(QUANTITIES), i % len(QUANTITIES)]
            for i, key in enumerate(trace_keys(eta))}


def _parts(eta):
    return ("intraband", "interband") + (("eta",) if eta is not None else ())


def trace_keys(eta=None) -> list[str]:
    """Keys ``"<part>_<quantity>"`` of :func:`band_traces`, in the order of its stacked
    output (parts intraband, interband and, with ``eta``, eta; quantities
    :data:`QUANTITIES`).

    Parameters
    ----------
    eta : float or None
        The broadening of the ``eta`` part (None: no such part).

    Returns
    -------
    list of str
    """
    return [f"{part}_{q}" for part in _parts(eta) for q in QUANTITIES]


def chunk_traces(k, model, *, y, ef, temperature, smearing, eta, degen_tol,
                 bandwidth=None, stacked=False):
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
    stacked : bool
        Return the traces as one (m, K, n) array in the order of :func:`trace_keys`.

    Returns
    -------
    dict
        ``"<part>_<quantity>"`` -> (m, n) per-k site traces, per unit E_x (intraband per
        unit tau): ``charge`` in electrons, ``jx``, ``jy`` in a t0/hbar.
    """
    H, V = hamiltonian_and_velocity(model, k)
    Vy = None
    if model.has_position_matrix:  # full Wannier interpolation: v = -i[r, H], V_y = i[H, Y]
        V, Vy = position_velocities(H, V, model.position_matrix(k).connection,
                                    model.transverse_position(k))
    Vx = V[:, 0]
    e, U = np.linalg.eigh(H)
    w = half_bandwidth(H, Vx) if bandwidth is None else int(bandwidth)
    return band_traces(e, U, H, Vx, y=y, bandwidth=w, ef=ef, temperature=temperature,
                       smearing=smearing, eta=eta, degen_tol=degen_tol, stacked=stacked, Vy=Vy)


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
        # one stacked array: the driver sums it with one product per estimate
        return {"traces": chunk_traces(k, model, y=self.y, bandwidth=self.bandwidth,
                                       stacked=True, **self.kw)}

    def finish(self, total: dict, grid) -> dict:
        keys = trace_keys(self.kw["eta"])
        return add_omm_profiles(dict(zip(keys, total["traces"])), self.y)

    def coords(self) -> dict:
        return {"y": self.y}

    def settings(self) -> dict:
        return dict(self.kw)
