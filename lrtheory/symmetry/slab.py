r"""Symmetry report of a slab (film) under an in-plane field: which parts of which
layer-resolved accumulations an (anti)unitary operation forces to zero (issue #15 item 5).

Operations considered: ``g = U`` or ``g = U K`` (antiunitary) with ``U`` acting on the
orbitals of each site (a layer-by-layer copy ``1_layers (x) u`` of a parent matrix ``u``, or
the declared time reversal), combined with the in-plane point operation ``O = diag(o_x,
o_y)`` (``o = +-1``: identity, mirrors ``M_x``, ``M_y``, ``C_2z``) that fixes every orbital's
position and every layer (``z -> z``). The Bloch condition is

    unitary:      u H(k) u^dagger = H(O k)
    antiunitary:  u H(k)^* u^dagger = H(-O k)

checked by the one residual rule (:func:`lrtheory.models.time_reversal.symmetry_deviation`,
tolerance :data:`~lrtheory.conventions.SYMMETRY_RTOL`).

Selection rule (derivation: docs/slabs.md, "Symmetry"; the ribbon rules of
:mod:`lrtheory.symmetry.rules` with the layer in place of ``y``): for a field along the
frame axis ``a`` and a density ``A`` with ``g A g^-1 = lambda_A A`` (per orbital of the
site),

    interband:  delta A = (lambda_A o_a) delta A
    intraband:  delta A = (lambda_A o_a tau_g) delta A,   tau_g = -1 if antiunitary else +1

so a part whose factor is -1 vanishes in every layer (at every site: ``u`` keeps the
site). ``lambda`` of the built-in densities: charge +1; ``j_a``: ``tau_g o_a``; ``j_z``:
``tau_g``; ``omm_x = -(q/2) z j_y``: that of ``j_y``; ``omm_y``: that of ``j_x``; an on-site
operator (spin, L): its signature under ``u`` (and ``K``), computed.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lrtheory.conventions import SYMMETRY_RTOL
from lrtheory.errors import ConventionError, ModelError
from lrtheory.models.protocol import Slab, ensure_model
from lrtheory.models.time_reversal import symmetry_deviation

__all__ = ["SlabOperation", "slab_operations", "slab_statements", "slab_symmetry_report"]

_PARTS = ("intraband", "interband")


@dataclass(frozen=True)
class SlabOperation:
    """One (anti)unitary operation of a slab (module doc).

    Attributes
    ----------
    name : str
    unitary : (n, n) ndarray
        ``u`` on the slab's orbitals.
    antiunitary : bool
    o : tuple of int
        ``(o_x, o_y)``: the in-plane point operation on positions.
    deviation : float
        Relative Bloch residual (the operation holds when it is at most
        :data:`~lrtheory.conventions.SYMMETRY_RTOL`).
    """

    name: str
    unitary: np.ndarray
    antiunitary: bool
    o: tuple
    deviation: float

    @property
    def holds(self) -> bool:
        return self.deviation <= SYMMETRY_RTOL

    def parity(self, operator) -> int | None:
        """``lambda`` with ``u A^(*) u^dagger = lambda A`` (+1, -1, or None).

        Parameters
        ----------
        operator : (n, n) array
            An operator of the slab.

        Returns
        -------
        int or None
            +1 or -1, None if ``A`` is neither even nor odd.
        """
        A = np.asarray(operator)
        u = self.unitary
        t = u @ (np.conj(A) if self.antiunitary else A) @ np.conj(u.T)
        scale = SYMMETRY_RTOL * max(1.0, float(np.abs(A).max(initial=0.0)))
        for lam in (1, -1):
            if np.abs(t - lam * A).max(initial=0.0) <= scale:
                return lam
        return None


def slab_operations(model, candidates=()) -> list[SlabOperation]:
    """The declared time reversal and every candidate, each with its residual.

    Parameters
    ----------
    model : Slab
    candidates : iterable of (name, u, antiunitary, (o_x, o_y))
        ``u`` on the parent's orbitals (tiled over the layers) or on the slab's.

    Returns
    -------
    list of SlabOperation
        In order (declared TR first), holding or not (see ``holds``).
    """
    model = ensure_model(model, Slab, where="slab_operations")
    n = model.n_orbitals
    layers = int(np.max(model.layer_index)) + 1
    todo = []
    if model.time_reversal is not None:
        todo.append(("TR (declared)", np.asarray(model.time_reversal.U), True, (1, 1)))
    for cand in candidates:
        try:
            name, u, anti, o = cand
            u = np.asarray(u, complex)
            o = tuple(int(x) for x in o)
        except (TypeError, ValueError):
            raise ConventionError(f"a candidate is (name, u, antiunitary, (o_x, o_y)), got "
                                  f"{cand!r}") from None
        if len(o) != 2 or any(x not in (1, -1) for x in o):
            raise ConventionError(f"candidate {name!r}: o must be (+-1, +-1), got {o}")
        if u.shape == (n // layers, n // layers):
            u = np.kron(np.eye(layers), u)
        if u.shape != (n, n) or not np.allclose(u @ np.conj(u.T), np.eye(n), atol=1e-10):
            raise ModelError(f"candidate {name!r}: u must be a unitary ({n // layers}, "
                             f"{n // layers}) or ({n}, {n}) matrix, got shape {u.shape}")
        todo.append((str(name), u, bool(anti), o))
    out = []
    for name, u, anti, o in todo:
        k_map = (-1 if anti else 1) * np.asarray(o, float)
        dev = symmetry_deviation(model, u, antiunitary=anti, k_map=k_map)
        out.append(SlabOperation(name, u, anti, o, float(dev)))
    return out


def _lambda(op: SlabOperation, quantity: str, operators: dict) -> int | None:
    tau = -1 if op.antiunitary else 1
    ox, oy = op.o
    fixed = {"charge": 1, "jx": tau * ox, "jy": tau * oy, "jz": tau,
             "omm_x": tau * oy, "omm_y": tau * ox}
    if quantity in fixed:
        return fixed[quantity]
    return op.parity(operators[quantity])


def slab_statements(model, operations, *, direction: int = 0, operators=None) -> list[dict]:
    """What each holding operation forces, as data.

    Parameters
    ----------
    model : Slab
    operations : list of SlabOperation
    direction : {0, 1}
        Field along the frame's x or y.
    operators : dict of str -> (n, n) array, optional
        On-site operators of the slab (as given to
        :func:`lrtheory.response.slab.slab_accumulation`).

    Returns
    -------
    list of dict
        ``{"operation", "part", "quantity", "relation": "zero"}``: the part of the quantity
        vanishes in every layer (and at every site).
    """
    if direction not in (0, 1):
        raise ConventionError(f"direction must be 0 (x) or 1 (y) for the symmetry report, got "
                              f"{direction!r}")
    operators = dict(operators or {})
    quantities = ("charge", "jx", "jy", "jz", "omm_x", "omm_y") + tuple(operators)
    out = []
    for op in operations:
        if not op.holds:
            continue
        tau, oa = (-1 if op.antiunitary else 1), op.o[direction]
        for q in quantities:
            lam = _lambda(op, q, operators)
            if lam is None:
                continue
            for part, factor in (("interband", lam * oa), ("intraband", lam * oa * tau)):
                if factor == -1:
                    out.append({"operation": op.name, "part": part, "quantity": q,
                                "relation": "zero"})
    return out


def slab_symmetry_report(model, *, direction: int = 0, operators=None, candidates=()) -> dict:
    """The slab's operations and what they force, with one line of text per statement.

    Parameters
    ----------
    model : Slab
        The slab.
    direction : int
        In-plane field direction (0: x, 1: y).
    operators : dict of str -> (n, n) array, optional
        On-site operators (as for :func:`slab_statements`).
    candidates : iterable of (name, u, antiunitary, (o_x, o_y))
        Candidate operations (as for :func:`slab_operations`).

    Returns
    -------
    dict
        ``{"operations": [{"name", "antiunitary", "o", "deviation", "holds"}],
        "statements": [...] (:func:`slab_statements`), "lines": [str]}``.
    """
    ops = slab_operations(model, candidates)
    sts = slab_statements(model, ops, direction=direction, operators=operators)
    axis = "xy"[direction]
    lines = [f"{op.name}: {'antiunitary' if op.antiunitary else 'unitary'}, o = {op.o}, "
             f"residual {op.deviation:.2g} ({'holds' if op.holds else 'does not hold'})"
             for op in ops]
    lines += [f"E || {axis}: {s['part']} {s['quantity']} = 0 in every layer ({s['operation']})"
              for s in sts]
    return {"operations": [{"name": op.name, "antiunitary": op.antiunitary, "o": list(op.o),
                            "deviation": op.deviation, "holds": op.holds} for op in ops],
            "statements": sts, "lines": lines}
