r"""Eq. 18, S8, Eq. 26: the Lindhard factor and its eta -> 0 decomposition.

Shown, not asserted:

* S8: :math:`\mathrm{Re}\,\mathcal L = (f_a-f_b)y/(y^2+\eta^2)`,
  :math:`\mathrm{Im}\,\mathcal L = -(f_a-f_b)\eta/(y^2+\eta^2)` with
  :math:`y = \epsilon_a-\epsilon_b+\omega` (SymPy ``re``/``im`` of Eq. 18);
* Eq. 26, imaginary part: :math:`\int g(y)\,\eta/(y^2+\eta^2)\,dy \to \pi g(0)` for the test
  functions :math:`1/(1+y^2)`, :math:`1/(1+(y-1)^2)` (residue theorem) and :math:`e^{-y^2}`
  (``sympy.integrate``), followed by ``sympy.limit``;
* Eq. 26, real part: :math:`\int g(y)\,y/(y^2+\eta^2)\,dy \to P\!\int g(y)/y\,dy`, the
  principal value computed independently from an antiderivative with a symmetric cut.

Together: :math:`\mathcal L^\eta \to P\frac{f_a-f_b}{y} - i\pi(f_a-f_b)\delta(y)` as
distributions in :math:`y`.
"""
from __future__ import annotations

import sympy as sp

from lrtheory.derivations.registry import Recorder
from lrtheory.symbolic.lindhard import (
    ea, eb, fa, fb, lindhard, lindhard_im, lindhard_re, lorentzian_against, omega,
    principal_against, principal_value, x,
)


def derive():
    rec = Recorder("eq26", "Eq. 18, S8, Eq. 26",
                   "Re/Im of Eq. 18 are S8; eta/(y^2+eta^2) -> pi delta(y) and "
                   "y/(y^2+eta^2) -> P(1/y) against test functions, so "
                   "L -> P(fa-fb)/y - i pi (fa-fb) delta(y)")
    L = lindhard()
    rec.identity("S8 real part", sp.re(L) - lindhard_re())
    rec.identity("S8 imaginary part", sp.im(L) - lindhard_im())
    rec.identity("Re L + i Im L = L (Eq. 18)", lindhard_re() + sp.I * lindhard_im() - L)

    tests = {"1/(1+y^2)": 1 / (1 + x**2), "1/(1+(y-1)^2)": 1 / (1 + (x - 1) ** 2),
             "exp(-y^2)": sp.exp(-x**2)}
    for name, g in tests.items():
        integral, lim = lorentzian_against(g)
        rec.identity(f"lim eta->0 int {name} * eta/(y^2+eta^2) = pi g(0)  [int = {integral}]",
                     lim - sp.pi * g.subs(x, 0))
    for name in ("1/(1+(y-1)^2)",):
        g = tests[name]
        integral, lim = principal_against(g)
        rec.identity(f"lim eta->0 int {name} * y/(y^2+eta^2) = PV int g/y  [int = {integral}]",
                     lim - principal_value(g))
    g = (1 + 2 * x) / (1 + x**2)
    integral, lim = principal_against(g)
    rec.identity(f"lim eta->0 int (1+2y)/(1+y^2) * y/(y^2+eta^2) = PV  [int = {integral}]",
                 lim - principal_value(g))
    # the combined statement for the Lindhard factor against g = 1/(1+(y-1)^2)
    g = tests["1/(1+(y-1)^2)"]
    im_lim = lorentzian_against(g)[1]
    re_lim = principal_against(g)[1]
    rec.identity("int g L dy -> (fa-fb)[PV int g/y - i pi g(0)]  (Eq. 26)",
                 (fa - fb) * (re_lim - sp.I * im_lim)
                 - (fa - fb) * (principal_value(g) - sp.I * sp.pi * g.subs(x, 0)))

    # wrong variants: +i pi (retarded vs advanced), missing pi, S8 with +eta
    # Im int g L dy -> -(fa-fb) pi g(0); the advanced-sign claim +(fa-fb) pi g(0) must fail
    rec.wrong("Im part claimed +i pi (fa-fb) delta (sign flipped)",
              -(fa - fb) * im_lim - (fa - fb) * sp.pi * g.subs(x, 0))
    rec.wrong("Lorentzian limit claimed 2 pi g(0) (extra factor 2)",
              lorentzian_against(tests["1/(1+y^2)"])[1] - 2 * sp.pi)
    rec.wrong("S8 with Im L = +(fa-fb) eta/(y^2+eta^2)", sp.im(L) + lindhard_im())
    _ = (ea, eb, omega)
    return rec.done()


if __name__ == "__main__":
    print(derive())
