"""``Result.to_xarray()`` (issue #17): dims, coordinates and units of the labelled view.

Every check compares the Dataset with the Result's own arrays (``result.values``,
``result.coords``, ``result.units``, ``result.error``), exactly: the view copies, it does
not compute. xarray is optional: without it ``to_xarray`` raises one ``LrtheoryError`` line.
"""
from __future__ import annotations

import json
import sys

import numpy as np
import pytest

from lrtheory.errors import LrtheoryError
from lrtheory.io.labelled import RIBBON_DENSITIES
from lrtheory.models.haldane import haldane
from lrtheory.response.density import ribbon_accumulation
from lrtheory.response.hall import hall_conductivity
from lrtheory.result import Result

xr = pytest.importorskip("xarray")


@pytest.fixture(scope="module")
def ribbon():
    # small and fast: W = 4 cells (8 orbitals), nk = 16, the finite-eta part included
    return ribbon_accumulation(haldane(t2=0.06, delta=0.5).ribbon(4), 0.3, nk=16, eta=0.1)


@pytest.fixture(scope="module")
def hall():
    # two Fermi energies and two bands: the lengths coincide on purpose (see below)
    return hall_conductivity(haldane(t2=0.06, delta=0.0), [-0.1, 0.1], nk=16)


def test_ribbon_profile_dims_coords_units_round_trip(ribbon):
    ds = ribbon.to_xarray()
    parts = ["intraband", "interband", "eta"]
    assert list(ds["part"].values) == parts
    assert np.array_equal(ds["y"].values, ribbon.y) and ds["y"].dims == ("orbital",)
    assert ds["y"].attrs["units"] == "a" == ribbon.units["y"]
    assert np.array_equal(ds["orbital"].values, np.arange(ribbon.y.size))
    for q in RIBBON_DENSITIES:
        assert ds[q].dims == ("part", "orbital")
        for p in parts:
            assert np.array_equal(ds[q].sel(part=p).values, ribbon.get(p, q))
            assert np.array_equal(ds[f"{q}_error"].sel(part=p).values, ribbon.error[f"{p}_{q}"])
            assert ds[q].attrs[f"units_{p}"] == ribbon.units[f"{p}_{q}"] != ""
        assert ds[q].attrs["units"] == ribbon.units[f"interband_{q}"]
    # the intraband part is per unit tau and says so; the interband part does not
    assert ds["omm"].attrs["units_intraband"].startswith("per tau")
    assert "tau" not in ds["omm"].attrs["units"]
    assert ds.attrs["quantity"] == "ribbon_accumulation"
    assert json.loads(ds.attrs["settings"])["nk"] == 16


def test_ribbon_units_come_from_the_integrand(ribbon):
    """Every profile has a unit (the Result used to carry none), and the OMM one is the
    unit of the moment, e a^2 t0/hbar (docs/conventions.md), per cell and unit field."""
    assert set(ribbon.values) <= set(ribbon.units)
    assert ribbon.units["interband_omm"] == "e a^2 t0/hbar per cell per unit E_x"
    assert ribbon.units["interband_charge"].startswith("electrons")


def test_ribbon_layout_survives_a_file(ribbon, tmp_path):
    """A Result read back from .npz (a plain record of the same quantity) gets the same
    Dataset, and the Dataset itself writes to netCDF and reads back unchanged."""
    path = ribbon.save(tmp_path / "prof.npz")
    again = Result.load(path).to_xarray()
    ds = ribbon.to_xarray()
    for q in RIBBON_DENSITIES:
        assert np.array_equal(again[q].values, ds[q].values)
        assert again[q].attrs == ds[q].attrs
    ds.to_netcdf(tmp_path / "prof.nc", engine="scipy")
    with xr.open_dataset(tmp_path / "prof.nc", engine="scipy") as back:
        assert np.array_equal(back["omm"].values, ds["omm"].values)
        assert back["omm"].attrs["units_intraband"] == ds["omm"].attrs["units_intraband"]
        assert np.array_equal(back["y"].values, ribbon.y)


def test_hall_curve_dims_coords_units_round_trip(hall):
    ds = hall.to_xarray()
    assert ds["sigma"].dims == ("ef",) and ds["band_chern"].dims == ("band",)
    assert np.array_equal(ds["ef"].values, hall.ef) and ds["ef"].attrs["units"] == "t0"
    assert np.array_equal(ds["sigma"].values, hall.sigma)
    assert np.array_equal(ds["sigma_error"].values, hall.change_on_doubling)
    assert np.array_equal(ds["band_chern"].values, hall.band_chern)
    assert ds["sigma"].attrs["units"] == hall.units["sigma"] == "e^2/hbar"
    assert ds["band_chern"].attrs["units"] == "1"
    assert ds.sel(ef=0.1)["sigma"].item() == hall.sigma[1]


def test_generic_layout_would_mislabel_the_bands(hall):
    """Counter-example for the dedicated Hall layout: with as many Fermi energies as bands,
    matching axes by length (the generic rule) puts band_chern on the E_F axis."""
    plain = Result(**{**hall.fields(), "quantity": "something_else"}).to_xarray()
    assert plain["band_chern"].dims == ("ef",)
    assert hall.to_xarray()["band_chern"].dims == ("band",)


def test_generic_result_layout():
    r = Result("demo", {"n": np.array([1.0, 2.0, 3.0]), "m": np.eye(2)},
               units={"n": "1/a^2", "ef": "t0"}, coords={"ef": np.array([0.0, 0.5, 1.0])},
               error={"n": np.array([1e-3, 0.0, -1e-3])})
    ds = r.to_xarray()
    assert ds["n"].dims == ("ef",) and ds["n"].attrs["units"] == "1/a^2"
    assert ds["ef"].attrs["units"] == "t0"
    assert np.array_equal(ds["n_error"].values, r.error["n"])
    assert ds["m"].dims == ("m_dim0", "m_dim1") and ds["m"].attrs["units"] == ""


def test_without_xarray_one_clear_error(monkeypatch, hall):
    monkeypatch.setitem(sys.modules, "xarray", None)  # import xarray -> ImportError
    with pytest.raises(LrtheoryError, match=r"optional package xarray .*lrtheory\[xarray\]"):
        hall.to_xarray()
