r"""A static Zeeman field moves no charge in a time-reversal-invariant system (linear order).

A result that is not in the paper, verified with lrtheory's public symbolic API
(docs/own-derivation.md). Run it with

    lrtheory verify --path examples/user_derivations

or ``python examples/user_derivations/charge_zeeman.py``.

Statement. Let :math:`H` be time-reversal invariant with :math:`\Theta^2 = -1` (spin-orbit
coupling allowed), :math:`A = n_1` the electron number on orbital 1 (TR-even,
:math:`\lambda_A = +1`) and :math:`B = \sigma_z` the Zeeman coupling :math:`H' = h\,\sigma_z`
(TR-odd, :math:`\lambda_B = -1`). With the Kubo sum of Eq. 17-18,

1. reciprocity (Eq. 23 with :math:`\lambda_A\lambda_B = -1`): :math:`\chi_{n_1,\sigma_z}(\omega)
   = -\chi_{\sigma_z,n_1}(\omega)` at every :math:`\omega, \eta`: the charge moved by an
   oscillating Zeeman field is minus the spin polarised by an oscillating potential on
   orbital 1;
2. static limit at finite :math:`\eta`: the reactive (principal-part) sum cancels and
   :math:`\chi_{n_1,\sigma_z}(0) = \sum_{ab} (f_a - f_b)\,\eta/((\epsilon_a-\epsilon_b)^2 +
   \eta^2)\,\mathrm{Im}([n_1]_{ab}[\sigma_z]_{ba})`: a Fermi-surface (dissipative) term only;
3. for a finite system (bounded operators, discrete levels) that term is :math:`O(\eta)`:
   :math:`\lim_{\eta\to 0}\chi_{n_1,\sigma_z}(0) = 0`. No linear charge accumulation from a
   static Zeeman field, as thermodynamics requires (:math:`\langle n_1\rangle(h)` is even in
   :math:`h` because :math:`\Theta` maps :math:`H + h\sigma_z` to :math:`H - h\sigma_z`).

Contrast with Eq. 27: there the perturbation is the unbounded position operator, whose
intraband matrix elements turn the same Fermi-surface term into the :math:`\tau`-linear
(Drude-like) accumulation; here nothing survives :math:`\eta \to 0`.

Derivation (by hand, then checked below): with :math:`z_{ab} = A_{ab}B_{ba}`, Hermiticity
gives :math:`z_{ba} = z_{ab}^*`; the real part of the Lindhard factor at :math:`\omega = 0`
is symmetric in :math:`a \leftrightarrow b`, the imaginary part antisymmetric, so
:math:`\chi(0) = \sum \mathrm{Re}\mathcal L\,\mathrm{Re}z - \sum\mathrm{Im}\mathcal L\,
\mathrm{Im}z`. Time reversal (Eq. S2) gives :math:`z_{ab} = \lambda_A\lambda_B
z_{\tilde b\tilde a}`, and :math:`(a, b) \to (\tilde b, \tilde a)` is a bijection of level
pairs that keeps the energies and occupations of :math:`(b, a)`; with the symmetry of
:math:`\mathrm{Re}\mathcal L` and :math:`\mathrm{Re}z` the :math:`\mathrm{Re}z` sum equals
:math:`\lambda_A\lambda_B` times itself, so it vanishes when :math:`\lambda_A\lambda_B = -1`.
What is left is statement 2, and each of its terms vanishes as :math:`\eta \to 0` unless
:math:`\epsilon_a = \epsilon_b`, where :math:`f_a - f_b = 0`.

The system: three orbitals with spin (6 x 6), :math:`\Theta = (i\sigma_y\otimes 1)K`, an exact
eigenbasis that commutes with :math:`\Theta` (Cayley transform of a TR-odd Hermitian matrix),
three Kramers-degenerate levels with symbolic energies and occupations.
"""
from __future__ import annotations

import sympy as sp

from lrtheory.derivations.registry import Recorder
from lrtheory.symbolic.lindhard import (
    combine, eta, kubo_coefficients, kubo_sum, map_coefficients,
)
from lrtheory.symbolic.operators import (
    SymbolicOperator, cayley_unitary, exact_product, kramers_u, project_tr_parity, tr_transform,
)
from lrtheory.symbolic.systems import ExactSystem, exact_hermitian, im_part, re_part

LABEL = "charge_zeeman"
EQUATION = "user: Eq. 23 + 17, lA = +1, lB = -1"
SUMMARY = ("static Zeeman field, TR-invariant system: no linear charge accumulation "
           "(chi_{n,sz} = -chi_{sz,n}; chi(0) = Fermi-surface term = O(eta))")


def kramers_system_3() -> ExactSystem:
    """Three orbitals with spin, three Kramers levels, exact eigenbasis commuting with Theta."""
    U = kramers_u(3)
    K = project_tr_parity(exact_hermitian(6, 17), U, -1)  # TR-odd: V = Cayley(iK) is TR-even
    V = cayley_unitary(sp.I * K / 5)
    e = sp.symbols("epsilon_1:4", real=True)
    f = sp.symbols("f_1:4", real=True)
    energies, occupations = list(e) * 2, list(f) * 2  # column j and j + 3 are partners
    H = exact_product(V, sp.diag(*energies), V.H)
    return ExactSystem(H, V, energies, occupations, U)


def coefficients(system, A, B) -> dict:
    """Kubo coefficients {level pair: sum A_ab B_ba} of chi_AB (Eq. 17)."""
    return kubo_coefficients(system.elements(A), system.elements(B), system.energies,
                             system.occupations)


def reactive(f_a, f_b, e_a, e_b):
    """Re of the Lindhard factor at w = 0: (f_a - f_b) D/(D^2 + eta^2), D = e_a - e_b."""
    d = e_a - e_b
    return (f_a - f_b) * d / (d**2 + eta**2)


def fermi_surface(f_a, f_b, e_a, e_b):
    """-Im of the Lindhard factor at w = 0: (f_a - f_b) eta/(D^2 + eta^2)."""
    d = e_a - e_b
    return (f_a - f_b) * eta / (d**2 + eta**2)


def derive():
    rec = Recorder(LABEL, EQUATION, SUMMARY)
    s = kramers_system_3()
    n1 = SymbolicOperator("n_1", sp.kronecker_product(sp.eye(2), sp.diag(1, 0, 0)), +1)
    sz = SymbolicOperator("sigma_z", sp.kronecker_product(sp.diag(1, -1), sp.eye(3)), -1)
    # hypotheses, checked rather than assumed
    rec.identity("Theta H Theta^-1 = H", tr_transform(s.H, s.U) - s.H)
    rec.identity("n_1 is TR-even", tr_transform(n1.matrix, s.U) - n1.matrix)
    rec.identity("sigma_z is TR-odd", tr_transform(sz.matrix, s.U) + sz.matrix)

    c_ns, c_sn = coefficients(s, n1.matrix, sz.matrix), coefficients(s, sz.matrix, n1.matrix)
    # 1. reciprocity: every level pair (every Lindhard factor) cancels, so for all w, eta
    rec.identity("1. chi_{n,sz}(w) + chi_{sz,n}(w) = 0", combine((1, c_ns), (1, c_sn)))
    # 2. static limit at finite eta: the reactive sum cancels; chi(0) is the FS term
    chi0 = kubo_sum(c_ns, omega_=0)
    rec.identity("2. sum Re L(0) Re z = 0 (reactive part)",
                 kubo_sum(map_coefficients(re_part, c_ns), reactive))
    rec.identity("2. chi(0) = sum (fa-fb) eta/(D^2+eta^2) Im z",
                 chi0 - kubo_sum(map_coefficients(im_part, c_ns), fermi_surface))
    # 3. eta -> 0 on the finite system (each term: a rational function with a limit)
    rec.identity("3. lim_{eta->0} chi(0) = 0", sp.limit(chi0, eta, 0, "+"))

    # wrong variants: each must be proved non-zero
    rec.wrong("reciprocity with the wrong sign: chi_{n,sz} - chi_{sz,n}",
              combine((1, c_ns), (-1, c_sn)))
    rec.wrong("chi(0) already zero at finite eta (the FS term is there)", chi0)
    rec.wrong("wrong parity: with the TR-even n_2 in place of sigma_z the reactive sum "
              "survives (Eq. 29 case)", _even_partner_reactive(s))
    return rec.done()


def _even_partner_reactive(s):
    """The reactive sum of chi_{n_1, n_2}(0) (both TR-even, lA lB = +1, Eq. 29): non-zero,
    so the cancellation in 2. comes from the TR parity of sigma_z, not from the system."""
    n1 = sp.kronecker_product(sp.eye(2), sp.diag(1, 0, 0))
    n2 = sp.kronecker_product(sp.eye(2), sp.diag(0, 1, 0))
    c = coefficients(s, n1, n2)
    return kubo_sum(map_coefficients(re_part, c), reactive)


if __name__ == "__main__":
    print(derive())
