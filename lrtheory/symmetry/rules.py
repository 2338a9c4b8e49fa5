r"""What a ribbon's (anti)symmetries imply for the static response to ``E_x``, stated as
data that a test can evaluate (issue #18).

Derivation (docs/theorems.md, "Antiunitary symmetries beyond TR"). An operation ``O``
(unitary or antiunitary, ``O H O^{-1} = s H``) maps eigenstates of energy ``e`` onto
eigenstates of energy ``s e``; with ``E_F -> s E_F`` occupations go to occupations
(``s = -1``: ``f -> 1 - f``) and ``f'`` is unchanged. The velocity ``v_x = i[H, x]`` has the
signature ``lambda_v = tau r_x`` with ``tau = s`` (unitary) or ``-s`` (antiunitary), and the
site densities

* charge: ``lambda = +1``; ``j_x``: ``tau r_x``; ``j_y``: ``tau r_y``; OMM ``m_z``:
  ``tau r_x r_y`` (axial).

Inserting this into the interband (reactive, eta -> 0) and intraband (Fermi-surface, per
tau) parts of Eq. 55 gives, at orbital ``mu`` and its image ``g(mu) = perm[mu]``:

.. math::
   \delta A_\mu(E_F) = c\,\delta A_{g(\mu)}(s E_F), \qquad
   c_\mathrm{inter} = \lambda_A r_x, \qquad c_\mathrm{intra} = \lambda_A \tau r_x .

For TR (``g = 1``, antiunitary, ``s = +1``) this is the no-dissipation no-accumulation
theorem. An antisymmetry (``s = -1``) relates ``E_F`` and ``-E_F``; at ``T = 0`` the interband
part is constant while ``E_F`` stays in a gap, so inside a gap that contains ``-E_F`` (e.g.
``E_F = 0``) its rules hold at fixed ``E_F``.

*What is forced* depends on ``g`` (issue #18, item 2): the rule pairs each orbital with its
image. Only where ``g`` fixes an orbital does ``c = -1`` make that orbital's value vanish;
``M_x`` of an armchair ribbon exchanges A and B at the same y, so only the sum over the
orbitals at each y vanishes. :func:`statements` therefore states each consequence at the
level where it holds:

* ``"orbital"``: ``delta A_mu = c delta A_{g(mu)}`` (relation ``"zero"`` when ``g`` fixes every
  orbital and ``c = -1``; else ``"opposite"``/``"equal"`` on the partner at the same y, or
  ``"odd"``/``"even"`` under ``y -> -y``);
* ``"y-sum"``: the sum over the orbitals at each transverse coordinate y (``"zero"``,
  ``"odd"``, ``"even"``, or ``"equal"`` at ``E_F`` and ``-E_F``);
* ``"edge"``: the sums over the lower and the upper half of the ribbon (``y < y_c`` and
  ``y > y_c``, ``y_c`` the centre line; orbitals on it belong to neither): ``"zero"``, or
  ``"odd"``/``"even"`` (lower half = -+ upper half), or ``"equal"`` at ``+-E_F``;
* ``"total"``: the sum over the ribbon (``"zero"`` or ``"equal"`` at ``+-E_F``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lrtheory.errors import ConventionError

__all__ = ["DENSITY_PARITIES", "QUANTITIES", "QUANTITY_LABELS", "LEVELS", "consequences",
           "selection_rules", "describe", "Statement", "statements", "y_classes"]

#: (TR parity, spatial parity as a function of (r_x, r_y)) of the ribbon densities
DENSITY_PARITIES = {
    "charge": (+1, lambda rx, ry: 1),
    "jx": (-1, lambda rx, ry: rx),
    "jy": (-1, lambda rx, ry: ry),
    "omm": (-1, lambda rx, ry: rx * ry),  # axial z-component
}

QUANTITIES = tuple(DENSITY_PARITIES)
PARTS = ("intraband", "interband")
LEVELS = ("orbital", "y-sum", "edge", "total")

QUANTITY_LABELS = {"charge": "charge", "jx": "j_x", "jy": "j_y", "omm": "OMM"}


def selection_rules(sym) -> dict:
    r"""The rules of any operation, symmetry or antisymmetry (module doc).

    Parameters
    ----------
    sym : RibbonSymmetry

    Returns
    -------
    dict
        ``{density: {"intraband": (c, r_y), "interband": (c, r_y)}}`` meaning
        ``delta A_mu(E_F) = c delta A_{perm[mu]}(s E_F)`` (``s = sym.sign``; ``r_y`` the
        parity of y under the operation), densities ``charge, jx, jy, omm``.
    """
    tau = (-1 if sym.antiunitary else 1) * sym.sign
    out = {}
    for name, (tr, sp) in DENSITY_PARITIES.items():
        lam = (tau if tr < 0 else 1) * sp(sym.rx, sym.ry)
        out[name] = {"interband": (lam * sym.rx, sym.ry),
                     "intraband": (lam * tau * sym.rx, sym.ry)}
    return out


def consequences(sym) -> dict:
    r"""Selection rules at fixed ``E_F`` implied by a symmetry (``sign = +1``).

    The generalized reciprocity of paper Eq. 22 applied to a ribbon operation. Only when the
    operation fixes every orbital (``perm[mu] = mu`` for ``r_y = +1``) does ``c = -1`` mean
    "zero at every orbital"; use :func:`statements` for what is forced per orbital, per y and
    in total. Antisymmetries (``sign = -1``) relate ``E_F`` and ``-E_F``: empty dict here
    (see :func:`selection_rules`).

    Parameters
    ----------
    sym : RibbonSymmetry
        The operation.

    Returns
    -------
    dict
        ``{density: {"intraband": (c, r_y), "interband": (c, r_y)}}`` meaning
        ``delta A_mu = c * delta A_{perm[mu]}`` (the orbital and its image under the
        operation, whose transverse coordinate is ``r_y y``).
    """
    if sym.sign < 0:
        return {}
    return selection_rules(sym)


def describe(rule: tuple[int, int]) -> str:
    """Human-readable form of one rule of :func:`consequences` for an operation that fixes
    every orbital (``r_y = +1``) or maps y onto -y.

    Parameters
    ----------
    rule : (int, int)
        ``(c, r_y)``.

    Returns
    -------
    str
        ``"zero at every y"``, ``"allowed"``, ``"even in y"`` or ``"odd in y"``.
    """
    c, ry = rule
    if ry == 1:
        return "zero at every y" if c == -1 else "allowed"
    return "even in y" if c == 1 else "odd in y"


def y_classes(y, tol: float = 1e-6) -> list[np.ndarray]:
    """Orbital indices grouped by transverse coordinate.

    Parameters
    ----------
    y : (n,) array
        Transverse coordinates (a).
    tol : float
        Coordinates closer than this (a) are the same y.

    Returns
    -------
    list of int arrays
        One array of orbital indices per distinct y, in increasing y.
    """
    y = np.asarray(y, float)
    order = np.argsort(y, kind="stable")
    groups, cur = [], [order[0]]
    for i in order[1:]:
        if y[i] - y[cur[-1]] < tol:
            cur.append(i)
        else:
            groups.append(np.array(sorted(cur)))
            cur = [i]
    groups.append(np.array(sorted(cur)))
    return groups


@dataclass(frozen=True, eq=False)
class Statement:
    """One consequence of one operation, as data (module doc).

    Attributes
    ----------
    symmetry : str
        Name of the operation (e.g. ``"M_x Theta"``).
    quantity : {"charge", "jx", "jy", "omm"}
    part : {"intraband", "interband"}
    level : {"orbital", "y-sum", "edge", "total"}
    relation : {"zero", "opposite", "equal", "odd", "even"}
    factor : +1 or -1
        ``c`` in ``L(E_F)[i] = c L(s E_F)[image[i]]`` for the level's values ``L``.
    fermi_level : {"same", "mirrored"}
        ``"mirrored"`` (antisymmetries): relates ``E_F`` and ``-E_F``.
    image : (m,) int array
        Index map of the level's values (orbitals, y-classes, or the one total).
    groups : list of (k,) int arrays
        The orbitals summed into each value (one per orbital at level ``"orbital"``).
    """

    symmetry: str
    quantity: str
    part: str
    level: str
    relation: str
    factor: int
    fermi_level: str
    image: np.ndarray
    groups: tuple

    def values(self, profile) -> np.ndarray:
        """The level's values of an orbital profile.

        Parameters
        ----------
        profile : (n,) array
            Values per orbital (any unit, e.g. a ribbon accumulation per unit E_x).

        Returns
        -------
        ndarray
            One value per group (same unit).
        """
        p = np.asarray(profile)
        return np.array([p[g].sum() for g in self.groups])

    def residual(self, acc, image_acc=None) -> float:
        """``max |L(E_F) - c L(s E_F)[image]|`` (the statement holds when ~0).

        Parameters
        ----------
        acc : RibbonAccumulation
            Or anything with ``get(part, quantity)``, at ``E_F``.
        image_acc : RibbonAccumulation, optional
            The same at ``-E_F``; required (and only used) when ``fermi_level == "mirrored"``
            (pass ``acc`` itself for ``E_F = 0``, or in a gap that contains ``-E_F``).

        Returns
        -------
        float
            The residual, in the units of the profiles (per unit E_x and cell).
        """
        if self.fermi_level == "mirrored" and image_acc is None:
            raise ConventionError(f"{self.text}: needs the accumulation at -E_F (image_acc)")
        other = image_acc if self.fermi_level == "mirrored" else acc
        lhs = self.values(acc.get(self.part, self.quantity))
        rhs = self.values(other.get(self.part, self.quantity))[self.image]
        return float(np.max(np.abs(lhs - self.factor * rhs)))

    def as_dict(self) -> dict:
        """The statement as plain data (for JSON output).

        Returns
        -------
        dict
            ``symmetry``, ``quantity``, ``part``, ``level``, ``relation``, ``factor``,
            ``fermi_level`` and ``text``.
        """
        return dict(symmetry=self.symmetry, quantity=self.quantity, part=self.part,
                    level=self.level, relation=self.relation, factor=self.factor,
                    fermi_level=self.fermi_level, text=self.text)

    @property
    def text(self) -> str:
        what = f"{self.part} {QUANTITY_LABELS[self.quantity]}"
        where = {"orbital": "per orbital", "y-sum": "summed over the orbitals at each y",
                 "edge": "summed over each half of the ribbon (each edge)",
                 "total": "summed over the ribbon"}[self.level]
        rel = {"zero": "zero", "odd": "odd under y -> -y", "even": "even under y -> -y",
               "opposite": "opposite on the orbitals it exchanges at the same y",
               "equal": "equal on the orbitals it exchanges at the same y"}[self.relation]
        if self.level != "orbital" and self.relation == "equal":
            rel = "equal"
        if self.fermi_level == "mirrored":
            rel = {"zero": "opposite at E_F and -E_F, so zero at E_F = 0 (the interband "
                           "part: anywhere in a gap that contains -E_F)",
                   "equal": "equal at E_F and -E_F"}.get(rel, rel + " at E_F <-> -E_F")
        return f"{self.symmetry}: {what} {where}: {rel}"


def _orbital_level(sym, c, ry, mirrored):
    perm = np.asarray(sym.perm)
    fixed = bool(np.all(perm == np.arange(len(perm))))
    if ry == 1:
        if fixed:
            rel = "zero" if c == -1 else ("equal" if mirrored else None)
        else:
            rel = "opposite" if c == -1 else "equal"
    else:
        rel = "odd" if c == -1 else "even"
    return rel, perm, tuple(np.arange(len(perm))[:, None])


def statements(rib, symmetries) -> list[Statement]:
    """Every consequence of every operation, at the orbital, y-sum and total levels (module
    doc), for the ribbon the operations were found for; trivial ones (``A = A``) omitted.

    Parameters
    ----------
    rib : Ribbon
        The ribbon (its ``transverse_positions()`` define the y-classes).
    symmetries : list of RibbonSymmetry
        From :func:`lrtheory.symmetry.find_ribbon_symmetries` for ``rib``.

    Returns
    -------
    list of Statement
        Per operation, density and part: the orbital, y-sum, edge and total statements that
        are not trivial; evaluate one with :meth:`Statement.residual`.
    """
    y = np.asarray(rib.transverse_positions(), float)
    classes = y_classes(y)
    cls_of = np.empty(len(y), int)
    for m, g in enumerate(classes):
        cls_of[g] = m
    yc = 0.5 * (y.max() + y.min())
    halves = (np.nonzero(y < yc - 1e-6)[0], np.nonzero(y > yc + 1e-6)[0])
    out = []
    for sym in symmetries:
        mirrored = sym.sign < 0
        fl = "mirrored" if mirrored else "same"
        cls_image = np.array([cls_of[sym.perm[g[0]]] for g in classes])
        for q, rules in selection_rules(sym).items():
            for part in PARTS:
                c, ry = rules[part]
                rel, image, groups = _orbital_level(sym, c, ry, mirrored)
                if rel is not None:
                    out.append(Statement(sym.name, q, part, "orbital", rel, c, fl, image,
                                         groups))
                if ry == 1:
                    rel = "zero" if c == -1 else ("equal" if mirrored else None)
                else:
                    rel = "odd" if c == -1 else "even"
                if rel is not None:
                    out.append(Statement(sym.name, q, part, "y-sum", rel, c, fl, cls_image,
                                         tuple(classes)))
                if ry == 1:
                    rel = "zero" if c == -1 else ("equal" if mirrored else None)
                else:
                    rel = "odd" if c == -1 else "even"
                if rel is not None:
                    out.append(Statement(sym.name, q, part, "edge", rel, c, fl,
                                         np.array([0, 1] if ry == 1 else [1, 0]), halves))
                rel = "zero" if c == -1 else ("equal" if mirrored else None)
                if rel is not None:
                    out.append(Statement(sym.name, q, part, "total", rel, c, fl,
                                         np.array([0]), (np.arange(len(y)),)))
    return out
