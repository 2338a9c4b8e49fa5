"""Dask executor for k-sums (:class:`DaskExecutor`; install ``lrtheory[dask]``).

* **The function once per worker**: ``func`` (with the model inside) is scattered to every
  worker once per call (``broadcast=True``); tasks refer to it by its future and carry only
  their chunks.
* **Tasks sized from measured cost**: runs of consecutive chunks, one per task at first,
  then as many as :class:`~lrtheory.parallel.chunks.BatchPlanner` says from the compute
  time reported by the workers (tasks of at least ~50 ms: a Dask task costs a scheduler
  round trip); two tasks in flight per worker. One partial sum per chunk comes back and the
  caller adds them in chunk order, as for every executor.
* **malloc**: Dask's nannies start workers with ``MALLOC_TRIM_THRESHOLD_=65536``, which makes
  every large temporary array a fresh ``mmap`` (the Fe Hall tensor ran 1.3x slower per
  chunk); each task undoes it once per worker process
  (:func:`lrtheory.parallel._runtime.undo_malloc_trim`).
"""
from __future__ import annotations

import logging
import os
import time
from typing import Any, Callable, Iterator

from lrtheory.errors import LrtheoryError
from lrtheory.parallel._runtime import available_cores, deferred_interrupts, undo_malloc_trim
from lrtheory.parallel.chunks import BatchPlanner

__all__ = ["DaskExecutor", "DASK_CONNECT_TIMEOUT"]

#: tasks in flight per Dask worker thread
TASKS_PER_WORKER = 2

#: shortest Dask task worth sending (s)
MIN_TASK_SECONDS = 0.05


#: seconds to wait for a Dask scheduler to answer (``LRTHEORY_DASK_TIMEOUT`` overrides)
DASK_CONNECT_TIMEOUT = 10.0

_DASK_LOGGERS = ("distributed", "tornado", "asyncio")


class _quiet_dask_logs:
    """Silence distributed's (and tornado's/asyncio's) loggers while connecting or shutting
    down: a failed handshake or a cancelled computation otherwise logs tracebacks."""

    def __enter__(self):
        self.saved = []
        for name in _DASK_LOGGERS:
            log = logging.getLogger(name)
            self.saved.append((log, log.level, log.disabled))
            log.disabled = True
        return self

    def __exit__(self, *exc):
        for log, level, disabled in self.saved:
            log.setLevel(level)
            log.disabled = disabled
        return False


def _connect_scheduler(distributed, address: str):
    """A ``distributed.Client`` for ``address`` ('tcp://host:port'); any problem (bad
    syntax, nothing listening, not a Dask scheduler, no answer in time) is one
    :class:`LrtheoryError` line."""
    import socket
    from urllib.parse import urlsplit

    try:
        timeout = float(os.environ.get("LRTHEORY_DASK_TIMEOUT", DASK_CONNECT_TIMEOUT))
    except ValueError:
        timeout = DASK_CONNECT_TIMEOUT
    shown = address if len(address) <= 80 else address[:77] + "..."
    try:
        parts = urlsplit(address)
        host, port = parts.hostname, parts.port
    except ValueError as exc:  # e.g. a port that is not a number or out of range
        raise LrtheoryError(f"scheduler {shown!r}: bad address ({exc}); expected "
                            "'tcp://host:port'") from None
    if parts.scheme not in ("tcp", "tls") or not host or parts.path not in ("", "/"):
        raise LrtheoryError(f"scheduler {shown!r}: expected 'tcp://host:port' or "
                            "'tls://host:port'")
    port = port or 8786
    # a plain TCP probe first: a refused connection or an unknown host is an immediate
    # answer here, where Dask would retry until its timeout
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise LrtheoryError(f"cannot reach the Dask scheduler at {shown}: {reason}") from None
    try:
        with _quiet_dask_logs():
            return distributed.Client(address, timeout=f"{timeout}s")
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001 - junk answers raise anything (MemoryError...)
        what = type(exc).__name__
        raise LrtheoryError(
            f"no Dask scheduler at {shown}: the server there did not complete a Dask "
            f"handshake within {timeout:g} s ({what}); is this the address of a running "
            "'dask scheduler'?"
        ) from None


def _dask_batch(func: Callable, chunks: list) -> tuple[list, float]:
    """One Dask task: the partial sum of each chunk (in order) and their compute time (s)."""
    undo_malloc_trim()
    t0 = time.perf_counter()
    out = [func(c) for c in chunks]
    return out, time.perf_counter() - t0


class DaskExecutor:
    """Runs the chunks on a Dask cluster (``dask.distributed``; install ``lrtheory[dask]``).

    Parameters
    ----------
    scheduler : str or distributed.Client
        ``"tcp://host:port"`` (address of a running scheduler), ``"local"`` or ``"local:N"``
        (start a :class:`distributed.LocalCluster` with N single-threaded worker processes,
        default N = available cores, closed again after the call), or an existing ``Client``
        (left open).
    workers : int, optional
        Number of workers of a ``"local"`` cluster when the scheduler text gives none.
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
            # workers ignore Ctrl-C (this process handles it and closes the cluster); the
            # cluster's logs stay below CRITICAL: errors reach the caller as exceptions, and a
            # shutdown after an interrupt otherwise logs pages of tracebacks. Port 0 / no
            # dashboard: concurrent clusters on one machine do not collide (with
            # dashboard_address=None the scheduler still opens its HTTP server on 8787 and
            # warns on stderr when another cluster holds that port: bind it to port 0).
            # an interrupt while the cluster starts would leave it half-started (closed
            # at exit by distributed with a traceback): it takes effect once the cluster is up
            with deferred_interrupts():
                self._start_local(distributed, n)
        elif isinstance(scheduler, str) and "://" in scheduler:
            self.client = _connect_scheduler(distributed, scheduler)
        else:
            raise LrtheoryError(
                f"scheduler must be 'tcp://host:port', 'local', 'local:N' or a "
                f"distributed.Client, got {scheduler!r}"
            )
        try:
            self._count_slots()
        except BaseException:
            self.shutdown(cancel=True)
            raise

    def _count_slots(self) -> int:
        """Workers and task slots (threads) of the cluster now: a worker with several
        threads runs several tasks at once, and workers may join while a k-sum runs."""
        info = self.client.scheduler_info().get("workers", {})
        self.n_workers = max(1, len(info))
        self.n_slots = max(self.n_workers,
                           sum(int(w.get("nthreads", 1) or 1) for w in info.values()))
        self._slots_at = time.monotonic()
        return self.n_slots

    def _start_local(self, distributed, n: int) -> None:
        self.cluster = distributed.LocalCluster(
            n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
            scheduler_port=0, silence_logs=logging.CRITICAL,
            scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
            preload=["lrtheory.parallel._dask_worker"],
        )
        try:
            self.client = distributed.Client(self.cluster)
        except BaseException:
            with _quiet_dask_logs():
                self.cluster.close()
            raise

    def map_ordered(self, func: Callable, chunks: list) -> Iterator[Any]:
        """Results of ``func(chunk)`` for every chunk, in the order of ``chunks``.

        Parameters
        ----------
        func : callable
            Picklable function of one chunk (for process and Dask executors shipped once per
            worker).
        chunks : list
            The chunks (e.g. ``(start, stop)`` index ranges of a k grid).

        Yields
        ------
        Any
            ``func(chunk)``, in order.
        """
        import distributed

        n = len(chunks)
        planner = BatchPlanner(self.n_slots, min_task_seconds=MIN_TASK_SECONDS)
        fut_func = self.client.scatter(func, broadcast=True, hash=False)
        self.futures = [fut_func]
        in_flight: dict = {}
        results: dict[int, Any] = {}
        front = 0

        def submit():
            nonlocal front
            size = planner.next_size(n - front)
            fut = self.client.submit(_dask_batch, fut_func, chunks[front:front + size],
                                     pure=False)
            in_flight[fut] = front
            self.futures.append(fut)
            front += size

        while front < n and len(in_flight) < TASKS_PER_WORKER * self.n_slots:
            submit()
        nxt = 0
        while nxt < n:
            while nxt in results:
                yield results.pop(nxt)  # the reduce owns the partial sum now
                nxt += 1
            if nxt >= n:
                break
            done = distributed.wait(list(in_flight), return_when="FIRST_COMPLETED").done
            for fut in sorted(done, key=in_flight.get):
                lo = in_flight.pop(fut)
                parts, seconds = fut.result()
                fut.release()  # the cluster may forget these partial sums now
                self.futures = [f for f in self.futures if f is not fut]
                results.update(zip(range(lo, lo + len(parts)), parts))
                planner.record(len(parts), seconds)
            if time.monotonic() - self._slots_at > 1.0:
                planner.n_workers = self._count_slots()
            while front < n and len(in_flight) < TASKS_PER_WORKER * self.n_slots:
                submit()
        fut_func.release()
        self.futures = []

    def shutdown(self, cancel: bool = False) -> None:
        """Release the workers.

        Parameters
        ----------
        cancel : bool
            Cancel pending work instead of waiting for it (after an error or Ctrl-C).
        """
        pending = [f for f in self.futures if f is not None]
        self.futures = []
        if not cancel:
            self._close()
            return
        # after an interrupt or an error: the cancelled tasks, the closing comms and the
        # workers being stopped log tracebacks from distributed's threads; keep them quiet
        # for good (the interrupt itself is reported once by the caller)
        quiet = _quiet_dask_logs().__enter__()
        try:
            if pending:
                self.client.cancel(pending)
        except Exception:  # noqa: BLE001 - best effort on the way out
            pass
        finally:
            try:
                self._close()
            finally:
                if self.owns_client:
                    quiet.saved = []  # leave distributed's loggers off: its threads die late
                quiet.__exit__(None, None, None)

    def _close(self) -> None:
        if self.owns_client:
            self.client.close()
            if self.cluster is not None:
                self.cluster.close()


