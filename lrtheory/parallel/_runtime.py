"""Process-level helpers of the executors: BLAS threads, malloc settings, interrupts that
wait for a launch to finish, the progress bar, and adding partial sums."""
from __future__ import annotations

import os
import signal
import sys
import threading
from typing import Any

from lrtheory.errors import LrtheoryError


def available_cores() -> int:
    """Cores this process may run on (CPU affinity where the OS reports it).

    Returns
    -------
    int
        Number of usable cores (>= 1).
    """
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def add_partial_sums(a: Any, b: Any) -> Any:
    """``a + b`` for ndarrays, key by key for dicts (same keys); ``a is None``: ``b``.

    Parameters
    ----------
    a : ndarray, dict or None
        Running total (None: nothing yet).
    b : ndarray or dict
        Partial sum of one chunk (same units and shape as ``a``).

    Returns
    -------
    ndarray or dict
        The sum.
    """
    if a is None:
        return b
    if isinstance(a, dict):
        if set(a) != set(b):
            raise LrtheoryError(
                f"partial sums of different chunks have different keys: {sorted(a)} vs {sorted(b)}"
            )
        return {key: a[key] + b[key] for key in a}
    return a + b


def blas_single_thread():
    """Context manager limiting BLAS to one thread (a no-op without threadpoolctl).

    Batched ``eigh`` of many small matrices is ~20x *slower* with a multi-threaded OpenBLAS
    on a busy 2-core machine (measured: 2048 matrices 40x40, 6.3 s vs 0.35 s); parallelism
    belongs to :func:`lrtheory.parallel.kmap_reduce` (processes over k-chunks) instead. The
    serial executor runs every chunk under it; worker processes are pinned at start-up.

    Returns
    -------
    contextlib.AbstractContextManager
        Restores the previous BLAS thread limits on exit.
    """
    global _CONTROLLER
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - optional
        import contextlib

        return contextlib.nullcontext()
    # finding the loaded BLAS libraries is the expensive part (0.1-0.5 ms, paid per k-chunk
    # by the serial executor); keep the controller while no module has been imported since,
    # so that a BLAS loaded later (e.g. scipy's own OpenBLAS) is still found
    n_modules = len(sys.modules)
    if _CONTROLLER is None or _CONTROLLER[0] != n_modules:
        _CONTROLLER = (n_modules, ThreadpoolController())
    return _CONTROLLER[1].limit(limits=1, user_api="blas")


#: (len(sys.modules) when built, threadpoolctl.ThreadpoolController) of blas_single_thread
_CONTROLLER = None


def limit_blas_threads(n: int | None) -> None:
    """Pin BLAS/OpenMP threads of this process (threadpoolctl if installed; env vars for
    libraries loaded later).

    Parameters
    ----------
    n : int or None
        Number of threads (None: leave unchanged).
    """
    if n is None:
        return
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(n)
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - optional
        return
    threadpool_limits(int(n))


#: glibc mallopt parameters (malloc.h)
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
#: mmap threshold set by :func:`tune_malloc` (bytes): glibc's own ceiling for its dynamic rule
MMAP_THRESHOLD = 32 * 2**20
#: trim threshold set by :func:`tune_malloc` (bytes): twice the mmap threshold, as glibc's rule
TRIM_THRESHOLD = 64 * 2**20
#: environment variable that switches :func:`tune_malloc` off (value ``0``)
MALLOC_TUNING_ENV = "LRTHEORY_MALLOC_TUNING"
_MALLOC_TUNED: bool | None = None


def tune_malloc() -> bool:
    """Fix glibc malloc's mmap threshold at 32 MiB and its trim threshold at 64 MiB in this
    process, once (Linux/glibc only; ``LRTHEORY_MALLOC_TUNING=0`` switches it off).

    A k-chunk allocates and frees arrays of 0.1-10 MB many times. Where such an array is a
    fresh ``mmap`` (above glibc's mmap threshold, which starts at 128 KiB and rises only as
    large blocks are freed; Dask's nannies even pin the trim threshold at 64 KiB with
    ``MALLOC_TRIM_THRESHOLD_``), every page is faulted in and zeroed by the kernel at each
    use. Measured on the bcc Fe Hall tensor (18 bands, 28^3 k-points, one BLAS thread, four
    alternating fresh processes each): 1.5-1.9 s of CPU with the setting against 2.0-2.5 s
    without, serial; in a new worker process the chunks cost 30-50 % more without it, which
    was most of the gap between 2 worker processes and twice the serial speed. The
    thresholds are the values glibc's dynamic rule reaches by itself at most; the price is
    up to 64 MiB of freed heap kept by the process instead of returned to the OS.

    Called by :func:`lrtheory.parallel.kmap_reduce` in the calling process (every
    executor), by every worker process at start-up and by every Dask task.

    Returns
    -------
    bool
        Whether the settings are in effect.
    """
    global _MALLOC_TUNED
    if _MALLOC_TUNED is not None:
        return _MALLOC_TUNED
    ok = False
    if os.environ.get(MALLOC_TUNING_ENV, "1").strip() != "0" and sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL("libc.so.6")
            ok = (libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
                  and libc.mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1)
        except (OSError, AttributeError):  # not glibc
            ok = False
    _MALLOC_TUNED = ok
    return ok


class deferred_interrupts:
    """Hold SIGINT/SIGTERM (Python-level handlers only, main thread only) for the duration
    of the block and deliver them to the original handler at its end.

    The first held signal is delivered also when the block raises: the handler's exception
    (``KeyboardInterrupt`` for Ctrl-C, the CLI's ``Terminated`` for SIGTERM) then replaces
    the block's, which stays attached as its ``__context__``. Dropping it, as before, lost a
    SIGTERM that arrived while a pool or cluster failed to start: the job went on (or a
    caller that catches the error went on) instead of stopping.
    """

    SIGNALS = ("SIGINT", "SIGTERM")

    def __enter__(self):
        self.saved, self.pending = {}, []
        if threading.current_thread() is not threading.main_thread():
            return self
        for name in self.SIGNALS:
            sig = getattr(signal, name, None)
            if sig is None:
                continue
            old = signal.getsignal(sig)
            if callable(old):
                self.saved[sig] = old
                signal.signal(sig, lambda signum, frame: self.pending.append(signum))
        return self

    def __exit__(self, *exc):
        for sig, old in self.saved.items():
            signal.signal(sig, old)
        if self.pending:
            signum = self.pending[0]
            self.saved[signum](signum, sys._getframe())
        return False


class Progress:
    """A per-chunk progress bar on stderr (tqdm if installed, else a counter line).

    Parameters
    ----------
    total : int
        Number of chunks.
    enabled : bool
        Show the bar (only when ``total > 1``).
    desc : str
        Label of the bar.
    """

    def __init__(self, total: int, enabled: bool, desc: str):
        self.bar = None
        self.enabled = enabled and total > 1
        self.total, self.n, self.desc = total, 0, desc
        if self.enabled:
            try:
                from tqdm.auto import tqdm

                self.bar = tqdm(total=total, desc=desc, unit="chunk", file=sys.stderr)
            except ImportError:  # pragma: no cover - tqdm is optional
                self.bar = None

    def update(self) -> None:
        """Count one finished chunk.
        """
        self.n += 1
        if self.bar is not None:
            self.bar.update(1)
        elif self.enabled:
            print(f"\r{self.desc}: {self.n}/{self.total} chunks", end="", file=sys.stderr)

    def close(self) -> None:
        """End the bar (a newline after a counter line).
        """
        if self.bar is not None:
            self.bar.close()
        elif self.enabled:
            print(file=sys.stderr)
