r"""The real-space blocks of a Wannier90 model carried into films and ribbons (issue #15):
the position matrix of full Wannier interpolation and the spin matrices of a run.

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

**Ribbons** are the same cut one dimension down (:func:`cut_blocks` builds both): a 2D
parent described with the basis ``(d, s)`` (periodic direction first, stacking vector
last), ``width`` cells along ``s``, components rotated into the ribbon's frame (``x`` along
``d``, ``y`` the transverse axis). The along-ribbon component is the ribbon's
:meth:`position_matrix` (``connection`` (..., 1, n, n), no curl in one dimension) and the
transverse one enters ``Y(k) = diag(y) + A^y(k)``
(:meth:`~RibbonBlocks.transverse_position`): ``V_y = i[H, Y]``.

**Spin.** A run's spin matrices ``S_a(R) = <m0|S_a|nR>`` (hbar, ``S = sigma/2``; from
``seedname.spn``, :func:`lrtheory.io.wannier90.run.load_wannier90_run`) are cut exactly like
``t(R)`` (the spin operator restricted to the cut's Wannier functions, by the same
translation argument without the ``T delta_mn`` term) and rotated into the frame (an axial
vector under a proper rotation rotates like a polar one): ``spin_operator(k)`` of the cut is
``S'_a(k) = sum_R e^{ik.(R + r_n - r_m)} S'_a(R)``, the bulk one's phases.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from lrtheory._docstrings import shared_docs
from lrtheory.errors import ModelError
from lrtheory.models.protocol import PositionMatrix

# the numpydoc block of the k-methods of RibbonBlocks (lrtheory._docstrings)
_docs = shared_docs(ribbon_k="""
    Parameters
    ----------
    k : array
        k along the ribbon (..., 1) or Cartesian (1/a).
    """)

__all__ = ["cut_blocks", "cut_position_blocks", "cut_spin_blocks",
           "position_fields", "ribbon_position_fields", "parent_blocks", "CutBlocks",
           "RibbonBlocks"]


def parent_blocks(model, which: str):
    """``(R (nR, 3) int, X (nR, c, n, n))`` of a parent's ``"position"`` or ``"spin"``
    blocks, or None (a model without them).

    Parameters
    ----------
    model : TightBindingModel
        A Wannier90 model (its ``position_blocks``/``spin_blocks`` fields), a film or a
        ribbon cut from one.
    which : {"position", "spin"}
        The blocks.

    Returns
    -------
    tuple or None
        Lengths in a (position), spin in hbar.
    """
    blocks = getattr(model, f"{which}_blocks", None)  # fields of the io layer's model
    if blocks is None:
        return None
    R, X = (np.asarray(b) for b in blocks)
    n = model.n_orbitals
    if X.ndim != 4 or X.shape[2:] != (n, n) or R.ndim != 2 or len(R) != len(X):
        raise ModelError(f"{model.name}: {which} blocks must be (nR, c, {n}, {n}) with one R "
                         f"per block, got {X.shape} and R {R.shape}")
    return R.astype(int), X


def cut_blocks(R, X, M, shift, cells: int, frame=None) -> tuple:
    """Cut real-space blocks ``X(R)`` of a parent into ``cells`` cells along its last basis
    vector (module doc): the one construction of films and ribbons.

    Parameters
    ----------
    R : (nR, >= d) int array
        The parent's lattice vectors (its own lattice indices; the first ``d`` used).
    X : (nR, c, n, n) array
        Blocks ``<m0|X_a|nR>`` (any units).
    M : (d, d) int array
        Unimodular basis of the cut in the parent's lattice indices: the periodic vectors
        first, the stacking vector last.
    shift : (n,) int array
        Stacking vectors each orbital was moved by (films' ``fold``; zeros otherwise).
    cells : int
        Number of cells stacked.
    frame : (c, c) array, optional
        Rows: the cut's axes in the parent's; components rotated ``X'_a = sum_b F_ab X_b``.

    Returns
    -------
    tuple
        ``(keys (m, d - 1) int, X (m, c, N n, N n) complex)``: periodic lattice vectors in
        the cut's basis and the blocks of the cut (cell-major orbitals ``c n + mu``).
    """
    M = np.asarray(M)
    d = len(M)
    X = np.asarray(X)
    n, comps, N = X.shape[-1], X.shape[1], int(cells)
    b, m, j = np.nonzero(np.any(X != 0, axis=1))
    Minv = np.rint(np.linalg.inv(M.astype(float))).astype(int)
    Rc = np.asarray(R, int)[b, :d] @ Minv
    Rc[:, -1] += np.asarray(shift)[j] - np.asarray(shift)[m]
    vals = X[b, :, m, j]
    if frame is not None:
        vals = np.einsum("ab,kb->ka", np.asarray(frame, float), vals)
    c2 = np.arange(N)[:, None] + Rc[None, :, -1]
    ci, ei = np.nonzero((c2 >= 0) & (c2 < N))
    if not len(ei):
        return np.zeros((0, d - 1), int), np.zeros((0, comps, N * n, N * n), complex)
    keys, inv = np.unique(Rc[ei, :-1], axis=0, return_inverse=True)
    out = np.zeros((len(keys), comps, N * n, N * n), complex)
    rows, cols = ci * n + m[ei], c2[ci, ei] * n + j[ei]
    for a in range(comps):
        np.add.at(out[:, a], (np.asarray(inv).reshape(-1), rows, cols), vals[ei, a])
    return keys.astype(int), out


def cut_position_blocks(model, M, shift, layers: int, frame) -> tuple:
    """The film's (or ribbon's) position blocks from a full-interpolation parent.

    Parameters
    ----------
    model : TightBindingModel
        A parent with ``position_blocks = (R (nR, 3) int, A (nR, c, n, n))`` (a).
    M : (d, d) int array
        The cut's basis in the parent's lattice indices, stacking vector last
        (:func:`lrtheory.models.slabs.miller_basis` for films).
    shift : (n,) int array
        Stacking vectors each orbital was moved by (``fold``; zeros otherwise).
    layers : int
        Number of layers (cells).
    frame : (c, c) array
        Rows: the cut's axes (``x, y, z`` of a film; ``x, y`` of a ribbon) in the parent's.

    Returns
    -------
    tuple
        ``(R (m, d - 1) int, A (m, c, N n, N n) complex)``: periodic lattice vectors (the
        cut's basis) and the elements in the frame's components (a).
    """
    blocks = parent_blocks(model, "position")
    if blocks is None:
        raise ModelError(f"{model.name}: the model has a position matrix but no position "
                         "blocks A(R) to cut (only Wannier90 models carry them into a cut)")
    frame = np.asarray(frame, float)
    if blocks[1].shape[1] != len(frame):
        raise ModelError(f"{model.name}: position blocks have {blocks[1].shape[1]} components, "
                         f"the cut's frame {len(frame)}")
    return cut_blocks(*blocks, M, shift, layers, frame)


def cut_spin_blocks(model, M, shift, layers: int, frame3):
    """The cut's spin blocks ``S'_a(R)`` (hbar, frame components) from a parent with
    ``spin_blocks`` (a Wannier90 run), None for a parent without them.

    Parameters
    ----------
    model : TightBindingModel
        The parent.
    M, shift, layers
        As in :func:`cut_position_blocks`.
    frame3 : (3, 3) array
        Rows ``x, y, z`` of the cut's frame in the parent's Cartesian axes.

    Returns
    -------
    tuple or None
        ``(R (m, d - 1) int, S (m, 3, N n, N n) complex)``.
    """
    blocks = parent_blocks(model, "spin")
    if blocks is None:
        return None
    if blocks[1].shape[1] != 3:
        raise ModelError(f"{model.name}: spin blocks must have 3 components, got "
                         f"{blocks[1].shape[1]}")
    return cut_blocks(*blocks, M, shift, layers, frame3)


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
    Rcurl = 1j * (RA[:, 0, None, None] * A[:, 1] - RA[:, 1, None, None] * A[:, 0])
    F = slab_model.bloch_sum(R, np.concatenate([A, Rcurl[:, None]], 1), k)
    Ak = F[..., :3, :, :]
    pos = slab_model.positions
    dpos = pos[None, :, :2] - pos[:, None, :2]  # r_n - r_m at [m, n]
    cxy = F[..., 3, :, :] + 1j * (dpos[..., 0] * Ak[..., 1, :, :]
                                  - dpos[..., 1] * Ak[..., 0, :, :])
    n = slab_model.n_orbitals
    curl = np.zeros(cxy.shape[:-2] + (2, 2, n, n), complex)
    curl[..., 0, 1, :, :] = cxy
    curl[..., 1, 0, :, :] = -cxy
    Z = Ak[..., 2, :, :] + np.diag(pos[:, 2])
    return PositionMatrix(Ak[..., :2, :, :], curl), Z


def ribbon_position_fields(ribbon, k) -> tuple:
    """``(PositionMatrix along the ribbon; Y(k))`` of a ribbon with position blocks.

    Parameters
    ----------
    ribbon : TightBindingRibbon
        With ``position_blocks`` (components along the frame's ``x``, ``y``).
    k : array
        k along the ribbon (..., 1) or Cartesian (1/a).

    Returns
    -------
    tuple
        ``PositionMatrix`` (connection (..., 1, n, n), a; curl zeros (..., 1, 1, n, n)) and
        ``Y = diag(y) + A^y(k)`` (..., n, n) (a), atomic-position gauge.
    """
    F = ribbon.bloch_sum(*ribbon.position_blocks, k)
    n = ribbon.n_orbitals
    curl = np.zeros(F.shape[:-3] + (1, 1, n, n), complex)
    Y = F[..., 1, :, :] + np.diag(ribbon.transverse_positions())
    return PositionMatrix(F[..., :1, :, :], curl), Y


class CutBlocks:
    """Methods of a cut (film, ribbon) that may carry its parent's real-space blocks: the
    position matrix (``position_blocks``) and the spin (``spin_blocks``) of a Wannier90
    model (module doc). Mixed into :class:`~lrtheory.models.slabs.TightBindingSlab` and
    :class:`~lrtheory.models.tightbinding.TightBindingRibbon` before the model class."""

    @property
    def has_position_matrix(self) -> bool:
        """True when cut from a full-interpolation model (``position_blocks`` given)."""
        return self.position_blocks is not None

    def bloch_sum(self, keys, X, k) -> np.ndarray:
        """``X(k) = sum_R e^{ik.(R + r_n - r_m)} X(R)`` of the cut's blocks (atomic-position
        gauge, the phases of ``hamiltonian``).

        Parameters
        ----------
        keys : (m, dim) int array
            Periodic lattice vectors (the cut's basis).
        X : (m, c, n, n) array
            The blocks.
        k : array
            Wave vectors as ``hamiltonian`` takes them (1/a).

        Returns
        -------
        (..., c, n, n) complex array
            In the units of ``X``.
        """
        kc = self._cartesian_k(k)
        RA = np.asarray(keys, float) @ self.lattice_vectors
        ph = np.exp(1j * (kc @ RA.T))  # (..., m)
        D = np.exp(1j * (kc @ self.positions.T))
        gauge = np.conj(D)[..., :, None] * D[..., None, :]
        return np.einsum("...m,mcij->...cij", ph, X) * gauge[..., None, :, :]

    def spin_operator(self, k, axis: int | None = None):
        """``S_a(k)`` (hbar) in the frame's components, from the parent run's ``S(R)`` cut
        like ``t(R)`` (module doc); without ``spin_blocks`` the protocol's default.

        Parameters
        ----------
        k : array
            Wave vectors as for ``hamiltonian`` (1/a).
        axis : {0, 1, 2} or None
            One frame component alone, or all three.

        Returns
        -------
        ndarray or None
            (..., 3, n, n) complex Hermitian ((..., n, n) with ``axis``; hbar).
        """
        if self.spin_blocks is None:
            return super().spin_operator(k, axis)
        R, S = self.spin_blocks
        if axis is not None:
            return self.bloch_sum(R, S[:, axis:axis + 1], k)[..., 0, :, :]
        return self.bloch_sum(R, S, k)

    def _rebuilt(self, positions, hoppings, time_reversal="keep"):
        if self.position_blocks is None and self.spin_blocks is None:
            return super()._rebuilt(positions, hoppings, time_reversal)
        if positions is self.positions and hoppings is self.hoppings:  # another TR only
            tr = self.time_reversal if isinstance(time_reversal, str) else time_reversal
            return dataclasses.replace(self, time_reversal=tr)
        raise ModelError(f"{self.name}: moving or removing orbitals of a cut of a Wannier90 "
                         "model would drop its position matrix A(R) or spin S(R); move them "
                         "in the parent before the cut")


class RibbonBlocks(CutBlocks):
    """:class:`CutBlocks` of a ribbon: the along-ribbon position matrix and ``Y(k)``."""

    @_docs
    def position_matrix(self, k):
        """Position matrix along the ribbon (full Wannier interpolation; module doc), None
        in the tight-binding approximation.

        %(ribbon_k)s

        Returns
        -------
        PositionMatrix or None
            ``connection`` (..., 1, n, n) (a), ``curl`` zeros (..., 1, 1, n, n).
        """
        if self.position_blocks is None:
            return None
        return ribbon_position_fields(self, k)[0]

    @_docs
    def transverse_position(self, k) -> np.ndarray:
        """The ribbon's transverse position operator ``Y(k) = diag(y) + A^y(k)`` (a): diagonal
        in the tight-binding approximation.

        %(ribbon_k)s

        Returns
        -------
        (..., n, n) complex array
            ``Y`` in the atomic-position gauge (a), ``y`` from the centre line.
        """
        if self.position_blocks is None:
            kc = self._cartesian_k(k)
            return np.broadcast_to(np.diag(self.transverse_positions()).astype(complex),
                                   kc.shape[:-1] + (self.n_orbitals,) * 2)
        return ribbon_position_fields(self, k)[1]
