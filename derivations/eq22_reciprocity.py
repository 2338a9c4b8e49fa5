r"""Eq. 19, 22-23, S1-S6: microscopic reciprocity for TR-invariant systems.

On explicit TR-invariant systems (a Kramers 4x4 with :math:`\Theta=(i\sigma_y\otimes1)K`, and
a real-symmetric spinless 3x3 with :math:`\Theta=K`), with symbolic energies, occupations,
:math:`\omega`, :math:`\eta` and generic symbolic operators of definite TR signature:

1. the TR invariance of ``H`` and the signatures of ``A``, ``B`` are checked;
2. Eq. 19 (Hermiticity of matrix elements);
3. S2, term by term with the explicitly constructed partner states
   :math:`|\tilde a\rangle = \Theta|a\rangle`:
   :math:`\langle a|A|b\rangle = \langle\tilde b|\tilde A|\tilde a\rangle` and hence
   :math:`A_{ab}B_{ba} = \lambda_A\lambda_B B_{\tilde a\tilde b}A_{\tilde b\tilde a}`;
4. on the sum (Eq. 17 with Eq. 18): :math:`\chi_{AB}(\omega) - \lambda_A\lambda_B\chi_{BA}(\omega) = 0`
   for all :math:`\omega, \eta`: the coefficient of every distinct Lindhard factor
   :math:`\mathcal L_{ab}` (grouped by level pair) vanishes.

Wrong variants: the same sum with the wrong product of signatures, and the identity on a
system without TR, are proved non-zero.
"""
from __future__ import annotations

import sympy as sp

from lrtheory.derivations.registry import Recorder
from lrtheory.symbolic.lindhard import combine, kubo_coefficients
from lrtheory.symbolic.operators import (
    exact_product, hadamard_exact, hermiticity_residual, tr_transform,
)
from lrtheory.symbolic.systems import (
    kramers_system, no_tr_system, spinless_tr_system, tr_odd_even_pair,
)


def _chi_pair(system, A, B):
    """Kubo coefficients of chi_AB and chi_BA, grouped by level pair (same Lindhard factor)."""
    Ae, Be = system.elements(A), system.elements(B)
    cab = kubo_coefficients(Ae, Be, system.energies, system.occupations)
    cba = kubo_coefficients(Be, Ae, system.energies, system.occupations)
    return cab, cba


def derive():
    rec = Recorder("eq22", "Eq. 19, 22-23, S1-S6",
                   "TR invariance: <a|A|b> = <b~|A~|a~> (S2) and chi_AB(w) = lA lB chi_BA(w) "
                   "(Eq. 23/S6) for Hermitian A, B of signatures lA, lB")
    ks = kramers_system()
    A, B = tr_odd_even_pair(ks, -1, +1)
    rec.identity("Kramers: Theta H Theta^-1 = H", tr_transform(ks.H, ks.U) - ks.H)
    rec.identity("Kramers: A~ = -A (TR-odd)", tr_transform(A, ks.U) + A)
    rec.identity("Kramers: B~ = +B (TR-even)", tr_transform(B, ks.U) - B)
    rec.identity("Eq. 19: [A]_ab = [A]_ba^*", hermiticity_residual(A, ks.V))

    # S2 term by term with explicit partner states |a~> = Theta|a>
    P = sp.Matrix.hstack(*ks.partner_states())  # columns Theta|a>
    At, Bt = tr_transform(A, ks.U), tr_transform(B, ks.U)
    Ae, Be = ks.elements(A), ks.elements(B)
    # <b~|A~|a~> as a matrix indexed [a, b]
    s2 = Ae - exact_product(P.H, At, P).T
    # A_ab B_ba  vs  lA lB B_{a~b~} A_{b~a~}  (lA lB = -1)
    PA, PB = exact_product(P.H, A, P), exact_product(P.H, B, P)
    prod = hadamard_exact(Ae, Be.T) + hadamard_exact(PB, PA.T)
    rec.identity("S2: <a|A|b> - <b~|A~|a~> (all a, b)", s2)
    rec.identity("A_ab B_ba - lA lB B_a~b~ A_b~a~ (term by term)", prod)

    cab, cba = _chi_pair(ks, A, B)
    rec.identity("Kramers: chi_AB(w) + chi_BA(w) = 0 (lA lB = -1, on the sum)",
                 combine((1, cab), (1, cba)))
    A2, B2 = tr_odd_even_pair(ks, -1, -1, names=("c", "d"))
    c2ab, c2ba = _chi_pair(ks, A2, B2)
    rec.identity("Kramers: chi_AB(w) - chi_BA(w) = 0 (both TR-odd, lA lB = +1)",
                 combine((1, c2ab), (-1, c2ba)))

    ss = spinless_tr_system()
    As, Bs = tr_odd_even_pair(ss, -1, +1)
    rec.identity("spinless: Theta H Theta^-1 = H", tr_transform(ss.H, ss.U) - ss.H)
    sab, sba = _chi_pair(ss, As, Bs)
    rec.identity("spinless: chi_AB(w) + chi_BA(w) = 0 (lA lB = -1)", combine((1, sab), (1, sba)))

    # wrong variants
    rec.wrong("Kramers: wrong parity product (chi_AB - chi_BA with lA lB = -1)",
              combine((1, cab), (-1, cba)))
    nt = no_tr_system()
    An, Bn = tr_odd_even_pair(nt)
    nab, nba = _chi_pair(nt, An, Bn)
    rec.wrong("no TR: chi_AB + chi_BA (reciprocity needs TR)", combine((1, nab), (1, nba)))
    return rec.done()


if __name__ == "__main__":
    print(derive())
