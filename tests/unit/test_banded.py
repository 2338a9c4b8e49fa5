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


@pytest.mark.parametrize("n,m,w", [(1, 1, 0), (7, 3, 2), (16, 5, 3)])
def test_column_products_and_hermitian_traces_equal_dense(rng, n, m, w):
    """``U diag(r) U^dagger`` near diagonals from the column products, the diagonal of
    ``U^dagger A U`` and the site traces of two Hermitian matrices from their diagonals
    d >= 0, against the dense products (rounding, 1e-13 relative)."""
    from lrtheory.kernels.banded import column_products, hermitian_site_trace

    U = rng.normal(size=(3, n, m)) + 1j * rng.normal(size=(3, n, m))
    r = rng.normal(size=(3, m))
    A = _banded(rng, 3, n, w)
    A = A + np.conj(np.swapaxes(A, -1, -2))  # Hermitian, half-bandwidth w
    P = column_products(U, np.conj(U), w)
    assert np.isrealobj(P[0])
    M = (U * r[:, None, :]) @ np.conj(np.swapaxes(U, -1, -2))
    for d in range(w + 1):
        np.testing.assert_allclose(P[d] @ r[..., None], np.diagonal(M, -d, 1, 2)[..., None],
                                   rtol=0, atol=1e-13 * n * m)
    Ad = {d: np.diagonal(A, d, 1, 2) for d in range(w + 1)}
    G = {d: np.diagonal(M, -d, 1, 2) for d in range(w + 1)}
    G[0] = G[0].real
    np.testing.assert_allclose(hermitian_site_trace(Ad, G), np.einsum("kij,kji->ki", A, M).real,
                               rtol=0, atol=1e-12 * n * m)
    vdiag = sum((2 if d else 1) * np.einsum("ki,kib->kb", Ad[d], P[d]) for d in range(w + 1))
    np.testing.assert_allclose(vdiag.real,
                               np.einsum("kib,kij,kjb->kb", np.conj(U), A, U).real,
                               rtol=0, atol=1e-12 * n * m)


def test_hermitian_traces_need_hermitian_matrices(rng):
    """Counter-check: for a non-Hermitian M the diagonals d >= 0 do not determine the traces
    (the identity uses M[mu - d, mu] = conj M[mu, mu - d])."""
    from lrtheory.kernels.banded import hermitian_site_trace

    n, w = 8, 1
    A = _banded(rng, 1, n, w)
    A = A + np.conj(np.swapaxes(A, -1, -2))
    M = rng.normal(size=(1, n, n)) + 1j * rng.normal(size=(1, n, n))
    G = {0: np.diagonal(M, 0, 1, 2).real, 1: np.diagonal(M, -1, 1, 2)}
    t = hermitian_site_trace({d: np.diagonal(A, d, 1, 2) for d in range(w + 1)}, G)
    assert np.abs(t - np.einsum("kij,kji->ki", A, M).real).max() > 1e-2
