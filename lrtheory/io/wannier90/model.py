"""The Wannier90 model: :class:`Wannier90Model` (H(k), dH/dk and the position matrix per
lattice vector R) and :func:`real_space_hamiltonian` (conventions:
:mod:`lrtheory.io.wannier90`; file data to a model: :mod:`lrtheory.io.wannier90.convert`)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lrtheory.io.wannier90.fourier import PairedSum
from lrtheory.io.wannier90.read import fill_doc
from lrtheory.models.protocol import PackedFields, PositionMatrix
from lrtheory.models.tightbinding import TightBindingModel

__all__ = ["Wannier90Model", "real_space_hamiltonian"]

_K_DOC = """Parameters
        ----------
        k : array_like
            Cartesian k (..., dim) (1/a; for Wannier90 files 1/Angstrom).

        Returns
        -------
        {rtype}
            {rdesc}"""


@dataclass(frozen=True, eq=False)
class Wannier90Model(TightBindingModel):
    r"""A :class:`TightBindingModel` whose H(k) is evaluated per lattice vector R.

    Same Hamiltonian and velocity as the parent (atomic-position convention), computed as

    .. math:: H(k) = D^\dagger(k) H_W(k) D(k),\quad H_W(k) = \sum_R e^{ik\cdot RA} t(R),
              \quad D = \mathrm{diag}(e^{ik\cdot r_j}),

    ``dH/dk_a = D^\dagger [\sum_R i (RA)_a e^{ik.RA} t(R)] D + i (r_j - r_i)_a H_ij``.
    Cost per k: ``nrpts * n^2`` (the parent groups bonds by their full displacement
    ``R.A + r_j - r_i``, up to ``nrpts * n^2`` groups of ``n x n`` matrices for Wannier
    centres at generic positions, i.e. ``nrpts * n^4`` per k).

    Parameters
    ----------
    lattice_vectors : (dim, d_space) array
        Lattice vectors (the file's length unit, Angstrom).
    positions : (n, d_space) array
        Orbital (Wannier centre) positions (Angstrom).
    hoppings : tuple
        Bonds as for :class:`TightBindingModel` (energies in the file's unit, eV).
    onsite : (n,) array, optional
        On-site energies (eV).
    time_reversal : TimeReversal, optional
        Antiunitary symmetry of the model.
    transverse_axis : array, optional
        As for :class:`TightBindingModel`.
    name : str
        Model name.
    params : dict
        Model parameters (provenance).
    position_blocks : tuple, optional
        ``(R (nR, 3) int, A (nR, dim, n, n) complex)``: the position matrix elements
        ``<m0|r|nR> - r_m delta_mn delta_R0`` (Angstrom) of full Wannier interpolation
        (:meth:`position_matrix`); None (default): tight-binding approximation.
    spin_blocks : tuple, optional
        ``(R (nR, 3) int, S (nR, 3, n, n) complex)``: the spin matrix elements
        ``<m0|S_a|nR>`` (hbar; ``S = sigma/2``, already divided by the Wigner-Seitz
        degeneracies) of a Wannier90 run (``seedname.spn``,
        :func:`lrtheory.io.wannier90.run.load_wannier90_run`), read by
        :meth:`spin_operator`; None (default): no spin operator from the run.
    """

    position_blocks: tuple | None = None
    spin_blocks: tuple | None = None

    def __post_init__(self):
        super().__post_init__()
        R, H = real_space_hamiltonian(self)
        RA = R[:, : self.dim].astype(float) @ self.lattice_vectors  # (nrpts, d_space)
        object.__setattr__(self, "_rblocks", (R, RA, H))
        object.__setattr__(self, "_hsum", PairedSum(R, RA, H, self.lattice_vectors))
        if self.spin_blocks is not None:  # one Fourier sum per component (axis=)
            RS = np.asarray(self.spin_blocks[0], int)
            SR = np.asarray(self.spin_blocks[1], complex)
            RSA = RS[:, : self.dim].astype(float) @ self.lattice_vectors
            object.__setattr__(self, "_ssum", [PairedSum(RS, RSA, SR[:, a], self.lattice_vectors)
                                                for a in range(3)])
        self._check_declared_time_reversal()

    def with_time_reversal(self, time_reversal) -> "Wannier90Model":
        """Same model (position matrix included) with another declared time reversal,
        checked on H like at construction.

        Parameters
        ----------
        time_reversal : TimeReversal, (n, n) array or None
            ``Theta = U K``.

        Returns
        -------
        Wannier90Model
        """
        import dataclasses

        return dataclasses.replace(self, time_reversal=time_reversal)

    @property
    def has_position_matrix(self) -> bool:
        """True when built with the off-diagonal position elements (full interpolation)."""
        return self.position_blocks is not None

    @fill_doc(k=_K_DOC.format(rtype="PositionMatrix or None", rdesc="``connection`` (..., "
                              "dim, n, n) (Angstrom), ``curl`` (..., dim, dim, n, n) "
                              "(Angstrom^2)."))
    def position_matrix(self, k) -> PositionMatrix | None:
        r"""Wannier-gauge position matrix ``A(k)`` and its curl (full Wannier interpolation),
        in the atomic-position gauge of :class:`~lrtheory.models.protocol.PositionMatrix`;
        None for a tight-binding model (``interpolation='tight-binding'``).

        {k}
        """
        if self.position_blocks is None:
            return None
        k = self._cartesian_k(k)
        if self.dim != self.lattice_vectors.shape[1]:
            return self._position_only(k)
        return self.hamiltonian_velocity_position(k)[2]

    @fill_doc(k=_K_DOC.format(rtype="ndarray or None", rdesc="(..., 3, n, n) complex "
                              "(hbar), Hermitian ((..., n, n) with ``axis``); None "
                              "without spin blocks and ``spin``."))
    def spin_operator(self, k, axis: int | None = None):
        """Spin operators ``S_a(k) = D^+(k) [sum_R exp(i k.RA) S_a(R)] D(k)`` of a
        Wannier90 run (atomic-position convention, the same phases as :meth:`hamiltonian`);
        without ``spin_blocks`` the protocol's default (the k-independent ``spin``).
        ``axis`` (0, 1, 2) computes one component alone (a third of the cost).

        {k}
        """
        if self.spin_blocks is None:
            return super().spin_operator(k, axis)
        k = self._cartesian_k(k)
        gauge = self._gauge(k)
        if axis is not None:
            return self._ssum[axis](k) * gauge
        return np.stack([s(k) for s in self._ssum], -3) * gauge[..., None, :, :]

    def _gauge(self, k):
        """``exp(ik.(r_n - r_m))`` at [..., m, n]: Wannier90 gauge to atomic-position gauge."""
        D = np.exp(1j * (k @ self.positions.T))  # (..., n)
        return np.conj(D)[..., :, None] * D[..., None, :]

    @fill_doc(k=_K_DOC.format(rtype="ndarray",
                              rdesc="(..., n, n) complex (energy unit of the file: t0)."))
    def hamiltonian(self, k) -> np.ndarray:
        """Bloch Hamiltonian ``H(k)`` (atomic-position convention, Eq. S48).

        {k}
        """
        k = self._cartesian_k(k)
        return self._hsum(k) * self._gauge(k)

    @fill_doc(k=_K_DOC.format(rtype="H, dH : ndarray", rdesc="(..., n, n) and "
                              "(..., dim, n, n) complex (t0 and a t0)."))
    def hamiltonian_and_velocity(self, k):
        """``H(k)`` and ``dH/dk`` from one pass over the lattice vectors.

        {k}
        """
        k = self._cartesian_k(k)
        if self.dim != self.lattice_vectors.shape[1]:
            return super().hamiltonian_and_velocity(k)
        out = self._fields(k, False)
        return out[..., 0, :, :], out[..., 1:, :, :]

    @fill_doc(k=_K_DOC.format(rtype="H, dH, PositionMatrix or None", rdesc="As "
                              ":meth:`hamiltonian_and_velocity` and :meth:`position_matrix`."))
    def hamiltonian_velocity_position(self, k):
        """``H(k)``, ``dH/dk`` and the position matrix from one Fourier sum (one set of
        Bloch phases, one real matrix product; :func:`lrtheory.models.protocol.bloch_fields`).

        {k}
        """
        k = self._cartesian_k(k)
        if self.dim != self.lattice_vectors.shape[1]:
            return super().hamiltonian_and_velocity(k) + (self.position_matrix(k),)
        if self.position_blocks is None:
            out = self._fields(k, False)
            return out[..., 0, :, :], out[..., 1:, :, :], None
        d, n = self.dim, self.n_orbitals
        out = self._fields(k, True)
        b, c = np.triu_indices(d, 1)
        curl = np.zeros(k.shape[:-1] + (d, d, n, n), complex)
        curl[..., b, c, :, :] = out[..., 1 + 2 * d:, :, :]
        curl[..., c, b, :, :] = -out[..., 1 + 2 * d:, :, :]
        return (out[..., 0, :, :], out[..., 1:1 + d, :, :],
                PositionMatrix(out[..., 1 + d:1 + 2 * d, :, :], curl))

    @fill_doc(k=_K_DOC.format(rtype="PackedFields or None", rdesc="``H(k)``, the phases "
                              "``exp(ik.r_j)`` and the packed operators (None for a model "
                              "embedded in a larger space)."))
    def packed_fields(self, k) -> PackedFields | None:
        """``H(k)`` and ``dH/dk`` (with the position matrix ``A`` and its curl in full
        interpolation) for :meth:`lrtheory.bands.eigensystem.Eigensystem.compute`, from one
        Fourier sum of packed blocks: ``dH/dk_a + i A_a`` (tight-binding:
        ``dH/dk_a + i dH/dk_(a+1)``) and two curl components per block, all in the Wannier90
        gauge, ``H`` included (the atomic-position gauge phase goes on the eigenvectors, not
        on every block; :class:`~lrtheory.models.protocol.PackedFields`). 6 blocks of
        ``n x n`` in full interpolation in 3D (10 unpacked), 2 with tight-binding (3).

        {k}
        """
        k = self._cartesian_k(k)
        if self.dim != self.lattice_vectors.shape[1]:
            return None
        cached = self.__dict__.get("_packed")
        if cached is None:  # small (nrpts x blocks x n^2), kept
            cached = _packed_sum(self, *self._rblocks)
            object.__setattr__(self, "_packed", cached)
        psum, layout = cached
        k = k.reshape(-1, k.shape[-1])
        out = psum(k)  # (Nk, 1 + B, n, n): H, then the packed blocks, in the Wannier90 gauge
        D = np.exp(1j * (k @ self.positions.T))
        return PackedFields(out[:, 0], D, out[:, 1:], *layout)

    def _position_only(self, k):
        """Position matrix alone (models embedded in a larger space: ``dim < d_space``)."""
        cached = self.__dict__.get("_pblocks")
        if cached is None:  # small (nrpts x blocks x n^2), kept
            cached = _position_sum(self, *self.position_blocks)
            object.__setattr__(self, "_pblocks", cached)
        fsum, pairs = cached
        n, d = self.n_orbitals, self.dim
        out = fsum(k) * self._gauge(k)[..., None, :, :]
        A = out[..., :d, :, :]
        dpos = self.positions[None, :, :] - self.positions[:, None, :]  # r_n - r_m at [m, n]
        curl = np.zeros(k.shape[:-1] + (d, d, n, n), complex)
        for p, (b, c) in enumerate(pairs):
            cbc = out[..., d + p, :, :] + 1j * (dpos[..., b] * A[..., c, :, :]
                                                 - dpos[..., c] * A[..., b, :, :])
            curl[..., b, c, :, :] = cbc
            curl[..., c, b, :, :] = -cbc
        return PositionMatrix(A, curl)

    def _fields(self, k, position: bool) -> np.ndarray:
        """Stacked ``[H, dH/dk_a, (A_a, curl_bc for b < c)]`` (..., 1 + d (+ d + d(d-1)/2),
        n, n) in the atomic-position gauge: the gauge phase ``exp(ik.(r_n - r_m))`` applied
        in place to one Fourier sum whose blocks carry the full displacement
        ``R + r_n - r_m`` (so no separate ``i (r_n - r_m) H`` term)."""
        key = "_fullsum" if position else "_hvsum"
        fsum = self.__dict__.get(key)
        if fsum is None:  # small (nrpts x blocks x n^2), kept
            fsum = _field_sum(self, *self._rblocks, position)
            object.__setattr__(self, key, fsum)
        out = fsum(k)
        out *= self._gauge(k)[..., None, :, :]
        return out

    @fill_doc(k=_K_DOC.format(rtype="ndarray", rdesc="(..., dim, n, n) complex (a t0)."))
    def velocity(self, k) -> np.ndarray:
        """Velocity ``dH/dk`` (the second result of :meth:`hamiltonian_and_velocity`).

        {k}
        """
        return self.hamiltonian_and_velocity(k)[1]


def _position_sum(model, R, A):
    """``(PairedSum, pairs)`` of the blocks ``[A_a(R)] + [i((RA)_b A_c - (RA)_c A_b)(R)]``
    (``b < c`` in ``pairs``)."""
    R = np.asarray(R, int)
    A = np.asarray(A, complex)
    d = model.dim
    RA = R[:, :d].astype(float) @ model.lattice_vectors
    pairs = [(b, c) for b in range(d) for c in range(b + 1, d)]
    parts = [A[:, a] for a in range(d)]
    parts += [1j * (RA[:, b, None, None] * A[:, c] - RA[:, c, None, None] * A[:, b])
              for b, c in pairs]
    F = np.stack(parts, 1) if len(R) else np.zeros((0, len(parts)) + A.shape[-2:], complex)
    return PairedSum(R, RA, F, model.lattice_vectors), pairs


def _displacements(model, RA):
    """``RA + r_n - r_m`` at ``[R, m, n, a]`` (Angstrom)."""
    dpos = model.positions[None, :, :] - model.positions[:, None, :]
    return RA[:, None, None, :] + dpos[None]


def _field_sum(model, R, RA, H, position: bool) -> PairedSum:
    """One :class:`PairedSum` of ``[t, i X_a t, (A_a, i (X_b A_c - X_c A_b))]`` on the
    union of the Hamiltonian's and the position matrix's lattice vectors (absent blocks
    zero), ``X = RA + r_n - r_m`` (:func:`_displacements`); ``(R, RA, H)`` of the
    Hamiltonian as in ``real_space_hamiltonian``."""
    d = model.dim
    X = _displacements(model, RA)
    blocks = {tuple(r): [H[i]] + [1j * X[i, ..., a] * H[i] for a in range(d)]
              for i, r in enumerate(R)}
    n_blocks = 1 + d
    if position:
        RP, A = model.position_blocks
        RP = np.asarray(RP, int)
        A = np.asarray(A, complex)
        XP = _displacements(model, RP[:, :d].astype(float) @ model.lattice_vectors)
        pairs = [(b, c) for b in range(d) for c in range(b + 1, d)]
        zero = np.zeros_like(H[0])
        for key in blocks:
            blocks[key] += [zero] * (d + len(pairs))
        for i, r in enumerate(RP):
            row = blocks.setdefault(tuple(r), [zero] * n_blocks + [zero] * (d + len(pairs)))
            row[n_blocks:] = ([A[i, a] for a in range(d)]
                              + [1j * (XP[i, ..., b] * A[i, c] - XP[i, ..., c] * A[i, b])
                                 for b, c in pairs])
    keys = sorted(blocks)
    Rall = np.array(keys, int).reshape(-1, 3)
    RAall = Rall[:, :d].astype(float) @ model.lattice_vectors
    return PairedSum(Rall, RAall, np.array([np.stack(blocks[key]) for key in keys]),
                     model.lattice_vectors)


def _packed_sum(model, R, RA, H):
    """``(PairedSum, (velocity, connection, curl, n_full))`` of the blocks ``[t, P_1 ...]``
    of :meth:`Wannier90Model.packed_fields` (layout as :class:`PackedFields`): ``dH/dk_a =
    i X_a t`` and ``i (X_b A_c - X_c A_b)`` as in :func:`_field_sum` (``X = RA + r_n -
    r_m``), a Hermitian part times 1 and an anti-Hermitian part times i (exact)."""
    d, n = model.dim, model.n_orbitals
    full = model.position_blocks is not None
    pairs = [(b, c) for b in range(d) for c in range(b + 1, d)] if full else []
    if full:
        velocity = tuple((a, 0) for a in range(d))
        connection, n_full = tuple((a, 1) for a in range(d)), d
    else:
        velocity, connection, n_full = tuple((a // 2, a % 2) for a in range(d)), None, (d + 1) // 2
    curl = tuple(((b, c), n_full + p // 2, p % 2) for p, (b, c) in enumerate(pairs))
    n_blocks = n_full + (len(pairs) + 1) // 2
    unit, half = (1.0, 1j), (0.5, 0.5j)  # blocks transformed whole carry 1/2 (exact)
    rows: dict[tuple, np.ndarray] = {}

    def row(r):
        if tuple(r) not in rows:
            rows[tuple(r)] = np.zeros((1 + n_blocks, n, n), complex)
        return rows[tuple(r)]

    X = _displacements(model, RA)
    for i, r in enumerate(R):
        F = row(r)
        F[0] = H[i]
        for a, (j, part) in enumerate(velocity):
            F[1 + j] += half[part] * (1j * X[i, ..., a] * H[i])
    if full:
        RP, A = model.position_blocks
        RP, A = np.asarray(RP, int), np.asarray(A, complex)
        XP = _displacements(model, RP[:, :d].astype(float) @ model.lattice_vectors)
        for i, r in enumerate(RP):
            F = row(r)
            for a, (j, part) in enumerate(connection):
                F[1 + j] += half[part] * A[i, a]
            for (b, c), j, part in curl:
                F[1 + j] += unit[part] * (1j * (XP[i, ..., b] * A[i, c]
                                                - XP[i, ..., c] * A[i, b]))
    keys = sorted(rows)
    Rall = np.array(keys, int).reshape(-1, 3)
    RAall = Rall[:, :d].astype(float) @ model.lattice_vectors
    return (PairedSum(Rall, RAall, np.array([rows[key] for key in keys]), model.lattice_vectors),
            (velocity, connection, curl, n_full))


def real_space_hamiltonian(model: TightBindingModel):
    """``(R (nrpts, 3) int, H (nrpts, n, n))`` with ``H[r, i, j] = <i0|H|j R_r>`` (both
    members of every conjugate pair, on-site energies at R = 0), R sorted.

    Parameters
    ----------
    model : TightBindingModel
        Any tight-binding model.

    Returns
    -------
    tuple of ndarray
        ``(R, H)``: R (nrpts, 3) int and H (nrpts, n, n) complex (energy units of the model).
    """
    n = model.n_orbitals
    blocks: dict[tuple, np.ndarray] = {}

    def add(R, i, j, t):
        R3 = tuple(R) + (0,) * (3 - len(R))
        if R3 not in blocks:
            blocks[R3] = np.zeros((n, n), complex)
        blocks[R3][i, j] += t

    add((0, 0, 0), 0, 0, 0.0)
    for h in model.hoppings:
        add(h.R, h.i, h.j, h.t)
        add(tuple(-r for r in h.R), h.j, h.i, np.conj(h.t))
    blocks[(0, 0, 0)][np.arange(n), np.arange(n)] += model.onsite
    keys = sorted(blocks)
    return np.array(keys, int).reshape(-1, 3), np.stack([blocks[k] for k in keys])
