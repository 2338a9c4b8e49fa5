r"""Find the (anti)unitary point symmetries of a ribbon numerically, and their consequences.

Candidates: the spatial maps ``(x, y) -> (r_x x + t_x, r_y y)`` (identity, mirrors ``M_x``,
``M_y``, the rotation ``C2``; ``t_x`` a fractional translation along the ribbon), each alone
(unitary) or combined with complex conjugation ``K`` (antiunitary, e.g. ``Theta = K`` for a
spinless model, ``M_x Theta``), each as a symmetry (``s = +1``) or an antisymmetry
(``s = -1``, particle-hole / chiral type), with ``U`` an orbital permutation times optional
sublattice signs. In the atomic-position Bloch convention (Eq. S48) such an operation acts as

* unitary: ``U H(k) U^dagger = s H(r_x k)``;
* antiunitary: ``U H(k)^* U^dagger = s H(-r_x k)``,

which is what is checked at random k.

Consequences (docs/theorems.md, "Antiunitary symmetries beyond TR"): for a symmetry
(``s = +1``) the static response of a density ``A`` at transverse position ``y`` to ``E_x``
satisfies, with ``lambda = lambda_A lambda_x`` the product of the signatures of the density and
of ``x`` under the operation (time-reversal parity times spatial parity):

* antiunitary: interband (reactive, eta -> 0) part ``delta A(y) = lambda delta A(r_y y)``,
  intraband (Fermi-surface, per tau) part ``delta A(y) = -lambda delta A(r_y y)``;
* unitary: both parts ``delta A(y) = lambda delta A(r_y y)``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lrtheory.errors import ModelError

__all__ = ["RibbonSymmetry", "find_ribbon_symmetries", "consequences", "describe", "DENSITY_PARITIES",
           "symmetry_report", "time_reversal_deviation"]

#: (TR parity, spatial parity as a function of (r_x, r_y)) of the ribbon densities
DENSITY_PARITIES = {
    "charge": (+1, lambda rx, ry: 1),
    "jx": (-1, lambda rx, ry: rx),
    "jy": (-1, lambda rx, ry: ry),
    "omm": (-1, lambda rx, ry: rx * ry),  # axial z-component
}

_NAMES = {(1, 1): "E", (-1, 1): "M_x", (1, -1): "M_y", (-1, -1): "C2"}


@dataclass(frozen=True, eq=False)
class RibbonSymmetry:
    """One symmetry operation of a ribbon (see module doc)."""

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
        n = len(self.perm)
        U = np.zeros((n, n), complex)
        U[self.perm, np.arange(n)] = self.phases
        return U

    def check(self, model, k) -> float:
        """Max deviation of the defining relation at the given k (for tests)."""
        U = self.matrix()
        H = model.hamiltonian(k)
        Hk = np.conj(H) if self.antiunitary else H
        lhs = U @ Hk @ U.conj().T
        rhs = self.sign * model.hamiltonian(self.k_map * np.asarray(k))
        return float(np.max(np.abs(lhs - rhs)))


def _bipartition(model) -> np.ndarray | None:
    """+-1 colouring of the hopping graph if bipartite (sublattice signs), else None."""
    coo = getattr(model, "_coo", None)  # TightBindingModel: sparse bond triplets
    if coo is None:
        return None
    _, G, I, J, T = coo
    n = model.n_orbitals
    # sum repeated terms of one bond group first (they may cancel), then threshold
    key = (G * n + I) * n + J
    uniq, inv = np.unique(key, return_inverse=True)
    tot = np.zeros(len(uniq), complex)
    np.add.at(tot, inv, T)
    keep = np.abs(tot) > 1e-12
    ii, jj = (uniq[keep] // n) % n, uniq[keep] % n
    neighbours = [[] for _ in range(n)]
    for i, j in zip(ii.tolist(), jj.tolist()):
        neighbours[i].append(j)
    col = np.zeros(n, int)
    for start in range(n):
        if col[start]:
            continue
        col[start] = 1
        stack = [start]
        while stack:
            i = stack.pop()
            for j in neighbours[i]:
                if j == i:
                    continue
                if col[j] == 0:
                    col[j] = -col[i]
                    stack.append(j)
                elif col[j] == col[i]:
                    return None
    return col.astype(float)


def _match(model, rx, ry, tx, tol=1e-6):
    pos = model.positions
    ax = model.lattice_vectors[0]
    a = np.linalg.norm(ax)
    ex = ax / a
    ey = model.transverse_axis
    x, y = pos @ ex, pos @ ey
    xi, yi = rx * x + tx, ry * y
    perm = np.full(len(x), -1)
    for mu in range(len(x)):
        dx = (xi[mu] - x) / a
        ok = (np.abs(dx - np.round(dx)) < tol) & (np.abs(yi[mu] - y) < tol)
        hits = np.nonzero(ok)[0]
        if len(hits) != 1:
            return None
        perm[mu] = hits[0]
    if len(set(perm)) != len(perm):
        return None
    return perm


def find_ribbon_symmetries(model, *, atol: float = 1e-9, seed: int = 0) -> list[RibbonSymmetry]:
    """All candidate symmetries (module doc) that hold for ``model`` within ``atol``."""
    if getattr(model, "dim", None) != 1 or getattr(model, "transverse_axis", None) is None:
        raise ModelError("find_ribbon_symmetries needs a ribbon: build one with model.ribbon(W)")
    rng = np.random.default_rng(seed)
    a = np.linalg.norm(model.lattice_vectors[0])
    ks = rng.uniform(-np.pi / a, np.pi / a, size=(3, 1))
    x = model.positions @ (model.lattice_vectors[0] / a)
    sub = _bipartition(model)
    phase_options = [np.ones(model.n_orbitals)] + ([sub] if sub is not None else [])
    found = []
    scale = max(1.0, float(np.abs(model.hamiltonian(ks)).max()))
    for (rx, ry) in [(1, 1), (-1, 1), (1, -1), (-1, -1)]:
        txs = np.unique(np.round(np.mod(x - rx * x[0], a), 9))
        for anti in (False, True):
            for sign in (1, -1):
                if not anti and (rx, ry) == (1, 1) and sign == 1:
                    continue  # identity
                hit = None
                for tx in txs:
                    perm = _match(model, rx, ry, tx)
                    if perm is None:
                        continue
                    for ph in phase_options:
                        s = RibbonSymmetry(rx, ry, anti, sign, float(tx), perm, ph)
                        if s.check(model, ks) < atol * scale:
                            hit = s
                            break
                    if hit:
                        break
                if hit:
                    found.append(hit)
    return found


def consequences(sym: RibbonSymmetry) -> dict:
    r"""Selection rules for the static response to ``E_x`` implied by ``sym`` (module doc).

    Returns ``{density: {"intraband": (c, r_y), "interband": (c, r_y)}}`` meaning
    ``delta A(y) = c * delta A(r_y y)`` for that part; ``c = -1`` with ``r_y = +1`` means the
    part vanishes at every y. Antisymmetries (``sign = -1``) map E_F to -E_F: no rule at fixed
    E_F (empty dict).
    """
    if sym.sign < 0:
        return {}
    out = {}
    lam_x = sym.rx  # x: TR-even, spatial parity r_x
    for name, (tr, sp) in DENSITY_PARITIES.items():
        lam_a = (tr if sym.antiunitary else 1) * sp(sym.rx, sym.ry)
        lam = lam_a * lam_x
        if sym.antiunitary:
            out[name] = {"interband": (lam, sym.ry), "intraband": (-lam, sym.ry)}
        else:
            out[name] = {"interband": (lam, sym.ry), "intraband": (lam, sym.ry)}
    return out


def describe(rule: tuple[int, int]) -> str:
    """Human-readable form of one selection rule."""
    c, ry = rule
    if ry == 1:
        return "zero at every y" if c == -1 else "allowed"
    return "even in y" if c == 1 else "odd in y"


def time_reversal_deviation(model, U=None, *, n_k: int = 4, seed: int = 1) -> float:
    """Max ``|U H(k)^* U^dagger - H(-k)|`` at random k: 0 for a TR-invariant model.

    ``U`` defaults to the model's declared ``time_reversal`` or, if none, to the identity
    (spinless ``Theta = K``). Energy units (t0).
    """
    rng = np.random.default_rng(seed)
    if U is None:
        U = getattr(model, "time_reversal", None)
    if U is None:
        U = np.eye(model.n_orbitals)
    U = np.asarray(U)
    k = rng.uniform(-np.pi, np.pi, size=(n_k, model.dim))
    lhs = U @ np.conj(model.hamiltonian(k)) @ U.conj().T
    return float(np.max(np.abs(lhs - model.hamiltonian(-k))))


def symmetry_report(model, ribbon_symmetries, *, atol: float = 1e-9) -> dict:
    """Which symmetries a model has and which terms of Eq. 55 they force to zero, with the
    theorem that says so (used by ``lrtheory symmetry``).

    ``ribbon_symmetries`` is the output of :func:`find_ribbon_symmetries` for a ribbon of the
    model. Returns ``{"time_reversal", "inversion", "antisymmetries", "eq55": [...]}``.
    """
    names = {s.name for s in ribbon_symmetries}
    declared = getattr(model, "time_reversal", None)
    dev = time_reversal_deviation(model)
    tr = dev < atol * max(1.0, float(np.abs(model.hamiltonian(np.zeros((1, model.dim)))).max()))
    tr_text = ("yes (Theta = U K, declared U verified)" if declared is not None and tr
               else "yes (Theta = K)" if tr
               else f"no (|U H(k)* U^+ - H(-k)| = {dev:.2g})")
    if declared is not None and not tr:
        tr_text += " -- the declared TR operator is NOT a symmetry of H"
    inversion = "C2" in names
    anti = sorted(n for n in names if n.endswith("(anti)"))
    eq55 = []
    if tr:
        eq55.append("TR: the interband (undergap) term of every TR-odd density (OMM, spin, "
                    "valley) vanishes at every y; only the intraband (Fermi-surface, ~tau) "
                    "term survives and needs states at E_F: no-dissipation no-accumulation "
                    "theorem (Eq. 25-27, App. I).")
    else:
        eq55.append("no TR: the interband (undergap) term of TR-odd densities is allowed "
                    "(Eq. 31-32), unless another antiunitary symmetry of the ribbon forbids "
                    "it (rules below: generalized reciprocity, docs/theorems.md).")
    if any(s.antiunitary and s.sign > 0 and s.name != "Theta" for s in ribbon_symmetries):
        forb = [s.name for s in ribbon_symmetries
                if s.antiunitary and s.sign > 0 and s.name != "Theta"
                and consequences(s)["omm"]["interband"] == (-1, 1)]
        if forb:
            eq55.append(f"{', '.join(forb)}: interband OMM accumulation zero at every y "
                        "(generalized reciprocity for antiunitary symmetries, theorems.md).")
    if inversion:
        eq55.append("C2 (inversion in 2D): each part of the OMM profile is odd in y, so the "
                    "net OMM accumulation vanishes; a net (uniform) part needs broken "
                    "inversion.")
    if anti:
        eq55.append(f"{', '.join(anti)}: map E_F to -E_F (relate the profiles at +-E_F; no "
                    "rule at fixed E_F).")
    return {"time_reversal": tr_text, "time_reversal_deviation": dev,
            "inversion": "yes (C2 of the ribbon)" if inversion else "no",
            "antisymmetries": anti or ["none"], "eq55": eq55}
