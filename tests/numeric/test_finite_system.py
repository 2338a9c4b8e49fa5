"""FiniteSystem / TimeReversal / Eigensystem: validation, TR checks, eigensystem reuse."""
from __future__ import annotations

import numpy as np
import pytest

from lrtheory.errors import LrtheoryError, ModelError, ShapeError, SymmetryError
from lrtheory.finite import Eigensystem, FiniteSystem, TimeReversal, random_gauge
from lrtheory.finite.random_systems import (
    random_hermitian,
    random_kramers_hermitian,
    random_tr_operator,
    spin_major_to_site_major,
)
from lrtheory.finite.system import degenerate_groups

SY = np.array([[0, -1j], [1j, 0]])


def test_non_hermitian_rejected(rng):
    h = rng.normal(size=(3, 3))
    with pytest.raises(ModelError, match="not Hermitian"):
        FiniteSystem(h, np.zeros((3, 1)))


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_inf_rejected(bad):
    h = np.eye(2)
    h[0, 0] = bad
    with pytest.raises(ModelError, match="hamiltonian H contains NaN or inf"):
        FiniteSystem(h, np.zeros((2, 1)))
    with pytest.raises(ModelError, match="positions contain NaN or inf"):
        FiniteSystem(np.eye(2), [[0.0], [bad]])


def test_shape_mismatch_messages():
    with pytest.raises(ShapeError, match="site-major"):
        FiniteSystem(np.eye(4), np.zeros((3, 2)))
    with pytest.raises(ShapeError, match="d in 1..3"):
        FiniteSystem(np.eye(2), np.zeros((2, 4)))
    with pytest.raises(ShapeError, match="square"):
        FiniteSystem(np.ones((2, 3)), np.zeros((2, 1)))
    with pytest.raises(ShapeError, match="n_internal"):
        FiniteSystem(np.eye(2), np.zeros((2, 1)), n_internal=0)
    with pytest.raises(ShapeError, match="needs n_internal=2"):
        FiniteSystem(np.eye(2), np.zeros((2, 1)), time_reversal="spinful")


def test_claimed_tr_that_h_breaks(rng):
    h = random_hermitian(4, rng)  # complex: breaks Theta = K
    with pytest.raises(SymmetryError, match="not a symmetry of H"):
        FiniteSystem(h, np.zeros((4, 1)), time_reversal="spinless")
    with pytest.raises(SymmetryError, match="not a symmetry of H"):
        FiniteSystem(h, np.zeros((2, 1)), n_internal=2, time_reversal="spinful")
    with pytest.raises(LrtheoryError, match="time_reversal must be"):
        FiniteSystem(h.real, np.zeros((4, 1)), time_reversal="bogus")


def test_tr_operator_checks():
    # not unitary
    with pytest.raises(SymmetryError, match="not unitary"):
        TimeReversal(2 * np.eye(2))
    # unitary but Theta^2 != +-1: U = diag(1, i) gives U U^* = 1, so use a phase mix
    u = np.array([[0, 1], [1j, 0]])  # U U^* = [[-i, 0], [0, i]]
    with pytest.raises(SymmetryError, match=r"Theta\^2"):
        TimeReversal(u)
    assert TimeReversal.spinless(3).square == 1
    assert TimeReversal.spinful(3).square == -1


def test_spinful_convention_matches_spin_major_kron():
    """U = 1_sites (x) i sigma_y (site-major) is i sigma_y (x) 1_sites permuted (spin-major)."""
    ns = 3
    u_site = TimeReversal.spinful(ns).unitary
    u_spin = np.kron(1j * SY, np.eye(ns))
    p = spin_major_to_site_major(ns)
    np.testing.assert_allclose(u_site, u_spin[np.ix_(p, p)], atol=1e-15)


def test_spin_and_velocity_are_tr_odd(rng):
    """Spin sigma/2 and v = i[H, r] are TR odd, r is TR even (conventions.TR_PARITY)."""
    from lrtheory.conventions import TR_PARITY
    from lrtheory.finite import observables as obs

    ns = 4
    s = FiniteSystem(random_kramers_hermitian(ns, rng), rng.normal(size=(ns, 2)), 2, "spinful")
    for a in "xyz":
        assert s.tr_signature(obs.spin_operator(s, a)) == TR_PARITY["spin"]
    for c in range(2):
        assert s.tr_signature(obs.velocity(s)[c]) == TR_PARITY["velocity"]
        assert s.tr_signature(obs.position(s)[c]) == TR_PARITY["position"]
    assert s.tr_signature(obs.orbital_moment(s)) == TR_PARITY["orbital_moment"]
    assert s.tr_signature(random_hermitian(2 * ns, rng)) is None


def test_user_given_unitary(rng):
    """A user-given U: Theta = U K with U = diag phases (Theta^2 = 1) on a gauge-rotated H."""
    n = 5
    phases = np.exp(1j * rng.uniform(0, 2 * np.pi, n))
    w = np.diag(np.exp(0.5j * np.angle(phases)))  # H' = W H_real W^dag is symmetric under U K
    h = w @ rng.normal(size=(n, n)) @ w.conj().T
    h = h + h.conj().T
    s = FiniteSystem(h, np.arange(n), time_reversal=np.diag(phases))
    assert s.time_reversal.square == 1
    assert s.time_reversal.is_symmetry_of(h)


def test_eigensystem_computed_once_and_checked(rng):
    h = random_hermitian(6, rng)
    s = FiniteSystem(h, np.zeros((6, 1)))
    assert s.eigensystem is s.eigensystem
    e = s.eigensystem
    np.testing.assert_allclose(h @ e.states, e.states * e.energies, atol=1e-12)
    bad = Eigensystem(e.energies, np.eye(6))
    with pytest.raises(ModelError, match="does not diagonalize"):
        bad.check(s.hamiltonian)
    g = random_gauge(e, rng)
    g.check(s.hamiltonian)


def test_degenerate_groups():
    groups = degenerate_groups(np.array([0.0, 1e-12, 1.0, 2.0, 2.0 + 1e-10]))
    assert [list(g) for g in groups] == [[0, 1], [2], [3, 4]]


def test_kramers_degeneracy_of_random_model(rng):
    """Kramers theorem (Theta^2 = -1): every level of a TR-invariant spinful H is degenerate."""
    s = FiniteSystem(random_kramers_hermitian(5, rng), np.zeros((5, 1)), 2, "spinful")
    e = s.eigensystem.energies
    np.testing.assert_allclose(e[0::2], e[1::2], atol=1e-12)
    # and a TR-odd operator of the right parity is recognised
    a = random_tr_operator(s, rng, -1)
    assert s.tr_signature(a) == -1
