"""One name per concept (issue #14 item 5, docs/conventions.md glossary): the glossary names
``ef``, ``operator``, ``eigensystem`` work; the old keywords ``mu``, ``op``, ``eig`` give the
same numbers with a DeprecationWarning; both at once is one typed error."""
from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest

from lrtheory._compat import renamed_keywords
from lrtheory.errors import ConventionError, LrtheoryError
from lrtheory.finite import response as fr
from lrtheory.finite.examples import haldane_flake
from lrtheory.models.continuum import RashbaGas
from lrtheory.models.haldane import haldane
from lrtheory.response import fermi_surface as fs
from lrtheory.response import torque as tq

R = RashbaGas(m=1.0, alpha=0.3)
QUAD = dict(k_max=3.0, n_r=20, n_theta=8)


def _deprecated(call, old):
    """Run ``call()`` expecting exactly the rename warning of ``old``; return its value."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = call()
    dep = [w for w in caught if issubclass(w.category, DeprecationWarning)]
    assert len(dep) == 1, [str(w.message) for w in caught]
    assert f"keyword {old!r} is deprecated" in str(dep[0].message)
    # points at the caller (the file of ``call``), not at the wrapper in lrtheory/_compat.py
    assert dep[0].filename == call.__code__.co_filename != renamed_keywords.__code__.co_filename
    return value


def _one_line_error(call, *names):
    with pytest.raises(ConventionError) as info:
        call()
    msg = str(info.value)
    assert "\n" not in msg and all(repr(n) in msg for n in names), msg
    assert isinstance(info.value, LrtheoryError)


# ----------------------------------------------------------------- the decorator itself

@renamed_keywords(mu="ef", op="operator")
def _f(a, operator=None, ef=0.0, *, temperature=0.0):
    return a, operator, ef, temperature


def test_decorator_maps_old_keywords_and_keeps_signature():
    assert _f(1, "x", ef=2.0) == (1, "x", 2.0, 0.0)
    assert _deprecated(lambda: _f(1, op="x"), "op") == (1, "x", 0.0, 0.0)
    assert _deprecated(lambda: _f(1, mu=3.0), "mu") == (1, None, 3.0, 0.0)
    assert list(inspect.signature(_f).parameters) == ["a", "operator", "ef", "temperature"]
    assert _f.__name__ == "_f"


def test_decorator_both_given_is_one_typed_error():
    _one_line_error(lambda: _f(1, ef=1.0, mu=1.0), "mu", "ef")
    _one_line_error(lambda: _f(1, "x", 0.5, mu=1.0), "mu", "ef")  # ef given positionally
    _one_line_error(lambda: _f(1, "x", op="y"), "op", "operator")


def test_decorator_refuses_an_alias_to_a_missing_parameter():
    with pytest.raises(TypeError, match="no parameter 'energy'"):
        renamed_keywords(mu="energy")(lambda ef: ef)
    with pytest.raises(TypeError, match="bad alias"):
        renamed_keywords(mu="mu")


# ----------------------------------------------------------------- finite systems

def test_finite_occupations_take_ef():
    e = np.array([-1.0, 0.5, 1.0])
    np.testing.assert_array_equal(fr.occupations(e, 0.0, ef=0.5), [1.0, 0.5, 0.0])
    np.testing.assert_array_equal(fr.occupations(e, ef=-2.0), [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(_deprecated(lambda: fr.occupations(e, mu=0.5), "mu"),
                                  [1.0, 0.5, 0.0])
    _one_line_error(lambda: fr.occupations(e, 0.0, 0.5, mu=0.5), "mu", "ef")


@pytest.mark.parametrize("name", ["density_accumulation", "torque_accumulation",
                                  "net_torque", "accumulation_parts"])
def test_finite_responses_old_keyword_same_numbers(name):
    s = haldane_flake(3, 2, t2=0.1, phi=0.7, delta=0.3)
    o = np.diag(np.tile([1.0, -1.0], s.n_states // 2))
    func = getattr(fr, name)
    new = func(s, o, [1.0, 0.3], eta=0.05, temperature=0.02, ef=0.1)
    old = _deprecated(lambda: func(s, o, [1.0, 0.3], eta=0.05, temperature=0.02, mu=0.1),
                      "mu")
    other = func(s, o, [1.0, 0.3], eta=0.05, temperature=0.02, ef=-0.4)
    if isinstance(new, dict):
        new, old, other = new["total"], old["total"], other["total"]
    np.testing.assert_array_equal(new, old)
    assert not np.allclose(new, other)  # ef is really passed on
    _one_line_error(lambda: func(s, o, [1.0, 0.3], eta=0.05, ef=0.1, mu=0.1), "mu", "ef")


def test_finite_lindhard_and_expectation_old_keyword():
    s = haldane_flake(2, 2, t2=0.1)
    e = s.eigensystem.energies
    kw = dict(eta=0.05, omega=0.01, temperature=0.02)
    np.testing.assert_array_equal(fr.lindhard(e, ef=0.1, **kw),
                                  _deprecated(lambda: fr.lindhard(e, mu=0.1, **kw), "mu"))
    a = np.eye(s.n_states)
    # <1> = number of occupied states: all 8 levels below ef = 10, none below ef = -10
    assert fr.expectation(s, a, ef=10.0).real == pytest.approx(s.n_states)
    assert fr.expectation(s, a, ef=-10.0).real == pytest.approx(0.0, abs=1e-12)
    assert _deprecated(lambda: fr.expectation(s, a, mu=10.0), "mu").real == pytest.approx(
        s.n_states)


# ----------------------------------------------------------------- Bloch models

@pytest.mark.parametrize("name, extra", [
    ("external_torque", {}), ("external_torque_sea", {}), ("proper_current", {}),
    ("density_response", {"eta": 0.1}), ("bulk_net_torque", {"eta": 0.1, "tau": 5.0})])
def test_torque_old_keywords_same_numbers(name, extra):
    func = getattr(tq, name)
    kw = dict(temperature=0.05, **extra, **QUAD)
    new = func(R, operator="spin_y", ef=0.5, **kw)
    positional = func(R, "spin_y", 0.5, **kw)
    old = _deprecated(lambda: func(R, "spin_y", mu=0.5, **kw), "mu")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        oldest = func(R, op="spin_y", mu=0.5, **kw)
    for r in (positional, old, oldest):
        np.testing.assert_array_equal(np.asarray(r.value), np.asarray(new.value))
    assert new.settings["mu"] == 0.5  # settings key unchanged (golden outputs)
    _one_line_error(lambda: func(R, "spin_y", 0.5, mu=0.5, **kw), "mu", "ef")
    _one_line_error(lambda: func(R, "spin_y", op="spin_y", ef=0.5, **kw), "op", "operator")


def test_torque_bad_ef_names_ef():
    with pytest.raises(LrtheoryError, match="ef"):
        tq.external_torque(R, "spin_y", "abc", temperature=0.05, **QUAD)


def test_fermi_surface_old_keywords_same_numbers():
    hal = haldane(t2=0.1, phi=0.7, delta=0.3)
    kw = dict(tau=2.0, temperature=0.05, nk=8)
    new = fs.fermi_surface_density(hal, operator=np.diag([1.0, -1.0]), ef=1.2, **kw)
    old = _deprecated(lambda: fs.fermi_surface_density(hal, np.diag([1.0, -1.0]), mu=1.2,
                                                       **kw), "mu")
    np.testing.assert_array_equal(old.value, new.value)
    _one_line_error(lambda: fs.fermi_surface_density(hal, None, 1.2, mu=1.2, **kw), "mu", "ef")
    kc = dict(tau=2.0, k_max=3.0, n_theta=16, n_r=40)
    c_new = fs.fermi_surface_continuum(R, "spin_y", ef=0.5, **kc)
    c_old = _deprecated(lambda: fs.fermi_surface_continuum(R, "spin_y", mu=0.5, **kc), "mu")
    np.testing.assert_array_equal(c_old.value, c_new.value)
    assert c_new.settings["mu"] == 0.5


def test_integrand_classes_and_block_trace_product_take_new_names():
    a = tq.ExternalTorque(operator="spin_y", ef=0.5, temperature=0.05)
    b = _deprecated(lambda: tq.ExternalTorque(op="spin_y", ef=0.5, temperature=0.05), "op")
    assert (a.operator, a.ef) == (b.operator, b.ef) == ("spin_y", 0.5)
    c = fs.FermiSurfaceDensity(operator=None, ef=0.2, tau=1.0, temperature=0.1)
    assert c.settings() == {"temperature": 0.1, "mu": 0.2, "tau": 1.0}
    from lrtheory.bands.eigensystem import Eigensystem
    hal = haldane(t2=0.1)
    eig = Eigensystem.compute(hal, np.array([[0.1, 0.2], [0.3, -0.1]]))
    O = np.broadcast_to(np.diag([1.0, -1.0]).astype(complex), (2, 2, 2))
    new = fs.block_trace_product(eigensystem=eig, O=O)
    old = _deprecated(lambda: fs.block_trace_product(eig=eig, O=O), "eig")
    np.testing.assert_array_equal(new, old)
    np.testing.assert_array_equal(new, fs.block_trace_product(eig, O))
