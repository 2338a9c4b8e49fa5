"""Dask settings for compute-bound k-sums: what ``scheduler="local:N"`` applies to the cluster
it starts, and what a user should set on a cluster of their own.

A Dask cluster keeps its processes busy between and beside the tasks: every server's event
loop ticks every 20 ms, the workers' statistical profiler samples the running threads every
10 ms on the event loop, and system and memory monitors poll psutil every 0.5 s and 0.1 s.
Measured on 2 local workers with ``time.thread_time`` per thread (``benchmarks/dask_cpu.py``,
docs/performance.md): 140 ms of CPU per second of wall time for an idle cluster of 2 workers
(40 ms in each worker, 60 ms in the process that hosts the scheduler and the nannies), more
while tasks run (the profiler then walks the task's stack at every sample). On a machine whose
cores all compute, that CPU is taken from the k-sum. With :data:`COMPUTE_CONFIG` the same
idle cluster uses 17-22 ms per second.
"""
from __future__ import annotations

__all__ = ["COMPUTE_CONFIG", "dask_compute_config", "dask_compute_env"]

#: Dask configuration (``dask.config.set`` keys) for compute-bound k-sums; see the module
#: doc. Each entry says what it costs otherwise and what is given up:
#:
#: * ``distributed.worker.profile.enabled: False``: no statistical profiler (the dashboard's
#:   profile page stays empty); 16 ms/s per idle worker, more while a task runs;
#: * ``distributed.admin.tick.interval: 500ms`` (20 ms): the event-loop watchdog that warns
#:   about a blocked loop checks less often; with the two monitors below it is the largest
#:   part of the idle cost (the loops wake up for each of them);
#: * ``distributed.admin.system-monitor.interval: 2s`` (500 ms): CPU/memory/network samples
#:   of the dashboard every 2 s;
#: * ``distributed.worker.memory.monitor-interval: 1s`` (100 ms): the spill, pause and
#:   terminate thresholds of worker memory are checked every second (a k-sum's memory is
#:   bounded by its chunk size, :data:`lrtheory.parallel.chunks.CHUNK_BYTES`);
#: * ``distributed.scheduler.work-stealing: False``: lrtheory places each task on the worker
#:   with the fewest of the call's tasks itself; the scheduler's stealing bookkeeping (a
#:   100 ms callback and a cost estimate per task) took 0.12-0.15 s of the calling process's
#:   CPU per bcc Fe k-sum, 0.10-0.13 s without it (6 calls each, idle machine). Other work on
#:   the same cluster is no longer rebalanced.
COMPUTE_CONFIG: dict[str, object] = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "500ms",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.scheduler.work-stealing": False,
}


def dask_compute_config() -> dict[str, object]:
    """The Dask settings lrtheory applies to its own local cluster (a copy of
    :data:`COMPUTE_CONFIG`), for a cluster of your own.

    Set them in every process of the cluster *before* it starts: in Python around the
    cluster's creation, ``with dask.config.set(dask_compute_config()): cluster =
    LocalCluster(...)`` (its worker processes inherit the configuration), or, for
    ``dask scheduler`` / ``dask worker`` started from a shell, as the environment variables
    of :func:`dask_compute_env`.

    Returns
    -------
    dict
        ``{dotted Dask configuration key: value}``.
    """
    return dict(COMPUTE_CONFIG)


def dask_compute_env() -> dict[str, str]:
    """:func:`dask_compute_config` as the environment variables Dask reads at start-up
    (``DASK_`` prefix, ``__`` between levels), for ``dask scheduler`` and ``dask worker``.

    Returns
    -------
    dict
        ``{variable name: value}``, e.g. ``DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED:
        "False"``.
    """
    return {"DASK_" + "__".join(p.upper().replace("-", "_") for p in key.split(".")): str(value)
            for key, value in COMPUTE_CONFIG.items()}
