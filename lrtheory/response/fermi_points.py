r"""Exact T = 0 Fermi-surface (intraband) term of a ribbon: a sum over Fermi points.

The intraband part of the static response of a site density ``A`` to ``E_x``
(:mod:`lrtheory.response.density`, coefficient of ``tau``) is, per unit cell,

.. math::
   \delta\langle A\rangle_{\rm intra}/\tau
      = \frac{1}{N_k}\sum_k\sum_n f'(\epsilon_{nk})\, v_{nn}(k)\, A_{nn}(k).

At ``T = 0``, ``f'(e) = -\delta(e - E_F)`` and ``(1/N_k)\sum_k \to (1/G)\int_0^G dk`` with
``G = 2 pi / L`` the length of the ribbon's Brillouin zone (``L`` its period along x).
Since ``\int dk\,\delta(\epsilon_n(k) - E_F)\, g(k) = \sum_{k_F} g(k_F)/|v_{nn}(k_F)|``,

.. math::
   \delta\langle A\rangle_{\rm intra}/\tau
      = -\frac{1}{G}\sum_{(n, k_F)} s_{nk_F}\, A_{nn}(k_F),
   \qquad s = \mathrm{sign}\, v_{nn}(k_F) = \mathrm{sign}\,\partial_k\epsilon_n(k_F).

``s`` is taken from the bracketing grid interval (the band goes from below to above
``E_F``: ``s = +1``), not from ``v`` at the root, so a band extremum touching ``E_F`` gives a
cancelling pair. The ``1/|v|`` of the delta function cancels the ``v`` of the intraband weight:
the sum is bounded even where ``v -> 0``. Site quantities, exactly as in
:func:`lrtheory.response.density.site_traces` with ``u`` the eigenvector at ``k_F``:
charge ``|u_mu|^2``, ``jx = Re conj(u_mu) (V_x u)_mu``, ``jy = Re conj(u_mu) (V_y u)_mu`` with
``V_x = dH/dk``, ``(V_y)_{mu nu} = i H_{mu nu} (y_nu - y_mu)``, and ``omm = -(q/2) y jx``.

Degenerate bands at ``k_F`` are treated covariantly: if ``m`` sorted bands are degenerate
(within ``degen_tol``) at ``k_F`` and all ``m`` cross ``E_F`` there in the same direction
``s`` (a persistent degeneracy, e.g. two identical copies, or an accidental crossing of two
branches with slopes of the same sign), the block contributes ``s Tr_block[A]`` (each member
``s Tr_block[A] / m``), which is the ``T -> 0`` limit of the smeared weight
``f' Tr_block[v A]`` of density.py. A degenerate block at ``k_F`` whose members do not all
cross in the same direction (``E_F`` exactly at a crossing of branches with opposite slopes)
raises :class:`~lrtheory.errors.GaugeError`: shift ``ef`` slightly.

Fermi points are located on the periodic grid ``model.k_grid(nk)`` (sign changes of
``e_n - E_F`` between neighbours, from one batched ``eigvalsh``; the sorted band index ``n``
is continuous), then refined on all crossings at once: start at the root of the cubic through
four grid values (O(dk^4)), then Newton steps with ``v_nn`` from the same batched ``eigh``
(bisection when a step leaves the bracket), to ``|e_n - E_F| <= 8 eps ||H|| sqrt(n)``; the
eigensystem at which a point converged is the one evaluated (typically 2 ``eigh`` per point).
Cost: ``nk`` batched ``eigvalsh`` for the scan plus ~2 ``eigh`` per Fermi point.

A pair of Fermi points of one band inside one grid interval (a band extremum just beyond
``E_F``) shows no sign change; grid extrema within about one grid step of ``E_F`` are
re-sampled on a 16x finer local grid (``refine_extrema``). A pair missed even there would
contribute ``s (A(k_1) - A(k_2)) = O(|k_1 - k_2| max |dA/dk|)``: an error that vanishes with
the grid spacing. ``E_F`` exactly at a touching point of two branches with opposite slopes
(measure zero) is invisible to the sorted-band sign test between grid points (its
contribution ``A_+ - A_-`` is then dropped) and a GaugeError on a grid point.

Coincidences on the grid (a band within ``max(degen_tol, ftol)`` of ``E_F`` *at a grid
point*, e.g. the two edge bands of a Haldane ribbon with Delta = 0 at E = 0, k = pi) are
found directly and resolved into branches: docs/haldane.md, "Exact Fermi-surface term at
T = 0", where this case is written out.

Units: ``hbar = e = 1``; k in 1/a, energies in t0; profiles per unit field ``E_x``, per unit
cell (length L along x) and per unit ``tau`` (hbar/t0), as in density.py.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lrtheory.conventions import DEGEN_TOL
from lrtheory.errors import GaugeError, check_integer, check_positive, check_real_scalar
from lrtheory.kernels.gauge import random_block_unitary
from lrtheory.models.cuts import DIAGONAL_Y, refuse_position_matrix
from lrtheory.models.protocol import Ribbon, ensure_model, hamiltonian_and_velocity
from lrtheory.parallel.executor import auto_chunk_size
from lrtheory.response.ribbon_operators import add_omm_profiles, transverse_velocity

__all__ = ["FermiPoints", "find_fermi_points", "fermi_point_profiles", "REFINE_SUBDIVISIONS"]

#: local grid refinement factor around grid extrema near E_F
REFINE_SUBDIVISIONS = 16
#: Newton steps allowed before the root search falls back to plain bisection, and the cap
_NEWTON_ITER, _MAX_ITER = 8, 80


@dataclass
class FermiPoints:
    """Fermi points ``e_n(k_F) = E_F`` of a ribbon (one entry per sorted band and crossing).

    Attributes
    ----------
    k : (c,) Cartesian k_F along the ribbon (1/a), in ``[0, period)``
    band : (c,) sorted band index n
    direction : (c,) +1 where the band rises through E_F (right mover), -1 where it falls
    velocity : (c,) ``v_nn(k_F)`` (t0 a/hbar); for a degenerate block the block average
        ``Tr_block v / m``
    block : (c, 2) ``[lo, hi)`` bands degenerate with n at k_F (``hi - lo = 1`` usually)
    period : G = 2 pi / L, the length of the Brillouin zone (1/a)
    residual : (c,) ``|e_n(k_F) - E_F|`` at the returned k_F (t0)
    branch : (c,) True for a branch of a band crossing that coincides with E_F at a grid
        point (module doc): then ``band`` is ``block[0]`` + branch index, ``velocity`` the
        branch slope ``v_b`` and the contribution ``sign(v_b) <b|A|b>``
    """

    k: np.ndarray
    band: np.ndarray
    direction: np.ndarray
    velocity: np.ndarray
    block: np.ndarray
    period: float
    residual: np.ndarray
    branch: np.ndarray = None

    def __post_init__(self):
        if self.branch is None:
            self.branch = np.zeros(len(self.k), bool)

    def __len__(self) -> int:
        return len(self.k)


@dataclass
class _Brackets:
    """Brackets of the Fermi points on the grid (:func:`_locate`).

    Attributes
    ----------
    a, b : (c,) ends of each bracket (1/a); ``fa``, ``fb``: ``e_n - E_F`` there (t0), of
        opposite sign or one zero
    band : (c,) sorted band index; ``direction``: +1 below -> above E_F (right mover), else -1
    x0 : (c,) start of the root search (1/a)
    G : length of the Brillouin zone (1/a); ``dk = G / nk`` the grid step
    ftol : energy tolerance of the root (t0); ``ktol``: bracket width tolerance (1/a)
    hits : grid (and local-grid) k where a band lies within ``hit_tol`` (t0) of E_F
    """

    a: np.ndarray
    b: np.ndarray
    fa: np.ndarray
    fb: np.ndarray
    band: np.ndarray
    x0: np.ndarray
    direction: np.ndarray
    G: float
    ftol: float
    ktol: float
    hits: np.ndarray
    hit_tol: float
    dk: float


def _band_energies(model, k, chunk):
    """Sorted energies (len(k), n) from batched ``eigvalsh`` in chunks of k."""
    k = np.asarray(k, float).reshape(-1, 1)
    return np.concatenate([np.linalg.eigvalsh(model.hamiltonian(k[i:i + chunk]))
                           for i in range(0, len(k), chunk)])


def _block_columns(U, lo, hi):
    """Eigenvector columns ``lo..hi-1`` of each stacked ``U`` (c, n, n), padded to the largest
    block: ``(Ub (c, n, mmax), mask (c, mmax))``; padded columns have ``mask = False``."""
    n = U.shape[-1]
    m = hi - lo
    j = np.arange(int(m.max()) if len(m) else 1)[None, :]
    cols = np.minimum(lo[:, None] + j, n - 1)
    return np.take_along_axis(U, cols[:, None, :], axis=2), j < m[:, None]


#: the cubic through the grid values at t = -1, 0, 1, 2 (t in units of the grid step):
#: coefficients of 1, t, t^2, t^3 = values @ _CUBIC.T
_CUBIC = np.linalg.inv(np.vander(np.array([-1.0, 0.0, 1.0, 2.0]), 4, increasing=True))


def _cubic_guess(f, jj, nn, t_lin):
    """Root in [0, 1] of the cubic interpolating band ``nn`` through grid points jj-1..jj+2
    (periodic), from the linear guess ``t_lin``; falls back to ``t_lin``. O(dk^4) accurate
    for a smooth band, so the Newton iteration starts within ~1e-10 of the root."""
    nk = f.shape[0]
    vals = np.stack([f[(jj + d) % nk, nn] for d in (-1, 0, 1, 2)], axis=-1)
    c = vals @ _CUBIC.T
    t = t_lin.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        for _ in range(6):
            p = c[:, 0] + t * (c[:, 1] + t * (c[:, 2] + t * c[:, 3]))
            dp = c[:, 1] + t * (2 * c[:, 2] + 3 * t * c[:, 3])
            t = np.clip(t - p / dp, 0.0, 1.0)
        p = c[:, 0] + t * (c[:, 1] + t * (c[:, 2] + t * c[:, 3]))
    ok = np.isfinite(t) & (np.abs(p) <= np.abs(vals[:, 1:3]).max(-1))
    return np.where(ok, t, t_lin)


def _extrema_brackets(model, ef, kgrid, f, dk, chunk, hit=None, hit_tol=0.0):
    """Extra brackets ``(a, b, fa, fb, band)`` from grid extrema near E_F that show no sign
    change (module doc), and the refined k where a band lies within ``hit_tol`` of E_F (a
    crossing at E_F on the local grid, e.g. k = pi on an odd grid)."""
    fm, fp = np.roll(f, 1, axis=0), np.roll(f, -1, axis=0)
    same = ((f < 0) == (fm < 0)) & ((f < 0) == (fp < 0))
    near = np.abs(f) <= 2 * np.maximum(np.abs(fm - f), np.abs(fp - f))
    is_min = (f > 0) & (f <= fm) & (f < fp)
    is_max = (f < 0) & (f >= fm) & (f > fp)
    ii, nn = np.nonzero(same & near & (is_min | is_max) & (True if hit is None else ~hit))
    if len(ii) == 0:
        return (np.zeros(0),) * 4 + (np.zeros(0, int), np.zeros(0))
    s = REFINE_SUBDIVISIONS
    t = np.linspace(-1.0, 1.0, 2 * s + 1)
    kf = kgrid[ii][:, None] + dk * t[None, :]  # (c, 2s+1)
    e = _band_energies(model, kf.ravel(), chunk).reshape(len(ii), 2 * s + 1, -1)
    g = e[np.arange(len(ii)), :, nn] - ef  # (c, 2s+1)
    on = np.abs(g) <= hit_tol
    below = g < 0
    ci, j = np.nonzero((below[:, :-1] != below[:, 1:]) & ~on[:, :-1] & ~on[:, 1:])
    return kf[ci, j], kf[ci, j + 1], g[ci, j], g[ci, j + 1], nn[ci], kf[on]


def _distinct(k, G, rel=1e-9):
    """``k`` modulo G without repeats closer than ``rel * G`` (the same point reached from
    two neighbouring refinements differs by rounding)."""
    k = np.sort(np.mod(np.asarray(k, float), G))
    if len(k) == 0:
        return k
    keep = np.r_[True, np.diff(k) > rel * G]
    k = k[keep]
    if len(k) > 1 and (k[0] + G - k[-1]) <= rel * G:
        k = k[:-1]
    return k


def _locate(model, ef, nk, refine_extrema, chunk, degen_tol=DEGEN_TOL):
    """Brackets of every Fermi point on the grid (:class:`_Brackets`)."""
    kgrid = np.asarray(model.k_grid(nk), float)[:, 0]
    G = float(np.asarray(model.k_grid(2), float)[1, 0] * 2)
    E = _band_energies(model, kgrid, chunk)  # (nk, n)
    f = E - ef
    below = f < 0
    scale = max(1.0, float(np.abs(E).max()))
    n = E.shape[1]
    ftol = 8 * np.finfo(float).eps * scale * np.sqrt(n)
    hit = np.abs(f) <= max(degen_tol, ftol)  # E_F on a band value at a grid point
    jj, nn = np.nonzero(below != np.roll(below, -1, axis=0))
    j1 = (jj + 1) % nk
    keep = ~(hit[jj, nn] | hit[j1, nn])  # those crossings are the grid hits themselves
    jj, nn, j1 = jj[keep], nn[keep], j1[keep]
    a, b = kgrid[jj], kgrid[j1] + G * (j1 == 0)  # exact grid values at both ends
    fa, fb = f[jj, nn], f[j1, nn]
    with np.errstate(divide="ignore", invalid="ignore"):
        t_lin = np.where(fa == fb, 0.5, fa / (fa - fb))
    x0 = a + (b - a) * _cubic_guess(f, jj, nn, t_lin)
    ehits = np.zeros(0)
    if refine_extrema:
        ea, eb, efa, efb, enn, ehits = _extrema_brackets(model, ef, kgrid, f, G / nk, chunk,
                                                         hit, max(degen_tol, ftol))
        a, b, fa, fb, nn = (np.concatenate(x) for x in
                            ((a, ea), (b, eb), (fa, efa), (fb, efb), (nn, enn)))
        x0 = np.concatenate([x0, ea + (eb - ea) * efa / (efa - efb)])
    return _Brackets(a=a, b=b, fa=fa, fb=fb, band=nn.astype(int), x0=x0,
                     direction=np.where(fa < 0, 1, -1).astype(int),  # below -> above: right mover
                     G=G, ftol=ftol, ktol=8 * np.finfo(float).eps * G,
                     hits=_distinct(np.concatenate([kgrid[np.unique(np.nonzero(hit)[0])],
                                                    ehits]), G),
                     hit_tol=max(degen_tol, ftol), dk=G / nk)


def _accumulate(sums, H, V, e, U, band, direction, degen_tol, y, rng):
    """Block data at Fermi points from one eigensystem, and (if ``sums``) the site sums
    ``sum_c s_c / m_c Tr_block[A]`` for A = charge, jx, jy. Returns (lo, hi, v_block)."""
    en = e[np.arange(len(band)), band]
    lo = np.sum(e < (en - degen_tol)[:, None], axis=1)
    hi = np.sum(e <= (en + degen_tol)[:, None], axis=1)
    if rng is not None:
        U = U @ random_block_unitary(np.abs(e[:, :, None] - e[:, None, :]) <= degen_tol, rng)
    Ub, mask = _block_columns(U, lo, hi)
    cU = np.conj(Ub)
    VxUb = V[:, 0] @ Ub
    vb = (np.einsum("cmb,cmb->cb", cU, VxUb).real * mask).sum(1) / (hi - lo)
    if sums is not None:
        w = np.where(mask, (direction / (hi - lo))[:, None], 0.0)  # (c, mmax)
        Vy = transverse_velocity(H, y)
        sums["charge"] += np.einsum("cmb,cmb,cb->m", cU, Ub, w).real
        sums["jx"] += np.einsum("cmb,cmb,cb->m", cU, VxUb, w).real
        sums["jy"] += np.einsum("cmb,cmb,cb->m", cU, Vy @ Ub, w).real
    return lo, hi, vb


def _solve(model, ef, br, degen_tol, chunk, sums, y, rng):
    """Safeguarded Newton iteration (v_nn from the same eigh) on all brackets at once; each
    Fermi point is evaluated (block, velocity, site sums) with the eigensystem at which it
    converged. Returns a :class:`FermiPoints` (sorted by k, then band)."""
    a, b, fa, fb = (np.array(x, float) for x in (br.a, br.b, br.fa, br.fb))
    band, direction, x = br.band, br.direction, np.array(br.x0, float)
    c = len(x)
    vel, resid = np.zeros(c), np.zeros(c)
    block = np.zeros((c, 2), int)
    active = np.ones(c, bool)
    for it in range(_MAX_ITER):
        idx = np.nonzero(active)[0]
        for i0 in range(0, len(idx), chunk):
            ix = idx[i0:i0 + chunk]
            H, V = hamiltonian_and_velocity(model, x[ix, None])
            e, U = np.linalg.eigh(H)
            rows = np.arange(len(ix))
            fx = e[rows, band[ix]] - ef
            done = ((np.abs(fx) <= br.ftol) | (np.abs(b[ix] - a[ix]) <= br.ktol)
                    | (it == _MAX_ITER - 1))
            if done.any():
                d = ix[done]
                lo, hi, vb = _accumulate(sums, H[done], V[done], e[done], U[done], band[d],
                                         direction[d], degen_tol, y, rng)
                vel[d], block[d, 0], block[d, 1], resid[d] = vb, lo, hi, np.abs(fx[done])
                active[d] = False
            go = ~done
            if go.any():
                g, fg = ix[go], fx[go]
                u = U[go, :, band[g]]
                vn = np.einsum("cm,cmn,cn->c", np.conj(u), V[go, 0], u).real
                left = np.sign(fg) == np.sign(fa[g])  # root between x and b
                a[g], fa[g] = np.where(left, x[g], a[g]), np.where(left, fg, fa[g])
                b[g], fb[g] = np.where(left, b[g], x[g]), np.where(left, fb[g], fg)
                with np.errstate(divide="ignore", invalid="ignore"):
                    newton = x[g] - fg / vn
                lo_k, hi_k = np.minimum(a[g], b[g]), np.maximum(a[g], b[g])
                inside = (newton > lo_k) & (newton < hi_k) & (it < _NEWTON_ITER)
                x[g] = np.where(inside, newton, 0.5 * (a[g] + b[g]))
        if not active.any():
            break
    kf = np.mod(x, br.G)
    order = np.lexsort((band, kf))
    return FermiPoints(kf[order], band[order], direction[order], vel[order], block[order],
                       br.G, resid[order])


#: a branch slower than this many hit tolerances per grid step cannot be told from a band
#: touching E_F (module doc)
_SLOW_BRANCH = 100.0


def _grid_hits(model, ef, ks, hit_tol, dk, degen_tol, sums=None, y=None):
    """Branch entries at the grid points ``ks`` where bands lie within ``hit_tol`` of E_F
    (module doc): ``(k, band, direction, velocity, block (c, 2), residual)``; adds
    ``sum_b sign(v_b) A_bb`` to ``sums`` if given."""
    out = [[] for _ in range(6)]
    vtol = _SLOW_BRANCH * hit_tol / dk
    for k0 in np.atleast_1d(np.asarray(ks, float)):
        H, V = hamiltonian_and_velocity(model, np.array([[k0]]))
        H, Vx = H[0], V[0, 0]
        e, U = np.linalg.eigh(H)
        near = np.nonzero(np.abs(e - ef) <= hit_tol)[0]
        if len(near) == 0:
            continue
        # blocks: consecutive near bands, split where the gap exceeds degen_tol
        splits = np.nonzero(np.diff(e[near]) > max(degen_tol, hit_tol))[0] + 1
        for blk in np.split(near, splits):
            lo, hi = int(blk[0]), int(blk[-1]) + 1
            P = U[:, lo:hi]
            vb, W = np.linalg.eigh(np.conj(P.T) @ Vx @ P)
            slow = np.abs(vb) <= vtol
            if slow.any():
                if hi - lo == 1:
                    continue  # an extremum touching E_F: 0 from both sides (module doc)
                raise GaugeError(
                    f"E_F = {ef:.12g} coincides at the grid point k = {k0:.12g} with {hi - lo} "
                    f"degenerate bands ({lo}...{hi - 1}) one of whose branches has slope "
                    f"{vb[slow][0]:.3g} (below {vtol:.3g}): crossing and touching cannot be "
                    "told apart there; shift ef slightly or change nk")
            B = P @ W
            s = np.sign(vb)
            if sums is not None:
                cB = np.conj(B)
                Vy = transverse_velocity(H, y)
                sums["charge"] += (cB * B).real @ s
                sums["jx"] += (cB * (Vx @ B)).real @ s
                sums["jy"] += (cB * (Vy @ B)).real @ s
            for b in range(hi - lo):
                for lst, val in zip(out, (k0, lo + b, int(s[b]), vb[b], (lo, hi),
                                          abs(e[lo + b] - ef))):
                    lst.append(val)
    k, band, direction, vel, block, resid = out
    return (np.array(k, float), np.array(band, int), np.array(direction, int),
            np.array(vel, float), np.array(block, int).reshape(-1, 2), np.array(resid, float))


def _with_hits(pts: FermiPoints, hits) -> FermiPoints:
    k, band, direction, vel, block, resid = hits
    if len(k) == 0:
        return pts
    kk = np.concatenate([pts.k, np.mod(k, pts.period)])
    bb = np.concatenate([pts.band, band])
    order = np.lexsort((bb, kk))
    cat = lambda a, b: np.concatenate([a, b])[order]  # noqa: E731
    return FermiPoints(kk[order], bb[order], cat(pts.direction, direction),
                       cat(pts.velocity, vel), np.concatenate([pts.block, block])[order],
                       pts.period, cat(pts.residual, resid),
                       cat(pts.branch, np.ones(len(k), bool)))


def _setup(model, ef, nk, degen_tol, chunk_size, where):
    ensure_model(model, Ribbon, where=where)
    refuse_position_matrix(model, where, DIAGONAL_Y)
    ef = check_real_scalar("ef", ef, "Fermi energy (a real number)")
    nk = check_integer("nk", nk, minimum=4)
    check_positive("degen_tol", degen_tol, allow_zero=True)
    if chunk_size is not None:
        check_integer("chunk_size", chunk_size)
    return ef, nk, int(chunk_size or auto_chunk_size(model.n_orbitals))


def find_fermi_points(model, ef: float, *, nk: int = 2048, degen_tol: float = DEGEN_TOL,
                      refine_extrema: bool = True, chunk_size: int | None = None
                      ) -> FermiPoints:
    """All ``(n, k_F)`` with ``e_n(k_F) = ef`` (t0) on the ribbon's Brillouin zone.

    The points of Eq. 55's ``T = 0`` Fermi-surface term (crossings at grid points found once;
    GaugeError at a degenerate crossing of branches with opposite slopes).

    Parameters
    ----------
    model, ef : Ribbon, float
        The ribbon and the Fermi energy (t0).
    nk, chunk_size : int
        Detection grid ``model.k_grid(nk)`` (it must resolve the Fermi points of each band,
        module doc) and k points per batched ``eigh`` (optional).
    degen_tol, refine_extrema : float, bool
        Degeneracy tolerance (t0); also look for band extrema touching ``ef`` between points.

    Returns
    -------
    FermiPoints
        Empty for an insulator.
    """
    ef, nk, chunk = _setup(model, ef, nk, degen_tol, chunk_size, "find_fermi_points")
    br = _locate(model, ef, nk, refine_extrema, chunk, degen_tol)
    pts = _solve(model, ef, br, degen_tol, chunk, None, None, None)
    pts = _with_hits(pts, _grid_hits(model, ef, br.hits, br.hit_tol, br.dk, degen_tol))
    _check_blocks(pts)
    return pts


def _check_blocks(pts: FermiPoints, rel_ktol: float = 1e-8):
    """Every degenerate block at a Fermi point must be crossed by all its m members, at the
    same k_F, in the same direction (module doc); else GaugeError."""
    G = pts.period
    for i in np.nonzero((pts.block[:, 1] - pts.block[:, 0] > 1) & ~pts.branch)[0]:
        m = pts.block[i, 1] - pts.block[i, 0]
        dk = np.abs(pts.k - pts.k[i])
        dk = np.minimum(dk, G - dk)
        same = ((dk <= rel_ktol * G) & ~pts.branch & (pts.block[:, 0] == pts.block[i, 0])
                & (pts.block[:, 1] == pts.block[i, 1]))
        if same.sum() != m or np.any(pts.direction[same] != pts.direction[i]):
            raise GaugeError(
                f"E_F sits at a crossing of {m} degenerate bands ({pts.block[i, 0]}..."
                f"{pts.block[i, 1] - 1}) at k = {pts.k[i]:.12g} whose branches do not all cross "
                "E_F in the same direction: the sorted-band Fermi-surface term is ill-defined "
                "there; shift ef slightly (or lower degen_tol if the bands are only nearly "
                "degenerate)")


def fermi_point_profiles(model, ef: float, *, nk: int = 2048, degen_tol: float = DEGEN_TOL,
                         points: FermiPoints | None = None, refine_extrema: bool = True,
                         chunk_size: int | None = None,
                         randomize_gauge: np.random.Generator | None = None) -> dict:
    r"""Exact ``T = 0`` intraband site profiles ``-(1/G) sum_{k_F} s A(k_F)`` (module doc).

    The first term of Eq. 55, ``tau (df/dk) A_nn``, at ``T = 0``.

    Parameters
    ----------
    model, ef, nk, degen_tol, refine_extrema, chunk_size
        As in :func:`find_fermi_points`.
    points, randomize_gauge : FermiPoints, numpy.random.Generator, optional
        Fermi points of an earlier call (then ``nk``, ``refine_extrema`` are unused); for
        tests, random gauges at every k_F (:func:`~lrtheory.kernels.gauge.random_block_unitary`).

    Returns
    -------
    dict
        ``"intraband_<charge|jx|jy|omm>"`` (n_orbitals,), in the units of ``ribbon_accumulation``
        (per ``E_x``, cell, ``tau``; ``omm = -(q/2) y jx``); zero if no band crosses ``ef``.
    """
    ef, nk, chunk = _setup(model, ef, nk, degen_tol, chunk_size, "fermi_point_profiles")
    y = np.asarray(model.transverse_positions(), float)
    sums = {q: np.zeros(len(y)) for q in ("charge", "jx", "jy")}
    if points is None:
        br = _locate(model, ef, nk, refine_extrema, chunk, degen_tol)
        points = _solve(model, ef, br, degen_tol, chunk, sums, y, randomize_gauge)
        points = _with_hits(points, _grid_hits(model, ef, br.hits, br.hit_tol, br.dk,
                                               degen_tol, sums, y))
    else:
        regular = np.nonzero(~points.branch)[0]
        for i in range(0, len(regular), chunk):
            sl = regular[i:i + chunk]
            H, V = hamiltonian_and_velocity(model, points.k[sl, None])
            e, U = np.linalg.eigh(H)
            _accumulate(sums, H, V, e, U, points.band[sl], points.direction[sl], degen_tol,
                        y, randomize_gauge)
        if points.branch.any():  # branches are re-derived at their grid points (no bracket)
            hit_tol = max(degen_tol, float(points.residual[points.branch].max()))
            _grid_hits(model, ef, np.unique(points.k[points.branch]), hit_tol,
                       points.period / max(nk, 4), degen_tol, sums, y)
    _check_blocks(points)
    prof = {f"intraband_{q}": -val / points.period for q, val in sums.items()}
    return add_omm_profiles(prof, y)
