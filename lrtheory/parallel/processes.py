"""Local worker processes for k-sums (:class:`ProcessExecutor`).

* **One pool per process, the function once per worker and call.** The worker processes
  are started by the first k-sum and kept for the next ones (same number of workers and
  BLAS threads): starting them and their first chunk cost ~60 ms per call, 5-6 % of a 1 s
  k-sum on 2 workers. ``func`` (a module-level function, or a ``functools.partial`` of one
  carrying the model) is pickled once per call in the caller and written to one file in
  shared memory (``/dev/shm`` where it exists); each worker reads and unpickles it once, at
  its first task of the call. Tasks carry only their chunks (e.g. ``(start, stop)`` index
  ranges) and the call's number. A worker drops the function within
  :data:`RELEASE_SECONDS` of the end of the call (its model's memory is not kept between
  k-sums), and :func:`close_process_pools` stops the workers (they stop at exit anyway).
  After an error or an interrupt the pool is terminated, as before.
* **Tasks sized from measured cost.** A task is a run of consecutive chunks; the first
  tasks carry one chunk each, later ones as many as :class:`~lrtheory.parallel.chunks.
  BatchPlanner` says from the compute time the workers report. Partial sums come back one
  per chunk and the caller adds them in chunk order: the chunk boundaries, and hence the
  result, do not depend on the batching or on the number of workers.
* **No per-response preload list.** The fork server imports, before forking any worker,
  exactly the modules the pickled function refers to (read from the pickle itself), plus
  numpy: workers start in milliseconds with lrtheory already imported, for any response,
  without a list to edit.

Processes end with their caller however it ends (``kill -9`` included; see
:func:`_exit_with_parent`), and with them the fork server. A caller's main script is not
imported by the fork server, nor by the workers unless the k-chunk function is defined in it
(then the script needs an ``if __name__ == "__main__":`` guard, and a call outside the guard
is refused with one line instead of running the script once per worker).
"""
from __future__ import annotations

import atexit
import gc
import io
import itertools
import multiprocessing
import os
import pickle
import signal
import sys
import tempfile
import threading
import time
from typing import Any, Callable, Iterable, Iterator

from lrtheory.errors import LrtheoryError
from lrtheory.parallel._runtime import deferred_interrupts, limit_blas_threads, tune_malloc
from lrtheory.parallel._main_script import (HIDE_MAIN, install_preparation_hook,
                                              unguarded_main_script)
from lrtheory.parallel.base import BatchingExecutor

__all__ = ["ProcessExecutor", "close_process_pools", "DEFAULT_START_METHOD",
           "FORKSERVER_PRELOAD", "RELEASE_SECONDS"]

#: start method of the worker processes. ``forkserver`` forks the workers from a clean,
#: single-threaded server process: forking the calling process itself (``fork``) deadlocks
#: a worker whenever another thread of the caller (a Dask client, a GUI, OpenMP) holds a lock
#: at the moment of the fork, and the pool then waits for that worker forever.
DEFAULT_START_METHOD = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() \
    else "spawn"

#: modules the fork server always imports; the modules the k-chunk function refers to are
#: added per call (see :func:`pickled_modules`). Never ``"__main__"`` (multiprocessing's
#: default): importing a user's script without an ``if __name__ == "__main__":`` guard in the
#: fork server runs the script a second time there, which starts a second pool.
FORKSERVER_PRELOAD = ["numpy", "lrtheory.parallel.processes"]

#: tasks in flight per worker (one computing, one queued: no idle gap between tasks)
TASKS_PER_WORKER = 2

#: seconds between checks that every worker is alive while the caller waits for a result
WATCH_SECONDS = 0.5
#: seconds a dead worker may go unnoticed by the pool before the k-sum is stopped with an
#: error; also how long a terminated worker is waited for before it is killed
DEAD_WORKER_GRACE = 2.0
#: seconds after the end of a k-sum within which an idle worker drops the call's function
#: (and the model it carries)
RELEASE_SECONDS = 0.5


def check_picklable(func: Callable) -> bytes:
    """``pickle.dumps(func)``, or one :class:`LrtheoryError` line if it cannot be pickled."""
    try:
        return pickle.dumps(func, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # noqa: BLE001 - any pickling failure means the same thing
        raise LrtheoryError(
            f"the k-chunk function cannot be sent to worker processes ({exc}); use workers=1, "
            "or a module-level function / functools.partial with picklable arguments"
        ) from None


def pickled_modules(blob: bytes) -> list[str]:
    """The modules whose globals the pickle ``blob`` refers to (classes, functions), in
    first-use order, without ``__main__``: what a worker must import to unpickle it."""
    seen: dict[str, None] = {}

    class _Recorder(pickle.Unpickler):
        def find_class(self, module, name):
            seen.setdefault(module, None)
            return super().find_class(module, name)

    try:
        _Recorder(io.BytesIO(blob)).load()
    except Exception:  # noqa: BLE001 - a preload hint only: workers import what they miss
        pass
    return [m for m in seen if m not in ("__main__", "__mp_main__", "builtins", "copyreg")]


# -- in the worker -----------------------------------------------------------------------------

_WORKER_FUNC: Callable | None = None
_WORKER_CALL = 0
_WORKER_LOCK = threading.Lock()


def _exit_with_parent() -> None:
    """Start a daemon thread that ends this worker as soon as its parent process is gone.

    A pool worker blocks on its task queue, whose write end it holds itself, so it would
    never see the parent die (kill -9, SIGTERM without cleanup) and would live on for ever,
    and with it the fork server (which stops only when every holder of its "alive" pipe is
    gone). ``PR_SET_PDEATHSIG`` does not help: the parent of a forkserver worker is the fork
    server, not the caller. multiprocessing gives each child a sentinel of the process that
    started it (the write end of the launch pipe, kept open by the caller): it becomes ready
    when that process exits, however it exits.
    """
    parent = multiprocessing.parent_process()
    if parent is None or getattr(parent, "sentinel", None) is None:
        return
    from multiprocessing.connection import wait

    sentinel = parent.sentinel

    def watch():
        try:
            wait([sentinel])
        except OSError:
            pass
        os._exit(1)

    threading.Thread(target=watch, name="lrtheory-parent-watchdog", daemon=True).start()


def _release_when_idle(current) -> None:
    """Daemon thread of a worker: drop the function (and its model) of a finished call.

    ``current`` is the pool's shared call number: the caller sets it at the start of a call
    and zeroes it at the end; a function loaded for another number is no longer needed.
    """

    def watch():
        global _WORKER_FUNC, _WORKER_CALL
        while True:
            time.sleep(RELEASE_SECONDS)
            with _WORKER_LOCK:
                if _WORKER_CALL and current.value != _WORKER_CALL:
                    _WORKER_FUNC, _WORKER_CALL = None, 0

    threading.Thread(target=watch, name="lrtheory-release", daemon=True).start()


def _process_init(current, blas_threads: int | None) -> None:
    # the objects inherited from the fork server (numpy, lrtheory, ...) go to the permanent
    # generation: the collector no longer walks them, which in a freshly forked process
    # copied every page of the server's heap (copy-on-write) at the first full collection,
    # measured 50-100 ms per worker while unpickling the function, 20 ms with the freeze
    gc.freeze()
    # the parent handles Ctrl-C and terminates the pool; workers ignore SIGINT so that an
    # interrupt does not print one traceback per worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with_parent()
    _release_when_idle(current)
    limit_blas_threads(blas_threads)
    tune_malloc()


def _worker_func(call: int, path: str) -> Callable:
    """The function of call number ``call``, unpickled from ``path`` at its first task here."""
    global _WORKER_FUNC, _WORKER_CALL
    with _WORKER_LOCK:
        if _WORKER_CALL != call:
            _WORKER_FUNC, _WORKER_CALL = None, 0  # the last call's model goes first
            with open(path, "rb") as fh:
                sys_path, cwd, blob = pickle.loads(fh.read())
            # the caller's import path and directory of this call, not of the call that
            # started the pool (as multiprocessing does at a worker's start)
            sys.path[:] = sys_path
            if cwd != os.getcwd():
                try:
                    os.chdir(cwd)
                except OSError:
                    pass
            _WORKER_FUNC = pickle.loads(blob)
            _WORKER_CALL = call
        return _WORKER_FUNC  # type: ignore[return-value]


def _process_batch(call: int, path: str, chunks: list) -> tuple[list, float]:
    """One task: the partial sum of each chunk (in order) and their compute time (s)."""
    func = _worker_func(call, path)
    t0 = time.perf_counter()
    out = [func(c) for c in chunks]
    return out, time.perf_counter() - t0


def _forkserver_running() -> bool:
    from multiprocessing import forkserver

    return getattr(getattr(forkserver, "_forkserver", None), "_forkserver_pid", None) is not None


class ProcessExecutor(BatchingExecutor):
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
        (``forkserver``).

    Notes
    -----
    The worker processes are kept for the next k-sum with the same ``workers``,
    ``blas_threads`` and start method (see the module notes; :func:`close_process_pools`);
    ``func`` reaches each worker once per call (one file in shared memory, read at the
    worker's first task of the call); tasks are runs of consecutive chunks sized from their
    measured cost. A worker that dies
    (killed by the OS, out of memory) raises :class:`LrtheoryError` instead of leaving the
    caller waiting for its chunk, also when it dies in the middle of sending a result; in a
    pool kept from an earlier call (whose idle worker may have died unnoticed) the chunks not
    yet handed on first run once more on a new pool.
    """

    name = "processes"
    TASKS_PER_SLOT = TASKS_PER_WORKER

    def __init__(self, workers: int, *, blas_threads: int | None = 1,
                 start_method: str | None = None):
        self.n_workers = self.n_slots = int(workers)
        self.blas_threads = blas_threads
        self.ctx = multiprocessing.get_context(start_method or DEFAULT_START_METHOD)
        self.pool = None
        self._kept = None
        self._call = 0
        self._path = None
        self._needs_main = False
        self._dead_since = None
        self._reused = False  # this call's pool served an earlier call
        self._offset = 0  # chunks handed on before the pool was replaced

    def _map_ordered(self, func: Callable, chunks: list) -> Iterator[Any]:
        self._offset = 0
        done = 0
        try:
            for part in super()._map_ordered(func, chunks):
                done += 1
                yield part
        except _StalePool:
            # a kept worker died between calls and the pool noticed only after this call's
            # first submits (the fork server reports a death asynchronously; the surviving
            # worker may have returned chunks meanwhile): the chunks not yet handed on run once
            # more on a new pool (a new pool has served no call: no second retry)
            self._shutdown(cancel=True)  # forget and stop the broken pool
            self._offset = done
            yield from super()._map_ordered(func, chunks[done:])

    def _start(self, blob: bytes, needs_main: bool) -> None:
        if self.ctx.get_start_method() == "forkserver" and not _forkserver_running():
            # imported once in the server (when it starts, at the first pool of this process)
            # and inherited by every worker it forks: workers then start in milliseconds
            # instead of re-importing lrtheory (~0.2-0.4 s) at every call
            mods = FORKSERVER_PRELOAD + [m for m in pickled_modules(blob)
                                         if m not in FORKSERVER_PRELOAD]
            self.ctx.set_forkserver_preload(mods)
        self._kept = _pool_for(self.ctx, self.n_workers, self.blas_threads, needs_main)
        self.pool = self._kept.executor
        self._reused = self._kept.calls > 0
        self._kept.calls += 1
        self._call = next(_CALLS)
        fd, self._path = tempfile.mkstemp(prefix="lrtheory-kchunk-", dir=_shm_dir())
        with os.fdopen(fd, "wb") as fh:
            pickle.dump((list(sys.path), os.getcwd(), blob), fh,
                        protocol=pickle.HIGHEST_PROTOCOL)
        self._kept.current.value = self._call

    def _begin(self, func: Callable, fill: Callable[[], None]) -> None:
        blob = check_picklable(func)
        self._needs_main = needs_main = b"__main__" in blob
        if needs_main:
            script = unguarded_main_script()
            if script is not None:
                raise LrtheoryError(
                    f"the k-chunk function is defined in the script {script}, which every "
                    "worker process must import, and the script starts the k-sum outside an "
                    "'if __name__ == \"__main__\":' block, so each worker would run it again: "
                    "put the script's top-level code under that guard, move the function into "
                    "a module, or use workers=1"
                )
        install_preparation_hook()
        HIDE_MAIN.on = not needs_main
        try:
            # the workers are started in this thread, by the first submits; an interrupt in
            # the middle of a launch would leave a half-started worker outside the pool (not
            # terminated on shutdown, printing a traceback when the pool's semaphores
            # vanish): Ctrl-C / SIGTERM take effect right after the launches
            with deferred_interrupts():
                self._start(blob, needs_main)
                fill()
        finally:
            HIDE_MAIN.on = False

    def _failure(self, first: int, n: int) -> Exception:
        """The error for a pool that broke in this call: a retry on a new pool (once) if the
        pool was kept from an earlier call, whose worker may have died while idle."""
        if self._reused:
            return _StalePool()
        return self._broken(first, n)

    def _broken(self, first: int, n: int) -> LrtheoryError:
        hint = (" (the k-chunk function refers to __main__, which the workers could not "
                "import? move it into a module)" if self._needs_main else "")
        return LrtheoryError(
            f"a worker process died while computing k-chunk {first + 1 + self._offset} of "
            f"{n + self._offset} "
            "(killed by the OS? out of memory?); try fewer workers or a smaller "
            f"chunk_size{hint}")

    def _submit(self, chunks: list, first: int, n: int) -> Any:
        from concurrent.futures.process import BrokenProcessPool

        try:
            return self.pool.submit(_process_batch, self._call, self._path, chunks)
        except BrokenProcessPool:
            raise self._failure(first, n) from None

    def _wait(self, in_flight: dict, n: int) -> Iterable:
        from concurrent.futures import FIRST_COMPLETED, wait

        while True:
            done, _ = wait(list(in_flight), timeout=WATCH_SECONDS,
                           return_when=FIRST_COMPLETED)
            if done:
                return done
            # the pool notices a dead worker by itself, except one killed while it was
            # sending a result: its manager thread then waits for the rest of the message
            # (this process holds the pipe's write end) and every chunk waits for ever
            procs = list((getattr(self.pool, "_processes", None) or {}).values())
            if any(p.exitcode is not None for p in procs):
                now = time.monotonic()
                self._dead_since = self._dead_since or now
                if now - self._dead_since > DEAD_WORKER_GRACE:
                    raise self._failure(min(in_flight.values()), n)

    def _collect(self, fut: Any, first: int, n: int) -> tuple[list, float]:
        from concurrent.futures.process import BrokenProcessPool

        try:
            return fut.result()
        except BrokenProcessPool:
            raise self._failure(first, n) from None

    def _shutdown(self, cancel: bool) -> None:
        pool, self.pool = self.pool, None
        kept, self._kept = self._kept, None
        if self._path is not None:
            try:
                os.unlink(self._path)
            except OSError:
                pass
            self._path = None
        if kept is not None:
            kept.current.value = 0  # idle workers drop this call's function
        if pool is None:
            return
        if not cancel:
            return  # the workers wait for the next k-sum (close_process_pools stops them)
        _forget(kept)
        _terminate(pool)


# -- the pools kept between k-sums ----------------------------------------------------------------

#: call numbers of this process (the workers' cache key of the function)
_CALLS = itertools.count(1)


class _StalePool(Exception):
    """A kept pool broke before this call's first result (retried once on a new pool)."""


class _KeptPool:
    """A ProcessPoolExecutor kept between k-sums, with its shared call number."""

    def __init__(self, ctx, workers: int, blas_threads: int | None):
        from concurrent.futures import ProcessPoolExecutor

        self.pid = os.getpid()
        self.calls = 0  # k-sums started on this pool
        self.current = ctx.RawValue("q", 0)
        self.executor = ProcessPoolExecutor(workers, mp_context=ctx, initializer=_process_init,
                                            initargs=(self.current, blas_threads))

    def usable(self) -> bool:
        """Not broken, no dead worker, and created by this process (not inherited by fork)."""
        if self.pid != os.getpid() or getattr(self.executor, "_broken", False) \
                or getattr(self.executor, "_shutdown_thread", False):
            return False
        procs = (getattr(self.executor, "_processes", None) or {}).values()
        return all(p.exitcode is None for p in procs)


_POOLS: dict[tuple, _KeptPool] = {}
_POOLS_LOCK = threading.Lock()


def _shm_dir() -> str | None:
    """``/dev/shm`` where it is a writable directory (memory, not disk), else the default."""
    return "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


def _pool_for(ctx, workers: int, blas_threads: int | None, needs_main: bool) -> _KeptPool:
    """The kept pool for these settings, started if there is none (or it is unusable)."""
    key = (ctx.get_start_method(), int(workers), blas_threads, bool(needs_main))
    with _POOLS_LOCK:
        kept = _POOLS.get(key)
        if kept is not None and not kept.usable():
            _POOLS.pop(key, None)
            if kept.pid == os.getpid():
                _terminate(kept.executor)
            kept = None
        if kept is None:
            kept = _POOLS[key] = _KeptPool(ctx, workers, blas_threads)
        return kept


def _forget(kept: _KeptPool | None) -> None:
    with _POOLS_LOCK:
        for key, value in list(_POOLS.items()):
            if value is kept:
                del _POOLS[key]


def close_process_pools() -> None:
    """Stop the worker processes kept for the next k-sum (they stop at exit by themselves).

    Returns
    -------
    None
    """
    with _POOLS_LOCK:
        pools = [p for p in _POOLS.values() if p.pid == os.getpid()]
        _POOLS.clear()
    for kept in pools:
        kept.executor.shutdown(wait=True, cancel_futures=True)


atexit.register(close_process_pools)


def _terminate(pool) -> None:
    """Stop a pool at once: drop queued chunks and kill the running ones."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    results = getattr(pool, "_result_queue", None)
    if hasattr(pool, "terminate_workers"):  # Python >= 3.14
        pool.terminate_workers()
    else:
        for proc in procs:
            proc.terminate()
    for proc in procs:
        proc.join(DEAD_WORKER_GRACE)
        if proc.exitcode is None:
            proc.kill()
            proc.join(DEAD_WORKER_GRACE)
    # a worker stopped while it was sending a result leaves part of a message in the
    # result pipe, and the pool's manager thread waits in recv for the rest: nothing
    # else writes there but this process's own copy of the write end, so closing it
    # ends the read (EOF), the pool breaks and shutdown() below returns (it waited for
    # ever: the SIGTERM test that once timed out)
    writer = getattr(results, "_writer", None)
    if writer is not None:
        writer.close()
    pool.shutdown(wait=True, cancel_futures=True)
