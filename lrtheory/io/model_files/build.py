"""Building a model from the contents of a model file: :func:`load_model_file`,
:func:`model_from_dict` (hopping lists and ``hamiltonian`` matrices; schema and examples in
:mod:`lrtheory.io.model_files`)."""
from __future__ import annotations

import re
from os import PathLike
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from lrtheory.errors import InputFileError, ModelError, SymmetryError
from lrtheory.io.expressions import RESERVED_NAMES
from lrtheory.io.model_files.reading import (SCHEMA, Locator, read_model_text, evaluate_expression,
                                             parse_expression)

__all__ = ["load_model_file", "model_from_dict"]


def load_model_file(path, params: Mapping[str, Any] | None = None):
    """Build a Bloch model from a TOML/JSON model file.

    Parameters
    ----------
    path : str or Path
        ``.toml`` or ``.json`` file following the schema of docs/own-model.md.
    params : mapping, optional
        Parameter values overriding the file's defaults (numbers or expressions). A name the
        file does not declare raises :class:`~lrtheory.errors.ModelError`.

    Returns
    -------
    TightBindingModel
        Atomic-position Bloch convention (Eq. S48), positions as given in the file.
    """
    if not isinstance(path, (str, PathLike)) or isinstance(path, bytes):
        raise InputFileError(f"the model file path must be a str or path, got "
                             f"{type(path).__name__}")
    path = Path(path)
    data, text, fmt = read_model_text(path)
    return model_from_dict(data, params, source=str(path), _locator=Locator(text, fmt,
                                                                             str(path)))


def model_from_dict(data: Mapping, params: Mapping[str, Any] | None = None, *,
                    source: str = "<model>", _locator: Locator | None = None):
    """Same as :func:`load_model_file` for an already parsed dictionary.

    Parameters
    ----------
    data : mapping
        The parsed model file (schema: ``SCHEMA``).
    params : mapping, optional
        Values overriding the file's parameter defaults (energies in t0).
    source : str
        Name used in error messages.

    Returns
    -------
    TightBindingModel
        The model (lengths in a, energies in t0).
    """
    from lrtheory.models.tightbinding import Hopping, TightBindingModel

    loc = _locator or Locator("", "toml", source)
    if not isinstance(data, Mapping):
        raise InputFileError(f"{source}: the model must be a table/object")
    _check_keys(data, SCHEMA["top"], loc)
    if "hamiltonian" in data:
        return _matrix_model(data, params, source, loc)
    for key in ("positions", "dim"):
        if key in data:
            raise InputFileError(f"{loc.where(key=key)}: {key!r} is only used with a "
                                 "'hamiltonian' matrix; give orbital positions in 'orbitals'")
    for req in ("lattice", "orbitals"):
        if req not in data:
            raise InputFileError(f"{source}: missing required key {req!r} "
                                 f"({SCHEMA['top'][req]})")

    values = _parameters(data, params, source, loc)

    def num(x, where, real=True):
        return evaluate_expression(x, values, where=where, real=real)

    lat, dim, d_space = _lattice(data, num, loc)
    coords = data.get("coordinates", "cartesian")
    if coords not in ("cartesian", "reduced"):
        raise InputFileError(f"{loc.where(key='coordinates')}: must be 'cartesian' or "
                             f"'reduced', got {coords!r}")
    if coords == "reduced" and dim != d_space:
        raise InputFileError(f"{loc.where(key='coordinates')}: 'reduced' needs as many "
                             "lattice vectors as spatial dimensions")

    # orbitals
    orbs = data["orbitals"]
    if not isinstance(orbs, list) or not orbs:
        raise InputFileError(f"{loc.where(key='orbitals')}: must be a non-empty list")
    names: dict[str, int] = {}
    pos, onsite = [], []
    for n, orb in enumerate(orbs):
        if not isinstance(orb, Mapping):
            raise InputFileError(f"{loc.where('orbitals', n)}: each orbital must be a table")
        _check_keys(orb, SCHEMA["orbitals"], loc, "orbitals", n)
        if "position" not in orb:
            raise InputFileError(f"{loc.where('orbitals', n)}: missing 'position'")
        p = orb["position"]
        if not isinstance(p, list) or len(p) != d_space:
            raise InputFileError(f"{loc.where('orbitals', n, 'position')}: must have "
                                 f"{d_space} components, got {p!r}")
        r = np.array([num(c, loc.where("orbitals", n, "position")) for c in p])
        pos.append(r @ lat if coords == "reduced" else r)
        onsite.append(num(orb.get("onsite", 0.0), loc.where("orbitals", n, "onsite")))
        name = str(orb.get("name", n))
        if name in names:
            raise InputFileError(f"{loc.where('orbitals', n, 'name')}: duplicate orbital "
                                 f"name {name!r}")
        names[name] = n
    norb = len(orbs)

    def orbital(ref, where):
        if isinstance(ref, bool):
            raise InputFileError(f"{where}: orbital must be a name or index, got {ref!r}")
        if isinstance(ref, int):
            if not 0 <= ref < norb:
                raise InputFileError(f"{where}: orbital index {ref} outside 0..{norb - 1}")
            return ref
        if str(ref) in names:
            return names[str(ref)]
        raise InputFileError(f"{where}: unknown orbital {ref!r}; orbitals: {sorted(names)}")

    # hoppings
    hops_raw = data.get("hoppings", [])
    if not isinstance(hops_raw, list):
        raise InputFileError(f"{loc.where(key='hoppings')}: must be a list")
    hops, seen = [], {}
    for n, h in enumerate(hops_raw):
        if not isinstance(h, Mapping):
            raise InputFileError(f"{loc.where('hoppings', n)}: each hopping must be a table")
        _check_keys(h, SCHEMA["hoppings"], loc, "hoppings", n)
        for req in ("from", "to", "t"):
            if req not in h:
                raise InputFileError(f"{loc.where('hoppings', n)}: missing {req!r} "
                                     f"({SCHEMA['hoppings'][req]})")
        i = orbital(h["from"], loc.where("hoppings", n, "from"))
        j = orbital(h["to"], loc.where("hoppings", n, "to"))
        R = h.get("R", [0] * dim)
        if (not isinstance(R, list) or len(R) != dim
                or not all(isinstance(r, int) and not isinstance(r, bool) for r in R)):
            raise InputFileError(f"{loc.where('hoppings', n, 'R')}: must be {dim} integers, "
                                 f"got {R!r}")
        if i == j and not any(R):
            raise InputFileError(f"{loc.where('hoppings', n)}: hopping from an orbital to "
                                 "itself in the same cell: use the orbital's 'onsite'")
        key, conj = (i, j, tuple(R)), (j, i, tuple(-r for r in R))
        if key in seen or conj in seen:
            other = seen.get(key, seen.get(conj))
            raise InputFileError(f"{loc.where('hoppings', n)}: the bond {i}->{j} R={R} is "
                                 f"already given by hoppings[{other}] (directly or as its "
                                 "conjugate): list each bond once")
        seen[key] = n
        t = num(h["t"], loc.where("hoppings", n, "t"), real=False)
        hops.append(Hopping(i, j, tuple(R), t))

    name = str(data.get("name", Path(source).stem))
    model = TightBindingModel(lat, np.array(pos), hops, onsite=np.array(onsite),
                              name=name, params=dict(values))
    tr = data.get("time_reversal", False)
    U = _time_reversal(model, tr, loc)
    if U is not None:
        model = TightBindingModel(model.lattice_vectors, model.positions, model.hoppings,
                                  model.onsite, U, None, name, dict(values))
    return model


def _parameters(data, params, source, loc) -> dict[str, float]:
    """File defaults overridden by the caller's values; unknown names raise ModelError."""
    declared = data.get("parameters", {}) or {}
    if not isinstance(declared, Mapping):
        raise InputFileError(f"{loc.where(key='parameters')}: must be a table name -> value")
    for name in declared:
        if (not re.match(r"^[A-Za-z][A-Za-z0-9_]*$", str(name))
                or name in ("kx", "ky", "kz") or name in RESERVED_NAMES):
            raise InputFileError(f"{loc.where(key=str(name))}: {name!r} cannot be a parameter "
                                 "name (reserved or not an identifier)")
    overrides = dict(params or {})
    unknown = sorted(set(overrides) - set(declared))
    if unknown:
        raise ModelError(f"unknown parameter(s) {unknown} for model {source}; the file declares "
                         f"{sorted(declared) or 'none'}")
    values: dict[str, float] = {}
    for name, default in {**declared, **overrides}.items():
        where = (f"parameter {name}" if name in overrides
                 else loc.where("parameters", None, name))
        values[name] = evaluate_expression(default, {}, where=where, real=True)
    return values


def _lattice(data, num, loc):
    lat_raw = data["lattice"]
    if (not isinstance(lat_raw, list) or not lat_raw
            or not all(isinstance(v, list) for v in lat_raw)):
        raise InputFileError(f"{loc.where(key='lattice')}: must be a list of vectors, e.g. "
                             "[[1, 0], [0.5, 'sqrt(3)/2']]")
    d_space = len(lat_raw[0])
    if any(len(v) != d_space for v in lat_raw) or not 1 <= d_space <= 3:
        raise InputFileError(f"{loc.where(key='lattice')}: all lattice vectors must have the "
                             "same number (1-3) of components")
    lat = np.array([[num(c, loc.where(key=f"lattice[{a}][{b}]")) for b, c in enumerate(v)]
                    for a, v in enumerate(lat_raw)])
    dim = lat.shape[0]
    if dim > d_space or np.linalg.matrix_rank(lat) < dim:
        raise InputFileError(f"{loc.where(key='lattice')}: lattice vectors are linearly "
                             "dependent or more numerous than spatial dimensions")
    return lat, dim, d_space


def _matrix_model(data, params, source, loc):
    """A model file with a 'hamiltonian' matrix: build a SympyBlochModel."""
    import sympy as sp

    from lrtheory.models.sympy_model import K_SYMBOLS, SympyBlochModel

    for key in ("orbitals", "hoppings", "coordinates"):
        if key in data:
            raise InputFileError(f"{loc.where(key=key)}: {key!r} cannot be combined with "
                                 "'hamiltonian' (give either a matrix or a hopping list)")
    values = _parameters(data, params, source, loc)

    def num(x, where, real=True):
        return evaluate_expression(x, values, where=where, real=real)

    lat = None
    if "lattice" in data:
        lat, _, _ = _lattice(data, num, loc)
    rows = data["hamiltonian"]
    where = loc.where(key="hamiltonian")
    if (not isinstance(rows, list) or not rows or not all(isinstance(r, list) for r in rows)
            or any(len(r) != len(rows) for r in rows)):
        raise InputFileError(f"{where}: must be a square list of rows of expressions")
    ksyms = {k: sp.Symbol(k, real=True) for k in K_SYMBOLS}
    H = sp.Matrix([[parse_expression(c, values.keys(), where=f"{where} entry [{i}][{j}]",
                                     allowed_symbols=ksyms)
                    for j, c in enumerate(r)] for i, r in enumerate(rows)])
    subs = {sp.Symbol(k, real=True): sp.Float(v, 17) for k, v in values.items()}
    bad = (sp.zoo, sp.nan, sp.oo, -sp.oo)
    for (i, j), e in np.ndenumerate(np.array(H.tolist(), dtype=object)):
        if e.free_symbols and e.xreplace(subs).has(*bad):
            raise InputFileError(f"{where} entry [{i}][{j}]: {str(rows[i][j])[:60]!r} is not "
                                 "finite at the parameter values (a division by zero)")
    pos = None
    if "positions" in data:
        praw = data["positions"]
        if not isinstance(praw, list) or not all(isinstance(p, list) for p in praw):
            raise InputFileError(f"{loc.where(key='positions')}: must be a list of vectors")
        pos = np.array([[num(c, loc.where(key="positions")) for c in p] for p in praw])
    dim = data.get("dim")
    used = {str(s) for s in H.free_symbols}
    model = SympyBlochModel(H, {k: v for k, v in values.items() if k in used},
                            lattice_vectors=lat, positions=pos, dim=dim,
                            name=str(data.get("name", source)))
    model.params = dict(values)
    tr = data.get("time_reversal", False)
    if tr is not False and tr is not None:
        n = model.n_orbitals
        if tr is True or tr == "auto":
            U = np.eye(n, dtype=complex)
        elif isinstance(tr, list):
            U = np.array([[evaluate_expression(c, {}, where=loc.where(key="time_reversal"))
                           for c in row] for row in tr], complex)
        else:
            raise InputFileError(f"{loc.where(key='time_reversal')}: must be true, false, "
                                 f"'auto' or a unitary matrix, got {tr!r}")
        try:
            model = model.with_time_reversal(U)
        except SymmetryError:
            if tr != "auto":
                raise
    return model


def _check_keys(table: Mapping, allowed: Mapping[str, str], loc: Locator,
                section: str | None = None, index: int | None = None) -> None:
    for key in table:
        if key not in allowed:
            raise InputFileError(
                f"{loc.where(section, index, str(key))}: unknown key {key!r}; allowed: "
                f"{', '.join(allowed)}"
            )


def _time_reversal(model, tr, loc: Locator):
    """Interpret the ``time_reversal`` key; a declared symmetry is checked numerically."""
    n = model.n_orbitals
    where = loc.where(key="time_reversal")
    if tr is False or tr is None:
        return None
    if tr is True or tr == "auto":
        U = np.eye(n, dtype=complex)
    elif isinstance(tr, list):
        try:
            U = np.array([[evaluate_expression(c, {}, where=where, real=False) for c in row]
                          for row in tr], complex)
        except (TypeError, ValueError):
            raise InputFileError(f"{where}: must be a ({n}, {n}) matrix") from None
        if U.shape != (n, n) or not np.allclose(U @ U.conj().T, np.eye(n), atol=1e-10):
            raise InputFileError(f"{where}: must be a unitary ({n}, {n}) matrix")
    else:
        raise InputFileError(f"{where}: must be true, false, 'auto' or a unitary matrix, got "
                             f"{tr!r}")
    from lrtheory.models.time_reversal import TimeReversal

    theta = TimeReversal.coerce(U, n, where=where)
    if tr == "auto":
        return theta if theta.holds(model) else None
    theta.check(model, where=where, hint="use 'auto' to declare it only when it holds")
    return theta
