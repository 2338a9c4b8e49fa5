"""The in-place Chebyshev recursion (lrtheory.kpm.recursion, issue #16 item 4).

The reference is the textbook recursion written here with SciPy's ``@`` and NumPy
temporaries (``T_{n+1} = 2 H~ T_n - T_{n-1}``), an implementation independent of the
accumulating kernels and of the sign bookkeeping. Tolerance: both are the same sums in another
order, so they agree to rounding; a stable Chebyshev recursion with |x| < 1 keeps the
rounding of order n eps |r| (here N = 120: 1e-12 relative to the vectors' norm leaves
two orders of margin). Counter-example: dropping the signs s_n (every block taken as + T_n)
misses by O(1).
"""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from lrtheory import kpm
from lrtheory.errors import LrtheoryError, ShapeError
from lrtheory.kpm import chebyshev as cb
from lrtheory.kpm import recursion
from lrtheory.kpm.recursion import ChebyshevRecursion, column_overlaps, recursion_sign
from lrtheory.models.haldane import haldane

RTOL = 1e-12  # rounding of two orderings of the same sums (see module docstring)


def _textbook(Ht, r, n_moments):
    out = [r, Ht @ r]
    while len(out) < n_moments:
        out.append(2 * (Ht @ out[-1]) - out[-2])
    return out[:n_moments]


def _scaled(model, cells):
    s = kpm.supercell(model, cells)
    return cb.rescaled(s.hamiltonian, kpm.spectral_bounds(s.hamiltonian))


@pytest.fixture(scope="module", params=["complex", "real"])
def Ht(request):
    """Haldane torus at phi = pi/2 (complex H) or gapped graphene (t2 = 0: real H)."""
    m = haldane(t2=0.1, phi=np.pi / 2, delta=0.2) if request.param == "complex" \
        else haldane(t2=0.0, delta=0.3)
    return _scaled(m, (9, 7))


ENGINES = ["scipy"] + (["numba"] if recursion._numba_importable() else [])


@pytest.mark.parametrize("engine", ENGINES)
def test_blocks_are_the_textbook_recursion(Ht, rng, engine):
    """Both engines (SciPy's kernels; numba's when installed, tests/numeric/test_kpm_numba.py)."""
    r = np.exp(2j * np.pi * rng.random((Ht.shape[0], 3)))
    ref = _textbook(Ht, r, 120)
    r_in = r.copy()
    scale = np.linalg.norm(r)
    for n, s, b in ChebyshevRecursion(Ht, engine=engine).blocks(r, 120):
        assert s == recursion_sign(n)
        np.testing.assert_allclose(s * b, ref[n], rtol=0, atol=RTOL * scale)
    np.testing.assert_array_equal(r, r_in)  # the input is not modified
    # exactly N blocks for every N (the first two are special cases of the loop)
    for N in range(5):
        got = [(n, s * b.copy()) for n, s, b in ChebyshevRecursion(Ht).blocks(r, N)]
        assert [n for n, _ in got] == list(range(N))
        for n, x in got:
            np.testing.assert_allclose(x, ref[n], rtol=0, atol=RTOL * scale)
    # counter-example: the stored blocks without their signs are not T_n r
    bad = max(np.abs(b - ref[n]).max() for n, _, b in ChebyshevRecursion(Ht).blocks(r, 8))
    assert bad > 0.1


def test_fallback_without_scipy_private_kernels(Ht, rng, monkeypatch):
    """If SciPy's private ``_sparsetools`` ever goes, the public ``@`` fallback gives the same
    blocks (to rounding)."""
    r = np.exp(2j * np.pi * rng.random((Ht.shape[0], 2)))
    fast = [s * b.copy() for _, s, b in ChebyshevRecursion(Ht, engine="scipy").blocks(r, 30)]
    monkeypatch.setattr(recursion, "_sparsetools", None)
    for n, s, b in ChebyshevRecursion(Ht, engine="scipy").blocks(r, 30):
        np.testing.assert_allclose(s * b, fast[n], rtol=0, atol=RTOL * np.linalg.norm(r))


def test_real_path_is_the_complex_path_bit_for_bit(rng):
    Ht = _scaled(haldane(t2=0.0, delta=0.3), (9, 7))
    r = np.exp(2j * np.pi * rng.random((Ht.shape[0], 2)))
    fast = ChebyshevRecursion(Ht, engine="scipy")
    slow = ChebyshevRecursion(Ht, real=False, engine="scipy")
    assert fast.real and not slow.real
    for (_, _, a), (_, _, b) in zip(fast.blocks(r, 40), slow.blocks(r, 40)):
        np.testing.assert_array_equal(a, b)
    # a complex H~ is never taken as real
    Hc = _scaled(haldane(t2=0.1, phi=np.pi / 2), (5, 5))
    assert not ChebyshevRecursion(Hc).real
    with pytest.raises(LrtheoryError, match="real"):
        ChebyshevRecursion(Hc, real=True)


def test_block_of_vectors_equals_one_vector_at_a_time(Ht, rng):
    """The block path (one CSR x (D, R) product per step) gives each vector's moments as the
    single-vector path (csr_matvec) to 1e-12 relative."""
    R, N = 5, 64
    r = np.exp(2j * np.pi * rng.random((Ht.shape[0], R)))
    rec = ChebyshevRecursion(Ht, engine="scipy")
    block = cb.dos_moments(rec, r, N)
    single = np.concatenate([cb.dos_moments(rec, r[:, [j]], N) for j in range(R)])
    np.testing.assert_allclose(block, single, rtol=RTOL, atol=RTOL * np.abs(single).max())
    # and both are the textbook moments <r|T_n|r> (no doubling)
    ref = np.array([np.einsum("dr,dr->r", r.conj(), t) for t in _textbook(Ht, r, N)]).T
    np.testing.assert_allclose(block, ref, rtol=0, atol=RTOL * np.abs(ref).max())
    assert np.all(block.imag == 0)
    # counter-example: moments of another vector differ by O(1) of mu_0 / D
    other = cb.dos_moments(rec, np.roll(r, 1, axis=1), N)
    assert np.abs(other - block).max() > 1e-3 * np.abs(block).max()


def test_column_overlaps_is_the_real_part_of_the_inner_product(rng):
    """Small blocks (remainder rows only), 40001 rows (folded lines and remainder rows) and
    one full line plus a single remainder row (257 = 256 + 1 rows for R = 1, 86 = 85 + 1 for
    R = 3: lines of 512 // 2R rows): the same sums as numpy's vdot in another order
    (rounding ~ sqrt(D) eps |x||y|)."""
    for D, R in ((50, 1), (50, 4), (40001, 1), (40001, 3), (257, 1), (86, 3)):
        x = rng.normal(size=(D, R)) + 1j * rng.normal(size=(D, R))
        y = rng.normal(size=(D, R)) + 1j * rng.normal(size=(D, R))
        ref = np.array([np.vdot(x[:, j], y[:, j]).real for j in range(R)])
        atol = 1e-14 * D  # D eps |x_d y_d|, |x_d y_d| ~ 2-10
        np.testing.assert_allclose(column_overlaps(x, y), ref, rtol=0, atol=atol)
        # the last row (the remainder) counts: scaling it by 1000 adds 999 of its product
        z = y.copy()
        z[-1] *= 1000
        last = 999 * (x[-1].conj() * y[-1]).real
        np.testing.assert_allclose(column_overlaps(x, z), ref + last, rtol=0, atol=atol)
        assert np.all(np.abs(last) > 10 * atol)


@pytest.mark.parametrize("engine", ENGINES)
def test_bad_input_is_one_clear_error(engine):
    with pytest.raises(ShapeError):
        ChebyshevRecursion(sp.csr_matrix(np.ones((2, 3))))
    rec = ChebyshevRecursion(sp.identity(4, format="csr"), engine=engine)
    with pytest.raises(ShapeError, match=r"\(4, R\)"):
        next(rec.blocks(np.ones((3, 1)), 4))
    # the compiled kernel has no bounds checks: wrong blocks are refused before it runs
    x = np.ones((4, 2), complex)
    for bad in (np.ones((3, 2), complex), np.ones((4, 2)), np.ones((2, 4), complex).T,
                np.ones((4, 3), complex)):
        with pytest.raises(ShapeError):
            rec.accumulate(1, x, bad)
    with pytest.raises(ShapeError, match="share memory"):
        rec.accumulate(1, x, x)
    y = np.zeros((4, 2), complex)
    rec.accumulate(-1, x, y)  # the good case: y = -2 x (H~ = 1)
    np.testing.assert_array_equal(y, -2 * x)
