"""Orbital Hall conductivity with the atomic L_z (lrtheory/models/orbitals.py + the
generalized Berry curvature, Eq. S24) on a model with a known answer: px, py orbitals on
the Haldane lattice, where the p+ = (px + i py)/sqrt2 (L_z = +1) orbitals form a Haldane
model with flux phi and the p- (L_z = -1) ones the model with -phi. L_z is conserved, so in
the gap sigma^{L_z}_xy = (+1) C(phi)/2pi + (-1) C(-phi)/2pi = 2 C(phi)/2pi (units e/hbar
times hbar: the number-current Hall conductivity of each L_z sector, weighted by L_z)."""
import numpy as np
import pytest

from lrtheory.models.haldane import haldane
from lrtheory.models.orbitals import angular_momentum
from lrtheory.models.tightbinding import Hopping, TightBindingModel
from lrtheory.response.hall import hall_conductivity

U_PLUS = np.array([1, 1j]) / np.sqrt(2)  # p+ in (px, py)
U_MINUS = np.array([1, -1j]) / np.sqrt(2)


def p_orbital_haldane(phi_plus, phi_minus, t2=0.1, delta=0.2):
    """The px, py model: orbitals (A px, A py, B px, B py)."""
    hp, hm = haldane(t2=t2, phi=phi_plus, delta=delta), haldane(t2=t2, phi=phi_minus, delta=delta)
    Pp, Pm = np.outer(U_PLUS, U_PLUS.conj()), np.outer(U_MINUS, U_MINUS.conj())
    key = lambda h: (h.i, h.j, tuple(h.R))
    minus = {key(h): h.t for h in hm.hoppings}
    assert set(minus) == {key(h) for h in hp.hoppings}
    hops = []
    for h in hp.hoppings:
        block = h.t * Pp + minus[key(h)] * Pm  # 2 x 2 between site i and site j
        for a in range(2):
            for b in range(2):
                if abs(block[a, b]) > 1e-15:
                    hops.append(Hopping(2 * h.i + a, 2 * h.j + b, h.R, complex(block[a, b])))
    pos = np.repeat(hp.positions, 2, axis=0)
    onsite = np.repeat(hp.onsite, 2)
    assert np.allclose(hp.onsite, hm.onsite)
    return TightBindingModel(hp.lattice_vectors, pos, hops, onsite, name="px,py Haldane")


ORBS = [("A", "px"), ("A", "py"), ("B", "px"), ("B", "py")]


def test_bands_are_the_two_copies():
    m = p_orbital_haldane(np.pi / 2, -np.pi / 2)
    k = np.random.default_rng(0).normal(size=(20, 2))
    e = np.linalg.eigvalsh(m.hamiltonian(k))
    ref = np.sort(np.concatenate([np.linalg.eigvalsh(haldane(t2=0.1, phi=s * np.pi / 2,
                                                             delta=0.2).hamiltonian(k))
                                  for s in (1, -1)], axis=1), axis=1)
    np.testing.assert_allclose(e, ref, atol=1e-12)


def test_orbital_hall_with_L_z_in_the_gap():
    Lz = angular_momentum(ORBS)[2]
    m = p_orbital_haldane(np.pi / 2, -np.pi / 2)
    C = round(float(hall_conductivity(haldane(t2=0.1, phi=np.pi / 2, delta=0.2), [0.0],
                                      nk=60, operator=None).sigma[0]) * 2 * np.pi)
    assert abs(C) == 1
    s = hall_conductivity(m, [0.0], nk=60, operator=Lz).sigma[0]
    # grid sums of a gapped curvature converge exponentially: 1e-8 at nk = 60
    assert s == pytest.approx(2 * C / (2 * np.pi), abs=1e-8)
    # counter-examples: equal fluxes for both sectors cancel; pz-like zero operator gives 0
    same = p_orbital_haldane(np.pi / 2, np.pi / 2)
    assert abs(hall_conductivity(same, [0.0], nk=60, operator=Lz).sigma[0]) < 1e-8
    assert hall_conductivity(m, [0.0], nk=60, operator=None).sigma[0] == pytest.approx(0, abs=1e-8)
