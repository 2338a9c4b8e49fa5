r"""Finite systems with exact one-electron eigenstates (paper Sec. II-III, Eq. 17).

A :class:`FiniteSystem` is a Hermitian matrix ``H`` in a site (x internal) basis, the site
positions, the number of internal states per site and an optional time-reversal operator
:class:`TimeReversal` ``Theta = U K``. Its :class:`Eigensystem` (``np.linalg.eigh``) is computed
once, on first use, and reused by every response.

Basis ordering
--------------
Site-major: basis index ``= site * n_internal + s``. For spin-1/2 (``n_internal = 2``,
``s = 0`` up, ``s = 1`` down) the time-reversal matrix is therefore
``U = 1_sites (x) i sigma_y`` (``np.kron(np.eye(n_sites), i sigma_y)``): the paper's
``i sigma_y (x) 1_sites`` written in the site-major ordering.

Units: ``hbar = e = 1``; energies in t0, lengths in the lattice constant
(:mod:`lrtheory.conventions`).
"""
from __future__ import annotations

import dataclasses
from functools import cached_property

import numpy as np

from lrtheory.conventions import DEGEN_TOL
from lrtheory.kernels.gauge import random_block_unitary
from lrtheory.errors import (
    LrtheoryError,
    ModelError,
    ShapeError,
    SymmetryError,
    check_finite,
    check_hermitian,
)

__all__ = [
    "TimeReversal",
    "FiniteSystem",
    "Eigensystem",
    "degenerate_groups",
    "random_gauge",
]

_SIGMA_Y = np.array([[0.0, -1.0j], [1.0j, 0.0]])

#: Absolute tolerance (relative to max|H|, max|A|) of the symmetry checks.
SYMMETRY_ATOL = 1e-10


@dataclasses.dataclass(frozen=True, eq=False)
class TimeReversal:
    r"""Antiunitary time reversal ``Theta = U K`` (``K``: complex conjugation in the site basis).

    .. math:: \Theta A \Theta^{-1} = U A^* U^\dagger, \qquad \Theta^2 = U U^*.

    Parameters
    ----------
    unitary : (N, N) complex array
        The unitary ``U``; checked to be unitary and to satisfy ``U U^* = +-1``.
    """

    unitary: np.ndarray

    def __post_init__(self):
        u = check_finite("time-reversal unitary U", self.unitary).astype(complex)
        if u.ndim != 2 or u.shape[0] != u.shape[1]:
            raise ShapeError(
                f"time-reversal unitary U must be a square (N, N) matrix, got {u.shape}")
        n = u.shape[0]
        if np.max(np.abs(u @ u.conj().T - np.eye(n)), initial=0.0) > SYMMETRY_ATOL:
            raise SymmetryError("time-reversal matrix U is not unitary (U U^dagger != 1)")
        sq = u @ u.conj()
        sign = None
        for s in (+1, -1):
            if np.max(np.abs(sq - s * np.eye(n)), initial=0.0) <= SYMMETRY_ATOL:
                sign = s
        if sign is None:
            raise SymmetryError(
                "Theta^2 = U U^* must be +1 or -1 (spinless: U = 1; spin-1/2: 1 (x) i sigma_y), "
                f"got max|U U^* -+ 1| = "
                f"{min(np.max(np.abs(sq - np.eye(n))), np.max(np.abs(sq + np.eye(n)))):.3g}"
            )
        u.setflags(write=False)
        object.__setattr__(self, "unitary", u)
        object.__setattr__(self, "_square", sign)

    # -- constructors ---------------------------------------------------------------------
    @classmethod
    def spinless(cls, n: int) -> "TimeReversal":
        """``Theta = K`` (``U = 1``, ``Theta^2 = +1``) on ``n`` orbitals."""
        return cls(np.eye(n, dtype=complex))

    @classmethod
    def spinful(cls, n_sites: int) -> "TimeReversal":
        """Spin-1/2: ``U = 1_sites (x) i sigma_y`` in site-major ordering, ``Theta^2 = -1``."""
        return cls(np.kron(np.eye(n_sites), 1j * _SIGMA_Y))

    # -- properties -----------------------------------------------------------------------
    @property
    def square(self) -> int:
        """``Theta^2 = +1`` (spinless) or ``-1`` (Kramers)."""
        return self._square

    @property
    def dim(self) -> int:
        return self.unitary.shape[0]

    def transform(self, operator) -> np.ndarray:
        r"""``Theta A Theta^{-1} = U A^* U^dagger`` for a (stack of) matrices ``(..., N, N)``."""
        a = np.asarray(operator)
        return self.unitary @ a.conj() @ self.unitary.conj().T

    def apply_state(self, psi) -> np.ndarray:
        """``Theta |psi> = U psi^*`` for column vectors ``(N, ...)``."""
        return self.unitary @ np.asarray(psi).conj()

    def signature(self, operator, *, atol: float = SYMMETRY_ATOL) -> int | None:
        r"""TR signature ``lambda`` of a Hermitian operator: ``U A^* U^dagger = lambda A``.

        Returns +1, -1, or ``None`` if ``A`` has no definite parity (within
        ``atol * max(1, max|A|)``). The zero operator returns +1.
        """
        a = np.asarray(operator)
        t = self.transform(a)
        scale = atol * max(1.0, float(np.max(np.abs(a), initial=0.0)))
        if np.max(np.abs(t - a), initial=0.0) <= scale:
            return +1
        if np.max(np.abs(t + a), initial=0.0) <= scale:
            return -1
        return None

    def is_symmetry_of(self, hamiltonian, *, atol: float = SYMMETRY_ATOL) -> bool:
        """``True`` when ``[H, Theta] = 0``, i.e. ``U H^* U^dagger = H``."""
        return self.signature(hamiltonian, atol=atol) == +1

    def symmetry_residual(self, hamiltonian) -> float:
        """``max |U H^* U^dagger - H|``."""
        h = np.asarray(hamiltonian)
        return float(np.max(np.abs(self.transform(h) - h), initial=0.0))


def degenerate_groups(energies, degen_tol: float = DEGEN_TOL) -> list[np.ndarray]:
    """Index groups of (sorted) levels closer than ``degen_tol`` to their neighbour."""
    e = np.asarray(energies)
    if e.size == 0:
        return []
    breaks = np.nonzero(np.diff(e) > degen_tol)[0] + 1
    return np.split(np.arange(e.size), breaks)


@dataclasses.dataclass(frozen=True, eq=False)
class Eigensystem:
    r"""Exact one-electron eigenstates: ``H U = U diag(energies)``.

    Parameters
    ----------
    energies : (N,) float array
        Sorted eigenvalues (energy units t0).
    vectors : (N, N) complex array
        Orthonormal eigenvectors as columns, ``vectors[:, a] = |a>`` in the site basis.

    Notes
    -----
    Every response in :mod:`lrtheory.finite.response` is gauge invariant: it accepts any
    :class:`Eigensystem` of the same ``H`` (see :func:`random_gauge`).
    """

    energies: np.ndarray
    vectors: np.ndarray

    @classmethod
    def from_hamiltonian(cls, hamiltonian) -> "Eigensystem":
        e, u = np.linalg.eigh(hamiltonian)
        return cls(e, u)

    @property
    def n(self) -> int:
        return self.energies.shape[0]

    def to_eigenbasis(self, operator) -> np.ndarray:
        """``U^dagger A U`` for a stack ``(..., N, N)``: ``[A]_{ab} = <a|A|b>``."""
        u = self.vectors
        return u.conj().T @ np.asarray(operator) @ u

    def groups(self, degen_tol: float = DEGEN_TOL) -> list[np.ndarray]:
        """Degenerate level groups (see :func:`degenerate_groups`)."""
        return degenerate_groups(self.energies, degen_tol)

    def check(self, hamiltonian, *, atol: float = 1e-9) -> None:
        """Check that this eigensystem is orthonormal and diagonalizes ``H`` (else ModelError)."""
        h = np.asarray(hamiltonian)
        u = self.vectors
        if u.shape != h.shape or self.energies.shape != (h.shape[0],):
            raise ShapeError(
                f"eigensystem shapes energies {self.energies.shape}, vectors {u.shape} "
                f"do not match H {h.shape}"
            )
        scale = atol * max(1.0, float(np.max(np.abs(h), initial=0.0)))
        if np.max(np.abs(u.conj().T @ u - np.eye(h.shape[0])), initial=0.0) > atol:
            raise ModelError("eigenvector override is not orthonormal")
        if np.max(np.abs(h @ u - u * self.energies), initial=0.0) > scale * h.shape[0]:
            raise ModelError("eigenvector override does not diagonalize H (H U != U E)")


def random_gauge(eig: Eigensystem, rng: np.random.Generator, *, degen_tol: float = DEGEN_TOL
                 ) -> Eigensystem:
    """Same eigenspaces, new gauge: random phases and random unitaries inside degenerate groups.

    Used by the gauge-invariance tests: every physical output must not change.
    """
    n = eig.energies.size
    blocks = np.zeros((n, n), bool)
    for g in eig.groups(degen_tol):
        blocks[np.ix_(g, g)] = True
    return Eigensystem(eig.energies.copy(), eig.vectors @ random_block_unitary(blocks, rng))


@dataclasses.dataclass(frozen=True, eq=False)
class FiniteSystem:
    r"""A finite tight-binding system: Hermitian ``H``, site positions, optional TR.

    Parameters
    ----------
    hamiltonian : (N, N) array
        Hermitian matrix in the site-major basis ``index = site * n_internal + s``
        (energies in t0).
    positions : (N_sites, d) array, d in {1, 2, 3}
        Site positions (lattice-constant units). A 1D array is read as ``d = 1``. All
        internal states of a site sit at the site position (point-like orbitals).
    n_internal : int
        Internal states per site (1 spinless, 2 spin-1/2, ...). ``N = N_sites * n_internal``.
    time_reversal : TimeReversal, "spinless", "spinful", (N, N) array or None
        The claimed time-reversal symmetry ``Theta = U K``. When given, ``U H^* U^dagger = H``
        is checked and a :class:`~lrtheory.errors.SymmetryError` raised if ``H`` breaks it.
        ``"spinless"`` means ``U = 1``; ``"spinful"`` means ``U = 1_sites (x) i sigma_y``
        (needs ``n_internal = 2``).

    Raises
    ------
    ModelError
        ``H`` is not Hermitian.
    ShapeError
        Shapes do not match (``N != N_sites * n_internal``, ``d`` not in 1..3).
    LrtheoryError
        NaN or inf in ``H`` or ``positions``.
    SymmetryError
        The claimed TR operator is not a symmetry of ``H`` (or is not antiunitary with
        ``Theta^2 = +-1``).

    Examples
    --------
    >>> import numpy as np
    >>> s = FiniteSystem(np.array([[0., -1.], [-1., 0.]]), [[0.], [1.]], time_reversal="spinless")
    >>> s.eigensystem.energies
    array([-1.,  1.])
    """

    hamiltonian: np.ndarray
    positions: np.ndarray
    n_internal: int = 1
    time_reversal: TimeReversal | None = None

    def __post_init__(self):
        h = np.asarray(self.hamiltonian)
        if h.dtype.kind not in "biufc":
            raise ModelError(f"hamiltonian must be a numeric matrix, got dtype {h.dtype}")
        if h.dtype.kind in "fc" and not np.all(np.isfinite(h)):
            raise ModelError("hamiltonian H contains NaN or inf values")
        h = check_hermitian("hamiltonian H", h)
        if h.ndim != 2:
            raise ShapeError(f"hamiltonian must be a single (N, N) matrix, got shape {h.shape}")
        h = np.array(h, dtype=complex)
        h = 0.5 * (h + h.conj().T)  # remove rounding-level anti-Hermitian part
        try:
            pos = np.asarray(self.positions, dtype=float)
        except (TypeError, ValueError):
            raise ShapeError("positions must be a numeric (N_sites, d) array") from None
        if not np.all(np.isfinite(pos)):
            raise ModelError("positions contain NaN or inf values")
        if pos.ndim == 1:
            pos = pos[:, None]
        if pos.ndim != 2 or not 1 <= pos.shape[1] <= 3:
            raise ShapeError(
                f"positions must have shape (N_sites, d) with d in 1..3, got {pos.shape}")
        n_int = self.n_internal
        if not isinstance(n_int, (int, np.integer)) or n_int < 1:
            raise ShapeError(f"n_internal must be a positive integer, got {n_int!r}")
        if pos.shape[0] * int(n_int) != h.shape[0]:
            raise ShapeError(
                f"H has dimension {h.shape[0]} but positions give {pos.shape[0]} sites x "
                f"n_internal={n_int} = {pos.shape[0] * int(n_int)} states (basis ordering is "
                "site-major: index = site * n_internal + s)"
            )
        tr = self.time_reversal
        if tr is not None and not isinstance(tr, TimeReversal):
            if isinstance(tr, str):
                if tr == "spinless":
                    tr = TimeReversal.spinless(h.shape[0])
                elif tr == "spinful":
                    if n_int != 2:
                        raise ShapeError(f"'spinful' time reversal needs n_internal=2, got {n_int}")
                    tr = TimeReversal.spinful(pos.shape[0])
                else:
                    raise LrtheoryError(
                        f"time_reversal must be 'spinless', 'spinful', a TimeReversal, a unitary "
                        f"matrix or None, got {tr!r}"
                    )
            else:
                tr = TimeReversal(np.asarray(tr))
        if tr is not None:
            if tr.dim != h.shape[0]:
                raise ShapeError(f"time-reversal U has dimension {tr.dim}, H has {h.shape[0]}")
            res = tr.symmetry_residual(h)
            if res > SYMMETRY_ATOL * max(1.0, float(np.max(np.abs(h)))):
                raise SymmetryError(
                    f"the claimed time reversal is not a symmetry of H: max|U H^* U^dagger - H| "
                    f"= {res:.3g} (pass time_reversal=None for a TR-broken system)"
                )
        h.setflags(write=False)
        pos.setflags(write=False)
        object.__setattr__(self, "hamiltonian", h)
        object.__setattr__(self, "positions", pos)
        object.__setattr__(self, "n_internal", int(n_int))
        object.__setattr__(self, "time_reversal", tr)

    # -- sizes ----------------------------------------------------------------------------
    @property
    def n_states(self) -> int:
        return self.hamiltonian.shape[0]

    @property
    def n_sites(self) -> int:
        return self.positions.shape[0]

    @property
    def dim(self) -> int:
        """Spatial dimension d."""
        return self.positions.shape[1]

    @property
    def orbital_positions(self) -> np.ndarray:
        """(N, d): the position of every basis state (its site's position)."""
        return np.repeat(self.positions, self.n_internal, axis=0)

    @property
    def site_index(self) -> np.ndarray:
        """(N,) int: the site of every basis state."""
        return np.repeat(np.arange(self.n_sites), self.n_internal)

    @cached_property
    def eigensystem(self) -> Eigensystem:
        """Eigenvalues and eigenvectors, computed once (``np.linalg.eigh``)."""
        return Eigensystem.from_hamiltonian(self.hamiltonian)

    @property
    def is_tr_invariant(self) -> bool:
        return self.time_reversal is not None

    def tr_signature(self, operator) -> int | None:
        """TR signature of ``operator`` (+1, -1 or None); requires a TR operator."""
        if self.time_reversal is None:
            raise SymmetryError("this system has no time-reversal operator")
        return self.time_reversal.signature(operator)

    def with_hamiltonian(self, hamiltonian, *, time_reversal="keep") -> "FiniteSystem":
        """A copy with a new ``H`` (same positions); TR kept (and re-checked) by default."""
        tr = self.time_reversal if time_reversal == "keep" else time_reversal
        return FiniteSystem(hamiltonian, self.positions, self.n_internal, tr)
