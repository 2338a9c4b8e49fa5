r"""Sparse real-space samples for the kernel polynomial method (issue #16 item 3).

A :class:`SparseSample` is a Hermitian ``scipy.sparse`` CSR Hamiltonian ``H`` (t0), the
Cartesian velocity operators ``v_a = i [H, r_a]`` (paper Eq. 4, units a t0/hbar) as CSR
matrices built from the **bond displacement vectors** (so they are right across periodic
boundaries, where ``r`` itself is not defined), the orbital positions (a), the area or
length ``volume`` the conductivities are normalised by, and the model's name and parameters.

Samples come from a :class:`~lrtheory.models.tightbinding.TightBindingModel` (any dimension;
ribbons cut by :mod:`lrtheory.models.cuts` are 1D ones) repeated over a box of unit cells,
open or periodic along each lattice vector (:func:`supercell`), or from any sparse or dense
Hamiltonian with positions (:func:`from_hamiltonian`, e.g. a disordered sample, or a
:class:`~lrtheory.finite.FiniteSystem` by :func:`from_finite`). Nothing here builds a dense
``N x N`` matrix: memory is linear in the number of orbitals (about 3 x 20 bytes per stored
entry for ``H``, ``v_x``, ``v_y``).

Spectral bounds (:func:`spectral_bounds`): Gershgorin discs (rigorous: every eigenvalue lies
in ``[min_i (H_ii - R_i), max_i (H_ii + R_i)]``, ``R_i = sum_{j != i} |H_ij|``) or Lanczos
(``scipy.sparse.linalg.eigsh``, tighter). The Chebyshev rescaling ``H~ = (H - b)/a`` then uses
``a = (1 + margin) (E_max - E_min)/2``, ``b = (E_max + E_min)/2`` so that the spectrum of
``H~`` lies inside ``[-1/(1 + margin), 1/(1 + margin)]`` (default margin 0.05; with Lanczos
the margin also covers the eigensolver's tolerance).
"""
from __future__ import annotations

import dataclasses

import numpy as np
import scipy.sparse as sp

from lrtheory.errors import LrtheoryError, ModelError, ShapeError

__all__ = ["SparseSample", "supercell", "from_hamiltonian", "from_finite", "spectral_bounds",
           "Scaling", "DEFAULT_MARGIN"]

#: relative safety margin of the Chebyshev rescaling (spectrum of H~ inside +-1/(1+margin))
DEFAULT_MARGIN = 0.05


@dataclasses.dataclass(frozen=True, eq=False)
class SparseSample:
    r"""A sparse tight-binding sample.

    Parameters
    ----------
    hamiltonian : (D, D) scipy.sparse CSR, complex
        Hermitian ``H`` (t0), orbital-major basis as built (see :func:`supercell`).
    velocity : tuple of CSR
        ``v_a = i [H, r_a]`` for every Cartesian axis a (a t0/hbar), Eq. 4.
    positions : (D, d) float array
        Orbital positions (a); unwrapped for periodic samples (only differences along bonds
        enter ``velocity``).
    volume : float
        Area (2D) or length (1D) of the sample in a^d: conductivities are per ``volume``.
    site : (D,) int array
        The site (cell x orbital) of every basis state; equals ``arange(D)`` unless built
        with internal states.
    model : dict
        ``{"name": ..., "params": {...}}`` plus the sample's shape and boundary conditions.
    """

    hamiltonian: sp.csr_matrix
    velocity: tuple
    positions: np.ndarray
    volume: float
    site: np.ndarray
    model: dict

    def __post_init__(self):
        h = self.hamiltonian
        if not sp.issparse(h) or h.shape[0] != h.shape[1]:
            raise ShapeError(f"hamiltonian must be a square scipy.sparse matrix, got {type(h)}")
        if not np.all(np.isfinite(h.data)):
            raise ModelError("hamiltonian H contains NaN or inf values")
        herm = abs(h - h.conj().T)
        if herm.nnz and herm.max() > 1e-10 * max(1.0, abs(h).max()):
            raise ModelError("hamiltonian H is not Hermitian (max |H - H^dagger| = "
                             f"{herm.max():.3g})")
        if not np.isfinite(self.volume) or self.volume <= 0:
            raise ShapeError(f"sample volume must be positive, got {self.volume!r}")
        if self.positions.shape[0] != h.shape[0]:
            raise ShapeError(f"{self.positions.shape[0]} positions for a {h.shape[0]}-orbital H")

    @property
    def n_orbitals(self) -> int:
        """Dimension D of the Hilbert space."""
        return self.hamiltonian.shape[0]

    @property
    def n_sites(self) -> int:
        return int(self.site.max()) + 1

    def velocity_along(self, direction) -> sp.csr_matrix:
        """``v . e`` for a Cartesian index or a direction vector (a t0/hbar).

        Parameters
        ----------
        direction : int or (d,) array
            Cartesian axis index or direction vector.

        Returns
        -------
        scipy.sparse.csr_matrix (D, D)
            The velocity along ``direction`` (a t0/hbar).
        """
        if np.ndim(direction) == 0:
            d = int(direction)
            if not 0 <= d < len(self.velocity):
                raise ShapeError(f"direction {d} outside 0..{len(self.velocity) - 1}")
            return self.velocity[d]
        e = np.asarray(direction, float).reshape(-1)
        if e.shape != (len(self.velocity),) or not np.all(np.isfinite(e)):
            raise ShapeError(f"direction vector must have {len(self.velocity)} finite components")
        out = sum(c * v for c, v in zip(e, self.velocity) if c != 0)
        return sp.csr_matrix(out) if not np.isscalar(out) else 0 * self.velocity[0]

    def cell_operator(self, matrix) -> sp.csr_matrix:
        """The block-diagonal operator ``1_cells (x) O`` of an ``(n, n)`` unit-cell matrix
        (only for samples built by :func:`supercell`).

        Parameters
        ----------
        matrix : (n, n) array
            The unit-cell operator (n orbitals per cell).

        Returns
        -------
        scipy.sparse.csr_matrix (D, D)
            ``1_cells (x) O``, in the units of ``matrix``.
        """
        n = self.model.get("n_orbitals_per_cell")
        m = np.asarray(matrix)
        if n is None or m.shape != (n, n):
            raise ShapeError(f"cell operator must be ({n}, {n}) for this sample, got {m.shape}")
        return sp.kron(sp.identity(self.n_orbitals // n, format="csr"), sp.csr_matrix(m),
                       format="csr")


def _csr(rows, cols, vals, n) -> sp.csr_matrix:
    m = sp.coo_matrix((vals, (rows, cols)), shape=(n, n)).tocsr()
    m.sum_duplicates()
    return m


def csr_family(rows, cols, values: list, n) -> list:
    """CSR matrices with one shared sparsity pattern (entries sorted once, duplicates summed):
    one sort for H and every v_a instead of one COO conversion each."""
    order = np.lexsort((cols, rows))
    r, c = rows[order], cols[order]
    new = np.ones(r.size, bool)
    new[1:] = (r[1:] != r[:-1]) | (c[1:] != c[:-1])
    start = np.nonzero(new)[0]
    r, c = r[start], c[start]
    idx_type = np.int32 if max(n, r.size) < 2**31 else np.int64
    indptr = np.zeros(n + 1, idx_type)
    np.cumsum(np.bincount(r, minlength=n), out=indptr[1:])
    c = c.astype(idx_type)
    return [sp.csr_matrix((np.add.reduceat(v[order], start), c, indptr), shape=(n, n))
            for v in values]


def supercell(model, cells, *, periodic=True) -> SparseSample:
    r"""The sparse sample of ``prod(cells)`` unit cells of a tight-binding model.

    Parameters
    ----------
    model : TightBindingModel
        Any :class:`~lrtheory.models.tightbinding.TightBindingModel` (a ribbon from
        ``model.ribbon(W)`` is a 1D one: the sample is then a finite or closed ribbon).
    cells : int or tuple of int
        Cells along each lattice vector (one int: the same along all).
    periodic : bool or tuple of bool
        Periodic (torus) or open along each lattice vector. A periodic direction needs at
        least 3 cells (2 would make a bond and its conjugate the same matrix entry).

    Returns
    -------
    SparseSample
        Basis index ``cell * n_orbitals + mu`` with cells in C order; ``volume`` = the
        number of cells times the cell area (2D) or length (1D) in a^d.

    Raises
    ------
    ModelError
        Not a tight-binding model.
    ShapeError
        Bad ``cells`` or ``periodic``.
    """
    from lrtheory.models.tightbinding import TightBindingModel

    if not isinstance(model, TightBindingModel):
        raise ModelError(f"supercell() needs a TightBindingModel, got {type(model).__name__}")
    dim, n = model.dim, model.n_orbitals
    shape = (cells,) * dim if np.ndim(cells) == 0 else tuple(cells)
    per = (periodic,) * dim if np.ndim(periodic) == 0 else tuple(periodic)
    if len(shape) != dim or len(per) != dim:
        raise ShapeError(f"cells and periodic need {dim} entries for a {dim}D model")
    for L, p in zip(shape, per):
        if isinstance(L, bool) or int(L) != L or int(L) < 1:
            raise ShapeError(f"cells must be positive integers, got {shape}")
        if p and int(L) < 3:
            raise ShapeError(f"a periodic direction needs >= 3 cells, got {shape}")
    shape = tuple(int(L) for L in shape)
    ncell = int(np.prod(shape))
    grid = np.stack(np.unravel_index(np.arange(ncell), shape), axis=1)  # (Nc, dim)
    from lrtheory.models.cuts import refuse_position_matrix

    refuse_position_matrix(model, "a KPM supercell")
    lat, pos = model.lattice_vectors, model.positions
    rows, cols, vals, disp = [], [], [], []
    for h in model.hoppings:
        R = np.asarray(h.R)
        target = grid + R
        ok = np.ones(ncell, bool)
        for a in range(dim):
            if per[a]:
                target[:, a] %= shape[a]
            else:
                ok &= (target[:, a] >= 0) & (target[:, a] < shape[a])
        src = np.nonzero(ok)[0]
        dst = np.ravel_multi_index(tuple(target[ok].T), shape)
        d = R @ lat + pos[h.j] - pos[h.i]
        r, c = src * n + h.i, dst * n + h.j
        rows += [r, c]
        cols += [c, r]
        vals += [np.full(len(r), h.t, complex), np.full(len(r), np.conj(h.t), complex)]
        disp += [np.broadcast_to(d, (len(r), d.size)), np.broadcast_to(-d, (len(r), d.size))]
    D = ncell * n
    diag = np.arange(D)
    onsite = np.tile(model.onsite, ncell).astype(complex)
    rows, cols = np.concatenate(rows + [diag]), np.concatenate(cols + [diag])
    vals = np.concatenate(vals + [onsite])
    disp = np.concatenate(disp + [np.zeros((D, pos.shape[1]))])
    H, *V = csr_family(rows, cols, [vals] + [1j * vals * disp[:, a]
                                              for a in range(pos.shape[1])], D)
    V = tuple(V)
    positions = ((grid @ lat)[:, None, :] + pos[None]).reshape(D, -1)
    if dim == 1:
        cell_volume = float(np.linalg.norm(lat[0]))
    elif dim == 2 and lat.shape[1] >= 2:
        cell_volume = float(abs(np.linalg.det(lat[:, :2])))
    else:
        cell_volume = float(abs(np.linalg.det(lat)))
    info = {"name": model.name, "params": dict(model.params), "cells": list(shape),
            "periodic": [bool(p) for p in per], "n_orbitals_per_cell": n}
    return SparseSample(H, V, positions, ncell * cell_volume, np.arange(D), info)


def from_hamiltonian(hamiltonian, positions, *, volume: float, name: str = "sparse sample",
                     site=None, params=None) -> SparseSample:
    r"""A sample from any (sparse or dense) Hermitian ``H`` with open boundaries.

    ``v_a = i [H, r_a]``: ``[v_a]_{jk} = i H_{jk} (x_k - x_j)`` (Eq. 4), built entry by entry
    from the stored entries of ``H`` (no dense matrix). Use it for disordered samples.

    Parameters
    ----------
    hamiltonian : (D, D) scipy.sparse matrix or array (t0)
    positions : (D, d) array (a); every basis state's position
    volume : float
        Sample area (2D) or length (1D), a^d.
    name : str
        Name of the sample, for results.
    site : (D,) int array, optional
        Site of every basis state (default: each state its own site).
    params : dict, optional
        Parameters recorded with the sample.

    Returns
    -------
    SparseSample
        H (t0), velocities (a t0/hbar), positions (a).
    """
    H = sp.csr_matrix(hamiltonian, dtype=complex)
    H.sum_duplicates()
    x = np.asarray(positions, float)
    if x.ndim == 1:
        x = x[:, None]
    if x.shape[0] != H.shape[0] or not np.all(np.isfinite(x)):
        raise ShapeError(f"positions must be finite and ({H.shape[0]}, d), got {x.shape}")
    coo = H.tocoo()
    dx = x[coo.col] - x[coo.row]
    V = tuple(_csr(coo.row, coo.col, 1j * coo.data * dx[:, a], H.shape[0])
              for a in range(x.shape[1]))
    site = np.arange(H.shape[0]) if site is None else np.asarray(site, int)
    return SparseSample(H, V, x, float(volume), site, {"name": name, "params": dict(params or {})})


def from_finite(system, *, volume: float | None = None) -> SparseSample:
    """A :class:`~lrtheory.finite.FiniteSystem` as a sparse sample (open boundaries;
    ``volume`` defaults to the number of sites).

    Parameters
    ----------
    system : FiniteSystem
        The finite system (t0, a).
    volume : float, optional
        Sample area or length (a^d); default the number of sites.

    Returns
    -------
    SparseSample
        The sample of :func:`from_hamiltonian`.
    """
    vol = float(system.n_sites) if volume is None else float(volume)
    return from_hamiltonian(system.hamiltonian, system.orbital_positions, volume=vol,
                            site=system.site_index, name="finite system")


@dataclasses.dataclass(frozen=True)
class Scaling:
    """The Chebyshev rescaling ``H~ = (H - center)/half_width`` (energies in t0).

    Parameters
    ----------
    center, half_width : float
        Centre and half width of the rescaling (t0).
    e_min, e_max : float
        The spectral bounds found (t0).
    method : str
        How they were found (``"gershgorin"`` or ``"lanczos"``).
    margin : float
        Relative safety margin of ``half_width``.
    """

    center: float
    half_width: float
    e_min: float
    e_max: float
    method: str
    margin: float

    def to_unit(self, energy):
        """Energies (t0) -> x = (E - center)/half_width.

        Parameters
        ----------
        energy : float or array
            Energies (t0).

        Returns
        -------
        float array
            Rescaled energies x (dimensionless).
        """
        return (np.asarray(energy, float) - self.center) / self.half_width

    def from_unit(self, x):
        """Rescaled energies x -> E = x half_width + center (t0).

        Parameters
        ----------
        x : float or array
            Rescaled energies (dimensionless).

        Returns
        -------
        float array
            Energies (t0).
        """
        return np.asarray(x, float) * self.half_width + self.center


def spectral_bounds(hamiltonian, *, method: str = "gershgorin",
                    margin: float = DEFAULT_MARGIN) -> Scaling:
    r"""Bounds of the spectrum of a sparse Hermitian ``H`` and the Chebyshev rescaling.

    Parameters
    ----------
    hamiltonian : scipy.sparse matrix (t0)
    method : {"gershgorin", "lanczos"}
        Gershgorin discs (rigorous, may be loose by the sum of off-diagonal moduli) or
        ``eigsh`` extremal eigenvalues (tight; tolerance 1e-6 relative, covered by the margin).
    margin : float
        Relative safety margin, ``0 < margin < 1``: ``half_width = (1 + margin) (E_max -
        E_min)/2``.

    Returns
    -------
    Scaling
    """
    if not 0 < margin < 1:
        raise LrtheoryError(f"margin must be in (0, 1), got {margin!r}")
    H = sp.csr_matrix(hamiltonian)
    if method == "gershgorin":
        diag = H.diagonal().real
        radius = np.asarray(abs(H).sum(axis=1)).ravel() - np.abs(H.diagonal())
        lo, hi = float(np.min(diag - radius)), float(np.max(diag + radius))
    elif method == "lanczos":
        from scipy.sparse.linalg import eigsh

        if H.shape[0] < 3:
            e = np.linalg.eigvalsh(H.toarray())
            lo, hi = float(e[0]), float(e[-1])
        else:
            lo = float(eigsh(H, k=1, which="SA", tol=1e-6, return_eigenvectors=False)[0])
            hi = float(eigsh(H, k=1, which="LA", tol=1e-6, return_eigenvectors=False)[0])
    else:
        raise LrtheoryError(f"method must be 'gershgorin' or 'lanczos', got {method!r}")
    width = max(hi - lo, 1e-12)
    return Scaling((hi + lo) / 2, (1 + margin) * width / 2, lo, hi, method, margin)


def honeycomb_valley_model():
    r"""The valley operator of the honeycomb lattice as a tight-binding "model":
    :func:`lrtheory.models.haldane.valley_model` (``+1`` at ``K = (4 pi/3, 0)``, ``-1`` at
    ``K'``, next-nearest hoppings of the same chirality on both sublattices). Use it as the
    ``operator`` of the KPM quantities through :func:`supercell` (``supercell(valley_model,
    cells, periodic=...).hamiltonian``).

    Returns
    -------
    TightBindingModel
    """
    from lrtheory.models.haldane import valley_model

    return valley_model()
