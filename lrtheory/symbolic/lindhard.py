r"""The Lindhard factor (paper Eq. 18, S8, Eq. 26) and Kubo sums (Eq. 17) in SymPy.

Conventions (:mod:`lrtheory.conventions`): :math:`\hbar = 1`,

.. math::
    \mathcal L^\eta_{ab}(\omega) = \frac{f_a - f_b}{\epsilon_a - \epsilon_b + \omega + i\eta},
    \qquad
    \chi_{A,B}(\omega) = \sum_{ab} \mathcal L^\eta_{ab}(\omega) [A]_{ab} [B]_{ba}

for the response of :math:`\langle A\rangle` to :math:`H' = +B F`. All returned objects are
plain SymPy expressions; :mod:`lrtheory.kernels.lindhard` compiles them to NumPy.
"""
from __future__ import annotations

import sympy as sp

from lrtheory._docstrings import shared_docs
from lrtheory.errors import ConventionError, ShapeError

__all__ = [
    "omega", "eta", "x", "fa", "fb", "ea", "eb", "mu", "T",
    "lindhard", "lindhard_re", "lindhard_im", "principal_weight", "lorentzian",
    "fermi_sym", "fermi_derivative_sym", "divided_difference_stable",
    "chi", "kubo_coefficients", "kubo_sum", "combine", "map_coefficients",
    "commutator_expectation", "lorentzian_against", "principal_against",
    "real_line_integral", "principal_value",
]

omega = sp.Symbol("omega", real=True)
eta = sp.Symbol("eta", positive=True)
x = sp.Symbol("x", real=True)  # x = e_a - e_b
fa, fb = sp.symbols("f_a f_b", real=True)
ea, eb = sp.symbols("e_a e_b", real=True)
mu = sp.Symbol("mu", real=True)
T = sp.Symbol("T", positive=True)

# numpydoc entries shared by several functions below (lrtheory._docstrings)
_docs = shared_docs(
    lindhard_parameters=r"""
        Parameters
        ----------
        fa_, fb_ : sympy.Expr
            Occupations :math:`f_a`, :math:`f_b` (dimensionless; default the symbols ``fa``,
            ``fb``).
        ea_, eb_ : sympy.Expr
            Energies :math:`\epsilon_a`, :math:`\epsilon_b` (t0; default ``ea``, ``eb``).
        omega_ : sympy.Expr
            Frequency :math:`\omega` (t0/hbar; default ``omega``).
        eta_ : sympy.Expr
            Adiabatic switching rate :math:`\eta > 0` (t0; default ``eta``).
        """,
    fermi_parameters=r"""
        Parameters
        ----------
        e : sympy.Expr
            Energy (t0; default ``ea``).
        mu_ : sympy.Expr
            Chemical potential (t0).
        T_ : sympy.Expr
            Temperature :math:`k_B T > 0` (t0).
        """,
    y_eta_parameters=r"""
        Parameters
        ----------
        y : sympy.Expr
            Energy difference (t0; default the symbol ``x`` = e_a - e_b).
        eta_ : sympy.Expr
            Width (regulator) :math:`\eta > 0` (t0).
        """,
    y_integration="""
        y : sympy.Symbol
            Integration variable (energy, t0; default ``x``).
        """,
    eta_integral_limit=r"""
        eta_ : sympy.Expr
            Width :math:`\eta > 0` of the kernel (t0).

        Returns
        -------
        integral, limit : sympy.Expr
            The integral at finite :math:`\eta` and its :math:`\eta\to0^+` limit (units of
            ``g``).
        """,
)


@_docs
def lindhard(fa_=fa, fb_=fb, ea_=ea, eb_=eb, omega_=omega, eta_=eta):
    r"""Eq. 18: :math:`(f_a - f_b)/(\epsilon_a - \epsilon_b + \omega + i\eta)`.

    %(lindhard_parameters)s

    Returns
    -------
    sympy.Expr
        The complex Lindhard factor (1/t0).
    """
    return (fa_ - fb_) / (ea_ - eb_ + omega_ + sp.I * eta_)


@_docs
def lindhard_re(fa_=fa, fb_=fb, ea_=ea, eb_=eb, omega_=omega, eta_=eta):
    r"""Eq. S8, real part: :math:`(f_a-f_b)\,y/(y^2+\eta^2)`, :math:`y=\epsilon_a-\epsilon_b+\omega`.

    %(lindhard_parameters)s

    Returns
    -------
    sympy.Expr
        Its real part (1/t0).
    """
    return (fa_ - fb_) * principal_weight(ea_ - eb_ + omega_, eta_)


@_docs
def lindhard_im(fa_=fa, fb_=fb, ea_=ea, eb_=eb, omega_=omega, eta_=eta):
    r"""Eq. S8, imaginary part: :math:`-(f_a-f_b)\,\eta/(y^2+\eta^2)`.

    %(lindhard_parameters)s

    Returns
    -------
    sympy.Expr
        Its imaginary part (1/t0).
    """
    return -(fa_ - fb_) * sp.pi * lorentzian(ea_ - eb_ + omega_, eta_)


@_docs
def principal_weight(y=x, eta_=eta):
    r"""Regularised principal part :math:`P(1/y) = \lim_{\eta\to0} y/(y^2+\eta^2)` (after Eq. 26).

    %(y_eta_parameters)s

    Returns
    -------
    sympy.Expr
        :math:`y/(y^2+\eta^2)` (1/t0).
    """
    return y / (y**2 + eta_**2)


@_docs
def lorentzian(y=x, eta_=eta):
    r""":math:`\eta/(y^2+\eta^2)/\pi \to \delta(y)` as :math:`\eta \to 0^+` (Eq. 26).

    %(y_eta_parameters)s

    Returns
    -------
    sympy.Expr
        The normalised Lorentzian (1/t0).
    """
    return eta_ / (y**2 + eta_**2) / sp.pi


@_docs
def fermi_sym(e=ea, mu_=mu, T_=T):
    r"""Fermi-Dirac occupation :math:`1/(e^{(\epsilon-\mu)/T}+1)` (:math:`k_B = 1`).

    %(fermi_parameters)s

    Returns
    -------
    sympy.Expr
        The occupation (dimensionless).
    """
    return 1 / (sp.exp((e - mu_) / T_) + 1)


@_docs
def fermi_derivative_sym(e=ea, mu_=mu, T_=T):
    r""":math:`\partial f/\partial\epsilon` of :func:`fermi_sym`.

    %(fermi_parameters)s

    Returns
    -------
    sympy.Expr
        :math:`\partial f/\partial\epsilon` (1/t0).
    """
    return sp.diff(fermi_sym(e, mu_, T_), e)


def divided_difference_stable(ea_=ea, eb_=eb, mu_=mu, T_=T, *, branch: str = "a_below"):
    r"""Overflow-free form of :math:`W_1 = (f_a - f_b)/(\epsilon_a - \epsilon_b)`.

    Detailed balance :math:`f_a(1-f_b) = f_b(1-f_a)e^{-(\epsilon_a-\epsilon_b)/T}` gives

    * ``a_below`` (use when :math:`\epsilon_a \le \epsilon_b`):
      :math:`-f_a (1-f_b)\,\mathrm{expm1}((\epsilon_a-\epsilon_b)/T)/(\epsilon_a-\epsilon_b)`,
    * ``a_above`` (use when :math:`\epsilon_a > \epsilon_b`):
      :math:`f_b (1-f_a)\,\mathrm{expm1}(-(\epsilon_a-\epsilon_b)/T)/(\epsilon_a-\epsilon_b)`,

    each with a non-positive exponent, and both tending to :math:`f'(\epsilon)` as
    :math:`\epsilon_b \to \epsilon_a` (checked in ``derivations/kernel_w1.py``).

    Parameters
    ----------
    ea_, eb_ : sympy.Expr
        Energies (t0).
    mu_ : sympy.Expr
        Chemical potential (t0).
    T_ : sympy.Expr
        Temperature (t0).
    branch : {"a_below", "a_above"}
        Which form (anything else: ``ConventionError``).

    Returns
    -------
    sympy.Expr
        :math:`W_1` (1/t0), with ``sympy.codegen.cfunctions.expm1``.
    """
    from sympy.codegen.cfunctions import expm1

    d = ea_ - eb_
    f_a, f_b = fermi_sym(ea_, mu_, T_), fermi_sym(eb_, mu_, T_)
    if branch == "a_below":
        return -f_a * (1 - f_b) * expm1(d / T_) / d
    if branch == "a_above":
        return f_b * (1 - f_a) * expm1(-d / T_) / d
    raise ConventionError(f"branch must be 'a_below' or 'a_above', got {branch!r}")


def kubo_coefficients(A_el, B_el, energies, occupations) -> dict:
    r"""Group the Kubo sum by level pair: ``{(e_a, e_b, f_a, f_b): sum A_ab B_ba}``.

    Terms with :math:`f_a = f_b` identically are dropped (every weight used here carries
    the factor :math:`f_a - f_b`). Coefficients are expanded polynomials; two sums agree if
    their coefficient dictionaries agree (sufficient condition, exact and fast).

    Parameters
    ----------
    A_el, B_el : sympy.Matrix
        :math:`[A]_{ab}`, :math:`[B]_{ab}` in the eigenbasis (n x n; ``ShapeError`` otherwise).
    energies : sequence
        :math:`\epsilon_a` (t0; symbols or numbers), length n.
    occupations : sequence
        :math:`f_a` (dimensionless), length n.

    Returns
    -------
    dict
        ``{(e_a, e_b, f_a, f_b): sum A_ab B_ba}`` (units of A times B).
    """
    n = len(energies)
    if A_el.shape != (n, n) or B_el.shape != (n, n) or len(occupations) != n:
        raise ShapeError("matrix elements must be n x n with n energies and occupations")
    from sympy.polys.matrices import DomainMatrix

    try:  # fast exact polynomial arithmetic
        dA, dB = DomainMatrix.from_Matrix(sp.Matrix(A_el)).unify(
            DomainMatrix.from_Matrix(sp.Matrix(B_el)))
        dom = dA.domain
        la, lb = dA.to_list(), dB.to_list()
    except Exception:  # noqa: BLE001 - non-polynomial entries
        dom, la, lb = None, sp.Matrix(A_el).tolist(), sp.Matrix(B_el).tolist()
    out: dict = {}
    for a in range(n):
        for b in range(n):
            if sp.expand(occupations[a] - occupations[b]) == 0:
                continue
            key = (energies[a], energies[b], occupations[a], occupations[b])
            term = la[a][b] * lb[b][a]
            out[key] = out[key] + term if key in out else term
    if dom is not None:
        return {k: dom.to_sympy(v) for k, v in out.items()}
    return {k: sp.expand(v) for k, v in out.items()}


def combine(*terms) -> dict:
    """Linear combination ``sum c * coeffs`` of coefficient dictionaries ``(c, coeffs)``.

    Parameters
    ----------
    *terms : tuple of (sympy.Expr, dict)
        Pairs ``(c, coeffs)`` of a factor and a coefficient dictionary of
        :func:`kubo_coefficients`.

    Returns
    -------
    dict
        The combined coefficient dictionary (same keys), entries expanded.
    """
    out: dict = {}
    for c, d in terms:
        for k, v in d.items():
            out[k] = out.get(k, 0) + c * v
    return {k: sp.expand(v) for k, v in out.items()}


def map_coefficients(func, coeffs: dict) -> dict:
    """Apply ``func`` (e.g. ``sp.re``) to every coefficient, expanded.

    Parameters
    ----------
    func : callable
        Applied to every coefficient (SymPy expression to SymPy expression).
    coeffs : dict
        Coefficient dictionary of :func:`kubo_coefficients`.

    Returns
    -------
    dict
        Same keys, ``sp.expand(func(v))`` values.
    """
    return {k: sp.expand(func(v)) for k, v in coeffs.items()}


def kubo_sum(coeffs: dict, weight=None, omega_=omega, eta_=eta):
    """Evaluate ``sum_k weight(f_a, f_b, e_a, e_b) * coeff_k`` (default: Lindhard, Eq. 18).

    Parameters
    ----------
    coeffs : dict
        Coefficient dictionary of :func:`kubo_coefficients`.
    weight : callable, optional
        ``weight(f_a, f_b, e_a, e_b)``; default the Lindhard factor with ``omega_``, ``eta_``.
    omega_ : sympy.Expr
        Frequency (t0/hbar) of the default weight.
    eta_ : sympy.Expr
        Switching rate (t0) of the default weight.

    Returns
    -------
    sympy.Expr
        The sum (units of the coefficients times the weight: 1/t0 for Eq. 18).
    """
    if weight is None:
        def weight(f1, f2, e1, e2):
            return lindhard(f1, f2, e1, e2, omega_, eta_)
    return sp.Add(*[weight(k[2], k[3], k[0], k[1]) * v for k, v in coeffs.items()])


def chi(A_el, B_el, energies, occupations, omega_=omega, eta_=eta, *, weight=None):
    r"""Kubo sum (Eq. 17) on explicit eigenbasis matrix elements.

    Parameters
    ----------
    A_el, B_el : sympy.Matrix
        :math:`[A]_{ab}`, :math:`[B]_{ab}` in the eigenbasis (``n x n``).
    energies, occupations : sequence
        :math:`\epsilon_a`, :math:`f_a` (symbols or numbers).
    weight : callable, optional
        ``weight(fa, fb, ea, eb)`` replacing the Lindhard factor (default Eq. 18 with
        ``omega_``, ``eta_``).
    omega_ : sympy.Expr
        Frequency :math:`\omega` (t0/hbar) of the default weight.
    eta_ : sympy.Expr
        Switching rate :math:`\eta` (t0) of the default weight.

    Returns
    -------
    sympy.Expr
        :math:`\chi_{A,B}(\omega)` (units of A times B per t0).
    """
    return kubo_sum(kubo_coefficients(A_el, B_el, energies, occupations), weight, omega_, eta_)


def commutator_expectation(A_el, B_el, occupations):
    r""":math:`\langle[A,B]\rangle = \sum_a f_a ([A,B])_{aa}` from eigenbasis matrix elements.

    Parameters
    ----------
    A_el, B_el : sympy.Matrix
        Eigenbasis matrix elements (n x n).
    occupations : sequence
        :math:`f_a` (dimensionless), length n.

    Returns
    -------
    sympy.Expr
        :math:`\langle[A,B]\rangle` (units of A times B).
    """
    C = A_el * B_el - B_el * A_el
    return sum(occupations[a] * C[a, a] for a in range(len(occupations)))


def real_line_integral(expr, y=x):
    r"""Exact :math:`\int_{-\infty}^{\infty} \mathrm{expr}\,dy` for a rational ``expr``.

    Closes the contour in the upper half plane: :math:`2\pi i \sum` residues at the poles
    with positive imaginary part (requires degree(denominator) >= degree(numerator) + 2 and no
    real poles). SymPy's ``integrate`` is slow and, in SymPy 1.14, wrong (returns 0) for
    ``(1 + 2y) y / ((1 + y^2)(y^2 + eta^2))``; the residue theorem is exact and fast.

    Parameters
    ----------
    expr : sympy.Expr
        Rational function of ``y`` (``ConventionError`` if it decays slower than 1/y^2 or has a
        pole on the real axis).
    y : sympy.Symbol
        Integration variable (default ``x``).

    Returns
    -------
    sympy.Expr
        The integral (units of ``expr`` times ``y``).
    """
    num, den = sp.fraction(sp.factor(sp.together(expr)))
    pn, pd = sp.Poly(num, y), sp.Poly(den, y)
    if pd.degree() < pn.degree() + 2:
        raise ConventionError("real_line_integral: integrand must decay at least like 1/y^2")
    poles = sp.roots(pd)
    if sum(poles.values()) != pd.degree():
        raise ConventionError("real_line_integral: could not find all poles of the integrand")
    total = sp.Integer(0)
    for p in poles:
        imp = sp.im(p)
        if imp.is_positive:
            total += sp.residue(expr, y, p)
        elif not imp.is_negative:
            raise ConventionError(f"real_line_integral: pole {p} not off the real axis")
    return sp.simplify(2 * sp.pi * sp.I * total)


def _integrate(expr, y):
    num, den = sp.fraction(sp.together(expr))
    if num.is_polynomial(y) and den.is_polynomial(y):
        return real_line_integral(expr, y)
    return sp.simplify(sp.integrate(expr, (y, -sp.oo, sp.oo)))


def _with_limit(integral, eta_):
    """``(integral, its eta -> 0+ limit)``."""
    return integral, sp.limit(integral, eta_, 0, "+")


@_docs
def lorentzian_against(g, y=x, eta_=eta):
    r"""Return :math:`\int g(y)\,\eta/(y^2+\eta^2)\,dy` and its limit :math:`\eta\to0^+`.

    The limit equals :math:`\pi g(0)` for a smooth integrable test function (Eq. 26,
    imaginary part). Rational ``g``: residue theorem; otherwise ``sympy.integrate``.

    Parameters
    ----------
    g : sympy.Expr
        Test function of ``y``.
    %(y_integration)s
    %(eta_integral_limit)s
    """
    return _with_limit(_integrate(g * eta_ / (y**2 + eta_**2), y), eta_)


@_docs
def principal_against(g, y=x, eta_=eta):
    r"""Return :math:`\int g(y)\,y/(y^2+\eta^2)\,dy` and its :math:`\eta\to0^+` limit.

    The limit is the Cauchy principal value :math:`P\!\int g(y)/y\,dy` (Eq. 26, real part).
    ``g`` must be rational and decay at least like ``1/y`` (residue theorem).

    Parameters
    ----------
    g : sympy.Expr
        Rational test function of ``y``.
    %(y_integration)s
    %(eta_integral_limit)s
    """
    return _with_limit(real_line_integral(g * y / (y**2 + eta_**2), y), eta_)


@_docs
def principal_value(g, y=x):
    r"""Cauchy principal value :math:`\lim_{c\to0^+}(\int_{-\infty}^{-c}+\int_c^\infty) g/y`.

    Computed independently of the :math:`\eta` regularisation (antiderivative + limit).

    Parameters
    ----------
    g : sympy.Expr
        Test function of ``y`` (its partial fractions must integrate in closed form).
    %(y_integration)s

    Returns
    -------
    sympy.Expr
        :math:`P\!\int g/y\,dy` (units of ``g``).
    """
    c = sp.Symbol("c", positive=True)
    G = sp.integrate(sp.apart(g / y, y), y)
    val = (sp.limit(G, y, -sp.oo) * -1 + G.subs(y, -c)) + (sp.limit(G, y, sp.oo) - G.subs(y, c))
    return sp.simplify(sp.limit(sp.simplify(val), c, 0, "+"))
