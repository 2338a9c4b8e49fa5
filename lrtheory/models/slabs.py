r"""Cutting 3D tight-binding models into films (slabs) along any Miller direction (issue #15
item 5): the ribbon construction of :mod:`lrtheory.models.cuts` one dimension up.

A slab with surface ``(h k l)`` (Miller indices with respect to the parent's reciprocal
vectors, ``gcd(h, k, l) = 1``) is the same crystal described with a unimodular integer basis
``(a_1', a_2', a_3')`` (:func:`miller_basis`): ``a_1'``, ``a_2'`` span the lattice plane
perpendicular to ``G = h b_1 + k b_2 + l b_3`` (the two shortest vectors that form a
primitive basis of it) and the stacking vector ``a_3'`` has ``G . a_3' = 2 pi``, i.e. it
climbs one layer of thickness ``d_hkl = 2 pi/|G|``. ``layers`` cells are stacked along
``a_3'``; bonds that leave the stack are cut.

The frame is **right-handed by construction**: ``x = a_1'/|a_1'|``, ``z = G/|G|`` (the
outward normal of the top surface), ``y = z x x``; ``a_1' x a_2'`` points along ``+z``
(``a_2'`` is negated when needed). The slab's positions and lattice vectors are stored in
this frame (``lattice_vectors`` have zero ``z`` component), so ``dH/dk`` has the in-plane
components ``(v_x, v_y)`` of the frame and vector operators of the parent (spin, L) are
rotated into it with :func:`frame_vector_operator`.

By default (``fold=False``) a layer is one parent cell: the orbitals of a cell stay together
(as in ribbons, move orbitals between cells first with
:meth:`TightBindingModel.move_orbital` to choose the termination), so every symmetry whose
unitary acts within a cell (time reversal of a Wannier90 basis, say) survives the cut. With
``fold=True`` every orbital is first moved by whole stacking vectors into the slice ``0 <=
r . z < d_hkl`` of its cell, so that layer ``c`` is the slice ``c d <= z < (c + 1) d``
(flat terminations); a symmetry that mixes orbitals of different slices is then broken at
the surfaces (measured on the GaAs Wannier90 file: e(k) - e(-k) = 5e-5 eV in a folded
(001) film, 2e-11 eV unfolded; docs/slabs.md). Which orbitals end up on the surfaces is
recorded in :class:`~lrtheory.models.protocol.SlabCut`.

Units: lengths in a (the parent's unit), energies in t0 (the parent's unit).
"""
from __future__ import annotations

from dataclasses import dataclass
from math import gcd

import numpy as np

from lrtheory._docstrings import shared_docs
from lrtheory.errors import ModelError
from lrtheory.models.cuts import check_width, edge_terminations
from lrtheory.models.protocol import Slab, SlabCut
from lrtheory.models.slab_positions import (CutBlocks, cut_position_blocks, cut_spin_blocks,
                                             position_fields)
from lrtheory.models.tightbinding import Hopping, TightBindingModel

# the numpydoc block of the k-methods of TightBindingSlab (lrtheory._docstrings)
_docs = shared_docs(inplane_k="""
    Parameters
    ----------
    k : (..., 2) array
        In-plane wave vectors in the frame (1/a).
    """)

__all__ = ["miller_basis", "slab", "TightBindingSlab", "frame_vector_operator",
           "layer_operator"]


def _check_miller(miller) -> tuple[int, int, int]:
    try:
        hkl = tuple(int(x) for x in miller)
        ok = not isinstance(miller, (str, bytes)) and len(hkl) == 3 and \
            all(not isinstance(x, (str, bytes, bool)) and float(x) == int(x) for x in miller)
    except (TypeError, ValueError):
        ok = False
    if not ok or hkl == (0, 0, 0) or gcd(gcd(hkl[0], hkl[1]), hkl[2]) != 1:
        raise ModelError(f"Miller indices must be three integers (h, k, l) without a common "
                         f"factor, not all zero, got {miller!r}")
    return hkl


def miller_basis(miller, lattice_vectors) -> np.ndarray:
    """Unimodular integer basis ``M`` (rows ``a_1', a_2', a_3'`` in the parent's lattice
    indices) of the slab with surface ``(h k l)``.

    Parameters
    ----------
    miller : (3,) int
        ``(h, k, l)`` without a common factor.
    lattice_vectors : (3, 3) array
        The parent's lattice vectors (rows, a).

    Returns
    -------
    (3, 3) int ndarray
        ``hkl . a_1' = hkl . a_2' = 0`` (in-plane; the two shortest forming a primitive basis
        of the plane lattice, ``a_1' x a_2'`` along ``+G``), ``hkl . a_3' = 1`` (stacking;
        the one with the smallest in-plane component). ``det M = +-1``.
    """
    hkl = np.array(_check_miller(miller))
    A = np.asarray(lattice_vectors, float)
    B = 2 * np.pi * np.linalg.inv(A).T
    G = hkl @ B
    bound = 2 * int(np.max(np.abs(hkl))) + 2
    r = np.arange(-bound, bound + 1)
    cand = np.stack(np.meshgrid(r, r, r, indexing="ij"), -1).reshape(-1, 3)
    cand = cand[np.any(cand != 0, axis=1)]
    length = np.linalg.norm(cand @ A, axis=1)
    order = np.lexsort((-cand[:, 2], -cand[:, 1], -cand[:, 0], np.round(length, 9)))
    cand, length = cand[order], length[order]
    plane = cand[cand @ hkl == 0]
    n1 = plane[0]
    cross = np.cross(n1, plane)
    ok = np.all(cross == hkl, axis=1) | np.all(cross == -hkl, axis=1)
    if not ok.any():  # pragma: no cover (the box always holds a reduced basis)
        raise ModelError(f"no primitive in-plane basis found for Miller indices {tuple(hkl)}")
    n2 = plane[np.argmax(ok)]
    if np.cross(n1 @ A, n2 @ A) @ G < 0:
        n2 = -n2
    up = cand[cand @ hkl == 1]
    ghat = G / np.linalg.norm(G)
    inplane = np.linalg.norm(up @ A - np.outer(up @ A @ ghat, ghat), axis=1)
    n3 = up[np.argmin(np.round(inplane, 9))]
    M = np.stack([n1, n2, n3]).astype(int)
    assert round(abs(np.linalg.det(M))) == 1
    return M


@dataclass(frozen=True, eq=False, repr=False)
class TightBindingSlab(CutBlocks, TightBindingModel, Slab):
    """A tight-binding film (a :class:`~lrtheory.models.protocol.Slab`): two periodic lattice
    vectors in the ``xy`` plane of its frame, open along ``z``.

    Built by :func:`slab`. Positions and lattice vectors are in the slab's frame (a):
    ``lattice_vectors`` (2, 3) with zero ``z`` components, ``positions`` (n, 3) with ``z``
    from the centre plane. ``frame`` (3, 3): rows ``x, y, z`` in the parent's Cartesian
    axes; ``cut``: the :class:`SlabCut`; ``layers``: (n,) layer of every orbital.

    Parameters
    ----------
    lattice_vectors : (2, 3) array
        In-plane lattice vectors in the slab's frame (a), zero ``z`` components.
    positions : (n, 3) array
        Orbital positions in the frame (a), ``z`` from the centre plane.
    hoppings : list of Hopping or (i, j, R, t)
        In-plane hoppings (t0), each bond once (as :class:`TightBindingModel`).
    onsite : (n,) array, optional
        On-site energies (t0).
    time_reversal : TimeReversal, (n, n) array or None
        A declared TR operator ``Theta = U K`` (checked).
    transverse_axis : (3,) array, optional
        Unused for a slab (ribbons only).
    name : str
        Human-readable label.
    params : dict
        Model parameters by name.
    frame : (3, 3) array, optional
        Rows ``x, y, z`` of the frame in the parent's Cartesian axes (a proper rotation;
        default the identity).
    cut : SlabCut, optional
        How the slab was cut from its parent.
    layers : (n,) int array, optional
        Layer of every orbital (default from the ``z`` positions).
    position_blocks : tuple, optional
        ``(R (m, 2) int, A (m, 3, n, n))``: position elements of full Wannier interpolation
        in the frame's ``x, y, z`` components (a; :mod:`lrtheory.models.slab_positions`);
        None: tight-binding approximation.
    spin_blocks : tuple, optional
        ``(R (m, 2) int, S (m, 3, n, n))``: spin matrix elements of a Wannier90 run in the
        frame's components (hbar; :meth:`spin_operator`); None: no spin from a run.
    """

    frame: np.ndarray | None = None
    cut: SlabCut | None = None
    layers: np.ndarray | None = None
    position_blocks: tuple | None = None
    spin_blocks: tuple | None = None

    def __post_init__(self):
        super().__post_init__()
        lat = self.lattice_vectors
        flat = np.all(np.abs(lat[:, 2]) <= 1e-9 * np.abs(lat).max()) if lat.shape[1] == 3 else False
        if self.dim != 2 or not flat:
            raise ModelError(f"{self.name}: a slab has two lattice vectors in the xy plane of "
                             f"its frame, got {lat.tolist()}")
        F = np.eye(3) if self.frame is None else np.asarray(self.frame, float)
        if F.shape != (3, 3) or not np.allclose(F @ F.T, np.eye(3), atol=1e-9) \
                or np.linalg.det(F) < 0:
            raise ModelError(f"{self.name}: frame must be a proper rotation (rows x, y, z)")
        object.__setattr__(self, "frame", F)
        layers = Slab.layer_index.fget(self) if self.layers is None else \
            np.asarray(self.layers)
        if layers.shape != (self.n_orbitals,) or layers.dtype.kind not in "iu":
            raise ModelError(f"{self.name}: layers must be {self.n_orbitals} integers (the layer "
                             f"of every orbital), got {np.asarray(self.layers).tolist()!r}")
        object.__setattr__(self, "layers", layers.astype(int))
        object.__setattr__(self, "_rblocks", self._in_plane_blocks())
        self._check_declared_time_reversal()

    def _in_plane_blocks(self):
        """``(RA (m, 2), T (m, n^2))``: the dense hopping matrix ``t(R)`` of every in-plane
        lattice vector ``R`` (both ``R`` and ``-R``; on-site energies at ``R = 0``)."""
        n = self.n_orbitals
        keys = {}
        rows, cols, vals, which = [], [], [], []
        for h in self.hoppings:
            for R, i, j, t in ((h.R, h.i, h.j, h.t), (tuple(-r for r in h.R), h.j, h.i,
                                                        np.conj(h.t))):
                which.append(keys.setdefault(R, len(keys)))
                rows.append(i)
                cols.append(j)
                vals.append(t)
        zero = keys.setdefault((0, 0), len(keys))
        T = np.zeros((len(keys), n * n), complex)
        np.add.at(T, (np.array(which, int), np.array(rows, int) * n + np.array(cols, int)),
                  np.array(vals, complex))
        T[zero, np.arange(n) * (n + 1)] += self.onsite
        R = np.array(list(keys), float).reshape(-1, 2)
        return R @ self.lattice_vectors[:, :2], T

    def _blocks(self, k, components):
        """``[H, dH/dk_x, dH/dk_y][:components]`` at ``k`` (..., components, n, n): one
        product of the in-plane Bloch phases with the stacked ``t(R)`` (module doc of
        :mod:`lrtheory.io.wannier90.model`: ``H = D^dagger H_W D``)."""
        k = self._cartesian_k(k)[..., :2]
        RA, T = self._rblocks
        n = self.n_orbitals
        stacked = self.__dict__.get("_rstacked")
        if stacked is None or stacked.shape[1] < components * n * n:
            stacked = np.concatenate([T] + [1j * RA[:, a, None] * T for a in range(2)], 1)
            if stacked.nbytes < 256 * 2**20:
                object.__setattr__(self, "_rstacked", stacked)
        arg = k @ RA.T
        ph = np.empty(arg.shape, complex)
        np.cos(arg, out=ph.real)
        np.sin(arg, out=ph.imag)
        out = np.dot(ph, stacked[:, :components * n * n]).reshape(
            k.shape[:-1] + (components, n, n))
        D = np.exp(1j * (k @ self.positions[:, :2].T))
        out *= (np.conj(D)[..., :, None] * D[..., None, :])[..., None, :, :]
        if components > 1:
            dpos = self.positions[None, :, :2] - self.positions[:, None, :2]  # r_j - r_i
            out[..., 1:, :, :] += 1j * np.moveaxis(dpos, -1, 0) * out[..., :1, :, :]
        return out

    @_docs
    def hamiltonian(self, k) -> np.ndarray:
        """H(k) (..., n, n) (t0) for in-plane k (..., 2) in the frame (1/a).

        %(inplane_k)s

        Returns
        -------
        (..., n, n) complex array
            H(k) (t0).
        """
        return self._blocks(k, 1)[..., 0, :, :]

    @_docs
    def hamiltonian_and_velocity(self, k):
        """``(H(k), dH/dk)``: (..., n, n) and (..., 2, n, n) (frame x, y; t0, t0 a).

        %(inplane_k)s

        Returns
        -------
        tuple of complex arrays
            H(k) (t0) and dH/dk along the frame's x, y (t0 a).
        """
        out = self._blocks(k, 3)
        return out[..., 0, :, :], out[..., 1:, :, :]

    @_docs
    def velocity(self, k) -> np.ndarray:
        """dH/dk (..., 2, n, n) along the frame's x and y (t0 a).

        %(inplane_k)s

        Returns
        -------
        (..., 2, n, n) complex array
            dH/dk (t0 a).
        """
        return self._blocks(k, 3)[..., 1:, :, :]

    @property
    def layer_index(self) -> np.ndarray:
        """(n,) layer (parent cell along the normal, 0 = bottom) of every orbital."""
        return self.layers

    def normal_positions(self) -> np.ndarray:
        """(n,) normal coordinate ``z`` of every orbital (a)."""
        return self.positions[:, 2]

    @_docs
    def position_matrix(self, k):
        """In-plane position matrix ``A_x, A_y`` and its curl (full Wannier interpolation;
        :mod:`lrtheory.models.slab_positions`), None in the tight-binding approximation.

        %(inplane_k)s

        Returns
        -------
        PositionMatrix or None
            ``connection`` (..., 2, n, n) (a), ``curl`` (..., 2, 2, n, n) (a^2).
        """
        if self.position_blocks is None:
            return None
        return position_fields(self, self._cartesian_k(k)[..., :2])[0]

    @_docs
    def normal_position(self, k) -> np.ndarray:
        """The film's normal position operator ``Z(k) = diag(z) + A_z(k)`` (a): diagonal in
        the tight-binding approximation.

        %(inplane_k)s

        Returns
        -------
        (..., n, n) complex array
            ``Z`` in the atomic-position gauge (a).
        """
        k = self._cartesian_k(k)[..., :2]
        if self.position_blocks is None:
            return np.broadcast_to(np.diag(self.positions[:, 2]).astype(complex),
                                   k.shape[:-1] + (self.n_orbitals,) * 2)
        return position_fields(self, k)[1]

    def _cartesian_k(self, k) -> np.ndarray:
        """In-plane ``k`` (..., 2) in the frame, or (..., 3) with zero ``z`` (1/a)."""
        k = np.asarray(k, dtype=float)
        if k.ndim >= 1 and k.shape[-1] == 2:
            k = np.concatenate([k, np.zeros(k.shape[:-1] + (1,))], -1)
        return super()._cartesian_k(k)

    def _bond_directions(self) -> np.ndarray:
        """(m, 2): bond displacements along the frame's ``x`` and ``y``."""
        return self._coo[0][:, :2]

    def _rebuilt(self, positions, hoppings, time_reversal="keep"):
        if self.position_blocks is not None or self.spin_blocks is not None:
            return super()._rebuilt(positions, hoppings, time_reversal)  # CutBlocks
        tr = self.time_reversal if isinstance(time_reversal, str) else time_reversal
        return TightBindingSlab(self.lattice_vectors, positions, hoppings, self.onsite, tr,
                                None, self.name, dict(self.params), frame=self.frame,
                                cut=self.cut, layers=self.layers)


def slab(model, layers: int, miller=(0, 0, 1), *, fold: bool = False, center: bool = True,
         ) -> TightBindingSlab:
    """Cut a 3D model into a film of ``layers`` layers with surface ``(h k l)``.

    Parameters
    ----------
    model : TightBindingModel
        A 3D model (any subclass with a hopping list: Wannier90 models included).
    layers : int
        Number of layers (parent cells of thickness ``d_hkl`` stacked along the normal).
    miller : (h, k, l)
        Surface Miller indices (reciprocal-vector components of the normal), no common
        factor.
    fold : bool
        Move each orbital by whole stacking vectors into the slice ``[0, d_hkl)`` of its cell
        first (flat terminations; module doc). False (default) keeps the parent's cells.
    center : bool
        Put ``z = 0`` on the slab's centre plane.

    Returns
    -------
    TightBindingSlab
        In its right-handed frame (module doc), with ``cut`` (Miller indices, layers, the
        basis, ``d_hkl``, terminations) and each orbital's layer; the declared time reversal
        is carried over (``1_layers (x) U``); a full-interpolation parent's position matrix
        and a Wannier90 run's spin ``S(R)`` too, in the frame's components
        (:mod:`lrtheory.models.slab_positions`).
    """
    if not isinstance(model, TightBindingModel) or model.dim != 3 \
            or model.lattice_vectors.shape != (3, 3):
        raise ModelError(f"slab() needs a 3D TightBindingModel, got {model!r}")
    N = check_width(layers)
    M = miller_basis(miller, model.lattice_vectors)
    A3 = M @ model.lattice_vectors
    G = np.array(_check_miller(miller)) @ (2 * np.pi * np.linalg.inv(model.lattice_vectors).T)
    spacing = 2 * np.pi / np.linalg.norm(G)
    zhat = G / np.linalg.norm(G)
    xhat = A3[0] / np.linalg.norm(A3[0])
    F = np.stack([xhat, np.cross(zhat, xhat), zhat])
    n = model.n_orbitals
    shift = np.floor(model.positions @ zhat / spacing + 1e-9).astype(int) if fold \
        else np.zeros(n, int)
    base = model.positions - shift[:, None] * A3[2]
    Minv = np.rint(np.linalg.inv(M)).astype(int)
    I = np.array([h.i for h in model.hoppings], int)
    J = np.array([h.j for h in model.hoppings], int)
    R = np.array([h.R for h in model.hoppings], int).reshape(-1, 3) @ Minv
    R[:, 2] += shift[J] - shift[I]
    T = [h.t for h in model.hoppings]
    hops = []
    for c in range(N):
        for m in np.nonzero((c + R[:, 2] >= 0) & (c + R[:, 2] < N))[0]:
            hops.append(Hopping(c * n + int(I[m]), (c + int(R[m, 2])) * n + int(J[m]),
                                (int(R[m, 0]), int(R[m, 1])), T[m]))
    pos = np.concatenate([base + c * A3[2] for c in range(N)]) @ F.T
    if center:
        pos[:, 2] -= 0.5 * (pos[:, 2].max() + pos[:, 2].min())
    lat = A3[:2] @ F.T
    lat[:, 2] = 0.0
    tr = None if model.time_reversal is None else model.time_reversal.tile(N)
    pblocks = cut_position_blocks(model, M, shift, N, F) if model.has_position_matrix \
        else None
    sblocks = cut_spin_blocks(model, M, shift, N, F)
    hkl = tuple(int(x) for x in miller)
    cut = SlabCut(hkl, N, tuple(tuple(int(x) for x in row) for row in M), float(spacing),
                  edge_terminations(pos[:, 2], n).replace("y =", "z =")
                  .replace("lower edge", "bottom surface").replace("upper edge", "top surface"))
    return TightBindingSlab(lat, pos, hops, np.tile(model.onsite, N), tr, None,
                            f"{model.name} slab ({N} layers, ({hkl[0]} {hkl[1]} {hkl[2]}))",
                            {**model.params, "layers": N}, frame=F, cut=cut,
                            layers=np.repeat(np.arange(N), n), position_blocks=pblocks,
                            spin_blocks=sblocks)


def frame_vector_operator(slab_model: TightBindingSlab, operator) -> np.ndarray:
    """A parent's on-site operator on the slab's orbitals: ``1_layers (x) O``.

    Parameters
    ----------
    slab_model : TightBindingSlab
    operator : (n_parent, n_parent) or (3, n_parent, n_parent) array
        A scalar operator, or a vector (spin, L) with components along the parent's Cartesian
        axes; a vector is rotated into the slab's frame (``O'_a = sum_b F_ab O_b``: the frame
        is a proper rotation, so axial vectors rotate like polar ones).

    Returns
    -------
    (n, n) or (3, n, n) ndarray
        On the slab's orbitals (components along the frame's ``x, y, z``).
    """
    O = np.asarray(operator)
    N = slab_model.cut.layers if slab_model.cut is not None else 1
    n_p = slab_model.n_orbitals // N
    if O.shape[-2:] != (n_p, n_p) or O.ndim not in (2, 3) or (O.ndim == 3 and len(O) != 3):
        raise ModelError(f"operator must be ({n_p}, {n_p}) or (3, {n_p}, {n_p}) on the parent's "
                         f"orbitals, got shape {O.shape}")
    if O.ndim == 3:
        O = np.einsum("ab,bij->aij", slab_model.frame, O)
    return layer_operator(O, N)


def layer_operator(operator, layers: int) -> np.ndarray:
    """``1_layers (x) O`` for ``O`` (..., n, n): the layer-major block-diagonal copy.

    Parameters
    ----------
    operator : (..., n, n) array
        The operator of one layer.
    layers : int
        Number of layers.

    Returns
    -------
    (..., layers n, layers n) array
        The block-diagonal operator, in the units of ``operator``.
    """
    O = np.asarray(operator)
    eye = np.eye(int(layers))
    return np.einsum("cd,...ij->...cidj", eye, O).reshape(
        O.shape[:-2] + (layers * O.shape[-2], layers * O.shape[-1]))
