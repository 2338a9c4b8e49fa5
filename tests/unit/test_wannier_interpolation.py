"""Full Wannier interpolation (position matrix elements of ``_tb.dat``): the Berry curvature
of Wang, Yates, Souza, Vanderbilt (PRB 74, 195118 (2006)) in the atomic-position gauge.

Expected values come from independent routes, never from the code under test:

* **Exact rotated basis.** A tight-binding model with positions ``r_j`` (position operator
  diagonal, curvature from the Kubo sum alone) rewritten in rotated Wannier functions
  ``|m'R> = sum_j U_jm |jR>``: ``H'(R) = U^+ t(R) U``, ``<m'0|r|n'R> = (U^+ diag(r) U)
  delta_R0`` (off-diagonal). Same Hilbert space and operators, so every band's curvature, the
  generalized curvature of ``O' = U^+ O U`` and the Hall tensor equal the original's to
  rounding; the tight-binding reading of the rotated file (off-diagonal positions dropped)
  differs (counter-example).
* **Loop integral of the band connection.** ``Omega_n = curl a_n`` with
  ``a_n = (U^+ A U)_nn + i <U_n|d U_n>``: the loop integral of ``a_n`` around a small square
  (eigenvector overlaps for the second term, the position matrix at link midpoints for the
  first) divided by its area, on a model with random off-diagonal ``A(R)`` at ``R != 0``: a
  finite-difference method sharing nothing with the D.A / d_k A terms (error O(h^2)).
* **Gauge.** Random phases and rotations inside degenerate blocks of the eigenvectors leave
  the block-averaged curvature unchanged; so does moving the declared orbital centres (the
  split between the Bloch phases and the diagonal of ``A`` is a gauge choice); the
  tight-binding approximation is not invariant under the latter (counter-example).
"""
from __future__ import annotations

import numpy as np
import pytest

from lrtheory.bands.eigensystem import Eigensystem
from lrtheory.io.wannier90 import model_from_hr, real_space_hamiltonian
from lrtheory.io.wannier90.read import HrData
from lrtheory.models.haldane import haldane, layered_haldane
from lrtheory.response.berry import generalized_berry_curvature, wannier_space_curvature
from lrtheory.response.hall3d import hall_tensor
from tests.tolerances import TOL

LAT3_2D = np.array([[1.0, 0, 0], [0.5, np.sqrt(3) / 2, 0], [0, 0, 10.0]])


def _unitary(n, rng):
    q, r = np.linalg.qr(rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n)))
    return q * (np.diag(r) / np.abs(np.diag(r)))


def rotated_data(model, lat3, rng, *, extra_A=0.0):
    """HrData of ``model`` in rotated Wannier functions (module docstring); ``extra_A``
    adds random Hermitian-consistent position elements at R != 0 (Angstrom). Also writes
    tests/physics/data/weyl_positions_tb.dat (benchmarks/make_w90_positions.py)."""
    R, H = real_space_hamiltonian(model)
    n = model.n_orbitals
    pos3 = np.zeros((n, 3))
    pos3[:, : model.positions.shape[1]] = model.positions
    U = _unitary(n, rng)
    Hp = np.conj(U.T)[None] @ H @ U[None]
    pos = np.zeros((len(R), 3, n, n), complex)
    i0 = int(np.nonzero(np.all(R == 0, 1))[0][0])
    for a in range(3):
        pos[i0, a] = np.conj(U.T) @ np.diag(pos3[:, a]) @ U
    if extra_A:
        index = {tuple(r): i for i, r in enumerate(R)}
        for b, r in enumerate(R):
            mb = index[tuple(-r)]
            if b < mb:
                X = extra_A * (rng.normal(size=(3, n, n)) + 1j * rng.normal(size=(3, n, n)))
                pos[b] += X
                pos[mb] += np.conj(np.swapaxes(X, -1, -2))
    return HrData(R, np.ones(len(R), int), Hp, np.zeros(Hp.shape, int), "rotated", "", lat3,
                  pos), U


@pytest.fixture(scope="module")
def haldane_rotated():
    m = haldane(t0=1.0, t2=0.1, phi=0.7, delta=0.2)
    data, U = rotated_data(m, LAT3_2D, np.random.default_rng(3))
    return m, data, U


def test_rotated_basis_reproduces_the_original_curvature(haldane_rotated, rng):
    m, data, U = haldane_rotated
    full = model_from_hr(data, interpolation="full", dim=2)
    tb = model_from_hr(data, dim=2)
    assert full.has_position_matrix and not tb.has_position_matrix
    k = rng.uniform(-3, 3, size=(40, 2))
    e0, e1, e2 = (Eigensystem.compute(x, k) for x in (m, full, tb))
    np.testing.assert_allclose(e1.energies, e0.energies, atol=1e-12)
    for op in (None, "charge"):
        ref = generalized_berry_curvature(e0, op)
        np.testing.assert_allclose(generalized_berry_curvature(e1, op), ref,
                                   atol=1e-10 * np.abs(ref).max())
        # counter-example: dropping the off-diagonal positions changes the curvature
        assert np.abs(generalized_berry_curvature(e2, op) - ref).max() > 1e-3
    # a general operator (sublattice sigma_z) in the rotated basis: Eq. S24 with -i[r, H].
    # In the atomic-position gauge of the rotated centres r'_m its Bloch matrix is
    # exp(-ik.(r'_m - r'_n)) (U^+ sz U)_mn (a constant matrix is an operator in that gauge
    # only between orbitals with one centre)
    sz = np.diag([1.0, -1.0])
    ref = generalized_berry_curvature(e0, sz)
    Oc = np.conj(U.T) @ sz @ U
    ph = np.exp(1j * k @ full.positions.T)  # (Nk, n)

    def rotated_sz(eig):
        Ok = np.conj(ph)[:, :, None] * Oc[None] * ph[:, None, :]
        return np.conj(np.swapaxes(eig.states, -1, -2)) @ Ok @ eig.states

    got = generalized_berry_curvature(e1, rotated_sz)
    np.testing.assert_allclose(got, ref, atol=1e-10 * np.abs(ref).max())


def test_rotated_3d_model_hall_tensor(rng):
    m = layered_haldane(tz=0.15, c=1.5, weyl=True)
    lat3 = np.asarray(m.lattice_vectors, float)
    data, _ = rotated_data(m, lat3, rng)
    full = model_from_hr(data, interpolation="full", dim=3)
    tb = model_from_hr(data, dim=3)
    ref = hall_tensor(m, [-0.1, 0.0, 0.2], nk=(8, 8, 6), operator="charge").values["sigma"]
    got = hall_tensor(full, [-0.1, 0.0, 0.2], nk=(8, 8, 6), operator="charge").values["sigma"]
    np.testing.assert_allclose(got, ref, atol=1e-11 * np.abs(ref).max())
    bad = hall_tensor(tb, [-0.1, 0.0, 0.2], nk=(8, 8, 6), operator="charge").values["sigma"]
    assert np.abs(bad - ref).max() > 1e-4 * np.abs(ref).max()


def _loop_curvature(model, k0, h, b, c):
    """``Omega^{bc}_n(k0)`` from the loop integral of ``a_n`` around a square of side h."""
    d = model.dim
    eb, ec = np.zeros(d), np.zeros(d)
    eb[b], ec[c] = h, h
    corners = [k0 - eb / 2 - ec / 2, k0 + eb / 2 - ec / 2, k0 + eb / 2 + ec / 2,
               k0 - eb / 2 + ec / 2]
    states = [np.linalg.eigh(model.hamiltonian(q[None]))[1][0] for q in corners]
    total = 0.0
    for i in range(4):
        q0, q1 = corners[i], corners[(i + 1) % 4]
        U0, U1 = states[i], states[(i + 1) % 4]
        mid = model.position_matrix(((q0 + q1) / 2)[None]).connection[0]  # (d, n, n)
        Abar = np.einsum("in,aij,jn->an", U0.conj(), mid, U0)
        Abar = 0.5 * (Abar + np.einsum("in,aij,jn->an", U1.conj(), mid, U1))
        total = total + (q1 - q0) @ Abar.real  # int Abar_nn . dl (midpoint rule)
        total = total - np.angle(np.einsum("in,in->n", U0.conj(), U1))  # int i<U|dU>
    return np.angle(np.exp(1j * total)) / h ** 2  # the loop phase is defined modulo 2 pi


def test_curvature_equals_loop_integral_with_random_positions(rng):
    m = layered_haldane(tz=0.15, c=1.5, weyl=True, delta=0.4)
    lat3 = np.asarray(m.lattice_vectors, float)
    data, _ = rotated_data(m, lat3, rng, extra_A=0.05)
    full = model_from_hr(data, interpolation="full", dim=3)
    k = rng.uniform(-2, 2, size=(6, 3))
    eig = Eigensystem.compute(full, k)
    gaps = np.diff(eig.energies, axis=1).min()
    assert gaps > 1e-2  # non-degenerate bands: the per-band loop integral is defined
    h = 2e-3
    for b, c in ((0, 1), (1, 2), (0, 2)):
        om = generalized_berry_curvature(eig, None, b=b, c=c)
        loop = np.array([_loop_curvature(full, q, h, b, c) for q in k])
        # O(h^2) discretisation: relative 1e-4 of the curvature scale
        np.testing.assert_allclose(loop, om, atol=1e-4 * np.abs(om).max())
        # counter-example: the Kubo sum alone (no Wannier-space term) misses the positions
        kubo = om - wannier_space_curvature(eig, b, c)
        assert np.abs(kubo - loop).max() > 1e-2 * np.abs(om).max()


def test_gauge_invariance_of_full_curvature(haldane_rotated, rng):
    _, data, _ = haldane_rotated
    full = model_from_hr(data, interpolation="full", dim=2)
    k = np.r_[rng.uniform(-3, 3, size=(20, 2)), np.zeros((1, 2))]
    eig = Eigensystem.compute(full, k)
    ref = generalized_berry_curvature(eig, None)
    for seed in range(3):
        got = generalized_berry_curvature(eig.randomize_gauge(np.random.default_rng(seed)), None)
        np.testing.assert_allclose(got, ref, atol=1e-12 * np.abs(ref).max())


def test_declared_centres_are_a_gauge_choice(haldane_rotated, rng):
    _, data, _ = haldane_rotated
    k = rng.uniform(-3, 3, size=(20, 2))
    ref = generalized_berry_curvature(Eigensystem.compute(
        model_from_hr(data, interpolation="full", dim=2), k), None)
    moved = np.array([[0.3, -0.2, 0.0], [-0.1, 0.4, 0.0]])
    m2 = model_from_hr(data, interpolation="full", dim=2, positions=moved)
    np.testing.assert_allclose(generalized_berry_curvature(Eigensystem.compute(m2, k), None), ref,
                               atol=1e-11 * np.abs(ref).max())
    tb2 = model_from_hr(data, dim=2, positions=moved)
    tb1 = model_from_hr(data, dim=2)
    assert np.abs(generalized_berry_curvature(Eigensystem.compute(tb2, k), None) -
                  generalized_berry_curvature(Eigensystem.compute(tb1, k), None)).max() > 1e-3


def test_zero_offdiagonal_positions_give_the_tight_binding_numbers(rng):
    """A file whose position matrix is diagonal (centres only): ``interpolation='full'``
    returns the tight-binding curvature (to rounding: the two readings pack their operators
    differently, ``dH/dk_x + i dH/dk_y`` against ``dH/dk_a + i A_a`` with ``A = 0``, so the
    products round differently; TOL, exact identity on 2 bands). Counter-example: the
    curvature of a model whose A is not zero differs at 1e-3."""
    m = layered_haldane(tz=0.15, c=1.5, weyl=True)
    R, H = real_space_hamiltonian(m)
    n = m.n_orbitals
    pos = np.zeros((len(R), 3, n, n), complex)
    i0 = int(np.nonzero(np.all(R == 0, 1))[0][0])
    pos[i0, :, np.arange(n), np.arange(n)] = m.positions
    data = HrData(R, np.ones(len(R), int), H, np.zeros(H.shape, int), "diag", "",
                  np.asarray(m.lattice_vectors, float), pos)
    k = rng.uniform(-2, 2, size=(30, 3))
    a = generalized_berry_curvature(Eigensystem.compute(model_from_hr(data, dim=3), k), None)
    b = generalized_berry_curvature(Eigensystem.compute(
        model_from_hr(data, dim=3, interpolation="full"), k), None)
    np.testing.assert_allclose(b, a, **TOL)
    assert np.abs(a).max() > 1e-3  # not a trivially zero curvature
    pos[i0, 0, 0, 1] = pos[i0, 0, 1, 0] = 0.2  # an off-diagonal element of A_x
    c = generalized_berry_curvature(Eigensystem.compute(
        model_from_hr(data, dim=3, interpolation="full"), k), None)
    assert np.abs(c - a).max() > 1e-3


def test_paired_fourier_sum_equals_the_complex_sum(rng):
    """Real-arithmetic pairing of R and -R (lrtheory.io.wannier90.fourier) against the plain
    complex sum, with an unpaired R and non-Hermitian blocks (the identity needs neither)."""
    from lrtheory.io.wannier90.fourier import PairedSum

    R = np.array([[0, 0, 0], [1, 0, 0], [-1, 0, 0], [0, 2, -1], [0, -2, 1], [1, 1, 1]])
    RA = R @ np.array([[1.0, 0.2, 0], [0, 1.1, 0.3], [0.1, 0, 0.9]])
    F = rng.normal(size=(len(R), 3, 4, 4)) + 1j * rng.normal(size=(len(R), 3, 4, 4))
    k = rng.uniform(-5, 5, size=(7, 2, 3))
    direct = np.einsum("...r,rbij->...bij", np.exp(1j * k @ RA.T), F)
    np.testing.assert_allclose(PairedSum(R, RA, F)(k), direct, atol=1e-12)


def _grid_chunk(lat, N, start, stop):
    """Cartesian k of flat indices start..stop of the N^d grid (C order, as the k-sums)."""
    from lrtheory.models.lattice import reciprocal_vectors

    d = len(lat)
    idx = np.stack(np.unravel_index(np.arange(start, stop), (N,) * d), -1)
    return (idx / N) @ reciprocal_vectors(lat)


@pytest.mark.parametrize("dim", [2, 3])
def test_separable_fourier_sum_on_grid_chunks(rng, dim):
    """The separable route of PairedSum (one complex sum per line of the grid, then a real
    product per point; lrtheory.io.wannier90.fourier) against the plain complex sum
    ``sum_R exp(ik.RA) F(R)``, on chunks of a uniform grid that start and stop inside a
    line, with an asymmetric R range, unpaired R, non-Hermitian blocks and a skewed
    lattice. The route must actually be taken there (counted), and not for random k."""
    from lrtheory.io.wannier90 import fourier

    lat = np.array([[1.0, 0.2, 0], [0, 1.1, 0.3], [0.1, 0, 0.9]])[:dim, :dim]
    box = np.stack(np.meshgrid(*[np.arange(-2, 3)] * dim, indexing="ij"), -1).reshape(-1, dim)
    box = box[rng.random(len(box)) < 0.6]
    R = np.concatenate([box, [[3] + [0] * (dim - 1), [0] * (dim - 1) + [-4]]])
    R = np.unique(R, axis=0)
    R3 = np.concatenate([R, np.zeros((len(R), 3 - dim), int)], 1)
    RA = R @ lat
    F = rng.normal(size=(len(R), 2, 3, 3)) + 1j * rng.normal(size=(len(R), 2, 3, 3))
    psum = fourier.PairedSum(R3, RA, F, lat)
    calls = []
    original = fourier._LineSum.__call__

    def counted(self, k, direct_cols):
        out = original(self, k, direct_cols)
        calls.append(out is not None)
        return out

    N = 9
    for start, stop in [(0, N ** dim), (5, 5 + 3 * N + 4), (N + 2, N ** dim - 3)]:
        k = _grid_chunk(lat, N, start, stop)
        direct = np.einsum("kr,rbij->kbij", np.exp(1j * k @ RA.T), F)
        fourier._LineSum.__call__ = counted
        try:
            got = psum(k)
        finally:
            fourier._LineSum.__call__ = original
        np.testing.assert_allclose(got, direct, **TOL)
    assert calls == [True, True, True]
    # lines along another axis (Fortran-order chunk) after the first axis was built: the
    # direct product (only one axis is kept), same numbers
    k = _grid_chunk(lat, N, 0, N ** dim)[::-1]
    k = k.reshape((N,) * dim + (dim,)).transpose(list(range(dim))[::-1] + [dim])
    k = k.reshape(-1, dim)
    assert psum._lines.plan(k, psum.M.shape[0]) is None
    np.testing.assert_allclose(psum(k), np.einsum("kr,rbij->kbij", np.exp(1j * k @ RA.T), F),
                               **TOL)
    # counter-example: points without shared lines take the direct product
    k = rng.uniform(-3, 3, size=(60, dim))
    assert psum._lines(k, direct_cols=psum.M.shape[0]) is None
    np.testing.assert_allclose(psum(k), np.einsum("kr,rbij->kbij", np.exp(1j * k @ RA.T), F),
                               **TOL)


def test_separable_route_does_not_merge_distinct_points():
    """Two lines of a grid whose theta_a differ by more than THETA_TOL (1e-9 rad here) are
    two groups: merging them would move F(k) by ~1e-9 (the phase error times |R|)."""
    from lrtheory.io.wannier90.fourier import _clusters, THETA_TOL

    theta = np.array([0.1, 0.1 + 1e-9, 0.1, 0.1 + 1e-9, 0.1 + 0.5 * THETA_TOL])
    assert list(_clusters(theta, THETA_TOL)) == [0, 1, 0, 1, 0]
    # a chain of points each within tol of the next but spreading beyond 4 tol: no grouping
    assert _clusters(np.arange(10) * 0.9 * THETA_TOL, THETA_TOL) is None
