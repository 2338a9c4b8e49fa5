"""The syntax-tree builder of the safe expression parser: :func:`parse` (grammar and
limits in :mod:`lrtheory.io.expressions`)."""
from __future__ import annotations

import ast
import cmath
import math
import numbers
import warnings
from typing import Any, Iterable, Mapping

from lrtheory.errors import ExpressionError
from lrtheory.io.expressions.limits import (CONSTANT_NAMES, FUNCTION_NAMES, MAX_DEPTH,
                                            MAX_EXPONENT, MAX_LENGTH, MAX_LOG10, MAX_NODES,
                                            MAX_SHOWN, approx_magnitude, ARITY, FORBIDDEN, LN10,
                                            MAX_BITS, NOT_FINITE_NAMES, OPERATORS, show_text,
                                            symbol_table, sympy_module)

__all__ = ["parse"]


class _Builder:
    """Builds a SymPy expression from a checked syntax tree (one instance per parse)."""

    def __init__(self, src: str, symbols: dict, where: str):
        sp = sympy_module()
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
        return show_text(seg if seg is not None else self.src)

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
        what = next((v for k, v in FORBIDDEN.items() if isinstance(node, k)),
                    type(node).__name__)
        raise self.fail(f"{what} is not allowed in an expression: {self.piece(node)}")

    def operator(self, op, node) -> ExpressionError:
        sym = OPERATORS.get(type(op), type(op).__name__)
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
            if abs(v).bit_length() > MAX_BITS:
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
            e = approx_magnitude(expo)
            if e is None or not cmath.isfinite(e):
                raise self.fail(f"exponent of {self.piece(node)} is not a finite number")
            if abs(e) > MAX_EXPONENT:
                raise self.fail(f"power {self.piece(node)}: |exponent| {abs(e):.4g} exceeds the "
                                f"limit {MAX_EXPONENT}")
            if base.is_number:
                b = approx_magnitude(base)
                if b is None or not cmath.isfinite(b):
                    raise self.fail(f"base of {self.piece(node)} is not a finite number")
                if b == 0:
                    if e.real < 0 or (e.real == 0 and e.imag != 0):
                        raise self.fail(f"division by zero in {self.piece(node)}")
                else:
                    mag = (e.real * math.log(abs(b)) - e.imag * cmath.phase(b)) / LN10
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
        if len(node.args) != ARITY[name]:
            raise self.fail(f"{name} takes {ARITY[name]} argument(s), got {len(node.args)}: "
                            f"{self.piece(node)}")
        args = [self.build(a) for a in node.args]
        if name in ("exp", "sinh", "cosh") and args[0].is_number:
            z = approx_magnitude(args[0])
            if z is None or not cmath.isfinite(z):
                raise self.fail(f"argument of {self.piece(node)} is not a finite number")
            mag = abs(z.real) / LN10
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
                if max(abs(x.p).bit_length(), abs(x.q).bit_length()) > MAX_BITS:
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
                z = approx_magnitude(x.args[0])
                if z is None or not cmath.isfinite(z) or abs(z.real) / LN10 > MAX_LOG10:
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
                and node.id not in ARITY and node.id not in unknown:
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
        if name in NOT_FINITE_NAMES:
            return ExpressionError(f"{where}: {show_text(text)} is {NOT_FINITE_NAMES[name]}")
    names = sorted(symbols)
    known = (repr(names[:20])[:-1] + ", ...]" if len(names) > 20 else repr(names)) \
        if names else "none"
    shown = [n[:MAX_SHOWN] for n in unknown[:5]]
    return ExpressionError(f"{where}: unknown name(s) {shown} in {show_text(text)}; known "
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
    sp = sympy_module()
    table = symbol_table(symbols)
    if isinstance(text, bool):
        raise ExpressionError(f"{where}: expected a number or expression, got {text!r}")
    if isinstance(text, sp.Basic):
        raise ExpressionError(f"{where}: expected a number or an expression string, got the "
                              f"SymPy object {show_text(text)}")
    if isinstance(text, numbers.Integral):
        v = int(text)
        if abs(v).bit_length() > MAX_BITS:
            raise ExpressionError(f"{where}: number exceeds the limit 10^{MAX_LOG10}")
        return sp.Integer(v)
    if isinstance(text, numbers.Real):
        v = float(text)
        if not math.isfinite(v):
            raise ExpressionError(f"{where}: {v!r} is not finite")
        return sp.Float(v)
    if not isinstance(text, str):
        raise ExpressionError(f"{where}: expected a number or expression string, got "
                              f"{type(text).__name__} {show_text(text)}")
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
        raise ExpressionError(f"{where}: not a valid expression: {show_text(s)} ({msg})") from None
    except (ValueError, RecursionError, MemoryError, OverflowError) as exc:
        reason = ("nested too deeply" if isinstance(exc, (RecursionError, MemoryError))
                  else "not a valid expression")
        raise ExpressionError(f"{where}: {show_text(s)}: {reason}") from None
    unknown = _prescan(tree, where, s, table, CONSTANT_NAMES)
    builder = _Builder(src, table, where)
    builder.unknown = unknown
    try:
        expr = builder.build(tree.body)
    except RecursionError:  # pragma: no cover - MAX_DEPTH keeps the walk shallow
        raise ExpressionError(f"{where}: {show_text(s)}: nested too deeply") from None
    return expr
