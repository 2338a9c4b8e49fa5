r"""Eq. 33: :math:`-i\omega\chi_{A,B} = -i\langle[A,B]\rangle + \chi_{\dot A,B}` for the
:math:`\eta`-regularised Lindhard form.

On an explicit 3x3 complex Hamiltonian (symbolic energies, occupations, :math:`\omega`,
:math:`\eta`; exact operators A, B), with :math:`\dot A = i[H, A]` and :math:`[A,B]` computed
as matrices in the site basis:

* exact for every :math:`\eta > 0` with :math:`\omega \to \omega + i\eta`:
  :math:`-i(\omega+i\eta)\chi_{A,B}(\omega) = -i\langle[A,B]\rangle + \chi_{\dot A,B}(\omega)`;
* with :math:`\omega` alone (as printed) the residual is exactly :math:`-\eta\chi_{A,B}(\omega)`:
  Eq. 33 holds only in the limit :math:`\eta \to 0` at fixed :math:`\omega \neq 0`.
  (Derivation: :math:`\dot A_{ab} = i(\epsilon_a-\epsilon_b)A_{ab}`,
  :math:`\langle[A,B]\rangle = \sum(f_a-f_b)A_{ab}B_{ba}`, and
  :math:`-i + i(\epsilon_a-\epsilon_b)/(\epsilon_a-\epsilon_b+\omega+i\eta) =
  -i(\omega+i\eta)/(\epsilon_a-\epsilon_b+\omega+i\eta)`.)
"""
from __future__ import annotations

import sympy as sp

from lrtheory.derivations.registry import Recorder
from lrtheory.symbolic.lindhard import chi, commutator_expectation, eta, omega
from lrtheory.symbolic.operators import commutator, time_derivative
from lrtheory.symbolic.systems import exact_hermitian, no_tr_system


def derive():
    rec = Recorder("eq33", "Eq. 33",
                   "-i(w + i eta) chi_AB(w) = -i<[A,B]> + chi_{dA/dt,B}(w) exactly; with w "
                   "alone the residual is -eta chi_AB(w)")
    s = no_tr_system()
    A, B = exact_hermitian(3, 11), exact_hermitian(3, 12)
    Ae, Be = s.elements(A), s.elements(B)
    Ad = s.elements(time_derivative(A, s.H))
    rec.identity("[dA/dt]_ab = i(e_a - e_b) A_ab (matrix i[H,A] in the eigenbasis)",
                 sp.Matrix(3, 3, lambda a, b: Ad[a, b] - sp.I * (s.energies[a] - s.energies[b])
                           * Ae[a, b]).applyfunc(sp.expand))
    comm = commutator_expectation(Ae, Be, s.occupations)  # from eigenbasis elements
    comm_direct = sum(s.occupations[a] * s.elements(commutator(A, B))[a, a] for a in range(3))
    rec.identity("<[A,B]> from matrices = sum_a f_a (A B - B A)_aa", comm - comm_direct)
    c_ab = chi(Ae, Be, s.energies, s.occupations)
    c_dot = chi(Ad, Be, s.energies, s.occupations)
    rhs = -sp.I * comm_direct + c_dot
    rec.identity("-i(w+i eta) chi_AB - [-i<[A,B]> + chi_{dA/dt,B}] = 0",
                 -sp.I * (omega + sp.I * eta) * c_ab - rhs)
    rec.identity("printed form (w only): residual = -eta chi_AB",
                 (-sp.I * omega * c_ab - rhs) + eta * c_ab)
    rec.wrong("printed Eq. 33 with w alone at finite eta", -sp.I * omega * c_ab - rhs)
    rec.wrong("sign of the commutator term flipped",
              -sp.I * (omega + sp.I * eta) * c_ab - (sp.I * comm_direct + c_dot))
    rec.finding("Eq. 33 is exact for the eta-regularised Kubo formula only with omega -> "
                "omega + i eta: -i(omega + i eta) chi_AB = -i<[A,B]> + chi_{dA/dt,B}; with "
                "omega as printed the two sides differ by eta chi_AB(omega) (vanishes as "
                "eta -> 0 at fixed omega, but not at omega = 0 where eta chi_AB(0) is the net "
                "torque of Eq. 41). The dot on A in chi_{A,B} is lost in print.")
    return rec.done()


if __name__ == "__main__":
    print(derive())
