"""The packed fields of :class:`~lrtheory.io.wannier90.Wannier90Model` (the fast path of
:meth:`~lrtheory.bands.eigensystem.Eigensystem.compute`, issue #15 Speed) against the
unpacked route.

Expected values come from the unpacked fused Fourier sum (``bloch_fields``: H, dH/dk, A and
the curl each in its own block, the gauge phase applied to every block; itself checked
against finite differences in tests/unit/test_wannier_fields.py) on the same k, for a random
4-orbital model with generic Wannier centres and random off-diagonal position elements:

* the Hermitian and anti-Hermitian parts of the packed blocks, taken to the atomic-position
  gauge ``D^dagger X D``, are dH/dk, A and the curl (TOL: the same sums added in another
  order);
* the eigensystem from packed fields equals the one from ``bloch_fields`` in every gauge
  invariant quantity: energies, ``|v_mn|`` and ``|Abar_mn|`` (no degenerate bands at
  random k), the curl's band diagonal, the orbital-basis curl, the Berry curvature (TOL).
  Counter-example: the gauge phase left off the eigenvectors (U instead of DU) moves
  ``|v_mn|`` far beyond TOL;
* a packed eigensystem in a random gauge (``randomize_gauge``) drops its precomputed curl
  diagonal and keeps the curvature.
"""
from __future__ import annotations

import numpy as np
import pytest

import lrtheory.bands.eigensystem as eigensystem_module
from lrtheory.bands.eigensystem import Eigensystem
from lrtheory.io.wannier90 import model_from_hr
from lrtheory.io.wannier90.read import HrData
from lrtheory.models.protocol import bloch_fields
from lrtheory.response.berry import generalized_berry_curvature
from tests.tolerances import TOL

LAT = np.array([[2.0, 0.1, 0.0], [0.3, 1.8, 0.0], [0.0, 0.2, 2.5]])
CENTRES = np.array([[0.1, 0.2, -0.3], [0.9, -0.4, 0.2], [-0.5, 0.6, 1.1], [0.3, 1.2, -0.7]])


def _random_model(rng, full=True, n=4):
    """A random Hermitian-consistent file: H(-R) = H(R)^dagger, A(-R) = A(R)^dagger."""
    shifts = [(1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 1, 0), (1, -1, 1)]
    R = np.array([(0, 0, 0)] + shifts + [tuple(-np.array(s)) for s in shifts])
    H = np.zeros((len(R), n, n), complex)
    pos = np.zeros((len(R), 3, n, n), complex)
    X = rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n))
    H[0] = X + np.conj(X.T)
    for a in range(3):
        Y = 0.1 * (rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n)))
        pos[0, a] = Y + np.conj(Y.T) + np.diag(CENTRES[:n, a])
    for i in range(1, len(shifts) + 1):
        j = i + len(shifts)
        H[i] = 0.5 * (rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n)))
        H[j] = np.conj(H[i].T)
        pos[i] = 0.1 * (rng.normal(size=(3, n, n)) + 1j * rng.normal(size=(3, n, n)))
        pos[j] = np.conj(np.swapaxes(pos[i], -1, -2))
    data = HrData(R, np.ones(len(R), int), H, np.zeros(H.shape, int), "random", "", LAT, pos)
    return model_from_hr(data, interpolation="full" if full else "tight-binding", dim=3,
                         positions=CENTRES[:n])


def _unpack(p):
    """Hermitian and anti-Hermitian parts of the packed blocks, in the atomic gauge."""
    Z = p.blocks
    ZH = np.conj(np.swapaxes(Z, -1, -2))
    gauge = np.conj(p.phase)[:, None, :, None] * p.phase[:, None, None, :]
    scale = np.ones(Z.shape[1])
    scale[:p.n_full] = 2.0  # blocks transformed whole carry 1/2
    parts = [(0.5 * (Z + ZH)) * gauge * scale[:, None, None],
             (-0.5j * (Z - ZH)) * gauge * scale[:, None, None]]
    return lambda j, part: parts[part][:, j]


@pytest.mark.parametrize("full", [True, False])
def test_packed_blocks_are_the_unpacked_fields(rng, full):
    m = _random_model(rng, full)
    k = rng.uniform(-2, 2, size=(7, 3))
    H, V, pm = bloch_fields(m, k)
    p = m.packed_fields(k)
    get = _unpack(p)
    np.testing.assert_allclose(np.abs(p.phase), 1.0, **TOL)
    gauge = p.phase[:, :, None] * np.conj(p.phase)[:, None, :]  # H_D = D H D^dagger
    np.testing.assert_allclose(p.hamiltonian, H * gauge, **TOL)
    np.testing.assert_allclose(p.hamiltonian, m.hamiltonian(k) * gauge, **TOL)
    assert np.abs(p.hamiltonian - H).max() > 1e-2  # generic centres: the gauges differ
    for a, (j, part) in enumerate(p.velocity):
        np.testing.assert_allclose(get(j, part), V[:, a], **TOL)
    if not full:
        assert p.connection is None and p.curl == () and pm is None
        return
    for a, (j, part) in enumerate(p.connection):
        np.testing.assert_allclose(get(j, part), pm.connection[:, a], **TOL)
    assert sorted(bc for bc, _, _ in p.curl) == [(0, 1), (0, 2), (1, 2)]
    for (b, c), j, part in p.curl:
        np.testing.assert_allclose(get(j, part), pm.curl[:, b, c], **TOL)
    assert np.abs(pm.curl[:, 0, 1]).max() > 1e-2  # not a trivially zero curl


def _generic(m, k, monkeypatch):
    with monkeypatch.context() as mp:
        mp.setattr(type(m), "packed_fields", lambda self, kk: None)  # the generic route
        return Eigensystem.compute(m, k)


@pytest.mark.parametrize("full", [True, False])
def test_packed_eigensystem_equals_the_unpacked_one(rng, full, monkeypatch):
    m = _random_model(rng, full)
    k = rng.uniform(-2, 2, size=(9, 3))
    new, ref = Eigensystem.compute(m, k), _generic(m, k, monkeypatch)
    assert (new.curl_diagonals is not None) == full and ref.curl_diagonals is None
    np.testing.assert_allclose(new.energies, ref.energies, **TOL)
    assert np.diff(ref.energies, axis=1).min() > 1e-3  # non-degenerate: |v_mn| invariant
    np.testing.assert_allclose(np.abs(new.velocity), np.abs(ref.velocity), **TOL)
    for b, c in ((0, 1), (0, 2), (1, 2)):
        np.testing.assert_allclose(generalized_berry_curvature(new, None, b=b, c=c),
                                   generalized_berry_curvature(ref, None, b=b, c=c), **TOL)
        np.testing.assert_allclose(new.curl_diagonal(b, c), ref.curl_diagonal(b, c), **TOL)
    if full:
        np.testing.assert_allclose(np.abs(new.connection), np.abs(ref.connection), **TOL)
        np.testing.assert_allclose(new.position_curl, ref.position_curl, **TOL)
        np.testing.assert_allclose(new.connection_curl.diagonal(0, -2, -1).real,
                                   new.curl_diagonals, **TOL)
    else:
        assert new.connection is None and new.position_curl is None
    # counter-example: the gauge phase left off the eigenvectors
    p = m.packed_fields(k)
    Zwrong = np.conj(np.swapaxes(new.states, -1, -2))[:, None] @ p.blocks[:, :1] @ \
        new.states[:, None]
    assert np.abs(np.abs(Zwrong[:, 0] + np.conj(np.swapaxes(Zwrong[:, 0], -1, -2)))
                  - np.abs(new.velocity[:, 0])).max() > 1e-2


def test_random_gauge_of_a_packed_eigensystem(rng):
    m = _random_model(rng)
    eig = Eigensystem.compute(m, rng.uniform(-2, 2, size=(6, 3)))
    g = eig.randomize_gauge(np.random.default_rng(2))
    assert g.curl_diagonals is None and eig.curl_diagonals is not None
    np.testing.assert_allclose(g.curl_diagonal(0, 1), eig.curl_diagonal(0, 1), **TOL)
    np.testing.assert_allclose(generalized_berry_curvature(g, None, b=1, c=2),
                               generalized_berry_curvature(eig, None, b=1, c=2), **TOL)
    assert np.abs(g.states - eig.states).max() > 1e-2  # the gauge did change


@pytest.mark.parametrize("full", [True, False])
def test_cache_blocks_change_no_number(rng, full, monkeypatch):
    """Blocks of a few k-points (eigensystem and curvature) give the numbers of one block
    (the same elementwise arithmetic: equal to rounding of the einsum sums, TOL), and
    ``number_curvatures`` of several pairs is the per-pair curvature; charge is -1 times."""
    import lrtheory.response.berry as berry

    m = _random_model(rng, full)
    k = rng.uniform(-2, 2, size=(11, 3))
    pairs = [(0, 1), (0, 2), (1, 2), (2, 0)]
    whole = Eigensystem.compute(m, k)
    ref = berry.number_curvatures(whole, pairs)
    small = 16 * 4 * 4 * 20  # 1-2 k-points per block for 4 orbitals
    monkeypatch.setattr(eigensystem_module, "CACHE_BLOCK_BYTES", small)
    monkeypatch.setattr(berry, "CACHE_BLOCK_BYTES", small)
    blocked = Eigensystem.compute(m, k)
    np.testing.assert_allclose(blocked.velocity, whole.velocity, **TOL)
    got = berry.number_curvatures(blocked, pairs)
    np.testing.assert_allclose(got, ref, **TOL)
    np.testing.assert_allclose(berry.number_curvatures(blocked, pairs, charge=True), -ref, **TOL)
    for p, (b, c) in enumerate(pairs):
        np.testing.assert_allclose(generalized_berry_curvature(blocked, None, b=b, c=c,
                                                               block_average=False),
                                   got[:, p], **TOL)
    np.testing.assert_allclose(got[:, 3], -got[:, 1], **TOL)  # antisymmetric in (b, c)
    assert np.abs(ref).max() > 1e-2


def _hermitian(rng, shape):
    X = rng.normal(size=shape) + 1j * rng.normal(size=shape)
    return X + np.conj(np.swapaxes(X, -1, -2))


@pytest.mark.parametrize("charge", [False, True])
def test_number_curvatures_against_the_written_out_sums(rng, charge):
    """``number_curvatures`` (weights folded into one real dot product per pair) against
    Eq. S24 and the Wannier-space terms written out band by band: ``q [-2 sum_{m not in
    D(n)} Im(v^b_nm v^c_mn)/(e_n - e_m)^2 + curl_nn + 2 sum_{m not in D(n)} Im(A^b_nm
    A^c_mn)]``, on random Hermitian matrices with an exactly degenerate pair of levels
    (where both sums skip m). Counter-example: the connection term with the degenerate
    partner kept differs."""
    from lrtheory.response.berry import number_curvatures

    Nk, n, q = 3, 5, (-1.0 if charge else 1.0)
    e = np.sort(rng.normal(size=(Nk, n)), -1)
    e[:, 2] = e[:, 1]  # a degenerate level
    V, A = _hermitian(rng, (Nk, 3, n, n)), _hermitian(rng, (Nk, 3, n, n))
    curl = rng.normal(size=(Nk, 3, 3, n))
    curl -= np.swapaxes(curl, 1, 2)
    eig = Eigensystem(np.zeros((Nk, 3)), e, np.eye(n) * np.ones((Nk, 1, 1)), V, 1e-8, A,
                      None, curl)
    pairs = [(0, 1), (0, 2), (1, 2), (2, 0)]
    ref = np.zeros((Nk, len(pairs), n))
    near = np.zeros_like(ref)
    for kk in range(Nk):
        for p, (b, c) in enumerate(pairs):
            for i in range(n):
                ref[kk, p, i] = curl[kk, b, c, i]
                for j in range(n):
                    inter = 2 * (A[kk, b, i, j] * A[kk, c, j, i]).imag
                    if j != i and abs(e[kk, i] - e[kk, j]) > 1e-8:
                        ref[kk, p, i] += (-2 * (V[kk, b, i, j] * V[kk, c, j, i]).imag
                                          / (e[kk, i] - e[kk, j]) ** 2 + inter)
                    elif j != i:
                        near[kk, p, i] += inter
    got = number_curvatures(eig, pairs, charge=charge)
    np.testing.assert_allclose(got, q * ref, **TOL)
    assert np.abs(near[:, :, 1:3]).min() > 1e-3  # the skipped term is not zero


def test_has_degenerate_bands_from_neighbours():
    """The O(n) neighbour test for ascending energies (as from eigh) against the full
    degeneracy mask, at the threshold and beyond; unsorted energies take the mask."""
    n = 4
    U = np.eye(n) * np.ones((2, 1, 1))
    V = np.zeros((2, 3, n, n), complex)
    for e, tol, expected in [([[0, 1, 2, 3], [0, 1, 2, 3.5]], 0.5, False),
                             ([[0, 1, 2, 3], [0, 1, 1.5, 3.5]], 0.5, True),   # |de| = tol
                             ([[0, 1, 2, 3], [0, 1, 1.5, 3.5]], 0.4, False),
                             ([[3, 0, 2, 1], [0, 1, 2, 3.5]], 0.5, False),    # unsorted
                             ([[3, 0, 2.9, 1], [0, 1, 2, 3.5]], 0.5, True)]:
        eig = Eigensystem(np.zeros((2, 3)), np.array(e, float), U, V, tol)
        mask = bool(np.any(eig.degenerate().sum(-1) > 1))
        assert eig.has_degenerate_bands is expected and mask is expected
