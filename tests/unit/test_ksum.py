"""The k-sum driver (lrtheory.response.ksum): exact integrals, the one-pass sub-grid estimate
against a separate run on the half grid, executors, chunking, bad input."""
from __future__ import annotations

import pickle

import numpy as np
import pytest

from lrtheory.errors import ConventionError, LrtheoryError, ModelError
from lrtheory.models.haldane import haldane
from lrtheory.models.lattice import UniformGrid
from lrtheory.response.hall import HallIntegrand, hall_conductivity
from lrtheory.response.ksum import Integrand, QuadratureGrid, ksum, point_weight


class _Moments(Integrand):
    """1, cos(k.a_1) and |H_01(k)|^2 per point: integrals known in closed form."""

    name = "test_moments"
    kind = "sea"
    tr_parity = 1
    units = {"one": "1/a^2", "cos": "1/a^2", "h01": "t0^2/a^2"}

    def __call__(self, k, model):
        H = model.hamiltonian(k)
        a1 = np.asarray(model.lattice_vectors, float)[0]
        return {"one": np.ones(len(k)), "cos": np.cos(k @ a1),
                "h01": np.abs(H[:, 0, 1]) ** 2}


def _haldane():
    return haldane(t0=1.0, t2=0.1, phi=0.7, delta=0.3)


def test_exact_lattice_integrals_and_zero_error():
    m = _haldane()
    area = abs(np.linalg.det(np.asarray(m.lattice_vectors, float)))
    res = ksum(_Moments(), m, UniformGrid.from_lattice(m.lattice_vectors, (12, 12)))
    # int d^2k/(2pi)^2 over the BZ: 1/area; a lattice harmonic integrates to 0 exactly on
    # any grid with more than one point per direction; |gamma|^2 = 3 on average (3 bonds)
    np.testing.assert_allclose(res["one"], 1 / area, rtol=1e-14)
    assert abs(res["cos"]) < 1e-15
    np.testing.assert_allclose(res["h01"], 3 / area, rtol=1e-13)
    assert res.units["h01"] == "t0^2/a^2" and res.quantity == "test_moments"
    assert abs(res.error["one"]) < 1e-15 and res.status == "not checked"
    assert res.with_status(1e-10).status == "converged"
    assert res.settings["shape"] == [12, 12] and res.model["name"] == m.name


def test_subgrid_values_equal_a_separate_run_on_the_half_grid():
    m = _haldane()
    ef = np.linspace(-2, 2, 5)
    grid = UniformGrid.from_lattice(m.lattice_vectors, (16, 16))
    full = ksum(HallIntegrand(ef, 16, operator="orbital"), m, grid)
    half = ksum(HallIntegrand(ef, 8, operator="orbital"), m, grid.half(), subgrid=False)
    assert half.error == {} and half.subgrid == {}
    np.testing.assert_allclose(full.subgrid["sigma"], half["sigma"], rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(full.error["sigma"], full["sigma"] - half["sigma"],
                               rtol=1e-12, atol=1e-15)


def test_odd_grid_has_no_error_estimate():
    m = _haldane()
    res = ksum(_Moments(), m, UniformGrid.from_lattice(m.lattice_vectors, (9, 10)))
    assert res.error == {} and res.status == "not checked"
    assert np.isnan(res.max_error)


def test_chunking_and_processes_agree():
    m = _haldane()
    grid = UniformGrid.from_lattice(m.lattice_vectors, (20, 20))
    integ = HallIntegrand(np.array([-0.5, 0.0, 0.5]), 20, operator=None)
    a = ksum(integ, m, grid, chunk_size=400)
    b = ksum(integ, m, grid, chunk_size=37)
    c = ksum(integ, m, grid, chunk_size=37, workers=2)
    np.testing.assert_allclose(a["sigma"], b["sigma"], rtol=0, atol=1e-15)
    np.testing.assert_array_equal(b["sigma"], c["sigma"])       # chunk order: same bits
    np.testing.assert_array_equal(b["band_chern"], c["band_chern"])
    # the driver is what hall_conductivity runs: the same numbers
    h = hall_conductivity(m, [-0.5, 0.0, 0.5], nk=20, operator=None, chunk_size=37)
    np.testing.assert_array_equal(h.sigma, b["sigma"])
    np.testing.assert_array_equal(h.sigma_half, b.subgrid["sigma"])


def test_polar_quadrature_integrates_a_disk_exactly():
    from lrtheory.models.continuum import RashbaGas

    grid = QuadratureGrid.polar(2.0, 8, 6)

    class _One(Integrand):
        name = "disk"

        def __call__(self, k, model):
            return {"n": np.ones(len(k))}

    res = ksum(_One(), RashbaGas(m=1.0, alpha=0.3), grid)
    np.testing.assert_allclose(res["n"], 2.0**2 / (4 * np.pi), rtol=1e-14)  # pi k^2/(2pi)^2
    np.testing.assert_allclose(res.subgrid["n"], res["n"], rtol=1e-14)      # also n/2 rule
    assert res.settings["n_r"] == 8 and res.settings["grid"] == "polar"


def test_point_weight_is_one_over_cell_volume_times_points():
    g = UniformGrid(np.eye(2) * 2 * np.pi, (4, 6), cell_volume=2.0)
    assert point_weight(g) == 1.0 / (2.0 * 4 * 6)


def test_integrands_pickle():
    integ = HallIntegrand(np.array([0.0]), 8, operator="charge")
    back = pickle.loads(pickle.dumps(integ))
    assert back.ef.tolist() == [0.0] and back.tr_parity == -1 and back.kind == "sea"
    assert HallIntegrand(np.array([0.0]), 8, operator="orbital").tr_parity == 1


def test_bad_input_is_one_typed_line():
    m = _haldane()
    grid = UniformGrid.from_lattice(m.lattice_vectors, (8, 8))
    with pytest.raises(ConventionError, match="needs an Integrand"):
        ksum(lambda k, model: {}, m, grid)
    with pytest.raises(ConventionError, match="UniformGrid or a QuadratureGrid"):
        ksum(_Moments(), m, np.zeros((4, 2)))
    with pytest.raises(ModelError, match="test_moments needs a BlochModel"):
        ksum(_Moments(), object(), grid)
    with pytest.raises(LrtheoryError, match="chunk_size"):
        ksum(_Moments(), m, grid, chunk_size=0)
    with pytest.raises(ConventionError, match="kind"):
        type("Bad", (Integrand,), {"kind": "bulk", "__call__": lambda s, k, m: {}})
    with pytest.raises(ConventionError, match="tr_parity"):
        type("Bad", (Integrand,), {"tr_parity": 2, "__call__": lambda s, k, m: {}})
    with pytest.raises(LrtheoryError, match="quadrature"):
        QuadratureGrid(np.zeros((3, 2)), np.ones(4))


def test_old_names_still_work_with_a_deprecation_warning():
    from lrtheory.bands.eigensystem import Eigensystem
    from lrtheory.response import berry, bulk_omm

    m = _haldane()
    k = np.array([[0.3, -0.2], [1.0, 0.4]])
    eig = Eigensystem.compute(m, k)
    with pytest.warns(DeprecationWarning, match="bulk_omm_matrix"):
        old = bulk_omm.omm_matrix(eig)
    np.testing.assert_array_equal(old, bulk_omm.bulk_omm_matrix(eig))
    with pytest.warns(DeprecationWarning, match="reciprocal_vectors"):
        B = berry.reciprocal_vectors(m)
    np.testing.assert_allclose(B @ np.asarray(m.lattice_vectors, float).T, 2 * np.pi * np.eye(2),
                               atol=1e-13)
    # generic helpers keep their old import path in hall.py
    from lrtheory.response import hall, kspace

    assert hall.occupied_sums is kspace.occupied_sums and hall.eigensystem is kspace.eigensystem


def test_hall_curve_of_a_matrix_operator():
    """A matrix operator used to fail inside the curvature (array == 'number'); checked
    against the same operator given as a band-basis callable (U^dagger sigma_z U written
    here, an independent route to the band-basis matrix)."""
    m = _haldane()
    M = np.diag([1.0, -1.0])
    a = hall_conductivity(m, [-0.5, 0.4], nk=16, operator=M, method="sum-over-states")
    b = hall_conductivity(m, [-0.5, 0.4], nk=16, operator=_SigmaZ(), method="sum-over-states")
    np.testing.assert_allclose(a.sigma, b.sigma, rtol=1e-13, atol=1e-16)
    assert np.abs(a.sigma).max() > 1e-3


class _SigmaZ:
    def __call__(self, eig):
        U = eig.states
        return np.conj(np.swapaxes(U, -1, -2)) @ (np.diag([1.0, -1.0]) @ U)
