r"""Labelled arrays: a :class:`~lrtheory.result.Result` as an ``xarray.Dataset``.

xarray is an optional dependency (``pip install 'lrtheory[xarray]'``); nothing else in
lrtheory needs it. :meth:`lrtheory.result.Result.to_xarray` calls :func:`to_dataset`.

Layouts (every variable carries its unit in ``attrs["units"]``, every coordinate too):

* ``ribbon_accumulation`` (:func:`lrtheory.response.density.ribbon_accumulation`, Eq. 55):
  one variable per density, ``charge``, ``jx``, ``jy``, ``omm``, with dims
  ``("part", "orbital")``; ``part`` is ``intraband`` (per unit tau), ``interband``
  (eta -> 0) and, when computed, ``eta``; ``orbital`` numbers the ribbon's orbitals and the
  coordinate ``y`` (dim ``orbital``, unit ``a``) is each orbital's transverse position
  (several orbitals may share one y: select with ``ds.where(ds.y == y0)``). As the parts
  differ in unit (intraband per tau), ``attrs["units"]`` is the unit of the interband part
  and ``attrs["units_<part>"]`` the unit of each part as the Result states it. The error
  estimate (full grid minus sub-grid) is ``<density>_error`` with the same dims.
* ``hall_conductivity`` (:func:`lrtheory.response.hall.hall_conductivity`, Eq. S23):
  ``sigma`` with dim ``ef`` (Fermi energy, t0), ``band_chern`` with dim ``band``, and
  ``sigma_error`` (change when the linear k density halves).
* any other Result: each array is a variable; an axis takes the name of the first 1-D
  coordinate of the same length not used yet by that array, else ``<name>_dim<i>``;
  errors are ``<name>_error``.

Dataset attributes: ``quantity``, ``status``, and the settings, model and provenance as JSON
text (so that the Dataset writes to netCDF as it is).
"""
from __future__ import annotations

import json

import numpy as np

from lrtheory.errors import LrtheoryError

__all__ = ["to_dataset", "RIBBON_DENSITIES"]

#: densities of a ribbon accumulation, in the order of the variables
RIBBON_DENSITIES = ("charge", "jx", "jy", "omm")


def _xarray():
    try:
        import xarray
    except ImportError:
        raise LrtheoryError("to_xarray needs the optional package xarray "
                            "(pip install 'lrtheory[xarray]' or pip install xarray)") from None
    return xarray


def _json(value) -> str:
    def default(o):
        if isinstance(o, np.ndarray):
            return o.tolist()
        if isinstance(o, np.generic):
            return o.item()
        return str(o)

    return json.dumps(value, default=default, sort_keys=True)


def _attrs(result) -> dict:
    return {"quantity": result.quantity, "status": result.status,
            "settings": _json(result.settings), "model": _json(result.model),
            "provenance": _json(result.provenance)}


def _ribbon(result, xr):
    parts = [p for p in ("intraband", "interband", "eta")
             if all(f"{p}_{q}" in result.values for q in RIBBON_DENSITIES)]
    known = {f"{p}_{q}" for p in parts for q in RIBBON_DENSITIES}
    if not parts or set(result.values) - known:
        return None  # not the layout of ribbon_accumulation: the generic one
    y = np.asarray(result.coords["y"])
    coords = {"part": parts, "orbital": np.arange(y.size),
              "y": xr.Variable(("orbital",), y, attrs={"units": result.units.get("y", "a")})}
    data = {}
    for q in RIBBON_DENSITIES:
        units = {f"units_{p}": result.units.get(f"{p}_{q}", "") for p in parts}
        attrs = {"units": result.units.get(f"interband_{q}", ""), **units}
        data[q] = xr.Variable(("part", "orbital"),
                              np.stack([result.values[f"{p}_{q}"] for p in parts]), attrs=attrs)
        if all(f"{p}_{q}" in result.error for p in parts):
            data[f"{q}_error"] = xr.Variable(
                ("part", "orbital"), np.stack([result.error[f"{p}_{q}"] for p in parts]),
                attrs={**attrs, "description": "full grid minus sub-grid (every other k)"})
    return xr.Dataset(data, coords=coords, attrs=_attrs(result))


def _hall(result, xr):
    coords = {"ef": xr.Variable(("ef",), result.coords["ef"],
                                attrs={"units": result.units.get("ef", "t0"),
                                       "long_name": "Fermi energy"}),
              "band": np.arange(np.size(result.values["band_chern"]))}
    data = {"sigma": xr.Variable(("ef",), result.values["sigma"],
                                 attrs={"units": result.units.get("sigma", "")}),
            "band_chern": xr.Variable(("band",), result.values["band_chern"],
                                      attrs={"units": result.units.get("band_chern", "1")})}
    if "sigma" in result.error:
        data["sigma_error"] = xr.Variable(
            ("ef",), result.error["sigma"],
            attrs={"units": result.units.get("sigma", ""),
                   "description": "change when the linear k density halves"})
    return xr.Dataset(data, coords=coords, attrs=_attrs(result))


def _generic(result, xr):
    coords = {k: xr.Variable((k,), np.asarray(v), attrs={"units": result.units.get(k, "")})
              for k, v in result.coords.items() if np.ndim(v) == 1}
    data = {}
    for name, arr in result.values.items():
        dims, used = [], set()
        for i, n in enumerate(np.shape(arr)):
            match = next((c for c, v in coords.items() if v.size == n and c not in used), None)
            used.add(match)
            dims.append(match or f"{name}_dim{i}")
        attrs = {"units": result.units.get(name, "")}
        data[name] = xr.Variable(dims, arr, attrs=attrs)
        if name in result.error and np.shape(result.error[name]) == np.shape(arr):
            data[f"{name}_error"] = xr.Variable(dims, result.error[name], attrs=attrs)
    return xr.Dataset(data, coords=coords, attrs=_attrs(result))


def to_dataset(result):
    """The ``xarray.Dataset`` of a Result (layouts in the module docstring).

    Parameters
    ----------
    result : lrtheory.result.Result
        Any result; ``ribbon_accumulation`` and ``hall_conductivity`` get their own layout
        (chosen by ``result.quantity``, so a Result read back from a file gets it too).

    Returns
    -------
    xarray.Dataset
        Values with dims, coordinates and units (``attrs["units"]``).

    Raises
    ------
    LrtheoryError
        When xarray is not installed (one line saying how to install it).
    """
    xr = _xarray()
    if result.quantity == "ribbon_accumulation" and "y" in result.coords:
        ds = _ribbon(result, xr)
        if ds is not None:
            return ds
    if (result.quantity == "hall_conductivity" and "ef" in result.coords
            and {"sigma", "band_chern"} <= set(result.values)):
        return _hall(result, xr)
    return _generic(result, xr)
