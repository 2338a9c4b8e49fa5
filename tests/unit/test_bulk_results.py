"""The bulk responses' results are Results (issue #14): HallTensor with its sub-grid
estimate, KIntegral.nk on continuum grids, type checks at the entry points."""
from __future__ import annotations

import numpy as np
import pytest

from lrtheory.errors import ModelError
from lrtheory.models.continuum import RashbaGas
from lrtheory.models.haldane import haldane, layered_haldane
from lrtheory.response.fermi_surface import fermi_surface_continuum, fermi_surface_density
from lrtheory.response.hall3d import HallTensor, hall_tensor
from lrtheory.response.torque import bulk_net_torque, external_torque, net_torque
from lrtheory.result import KIntegral, Result

R = RashbaGas(m=1.0, alpha=0.3)
Q = dict(k_max=3.0, n_r=120, n_theta=16)


def test_hall_tensor_result_and_subgrid_estimate():
    m = layered_haldane(t2=0.1, phi=0.7, delta=0.25)
    ef = np.array([-0.3, 0.2])
    t = hall_tensor(m, ef, nk=(8, 8, 4), operator="charge")
    assert isinstance(t, HallTensor) and isinstance(t, Result) and t.nk == (8, 8, 4)
    np.testing.assert_array_equal(t["sigma"], t.sigma)
    np.testing.assert_array_equal(t.sigma, -np.swapaxes(t.sigma, 1, 2))   # O = charge
    # the one-pass estimate equals a separate run on the (4, 4, 2) grid
    half = hall_tensor(m, ef, nk=(4, 4, 2), operator="charge")
    np.testing.assert_allclose(t.change_on_doubling, t.sigma - half.sigma, rtol=1e-12,
                               atol=1e-15)
    assert hall_tensor(m, ef, nk=(8, 8, 3), operator="charge").change_on_doubling is None


def test_continuum_kintegral_nk_is_none_with_the_grid_in_settings():
    r = fermi_surface_density(R, "spin_y", 0.5, tau=2.0, temperature=0.05, **Q)
    assert isinstance(r, KIntegral) and r.nk is None
    assert (r.settings["grid"], r.settings["n_r"], r.settings["n_theta"]) == ("polar", 120, 16)
    assert r.quantity == "fermi_surface_density" and r.model["name"] == R.name
    c = fermi_surface_continuum(R, "spin_y", 0.5, tau=2.0, k_max=3.0, n_theta=32)
    assert c.nk is None and c.settings["n_theta"] == 32 and c.settings["grid"] == "fermi lines"
    lat = fermi_surface_density(haldane(t2=0.1, delta=0.2), "orbital", 1.2, tau=1.0,
                                temperature=0.05, nk=16)
    assert lat.nk == 16 and lat.settings["shape"] == [16, 16]


def test_bulk_net_torque_and_its_deprecated_name():
    a = bulk_net_torque(R, "spin_y", 0.5, eta=0.1, tau=5.0, temperature=0.05, **Q)
    with pytest.warns(DeprecationWarning, match="bulk_net_torque"):
        b = net_torque(R, "spin_y", 0.5, eta=0.1, tau=5.0, temperature=0.05, **Q)
    np.testing.assert_array_equal(a.value, b.value)
    np.testing.assert_array_equal(a.change_on_doubling, b.change_on_doubling)
    assert abs(a.value[0]) > 1e-3 and a.units["value"].startswith("e [O] t0")


def test_entry_points_check_the_model_type():
    with pytest.raises(ModelError, match="fermi_surface_continuum needs a ContinuumModel"):
        fermi_surface_continuum(haldane(), "spin_y", 0.5, tau=1.0, k_max=1.0)
    with pytest.raises(ModelError, match="external_torque needs a BlochModel"):
        external_torque(object(), "spin_y", 0.5, temperature=0.05, nk=8)
    with pytest.raises(ModelError, match="hall_tensor needs a BlochModel"):
        hall_tensor("haldane", 0.0)
    from lrtheory.response.berry import fhs_chern

    with pytest.raises(ModelError, match="fhs_chern needs a BlochModel"):
        fhs_chern(None, 8, 1)
