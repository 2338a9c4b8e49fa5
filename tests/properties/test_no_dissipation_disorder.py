"""The no-dissipation theorem and the intraband/interband split with disorder (issue #16).

Every realization of a TR-invariant disorder (Anderson, bond) is a TR-invariant finite
system, so the theorem of docs/theorems.md holds realization by realization, not only on
average: the undergap (principal-part) piece of a TR-odd density and the Fermi piece of a
TR-even density vanish identically at every eta, and with e_F between two levels (a finite
sample is always gapped on the scale of its level spacing) the TR-odd accumulation is linear in
eta. Magnetic disorder breaks TR in every realization: the counter-examples. On a periodic
supercell a twist k that is not a TR-invariant momentum maps to -k: the cancellation then
holds between the twists k and -k, not at one twist (and fails for magnetic disorder).

What changes with disorder (docs/disorder.md): in the clean periodic system the TR-odd
response is the intraband term ~ 1/eta; in a disordered sample with level spacing << eta <<
1/tau it is set by the disorder (Born tau plus vertex), not by eta (the slow cross-check in
tests/physics/test_disorder_exact.py).
"""
from __future__ import annotations

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lrtheory.disorder.exact import kubo_accumulation
from lrtheory.disorder.samples import build_sample, disorder, square_rashba
from lrtheory.finite import observables as obs
from lrtheory.finite import response as R
from lrtheory.finite.system import FiniteSystem
from tests.properties._helpers import EXACT, rounding_scale
from tests.properties.test_no_dissipation import _linear_eta, _accumulations, scaling_exponent

FIELD = [1.0, 0.3]


def _flake(kind, W, seed, cells=(3, 3)):
    clean = build_sample(square_rashba(1.0, 0.4), cells, n_internal=2)
    return disorder(clean, kind, W, np.random.default_rng(seed))


def _mid_gap(fs: FiniteSystem) -> tuple[FiniteSystem, float]:
    """The same system with e_F = 0 between the levels of the lowest-lying half (Kramers
    pairs stay whole: an even filling), and the gap there."""
    e = fs.eigensystem.energies
    n = fs.n_states // 2 - (fs.n_states // 2) % 2
    ef = 0.5 * (e[n - 1] + e[n])
    h = fs.hamiltonian - ef * np.eye(fs.n_states)
    return FiniteSystem(h, fs.positions, fs.n_internal, fs.time_reversal), e[n] - e[n - 1]


@settings(deadline=None)
@given(st.sampled_from(["anderson", "bond"]), st.floats(0.2, 3.0), st.integers(0, 2**32 - 1))
def test_tr_invariant_disorder_keeps_the_theorem(kind, W, seed):
    s, gap = _mid_gap(_flake(kind, W, seed).finite_system())
    assert s.time_reversal is not None                 # checked U H* U^dagger = H
    assume(gap > 1e-6)                                  # e_F in a (level-spacing) gap
    r = np.tensordot(FIELD, obs.position(s), axes=1)
    for o, zero_part in ((obs.spin_operator(s, "y"), "undergap"),
                         (obs.orbital_moment(s), "undergap"),
                         (-np.eye(s.n_states), "fermi")):
        for eta in (1e-3, 0.3):
            z = R.density_accumulation(s, o, FIELD, eta=eta, part=zero_part)
            scale = rounding_scale(s, obs.density(s, o), r, eta=eta)
            assert np.all(np.abs(z) <= EXACT * scale)
    o = obs.spin_operator(s, "y")
    eta, bound = _linear_eta(s, o, FIELD)
    assume(bound < 1e-3)                                # the O(eta) coefficient is not ~0
    f1, f2 = _accumulations(s, o, FIELD, eta)
    assert abs(scaling_exponent(f1, f2) - 1.0) <= bound


@settings(deadline=None)
@given(st.floats(0.5, 3.0), st.integers(0, 2**32 - 1))
def test_counterexample_magnetic_disorder_accumulates(W, seed):
    """Magnetic disorder: the undergap (Eq. 32) piece of S_y is finite and does not vanish
    with eta (exponent 0, not 1); the Fermi piece of the charge density is not zero."""
    s, gap = _mid_gap(_flake("magnetic", W, seed).finite_system())
    assert s.time_reversal is None
    assume(gap > 1e-3)
    o = obs.spin_operator(s, "y")
    r = np.tensordot(FIELD, obs.position(s), axes=1)
    eta = 1e-4 * gap                                    # O(eta/gap) = 1e-4 corrections
    under = R.density_accumulation(s, o, FIELD, eta=eta, part="undergap")
    scale = rounding_scale(s, obs.density(s, o), r, eta=eta)
    assume(np.linalg.norm(under) > 1e3 * EXACT * np.linalg.norm(scale))
    f1, f2 = _accumulations(s, o, FIELD, eta)
    assert abs(scaling_exponent(f1, f2)) <= 1e-3       # finite limit: the theorem fails
    q = -np.eye(s.n_states)
    fermi_q = R.density_accumulation(s, q, FIELD, eta=0.3, part="fermi")
    assert np.max(np.abs(fermi_q)) > 1e3 * EXACT * np.max(
        rounding_scale(s, obs.density(s, q), r, eta=0.3))


def test_supercell_twists_cancel_in_tr_pairs():
    """Ribbon supercell (periodic along x, 3 cells wide): at a generic twist k the undergap
    piece of S_y is not zero (H(k) alone breaks TR), but k and -k cancel it exactly for
    TR-invariant disorder; magnetic disorder leaves a sum of the size of each term."""
    clean = build_sample(square_rashba(1.0, 0.4), (6, 3), periodic=(True, False), n_internal=2)
    k = np.array([0.37, 0.0])
    for kind in ("anderson", "bond", "magnetic"):
        s = disorder(clean, kind, 1.5, np.random.default_rng(5))
        u = [kubo_accumulation(s, "spin_y", FIELD, eta=0.05, ef=-1.0, part="undergap", k=q)
             for q in (k, -k)]
        size = np.linalg.norm(u[0])
        assert size > 1e-4                              # one twist alone: not zero
        if kind == "magnetic":
            assert np.linalg.norm(u[0] + u[1]) > 0.05 * size
        else:
            assert np.linalg.norm(u[0] + u[1]) <= 1e-10 * size
