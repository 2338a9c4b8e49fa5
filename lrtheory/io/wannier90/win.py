r"""Reader of Wannier90's input file ``seedname.win``: lattice, atoms, projections, Fermi
energy, spinors, ``num_wann``, ``mp_grid`` and ``kpoint_path``.

Syntax (Wannier90 3.x user guide, "Input file"): keywords are case insensitive; ``!`` and
``#`` start a comment; ``key = value``, ``key : value`` and ``key value`` are the same;
blocks are ``begin name`` ... ``end name``. Other keywords are kept as text in
:attr:`WinData.keywords` (never interpreted). User text is data: numbers are read with
``float``/``int`` only; every error is one line ``file:line: what`` (:class:`InputFileError`).

Lengths are returned in Angstrom (``bohr`` blocks converted with CODATA's Bohr radius).

Projections (user guide, "Projections"): each line ``site:orbitals[:z=..][:x=..][:r=..]
[:zona=..]`` with ``site`` an atom species (every atom of it, in the atoms block's order),
``c=x,y,z`` (Cartesian) or ``f=x,y,z`` (fractional); ``orbitals`` names joined by ``;``
(``s``, ``p``, ``pz``, ..., ``sp3``, ``sp3d2-4``, ...) or ``l=L[,mr=M1,M2,..]``, optionally
followed by ``(u)``, ``(d)`` or ``(u,d)`` for spinor projections. :meth:`WinData.orbitals`
expands them in **Wannier90's order**, which is the order of the Wannier functions: lines in
file order; per line, sites in order; per site, ``l`` ascending from -5 to 3 and ``mr``
ascending (whatever the order written: ``Fe: sp3d2;dxy;dxz;dyz`` gives sp3d2-1..6, dxz,
dyz, dxy, as in WannierBerri's Fe ``.nnkp``); with ``spinors`` spin up then down innermost.
Local axes ``z=``/``x=`` (Cartesian; ``x`` orthogonal to ``z``, else one error line) define
each function's frame (:attr:`WannierOrbital.axes`; ``L`` in the global frame:
:mod:`lrtheory.models.orbitals`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from lrtheory.errors import InputFileError
from lrtheory.models.orbitals import N_MR, ORBITAL_NAMES, local_axes

__all__ = ["WinData", "Projection", "WannierOrbital", "read_win", "ORBITAL_NAMES",
           "BOHR_ANGSTROM"]

#: Bohr radius in Angstrom (CODATA)
BOHR_ANGSTROM = 0.529177210903

_MAX_SHOWN = 60


def _short(text: str) -> str:
    text = str(text)
    return repr(text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "...")


@dataclass(frozen=True)
class Projection:
    """One projection line of the ``.win`` file.

    Attributes
    ----------
    site : str
        Species name, or ``"c=..."``/``"f=..."`` as written.
    positions : (n_sites, 3) ndarray
        Cartesian positions of the sites (Angstrom).
    states : tuple of (l, mr)
        Angular states, in Wannier90's order (l ascending from -5, mr ascending).
    spins : tuple of int
        ``(1, -1)`` (both, the default with spinors), ``(1,)`` or ``(-1,)``; ``()`` without
        spinors.
    z_axis, x_axis : (3,) ndarray
        Local axes (default z and x).
    line : int
        Line number in the file.
    """

    site: str
    positions: np.ndarray
    states: tuple
    spins: tuple
    z_axis: np.ndarray
    x_axis: np.ndarray
    line: int

    @property
    def default_axes(self) -> bool:
        """True when the local axes are Cartesian z and x."""
        return (np.allclose(self.z_axis / np.linalg.norm(self.z_axis), [0, 0, 1])
                and np.allclose(self.x_axis / np.linalg.norm(self.x_axis), [1, 0, 0]))

    @property
    def axes(self) -> np.ndarray | None:
        """Local frame, rows ``x', y' = z' x x', z'`` (:func:`lrtheory.models.orbitals.
        local_axes`), or None for the default axes."""
        return None if self.default_axes else local_axes(self.z_axis, self.x_axis)


@dataclass(frozen=True)
class WannierOrbital:
    """One Wannier function's projection: site, angular state and spin.

    ``spin`` is +1 (up), -1 (down) or 0 (no spinors); ``position`` Cartesian (Angstrom);
    ``projection`` the index of its line in :attr:`WinData.projections`; ``site_index``
    counts the distinct sites in order of appearance.

    Parameters
    ----------
    site : str
        Site label of the projection (element or label from the ``.win`` file).
    site_index : int
        Index of the distinct site, in order of appearance.
    position : (3,) float array
        Cartesian site position (Angstrom).
    l, mr : int
        Wannier90's angular quantum numbers (``l`` < 0: hybrids).
    spin : int
        +1 (up), -1 (down) or 0 (no spinors).
    projection : int
        Index of its line in :attr:`WinData.projections`.
    axes : (3, 3) ndarray or None
        The projection's local frame (rows ``x', y', z'``; ``z=``, ``x=`` of its line), None
        for the global axes.
    """

    site: str
    site_index: int
    position: np.ndarray
    l: int
    mr: int
    spin: int
    projection: int
    axes: np.ndarray | None = None


@dataclass
class WinData:
    """What :func:`read_win` read (lengths in Angstrom, energies in eV).

    Attributes
    ----------
    path : str
    unit_cell_cart : (3, 3) ndarray or None
        Lattice vectors (rows), Angstrom.
    unit_cell_units : str or None
        ``"ang"`` or ``"bohr"`` as written (values are converted to Angstrom).
    atoms : list of (str, (3,) ndarray)
        Species and Cartesian position (Angstrom), from ``atoms_cart`` or ``atoms_frac``.
    atoms_frac : (n_atoms, 3) ndarray or None
        Fractional positions (when the lattice is known).
    projections : list of Projection
    random_projections : bool
        ``random`` appeared in the projections block.
    fermi_energy : float or None
    spinors : bool
    num_wann : int or None
    mp_grid : tuple of 3 int or None
    kpoint_path : list of ((str, (3,) array), (str, (3,) array))
        Segments, fractional coordinates of the reciprocal vectors.
    keywords : dict of str -> str
        Every other keyword, as text.
    """

    path: str
    unit_cell_cart: np.ndarray | None = None
    unit_cell_units: str | None = None
    atoms: list = field(default_factory=list)
    atoms_frac: np.ndarray | None = None
    projections: list = field(default_factory=list)
    random_projections: bool = False
    fermi_energy: float | None = None
    spinors: bool = False
    num_wann: int | None = None
    mp_grid: tuple | None = None
    kpoint_path: list = field(default_factory=list)
    keywords: dict = field(default_factory=dict)

    def orbitals(self) -> list[WannierOrbital]:
        """The Wannier functions' projections in Wannier90's order (module docstring).

        Raises :class:`InputFileError` if there are no projections, ``random`` projections,
        or if their number differs from ``num_wann``.

        Returns
        -------
        list of WannierOrbital
            One per Wannier function, positions in Angstrom.
        """
        if self.random_projections:
            raise InputFileError(f"{self.path}: random projections carry no orbital character")
        if not self.projections:
            raise InputFileError(f"{self.path}: no projections block")
        out, sites = [], {}
        for ip, p in enumerate(self.projections):
            spins = p.spins if self.spinors else (0,)
            for pos in p.positions:
                key = tuple(np.round(pos, 6))
                sidx = sites.setdefault(key, len(sites))
                for l, mr in p.states:
                    for s in spins:
                        out.append(WannierOrbital(p.site, sidx, pos, l, mr, s, ip, p.axes))
        if self.num_wann is not None and len(out) != self.num_wann:
            raise InputFileError(f"{self.path}: the projections give {len(out)} Wannier "
                                 f"functions, num_wann = {self.num_wann}")
        return out


# -- parsing -------------------------------------------------------------------------------------
def _strip(line: str) -> str:
    return re.split(r"[!#]", line, maxsplit=1)[0].strip()


def _split_kv(text: str):
    m = re.match(r"([A-Za-z_][A-Za-z0-9_]*)\s*(?:[=:]\s*|\s+|$)(.*)$", text)
    return (m.group(1).lower(), m.group(2).strip()) if m else (None, None)


class _Ctx:
    def __init__(self, path):
        self.path = str(path)

    def err(self, line: int, msg: str) -> InputFileError:
        return InputFileError(f"{self.path}:{line}: {msg}")

    def floats(self, text: str, line: int, n: int | None, what: str) -> np.ndarray:
        parts = [x for x in re.split(r"[\s,]+", text.strip()) if x]
        try:
            vals = np.array([float(x.lower().replace("d", "e")) for x in parts], float)
        except ValueError:
            raise self.err(line, f"{what}: expected numbers, got {_short(text)}") from None
        if n is not None and len(vals) != n:
            raise self.err(line, f"{what}: expected {n} numbers, got {len(vals)}")
        if not np.all(np.isfinite(vals)):
            raise self.err(line, f"{what}: numbers must be finite, got {_short(text)}")
        return vals


def _bool(ctx, text, line, key):
    t = text.strip().lower().strip(".")
    if t in ("t", "true", "1", "yes"):
        return True
    if t in ("f", "false", "0", "no"):
        return False
    raise ctx.err(line, f"{key}: expected true or false, got {_short(text)}")


def _length_block(ctx, rows, what, default="ang"):
    """(unit, [(line, text)]) with an optional first line bohr/ang."""
    unit = default
    if rows and rows[0][1].lower() in ("bohr", "ang", "angstrom"):
        unit = "bohr" if rows[0][1].lower() == "bohr" else "ang"
        rows = rows[1:]
    return unit, rows, (BOHR_ANGSTROM if unit == "bohr" else 1.0)


def _parse_cell(ctx, rows, start):
    unit, rows, f = _length_block(ctx, rows, "unit_cell_cart")
    if len(rows) != 3:
        raise ctx.err(start, f"unit_cell_cart: expected 3 lattice vectors, got {len(rows)}")
    lat = np.array([ctx.floats(t, ln, 3, "unit_cell_cart") for ln, t in rows]) * f
    if abs(np.linalg.det(lat)) < 1e-12:
        raise ctx.err(start, "unit_cell_cart: the lattice vectors are linearly dependent")
    return unit, lat


def _parse_atoms(ctx, rows, frac):
    atoms = []
    unit, rows, f = _length_block(ctx, rows, "atoms") if not frac else ("frac", rows, 1.0)
    for ln, t in rows:
        parts = t.split(None, 1)
        if len(parts) != 2:
            raise ctx.err(ln, f"atom line: expected 'Symbol x y z', got {_short(t)}")
        atoms.append((parts[0], ctx.floats(parts[1], ln, 3, "atom position") * f, ln))
    return atoms


def _parse_orbitals(ctx, spec, ln):
    """'sp3;dxy' or 'l=2,mr=1,3' -> set of (l, mr)."""
    states = set()
    for item in [x.strip() for x in spec.split(";") if x.strip()]:
        low = item.lower().replace(" ", "")
        if low.startswith("l="):
            m = re.fullmatch(r"l=(-?\d+)(?:,mr=([\d,]+))?", low)
            if not m:
                raise ctx.err(ln, f"projection: cannot read {_short(item)} (l=L or l=L,mr=M,..)")
            l = int(m.group(1))
            if l not in N_MR:
                raise ctx.err(ln, f"projection: l = {l} is not one of -5..3")
            mrs = ([int(x) for x in m.group(2).split(",") if x] if m.group(2)
                   else list(range(1, N_MR[l] + 1)))
            bad = [x for x in mrs if not 1 <= x <= N_MR[l]]
            if bad:
                raise ctx.err(ln, f"projection: mr = {bad[0]} out of 1..{N_MR[l]} for l = {l}")
            states.update((l, x) for x in mrs)
        elif low in ORBITAL_NAMES:
            l, mrs = ORBITAL_NAMES[low]
            states.update((l, x) for x in mrs)
        else:
            raise ctx.err(ln, f"projection: unknown orbital {_short(item)}")
    if not states:
        raise ctx.err(ln, "projection: no orbitals")
    return tuple(sorted(states))


def _parse_projection(ctx, text, ln, species, lattice):
    spins = (1, -1)
    m = re.search(r"\(([ud,\s]+)\)\s*(\[[^\]]*\])?\s*$", text, flags=re.I)
    if m:
        if m.group(2):
            raise ctx.err(ln, "projection: a spin quantization axis [..] is not supported "
                              "(z only)")
        sp = {x.strip().lower() for x in m.group(1).split(",") if x.strip()}
        spins = tuple(s for s, c in ((1, "u"), (-1, "d")) if c in sp)
        text = text[: m.start()].strip()
    parts = [x.strip() for x in text.split(":")]
    if len(parts) < 2:
        raise ctx.err(ln, f"projection: expected 'site:orbitals', got {_short(text)}")
    site, spec, rest = parts[0], parts[1], parts[2:]
    z, x = np.array([0.0, 0, 1]), np.array([1.0, 0, 0])
    for opt in rest:
        key, _, val = opt.partition("=")
        key = key.strip().lower()
        if key in ("z", "x"):
            v = ctx.floats(val, ln, 3, f"projection {key}-axis")
            if np.linalg.norm(v) == 0:
                raise ctx.err(ln, f"projection: the {key}-axis is zero")
            z, x = (v, x) if key == "z" else (z, v)
        elif key not in ("r", "zona"):
            raise ctx.err(ln, f"projection: unknown option {_short(opt)}")
    if abs(z @ x) > 1e-6 * np.linalg.norm(z) * np.linalg.norm(x):
        raise ctx.err(ln, f"projection: the x-axis {x.tolist()} is not orthogonal to the "
                          f"z-axis {z.tolist()} (give x= orthogonal to z=, as Wannier90 "
                          "requires)")
    low = site.lower().replace(" ", "")
    if low.startswith(("c=", "f=")):
        v = ctx.floats(site[site.index("=") + 1:], ln, 3, "projection site")
        if low.startswith("f="):
            if lattice is None:
                raise ctx.err(ln, "projection: a fractional site needs unit_cell_cart")
            v = v @ lattice
        positions = v[None, :]
    else:
        matches = [pos for name, pos in species if name.lower() == low]
        if not matches:
            raise ctx.err(ln, f"projection: no atom {_short(site)} in the atoms block")
        positions = np.array(matches)
    return Projection(site, positions, _parse_orbitals(ctx, spec, ln), spins, z, x, ln)


def _parse_path(ctx, rows):
    segs = []
    for ln, t in rows:
        p = t.split()
        if len(p) != 8:
            raise ctx.err(ln, f"kpoint_path: expected 'A ka kb kc B kb1 kb2 kb3', got {_short(t)}")
        a = ctx.floats(" ".join(p[1:4]), ln, 3, "kpoint_path")
        b = ctx.floats(" ".join(p[5:8]), ln, 3, "kpoint_path")
        segs.append(((p[0], a), (p[4], b)))
    return segs


def read_win(path) -> WinData:
    """Read ``seedname.win`` (module docstring for the syntax and the orbital order).

    Parameters
    ----------
    path : str or Path
        The file.

    Returns
    -------
    WinData
        Lengths in Angstrom, energies in eV.

    Raises
    ------
    InputFileError
        One line ``file:line: what`` for any syntax or value error.
    """
    path = Path(path)
    ctx = _Ctx(path)
    try:
        raw = path.read_text(errors="replace").splitlines()
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read ({exc.strerror or exc})") from None
    scalars, blocks, open_block = {}, {}, None
    for ln, line in enumerate(raw, 1):
        t = _strip(line)
        if not t:
            continue
        low = t.lower()
        m = re.fullmatch(r"(begin|end)\s+([a-z_0-9]+)", low)
        if m:
            kind, name = m.groups()
            if kind == "begin":
                if open_block:
                    raise ctx.err(ln, f"begin {name} inside block {open_block[0]}")
                if name in blocks:
                    raise ctx.err(ln, f"block {name} given twice")
                open_block = (name, ln, [])
            else:
                if not open_block or open_block[0] != name:
                    raise ctx.err(ln, f"end {name} without begin {name}")
                blocks[name] = (open_block[1], open_block[2])
                open_block = None
            continue
        if open_block:
            open_block[2].append((ln, t))
            continue
        key, val = _split_kv(t)
        if key is None:
            raise ctx.err(ln, f"cannot read {_short(t)} (expected 'keyword = value')")
        if key in scalars:
            raise ctx.err(ln, f"keyword {key} given twice (first on line {scalars[key][0]})")
        scalars[key] = (ln, val)
    if open_block:
        raise ctx.err(open_block[1], f"begin {open_block[0]} without end {open_block[0]}")
    win = WinData(str(path))
    if "unit_cell_cart" in blocks:
        start, rows = blocks["unit_cell_cart"]
        win.unit_cell_units, win.unit_cell_cart = _parse_cell(ctx, rows, start)
    if "atoms_cart" in blocks and "atoms_frac" in blocks:
        raise ctx.err(blocks["atoms_frac"][0], "both atoms_cart and atoms_frac given")
    if "atoms_frac" in blocks:
        if win.unit_cell_cart is None:
            raise ctx.err(blocks["atoms_frac"][0], "atoms_frac needs unit_cell_cart")
        atoms = _parse_atoms(ctx, blocks["atoms_frac"][1], True)
        win.atoms_frac = np.array([a[1] for a in atoms]) if atoms else np.zeros((0, 3))
        win.atoms = [(a[0], a[1] @ win.unit_cell_cart) for a in atoms]
    elif "atoms_cart" in blocks:
        win.atoms = [(a[0], a[1]) for a in _parse_atoms(ctx, blocks["atoms_cart"][1], False)]
        if win.unit_cell_cart is not None and win.atoms:
            win.atoms_frac = np.array([p for _, p in win.atoms]) @ np.linalg.inv(
                win.unit_cell_cart)
    for key, (ln, val) in scalars.items():
        if key == "fermi_energy":
            win.fermi_energy = float(ctx.floats(val, ln, 1, key)[0])
        elif key == "spinors":
            win.spinors = _bool(ctx, val, ln, key)
        elif key in ("num_wann", "mp_grid"):
            v = ctx.floats(val, ln, 1 if key == "num_wann" else 3, key)
            if np.any(v != np.round(v)) or np.any(v < 1):
                raise ctx.err(ln, f"{key}: expected positive integers, got {_short(val)}")
            if key == "num_wann":
                win.num_wann = int(v[0])
            else:
                win.mp_grid = tuple(int(x) for x in v)
        else:
            win.keywords[key] = val
    if "projections" in blocks:
        rows = blocks["projections"][1]
        f = 1.0
        if rows and rows[0][1].lower() in ("bohr", "ang", "angstrom"):
            f = BOHR_ANGSTROM if rows[0][1].lower() == "bohr" else 1.0
            rows = rows[1:]
        species = [(name, pos) for name, pos in win.atoms]
        for ln, t in rows:
            if t.lower() == "random":
                win.random_projections = True
                continue
            p = _parse_projection(ctx, t, ln, species, win.unit_cell_cart)
            if p.site.lower().startswith("c="):
                p = Projection(p.site, p.positions * f, p.states, p.spins, p.z_axis, p.x_axis,
                               p.line)
            win.projections.append(p)
    if "kpoint_path" in blocks:
        win.kpoint_path = _parse_path(ctx, blocks["kpoint_path"][1])
    return win
