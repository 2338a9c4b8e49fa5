r"""Eq. 25-27: static response of a TR-odd density to a TR-even field (no-dissipation
no-accumulation theorem).

1. Generic Hermitian matrix elements (3 levels, no TR assumed): at :math:`\omega = 0`
   :math:`\sum_{ab} i\,\mathrm{Re}\mathcal L^\eta_{ab}(0)\,\mathrm{Im}z_{ab} = 0` exactly, for every
   finite :math:`\eta` (Re L(0) symmetric, Im z antisymmetric under a <-> b: Eq. 19). Hence Eq. 25
   at :math:`\omega = 0` equals :math:`\sum(f_a-f_b)\frac{\eta}{(\epsilon_a-\epsilon_b)^2+\eta^2}
   \mathrm{Im} z_{ab} = \pi\sum (f_a-f_b)\delta_\eta(\epsilon_a-\epsilon_b)\mathrm{Im}z_{ab}`, which is
   Eq. 27 once :math:`\delta_\eta \to \delta` (proved in eq26). Sign: :math:`+\pi`, as printed.
2. Kramers system (TR, A odd, B even): the full :math:`\chi_{AB}(0)` (Eq. 17) equals that
   Fermi-surface sum exactly, and :math:`\lim_{\eta\to0}\chi_{AB}(0) = 0` when no pair of
   states at different occupation is degenerate (a gapped TR system accumulates nothing).

Wrong variants: the principal part does NOT cancel at :math:`\omega \ne 0`; the sign
:math:`-\pi`; and without TR the static response of the 3x3 complex system does not vanish.
"""
from __future__ import annotations

import sympy as sp

from lrtheory.derivations._common import L, Lim, R, ReL, coeffs, fs_weight, im_c
from lrtheory.derivations.registry import Recorder
from lrtheory.symbolic.lindhard import eta, omega
from lrtheory.symbolic.systems import (
    generic_eigenbasis, kramers_system, no_tr_system, tr_odd_even_pair,
)


def derive():
    rec = Recorder("eq27", "Eq. 25-27",
                   "lA lB = -1, w = 0: principal part cancels exactly (any eta); "
                   "chi(0) = pi sum (fa-fb) delta_eta(ea-eb) Im(A_ab B_ba) -> Eq. 27")
    g = generic_eigenbasis(3)
    A, B = tr_odd_even_pair(g)
    c = coeffs(g, A, B)
    ic = im_c(c)
    iReL0 = lambda *k: sp.I * ReL(0)(*k)  # noqa: E731
    iL0 = lambda *k: sp.I * L(0)(*k)  # noqa: E731
    rec.identity("generic: sum i ReL(0) Im z = 0 (principal part cancels)", R((1, ic, iReL0)))
    rec.identity("generic: Eq. 25 at w=0 = sum (fa-fb) eta/(D^2+eta^2) Im z",
                 R((1, ic, iL0), (-1, ic, fs_weight)))
    x = sp.Symbol("x", real=True)
    rec.identity("eta/(x^2+eta^2) = pi * [eta/pi/(x^2+eta^2)] (delta_eta, limit in eq26)",
                 eta / (x**2 + eta**2) - sp.pi * (eta / sp.pi / (x**2 + eta**2)))

    ks = kramers_system()
    Ak, Bk = tr_odd_even_pair(ks, -1, +1, numeric=True)
    ck = coeffs(ks, Ak, Bk)
    rec.identity("Kramers: chi_AB(0) = sum (fa-fb) eta/(D^2+eta^2) Im z",
                 R((1, ck, L(0)), (-1, im_c(ck), fs_weight)))
    rec.identity("Kramers, gapped: lim eta->0 chi_AB(0) = 0 (no accumulation)",
                 R((1, ck, Lim(L(0)))))

    rec.wrong("principal part at w != 0: sum i ReL(w) Im z",
              R((1, ic, lambda *k: sp.I * ReL(omega)(*k))))
    rec.wrong("sign flipped: Eq. 25(0) = -pi sum (fa-fb) delta_eta Im z",
              R((1, ic, iL0), (1, ic, fs_weight)))
    nt = no_tr_system()
    An, Bn = tr_odd_even_pair(nt, numeric=True)
    rec.wrong("no TR: lim eta->0 chi_AB(0) (accumulation without Fermi surface)",
              R((1, coeffs(nt, An, Bn), Lim(L(0)))))
    rec.finding("Eq. 26-27: confirmed, sign +pi. The cancellation of the principal part is "
                "exact at omega = 0 for every finite eta (not only as eta -> 0), and fails at "
                "omega != 0: the order is omega -> 0 first, as Eq. 27 writes it.")
    return rec.done()


if __name__ == "__main__":
    print(derive())
