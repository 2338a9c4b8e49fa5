"""Why the intraband J_x(y) of a nearest-neighbour zigzag ribbon is even in y (Fig. 2d).

Derivation (docs/haldane.md, Figure 2): at fixed k the NN zigzag ribbon is a tridiagonal
chain A1 -h- B1 -t- A2 -h- ... -h- B_W with on-site +Delta (A), -Delta (B). For a Jacobi
matrix, psi_i psi_{i+1} = b_i P_{1..i-1}(e) P_{i+2..N}(e) / P'_N(e) (P: characteristic
polynomials of the sub-chains). The sub-chains left of bond c (c-1 full cells) and right of
it (W-c full cells) are translates of the sub-chains right and left of bond W+1-c, so every
eigenstate has psi_A(c) psi_B(c) = psi_A(W+1-c) psi_B(W+1-c): the x-bond current of each
state, hence any Fermi-surface J_x(y), is mirror-even. Next-nearest-neighbour hopping (t2)
breaks the tridiagonal structure and the property (counter-example below).
"""
import numpy as np
import pytest

from lrtheory.models import haldane


def _bond_products(model, k):
    """psi_A(c) psi_B(c)^* for every cell c and eigenstate (Nk, W, n), cells along y."""
    e, U = np.linalg.eigh(model.hamiltonian(k))
    # ribbon orbital order: cell c has A at 2c, B at 2c+1 (TightBindingModel.ribbon)
    return U[:, 0::2, :] * np.conj(U[:, 1::2, :]), e


@pytest.mark.parametrize("delta", [0.0, 0.5, 1.3])
def test_nn_zigzag_bond_products_mirror_symmetric(delta, rng):
    rib = haldane(1, 0.0, 0.0, delta).ribbon(9)
    k = rng.uniform(-np.pi, np.pi, size=(12, 1))
    u, e = _bond_products(rib, k)
    # skip (nearly) degenerate levels where single eigenvectors are not unique
    gaps = np.diff(e, axis=1)
    ok = np.ones_like(e, bool)
    ok[:, 1:] &= gaps > 1e-8
    ok[:, :-1] &= gaps > 1e-8
    mirrored = u[:, ::-1, :]
    diff = np.abs(np.abs(u) - np.abs(mirrored)).max(axis=1)  # (Nk, n)
    assert diff[ok].max() < 1e-10
    # the products themselves (not only moduli) agree: real up to a common phase per state
    np.testing.assert_allclose((u * np.conj(mirrored)).imag[ok[:, None, :].repeat(9, 1)], 0.0,
                               atol=1e-10)


def test_counterexample_nnn_hopping_breaks_it(rng):
    rib = haldane(1, 0.1, 0.0, 0.5).ribbon(9)  # t2 != 0: not tridiagonal
    k = rng.uniform(-np.pi, np.pi, size=(12, 1))
    u, _ = _bond_products(rib, k)
    assert np.abs(np.abs(u) - np.abs(u[:, ::-1, :])).max() > 1e-3
