"""The worked example of docs/design.md: carrier density and DOS on the k-sum driver,
checked against sum rules, the thermodynamic identity g = dn/dE_F, and the closed-form
Haldane bands summed by plain numpy (an independent route: no Eigensystem, no driver)."""
from __future__ import annotations

import numpy as np
import pytest

from lrtheory.errors import ConventionError
from lrtheory.models.haldane import haldane, haldane_bulk_bands
from lrtheory.response.carrier_density import carrier_density

P = dict(t0=1.0, t2=0.1, phi=0.7, delta=0.3)


def _area(m):
    return abs(np.linalg.det(np.asarray(m.lattice_vectors, float)))


def test_sum_rules_gap_and_full_bands_exact_on_any_grid():
    m = haldane(**P)
    for nk in (8, 14, 24):
        # the global gap of these parameters is [-0.264, -0.195] t0 (bands on a 300^2 grid)
        r = carrier_density(m, [-10.0, -0.23, 10.0], nk=nk)
        # below all bands: 0; in the gap: one band per cell; above: two
        np.testing.assert_allclose(r["density"], np.array([0, 1, 2]) / _area(m), rtol=1e-14,
                                   atol=1e-15)
        np.testing.assert_allclose(r.error["density"], 0.0, atol=1e-14)
        assert r.units["density"] == "1/a^d" and "dos" not in r


def test_density_equals_closed_form_bands_summed_independently():
    m = haldane(**P)
    ef, T, nk = np.linspace(-2.5, 2.5, 11), 0.07, 24
    r = carrier_density(m, ef, temperature=T, nk=nk)
    # independent: the same BZ grid written out here, Eq. S42-S43 bands, plain Fermi sums
    B = 2 * np.pi * np.linalg.inv(np.asarray(m.lattice_vectors, float)).T
    i = np.arange(nk) / nk
    k = np.stack(np.meshgrid(i, i, indexing="ij"), -1).reshape(-1, 2) @ B
    e = haldane_bulk_bands(k, **P).reshape(-1)
    ref = np.array([np.sum(1 / (np.exp((e - x) / T) + 1)) for x in ef]) / (_area(m) * nk * nk)
    np.testing.assert_allclose(r["density"], ref, rtol=1e-12, atol=1e-14)


def test_dos_is_the_derivative_of_the_density():
    m = haldane(**P)
    ef, T, h = np.linspace(-2.0, 2.0, 9), 0.1, 1e-4
    r = carrier_density(m, ef, temperature=T, nk=32)
    up = carrier_density(m, ef + h, temperature=T, nk=32)["density"]
    dn = carrier_density(m, ef - h, temperature=T, nk=32)["density"]
    np.testing.assert_allclose(r["dos"], (up - dn) / (2 * h), rtol=1e-6, atol=1e-8)
    assert np.all(r["dos"] >= 0) and r["dos"].max() > 0.05


def test_continuum_model_counts_states_inside_k_max():
    """Rashba gas at E_F above the crossing: n = (k_+^2 + k_-^2)/(4 pi) with
    k_pm = m (-/+ alpha + sqrt(alpha^2 + 2 E_F/m)) (two circles, states inside each)."""
    from lrtheory.models.continuum import RashbaGas

    mass, alpha, ef = 1.0, 0.3, 0.5
    R = RashbaGas(m=mass, alpha=alpha)
    r = carrier_density(R, [ef], k_max=3.0, n_r=600, n_theta=16)
    root = np.sqrt(alpha**2 + 2 * ef / mass)
    kp, km = mass * (root + alpha), mass * (root - alpha)
    np.testing.assert_allclose(r["density"][0], (kp**2 + km**2) / (4 * np.pi), rtol=2e-3)


def test_bad_input():
    m = haldane(**P)
    with pytest.raises(ConventionError, match="ef is empty"):
        carrier_density(m, [], nk=8)
    with pytest.raises(ConventionError, match="nk"):
        carrier_density(m, 0.0)
    with pytest.raises(ConventionError, match="even"):
        carrier_density(m, 0.0, nk=9)
