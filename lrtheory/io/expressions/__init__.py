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
from lrtheory.io.expressions.evaluator import as_sympy, evaluate, split_top_level
from lrtheory.io.expressions.limits import (CONSTANT_NAMES, FUNCTION_NAMES, MAX_DEPTH,
                                            MAX_EXPONENT, MAX_LENGTH, MAX_LOG10, MAX_NODES,
                                            MAX_SHOWN, RESERVED_NAMES)
from lrtheory.io.expressions.parser import parse

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
