r"""Cutting 2D tight-binding models: lattice-basis changes, ribbons along any lattice
direction, finite flakes (issue #18: ribbons of any cut with a right-handed frame).

A ribbon periodic along the lattice direction ``d = p a_1 + q a_2`` (``p, q`` coprime
integers) is built from the same crystal described with the unimodular basis
``(a_1', a_2') = (d, s)``, where the stacking vector ``s = r a_1 + t a_2`` completes ``d``
to a basis (``p t - q r = +-1``, chosen as close to perpendicular to ``d`` as possible):
``width`` cells are stacked along ``s``, open edges parallel to ``d``. Which orbitals end up
on the edges (zigzag, bearded, armchair, ...) follows from the cell each orbital is assigned
to: move orbitals between cells first with :meth:`TightBindingModel.move_orbital`. The edges
are recorded in the ribbon's :class:`~lrtheory.models.protocol.RibbonCut`.

Example: the Haldane lattice (``a_1 = (1, 0)``, ``a_2 = (1/2, sqrt3/2)``) gives zigzag
ribbons along ``(1, 0)`` and armchair ribbons along ``(-1, 2) = (0, sqrt3)`` once B sits at
``delta_3`` (``move_orbital(1, (0, -1))``): each cell is then one A-B dimer line, and the
graphene armchair ribbon of W lines is metallic exactly when ``W mod 3 = 2``.

A Wannier90 parent's position matrix (full interpolation) and a run's spin matrices are
cut with the hoppings (:mod:`lrtheory.models.slab_positions`, the films' construction one
dimension down); flakes, supercells and re-based lattices refuse a position matrix
(:func:`refuse_position_matrix`).

Units: lengths in a, energies in t0.
"""
from __future__ import annotations

from math import gcd
from typing import Sequence

import numpy as np

from lrtheory.errors import ModelError
from lrtheory.models.protocol import RibbonCut
from lrtheory.models.slab_positions import cut_position_blocks, cut_spin_blocks, parent_blocks

__all__ = ["with_lattice_basis", "ribbon", "stacking_vector", "flake", "remove_orbitals",
           "refuse_position_matrix"]


def _integer_matrix(basis, dim: int) -> np.ndarray:
    try:
        M = np.asarray(basis, float)
    except (TypeError, ValueError):
        raise ModelError(f"lattice basis must be an integer ({dim}, {dim}) matrix, got "
                         f"{basis!r}") from None
    if M.shape != (dim, dim) or not np.all(np.isfinite(M)) or np.any(M != np.rint(M)):
        raise ModelError(f"lattice basis must be an integer ({dim}, {dim}) matrix, got "
                         f"{np.asarray(basis).tolist()!r}")
    M = np.rint(M).astype(int)
    if round(abs(np.linalg.det(M))) != 1:
        raise ModelError(f"lattice basis {M.tolist()} has determinant "
                         f"{round(np.linalg.det(M))}: it must be +-1 (the same lattice)")
    return M


#: why a ribbon computation that uses the orbitals' centres only refuses a position matrix
DIAGONAL_Y = ("uses the diagonal transverse position y of the Wannier centres (tight-binding "
              "approximation) and would drop the position matrix A(R) of full Wannier "
              "interpolation; ribbon_accumulation() and the band-basis ribbon_position() "
              "keep it")


def refuse_position_matrix(model, what: str, reason: str | None = None) -> None:
    """Raise :class:`ModelError` when ``model`` carries a position matrix (full Wannier
    interpolation) that ``what`` would drop.

    Flakes, supercells and re-based lattices are built from the hopping list alone; with
    ``interpolation="full"`` that would silently fall back to the tight-binding reading
    (the off-diagonal position elements ``A(R)`` lost). Films and ribbons keep them
    (:func:`lrtheory.models.slabs.slab`, :func:`ribbon`); everything else refuses.

    Parameters
    ----------
    model : BlochModel
        The model to be cut.
    what : str
        The construction, for the message (``"ribbon()"``).
    reason : str, optional
        Why (default: a construction from the hopping list alone; :data:`DIAGONAL_Y`
        for ribbon computations with the centres' ``y``).
    """
    if model.has_position_matrix:
        reason = reason or ("this construction uses the hopping list only and would drop the "
                            "position matrix A(R) of full Wannier interpolation (films and "
                            "ribbons keep it: slab(), ribbon())")
        raise ModelError(f"{what} of {model.name}: {reason}; read the file with "
                         "interpolation='tight-binding' to work in that approximation")


def with_lattice_basis(model, basis):
    """The same crystal with lattice vectors ``basis @ model.lattice_vectors``.

    Parameters
    ----------
    model : TightBindingModel
        A bulk model (any ``dim``).
    basis : (dim, dim) integer array
        Unimodular (determinant +-1): row ``i`` gives the new ``a_i'`` in the old vectors.

    Returns
    -------
    TightBindingModel
        Same orbitals and positions, hoppings re-indexed ``R' = R basis^{-1}`` (so every
        bond ``R.A + r_j - r_i`` is unchanged), same declared time reversal and parameters:
        the same H(k) as a function of Cartesian k (1/a).
    """
    refuse_position_matrix(model, "with_lattice_basis()")
    return _rebased(model, basis)


def _rebased(model, basis):
    """:func:`with_lattice_basis` of the hopping list alone (the caller carries any blocks)."""
    from lrtheory.models.tightbinding import Hopping, TightBindingModel

    M = _integer_matrix(basis, model.dim)
    Minv = np.rint(np.linalg.inv(M)).astype(int)
    hops = [Hopping(h.i, h.j, tuple(int(x) for x in np.asarray(h.R, int) @ Minv), h.t)
            for h in model.hoppings]
    return TightBindingModel(M @ model.lattice_vectors, model.positions, hops, model.onsite,
                             model.time_reversal, None, model.name, dict(model.params))


def stacking_vector(direction: Sequence[int], lattice_vectors) -> tuple[int, int]:
    """Integer ``(r, t)`` with ``p t - q r = +-1`` completing ``(p, q)`` to a basis, its
    vector ``r a_1 + t a_2`` as close to perpendicular to ``p a_1 + q a_2`` as possible
    (a tie goes to the projection -1/2). ``(1, 0) -> (0, 1)`` and ``(0, 1) -> (1, 0)``.

    Parameters
    ----------
    direction : (int, int)
        ``(p, q)``, coprime: the periodic direction ``p a_1 + q a_2``.
    lattice_vectors : (2, d_space) array
        Cartesian lattice vectors (a).

    Returns
    -------
    (int, int)
        ``(r, t)``, the stacking vector in lattice-vector indices.
    """
    p, q = direction
    if (p, q) == (1, 0):
        return (0, 1)
    if (p, q) == (0, 1):
        return (1, 0)
    # extended Euclid: x p + y q = 1, then (r, t) = (-y, x) has p t - q r = 1
    old_r, r, old_s, s, old_t, t = p, q, 1, 0, 0, 1
    while r:
        quo = old_r // r
        old_r, r = r, old_r - quo * r
        old_s, s = s, old_s - quo * s
        old_t, t = t, old_t - quo * t
    sign = 1 if old_r > 0 else -1  # old_r = +-gcd = +-1
    x, y = sign * old_s, sign * old_t
    r0, t0 = -y, x
    A = np.asarray(lattice_vectors, float)
    d = np.array([p, q]) @ A
    b = np.array([r0, t0]) @ A
    shift = -int(np.floor(b @ d / (d @ d) + 0.5))  # minimal |projection of b on d|
    return (r0 + shift * p, t0 + shift * q)


def check_width(width, what: str = "ribbon width") -> int:
    """A positive whole number of cells (ribbon width, flake size, slab layers).

    Parameters
    ----------
    width : int or whole float
        The number; text, booleans and 2.5 are refused.
    what : str
        Its name in the error message.

    Returns
    -------
    int

    Raises
    ------
    ModelError
        Not a positive whole number.
    """
    integral = (isinstance(width, (int, np.integer)) and not isinstance(width, (bool, np.bool_))
                or isinstance(width, (float, np.floating)) and float(width).is_integer())
    if not integral:  # 2.5 is not silently W = 2, nor '3' W = 3
        raise ModelError(f"{what} must be an integer number of cells, got "
                         f"{type(width).__name__} {width!r}")
    width = int(width)
    if width <= 0:
        raise ModelError(f"{what} must be a positive number of cells, got {width}")
    return width


def _check_direction(direction) -> tuple[int, int]:
    try:
        p, q = (int(x) for x in direction)
        # text and booleans are not numbers here: ('1', 0) is refused, not parsed
        ok = all(isinstance(x, (int, float, np.integer, np.floating))
                 and not isinstance(x, (bool, np.bool_)) and float(x) == int(x)
                 for x in direction)
    except (TypeError, ValueError, OverflowError):
        ok = False
    if not ok or (p, q) == (0, 0) or gcd(p, q) != 1:
        raise ModelError(f"ribbon direction must be two coprime integers (p, q) for "
                         f"p a_1 + q a_2, got {direction!r}")
    return p, q


def edge_terminations(y: np.ndarray, n: int, tol: float = 1e-9, parent=None) -> str:
    """Which parent orbitals (index modulo the parent's ``n``, or ``parent[i]``) sit on the
    two edges (ribbons: ``y``; slabs: the normal coordinate).

    Parameters
    ----------
    y : (N,) ndarray
        Transverse (or normal) coordinate of every orbital (a).
    n : int
        Orbitals per parent cell.
    tol : float
        Distance (a) within which an orbital counts as on an edge.
    parent : (N,) array of int, optional
        Parent orbital of every orbital (default ``index % n``).

    Returns
    -------
    str
        The terminations, as stored in the cut record.
    """
    parent = np.arange(len(y)) % n if parent is None else np.asarray(parent)
    lo = sorted({int(parent[i]) for i in np.nonzero(y <= y.min() + tol)[0]})
    hi = sorted({int(parent[i]) for i in np.nonzero(y >= y.max() - tol)[0]})
    return f"lower edge (y = {y.min():.6g}): orbital(s) {lo}; upper edge (y = {y.max():.6g}): " \
           f"orbital(s) {hi} of the parent cell"


def ribbon(model, width: int, *, periodic: int = 0, direction=None, center: bool = True):
    """Cut a 2D model into a ribbon with open edges parallel to its periodic direction.

    The ribbon frame is right-handed by construction, whatever the lattice vectors: ``x``
    along the periodic vector, transverse axis ``y = z x x`` (the periodic vector turned by
    +90 degrees), so that ``-(q/2) y j_x`` is the physical ``m_z``. (It used to point along
    the stacking vector; when that lay to the right of the periodic one the frame was
    left-handed and the OMM accumulation, ``j_y`` and ``V_y`` came out with the wrong sign,
    issue #18.) The cells are stacked along ``+y`` or ``-y`` accordingly.

    Parameters
    ----------
    model : TightBindingModel
        A 2D model.
    width : int
        Number of cells stacked across the ribbon.
    periodic : {0, 1}
        Keep lattice vector ``a_1`` or ``a_2`` (stacking along the other one).
    direction : (p, q), optional
        Any lattice direction ``p a_1 + q a_2`` (coprime integers) instead of ``periodic``;
        the stacking vector is :func:`stacking_vector`. ``(1, 0)`` and ``(0, 1)`` give
        exactly the ``periodic = 0, 1`` ribbons.
    center : bool
        Put the origin of the transverse coordinate on the ribbon's centre line.

    Returns
    -------
    TightBindingRibbon
        With ``frame`` (rows x, y, z) and ``cut`` (direction and stacking vector in the
        parent's lattice indices, width, edge terminations); a Wannier90 parent's position
        matrix and spin blocks cut with the hoppings (module doc).
    """
    from lrtheory.models.tightbinding import TightBindingRibbon

    if model.dim != 2:
        raise ModelError(f"ribbon() needs a 2D model, {model.name} has dim={model.dim}")
    if model.lattice_vectors.shape[1] != 2:
        raise ModelError(f"ribbon() needs a 2D model in the plane (2 Cartesian components), "
                         f"{model.name} lives in {model.lattice_vectors.shape[1]}D (a film: "
                         "ribbons of films, i.e. wires, are not supported)")
    width = check_width(width)
    if direction is not None:
        p, q = _check_direction(direction)
        if (p, q) not in ((1, 0), (0, 1)):
            r, t = stacking_vector((p, q), model.lattice_vectors)
            rib = _ribbon(_rebased(model, [[p, q], [r, t]]), width, 0, center)
            cut = RibbonCut((p, q), width, (r, t), rib.cut.terminations)
            rib = TightBindingRibbon(
                rib.lattice_vectors, rib.positions, rib.hoppings, rib.onsite,
                rib.time_reversal, rib.transverse_axis,
                f"{model.name} ribbon (W={width}, direction {(p, q)})",
                {**model.params, "width": width}, cut=cut)
            return _with_blocks(model, [[p, q], [r, t]], rib)
        periodic = 0 if (p, q) == (1, 0) else 1
    if not (isinstance(periodic, (int, np.integer)) and periodic in (0, 1)):
        raise ModelError(f"periodic must be 0 or 1 (the lattice vector kept), got {periodic!r}")
    return _with_blocks(model, np.roll(np.eye(2, dtype=int), periodic, axis=1),
                        _ribbon(model, width, periodic, center))


def _with_blocks(model, basis, rib):
    """``rib`` with the parent's position and spin blocks cut along ``basis`` (periodic
    direction first, stacking vector last; :func:`lrtheory.models.slab_positions.cut_blocks`)."""
    import dataclasses

    if not model.has_position_matrix and parent_blocks(model, "spin") is None:
        return rib
    width, F = rib.cut.width, rib.frame
    shift = np.zeros(model.n_orbitals, int)
    pblocks = cut_position_blocks(model, basis, shift, width, F[:2, :2]) \
        if model.has_position_matrix else None
    return dataclasses.replace(rib, position_blocks=pblocks,
                               spin_blocks=cut_spin_blocks(model, basis, shift, width, F))


def _ribbon(model, width: int, periodic: int, center: bool):
    """The ribbon of the hopping list alone along lattice vector ``periodic``."""
    from lrtheory.models.tightbinding import Hopping, TightBindingRibbon

    other = 1 - periodic
    a_par, a_perp = model.lattice_vectors[periodic], model.lattice_vectors[other]
    n = model.n_orbitals
    pos = np.concatenate([model.positions + c * a_perp for c in range(width)])
    # right-handed (x, y, z): y = z x a_par / |a_par|, never flipped towards a_perp
    axis = np.array([-a_par[1], a_par[0]]) / np.linalg.norm(a_par)
    if abs(axis @ a_perp) < 1e-12 * np.linalg.norm(a_perp):
        raise ModelError("ribbon(): the lattice vectors are parallel, no transverse axis")
    if center:
        y = pos @ axis
        pos = pos - 0.5 * (y.max() + y.min()) * axis
    onsite = np.tile(model.onsite, width)
    hops = []
    for c in range(width):
        for h in model.hoppings:
            c2 = c + h.R[other]
            if 0 <= c2 < width:
                hops.append(Hopping(c * n + h.i, c2 * n + h.j, (h.R[periodic],), h.t))
    tr = None if model.time_reversal is None else model.time_reversal.tile(width)
    direction = tuple(int(i == periodic) for i in range(2))
    stacking = tuple(int(i == other) for i in range(2))
    cut = RibbonCut(direction, width, stacking, edge_terminations(pos @ axis, n))
    return TightBindingRibbon(
        a_par[None, :], pos, hops, onsite, tr, axis,
        f"{model.name} ribbon (W={width})", {**model.params, "width": width}, cut=cut,
    )


def flake(model, n1: int, n2: int) -> tuple[np.ndarray, np.ndarray]:
    """Finite flake of ``n1 x n2`` unit cells of a 2D model, open in both directions.

    Parameters
    ----------
    model : TightBindingModel
        A 2D tight-binding model (hoppings in t0, lengths in a).
    n1, n2 : int
        Cells along ``a_1`` and ``a_2``, > 0.

    Returns
    -------
    H : (N, N) complex ndarray
        The real-space Hamiltonian (t0), orbital index ``(c1 * n2 + c2) * n_orbitals + mu``.
    positions : (N, d_space) ndarray
        Cartesian site positions (a).
    """
    if model.dim != 2:
        raise ModelError(f"flake() needs a 2D model, {model.name} has dim={model.dim}")
    refuse_position_matrix(model, "flake()")
    n1, n2 = check_width(n1, "flake size n1"), check_width(n2, "flake size n2")
    n = model.n_orbitals
    cells = np.array([(c1, c2) for c1 in range(n1) for c2 in range(n2)])
    index = {tuple(c): m for m, c in enumerate(cells)}
    N = len(cells) * n
    H = np.zeros((N, N), complex)
    H[np.arange(N), np.arange(N)] = np.tile(model.onsite, len(cells))
    for m, c in enumerate(cells):
        for h in model.hoppings:
            m2 = index.get((c[0] + h.R[0], c[1] + h.R[1]))
            if m2 is None:
                continue
            a, b = m * n + h.i, m2 * n + h.j
            H[a, b] += h.t
            H[b, a] += np.conj(h.t)
    pos = (cells @ model.lattice_vectors)[:, None, :] + model.positions[None, :, :]
    return H, pos.reshape(N, -1)


def remove_orbitals(model, orbitals, *, center: bool = True):
    """The same model without some orbitals (their hoppings and on-site energies dropped).

    On a ribbon this removes the sites from every period, e.g. the top-edge B site of a
    zigzag ribbon (``haldane().ribbon(W)``, orbital ``2 W - 1``), which leaves a zigzag lower
    edge and a bearded upper edge (issue #18, the mixed ribbon).

    Parameters
    ----------
    model : TightBindingModel or TightBindingRibbon
        Any tight-binding model; a ribbon stays a ribbon, with the same frame and its cut's
        edge terminations recomputed.
    orbitals : sequence of int
        Distinct orbital indices to remove (at least one orbital must remain).
    center : bool
        Ribbons only: move the origin of the transverse coordinate to the centre line of
        the remaining orbitals, as :func:`ribbon` does (a shift ``Y0`` along ``y`` leaves
        ``H(k)`` unchanged but moves the OMM accumulation ``-(q/2) y j_x`` by
        ``(q/2) Y0 j_x``).

    Returns
    -------
    TightBindingModel
        Remaining orbitals in their original order; a declared time reversal is restricted
        to them, which requires ``U`` not to couple kept and removed orbitals
        (:class:`~lrtheory.errors.ModelError` otherwise).
    """
    from lrtheory.models.tightbinding import Hopping, TightBindingRibbon

    if model.has_position_matrix or parent_blocks(model, "spin") is not None:
        raise ModelError(f"remove_orbitals() of {model.name}: the model carries Wannier90 "
                         "position or spin blocks that removing orbitals would drop; remove "
                         "them from the parent before the cut, or read the file with "
                         "interpolation='tight-binding' and without the run's spin")
    n = model.n_orbitals
    try:
        drop = [int(o) for o in orbitals]
        ok = all(float(o) == int(o) and not isinstance(o, (bool, np.bool_)) for o in orbitals)
    except (TypeError, ValueError):
        ok = False
    if not ok or len(set(drop)) != len(drop) or not all(0 <= o < n for o in drop):
        raise ModelError(f"orbitals to remove must be distinct integers in 0..{n - 1}, got "
                         f"{orbitals!r}")
    keep = np.setdiff1d(np.arange(n), drop)
    if keep.size == 0:
        raise ModelError(f"remove_orbitals() would remove all {n} orbitals of {model.name}")
    new = {int(o): m for m, o in enumerate(keep)}
    hops = [Hopping(new[h.i], new[h.j], h.R, h.t) for h in model.hoppings
            if h.i in new and h.j in new]
    tr = model.time_reversal
    if tr is not None:
        U = np.asarray(tr.U)
        if drop and (np.abs(U[np.ix_(keep, drop)]).max() > 0
                     or np.abs(U[np.ix_(drop, keep)]).max() > 0):
            raise ModelError("remove_orbitals(): the declared time reversal couples kept and "
                             "removed orbitals; remove whole Kramers partners or declare none")
        tr = U[np.ix_(keep, keep)]
    name = f"{model.name} without orbital(s) {sorted(drop)}"
    pos = model.positions[keep]
    if isinstance(model, TightBindingRibbon) and center:
        axis = model.transverse_axis / np.linalg.norm(model.transverse_axis)
        y = pos @ axis
        pos = pos - 0.5 * (y.max() + y.min()) * axis
    args = (model.lattice_vectors, pos, hops, model.onsite[keep], tr,
            model.transverse_axis, name, dict(model.params))
    if not isinstance(model, TightBindingRibbon):
        return type(model)(*args)
    cut = model.cut
    if cut is not None:
        per = n // cut.width  # orbitals of the parent cell
        y = pos @ model.transverse_axis
        cut = RibbonCut(cut.direction, cut.width, cut.stacking,
                        edge_terminations(y, per, parent=keep % per)
                        + f"; removed ribbon orbital(s) {sorted(drop)}")
    return TightBindingRibbon(*args, cut=cut)
