"""lrtheory.models.time_reversal: one TimeReversal value, one deviation, one tolerance rule,
used by every model class and by finite systems."""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from lrtheory.conventions import SYMMETRY_RTOL
from lrtheory.errors import ModelError, ShapeError, SymmetryError
from lrtheory.models.continuum import PAULI, MassiveDirac, RashbaGas
from lrtheory.models.haldane import haldane
from lrtheory.models.sympy_model import SympyBlochModel
from lrtheory.models.tightbinding import TightBindingModel
from lrtheory.models.time_reversal import TimeReversal, symmetry_deviation, tr_sample


def test_squares_and_array_view():
    assert TimeReversal.spinless(3).square == +1
    assert TimeReversal.spinful(2).square == -1
    tr = TimeReversal(1j * PAULI[1])
    np.testing.assert_array_equal(np.asarray(tr), 1j * PAULI[1])
    np.testing.assert_array_equal(tr.U, tr.unitary)
    assert tr.tile(3).dim == 6 and tr.tile(3).square == -1
    np.testing.assert_array_equal(tr.tile(2).U, np.kron(np.eye(2), 1j * PAULI[1]))


def test_coerce():
    assert TimeReversal.coerce(None, 2) is None
    tr = TimeReversal.coerce(np.eye(2), 2)
    assert isinstance(tr, TimeReversal) and TimeReversal.coerce(tr, 2) is tr
    with pytest.raises(ShapeError, match=r"shape \(2, 2\)"):
        TimeReversal.coerce(np.eye(3), 2)
    with pytest.raises(ShapeError):
        TimeReversal.coerce(TimeReversal.spinless(3), 2)
    with pytest.raises(ModelError, match="not unitary"):
        TimeReversal.coerce(2 * np.eye(2), 2)
    with pytest.raises(ModelError, match="numeric"):
        TimeReversal.coerce([["a", 0], [0, 1]], 2)


def test_deviation_of_bloch_models():
    """Real hoppings: Theta = K holds exactly; t2 e^{i phi} with sin(phi) != 0 breaks it by
    O(t2) (H_AA(k) - H_AA(-k)^* = -4 t2 sin(phi) sum_n sin(k.l_n))."""
    theta = TimeReversal.spinless(2)
    assert theta.deviation(haldane(t2=0.0, delta=0.3)) < 1e-15
    assert theta.deviation(haldane(t2=0.1, phi=0.0, delta=0.3)) < 1e-15
    assert theta.deviation(haldane(t2=0.1, phi=np.pi / 2, delta=0.3)) > 0.01
    assert theta.holds(haldane(t2=0.0)) and not theta.holds(haldane(t2=0.1))


def test_the_rule_is_relative_to_the_energy_scale():
    theta = TimeReversal.spinless(2)
    a = theta.deviation(haldane(t0=1.0, t2=0.1, phi=1.0))
    b = theta.deviation(haldane(t0=1e-6, t2=1e-7, phi=1.0))
    c = theta.deviation(haldane(t0=1e6, t2=1e5, phi=1.0))
    assert a > 0.01 and b == pytest.approx(a, rel=1e-9) and c == pytest.approx(a, rel=1e-9)
    # a TR-breaking part just below / above the tolerance
    H = np.array([[1.0, 0.5], [0.5, -1.0]], complex)
    small = H + np.array([[0, 1j], [-1j, 0]]) * 0.4 * SYMMETRY_RTOL
    large = H + np.array([[0, 1j], [-1j, 0]]) * 4 * SYMMETRY_RTOL
    assert theta.holds(small) and not theta.holds(large)
    assert theta.deviation(np.zeros((2, 2))) == 0.0


def test_check_is_one_line_naming_the_place():
    theta = TimeReversal.spinless(2)
    with pytest.raises(SymmetryError) as err:
        theta.check(haldane(t2=0.1), where="my model", hint="drop it")
    msg = str(err.value)
    assert msg.startswith("my model: ") and "not a symmetry of H" in msg and "\n" not in msg
    assert msg.endswith("drop it")
    theta.check(haldane(), where="gapped graphene")  # holds: no error
    with pytest.raises(ShapeError, match="acts on 2"):
        theta.check(np.eye(3), where="x")


def test_fixed_sample():
    k = tr_sample(2)
    assert k.shape == (8, 2) and np.all(np.abs(k) < np.pi)
    assert np.array_equal(k, tr_sample(2))


def test_models_store_a_time_reversal():
    m = haldane(t2=0.0)
    assert isinstance(m.time_reversal, TimeReversal)
    rib = m.ribbon(3)
    np.testing.assert_array_equal(rib.time_reversal.U, np.eye(6))
    assert haldane(t2=0.1).time_reversal is None
    assert isinstance(RashbaGas().time_reversal, TimeReversal)
    assert RashbaGas().time_reversal.holds(RashbaGas(alpha=0.7))
    assert MassiveDirac().time_reversal is None
    assert not TimeReversal.spinless(2).holds(MassiveDirac(delta=0.3))
    # a bare U is converted; a false claim is refused at construction
    tb = TightBindingModel(np.eye(2), np.zeros((1, 2)), [(0, 0, (1, 0), 0.5)],
                           time_reversal=np.eye(1))
    assert isinstance(tb.time_reversal, TimeReversal)
    with pytest.raises(SymmetryError, match="not a symmetry"):
        TightBindingModel(np.eye(2), np.zeros((1, 2)), [(0, 0, (1, 0), 0.5j)],
                          time_reversal=np.eye(1))
    assert haldane(t2=0.0).with_time_reversal(None).time_reversal is None
    with pytest.raises(SymmetryError, match="not a symmetry"):
        haldane(t2=0.1).with_time_reversal(np.eye(2))


def test_sympy_model_uses_the_same_rule():
    kx = sp.Symbol("kx", real=True)
    m = SympyBlochModel(sp.Matrix([[sp.cos(kx)]]), dim=1, time_reversal=np.eye(1))
    assert isinstance(m.time_reversal, TimeReversal)
    with pytest.raises(SymmetryError, match="not a symmetry"):
        SympyBlochModel(sp.Matrix([[sp.sin(kx)]]), dim=1, time_reversal=np.eye(1))
    m2 = SympyBlochModel(sp.Matrix([[sp.sin(kx)]]), dim=1).with_time_reversal(None)
    assert m2.time_reversal is None


def test_finite_systems_share_the_class():
    from lrtheory.finite import FiniteSystem
    from lrtheory.finite import TimeReversal as FiniteTR

    assert FiniteTR is TimeReversal
    h = np.array([[0.0, 1j], [-1j, 0.0]])
    with pytest.raises(SymmetryError, match="not a symmetry of H"):
        FiniteSystem(h, np.zeros((2, 1)), time_reversal="spinless")
    assert FiniteSystem(h.real, np.zeros((2, 1)), time_reversal="spinless").is_tr_invariant


def test_any_antiunitary_symmetry_by_the_same_rule():
    """The zigzag Haldane ribbon: M_x Theta (x -> -x, k -> k) acts k-locally with U = 1
    (docs/haldane.md: H(k)^* = H(k) for every phi: M_x and Theta each reverse the t2 flux),
    Theta alone (k -> -k) does not for sin(phi) != 0. The Rashba gas: K alone with k -> k is
    no symmetry (sigma_y^* = -sigma_y), i sigma_y K with k -> -k is. One function, one rule."""
    n = 8
    U = np.eye(n)
    for phi in (np.pi / 2, 1.0):
        rib = haldane(t2=0.1, phi=phi, delta=0.2).ribbon(4)
        assert symmetry_deviation(rib, U, antiunitary=True, k_map=+1) < 1e-15
        assert symmetry_deviation(rib, U, antiunitary=True, k_map=-1) == pytest.approx(
            TimeReversal.spinless(n).deviation(rib), rel=1e-15)
        assert symmetry_deviation(rib, U, antiunitary=True, k_map=-1) > 0.01
        assert symmetry_deviation(rib, U, antiunitary=False, k_map=1) == 0.0  # the identity
        assert symmetry_deviation(rib, U, antiunitary=False, k_map=1, sign=-1) > 0.5
    gas = RashbaGas(alpha=0.5)
    assert symmetry_deviation(gas, np.eye(2), antiunitary=True, k_map=+1) > 0.1
    assert symmetry_deviation(gas, 1j * PAULI[1], antiunitary=True, k_map=-1) < 1e-15


def test_permutation_fast_path_equals_the_dense_products():
    """transform and the construction checks take an O(n^2) route for U a permutation with
    phases (spinless, spinful, ribbon tilings): same result as U A^* U^dagger."""
    rng = np.random.default_rng(3)
    A = rng.normal(size=(2, 6, 6)) + 1j * rng.normal(size=(2, 6, 6))
    swap = np.zeros((6, 6))
    swap[[0, 1, 2, 3, 4, 5], [3, 5, 4, 0, 2, 1]] = [1, -1, 1, 1, 1, -1]  # involution, U U^* = 1
    for U in (TimeReversal.spinful(3).U, swap):
        tr = TimeReversal(U)
        np.testing.assert_allclose(tr.transform(A), U @ A.conj() @ U.conj().T, atol=1e-15)
    general = np.kron(np.eye(3), [[np.cos(0.3), np.sin(0.3)], [np.sin(0.3), -np.cos(0.3)]])
    tr = TimeReversal(general)  # a real reflection: U U^* = U^2 = 1, not a permutation
    np.testing.assert_allclose(tr.transform(A), general @ A.conj() @ general.T, atol=1e-14)
    with pytest.raises(SymmetryError, match="not unitary"):
        TimeReversal(np.array([[1.0, 0.0], [1.0, 0.0]]))  # one column twice
    with pytest.raises(SymmetryError, match="Theta"):
        TimeReversal(np.diag([1.0, 1j]) @ np.array([[0, 1], [1, 0]]))


def test_wannier90_models_check_with_their_own_hamiltonian():
    from lrtheory.io.wannier90 import Wannier90Model

    m = haldane(t2=0.0)
    w = Wannier90Model(m.lattice_vectors, m.positions, m.hoppings, m.onsite, np.eye(2))
    assert isinstance(w.time_reversal, TimeReversal)
    b = haldane(t2=0.1)
    with pytest.raises(SymmetryError, match="not a symmetry"):
        Wannier90Model(b.lattice_vectors, b.positions, b.hoppings, b.onsite, np.eye(2))
