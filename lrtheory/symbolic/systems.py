r"""Small exact systems for the derivations: TR-invariant by construction.

Each system is built from an exact unitary eigenbasis ``V`` (Cayley transform with rational
entries) and symbolic energies/occupations, so that :math:`H = V\,\mathrm{diag}(\epsilon)V^\dagger`
is known exactly and the Kubo sums (Eq. 17) are exact SymPy expressions. The TR invariance of
``H`` and the TR signatures of the operators are then checked independently of the
construction (see the derivations).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import sympy as sp

from lrtheory._docstrings import shared_docs
from lrtheory.symbolic.operators import (
    cayley_unitary, exact_product, generic_hermitian, kramers_u, matrix_elements, project_tr_parity,
    spinless_u, tr_state,
)

__all__ = ["ExactSystem", "kramers_system", "spinless_tr_system", "no_tr_system",
           "generic_eigenbasis", "re_part", "im_part", "exact_hermitian",
           "tr_odd_even_pair"]

# numpydoc entries shared by several functions below (lrtheory._docstrings)
_docs = shared_docs(polynomial_parameters="""
    Parameters
    ----------
    expr : sympy.Expr
        Polynomial in real symbols.
    """)


@dataclass
class ExactSystem:
    """An exact finite system.

    Attributes
    ----------
    H : sympy.Matrix
        Hamiltonian in the site/spin basis.
    V : sympy.Matrix
        Unitary whose columns are the eigenstates.
    energies, occupations : list
        Symbolic :math:`\\epsilon_a`, :math:`f_a` (TR partners share them).
    U : sympy.Matrix or None
        Unitary part of :math:`\\Theta = U K`, None if the system is not TR invariant.
    """

    H: sp.Matrix
    V: sp.Matrix
    energies: list
    occupations: list
    U: sp.Matrix | None

    @property
    def n(self) -> int:
        return self.H.rows

    def elements(self, A) -> sp.Matrix:
        """:math:`[A]_{ab}` in the eigenbasis (exact, expanded).

        Parameters
        ----------
        A : sympy.Matrix
            Operator in the site/spin basis (n x n).

        Returns
        -------
        sympy.Matrix
            [A]_ab (n x n).
        """
        return matrix_elements(A, self.V)

    def partner_states(self) -> list:
        """Explicit TR partners :math:`\\Theta|a\\rangle = U|a\\rangle^*` of the eigenstates.

        Returns
        -------
        list of sympy.Matrix
            One column vector per eigenstate.
        """
        return [tr_state(self.V[:, a], self.U) for a in range(self.n)]


def _levels(names, multiplicity=1):
    es = [sp.Symbol(f"epsilon_{k}", real=True) for k in names]
    fs = [sp.Symbol(f"f_{k}", real=True) for k in names]
    return es, fs


@lru_cache(maxsize=None)
def kramers_system() -> ExactSystem:
    r"""4x4 spin-1/2 system (2 orbitals), :math:`\Theta = (i\sigma_y\otimes 1)K`, two Kramers levels.

    The eigenbasis is the Cayley transform of :math:`S = iK` with ``K`` a TR-odd Hermitian
    matrix with small integer entries, so ``V`` commutes with :math:`\Theta` and the columns
    (0, 2) and (1, 3) are Kramers partners; ``H = V diag(e1, e2, e1, e2) V^dagger``.

    Returns
    -------
    ExactSystem
        The exact test system (Hamiltonian, eigenbasis, levels, occupations, U).
    """
    U = kramers_u(2)
    K0 = sp.Matrix([[1, 2 - sp.I, 1 + sp.I, -1], [2 + sp.I, -2, 3, sp.I],
                    [1 - sp.I, 3, 2, 1 - 2 * sp.I], [-1, -sp.I, 1 + 2 * sp.I, 1]])
    K = project_tr_parity(K0, U, -1)
    V = cayley_unitary(sp.I * K / 3)
    (e1, e2), (f1, f2) = _levels([1, 2])
    energies = [e1, e2, e1, e2]
    occupations = [f1, f2, f1, f2]
    H = exact_product(V, sp.diag(*energies), V.H)
    return ExactSystem(H, V, energies, occupations, U)


@lru_cache(maxsize=None)
def spinless_tr_system() -> ExactSystem:
    r"""3x3 real symmetric Hamiltonian, :math:`\Theta = K`, three non-degenerate levels.

    Returns
    -------
    ExactSystem
        The exact test system (U = 1).
    """
    S = sp.Matrix([[0, 1, -2], [-1, 0, 1], [2, -1, 0]]) / 3
    V = cayley_unitary(S)
    es, fs = _levels([1, 2, 3])
    H = exact_product(V, sp.diag(*es), V.H)
    return ExactSystem(H, V, es, fs, spinless_u(3))


@lru_cache(maxsize=None)
def no_tr_system() -> ExactSystem:
    r"""3x3 complex Hermitian Hamiltonian without time reversal (generic complex eigenbasis).

    Returns
    -------
    ExactSystem
        The exact test system (U = None).
    """
    S = sp.Matrix([[sp.I, 1 + sp.I, -2], [-1 + sp.I, 0, 1 - 2 * sp.I],
                   [2, -1 - 2 * sp.I, -sp.I]]) / 3
    V = cayley_unitary(S)
    es, fs = _levels([1, 2, 3])
    H = exact_product(V, sp.diag(*es), V.H)
    return ExactSystem(H, V, es, fs, None)


def exact_hermitian(n: int, seed: int) -> sp.Matrix:
    """Hermitian matrix with small Gaussian-integer entries from a fixed seed (reproducible).

    Parameters
    ----------
    n : int
        Size.
    seed : int
        Seed of ``random.Random`` (same seed, same matrix).

    Returns
    -------
    sympy.Matrix
        n x n Hermitian matrix, entries in -3..3 (+ i -3..3 off the diagonal).
    """
    import random

    rnd = random.Random(seed)
    M = sp.zeros(n, n)
    for i in range(n):
        M[i, i] = rnd.randint(-3, 3)
        for j in range(i + 1, n):
            z = rnd.randint(-3, 3) + sp.I * rnd.randint(-3, 3)
            M[i, j], M[j, i] = z, sp.conjugate(z)
    return M


def tr_odd_even_pair(system: ExactSystem, lam_a: int = -1, lam_b: int = 1, *,
                     names=("a", "b"), numeric: bool = False):
    """Hermitian operators with TR signatures ``lam_a``, ``lam_b``.

    Entries are independent real symbols (``numeric=False``) or fixed Gaussian integers
    (``numeric=True``, seeds from ``names``). For a system without TR the matrices are
    returned without parity projection.

    Parameters
    ----------
    system : ExactSystem
        Supplies n and U.
    lam_a, lam_b : int
        TR signatures (+1 or -1) of the two operators.
    names : tuple of str
        Symbol prefixes (or seeds) of the two operators.
    numeric : bool
        Gaussian-integer entries instead of symbols.

    Returns
    -------
    tuple of sympy.Matrix
        (A, B), each n x n Hermitian.
    """
    n = system.n
    if numeric:
        seeds = [sum(map(ord, nm)) for nm in names]
        A, B = exact_hermitian(n, seeds[0]), exact_hermitian(n, seeds[1] + 1000)
    else:
        A = generic_hermitian(n, names[0])
        B = generic_hermitian(n, names[1])
    if system.U is None:
        return A, B
    return (project_tr_parity(A, system.U, lam_a).applyfunc(sp.expand),
            project_tr_parity(B, system.U, lam_b).applyfunc(sp.expand))


@lru_cache(maxsize=None)
def generic_eigenbasis(n: int = 3) -> ExactSystem:
    """``n`` non-degenerate levels, working directly in the eigenbasis (``V = 1``), no TR.

    With :func:`tr_odd_even_pair` this gives fully generic Hermitian matrix elements
    :math:`[A]_{ab}`, :math:`[B]_{ab}` (only Eq. 19 imposed).

    Parameters
    ----------
    n : int
        Number of levels.

    Returns
    -------
    ExactSystem
        Diagonal Hamiltonian, V = 1, no TR.
    """
    es, fs = _levels(list(range(1, n + 1)))
    return ExactSystem(sp.diag(*es), sp.eye(n), es, fs, None)


@_docs
def re_part(expr):
    """Real part of a polynomial in real symbols (expanded), ``(z + z^*)/2``.

    %(polynomial_parameters)s

    Returns
    -------
    sympy.Expr
        (z + z^*)/2, expanded.
    """
    return sp.expand((expr + sp.conjugate(expr)) / 2)


@_docs
def im_part(expr):
    """Imaginary part of a polynomial in real symbols (expanded), ``(z - z^*)/(2i)``.

    %(polynomial_parameters)s

    Returns
    -------
    sympy.Expr
        (z - z^*)/(2i), expanded.
    """
    return sp.expand((expr - sp.conjugate(expr)) / (2 * sp.I))
