r"""Eq. 37-41 (S25-S31): the net torque.

Exact statements at finite :math:`\eta` (:math:`\hbar = 1`), on explicit systems with
symbolic energies, occupations and :math:`\eta`:

1. Any system (3x3 without TR): :math:`-i\langle[O,r]\rangle + \chi_{\dot O,r}(0) =
   \eta\,\chi_{O,r}(0)` (Eq. 33 with :math:`\omega + i\eta` at :math:`\omega = 0`). So
   :math:`\bar T_O = e\eta\chi_{O,r}(0)\cdot E`: the net torque is :math:`\eta` times the
   integrated accumulation, for every system.
2. Kramers system (O TR-odd, r TR-even):
   Eq. 38 -> Eq. 39: :math:`\chi_{\dot O,r}(0) = -\frac{1}{i}\sum(f_a-f_b)
   \frac{\Delta^2}{\Delta^2+\eta^2}O_{ab}r_{ba}`, :math:`\Delta = \epsilon_a-\epsilon_b`;
   Eq. 40: :math:`\frac1i\langle[O,r]\rangle = \frac1i\sum(f_a-f_b)O_{ab}r_{ba}`;
   Eq. 39 + Eq. 40 :math:`= \eta\sum(f_a-f_b)\frac{\eta}{\Delta^2+\eta^2}\mathrm{Im}(O_{ab}r_{ba})
   \to \pi\eta\sum(f_a-f_b)\delta(\Delta)\mathrm{Im}(O_{ab}r_{ba})`: Eq. 41 with the printed
   sign (+) and Im.

Wrong variants: Eq. 39 with +1/(i hbar) (no cancellation); Re instead of Im in Eq. 41.
"""
from __future__ import annotations

import sympy as sp

from lrtheory.derivations.registry import Recorder
from lrtheory.symbolic.lindhard import chi, eta
from lrtheory.symbolic.operators import commutator, project_tr_parity, time_derivative
from lrtheory.symbolic.systems import exact_hermitian, kramers_system, no_tr_system


def _parts(s, O, r):
    Oe, re_ = s.elements(O), s.elements(r)
    Od = s.elements(time_derivative(O, s.H))
    n = s.n
    comm = sum(s.occupations[a] * s.elements(commutator(O, r))[a, a] for a in range(n))
    return Oe, re_, Od, comm


def derive():
    rec = Recorder("eq41", "Eq. 37-41, S25-S31",
                   "-i<[O,r]> + chi_{dO/dt,r}(0) = eta chi_{O,r}(0) exactly; with TR this is "
                   "eta sum (fa-fb) eta/(D^2+eta^2) Im(O_ab r_ba) -> Eq. 41")
    nt = no_tr_system()
    O, r = exact_hermitian(3, 21), exact_hermitian(3, 22)
    Oe, re_, Od, comm = _parts(nt, O, r)
    es, fs = nt.energies, nt.occupations
    rec.identity("any system: -i<[O,r]> + chi_{dO/dt,r}(0) - eta chi_{O,r}(0) = 0",
                 -sp.I * comm + chi(Od, re_, es, fs, 0) - eta * chi(Oe, re_, es, fs, 0))

    ks = kramers_system()
    O = project_tr_parity(exact_hermitian(4, 23), ks.U, -1)
    r = project_tr_parity(exact_hermitian(4, 24), ks.U, +1)
    Oe, re_, Od, comm = _parts(ks, O, r)
    es, fs = ks.energies, ks.occupations
    def w39(f1, f2, e1, e2):
        return -(1 / sp.I) * (f1 - f2) * (e1 - e2) ** 2 / ((e1 - e2) ** 2 + eta**2)

    eq39 = chi(Oe, re_, es, fs, weight=w39)
    eq40 = chi(Oe, re_, es, fs, weight=lambda f1, f2, e1, e2: (f1 - f2) / sp.I)
    rec.identity("Eq. 40: (1/i)<[O,r]> = (1/i) sum (fa-fb) O_ab r_ba", comm / sp.I - eq40)
    rec.identity("Eq. 38 -> 39: chi_{dO/dt,r}(0) = Eq. 39 (TR: Im part of L drops)",
                 chi(Od, re_, es, fs, 0) - eq39)
    n = ks.n
    im_terms = sp.Matrix(n, n, lambda a, b: sp.im(sp.expand(Oe[a, b] * re_[b, a])))
    re_terms = sp.Matrix(n, n, lambda a, b: sp.re(sp.expand(Oe[a, b] * re_[b, a])))
    w41 = lambda f1, f2, e1, e2: eta * (f1 - f2) * eta / ((e1 - e2) ** 2 + eta**2)  # noqa: E731
    eq41 = chi(im_terms, sp.ones(n, n), es, fs, weight=w41)
    rec.identity("Eq. 39 + Eq. 40 = eta sum (fa-fb) eta/(D^2+eta^2) Im(O_ab r_ba)",
                 eq39 + eq40 - eq41)
    rec.identity("Eq. 39 + Eq. 40 = eta chi_{O,r}(0) (TR system)",
                 eq39 + eq40 - eta * chi(Oe, re_, es, fs, 0))
    rec.wrong("Eq. 39 with +1/(i hbar): Eq. 39' + Eq. 40 - Eq. 41", -eq39 + eq40 - eq41)
    rec.wrong("Eq. 41 with Re instead of Im",
              eq39 + eq40 - chi(re_terms, sp.ones(n, n), es, fs, weight=w41))
    rec.finding("Eq. 39/41: signs and factors confirmed: Eq. 39 = -(1/i hbar) sum (fa-fb) "
                "D^2/(D^2+eta^2) O_ab r_ba agrees with S30 when S30's 'P(f_a-f_b)' is read as "
                "(f_a-f_b) D^2/(D^2+eta^2); Eq. 39 + Eq. 40 = eta sum (fa-fb) eta/(D^2+eta^2) "
                "Im(O_ab r_ba) -> Eq. 41 = +(e pi eta/hbar) sum (fa-fb) delta Im{O r}.E. "
                "More generally (any system, TR or not) T_net = e eta chi_{O,r}(omega=0).E "
                "exactly at finite eta.")
    return rec.done()


if __name__ == "__main__":
    print(derive())
