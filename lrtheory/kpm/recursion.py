r"""The Chebyshev three-term recursion in place: one sparse pass per moment (issue #16 item 4).

``T_{n+1} = 2 H~ T_n - T_{n-1}`` is evaluated as one accumulating CSR x dense product
``y += (+-2 H~) x`` into the storage of ``T_{n-1}`` (SciPy's ``csr_matvec``/``csr_matvecs``
kernels, which add into their output): no temporary, no separate ``*= 2`` and ``-=`` passes,
and the matrix is read once per step for the whole block of R vectors. Per step the memory
traffic is the matrix (20 bytes per stored entry complex, 12 real) plus 3 x 16 bytes per
orbital and vector (read ``T_n``, read and write ``T_{n-1}``), against 20 nnz + 7 x 16 D R for
``2 * (H~ @ T_n) - T_{n-1}`` with NumPy temporaries.

Signs. Accumulating into ``T_{n-1}`` needs ``-T_{n-1}``; instead of a negation pass the blocks
are stored as ``b_n = s_n T_n(H~) r`` with ``s_n = +1, +1, -1, -1, +1, +1, ...`` (``s_{n+1} =
-s_{n-1}``), and step n adds ``c_n 2 H~ b_n`` with ``c_n = s_{n+1} s_n = (-1)^n`` (two copies
of the matrix values, ``+2 H~`` and ``-2 H~``). Multiplying by 2 or -1 is exact in floating
point, so the recursion equals the textbook one up to the order of the additions (rounding).

Real Hamiltonians. When ``H~`` has no imaginary part (e.g. TR-invariant models in a real
basis) its values are stored as float64 and the complex vectors are read as real ``(D, 2R)``
arrays: ``(a + 0i)(x + iy) = ax + i ay`` exactly, so the numbers are the complex path's bit
for bit, at 12 instead of 20 bytes per entry and a quarter of the multiplications.

Engines. ``engine="scipy"`` is the reference described above. ``engine="numba"`` (the default
``"auto"`` picks it when numba is installed and ``LRTHEORY_NUMBA`` is not ``0``) runs the
same step as one fused, SIMD-vectorised numba kernel (``lrtheory/kpm/_numba_step.py``:
``2 H~`` stored once as real and imaginary parts, the sign passed as a factor, rows over
``threads`` threads). Its numbers differ from SciPy's by the order of the additions only
(bound in that module; tested). Install it with ``pip install 'lrtheory[fast]'``.
"""
from __future__ import annotations

import functools
import os

import numpy as np
import scipy.sparse as sp

from lrtheory.errors import LrtheoryError, ShapeError
from lrtheory.parallel import available_cores

try:  # SciPy's compiled CSR kernels (present in every SciPy since 0.7, private module name)
    from scipy.sparse import _sparsetools
except ImportError:  # pragma: no cover - fallback keeps the numbers, loses the speed
    _sparsetools = None

__all__ = ["ChebyshevRecursion", "recursion_sign", "column_overlaps", "numba_enabled",
           "ENGINES"]

#: environment variable: ``0`` switches the numba engine off (SciPy's kernels are used)
NUMBA_ENV = "LRTHEORY_NUMBA"
#: environment variable: default number of threads of the numba kernel (1 if unset)
THREADS_ENV = "LRTHEORY_NUMBA_THREADS"
#: the values of ``engine``
ENGINES = ("auto", "scipy", "numba")


@functools.lru_cache(maxsize=1)
def _numba_importable() -> bool:
    try:
        from lrtheory.kpm import _numba_step  # noqa: F401  (imports numba: ~0.3 s, once)
    except ImportError:
        return False
    return True


def numba_enabled() -> bool:
    """Whether ``engine="auto"`` runs the numba kernels: numba importable and the
    environment variable ``LRTHEORY_NUMBA`` not ``0`` (read at every call).

    Returns
    -------
    bool
    """
    return os.environ.get(NUMBA_ENV, "1").strip() != "0" and _numba_importable()


def recursion_sign(n: int) -> int:
    """The sign ``s_n`` of the stored block ``b_n = s_n T_n(H~) r``: +1 for n = 0, 1 (mod 4),
    -1 for n = 2, 3 (mod 4).

    Parameters
    ----------
    n : int
        Chebyshev order n >= 0.

    Returns
    -------
    int
        +1 or -1 (dimensionless).
    """
    return 1 if n % 4 < 2 else -1


class ChebyshevRecursion:
    r"""The rescaled Hamiltonian ``H~`` prepared for the in-place recursion.

    Parameters
    ----------
    Ht : (D, D) sparse matrix
        The rescaled Hamiltonian (dimensionless, :func:`lrtheory.kpm.chebyshev.rescaled`).
    real : bool, optional
        Store ``H~`` as float64 (default: when no value has an imaginary part); ``False``
        forces the complex path (same numbers, slower), ``True`` on a complex ``H~`` raises.
    engine : {'auto', 'scipy', 'numba'}, optional
        The kernel of the step: SciPy's ``csr_matvec(s)`` (the reference), the numba kernel
        (needs numba), or ``'auto'``: numba when :func:`numba_enabled`, else SciPy. Chosen
        here, once (a copy sent to a worker process keeps it).
    threads : int, optional
        Threads of the numba kernel (rows split over them), capped at the cores this process
        may use (CPU affinity) and numba's ``NUMBA_NUM_THREADS``. Default: the environment
        variable ``LRTHEORY_NUMBA_THREADS``, else 1 (the serial kernel, which starts no
        threads: on a shared machine a threaded launch waits for a free core, measured
        0.1-20 ms per step here, docs/performance.md; parallelism over random vectors belongs
        to the executors, ``workers``). The KPM quantities pass 1 whenever their chunks run on
        several workers. The SciPy engine always runs on one thread.

    Attributes
    ----------
    real : bool
        True when ``H~`` is stored as float64 (no imaginary part).
    engine : str
        ``'scipy'`` or ``'numba'``: the kernel in use.
    threads : int
        The requested numba threads.
    """

    def __init__(self, Ht, real: bool | None = None, engine: str = "auto",
                 threads: int | None = None):
        H = Ht if sp.isspmatrix_csr(Ht) or isinstance(Ht, sp.csr_array) else sp.csr_matrix(Ht)
        if H.ndim != 2 or H.shape[0] != H.shape[1]:
            raise ShapeError(f"H~ must be a square sparse matrix, got shape {H.shape}")
        data = H.data
        is_real = not np.iscomplexobj(data) or not np.any(data.imag)
        if real and not is_real:
            raise LrtheoryError("real=True needs a real H~ (it has imaginary parts)")
        self.real = is_real if real is None else bool(real)
        data = np.asarray(data.real if self.real else data, float if self.real else complex)
        self.shape = H.shape
        self.indptr, self.indices = H.indptr, H.indices
        if engine not in ENGINES:
            raise LrtheoryError(f"engine must be one of {ENGINES}, got {engine!r}")
        if threads is None:
            env = os.environ.get(THREADS_ENV, "1").strip()
            if not env.isdigit() or int(env) < 1:
                raise LrtheoryError(f"{THREADS_ENV} must be an integer >= 1, got {env!r}")
            threads = int(env)
        if isinstance(threads, bool) or not isinstance(threads, (int, np.integer)) \
                or threads < 1:
            raise LrtheoryError(f"threads must be an integer >= 1 or None, got {threads!r}")
        self.threads = int(threads)
        small = self.indices.dtype == np.int32 and self.indptr.dtype == np.int32
        if engine == "numba" and not _numba_importable():
            raise LrtheoryError("engine='numba' needs numba (pip install 'lrtheory[fast]')")
        use_numba = engine == "numba" or (engine == "auto" and numba_enabled())
        self.engine = "numba" if use_numba and small else "scipy"  # int64 indices: SciPy
        if self.engine == "numba":  # 2 H~ once (real and imaginary parts), sign as a factor
            self._hr = np.ascontiguousarray(2 * data.real)
            self._hi = None if self.real else np.ascontiguousarray(2 * data.imag)
        else:
            self._data = {1: 2 * data, -1: -2 * data}  # +2 H~, -2 H~ (exact)

    def n_threads(self) -> int:
        """Threads the numba kernel runs on now (1 for the SciPy engine).

        Returns
        -------
        int
            ``min(threads, available cores, NUMBA_NUM_THREADS)`` (>= 1).
        """
        if self.engine != "numba":
            return 1
        from lrtheory.kpm import _numba_step

        return max(1, min(self.threads, available_cores(), _numba_step.max_threads()))

    def accumulate(self, sign: int, x: np.ndarray, y: np.ndarray) -> None:
        """``y += sign * 2 H~ x`` in place, x and y C-contiguous complex ``(D, R)`` blocks.

        Parameters
        ----------
        sign : {+1, -1}
            The sign of the product.
        x : (D, R) complex array
            The vectors multiplied (not modified).
        y : (D, R) complex array
            The vectors added to (modified).
        """
        D = self.shape[0]
        # the compiled kernels do no bounds checks: check here, once per step (~1 us)
        if not (x.ndim == y.ndim == 2 and x.shape == y.shape and x.shape[0] == D
                and x.dtype == y.dtype == np.complex128 and x.flags.c_contiguous
                and y.flags.c_contiguous and y.flags.writeable):
            raise ShapeError(f"x and y must be C-contiguous complex128 ({D}, R) blocks of one "
                             f"shape, got {x.shape} {x.dtype} and {y.shape} {y.dtype}")
        if np.may_share_memory(x, y):
            raise ShapeError("x and y must not share memory (y += 2 H~ x in place)")
        if self.engine == "numba":
            self._numba_accumulate(sign, x, y)
            return
        data = self._data[sign]
        xv, yv = (x.view(float), y.view(float)) if self.real else (x, y)
        nv = xv.shape[1]
        if _sparsetools is None:  # public fallback (tested with the module patched)
            yv += sp.csr_matrix((data, self.indices, self.indptr), shape=self.shape) @ xv
        elif nv == 1:
            _sparsetools.csr_matvec(D, D, self.indptr, self.indices, data, xv.reshape(-1),
                                    yv.reshape(-1))
        elif nv > 1:
            _sparsetools.csr_matvecs(D, D, nv, self.indptr, self.indices, data, xv.reshape(-1),
                                     yv.reshape(-1))

    def _numba_accumulate(self, sign: int, x: np.ndarray, y: np.ndarray) -> None:
        from lrtheory.kpm import _numba_step as nb

        n = self.n_threads()
        kernel = nb.compile_kernels("real" if self.real else "complex", n > 1)
        values = (self._hr,) if self.real else (self._hr, self._hi)
        args = (self.indptr.view(np.uint32), self.indices.view(np.uint32), *values,
                nb.as_flat(x), nb.as_flat(y), 2 * x.shape[1], float(sign), n)
        if n == 1:
            kernel(*args)
            return
        with nb.LAUNCH_LOCK:  # one threaded launch at a time (numba's workqueue layer)
            nb.set_threads(n)
            kernel(*args)

    def blocks(self, vectors: np.ndarray, n_moments: int):
        """Yield ``(n, s_n, b_n)`` with ``b_n = s_n T_n(H~) vectors`` for n = 0..N-1.

        ``b_n`` is working storage: it stays valid while ``b_{n+1}`` is used (the doubling of
        :func:`~lrtheory.kpm.chebyshev.dos_moments` reads both) and is overwritten by
        ``b_{n+2}``; copy it to keep it. The input ``vectors`` are not modified.

        Parameters
        ----------
        vectors : (D, R) array
            The starting vectors (converted to one complex C-ordered copy).
        n_moments : int
            N, the number of blocks yielded.

        Yields
        ------
        (int, int, (D, R) complex array)
            n, the sign ``s_n`` and the stored block ``b_n`` (dimensionless operator on the
            vectors' units).
        """
        a0 = np.array(vectors, dtype=complex, order="C", copy=True)
        if a0.ndim != 2 or a0.shape[0] != self.shape[0]:
            raise ShapeError(f"vectors must be ({self.shape[0]}, R), got {a0.shape}")
        if n_moments < 1:
            return
        yield 0, 1, a0
        if n_moments < 2:
            return
        a1 = np.zeros_like(a0)
        self.accumulate(1, a0, a1)
        a1 *= 0.5  # H~ a0 exactly: (2 H~ a0)/2
        yield 1, 1, a1
        for n in range(1, n_moments - 1):
            self.accumulate(-1 if n % 2 else 1, a1, a0)  # a0 <- s_{n+1} T_{n+1} vectors
            a0, a1 = a1, a0
            yield n + 1, recursion_sign(n + 1), a1


def column_overlaps(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``Re sum_d conj(x[d, r]) y[d, r]`` for every column r of two C-contiguous complex
    ``(D, R)`` blocks: one ``einsum`` over the real-number views folded into lines of ~512
    numbers (no temporary; no BLAS call: a threaded BLAS dot stalls on a loaded machine).

    Parameters
    ----------
    x, y : (D, R) complex arrays

    Returns
    -------
    (R,) float array
        The real parts of the column inner products.
    """
    xv, yv = x.view(float), y.view(float)
    D, K = xv.shape
    g = max(1, 512 // K)  # g rows per line of g K numbers: einsum's inner loop is a line
    full = (D // g) * g
    out = np.einsum("ij,ij->j", xv[:full].reshape(-1, g * K),
                    yv[:full].reshape(-1, g * K)).reshape(g, K).sum(0)
    if full < D:
        out += np.einsum("dk,dk->k", xv[full:], yv[full:])
    return out.reshape(-1, 2).sum(1)
