r"""Eq. 31-32: static response without time reversal.

Generic Hermitian matrix elements (3 levels, no TR), exact at finite :math:`\eta`:

.. math::
   \chi_{AB}(0) = \underbrace{2\sum f_a\frac{\epsilon_a-\epsilon_b}{(\epsilon_a-\epsilon_b)^2+\eta^2}
   \mathrm{Re}z_{ab}}_{\text{Eq. 32 (principal part of Eq. 31)}}
   + \underbrace{\sum(f_a-f_b)\frac{\eta}{(\epsilon_a-\epsilon_b)^2+\eta^2}\mathrm{Im}z_{ab}}
   _{\to\ \pi\sum(f_a-f_b)\delta\,\mathrm{Im}z\ \text{(Eq. 27 form)}}

with :math:`z_{ab} = A_{ab}B_{ba}`: in the principal part of Eq. 31 only Re z survives (Im z
cancels), in the delta part only Im z (Re z cancels). So Eq. 32 is exact whenever the Fermi
surface term vanishes, and :math:`\chi(0)` is real. On the explicit 3x3 complex system (no TR,
gapped) :math:`\lim_{\eta\to0}\chi_{AB}(0)` equals Eq. 32 and is non-zero.

Wrong variants: Im z in Eq. 32; the Eq. 32 term dropped (TR-style claim of zero).
(Eq. 31 prints :math:`\mathcal L^n_{\alpha\beta}(0)`: read :math:`\mathcal L^\eta`.)
"""
from __future__ import annotations

import sympy as sp

from lrtheory.derivations._common import L, Lim, R, coeffs, fs_weight, im_c, re_c, sea_weight
from lrtheory.derivations.registry import Recorder
from lrtheory.symbolic.lindhard import eta
from lrtheory.symbolic.systems import generic_eigenbasis, no_tr_system, tr_odd_even_pair


def derive():
    rec = Recorder("eq32", "Eq. 31-32",
                   "no TR: chi(0) = 2 P sum f_a Re z/(ea-eb) + pi sum (fa-fb) delta Im z; "
                   "Eq. 32 when the Fermi-surface term vanishes")
    g = generic_eigenbasis(3)
    A, B = tr_odd_even_pair(g)
    c = coeffs(g, A, B)
    rc, ic = re_c(c), im_c(c)
    pw = lambda f1, f2, e1, e2: (f1 - f2) * (e1 - e2) / ((e1 - e2) ** 2 + eta**2)  # noqa: E731
    rec.identity("Eq. 31 principal part = 2 sum f_a D/(D^2+eta^2) Re z (Im z cancels)",
                 R((1, c, pw), (-1, rc, sea_weight)))
    rec.identity("Eq. 31 delta part: -i sum (fa-fb) eta/(D^2+eta^2) z = sum ... Im z",
                 R((-sp.I, c, fs_weight), (-1, ic, fs_weight)))
    rec.identity("chi(0) = Eq. 32 + Fermi-surface term (exact, finite eta)",
                 R((1, c, L(0)), (-1, rc, sea_weight), (-1, ic, fs_weight)))

    nt = no_tr_system()
    An, Bn = tr_odd_even_pair(nt, numeric=True)
    cn = coeffs(nt, An, Bn)
    p_weight = lambda f1, f2, e1, e2: 2 * f1 / (e1 - e2)  # noqa: E731
    rec.identity("3x3 no-TR, gapped: lim eta->0 chi(0) = Eq. 32",
                 R((1, cn, Lim(L(0))), (-1, re_c(cn), p_weight)))

    rec.wrong("Eq. 32 with Im z", R((1, c, L(0)), (-1, ic, sea_weight), (-1, ic, fs_weight)))
    rec.wrong("3x3 no-TR: claim lim chi(0) = 0 (it is Eq. 32, non-zero)", R((1, cn, Lim(L(0)))))
    rec.finding("Eq. 31 prints L^n_{ab}(0): read L^eta_{ab}(0). Exact finite-eta split: "
                "chi(0) = 2 sum f_a D/(D^2+eta^2) Re z + sum (fa-fb) eta/(D^2+eta^2) Im z for any "
                "system, so Eq. 32 is exact (for eta -> 0) whenever no degenerate pairs at "
                "different occupation exist, and chi(0) is real.")
    return rec.done()


if __name__ == "__main__":
    print(derive())
