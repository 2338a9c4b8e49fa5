"""Ribbons along any lattice direction (issue #18): basis changes keep H(k), the lattice
directions a_1, a_2 give the old ribbons bit for bit, the graphene armchair ribbon has the
closed-form k = 0 spectrum, and the C3-rotated Haldane ribbon has the bands of the original.

Armchair closed form (Zheng et al., PRB 75, 165414 (2007); Brey and Fertig, PRB 73, 235411
(2006)): a graphene armchair ribbon of N dimer lines has at k = 0 the energies
e = +-t |1 + 2 cos(p pi / (N + 1))|, p = 1..N; it is metallic exactly when N mod 3 = 2."""
from __future__ import annotations

from math import gcd

import numpy as np
import pytest

from lrtheory.errors import ModelError
from lrtheory.models.cuts import stacking_vector
from lrtheory.models.haldane import haldane
from lrtheory.models.tightbinding import TightBindingRibbon

HAL = dict(t2=0.1, phi=1.0, delta=0.2)
K1 = np.array([[-2.9], [-1.0], [0.0], [0.4], [2.2]])


def test_basis_change_keeps_h():
    m = haldane(**HAL)
    k = np.random.default_rng(2).uniform(-4, 4, size=(20, 2))
    for M in ([[-1, 2], [0, 1]], [[1, 1], [1, 2]], [[0, 1], [1, 0]]):
        mb = m.with_lattice_basis(M)
        np.testing.assert_allclose(mb.lattice_vectors, np.asarray(M) @ m.lattice_vectors)
        np.testing.assert_allclose(mb.hamiltonian(k), m.hamiltonian(k), atol=1e-13)
    for bad in ([[2, 0], [0, 1]], [[0.5, 0], [0, 2]], [[1, 0]], "ab"):
        with pytest.raises(ModelError, match="lattice basis"):
            m.with_lattice_basis(bad)


@pytest.mark.parametrize("periodic, direction", [(0, (1, 0)), (1, (0, 1))])
def test_lattice_directions_are_the_old_ribbons(periodic, direction):
    m = haldane(**HAL)
    a, b = m.ribbon(5, periodic=periodic), m.ribbon(5, direction=direction)
    assert np.array_equal(a.hamiltonian(K1), b.hamiltonian(K1))
    assert np.array_equal(a.positions, b.positions) and a.cut == b.cut


def test_stacking_vector_completes_a_basis():
    lat = haldane().lattice_vectors
    for p in range(-5, 6):
        for q in range(-5, 6):
            if (p, q) == (0, 0) or gcd(p, q) != 1:
                continue
            r, t = stacking_vector((p, q), lat)
            assert abs(p * t - q * r) == 1
            d, s = np.array([p, q]) @ lat, np.array([r, t]) @ lat
            assert abs(s @ d / (d @ d)) <= 0.5 + 1e-12  # as perpendicular as possible


@pytest.mark.parametrize("N", [4, 5, 6, 7, 8, 11])
def test_armchair_graphene_closed_form(N):
    """B moved to delta_3 (same column as A): each cell along (-1, 2) = (0, sqrt3) is one
    A-B dimer line, so the ribbon of N cells is the armchair ribbon of N dimer lines."""
    m = haldane(t2=0.0, delta=0.0).move_orbital(1, (0, -1))
    rib = m.ribbon(N, direction=(-1, 2))
    assert isinstance(rib, TightBindingRibbon) and rib.cut.direction == (-1, 2)
    np.testing.assert_allclose(rib.lattice_vectors[0], [0.0, np.sqrt(3)], atol=1e-14)
    e = np.linalg.eigvalsh(rib.hamiltonian(np.zeros((1, 1))))[0]
    c = np.abs(1 + 2 * np.cos(np.arange(1, N + 1) * np.pi / (N + 1)))
    np.testing.assert_allclose(e, np.sort(np.concatenate([-c, c])), atol=1e-12)
    gap = e[N] - e[N - 1]
    assert (gap < 1e-12) == (N % 3 == 2)
    assert "orbital(s) [0, 1]" in rib.cut.terminations  # armchair: A and B on each edge
    assert rib.time_reversal is not None and rib.time_reversal.holds(rib)


def test_c3_rotated_ribbon_has_the_same_bands():
    """Rotating the a_1 ribbon by 120 degrees (a C3 of the Haldane model about an A site)
    gives the ribbon along a_2 - a_1 = (-1, 1) whose cells hold B at R delta_1 = delta_2 =
    delta_1 - a_1: same bands at every k along the ribbon, same transverse positions. With B
    left at delta_1 the edges differ and so do the bands."""
    m = haldane(**HAL)
    W = 6
    ref = m.ribbon(W)
    rot = m.move_orbital(1, (-1, 0)).ribbon(W, direction=(-1, 1))
    e0 = np.linalg.eigvalsh(ref.hamiltonian(K1))
    np.testing.assert_allclose(np.linalg.eigvalsh(rot.hamiltonian(K1)), e0, atol=1e-12)
    np.testing.assert_allclose(np.sort(rot.transverse_positions()),
                               np.sort(ref.transverse_positions()), atol=1e-12)
    F = rot.frame
    assert np.linalg.det(F) == pytest.approx(1.0) and np.allclose(F[2], [0, 0, 1])
    np.testing.assert_allclose(F[0, :2], [-0.5, np.sqrt(3) / 2], atol=1e-14)
    other = m.ribbon(W, direction=(-1, 1))
    assert np.abs(np.linalg.eigvalsh(other.hamiltonian(K1)) - e0).max() > 1e-3


@pytest.mark.parametrize("bad", [(2, 2), (0, 0), ("a", 1), (1.5, 1), (1,)])
def test_bad_directions(bad):
    with pytest.raises(ModelError, match="direction"):
        haldane().ribbon(4, direction=bad)
