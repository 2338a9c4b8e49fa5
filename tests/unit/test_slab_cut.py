"""Cutting 3D models into slabs along Miller directions (lrtheory.models.slabs, issue #15
item 5).

Expected values are closed forms, not the code's output: the simple cubic lattice with
nearest-neighbour hopping ``-t`` cut along (hkl) is a chain of layers; every layer couples
to the next through the bonds that climb one layer, so at in-plane k the slab of N layers
has the open-chain spectrum ``e_m = eps_0(k) - 2 |tau(k)| cos(pi m/(N + 1))``, with
``tau = t sum_{bonds b up} exp(i k.b)`` and ``eps_0`` the in-layer dispersion:
(001): eps_0 = -2t(cos k.x + cos k.y), tau = t; (110): eps_0 = -2t cos(k.z), bonds +x, +y;
(111): eps_0 = 0, bonds +x, +y, +z. A wrong basis (e.g. bonds assigned to the wrong layer)
changes tau and fails.
"""
from __future__ import annotations

import numpy as np
import pytest

from lrtheory.errors import LrtheoryError, ModelError
from lrtheory.models.cubic import SPIN_HALF, cubic_rashba
from lrtheory.models.haldane import haldane
from lrtheory.models.protocol import Slab, ensure_model
from lrtheory.models.slabs import frame_vector_operator, miller_basis, slab
from lrtheory.models.tightbinding import TightBindingModel
from tests.tolerances import TOL

T = 1.0
CUBIC = TightBindingModel(np.eye(3), [[0, 0, 0]],
                          [(0, 0, (1, 0, 0), -T), (0, 0, (0, 1, 0), -T), (0, 0, (0, 0, 1), -T)])
#: the bonds that climb one layer and the in-layer dispersion (parent Cartesian k)
CHAINS = {
    (0, 0, 1): ([(0, 0, 1)], lambda k: -2 * T * (np.cos(k[0]) + np.cos(k[1]))),
    (1, 1, 0): ([(1, 0, 0), (0, 1, 0)], lambda k: -2 * T * np.cos(k[2])),
    (1, 1, 1): ([(1, 0, 0), (0, 1, 0), (0, 0, 1)], lambda k: 0.0 * k[0]),
}


@pytest.mark.parametrize("hkl", sorted(CHAINS))
def test_cubic_slab_spectrum_is_the_open_chain(hkl, rng):
    N = 7
    s = slab(CUBIC, N, hkl)
    up, eps0 = CHAINS[hkl]
    k2 = rng.uniform(-np.pi, np.pi, size=(5, 2))
    e = np.linalg.eigvalsh(s.hamiltonian(k2))
    m = np.arange(1, N + 1)
    for kk, ee in zip(k2, e):
        kc = np.array([kk[0], kk[1], 0.0]) @ s.frame  # in-plane k in the parent's axes
        tau = abs(T * sum(np.exp(1j * kc @ np.array(b)) for b in up))
        expected = np.sort(eps0(kc) - 2 * tau * np.cos(np.pi * m / (N + 1)))
        np.testing.assert_allclose(np.sort(ee), expected, **TOL)


FCC = 0.5 * np.array([[0, 1, 1], [1, 0, 1], [1, 1, 0]])


@pytest.mark.parametrize("lattice", [np.eye(3), FCC, np.diag([1.0, 1.3, 0.7]) @ FCC[::-1]])
@pytest.mark.parametrize("hkl", [(0, 0, 1), (1, 1, 0), (1, 1, 1), (1, -2, 3), (2, 1, 0)])
def test_miller_basis_frame_and_volume(lattice, hkl):
    """Unimodular basis, in-plane vectors perpendicular to G, a_3' climbing one layer, the
    frame right-handed with z along +G, area * d_hkl = cell volume: also for a left-handed
    parent lattice (the last one has det < 0)."""
    M = miller_basis(hkl, lattice)
    assert round(abs(np.linalg.det(M))) == 1
    assert np.all(M[:2] @ np.array(hkl) == 0) and M[2] @ np.array(hkl) == 1
    model = TightBindingModel(lattice, [[0, 0, 0]], [(0, 0, (1, 0, 0), -1.0)])
    s = slab(model, 3, hkl)
    F = s.frame
    np.testing.assert_allclose(F @ F.T, np.eye(3), **TOL)
    assert np.linalg.det(F) > 0
    G = np.array(hkl) @ (2 * np.pi * np.linalg.inv(lattice).T)
    np.testing.assert_allclose(F[2], G / np.linalg.norm(G), **TOL)
    np.testing.assert_allclose(s.lattice_vectors[:, 2], 0.0, atol=1e-12)
    area = np.linalg.norm(np.cross(*s.lattice_vectors))
    assert area * s.cut.spacing == pytest.approx(abs(np.linalg.det(lattice)), rel=1e-12)
    assert np.cross(*s.lattice_vectors)[2] > 0  # a_1' x a_2' along +z


def test_fold_puts_each_layer_in_its_slice():
    """Two atoms per cell at z = 0.25 and 1.6 (the second outside the cell's slice): with
    fold the layers are the slices [c d, (c+1) d); without, the parent's cells."""
    model = TightBindingModel(np.eye(3), [[0, 0, 0.25], [0.5, 0.5, 1.6]],
                              [(0, 1, (0, 0, 0), -1.0), (0, 0, (0, 0, 1), -0.5),
                               (1, 1, (1, 0, 0), -0.3)])
    s = slab(model, 4, (0, 0, 1), fold=True, center=False)
    z, layer = s.normal_positions(), s.layer_index
    assert np.all((z >= layer) & (z < layer + 1))
    raw = slab(model, 4, (0, 0, 1), center=False)  # default: the parent's cells
    assert np.any(raw.normal_positions() >= raw.layer_index + 1)
    assert "bottom surface" in s.cut.terminations
    # a bulk-periodic quantity: the trace of H(k) is the same for both (same sites)
    k = np.array([[0.3, -0.8]])
    assert np.trace(s.hamiltonian(k)[0]) == pytest.approx(np.trace(raw.hamiltonian(k)[0]))


def test_time_reversal_and_frame_operators():
    m = cubic_rashba(alpha=0.5)
    s = slab(m, 4, (1, 1, 0))
    assert s.time_reversal is not None and s.time_reversal.holds(s)
    S = frame_vector_operator(s, SPIN_HALF)
    # rotated spin operators: still spin-1/2 algebra [S_x, S_y] = i S_z in the frame
    np.testing.assert_allclose(S[0] @ S[1] - S[1] @ S[0], 1j * S[2], **TOL)
    # S_z of the frame is the spin along the normal G/|G| of (110): (S_x + S_y)/sqrt2
    Sz = np.kron(np.eye(4), (SPIN_HALF[0] + SPIN_HALF[1]) / np.sqrt(2))
    np.testing.assert_allclose(S[2], Sz, **TOL)
    assert isinstance(ensure_model(s, Slab, where="test"), Slab)


def test_wannier90_file_gives_the_same_slab(tmp_path):
    """A 3D model written by lrtheory's writer and read back is cut into the same slab."""
    from lrtheory.io.wannier90 import load_wannier90, write_tb_dat

    m = cubic_rashba(alpha=0.4, bz=0.2)
    path = write_tb_dat(m, tmp_path / "rashba_tb.dat")
    w = load_wannier90(path)
    k = np.array([[0.2, 0.9], [-1.3, 0.4]])
    a, b = slab(m, 5, (1, 1, 1)), slab(w, 5, (1, 1, 1))
    np.testing.assert_allclose(np.linalg.eigvalsh(b.hamiltonian(k)),
                               np.linalg.eigvalsh(a.hamiltonian(k)), **TOL)


@pytest.mark.parametrize("bad", [(0, 0, 0), (2, 2, 0), (1, 0), (1.5, 0, 1), "001"])
def test_bad_miller_indices(bad):
    with pytest.raises(ModelError, match="Miller indices"):
        slab(CUBIC, 3, bad)


def test_bad_input_is_one_line():
    for args in [(CUBIC, 0), (CUBIC, 2.5), (haldane(), 3)]:
        with pytest.raises(LrtheoryError) as err:
            slab(*args)
        assert "\n" not in str(err.value)
    with pytest.raises(ModelError, match="operator must be"):
        frame_vector_operator(slab(CUBIC, 2), np.eye(3))


def test_in_plane_blocks_agree_with_grouped_bonds(rng):
    """The slab's H(k) and dH/dk from dense t(R) blocks equal the generic grouped-bond
    construction of TightBindingModel (two independent assemblies of Eq. S48)."""
    m = cubic_rashba(alpha=0.5, bz=0.3)
    model = TightBindingModel(FCC, rng.uniform(-0.5, 0.5, size=(2, 3)),
                              [(h.i, h.j, h.R, h.t) for h in m.hoppings]
                              + [(0, 1, (1, 1, 0), 0.2 + 0.1j)], np.array([0.3, -0.3]))
    s = slab(model, 4, (1, -1, 2))
    k = rng.uniform(-3, 3, size=(6, 2))
    H, V = s.hamiltonian_and_velocity(k)
    H0, V0 = TightBindingModel.hamiltonian_and_velocity(s, k)
    np.testing.assert_allclose(H, H0, **TOL)
    np.testing.assert_allclose(V, V0, **TOL)
    np.testing.assert_allclose(s.velocity(k), V0, **TOL)


def test_hand_made_slab_checks_its_fields():
    from lrtheory.models.slabs import TightBindingSlab

    lat = [[1.0, 0, 0], [0, 1.0, 0]]
    pos = [[0, 0, -0.5], [0, 0, 0.5]]
    hops = [(0, 1, (0, 0), -1.0), (0, 0, (1, 0), -1.0)]
    s = TightBindingSlab(lat, pos, hops)
    np.testing.assert_array_equal(s.layer_index, [0, 1])  # one layer per distinct z
    with pytest.raises(ModelError, match="xy plane"):
        TightBindingSlab([[1.0, 0, 0.1], [0, 1.0, 0]], pos, hops)
    with pytest.raises(ModelError, match="proper rotation"):
        TightBindingSlab(lat, pos, hops, frame=np.diag([1.0, 1.0, -1.0]))
    with pytest.raises(ModelError, match="layers must be"):
        TightBindingSlab(lat, pos, hops, layers=[0.5, 1])
