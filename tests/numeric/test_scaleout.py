"""Scale-out of the executors (issue #14): the function reaches each worker once, tasks are
sized from measured cost without moving a bit of the result, no per-response preload list.

Expected values are independent of the code under test: the serial sum in chunk order is
written out here with a plain Python loop, and the pickling counts come from the objects
themselves (each unpickling appends a line to a file).
"""
from __future__ import annotations

import contextlib
import functools
import os
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from lrtheory.parallel import executor as ex
from lrtheory.parallel import kmap_reduce
from lrtheory.parallel.chunks import BatchPlanner
from lrtheory.parallel.processes import FORKSERVER_PRELOAD, pickled_modules


@pytest.fixture(autouse=True)
def _no_local_cluster_left():
    """The local Dask cluster of ``scheduler="local:N"`` outlives a call: close it after each
    test (other test modules count their child processes)."""
    yield
    ex.close_local_cluster()


def _scaled_sum(k, *, weights):
    """Partial sums whose total depends on the order of addition (magnitudes 1e-4..1e16)."""
    idx = k[:, 0].astype(int)
    return {"s": np.array([np.sum(weights[idx] * np.sin(idx))]), "n": np.array([len(k)])}


_RNG = np.random.default_rng(3)
WEIGHTS = _RNG.uniform(-1, 1, 997) * 10.0 ** _RNG.integers(-4, 17, 997)
K = np.arange(997, dtype=float)[:, None]
FUNC = functools.partial(_scaled_sum, weights=WEIGHTS)


def _reference(chunk_size):
    total = None
    for i in range(0, len(K), chunk_size):
        part = FUNC(K[i:i + chunk_size])
        total = part if total is None else {key: total[key] + part[key] for key in part}
    return total


def test_the_check_can_fail_grouping_chunks_changes_the_bits():
    # adding the partial sums of a task inside the worker first would change the result
    ref = _reference(7)["s"]
    parts = [FUNC(K[i:i + 7])["s"] for i in range(0, len(K), 7)]
    grouped = sum((parts[i] + parts[i + 1] if i + 1 < len(parts) else parts[i])
                  for i in range(0, len(parts), 2))
    assert not np.array_equal(grouped, ref)


def test_planner_starts_with_one_chunk_then_follows_the_measured_cost():
    p = BatchPlanner(2, min_task_seconds=0.02, splits=4)
    assert p.next_size(100) == 1  # nothing measured yet
    p.record(4, 0.4)  # 0.1 s per chunk: the balance bound rules, 100 / (4 * 2)
    assert p.next_size(100) == 13
    assert p.next_size(9) == 2  # the tail gets short tasks
    assert p.next_size(1) == 1 and p.next_size(0) == 0
    q = BatchPlanner(2, min_task_seconds=0.02)
    q.record(10, 0.001)  # 0.1 ms per chunk: tasks of at least 20 ms = 200 chunks
    assert q.next_size(10_000) == 1250 and q.next_size(300) == 200 and q.next_size(150) == 150


@pytest.mark.parametrize("chunk_size", [7, 50])
def test_processes_with_batched_tasks_are_bit_identical_to_serial(chunk_size):
    ref = _reference(chunk_size)
    for workers in (1, 2):
        out = kmap_reduce(FUNC, K, chunk_size=chunk_size, workers=workers)
        assert out["n"][0] == len(K)
        assert np.array_equal(out["s"], ref["s"])  # bits, not a tolerance


def test_dask_with_batched_tasks_is_bit_identical_to_serial():
    pytest.importorskip("distributed")
    ref = _reference(7)
    out = kmap_reduce(FUNC, K, chunk_size=7, scheduler="local:2")
    assert np.array_equal(out["s"], ref["s"]) and out["n"][0] == len(K)


class _CountsUnpickling:
    """A chunk function that appends its pid to ``path`` every time it is unpickled; ``pad``
    bytes of payload make its pickle large."""

    def __init__(self, path, pad=b""):
        self.path, self.pad = str(path), pad

    def __call__(self, k):
        return np.array([len(k)])

    def __reduce__(self):
        return (_rebuild, (self.path, self.pad))


def _rebuild(path, pad=b""):
    with open(path, "a") as fh:
        fh.write(f"{os.getpid()}\n")
    return _CountsUnpickling(path, pad)


def test_the_function_reaches_each_process_worker_once(tmp_path):
    log = tmp_path / "unpickled.txt"
    out = kmap_reduce(_CountsUnpickling(log), np.zeros((120, 1)), chunk_size=2, workers=2)
    assert out[0] == 120
    pids = log.read_text().split()
    # 60 chunks, 2 workers: once per worker (the parent also reads the pickle once, to
    # find the modules the fork server preloads, when it starts the server)
    assert len(pids) == len(set(pids)) <= 3


def test_a_large_function_reaches_each_dask_worker_once(tmp_path):
    pytest.importorskip("distributed")
    from lrtheory.parallel.dask_executor import INLINE_FUNC_BYTES

    log = tmp_path / "unpickled.txt"
    func = _CountsUnpickling(log, pad=bytes(2 * INLINE_FUNC_BYTES))
    out = kmap_reduce(func, np.zeros((120, 1)), chunk_size=2, scheduler="local:2")
    assert out[0] == 120
    pids = log.read_text().split()
    assert len(pids) <= 2 and len(pids) == len(set(pids))


def test_a_small_function_travels_with_the_tasks_not_by_scatter(tmp_path, monkeypatch):
    # issue #14: a broadcast scatter is a blocking round trip to every worker before the first
    # task; a function of a few kB (a k-sum's, model apart) goes with each task instead
    distributed = pytest.importorskip("distributed")
    scattered = []
    scatter = distributed.Client.scatter

    def counting(self, data, *args, **kwargs):
        scattered.append(type(data).__name__)
        return scatter(self, data, *args, **kwargs)

    monkeypatch.setattr(distributed.Client, "scatter", counting)
    log = tmp_path / "unpickled.txt"
    out = kmap_reduce(_CountsUnpickling(log), np.zeros((120, 1)), chunk_size=2,
                      scheduler="local:2")
    assert out[0] == 120 and scattered == []
    assert len(log.read_text().split()) > 2  # unpickled per task (the counter-example above)
    big = kmap_reduce(_CountsUnpickling(log, pad=bytes(10**5)), np.zeros((8, 1)), chunk_size=2,
                      scheduler="local:2")
    assert big[0] == 8 and scattered == ["_CountsUnpickling"]


def test_preload_is_read_from_the_pickle_not_from_a_list():
    assert not [m for m in FORKSERVER_PRELOAD if m.startswith("lrtheory.response")]
    mods = pickled_modules(pickle.dumps(FUNC))
    assert "tests.numeric.test_scaleout" in mods and "functools" in mods
    assert "__main__" not in mods


def test_a_response_in_a_new_module_runs_on_workers_with_no_registration(tmp_path,
                                                                        monkeypatch):
    (tmp_path / "lrt_new_response_mod.py").write_text(textwrap.dedent("""
        import numpy as np

        def chunk(k, *, scale):
            return np.array([scale * float(np.sum(k ** 2))])
    """))
    monkeypatch.syspath_prepend(str(tmp_path))
    import lrt_new_response_mod as mod

    func = functools.partial(mod.chunk, scale=0.5)
    k = np.arange(40.0)[:, None]
    out = kmap_reduce(func, k, chunk_size=3, workers=2)
    assert out[0] == 0.5 * sum(x * x for x in range(40))


def test_old_names_stay_importable_and_dead_code_is_gone():
    for name in ("kmap_reduce", "make_executor", "split_chunks", "auto_chunk_size",
                 "available_cores", "resolve_workers", "check_workers", "SerialExecutor",
                 "ProcessExecutor", "DaskExecutor", "blas_single_thread", "CHUNK_BYTES",
                 "DEFAULT_START_METHOD", "DASK_CONNECT_TIMEOUT"):
        assert hasattr(ex, name), name
    import lrtheory.parallel as par

    for name in par.__all__:
        assert getattr(par, name) is getattr(ex, name)
    assert not hasattr(ex, "iter_chunks")


def test_no_module_of_the_package_is_over_500_lines():
    pkg = Path(ex.__file__).parent
    sizes = {p.name: len(p.read_text().splitlines()) for p in pkg.glob("*.py")}
    assert max(sizes.values()) <= 500, sizes


_MAPS_PROBE = """
import ctypes
from lrtheory.parallel._runtime import tune_malloc
on = tune_malloc()
class Mallinfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in ("arena", "ordblks", "smblks", "hblks",
                "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]
libc = ctypes.CDLL("libc.so.6")
libc.mallinfo2.restype = Mallinfo2
before = libc.mallinfo2().hblkhd
blocks = [bytearray(4 * 2**20) for _ in range(4)]  # 4 MiB each: above glibc's 128 KiB start
print(on, tune_malloc(), (libc.mallinfo2().hblkhd - before) // 2**20)
"""


@pytest.mark.parametrize("env,on", [({}, True), ({"MALLOC_TRIM_THRESHOLD_": "65536"}, True),
                                    ({"LRTHEORY_MALLOC_TUNING": "0"}, False)])
def test_malloc_tuning_keeps_chunk_arrays_off_fresh_mmaps(env, on):
    # behaviour, not a flag: with the tuning, 4 MiB blocks come from the heap (no bytes in
    # mmapped blocks, glibc's mallinfo2().hblkhd); without it each is a fresh mmap (16 MiB
    # more, the page faults the tuning avoids) -- the counter-example is the opt-out
    if not sys.platform.startswith("linux"):
        pytest.skip("glibc only")
    base = {k: v for k, v in os.environ.items()
            if k not in ("MALLOC_TRIM_THRESHOLD_", "LRTHEORY_MALLOC_TUNING",
                         "MALLOC_MMAP_THRESHOLD_")}
    r = subprocess.run([sys.executable, "-c", _MAPS_PROBE], env={**base, **env},
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    first, second, new_maps = r.stdout.split()
    assert (first, second) == (str(on), str(on))
    assert (int(new_maps) == 0) if on else (int(new_maps) >= 16)


@contextlib.contextmanager
def _in_process_client(n_workers: int, threads: int):
    """A client of an in-process Dask cluster with Dask's default settings (skips without
    distributed)."""
    distributed = pytest.importorskip("distributed")
    import logging

    with distributed.LocalCluster(n_workers=n_workers, threads_per_worker=threads,
                                  processes=False, dashboard_address=None,
                                  silence_logs=logging.ERROR) as cl, \
            distributed.Client(cl) as client:
        yield client


def test_dask_counts_threads_not_only_workers():
    # a worker with 3 threads runs 3 tasks at once: the executor keeps 2 per thread in flight
    with _in_process_client(1, 3) as client:
        e = ex.DaskExecutor(client)
        assert (e.n_workers, e.n_slots) == (1, 3)
        out = kmap_reduce(FUNC, K, chunk_size=7, scheduler=client)
        assert np.array_equal(out["s"], _reference(7)["s"])


class _CountedModel:
    """A stand-in model (picklable, changeable in place)."""

    def __init__(self, scale=1.0):
        self.scale = scale


def _chunk_with_model(k, *, model, offset):
    return np.array([model.scale * len(k) + offset])


def test_dask_sends_the_same_model_once_and_a_changed_one_again(monkeypatch):
    # issue #14: the 1 MB bcc Fe model was scattered at every call (50-150 ms on local:2);
    # a k-sum of the same model with other settings reuses the workers' copy, and a model
    # changed in place is sent again (the digest of its pickle decides, not identity)
    distributed = pytest.importorskip("distributed")
    from lrtheory.parallel import dask_executor as de

    sent = []
    scatter = distributed.Client.scatter

    def counting(self, data, *args, **kwargs):
        if isinstance(data, _CountedModel):
            sent.append(data.scale)
        return scatter(self, data, *args, **kwargs)

    monkeypatch.setattr(distributed.Client, "scatter", counting)
    de.forget_scattered_model()
    model = _CountedModel()
    k = np.zeros((40, 1))
    run = [kmap_reduce(functools.partial(_chunk_with_model, model=model, offset=off), k,
                       chunk_size=4, scheduler="local:2")[0] for off in (0.0, 1.0)]
    assert run == [40.0, 50.0] and sent == [1.0]  # the second call reused the copy
    model.scale = 2.0  # changed in place: the stale copy must not be used
    third = kmap_reduce(functools.partial(_chunk_with_model, model=model, offset=0.0), k,
                        chunk_size=4, scheduler="local:2")
    assert third[0] == 80.0 and sent == [1.0, 2.0]
    ex.close_local_cluster()
    assert de._SCATTERED is None


def _worker_settings(dask_worker):
    """What a worker process runs with (``client.run`` passes the worker)."""
    pcs = dask_worker.periodic_callbacks
    return {"profiler": "profile" in pcs, "tick_s": dask_worker._tick_interval,
            "system_monitor_ms": pcs["monitor"].callback_time,
            "memory_monitor_s": dask_worker.memory_manager.memory_monitor_interval}


#: what :data:`lrtheory.parallel.dask_config.COMPUTE_CONFIG` means in a worker, written out
#: here: no profiler callback, 0.5 s ticks, 2 s system monitor, 1 s memory monitor
COMPUTE_WORKER = {"profiler": False, "tick_s": 0.5, "system_monitor_ms": 2000.0,
                  "memory_monitor_s": 1.0}


def test_the_local_cluster_computes_with_the_compute_config():
    # issue #14: a default cluster's event loops (20 ms ticks, the 10 ms profiler, 0.1-0.5 s
    # monitors) took 140 ms of CPU per second from the chunks on 2 cores
    pytest.importorskip("distributed")
    from lrtheory.parallel import dask_executor as de

    out = kmap_reduce(FUNC, K, chunk_size=7, scheduler="local:2")
    assert np.array_equal(out["s"], _reference(7)["s"])  # bits, as on any cluster
    client = de._LOCAL[3]
    seen = client.run(_worker_settings)
    assert len(seen) == 2 and all(s == COMPUTE_WORKER for s in seen.values())
    assert client.run_on_scheduler(lambda dask_scheduler: dask_scheduler._tick_interval) == 0.5
    # lrtheory places the tasks: no work stealing
    assert not client.run_on_scheduler(
        lambda dask_scheduler: "stealing" in dask_scheduler.extensions)


def test_the_check_can_fail_a_default_cluster_runs_the_profiler():
    with _in_process_client(1, 1) as client:
        seen = next(iter(client.run(_worker_settings).values()))
        steals = client.run_on_scheduler(
            lambda dask_scheduler: "stealing" in dask_scheduler.extensions)
    assert seen == {"profiler": True, "tick_s": 0.02, "system_monitor_ms": 500.0,
                    "memory_monitor_s": 0.1}
    assert steals


def test_the_compute_env_gives_dask_the_same_config():
    # the environment variables of dask_compute_env, read by Dask itself in a fresh process
    pytest.importorskip("distributed")
    from lrtheory.parallel.dask_config import (COMPUTE_CONFIG, dask_compute_config,
                                               dask_compute_env)

    assert dask_compute_config() == COMPUTE_CONFIG and dask_compute_config() is not COMPUTE_CONFIG
    env = {k: v for k, v in os.environ.items() if not k.startswith("DASK_")}
    code = ("import dask, distributed, json, sys; keys = json.loads(sys.argv[1]); "
            "print(json.dumps({k: dask.config.get(k) for k in keys}))")
    import json

    r = subprocess.run([sys.executable, "-c", code, json.dumps(sorted(COMPUTE_CONFIG))],
                       env={**env, **dask_compute_env()}, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == COMPUTE_CONFIG
    r = subprocess.run([sys.executable, "-c", code, json.dumps(sorted(COMPUTE_CONFIG))],
                       env=env, capture_output=True, text=True, timeout=120)
    assert json.loads(r.stdout) != COMPUTE_CONFIG  # Dask's defaults differ: the check can fail


def test_dask_places_the_first_tasks_on_every_worker():
    # the executor places each task on the worker with the fewest of the call's tasks per
    # thread (a loose restriction): the four tasks fill() sends first go two and two
    with _in_process_client(2, 1) as client:
        e = ex.DaskExecutor(client)
        e._placed = {}
        picks = []
        for i in range(4):  # what fill() asks before any task returns
            picks.append(e._least_busy_worker())
            e._placed[i] = picks[-1]
        assert sorted(picks) == sorted(list(e._threads) * 2)


@pytest.mark.parametrize("guarded", [False, True])
def test_local_dask_from_an_unguarded_script_is_one_clear_error(tmp_path, guarded):
    # Dask's nannies spawn workers that import the main script: an unguarded script ran its
    # k-sum again in each and died in pages of Dask tracebacks ("Nanny failed to start")
    pytest.importorskip("distributed")
    body = ("import numpy as np\n"
            "from lrtheory.parallel import kmap_reduce\n"
            "def run():\n"
            "    out = kmap_reduce(np.sum, np.ones((8, 1)), chunk_size=2, scheduler='local:1')\n"
            "    print('total', out)\n")
    body += ("if __name__ == '__main__':\n    run()\n" if guarded else "run()\n")
    script = tmp_path / "user_script.py"
    script.write_text(body)
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                       timeout=240, cwd=tmp_path)
    if guarded:  # the counter-example: the same k-sum under the guard runs
        assert r.returncode == 0 and "total 8.0" in r.stdout, r.stderr
    else:
        assert r.returncode != 0
        assert "starts the k-sum outside an 'if __name__" in r.stderr
        assert "Nanny failed" not in r.stderr
