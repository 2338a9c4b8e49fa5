"""Net torque, external torque (Eqs. 41-44, S33-S34) and proper current (Eq. 51, S36).

Expected values: the exact identity T_bar = e eta chi_{O,r}(eta) (derived in
lrtheory.response.torque), the integration by parts between S33 (Fermi sea, sum-rule
derivative d_k O_nn) and the Fermi-surface form, the closed-form Rashba value
m alpha/(4 pi) (tests/physics/test_rashba_edelstein.py), and the symmetry statement that a
gapped TR-invariant insulator has no Fermi surface while its orbital Hall conductivity
(Eq. 29 / S23) is finite.
"""
import numpy as np

from lrtheory.models.continuum import RashbaGas
from lrtheory.models.haldane import haldane
from lrtheory.response.hall import hall_conductivity
from lrtheory.response.torque import bulk_net_torque as net_torque
from lrtheory.response.torque import external_torque, external_torque_sea, proper_current

Q = dict(k_max=3.0, n_r=500, n_theta=32)
R = RashbaGas(m=1.0, alpha=0.3)


def test_external_torque_value_and_projected_form():
    ext = external_torque(R, "spin_y", 0.5, temperature=0.01, **Q)
    np.testing.assert_allclose(ext.value[0], R.m * R.alpha / (4 * np.pi), rtol=1e-4)
    sea = external_torque_sea(R, "spin_y", 0.5, temperature=0.01, **Q)
    np.testing.assert_allclose(sea.value, ext.value, rtol=1e-5, atol=1e-12)


def test_net_torque_over_eta_tau_tends_to_external_linearly():
    ext = external_torque(R, "spin_y", 0.5, temperature=0.01, **Q).value[0]
    tau = 10.0
    dev = []
    for eta in (1e-1, 1e-2):
        t = net_torque(R, "spin_y", 0.5, eta=eta, tau=tau, temperature=0.01, **Q).value[0]
        dev.append(t / (eta * tau) - ext)
    assert abs(dev[1]) < 1e-2 * abs(ext)
    np.testing.assert_allclose(dev[0] / dev[1], 10.0, rtol=0.05)     # O(eta)
    # clean limit tau = 1/eta: net torque equals the external torque at every eta
    t = net_torque(R, "spin_y", 0.5, eta=0.05, temperature=0.01, **Q).value[0]
    assert abs(t - ext) < 0.05 * abs(ext)


def test_proper_current_vanishes_in_tr_insulator_but_orbital_hall_does_not():
    g = haldane(t2=0.0, delta=0.5)                    # TR-invariant, gapped
    pc = proper_current(g, "orbital", 0.0, temperature=0.01, nk=48)
    assert np.max(np.abs(pc.value)) < 1e-20
    ohc = hall_conductivity(g, [0.0], nk=96, operator="orbital").sigma[0]
    assert abs(ohc) > 1e-2                          # -1/(16 pi Delta) ~ -0.04 (Dirac)
    # two bands with k-independent d_0 (gapped graphene): m = diag(m_-, m_+) has no
    # interband part, so the dipole d_n of the proper current vanishes identically, also in
    # a metal (docs/derivations.md) ...
    pcm = proper_current(g, "orbital", 1.2, temperature=0.05, nk=48)
    assert np.max(np.abs(pcm.value)) < 1e-15
    # ... but not when d_0 depends on k (Haldane at phi = 0.7: m_{-+} ~ grad d_0)
    hp = proper_current(haldane(t2=0.1, phi=0.7, delta=0.3), "orbital", 1.2, temperature=0.05,
                        nk=48)
    assert abs(hp.value[0, 1]) > 1e-4 and abs(hp.value[0, 1] + hp.value[1, 0]) < 1e-10
    # a metal with an interband operator: Rashba S_z gives a finite proper current
    pr = proper_current(R, "spin_z", 0.5, temperature=0.01, **Q)
    assert abs(pr.value[0, 1]) > 1e-2 and abs(pr.value[0, 1] + pr.value[1, 0]) < 1e-8
