"""Resource limits, the whitelist tables and the small helpers of the safe expression
parser (:mod:`lrtheory.io.expressions`; the grammar is in its docstring)."""
from __future__ import annotations

import ast
import keyword
import math
from typing import Any, Mapping

from lrtheory.errors import ExpressionError

__all__ = ["CONSTANT_NAMES", "FUNCTION_NAMES", "MAX_DEPTH", "MAX_EXPONENT", "MAX_LENGTH",
           "MAX_LOG10", "MAX_NODES", "MAX_SHOWN", "RESERVED_NAMES"]

#: longest accepted expression (characters, after stripping white space)
MAX_LENGTH = 2000
#: deepest accepted nesting (calls, parentheses, powers; a chain ``a + b - c + ...`` or
#: ``a * b / c * ...`` counts as one level however long it is)
MAX_DEPTH = 100
#: most syntax-tree nodes (numbers, names, operations, calls)
MAX_NODES = 1000
#: largest |exponent| of a power with a constant exponent (``x**1000`` is fine, ``x**1001`` not)
MAX_EXPONENT = 1000
#: largest |log10| of the magnitude of an exact number, a constant power or ``exp`` of a
#: constant (``10**300`` is fine, ``10**301`` and ``exp(700)`` are not)
MAX_LOG10 = 300
#: at most this many characters of user text are quoted in an error message
MAX_SHOWN = 60

#: the allowed functions and their number of arguments
ARITY = {"exp": 1, "sin": 1, "cos": 1, "tan": 1, "sinh": 1, "cosh": 1, "tanh": 1, "sqrt": 1,
          "log": 1, "conjugate": 1, "re": 1, "im": 1, "Abs": 1, "atan2": 2, "asin": 1,
          "acos": 1, "atan": 1}
FUNCTION_NAMES: tuple[str, ...] = tuple(ARITY)
CONSTANT_NAMES: tuple[str, ...] = ("pi", "E", "I")
#: names that cannot be declared as symbols (functions, constants, Python keywords, k symbols
#: are allowed as symbols: the caller declares them)
RESERVED_NAMES = frozenset(FUNCTION_NAMES + CONSTANT_NAMES + tuple(keyword.kwlist))

NOT_FINITE_NAMES = {"oo": "not finite", "inf": "not finite", "Inf": "not finite",
                     "infinity": "not finite", "zoo": "not finite",
                     "nan": "not a real number (NaN)", "NaN": "not a real number (NaN)"}
MAX_BITS = int(MAX_LOG10 * math.log2(10)) + 1
LN10 = math.log(10.0)

FORBIDDEN = {
    ast.Attribute: "attribute access",
    ast.Subscript: "indexing",
    ast.Slice: "a slice",
    ast.List: "a list",
    ast.Tuple: "a tuple",
    ast.Set: "a set",
    ast.Dict: "a dict",
    ast.Lambda: "a lambda",
    ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a generator expression",
    ast.Compare: "a comparison",
    ast.BoolOp: "'and'/'or'",
    ast.IfExp: "a conditional expression",
    ast.JoinedStr: "an f-string",
    ast.FormattedValue: "an f-string",
    ast.Starred: "a starred argument",
    ast.NamedExpr: "an assignment ':='",
    ast.Await: "'await'",
    ast.Yield: "'yield'",
    ast.YieldFrom: "'yield'",
}
OPERATORS = {ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.LShift: "<<",
              ast.RShift: ">>", ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^",
              ast.Not: "not", ast.Invert: "~"}


def sympy_module():
    import sympy

    return sympy


def show_text(text: Any) -> str:
    """``repr`` of at most MAX_SHOWN characters of ``text`` (one line: newlines escaped)."""
    s = str(text)
    if len(s) > MAX_SHOWN:
        s = s[:MAX_SHOWN - 3] + "..."
    return repr(s)


def symbol_table(symbols) -> dict:
    sp = sympy_module()
    if isinstance(symbols, Mapping):
        items = [(str(k), v) for k, v in symbols.items()]
    else:
        items = [(str(k), None) for k in symbols]
    table = {}
    for name, obj in items:
        if not name.isidentifier() or name.startswith("_") or name in RESERVED_NAMES:
            raise ExpressionError(f"{show_text(name)} cannot be a symbol name (reserved or not an "
                                  "identifier)")
        table[name] = sp.Symbol(name, real=True) if obj is None else obj
    return table


def approx_magnitude(x) -> complex | None:
    """A double-precision value of a constant SymPy expression (None if it has none)."""
    try:
        return complex(x.evalf(15))
    except (TypeError, ValueError, OverflowError, ZeroDivisionError):
        return None
