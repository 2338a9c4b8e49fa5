r"""Time reversal as one value that acts on models and matrices (qsymm style).

:class:`TimeReversal` is the antiunitary operator ``Theta = U K`` (``K``: complex conjugation
in the orbital or site basis):

.. math:: \Theta A \Theta^{-1} = U A^* U^\dagger, \qquad \Theta^2 = U U^* = \pm 1.

A Bloch model is time-reversal invariant when ``U H(k)^* U^dagger = H(-k)`` for every k
(paper Eq. 25-27, App. I), a finite system when ``U H^* U^dagger = H``. Every check of a
declared time reversal in lrtheory goes through :meth:`TimeReversal.deviation` and
:meth:`TimeReversal.check`, with ONE tolerance rule: the residual relative to the energy
scale ``max |H|`` must not exceed :data:`lrtheory.conventions.SYMMETRY_RTOL`.

Bloch models are tested on a fixed k sample, :func:`tr_sample`: 8 points drawn uniformly
from ``(-pi, pi)^dim`` by ``numpy.random.default_rng(2024)`` (Cartesian k in 1/a; ribbons:
the periodic coordinate), and their partners ``-k``. A finite matrix is tested exactly.

Units: ``U`` is dimensionless; residuals in the energy unit of ``H`` (t0).
"""
from __future__ import annotations

import dataclasses

import numpy as np

from lrtheory._docstrings import shared_docs
from lrtheory.conventions import SYMMETRY_RTOL
from lrtheory.errors import ModelError, ShapeError, SymmetryError, check_finite

__all__ = ["TimeReversal", "tr_sample", "symmetry_deviation", "SYMMETRY_RTOL", "UNITARY_ATOL"]

_SIGMA_Y = np.array([[0.0, -1.0j], [1.0j, 0.0]])

#: absolute tolerance of ``|U U^dagger - 1|`` and ``|U U^* -+ 1|`` (U is dimensionless)
UNITARY_ATOL = 1e-10

# numpydoc entries shared by the TimeReversal tests below (lrtheory._docstrings)
_docs = shared_docs(model_or_hamiltonian_k="""
    model_or_hamiltonian : BlochModel or (N, N) array
        A Bloch model (tested on ``k``) or a finite Hamiltonian (tested exactly; t0).
    k : (m, dim) array, optional
        k-points (1/a) for a Bloch model; default the fixed sample :func:`tr_sample`.
    """)

#: the fixed k sample of :meth:`TimeReversal.deviation` for Bloch models
_SAMPLE_SEED, _SAMPLE_SIZE = 2024, 8


def tr_sample(dim: int) -> np.ndarray:
    """The fixed k sample of the time-reversal check, uniform in ``(-pi, pi)^dim`` from
    ``numpy.random.default_rng(2024)``.

    Parameters
    ----------
    dim : int
        Number of periodic directions.

    Returns
    -------
    ndarray
        (8, dim) Cartesian k (1/a).
    """
    return np.random.default_rng(_SAMPLE_SEED).uniform(-np.pi, np.pi, size=(_SAMPLE_SIZE, dim))


def _monomial(U: np.ndarray):
    """``(perm, phases)`` with ``U[i, perm[i]] = phases[i]`` and no other non-zero entry (a
    permutation with phases: spinless, spinful and their ribbon tilings), else None."""
    nz = U != 0
    if U.size == 0 or not np.all(nz.sum(axis=1) == 1):
        return None
    perm = np.argmax(nz, axis=1)
    return perm, U[np.arange(len(U)), perm]


def _times_adjoint(U: np.ndarray, mono) -> np.ndarray:
    """``U U^dagger`` (O(n^2) for a permutation with phases whose permutation is one)."""
    if mono is None or len(set(mono[0].tolist())) != len(U):
        return U @ U.conj().T
    return np.diag(np.abs(mono[1]) ** 2).astype(complex)


def _times_conjugate(U: np.ndarray, mono) -> np.ndarray:
    """``U U^*`` (O(n^2) for a permutation with phases: ``[i, p(p(i))] = u_i u_{p(i)}^*``)."""
    if mono is None:
        return U @ U.conj()
    perm, ph = mono
    out = np.zeros(U.shape, complex)
    rows = np.arange(len(U))
    np.add.at(out, (rows, perm[perm]), ph * np.conj(ph[perm]))
    return out


def _conjugate_by(U: np.ndarray, A: np.ndarray, mono=None) -> np.ndarray:
    """``U A U^dagger`` for a stack ``A (..., n, n)``: O(n^2) per matrix when ``U`` is a
    permutation with phases, else two dense products."""
    if mono is None:
        return U @ A @ np.conj(U).T
    perm, ph = mono
    return ph[:, None] * A[..., perm[:, None], perm[None, :]] * np.conj(ph)[None, :]


def _bloch_residual(model, U, *, antiunitary: bool, k_map, sign: int, k=None, mono=None
                    ) -> tuple[float, float]:
    """``(max |U H(k)^(*) U^dagger - sign H(k_map k)|, max |H|)`` on ``k`` (default
    :func:`tr_sample`), one k at a time (memory O(n^2) for wide ribbons)."""
    k = tr_sample(model.dim) if k is None else np.asarray(k, float)
    k = k.reshape(-1, k.shape[-1]) if k.ndim > 1 else k.reshape(-1, 1)
    res = scale = 0.0
    for kk in k:
        H = model.hamiltonian(kk[None, :])
        Hm = model.hamiltonian(np.asarray(k_map) * kk[None, :])
        Hk = np.conj(H) if antiunitary else H
        res = max(res, float(np.max(np.abs(_conjugate_by(U, Hk, mono) - sign * Hm),
                                    initial=0.0)))
        scale = max(scale, float(np.max(np.abs(H), initial=0.0)),
                    float(np.max(np.abs(Hm), initial=0.0)))
    return res, scale


def symmetry_deviation(model, U, *, antiunitary: bool = True, k_map=-1, sign: int = +1,
                       k=None) -> float:
    r"""Relative residual of a (unitary or antiunitary) symmetry of a Bloch model, by the one
    rule of this module: ``U H(k)^(*) U^dagger = sign H(k_map k)``.

    Parameters
    ----------
    model : BlochModel
        The model.
    U : (n, n) array
        The unitary part of the operation (orbital basis).
    antiunitary : bool
        Conjugate ``H(k)`` (an operation ``U K``).
    k_map : float or (dim,) array
        ``k -> k_map * k`` (time reversal: -1; a mirror along the ribbon combined with Theta:
        +1; ...).
    sign : +1 or -1
        -1 for an antisymmetry (``H -> -H``).
    k : (m, dim) array, optional
        k-points (1/a); default :func:`tr_sample`.

    Returns
    -------
    float
        The residual over ``max |H|`` (dimensionless; 0 when H = 0): the symmetry holds when
        it is at most :data:`~lrtheory.conventions.SYMMETRY_RTOL`.
    """
    res, scale = _bloch_residual(model, np.asarray(U), antiunitary=antiunitary, k_map=k_map,
                                 sign=sign, k=k)
    return res / scale if scale > 0 else 0.0


@dataclasses.dataclass(frozen=True, eq=False)
class TimeReversal:
    r"""Antiunitary time reversal ``Theta = U K``.

    Parameters
    ----------
    unitary : (N, N) complex array
        The unitary ``U`` (also :attr:`U`); checked to be unitary and to satisfy
        ``U U^* = +-1`` (within :data:`UNITARY_ATOL`), else
        :class:`~lrtheory.errors.SymmetryError`.

    Notes
    -----
    ``numpy.asarray(tr)`` gives ``U``, so code written for a bare ``U`` array keeps working.
    """

    unitary: np.ndarray

    def __post_init__(self):
        u = check_finite("time-reversal unitary U", self.unitary).astype(complex)
        if u.ndim != 2 or u.shape[0] != u.shape[1]:
            raise ShapeError(
                f"time-reversal unitary U must be a square (N, N) matrix, got {u.shape}")
        n = u.shape[0]
        mono = _monomial(u)
        if np.max(np.abs(_times_adjoint(u, mono) - np.eye(n)), initial=0.0) > UNITARY_ATOL:
            raise SymmetryError("time-reversal matrix U is not unitary (U U^dagger != 1)")
        sq = _times_conjugate(u, mono)
        sign = None
        for s in (+1, -1):
            if np.max(np.abs(sq - s * np.eye(n)), initial=0.0) <= UNITARY_ATOL:
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
        object.__setattr__(self, "_mono", mono)

    # -- constructors ---------------------------------------------------------------------
    @classmethod
    def spinless(cls, n: int) -> "TimeReversal":
        """``Theta = K`` (``U = 1``, ``Theta^2 = +1``) on ``n`` orbitals.

        Parameters
        ----------
        n : int
            Number of orbitals (states).

        Returns
        -------
        TimeReversal
        """
        return cls(np.eye(n, dtype=complex))

    @classmethod
    def spinful(cls, n_sites: int) -> "TimeReversal":
        """Spin-1/2: ``U = 1_sites (x) i sigma_y`` in site-major ordering, ``Theta^2 = -1``.

        Parameters
        ----------
        n_sites : int
            Number of sites (the basis has ``2 n_sites`` states).

        Returns
        -------
        TimeReversal
        """
        return cls(np.kron(np.eye(n_sites), 1j * _SIGMA_Y))

    @classmethod
    def coerce(cls, value, n: int, *, where: str = "time_reversal") -> "TimeReversal | None":
        """A model's declared time reversal as a :class:`TimeReversal` (or ``None``).

        Accepts ``None``, a :class:`TimeReversal` or a bare ``U`` array (the older form);
        raises :class:`~lrtheory.errors.ShapeError` for a shape other than ``(n, n)`` and
        :class:`~lrtheory.errors.ModelError` for a non-numeric or non-unitary ``U``, each
        naming ``where``.

        Parameters
        ----------
        value : None, TimeReversal or (n, n) array
            The declared time reversal.
        n : int
            Number of orbitals of the model.
        where : str
            Name used in messages.

        Returns
        -------
        TimeReversal or None
        """
        if value is None or isinstance(value, cls):
            if value is not None and value.dim != n:
                raise ShapeError(f"{where} must have shape ({n}, {n}) (one row per orbital), "
                                 f"got ({value.dim}, {value.dim})")
            return value
        try:
            U = np.asarray(value, complex)
        except (TypeError, ValueError):
            raise ModelError(f"{where} must be a numeric (n, n) matrix, got {value!r}") from None
        if U.shape != (n, n):
            raise ShapeError(f"{where} must have shape ({n}, {n}) (one row per orbital), "
                             f"got {U.shape}")
        check_finite(where, U)
        dev = float(np.max(np.abs(U.conj().T @ U - np.eye(n)))) if n else 0.0
        if dev > UNITARY_ATOL:
            raise ModelError(f"{where} is not unitary: max |U^dagger U - 1| = {dev:.3g} "
                             f"(tolerance {UNITARY_ATOL:g}); Theta = U K needs a unitary U")
        return cls(U)

    # -- properties -----------------------------------------------------------------------
    @property
    def U(self) -> np.ndarray:
        """The unitary ``U`` of ``Theta = U K`` (read-only (N, N) array)."""
        return self.unitary

    @property
    def square(self) -> int:
        """``Theta^2 = +1`` (spinless) or ``-1`` (Kramers)."""
        return self._square

    @property
    def dim(self) -> int:
        """Size N of the basis ``U`` acts on."""
        return self.unitary.shape[0]

    def __array__(self, dtype=None, copy=None):
        return np.array(self.unitary, dtype=dtype)

    def __repr__(self) -> str:
        return f"TimeReversal(N={self.dim}, square={self.square:+d})"

    # -- action ---------------------------------------------------------------------------
    def transform(self, operator) -> np.ndarray:
        r"""``Theta A Theta^{-1} = U A^* U^dagger`` (paper Eq. 22's transformed operator).

        Parameters
        ----------
        operator : array_like
            ``A``, a matrix or a stack ``(..., N, N)``.

        Returns
        -------
        ndarray
            ``U A^* U^dagger``, same shape and units as ``A``.
        """
        return _conjugate_by(self.unitary, np.asarray(operator).conj(), self._mono)

    def tile(self, n_cells: int) -> "TimeReversal":
        """The same operator on ``n_cells`` copies of the basis (cell-major ordering, as in
        ribbons and flakes): ``U' = 1_cells (x) U``.

        Parameters
        ----------
        n_cells : int
            Number of cells.

        Returns
        -------
        TimeReversal
            On ``n_cells * N`` states.
        """
        return TimeReversal(np.kron(np.eye(int(n_cells)), self.unitary))

    def signature(self, operator, *, atol: float = SYMMETRY_RTOL) -> int | None:
        r"""TR signature ``lambda`` of a Hermitian operator: ``U A^* U^dagger = lambda A``.

        Paper Eq. 22's ``lambda_A``. The zero operator returns +1.

        Parameters
        ----------
        operator : (N, N) array
            A Hermitian operator ``A``.
        atol : float
            Tolerance relative to ``max(1, max|A|)``.

        Returns
        -------
        int or None
            +1, -1, or ``None`` if ``A`` has no definite parity.
        """
        a = np.asarray(operator)
        t = self.transform(a)
        scale = atol * max(1.0, float(np.max(np.abs(a), initial=0.0)))
        if np.max(np.abs(t - a), initial=0.0) <= scale:
            return +1
        if np.max(np.abs(t + a), initial=0.0) <= scale:
            return -1
        return None

    def symmetry_residual(self, hamiltonian) -> float:
        """``max |U H^* U^dagger - H|`` of a finite matrix.

        Parameters
        ----------
        hamiltonian : (N, N) array
            ``H`` (t0).

        Returns
        -------
        float
            The residual (t0, units of ``H``).
        """
        h = np.asarray(hamiltonian)
        return float(np.max(np.abs(self.transform(h) - h), initial=0.0))

    # -- the one check --------------------------------------------------------------------
    def _residual(self, system, k=None) -> tuple[float, float, str]:
        """``(max residual, max |H|, what)`` for a Bloch model on ``k`` (default
        :func:`tr_sample`) or exactly for a matrix ``(N, N)``."""
        from lrtheory.models.protocol import BlochModel

        if isinstance(system, BlochModel):
            if system.n_orbitals != self.dim:
                raise ShapeError(f"{system.name}: time reversal acts on {self.dim} orbitals, the "
                                 f"model has {system.n_orbitals}")
            res, scale = _bloch_residual(system, self.unitary, antiunitary=True, k_map=-1,
                                         sign=+1, k=k, mono=self._mono)
            return res, scale, "max |U H(k)^* U^dagger - H(-k)|"
        h = np.asarray(system)
        if h.shape[-2:] != (self.dim, self.dim):
            raise ShapeError(f"time reversal acts on {self.dim} states, H has shape {h.shape}")
        return (self.symmetry_residual(h), float(np.max(np.abs(h), initial=0.0)),
                "max |U H^* U^dagger - H|")

    @_docs
    def deviation(self, model_or_hamiltonian, k=None) -> float:
        r"""Relative residual of ``U H(k)^* U^dagger = H(-k)``: 0 for a symmetry.

        Parameters
        ----------
        %(model_or_hamiltonian_k)s

        Returns
        -------
        float
            ``max |U H(k)^* U^dagger - H(-k)| / max |H|`` (dimensionless; 0 when H = 0). The
            symmetry holds when this is at most :data:`~lrtheory.conventions.SYMMETRY_RTOL`.
        """
        res, scale, _ = self._residual(model_or_hamiltonian, k)
        return res / scale if scale > 0 else 0.0

    @_docs
    def holds(self, model_or_hamiltonian, k=None) -> bool:
        """True when :meth:`deviation` is at most ``SYMMETRY_RTOL``.

        Parameters
        ----------
        %(model_or_hamiltonian_k)s

        Returns
        -------
        bool
        """
        return self.deviation(model_or_hamiltonian, k) <= SYMMETRY_RTOL

    def is_symmetry_of(self, hamiltonian) -> bool:
        """``True`` when ``[H, Theta] = 0`` (same rule as :meth:`holds`).

        Parameters
        ----------
        hamiltonian : (N, N) array
            A finite Hamiltonian (t0).

        Returns
        -------
        bool
        """
        return self.holds(hamiltonian)

    @_docs
    def check(self, model_or_hamiltonian, *, where: str, hint: str = "", k=None) -> None:
        """Raise :class:`~lrtheory.errors.SymmetryError` (one line starting with ``where``)
        unless ``Theta`` is a symmetry by the rule of :meth:`holds`.

        Parameters
        ----------
        %(model_or_hamiltonian_k)s
        where : str
            First words of the message (the entry point or model).
        hint : str
            Appended to the message (what to do instead).

        Raises
        ------
        SymmetryError
            ``Theta`` is not a symmetry.
        """
        res, scale, what = self._residual(model_or_hamiltonian, k)
        rel = res / scale if scale > 0 else 0.0
        if rel > SYMMETRY_RTOL:
            raise SymmetryError(
                f"{where}: the declared time reversal Theta = U K is not a symmetry of H: "
                f"{what} = {res:.3g} ({rel:.1e} of max |H|, tolerance {SYMMETRY_RTOL:g})"
                + (f"; {hint}" if hint else ""))
