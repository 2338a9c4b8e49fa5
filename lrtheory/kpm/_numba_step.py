r"""Optional numba kernels of the in-place Chebyshev step ``y += c 2 H~ x`` (issue #16 item 4).

Only imported when numba is installed and ``LRTHEORY_NUMBA`` is not ``0``
(:func:`lrtheory.kpm.recursion.numba_enabled`); SciPy's ``csr_matvec(s)`` stays the reference
and the fallback. One fused pass per step: for every row ``i`` of the CSR matrix (values
``2 H~`` split into real and imaginary parts, unsigned 32-bit column indices and row
pointers) and every vector of the block, ``y[i] += c sum_p H_ip x[j_p]``, rows split over
threads (``prange``) when more than one thread is asked for, a serial kernel otherwise (no
threading layer is started then: safe in forked workers and in threads of a Dask worker; it
releases the GIL).

Layout. The complex ``(D, R)`` blocks are read as flat float64 arrays of ``D K`` numbers,
``K = 2 R`` (real and imaginary parts interleaved). A row's product is accumulated in
registers for groups of 8 numbers (4 complex vectors) at a time, then 2 (one complex vector):
``A_k = sum_p Re(h_p) x_k``, ``B_k = sum_p Im(h_p) x_k``, then ``Re y += c (A_re - B_im)``,
``Im y += c (A_im + B_re)``. Each of the 16 sums is a plain multiply-add over the row, so
LLVM's SLP vectoriser packs them into SIMD registers (it is off in numba by default:
switched on for these kernels only, while they compile, :func:`compile_kernels`); a real
``H~`` needs ``A`` only. All indices are unsigned, so numba emits no negative-index
wraparound code (which stops the vectoriser).

Rounding. SciPy adds every product into ``y`` in order; here each row's sum is formed first
(real and imaginary parts of ``h`` in separate sums) and added once: the same terms in another
order. For a row with m stored entries each output number differs by at most
``~(m + 1) eps sum_p |h_p| |x_p|`` from SciPy's (``|2 H~| <= 2`` summed over the row:
``<= 2 (m + 1) eps max |x|``; tests/numeric/test_kpm_numba.py).
"""
from __future__ import annotations

import threading

import numba
import numpy as np
from numba import njit, prange, uint64

def _ro(dtype):
    """A read-only contiguous 1D array type: writeable arrays convert to it too."""
    return numba.types.Array(dtype, 1, "C", readonly=True)


_IN = (_ro(numba.uint32), _ro(numba.uint32))  # row pointers, column indices
_VEC = numba.types.Array(numba.float64, 1, "C")  # y (written)
_SCALARS = (numba.int64, numba.float64, numba.int64)  # K, c, n_threads
#: the only types the kernels are compiled for (inputs read-only: writeable arrays match too)
SIGNATURES = {
    "complex": numba.void(*_IN, _ro(numba.float64), _ro(numba.float64), _ro(numba.float64),
                          _VEC, *_SCALARS),
    "real": numba.void(*_IN, _ro(numba.float64), _ro(numba.float64), _VEC, *_SCALARS),
}
_COMPILE_LOCK = threading.Lock()
#: serialises the threaded kernels: numba's workqueue layer must not be entered twice at once
LAUNCH_LOCK = threading.Lock()
_COMPILED: set = set()


@njit(inline="always")
def _row_complex(indptr, indices, hr, hi, x, y, i, K, c):  # pragma: no cover - compiled
    p0, p1 = indptr[i], indptr[i + 1]
    Ku = uint64(K)
    row = uint64(i) * Ku
    K8 = K - K % 8
    for g in range(0, K8, 8):
        gu = uint64(g)
        A0 = A1 = A2 = A3 = A4 = A5 = A6 = A7 = 0.0
        B0 = B1 = B2 = B3 = B4 = B5 = B6 = B7 = 0.0
        for p in range(p0, p1):
            b = uint64(indices[p]) * Ku + gu
            a, h = hr[p], hi[p]
            x0, x1, x2, x3 = x[b], x[b + uint64(1)], x[b + uint64(2)], x[b + uint64(3)]
            x4, x5, x6, x7 = x[b + uint64(4)], x[b + uint64(5)], x[b + uint64(6)], x[b + uint64(7)]
            A0 += a * x0
            A1 += a * x1
            A2 += a * x2
            A3 += a * x3
            A4 += a * x4
            A5 += a * x5
            A6 += a * x6
            A7 += a * x7
            B0 += h * x0
            B1 += h * x1
            B2 += h * x2
            B3 += h * x3
            B4 += h * x4
            B5 += h * x5
            B6 += h * x6
            B7 += h * x7
        o = row + gu
        y[o] += c * (A0 - B1)
        y[o + uint64(1)] += c * (A1 + B0)
        y[o + uint64(2)] += c * (A2 - B3)
        y[o + uint64(3)] += c * (A3 + B2)
        y[o + uint64(4)] += c * (A4 - B5)
        y[o + uint64(5)] += c * (A5 + B4)
        y[o + uint64(6)] += c * (A6 - B7)
        y[o + uint64(7)] += c * (A7 + B6)
    for g in range(K8, K, 2):
        gu = uint64(g)
        A0 = A1 = B0 = B1 = 0.0
        for p in range(p0, p1):
            b = uint64(indices[p]) * Ku + gu
            a, h = hr[p], hi[p]
            x0, x1 = x[b], x[b + uint64(1)]
            A0 += a * x0
            A1 += a * x1
            B0 += h * x0
            B1 += h * x1
        o = row + gu
        y[o] += c * (A0 - B1)
        y[o + uint64(1)] += c * (A1 + B0)


@njit(inline="always")
def _row_real(indptr, indices, hr, x, y, i, K, c):  # pragma: no cover - compiled
    p0, p1 = indptr[i], indptr[i + 1]
    Ku = uint64(K)
    row = uint64(i) * Ku
    K8 = K - K % 8
    for g in range(0, K8, 8):
        gu = uint64(g)
        A0 = A1 = A2 = A3 = A4 = A5 = A6 = A7 = 0.0
        for p in range(p0, p1):
            b = uint64(indices[p]) * Ku + gu
            a = hr[p]
            A0 += a * x[b]
            A1 += a * x[b + uint64(1)]
            A2 += a * x[b + uint64(2)]
            A3 += a * x[b + uint64(3)]
            A4 += a * x[b + uint64(4)]
            A5 += a * x[b + uint64(5)]
            A6 += a * x[b + uint64(6)]
            A7 += a * x[b + uint64(7)]
        o = row + gu
        y[o] += c * A0
        y[o + uint64(1)] += c * A1
        y[o + uint64(2)] += c * A2
        y[o + uint64(3)] += c * A3
        y[o + uint64(4)] += c * A4
        y[o + uint64(5)] += c * A5
        y[o + uint64(6)] += c * A6
        y[o + uint64(7)] += c * A7
    for g in range(K8, K, 2):
        gu = uint64(g)
        A0 = A1 = 0.0
        for p in range(p0, p1):
            b = uint64(indices[p]) * Ku + gu
            a = hr[p]
            A0 += a * x[b]
            A1 += a * x[b + uint64(1)]
        o = row + gu
        y[o] += c * A0
        y[o + uint64(1)] += c * A1


@njit(cache=True, nogil=True)
def step_complex(indptr, indices, hr, hi, x, y, K, c, n_threads):  # pragma: no cover
    """``y += c (hr + i hi) x`` row by row, one thread (flat interleaved blocks)."""
    for i in range(y.shape[0] // K):
        _row_complex(indptr, indices, hr, hi, x, y, i, K, c)


@njit(cache=True, nogil=True)
def step_real(indptr, indices, hr, x, y, K, c, n_threads):  # pragma: no cover
    """``y += c hr x`` row by row, one thread."""
    for i in range(y.shape[0] // K):
        _row_real(indptr, indices, hr, x, y, i, K, c)


@njit(cache=True, parallel=True)
def step_complex_threads(indptr, indices, hr, hi, x, y, K, c, n_threads):  # pragma: no cover
    """:func:`step_complex` with the rows split into ``4 n_threads`` ranges over threads."""
    D = y.shape[0] // K
    n = 4 * n_threads
    for t in prange(n):
        for i in range(t * D // n, (t + 1) * D // n):
            _row_complex(indptr, indices, hr, hi, x, y, i, K, c)


@njit(cache=True, parallel=True)
def step_real_threads(indptr, indices, hr, x, y, K, c, n_threads):  # pragma: no cover
    """:func:`step_real` with the rows split into ``4 n_threads`` ranges over threads."""
    D = y.shape[0] // K
    n = 4 * n_threads
    for t in prange(n):
        for i in range(t * D // n, (t + 1) * D // n):
            _row_real(indptr, indices, hr, x, y, i, K, c)


KERNELS = {("complex", False): step_complex, ("real", False): step_real,
           ("complex", True): step_complex_threads, ("real", True): step_real_threads}


def compile_kernels(kind: str, threaded: bool):
    """The kernel for ``kind`` ('complex' or 'real'), compiled (or loaded from numba's cache)
    with LLVM's SLP vectoriser switched on for this compilation only (numba's global setting
    is restored: other numba code of the process is not affected).

    Parameters
    ----------
    kind : {'complex', 'real'}
        The type of the values of ``H~``.
    threaded : bool
        The ``prange`` kernel (True) or the serial one.

    Returns
    -------
    numba dispatcher
        Callable as ``kernel(indptr, indices, [hr, hi | hr], x, y, K, c, n_threads)``.
    """
    kernel = KERNELS[kind, bool(threaded)]
    key = (kind, bool(threaded))
    if key not in _COMPILED:
        with _COMPILE_LOCK:
            if key not in _COMPILED:
                saved = numba.config.SLP_VECTORIZE
                numba.config.SLP_VECTORIZE = 1
                try:
                    kernel.compile(SIGNATURES[kind])
                finally:
                    numba.config.SLP_VECTORIZE = saved
                kernel.disable_compile()  # never a second, unvectorised specialisation
                _COMPILED.add(key)
    return kernel


def max_threads() -> int:
    """numba's thread-pool size (``NUMBA_NUM_THREADS``)."""
    return int(numba.config.NUMBA_NUM_THREADS)


def set_threads(n: int) -> None:
    """``numba.set_num_threads(n)`` for the calling thread."""
    numba.set_num_threads(int(n))


def as_flat(a: np.ndarray) -> np.ndarray:
    """A C-contiguous complex ``(D, R)`` block as its flat float64 view (no copy)."""
    return a.reshape(-1).view(np.float64)
