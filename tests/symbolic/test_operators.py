"""Symbolic operators: TR transform, signatures, Hermiticity (Eq. 19), exact systems."""
from __future__ import annotations

import pytest
import sympy as sp

from lrtheory.errors import ConventionError, ModelError
from lrtheory.symbolic.operators import (
    SymbolicOperator, generic_hermitian, hermiticity_residual, kramers_u, project_tr_parity,
    spinless_u, tr_signature, tr_state, tr_transform,
)
from lrtheory.symbolic.systems import kramers_system


def test_kramers_theta_squared_is_minus_one():
    U = kramers_u(2)
    psi = sp.Matrix(sp.symbols("p0:4"))
    assert (tr_state(tr_state(psi, U), U) + psi).applyfunc(sp.expand).is_zero_matrix


def test_parities_of_standard_operators():
    # spin-1/2: sigma_i TR-odd; position-like (identity on spin) TR-even
    U = kramers_u(1)
    sx, sy, sz = (sp.Matrix([[0, 1], [1, 0]]), sp.Matrix([[0, -sp.I], [sp.I, 0]]),
                  sp.Matrix([[1, 0], [0, -1]]))
    assert all(tr_signature(s, U) == -1 for s in (sx, sy, sz))
    assert tr_signature(sp.eye(2) * 3, U) == 1
    # spinless: real symmetric even, imaginary antisymmetric (angular momentum) odd
    assert tr_signature(generic_hermitian(3, "r", real=True), spinless_u(3)) == 1
    assert tr_signature(generic_hermitian(3, "l", imaginary=True), spinless_u(3)) == -1
    assert tr_signature(sp.Matrix([[0, 1 + sp.I], [1 - sp.I, 0]]), spinless_u(2)) is None


@pytest.mark.parametrize("lam", [1, -1])
def test_projection_has_declared_parity(lam):
    U = kramers_u(2)
    A = project_tr_parity(generic_hermitian(4, "x"), U, lam)
    op = SymbolicOperator("A", A, lam)
    assert op.check_parity(U)
    assert (tr_transform(A, U) - lam * A).applyfunc(sp.expand).is_zero_matrix


def test_hermiticity_eq19_on_kramers_basis():
    ks = kramers_system()
    assert hermiticity_residual(generic_hermitian(4, "h"), ks.V).is_zero_matrix


def test_errors():
    with pytest.raises(ConventionError, match="parity"):
        SymbolicOperator("A", sp.eye(2), 0)
    with pytest.raises(ModelError, match="not Hermitian"):
        SymbolicOperator("A", sp.Matrix([[0, 1], [0, 0]]), 1)
    with pytest.raises(ConventionError, match="unknown operator kind"):
        SymbolicOperator.standard("banana", sp.eye(2))
    assert SymbolicOperator.standard("spin", sp.eye(2)).parity == -1
