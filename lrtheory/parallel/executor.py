"""k-sums as map over k-chunks and reduce (sum): serial, local processes, or Dask.

Every k-integrated response in lrtheory is written as

    total = sum_{chunks} func(k_chunk)

where ``func`` returns a fixed-shape ndarray or a dict of ndarrays (partial sums). Memory
stays flat in Nk (one chunk at a time per worker), progress is reported per chunk, and the
same call runs serially, on local processes, or on a Dask cluster (``scheduler=``).

Reproducibility: the partial sums are always added **in chunk order**, whatever executor
computed them and in whatever order they finished, so serial, process and Dask runs of the
same call with the same ``chunk_size`` give bit-identical results. The executors group
consecutive chunks into tasks sized from the measured cost (:mod:`lrtheory.parallel.chunks`);
that changes where a chunk is computed, never the chunk boundaries.

``func`` must be picklable for the process and Dask executors (a module-level function, or a
``functools.partial`` of one with picklable arguments such as a model). It is shipped to each
worker once (shared buffer read by the process pool's initializer / Dask scatter), not with
every chunk. Nothing here lists the responses: a new response needs no edit to this package.

Interrupts: on ``KeyboardInterrupt`` (Ctrl-C) or any error while reducing, pending chunks
are cancelled, the worker processes are terminated (process pool) or the futures cancelled and
the client closed if this call created it (Dask; a local cluster is closed as well, see
:func:`close_local_cluster`), and the exception propagates.
The CLI turns SIGTERM into the same path. Local Dask workers ignore SIGINT (the caller closes
the cluster), and the cluster's logs are kept quiet, so Ctrl-C is one line.

Modules: :mod:`~lrtheory.parallel.chunks` (chunk sizes, task sizes),
:mod:`~lrtheory.parallel.base` (the executor interface and its ordered, batched map),
:mod:`~lrtheory.parallel.processes` (local processes, fork server, main-script guard),
:mod:`~lrtheory.parallel.dask_executor` (Dask), :mod:`~lrtheory.parallel.dask_config` (the
Dask settings of a compute cluster), :mod:`~lrtheory.parallel._runtime` (BLAS
threads, malloc, interrupts, progress). Their public names are importable from here too.
"""
from __future__ import annotations

from typing import Any, Callable, Iterator

import numpy as np

from lrtheory.errors import LrtheoryError
from lrtheory.parallel._runtime import Progress as _Progress
from lrtheory.parallel._runtime import add_partial_sums as _add
from lrtheory.parallel._runtime import available_cores, blas_single_thread, tune_malloc
from lrtheory.parallel.base import Executor
from lrtheory.parallel.chunks import CHUNK_BYTES, BatchPlanner, auto_chunk_size, split_chunks
from lrtheory.parallel.dask_config import dask_compute_config, dask_compute_env
from lrtheory.parallel.dask_executor import (DASK_CONNECT_TIMEOUT, DaskExecutor,
                                             close_local_cluster)
from lrtheory.parallel.processes import (DEFAULT_START_METHOD, FORKSERVER_PRELOAD,
                                         ProcessExecutor, close_process_pools)

__all__ = [
    "kmap_reduce",
    "auto_chunk_size",
    "split_chunks",
    "available_cores",
    "blas_single_thread",
    "make_executor",
    "close_local_cluster",
    "close_process_pools",
    "dask_compute_config",
    "dask_compute_env",
    "resolve_workers",
    "check_workers",
    "SerialExecutor",
    "ProcessExecutor",
    "DaskExecutor",
    "BatchPlanner",
    "CHUNK_BYTES",
    "DASK_CONNECT_TIMEOUT",
    "DEFAULT_START_METHOD",
    "FORKSERVER_PRELOAD",
]


# -- executors (interface and shared loop: :mod:`lrtheory.parallel.base`) ------------------------


class SerialExecutor(Executor):
    """Runs the chunks one after the other in this process (BLAS on one thread)."""

    name = "serial"
    n_workers = 1

    def _map_ordered(self, func: Callable, chunks: list) -> Iterator[Any]:
        for c in chunks:
            with blas_single_thread():
                result = func(c)
            yield result


def check_workers(workers: Any) -> int | None:
    """``workers`` as an int >= 1, or None (all cores); anything else (0, -2, 2.5, '4',
    True) raises :class:`LrtheoryError`.

    Parameters
    ----------
    workers : int or None

    Returns
    -------
    int or None
    """
    import numbers

    if workers is None:
        return None
    if isinstance(workers, bool) or not isinstance(workers, numbers.Integral):
        raise LrtheoryError(
            f"workers must be a positive integer or None (all cores), got {workers!r}")
    if int(workers) < 1:
        raise LrtheoryError(f"workers must be >= 1 (1 = serial), got {int(workers)}")
    return int(workers)


def resolve_workers(workers: Any) -> int:
    """The number of worker processes ``workers`` stands for: itself, or
    :func:`available_cores` for None; invalid values raise as in :func:`check_workers`.

    Parameters
    ----------
    workers : int or None
        Requested number of worker processes.

    Returns
    -------
    int
        The number of worker processes (>= 1).
    """
    workers = check_workers(workers)
    return available_cores() if workers is None else workers


def make_executor(workers: int | None = 1, scheduler: Any = None):
    """The executor for ``workers`` (1: serial, N: N processes, None: all cores) or a Dask
    ``scheduler`` (see :class:`DaskExecutor`; takes precedence over ``workers``).

    Parameters
    ----------
    workers : int or None
    scheduler : str, distributed.Client or None

    Returns
    -------
    SerialExecutor, ProcessExecutor or DaskExecutor
    """
    workers = check_workers(workers)
    if scheduler is not None and scheduler != "":
        return DaskExecutor(scheduler, workers=workers)
    workers = resolve_workers(workers)
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
        k-points (1/a), or any stack ``func`` takes (e.g. ``(start, stop)`` index ranges).
    chunk_size : int, optional
        Rows of ``k`` per chunk. Default: :func:`auto_chunk_size` of ``n_orbitals`` if given
        (bounds the memory per chunk), else 256. The result depends on the chunking only
        through floating-point rounding of the sum, and not at all on ``workers`` or
        ``scheduler``.
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
    check_workers(workers)
    k = np.asarray(k)
    if len(k) == 0:
        raise LrtheoryError("the k stack is empty")
    if chunk_size is None:
        chunk_size = auto_chunk_size(n_orbitals) if n_orbitals else 256
    chunks = split_chunks(k, chunk_size)
    if scheduler is None and len(chunks) == 1:
        workers = 1  # nothing to distribute
    executor = make_executor(workers, scheduler)
    tune_malloc()
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
