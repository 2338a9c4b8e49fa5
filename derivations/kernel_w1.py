r"""Kernel W1: overflow-free divided difference of the Fermi function and its limit.

:math:`W_1 = (f_a - f_b)/(\epsilon_a-\epsilon_b)` is evaluated in :mod:`lrtheory.kernels.lindhard`
as :math:`-f_a(1-f_b)\,\mathrm{expm1}(\Delta/T)/\Delta` (:math:`\Delta = \epsilon_a-\epsilon_b\le0`)
or :math:`f_b(1-f_a)\,\mathrm{expm1}(-\Delta/T)/\Delta` (:math:`\Delta>0`). Proved here: both
forms equal the divided difference identically (detailed balance), and both tend to
:math:`f'(\epsilon_a)` as :math:`\epsilon_b\to\epsilon_a` (the degenerate limit used below the
tolerance).
"""
from __future__ import annotations

import sympy as sp
from sympy.codegen.cfunctions import expm1

from lrtheory.derivations.registry import Recorder
from lrtheory.symbolic.lindhard import (
    T, divided_difference_stable, ea, eb, fermi_derivative_sym, fermi_sym,
)


def _plain(expr):
    return expr.replace(expm1, lambda z: sp.exp(z) - 1)


def derive():
    rec = Recorder("w1", "kernel W1",
                   "-f_a(1-f_b) expm1((e_a-e_b)/T)/(e_a-e_b) = (f_a-f_b)/(e_a-e_b) -> f'(e_a)")
    # Work with X_a = exp((e_a-mu)/T), X_b = exp((e_b-mu)/T) > 0: f = 1/(X+1) and
    # exp((e_a-e_b)/T) = X_a/X_b; the identities become rational in X_a, X_b, Delta.
    xa, xb = sp.symbols("X_a X_b", positive=True)
    D = sp.Symbol("Delta", nonzero=True, real=True)
    to_x = {fermi_sym(ea): 1 / (xa + 1), fermi_sym(eb): 1 / (xb + 1)}

    def rational(expr):
        expr = expr.subs(to_x)
        expr = expr.replace(expm1, lambda arg: sp.exp(arg) - 1)
        expr = expr.subs({sp.exp((ea - eb) / T): xa / xb, sp.exp(-(ea - eb) / T): xb / xa})
        expr = expr.replace(sp.exp, lambda arg: sp.exp(sp.factor(arg)))
        expr = expr.subs({sp.exp((ea - eb) / T): xa / xb, sp.exp((eb - ea) / T): xb / xa,
                          sp.exp(-(ea - eb) / T): xb / xa})
        return expr.subs(ea - eb, D).subs(ea, eb + D)

    dd = rational((fermi_sym(ea) - fermi_sym(eb)) / (ea - eb))
    for br in ("a_below", "a_above"):
        w = rational(divided_difference_stable(branch=br))
        rec.identity(f"{br}: stable form = (f_a - f_b)/(e_a - e_b)  [{w}]", sp.together(w - dd))
    z = sp.Symbol("z")
    rec.identity("lim_{z->0} expm1(z)/z = 1 (so both forms -> -f_a(1-f_a)/T as e_b -> e_a)",
                 sp.limit((sp.exp(z) - 1) / z, z, 0) - 1)
    rec.identity("f' = -f(1-f)/T (overflow-free form of the derivative)",
                 fermi_derivative_sym() + fermi_sym() * (1 - fermi_sym()) / T)
    rec.wrong("a_below without the minus sign",
              sp.together(-rational(divided_difference_stable(branch="a_below")) - dd))
    return rec.done()


if __name__ == "__main__":
    print(derive())
