"""The closed-form two-band route (no eigh) equals the sum-over-states route.

Expected values: the closed form ``Omega_-/+ = +/- d.(a x c) / (2|d|^3)`` is derived in SymPy
(:func:`lrtheory.symbolic.two_band.curvature_identity`, residual exactly 0; the opposite
sign leaves a non-zero residual). Numerically it must equal the sum over states of Eq. S24
(``eigh`` + band-basis velocities, :mod:`lrtheory.response.berry`) on random two-band models
to rounding: 1e-12 of the largest |Omega| (measured: at most 4e-15; curvatures of ~1e2 come
from differences of O(1) numbers divided by gap^2, so ~1e-14 * 1e2 / gap^2 is the rounding
scale); energies to 1e-12 (eigh's backward error is ~1e-15 |H|).
"""
from __future__ import annotations

import numpy as np
import pytest

from lrtheory.models.haldane import haldane
from lrtheory.models.tightbinding import TightBindingModel
from lrtheory.response.berry import fhs_chern, generalized_berry_curvature
from lrtheory.response.hall import (bands_and_curvature, eigensystem, hall_conductivity,
                                    occupied_sums, uses_two_band_closed_form)
from lrtheory.symbolic.two_band import curvature_identity


def test_symbolic_identity_and_its_wrong_sign():
    assert curvature_identity() == {"lower": 0, "upper": 0}
    assert all(r != 0 for r in curvature_identity(sign=-1).values())


def random_two_band(rng) -> TightBindingModel:
    """A random TR-broken two-band model on an oblique lattice (complex hoppings up to the
    second shell, random orbital positions)."""
    lat = np.array([[1.0, 0.0], [rng.uniform(-0.4, 0.4), rng.uniform(0.8, 1.2)]])
    pos = rng.uniform(0, 1, size=(2, 2)) @ lat
    hops = []
    for R in [(0, 0), (1, 0), (0, 1), (1, 1), (1, -1), (2, 0)]:
        for i in range(2):
            for j in range(2):
                if R == (0, 0) and i >= j:
                    continue
                t = rng.normal() + 1j * rng.normal()
                hops.append((i, j, R, 0.5 * t))
    return TightBindingModel(lat, pos, hops, onsite=rng.normal(size=2), name="random 2-band")


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("op", [None, "charge"])
def test_closed_form_equals_sum_over_states(seed, op):
    rng = np.random.default_rng(seed)
    model = random_two_band(rng)
    assert uses_two_band_closed_form(model, op)
    k = rng.uniform(-4, 4, size=(500, 2))
    scale = None
    for b, c in [(0, 1), (1, 0), (0, 0)]:
        e, om = bands_and_curvature(model, k, op, b=b, c=c)
        eig = eigensystem(model, k)
        ref = generalized_berry_curvature(eig, op, b=b, c=c)
        np.testing.assert_allclose(e, eig.energies, rtol=0, atol=1e-12 * np.abs(e).max())
        scale = scale or np.abs(ref).max()  # that of Omega_xy (Omega_xx is rounding noise)
        np.testing.assert_allclose(om, ref, rtol=0, atol=1e-12 * scale)
        if b == c:
            assert np.abs(om).max() == 0.0  # a x a = 0: no curvature in the bc = bb component


def test_degenerate_points_have_zero_curvature_like_the_general_route():
    g = haldane(t0=1.0, t2=0.0, phi=0.0, delta=0.0)  # graphene: Dirac points at K, K'
    K = np.array([[4 * np.pi / 3, 0.0], [-4 * np.pi / 3, 0.0], [0.3, 0.2]])
    e, om = bands_and_curvature(g, K)
    ref = generalized_berry_curvature(eigensystem(g, K))
    np.testing.assert_allclose(e[:2], 0.0, atol=1e-12)
    assert np.all(om[:2] == 0.0) and np.all(ref[:2] == 0.0)
    np.testing.assert_allclose(om, ref, atol=1e-12)


def test_other_operators_take_the_general_route():
    m = haldane(t0=1.0, t2=0.1, phi=np.pi / 2, delta=0.2)
    assert uses_two_band_closed_form(m, "orbital")
    assert not uses_two_band_closed_form(m, np.diag([1.0, -1.0]))
    assert not uses_two_band_closed_form(m, "spin_z")


def test_metric_identity_and_its_wrong_variant():
    from lrtheory.symbolic.two_band import metric_identity

    assert metric_identity() == 0
    assert metric_identity(sign=-1) != 0


@pytest.mark.parametrize("seed", range(4))
def test_orbital_hall_closed_form_equals_sum_over_states(seed):
    """Omega^m of the interband OMM matrix (bulk_omm), every (b, c) including b = c (non-zero
    here: the grad d_0 term), on random two-band models whose d_0 depends on k."""
    rng = np.random.default_rng(100 + seed)
    model = random_two_band(rng)
    k = rng.uniform(-4, 4, size=(400, 2))
    eig = eigensystem(model, k)
    for b, c in [(0, 1), (1, 0), (0, 0), (1, 1)]:
        e, om = bands_and_curvature(model, k, "orbital", b=b, c=c)
        ref = generalized_berry_curvature(eig, "orbital", b=b, c=c)
        np.testing.assert_allclose(e, eig.energies, rtol=0, atol=1e-12 * np.abs(e).max())
        np.testing.assert_allclose(om, ref, rtol=0, atol=1e-12 * np.abs(ref).max())
    assert np.abs(ref).max() > 1e-3


def test_orbital_hall_curve_both_methods_agree():
    m = haldane(t0=1.0, t2=0.1, phi=0.7, delta=0.3)  # d_0 depends on k
    ef = np.linspace(-3, 3, 25)
    a = hall_conductivity(m, ef, nk=36, operator="orbital")
    b = hall_conductivity(m, ef, nk=36, operator="orbital", method="sum-over-states")
    np.testing.assert_allclose(a.sigma, b.sigma, rtol=0, atol=1e-12 * np.abs(b.sigma).max())


@pytest.mark.parametrize("t2,phi,delta", [(0.1, np.pi / 2, 0.2), (0.1, np.pi / 2, 1.0),
                                          (-0.07, 1.1, 0.1)])
def test_hall_curve_chern_matches_fhs(t2, phi, delta):
    """sigma (O = 1) in the gap = C / 2pi with C the lattice-link Chern number."""
    m = haldane(t0=1.0, t2=t2, phi=phi, delta=delta)
    curve = hall_conductivity(m, [0.0], nk=60, operator=None)
    C = fhs_chern(m, 60, 1)
    assert abs(C - round(C)) < 1e-9
    np.testing.assert_allclose(2 * np.pi * curve.sigma[0], round(C), atol=1e-6)


def test_few_fermi_energies_equal_the_sorted_route(rng):
    e = np.round(rng.normal(size=5000), 2)  # many exact ties, some exactly at E_F
    w = rng.normal(size=5000)
    few = np.array([-0.5, 0.0, 0.37])
    many = np.concatenate([few, np.linspace(-2, 2, 30)])  # > 16 points: sorted route
    np.testing.assert_allclose(occupied_sums(e, w, few, 0.0), occupied_sums(e, w, many, 0.0)[:3],
                               rtol=1e-12, atol=1e-12)
    ref = np.array([w[e < x].sum() + 0.5 * w[e == x].sum() for x in few])
    np.testing.assert_allclose(occupied_sums(e, w, many, 0.0)[:3], ref, rtol=1e-12, atol=1e-12)


def test_hall_curve_both_methods_agree():
    m = haldane(t0=1.0, t2=0.1, phi=np.pi / 2, delta=0.2)
    ef = np.linspace(-3.5, 3.5, 41)
    for T in (0.0, 0.05):
        a = hall_conductivity(m, ef, nk=36, temperature=T, operator="charge")
        b = hall_conductivity(m, ef, nk=36, temperature=T, operator="charge",
                              method="sum-over-states")
        np.testing.assert_allclose(a.sigma, b.sigma, rtol=0, atol=1e-12)
        np.testing.assert_allclose(a.band_chern, b.band_chern, rtol=0, atol=1e-12)
    with pytest.raises(Exception, match="method"):
        hall_conductivity(m, 0.0, nk=8, method="magic")


def test_3d_hall_tensor_both_methods_agree():
    from lrtheory.models.haldane import layered_haldane
    from lrtheory.response.hall3d import bz_grid_nd, grid_points, hall_tensor

    m = layered_haldane(t2=0.1, phi=0.7, delta=0.25)  # Weyl semimetal phase at some kz
    ef = np.array([-0.3, 0.0, 0.2])
    a = hall_tensor(m, ef, nk=(10, 10, 6), operator="charge", chunk_size=77)
    b = hall_tensor(m, ef, nk=(10, 10, 6), operator="charge", method="sum-over-states")
    np.testing.assert_allclose(a.sigma, b.sigma, rtol=0, atol=1e-12)
    assert np.abs(a.sigma).max() > 1e-3  # not trivially zero
    # the workers' index ranges rebuild exactly the grid of bz_grid_nd, in order
    k, _ = bz_grid_nd(m, (4, 5, 3))
    B = m.reciprocal_vectors
    parts = [grid_points((s, min(s + 7, 60)), (4, 5, 3), B) for s in range(0, 60, 7)]
    np.testing.assert_array_equal(np.concatenate(parts), k)
