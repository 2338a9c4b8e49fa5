"""Conservation laws and the equation of motion of response functions (Eq. 11, 33-41).

Identities tested (derivations in docs/theorems.md):

* charge: sum_i delta n_q(i) = q e chi_{1, r}.E = 0 because 1_ab = delta_ab and L_aa = 0
  (any eta, T, omega). Counter-example: a non-conserved O ([O, H] != 0) has a nonzero total.
* Eq. (33) for the eta-regularized Lindhard form holds with omega -> omega + i eta:
  -i(omega + i eta) chi_{A,B} = -i<[A,B]> + chi_{dA/dt, B}, exactly, because
  (omega + i eta + e_a - e_b) L_ab = f_a - f_b. The literal form (omega alone) fails by
  exactly eta chi_{A,B}: the counter-example.
* Eq. (11) on the lattice, in linear response: -i(omega + i eta) chi_{n_O(i), r}
  = -i<[n_O(i), r]> + chi_{T_O(i), r} - chi_{(div J_O)(i), r}.
* Net torque (Eq. 37 integrated over the system, from its definition): at omega = 0 it equals
  eta e chi_{O,r}.E = eta x (integrated accumulation) exactly. Hence it vanishes linearly in
  eta when the accumulation is finite (TR broken insulator), quadratically for a TR-odd O
  in a TR-invariant insulator, and (Eq. 41) it is eta times the Fermi-level (Lorentzian)
  piece when TR holds.
"""
from __future__ import annotations

import numpy as np
from hypothesis import assume, given
from hypothesis import strategies as st

from lrtheory.conventions import ELECTRON_CHARGE
from lrtheory.finite import observables as obs
from lrtheory.finite import response as R
from lrtheory.finite.random_systems import random_hermitian, random_tr_operator
from tests.strategies import systems

from tests.properties._helpers import (
    EXACT,
    ROUNDING,
    exponent_bound,
    gapped_expansion,
    rounding_scale,
    scaling_exponent,
)

params = st.fixed_dictionaries(dict(
    eta=st.sampled_from([1e-3, 0.05, 0.5]),
    omega=st.sampled_from([0.0, 0.3, -1.1]),
    temperature=st.sampled_from([0.0, 0.05, 1.0]),
    ef=st.floats(-1.0, 1.0),
))
ANY = ("spinless", "spinful", "broken", "broken_spinful")


@given(systems(ANY, max_sites=8), params)
def test_charge_accumulation_integrates_to_zero(s, kw):
    q = ELECTRON_CHARGE * np.eye(s.n_states)
    field = np.ones(s.dim)
    dn = R.density_accumulation(s, q, field, **kw)
    scale = rounding_scale(s, obs.site_projectors(s), obs.position(s), **kw).sum()
    assert abs(dn.sum()) <= EXACT * scale
    # whenever anything responds, the site-resolved values are far above the residual
    if np.abs(dn).max() > 1e-8 * scale:
        assert np.abs(dn).max() > 1e3 * abs(dn.sum())


def test_counterexample_nonconserved_total(rng):
    """For O with [O, H] != 0 the summed density response is the nonzero delta<O>."""
    from lrtheory.finite.random_systems import random_system

    s = random_system("broken", 6, rng)
    o = random_hermitian(s.n_states, rng)
    dn = R.density_accumulation(s, o, [1.0, 0.0], eta=0.05)
    tot = R.response(s, o, obs.position(s)[0], eta=0.05).real
    np.testing.assert_allclose(dn.sum(), tot, rtol=1e-10)
    assert abs(tot) > 1e-3


@given(systems(ANY, max_sites=7), st.integers(0, 2**32 - 1), params)
def test_equation_of_motion_eq33(s, seed, kw):
    rng = np.random.default_rng(seed)
    a = random_hermitian(s.n_states, rng)
    b = random_hermitian(s.n_states, rng)
    eta, omega = kw["eta"], kw["omega"]
    tk = dict(temperature=kw["temperature"], ef=kw["ef"])
    chi = R.response(s, a, b, **kw)
    adot = obs.time_derivative(s, a)
    rhs = -1j * R.commutator_expectation(s, a, b, **tk) + R.response(s, adot, b, **kw)
    # |e_a - e_b| <= 2 max|e| and the rounding of i[H, A] is ~ u ||H|| ||A||: both covered
    # (ptp alone is not: a spectrum [1, 1.1] has ptp 0.1 but ||H|| 1.1)
    scale = rounding_scale(s, a, b, **kw) * (
        abs(omega) + eta + 2 * np.abs(s.eigensystem.energies).max())
    assert abs(-1j * (omega + 1j * eta) * chi - rhs) <= EXACT * scale
    # counter-example: the literal Eq. (33) (omega without i eta) misses exactly eta chi
    literal = -1j * omega * chi - rhs
    np.testing.assert_allclose(literal, -eta * chi, rtol=0, atol=EXACT * scale)
    assert abs(literal) > 1e-6 * abs(rhs) or abs(chi) < 1e-12


@given(systems(ANY, max_sites=6), st.integers(0, 2**32 - 1), params)
def test_continuity_equation_eq11(s, seed, kw):
    rng = np.random.default_rng(seed)
    o = random_hermitian(s.n_states, rng)
    tk = dict(temperature=kw["temperature"], ef=kw["ef"])
    w = kw["omega"] + 1j * kw["eta"]
    r = obs.position(s)
    n = obs.density(s, o)
    lhs = -1j * w * R.site_density_response(s, o, **kw)
    ext = -1j * R.commutator_expectation(s, n, r, **tk)
    torque = R.site_density_response(s, obs.time_derivative(s, o), **kw)
    div = R.response(s, obs.current_divergence(s, o), r, **kw)
    scale = rounding_scale(s, n, r, **kw) * (abs(w) + 2 * np.abs(s.eigensystem.energies).max())
    assert np.all(np.abs(lhs - (ext + torque - div)) <= EXACT * scale + 1e-14)
    # counter-example: dropping the torque term fails for a non-conserved O (whenever the
    # torque response is not itself negligible, e.g. an empty band at T = 0)
    if np.abs(torque).max() > 1e-6 * scale.max():
        assert np.abs(lhs - (ext - div)).max() > 1e3 * EXACT * scale.max()
    # the torque density summed over sites is the total torque i[H, O]
    tot = R.response(s, obs.time_derivative(s, o), r, **kw)
    np.testing.assert_allclose(torque.sum(0), tot, rtol=0, atol=EXACT * scale.sum() + 1e-14)


@given(systems(ANY, min_sites=3, max_sites=7, gapped=True, dims=(2,)), st.integers(0, 2**32 - 1))
def test_net_torque_is_eta_times_accumulation(s, seed):
    """bar T_O (Eq. 37 integrated, from its definition) = eta * sum_i delta n_O(i), exactly."""
    rng = np.random.default_rng(seed)
    o = random_tr_operator(s, rng, -1)
    field = rng.normal(size=2)
    for eta in (1e-2, 1e-3):
        t = R.net_torque(s, o, field, eta=eta)
        t_sites = R.torque_accumulation(s, o, field, eta=eta).sum()
        acc = R.density_accumulation(s, o, field, eta=eta).sum()
        scale = rounding_scale(s, o, obs.position(s), eta=eta).sum() * (
            2 * np.abs(s.eigensystem.energies).max() + eta) * np.abs(field).sum()
        assert abs(t - eta * acc) <= EXACT * scale
        assert abs(t_sites - t) <= EXACT * scale


@given(systems(("broken", "broken_spinful"), min_sites=3, max_sites=7, gapped=True, dims=(2,)),
       st.integers(0, 2**32 - 1))
def test_net_torque_vanishes_linearly_without_tr(s, seed):
    rng = np.random.default_rng(seed)
    o = random_tr_operator(s, rng, -1)
    field = np.array([1.0, 0.5])
    # bar T/eta = integrated accumulation = U0 + R, |R| <= eta K2 + eta^2 K3
    # (gapped_expansion, total=True); eta derived so that the correction is <= 1e-3 |U0|;
    # rounding: the torque is a difference of terms of size `scale`
    c = gapped_expansion(s, o, field, total=True)
    eta = min(1e-5, 1e-3 * abs(c["U0"]) / max(c["K2"] + c["K3"], 1e-300))
    scale = rounding_scale(s, o, obs.position(s), eta=eta).sum() * (
        2 * np.abs(s.eigensystem.energies).max() + eta) * np.abs(field).sum()

    def eps(e):
        return (e * c["K2"] + e**2 * c["K3"] + ROUNDING * scale / e) / max(abs(c["U0"]), 1e-300)

    bound = exponent_bound(eps(eta), eps(eta / 2))
    assume(bound < 0.01)  # hypothesis: the eta -> 0 accumulation U0 != 0 (resolvable)
    t1, t2 = (R.net_torque(s, o, field, eta=e) for e in (eta, eta / 2))
    assert abs(scaling_exponent(np.array([t1]), np.array([t2])) - 1.0) <= bound


@given(systems(("spinless", "spinful"), min_sites=3, max_sites=7, gapped=True, dims=(2,)),
       st.integers(0, 2**32 - 1))
def test_net_torque_eq41_with_tr(s, seed):
    """With TR: bar T_O = e eta sum (f_a-f_b) eta/(D^2+eta^2) Im{O_ab r_ba}.E (Eq. 41 at finite
    eta, pi delta -> Lorentzian), hence ~ eta^2 in an insulator."""
    rng = np.random.default_rng(seed)
    o = random_tr_operator(s, rng, -1)
    field = np.array([0.4, -1.0])
    # bar T/eta^2 = sum Im Y/(D^2 + eta^2) = B + R, |R| <= eta^2 K4 (gapped_expansion,
    # total=True), and the torque is a difference of terms of size `scale`, so rounding is
    # ROUNDING * scale / eta^2 relative: eta minimizes the sum, (ROUNDING scale/K4)^(1/4)
    c = gapped_expansion(s, o, field, total=True)
    eig = s.eigensystem
    scale0 = rounding_scale(s, o, obs.position(s), eta=1e-3).sum() * np.abs(field).sum() * (
        2 * np.abs(eig.energies).max() + 1e-3)
    eta = min(1e-2, (ROUNDING * scale0 / max(c["K4"], 1e-300)) ** 0.25)
    f = (eig.energies < 0).astype(float)
    d = eig.energies[:, None] - eig.energies[None, :]
    lor = (f[:, None] - f[None, :]) * eta / (d**2 + eta**2)
    re = eig.to_eigenbasis(np.tensordot(field, obs.position(s), axes=1))
    eq41 = eta * np.sum(lor * (eig.to_eigenbasis(o) * re.T).imag)
    t = R.net_torque(s, o, field, eta=eta)
    scale = rounding_scale(s, o, obs.position(s), eta=eta).sum() * np.abs(field).sum() * (
        2 * np.abs(eig.energies).max() + eta)
    assert abs(t - eq41) <= EXACT * scale

    def eps(e):
        return (e**2 * c["K4"] + ROUNDING * scale / e**2) / max(abs(c["B"]), 1e-300)

    bound = exponent_bound(eps(eta), eps(eta / 2))
    assume(bound < 1e-2)  # hypothesis: the eta^2 coefficient B != 0 (resolvable)
    t_half = R.net_torque(s, o, field, eta=eta / 2)
    assert abs(scaling_exponent(np.array([t]), np.array([t_half])) - 2.0) <= bound


@given(systems(("broken", "broken_spinful"), min_sites=3, max_sites=7, gapped=True, dims=(2,)),
       st.integers(0, 2**32 - 1))
def test_counterexample_eq41_needs_tr(s, seed):
    """Without TR, bar T_O = eta (undergap + Fermi-level accumulation): the delta-function
    (Fermi-level) term of Eq. (41) alone misses eta times the undergap accumulation."""
    rng = np.random.default_rng(seed)
    o = random_tr_operator(s, rng, -1)
    field = np.array([1.0, 0.3])
    eta = 1e-3
    parts = R.accumulation_parts(s, o, field, eta=eta)
    t = R.net_torque(s, o, field, eta=eta)
    scale = rounding_scale(s, o, obs.position(s), eta=eta).sum() * np.abs(field).sum() * (
        2 * np.abs(s.eigensystem.energies).max() + eta)
    assert abs(t - eta * (parts["undergap"].sum() + parts["fermi"].sum())) <= EXACT * scale
    # the Fermi-level-only form (Eq. 41) misses exactly eta x the integrated undergap
    # accumulation, which is resolvably nonzero (skip the measure-small exceptions)
    missed = eta * parts["undergap"].sum()
    assume(abs(missed) > 1e3 * EXACT * scale)
    assert abs((t - eta * parts["fermi"].sum()) - missed) <= EXACT * scale
