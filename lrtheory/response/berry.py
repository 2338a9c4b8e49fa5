r"""Generalized Berry curvature (paper Eq. S24), operators in the band basis, and an
independent lattice-link (Fukui-Hatsugai-Suzuki) Chern number.

Generalized Berry curvature of a one-body operator ``O`` (hbar = 1):

.. math::
   \Omega^{O}_{n,bc}(\mathbf k) = -2\sum_{n'\notin D(n)}
   \frac{\mathrm{Im}\{[O\star v^b]_{nn'}\, v^c_{n'n}\}}{(\epsilon_n-\epsilon_{n'})^2},
   \qquad O\star v = (Ov + vO)/2 ,

with ``D(n)`` the set of bands degenerate with ``n`` (``|e_n - e_n'| <= degen_tol``), which
are excluded from the sum (their denominator vanishes; the paper's ``n' != n``).
``O = 1`` gives the ordinary Berry curvature ``Omega_n = d_x A^y_nn - d_y A^x_nn`` with
``A = i<u|d_k u>`` (docs/conventions.md).

Degenerate bands: ``Omega_n`` of one member of a degenerate block is not gauge invariant
(a rotation inside the block mixes it with its partners); the **block trace**
``sum_{n in D} Omega_n`` is. Every Fermi-sea sum gives all members of a block the same
occupation, so it only needs block traces. :func:`generalized_berry_curvature` therefore
returns, by default, the block average (block trace / block size) for each member: gauge
invariant, and with the same Fermi-sea sums as the raw diagonal.
"""
from __future__ import annotations

import numpy as np

from lrtheory.conventions import ELECTRON_CHARGE
from lrtheory.errors import LrtheoryError, ModelError, ShapeError
from lrtheory.response.bulk_omm import block_average_diagonal, omm_matrix

__all__ = [
    "band_operator",
    "generalized_berry_curvature",
    "berry_curvature",
    "fhs_chern",
    "reciprocal_vectors",
]


def band_operator(eig, op, model=None) -> np.ndarray:
    """Matrix elements (Nk, n, n) of a one-body operator in the band basis.

    ``op`` may be

    * ``None`` or ``"number"``: the identity (``O = 1``: ordinary Berry curvature);
    * ``"charge"``: ``q * 1`` with the electron charge ``q = -1``;
    * ``"orbital"``: the bulk orbital moment ``m_z`` (:func:`lrtheory.response.bulk_omm.omm_matrix`);
    * ``"spin_x"``, ``"spin_y"``, ``"spin_z"``: ``model.spin[a]`` (models with a ``spin``
      attribute of shape (3, n, n), e.g. :class:`lrtheory.models.continuum.RashbaGas`);
    * an (n, n) array in the orbital basis (k independent, e.g. sublattice ``sigma_z``);
    * a callable ``f(eig) -> (Nk, n, n)`` already in the band basis (e.g. a valley operator
      ``tau(k) * 1``).
    """
    Nk, n = eig.energies.shape
    if op is None or (isinstance(op, str) and op == "number"):
        return np.broadcast_to(np.eye(n, dtype=complex), (Nk, n, n))
    if isinstance(op, str):
        if op == "charge":
            return ELECTRON_CHARGE * np.broadcast_to(np.eye(n, dtype=complex), (Nk, n, n))
        if op == "orbital":
            return omm_matrix(eig)
        if op.startswith("spin"):
            spin = getattr(model, "spin", None) if model is not None else None
            if spin is None:
                raise ModelError(
                    f"operator {op!r} needs a model with a spin attribute (3, n, n); "
                    f"{getattr(model, 'name', model)!r} has none (spinless model)"
                )
            comp = {"spin_x": 0, "spin_y": 1, "spin_z": 2, "spin": 2}.get(op)
            if comp is None:
                raise LrtheoryError(f"unknown spin component {op!r}: use spin_x, spin_y, spin_z")
            return eig.operator(np.asarray(spin)[comp])
        raise LrtheoryError(
            f"unknown operator {op!r}: use number, charge, orbital, spin_x|y|z, a matrix or a callable"
        )
    if callable(op):
        O = np.asarray(op(eig))
        if O.shape != (Nk, n, n):
            raise ShapeError(f"operator callable must return shape {(Nk, n, n)}, got {O.shape}")
        return O
    O = np.asarray(op)
    if O.shape != (n, n):
        raise ShapeError(f"operator matrix must have shape ({n}, {n}), got {O.shape}")
    return eig.operator(O)


def generalized_berry_curvature(eig, op=None, *, b: int = 0, c: int = 1, model=None,
                                block_average: bool = True) -> np.ndarray:
    r"""Generalized Berry curvature ``Omega^O_{n,bc}(k)`` of Eq. (S24), shape (Nk, n).

    Units: ``[O] a^2`` (for ``O = 1``: a^2). See the module docstring for the formula and
    the degenerate-band treatment. ``b`` is the current direction (``O * v^b``), ``c`` the
    field direction.
    """
    O = band_operator(eig, op, model)
    V = eig.velocity
    vb, vc = V[:, b], V[:, c]
    if op is None or op == "number" or op == "charge":
        X = vb if op != "charge" else ELECTRON_CHARGE * vb
    else:
        X = 0.5 * (O @ vb + vb @ O)
    # sum_{n'} Im(X_{n n'} vc_{n' n}) / (e_n - e_n')^2
    prod = X * np.swapaxes(vc, -1, -2)
    omega = -2.0 * np.einsum("knm,knm->kn", prod.imag, eig.inverse_gap_squared)
    if block_average and eig.has_degenerate_bands:
        omega = block_average_diagonal(eig, omega)
    return omega


def berry_curvature(eig, *, block_average: bool = True) -> np.ndarray:
    """Ordinary Berry curvature ``Omega_n(k)`` (Nk, n), ``O = 1`` in Eq. (S24), units a^2."""
    return generalized_berry_curvature(eig, None, block_average=block_average)


def reciprocal_vectors(model) -> np.ndarray:
    """Reciprocal vectors b_i (rows, 1/a) of a 2D lattice model."""
    lat = getattr(model, "lattice_vectors", None)
    if lat is None:
        raise ModelError(
            f"{getattr(model, 'name', 'model')} has no lattice (continuum model): "
            "use a polar k grid instead of a Brillouin-zone grid"
        )
    lat = np.atleast_2d(np.asarray(lat, float))
    return 2 * np.pi * np.linalg.pinv(lat).T


def fhs_chern(model, nk: int, n_occ: int) -> float:
    r"""Chern number of the lowest ``n_occ`` bands by lattice links (Fukui, Hatsugai, Suzuki,
    JPSJ 74, 1674 (2005)), vectorized over the ``nk x nk`` grid.

    Links ``U_mu(k) = det <u(k)|u(k + dk_mu)>`` over the occupied subspace (gauge invariant
    as a plaquette product), field ``F = arg(U_1(k) U_2(k+1) U_1(k+2)^* U_2(k)^*)``. With
    ``A = i<u|du>`` the plaquette phase is ``-int Omega d^2k`` (orientation of b_1, b_2), so
    ``C = -sign(det B) sum F / 2 pi`` in the convention ``C = (1/2pi) int Omega d^2k``.
    Boundary links use the atomic-position convention ``u(k + G) = diag(exp(-i G.r_mu)) u(k)``
    (paper Eq. S48). Exact integer for any ``nk`` large enough that ``|F| < pi`` everywhere.
    """
    B = reciprocal_vectors(model)
    nk = int(nk)
    if nk < 2:
        raise LrtheoryError(f"nk must be >= 2, got {nk}")
    frac = np.arange(nk) / nk
    f1, f2 = np.meshgrid(frac, frac, indexing="ij")
    k = np.stack([f1, f2], -1) @ B  # (nk, nk, 2)
    H = model.hamiltonian(k.reshape(-1, 2))
    _, U = np.linalg.eigh(H)
    U = U.reshape(nk, nk, model.n_orbitals, -1)[..., :n_occ]
    pos = np.asarray(model.positions, float)[:, : B.shape[1]]

    def shifted(axis):
        Us = np.roll(U, -1, axis=axis)
        G = B[axis]
        phase = np.exp(-1j * pos @ G)  # u(k+G) = D^dagger u(k)
        edge = [slice(None)] * 2
        edge[axis] = -1
        Us[tuple(edge)] = phase[:, None] * Us[tuple(edge)]
        return Us

    def link(axis):
        M = np.einsum("...ia,...ib->...ab", U.conj(), shifted(axis))
        d = np.linalg.det(M)
        return d / np.abs(d)

    U1, U2 = link(0), link(1)
    F = np.angle(U1 * np.roll(U2, -1, axis=0) * np.conj(np.roll(U1, -1, axis=1)) * np.conj(U2))
    orient = np.sign(np.linalg.det(B))
    return float(-orient * F.sum() / (2 * np.pi))
