"""lrtheory.result.Result: access, status, the one writer (npz/json round trip), views."""
from __future__ import annotations

import numpy as np
import pytest

from lrtheory.errors import LrtheoryError
from lrtheory.models.haldane import haldane
from lrtheory.response.hall import ChernNumbers, HallCurve, hall_conductivity
from lrtheory.result import KIntegral, Result


def _result(**kw):
    base = dict(quantity="demo", values={"a": np.array([1.0, 2.0]), "z": np.array([1 + 2j])},
                units={"a": "t0"}, coords={"ef": np.array([0.0, 0.5])},
                settings={"nk": 8, "operator": None}, model={"name": "m", "params": {"t": 1.0}},
                error={"a": np.array([1e-4, -3e-4])})
    base.update(kw)
    return Result(**base)


def test_access_and_status():
    r = _result()
    assert r["a"].tolist() == [1.0, 2.0] and r["ef"].tolist() == [0.0, 0.5]
    assert "a" in r and "b" not in r and r.keys() == ["a", "z"]
    assert r.max_error == pytest.approx(3e-4)
    assert r.with_status(1e-3).status == "converged"
    assert r.with_status(1e-4).status == "not converged" and not r.with_status(1e-4).converged
    assert r.status == "not checked"
    assert {"lrtheory_version", "created", "argv"} <= set(r.provenance)
    with pytest.raises(LrtheoryError, match="no array 'b'"):
        r["b"]


@pytest.mark.parametrize("kw, match", [
    (dict(status="done"), "status must be one of"),
    (dict(quantity=""), "quantity"),
    (dict(values=[1, 2]), "dict of named arrays"),
    (dict(error={"nope": np.zeros(1)}), "not values"),
    (dict(settings=3), "settings must be a dict"),
])
def test_bad_fields_are_one_typed_line(kw, match):
    with pytest.raises(LrtheoryError, match=match):
        _result(**kw)


@pytest.mark.parametrize("suffix", [".npz", ".json"])
def test_save_load_round_trip(tmp_path, suffix):
    r = _result(settings={"nk": 8, "operator": lambda eig: eig})   # a callable is text
    path = r.save(tmp_path / f"r{suffix}")
    back = Result.load(path)
    assert type(back) is Result and back.quantity == "demo"
    np.testing.assert_array_equal(back["a"], r["a"])
    np.testing.assert_array_equal(back["z"], r["z"])                 # complex survives json
    np.testing.assert_array_equal(back.error["a"], r.error["a"])
    assert back.units == {"a": "t0"} and back.settings["nk"] == 8
    assert back.model == {"name": "m", "params": {"t": 1.0}}
    assert back.provenance["created"] == r.provenance["created"]


def test_load_refuses_other_files(tmp_path):
    from lrtheory.io.results import save_result

    p = save_result(tmp_path / "plain.npz", {"x": np.zeros(2)})
    with pytest.raises(LrtheoryError, match="not a saved lrtheory Result"):
        Result.load(p)
    with pytest.raises(LrtheoryError, match="cannot read result"):
        Result.load(tmp_path / "missing.npz")


def test_hall_curve_is_a_result_with_its_old_attributes(tmp_path):
    c = hall_conductivity(haldane(t2=0.1, delta=0.2), [0.0, 3.0], nk=32, operator="charge")
    assert isinstance(c, Result) and c.quantity == "hall_conductivity"
    np.testing.assert_array_equal(c["sigma"], c.sigma)
    np.testing.assert_array_equal(c.change_on_doubling, c.sigma - c.sigma_half)
    assert c.nk == 32 and c.temperature == 0.0 and c.operator == "charge" and (c.b, c.c) == (0, 1)
    assert c.units["sigma"] == "e^2/hbar" and c.coords["ef"].tolist() == [0.0, 3.0]
    np.testing.assert_allclose(c.sigma_e2h[0], 1.0, atol=1e-4)   # -C e^2/h, C = -1 here
    back = Result.load(c.save(tmp_path / "hall.npz"))
    assert isinstance(back, HallCurve)                               # the registered view
    np.testing.assert_array_equal(back.sigma_half, c.sigma_half)
    ch = c.chern()
    assert isinstance(ch, ChernNumbers) and ch.status == "converged"
    assert ch.integer.tolist() == [-1, 1] and ch.nk == 32 and ch.info["tol"] == 1e-3


def test_kintegral_view():
    k = KIntegral(np.array([1.0, 2.0]), 24, np.array([0.1, -0.2]), {"mu": 0.5})
    assert k.nk == 24 and k.info == {"mu": 0.5} and float(k) == 1.0
    assert k.error_estimate == pytest.approx(0.2) and k.change_on_doubling.tolist() == [0.1, -0.2]
    r = Result("x", {"chi": np.array([3.0])}, error={"chi": np.array([0.5])}, units={"chi": "u"},
               settings={"mu": 0.1})
    v = KIntegral.from_result(r, "chi", scale=2.0, nk=None)
    assert v.value.tolist() == [6.0] and v.change_on_doubling.tolist() == [1.0]
    assert v.nk is None and v.units == {"value": "u"} and v.info == {"mu": 0.1}


def test_to_xarray_is_optional():
    r = _result()
    try:
        import xarray  # noqa: F401
    except ImportError:
        with pytest.raises(LrtheoryError, match="xarray"):
            r.to_xarray()
    else:  # pragma: no cover - xarray not installed here
        ds = r.to_xarray()
        assert ds["a"].dims == ("ef",) and ds["a"].attrs["units"] == "t0"
