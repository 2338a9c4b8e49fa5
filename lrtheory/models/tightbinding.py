r"""Tight-binding Bloch models built from a hopping list, their ribbons and flakes.

A model is given by lattice vectors, orbital positions and hoppings
``<i, cell 0| H |j, cell R> = t`` (the Hermitian conjugate is added automatically), plus
on-site energies. The Bloch Hamiltonian uses the atomic-position convention of paper
Eq. (S48):

.. math::  H_{ij}(\mathbf k) = \sum_{\mathbf R} t_{ij}(\mathbf R)\,
           e^{i\mathbf k\cdot(\mathbf R + \mathbf r_j - \mathbf r_i)},

so that ``dH/dk`` is the velocity operator (hbar = 1) and the Berry connection carries the
intracell positions. Internally H(k) is stored as ``sum_m exp(i k.d_m) H_m`` over the
distinct bond displacements ``d_m`` (qsymm/Kwant style: constant matrices times scalar
phases), stored sparsely (only the matrix positions that bonds touch), so building H(k) for a
stack of k costs ``Nk * m * (touched positions)`` plus writing the dense ``Nk * n^2`` output,
well below the ``Nk * n^3`` of its diagonalization, with memory O(number of hoppings).

Units: energies in t0, lengths in a, k in 1/a (Cartesian).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np

from lrtheory.errors import ModelError, ShapeError, check_finite
from lrtheory.models.bonds import MAX_ENERGY_SCALE, BondTable, check_energy_scale, group_bonds
from lrtheory.models.protocol import BlochModel, Ribbon, RibbonCut  # noqa: F401 (RibbonCut: re-export)
from lrtheory.models.slab_positions import RibbonBlocks
from lrtheory.models.time_reversal import TimeReversal

__all__ = ["TightBindingModel", "TightBindingRibbon", "Hopping", "BondTable"]

@dataclass(frozen=True)
class Hopping:
    """One hopping ``<i, 0| H |j, R> = t`` (``R`` in lattice-vector units).

    Parameters
    ----------
    i, j, R, t : int, int, tuple of int, complex
        Orbitals (``j`` in cell ``R`` to ``i`` in cell 0), cell offset, amplitude (t0).
    """

    i: int
    j: int
    R: tuple[int, ...]
    t: complex


def _as_hoppings(hoppings: Iterable, dim: int) -> list[Hopping]:
    out = []
    for n, h in enumerate(hoppings):
        if not isinstance(h, Hopping):
            try:
                i, j, R, t = h
            except (TypeError, ValueError):
                raise ModelError(
                    f"hopping #{n} must be (i, j, R, t) or a Hopping, got {h!r}"
                ) from None
            h = Hopping(int(i), int(j), tuple(int(r) for r in np.atleast_1d(R)), complex(t))
        if len(h.R) != dim:
            raise ModelError(f"hopping #{n}: R={h.R} has {len(h.R)} components, expected {dim}")
        if not np.isfinite(h.t):
            raise ModelError(f"hopping #{n}: amplitude {h.t!r} is not finite")
        out.append(h)
    return out


@dataclass(frozen=True, eq=False)
class TightBindingModel(BlochModel):
    """A Bloch tight-binding model (a :class:`lrtheory.models.protocol.BlochModel`).

    Parameters
    ----------
    lattice_vectors : (dim, d_space) array
        Cartesian lattice vectors of the periodic directions (units of a).
    positions : (n_orbitals, d_space) array
        Cartesian orbital positions (units of a).
    hoppings : list of Hopping or (i, j, R, t)
        ``<i, 0|H|j, R> = t`` (energy units t0); the conjugate hopping is added
        automatically, so list each bond once. Listing a bond and its conjugate raises.
    onsite : (n_orbitals,) array, optional
        On-site energies (real).
    time_reversal : TimeReversal, (n, n) array or None
        A declared TR operator ``Theta = U K`` (spinless: ``U = 1``); a bare ``U`` is
        converted to a :class:`~lrtheory.models.time_reversal.TimeReversal`. Checked here
        (:meth:`TimeReversal.check`): a false claim raises
        :class:`~lrtheory.errors.SymmetryError`.
    transverse_axis : (d_space,) array, optional
        Only for :class:`TightBindingRibbon` (deprecated here): unit vector along which the
        ribbon is open.
    name : str
        Human-readable label.
    params : dict
        Model parameters by name.
    """

    lattice_vectors: np.ndarray
    positions: np.ndarray
    hoppings: tuple = ()
    onsite: np.ndarray | None = None
    time_reversal: TimeReversal | None = None
    transverse_axis: np.ndarray | None = None
    name: str = "tight-binding model"
    params: dict = field(default_factory=dict)

    def __new__(cls, *args, **kwargs):
        # the old way to build a ribbon by hand: TightBindingModel(..., transverse_axis=y)
        axis = kwargs.get("transverse_axis", args[5] if len(args) > 5 else None)
        if cls is TightBindingModel and axis is not None:
            warnings.warn("TightBindingModel(..., transverse_axis=...) is deprecated: build a "
                          "TightBindingRibbon (or use model.ribbon(width)); returning a "
                          "TightBindingRibbon", DeprecationWarning, stacklevel=2)
            cls = TightBindingRibbon
        return super().__new__(cls)

    def __post_init__(self):
        lat = np.atleast_2d(check_finite("lattice_vectors", np.asarray(self.lattice_vectors, float)))
        pos = np.atleast_2d(check_finite("positions", np.asarray(self.positions, float)))
        if lat.shape[1] != pos.shape[1]:
            raise ShapeError(
                f"lattice_vectors are {lat.shape[1]}-dimensional but positions are "
                f"{pos.shape[1]}-dimensional"
            )
        n = pos.shape[0]
        hops = tuple(_as_hoppings(self.hoppings, lat.shape[0]))
        onsite = np.zeros(n) if self.onsite is None else np.asarray(self.onsite)
        if onsite.shape != (n,):
            raise ShapeError(f"onsite must have shape ({n},), got {onsite.shape}")
        check_finite("onsite", onsite)
        if np.iscomplexobj(onsite) and np.any(np.abs(onsite.imag) > 1e-12):
            raise ModelError("onsite energies must be real (a complex on-site term is not Hermitian)")
        seen = set()
        for h in hops:
            if not (0 <= h.i < n and 0 <= h.j < n):
                raise ModelError(f"hopping {h} refers to an orbital outside 0..{n - 1}")
            if h.i == h.j and not any(h.R):
                raise ModelError(f"hopping {h} is on-site: give on-site energies via `onsite`")
            key, conj = (h.i, h.j, h.R), (h.j, h.i, tuple(-r for r in h.R))
            if conj in seen or key in seen:
                raise ModelError(
                    f"hopping {h} is listed twice (or with its conjugate): list each bond once, "
                    "the Hermitian conjugate is added automatically"
                )
            seen.add(key)
        bound = check_energy_scale(hops, onsite, lat, pos)
        object.__setattr__(self, "_energy_bound", bound)
        tr = TimeReversal.coerce(self.time_reversal, n)
        object.__setattr__(self, "time_reversal", tr)
        object.__setattr__(self, "lattice_vectors", lat)
        object.__setattr__(self, "positions", pos)
        object.__setattr__(self, "hoppings", hops)
        object.__setattr__(self, "onsite", onsite.real.astype(float))
        object.__setattr__(self, "_coo", self._group_bonds())
        if type(self).hamiltonian is TightBindingModel.hamiltonian:
            self._check_declared_time_reversal()
        # (a subclass with its own hamiltonian, e.g. Wannier90Model, calls it once it can
        # evaluate H(k))

    def _check_declared_time_reversal(self) -> None:
        """The declared time reversal must hold (:meth:`TimeReversal.check`)."""
        if self.time_reversal is not None:
            self.time_reversal.check(self, where=self.name)

    # -- protocol -------------------------------------------------------------------------
    @property
    def dim(self) -> int:
        return self.lattice_vectors.shape[0]

    @property
    def n_orbitals(self) -> int:
        return self.positions.shape[0]

    def _group_bonds(self):
        """Sparse bond triplets ``(D, G, I, J, T)`` (see :func:`lrtheory.models.bonds.group_bonds`)."""
        return group_bonds(self.hoppings, self.onsite, self.lattice_vectors, self.positions)

    @property
    def bond_table(self) -> BondTable:
        """The bonds grouped by displacement as read-only sparse triplets
        (:class:`BondTable`; ``bond_table.matrices()`` gives the dense ``H_m``)."""
        D, G, I, J, T = (np.array(x) for x in self._coo)
        return BondTable(D, G, I, J, T, self.n_orbitals)

    def _cartesian_k(self, k) -> np.ndarray:
        """``k`` as Cartesian vectors (..., d_space) (1/a): a k given along the periodic
        direction(s) (..., dim) of an embedded model (a ribbon in the plane) is embedded."""
        k = check_finite("k", np.asarray(k, dtype=float))
        d_space = self.lattice_vectors.shape[1]
        if self.dim == 1 and (k.ndim == 0 or k.shape[-1] != 1):
            k = k[..., None]
        if k.shape[-1] == self.dim and self.dim != d_space:
            # k given along the periodic direction(s): embed as Cartesian vector
            unit = self.lattice_vectors / np.linalg.norm(self.lattice_vectors, axis=1)[:, None]
            k = k @ unit
        if k.shape[-1] != d_space:
            raise ShapeError(
                f"k must have last axis {self.dim} (periodic) or {d_space} (Cartesian), "
                f"got shape {k.shape}"
            )
        return k

    def _phases(self, k):
        """``(batch shape, exp(i k.d_m) (..., m))`` for Cartesian or periodic ``k``."""
        k = self._cartesian_k(k)
        D = self._coo[0]
        # k.d by broadcasting over the few Cartesian axes (faster than a tiny matmul), then
        # exp(i k.d) as cos + i sin written in place (no complex temporaries)
        arg = k[..., 0, None] * D[:, 0]
        for a in range(1, D.shape[1]):
            arg += k[..., a, None] * D[:, a]
        ph = np.empty(arg.shape, complex)
        np.cos(arg, out=ph.real)
        np.sin(arg, out=ph.imag)
        return k.shape[:-1], ph

    def _stacked_bonds(self) -> tuple[np.ndarray | None, np.ndarray]:
        """``(cols, C)``: the coefficients of ``[H, dH/dk_1, ...]`` at the matrix positions
        ``cols`` (flat indices i n + j) that any bond touches, ``C (m, (dim + 1) * len(cols))``
        with ``C[m, 0] = H_m`` and ``C[m, 1 + a] = i d_m^a H_m``; ``cols = None`` when most
        positions are touched (then ``C`` covers all n^2). Kept on the model when small
        (< 64 MiB), never pickled."""
        cached = self.__dict__.get("_stacked")
        if cached is not None:
            return cached
        D, G, I, J, T = self._coo
        n, dim, m = self.n_orbitals, self.dim, len(D)
        flat = I * n + J
        cols, pos = np.unique(flat, return_inverse=True)
        if len(cols) > n * n // 2:
            cols, pos = None, flat
        C = np.zeros((m, dim + 1, n * n if cols is None else len(cols)), complex)
        np.add.at(C[:, 0], (G, pos), T)
        dproj = self._bond_directions()
        for a in range(dim):
            C[:, 1 + a] = 1j * dproj[:, a, None] * C[:, 0]
        stacked = (cols, C.reshape(m, -1))
        if C.nbytes < 64 * 2**20:
            object.__setattr__(self, "_stacked", stacked)
        return stacked

    def __getstate__(self):
        state = dict(self.__dict__)
        for cache in ("_stacked", "_rstacked"):  # caches: rebuilt on demand in the worker
            state.pop(cache, None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)

    def _bond_directions(self) -> np.ndarray:
        """(m, dim): displacement of each bond group along each periodic direction."""
        D = self._coo[0]
        if self.dim == self.lattice_vectors.shape[1]:
            return D
        unit = self.lattice_vectors / np.linalg.norm(self.lattice_vectors, axis=1)[:, None]
        return D @ unit.T

    def _assemble(self, k, components: int) -> np.ndarray:
        """The first ``components`` of ``[H, dH/dk_1, ...]`` at ``k``: (..., components, n, n)."""
        batch, ph = self._phases(k)
        cols, C = self._stacked_bonds()
        n, dim, m = self.n_orbitals, self.dim, ph.shape[-1]
        ncol = n * n if cols is None else len(cols)
        C = C.reshape(m, dim + 1, ncol)[:, :components].reshape(m, -1)
        vals = np.dot(ph.reshape(-1, m), C)
        if cols is None:
            return vals.reshape(batch + (components, n, n))
        out = np.zeros((vals.shape[0], components, n * n), complex)
        out[:, :, cols] = vals.reshape(-1, components, ncol)
        return out.reshape(batch + (components, n, n))

    def hamiltonian(self, k) -> np.ndarray:
        """``H_ij(k) = sum_R t_ij(R) exp(i k.(R + r_j - r_i))`` (Eq. S48), (..., n, n) (t0)."""
        return self._assemble(k, 1)[..., 0, :, :]

    def velocity(self, k) -> np.ndarray:
        """dH/dk along the periodic directions, shape (..., dim, n, n) (a t0/hbar)."""
        return self.hamiltonian_and_velocity(k)[1]

    def hamiltonian_and_velocity(self, k) -> tuple[np.ndarray, np.ndarray]:
        """``(H(k), dH/dk)`` from one product of the Bloch phases with the stacked bond
        coefficients (only the matrix positions that bonds touch; see
        :meth:`_stacked_bonds`); the fast path of every k-sum."""
        out = self._assemble(k, self.dim + 1)
        return out[..., 0, :, :], out[..., 1:, :, :]

    @property
    def energy_bound(self) -> float:
        """Bound (t0) on ``|e_n(k)|`` for every band and k (Gershgorin: largest on-site
        magnitude plus the sum of hopping magnitudes of one orbital)."""
        return self._energy_bound

    # -- derived systems --------------------------------------------------------------------
    def _rebuilt(self, positions, hoppings, time_reversal="keep") -> "TightBindingModel":
        """Same kind of model (a ribbon stays a :class:`TightBindingRibbon` with its cut) with
        other positions / hoppings / declared time reversal."""
        if self.has_position_matrix:
            raise ModelError(f"{self.name}: moving, removing or re-basing orbitals of a "
                             "full-interpolation model (interpolation='full') would drop its "
                             "position matrix A(R); read the file with "
                             "interpolation='tight-binding' to work in that approximation")
        tr = self.time_reversal if isinstance(time_reversal, str) else time_reversal
        args = (self.lattice_vectors, positions, hoppings, self.onsite, tr,
                self.transverse_axis, self.name, dict(self.params))
        if isinstance(self, TightBindingRibbon):
            return TightBindingRibbon(*args, cut=self.cut)
        return TightBindingModel(*args)

    def with_positions(self, positions) -> "TightBindingModel":
        """Same hoppings with orbitals moved (e.g. by lattice vectors): H(k) changes only by a
        k-dependent unitary gauge; physics must not change (PHYSICS-CHECKS item 3).

        Parameters
        ----------
        positions : (n_orbitals, d_space) array
            New Cartesian orbital positions (a).

        Returns
        -------
        TightBindingModel
        """
        return self._rebuilt(positions, self.hoppings)

    def with_time_reversal(self, time_reversal) -> "TightBindingModel":
        """Same model with another declared time reversal, checked like at construction.

        Parameters
        ----------
        time_reversal : TimeReversal, (n, n) array or None
            ``Theta = U K`` (a bare ``U`` is converted; SymmetryError if it does not hold).

        Returns
        -------
        TightBindingModel
        """
        return self._rebuilt(self.positions, self.hoppings, time_reversal)

    def move_orbital(self, orbital: int, cell_shift: Sequence[int]) -> "TightBindingModel":
        """Move one orbital to another unit cell (relabel which cell it belongs to).

        Position shifts by ``cell_shift . A``; hoppings are rewritten so that the real-space
        Hamiltonian is unchanged.

        Parameters
        ----------
        orbital, cell_shift : int, sequence of int
            The orbital and its shift in lattice-vector indices.

        Returns
        -------
        TightBindingModel
        """
        s = np.asarray(cell_shift, int)
        pos = self.positions.copy()
        pos[orbital] = pos[orbital] + s @ self.lattice_vectors
        new = []
        for h in self.hoppings:
            R = np.asarray(h.R, int)
            if h.j == orbital:
                R = R - s
            if h.i == orbital:
                R = R + s
            new.append(Hopping(h.i, h.j, tuple(int(r) for r in R), h.t))
        return self._rebuilt(pos, new)

    def with_lattice_basis(self, basis) -> "TightBindingModel":
        """The same crystal described with the lattice vectors ``basis @ lattice_vectors``
        (``basis`` an integer matrix with determinant +-1): see
        :func:`lrtheory.models.cuts.with_lattice_basis`.

        Parameters
        ----------
        basis : (dim, dim) integer array
            Unimodular; row ``i`` gives the new ``a_i'`` in the old vectors.

        Returns
        -------
        TightBindingModel
        """
        from lrtheory.models.cuts import with_lattice_basis

        return with_lattice_basis(self, basis)

    def ribbon(self, width: int, *, periodic: int = 0, direction=None, center: bool = True
               ) -> "TightBindingRibbon":
        """Cut a 2D model into a ribbon of ``width`` cells, periodic along lattice vector
        ``periodic`` or along any lattice direction ``direction = (p, q)`` (``p a_1 + q
        a_2``); frame right-handed by construction. See :func:`lrtheory.models.cuts.ribbon`.

        Parameters
        ----------
        width, periodic, direction, center
            As in :func:`lrtheory.models.cuts.ribbon` (width in cells).

        Returns
        -------
        TightBindingRibbon
        """
        from lrtheory.models.cuts import ribbon

        return ribbon(self, width, periodic=periodic, direction=direction, center=center)

    def flake(self, n1: int, n2: int) -> tuple[np.ndarray, np.ndarray]:
        """Finite flake of ``n1 x n2`` unit cells: see :func:`lrtheory.models.cuts.flake`.

        Parameters
        ----------
        n1, n2 : int
            Cells along ``a_1`` and ``a_2``.

        Returns
        -------
        H, positions : ndarray
            (N, N) Hamiltonian (t0) and (N, d_space) site positions (a).
        """
        from lrtheory.models.cuts import flake

        return flake(self, n1, n2)

    def __repr__(self) -> str:
        return (f"{type(self).__name__}({self.name!r}, dim={self.dim}, "
                f"n_orbitals={self.n_orbitals}, hoppings={len(self.hoppings)})")


@dataclass(frozen=True, eq=False, repr=False)
class TightBindingRibbon(RibbonBlocks, TightBindingModel, Ribbon):
    """A tight-binding ribbon (a :class:`~lrtheory.models.protocol.Ribbon`): one periodic
    lattice vector, open edges, the transverse axis, the report frame and the cut.

    Built by :meth:`TightBindingModel.ribbon`, or by hand with the fields of
    :class:`TightBindingModel` (``transverse_axis`` required) and ``cut`` (None for a
    hand-made ribbon).

    Parameters
    ----------
    lattice_vectors, positions, hoppings, onsite, time_reversal, transverse_axis, name, params
        As in :class:`TightBindingModel` (one lattice vector; ``transverse_axis`` required).
    cut : RibbonCut or None
        How the ribbon was cut from a 2D model.
    position_blocks, spin_blocks : tuple, optional
        ``(R (m, 1) int, X (m, c, n, n))``: a Wannier90 parent's position matrix (``c = 2``:
        along the ribbon and transverse, a) and spin (``c = 3``, frame components, hbar),
        cut by :func:`lrtheory.models.cuts.ribbon` (:mod:`lrtheory.models.slab_positions`:
        :meth:`position_matrix`, :meth:`transverse_position`, :meth:`spin_operator`).
    """

    cut: RibbonCut | None = None
    position_blocks: tuple | None = None
    spin_blocks: tuple | None = None

    def __post_init__(self):
        super().__post_init__()
        if self.dim != 1:
            raise ModelError(f"{self.name}: a ribbon has one periodic lattice vector, got "
                             f"dim={self.dim}")
        if self.transverse_axis is None:
            raise ModelError(f"{self.name}: a ribbon needs transverse_axis (the unit vector "
                             "across it)")
        ax = check_finite("transverse_axis", np.asarray(self.transverse_axis, float))
        if ax.shape != (self.lattice_vectors.shape[1],) or np.linalg.norm(ax) == 0:
            raise ShapeError(f"{self.name}: transverse_axis must be a non-zero vector of length "
                             f"{self.lattice_vectors.shape[1]}, got shape {ax.shape}")
        object.__setattr__(self, "transverse_axis", ax)

    def transverse_positions(self) -> np.ndarray:
        """Coordinate of each orbital along ``transverse_axis`` (n,) (units of a)."""
        return self.positions @ self.transverse_axis

    @property
    def frame(self) -> np.ndarray:
        """(3, 3): rows x (along the periodic vector), y (the transverse axis) and
        z = x cross y, unit vectors in the embedding space padded to 3D; right-handed by
        construction (:meth:`TightBindingModel.ribbon` takes y = z cross x)."""
        def unit3(v):
            v = np.concatenate([np.asarray(v, float), np.zeros(3 - len(v))])
            return v / np.linalg.norm(v)
        x, y = unit3(self.lattice_vectors[0]), unit3(self.transverse_axis)
        return np.stack([x, y, np.cross(x, y)])
