r"""Batched eigensystems of Bloch models: energies, states, velocity matrix elements.

One :class:`Eigensystem` per chunk of k-points is computed once (one batched
``np.linalg.eigh``) and serves every response asked of that chunk.

Gauge: eigenvectors carry arbitrary phases and, inside degenerate subspaces, arbitrary
unitary rotations. Quantities handed to users must be invariant under
:meth:`Eigensystem.randomize_gauge`; the off-diagonal Berry connection is returned only
between non-degenerate levels (sum rule ``A_mn = i v_mn / (e_n - e_m)``, hbar = 1) and is
set to zero inside degenerate blocks (``|e_n - e_m| <= degen_tol``), where it is gauge
dependent; formulas that need the degenerate limit use divided differences instead.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from lrtheory._compat import renamed_keywords
from lrtheory.conventions import DEGEN_TOL
from lrtheory.errors import GaugeError, ModelError, ShapeError, check_finite
from lrtheory.kernels.gauge import random_block_unitary
from lrtheory.models.protocol import bloch_fields, ensure_model

__all__ = ["Eigensystem", "to_band_basis", "check_hamiltonian"]


def check_hamiltonian(H: np.ndarray, name: str) -> None:
    """Refuse a stack H(k) (..., n, n) with NaN/inf or ``max |H - H^dagger|`` above
    ``1e-9 max(1, max |H|)`` (:class:`~lrtheory.errors.ModelError` naming the model).

    Parameters
    ----------
    H : ndarray
        Hamiltonian stack, shape (..., n, n) (t0).
    name : str
        The model's name, first word of the message.

    Raises
    ------
    ModelError
        Non-finite entries, or not Hermitian within the tolerance above.
    """
    dev = np.max(np.abs(H - np.conj(np.swapaxes(H, -1, -2)))) if H.size else 0.0
    if not np.isfinite(dev):
        raise ModelError(f"{name}: H(k) contains NaN or inf")
    if dev > 1e-9 * max(1.0, float(np.abs(H).max())):
        raise ModelError(f"{name}: H(k) is not Hermitian (max |H - H^dagger| = {dev:.3g})")


def _k_widths(model) -> tuple[int, ...]:
    """Accepted last-axis sizes of k: ``dim`` or the embedding space's dimension."""
    widths = [model.dim]
    if model.lattice_vectors is not None:
        widths.append(np.shape(model.lattice_vectors)[1])
    elif model.has_positions:
        widths.append(np.shape(model.positions)[1])
    return tuple(widths)


# ``op=`` was the keyword of the operator before issue #14 (glossary: ``operator``)
@renamed_keywords(op="operator")
def to_band_basis(states: np.ndarray, operator: np.ndarray) -> np.ndarray:
    """Band-basis matrix elements ``U^dagger O U`` of an orbital-basis operator.

    Parameters
    ----------
    states : ndarray
        Eigenvectors as columns, shape (Nk, n, n).
    operator : ndarray
        ``O`` in the orbital basis: (n, n), (Nk, n, n) or (Nk, X, n, n) (X any number of
        extra component axes, e.g. the Cartesian axis of ``dH/dk``); ``op=`` is its
        deprecated spelling.

    Returns
    -------
    ndarray
        ``<m|O|n>``, shape (Nk, n, n) or (Nk, X, n, n) (units of ``O``).
    """
    U = states
    operator = np.asarray(operator)
    if operator.ndim == 2:
        return np.conj(np.swapaxes(U, -1, -2)) @ operator @ U
    extra = operator.ndim - U.ndim
    Ue = U.reshape(U.shape[:1] + (1,) * extra + U.shape[1:]) if extra > 0 else U
    return np.conj(np.swapaxes(Ue, -1, -2)) @ operator @ Ue


@dataclass(frozen=True)
class Eigensystem:
    """Eigen-decomposition of H(k) on a stack of k-points.

    Attributes
    ----------
    k : (Nk, dim) Cartesian k (1/a)
    energies : (Nk, n) ascending band energies (t0)
    states : (Nk, n, n) eigenvectors as columns, orbital basis (atomic-position gauge)
    velocity : (Nk, dim, n, n) band-basis matrix of the velocity operator ``-i[r, H]``
        (t0 a / hbar): ``v_mn = <m|dH/dk|n>`` in the tight-binding approximation; with a
        position matrix (full Wannier interpolation, :meth:`BlochModel.position_matrix`)
        ``v_mn = <m|dH/dk|n> + i (e_m - e_n) Abar_mn`` (docs/wannier-interpolation.md)
    degen_tol : float, energies closer than this are one degenerate level (t0)
    connection : (Nk, dim, n, n) or None
        ``Abar = U^dagger A U``, the Wannier-gauge position matrix in the band basis (a);
        None in the tight-binding approximation
    position_curl : (Nk, dim, dim, n, n) or None
        ``d_b A^c - d_c A^b`` in the orbital basis (a^2; None with ``connection``); its
        band-basis form is :attr:`connection_curl` (computed on first use) and its band
        diagonal :meth:`curl_diagonal` (half the products). Built on first use when the
        eigensystem came from packed fields (the constructor then receives a callable)
    curl_diagonals : (Nk, dim, dim, n) or None
        ``Re [U^dagger (d_b A^c - d_c A^b) U]_nn`` (a^2) when computed with the states
        (packed fields); None: :meth:`curl_diagonal` computes it from ``position_curl``
    """

    k: np.ndarray
    energies: np.ndarray
    states: np.ndarray
    velocity: np.ndarray
    degen_tol: float = DEGEN_TOL
    connection: np.ndarray | None = None
    _position_curl: object = field(default=None, repr=False)  # array, None or a callable
    curl_diagonals: np.ndarray | None = field(default=None, repr=False, compare=False)

    @classmethod
    def compute(cls, model, k, *, degen_tol: float = DEGEN_TOL, check: bool = True
                ) -> "Eigensystem":
        """Diagonalize ``model.hamiltonian(k)`` for all ``k`` at once.

        Models with :meth:`~lrtheory.models.protocol.BlochModel.packed_fields` (Wannier90
        models) take the packed route (two Hermitian operators per complex product, the gauge
        phase on the eigenvectors, intermediates in blocks of :data:`CACHE_BLOCK_BYTES`);
        the others :func:`~lrtheory.models.protocol.bloch_fields` and one band-basis
        transform per operator. Both give the same eigensystem (to rounding).

        Parameters
        ----------
        model : BlochModel
            The model (:func:`lrtheory.models.protocol.hamiltonian_and_velocity` gives H
            and dH/dk in one pass).
        k : (Nk, dim) or (Nk, d_space) array
            Cartesian k (1/a); a 1D array is one k (or, for ``dim = 1``, Nk values).
        degen_tol : float
            Degeneracy threshold (t0).
        check : bool
            Refuse a non-finite or non-Hermitian H(k) (:class:`ModelError`).

        Returns
        -------
        Eigensystem
        """
        ensure_model(model, where="Eigensystem.compute")
        k = check_finite("k", np.asarray(k, float))
        if k.ndim == 1:
            k = k[:, None] if model.dim == 1 else k[None, :]
        if k.ndim != 2 or k.shape[1] not in _k_widths(model):
            raise ShapeError(f"k must have shape (Nk, {model.dim}), got {k.shape}")
        packed = model.packed_fields(k)
        if packed is not None:
            if check:
                check_hamiltonian(packed.hamiltonian, model.name)
            return cls._from_packed(k, packed, float(degen_tol))
        H, dH, pm = bloch_fields(model, k)
        if check:
            check_hamiltonian(H, model.name)
        e, U = np.linalg.eigh(H)
        V = to_band_basis(U, dH)
        if pm is None:
            return cls(k, e, U, V, float(degen_tol))
        Abar = to_band_basis(U, pm.connection)
        V += 1j * (e[:, None, :, None] - e[:, None, None, :]) * Abar
        return cls(k, e, U, V, float(degen_tol), Abar, pm.curl)

    @classmethod
    def _from_packed(cls, k, packed, degen_tol: float) -> "Eigensystem":
        """The eigensystem from :class:`~lrtheory.models.protocol.PackedFields`: one ``eigh``,
        then per block of :data:`CACHE_BLOCK_BYTES` of k-points one product ``P (DU)`` of all
        stacked operators, one ``(DU)^dagger [P (DU)]`` of those needed whole, their
        Hermitian and anti-Hermitian parts written straight into the velocity and
        connection, and the curl's band diagonal ``sum_i conj(DU)_in [C (DU)]_in``."""
        e, UW = np.linalg.eigh(packed.hamiltonian)  # eigenvectors in the gauge of the blocks
        U = np.conj(packed.phase)[:, :, None] * UW  # atomic-position gauge: D^dagger (DU)
        P, full = packed.blocks, packed.n_full
        Nk, B, n = P.shape[0], P.shape[1], P.shape[-1]
        d = len(packed.velocity)
        V = np.empty((Nk, d, n, n), complex)
        Abar = None if packed.connection is None else np.empty((Nk, d, n, n), complex)
        diag = np.empty((Nk, B - full, n), complex)
        step = max(1, CACHE_BLOCK_BYTES // (16 * n * n * (B + 2 * full + 2 * d)))
        stacked = (packed.velocity == tuple((a, 0) for a in range(d)) and full == d
                   and packed.connection == tuple((a, 1) for a in range(d)))
        for i in range(0, Nk, step):  # blocks of k: the intermediates stay in cache
            sl = slice(i, min(i + step, Nk))
            uw = UW[sl]
            Y = np.matmul(P[sl].reshape(-1, B * n, n), uw).reshape(-1, B, n, n)
            Z = np.conj(np.swapaxes(uw, -1, -2))[:, None] @ Y[:, :full]
            ZH = np.empty_like(Z)
            np.conjugate(np.swapaxes(Z, -1, -2), out=ZH)
            if Abar is not None and stacked:  # all components at once (full interpolation)
                _stacked_parts(Z, ZH, V[sl], Abar[sl], e[sl])
            else:
                _parts(Z, ZH, packed.velocity, V[sl])
                if Abar is not None:
                    _parts(Z, ZH, packed.connection, Abar[sl], V[sl], e[sl])
            diag[sl] = np.vecdot(uw[:, None], Y[:, full:], axis=-2)  # sum_i conj(uw_in) Y_in
        if Abar is None:
            return cls(k, e, U, V, degen_tol)
        curl = np.zeros((Nk, d, d, n))
        for (b, c), j, p in packed.curl:
            value = diag[:, j - full]
            curl[:, b, c] = value.imag if p else value.real
            curl[:, c, b] = -curl[:, b, c]
        return cls(k, e, U, V, degen_tol, Abar, _PackedCurl(packed, d), curl)

    @cached_property
    def position_curl(self) -> np.ndarray | None:
        """``d_b A^c - d_c A^b`` (Nk, dim, dim, n, n) in the orbital basis (a^2), None in the
        tight-binding approximation (see the class docstring)."""
        curl = self._position_curl
        return curl() if callable(curl) else curl

    @cached_property
    def connection_curl(self) -> np.ndarray | None:
        """``U^dagger (d_b A^c - d_c A^b) U`` (Nk, dim, dim, n, n) (a^2; read-only), None
        in the tight-binding approximation."""
        if self.position_curl is None:
            return None
        d = self.position_curl.shape[1]
        b, c = np.triu_indices(d, 1)  # the curl is antisymmetric: transform b < c only
        upper = to_band_basis(self.states, self.position_curl[:, b, c])
        curl = np.zeros(upper.shape[:1] + (d, d) + upper.shape[2:], complex)
        curl[:, b, c], curl[:, c, b] = upper, -upper
        curl.setflags(write=False)
        return curl

    def curl_diagonal(self, b: int, c: int) -> np.ndarray:
        """Band diagonal ``Re [U^dagger (d_b A^c - d_c A^b) U]_nn`` (Nk, n) (a^2): one
        product ``C U`` and an elementwise sum (``sum_i conj(U_in) (C U)_in``).

        Parameters
        ----------
        b, c : int
            Components.

        Returns
        -------
        ndarray
            (Nk, n) real (a^2); zeros without a position matrix.
        """
        if self.curl_diagonals is not None:
            return self.curl_diagonals[:, b, c]
        if self.position_curl is None:
            return np.zeros(self.energies.shape)
        U = self.states
        CU = self.position_curl[:, b, c] @ U
        return np.einsum("kin,kin->kn", U.real, CU.real) + np.einsum("kin,kin->kn", U.imag,
                                                                      CU.imag)

    # -- derived quantities -----------------------------------------------------------------
    @property
    def n_bands(self) -> int:
        return self.energies.shape[-1]

    def energy_differences(self) -> np.ndarray:
        """Energy differences ``e_m - e_n``.

        Returns
        -------
        ndarray
            Index order [..., m, n], shape (Nk, n, n) (t0).
        """
        e = self.energies
        return e[..., :, None] - e[..., None, :]

    def degenerate(self) -> np.ndarray:
        """Degeneracy mask, computed once per eigensystem.

        Returns
        -------
        ndarray
            Boolean (Nk, n, n), read-only: True where ``|e_m - e_n| <= degen_tol``
            (diagonal included).
        """
        return self._degenerate

    @cached_property
    def _degenerate(self) -> np.ndarray:
        deg = np.abs(self.energy_differences()) <= self.degen_tol
        deg.setflags(write=False)
        return deg

    @cached_property
    def has_degenerate_bands(self) -> bool:
        """True if two different bands are degenerate (within ``degen_tol``) at some k
        (ascending energies, as from ``eigh``: neighbours compared, O(n) per k)."""
        step = np.diff(self.energies, axis=-1)
        if np.all(step >= 0):
            return bool(np.any(step <= self.degen_tol))
        return bool(np.any(self.degenerate().sum(-1) > 1))

    @cached_property
    def inverse_gap_squared(self) -> np.ndarray:
        """``1/(e_n - e_m)^2`` (Nk, n, n), 0 inside degenerate blocks (1/t0^2; read-only)."""
        d = self.energy_differences()
        deg = self.degenerate()
        out = np.where(deg, 0.0, 1.0 / np.where(deg, 1.0, d) ** 2)
        out.setflags(write=False)
        return out

    @renamed_keywords(op="operator")
    def operator(self, operator: np.ndarray) -> np.ndarray:
        """Matrix elements of an orbital-basis operator in the band basis.

        Parameters
        ----------
        operator : ndarray
            ``O`` in the orbital basis, (n, n) or with leading axes (see
            :func:`to_band_basis`); ``op=`` is its deprecated spelling.

        Returns
        -------
        ndarray
            ``<m|O|n>``, shape (Nk, n, n) (or (Nk, X, n, n)), units of ``O``.
        """
        return to_band_basis(self.states, operator)

    def berry_connection(self) -> np.ndarray:
        r"""Interband Berry connection ``A^a_mn = i v^a_mn / (e_n - e_m)``, (Nk, dim, n, n).

        Zero inside degenerate blocks (there it is gauge-dependent and never needed by the
        gauge-covariant formulas of lrtheory). Units of a.

        Returns
        -------
        ndarray
            ``A^a_mn``, complex, shape (Nk, dim, n, n) (a).
        """
        de = -self.energy_differences()  # e_n - e_m at [m, n]
        deg = self.degenerate()
        inv = np.where(deg, 0.0, 1.0 / np.where(deg, 1.0, de))
        return 1j * self.velocity * inv[:, None, :, :]

    def require_nondegenerate(self, what: str) -> None:
        """Raise :class:`GaugeError` if any two bands are degenerate within ``degen_tol``.

        Parameters
        ----------
        what : str
            The gauge-dependent quantity asked for, first words of the message.

        Raises
        ------
        GaugeError
            Two bands are degenerate at some k.
        """
        deg = self.degenerate()
        n = self.n_bands
        off = deg & ~np.eye(n, dtype=bool)
        if np.any(off):
            kk = np.argwhere(off.any(axis=(-1, -2)))[0, 0]
            raise GaugeError(
                f"{what} is gauge-dependent for degenerate bands, and bands are degenerate "
                f"(within {self.degen_tol:g}) at k = {self.k[kk]}: ask for a gauge-invariant "
                "quantity (traces over the degenerate subspace) instead"
            )

    def randomize_gauge(self, rng: np.random.Generator) -> "Eigensystem":
        """Same eigensystem with random phases on every state and random unitary rotations
        inside every degenerate block (for gauge-invariance tests).

        Parameters
        ----------
        rng : numpy.random.Generator
            Source of the random unitaries.

        Returns
        -------
        Eigensystem
            Same ``k``, ``energies``; ``states`` and ``velocity`` in the new gauge.
        """
        W = random_block_unitary(self.degenerate(), rng)
        U = self.states @ W
        Wd = np.conj(np.swapaxes(W, -1, -2))
        V = Wd[:, None] @ self.velocity @ W[:, None]
        if self.connection is None:
            return replace(self, states=U, velocity=V)
        # position_curl is orbital-basis: the new states carry the new gauge
        return replace(self, states=U, velocity=V, curl_diagonals=None,
                       connection=Wd[:, None] @ self.connection @ W[:, None])


#: bytes of intermediates per block of k-points in :meth:`Eigensystem._from_packed` (measured
#: for 18 bands: 32 k-points per block cost 0.43x eigh after the diagonalization, the whole
#: chunk of 372 at once 1.1x; docs/performance.md)
CACHE_BLOCK_BYTES = 3 << 20


def _parts(Z, ZH, layout, out, V=None, e=None):
    """Write each component ``(j, p)`` of ``layout``: ``X = Z_j + Z_j^dagger`` (``p = 0``) or
    ``Y = -i (Z_j - Z_j^dagger)`` (``p = 1``) into ``out[:, a]``; with ``V`` and the energies
    ``e``, add the connection's term ``i (e_m - e_n) Y_mn = (e_m - e_n) (Z - Z^dagger)_mn``
    of the velocity ``-i[r, H]`` to ``V[:, a]`` (real gaps times the (re, im) pairs: the
    same products as complex times real, without the cast of the gaps to complex)."""
    gap = None if e is None else np.repeat(e[:, :, None] - e[:, None, :], 2, -1)
    term = None
    for a, (j, p) in enumerate(layout):
        (np.subtract if p else np.add)(Z[:, j], ZH[:, j], out=out[:, a])
        if p and gap is not None:
            term = np.multiply(out[:, a].view(float), gap, out=term)
            velocity = V[:, a].view(float)
            velocity += term
        if p:
            out[:, a] *= -1j


def _stacked_parts(Z, ZH, V, A, e):
    """:func:`_parts` when block ``a`` holds ``dH/dk_a`` (Hermitian part) and ``A^a``
    (anti-Hermitian part) for every ``a``: the same arithmetic on all components at once,
    ``V = X + (e_m - e_n) (Z - Z^dagger)``, ``A = -i (Z - Z^dagger)``."""
    np.add(Z, ZH, out=V)
    np.subtract(Z, ZH, out=A)
    gap = np.repeat(e[:, :, None] - e[:, None, :], 2, -1)[:, None]
    term = np.multiply(A.view(float), gap, out=ZH.view(float)).view(complex)  # ZH reused
    V += term
    A *= -1j


class _PackedCurl:
    """The orbital-basis curl of packed fields, built on first use (picklable callable):
    ``Eigensystem.position_curl`` of an eigensystem from :meth:`Eigensystem._from_packed`."""

    def __init__(self, packed, d: int):
        self.blocks = packed.blocks[:, packed.n_full:]
        self.phase, self.layout, self.d, self.first = packed.phase, packed.curl, d, packed.n_full

    def __call__(self) -> np.ndarray:
        Nk, _, n, _ = self.blocks.shape
        gauge = np.conj(self.phase)[:, :, None] * self.phase[:, None, :]
        curl = np.zeros((Nk, self.d, self.d, n, n), complex)
        for (b, c), j, part in self.layout:
            C = self.blocks[:, j - self.first]
            adj = np.conj(np.swapaxes(C, -1, -2))
            curl[:, b, c] = gauge * (-0.5j * (C - adj) if part else 0.5 * (C + adj))
            curl[:, c, b] = -curl[:, b, c]
        return curl
