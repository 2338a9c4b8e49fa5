"""Numeric Lindhard kernels agree with their SymPy expressions; occupations are stable.

Expected values come from the symbolic layer (exact SymPy expressions evaluated with mpmath at
50 digits at seeded random points), not from the kernels' own output. Tolerances: TOL
(rtol 1e-10) for direct rational formulas in double precision.
"""
from __future__ import annotations

import warnings

import mpmath
import numpy as np
import pytest
import sympy as sp

from lrtheory.errors import ConventionError, LrtheoryError
from lrtheory.kernels import lindhard as K
from lrtheory.kernels.occupation import fermi, fermi_derivative
from lrtheory.symbolic import lindhard as sl

TOL = dict(rtol=1e-10, atol=1e-12)


def _sym_eval(expr, args, values):
    f = sp.lambdify(args, expr, modules="mpmath")
    with mpmath.workdps(50):
        return np.array([complex(f(*[mpmath.mpf(float(v)) for v in row])) for row in values])


@pytest.mark.parametrize("name", ["lindhard", "lindhard_re", "lindhard_im", "principal_weight",
                                  "delta_weight", "static_tr_odd_weight",
                                  "static_tr_even_weight"])
def test_kernel_equals_symbolic_expression(name, rng):
    k = K.KERNELS[name]
    n = 64
    vals = []
    for a in k.args:
        if a in (sl.fa, sl.fb):
            vals.append(rng.uniform(0, 1, n))
        elif a == sl.eta:
            vals.append(rng.uniform(1e-3, 0.5, n))
        else:
            vals.append(rng.uniform(-3, 3, n))
    got = k(*vals)
    expected = _sym_eval(k.expr, k.args, np.array(vals).T)
    np.testing.assert_allclose(got, expected if np.iscomplexobj(got) else expected.real, **TOL)
    assert "def _lambdifygenerated" in k.source  # generated source kept for audit


def test_kernel_broadcasts_constant_expression():
    # DELTA_WEIGHT has no f dependence; a scalar/array mix must give the broadcast shape
    out = K.DELTA_WEIGHT(np.zeros((2, 3)), 0.0, 0.1)
    assert out.shape == (2, 3)
    np.testing.assert_allclose(out, 1 / (0.1 * np.pi), **TOL)  # eta/(0+eta^2)/pi
    with pytest.raises(ConventionError, match="takes 3 arguments"):
        K.DELTA_WEIGHT(1.0, 2.0)


def test_divided_difference_matches_symbolic(rng):
    ea, eb = rng.uniform(-1, 1, 50), rng.uniform(-1, 1, 50)
    mu, T = 0.13, 0.07
    dd = (sl.fermi_sym(sl.ea) - sl.fermi_sym(sl.eb)) / (sl.ea - sl.eb)
    f = sp.lambdify((sl.ea, sl.eb, sl.mu, sl.T), dd, modules="mpmath")
    with mpmath.workdps(50):
        exp = np.array([float(f(mpmath.mpf(a), mpmath.mpf(b), mpmath.mpf(mu), mpmath.mpf(T)))
                        for a, b in zip(ea, eb)])
    np.testing.assert_allclose(K.divided_difference(ea, eb, mu, T), exp, **TOL)


def test_divided_difference_degenerate_limit(rng):
    # |ea - eb| < tol -> f'(e) (SymPy derivative); just above tol the stable branch agrees
    e = rng.uniform(-0.3, 0.3, 20)
    mu, T = 0.05, 0.1
    fp = sp.lambdify((sl.ea, sl.mu, sl.T), sl.fermi_derivative_sym(), modules="numpy")
    np.testing.assert_allclose(K.divided_difference(e, e, mu, T), fp(e, mu, T), **TOL)
    # Taylor: W1(e, e + h) = f'(e + h/2) + O(h^2 f'''/24): h = 1e-6, T = 0.1 -> error < 1e-9
    h = 1e-6
    np.testing.assert_allclose(K.divided_difference(e, e + h, mu, T), fp(e + h / 2, mu, T),
                               rtol=1e-8, atol=1e-9)


def test_divided_difference_extreme_no_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        w = K.divided_difference(np.array([100.0, -100.0, 0.0]), np.array([-100.0, 100.0, 0.0]),
                                 0.0, 1e-6)
    # (f(100) - f(-100))/200 = -1/200 exactly in double precision at T = 1e-6
    np.testing.assert_allclose(w[:2], -1 / 200, **TOL)
    assert np.all(np.isfinite(w))
    with pytest.raises(LrtheoryError):
        K.divided_difference(0.0, 1.0, 0.0, 0.0)


def test_principal_interband_drops_degenerate():
    w = K.principal_interband([0.0, 0.0, -1.0], [0.0, 1.0, 1.0], ef=0.5, temperature=0.0)
    # degenerate pair -> 0; (f(0) - f(1))/(0 - 1) = (1 - 0)/(-1); (f(-1) - f(1))/(-2) = -1/2
    np.testing.assert_allclose(w, [0.0, -1.0, -0.5], **TOL)


def test_fermi_no_overflow_and_limits():
    e = np.array([-100.0, -1e-3, 0.0, 1e-3, 100.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        f = fermi(e, 0.0, 1e-6)
        fd = fermi_derivative(e, 0.0, 1e-6)
        g, c = K.occupation(e, 0.0, 1e-6)
        fs = K.fermi_surface_weight(e, 0.0, 1e-6)
    np.testing.assert_array_equal(f, [1.0, 1.0, 0.5, 0.0, 0.0])  # exp(+-1000) limits
    np.testing.assert_allclose(g, f, **TOL)
    np.testing.assert_allclose(g + c, 1.0, **TOL)
    assert np.all(np.isfinite(fd)) and np.all(fd <= 0)
    np.testing.assert_allclose(fs[2], 1 / (4e-6), **TOL)  # f(1-f)/T at e = mu


def test_fermi_equals_sympy_fermi(rng):
    e = rng.uniform(-2, 2, 40)
    mu, T = 0.2, 0.3
    f = sp.lambdify((sl.ea, sl.mu, sl.T), sl.fermi_sym(), modules="mpmath")
    fp = sp.lambdify((sl.ea, sl.mu, sl.T), sl.fermi_derivative_sym(), modules="mpmath")
    with mpmath.workdps(50):
        exp = np.array([float(f(mpmath.mpf(x), mu, T)) for x in e])
        expd = np.array([float(fp(mpmath.mpf(x), mu, T)) for x in e])
    np.testing.assert_allclose(fermi(e, mu, T), exp, **TOL)
    np.testing.assert_allclose(K.occupation(e, mu, T)[0], exp, **TOL)
    np.testing.assert_allclose(fermi_derivative(e, mu, T), expd, **TOL)
    np.testing.assert_allclose(-K.fermi_surface_weight(e, mu, T), expd, **TOL)
