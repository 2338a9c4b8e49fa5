r"""Disordered samples with exact eigenstates: flakes, ribbon supercells and tori (issue #16).

A :class:`Sample` is a real-space tight-binding Hamiltonian of ``cells`` unit cells of a
:class:`~lrtheory.models.tightbinding.TightBindingModel`, each direction either open (a flake
edge) or periodic (a supercell). It is stored as a bond list ``(row, col, t, d)``, with ``d =
R + r_col - r_row`` the Cartesian bond vector (a), so that at a supercell twist ``k`` (1/a)

.. math:: H_{ij}(\mathbf k) = \sum_{\rm bonds} t\, e^{i\mathbf k\cdot\mathbf d}, \qquad
          \mathbf v(\mathbf k) = \partial_{\mathbf k} H = i\,\mathbf d \odot H,

the atomic-position convention of paper Eq. (S48) on the supercell; ``v = i[H, r]`` for a
flake (every ``d`` is then a difference of positions). Disorder (:func:`disorder`) is drawn
independently per site (on-site and magnetic) or per bond from a box of width ``W``:

* ``"anderson"``: ``eps_i`` in ``[-W/2, W/2]`` on every internal state of site ``i``
  (spin independent; variance ``W^2/12``); keeps time reversal;
* ``"bond"``: every bond between two sites scaled by ``1 + delta_ij``, ``delta_ij`` in
  ``[-W/2, W/2]`` (a real scaling: keeps time reversal);
* ``"magnetic"``: ``h_i . sigma`` on every site, the three components of ``h_i`` in
  ``[-W/2, W/2]`` (spin-1/2, ``n_internal = 2``): breaks time reversal;
* ``"gaussian"``: like ``"anderson"`` but ``eps_i`` normal with standard deviation ``W``
  (variance ``W^2``; white noise ``gamma = W^2`` per cell with no higher cumulants, the
  disorder of the diagrammatic theories: a box has a fourth cumulant ``-W^4/120``).

Units: energies (``W``, ``t``) in t0, lengths in a, ``hbar = 1``.
"""
from __future__ import annotations

import dataclasses
import itertools

import numpy as np

from lrtheory._docstrings import shared_docs
from lrtheory.errors import ConventionError, ModelError, ShapeError, check_finite, check_float
from lrtheory.finite.system import FiniteSystem
from lrtheory.models.cubic import DOCS as RASHBA_DOCS, rashba_hoppings
from lrtheory.models.cuts import refuse_position_matrix
from lrtheory.models.time_reversal import TimeReversal

# numpydoc blocks (lrtheory._docstrings): the Rashba couplings (models/cubic.py) and the
# Parameters of the methods that take only a twist
_docs = shared_docs(**RASHBA_DOCS, twist_parameters="""
    Parameters
    ----------
    k : (d,) array, optional
        Supercell twist (1/a), default 0.
    """)

__all__ = ["KINDS", "Sample", "build_sample", "disorder", "square_rashba", "lattice_dirac",
           "twisted_model"]

#: the disorder kinds of :func:`disorder`
KINDS = ("anderson", "bond", "magnetic", "gaussian")

_PAULI = np.array([[[0, 1], [1, 0]], [[0, -1j], [1j, 0]], [[1, 0], [0, -1]]], complex)


@dataclasses.dataclass(frozen=True, eq=False)
class Sample:
    """Real-space Hamiltonian of a (super)cell as a bond list (module docstring).

    Parameters
    ----------
    rows, cols : (M,) int arrays
        Matrix positions of the bonds (both directions of every bond are listed).
    amplitudes : (M,) complex array
        Bond amplitudes ``t`` (t0); on-site terms have ``d = 0``.
    displacements : (M, d_space) float array
        Bond vectors ``d`` (a).
    positions : (N_sites, d_space) float array
        Site positions (a).
    n_internal : int
        Internal states per site (site-major basis ``site * n_internal + s``).
    periods : (P, d_space) float array
        Supercell lattice vectors of the periodic directions (P = 0: a flake).
    time_reversal : TimeReversal or None
        ``Theta = U K`` of ``H(k = 0)``, or None when broken (magnetic disorder).
    info : dict
        How the sample was made (model, cells, periodic, disorder kind, W, the unit cell's
        area or length ``cell_volume`` in a^d), for results.
    """

    rows: np.ndarray
    cols: np.ndarray
    amplitudes: np.ndarray
    displacements: np.ndarray
    positions: np.ndarray
    n_internal: int
    periods: np.ndarray
    time_reversal: TimeReversal | None = None
    info: dict = dataclasses.field(default_factory=dict)

    @property
    def n_states(self) -> int:
        return self.positions.shape[0] * self.n_internal

    @property
    def n_sites(self) -> int:
        return self.positions.shape[0]

    @property
    def site_of_state(self) -> np.ndarray:
        """(N,) int: the site of every basis state."""
        return np.repeat(np.arange(self.n_sites), self.n_internal)

    def check_k(self, k) -> np.ndarray:
        """The supercell twist ``k`` checked against this sample.

        Parameters
        ----------
        k : array_like or None
            Twist (1/a), one component per spatial dimension; None is ``k = 0``.

        Returns
        -------
        ndarray
            ``k`` as a float array of shape (d,); a flake accepts only ``k = 0``.
        """
        d = self.positions.shape[1]
        k = np.zeros(d) if k is None else check_finite("k", np.asarray(k, float)).reshape(-1)
        if k.shape != (d,):
            raise ShapeError(f"twist k must have {d} components, got shape {k.shape}")
        if not self.periods.shape[0] and np.any(k):
            raise ConventionError("a flake (no periodic direction) has only the twist k = 0")
        return k

    def _assemble(self, values) -> np.ndarray:
        n = self.n_states
        h = np.zeros((n, n), complex)
        np.add.at(h, (self.rows, self.cols), values)
        return h

    @_docs
    def hamiltonian(self, k=None) -> np.ndarray:
        """``H(k)`` (t0), dense (N, N); ``k`` (1/a) is the supercell twist (default 0).

        %(twist_parameters)s

        Returns
        -------
        (N, N) complex array
            The Hamiltonian (t0).
        """
        k = self.check_k(k)
        return self._assemble(self.amplitudes * np.exp(1j * self.displacements @ k))

    @_docs
    def velocity(self, k=None) -> np.ndarray:
        """``v_a(k) = dH/dk_a`` (t0 a), shape (d_space, N, N).

        %(twist_parameters)s

        Returns
        -------
        (d_space, N, N) complex array
            The velocity operators (a t0/hbar, hbar = 1).
        """
        k = self.check_k(k)
        tk = self.amplitudes * np.exp(1j * self.displacements @ k)
        return np.stack([self._assemble(1j * self.displacements[:, a] * tk)
                         for a in range(self.displacements.shape[1])])

    def field_velocity(self, field, k=None):
        """``E . v(k)`` as a sparse CSR matrix (t0 a times the field), from the bond list.

        Parameters
        ----------
        field : (d_space,) array
            The field direction ``E`` (t0/(e a)).
        k : (d,) array, optional
            Supercell twist (1/a), default 0.

        Returns
        -------
        scipy.sparse.csr_matrix (N, N)
            ``E . v(k)`` (t0 a times the field's unit).
        """
        from scipy.sparse import coo_matrix

        k = self.check_k(k)
        vals = 1j * (self.displacements @ np.asarray(field, float)) * self.amplitudes * np.exp(
            1j * self.displacements @ k)
        n = self.n_states
        return coo_matrix((vals, (self.rows, self.cols)), shape=(n, n)).tocsr()

    @_docs
    def finite_system(self, k=None) -> FiniteSystem:
        """The :class:`FiniteSystem` of ``H(k)`` (its TR operator only at ``k = 0``).

        For a flake this is the system of :mod:`lrtheory.finite` (length gauge, Eq. 17); for
        a supercell the positions serve only the site masks, never ``r`` (use
        :meth:`velocity`).

        %(twist_parameters)s

        Returns
        -------
        FiniteSystem
            ``H(k)`` (t0) with the site positions (a).
        """
        k = self.check_k(k)
        tr = self.time_reversal if not np.any(k) else None
        return FiniteSystem(self.hamiltonian(k), self.positions, self.n_internal,
                            time_reversal=tr)


def _cells_and_flags(model, cells, periodic):
    dim = model.dim
    cells = tuple(int(c) for c in np.atleast_1d(cells))
    if len(cells) != dim or min(cells) < 1:
        raise ShapeError(f"cells must be {dim} positive integers (one per lattice vector), "
                         f"got {cells}")
    periodic = (False,) * dim if periodic is None else tuple(bool(p) for p in periodic)
    if len(periodic) != dim:
        raise ShapeError(f"periodic must have {dim} flags, got {periodic}")
    for c, p in zip(cells, periodic):
        if p and c < 3:
            raise ShapeError("a periodic direction needs at least 3 cells (else two bonds of "
                             "one site pair share one bond-disorder draw)")
    return cells, periodic


def build_sample(model, cells, *, periodic=None, n_internal: int = 1) -> Sample:
    """Clean sample of ``cells`` unit cells of a tight-binding model.

    Parameters
    ----------
    model : TightBindingModel
        Bloch model (any dim; a :class:`TightBindingRibbon` gives ribbon supercells). Its
        orbitals ``s * n_internal ... (s + 1) * n_internal - 1`` form site ``s`` of a cell.
    cells : sequence of int
        Cells along each lattice vector.
    periodic : sequence of bool, optional
        Per lattice vector: periodic (supercell) or open (edge). Default: all open (a flake;
        the same ``H`` as :meth:`TightBindingModel.flake`).
    n_internal : int
        Internal states per site (2 for spin-1/2).

    Returns
    -------
    Sample
    """
    from lrtheory.models.tightbinding import TightBindingModel

    if not isinstance(model, TightBindingModel):
        raise ModelError(f"build_sample needs a TightBindingModel, got {type(model).__name__}")
    refuse_position_matrix(model, "build_sample()")
    cells, periodic = _cells_and_flags(model, cells, periodic)
    n_o = model.n_orbitals
    if n_internal < 1 or n_o % n_internal:
        raise ShapeError(f"n_internal={n_internal} does not divide the {n_o} orbitals")
    lat, pos = model.lattice_vectors, model.positions
    grid = np.array(list(itertools.product(*[range(c) for c in cells])), int)  # C order
    n_cells = len(grid)
    strides = np.array([int(np.prod(cells[a + 1:])) for a in range(len(cells))])
    rows, cols, amps, disp = [], [], [], []
    for h in model.hoppings:
        target = grid + np.array(h.R)
        inside = np.ones(n_cells, bool)
        for a, p in enumerate(periodic):
            if p:
                target[:, a] %= cells[a]
            else:
                inside &= (target[:, a] >= 0) & (target[:, a] < cells[a])
        i = np.nonzero(inside)[0] * n_o + h.i
        j = (target[inside] @ strides) * n_o + h.j
        d = np.array(h.R) @ lat + pos[h.j] - pos[h.i]
        m = i.size
        rows += [i, j]
        cols += [j, i]
        amps += [np.full(m, h.t, complex), np.full(m, np.conj(h.t), complex)]
        disp += [np.tile(d, (m, 1)), np.tile(-d, (m, 1))]
    idx = np.arange(n_cells * n_o)
    rows.append(idx)
    cols.append(idx)
    amps.append(np.tile(model.onsite, n_cells).astype(complex))
    disp.append(np.zeros((idx.size, lat.shape[1])))
    site_pos = ((grid @ lat)[:, None, :] + pos[None, ::n_internal, :]).reshape(-1, lat.shape[1])
    tr = None
    if model.time_reversal is not None:
        tr = TimeReversal(np.kron(np.eye(n_cells), model.time_reversal.U))
    periods = np.array([cells[a] * lat[a] for a in range(len(cells)) if periodic[a]]
                       ).reshape(-1, lat.shape[1])
    dim = len(cells)
    cell_volume = float(np.linalg.norm(lat[0]) if dim == 1 else abs(np.linalg.det(lat[:, :2]))
                        if dim == 2 else abs(np.linalg.det(lat)))
    info = {"model": getattr(model, "name", "model"), "params": dict(getattr(model, "params", {})),
            "cells": list(cells), "periodic": list(periodic), "kind": "clean", "W": 0.0,
            "cell_volume": cell_volume}
    return Sample(np.concatenate(rows), np.concatenate(cols), np.concatenate(amps),
                  np.concatenate(disp), site_pos, int(n_internal), periods, tr, info)


def disorder(sample: Sample, kind: str, W: float, rng: np.random.Generator) -> Sample:
    """A disordered copy of ``sample`` (module docstring for the three kinds).

    Parameters
    ----------
    sample : Sample
    kind : "anderson", "bond", "magnetic" or "gaussian"
    W : float >= 0
        Box width (t0 for on-site and magnetic, dimensionless for bond); for "gaussian"
        the standard deviation (t0).
    rng : numpy.random.Generator
        The one source of randomness (seed it for reproducible samples).

    Returns
    -------
    Sample
        Same geometry; ``time_reversal`` kept for "anderson", "gaussian" and "bond", None
        for "magnetic".
    """
    if kind not in KINDS:
        raise ConventionError(f"disorder kind must be one of {KINDS}, got {kind!r}")
    W = float(W)
    if not np.isfinite(W) or W < 0:
        raise ConventionError(f"disorder width W must be finite and >= 0, got {W!r}")
    if not isinstance(rng, np.random.Generator):
        raise ConventionError("rng must be a numpy.random.Generator (np.random.default_rng)")
    ns, ni = sample.n_sites, sample.n_internal
    rows, cols, amps, disp = sample.rows, sample.cols, sample.amplitudes, sample.displacements
    tr = sample.time_reversal
    if kind == "bond":
        si, sj = sample.site_of_state[rows], sample.site_of_state[cols]
        key = np.minimum(si, sj).astype(np.int64) * ns + np.maximum(si, sj)
        uniq, inv = np.unique(key, return_inverse=True)
        delta = rng.uniform(-W / 2, W / 2, uniq.size)
        amps = amps * np.where(si == sj, 1.0, 1.0 + delta[inv])
    else:
        if kind in ("anderson", "gaussian"):
            eps = (rng.uniform(-W / 2, W / 2, ns) if kind == "anderson"
                   else rng.normal(0.0, W, ns))
            block = eps[:, None, None] * np.eye(ni)[None]
        else:
            if ni != 2:
                raise ShapeError(f"magnetic disorder needs spin-1/2 sites (n_internal=2), got "
                                 f"n_internal={ni}")
            h = rng.uniform(-W / 2, W / 2, (ns, 3))
            block = np.einsum("sa,aij->sij", h, _PAULI)
            tr = None
        s = np.arange(ns)[:, None, None] * ni
        r = np.broadcast_to(s + np.arange(ni)[None, :, None], block.shape).reshape(-1)
        c = np.broadcast_to(s + np.arange(ni)[None, None, :], block.shape).reshape(-1)
        rows, cols = np.concatenate([rows, r]), np.concatenate([cols, c])
        amps = np.concatenate([amps, block.reshape(-1)])
        disp = np.concatenate([disp, np.zeros((r.size, disp.shape[1]))])
    info = dict(sample.info, kind=kind, W=W)
    return dataclasses.replace(sample, rows=rows, cols=cols, amplitudes=amps,
                               displacements=disp, time_reversal=tr, info=info)


@_docs
def square_rashba(t: float = 1.0, alpha: float = 0.4):
    r"""Square-lattice Rashba model as a tight-binding model (one spin-1/2 site per cell):

    .. math:: H(\mathbf k) = -2t(\cos k_x + \cos k_y) + \alpha(\sin k_x\,\sigma_y
              - \sin k_y\,\sigma_x),

    the lattice regularization of the Rashba gas (``m = 1/(2t)``, Rashba ``alpha`` near
    ``k = 0``) used by the diagrammatic tests; TR ``U = i sigma_y``. Energies in t0.

    Parameters
    ----------
    %(rashba_parameters)s

    Returns
    -------
    TightBindingModel
        The two-band model (lattice constant a).
    """
    from lrtheory.models.tightbinding import TightBindingModel

    t, alpha = check_float("t", t), check_float("alpha", alpha)
    return TightBindingModel(np.eye(2), np.zeros((2, 2)), rashba_hoppings(t, alpha, 2),
                             time_reversal=np.array([[0, 1], [-1, 0]]), name="square Rashba",
                             params={"t": t, "alpha": alpha})


def lattice_dirac(m: float = 0.3, B: float = 0.25, v: float = 1.0):
    r"""A square-lattice massive Dirac model (Qi-Wu-Zhang form, one cell = one two-orbital site):

    .. math:: H(\mathbf k) = v(\sin k_x\,\sigma_x + \sin k_y\,\sigma_y)
              + \big(m + B(2 - \cos k_x - \cos k_y)\big)\sigma_z .

    Near ``k = 0`` it is one valley of :class:`~lrtheory.models.continuum.MassiveDirac`
    (velocity ``v``, half gap ``m``) plus the lattice terms ``B k^2/2`` in the mass and
    ``-v k^3/6`` in the velocity; the other time-reversal-invariant momenta carry Dirac
    points of mass ``m + 2B`` (twice) and ``m + 4B``: for ``e_F < m + 2B`` the Fermi surface
    is the one valley at ``k = 0`` (docs/disorder.md, crossed diagrams). Both orbitals sit on
    one site, so on-site disorder is scalar (``WhiteNoise(gamma, sites=(0, 0))``).

    Parameters
    ----------
    m : float
        Half gap at ``k = 0`` (t0).
    B : float
        Wilson mass (t0): keeps the lattice doublers gapped.
    v : float
        Dirac velocity (t0 a).

    Returns
    -------
    TightBindingModel
        The two-band model (lattice constant a; time reversal broken for ``m != 0``).
    """
    from lrtheory.models.tightbinding import TightBindingModel

    sz = np.diag([1.0, -1.0]).astype(complex)
    bonds = {(1, 0): v * _PAULI[0] / 2j - B / 2 * sz, (0, 1): v * _PAULI[1] / 2j - B / 2 * sz}
    hops = [(a, b, R, T[a, b]) for R, T in bonds.items() for a in range(2) for b in range(2)
            if T[a, b] != 0]
    return TightBindingModel(np.eye(2), np.zeros((2, 2)), hops,
                             onsite=np.array([m + 2 * B, -(m + 2 * B)]), name="lattice Dirac",
                             params={"m": m, "B": B, "v": v})


def twisted_model(model, q):
    r"""The Bloch model shifted by ``q`` (1/a): ``H_q(k) = H(k + q)``.

    A clean ``L x L`` supercell at twist ``q`` holds the Bloch states of the grid
    ``q + 2 pi m / L``, i.e. the ``L x L`` BZ grid of ``twisted_model(model, q)``: the k-space
    routes (e.g. :func:`lrtheory.disorder.born_response.vertex_corrected_response` with
    ``nk = L``) then sum over the same momenta as the sample. Hoppings get the phase
    ``exp(i q . (R + r_j - r_i))``; time reversal is dropped (``q`` breaks it unless it is
    TR-invariant).

    Parameters
    ----------
    model : TightBindingModel
        The Bloch model.
    q : (d,) array
        The shift (1/a, Cartesian).

    Returns
    -------
    TightBindingModel
        The model of ``H(k + q)``, without time reversal.
    """
    from lrtheory.models.tightbinding import TightBindingModel

    refuse_position_matrix(model, "a k-twisted model")
    q = check_finite("q", np.asarray(q, float)).reshape(-1)
    lat, pos = model.lattice_vectors, model.positions
    hops = [(h.i, h.j, h.R, h.t * np.exp(1j * q @ (np.array(h.R) @ lat + pos[h.j] - pos[h.i])))
            for h in model.hoppings]
    return TightBindingModel(lat, pos, hops, onsite=model.onsite, name=f"{model.name} (k + q)",
                             params=dict(model.params, q=q.tolist()))
