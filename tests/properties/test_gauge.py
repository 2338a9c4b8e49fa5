"""Gauge invariance (PHYSICS-CHECKS 1): random phases on every eigenvector and random
unitary rotations inside degenerate subspaces (Kramers pairs, extra degeneracies) leave every
returned quantity unchanged. Counter-example: a raw eigenbasis matrix element does change,
so the randomization is effective."""
from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from lrtheory.finite import observables as obs
from lrtheory.finite import random_gauge
from lrtheory.finite import response as R
from lrtheory.finite.random_systems import random_gapped, random_tr_operator
from tests.strategies import systems

from tests.properties._helpers import EXACT, rounding_scale


def _all_outputs(s, o, eig, kw):
    field = np.linspace(0.3, 1.0, s.dim)
    r = obs.position(s)
    tk = dict(temperature=kw["temperature"], ef=kw["ef"])
    out = {
        "response": R.response(s, o, r, eigensystem=eig, **kw),
        "site_response": R.site_density_response(s, o, eigensystem=eig, **kw),
        "expectation": R.expectation(s, o, eigensystem=eig, **tk),
        "commutator": R.commutator_expectation(s, o, r, eigensystem=eig, **tk),
    }
    static = dict(kw, omega=0.0)
    for k, v in R.accumulation_parts(s, o, field, eigensystem=eig, **static).items():
        out["acc_" + k] = v
    out["torque_sites"] = R.torque_accumulation(s, o, field, eigensystem=eig, **static)
    out["net_torque"] = R.net_torque(s, o, field, eigensystem=eig, **static)
    return out


params = st.fixed_dictionaries(dict(
    eta=st.sampled_from([1e-3, 0.1]),
    omega=st.sampled_from([0.0, 0.4]),
    temperature=st.sampled_from([0.0, 0.3]),
    ef=st.floats(-0.5, 0.5),
))


@given(st.sampled_from(("spinless", "spinful", "broken", "broken_spinful")),
       st.integers(2, 6), st.sampled_from([1, 2, 3]), st.integers(0, 2**32 - 1), params)
def test_gauge_invariance_of_every_output(kind, n_sites, mult, seed, kw):
    rng = np.random.default_rng(seed)
    n_states = n_sites * (2 if "spinful" in kind else 1)
    if n_states % (mult * (2 if kind == "spinful" else 1)):
        mult = 1
    s = random_gapped(n_sites, rng, kind=kind, multiplicity=mult)
    o = random_tr_operator(s, rng, -1)
    g = random_gauge(s.eigensystem, rng, degen_tol=1e-8)
    ref = _all_outputs(s, o, None, kw)
    new = _all_outputs(s, o, g, kw)
    scale = rounding_scale(s, o, obs.position(s), **kw).sum() * (
        1 + np.ptp(s.eigensystem.energies)) + np.abs(o).max()
    for key in ref:
        assert np.all(np.abs(np.asarray(new[key]) - np.asarray(ref[key])) <= EXACT * scale), key


@given(systems(("spinful",), min_sites=2, max_sites=5), st.integers(0, 2**32 - 1))
def test_counterexample_raw_matrix_elements_change(s, seed):
    """Kramers pairs: the off-diagonal eigenbasis element <a|O|b> is not gauge invariant."""
    rng = np.random.default_rng(seed)
    o = random_tr_operator(s, rng, -1)
    g = random_gauge(s.eigensystem, rng)
    a0 = s.eigensystem.to_eigenbasis(o)
    a1 = g.to_eigenbasis(o)
    assert np.abs(a1 - a0).max() > 1e-6 * np.abs(a0).max()
    # ... while the spectrum-resolved invariant |<a|O|b>|^2 summed over degenerate blocks is
    blocks = s.eigensystem.groups()
    for i in blocks:
        for j in blocks:
            w0 = np.sum(np.abs(a0[np.ix_(i, j)]) ** 2)
            w1 = np.sum(np.abs(a1[np.ix_(i, j)]) ** 2)
            assert abs(w0 - w1) <= 1e-10 * max(1.0, w0)
