r"""The one safe parser for user text that stands for a number or a formula.

Every piece of user text that is a number or a formula goes through :func:`parse`: command
line numbers (``--ef``, ``--param t2=...``, ``flake --t2``), ``--path`` k-points, and the
expressions of model files (TOML/JSON hopping lists, ``hamiltonian`` matrices, parameters,
``time_reversal`` matrices). The text is parsed with Python's :mod:`ast` (``mode="eval"``,
so only an expression can come out) and the SymPy object is built from the syntax tree
node by node from a whitelist. Nothing is ever evaluated as Python code: no ``eval``,
``exec``, ``sympify`` or ``parse_expr`` of user text.

Grammar (everything else is refused with one line naming the construct)::

    expr     := number | name | constant | expr OP expr | ('-' | '+') expr
                | FUNC '(' expr ')' | 'atan2' '(' expr ',' expr ')' | '(' expr ')'
    OP       := '+' | '-' | '*' | '/' | '**' | '^'        ('^' is '**', as in SymPy)
    number   := Python int or float literal: 2, 0.5, 1e-3, .5, 1_000
    constant := pi | E | I
    FUNC     := exp sin cos tan sinh cosh tanh sqrt log conjugate re im Abs asin acos atan
    name     := a declared symbol (model parameters; kx, ky, kz in 'hamiltonian' matrices)

Precedence is Python's (``-2**2 == -4``, ``2**-1 == 1/2``, ``2^3^2 == 2^9``); ``^`` is
rewritten to ``**`` before parsing, so ``a*2^3`` is ``a*8`` as in SymPy's ``convert_xor``.
Integer ratios stay exact (``1/2`` is ``Rational(1, 2)``); float literals are the Python
floats they spell. Complex literals (``2j``) are refused: write ``2*I``. Attribute access,
indexing, strings, lists/tuples, lambdas, comprehensions, comparisons, keyword or starred
arguments, undeclared names and dunder names are refused.

Resource bounds (each named in its error message, see the ``MAX_*`` constants): the text
length, the nesting depth, the number of syntax-tree nodes, the absolute value of a numeric
exponent, and the magnitude of exact numbers and of constant powers / exponentials, which is
estimated *before* SymPy computes them (so ``9**9**9`` is refused in microseconds). A
division by zero or a non-finite constant (``1/0``, ``log(0)``, ``tan(pi/2)``) is refused
where it appears. All errors are :class:`~lrtheory.errors.ExpressionError` with one line
``WHERE: problem`` that quotes at most :data:`MAX_SHOWN` characters of the user text.
"""
from __future__ import annotations

import ast
import cmath
import keyword
import math
import numbers
import warnings
from typing import Any, Iterable, Mapping

from lrtheory.errors import ExpressionError

__all__ = [
    "CONSTANT_NAMES",
    "FUNCTION_NAMES",
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_LENGTH",
    "MAX_LOG10",
    "MAX_NODES",
    "MAX_SHOWN",
    "RESERVED_NAMES",
    "as_sympy",
    "evaluate",
    "parse",
    "split_top_level",
]

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
_ARITY = {"exp": 1, "sin": 1, "cos": 1, "tan": 1, "sinh": 1, "cosh": 1, "tanh": 1, "sqrt": 1,
          "log": 1, "conjugate": 1, "re": 1, "im": 1, "Abs": 1, "atan2": 2, "asin": 1,
          "acos": 1, "atan": 1}
FUNCTION_NAMES: tuple[str, ...] = tuple(_ARITY)
CONSTANT_NAMES: tuple[str, ...] = ("pi", "E", "I")
#: names that cannot be declared as symbols (functions, constants, Python keywords, k symbols
#: are allowed as symbols: the caller declares them)
RESERVED_NAMES = frozenset(FUNCTION_NAMES + CONSTANT_NAMES + tuple(keyword.kwlist))

_NOT_FINITE_NAMES = {"oo": "not finite", "inf": "not finite", "Inf": "not finite",
                     "infinity": "not finite", "zoo": "not finite",
                     "nan": "not a real number (NaN)", "NaN": "not a real number (NaN)"}
_MAX_BITS = int(MAX_LOG10 * math.log2(10)) + 1
_LN10 = math.log(10.0)

_FORBIDDEN = {
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
_OPERATORS = {ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.LShift: "<<",
              ast.RShift: ">>", ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^",
              ast.Not: "not", ast.Invert: "~"}


def _sympy():
    import sympy

    return sympy


def _show(text: Any) -> str:
    """``repr`` of at most MAX_SHOWN characters of ``text`` (one line: newlines escaped)."""
    s = str(text)
    if len(s) > MAX_SHOWN:
        s = s[:MAX_SHOWN - 3] + "..."
    return repr(s)


def _symbol_table(symbols) -> dict:
    sp = _sympy()
    if isinstance(symbols, Mapping):
        items = [(str(k), v) for k, v in symbols.items()]
    else:
        items = [(str(k), None) for k in symbols]
    table = {}
    for name, obj in items:
        if not name.isidentifier() or name.startswith("_") or name in RESERVED_NAMES:
            raise ExpressionError(f"{_show(name)} cannot be a symbol name (reserved or not an "
                                  "identifier)")
        table[name] = sp.Symbol(name, real=True) if obj is None else obj
    return table


def _approx(x) -> complex | None:
    """A double-precision value of a constant SymPy expression (None if it has none)."""
    try:
        return complex(x.evalf(15))
    except (TypeError, ValueError, OverflowError, ZeroDivisionError):
        return None


class _Builder:
    """Builds a SymPy expression from a checked syntax tree (one instance per parse)."""

    def __init__(self, src: str, symbols: dict, where: str):
        sp = _sympy()
        self.sp = sp
        self.src = src
        self.symbols = symbols
        self.where = where
        self.constants = {"pi": sp.pi, "E": sp.E, "I": sp.I}
        self.functions = {name: getattr(sp, name) for name in FUNCTION_NAMES}
        self.unknown: ExpressionError | None = None  # set by parse() from the pre-scan
        self.bad = (sp.S.ComplexInfinity, sp.S.NaN, sp.S.Infinity, sp.S.NegativeInfinity)

    # -- messages --------------------------------------------------------------------------
    def piece(self, node) -> str:
        seg = ast.get_source_segment(self.src, node) if node is not None else None
        return _show(seg if seg is not None else self.src)

    def fail(self, msg: str) -> ExpressionError:
        return ExpressionError(f"{self.where}: {msg}")

    # -- the walk ----------------------------------------------------------------------------
    def build(self, node):
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub):
                return self.check(-self.build(node.operand), node)
            if isinstance(node.op, ast.UAdd):
                return self.build(node.operand)
            raise self.operator(node.op, node)
        if isinstance(node, ast.BinOp):
            return self.binop(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        what = next((v for k, v in _FORBIDDEN.items() if isinstance(node, k)),
                    type(node).__name__)
        raise self.fail(f"{what} is not allowed in an expression: {self.piece(node)}")

    def operator(self, op, node) -> ExpressionError:
        sym = _OPERATORS.get(type(op), type(op).__name__)
        return self.fail(f"operator {sym!r} is not allowed in an expression (use + - * / ** ^):"
                         f" {self.piece(node)}")

    def constant(self, node):
        sp, v = self.sp, node.value
        if isinstance(v, bool) or v is None or v is Ellipsis:
            raise self.fail(f"{v!r} is not a number: {self.piece(node)}")
        if isinstance(v, (str, bytes)):
            raise self.fail(f"a string is not allowed in an expression: {self.piece(node)}")
        if isinstance(v, complex):
            raise self.fail(f"complex literal {self.piece(node)} is not allowed: write the "
                            "imaginary unit as I (2*I)")
        if isinstance(v, int):
            if abs(v).bit_length() > _MAX_BITS:
                raise self.fail(f"number {self.piece(node)} exceeds the limit 10^{MAX_LOG10}")
            return sp.Integer(v)
        if isinstance(v, float):
            if not math.isfinite(v):
                raise self.fail(f"{self.piece(node)} is not finite")
            return sp.Float(v)
        raise self.fail(f"{self.piece(node)} is not a number")  # pragma: no cover

    def name(self, node):
        n = node.id
        if n in self.constants:
            return self.constants[n]
        if n in self.symbols:
            return self.symbols[n]
        if n in self.functions:
            raise self.fail(f"function {n!r} needs an argument, e.g. {n}(x): {self.piece(node)}")
        raise self.unknown or self.fail(f"unknown name(s) [{n[:MAX_SHOWN]!r}]")

    def binop(self, node):
        sp = self.sp
        kind = type(node.op)
        if kind in (ast.Add, ast.Sub):
            terms = []
            top = node
            while isinstance(node, ast.BinOp) and type(node.op) in (ast.Add, ast.Sub):
                r = self.build(node.right)
                terms.append(-r if isinstance(node.op, ast.Sub) else r)
                node = node.left
            terms.append(self.build(node))
            return self.check(sp.Add(*reversed(terms)), top)
        if kind in (ast.Mult, ast.Div):
            factors = []
            top = node
            while isinstance(node, ast.BinOp) and type(node.op) in (ast.Mult, ast.Div):
                r = self.build(node.right)
                if isinstance(node.op, ast.Div):
                    if r == 0:
                        raise self.fail(f"division by zero in {self.piece(node)}")
                    r = self.check(sp.Pow(r, -1), node.right)
                factors.append(r)
                node = node.left
            factors.append(self.build(node))
            return self.check(sp.Mul(*reversed(factors)), top)
        if kind is ast.Pow:
            return self.power(node)
        raise self.operator(node.op, node)

    def power(self, node):
        base = self.build(node.left)
        expo = self.build(node.right)
        if expo.is_number:
            e = _approx(expo)
            if e is None or not cmath.isfinite(e):
                raise self.fail(f"exponent of {self.piece(node)} is not a finite number")
            if abs(e) > MAX_EXPONENT:
                raise self.fail(f"power {self.piece(node)}: |exponent| {abs(e):.4g} exceeds the "
                                f"limit {MAX_EXPONENT}")
            if base.is_number:
                b = _approx(base)
                if b is None or not cmath.isfinite(b):
                    raise self.fail(f"base of {self.piece(node)} is not a finite number")
                if b == 0:
                    if e.real < 0 or (e.real == 0 and e.imag != 0):
                        raise self.fail(f"division by zero in {self.piece(node)}")
                else:
                    mag = (e.real * math.log(abs(b)) - e.imag * cmath.phase(b)) / _LN10
                    if abs(mag) > MAX_LOG10:
                        raise self.fail(f"power {self.piece(node)} is about 10^{mag:.0f}; the "
                                        f"limit is 10^+-{MAX_LOG10}")
        return self.check(self.sp.Pow(base, expo), node)

    def call(self, node):
        f = node.func
        if not isinstance(f, ast.Name):
            self.build(f)  # attribute access, indexing, lambda ... are refused with their name
            raise self.fail(f"only the functions {', '.join(FUNCTION_NAMES)} can be called: "
                            f"{self.piece(node)}")
        name = f.id
        if name not in self.functions:
            raise self.fail(f"{name[:MAX_SHOWN]!r} is not an allowed function (allowed: "
                            f"{', '.join(FUNCTION_NAMES)}): {self.piece(node)}")
        if node.keywords:
            raise self.fail(f"keyword arguments are not allowed: {self.piece(node)}")
        for a in node.args:
            if isinstance(a, ast.Starred):
                raise self.fail(f"a starred argument is not allowed: {self.piece(node)}")
        if len(node.args) != _ARITY[name]:
            raise self.fail(f"{name} takes {_ARITY[name]} argument(s), got {len(node.args)}: "
                            f"{self.piece(node)}")
        args = [self.build(a) for a in node.args]
        if name in ("exp", "sinh", "cosh") and args[0].is_number:
            z = _approx(args[0])
            if z is None or not cmath.isfinite(z):
                raise self.fail(f"argument of {self.piece(node)} is not a finite number")
            mag = abs(z.real) / _LN10
            if mag > MAX_LOG10:
                raise self.fail(f"{self.piece(node)} is about 10^{mag:.0f}; the limit is "
                                f"10^+-{MAX_LOG10}")
        return self.check(self.functions[name](*args), node)

    def check(self, result, node):
        """Refuse non-finite values and exact numbers beyond 10^MAX_LOG10 where they appear."""
        sp = self.sp
        parts = (result,) + (result.args if isinstance(result, (sp.Add, sp.Mul)) else ())
        for x in parts:
            if any(x is b for b in self.bad):
                if x is sp.S.ComplexInfinity and isinstance(node, ast.BinOp):
                    raise self.fail(f"division by zero in {self.piece(node)} (not a finite "
                                    "number)")
                raise self.fail(f"{self.piece(node)} is not a finite number")
            if isinstance(x, sp.Rational):
                if max(abs(x.p).bit_length(), abs(x.q).bit_length()) > _MAX_BITS:
                    raise self.fail(f"{self.piece(node)}: an exact number beyond 10^+-"
                                    f"{MAX_LOG10} (the limit)")
            elif isinstance(x, sp.Float):
                v = abs(float(x))
                if not math.isfinite(v) or v > 10.0 ** MAX_LOG10:
                    raise self.fail(f"{self.piece(node)} exceeds the limit 10^{MAX_LOG10}")
            elif isinstance(x, sp.Pow) and x.exp.is_Number and abs(x.exp) > MAX_EXPONENT:
                # SymPy combines a**2 * a**3 into a**5: bound the combined exponent too
                raise self.fail(f"{self.piece(node)} combines to a power with |exponent| "
                                f"{float(abs(x.exp)):.4g}; the limit is {MAX_EXPONENT}")
            elif isinstance(x, sp.exp) and x.args[0].is_number:
                z = _approx(x.args[0])
                if z is None or not cmath.isfinite(z) or abs(z.real) / _LN10 > MAX_LOG10:
                    raise self.fail(f"{self.piece(node)} combines to an exponential beyond "
                                    f"10^+-{MAX_LOG10}")
        return result


def _prescan(tree, where: str, text: str, symbols: dict, constants):
    """Count nodes and measure nesting depth (without recursion), raising at a limit; return
    the error for the unknown names (raised by the builder when it meets one, so that a
    forbidden construct met first in the walk is reported first), or None."""
    chains = ((ast.Add, ast.Sub), (ast.Mult, ast.Div))
    skip = (ast.operator, ast.unaryop, ast.expr_context, ast.cmpop, ast.boolop)
    stack = [(tree.body, 1)]
    nodes = depth = 0
    unknown: list[str] = []
    while stack:
        node, d = stack.pop()
        nodes += 1
        depth = max(depth, d)
        if isinstance(node, ast.Name) and node.id not in symbols and node.id not in constants \
                and node.id not in _ARITY and node.id not in unknown:
            unknown.append(node.id)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, skip):
                continue
            same = (isinstance(node, ast.BinOp) and child is node.left
                    and isinstance(child, ast.BinOp)
                    and any(type(node.op) in c and type(child.op) in c for c in chains))
            if isinstance(node, ast.Call) and child is node.func and isinstance(child, ast.Name):
                continue  # a function name is checked by the builder
            stack.append((child, d if same else d + 1))
    if nodes > MAX_NODES:
        raise ExpressionError(f"{where}: expression has {nodes} nodes; the limit is {MAX_NODES}")
    if depth > MAX_DEPTH:
        raise ExpressionError(f"{where}: expression nests {depth} levels deep; the limit is "
                              f"{MAX_DEPTH}")
    if not unknown:
        return None
    for name in unknown:
        if name in _NOT_FINITE_NAMES:
            return ExpressionError(f"{where}: {_show(text)} is {_NOT_FINITE_NAMES[name]}")
    names = sorted(symbols)
    known = (repr(names[:20])[:-1] + ", ...]" if len(names) > 20 else repr(names)) \
        if names else "none"
    shown = [n[:MAX_SHOWN] for n in unknown[:5]]
    return ExpressionError(f"{where}: unknown name(s) {shown} in {_show(text)}; known "
                           f"parameters: {known}")


def parse(text: Any, symbols: Iterable[str] | Mapping[str, Any] = (), *,
          where: str = "expression"):
    """Parse a number or an expression string into a SymPy expression, safely.

    Parameters
    ----------
    text : str or real number
        ``"-t0"``, ``"t2*exp(I*phi)"``, ``"sqrt(3)/2"``, ``"2^3"``, ``0.5`` ... (grammar in
        the module docstring). Python ints and floats are converted exactly; ``bool`` and
        other types are refused.
    symbols : iterable of str, or mapping str -> sympy object
        The names that may appear: plain names become real SymPy symbols; a mapping gives
        the object for each name (e.g. ``{"kx": Symbol("kx", real=True)}``).
    where : str
        Location prefixed to error messages (``"m.toml: hoppings[2].t (line 9)"``, ``"--ef"``).

    Returns
    -------
    sympy.Expr
        Built node by node from the syntax tree; never evaluated as Python.

    Raises
    ------
    ExpressionError
        One line ``WHERE: problem`` for a forbidden construct, an unknown name, a resource
        limit (``MAX_*``), a division by zero or a non-finite constant.
    """
    sp = _sympy()
    table = _symbol_table(symbols)
    if isinstance(text, bool):
        raise ExpressionError(f"{where}: expected a number or expression, got {text!r}")
    if isinstance(text, sp.Basic):
        raise ExpressionError(f"{where}: expected a number or an expression string, got the "
                              f"SymPy object {_show(text)}")
    if isinstance(text, numbers.Integral):
        v = int(text)
        if abs(v).bit_length() > _MAX_BITS:
            raise ExpressionError(f"{where}: number exceeds the limit 10^{MAX_LOG10}")
        return sp.Integer(v)
    if isinstance(text, numbers.Real):
        v = float(text)
        if not math.isfinite(v):
            raise ExpressionError(f"{where}: {v!r} is not finite")
        return sp.Float(v)
    if not isinstance(text, str):
        raise ExpressionError(f"{where}: expected a number or expression string, got "
                              f"{type(text).__name__} {_show(text)}")
    s = text.strip()
    if not s:
        raise ExpressionError(f"{where}: empty expression")
    if len(s) > MAX_LENGTH:
        raise ExpressionError(f"{where}: expression is {len(s)} characters long; the limit is "
                              f"{MAX_LENGTH}")
    src = s.replace("^", "**")
    try:
        with warnings.catch_warnings():  # e.g. SyntaxWarning 'invalid decimal literal' for '1or'
            warnings.simplefilter("ignore")
            tree = ast.parse(src, mode="eval")
    except SyntaxError as exc:
        msg = (exc.msg or "syntax error").split("\n")[0][:80]
        raise ExpressionError(f"{where}: not a valid expression: {_show(s)} ({msg})") from None
    except (ValueError, RecursionError, MemoryError, OverflowError) as exc:
        reason = ("nested too deeply" if isinstance(exc, (RecursionError, MemoryError))
                  else "not a valid expression")
        raise ExpressionError(f"{where}: {_show(s)}: {reason}") from None
    unknown = _prescan(tree, where, s, table, CONSTANT_NAMES)
    builder = _Builder(src, table, where)
    builder.unknown = unknown
    try:
        expr = builder.build(tree.body)
    except RecursionError:  # pragma: no cover - MAX_DEPTH keeps the walk shallow
        raise ExpressionError(f"{where}: {_show(s)}: nested too deeply") from None
    return expr


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
    sp = _sympy()
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
                                  f"{_show(v)}") from None
        if not math.isfinite(fv):
            raise ExpressionError(f"{where}: the value of {k!r} is not finite ({fv!r})")
        subs[sp.Symbol(str(k), real=True)] = sp.Float(fv, 17)
    try:
        val = complex(sp.N(expr.xreplace(subs), 17))
    except (TypeError, ValueError, OverflowError, ZeroDivisionError, AttributeError):
        raise ExpressionError(f"{where}: {_show(text)} does not evaluate to a number") from None
    if not cmath.isfinite(val):
        raise ExpressionError(f"{where}: {_show(text)} evaluates to {val} at these parameter "
                              "values, not a finite number")
    if real:
        if abs(val.imag) > 1e-12 * max(1.0, abs(val.real)):
            raise ExpressionError(f"{where}: {_show(text)} = {val} is not a real number "
                                  "(this value must be real)")
        return float(val.real)
    return val


def as_sympy(obj):
    """A SymPy object for an internal value: SymPy objects pass, Python/NumPy numbers convert.

    Unlike ``sympify`` this never parses a string (a ``str`` raises
    :class:`~lrtheory.errors.ExpressionError`); use it where code handles its own SymPy
    objects, and :func:`parse` for user text.
    """
    sp = _sympy()
    if isinstance(obj, (sp.Basic, sp.MatrixBase)):
        return obj
    if isinstance(obj, (str, bytes)):
        raise ExpressionError(f"as_sympy does not parse text ({_show(obj)}): use "
                              "lrtheory.expressions.parse for user text")
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
    """Split ``text`` at ``sep`` outside parentheses/brackets: ``"atan2(1,2), 0"`` -> 2 parts."""
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
