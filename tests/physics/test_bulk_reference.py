"""Bulk Berry curvature and band OMM against plain reference implementations (loops over
bands, written from the sum-over-states formulas, no shared code with lrtheory.response)."""
import numpy as np

from lrtheory.bands import Eigensystem
from lrtheory.models import haldane
from lrtheory.response.omm import bulk_berry_curvature, bulk_omm
from tests.tolerances import TOL


def _reference(es):
    """Omega_n = -2 Im sum_m vx_nm vy_mn/(e_n-e_m)^2; m_n = q sum_m Im(vx_nm vy_mn)/(e_n-e_m)."""
    Nk, n = es.energies.shape
    om = np.zeros((Nk, n))
    mm = np.zeros((Nk, n))
    for a in range(n):
        for b in range(n):
            if a == b:
                continue
            prod = es.velocity[:, 0, a, b] * es.velocity[:, 1, b, a]
            de = es.energies[:, a] - es.energies[:, b]
            om[:, a] += -2 * prod.imag / de**2
            mm[:, a] += -1.0 * prod.imag / de
    return om, mm


def test_bulk_curvature_and_omm_match_reference(rng):
    # Expected: the plain loop above (paper S24 with O = 1; Xiao-Chang-Niu band moment, q = -1)
    model = haldane(1, 0.15, 0.8, 0.3)
    es = Eigensystem.compute(model, rng.uniform(-4, 4, size=(40, 2))).randomize_gauge(rng)
    om, mm = _reference(es)
    np.testing.assert_allclose(bulk_berry_curvature(es), om, **TOL)
    np.testing.assert_allclose(bulk_omm(es), mm, **TOL)
    # two-band sum rule: curvatures of the two bands are opposite
    np.testing.assert_allclose(om.sum(1), 0.0, atol=1e-10)
