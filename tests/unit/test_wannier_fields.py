"""The fused Fourier sum of :class:`~lrtheory.io.wannier90.Wannier90Model` (H, dH/dk, the
position matrix A and its curl from one product, ``bloch_fields``) and the band-basis curl
of :class:`~lrtheory.bands.eigensystem.Eigensystem` (lazy ``connection_curl``,
``curl_diagonal``).

Expected values come from routes that share nothing with the fused sum:

* **Finite differences.** ``dH/dk`` and ``d_b A^c - d_c A^b`` against central differences
  of ``H(k)`` and ``A(k)`` (error O(h^2): relative 1e-6 at h = 1e-4 on O(1) derivatives);
  counter-example: dropping the ``r_n - r_m`` part of the displacement (the gauge-phase
  derivative) moves dH/dk far beyond that tolerance.
* **Separate calls.** ``bloch_fields`` equals ``hamiltonian_and_velocity`` and
  ``position_matrix`` called one by one, and falls back to them for models without the
  fused method.
* **Band diagonal.** ``curl_diagonal(b, c)`` equals the diagonal of the full band-basis
  transform ``connection_curl`` and is antisymmetric in (b, c).
"""
from __future__ import annotations

import numpy as np

from lrtheory.bands.eigensystem import Eigensystem
from lrtheory.io.wannier90 import model_from_hr
from lrtheory.models.haldane import haldane, layered_haldane
from lrtheory.models.protocol import bloch_fields
from tests.unit.test_wannier_interpolation import rotated_data


def _full_model(rng, positions=True):
    m = layered_haldane(tz=0.15, c=1.5, weyl=True, delta=0.4)
    data, _ = rotated_data(m, np.asarray(m.lattice_vectors, float), rng, extra_A=0.05)
    moved = np.array([[0.3, -0.2, 0.1], [-0.1, 0.4, -0.3]])  # generic Wannier centres
    return model_from_hr(data, interpolation="full" if positions else "tight-binding",
                         dim=3, positions=moved)


def _central(f, k, a, h):
    e = np.zeros(3)
    e[a] = h
    return (f(k + e) - f(k - e)) / (2 * h)


def test_velocity_and_curl_equal_finite_differences(rng):
    m = _full_model(rng)
    k = rng.uniform(-2, 2, size=(5, 3))
    H, V, pm = bloch_fields(m, k)
    h = 1e-4
    for a in range(3):
        fd = _central(m.hamiltonian, k, a, h)
        np.testing.assert_allclose(V[:, a], fd, atol=1e-6 * np.abs(fd).max())
    A = lambda q: m.position_matrix(q).connection  # noqa: E731
    for b in range(3):
        for c in range(3):
            fd = _central(A, k, b, h)[:, c] - _central(A, k, c, h)[:, b]
            np.testing.assert_allclose(pm.curl[:, b, c], fd, atol=1e-6 * max(1, np.abs(fd).max()))
    # counter-example: the Bloch-phase derivative i (r_n - r_m) H left out
    dpos = m.positions[None, :, :] - m.positions[:, None, :]
    wrong = V[:, 0] - 1j * dpos[..., 0] * H
    assert np.abs(wrong - _central(m.hamiltonian, k, 0, h)).max() > 1e-2


def test_fused_sum_equals_separate_calls_and_falls_back(rng):
    m = _full_model(rng)
    k = rng.uniform(-2, 2, size=(4, 3))
    H, V, pm = bloch_fields(m, k)
    H1, V1 = m.hamiltonian_and_velocity(k)
    pm1 = m.position_matrix(k)
    for x, y in ((H, m.hamiltonian(k)), (H, H1), (V, V1), (pm.connection, pm1.connection),
                 (pm.curl, pm1.curl)):
        np.testing.assert_allclose(x, y, atol=1e-12 * max(1, np.abs(y).max()))
    tb = _full_model(rng, positions=False)
    assert bloch_fields(tb, k)[2] is None
    plain = haldane(t0=1.0, t2=0.1, phi=0.7, delta=0.2)  # no fused method
    kp = rng.uniform(-2, 2, size=(4, 2))
    Hp, Vp, none = bloch_fields(plain, kp)
    np.testing.assert_array_equal(Hp, plain.hamiltonian(kp))
    np.testing.assert_array_equal(Vp, plain.velocity(kp))
    assert none is None


def test_curl_diagonal_is_the_diagonal_of_the_band_basis_curl(rng):
    m = _full_model(rng)
    eig = Eigensystem.compute(m, rng.uniform(-2, 2, size=(6, 3)))
    full = eig.connection_curl
    assert not full.flags.writeable
    for b in range(3):
        for c in range(3):
            ref = np.diagonal(full[:, b, c], axis1=-2, axis2=-1).real
            got = eig.curl_diagonal(b, c)
            np.testing.assert_allclose(got, ref, atol=1e-13 * max(1, np.abs(full).max()))
            np.testing.assert_allclose(eig.curl_diagonal(c, b), -got, atol=1e-13)
    assert np.abs(full[:, 0, 1]).max() > 1e-3  # not a trivially zero curl
    # gauge: the band-basis curl transforms covariantly with the states
    g = eig.randomize_gauge(np.random.default_rng(1))
    W = np.conj(np.swapaxes(eig.states, -1, -2)) @ g.states
    np.testing.assert_allclose(g.connection_curl, np.conj(np.swapaxes(W, -1, -2))[:, None, None]
                               @ full @ W[:, None, None], atol=1e-12)
    tb = Eigensystem.compute(_full_model(rng, positions=False), eig.k)
    assert tb.connection_curl is None
    np.testing.assert_array_equal(tb.curl_diagonal(0, 1), 0.0)
