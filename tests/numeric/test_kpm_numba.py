"""The numba engine of the in-place Chebyshev step (lrtheory.kpm._numba_step, issue #16 item 4)
against SciPy's kernels, the reference.

Tolerance. Both engines form ``y_i + c sum_p (2h_p) x_{j_p}`` with every product rounded the
same way; SciPy adds the m products of row i into ``y_i`` one by one, numba sums the real and
imaginary parts of ``2h`` separately over the row and adds the result once. By the standard
bound on recursive summation each is within ``(m + 2) eps S_i`` of the exact value, with
``S_i = |y_i| + sum_p (|Re 2h_p| + |Im 2h_p|)(|Re x_{j_p}| + |Im x_{j_p}|)`` bounding every
component's sum of absolute terms (products rounded: one more eps), so they differ by at most
``2 (m + 3) eps S_i`` per component. Counter-example: the same kernel with the conjugate of
``H~`` (the sign of the imaginary part flipped: the likeliest slip in the interleaved
arithmetic) misses that bound by orders of magnitude.
"""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from lrtheory import kpm
from lrtheory.errors import LrtheoryError
from lrtheory.kpm import recursion
from lrtheory.kpm.recursion import ChebyshevRecursion, numba_enabled
from lrtheory.models.haldane import haldane

EPS = np.finfo(float).eps


def _random_hermitian(rng, D, density, real):
    n = int(density * D * D)
    i, j = rng.integers(0, D, n), rng.integers(0, D, n)
    v = rng.normal(size=n) + (0 if real else 1j) * rng.normal(size=n)
    A = sp.csr_matrix((v, (i, j)), shape=(D, D), dtype=float if real else complex)
    H = sp.csr_matrix(A + A.conj().T)
    H = H / (np.abs(H).sum(axis=1).max())  # spectrum inside [-1, 1] (Gershgorin)
    H.sort_indices()
    return sp.csr_matrix(H.real) if real else sp.csr_matrix(H, dtype=complex)


def _bound(H, x, y):
    """2 (m_i + 3) eps S_i per row (module docstring), broadcast to the components."""
    ab = sp.csr_matrix((np.abs(H.data.real) + np.abs(H.data.imag), H.indices, H.indptr),
                       shape=H.shape)
    S = np.maximum(np.abs(y.real), np.abs(y.imag)) + 2 * (ab @ (np.abs(x.real) + np.abs(x.imag)))
    m = np.diff(H.indptr)[:, None]
    return 2 * (m + 3) * EPS * S


needs_numba = pytest.mark.skipif(not recursion._numba_importable(), reason="numba not installed")


@needs_numba
@pytest.mark.parametrize("real", [False, True])
@pytest.mark.parametrize("R", [1, 3, 8])
def test_numba_step_is_scipy_step_to_rounding(rng, real, R):
    """Random sparse Hermitian matrices (D = 300, ~6 % filled: rows of 8-30 entries); both
    signs; the threaded kernel (2 threads) equals the serial one bit for bit (same per-row
    arithmetic, rows only split)."""
    D = 300
    H = _random_hermitian(rng, D, 0.03, real)
    ref = ChebyshevRecursion(H, engine="scipy")
    fast = ChebyshevRecursion(H, engine="numba", threads=1)
    fast2 = ChebyshevRecursion(H, engine="numba", threads=2)
    assert (ref.engine, fast.engine, fast.real) == ("scipy", "numba", real)
    x = rng.normal(size=(D, R)) + 1j * rng.normal(size=(D, R))
    y0 = rng.normal(size=(D, R)) + 1j * rng.normal(size=(D, R))
    for sign in (1, -1):
        a, b, c = y0.copy(), y0.copy(), y0.copy()
        ref.accumulate(sign, x, a)
        fast.accumulate(sign, x, b)
        fast2.accumulate(sign, x, c)
        tol = _bound(H, x, y0)
        assert np.all(np.abs((b - a).real) <= tol) and np.all(np.abs((b - a).imag) <= tol)
        np.testing.assert_array_equal(b, c)
    if not real:  # counter-example: conj(H~) (imaginary part's sign flipped)
        from lrtheory.kpm import _numba_step as nb

        bad = y0.copy()
        k = nb.compile_kernels("complex", False)
        k(fast.indptr.view(np.uint32), fast.indices.view(np.uint32), fast._hr, -fast._hi,
          nb.as_flat(x), nb.as_flat(bad), 2 * R, 1.0, 1)
        a = y0.copy()
        ref.accumulate(1, x, a)
        assert np.abs(bad - a).max() > 1e6 * tol.max()


@needs_numba
def test_numba_real_path_is_its_complex_path_bit_for_bit(rng):
    """As for SciPy: the real kernel (A sums only) is the complex kernel with Im H~ = 0
    (A - 0 and A + 0 are exact)."""
    H = _random_hermitian(rng, 200, 0.05, real=True)
    r = np.exp(2j * np.pi * rng.random((200, 3)))
    fast = ChebyshevRecursion(H, engine="numba")
    slow = ChebyshevRecursion(H, engine="numba", real=False)
    assert fast.real and not slow.real
    for (_, _, a), (_, _, b) in zip(fast.blocks(r, 30), slow.blocks(r, 30)):
        np.testing.assert_array_equal(a, b)


@needs_numba
@pytest.mark.parametrize("model", ["complex", "real"])
def test_kpm_quantities_agree_between_engines(monkeypatch, model):
    """DOS (R = 3, one chunk of 3 vectors) and Kubo-Bastin Hall conductivity (R = 2) on an
    8 x 8 Haldane torus with LRTHEORY_NUMBA=1 and =0: the same numbers to 1e-10 relative
    (rounding of each step, ~1e-16, carried through N = 128 stable Chebyshev steps and the
    Bastin integral: 1e-12 observed). Counter-example: a different seed (other random
    vectors) changes them by far more than that."""
    m = haldane(t2=0.1, phi=np.pi / 2, delta=0.2) if model == "complex" \
        else haldane(t2=0.0, delta=0.3)
    s = kpm.supercell(m, (8, 8))
    out = {}
    for flag in ("1", "0"):
        monkeypatch.setenv("LRTHEORY_NUMBA", flag)
        assert numba_enabled() == (flag == "1")
        dos = kpm.density_of_states(s, np.linspace(-2.5, 2.5, 21), n_moments=128, n_vectors=3,
                                    vectors_per_chunk=3, seed=4)
        hall = kpm.hall_conductivity(s, [-1.0, 0.0, 1.0], n_moments=48, n_vectors=2, seed=4)
        out[flag] = (dos["dos"], hall["sigma"])
    for a, b in zip(out["1"], out["0"]):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10 * np.abs(b).max())
    other = kpm.density_of_states(s, np.linspace(-2.5, 2.5, 21), n_moments=128, n_vectors=3,
                                  vectors_per_chunk=3, seed=5)["dos"]
    assert np.abs(other - out["0"][0]).max() > 1e-4 * np.abs(out["0"][0]).max()


def test_engine_choice_and_fallback(monkeypatch):
    """LRTHEORY_NUMBA=0 or no numba: SciPy (same interface); engine='numba' without numba is
    one clear error; bad engine and thread values too."""
    H = sp.identity(4, format="csr") * 0.5
    monkeypatch.setenv("LRTHEORY_NUMBA", "0")
    assert ChebyshevRecursion(H).engine == "scipy"
    monkeypatch.setattr(recursion, "_numba_importable", lambda: False)
    monkeypatch.setenv("LRTHEORY_NUMBA", "1")
    assert not numba_enabled()
    assert ChebyshevRecursion(H).engine == "scipy"
    with pytest.raises(LrtheoryError, match="needs numba"):
        ChebyshevRecursion(H, engine="numba")
    with pytest.raises(LrtheoryError, match="engine must be one of"):
        ChebyshevRecursion(H, engine="fast")
    for bad in (0, -1, 1.5, True, "2"):
        with pytest.raises(LrtheoryError, match="threads"):
            ChebyshevRecursion(H, threads=bad)
    monkeypatch.setenv("LRTHEORY_NUMBA_THREADS", "two")
    with pytest.raises(LrtheoryError, match="LRTHEORY_NUMBA_THREADS"):
        ChebyshevRecursion(H)
    monkeypatch.setenv("LRTHEORY_NUMBA_THREADS", "3")
    assert ChebyshevRecursion(H).threads == 3
    assert ChebyshevRecursion(H).n_threads() == 1  # the SciPy engine runs on one thread


@needs_numba
def test_threads_are_capped_and_int64_indices_use_scipy(monkeypatch):
    H = sp.identity(6, format="csr") * 0.5
    rec = ChebyshevRecursion(H, engine="numba", threads=64)
    assert 1 <= rec.n_threads() <= min(64, recursion.available_cores())
    H64 = sp.csr_matrix(H)
    H64.indices, H64.indptr = H64.indices.astype(np.int64), H64.indptr.astype(np.int64)
    assert ChebyshevRecursion(H64, engine="numba").engine == "scipy"
    x = np.ones((6, 2), complex)
    y = np.zeros((6, 2), complex)
    rec.accumulate(-1, x, y)  # H~ = 1/2: y = -x exactly
    np.testing.assert_array_equal(y, -x)


@needs_numba
@pytest.mark.parametrize("real", [False, True])
def test_read_only_inputs_are_accepted(rng, real):
    """Read-only x and matrix arrays (e.g. buffers shared with worker processes) run the same
    kernel (compiled for read-only inputs) and give SciPy's numbers to rounding."""
    H = _random_hermitian(rng, 120, 0.05, real)
    rec = ChebyshevRecursion(H, engine="numba")
    ref = ChebyshevRecursion(H, engine="scipy")
    for a in (rec.indptr, rec.indices, rec._hr) + (() if real else (rec._hi,)):
        a.flags.writeable = False
    x = rng.normal(size=(120, 3)) + 1j * rng.normal(size=(120, 3))
    x.flags.writeable = False
    y0 = rng.normal(size=(120, 3)) + 1j * rng.normal(size=(120, 3))
    a, b = y0.copy(), y0.copy()
    rec.accumulate(-1, x, a)
    ref.accumulate(-1, x, b)
    tol = _bound(H, x, y0)
    assert np.all(np.abs((a - b).real) <= tol) and np.all(np.abs((a - b).imag) <= tol)
