"""SymPy-matrix Bloch models: Haldane typed as the matrix S42 equals the hopping-list model;
broadcasting of constant entries; Hermiticity and parameter errors.

Reference: lrtheory.models.haldane.haldane (hopping list, Eq. 53) against the paper's
k-space matrix (S42) typed in SymPy; both are the atomic-position convention with A at 0
and B at delta_1, so H(k) and dH/dk agree entry by entry to rounding (TOL).
"""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from lrtheory.errors import ModelError, SymmetryError
from lrtheory.models.haldane import DELTAS, LATTICE, haldane
from lrtheory.models.protocol import BlochModel
from lrtheory.models.sympy_model import MissingGeometryError, SympyBlochModel
from tests.tolerances import TOL

kx, ky, t0, t2, phi, delta = sp.symbols("kx ky t0 t2 phi delta")


def haldane_matrix() -> sp.Matrix:
    """Paper Eq. S42: [[Delta + 2 t2 beta^a, -t0 gamma], [-t0 gamma^*, -Delta + 2 t2 beta^b]]."""
    k = sp.Matrix([kx, ky])
    s3 = sp.sqrt(3)
    d = [sp.Matrix([sp.Rational(1, 2), 1 / (2 * s3)]), sp.Matrix([-sp.Rational(1, 2), 1 / (2 * s3)]),
         sp.Matrix([0, -1 / s3])]
    ls = [sp.Matrix([1, 0]), sp.Matrix([-sp.Rational(1, 2), s3 / 2]),
          sp.Matrix([-sp.Rational(1, 2), -s3 / 2])]
    gamma = sum(sp.exp(sp.I * k.dot(v)) for v in d)
    ba = sum(sp.cos(k.dot(v) + phi) for v in ls)
    bb = sum(sp.cos(k.dot(v) - phi) for v in ls)
    return sp.Matrix([[delta + 2 * t2 * ba, -t0 * gamma],
                      [-t0 * sp.conjugate(gamma), -delta + 2 * t2 * bb]])


@pytest.fixture(scope="module")
def sym_haldane():
    return SympyBlochModel(haldane_matrix(), dict(t0=1.0, t2=0.06, phi=np.pi / 2, delta=0.5),
                           lattice_vectors=LATTICE, positions=[[0, 0], DELTAS[0]],
                           name="Haldane (SymPy)")


@pytest.mark.parametrize("p", [dict(t0=1.0, t2=0.06, phi=np.pi / 2, delta=0.5),
                               dict(t0=0.8, t2=0.2, phi=0.3, delta=-0.1),
                               dict(t0=1.0, t2=0.0, phi=1.0, delta=0.5)])
def test_matches_hopping_list_haldane(sym_haldane, p, rng):
    model = sym_haldane.with_params(**p)
    ref = haldane(**p)
    k = rng.uniform(-2 * np.pi, 2 * np.pi, size=(64, 2))
    np.testing.assert_allclose(model.hamiltonian(k), ref.hamiltonian(k), **TOL)
    np.testing.assert_allclose(model.velocity(k), ref.velocity(k), **TOL)
    np.testing.assert_allclose(np.linalg.eigvalsh(model.hamiltonian(k)),
                               np.linalg.eigvalsh(ref.hamiltonian(k)), **TOL)
    assert isinstance(model, BlochModel)


def test_batch_shapes_and_constant_entries(rng):
    """A constant entry must broadcast to the k-batch shape (lambdify returns a scalar)."""
    m = sp.Symbol("m")
    H = sp.Matrix([[m, sp.cos(kx)], [sp.cos(kx), -m]])  # H[0,0] does not depend on k
    model = SympyBlochModel(H, {"m": 0.3}, dim=2)
    k = rng.normal(size=(3, 4, 2))
    h = model.hamiltonian(k)
    assert h.shape == (3, 4, 2, 2)
    np.testing.assert_allclose(h[..., 0, 0], 0.3, **TOL)
    np.testing.assert_allclose(h[..., 0, 1], np.cos(k[..., 0]), **TOL)
    v = model.velocity(k)
    assert v.shape == (3, 4, 2, 2, 2)
    np.testing.assert_allclose(v[..., 0, 0, 1], -np.sin(k[..., 0]), **TOL)
    np.testing.assert_allclose(v[..., 1, :, :], 0.0, **TOL)   # no ky dependence
    assert "def " in model.source and "cos" in model.source  # generated code kept for audit


def test_velocity_is_derivative(sym_haldane, rng):
    """dH/dk by sympy.diff against a central difference of H (error ~ h^2 |H'''| ~ 1e-9)."""
    k = rng.normal(size=(5, 2))
    h = 1e-5
    for a in range(2):
        dk = np.zeros(2)
        dk[a] = h
        fd = (sym_haldane.hamiltonian(k + dk) - sym_haldane.hamiltonian(k - dk)) / (2 * h)
        np.testing.assert_allclose(sym_haldane.velocity(k)[:, a], fd, rtol=0, atol=1e-8)


def test_errors():
    with pytest.raises(ModelError, match=r"not Hermitian: H\[0,1\]"):
        SympyBlochModel(sp.Matrix([[0, sp.exp(sp.I * kx)], [sp.exp(sp.I * kx), 0]]), dim=1)
    with pytest.raises(ModelError, match=r"unknown parameter\(s\) \['t3'\]"):
        SympyBlochModel(haldane_matrix(), dict(t0=1, t2=0, phi=0, delta=0, t3=1))
    with pytest.raises(ModelError, match=r"missing value for parameter\(s\) \['delta'\]"):
        SympyBlochModel(haldane_matrix(), dict(t0=1, t2=0, phi=0))
    with pytest.raises(ModelError, match="uses \\['ky'\\] but the model has dim=1"):
        SympyBlochModel(sp.Matrix([[sp.cos(ky)]]), dim=1)
    model = SympyBlochModel(sp.Matrix([[sp.cos(kx)]]), dim=1)
    with pytest.raises(MissingGeometryError, match="no orbital positions"):
        model.positions
    assert not model.has_positions and model.lattice_vectors is None


def test_time_reversal_checked(sym_haldane):
    with pytest.raises(SymmetryError, match="not a symmetry"):
        SympyBlochModel(haldane_matrix(), dict(t0=1, t2=0.1, phi=1.0, delta=0.2),
                        time_reversal=np.eye(2))
    m = SympyBlochModel(haldane_matrix(), dict(t0=1, t2=0.0, phi=1.0, delta=0.2),
                        time_reversal=np.eye(2))
    np.testing.assert_array_equal(m.time_reversal, np.eye(2))
