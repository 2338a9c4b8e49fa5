"""Where a Dask worker spends its CPU on a k-sum (issue #14): CPU time per chunk inside the
worker thread, and CPU per thread of every process, for several cluster settings.

Wall-time ratios need an idle machine; CPU time of a thread (``time.thread_time``, user +
system) is robust under load. For each setting this script starts a 2-worker
``distributed.LocalCluster``, runs the same k-sum through :func:`lrtheory.parallel.kmap_reduce`
(the real :class:`~lrtheory.parallel.DaskExecutor` path, its task function wrapped to time each
chunk in the worker thread), and reports

* ``chunk_cpu``: mean CPU per chunk in the worker thread (ms), against the same chunks run
  serially in this process's main thread and in a plain ``threading.Thread``;
* ``worker_other``: CPU of the worker processes' other threads (event loop, profiler,
  monitors) per call, and of the calling process (scheduler, nannies, client) per call;
* ``total``: the sum of all of it over the serial CPU of the same k-sum.

Run from the repository root::

    python3 benchmarks/dask_cpu.py [--system fe|ribbon] [--rounds 3] [--calls 3] [--out FILE]

(the Fe case needs /tmp/fe_w90/Fe_tb.dat: ``python3 benchmarks/make_fe_w90.py``).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

#: per-chunk (thread CPU s, wall s) recorded in this worker process by :func:`timed_batch`
_REC: list = []
#: chunks of each task run in this worker process
_TASKS: list = []


def timed_batch(func, chunks, *model):
    """The executor's task (:func:`lrtheory.parallel.dask_executor._dask_batch`), one chunk at
    a time, with the worker thread's CPU time of each chunk recorded in :data:`_REC`."""
    from lrtheory.parallel import dask_executor

    real = getattr(dask_executor, "_REAL_DASK_BATCH", dask_executor._dask_batch)
    out, total = [], 0.0
    _TASKS.append(len(chunks))
    for c in chunks:
        t0, w0 = time.thread_time(), time.perf_counter()
        part, _ = real(func, [c], *model)
        _REC.append((time.thread_time() - t0, time.perf_counter() - w0))
        out.extend(part)
        total += time.perf_counter() - w0
    return out, total


def take_records():
    """This worker's per-chunk records since the last call (and clear them)."""
    rec = list(_REC), list(_TASKS)
    _REC.clear()
    _TASKS.clear()
    return rec


def thread_cpu():
    """CPU seconds (user + system) of every thread of this process, by thread name."""
    import psutil

    names = {t.native_id: t.name for t in threading.enumerate()}
    out = {}
    for th in psutil.Process().threads():
        name = names.get(th.id, "native")
        out[name] = out.get(name, 0.0) + th.user_time + th.system_time
    return out


def worker_state():
    """Settings in effect in a worker process: malloc tuning, BLAS threads, profiler."""
    import dask
    from threadpoolctl import threadpool_info

    from lrtheory.parallel import _runtime

    return {"malloc_tuned": _runtime._MALLOC_TUNED,
            "MALLOC_TRIM_THRESHOLD_": os.environ.get("MALLOC_TRIM_THRESHOLD_"),
            "blas_threads": [i["num_threads"] for i in threadpool_info()],
            "profile": dask.config.get("distributed.worker.profile.enabled"),
            "profile_interval": dask.config.get("distributed.worker.profile.interval")}


def _diff(after, before):
    return {k: v - before.get(k, 0.0) for k, v in after.items() if v - before.get(k, 0.0) > 1e-4}


def _capture(call):
    """(func, chunks) that ``call`` hands to kmap_reduce (nothing computed)."""
    import lrtheory.response.ksum as ksum_mod

    got = {}

    def fake(func, k, **kw):
        got["func"], got["chunks"] = func, list(k)
        raise StopIteration

    real = ksum_mod.kmap_reduce
    ksum_mod.kmap_reduce = fake
    try:
        call()
    except StopIteration:
        pass
    finally:
        ksum_mod.kmap_reduce = real
    return got["func"], got["chunks"]


def serial_cpu(func, chunks, in_thread: bool) -> float:
    """Mean CPU per chunk (s) of the chunks run one after the other (BLAS on one thread), in
    this thread or in a new ``threading.Thread``."""
    from lrtheory.parallel import blas_single_thread
    from lrtheory.parallel._runtime import tune_malloc

    tune_malloc()  # as kmap_reduce does in the calling process
    res = {}

    def run():
        t0 = time.thread_time()
        for c in chunks:
            with blas_single_thread():
                func(c)
        res["cpu"] = time.thread_time() - t0

    if in_thread:
        th = threading.Thread(target=run)
        th.start()
        th.join()
    else:
        run()
    return res["cpu"] / len(chunks)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--system", default="fe", choices=("fe", "ribbon"))
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--calls", type=int, default=3, help="measured calls per cluster")
    ap.add_argument("--configs", default="", help="comma-separated subset of the settings")
    ap.add_argument("--min-task", type=float, default=0.0,
                    help="DaskExecutor.MIN_TASK_SECONDS for this run (default: the code's)")
    ap.add_argument("--out", default="")
    a = ap.parse_args(argv)

    # workers import this module and the checkout's lrtheory
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT), str(HERE)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])
    sys.path[:0] = [str(ROOT), str(HERE)]

    import dask
    import distributed

    import dask_cpu as probe  # the same module the workers import (pickled by reference)
    from lrtheory.parallel import dask_executor, kmap_reduce

    if a.system == "fe":
        from lrtheory.io.wannier90 import load_wannier90
        from lrtheory.response.hall3d import hall_tensor

        model = load_wannier90(os.environ.get("LRTHEORY_FE_W90", "/tmp/fe_w90/Fe_tb.dat"))
        call = partial(hall_tensor, model, [17.6255], nk=28, operator="charge")
    else:
        from lrtheory.models.haldane import haldane
        from lrtheory.response.density import ribbon_accumulation

        model = haldane().ribbon(80)
        call = partial(ribbon_accumulation, model, 0.5, nk=512, convergence=False)
    func, chunks = _capture(call)
    print(f"{a.system}: {len(chunks)} chunks; load {os.getloadavg()[0]:.1f}", flush=True)

    dask_executor._REAL_DASK_BATCH = dask_executor._dask_batch
    dask_executor._dask_batch = probe.timed_batch

    from lrtheory.parallel.dask_config import dask_compute_config

    CONFIGS["recipe"] = (dask_compute_config(), {})
    CONFIGS["recipe-old-tasks"] = (dask_compute_config(), {}, OLD_TASKS)
    if a.min_task:
        dask_executor.DaskExecutor.MIN_TASK_SECONDS = a.min_task
    configs = CONFIGS
    if a.configs:
        configs = {k: CONFIGS[k] for k in a.configs.split(",")}
    rows = {name: [] for name in ["serial", "serial-thread", *configs]}
    for rnd in range(a.rounds):
        rows["serial"].append({"chunk_cpu": serial_cpu(func, chunks, False)})
        rows["serial-thread"].append({"chunk_cpu": serial_cpu(func, chunks, True)})
        for name, (cfg, kw, *over) in configs.items():
            saved = {k: getattr(dask_executor.DaskExecutor, k) for k in ("MIN_TASK_SECONDS",
                                                                         "SPLITS")}
            saved_inline = dask_executor.INLINE_FUNC_BYTES
            for k, v in (over[0] if over else {}).items():
                if k == "INLINE_FUNC_BYTES":
                    dask_executor.INLINE_FUNC_BYTES = v
                else:
                    setattr(dask_executor.DaskExecutor, k, v)
            if cfg == "local":  # lrtheory's own cluster (scheduler="local:2")
                kmap_reduce(func, chunks, chunk_size=1, scheduler="local:2")
                client, cluster, sched = dask_executor._LOCAL[3], None, "local:2"
            else:
                with dask.config.set(cfg):
                    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1,
                                                       dashboard_address=None, **kw)
                    client = distributed.Client(cluster)
                sched = client
            try:
                kmap_reduce(func, chunks, chunk_size=1, scheduler=sched)  # warm-up
                client.run(probe.take_records)
                state = client.run(probe.worker_state)
                w0, m0 = client.run(probe.thread_cpu), probe.thread_cpu()
                t0 = time.perf_counter()
                for _ in range(a.calls):
                    kmap_reduce(func, chunks, chunk_size=1, scheduler=sched)
                wall = (time.perf_counter() - t0) / a.calls
                w1, m1 = client.run(probe.thread_cpu), probe.thread_cpu()
                got = client.run(probe.take_records).values()
                recs = [r for rs, _ in got for r in rs]
                tasks = sum(len(ts) for _, ts in got) / a.calls
            finally:
                for k, v in saved.items():
                    setattr(dask_executor.DaskExecutor, k, v)
                dask_executor.INLINE_FUNC_BYTES = saved_inline
                dask_executor.forget_scattered_model()
                if cluster is None:
                    dask_executor.close_local_cluster()
                else:
                    client.close()
                    cluster.close()
            chunk_cpu = sum(r[0] for r in recs) / len(recs)
            workers = {}
            for addr in w1:
                for th, v in _diff(w1[addr], w0[addr]).items():
                    workers[th] = workers.get(th, 0.0) + v / a.calls
            main_thr = {th: v / a.calls for th, v in _diff(m1, m0).items()}
            rows[name].append({"chunk_cpu": chunk_cpu, "wall": wall, "workers": workers,
                               "tasks": tasks,
                               "main": main_thr, "state": next(iter(state.values()))})
        ser = rows["serial"][-1]["chunk_cpu"]
        print(f"round {rnd}: load {os.getloadavg()[0]:.1f}")
        for name, rs in rows.items():
            r = rs[-1]
            line = f"  {name:22s} chunk {1e3 * r['chunk_cpu']:6.2f} ms ({r['chunk_cpu'] / ser:4.2f}x)"
            if "workers" in r:
                comp = sum(v for k, v in r["workers"].items() if "Dask-Default" in k)
                other = sum(r["workers"].values()) - comp
                main_cpu = sum(r["main"].values())
                line += (f"  compute {comp:5.2f} s, other: workers {1e3 * other:5.0f} + calling "
                         f"process {1e3 * main_cpu:5.0f} ms/call; {r['tasks']:.0f} tasks; "
                         f"wall {r['wall']:.2f} s")
            print(line, flush=True)
    if a.out:
        Path(a.out).write_text(json.dumps({"system": a.system, "chunks": len(chunks),
                                           "rows": rows}, indent=1, default=str))


#: the Dask task sizes before 8 December (tasks >= 50 ms, 1/(4 workers) of the rest, the
#: function scattered at every call)
OLD_TASKS = {"MIN_TASK_SECONDS": 0.05, "SPLITS": 4, "INLINE_FUNC_BYTES": 0}

#: name -> (dask.config.set mapping or "local" (scheduler="local:2"), LocalCluster kwargs[,
#: DaskExecutor class attributes / dask_executor.INLINE_FUNC_BYTES for the run])
CONFIGS = {
    "default": ({}, {}),
    "local:2": ("local", {}),
    "recipe": (None, {}),
    "recipe-old-tasks": (None, {}),
    "no-profiler": ({"distributed.worker.profile.enabled": False}, {}),
    "slow-monitors": ({"distributed.admin.system-monitor.interval": "5s",
                       "distributed.worker.memory.monitor-interval": "5s"}, {}),
    "slow-tick": ({"distributed.admin.tick.interval": "1s"}, {}),
    "quiet": ({"distributed.worker.profile.enabled": False,
               "distributed.admin.system-monitor.interval": "5s",
               "distributed.worker.memory.monitor-interval": "5s",
               "distributed.admin.tick.interval": "1s"}, {}),
}


if __name__ == "__main__":
    main()
