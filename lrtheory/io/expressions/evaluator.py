"""Evaluation of parsed expressions to numbers (:func:`evaluate`), the string-free
:func:`as_sympy` and :func:`split_top_level` (see :mod:`lrtheory.io.expressions`)."""
from __future__ import annotations

import cmath
import math
import numbers
from typing import Any, Mapping

from lrtheory.errors import ExpressionError
from lrtheory.io.expressions.limits import show_text, sympy_module
from lrtheory.io.expressions.parser import parse

__all__ = ["as_sympy", "evaluate", "split_top_level"]


def evaluate(text: Any, values: Mapping[str, float] | None = None, *,
             where: str = "expression", real: bool = False) -> complex | float:
    """Parse ``text`` and evaluate it with parameter ``values`` to a finite Python number.

    Parameters
    ----------
    text : str, real number, or a SymPy expression returned by :func:`parse`
    values : mapping str -> real number
        The declared names and their values (substituted as 17-digit floats).
    where : str
        Location prefixed to error messages.
    real : bool
        Require a real result (imaginary part below 1e-12 relative) and return a ``float``.

    Returns
    -------
    complex, or float with ``real=True``

    Raises
    ------
    ExpressionError
        As :func:`parse`, or if the value is not a finite number (``1/(t-1)`` at ``t = 1``),
        or is complex with ``real=True``.
    """
    sp = sympy_module()
    values = dict(values or {})
    if isinstance(text, sp.Basic):
        expr = text
    else:
        expr = parse(text, list(values), where=where)
    subs = {}
    for k, v in values.items():
        try:
            fv = float(v)
        except (TypeError, ValueError):
            raise ExpressionError(f"{where}: the value of {k!r} must be a real number, got "
                                  f"{show_text(v)}") from None
        if not math.isfinite(fv):
            raise ExpressionError(f"{where}: the value of {k!r} is not finite ({fv!r})")
        subs[sp.Symbol(str(k), real=True)] = sp.Float(fv, 17)
    try:
        val = complex(sp.N(expr.xreplace(subs), 17))
    except (TypeError, ValueError, OverflowError, ZeroDivisionError, AttributeError):
        raise ExpressionError(f"{where}: {show_text(text)} does not evaluate to a number") from None
    if not cmath.isfinite(val):
        raise ExpressionError(f"{where}: {show_text(text)} evaluates to {val} at these parameter "
                              "values, not a finite number")
    if real:
        if abs(val.imag) > 1e-12 * max(1.0, abs(val.real)):
            raise ExpressionError(f"{where}: {show_text(text)} = {val} is not a real number "
                                  "(this value must be real)")
        return float(val.real)
    return val


def as_sympy(obj):
    """A SymPy object for an internal value: SymPy objects pass, Python/NumPy numbers convert.

    Unlike ``sympify`` this never parses a string (a ``str`` raises
    :class:`~lrtheory.errors.ExpressionError`); use it where code handles its own SymPy
    objects, and :func:`parse` for user text.

    Parameters
    ----------
    obj : sympy.Basic, int, float, complex or numpy number
        An internal (never user-text) value.

    Returns
    -------
    sympy.Basic
        The SymPy object.
    """
    sp = sympy_module()
    if isinstance(obj, (sp.Basic, sp.MatrixBase)):
        return obj
    if isinstance(obj, (str, bytes)):
        raise ExpressionError(f"as_sympy does not parse text ({show_text(obj)}): use "
                              "lrtheory.io.expressions.parse for user text")
    if isinstance(obj, bool):
        return sp.true if obj else sp.false
    if isinstance(obj, numbers.Integral):
        return sp.Integer(int(obj))
    if isinstance(obj, numbers.Rational):
        return sp.Rational(int(obj.numerator), int(obj.denominator))
    if isinstance(obj, numbers.Real):
        return sp.Float(float(obj))
    if isinstance(obj, numbers.Complex):
        c = complex(obj)
        return sp.Float(c.real) + sp.I * sp.Float(c.imag)
    raise ExpressionError(f"as_sympy: cannot convert {type(obj).__name__} to a SymPy object")


def split_top_level(text: str, sep: str = ",") -> list[str]:
    """Split ``text`` at ``sep`` outside parentheses/brackets: ``"atan2(1,2), 0"`` -> 2 parts.

    Parameters
    ----------
    text : str
        The text.
    sep : str
        Separator.

    Returns
    -------
    list of str
        The parts (stripped).
    """
    parts, depth, cur = [], 0, []
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == sep and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return parts
