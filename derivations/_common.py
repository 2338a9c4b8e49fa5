"""Shared pieces of the derivations: weights at omega = 0 and Kubo sums on level pairs."""
from __future__ import annotations

import sympy as sp

from lrtheory.io.expressions import as_sympy  # never parses a string (unlike sympify)
from lrtheory.symbolic.lindhard import eta, kubo_coefficients, lindhard, omega
from lrtheory.symbolic.systems import im_part, re_part


def coeffs(system, A, B):
    """Kubo coefficients {level pair: sum A_ab B_ba} of chi_AB on ``system``."""
    return kubo_coefficients(system.elements(A), system.elements(B), system.energies,
                             system.occupations)


def re_c(c):
    return {k: re_part(v) for k, v in c.items()}


def im_c(c):
    return {k: im_part(v) for k, v in c.items()}


def L(w=0):
    """Lindhard weight (Eq. 18) at frequency ``w``."""
    return lambda f1, f2, e1, e2: lindhard(f1, f2, e1, e2, w, eta)


def ReL(w=0):
    return lambda f1, f2, e1, e2: (f1 - f2) * (e1 - e2 + w) / ((e1 - e2 + w) ** 2 + eta**2)


def ImL(w=0):
    return lambda f1, f2, e1, e2: -(f1 - f2) * eta / ((e1 - e2 + w) ** 2 + eta**2)


def fs_weight(f1, f2, e1, e2):
    """(f_a - f_b) eta/((e_a-e_b)^2 + eta^2): the finite-eta Fermi-surface weight of Eq. 27."""
    return (f1 - f2) * eta / ((e1 - e2) ** 2 + eta**2)


def sea_weight(f1, f2, e1, e2):
    """2 f_a (e_a-e_b)/((e_a-e_b)^2 + eta^2): the finite-eta weight of Eq. 29/32."""
    return 2 * f1 * (e1 - e2) / ((e1 - e2) ** 2 + eta**2)


def S(c, w):
    """Kubo sum of coefficients ``c`` with weight ``w``."""
    return sp.Add(*[w(k[2], k[3], k[0], k[1]) * v for k, v in c.items()])


def S_lim(c, w):
    """lim_{eta->0+} of the Kubo sum, term by term (exact: finitely many terms, each weight
    has its own limit, computed by ``sympy.limit``)."""
    out = []
    for k, v in c.items():
        wk = sp.limit(w(k[2], k[3], k[0], k[1]), eta, 0, "+")
        out.append(wk * v)
    return sp.Add(*out)


def _cancel(r):
    """Canonical form of a rational function: 0 iff identically zero (fast polys path)."""
    num, den = sp.fraction(sp.together(r))
    num = sp.expand(num)
    if num == 0:
        return sp.Integer(0)
    return sp.cancel(num / den)


def R(*terms):
    """Residual of ``sum_i s_i * S(c_i, w_i)`` split by operator monomials.

    ``terms`` are ``(s, c, w)``: a scalar, a Kubo-coefficient dict (polynomials in the
    operator symbols only) and a weight function. Writing every coefficient as
    ``sum_m a_{k,m} m`` over monomials ``m`` of the operator symbols, the residual is
    ``sum_m m * r_m(e, f, eta, omega)`` and it vanishes identically iff every ``r_m`` does
    (distinct monomials are linearly independent over the rational functions of the level
    variables). Returns ``{monomial: r_m}``; equal coefficient vectors share one ``r_m``.
    """
    ops = set()
    for _, c, _ in terms:
        for v in c.values():
            ops |= as_sympy(v).free_symbols
    ops = sorted(ops, key=str)
    table: dict = {}
    weights: dict = {}
    for i, (s, c, w) in enumerate(terms):
        for k, v in c.items():
            weights[(i, k)] = s * w(k[2], k[3], k[0], k[1])
            if not ops:
                table.setdefault(1, {})[(i, k)] = v
                continue
            for mon, a in sp.Poly(v, *ops).terms():
                m = sp.Mul(*[o**p for o, p in zip(ops, mon)])
                table.setdefault(m, {})[(i, k)] = a
    cache: dict = {}
    out = {}
    for m, vec in table.items():
        key = tuple(sorted(((str(ik), a) for ik, a in vec.items()), key=lambda t: t[0]))
        if key not in cache:
            cache[key] = _cancel(sp.Add(*[a * weights[ik] for ik, a in vec.items()]))
        out[m] = cache[key]
    return out


def Lim(w):
    """Weight function -> its eta -> 0+ limit (``sympy.limit``, per level pair)."""
    return lambda *k: sp.limit(w(*k), eta, 0, "+")


__all__ = ["R", "S_lim", "Lim",
           "coeffs", "re_c", "im_c", "L", "ReL", "ImL", "fs_weight", "sea_weight", "S",
           "omega", "eta"]
