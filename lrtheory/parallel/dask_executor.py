"""Dask executor for k-sums (:class:`DaskExecutor`; install ``lrtheory[dask]``).

* **One local cluster per process**: ``scheduler="local:N"`` starts a
  :class:`distributed.LocalCluster` at its first call and the following calls reuse it
  (starting and stopping one per call cost 0.4-0.5 s plus the workers' imports, which made a
  2-3 s k-sum on 2 workers no faster than serial). It is closed at interpreter exit, by
  :func:`close_local_cluster`, when a call asks for another N, and after an error or an
  interrupt (Ctrl-C, SIGTERM in the CLI) of a call that ran on it: its workers may still be
  busy with cancelled tasks, and the next call starts a fresh one. It is started with
  :data:`~lrtheory.parallel.dask_config.COMPUTE_CONFIG` (no statistical profiler, slower
  event-loop ticks and monitors): a default cluster of 2 workers spends 140 ms of CPU per
  second beside the tasks, this one ~20 ms (docs/performance.md). A cluster of your own:
  :func:`~lrtheory.parallel.dask_config.dask_compute_config`.
* **The model once per worker**: the ``model=`` of a ``functools.partial`` is scattered to
  every worker (``broadcast=True``) once, and again only when its pickle changes; the rest of
  the function travels with each task when it is small (:data:`INLINE_FUNC_BYTES`), else it
  is scattered once per call; tasks refer to the scattered objects by their futures.
* **Tasks sized from measured cost**: runs of consecutive chunks, one per task at first,
  then as many as :class:`~lrtheory.parallel.chunks.BatchPlanner` says from the compute
  time reported by the workers (tasks of at least :data:`MIN_TASK_SECONDS` = 0.1 s, at
  most 1/(2 x workers) of the chunks left: a Dask task costs a scheduler round trip and
  4-10 ms of CPU); two tasks in flight per worker. One partial sum per chunk comes back and the
  caller adds them in chunk order, as for every executor.
* **malloc**: Dask's nannies start workers with ``MALLOC_TRIM_THRESHOLD_=65536``, which makes
  every large temporary array a fresh ``mmap`` (the Fe Hall tensor ran 1.3x slower per
  chunk); each task undoes it once per worker process
  (:func:`lrtheory.parallel._runtime.tune_malloc`).
"""
from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from typing import Any, Callable, Iterable

from lrtheory.errors import LrtheoryError
from lrtheory.parallel._main_script import unguarded_main_script
from lrtheory.parallel._runtime import available_cores, deferred_interrupts, tune_malloc
from lrtheory.parallel.base import BatchingExecutor
from lrtheory.parallel.dask_config import COMPUTE_CONFIG

__all__ = ["DaskExecutor", "DASK_CONNECT_TIMEOUT", "close_local_cluster"]

#: tasks in flight per Dask worker thread
TASKS_PER_WORKER = 2

#: shortest Dask task worth sending (s). A Dask task costs 4-10 ms of CPU spread over the
#: scheduler, the client and the worker's event loops (measured at load 8-10 on 2 cores:
#: benchmarks/dask_cpu.py), CPU that a cluster whose cores all compute takes from the chunks;
#: with 0.1 s and :data:`SPLITS` = 2 (were 50 ms and 4) the bcc Fe Hall tensor (55 chunks)
#: ran in 16 tasks instead of 23, the W = 80 ribbon (256 chunks) in 19 instead of 35
MIN_TASK_SECONDS = 0.1
#: a Dask task is at most 1 / (SPLITS * worker threads) of the chunks left: 2 (processes: 4)
#: halves the number of large early tasks; the tail is still cut in shrinking tasks
SPLITS = 2


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


#: marker (in the caller) of "no model scattered apart"
_NO_MODEL = object()

#: a chunk function (model apart) whose pickle is at most this many bytes travels with each
#: task; a larger one is scattered to every worker once per call. The k-sums' functions
#: without their model are 1-3 kB (integrand, grid), and a broadcast scatter costs a blocking
#: round trip to every worker before the first task (~12 ms of CPU, 10-30 ms of wall time on
#: 2 local workers)
INLINE_FUNC_BYTES = 16 * 1024


def _pickled_size(obj: Any) -> float:
    """Bytes of ``pickle.dumps(obj)``; infinite when the standard pickle cannot (Dask's
    cloudpickle may: such an object is scattered)."""
    import pickle

    try:
        return len(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:  # noqa: BLE001 - lambdas, local functions, ...
        return float("inf")


def _dask_batch(func: Callable, chunks: list, *model: Any) -> tuple[list, float]:
    """One Dask task: the partial sum of each chunk (in order) and their compute time (s);
    a ``model`` scattered apart (see :func:`_split_model`) goes back in as ``model=``."""
    tune_malloc()
    t0 = time.perf_counter()
    if model:
        out = [func(c, model=model[0]) for c in chunks]
    else:
        out = [func(c) for c in chunks]
    return out, time.perf_counter() - t0


def _split_model(func: Callable) -> tuple[Callable, Any]:
    """``functools.partial(f, ..., model=m, ...)`` -> ``(the partial without model, m)``;
    any other function -> ``(func, _NO_MODEL)``."""
    import functools

    if isinstance(func, functools.partial) and "model" in (func.keywords or {}):
        rest = {k: v for k, v in func.keywords.items() if k != "model"}
        return functools.partial(func.func, *func.args, **rest), func.keywords["model"]
    return func, _NO_MODEL


#: the model last scattered, per process: ``(client, sha1 of its pickle, future)``. A k-sum
#: of the same model on the same client (another E_F, grid or operator) reuses the copy its
#: workers hold instead of sending it again (1 MB of bcc Fe: 50-150 ms per call on 2
#: local workers); the digest, not the object's identity, decides, so a model changed in
#: place is sent again. One entry: the workers hold at most one cached model.
_SCATTERED: tuple | None = None


def _scattered_model(client, model) -> Any:
    """A future of ``model`` on every worker of ``client`` (cached, see :data:`_SCATTERED`)."""
    import hashlib
    import pickle

    global _SCATTERED
    digest = hashlib.sha1(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)).digest()
    if _SCATTERED is not None:
        old_client, old_digest, fut = _SCATTERED
        if old_client is client and old_digest == digest and client.status == "running" \
                and fut.status == "finished":
            return fut
        _SCATTERED = None
    fut = client.scatter(model, broadcast=True, hash=False)
    _SCATTERED = (client, digest, fut)
    return fut


def forget_scattered_model() -> None:
    """Drop the cached scattered model (its workers may then free it).

    Returns
    -------
    None
    """
    global _SCATTERED
    _SCATTERED = None


class DaskExecutor(BatchingExecutor):
    """Runs the chunks on a Dask cluster (``dask.distributed``; install ``lrtheory[dask]``).

    Parameters
    ----------
    scheduler : str or distributed.Client
        ``"tcp://host:port"`` (address of a running scheduler), ``"local"`` or ``"local:N"``
        (a :class:`distributed.LocalCluster` with N single-threaded worker processes, default
        N = available cores, started at the first such call of this process and reused by
        the next ones; see the module doc), or an existing ``Client`` (left open).
    workers : int, optional
        Number of workers of a ``"local"`` cluster when the scheduler text gives none.
    """

    name = "dask"
    TASKS_PER_SLOT = TASKS_PER_WORKER
    MIN_TASK_SECONDS = MIN_TASK_SECONDS
    SPLITS = SPLITS

    def __init__(self, scheduler: Any, *, workers: int | None = None):
        try:
            import distributed
        except ImportError:
            raise LrtheoryError(
                "the Dask executor needs dask.distributed: pip install 'lrtheory[dask]'"
            ) from None
        self.futures: list = []
        self._placed: dict = {}
        self._threads: dict = {}
        self.local = False
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
            self.client, self.owns_client, self.local = _local_client(distributed, n), False, True
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
        self._threads = {addr: int(w.get("nthreads", 1) or 1) for addr, w in info.items()}
        self.n_workers = max(1, len(info))
        self.n_slots = max(self.n_workers, sum(self._threads.values()))
        self._slots_at = time.monotonic()
        return self.n_slots

    def _slots(self) -> int:
        if time.monotonic() - self._slots_at > 1.0:
            return self._count_slots()
        return self.n_slots

    def _begin(self, func: Callable, fill: Callable[[], None]) -> None:
        rest, model = _split_model(func)
        self._model = _NO_MODEL if model is _NO_MODEL else _scattered_model(self.client, model)
        self._func = rest  # small: travels with each task
        if _pickled_size(rest) > INLINE_FUNC_BYTES:
            self._func = self.client.scatter(rest, broadcast=True, hash=False)
        self.futures = [] if self._func is rest else [self._func]
        self._placed = {}  # future key -> the worker it was sent to
        fill()

    def _submit(self, chunks: list, first: int, n: int) -> Any:
        extra = () if self._model is _NO_MODEL else (self._model,)
        addr = self._least_busy_worker()
        place = {} if addr is None else {"workers": [addr], "allow_other_workers": True}
        fut = self.client.submit(_dask_batch, self._func, chunks, *extra, pure=False, **place)
        self.futures.append(fut)
        self._placed[fut.key] = addr
        return fut

    def _least_busy_worker(self) -> str | None:
        """The worker with the fewest tasks of this call in flight per thread.

        Left to the scheduler, in 2 of 3 timed bcc Fe calls on 2 local workers
        (``distributed.get_task_stream``) one worker began 0.10-0.15 s after the other and ran
        2-3 of the 12 tasks (a 1 s k-sum); tasks are therefore placed. The restriction is
        loose (``allow_other_workers``): a worker that leaves does not strand its tasks.
        """
        if not self._threads:
            return None
        load = dict.fromkeys(self._threads, 0)
        for addr in self._placed.values():
            if addr in load:
                load[addr] += 1
        return min(load, key=lambda a: load[a] / self._threads[a])

    def _wait(self, in_flight: dict, n: int) -> Iterable:
        import distributed

        with self.client.as_current():  # the local cluster's client is not the default one
            return distributed.wait(list(in_flight), return_when="FIRST_COMPLETED").done

    def _collect(self, fut: Any, first: int, n: int) -> tuple[list, float]:
        parts, seconds = fut.result()
        self._placed.pop(fut.key, None)
        fut.release()  # the cluster may forget these partial sums now
        self.futures = [f for f in self.futures if f is not fut]
        return parts, seconds

    def _end(self) -> None:
        for fut in self.futures:  # the scattered function, if any
            fut.release()
        self.futures = []

    def _shutdown(self, cancel: bool) -> None:
        pending = [f for f in self.futures if f is not None]
        self.futures = []
        if not cancel:
            self._close()
            return
        # after an interrupt or an error: the cancelled tasks, the closing comms and the
        # workers being stopped log tracebacks from distributed's threads; keep them quiet
        # for good (the interrupt itself is reported once by the caller)
        forget_scattered_model()  # its future may be among the cancelled ones
        quiet = _quiet_dask_logs().__enter__()
        try:
            if pending:
                self.client.cancel(pending)
        except Exception:  # noqa: BLE001 - best effort on the way out
            pass
        finally:
            try:
                self._close()
                if self.local:  # its workers may still run cancelled tasks: not reused
                    close_local_cluster()
            finally:
                if self.owns_client or self.local:
                    quiet.saved = []  # leave distributed's loggers off: its threads die late
                quiet.__exit__(None, None, None)

    def _close(self) -> None:
        if self.owns_client:
            self.client.close()


# -- the local cluster of this process ----------------------------------------------------------

#: ``(pid, n_workers, cluster, client)`` of the running local cluster, or None
_LOCAL = None
_LOCAL_LOCK = threading.Lock()
_ATEXIT = []


def _local_client(distributed, n: int):
    """The client of this process's local cluster of ``n`` workers, started if needed."""
    global _LOCAL
    with _LOCAL_LOCK:
        if _LOCAL is not None:
            pid, size, cluster, client = _LOCAL
            if pid == os.getpid() and size == n and client.status == "running" \
                    and cluster.status.name == "running":
                return client
            _close_local_locked()
        # workers ignore Ctrl-C (this process handles it and closes the cluster); the
        # cluster's logs stay below CRITICAL: errors reach the caller as exceptions, and a
        # shutdown after an interrupt otherwise logs pages of tracebacks. Port 0 / no
        # dashboard: concurrent clusters on one machine do not collide (with
        # dashboard_address=None the scheduler still opens its HTTP server on 8787 and
        # warns on stderr when another cluster holds that port: bind it to port 0).
        # An interrupt while the cluster starts would leave it half-started (closed at exit
        # by distributed with a traceback): it takes effect once the cluster is up
        # the cluster computes: no profiler, slower ticks and monitors (COMPUTE_CONFIG; its
        # worker processes inherit the setting from their nannies)
        import dask

        script = unguarded_main_script()
        if script is not None:
            # Dask's nannies spawn their workers, which import the main script (as
            # __mp_main__): the script's top-level k-sum would run again in each of them
            # and fail with pages of Dask tracebacks ("Nanny failed to start")
            raise LrtheoryError(
                f"scheduler='local:{n}' starts worker processes that import the script "
                f"{script}, which starts the k-sum outside an 'if __name__ == \"__main__\":' "
                "block, so each worker would run it again: put the script's top-level code "
                "under that guard, or use workers=N (local processes) instead")
        with deferred_interrupts(), dask.config.set(COMPUTE_CONFIG):
            cluster = distributed.LocalCluster(
                n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                scheduler_port=0, silence_logs=logging.CRITICAL,
                scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
                preload=["lrtheory.parallel._dask_worker"],
            )
            try:
                client = distributed.Client(cluster, set_as_default=False)
            except BaseException:
                with _quiet_dask_logs():
                    cluster.close()
                raise
            _LOCAL = (os.getpid(), n, cluster, client)
            if not _ATEXIT:  # after distributed's own exit hooks are registered: runs first
                atexit.register(close_local_cluster)
                _ATEXIT.append(True)
        return client


def _close_local_locked() -> None:
    global _LOCAL
    local, _LOCAL = _LOCAL, None
    if local is None or local[0] != os.getpid():  # a forked child does not own it
        return
    _, _, cluster, client = local
    with _quiet_dask_logs():
        try:
            client.close()
        finally:
            cluster.close()


def close_local_cluster() -> None:
    """Close the local Dask cluster that ``scheduler="local:N"`` calls of this process share
    (no-op if none is running). Called at interpreter exit and after an interrupted or
    failed call; call it to give the workers' memory back earlier."""
    forget_scattered_model()
    with _LOCAL_LOCK:
        _close_local_locked()
