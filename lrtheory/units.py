r"""Physical units: lrtheory's model units converted to SI-derived units a user reads.

Computations use ``hbar = e = 1``, energies in ``t0`` and lengths in ``a``
(:mod:`lrtheory.conventions`). A model whose ``t0`` and ``a`` are physical (a Wannier90 file:
``t0 = 1 eV``, ``a = 1 Angstrom``; :data:`WANNIER90`) gives numbers in physical units by the
factors of this module, the one place they are computed (CODATA values from
:mod:`scipy.constants`; docs/conventions.md, "Physical units").

Factors (``[O]`` the unit of the operator of a density or current, in units of ``hbar`` for
angular momenta), from lrtheory's unit to the physical one:

* 3D conductivity ``e^2/(hbar a)`` to S/cm: ``(e^2/hbar) / a[cm]``;
* 2D (sheet) conductivity ``e^2/hbar`` to S: ``e^2/hbar`` (or to e^2/h: ``2 pi``);
* spin/orbital Hall conductivity, 3D, ``e [O]/(hbar a)`` with ``[O] = hbar``, to
  (hbar/e) S/cm: ``(e^2/hbar) / a[cm]``;
* orbital moment ``e a^2 t0/hbar`` to mu_B: ``2 m_e a^2 t0/hbar^2``;
* energy ``t0`` to eV: ``t0[eV]``;
* density ``[O]/a^d`` to ``[O]/cm^d``: ``a[cm]^-d``; to ``[O]`` per atom: cell measure
  over the number of atoms.

Accumulations (ribbons, :func:`accumulation_densities`; paper Eq. 20, 55): lrtheory's
profile is ``[O]`` per orbital per period per unit field ``t0/(e a)`` (intraband parts per
unit ``tau`` in ``hbar/t0``). Per atom: the orbitals of one site summed. Per area: a row of
the ribbon (one parent cell across it) summed and divided by the parent cell's area
``A_cell`` (a^2; a ribbon row is one parent cell, the cut's basis being unimodular).
Physical (:func:`accumulation_to_physical`): ``[O]`` to its unit (charge: electrons; orbital
moment: mu_B by the factor above; velocity density: m/s), the field to V/m (``t0/(e a)`` is
``t0[eV] / a[m]`` V/m: 1e10 V/m for eV and Angstrom), the area to nm^2 (``a[nm]^2``), and
``tau`` to fs (``hbar/t0`` is 0.658212 fs for eV): intraband numbers are per fs of ``tau``.

The spin/orbital Hall conductivity in ``(hbar/e) S/cm`` is the response ``J^O = sigma E`` of
the current of ``O`` (in units of ``hbar``) written as ``(hbar/e)`` times an electrical
conductivity: the same factor as the AHC. For ``O`` the Pauli matrix ``sigma_z`` (spin
``hbar sigma_z/2``) the spin Hall conductivity is half the value obtained with ``O = sigma_z``.
The orbital moment ``m`` and an angular momentum ``L`` compare through ``m = -mu_B L/hbar``
(orbital g-factor 1, electron charge ``-e``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import constants as _c

from lrtheory.errors import ConventionError

__all__ = [
    "UnitSystem", "MODEL_UNITS", "WANNIER90", "CONDUCTANCE_QUANTUM_S", "E2_OVER_HBAR_S",
    "BOHR_MAGNETON", "conductivity_factor", "conductivity_unit", "hall_to_physical",
    "moment_to_bohr_magneton", "moment_unit_in_bohr_magneton", "density_per_volume",
    "per_atom", "units_of_result", "hall_result_in_physical_units", "field_unit_v_per_m",
    "time_unit_fs", "accumulation_densities", "accumulation_to_physical",
    "ACCUMULATION_OPERATORS",
]

#: e^2/h in siemens (CODATA; the inverse von Klitzing constant)
CONDUCTANCE_QUANTUM_S = _c.e ** 2 / _c.h
#: e^2/hbar in siemens
E2_OVER_HBAR_S = _c.e ** 2 / _c.hbar
#: Bohr magneton e hbar / (2 m_e), J/T
BOHR_MAGNETON = _c.e * _c.hbar / (2 * _c.m_e)
_ANGSTROM_CM = _c.angstrom / _c.centi


@dataclass(frozen=True)
class UnitSystem:
    """What lrtheory's ``t0`` and ``a`` are for a model.

    Parameters
    ----------
    energy_ev : float or None
        ``t0`` in eV (None: model units, nothing physical to convert to).
    length_angstrom : float or None
        ``a`` in Angstrom (None: model units).
    name : str
        Shown in outputs.
    """

    energy_ev: float | None
    length_angstrom: float | None
    name: str

    def __post_init__(self):
        for key in ("energy_ev", "length_angstrom"):
            v = getattr(self, key)
            if v is not None and not (np.isfinite(v) and v > 0):
                raise ConventionError(f"UnitSystem.{key} must be a positive number or None, "
                                      f"got {v!r}")

    @property
    def physical(self) -> bool:
        """True when both ``t0`` and ``a`` are physical."""
        return self.energy_ev is not None and self.length_angstrom is not None

    @property
    def energy_unit(self) -> str:
        """``"eV"`` (``t0 = 1 eV``), ``"x eV"`` or ``"t0"``."""
        if self.energy_ev is None:
            return "t0"
        return "eV" if self.energy_ev == 1.0 else f"{self.energy_ev:g} eV"

    def _need_physical(self, what: str) -> None:
        if not self.physical:
            raise ConventionError(f"{what} in physical units needs t0 in eV and a in "
                                  f"Angstrom; the model is in {self.name}")


#: dimensionless model units (built-in models, model files without units)
MODEL_UNITS = UnitSystem(None, None, "model units (t0, a)")
#: Wannier90 files: energies in eV, lengths in Angstrom
WANNIER90 = UnitSystem(1.0, 1.0, "Wannier90 units (t0 = 1 eV, a = 1 Angstrom)")


def conductivity_factor(dim: int, units: UnitSystem = WANNIER90) -> float:
    """Factor from lrtheory's conductivity ``e^2/hbar`` per ``a**(d-2)`` to S/cm (d = 3),
    S (d = 2) or S cm (d = 1).

    The energy unit drops out (``sigma`` is ``e^2/hbar`` times a length power), so only
    ``a`` is needed; in 2D it is not needed either.

    Parameters
    ----------
    dim : int
        Spatial dimension of the model (1, 2 or 3).
    units : UnitSystem
        ``t0`` and ``a`` of the model.

    Returns
    -------
    float
        Multiply lrtheory's number by this.
    """
    if dim not in (1, 2, 3):
        raise ConventionError(f"conductivity units need dim 1, 2 or 3, got {dim}")
    if dim == 2:
        return E2_OVER_HBAR_S
    if units.length_angstrom is None:
        raise ConventionError(f"a {dim}D conductivity in physical units needs a in Angstrom; "
                              f"the model is in {units.name}")
    a_cm = units.length_angstrom * _ANGSTROM_CM
    return E2_OVER_HBAR_S * a_cm ** (2 - dim)


def conductivity_unit(dim: int, *, hall_of: str = "charge") -> str:
    """Unit text of :func:`conductivity_factor` (``"S/cm"``, ``"S"``, ``"S cm"``), prefixed
    by ``(hbar/e)`` for a spin or orbital Hall conductivity (``hall_of`` not ``"charge"``).

    Parameters
    ----------
    dim : int
        Spatial dimension, 1 to 3.
    hall_of : str
        ``"charge"`` or the operator of a spin/orbital Hall conductivity.

    Returns
    -------
    str
        The unit text.
    """
    base = {3: "S/cm", 2: "S", 1: "S cm"}[dim]
    return base if hall_of == "charge" else f"(hbar/e) {base}"


def hall_to_physical(sigma, dim: int, units: UnitSystem = WANNIER90, *,
                     operator_in_hbar: float = 1.0) -> np.ndarray:
    """A (generalized) Hall conductivity from lrtheory's units to S/cm (3D) or S (2D).

    Parameters
    ----------
    sigma : array_like
        ``e [O]/hbar`` per ``a**(d-2)`` (:func:`lrtheory.response.hall3d.hall_tensor`;
        charge current: ``e^2/hbar``).
    dim : int
        Spatial dimension.
    units : UnitSystem
        The model's ``a`` (and ``t0``).
    operator_in_hbar : float
        The operator's unit in ``hbar``: 1 for ``L`` or ``s`` in units of hbar and for the
        charge current (the result is then in S/cm); 1/2 for the Pauli matrix ``sigma_z``
        (spin ``hbar sigma_z / 2``). The result of a spin/orbital current is in
        ``(hbar/e) S/cm``.

    Returns
    -------
    ndarray
        ``sigma`` in S/cm (3D), S (2D).
    """
    return np.asarray(sigma, float) * conductivity_factor(dim, units) * float(operator_in_hbar)


def moment_unit_in_bohr_magneton(units: UnitSystem = WANNIER90) -> float:
    """lrtheory's orbital-moment unit ``e a^2 t0/hbar`` in Bohr magnetons
    (``= 2 m_e a^2 t0 / hbar^2``; 0.26247 for eV and Angstrom).

    Parameters
    ----------
    units : UnitSystem
        The model's physical ``a`` (Angstrom) and ``t0`` (eV).

    Returns
    -------
    float
        ``e a^2 t0/hbar`` in mu_B.
    """
    units._need_physical("an orbital moment")
    a = units.length_angstrom * _c.angstrom
    t0 = units.energy_ev * _c.electron_volt
    return _c.e * a ** 2 * t0 / _c.hbar / BOHR_MAGNETON


def moment_to_bohr_magneton(m, units: UnitSystem = WANNIER90) -> np.ndarray:
    """An orbital moment (``e a^2 t0/hbar``) in Bohr magnetons.

    Parameters
    ----------
    m : array_like
        Orbital moments (e a^2 t0/hbar).
    units : UnitSystem
        The model's physical ``a`` (Angstrom) and ``t0`` (eV).

    Returns
    -------
    ndarray
        ``m`` in mu_B.
    """
    return np.asarray(m, float) * moment_unit_in_bohr_magneton(units)


def density_per_volume(value, dim: int, units: UnitSystem = WANNIER90) -> np.ndarray:
    """A density ``[O]/a^d`` in ``[O]/cm^d`` (per cm^2 for a 2D accumulation).

    Parameters
    ----------
    value : array_like
        Densities ``[O]/a^d``.
    dim : int
        Spatial dimension d.
    units : UnitSystem
        The model's ``a`` (Angstrom).

    Returns
    -------
    ndarray
        ``value`` in ``[O]/cm^d``.
    """
    if units.length_angstrom is None:
        raise ConventionError(f"a density per cm^{dim} needs a in Angstrom; the model is in "
                              f"{units.name}")
    return np.asarray(value, float) / (units.length_angstrom * _ANGSTROM_CM) ** dim


def per_atom(value, cell_measure: float, n_atoms: int) -> np.ndarray:
    """A density ``[O]/a^d`` times the cell's area/volume (``a^d``) per atom: ``[O]`` per atom.

    Parameters
    ----------
    value : array_like
        Densities ``[O]/a^d``.
    cell_measure : float
        The unit cell's area or volume (a^d), > 0.
    n_atoms : int
        Atoms per cell, > 0.

    Returns
    -------
    ndarray
        ``[O]`` per atom.
    """
    if not (isinstance(n_atoms, (int, np.integer)) and n_atoms > 0):
        raise ConventionError(f"n_atoms must be a positive integer, got {n_atoms!r}")
    if not (np.isfinite(cell_measure) and cell_measure > 0):
        raise ConventionError(f"cell_measure must be a positive area/volume, got {cell_measure!r}")
    return np.asarray(value, float) * float(cell_measure) / int(n_atoms)


def units_of_result(kind: str, dim: int, units: UnitSystem = WANNIER90) -> dict:
    """Unit texts for a result's metadata (``Result.units``, CLI ``--out`` summaries).

    Parameters
    ----------
    kind : str
        ``"charge_hall"``, ``"spin_hall"``, ``"orbital_hall"``, ``"bands"``.
    dim : int
        Spatial dimension.
    units : UnitSystem
        The model's units.

    Returns
    -------
    dict
        ``{"ef": ..., "sigma": ..., "sigma_model": ...}`` or ``{"energies": ..., "k": ...}``.
    """
    e = units.energy_unit
    if kind == "bands":
        k = "1/Angstrom" if units.length_angstrom == 1.0 else "1/a"
        return {"energies": e, "k": k, "kdist": k}
    model = ("e^2/hbar" if kind == "charge_hall" else "e [O]/hbar") + (
        "" if dim == 2 else (" / a" if dim == 3 else " a"))
    out = {"ef": e, "sigma_model": model}
    if units.physical or (dim == 2 and kind == "charge_hall"):
        out["sigma"] = conductivity_unit(dim, hall_of="charge" if kind == "charge_hall"
                                         else "other")
    return out


def hall_result_in_physical_units(result, dim: int, units: UnitSystem = WANNIER90, *,
                                  kind: str = "charge_hall", scale: float = 1.0):
    """A Hall :class:`~lrtheory.result.Result` (``values["sigma"]`` in lrtheory's units, e.g.
    :func:`lrtheory.response.hall3d.hall_tensor`) with ``sigma`` (and its ``error`` and
    ``subgrid``) in S/cm / S, ``units`` naming them and ``settings["units_system"]``.

    Parameters
    ----------
    result : Result
        Needs ``values["sigma"]``.
    dim : int
        Spatial dimension.
    units : UnitSystem
        The model's units (physical, or 2D).
    kind : str
        ``"charge_hall"``, ``"spin_hall"`` or ``"orbital_hall"`` (unit text).
    scale : float
        Extra factor first (e.g. ``-moment_unit_in_bohr_magneton()`` for an orbital-moment
        current shown as an angular momentum, or 1/2 for Pauli matrices).

    Returns
    -------
    Result
        Same class, converted; the lrtheory value is kept as ``values["sigma_model"]``.
    """
    if "sigma" not in result.values:
        raise ConventionError(f"{type(result).__name__} has no 'sigma' to convert")
    f = conductivity_factor(dim, units) * float(scale)
    conv = lambda d: {k: (np.asarray(v) * f if k == "sigma" else v) for k, v in d.items()}
    text = units_of_result(kind, dim, units)
    return type(result).from_fields(**{
        **result.fields(),
        "values": {**conv(result.values), "sigma_model": result.values["sigma"]},
        "error": conv(result.error), "subgrid": conv(result.subgrid),
        "units": {**result.units, "sigma": text.get("sigma", text["sigma_model"]),
                  "sigma_model": text["sigma_model"], "ef": text["ef"]},
        "settings": {**result.settings, "units_system": units.name}})


# -- accumulations: per atom, per area, physical units -----------------------------------------
#: accumulation operator -> (lrtheory unit of [O], physical unit of [O]); the factor between
#: them is in :func:`accumulation_to_physical`
ACCUMULATION_OPERATORS = {
    "charge": ("electrons", "electrons"),
    "omm": ("e a^2 t0/hbar", "mu_B"),
    "jx": ("a t0/hbar", "m/s"),
    "jy": ("a t0/hbar", "m/s"),
}


def field_unit_v_per_m(units: UnitSystem = WANNIER90) -> float:
    """lrtheory's field unit ``t0/(e a)`` in V/m (``t0[eV] / a[m]``; 1e10 for eV and
    Angstrom).

    Parameters
    ----------
    units : UnitSystem
        The model's physical ``t0`` (eV) and ``a`` (Angstrom).

    Returns
    -------
    float
        V/m per unit field.
    """
    units._need_physical("a field")
    return units.energy_ev / (units.length_angstrom * _c.angstrom)


def time_unit_fs(units: UnitSystem = WANNIER90) -> float:
    """lrtheory's time unit ``hbar/t0`` in femtoseconds (0.658212 fs for ``t0 = 1 eV``).

    Parameters
    ----------
    units : UnitSystem
        The model's physical ``t0`` (eV).

    Returns
    -------
    float
        fs per unit time.
    """
    if units.energy_ev is None:
        raise ConventionError(f"a time in fs needs t0 in eV; the model is in {units.name}")
    return _c.hbar / (units.energy_ev * _c.electron_volt) / _c.femto


def accumulation_densities(values, positions, orbitals_per_row: int, cell_area: float, *,
                           atol: float = 1e-6) -> dict:
    """Per-atom and per-area forms of a ribbon profile (``[O]`` per orbital per period).

    Parameters
    ----------
    values : (n,) array_like
        The profile per orbital (``[O]`` per period per unit field), orbitals row-major (row
        ``c`` holds orbitals ``c m .. c m + m - 1``, ``m = orbitals_per_row``; the order of
        ``model.ribbon(W)``).
    positions : (n, d) array_like
        Orbital positions (a); orbitals closer than ``atol`` are one atom.
    orbitals_per_row : int
        Orbitals of one parent cell (``n / width``).
    cell_area : float
        Area of one parent cell (a^2, > 0): the area of a ribbon row per period.
    atol : float
        Orbitals whose positions agree to this (a) sit on one atom.

    Returns
    -------
    dict
        ``atom_index`` (n,) int (atom of every orbital, in order of first appearance),
        ``per_atom`` (n_atoms,) ``[O]`` per atom, ``atom_positions`` (n_atoms, d),
        ``per_area`` (n_rows,) ``[O]/a^2`` (row sums over ``cell_area``), ``row`` (n,) int.
    """
    v = np.asarray(values, float)
    pos = np.asarray(positions, float)
    n = len(v)
    m = int(orbitals_per_row)
    if m <= 0 or n % m or pos.shape[0] != n:
        raise ConventionError(f"accumulation_densities: {n} values, {pos.shape[0]} positions "
                              f"and {orbitals_per_row!r} orbitals per row do not fit")
    if not (np.isfinite(cell_area) and cell_area > 0):
        raise ConventionError(f"cell_area must be a positive area, got {cell_area!r}")
    key = np.round(pos / atol).astype(np.int64)
    _, first, atom = np.unique(key, axis=0, return_index=True, return_inverse=True)
    order = np.argsort(first)                      # atoms in order of first appearance
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    atom = rank[np.asarray(atom).reshape(-1)]
    per_atom = np.bincount(atom, weights=v, minlength=len(order))
    row = np.arange(n) // m
    return {"atom_index": atom, "per_atom": per_atom, "atom_positions": pos[np.sort(first)],
            "row": row, "per_area": v.reshape(-1, m).sum(1) / float(cell_area)}


def accumulation_to_physical(value, operator: str, part: str, units: UnitSystem = WANNIER90,
                             *, per: str = "atom") -> tuple[np.ndarray, str]:
    """An accumulation from lrtheory's units to physical ones, with its unit text.

    Parameters
    ----------
    value : array_like
        ``[O]`` per atom (``per="atom"``) or ``[O]/a^2`` (``per="area"``), per unit field
        ``t0/(e a)``; intraband parts also per unit ``tau`` (``hbar/t0``).
    operator : str
        A key of :data:`ACCUMULATION_OPERATORS` (``charge``, ``omm``, ``jx``, ``jy``).
    part : str
        ``"interband"`` or ``"intraband"`` (per fs of ``tau``).
    units : UnitSystem
        The model's physical ``t0`` (eV) and ``a`` (Angstrom).
    per : str
        ``"atom"`` or ``"area"`` (per nm^2).

    Returns
    -------
    (ndarray, str)
        E.g. ``mu_B/atom per (V/m)`` or ``electrons/nm^2 per (V/m) per fs of tau``.
    """
    if operator not in ACCUMULATION_OPERATORS or part not in ("interband", "intraband") \
            or per not in ("atom", "area"):
        raise ConventionError(f"accumulation_to_physical: operator must be one of "
                              f"{sorted(ACCUMULATION_OPERATORS)}, part interband/intraband, "
                              f"per atom/area; got {operator!r}, {part!r}, {per!r}")
    units._need_physical("an accumulation")
    o_unit = ACCUMULATION_OPERATORS[operator][1]
    f = {"charge": 1.0, "omm": moment_unit_in_bohr_magneton(units)}.get(
        operator, units.length_angstrom * _c.angstrom * units.energy_ev * _c.electron_volt
        / _c.hbar)
    f /= field_unit_v_per_m(units)
    if per == "area":
        f /= (units.length_angstrom * _c.angstrom / _c.nano) ** 2
    if part == "intraband":
        f /= time_unit_fs(units)
    o_unit = f"({o_unit})" if "/" in o_unit else o_unit
    text = f"{o_unit}/{'atom' if per == 'atom' else 'nm^2'} per (V/m)" + (
        " per fs of tau" if part == "intraband" else "")
    return np.asarray(value, float) * f, text
