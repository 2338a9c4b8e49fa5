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
import warnings
from functools import cached_property

import numpy as np

from lrtheory._compat import renamed_keywords
from lrtheory.conventions import DEGEN_TOL
from lrtheory.errors import LrtheoryError, ModelError, ShapeError, SymmetryError, check_hermitian
from lrtheory.kernels.gauge import random_block_unitary
from lrtheory.models.time_reversal import TimeReversal  # the one TR value (re-exported)

__all__ = [
    "TimeReversal",
    "FiniteSystem",
    "Eigensystem",
    "degenerate_groups",
    "random_gauge",
]


def degenerate_groups(energies, degen_tol: float = DEGEN_TOL) -> list[np.ndarray]:
    """Index groups of (sorted) levels closer than ``degen_tol`` to their neighbour.

    Parameters
    ----------
    energies : array_like
        (N,) sorted energies (t0).
    degen_tol : float
        Levels whose gap to the next is at most this (t0) share a group.

    Returns
    -------
    list of ndarray
        Index arrays of the groups, in ascending energy.
    """
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
    states : (N, N) complex array
        Orthonormal eigenvectors as columns, ``states[:, a] = |a>`` in the site basis (the
        name of :class:`lrtheory.bands.Eigensystem` too; ``vectors`` is a deprecated alias).

    Notes
    -----
    Every response in :mod:`lrtheory.finite.response` is gauge invariant: it accepts any
    :class:`Eigensystem` of the same ``H`` (see :func:`random_gauge`).
    """

    energies: np.ndarray
    states: np.ndarray

    @classmethod
    def from_hamiltonian(cls, hamiltonian) -> "Eigensystem":
        """Diagonalize ``H`` (``np.linalg.eigh``).

        Parameters
        ----------
        hamiltonian : (N, N) array
            Hermitian matrix (t0).

        Returns
        -------
        Eigensystem
        """
        e, u = np.linalg.eigh(hamiltonian)
        return cls(e, u)

    @property
    def vectors(self) -> np.ndarray:
        """Deprecated alias of :attr:`states`."""
        warnings.warn("Eigensystem.vectors is deprecated: use Eigensystem.states",
                      DeprecationWarning, stacklevel=2)
        return self.states

    @property
    def n(self) -> int:
        return self.energies.shape[0]

    def to_eigenbasis(self, operator) -> np.ndarray:
        """Matrix elements ``[A]_{ab} = <a|A|b>`` (paper Eq. 17's ``A_ab``), ``U^dagger A U``.

        Parameters
        ----------
        operator : array_like
            ``A`` in the site basis, (..., N, N).

        Returns
        -------
        ndarray
            (..., N, N), units of ``A``.
        """
        u = self.states
        return u.conj().T @ np.asarray(operator) @ u

    def groups(self, degen_tol: float = DEGEN_TOL) -> list[np.ndarray]:
        """Degenerate level groups (see :func:`degenerate_groups`).

        Parameters
        ----------
        degen_tol : float
            Degeneracy tolerance (t0).

        Returns
        -------
        list of ndarray
            Index arrays of the groups.
        """
        return degenerate_groups(self.energies, degen_tol)

    def check(self, hamiltonian, *, atol: float = 1e-9) -> None:
        """Check that this eigensystem is orthonormal and diagonalizes ``H``.

        Parameters
        ----------
        hamiltonian : (N, N) array
            The Hamiltonian (t0).
        atol : float
            Tolerance (relative to ``max(1, max |H|)`` for ``H U = U E``).

        Raises
        ------
        ShapeError
            Shapes do not match ``H``.
        ModelError
            Not orthonormal, or ``H U != U E``.
        """
        h = np.asarray(hamiltonian)
        u = self.states
        if u.shape != h.shape or self.energies.shape != (h.shape[0],):
            raise ShapeError(
                f"eigensystem shapes energies {self.energies.shape}, states {u.shape} "
                f"do not match H {h.shape}"
            )
        scale = atol * max(1.0, float(np.max(np.abs(h), initial=0.0)))
        if np.max(np.abs(u.conj().T @ u - np.eye(h.shape[0])), initial=0.0) > atol:
            raise ModelError("eigenvector override is not orthonormal")
        if np.max(np.abs(h @ u - u * self.energies), initial=0.0) > scale * h.shape[0]:
            raise ModelError("eigenvector override does not diagonalize H (H U != U E)")


# ``eig=`` was the keyword of the eigensystem before issue #14 (glossary: ``eigensystem``)
@renamed_keywords(eig="eigensystem")
def random_gauge(eigensystem: Eigensystem, rng: np.random.Generator, *,
                 degen_tol: float = DEGEN_TOL) -> Eigensystem:
    """Same eigenspaces, new gauge: random phases and random unitaries inside degenerate groups.

    Used by the gauge-invariance tests: every physical output must not change.

    Parameters
    ----------
    eigensystem : Eigensystem
        Eigenstates of a finite system; ``eig=`` is its deprecated spelling.
    rng : numpy.random.Generator
        Source of the random phases and unitaries.
    degen_tol : float
        Degeneracy tolerance (t0) of the groups that are rotated among themselves.

    Returns
    -------
    Eigensystem
        Same energies, new states.
    """
    n = eigensystem.energies.size
    blocks = np.zeros((n, n), bool)
    for g in eigensystem.groups(degen_tol):
        blocks[np.ix_(g, g)] = True
    return Eigensystem(eigensystem.energies.copy(),
                       eigensystem.states @ random_block_unitary(blocks, rng))


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
            tr.check(h, where="FiniteSystem",
                     hint="pass time_reversal=None for a TR-broken system")
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
        """TR signature ``lambda`` of ``operator``: ``Theta A Theta^-1 = lambda A`` (paper Eq. 22).

        Parameters
        ----------
        operator : (N, N) array
            A Hermitian operator in the site basis.

        Returns
        -------
        int or None
            +1, -1, or None when ``A`` has no definite signature.

        Raises
        ------
        SymmetryError
            The system has no time-reversal operator.
        """
        if self.time_reversal is None:
            raise SymmetryError("this system has no time-reversal operator")
        return self.time_reversal.signature(operator)
