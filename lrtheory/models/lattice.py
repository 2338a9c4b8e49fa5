r"""The one lattice module: reciprocal vectors, Brillouin-zone grids and sub-grids, polar
quadratures for continuum models, and band paths through named high-symmetry points.

Conventions (docs/conventions.md): lattice vectors ``a_i`` are the rows of a
``(dim, d_space)`` array (units of a), reciprocal vectors ``b_i`` the rows of a
``(dim, d_space)`` array with ``a_i . b_j = 2 pi delta_ij`` (1/a). A *reduced* wave vector
``kappa`` (components in the reciprocal basis) gives the Cartesian ``k = kappa @ B``.

Grids
-----
* :func:`k_grid`: the Monkhorst-Pack-like grid of a model's first BZ cell as one array (what
  ``TightBindingModel.k_grid`` returned; ribbons get their periodic coordinate).
* :class:`UniformGrid`: the grid of the k-sum driver, never built as a whole: the Cartesian
  points of any range of flat indices are made where they are used (memory flat in Nk), with
  the mask of the every-other-point sub-grid that gives the ``nk/2`` error estimate from the
  same pass (paper Sec. VI convergence checks).
* :func:`polar_grid`: Gauss-Legendre x uniform quadrature of ``int d^2k/(2 pi)^2`` for
  continuum (k.p) models, which have no Brillouin zone.
* :func:`k_path`, :func:`named_points`: band-structure paths (``G-K-M-K'-G``, ...).

Units: lengths in a, k in 1/a.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from lrtheory._docstrings import shared_docs
from lrtheory.models.cubic_points import cubic_centred_points
from lrtheory.errors import (ConventionError, LrtheoryError, ModelError, ShapeError,
                             check_finite, check_positive)

__all__ = ["reciprocal_vectors", "k_grid", "UniformGrid", "polar_grid", "k_path",
           "named_points"]


def _lattice_array(lattice_vectors, where: str = "lattice_vectors") -> np.ndarray:
    if lattice_vectors is None:
        raise ModelError(f"{where}: the model has no lattice vectors (a continuum model has no "
                         "Brillouin zone: use polar_grid)")
    lat = np.atleast_2d(check_finite("lattice_vectors", np.asarray(lattice_vectors, float)))
    if lat.ndim != 2:
        raise ShapeError(f"lattice_vectors must be a (dim, d_space) array, got shape {lat.shape}")
    return lat


def reciprocal_vectors(lattice_vectors) -> np.ndarray:
    r"""Reciprocal lattice vectors ``b_i`` (rows) with ``a_i . b_j = 2 pi delta_ij``.

    Parameters
    ----------
    lattice_vectors : (dim, d_space) array
        Cartesian lattice vectors ``a_i`` as rows (units of a); ``dim < d_space`` (a ribbon or
        a slab embedded in the plane) is allowed: then ``b_i`` span the periodic directions.

    Returns
    -------
    (dim, d_space) ndarray
        ``2 pi pinv(A)^T`` (units 1/a).
    """
    lat = _lattice_array(lattice_vectors)
    return 2 * np.pi * np.linalg.pinv(lat).T


def _reciprocal_square(lattice_vectors) -> np.ndarray:
    """``2 pi inv(A)^T`` for a square lattice matrix: the arithmetic band paths have always
    used. It differs from :func:`reciprocal_vectors` by ~1 ulp, and :func:`k_path` rounds
    ``segment / total * (nk - 1)`` to point counts, which such a difference can tip (the
    golden ``bands`` output: 40 points, not 41)."""
    return 2 * np.pi * np.linalg.inv(np.asarray(lattice_vectors, float)).T


def k_grid(lattice_vectors, n: int | Sequence[int], *, shift: bool = False) -> np.ndarray:
    r"""Uniform Monkhorst-Pack-like grid of the first BZ cell, ``kappa_a = (i_a + s)/n_a``.

    Symmetric under ``k -> -k`` (modulo a reciprocal vector) when ``shift`` is False, so
    time-reversal partners are both on the grid. Point order: C order of ``(i_1, ..., i_dim)``.

    Parameters
    ----------
    lattice_vectors : (dim, d_space) array
        Cartesian lattice vectors (units of a).
    n : int or dim ints
        Points per reciprocal direction (one int: the same in every direction).
    shift : bool
        Shift by half a step (``s = 1/2``) instead of ``s = 0``.

    Returns
    -------
    (prod(n), dim) ndarray
        Cartesian ``k = kappa @ B`` (1/a) when ``dim == d_space``; for a lower-dimensional
        model (a ribbon: ``dim = 1`` in the plane) the coordinate along each periodic
        direction, ``2 pi kappa_a / |a_a|`` (1/a).
    """
    lat = _lattice_array(lattice_vectors)
    dim = lat.shape[0]
    ns = np.broadcast_to(np.atleast_1d(n), (dim,)).astype(int)
    for v in ns:
        check_positive("number of k-points", v)
    axes = [(np.arange(m) + (0.5 if shift else 0.0)) / m for m in ns]
    frac = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, dim)
    if dim == lat.shape[1]:
        return frac @ reciprocal_vectors(lat)
    lengths = np.linalg.norm(lat, axis=1)
    return frac * (2 * np.pi / lengths)


_PRODUCTS = ("outer", "matmul")

# numpydoc block of the UniformGrid methods over a flat index range (lrtheory._docstrings)
_docs = shared_docs(index_range="Parameters\n----------\nstart, stop : int\n"
                                "    Index range (``stop=None``: ``n_points``).")


@dataclass(frozen=True, eq=False)
class UniformGrid:
    r"""The uniform grid ``kappa_a = i_a / n_a`` of the first BZ cell, by flat index.

    Flat index ``i`` runs over ``(i_1, ..., i_dim)`` in C order (the last index fastest), as
    in the Hall grids of :mod:`lrtheory.response`; nothing of size ``n_points`` is ever built:
    :meth:`points` makes the Cartesian k of a range of flat indices (inside a worker).

    Parameters
    ----------
    B : (dim, d_space) array
        Reciprocal vectors ``b_a`` as rows (1/a), e.g. :func:`reciprocal_vectors`.
    shape : int or dim ints
        ``(n_1, ..., n_dim)`` points per reciprocal direction (one int: the same in all).
    cell_volume : float, optional
        Volume (area, length) of the real-space unit cell (a^dim). Default
        ``(2 pi)^dim / |det B|``; :meth:`from_lattice` gives ``|det A|``.
    product : {"outer", "matmul"}
        Arithmetic of ``k = kappa @ B``: ``"outer"`` sums ``outer(i_a / n_a, b_a)`` over
        ``a`` (the Hall grid's ``grid_slice``), ``"matmul"`` forms ``kappa`` and one matrix
        product (``hall3d.grid_points``). They agree to rounding (1 ulp); the choice keeps a
        response bit-identical to its earlier versions.

    Attributes
    ----------
    n_points : int
        ``prod(shape)``.
    """

    B: np.ndarray
    shape: tuple
    cell_volume: float | None = None
    product: str = "outer"

    def __post_init__(self):
        B = np.atleast_2d(check_finite("reciprocal vectors B", np.asarray(self.B, float)))
        dim = B.shape[0]
        shape = np.broadcast_to(np.atleast_1d(np.asarray(self.shape)), (dim,))
        if shape.dtype.kind not in "iu":
            if not np.all(np.mod(shape, 1) == 0):
                raise ConventionError(f"grid shape must be integers, got {self.shape!r}")
        shape = tuple(int(s) for s in shape)
        for s in shape:
            if s < 1:
                raise ConventionError(f"grid shape must be positive integers, got {self.shape!r}")
        if self.product not in _PRODUCTS:
            raise ConventionError(f"product must be one of {_PRODUCTS}, got {self.product!r}")
        vol = self.cell_volume
        if vol is None:
            gram = B @ B.T
            vol = (2 * np.pi) ** dim / np.sqrt(abs(np.linalg.det(gram)))
        B.setflags(write=False)
        object.__setattr__(self, "B", B)
        object.__setattr__(self, "shape", shape)
        object.__setattr__(self, "cell_volume", float(vol))

    @classmethod
    def from_lattice(cls, lattice_vectors, shape, *, product: str = "outer") -> "UniformGrid":
        """The grid of a lattice: ``B = reciprocal_vectors(A)``, ``cell_volume = |det A|``
        (a^dim; needs ``dim == d_space``).

        Parameters
        ----------
        lattice_vectors : (dim, dim) array
            Cartesian lattice vectors (a).
        shape : int or sequence of int
            Points along each reciprocal vector.
        product : str
            ``"outer"`` or ``"matmul"`` (see the class doc).

        Returns
        -------
        UniformGrid

        Raises
        ------
        ModelError
            The lattice matrix is not square (a ribbon or an embedded model).
        """
        lat = _lattice_array(lattice_vectors)
        if lat.shape[0] != lat.shape[1]:
            raise ModelError(f"a bulk model is needed (square lattice matrix), got lattice "
                             f"vectors of shape {lat.shape}")
        return cls(reciprocal_vectors(lat), shape, abs(np.linalg.det(lat)), product)

    # -- sizes ------------------------------------------------------------------------------
    @property
    def dim(self) -> int:
        return len(self.shape)

    @property
    def n_points(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    def _indices(self, start: int, stop: int | None) -> tuple[np.ndarray, ...]:
        start, stop = int(start), int(self.n_points if stop is None else stop)
        if not 0 <= start <= stop <= self.n_points:
            raise ConventionError(f"grid index range [{start}, {stop}) outside 0..{self.n_points}")
        flat = np.arange(start, stop)
        if self.dim == 2:  # the Hall grid's divmod (same integers as unravel_index)
            return np.divmod(flat, self.shape[1])
        return np.unravel_index(flat, self.shape)

    # -- points -----------------------------------------------------------------------------
    @_docs
    def points(self, start: int = 0, stop: int | None = None) -> np.ndarray:
        """Cartesian k of the flat indices ``start <= i < stop`` (C order of the grid indices).

        %(index_range)s

        Returns
        -------
        ndarray
            k points, shape (stop - start, d_space) (1/a).
        """
        idx = self._indices(start, stop)
        B = self.B
        if self.product == "matmul":
            frac = np.stack([i / m for i, m in zip(idx, self.shape)], -1)
            return frac @ B
        k = np.outer(idx[0] / self.shape[0], B[0])
        for a in range(1, self.dim):
            k = k + np.outer(idx[a] / self.shape[a], B[a])
        return k

    @_docs
    def subgrid_mask(self, start: int = 0, stop: int | None = None) -> np.ndarray:
        """Which points of an index range lie on the nested ``shape // 2`` sub-grid (the error
        estimate of a k-sum).

        %(index_range)s

        Returns
        -------
        ndarray
            Bool (stop - start,): True where every grid index is even; all False when some
            ``n_a`` is odd (then there is no nested sub-grid).
        """
        idx = self._indices(start, stop)
        if any(m % 2 for m in self.shape):
            return np.zeros(len(idx[0]), bool)
        mask = idx[0] % 2 == 0
        for i in idx[1:]:
            mask = mask & (i % 2 == 0)
        return mask

    def half(self) -> "UniformGrid":
        """The grid of ``shape // 2`` (the points :meth:`subgrid_mask` selects when every
        ``n_a`` is even).

        Returns
        -------
        UniformGrid
            Same ``B``, ``cell_volume`` and ``product``.

        Raises
        ------
        ConventionError
            Some ``n_a < 2``.
        """
        if any(m < 2 for m in self.shape):
            raise ConventionError(f"grid {self.shape} has no half grid (a direction has < 2 points)")
        return UniformGrid(self.B, tuple(m // 2 for m in self.shape), self.cell_volume,
                           self.product)

    def __repr__(self) -> str:
        return f"UniformGrid(shape={self.shape}, n_points={self.n_points})"


def polar_grid(k_max: float, n_r: int, n_theta: int, *, k_min: float = 0.0):
    r"""Gauss-Legendre (radial) x uniform (angle) quadrature of ``int d^2k/(2 pi)^2``.

    For continuum (k.p) models, which have no Brillouin zone.

    Parameters
    ----------
    k_max, k_min : float
        Outer and inner radius of the annulus ``k_min < |k| < k_max`` (1/a).
    n_r, n_theta : int
        Radial Gauss-Legendre nodes and uniform angles.

    Returns
    -------
    k : (n_r * n_theta, 2) ndarray
        Cartesian k (1/a), radial index slowest.
    w : (n_r * n_theta,) ndarray
        Weights with ``sum(w * g(k)) ~ int d^2k/(2 pi)^2 g`` (1/a^2): spectrally accurate for
        a smooth periodic angular dependence; the radial rule needs the integrand smooth on
        the scale ``k_max / n_r`` (for Fermi-function integrands ``T / v_F`` must be resolved).
    """
    check_positive("k_max", k_max)
    if not (0 <= k_min < k_max):
        raise ConventionError(f"need 0 <= k_min < k_max, got k_min={k_min}, k_max={k_max}")
    x, wx = np.polynomial.legendre.leggauss(int(n_r))
    kr = k_min + (k_max - k_min) * (x + 1) / 2
    wr = wx * (k_max - k_min) / 2 * kr
    th = 2 * np.pi * np.arange(int(n_theta)) / int(n_theta)
    K, T = np.meshgrid(kr, th, indexing="ij")
    W = np.outer(wr, np.full(len(th), 2 * np.pi / len(th))) / (2 * np.pi) ** 2
    k = np.stack([K * np.cos(T), K * np.sin(T)], -1).reshape(-1, 2)
    return k, W.reshape(-1)


# -- band paths -----------------------------------------------------------------------------
_TOL = 1e-6


def _angle(a, b) -> float:
    return float(np.degrees(np.arccos(np.clip(a @ b / np.linalg.norm(a) / np.linalg.norm(b),
                                              -1, 1))))


def named_points(lattice_vectors) -> dict[str, np.ndarray]:
    """High-symmetry points of the lattice in reduced coordinates of the reciprocal vectors.

    Hexagonal (|a1| = |a2|, angle 60 or 120 degrees): G, K, K', M with K a corner of the
    hexagonal Brillouin zone, |K| = 4 pi / (3 |a|), M the middle of the zone edge through
    K and K' = 2M - K (equivalent to -K, the other valley). Square/rectangular (90 degrees):
    G, X, Y, M. Simple cubic (3D, orthogonal): G, X, M, R. One-dimensional: G, X. Other
    lattices: G only (give reduced coordinates).

    Parameters
    ----------
    lattice_vectors : (dim, d_space) array
        Cartesian lattice vectors (units of a).

    Returns
    -------
    dict of str -> (dim,) ndarray
        Reduced coordinates ``kappa`` (``k = kappa @ reciprocal_vectors``).
    """
    lat = np.asarray(lattice_vectors, float)
    dim = lat.shape[0]
    pts = {"G": np.zeros(dim)}
    if dim == 2 and lat.shape[1] == 2:
        n1, n2 = np.linalg.norm(lat, axis=1)
        ang = _angle(lat[0], lat[1])
        if abs(n1 - n2) < _TOL * n1 and (abs(ang - 60) < 1e-6 or abs(ang - 120) < 1e-6):
            b = _reciprocal_square(lat)
            kmag = 4 * np.pi / (3 * n1)
            cands = [np.array(c) for c in ((1 / 3, 1 / 3), (2 / 3, 1 / 3), (1 / 3, 2 / 3),
                                           (2 / 3, -1 / 3), (1 / 3, -1 / 3))]
            K = next(c for c in cands if abs(np.linalg.norm(c @ b) - kmag) < 1e-9)
            M = np.array([0.5, 0.0])
            # K' = 2M - K (= -K modulo a reciprocal vector): K-M-K' runs along a zone edge
            pts.update(K=K, M=M, **{"K'": 2 * M - K})
        elif abs(ang - 90) < 1e-6:
            pts.update(X=np.array([0.5, 0.0]), Y=np.array([0.0, 0.5]), M=np.array([0.5, 0.5]))
    elif dim == 3 and lat.shape[1] == 3:
        if all(abs(_angle(lat[i], lat[j]) - 90) < 1e-6 for i, j in ((0, 1), (0, 2), (1, 2))):
            pts.update(X=np.array([0.5, 0, 0]), M=np.array([0.5, 0.5, 0]),
                       R=np.array([0.5, 0.5, 0.5]))
        else:
            pts.update(cubic_centred_points(lat, tol=_TOL))
    elif dim == 1:
        pts["X"] = np.array([0.5])
    return pts


def _split_path(spec: str) -> list[str]:
    """Split ``"G-K-[0.5,-0.5]"`` at the '-' outside brackets."""
    tokens, depth, cur = [], 0, ""
    for ch in spec:
        depth += ch in "[("
        depth -= ch in "])"
        if ch == "-" and depth == 0:
            tokens.append(cur.strip())
            cur = ""
        else:
            cur += ch
    tokens.append(cur.strip())
    if any(not t for t in tokens):
        raise LrtheoryError(f"--path {spec[:60]!r}: empty point name (points are joined by "
                            "single '-', e.g. G-K-M-G)")
    return tokens


def _parse_point(token: str, pts: dict, dim: int) -> np.ndarray:
    """A named point or ``[a,b]`` reduced coordinates (constant expressions, parsed by the
    safe expression parser, never evaluated as code)."""
    from lrtheory.io.expressions import MAX_SHOWN, evaluate, split_top_level

    token = token.strip()
    if token in pts:
        return pts[token]
    m = re.fullmatch(r"[\[(]\s*(.*?)\s*[\])]", token, flags=re.S)
    if m:
        label = token if len(token) <= MAX_SHOWN else token[:MAX_SHOWN - 3] + "..."
        vals = [evaluate(x, {}, where=f"k-point {label}", real=True)
                for x in split_top_level(m.group(1))]
        if len(vals) != dim:
            raise LrtheoryError(f"k-point {label} has {len(vals)} coordinates, expected {dim}")
        return np.array(vals, float)
    raise LrtheoryError(f"unknown k-point {token[:60]!r} in --path; named points of this "
                        f"lattice: {sorted(pts)} (or give reduced coordinates like [0.5,0])")


def k_path(model, spec: str | None, nk: int):
    """Cartesian k-points along a band path through named or reduced-coordinate points.

    Parameters
    ----------
    model : BlochModel
        A lattice model (``lattice_vectors`` not None). One-dimensional models (ribbons) get
        ``-pi/|a| .. pi/|a|`` along the periodic direction whatever ``spec`` says.
    spec : str or None
        Points joined by '-': names from :func:`named_points` or reduced coordinates
        ``[a,b]`` (constant expressions such as ``1/3``). ``None``: ``G-K-M-K'-G``
        (hexagonal) or ``G-X-M-G`` (square, cubic).
    nk : int
        Number of k-points along the whole path (>= 2).

    Returns
    -------
    k : (nk', dim) ndarray
        Cartesian k (1/a); points are distributed over the segments in proportion to their
        length (at least 2 per segment), so ``nk'`` is close to ``nk``.
    kdist : (nk',) ndarray
        Distance along the path (1/a).
    ticks : list of float
        ``kdist`` of the path's corners.
    labels : list of str
        The corners' names.
    """
    if nk < 2:
        raise LrtheoryError(f"--nk must be >= 2, got {nk}")
    lat = _lattice_array(model.lattice_vectors, f"{model.name}: band path")
    dim = model.dim
    if dim == 1:
        a = float(np.linalg.norm(lat[0]))
        kk = np.linspace(-np.pi / a, np.pi / a, nk)[:, None]
        return kk, kk[:, 0].copy(), [-np.pi / a, 0.0, np.pi / a], ["-pi/a", "0", "pi/a"]
    if lat.shape[1] != dim:
        raise ModelError(f"bulk k-paths need dim = spatial dimension, got a {dim}D model in "
                         f"{lat.shape[1]}D space")
    pts = named_points(lat)
    if spec is None:
        spec = ("G-K-M-K'-G" if "K" in pts and "M" in pts else "G-X-M-G" if "M" in pts
                else "G-X-W-K-G-L-U-W-L-K" if "W" in pts else "G-H-N-G-P-H" if "H" in pts
                else None)
        if spec is None:
            raise LrtheoryError("no default path for this lattice: give --path with reduced "
                                "coordinates, e.g. '[0,0]-[0.5,0]-[0.5,0.5]-[0,0]'")
    tokens = _split_path(spec)
    if len(tokens) < 2:
        raise LrtheoryError(f"--path needs at least two points joined by '-', got {spec!r}")
    b = _reciprocal_square(lat)
    corners = np.array([_parse_point(t, pts, dim) @ b for t in tokens])
    seg = np.linalg.norm(np.diff(corners, axis=0), axis=1)
    if np.any(seg == 0):
        raise LrtheoryError(f"--path {spec!r} repeats a point")
    counts = np.maximum(2, np.round(seg / seg.sum() * (nk - 1)).astype(int))
    ks, ds = [], []
    start = 0.0
    for c0, c1, L, n in zip(corners[:-1], corners[1:], seg, counts):
        t = np.linspace(0, 1, n, endpoint=False)
        ks.append(c0 + t[:, None] * (c1 - c0))
        ds.append(start + t * L)
        start += L
    ks.append(corners[-1:])
    ds.append(np.array([start]))
    ticks = np.concatenate([[0.0], np.cumsum(seg)]).tolist()
    return np.concatenate(ks), np.concatenate(ds), ticks, tokens
