"""k-sums as map over k-chunks and reduce (sum): serial, local processes, or Dask.

Every k-integrated response in lrtheory is written as

    total = sum_{chunks} func(k_chunk)

where ``func`` returns a fixed-shape ndarray or a dict of ndarrays (partial sums). Memory
stays flat in Nk (one chunk at a time per worker), progress is reported per chunk, and the
same call runs serially, on local processes, or on a Dask cluster (``scheduler=``).

Reproducibility: the partial sums are always added **in chunk order**, whatever executor
computed them and in whatever order they finished, so serial, process and Dask runs of the
same call with the same ``chunk_size`` give bit-identical results.

``func`` must be picklable for the process and Dask executors (a module-level function, or a
``functools.partial`` of one with picklable arguments such as a model). It is shipped to each
worker once (process pool initializer / Dask scatter), not once per chunk.

Interrupts: on ``KeyboardInterrupt`` (Ctrl-C) or any error while reducing, pending chunks
are cancelled, the worker processes are terminated (process pool) or the futures cancelled and
the client/cluster closed if this call created them (Dask), and the exception propagates.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from typing import Any, Callable, Iterable, Iterator

import numpy as np

from lrtheory.errors import LrtheoryError

__all__ = [
    "kmap_reduce",
    "auto_chunk_size",
    "split_chunks",
    "iter_chunks",
    "available_cores",
    "make_executor",
    "SerialExecutor",
    "ProcessExecutor",
    "DaskExecutor",
]

#: memory budget per chunk in bytes used by :func:`auto_chunk_size`
CHUNK_BYTES = 64 * 2**20


def auto_chunk_size(n_orbitals: int, *, arrays: int = 12, budget: int = CHUNK_BYTES) -> int:
    """Number of k-points per chunk so that ~``arrays`` complex (n, n) arrays per k fit in
    ``budget`` bytes."""
    per_k = max(1, arrays * 16 * int(n_orbitals) ** 2)
    return int(max(1, min(4096, budget // per_k)))


def split_chunks(k: np.ndarray, chunk_size: int) -> list[np.ndarray]:
    """Split the k stack (Nk, ...) along its first axis into chunks of ``chunk_size``."""
    if int(chunk_size) <= 0:
        raise LrtheoryError(f"chunk_size must be positive, got {chunk_size}")
    chunk_size = int(chunk_size)
    return [k[i:i + chunk_size] for i in range(0, len(k), chunk_size)]


def iter_chunks(k: np.ndarray, chunk_size: int) -> Iterable[np.ndarray]:
    """Iterate over chunks of the k stack (for code that reduces by itself)."""
    yield from split_chunks(np.asarray(k), chunk_size)


def available_cores() -> int:
    """Cores this process may run on (CPU affinity where the OS reports it)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def _add(a: Any, b: Any) -> Any:
    if a is None:
        return b
    if isinstance(a, dict):
        if set(a) != set(b):
            raise LrtheoryError(
                f"partial sums of different chunks have different keys: {sorted(a)} vs {sorted(b)}"
            )
        return {key: a[key] + b[key] for key in a}
    return a + b


class _Progress:
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
        self.n += 1
        if self.bar is not None:
            self.bar.update(1)
        elif self.enabled:
            print(f"\r{self.desc}: {self.n}/{self.total} chunks", end="", file=sys.stderr)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.enabled:
            print(file=sys.stderr)


# -- executors -------------------------------------------------------------------------------
# Each executor maps ``func`` over the chunks and yields the results *in chunk order*;
# ``shutdown(cancel=True)`` stops everything at once (used on Ctrl-C and on errors).


def blas_single_thread():
    """Context manager limiting BLAS to one thread (a no-op without threadpoolctl).

    Batched ``eigh`` of many small matrices is ~20x *slower* with a multi-threaded OpenBLAS
    on a busy 2-core machine (measured: 2048 matrices 40x40, 6.3 s vs 0.35 s); parallelism
    belongs to :func:`kmap_reduce` (processes over k-chunks) instead. The serial executor runs
    every chunk under it; worker processes are pinned at start-up.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - optional
        import contextlib

        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


class SerialExecutor:
    """Runs the chunks one after the other in this process (BLAS on one thread)."""

    name = "serial"
    n_workers = 1

    def map_ordered(self, func: Callable, chunks: list) -> Iterator[Any]:
        for c in chunks:
            with blas_single_thread():
                result = func(c)
            yield result

    def shutdown(self, cancel: bool = False) -> None:
        pass


_WORKER_FUNC: Callable | None = None


def _limit_blas_threads(n: int | None) -> None:
    """Pin BLAS/OpenMP threads (threadpoolctl if installed; env vars for later-loaded libs)."""
    if n is None:
        return
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(n)
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - optional
        return
    threadpool_limits(int(n))


def _process_init(func: Callable, blas_threads: int | None) -> None:
    # the parent handles Ctrl-C and terminates the pool; workers ignore SIGINT so that an
    # interrupt does not print one traceback per worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _limit_blas_threads(blas_threads)
    global _WORKER_FUNC
    _WORKER_FUNC = func


def _process_call(chunk: np.ndarray) -> Any:
    return _WORKER_FUNC(chunk)  # type: ignore[misc]


#: start method of the worker processes. ``forkserver`` forks the workers from a clean,
#: single-threaded server process: forking the calling process itself (``fork``) deadlocks
#: a worker whenever another thread of the caller (a Dask client, a GUI, OpenMP) holds a lock
#: at the moment of the fork, and the pool then waits for that worker forever.
DEFAULT_START_METHOD = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() \
    else "spawn"


#: modules the fork server imports before forking workers ("__main__" as multiprocessing's
#: default; then the modules that define lrtheory's k-chunk functions)
FORKSERVER_PRELOAD = [
    "__main__", "numpy", "lrtheory.parallel.executor", "lrtheory.response.hall",
    "lrtheory.response.hall3d", "lrtheory.response.density", "lrtheory.response.torque",
    "lrtheory.response.fermi_surface", "lrtheory.response.ribbon_paper",
]


def _check_picklable(func: Callable) -> None:
    import pickle

    try:
        pickle.dumps(func)
    except Exception as exc:  # noqa: BLE001 - any pickling failure means the same thing
        raise LrtheoryError(
            f"the k-chunk function cannot be sent to worker processes ({exc}); use workers=1, "
            "or a module-level function / functools.partial with picklable arguments"
        ) from None


class ProcessExecutor:
    """A pool of local worker processes (:class:`concurrent.futures.ProcessPoolExecutor`).

    Parameters
    ----------
    workers : int
        Number of processes.
    blas_threads : int or None
        BLAS threads per worker (default 1: ``workers`` processes then use ``workers`` cores);
        None leaves the BLAS default.
    start_method : str, optional
        ``multiprocessing`` start method, default :data:`DEFAULT_START_METHOD`
        (``forkserver``). ``func`` is pickled once per worker (pool initializer).

    A worker that dies (killed by the OS, out of memory) raises :class:`LrtheoryError`
    instead of leaving the caller waiting for its chunk.
    """

    name = "processes"

    def __init__(self, workers: int, *, blas_threads: int | None = 1,
                 start_method: str | None = None):
        self.n_workers = int(workers)
        self.blas_threads = blas_threads
        self.ctx = multiprocessing.get_context(start_method or DEFAULT_START_METHOD)
        self.pool = None

    def map_ordered(self, func: Callable, chunks: list) -> Iterator[Any]:
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        _check_picklable(func)
        if self.ctx.get_start_method() == "forkserver":
            # modules imported once in the server (when it starts, at the first pool of this
            # process) and inherited by every worker it forks: workers then start in
            # milliseconds instead of re-importing lrtheory (~0.2 s) at every call
            mod = getattr(getattr(func, "func", func), "__module__", None)
            self.ctx.set_forkserver_preload(
                FORKSERVER_PRELOAD + ([mod] if mod and mod not in FORKSERVER_PRELOAD else []))
        self.pool = ProcessPoolExecutor(self.n_workers, mp_context=self.ctx,
                                        initializer=_process_init,
                                        initargs=(func, self.blas_threads))
        futures = [self.pool.submit(_process_call, c) for c in chunks]
        for i, fut in enumerate(futures):
            try:
                result = fut.result()
            except BrokenProcessPool:
                raise LrtheoryError(
                    f"a worker process died while computing k-chunk {i + 1} of {len(chunks)} "
                    "(killed by the OS? out of memory?); try fewer workers or a smaller "
                    "chunk_size"
                ) from None
            futures[i] = None  # the reduce owns the partial sum now
            yield result

    def shutdown(self, cancel: bool = False) -> None:
        pool, self.pool = self.pool, None
        if pool is None:
            return
        if cancel:
            # stop at once: drop queued chunks and kill the running ones
            if hasattr(pool, "terminate_workers"):  # Python >= 3.14
                pool.terminate_workers()
            else:
                for proc in list((getattr(pool, "_processes", None) or {}).values()):
                    proc.terminate()
            pool.shutdown(wait=True, cancel_futures=True)
        else:
            pool.shutdown(wait=True)


def _dask_apply(func: Callable, chunk: np.ndarray) -> Any:
    return func(chunk)


class DaskExecutor:
    """Runs the chunks on a Dask cluster (``dask.distributed``; install ``lrtheory[dask]``).

    Parameters
    ----------
    scheduler : str or distributed.Client
        ``"tcp://host:port"`` (address of a running scheduler), ``"local"`` or ``"local:N"``
        (start a :class:`distributed.LocalCluster` with N single-threaded worker processes,
        default N = available cores, closed again after the call), or an existing ``Client``
        (left open).
    """

    name = "dask"

    def __init__(self, scheduler: Any, *, workers: int | None = None):
        try:
            import distributed
        except ImportError:
            raise LrtheoryError(
                "the Dask executor needs dask.distributed: pip install 'lrtheory[dask]'"
            ) from None
        self.futures: list = []
        self.cluster = None
        self.owns_client = True
        if isinstance(scheduler, distributed.Client):
            self.client, self.owns_client = scheduler, False
        elif isinstance(scheduler, str) and (scheduler == "local" or scheduler.startswith("local:")):
            n = workers or available_cores()
            if ":" in scheduler:
                try:
                    n = int(scheduler.split(":", 1)[1])
                except ValueError:
                    raise LrtheoryError(
                        f"scheduler {scheduler!r}: expected 'local:N' with an integer N"
                    ) from None
            if n < 1:
                raise LrtheoryError(f"scheduler {scheduler!r}: need at least one worker")
            self.cluster = distributed.LocalCluster(
                n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                silence_logs=40,
            )
            self.client = distributed.Client(self.cluster)
        elif isinstance(scheduler, str) and "://" in scheduler:
            try:
                self.client = distributed.Client(scheduler, timeout="20s")
            except OSError as exc:
                raise LrtheoryError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        else:
            raise LrtheoryError(
                f"scheduler must be 'tcp://host:port', 'local', 'local:N' or a "
                f"distributed.Client, got {scheduler!r}"
            )
        self.n_workers = max(1, len(self.client.scheduler_info().get("workers", {})))

    def map_ordered(self, func: Callable, chunks: list) -> Iterator[Any]:
        fut_func = self.client.scatter(func, broadcast=True, hash=False)
        self.futures = self.client.map(_dask_apply, [fut_func] * len(chunks), chunks,
                                       pure=False)
        for i in range(len(self.futures)):
            result = self.futures[i].result()
            self.futures[i].release()  # the cluster may forget this partial sum now
            self.futures[i] = None
            yield result

    def shutdown(self, cancel: bool = False) -> None:
        pending = [f for f in self.futures if f is not None]
        self.futures = []
        try:
            if cancel and pending:
                self.client.cancel(pending)
        finally:
            if self.owns_client:
                self.client.close()
                if self.cluster is not None:
                    self.cluster.close()


def make_executor(workers: int | None = 1, scheduler: Any = None):
    """The executor for ``workers`` (1: serial, N: N processes, None: all cores) or a Dask
    ``scheduler`` (see :class:`DaskExecutor`; takes precedence over ``workers``)."""
    if scheduler is not None and scheduler != "":
        return DaskExecutor(scheduler, workers=workers)
    if workers is None:
        workers = available_cores()
    try:
        workers = int(workers)
    except (TypeError, ValueError):
        raise LrtheoryError(f"workers must be a positive integer, got {workers!r}") from None
    if workers < 1:
        raise LrtheoryError(f"workers must be >= 1, got {workers}")
    return SerialExecutor() if workers == 1 else ProcessExecutor(workers)


def kmap_reduce(
    func: Callable[[np.ndarray], Any],
    k: np.ndarray,
    *,
    chunk_size: int | None = None,
    workers: int | None = 1,
    progress: bool = False,
    desc: str = "k-sum",
    scheduler: Any = None,
    n_orbitals: int | None = None,
) -> Any:
    """Sum ``func(chunk)`` over chunks of the k stack, in chunk order.

    Parameters
    ----------
    func : callable
        ``k_chunk (m, dim) -> ndarray | dict[str, ndarray]`` partial sums of fixed shape.
    k : (Nk, dim) array
    chunk_size : int, optional
        k-points per chunk. Default: :func:`auto_chunk_size` of ``n_orbitals`` if given
        (bounds the memory per chunk), else 256. The result depends on the chunking only
        through floating-point rounding of the sum.
    workers : int or None
        1 = serial (default); N > 1 = N local processes (BLAS pinned to 1 thread each);
        None = all available cores.
    progress : bool
        Show a per-chunk progress bar on stderr (tqdm if installed, else a counter).
    desc : str
        Label of the progress bar.
    scheduler : str or distributed.Client, optional
        Run on Dask instead: ``"tcp://host:port"``, ``"local:N"`` or a ``Client``
        (see :class:`DaskExecutor`).
    n_orbitals : int, optional
        Size of H(k), used to choose ``chunk_size`` when it is not given.

    Returns
    -------
    The sum of the partial sums (same type and shape as one ``func`` result).
    """
    k = np.asarray(k)
    if len(k) == 0:
        raise LrtheoryError("the k stack is empty")
    if chunk_size is None:
        chunk_size = auto_chunk_size(n_orbitals) if n_orbitals else 256
    chunks = split_chunks(k, chunk_size)
    if scheduler is None and len(chunks) == 1:
        workers = 1  # nothing to distribute
    executor = make_executor(workers, scheduler)
    bar = _Progress(len(chunks), progress, desc)
    total = None
    cancel = True
    try:
        for part in executor.map_ordered(func, chunks):
            total = _add(total, part)
            bar.update()
        cancel = False
    finally:
        try:
            executor.shutdown(cancel=cancel)
        finally:
            bar.close()
    return total
