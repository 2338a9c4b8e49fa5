r"""Eq. 29: static response when :math:`\lambda_A\lambda_B = +1` (e.g. the current of a
TR-odd density against the TR-even position).

1. Generic Hermitian matrix elements: :math:`\sum \mathrm{Im}\mathcal L^\eta_{ab}(0)\,
   \mathrm{Re}z_{ab} = 0` (Re z symmetric, (f_a-f_b) antisymmetric) and
   :math:`\sum\mathrm{Re}\mathcal L^\eta_{ab}(0)\mathrm{Re}z_{ab} = 2\sum f_a
   \frac{\epsilon_a-\epsilon_b}{(\epsilon_a-\epsilon_b)^2+\eta^2}\mathrm{Re}z_{ab}` exactly at
   finite :math:`\eta` (the regularised principal part); :math:`\eta\to0` gives Eq. 29.
2. Kramers system, A and B both TR-odd: :math:`\chi_{AB}(0)` from Eq. 17 equals that sum, and
   its :math:`\eta\to 0` limit equals :math:`2\sum f_a\mathrm{Re}z_{ab}/(\epsilon_a-\epsilon_b)`.

Wrong variants: a missing factor 2; Im z in place of Re z.
"""
from __future__ import annotations

import sympy as sp

from lrtheory.derivations._common import ImL, L, Lim, R, ReL, coeffs, im_c, re_c, sea_weight
from lrtheory.derivations.registry import Recorder
from lrtheory.symbolic.systems import generic_eigenbasis, kramers_system, tr_odd_even_pair


def derive():
    rec = Recorder("eq29", "Eq. 29",
                   "lA lB = +1, w = 0: chi = 2 P sum f_a Re(A_ab B_ba)/(e_a - e_b) "
                   "(exact at finite eta with P(1/x) = x/(x^2+eta^2))")
    g = generic_eigenbasis(3)
    A, B = tr_odd_even_pair(g)
    rc = re_c(coeffs(g, A, B))
    rec.identity("generic: sum ImL(0) Re z = 0", R((1, rc, ImL(0))))
    rec.identity("generic: sum ReL(0) Re z = 2 sum f_a D/(D^2+eta^2) Re z",
                 R((1, rc, ReL(0)), (-1, rc, sea_weight)))

    ks = kramers_system()
    Ak, Bk = tr_odd_even_pair(ks, -1, -1, names=("c", "d"), numeric=True)
    ck = coeffs(ks, Ak, Bk)
    rck = re_c(ck)
    rec.identity("Kramers (both TR-odd): chi_AB(0) = 2 sum f_a D/(D^2+eta^2) Re z",
                 R((1, ck, L(0)), (-1, rck, sea_weight)))
    p_weight = lambda f1, f2, e1, e2: 2 * f1 / (e1 - e2)  # noqa: E731
    rec.identity("Kramers: lim eta->0 chi_AB(0) = 2 P sum f_a Re z/(ea-eb)  (Eq. 29)",
                 R((1, ck, Lim(L(0))), (-1, rck, p_weight)))

    rec.wrong("missing factor 2", R((1, ck, L(0)), (-sp.Rational(1, 2), rck, sea_weight)))
    rec.wrong("Im z instead of Re z", R((1, ck, L(0)), (-1, im_c(ck), sea_weight)))
    return rec.done()


if __name__ == "__main__":
    print(derive())
