r"""The symmetry report of ``lrtheory symmetry``: time reversal, inversion, antisymmetries
and, for every operation of the ribbon, exactly what it forces (per orbital, per y, in
total; :func:`lrtheory.symmetry.rules.statements`), each line generated from statements
that tests evaluate on the ribbon (tests/physics/test_symmetry_report.py).

Time reversal is checked by the one rule of
:class:`lrtheory.models.time_reversal.TimeReversal` (relative residual on the fixed k
sample, tolerance :data:`~lrtheory.conventions.SYMMETRY_RTOL`).
"""
from __future__ import annotations

import warnings

import numpy as np

from lrtheory.conventions import SYMMETRY_RTOL
from lrtheory.models.time_reversal import TimeReversal
from lrtheory.symmetry.rules import QUANTITIES, QUANTITY_LABELS, statements

__all__ = ["symmetry_report", "time_reversal_deviation", "summary_lines", "strongest"]

_TR_YES = ("TR: the interband (undergap) term of every TR-odd density (OMM, spin, valley) "
           "vanishes at every y; only the intraband (Fermi-surface, ~tau) term survives and "
           "needs states at E_F: no-dissipation no-accumulation theorem (Eq. 25-27, App. I).")
_TR_NO = ("no TR: the interband (undergap) term of TR-odd densities is allowed (Eq. 31-32), "
          "unless another operation of the ribbon forbids it (lines below: generalized "
          "reciprocity, docs/theorems.md).")


def time_reversal_deviation(model, U=None, *, n_k: int = 4, seed: int = 1) -> float:
    """Deprecated: use :meth:`lrtheory.models.time_reversal.TimeReversal.deviation` (the
    one rule: relative residual on a fixed k sample).

    Max ``|U H(k)^* U^dagger - H(-k)|`` at ``n_k`` random k (t0); ``U`` defaults to the
    declared ``time_reversal`` or the identity.

    Parameters
    ----------
    model : BlochModel
        The model.
    U : (n, n) array, optional
        Unitary part of ``Theta = U K``.
    n_k : int
        Number of random k points.
    seed : int
        Seed of the k points.

    Returns
    -------
    float
        The deviation (t0).
    """
    warnings.warn("time_reversal_deviation is deprecated: use "
                  "TimeReversal.deviation(model) (lrtheory.models.time_reversal)",
                  DeprecationWarning, stacklevel=2)
    rng = np.random.default_rng(seed)
    if U is None:
        U = model.time_reversal
    U = np.eye(model.n_orbitals) if U is None else np.asarray(U)
    k = rng.uniform(-np.pi, np.pi, size=(n_k, model.dim))
    lhs = U @ np.conj(model.hamiltonian(k)) @ U.conj().T
    return float(np.max(np.abs(lhs - model.hamiltonian(-k))))


def _best(sts) -> tuple[str, int]:
    """The strongest statement of one (operation, part, quantity) as a phrase and a rank."""
    by = {(s.level, s.relation): s for s in sts}
    if ("orbital", "zero") in by:
        return "zero at every orbital", 0
    if ("y-sum", "zero") in by:
        rel = by.get(("orbital", "opposite")) or by.get(("orbital", "equal"))
        how = "opposite" if rel is None or rel.relation == "opposite" else "equal"
        return (f"zero summed over the orbitals at each y, not per orbital (it exchanges "
                f"orbitals at the same y, which carry {how} values)"), 1
    for rel in ("odd", "even"):
        if ("orbital", rel) in by:
            tail = ", so zero in total" if rel == "odd" else ""
            return f"{rel} under y -> -y, orbital by orbital{tail}", 2
    if ("total", "zero") in by:
        return "zero in total", 3
    if ("orbital", "equal") in by:
        st = by[("orbital", "equal")]
        if st.fermi_level == "mirrored" and np.all(st.image == np.arange(len(st.image))):
            return "equal at E_F and -E_F, orbital by orbital", 4
        return "equal on the orbitals it exchanges at the same y", 4
    if ("orbital", "opposite") in by:
        return "opposite on the orbitals it exchanges at the same y", 5
    return "", 9


def strongest(sts) -> str:
    """The strongest of the statements of one (operation, part, density) as a phrase
    (``"zero at every orbital"``, ``"zero summed over the orbitals at each y, not per
    orbital ..."``, ``"odd under y -> -y ..."``, ``"zero in total"``, a partner relation), or
    ``"allowed"`` when none constrains it.

    Parameters
    ----------
    sts : list of Statement
        Statements of one operation, part and density.

    Returns
    -------
    str
    """
    return _best(sts)[0] or "allowed"


def summary_lines(sts) -> list[str]:
    """The report's text, generated from statements.

    Parameters
    ----------
    sts : list of Statement
        From :func:`lrtheory.symmetry.rules.statements`.

    Returns
    -------
    list of str
        One line per operation: for each part and density the strongest statement (zero per
        orbital, else zero per y, else odd/even in y, else zero in total, else the partner
        relation).
    """
    lines = []
    names = list(dict.fromkeys(s.symmetry for s in sts))
    for name in names:
        mine = [s for s in sts if s.symmetry == name]
        clauses = []
        for part in ("interband", "intraband"):
            phrases: dict[str, list[str]] = {}
            for q in QUANTITIES:
                phrase, rank = _best([s for s in mine if s.part == part and s.quantity == q])
                if phrase:
                    phrases.setdefault(phrase, []).append(QUANTITY_LABELS[q])
            for phrase, qs in phrases.items():
                clauses.append(f"{part} {', '.join(qs)} {phrase}")
        if not clauses:
            continue
        head = name
        if mine[0].fermi_level == "mirrored":
            head += (" (relates E_F and -E_F: at one E_F this holds at E_F = 0 and, for the "
                     "interband part, anywhere in a gap that contains -E_F)")
        lines.append(f"{head}: " + "; ".join(clauses) + ".")
    return lines


def symmetry_report(model, ribbon_symmetries, *, atol: float = SYMMETRY_RTOL,
                    ribbon=None) -> dict:
    """Which symmetries a model has and what they force in Eq. 55 (``lrtheory symmetry``).

    Parameters
    ----------
    model : BlochModel
        The (bulk) model; time reversal is checked on it with
        :meth:`TimeReversal.deviation` (the declared one, else ``Theta = K``).
    ribbon_symmetries : list of RibbonSymmetry
        :func:`lrtheory.symmetry.find_ribbon_symmetries` of a ribbon of the model.
    atol : float
        Tolerance of the relative TR residual.
    ribbon : Ribbon, optional
        The ribbon the symmetries were found for: then every line of ``"eq55"`` is generated
        from :func:`lrtheory.symmetry.rules.statements` (per orbital / per y / total), listed
        under ``"statements"``. Without it only orbital-level statements are made.

    Returns
    -------
    dict
        ``time_reversal`` (text), ``time_reversal_deviation`` (relative residual),
        ``inversion``, ``antisymmetries`` (names or ``["none"]``), ``eq55`` (lines),
        ``statements`` (list of dicts).
    """
    declared = TimeReversal.coerce(model.time_reversal, model.n_orbitals,
                                   where=f"{model.name}: time_reversal")
    tr_op = declared if declared is not None else TimeReversal.spinless(model.n_orbitals)
    dev = tr_op.deviation(model)
    tr = dev <= atol
    tr_text = ("yes (Theta = U K, declared U verified)" if declared is not None and tr
               else "yes (Theta = K)" if tr
               else f"no (|U H(k)* U^+ - H(-k)| = {dev:.2g} of max |H|)")
    if declared is not None and not tr:
        tr_text += " -- the declared TR operator is NOT a symmetry of H"
    names = [s.name for s in ribbon_symmetries]
    anti = sorted(n for n in names if n.endswith("(anti)"))
    if ribbon is None:
        sts = _orbital_only(ribbon_symmetries)
    else:
        sts = statements(ribbon, ribbon_symmetries)
    eq55 = [_TR_YES if tr else _TR_NO]
    eq55 += summary_lines([s for s in sts if s.symmetry != "Theta"])
    return {"time_reversal": tr_text, "time_reversal_deviation": dev,
            "inversion": "yes (C2 of the ribbon)" if "C2" in names else "no",
            "antisymmetries": anti or ["none"], "eq55": eq55,
            "statements": [s.as_dict() for s in sts]}


class _NoY:
    """A stand-in ribbon whose orbitals all have distinct y (orbital-level statements)."""

    def __init__(self, n):
        self.n = n

    def transverse_positions(self):
        return np.arange(self.n, dtype=float)


def _orbital_only(syms):
    if not syms:
        return []
    out = statements(_NoY(len(syms[0].perm)), syms)
    return [s for s in out if s.level not in ("y-sum", "edge")]
