"""Orbital Hall conductivity of gapped graphene in the gap: massive-Dirac plateau
sigma^orb_xy = -e^2 v^2/(12 pi Delta) (both valleys, spinless, charge -e, O = m_z of
lrtheory.response.bulk_omm), derived here in SymPy from S23-S24 with O = m:
Omega^m_- = m_- Omega_- (two bands with k-independent d_0, as the Dirac model: m = diag(m_-,
m_+), m_- = m_+), m_- = -e E Omega_-.
With v = sqrt3 t0/2: -e^2/(16 pi Delta). The lattice value approaches it as Delta -> 0.
"""
import numpy as np
import sympy as sp

from lrtheory.bands.eigensystem import Eigensystem
from lrtheory.models.haldane import haldane
from lrtheory.response.bulk_omm import band_omm, bulk_omm_matrix
from lrtheory.response.hall import hall_conductivity


def plateau_symbolic():
    q, v, D = sp.symbols("q v Delta", positive=True)
    E = sp.sqrt(D**2 + v**2 * q**2)
    omega = v**2 * D / (2 * E**3)           # |Omega_-| per valley (test_berry_dirac)
    m = -E * omega                          # m_- Omega_- has the same sign in both valleys
    per_valley = sp.integrate(m * omega * q / (2 * sp.pi), (q, 0, sp.oo))  # d^2q/(2pi)^2
    return sp.simplify(2 * per_valley), v, D


def test_plateau_symbolic_form():
    s, v, D = plateau_symbolic()
    assert sp.simplify(s + v**2 / (12 * sp.pi * D)) == 0
    assert sp.simplify(s.subs(v, sp.sqrt(3) / 2) + 1 / (16 * sp.pi * D)) == 0


def test_lattice_plateau_approaches_dirac_and_scales_as_inverse_gap():
    s, v, D = plateau_symbolic()
    f = sp.lambdify(D, s.subs(v, sp.sqrt(3) / 2))
    dev = []
    for delta, nk in ((0.2, 160), (0.1, 240)):
        c = hall_conductivity(haldane(t2=0.0, delta=delta), [-0.3 * delta, 0.0, 0.3 * delta],
                              nk=nk, operator="orbital")
        assert np.ptp(c.sigma) < 1e-12                  # flat in the gap (T = 0)
        assert np.max(np.abs(c.change_on_doubling)) < 1e-4 * abs(c.sigma[1])
        dev.append(c.sigma[1] / f(delta) - 1)
    assert abs(dev[1]) < 0.01                          # 0.7 % at Delta = 0.1 t0
    assert abs(dev[1]) < 0.4 * abs(dev[0])             # O(Delta^2) approach


def test_omm_matrix_hermitian_covariant(rng):
    m = haldane(t2=0.1, delta=0.3)
    k = rng.uniform(-3, 3, size=(40, 2))
    eig = Eigensystem.compute(m, k)
    M = bulk_omm_matrix(eig)
    np.testing.assert_allclose(M, np.conj(np.swapaxes(M, -1, -2)), atol=1e-12)
    np.testing.assert_allclose(band_omm(eig), band_omm(eig.randomize_gauge(rng)), rtol=1e-9)
    # two bands with k-independent d_0 (phi = pi/2: d_0 = 2 t2 cos(phi) sum cos = 0):
    # the interband OMM matrix is diagonal (see the next test for the general case)
    np.testing.assert_allclose(M[:, 0, 1], 0, atol=1e-12)


def test_two_band_omm_off_diagonal_is_the_d0_gradient_term(rng):
    """m_{-+} = (iq/2)(v^y_{-+} d_x d0 - v^x_{-+} d_y d0)/(e_- - e_+) (docs/bulk.md): non-zero
    for the Haldane model at phi = 0.7, where d_0 = 2 t2 cos(phi) sum_l cos(k.l) depends on k;
    grad d_0 from central differences of Tr H/2 (step 1e-5: error ~1e-10 relative), an
    independent route to the velocity elements used by bulk_omm_matrix."""
    from lrtheory.conventions import ELECTRON_CHARGE as q

    m = haldane(t2=0.1, phi=0.7, delta=0.3)
    k = rng.uniform(-3, 3, size=(40, 2))
    eig = Eigensystem.compute(m, k)
    M = bulk_omm_matrix(eig)
    h = 1e-5

    def d0(kk):
        return 0.5 * np.trace(m.hamiltonian(kk), axis1=-2, axis2=-1).real

    gx = (d0(k + [h, 0]) - d0(k - [h, 0])) / (2 * h)
    gy = (d0(k + [0, h]) - d0(k - [0, h])) / (2 * h)
    v, e = eig.velocity, eig.energies
    pred = (1j * q / 2) * (v[:, 1, 0, 1] * gx - v[:, 0, 0, 1] * gy) / (e[:, 0] - e[:, 1])
    assert np.abs(M[:, 0, 1]).max() > 1e-2                 # not diagonal here
    np.testing.assert_allclose(M[:, 0, 1], pred, rtol=0, atol=1e-8 * np.abs(pred).max())
    np.testing.assert_allclose(M[:, 0, 0], M[:, 1, 1], rtol=0, atol=1e-12)  # m_- = m_+
