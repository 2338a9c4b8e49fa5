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
The CLI turns SIGTERM into the same path. Local Dask workers ignore SIGINT (the caller closes
the cluster), and the cluster's logs are kept quiet, so Ctrl-C is one line.

Processes: pool workers exit as soon as the calling process is gone, however it ends
(``kill -9`` included; see :func:`_exit_with_parent`), and with them the fork server. A
caller's main script is not imported by the fork server, nor by the workers unless the
k-chunk function is defined in it (then the script needs an ``if __name__ == "__main__":``
guard, and a call outside the guard is refused with one line instead of running the script
once per worker).
"""
from __future__ import annotations

import ast
import logging
import multiprocessing
import os
import signal
import sys
import threading
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
    "resolve_workers",
    "check_workers",
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


def _process_init(func: Callable, blas_threads: int | None) -> None:
    # the parent handles Ctrl-C and terminates the pool; workers ignore SIGINT so that an
    # interrupt does not print one traceback per worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with_parent()
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


#: modules the fork server imports before forking workers: the modules that define
#: lrtheory's k-chunk functions. Not ``"__main__"`` (multiprocessing's default): importing a
#: user's script without an ``if __name__ == "__main__":`` guard in the fork server runs the
#: script a second time there, which starts a second pool and breaks the first.
FORKSERVER_PRELOAD = [
    "numpy", "lrtheory.parallel.executor", "lrtheory.response.hall",
    "lrtheory.response.hall3d", "lrtheory.response.density", "lrtheory.response.torque",
    "lrtheory.response.fermi_surface", "lrtheory.response.ribbon_paper",
]


def _check_picklable(func: Callable) -> bytes:
    import pickle

    try:
        return pickle.dumps(func)
    except Exception as exc:  # noqa: BLE001 - any pickling failure means the same thing
        raise LrtheoryError(
            f"the k-chunk function cannot be sent to worker processes ({exc}); use workers=1, "
            "or a module-level function / functools.partial with picklable arguments"
        ) from None


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


class _deferred_interrupts:
    """Hold SIGINT/SIGTERM (Python-level handlers only, main thread only) for the duration
    of the block and deliver them to the original handler at its end."""

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
        if self.pending and exc[0] is None:
            signum = self.pending[0]
            self.saved[signum](signum, sys._getframe())
        return False


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

        needs_main = b"__main__" in _check_picklable(func)
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
        _install_preparation_hook()
        if self.ctx.get_start_method() == "forkserver":
            # modules imported once in the server (when it starts, at the first pool of this
            # process) and inherited by every worker it forks: workers then start in
            # milliseconds instead of re-importing lrtheory (~0.2 s) at every call
            mod = getattr(getattr(func, "func", func), "__module__", None)
            self.ctx.set_forkserver_preload(
                FORKSERVER_PRELOAD + ([mod] if mod and mod not in FORKSERVER_PRELOAD else []))
        # the workers are started in this thread, by the submits; an interrupt in the middle
        # of a launch would leave a half-started worker outside the pool (not terminated on
        # shutdown, printing a traceback when the pool's semaphores vanish): Ctrl-C / SIGTERM
        # take effect right after the launches
        _HIDE_MAIN.on = not needs_main
        try:
            with _deferred_interrupts():
                self.pool = ProcessPoolExecutor(self.n_workers, mp_context=self.ctx,
                                                initializer=_process_init,
                                                initargs=(func, self.blas_threads))
                futures = [self.pool.submit(_process_call, c) for c in chunks]
        finally:
            _HIDE_MAIN.on = False
        for i, fut in enumerate(futures):
            try:
                result = fut.result()
            except BrokenProcessPool:
                hint = (" (the k-chunk function refers to __main__, which the workers could "
                        "not import? move it into a module)" if needs_main else "")
                raise LrtheoryError(
                    f"a worker process died while computing k-chunk {i + 1} of {len(chunks)} "
                    "(killed by the OS? out of memory?); try fewer workers or a smaller "
                    f"chunk_size{hint}"
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
            # workers ignore Ctrl-C (this process handles it and closes the cluster); the
            # cluster's logs stay below CRITICAL: errors reach the caller as exceptions, and a
            # shutdown after an interrupt otherwise logs pages of tracebacks. Port 0 / no
            # dashboard: concurrent clusters on one machine do not collide (with
            # dashboard_address=None the scheduler still opens its HTTP server on 8787 and
            # warns on stderr when another cluster holds that port: bind it to port 0).
            # an interrupt while the cluster starts would leave it half-started (closed
            # at exit by distributed with a traceback): it takes effect once the cluster is up
            with _deferred_interrupts():
                self._start_local(distributed, n)
        elif isinstance(scheduler, str) and "://" in scheduler:
            self.client = _connect_scheduler(distributed, scheduler)
        else:
            raise LrtheoryError(
                f"scheduler must be 'tcp://host:port', 'local', 'local:N' or a "
                f"distributed.Client, got {scheduler!r}"
            )
        try:
            self.n_workers = max(1, len(self.client.scheduler_info().get("workers", {})))
        except BaseException:
            self.shutdown(cancel=True)
            raise

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


def check_workers(workers: Any) -> int | None:
    """``workers`` as an int >= 1, or None (all cores); anything else (0, -2, 2.5, '4',
    True) raises :class:`LrtheoryError`."""
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
    :func:`available_cores` for None; invalid values raise as in :func:`check_workers`."""
    workers = check_workers(workers)
    return available_cores() if workers is None else workers


def make_executor(workers: int | None = 1, scheduler: Any = None):
    """The executor for ``workers`` (1: serial, N: N processes, None: all cores) or a Dask
    ``scheduler`` (see :class:`DaskExecutor`; takes precedence over ``workers``)."""
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
