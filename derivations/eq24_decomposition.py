r"""Eq. 24, S7-S10: decomposition of a TR-invariant response into Re/Im of A_ab B_ba.

1. Algebra (S7, S9, S10): with :math:`z = A_{ab}B_{ba}` and :math:`B_{ab}A_{ba} = z^*`
   (Eq. 19), :math:`\tfrac12\mathcal L(z + \lambda z^*) = \mathcal L[\tfrac{1+\lambda}{2}\mathrm{Re}z
   + i\tfrac{1-\lambda}{2}\mathrm{Im} z]` for :math:`\lambda = \lambda_A\lambda_B = \pm1`, and its
   real and imaginary parts are S7 and S9 (generic real symbols for Re/Im L, Re/Im z).
2. On the explicit Kramers system (symbolic energies, occupations, omega, eta and operators):
   :math:`\chi_{AB}(\omega)` equals the right side of Eq. 24, summed over all pairs, for
   :math:`\lambda_A\lambda_B = -1` and :math:`+1`.

Note: Eq. 24 and S7-S10 are printed without :math:`\sum_{\alpha\beta}` (summation implied,
stated before S7). The identity holds on the sum only: it is not true pair by pair.
"""
from __future__ import annotations

import sympy as sp

from lrtheory.derivations._common import coeffs, im_c, re_c
from lrtheory.derivations.registry import Recorder
from lrtheory.symbolic.lindhard import combine
from lrtheory.symbolic.systems import im_part, kramers_system, no_tr_system, tr_odd_even_pair


def derive():
    rec = Recorder("eq24", "Eq. 24, S7-S10",
                   "with TR: chi_AB = sum_ab L_ab [(1+lA lB)/2 Re(A_ab B_ba) "
                   "+ i (1-lA lB)/2 Im(A_ab B_ba)]")
    Lr, Li, zr, zi = sp.symbols("L_r L_i z_r z_i", real=True)
    Lc, z = Lr + sp.I * Li, zr + sp.I * zi
    for lam in (1, -1):
        half = Lc * (z + lam * sp.conjugate(z)) / 2
        eq24 = Lc * (sp.Rational(1 + lam, 2) * zr + sp.I * sp.Rational(1 - lam, 2) * zi)
        rec.identity(f"S10 algebra, lA lB = {lam:+d}", half - eq24)
        rec.identity(f"S7 (real part), lA lB = {lam:+d}",
                     sp.re(half) - (sp.Rational(1 + lam, 2) * Lr * zr
                                    - sp.Rational(1 - lam, 2) * Li * zi))
        rec.identity(f"S9 (imaginary part), lA lB = {lam:+d}",
                     sp.im(half) - (sp.Rational(1 + lam, 2) * Li * zr
                                    + sp.Rational(1 - lam, 2) * Lr * zi))

    ks = kramers_system()
    A, B = tr_odd_even_pair(ks, -1, +1, numeric=True)
    c = coeffs(ks, A, B)
    rec.identity("Kramers, lA lB = -1: chi_AB - sum L i Im(z)",
                 combine((1, c), (-sp.I, im_c(c))))
    A2, B2 = tr_odd_even_pair(ks, -1, -1, names=("c", "d"), numeric=True)
    c2 = coeffs(ks, A2, B2)
    rec.identity("Kramers, lA lB = +1: chi_AB - sum L Re(z)", combine((1, c2), (-1, re_c(c2))))

    # wrong variants
    rec.wrong("Kramers, lA lB = -1 but Re(z) kept (wrong parity)", combine((1, c), (-1, re_c(c))))
    nt = no_tr_system()
    An, Bn = tr_odd_even_pair(nt, numeric=True)
    cn = coeffs(nt, An, Bn)
    rec.wrong("no TR: chi_AB - sum L i Im(z) (Eq. 24 needs TR)",
              combine((1, cn), (-sp.I, im_c(cn))))
    # pair by pair (no sum) Eq. 24 fails even with TR: one Lindhard weight per pair
    a, b = 0, 1
    Ae, Be = ks.elements(A), ks.elements(B)
    zab = sp.expand(Ae[a, b] * Be[b, a])
    rec.wrong("Kramers, single pair (a,b)=(0,1) without the sum: z - i Im z = Re z",
              zab - sp.I * im_part(zab))
    rec.finding("Eq. 24 / S7-S10 are printed without sum_{alpha beta} (summation implied, "
                "stated before S7); the identity holds for the sum over all pairs (TR pairs "
                "(a,b) with (a~,b~)), not pair by pair (shown: single-pair residual Re z != 0).")
    return rec.done()


if __name__ == "__main__":
    print(derive())
