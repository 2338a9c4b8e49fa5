r"""Hermitian one-body operators with a time-reversal signature, in plain SymPy.

Everything here acts on explicit (small) SymPy matrices; entries may be symbols.
Time reversal is the antiunitary :math:`\Theta = U K` (``K`` complex conjugation in the
basis of the matrices): :math:`\Theta\psi = U\psi^*`. Then

.. math:: \tilde A \equiv \Theta A^\dagger \Theta^{-1} = U (A^\dagger)^* U^\dagger = U A^T U^\dagger

(paper Eq. 22 / S4). A Hermitian operator has TR signature :math:`\lambda_A = \pm 1` when
:math:`\tilde A = \lambda_A A` (position +1; orbital moment, spin, valley density -1; the
current of a TR-odd density +1, see :data:`lrtheory.conventions.TR_PARITY`).

Matrix elements :math:`[A]_{ab} = \langle a|A|b\rangle` in a basis of column vectors ``V``
are ``V^dagger A V``; Hermiticity is :math:`[A]_{ab} = [A]_{ba}^*` (Eq. 19).
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from lrtheory._docstrings import shared_docs
from lrtheory.conventions import TR_PARITY
from lrtheory.errors import ConventionError, ModelError, ShapeError

__all__ = [
    "SymbolicOperator",
    "spinless_u",
    "kramers_u",
    "tr_state",
    "tr_transform",
    "tr_signature",
    "project_tr_parity",
    "matrix_elements",
    "exact_product",
    "hadamard_exact",
    "hermiticity_residual",
    "generic_hermitian",
    "cayley_unitary",
    "commutator",
    "time_derivative",
]

# numpydoc entries shared by several functions below (lrtheory._docstrings)
_docs = shared_docs(tr_unitary="""
    U : sympy.Matrix
        Unitary part of Theta = U K.
    """, operator_in_basis="""
    Parameters
    ----------
    A : sympy.Matrix
        Operator (n x n).
    V : sympy.Matrix
        Basis states as columns (n x m).
    """)


def spinless_u(n: int) -> sp.Matrix:
    """Unitary part of spinless time reversal, :math:`\\Theta = K` (``U = 1``).

    Parameters
    ----------
    n : int
        Number of orbitals.

    Returns
    -------
    sympy.Matrix
        The n x n identity.
    """
    return sp.eye(n)


def kramers_u(n_orbitals: int) -> sp.Matrix:
    r"""Unitary part of spin-1/2 time reversal :math:`\Theta = (i\sigma_y \otimes 1) K`.

    Basis order: spin (up, down) outer, orbital inner; :math:`\Theta^2 = -1`.

    Parameters
    ----------
    n_orbitals : int
        Number of orbitals per spin.

    Returns
    -------
    sympy.Matrix
        U = i sigma_y (x) 1, shape (2 n_orbitals, 2 n_orbitals).
    """
    isy = sp.Matrix([[0, 1], [-1, 0]])
    return sp.kronecker_product(isy, sp.eye(n_orbitals))


def _square(name: str, m) -> sp.Matrix:
    m = sp.Matrix(m)
    if m.rows != m.cols:
        raise ShapeError(f"{name} must be square, got shape {m.shape}")
    return m


def tr_state(psi, U) -> sp.Matrix:
    r"""Time-reversed partner :math:`\Theta|\psi\rangle = U\psi^*` of a column vector.

    Parameters
    ----------
    psi : sympy.Matrix or sequence
        Column vector (n,).
    U : sympy.Matrix
        Unitary part of Theta = U K (n x n).

    Returns
    -------
    sympy.Matrix
        U psi^* (column, n x 1).
    """
    return sp.Matrix(U) * sp.Matrix(psi).conjugate()


def tr_transform(A, U) -> sp.Matrix:
    r"""Antiunitary transform :math:`\tilde A = \Theta A^\dagger \Theta^{-1} = U A^T U^\dagger`.

    Parameters
    ----------
    A : sympy.Matrix
        Square n x n operator (``ShapeError`` if not square).
    U : sympy.Matrix
        Unitary part of Theta = U K, same shape as ``A``.

    Returns
    -------
    sympy.Matrix
        U A^T U^dagger (units of ``A``).
    """
    A = _square("A", A)
    U = _square("U", U)
    if U.shape != A.shape:
        raise ShapeError(f"U has shape {U.shape} but A has shape {A.shape}")
    return exact_product(U, A.T, U.H)


@_docs
def tr_signature(A, U) -> int | None:
    r"""Return ``+1`` / ``-1`` if :math:`\tilde A = \pm A` exactly, else ``None``.

    Parameters
    ----------
    A : sympy.Matrix
        Square n x n operator.
    %(tr_unitary)s

    Returns
    -------
    int or None
        +1 (TR-even), -1 (TR-odd), or None if neither holds exactly.
    """
    At = tr_transform(A, U)
    for lam in (1, -1):
        if (At - lam * sp.Matrix(A)).applyfunc(sp.simplify).is_zero_matrix:
            return lam
    return None


@_docs
def project_tr_parity(X, U, lam: int) -> sp.Matrix:
    r"""Part of ``X`` with TR signature ``lam``: :math:`(X + \lambda \tilde X)/2`.

    Hermitian when ``X`` is; :math:`X \mapsto \tilde X` is linear and involutive for
    :math:`\Theta^2 = \pm 1`, so the result has signature exactly ``lam``.

    Parameters
    ----------
    X : sympy.Matrix
        Square n x n operator.
    %(tr_unitary)s
    lam : int
        Target signature, +1 or -1 (``ConventionError`` otherwise).

    Returns
    -------
    sympy.Matrix
        (X + lam X~)/2 (units of ``X``).
    """
    if lam not in (1, -1):
        raise ConventionError(f"TR signature must be +1 or -1, got {lam!r}")
    return (sp.Matrix(X) + lam * tr_transform(X, U)) / 2


def exact_product(*mats) -> sp.Matrix:
    """Exact matrix product computed in SymPy's polynomial domains (fast, canonical form).

    Entries must be polynomials (over the Gaussian rationals) in their symbols; the result
    comes back expanded.

    Parameters
    ----------
    *mats : sympy.Matrix
        Factors with polynomial entries, conformable shapes.

    Returns
    -------
    sympy.Matrix
        The product, expanded.
    """
    from sympy.polys.matrices import DomainMatrix

    dms = [DomainMatrix.from_Matrix(sp.Matrix(m)) for m in mats]
    out = dms[0]
    for d in dms[1:]:
        a, b = out.unify(d)
        out = a * b
    return out.to_Matrix()


def hadamard_exact(X, Y) -> sp.Matrix:
    """Exact elementwise product ``X_ij * Y_ij`` (expanded, polynomial domains).

    Parameters
    ----------
    X, Y : sympy.Matrix
        Matrices of the same shape with polynomial entries.

    Returns
    -------
    sympy.Matrix
        X_ij Y_ij, expanded.
    """
    from sympy.polys.matrices import DomainMatrix

    dX, dY = DomainMatrix.from_Matrix(sp.Matrix(X)).unify(DomainMatrix.from_Matrix(sp.Matrix(Y)))
    lx, ly, dom = dX.to_list(), dY.to_list(), dX.domain
    return sp.Matrix([[dom.to_sympy(a * b) for a, b in zip(rx, ry)] for rx, ry in zip(lx, ly)])


@_docs
def matrix_elements(A, V) -> sp.Matrix:
    r"""Matrix of :math:`[A]_{ab} = \langle a|A|b\rangle` for the columns ``a`` of ``V``.

    %(operator_in_basis)s

    Returns
    -------
    sympy.Matrix
        V^dagger A V (m x m), units of ``A``.
    """
    V = sp.Matrix(V)
    try:
        return exact_product(V.H, sp.Matrix(A), V)
    except Exception:  # noqa: BLE001 - non-polynomial entries (sqrt, functions): plain SymPy
        return (V.H * sp.Matrix(A) * V).applyfunc(sp.expand)


@_docs
def hermiticity_residual(A, V) -> sp.Matrix:
    r"""Eq. 19 residual :math:`[A]_{ab} - [A]_{ba}^*` (zero for Hermitian ``A``).

    %(operator_in_basis)s

    Returns
    -------
    sympy.Matrix
        [A]_ab - [A]_ba^* (m x m), expanded.
    """
    M = matrix_elements(A, V)
    return (M - M.H).applyfunc(sp.expand)


def commutator(A, B) -> sp.Matrix:
    """Matrix commutator ``AB - BA``.

    Parameters
    ----------
    A, B : sympy.Matrix
        Square matrices of the same shape.

    Returns
    -------
    sympy.Matrix
        AB - BA (units of A times B).
    """
    A, B = sp.Matrix(A), sp.Matrix(B)
    return A * B - B * A


def time_derivative(A, H) -> sp.Matrix:
    r"""Heisenberg time derivative :math:`\dot A = i[H, A]` (:math:`\hbar = 1`).

    Parameters
    ----------
    A : sympy.Matrix
        Operator (n x n).
    H : sympy.Matrix
        Hamiltonian (n x n, t0).

    Returns
    -------
    sympy.Matrix
        i[H, A] (units of A times t0/hbar).
    """
    return sp.I * commutator(H, A)


def generic_hermitian(n: int, name: str, *, real: bool = False,
                      imaginary: bool = False) -> sp.Matrix:
    """An ``n x n`` Hermitian matrix with independent real symbols as entries.

    ``real=True``: real symmetric; ``imaginary=True``: ``i`` times real antisymmetric.

    Parameters
    ----------
    n : int
        Size.
    name : str
        Prefix of the symbol names (``name_ii``, ``namer_ij``, ``namei_ij``).
    real : bool
        Real symmetric matrix.
    imaginary : bool
        i times a real antisymmetric matrix (at most one of ``real``, ``imaginary``: ``ConventionError``).

    Returns
    -------
    sympy.Matrix
        The n x n Hermitian matrix of real symbols.
    """
    if real and imaginary:
        raise ConventionError("choose at most one of real=True, imaginary=True")
    M = sp.zeros(n, n)
    for i in range(n):
        if not imaginary:
            M[i, i] = sp.Symbol(f"{name}_{i}{i}", real=True)
        for j in range(i + 1, n):
            re = sp.Symbol(f"{name}r_{i}{j}", real=True)
            im = sp.Symbol(f"{name}i_{i}{j}", real=True)
            if real:
                z = re
            elif imaginary:
                z = sp.I * im
            else:
                z = re + sp.I * im
            M[i, j] = z
            M[j, i] = sp.conjugate(z)
    return M


def cayley_unitary(S) -> sp.Matrix:
    r"""Exact unitary :math:`(1 - S)(1 + S)^{-1}` from an anti-Hermitian ``S``.

    With Gaussian-rational entries in ``S`` the result has Gaussian-rational entries: an exact
    eigenbasis for test Hamiltonians :math:`H = V \mathrm{diag}(\epsilon) V^\dagger`. A real
    antisymmetric ``S`` gives a real orthogonal matrix.

    Parameters
    ----------
    S : sympy.Matrix
        Square anti-Hermitian matrix (``ModelError`` otherwise).

    Returns
    -------
    sympy.Matrix
        The unitary (1 - S)(1 + S)^-1, same shape.
    """
    S = _square("S", S)
    if not (S + S.H).is_zero_matrix:
        raise ModelError("cayley_unitary needs an anti-Hermitian S (S^dagger = -S)")
    one = sp.eye(S.rows)
    return ((one - S) * (one + S).inv()).applyfunc(lambda z: sp.nsimplify(sp.expand(z)))


@dataclass(frozen=True)
class SymbolicOperator:
    """A Hermitian one-body operator with its declared TR signature.

    Parameters
    ----------
    name : str
        Label, e.g. ``"position"`` or ``"spin_z"``.
    matrix : sympy.Matrix
        Hermitian matrix in the basis where ``Theta = U K``.
    parity : int
        Declared signature ``lambda = +1`` (TR-even) or ``-1`` (TR-odd).
    """

    name: str
    matrix: sp.Matrix
    parity: int

    def __post_init__(self):
        if self.parity not in (1, -1):
            raise ConventionError(f"parity of {self.name} must be +1 or -1, got {self.parity!r}")
        m = sp.Matrix(self.matrix)
        if m.rows != m.cols:
            raise ShapeError(f"{self.name}: matrix must be square, got {m.shape}")
        if not (m - m.H).applyfunc(sp.expand).is_zero_matrix:
            raise ModelError(f"{self.name}: matrix is not Hermitian")
        object.__setattr__(self, "matrix", m)

    @classmethod
    def standard(cls, kind: str, matrix) -> "SymbolicOperator":
        """Build with the conventional parity of ``kind`` (a key of ``TR_PARITY``).

        Parameters
        ----------
        kind : str
            A key of ``TR_PARITY`` (``ConventionError`` otherwise).
        matrix : sympy.Matrix or sequence
            Hermitian matrix.

        Returns
        -------
        SymbolicOperator
            Named ``kind`` with its conventional parity.
        """
        if kind not in TR_PARITY:
            raise ConventionError(f"unknown operator kind {kind!r}; known: {sorted(TR_PARITY)}")
        return cls(kind, sp.Matrix(matrix), TR_PARITY[kind])

    def check_parity(self, U) -> bool:
        """True if ``Theta A^dagger Theta^-1 = parity * A`` exactly for ``Theta = U K``.

        Parameters
        ----------
        U : sympy.Matrix
            Unitary part of Theta = U K.

        Returns
        -------
        bool
            Whether the declared parity holds exactly.
        """
        diff = tr_transform(self.matrix, U) - self.parity * self.matrix
        return diff.applyfunc(sp.expand).is_zero_matrix

    def elements(self, V) -> sp.Matrix:
        """Matrix elements in the basis of the columns of ``V``.

        Parameters
        ----------
        V : sympy.Matrix
            Basis states as columns.

        Returns
        -------
        sympy.Matrix
            V^dagger A V.
        """
        return matrix_elements(self.matrix, V)
