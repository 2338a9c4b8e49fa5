r"""The position matrix of full Wannier interpolation carried into a film (issue #15).

A Wannier90 model read with ``interpolation="full"`` has, besides ``t(R)``, the position
elements ``A(R) = <m0|r|nR> - r_m delta_mn delta_R0`` (a;
:class:`lrtheory.io.wannier90.Wannier90Model`). Cutting the crystal into a film restricts
the Wannier space to the film's functions; the position operator restricted to that space is
well defined, and its elements follow from the parent's by translation,
``<m T|r|n T'> = <m0|r|n, T' - T> + T delta_mn``. With the film's centres
``r_(c,m) = r_m + c a_3'`` (layer ``c``, stacking vector ``a_3'``; with ``fold`` the shifted
ones) the subtracted diagonal absorbs the translation, so **the film's blocks are the
parent's, re-indexed exactly like the hoppings** (element ``(m, n, R)`` goes to layers
``(c, c + R'_3)`` at in-plane ``R'_par``, ``R' = R M^-1`` plus the fold shifts) and rotated
into the film's frame (``A'_a = sum_b F_ab A_b``). Elements that leave the stack are cut,
as hoppings are.

In the film's atomic-position gauge (docs/conventions.md):

.. math:: A^a_{\mu\nu}(\mathbf k) = \sum_{\mathbf R_\parallel}
          e^{i\mathbf k\cdot(\mathbf R_\parallel + \mathbf r_\nu - \mathbf r_\mu)}
          A^a_{\mu\nu}(\mathbf R_\parallel),\qquad
          Z(\mathbf k) = \mathrm{diag}(z_\mu) + A^z(\mathbf k),

the in-plane components ``a = x, y`` are the film's
:meth:`~lrtheory.models.slabs.TightBindingSlab.position_matrix` (so its eigensystem has the
velocity ``-i[r, H]`` and its Hall conductivity the Wannier-space curvature, exactly as a
bulk model: docs/wannier-interpolation.md) and the normal one enters the film's position
``Z`` (:meth:`~lrtheory.models.slabs.TightBindingSlab.normal_position`: the normal current
``i[H, Z]``). Units: a (the parent's length unit), curl a^2.
"""
from __future__ import annotations

import numpy as np

from lrtheory.errors import ModelError
from lrtheory.models.protocol import PositionMatrix

__all__ = ["cut_position_blocks", "position_fields"]


def cut_position_blocks(model, M, shift, layers: int, frame) -> tuple:
    """The film's position blocks from a full-interpolation parent.

    Parameters
    ----------
    model : TightBindingModel
        A 3D parent with ``position_blocks = (R (nR, 3) int, A (nR, 3, n, n))`` (a).
    M : (3, 3) int array
        The film's basis in the parent's lattice indices
        (:func:`lrtheory.models.slabs.miller_basis`).
    shift : (n,) int array
        Stacking vectors each orbital was moved by (``fold``; zeros otherwise).
    layers : int
        Number of layers.
    frame : (3, 3) array
        Rows ``x, y, z`` of the film's frame in the parent's axes.

    Returns
    -------
    tuple
        ``(R (m, 2) int, A (m, 3, N n, N n) complex)``: in-plane lattice vectors (film
        basis) and the elements in the frame's ``x, y, z`` components (a).
    """
    blocks = getattr(model, "position_blocks", None)  # Wannier90Model's field (io layer)
    if blocks is None:
        raise ModelError(f"{model.name}: the model has a position matrix but no position "
                         "blocks A(R) to cut (only Wannier90 models carry them into a film)")
    RP, AP = (np.asarray(b) for b in blocks)
    n = model.n_orbitals
    if AP.ndim != 4 or AP.shape[1:] != (3, n, n) or RP.shape != (len(AP), 3):
        raise ModelError(f"{model.name}: position blocks must be (nR, 3, {n}, {n}) with 3D R, "
                         f"got {AP.shape}")
    b, m, j = np.nonzero(np.any(AP != 0, axis=1))
    Minv = np.rint(np.linalg.inv(np.asarray(M, float))).astype(int)
    R = RP[b].astype(int) @ Minv
    R[:, 2] += np.asarray(shift)[j] - np.asarray(shift)[m]
    vals = np.einsum("ab,kb->ka", np.asarray(frame, float), AP[b, :, m, j])  # frame comps
    N = int(layers)
    c = np.arange(N)[:, None]
    c2 = c + R[None, :, 2]
    keep = (c2 >= 0) & (c2 < N)
    ci, ei = np.nonzero(keep)
    keys, inv = np.unique(R[ei, :2], axis=0, return_inverse=True)
    A = np.zeros((len(keys), 3, N * n, N * n), complex)
    rows, cols = ci * n + m[ei], c2[ci, ei] * n + j[ei]
    for a in range(3):
        np.add.at(A[:, a], (np.asarray(inv).reshape(-1), rows, cols), vals[ei, a])
    return keys.astype(int), A


def position_fields(slab_model, k) -> tuple:
    """``(PositionMatrix of x, y; Z(k))`` of a film with position blocks (module doc).

    Parameters
    ----------
    slab_model : TightBindingSlab
        With ``position_blocks``.
    k : (..., 2) array
        In-plane k in the frame (1/a).

    Returns
    -------
    tuple
        ``PositionMatrix`` (connection (..., 2, n, n), a; curl (..., 2, 2, n, n), a^2) and
        ``Z`` (..., n, n) (a), both in the atomic-position gauge.
    """
    R, A = slab_model.position_blocks
    RA = np.asarray(R, float) @ slab_model.lattice_vectors[:, :2]  # (m, 2)
    pos = slab_model.positions
    ph = np.exp(1j * (k @ RA.T))  # (..., m)
    D = np.exp(1j * (k @ pos[:, :2].T))
    gauge = np.conj(D)[..., :, None] * D[..., None, :]
    Ak = np.einsum("...m,mcij->...cij", ph, A) * gauge[..., None, :, :]
    Rcurl = 1j * (RA[:, 0, None, None] * A[:, 1] - RA[:, 1, None, None] * A[:, 0])
    dpos = pos[None, :, :2] - pos[:, None, :2]  # r_n - r_m at [m, n]
    cxy = np.einsum("...m,mij->...ij", ph, Rcurl) * gauge + 1j * (
        dpos[..., 0] * Ak[..., 1, :, :] - dpos[..., 1] * Ak[..., 0, :, :])
    n = slab_model.n_orbitals
    curl = np.zeros(k.shape[:-1] + (2, 2, n, n), complex)
    curl[..., 0, 1, :, :] = cxy
    curl[..., 1, 0, :, :] = -cxy
    Z = Ak[..., 2, :, :] + np.diag(pos[:, 2])
    return PositionMatrix(Ak[..., :2, :, :], curl), Z
