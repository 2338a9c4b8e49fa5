"""Banded kernels equal dense products (exact rewritings: rounding-level agreement, 1e-13
relative to the operands' scale)."""
import numpy as np
import pytest

from lrtheory.kernels.banded import (band_diagonals, banded_matmul, banded_site_trace,
                                     half_bandwidth, near_diagonals)
from lrtheory.models import haldane


def _banded(rng, Nk, n, w):
    A = rng.normal(size=(Nk, n, n)) + 1j * rng.normal(size=(Nk, n, n))
    i, j = np.indices((n, n))
    return np.where(np.abs(i - j) <= w, A, 0)


@pytest.mark.parametrize("n,w", [(1, 0), (5, 0), (9, 2), (12, 11), (20, 3)])
def test_banded_kernels_equal_dense(rng, n, w):
    A = _banded(rng, 3, n, w)
    assert half_bandwidth(A) == w
    X = rng.normal(size=(3, n, n)) + 1j * rng.normal(size=(3, n, n))
    P = rng.normal(size=(3, n, n)) + 1j * rng.normal(size=(3, n, n))
    np.testing.assert_allclose(banded_matmul(A, X, w), A @ X, rtol=0, atol=1e-13 * n)
    diags = near_diagonals(X, P, w)
    M = X @ P
    for d, val in diags.items():
        np.testing.assert_allclose(val, np.diagonal(M, offset=-d, axis1=1, axis2=2),
                                   rtol=0, atol=1e-13 * n)
    np.testing.assert_allclose(banded_site_trace(A, diags, w),
                               np.einsum("kii->ki", A @ M), rtol=0, atol=1e-12 * n)
    np.testing.assert_array_equal(banded_site_trace(band_diagonals(A, w), diags, w),
                                  banded_site_trace(A, diags, w))
    np.testing.assert_allclose(banded_site_trace(None, diags, w),
                               np.einsum("kii->ki", M), rtol=0, atol=1e-13 * n)


def test_a_wrong_bandwidth_is_caught_by_the_comparison(rng):
    """Counter-check: with w one too small the banded product differs from the dense one."""
    A = _banded(rng, 2, 10, 3)
    X = rng.normal(size=(2, 10, 10)) + 0j
    assert np.abs(banded_matmul(A, X, 2) - A @ X).max() > 1e-3


def test_haldane_ribbon_is_banded():
    rib = haldane(1, 0.06, np.pi / 2, 0.5).ribbon(40)
    k = rib.k_grid(8)
    H, V = rib.hamiltonian_and_velocity(k)
    w = half_bandwidth(H, V[:, 0])
    assert 1 <= w <= 4 < rib.n_orbitals // 10  # fixed by the hopping range, not by W
