"""Any TR-even density against any TR-odd field: the static response is O(eta)."""
import sympy as sp

from lrtheory.derivations.registry import Recorder
from lrtheory.symbolic.lindhard import (
    combine, eta, kubo_coefficients, kubo_sum, map_coefficients,
)
from lrtheory.symbolic.operators import tr_transform
from lrtheory.symbolic.systems import im_part, kramers_system, re_part, tr_odd_even_pair

LABEL = "zeeman_general"
EQUATION = "user: Eq. 17, 23, lA = +1, lB = -1"


def reactive(f_a, f_b, e_a, e_b):  # Re L(0) = (f_a - f_b) D/(D^2 + eta^2)
    return (f_a - f_b) * (e_a - e_b) / ((e_a - e_b) ** 2 + eta**2)


def fermi_surface(f_a, f_b, e_a, e_b):  # -Im L(0) = (f_a - f_b) eta/(D^2 + eta^2)
    return (f_a - f_b) * eta / ((e_a - e_b) ** 2 + eta**2)


def derive():
    rec = Recorder(LABEL, EQUATION, "A TR-even, B TR-odd, TR-invariant H: chi_AB = -chi_BA; "
                   "chi_AB(0) = sum (fa-fb) eta/(D^2+eta^2) Im(A_ab B_ba) -> 0")
    s = kramers_system()                              # 4 x 4, Theta = (i sigma_y x 1) K
    A, B = tr_odd_even_pair(s, +1, -1, numeric=True)  # random TR-even A, TR-odd B
    rec.identity("Theta H Theta^-1 = H", tr_transform(s.H, s.U) - s.H)
    rec.identity("A is TR-even", tr_transform(A, s.U) - A)
    rec.identity("B is TR-odd", tr_transform(B, s.U) + B)

    def coeffs(X, Y):  # {level pair: sum X_ab Y_ba}: the Kubo sum of Eq. 17, grouped
        return kubo_coefficients(s.elements(X), s.elements(Y), s.energies, s.occupations)

    c_ab, c_ba = coeffs(A, B), coeffs(B, A)
    chi0 = kubo_sum(c_ab, omega_=0)                   # Eq. 17-18 at omega = 0
    rec.identity("chi_AB(w) + chi_BA(w) = 0", combine((1, c_ab), (1, c_ba)))
    rec.identity("chi_AB(0) = Fermi-surface sum",
                 chi0 - kubo_sum(map_coefficients(im_part, c_ab), fermi_surface))
    rec.identity("reactive sum = 0", kubo_sum(map_coefficients(re_part, c_ab), reactive))
    rec.identity("lim_{eta->0} chi_AB(0) = 0", sp.limit(chi0, eta, 0, "+"))
    rec.wrong("reciprocity with the wrong sign", combine((1, c_ab), (-1, c_ba)))
    rec.wrong("chi_AB(0) already zero at finite eta", chi0)
    return rec.done()


if __name__ == "__main__":
    print(derive())
