"""Shared helpers of the property tests: rounding scales, eta-expansions, exponent bounds."""
from __future__ import annotations

import numpy as np

from lrtheory.conventions import E_CHARGE
from lrtheory.finite import observables as obs
from lrtheory.finite import response as R
from lrtheory.finite.system import FiniteSystem

#: Relative precision of exact identities in double precision on N <= 24 matrices.
EXACT = 1e-10
#: Bound on the *actual* relative rounding error of one eigenbasis sum for N <= 16:
#: N^2 u (u = 2.2e-16) times a margin of ~20 for the two basis transforms.
ROUNDING = 1e-12
#: Absolute error of one computed eigenbasis element ``(U^dagger A U)_ab`` in units of
#: ``||A||_F``: ``N u`` with N <= 24 and a margin (the elements themselves can be ~ 0).
ELEMENT_FLOOR = 1e-14


def rounding_scale(s: FiniteSystem, a, b, *, eta, omega=0.0, temperature=0.0, ef=0.0):
    r"""``sum_ab |L_ab| |A_ab| |B_ba| + (ELEMENT_FLOOR/EXACT) sum_ab |L_ab| ||A|| ||B||``.

    The first sum is the size of the terms of Eq. (17); the second makes ``EXACT * scale``
    at least the absolute rounding floor ``N u sum|L| ||A||_F ||B||_F`` of a computed
    eigenbasis sum: elements that are accidentally ~ 0 are still computed with an error
    ``~ N u ||A||`` (without it, ``A = H`` drawn from the same seed as the system, so that
    ``[H, A] ~ 1e-16``, failed Eq. 33 at 2000 examples).
    A sum of such terms computed in double precision carries an absolute rounding error of
    order ``N * 1e-16 * scale``; identities are therefore checked with
    ``atol = EXACT * scale`` (a cancellation-proof relative tolerance).
    Shape: ``a.shape[:-2] + b.shape[:-2]`` (a float for single matrices).
    """
    eig = s.eigensystem
    n = s.n_states
    a = np.asarray(a)
    b = np.asarray(b)
    batch = a.shape[:-2] + b.shape[:-2]
    a = a.reshape(-1, n, n)
    b = b.reshape(-1, n, n)
    lam = np.abs(R.lindhard(eig.energies, eta=eta, omega=omega, temperature=temperature, ef=ef))
    ae = np.abs(eig.to_eigenbasis(a))
    be = np.abs(eig.to_eigenbasis(b))
    floor = (ELEMENT_FLOOR / EXACT) * lam.sum() * np.multiply.outer(
        np.linalg.norm(a, axis=(1, 2)), np.linalg.norm(b, axis=(1, 2)))
    out = np.einsum("ab,iab,jba->ij", lam, ae, be) + floor + 1e-300
    return out.reshape(batch)


def scaling_exponent(f_eta: np.ndarray, f_half: np.ndarray) -> float:
    """p in |f(eta)| ~ eta^p from two values at eta and eta/2 (norm over all sites)."""
    return float(np.log2(np.linalg.norm(f_eta) / np.linalg.norm(f_half)))


def exponent_bound(eps1: float, eps2: float) -> float:
    r"""A priori bound on ``|p - p0|`` for ``f(eta) = eta^p0 g(eta)``.

    If ``||g(eta) - G|| <= eps1 ||G||`` and ``||g(eta/2) - G|| <= eps2 ||G||`` (``G != 0``),
    then ``||g||`` lies in ``[(1 - eps) ||G||, (1 + eps) ||G||]`` at each eta and

    .. math:: |p - p_0| \le \max\Big(\log_2\frac{1+\epsilon_1}{1-\epsilon_2},
              \log_2\frac{1+\epsilon_2}{1-\epsilon_1}\Big).

    Returns ``inf`` when ``max(eps1, eps2) >= 1`` (no bound).
    """
    if max(eps1, eps2) >= 1:
        return float("inf")
    return float(max(np.log2((1 + eps1) / (1 - eps2)), np.log2((1 + eps2) / (1 - eps1))))


def pair_terms(s: FiniteSystem, o, field):
    r"""Eigenbasis pieces of the static site accumulation at T = 0, mu = 0.

    ``delta n_O(i) = sum_ab Y_iab (D_ab - i eta)/(D_ab^2 + eta^2)`` (real part), with
    ``Y_iab = e (f_a - f_b) [n_O(i)]_ab [r.E]_ba`` and ``D_ab = e_a - e_b``: Eq. (17, 20)
    written out, independently of :func:`lrtheory.finite.response.site_density_response`.
    Hence, with ``w = eta/(D^2 + eta^2)``,
    ``delta n_O(i) = sum_ab [Re Y_iab D_ab/(D^2 + eta^2) + Im Y_iab w_ab]``.

    Returns ``(Y, D)`` with shapes ``(N_sites, N, N)`` and ``(N, N)``.
    """
    eig = s.eigensystem
    f = (eig.energies < 0).astype(float)
    d = eig.energies[:, None] - eig.energies[None, :]
    n_i = eig.to_eigenbasis(obs.density(s, o))
    re = eig.to_eigenbasis(np.tensordot(np.asarray(field, float), obs.position(s), axes=1))
    y = E_CHARGE * (f[:, None] - f[None, :])[None] * n_i * re.T[None]
    return y, d


def inverse_powers(d: np.ndarray, mask: np.ndarray, k: int) -> np.ndarray:
    """``|D|^-k`` on ``mask`` and 0 elsewhere (no division by the masked-out ~0 entries)."""
    safe = np.where(mask, np.abs(d), 1.0)
    return np.where(mask, safe ** (-float(k)), 0.0)


def gapped_expansion(s: FiniteSystem, o, field, *, total: bool = False):
    r"""Coefficients of the small-eta expansion of the static accumulation of a gapped system.

    From :func:`pair_terms` (every contributing pair has ``|D| >= gap``)::

        delta n(eta) = U0 + eta B + R(eta),    U0 = sum Re Y/D,   B = sum Im Y/D^2,
        |R(eta)| <= eta^2 K3 + eta^3 K4,      K3 = sum |Re Y|/|D|^3,  K4 = sum |Im Y|/D^4,

    and the O(eta) remainder of the undergap part alone is bounded by ``eta K2``,
    ``K2 = sum |Im Y|/D^2`` (exact: ``D/(D^2+eta^2) = 1/D - eta^2/(D (D^2+eta^2))`` and
    ``eta/(D^2+eta^2) = eta/D^2 - eta^3/(D^2 (D^2+eta^2))``). With TR (TR-odd O) ``U0 = 0``
    and ``Re Y`` sums to zero at every eta (Eq. 25-27), so ``delta n/eta - B`` is bounded by
    ``eta^2 K4``. ``total=True`` sums over sites first (``sum_i n_O(i) = O``).

    Returns a dict of arrays (per site) or floats (``total``): U0, B, K2, K3, K4.
    """
    y, d = pair_terms(s, o, field)
    if total:
        y = y.sum(axis=0, keepdims=True)
    m = (y != 0).any(axis=0) & (np.abs(d) > 0)
    p = {k: inverse_powers(d, m, k)[None] for k in (1, 2, 3, 4)}
    sign = np.sign(d)[None]
    out = dict(U0=(y.real * sign * p[1]).sum(axis=(1, 2)), B=(y.imag * p[2]).sum(axis=(1, 2)),
               K2=(np.abs(y.imag) * p[2]).sum(axis=(1, 2)),
               K3=(np.abs(y.real) * p[3]).sum(axis=(1, 2)),
               K4=(np.abs(y.imag) * p[4]).sum(axis=(1, 2)))
    return {k: float(v[0]) for k, v in out.items()} if total else out
