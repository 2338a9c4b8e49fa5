"""Finite-system Kubo engine against a plain double-loop reference implementation.

Expected values: Eq. (17)-(18) summed with explicit Python loops over state pairs (an
independent implementation kept here, as in WannierBerri's test calculators), and
elementary limits (two-level system in closed form). Tolerance TOL_NUMERIC on sums of
O(N^2) terms.
"""
from __future__ import annotations

import numpy as np
import pytest

from lrtheory.errors import ConventionError, ShapeError
from lrtheory.finite import FiniteSystem
from lrtheory.finite import observables as obs
from lrtheory.finite import response as R
from lrtheory.kernels.occupation import fermi
from lrtheory.finite.random_systems import random_hermitian, random_system

from tests.conftest import TOL_NUMERIC


def chi_reference(s: FiniteSystem, a, b, eta, omega=0.0, temperature=0.0, ef=0.0):
    """chi_{A,B} = sum_{ab} (f_a - f_b)/(e_a - e_b + omega + i eta) <a|A|b><b|B|a>, by loops."""
    e, u = np.linalg.eigh(s.hamiltonian)
    f = fermi(e, ef, temperature)
    total = 0.0j
    for i in range(len(e)):
        for j in range(len(e)):
            aij = u[:, i].conj() @ a @ u[:, j]
            bji = u[:, j].conj() @ b @ u[:, i]
            total += (f[i] - f[j]) / (e[i] - e[j] + omega + 1j * eta) * aij * bji
    return total


@pytest.mark.parametrize("kind", ["spinless", "broken_spinful"])
@pytest.mark.parametrize("params", [dict(eta=0.1), dict(eta=0.03, omega=0.4, temperature=0.2,
                                                          ef=0.3)])
def test_response_matches_loop_reference(kind, params, rng):
    s = random_system(kind, 3, rng)
    a = np.stack([random_hermitian(s.n_states, rng) for _ in range(2)])
    b = obs.position(s)
    got = R.response(s, a, b, **params)
    assert got.shape == (2, 2)
    for i in range(2):
        for j in range(2):
            ref = chi_reference(s, a[i], b[j], **params)
            np.testing.assert_allclose(got[i, j], ref, **TOL_NUMERIC)


def test_site_density_response_matches_explicit_stack(rng):
    """The einsum-over-eigenvectors path equals chi of explicitly built {O, P_i}/2."""
    s = random_system("broken_spinful", 4, rng, d=3)
    o = random_hermitian(s.n_states, rng)
    kw = dict(eta=0.07, temperature=0.1, ef=-0.2, omega=0.3)
    fast = R.site_density_response(s, o, **kw)
    slow = R.response(s, obs.density(s, o), obs.position(s), **kw)
    np.testing.assert_allclose(fast, slow, **TOL_NUMERIC)
    ident = R.site_density_response(s, None, **kw)
    np.testing.assert_allclose(ident, R.response(s, obs.site_projectors(s), obs.position(s), **kw),
                               **TOL_NUMERIC)


def test_parts_add_up_and_static_is_real(rng):
    s = random_system("broken", 6, rng)
    o = random_hermitian(s.n_states, rng)
    kw = dict(eta=0.05, temperature=0.02, ef=0.1)
    parts = R.accumulation_parts(s, o, [0.3, -1.0], **kw)
    tot = R.density_accumulation(s, o, [0.3, -1.0], **kw)
    assert tot.dtype.kind == "f"
    np.testing.assert_allclose(parts["undergap"] + parts["fermi"], tot, **TOL_NUMERIC)
    # the static imaginary parts vanish identically (a <-> b plus conjugation)
    for part in R.PARTS:
        chi = R.site_density_response(s, o, part=part, **kw)
        assert np.abs(chi.imag).max() <= 1e-12 * max(1.0, np.abs(chi).max())


def test_lindhard_parts():
    """Re L = (f_a-f_b) D/(D^2+eta^2), i Im L = -i(f_a-f_b) eta/(D^2+eta^2) (Eq. 26, S8)."""
    e = np.array([-1.0, 0.5])
    eta = 0.2
    L = R.lindhard(e, eta=eta)
    d = -1.5
    np.testing.assert_allclose(L[0, 1], 1.0 / (d + 1j * eta), rtol=1e-14)
    np.testing.assert_allclose(R.lindhard(e, eta=eta, part="undergap")[0, 1], d / (d**2 + eta**2))
    np.testing.assert_allclose(R.lindhard(e, eta=eta, part="fermi")[0, 1],
                               -1j * eta / (d**2 + eta**2))


def test_two_level_polarizability():
    """Two sites at x = +-1/2 with hopping -t: static chi_{x,x} = -2 |x_01|^2 * 2t/((2t)^2+eta^2).

    Closed form: levels -t (bonding, occupied) and +t; x_01 = 1/2. Then
    chi = sum (f_a-f_b)/(e_a-e_b+i eta) |x_ab|^2 = (1/4)[1/(-2t+i eta) - 1/(2t+i eta)]
    = -(1/4) 4t/(4t^2+eta^2): the static polarizability alpha = -e^2 chi > 0.
    """
    t, eta = 0.7, 0.05
    s = FiniteSystem(np.array([[0, -t], [-t, 0]]), [[-0.5], [0.5]], time_reversal="spinless")
    chi = R.response(s, obs.position(s)[0], obs.position(s)[0], eta=eta)
    np.testing.assert_allclose(chi, -t / (4 * t**2 + eta**2), rtol=1e-13)
    # charge accumulation on the two sites: delta n_q(i) = q e chi_{P_i, x} E
    dn = R.density_accumulation(s, -np.eye(2), [1.0], eta=eta)
    # P_1 - P_0 = 2x, so dn(1) - dn(0) = 2 q chi_{x,x} E and the total is zero
    np.testing.assert_allclose(dn[1] - dn[0], 2 * (-1) * chi.real, rtol=1e-12)
    assert abs(dn.sum()) < 1e-15


def test_eigensystem_override_used(rng):
    from lrtheory.finite import random_gauge

    s = random_system("spinful", 3, rng)
    g = random_gauge(s.eigensystem, rng)
    o = obs.spin_operator(s, "z")
    a = R.density_accumulation(s, o, [1.0, 0.0], eta=0.1, eigensystem=g)
    b = R.density_accumulation(s, o, [1.0, 0.0], eta=0.1)
    np.testing.assert_allclose(a, b, **TOL_NUMERIC)


def test_response_errors(rng):
    s = random_system("spinless", 3, rng)
    r = obs.position(s)
    with pytest.raises(ConventionError, match="eta must be > 0"):
        R.response(s, r, r, eta=0.0)
    with pytest.raises(ConventionError, match="temperature"):
        R.response(s, r, r, eta=0.1, temperature=-1.0)
    with pytest.raises(ConventionError, match="part"):
        R.response(s, r, r, eta=0.1, part="intraband")
    with pytest.raises(ShapeError, match="field"):
        R.density_accumulation(s, None, [1.0, 0.0, 0.0], eta=0.1)
    with pytest.raises(ShapeError, match="A must have shape"):
        R.response(s, np.eye(2), r, eta=0.1)
    from lrtheory.errors import LrtheoryError

    with pytest.raises(LrtheoryError, match="NaN"):
        R.response(s, r * np.nan, r, eta=0.1)
