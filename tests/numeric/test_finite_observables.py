"""Site-basis observables: definitions checked against independent constructions.

Sources of the expected values: the operator definitions of Eq. (4), (5), (8), (9)-(11),
(45), (52) written out with explicit matrices (projectors, commutators), and exact
algebraic identities derived in docs/theorems.md (origin shift, OMM split, lattice
continuity). Tolerances: TOL (exact identities on small matrices in double precision).
"""
from __future__ import annotations

import numpy as np
import pytest

from lrtheory.conventions import ELECTRON_CHARGE
from lrtheory.errors import ShapeError
from lrtheory.finite import FiniteSystem
from lrtheory.finite import observables as obs
from lrtheory.finite.random_systems import random_hermitian, random_system, random_tr_operator

from tests.conftest import TOL


def _allclose(a, b, scale=1.0):
    np.testing.assert_allclose(a, b, rtol=0, atol=TOL["rtol"] * max(1.0, scale))


@pytest.fixture(params=["spinless", "spinful", "broken", "broken_spinful"])
def system(request, rng):
    return random_system(request.param, 4, rng, d=2)


def test_velocity_is_commutator(system):
    h = system.hamiltonian
    r = obs.position(system)
    v = obs.velocity(system)
    for a in range(system.dim):
        _allclose(v[a], 1j * (h @ r[a] - r[a] @ h), np.abs(v).max())


def test_densities_sum_to_operator(system, rng):
    o = random_hermitian(system.n_states, rng)
    _allclose(obs.density(system, o).sum(0), o)
    p = obs.site_projectors(system)
    _allclose(p.sum(0), np.eye(system.n_states))
    _allclose(obs.density(system, o), 0.5 * (o @ p + p @ o))
    _allclose(obs.charge_density(system).sum(0), ELECTRON_CHARGE * np.eye(system.n_states))


def test_current_density_sums_to_total_current(system, rng):
    o = random_hermitian(system.n_states, rng)
    v = obs.velocity(system)
    j = obs.current_density(system, o)
    _allclose(j.sum(0), 0.5 * (o @ v + v @ o), np.abs(v).max() * np.abs(o).max())
    _allclose(obs.current_density(system).sum(0), v, np.abs(v).max())


def test_lattice_continuity_operator_identity(system, rng):
    """Eq. (11) on a lattice: i[H, n_O(i)] + (div J_O)(i) = T_O(i), exactly."""
    o = random_hermitian(system.n_states, rng)
    n = obs.density(system, o)
    ndot = obs.time_derivative(system, n)
    lhs = ndot + obs.current_divergence(system, o)
    scale = np.abs(ndot).max()
    _allclose(lhs, obs.torque_density(system, o), scale)
    # charge (O = 1) is conserved: the torque density vanishes
    _allclose(obs.torque_density(system, np.eye(system.n_states)), 0.0)


def test_divergence_first_moment_is_current(system, rng):
    """sum_i R_i (div J_O)(i) = -O * v  (lattice form of int r div J = -int J)."""
    o = random_hermitian(system.n_states, rng)
    div = obs.current_divergence(system, o)
    first = np.einsum("ia,ijk->ajk", system.positions, div)
    tot = obs.current_density(system, o).sum(0)
    _allclose(first, -tot, np.abs(tot).max() * 10)
    _allclose(div.sum(0), 0.0, np.abs(div).max())


def test_torque_dipole_sums(system, rng):
    """sum_i D_a(i) = r_a * (i[H, O]) (Eq. 45 summed over sites)."""
    o = random_hermitian(system.n_states, rng)
    d = obs.torque_dipole_density(system, o)
    t = obs.time_derivative(system, o)
    r = obs.position(system)
    _allclose(d.sum(0), obs.sym(r, t), np.abs(d).max() * 10)


def test_omm_origin_shift(system, rng):
    """m_z(R0) = m_z(0) - (q/2)(R0 x v)_z exactly, for every matrix element (PHYSICS-CHECKS 2)."""
    r0 = rng.normal(size=2) * 3
    v = obs.velocity(system)
    m0 = obs.orbital_moment(system)
    m1 = obs.orbital_moment(system, origin=r0)
    expected = m0 - (ELECTRON_CHARGE / 2) * (r0[0] * v[1] - r0[1] * v[0])
    _allclose(m1, expected, np.abs(m0).max())
    # and the same shift for the density: n_m(i; R0) = n_m(i; 0) - (q/2)(R0 x j(i))_z
    j = obs.current_density(system)
    _allclose(obs.omm_density(system, r0),
              obs.omm_density(system) - (ELECTRON_CHARGE / 2) * (r0[0] * j[:, 1] - r0[1] * j[:, 0]),
              np.abs(m0).max())


def test_omm_definition(system):
    """m_z = (q/4)(r x v - v x r)_z = (q/4)(x v_y - y v_x - v_x y + v_y x) (Sec. II)."""
    r = obs.position(system)
    v = obs.velocity(system)
    x, y = r[0], r[1]
    rxv = x @ v[1] - y @ v[0]
    vxr = v[0] @ y - v[1] @ x
    _allclose(obs.orbital_moment(system), (ELECTRON_CHARGE / 4) * (rxv - vxr), np.abs(rxv).max())


def test_omm_split_lever_plus_bond(system, rng):
    """n_m(i) = (q/2)(R_i x j_i)_z + b_i with b_i independent of the origin."""
    r0 = rng.normal(size=2) * 2
    lev0, bond0 = obs.omm_density_split(system)
    lev1, bond1 = obs.omm_density_split(system, origin=r0)
    scale = np.abs(lev0).max() + np.abs(bond0).max()
    _allclose(lev0 + bond0, obs.omm_density(system), scale)
    _allclose(lev1 + bond1, obs.omm_density(system, r0), scale)
    _allclose(bond1, bond0, scale)
    # bond term of site i only involves bonds leaving site i: zero on the on-site block
    si = system.site_index
    same = si[:, None] == si[None, :]
    for i in range(system.n_sites):
        blk = bond0[i][np.ix_(si == i, si == i)]
        _allclose(blk, 0.0, scale)
    # bond term built explicitly from bond vectors: b_i = (q/8) sum over (j in i, k) of
    # [(R_k - R_i) x (v_{jk} e_j e_k^T)] + h.c.
    xo = system.orbital_positions
    v = obs.velocity(system)
    for i in range(system.n_sites):
        rel = xo - system.positions[i]
        a = (rel[:, 0, None] * v[1] - rel[:, 1, None] * v[0]) * (si == i)[None, :]
        _allclose(bond0[i], (ELECTRON_CHARGE / 8) * (a + a.conj().T), scale)
    assert same.any()
    # ... and it vanishes identically for point-like orbitals: <a|(x - X_i) v_y P_i|b> and
    # <a|(y - Y_i) v_x P_i|b> both equal -i H_ai (x_a - X_i)(y_a - Y_i) delta_{b in i}
    # (the velocity of a bond is parallel to the bond), so n_m(i) = (q/2)(R_i x j_i)_z.
    _allclose(bond0, 0.0, np.abs(lev0).max())


def test_tr_parity_of_densities(rng):
    """n_O(i) inherits O's TR parity (P_i is TR even for site-local U)."""
    s = random_system("spinful", 3, rng)
    o = random_tr_operator(s, rng, -1, local=True, n_internal=2)
    for n in obs.density(s, o):
        assert s.tr_signature(n) == -1
    for n in obs.spin_density(s, "z"):
        assert s.tr_signature(n) == -1
    for n in obs.omm_density(s):
        assert s.tr_signature(n) == -1


def test_observable_errors():
    s = FiniteSystem(np.eye(2), [[0.0], [1.0]])
    with pytest.raises(ShapeError, match="d >= 2"):
        obs.orbital_moment(s)
    with pytest.raises(ShapeError, match="n_internal=2"):
        obs.spin_operator(s, "z")
    with pytest.raises(ShapeError, match="origin"):
        obs.position(s, origin=[0.0, 1.0])
    with pytest.raises(ShapeError, match="shape"):
        obs.density(s, np.eye(3))
