"""Local worker processes for k-sums (:class:`ProcessExecutor`).

* **The function once per worker.** ``func`` (a module-level function, or a
  ``functools.partial`` of one carrying the model) is pickled once in the caller and put in
  one shared-memory buffer (an unlinked file mapped by every worker); each worker unpickles
  it once, in the pool initializer. Tasks carry only their chunks (e.g. ``(start, stop)``
  index ranges). Workers start side by side: the pickled model does not go through the
  launch pipe of each worker (which serialised the launches, ~40 ms each for 0.9 MB).
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

import ast
import ctypes
import gc
import io
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
from typing import Any, Callable, Iterable

from lrtheory.errors import LrtheoryError
from lrtheory.parallel._runtime import deferred_interrupts, limit_blas_threads
from lrtheory.parallel.base import BatchingExecutor

__all__ = ["ProcessExecutor", "DEFAULT_START_METHOD", "FORKSERVER_PRELOAD"]

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


def _process_init(blob, nbytes: int, blas_threads: int | None) -> None:
    # the objects inherited from the fork server (numpy, lrtheory, ...) go to the permanent
    # generation: the collector no longer walks them, which in a freshly forked process
    # copied every page of the server's heap (copy-on-write) at the first full collection,
    # measured 50-100 ms per worker while unpickling the function, 20 ms with the freeze
    gc.freeze()
    # the parent handles Ctrl-C and terminates the pool; workers ignore SIGINT so that an
    # interrupt does not print one traceback per worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with_parent()
    limit_blas_threads(blas_threads)
    global _WORKER_FUNC
    _WORKER_FUNC = pickle.loads(ctypes.string_at(ctypes.addressof(blob), nbytes))


def _process_batch(chunks: list) -> tuple[list, float]:
    """One task: the partial sum of each chunk (in order) and their compute time (s)."""
    t0 = time.perf_counter()
    out = [_WORKER_FUNC(c) for c in chunks]  # type: ignore[misc]
    return out, time.perf_counter() - t0


# -- the caller's main module and the workers --------------------------------------------------
# multiprocessing makes every forkserver/spawn worker import the caller's main script (as
# ``__mp_main__``) so that functions defined there can be unpickled. A script without an
# ``if __name__ == "__main__":`` guard then runs again in every worker and starts pools of its
# own. lrtheory's k-chunk functions live in importable modules, so the workers of a pool whose
# function does not refer to ``__main__`` are started without the main module (a thread-local
# switch read by a wrapper of ``multiprocessing.spawn.get_preparation_data``; other users of
# multiprocessing are unaffected).

_HIDE_MAIN = threading.local()


def _install_preparation_hook() -> None:
    from multiprocessing import spawn

    orig = spawn.get_preparation_data
    if getattr(orig, "_lrtheory_hides_main", False):
        return

    def get_preparation_data(name):
        data = orig(name)
        if getattr(_HIDE_MAIN, "on", False):
            data.pop("init_main_from_path", None)
            data.pop("init_main_from_name", None)
        return data

    get_preparation_data._lrtheory_hides_main = True  # type: ignore[attr-defined]
    spawn.get_preparation_data = get_preparation_data


def _is_main_guard(test: ast.expr) -> bool:
    """``__name__ == "__main__"`` (either order)."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1
            and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = [test.left, test.comparators[0]]
    return (any(isinstance(x, ast.Name) and x.id == "__name__" for x in sides)
            and any(isinstance(x, ast.Constant) and x.value == "__main__" for x in sides))


def _unguarded_main_script() -> str | None:
    """The path of the main script if this call runs in its top-level code outside an
    ``if __name__ == "__main__":`` block (a worker importing the script would run the call
    again), else None (guarded, interactive, or called from elsewhere)."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if main is None or not path:
        return None
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_globals is main.__dict__ and frame.f_code.co_name == "<module>":
            break
        frame = frame.f_back
    if frame is None:
        return None
    try:
        with open(path, "rb") as fh:
            tree = ast.parse(fh.read())
    except (OSError, SyntaxError, ValueError):
        return None
    line = frame.f_lineno
    for node in tree.body:
        if (isinstance(node, ast.If) and _is_main_guard(node.test)
                and node.lineno <= line <= (node.end_lineno or node.lineno)):
            return None
    return path


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
    ``func`` reaches each worker once (shared buffer read by the pool initializer); tasks
    are runs of consecutive chunks sized from their measured cost. A worker that dies
    (killed by the OS, out of memory) raises :class:`LrtheoryError` instead of leaving the
    caller waiting for its chunk, also when it dies in the middle of sending a result.
    """

    name = "processes"
    TASKS_PER_SLOT = TASKS_PER_WORKER

    def __init__(self, workers: int, *, blas_threads: int | None = 1,
                 start_method: str | None = None):
        self.n_workers = self.n_slots = int(workers)
        self.blas_threads = blas_threads
        self.ctx = multiprocessing.get_context(start_method or DEFAULT_START_METHOD)
        self.pool = None
        self._shared = None
        self._needs_main = False
        self._dead_since = None

    def _start(self, blob: bytes, needs_main: bool) -> None:
        from concurrent.futures import ProcessPoolExecutor

        _install_preparation_hook()
        if self.ctx.get_start_method() == "forkserver" and not _forkserver_running():
            # imported once in the server (when it starts, at the first pool of this process)
            # and inherited by every worker it forks: workers then start in milliseconds
            # instead of re-importing lrtheory (~0.2-0.4 s) at every call
            mods = FORKSERVER_PRELOAD + [m for m in pickled_modules(blob)
                                         if m not in FORKSERVER_PRELOAD]
            self.ctx.set_forkserver_preload(mods)
        shared = self.ctx.RawArray("B", max(1, len(blob)))
        ctypes.memmove(shared, blob, len(blob))
        self.pool = ProcessPoolExecutor(self.n_workers, mp_context=self.ctx,
                                        initializer=_process_init,
                                        initargs=(shared, len(blob), self.blas_threads))
        self._shared = shared  # kept alive until the workers have mapped it

    def _begin(self, func: Callable, fill: Callable[[], None]) -> None:
        blob = check_picklable(func)
        self._needs_main = needs_main = b"__main__" in blob
        if needs_main:
            script = _unguarded_main_script()
            if script is not None:
                raise LrtheoryError(
                    f"the k-chunk function is defined in the script {script}, which every "
                    "worker process must import, and the script starts the k-sum outside an "
                    "'if __name__ == \"__main__\":' block, so each worker would run it again: "
                    "put the script's top-level code under that guard, move the function into "
                    "a module, or use workers=1"
                )
        _HIDE_MAIN.on = not needs_main
        try:
            # the workers are started in this thread, by the first submits; an interrupt in
            # the middle of a launch would leave a half-started worker outside the pool (not
            # terminated on shutdown, printing a traceback when the pool's semaphores
            # vanish): Ctrl-C / SIGTERM take effect right after the launches
            with deferred_interrupts():
                self._start(blob, needs_main)
                fill()
        finally:
            _HIDE_MAIN.on = False

    def _broken(self, first: int, n: int) -> LrtheoryError:
        hint = (" (the k-chunk function refers to __main__, which the workers could not "
                "import? move it into a module)" if self._needs_main else "")
        return LrtheoryError(
            f"a worker process died while computing k-chunk {first + 1} of {n} "
            "(killed by the OS? out of memory?); try fewer workers or a smaller "
            f"chunk_size{hint}")

    def _submit(self, chunks: list, first: int, n: int) -> Any:
        from concurrent.futures.process import BrokenProcessPool

        try:
            return self.pool.submit(_process_batch, chunks)
        except BrokenProcessPool:
            raise self._broken(first, n) from None

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
                    raise self._broken(min(in_flight.values()), n)

    def _collect(self, fut: Any, first: int, n: int) -> tuple[list, float]:
        from concurrent.futures.process import BrokenProcessPool

        try:
            return fut.result()
        except BrokenProcessPool:
            raise self._broken(first, n) from None

    def _shutdown(self, cancel: bool) -> None:
        pool, self.pool = self.pool, None
        self._shared = None
        if pool is None:
            return
        if not cancel:
            pool.shutdown(wait=True)
            return
        # stop at once: drop queued chunks and kill the running ones
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
