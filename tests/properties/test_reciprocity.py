"""Microscopic reciprocity (Eq. 22-23, S6) and the decomposition (Eq. 24, S10).

Hypotheses of the theorem: H commutes with an antiunitary Theta (Theta^2 = +-1), and A, B are
Hermitian with definite TR signatures lambda_A, lambda_B. Random models are TR-symmetric
by construction and checked by FiniteSystem; operators are projected on a parity sector and
checked by TimeReversal.signature. Counter-examples: the same operators on a TR-broken H.
"""
from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from lrtheory.finite import observables as obs
from lrtheory.finite import response as R
from lrtheory.finite.random_systems import random_system, random_tr_operator
from tests.strategies import systems

from tests.properties._helpers import EXACT, rounding_scale

TR_KINDS = ("spinless", "spinful")
params = st.fixed_dictionaries(dict(
    eta=st.sampled_from([1e-3, 0.05, 0.5]),
    omega=st.sampled_from([0.0, 0.3, -1.1]),
    temperature=st.sampled_from([0.0, 0.05, 1.0]),
    ef=st.floats(-1.0, 1.0),
))


def _operators(s, seed, parities):
    rng = np.random.default_rng(seed)
    return [random_tr_operator(s, rng, p) for p in parities]


def _eq24(s, a, b, la, lb, **kw):
    """Right-hand side of Eq. (24), summed over state pairs."""
    eig = s.eigensystem
    lam = R.lindhard(eig.energies, **kw)
    prod = eig.to_eigenbasis(a) * eig.to_eigenbasis(b).T  # A_ab B_ba
    ll = la * lb
    return np.sum(lam * ((1 + ll) / 2 * prod.real + 1j * (1 - ll) / 2 * prod.imag))


@given(systems(TR_KINDS, max_sites=6), st.integers(0, 2**32 - 1),
       st.sampled_from([(1, 1), (1, -1), (-1, 1), (-1, -1)]), params)
def test_microscopic_reciprocity(s, seed, parities, kw):
    """chi_AB(omega) = lambda_A lambda_B chi_BA(omega) (Eq. 23), any eta, T, mu, omega."""
    a, b = _operators(s, seed, parities)
    la, lb = s.tr_signature(a), s.tr_signature(b)
    assert (la, lb) == parities
    ab = R.response(s, a, b, **kw)
    ba = R.response(s, b, a, **kw)
    scale = rounding_scale(s, a, b, **kw)
    assert abs(ab - la * lb * ba) <= EXACT * scale


@given(systems(TR_KINDS, max_sites=6), st.integers(0, 2**32 - 1), params)
def test_reciprocity_density_vs_position(s, seed, kw):
    """Eq. (22) for the pair of Eq. (21): A = n_O(i) (TR odd), B = r_a (TR even)."""
    (o,) = _operators(s, seed, [-1])
    n = obs.density(s, o)
    r = obs.position(s)
    ab = R.response(s, n, r, **kw)
    ba = R.response(s, r, n, **kw).T
    scale = rounding_scale(s, n, r, **kw)
    assert np.all(np.abs(ab + ba) <= EXACT * scale)


@given(systems(TR_KINDS, max_sites=6), st.integers(0, 2**32 - 1),
       st.sampled_from([(1, 1), (1, -1), (-1, -1)]), params)
def test_decomposition_eq24(s, seed, parities, kw):
    """chi_AB = sum L [(1+ll)/2 Re(A_ab B_ba) + i (1-ll)/2 Im(A_ab B_ba)] (Eq. 24, S10)."""
    a, b = _operators(s, seed, parities)
    chi = R.response(s, a, b, **kw)
    rhs = _eq24(s, a, b, *parities, **kw)
    assert abs(chi - rhs) <= EXACT * rounding_scale(s, a, b, **kw)


def test_counterexample_tr_broken(rng):
    """Without TR (complex H) reciprocity and Eq. (24) fail for the same kind of operators."""
    kw = dict(eta=0.05, omega=0.2, temperature=0.1, ef=0.0)
    for kind in ("broken", "broken_spinful"):
        for _ in range(3):
            s = random_system(kind, 5, rng)
            a = random_tr_operator(s, rng, -1)  # parity w.r.t. the natural (broken) Theta
            b = random_tr_operator(s, rng, +1)
            ab = R.response(s, a, b, **kw)
            ba = R.response(s, b, a, **kw)
            scale = rounding_scale(s, a, b, **kw)
            assert abs(ab + ba) > 1e-3 * scale
            assert abs(ab - _eq24(s, a, b, -1, 1, **kw)) > 1e-3 * scale
