r"""Find the (anti)unitary point symmetries and antisymmetries of a ribbon numerically.

Candidates: the spatial maps ``g: (x, y) -> (r_x x + t_x, r_y (y - y_c) + y_c)`` (identity,
mirrors ``M_x``, ``M_y``, the rotation ``C2``; ``t_x`` a fractional translation along the
ribbon, ``y_c`` the centre line), each alone (unitary) or combined with complex conjugation
``K`` (antiunitary, e.g. ``Theta = K`` for a spinless model, ``M_x Theta``), each as a
symmetry (``s = +1``) or an antisymmetry (``s = -1``, particle-hole / chiral type), with
``U = D P``: ``P`` the orbital permutation of ``g`` and ``D`` a diagonal of phases. In the
atomic-position Bloch convention (Eq. S48) such an operation acts as

* unitary: ``U H(k) U^dagger = s H(r_x k)``;
* antiunitary: ``U H(k)^* U^dagger = s H(-r_x k)``.

*The phases are solved for, not guessed* (issue #18: the sublattice sign of a
non-bipartite model such as Haldane with ``t2 != 0`` was never tried). Every hopping
``t = <i, 0|H|j, R>`` must be mapped onto the hopping of the image bond,
``u_i t^(*) conj(u_j) = s t'``, with ``t^(*) = conj(t)`` for an antiunitary operation: on-site
and same-orbital terms fix nothing but must satisfy ``t^(*) = s t'``; every other bond is a
phase equation ``u_j = u_i conj(s t' / t^(*))`` on the hopping graph. They are propagated
over a spanning tree of each connected component (root phase 1) and the remaining bonds are
checked. The hoppings are read from the model's bond table (a
:class:`~lrtheory.models.tightbinding.TightBindingModel`) or, for any other
:class:`~lrtheory.models.protocol.Ribbon`, from the Fourier coefficients of
``exp(-i k (x_j - x_i)) H_ij(k)``. A candidate that passes is then confirmed by the one
residual rule of :func:`lrtheory.models.time_reversal.symmetry_deviation` (relative to
``max |H|``, tolerance :data:`~lrtheory.conventions.SYMMETRY_RTOL`).

What the operations imply for accumulations: :mod:`lrtheory.symmetry.rules`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lrtheory.conventions import SYMMETRY_RTOL
from lrtheory.models.cuts import refuse_position_matrix
from lrtheory.models.protocol import Ribbon, ensure_model
from lrtheory.models.time_reversal import symmetry_deviation

__all__ = ["RibbonSymmetry", "find_ribbon_symmetries", "hopping_table"]

_NAMES = {(1, 1): "E", (-1, 1): "M_x", (1, -1): "M_y", (-1, -1): "C2"}

#: positions closer than this (a) are the same point
_POS_TOL = 1e-6
#: hoppings below this fraction of the largest one are absent
_AMP_RTOL = 1e-12
#: memory bound of the Fourier route of :func:`hopping_table` (bytes of sampled H(k))
_FFT_BYTES = 2 ** 28


@dataclass(frozen=True, eq=False)
class RibbonSymmetry:
    """One (anti)symmetry operation of a ribbon (see module doc).

    Attributes
    ----------
    rx, ry : +1 or -1
        Spatial parities of ``x`` (along the ribbon) and ``y`` (across it).
    antiunitary : bool
        Combined with complex conjugation.
    sign : +1 or -1
        ``s``: -1 for an antisymmetry (``H -> -H``).
    tx : float
        Translation along the ribbon after ``x -> r_x x`` (a).
    perm : (n,) int array
        Orbital ``mu`` is mapped onto orbital ``perm[mu]`` (modulo lattice translations).
    phases : (n,) complex array
        ``U |mu> = phases[mu] |perm[mu]>``.
    """

    rx: int
    ry: int
    antiunitary: bool
    sign: int
    tx: float
    perm: np.ndarray
    phases: np.ndarray

    @property
    def name(self) -> str:
        base = _NAMES[(self.rx, self.ry)]
        if self.antiunitary:
            base = "Theta" if base == "E" else f"{base} Theta"
        if self.sign < 0:
            base += " (anti)"
        return base

    @property
    def k_map(self) -> int:
        """k -> k_map * k."""
        return -self.rx if self.antiunitary else self.rx

    def matrix(self) -> np.ndarray:
        """The unitary part ``U`` of the operation.

        Returns
        -------
        ndarray
            (n, n) complex, ``U[perm[mu], mu] = phases[mu]`` (orbital basis).
        """
        n = len(self.perm)
        U = np.zeros((n, n), complex)
        U[self.perm, np.arange(n)] = self.phases
        return U

    def deviation(self, model, k=None) -> float:
        """Relative residual of the defining relation ``U H(k)^(*) U^dagger = s H(k_map k)``
        (the one rule of :func:`lrtheory.models.time_reversal.symmetry_deviation`; 0 for an
        exact operation).

        Parameters
        ----------
        model : Ribbon
            The ribbon.
        k : (m, 1) array, optional
            k-points (1/a); default the fixed sample of the time-reversal check.

        Returns
        -------
        float
            Residual over ``max |H|`` (dimensionless).
        """
        return symmetry_deviation(model, self.matrix(), antiunitary=self.antiunitary,
                                  k_map=self.k_map, sign=self.sign, k=k)

    def check(self, model, k) -> float:
        """Max absolute deviation ``|U H(k)^(*) U^dagger - s H(k_map k)|`` at the given k
        (for tests).

        Parameters
        ----------
        model : Ribbon
            The ribbon.
        k : (m, 1) array
            k-points (1/a).

        Returns
        -------
        float
            The deviation (t0).
        """
        U = self.matrix()
        H = model.hamiltonian(k)
        Hk = np.conj(H) if self.antiunitary else H
        lhs = U @ Hk @ U.conj().T
        rhs = self.sign * model.hamiltonian(self.k_map * np.asarray(k))
        return float(np.max(np.abs(lhs - rhs)))


# -- geometry ----------------------------------------------------------------------------------
def _coordinates(rib) -> tuple[np.ndarray, np.ndarray, float]:
    """``(x, y, a)``: coordinate of each orbital along the ribbon (frame row 0) and across it
    (``transverse_positions``), and the period (a)."""
    pos = np.asarray(rib.positions, float)
    pos3 = np.zeros((len(pos), 3))
    pos3[:, :pos.shape[1]] = pos
    a = float(np.linalg.norm(rib.lattice_vectors[0]))
    return pos3 @ np.asarray(rib.frame)[0], np.asarray(rib.transverse_positions(), float), a


def _match(x, y, a, rx, ry, tx) -> tuple[np.ndarray, np.ndarray] | None:
    """Orbital permutation of the spatial map (module doc) and the lattice shifts ``n`` with
    ``r_x x_mu + t_x = x_perm[mu] + n_mu a``; None if an image is not an orbital. Orbitals at
    one point are matched in their order (the l-th onto the l-th)."""
    yc = 0.5 * (y.max() + y.min())
    xi, yi = rx * x + tx, ry * (y - yc) + yc
    perm = np.full(len(x), -1)
    shift = np.zeros(len(x), int)
    for mu in range(len(x)):
        dx = (xi[mu] - x) / a
        here = (np.abs(dx - np.round(dx)) < _POS_TOL) & (np.abs(yi[mu] - y) < _POS_TOL)
        hits = np.nonzero(here)[0]
        same = np.nonzero((np.abs(x - x[mu]) < _POS_TOL) & (np.abs(y - y[mu]) < _POS_TOL))[0]
        if len(hits) == 0 or len(hits) != len(same):
            return None
        perm[mu] = hits[int(np.searchsorted(same, mu))]
        shift[mu] = int(np.round(dx[perm[mu]]))
    if len(set(perm.tolist())) != len(perm):
        return None
    return perm, shift


# -- hoppings ----------------------------------------------------------------------------------
def hopping_table(rib) -> dict | None:
    """The hoppings of a ribbon as ``{(i, j, R): t}`` with ``t = <i, 0|H|j, R>`` (t0), ``R``
    the integer cell offset along the ribbon (on-site terms: ``(i, i, 0)``); None when
    ``H(k)`` is not a finite Fourier series of ``exp(i k (R a + x_j - x_i))``.

    Read from the bond table of a tight-binding ribbon, else from the Fourier coefficients
    of ``exp(-i k (x_j - x_i)) H_ij(k)`` on a grid of 8, 16, ... 128 points (while the
    samples fit in 256 MB), accepted when they reproduce ``H(k)`` at the fixed sample k of the
    symmetry check.

    Parameters
    ----------
    rib : Ribbon
        The ribbon.

    Returns
    -------
    dict or None
        ``(i, j, R) -> t`` (complex, t0), or None.
    """
    from lrtheory.models.tightbinding import TightBindingModel

    x, _, a = _coordinates(rib)
    if isinstance(rib, TightBindingModel):
        bt = rib.bond_table
        d = np.zeros((len(bt.displacements), 3))
        d[:, :bt.displacements.shape[1]] = bt.displacements
        dx = d @ np.asarray(rib.frame)[0]
        R = np.round((dx[bt.group] - x[bt.col] + x[bt.row]) / a).astype(int)
        table: dict = {}
        for i, j, r, t in zip(bt.row.tolist(), bt.col.tolist(), R.tolist(), bt.amplitude):
            table[(i, j, r)] = table.get((i, j, r), 0.0) + complex(t)
        return _drop_small(table)
    return _fourier_table(rib, x, a)


def _drop_small(table: dict) -> dict:
    big = max((abs(t) for t in table.values()), default=0.0)
    return {key: t for key, t in table.items() if abs(t) > _AMP_RTOL * big}


def _fourier_table(rib, x, a) -> dict | None:
    from lrtheory.models.time_reversal import tr_sample

    n = rib.n_orbitals
    dxo = x[None, :] - x[:, None]  # x_j - x_i
    ks = tr_sample(1)[:, 0]
    H_ref = np.stack([rib.hamiltonian(np.array([[k]]))[0] for k in ks])
    scale = max(float(np.abs(H_ref).max()), 1e-300)
    for N in (8, 16, 32, 64, 128):
        if N * n * n * 16 > _FFT_BYTES:
            return None  # too wide for the dense Fourier route: no phase solving
        kn = 2 * np.pi * np.arange(N) / (N * a)
        G = np.stack([rib.hamiltonian(np.array([[k]]))[0] * np.exp(-1j * k * dxo) for k in kn])
        C = np.fft.fft(G, axis=0) / N  # C[m]: coefficient of exp(i k R a), R = m mod N
        Rs = (np.arange(N) + N // 2) % N - N // 2
        rebuilt = np.einsum("rij,kr->kij", C, np.exp(1j * ks[:, None] * Rs[None, :] * a)) \
            * np.exp(1j * ks[:, None, None] * dxo[None])
        if np.abs(rebuilt - H_ref).max() <= SYMMETRY_RTOL * scale:
            table = {(i, j, int(R)): complex(C[m, i, j]) for m, R in enumerate(Rs)
                     for i in range(n) for j in range(n)}
            return _drop_small(table)
    return None


def _solve_phases(table, perm, shift, rx, antiunitary, sign) -> np.ndarray | None:
    """Diagonal phases ``u`` with ``u_i t^(*) conj(u_j) = s t'`` for every hopping (module
    doc), or None when the hoppings admit none."""
    n = len(perm)
    big = max(abs(t) for t in table.values())
    tol = SYMMETRY_RTOL * big
    edges = [[] for _ in range(n)]
    checks = []
    for (i, j, R), t in table.items():
        src = np.conj(t) if antiunitary else t
        img = table.get((int(perm[i]), int(perm[j]), rx * R + int(shift[j]) - int(shift[i])),
                        0.0)
        if abs(abs(src) - abs(img)) > tol:
            return None
        if i == j:
            if abs(src - sign * img) > tol:
                return None
            continue
        w = sign * img / src
        w /= abs(w)  # u_i conj(u_j) = w
        edges[i].append((j, np.conj(w)))
        edges[j].append((i, w))
        checks.append((i, j, src, img))
    u = np.full(n, np.nan + 0j)
    for root in range(n):
        if not np.isnan(u[root]):
            continue
        u[root] = 1.0
        stack = [root]
        while stack:
            i = stack.pop()
            for j, cw in edges[i]:
                if np.isnan(u[j]):
                    u[j] = u[i] * cw  # u_j = u_i conj(w)
                    stack.append(j)
    for i, j, src, img in checks:
        if abs(u[i] * src * np.conj(u[j]) - sign * img) > tol:
            return None
    return _snap(u)


def _snap(u: np.ndarray) -> np.ndarray:
    """Phases within 1e-9 of an 8th root of unity become exactly that root (1, -1, i, ...)."""
    roots = np.exp(0.25j * np.pi * np.arange(8))
    roots = np.round(roots.real, 15) + 1j * np.round(roots.imag, 15)
    out = u.copy()
    for m, v in enumerate(u):
        near = np.argmin(np.abs(roots - v))
        if abs(roots[near] - v) < 1e-9:
            out[m] = roots[near]
    return out


def find_ribbon_symmetries(model, *, atol: float = SYMMETRY_RTOL, seed: int = 0
                           ) -> list[RibbonSymmetry]:
    """All candidate operations (module doc) that hold for a ribbon.

    Parameters
    ----------
    model : Ribbon
        The ribbon (e.g. ``haldane(...).ribbon(W)``).
    atol : float
        Tolerance of the relative residual (:meth:`RibbonSymmetry.deviation`).
    seed : int
        Unused (kept for compatibility: the k sample is the fixed one of the one rule).

    Returns
    -------
    list of RibbonSymmetry
        At most one operation per (spatial map, unitary/antiunitary, symmetry/antisymmetry),
        in a fixed order: ``E, M_x, M_y, C2``, each unitary then antiunitary, symmetry then
        antisymmetry.
    """
    ensure_model(model, Ribbon, where="find_ribbon_symmetries")
    refuse_position_matrix(model, "find_ribbon_symmetries()", "tests symmetries on the "
                           "hoppings and centres only, not on the position matrix A(R) of "
                           "full Wannier interpolation")
    x, y, a = _coordinates(model)
    table = hopping_table(model)
    n = model.n_orbitals
    found = []
    for (rx, ry) in [(1, 1), (-1, 1), (1, -1), (-1, -1)]:
        txs = np.unique(np.round(np.mod(x - rx * x[0], a), 9))
        for anti in (False, True):
            for sign in (1, -1):
                if not anti and (rx, ry) == (1, 1) and sign == 1:
                    continue  # identity
                for tx in txs:
                    hit = _candidate(model, table, x, y, a, rx, ry, anti, sign, tx, n, atol)
                    if hit is not None:
                        found.append(hit)
                        break
    return found


def _candidate(model, table, x, y, a, rx, ry, anti, sign, tx, n, atol):
    m = _match(x, y, a, rx, ry, tx)
    if m is None:
        return None
    perm, shift = m
    if table is None:
        options = [np.ones(n, complex)]
    elif not table:
        options = [np.ones(n, complex)]  # H = 0: everything is a symmetry
    else:
        ph = _solve_phases(table, perm, shift, rx, anti, sign)
        options = [] if ph is None else [ph]
    for ph in options:
        s = RibbonSymmetry(rx, ry, anti, sign, float(tx), perm, ph)
        if s.deviation(model) <= atol:
            return s
    return None
