"""Continuum (k.p) models: the Rashba closed forms of paper S17 (RashbaGas.fermi_circles, the
kernel the equation registry names for S17) against the numerical Fermi lines of
fermi_crossings (Newton on radial rays, independent of the closed form)."""
from __future__ import annotations

import numpy as np
import pytest

from lrtheory.errors import ConventionError
from lrtheory.models.continuum import RashbaGas, fermi_crossings
from lrtheory.models.protocol import ContinuumModel


@pytest.mark.parametrize("m, alpha, ef", [(1.0, 0.3, 0.5), (0.7, -0.8, 0.2)])
def test_rashba_fermi_circles_match_the_fermi_lines(m, alpha, ef):
    gas = RashbaGas(m=m, alpha=alpha)
    c = gas.fermi_circles(ef)
    # k_max = 4 k_+ puts k_+ on the radial bracketing grid (n_r = 400): a root exactly on a
    # grid point must be counted once (it was counted twice, N_+ came out 1.5x too large)
    k, band, w = fermi_crossings(gas, ef, k_max=4 * c["k_plus"], n_theta=32)
    r = np.linalg.norm(k, axis=1)
    # lower band (index 0): the larger circle k_+; upper band: k_- (Newton: ~1e-10)
    np.testing.assert_allclose(r[band == 0], c["k_plus"], rtol=1e-9)
    np.testing.assert_allclose(r[band == 1], c["k_minus"], rtol=1e-9)
    # DOS per sheet: sum of the line weights = k / (2 pi |v|) (S17)
    assert w[band == 0].sum() == pytest.approx(c["N_plus"], rel=1e-8)
    assert w[band == 1].sum() == pytest.approx(c["N_minus"], rel=1e-8)
    assert c["density"] == pytest.approx((c["k_plus"] ** 2 + c["k_minus"] ** 2) / (4 * np.pi),
                                         rel=1e-13)
    assert gas.fermi_crossings(ef, k_max=4 * c["k_plus"], n_theta=32)[0].shape == k.shape


def test_rashba_needs_both_bands_occupied():
    with pytest.raises(ConventionError, match="ef > 0"):
        RashbaGas().fermi_circles(-0.1)


def test_continuum_models_are_continuum_models():
    gas = RashbaGas()
    assert isinstance(gas, ContinuumModel) and gas.lattice_vectors is None
    np.testing.assert_array_equal(gas.positions, np.zeros((2, 2)))
    assert gas.spin.shape == (3, 2, 2)
