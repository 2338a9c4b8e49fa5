r"""Symbolic derivation of the two-band Berry curvature used by :mod:`lrtheory.kernels.two_band`.

For ``H = d_0 + d.sigma`` with projectors ``P_\pm = (1 \pm \hat d.\sigma)/2`` and
``dH/dk_b = a.sigma + ...``, ``dH/dk_c = c.sigma + ...`` (the ``d_0`` derivatives are
multiples of 1 and drop out of interband elements):

.. math::
   \Omega_- = -2\,\frac{\mathrm{Im\,Tr}[P_-(a\cdot\sigma)P_+(c\cdot\sigma)]}{(e_- - e_+)^2}
            = \frac{d\cdot(a\times c)}{2|d|^3},\qquad \Omega_+ = -\Omega_-.

The trace is expanded with explicit Pauli matrices on real symbols; the residual against the
closed form is a rational function of ``d, a, c`` and ``|d|`` that must reduce to 0.
"""
from __future__ import annotations

import sympy as sp

__all__ = ["curvature_identity", "metric_identity"]


def _two_band_symbols():
    """Real symbol vectors d, a, c, ``D = |d|`` (eliminated through ``D**2 = d.d``), the map
    ``v -> v.sigma`` and the band projectors ``P_-``, ``P_+`` of ``d.sigma``."""
    d = sp.Matrix(sp.symbols("d_x d_y d_z", real=True))
    a = sp.Matrix(sp.symbols("a_x a_y a_z", real=True))
    c = sp.Matrix(sp.symbols("c_x c_y c_z", real=True))
    D = sp.Symbol("D", positive=True)
    sig = [sp.Matrix([[0, 1], [1, 0]]), sp.Matrix([[0, -sp.I], [sp.I, 0]]),
           sp.Matrix([[1, 0], [0, -1]])]

    def dot_sigma(v):
        return sum((v[i] * sig[i] for i in range(3)), sp.zeros(2, 2))

    one = sp.eye(2)
    return d, a, c, D, dot_sigma, (one - dot_sigma(d) / D) / 2, (one + dot_sigma(d) / D) / 2


def curvature_identity(sign: int = 1) -> dict:
    """Residuals of the lower- and upper-band closed forms (both must be exactly 0).

    ``sign=-1`` checks the opposite sign instead (a wrong variant: the residuals are not 0).

    Parameters
    ----------
    sign : int
        +1: the closed form of lrtheory.kernels.two_band; -1: the wrong-sign variant.

    Returns
    -------
    dict
        ``{'lower': residual, 'upper': residual}`` (SymPy expressions; 0 when the identity holds).
    """
    d, a, c, D, dot_sigma, P_minus, P_plus = _two_band_symbols()
    out = {}
    for name, (Pn, Pm, gap) in {"lower": (P_minus, P_plus, -2 * D),
                                "upper": (P_plus, P_minus, 2 * D)}.items():
        tr = (Pn * dot_sigma(a) * Pm * dot_sigma(c)).trace()
        omega = -2 * sp.im(sp.expand(tr)) / gap**2
        closed = sign * d.dot(a.cross(c)) / (2 * D**3) * (1 if name == "lower" else -1)
        resid = sp.expand((omega - closed) * D**3)
        resid = sp.expand(resid.subs(D**2, d.dot(d)))
        out[name] = sp.simplify(resid)
    return out


def metric_identity(sign: int = 1) -> sp.Expr:
    r"""Residual of ``Re Tr[P_-(a.sigma)P_+(c.sigma)] = a.c - (\hat d.a)(\hat d.c)`` (must be 0;
    ``sign=-1`` checks a wrong variant). With the curvature identity this gives every
    interband product ``v^a_{-+} v^c_{+-}`` of a two-band model, used by the closed-form
    orbital Hall curvature (:func:`lrtheory.kernels.two_band.two_band_orbital_hall_curvature`).

    Parameters
    ----------
    sign : int
        +1: the identity; -1: a wrong variant.

    Returns
    -------
    sympy.Expr
        The residual (0 when the identity holds).
    """
    d, a, c, D, dot_sigma, P_minus, P_plus = _two_band_symbols()
    tr = sp.expand((P_minus * dot_sigma(a) * P_plus * dot_sigma(c)).trace())
    closed = a.dot(c) - sign * d.dot(a) * d.dot(c) / D**2
    resid = sp.expand((sp.re(tr) - closed) * D**2)
    return sp.simplify(sp.expand(resid.subs(D**2, d.dot(d))))
