"""lrtheory.models.lattice: reciprocal vectors, the BZ grids (point order and arithmetic of the
Hall grids, bit for bit), the nested sub-grid, polar quadrature.

The references below are the grid constructions the responses used before the lattice module
existed (hall.grid_slice, hall3d.grid_points, TightBindingModel.k_grid), written out here so
that a change of order or arithmetic in the one implementation fails."""
from __future__ import annotations

import numpy as np
import pytest

from lrtheory.errors import ConventionError, LrtheoryError, ModelError
from lrtheory.models.haldane import haldane, layered_haldane
from lrtheory.models.lattice import (UniformGrid, k_grid, k_path, named_points, polar_grid,
                                     reciprocal_vectors)


def _old_grid_slice(start, stop, nk, B):
    i1, i2 = np.divmod(np.arange(start, stop), nk)
    k = np.outer(i1 / nk, B[0]) + np.outer(i2 / nk, B[1])
    half = (i1 % 2 == 0) & (i2 % 2 == 0) if nk % 2 == 0 else np.zeros(len(i1), bool)
    return k, half


def _old_grid_points(start, stop, nk, B):
    idx = np.unravel_index(np.arange(start, stop), nk)
    return np.stack([i / m for i, m in zip(idx, nk)], -1) @ B


@pytest.mark.parametrize("lat", [haldane().lattice_vectors, layered_haldane().lattice_vectors,
                                 np.array([[2.0, 0.5]])])
def test_reciprocal_vectors_are_dual(lat):
    B = reciprocal_vectors(lat)
    np.testing.assert_allclose(lat @ B.T, 2 * np.pi * np.eye(len(lat)), atol=1e-13)


def test_continuum_has_no_reciprocal_vectors():
    with pytest.raises(ModelError, match="no lattice vectors"):
        reciprocal_vectors(None)


def test_k_grid_order_and_values():
    lat = haldane().lattice_vectors
    B = reciprocal_vectors(lat)
    k = k_grid(lat, (3, 4))
    want = np.array([(i / 3) * B[0] + (j / 4) * B[1] for i in range(3) for j in range(4)])
    np.testing.assert_allclose(k, want, atol=1e-14)
    ks = k_grid(lat, 2, shift=True)
    want = np.array([((i + 0.5) / 2) * B[0] + ((j + 0.5) / 2) * B[1]
                     for i in range(2) for j in range(2)])
    np.testing.assert_allclose(ks, want, atol=1e-14)
    # a ribbon (1 periodic direction in the plane): the coordinate along it
    np.testing.assert_allclose(k_grid([[2.0, 0.0]], 4)[:, 0], 2 * np.pi * np.arange(4) / 4 / 2)
    with pytest.raises(LrtheoryError):
        k_grid(lat, 0)


def test_model_k_grid_is_the_lattice_one():
    m = haldane(t2=0.1)
    assert np.array_equal(m.k_grid(6), k_grid(m.lattice_vectors, 6))
    assert np.array_equal(m.reciprocal_vectors, reciprocal_vectors(m.lattice_vectors))
    rib = m.ribbon(3)
    np.testing.assert_allclose(rib.k_grid(5)[:, 0], 2 * np.pi * np.arange(5) / 5)


@pytest.mark.parametrize("nk", [8, 9])
def test_points_reproduce_the_hall_grid_bit_for_bit(nk):
    lat = haldane().lattice_vectors
    grid = UniformGrid.from_lattice(lat, nk)
    B = 2 * np.pi * np.linalg.pinv(lat).T
    for start, stop in [(0, nk * nk), (3, 17), (nk * nk - 5, nk * nk)]:
        k_old, half_old = _old_grid_slice(start, stop, nk, B)
        assert np.array_equal(grid.points(start, stop), k_old)
        assert np.array_equal(grid.subgrid_mask(start, stop), half_old)
    assert grid.cell_volume == abs(np.linalg.det(lat))
    assert grid.n_points == nk * nk


def test_points_reproduce_the_3d_grid_bit_for_bit():
    lat = layered_haldane().lattice_vectors
    B = 2 * np.pi * np.linalg.inv(lat).T
    nk = (4, 6, 3)
    grid = UniformGrid(B, nk, abs(np.linalg.det(lat)), product="matmul")
    for start, stop in [(0, 72), (5, 41)]:
        assert np.array_equal(grid.points(start, stop), _old_grid_points(start, stop, nk, B))
    assert not grid.subgrid_mask().any()  # n_3 = 3 is odd: no nested sub-grid
    # the two products agree to rounding
    other = UniformGrid(B, nk, product="outer")
    np.testing.assert_allclose(other.points(), grid.points(), atol=1e-14)


def test_subgrid_is_the_half_grid():
    lat = layered_haldane().lattice_vectors
    grid = UniformGrid.from_lattice(lat, (4, 6, 2))
    sub = grid.points()[grid.subgrid_mask()]
    half = grid.half()
    assert half.shape == (2, 3, 1) and half.cell_volume == grid.cell_volume
    np.testing.assert_allclose(sub, half.points(), atol=1e-14)
    assert grid.subgrid_mask().sum() == 6


def test_chunks_cover_the_grid():
    grid = UniformGrid.from_lattice(haldane().lattice_vectors, 10)
    parts = [grid.points(a, min(a + 7, 100)) for a in range(0, 100, 7)]
    assert np.array_equal(np.concatenate(parts), grid.points())


def test_default_cell_volume_from_b():
    lat = haldane().lattice_vectors
    grid = UniformGrid(reciprocal_vectors(lat), 4)
    assert grid.cell_volume == pytest.approx(np.sqrt(3) / 2, rel=1e-13)


@pytest.mark.parametrize("shape", [0, 2.5, (4, -2)])
def test_bad_grid_shape(shape):
    with pytest.raises(ConventionError, match="grid shape"):
        UniformGrid(np.eye(2), shape)


def test_bad_ranges_and_product():
    grid = UniformGrid(np.eye(2), 4)
    with pytest.raises(ConventionError, match="outside"):
        grid.points(0, 17)
    with pytest.raises(ConventionError, match="product"):
        UniformGrid(np.eye(2), 4, product="fast")
    with pytest.raises(ConventionError, match="no half grid"):
        UniformGrid(np.eye(2), (1, 4)).half()
    with pytest.raises(ModelError, match="bulk model"):
        UniformGrid.from_lattice([[1.0, 0.0]], 4)


def test_polar_grid_integrates_polynomials():
    """int_{|k|<K} d^2k/(2pi)^2 = K^2/(4 pi); int k^2 = K^4/(8 pi); int kx^2 = K^4/(16 pi)."""
    K = 1.7
    k, w = polar_grid(K, 12, 16)
    assert w.sum() == pytest.approx(K**2 / (4 * np.pi), rel=1e-13)
    assert (w * (k**2).sum(1)).sum() == pytest.approx(K**4 / (8 * np.pi), rel=1e-13)
    assert (w * k[:, 0] ** 2).sum() == pytest.approx(K**4 / (16 * np.pi), rel=1e-13)
    with pytest.raises(ConventionError):
        polar_grid(1.0, 4, 4, k_min=2.0)


def test_k_path_from_the_lattice_module():
    """G-K-M-K'-G on the hexagonal lattice: |GK| = 4 pi/3, |KM| = 2 pi/3, |MK'| = 2 pi/3."""
    k, d, ticks, labels = k_path(haldane(), None, 200)
    assert labels == ["G", "K", "M", "K'", "G"]
    np.testing.assert_allclose(np.diff(ticks), [4 * np.pi / 3, 2 * np.pi / 3, 2 * np.pi / 3,
                                                4 * np.pi / 3], rtol=1e-12)
    assert set(named_points(np.eye(2))) == {"G", "X", "Y", "M"}
    with pytest.raises(ModelError, match="no lattice vectors"):
        from lrtheory.models.continuum import RashbaGas

        k_path(RashbaGas(), None, 10)
