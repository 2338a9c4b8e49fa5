"""Dask worker preload for the local clusters lrtheory starts (``scheduler="local:N"``).

A terminal's Ctrl-C sends SIGINT to the whole process group, Dask's worker processes
included: each printed a ``KeyboardInterrupt`` traceback (68 lines for two workers). The
calling process handles the interrupt and closes the cluster, so the workers ignore SIGINT.
Dask's ``MALLOC_TRIM_THRESHOLD_`` is undone at start-up
(:func:`lrtheory.parallel._runtime.tune_malloc`; every task also checks it, for
clusters lrtheory did not start).
"""
from __future__ import annotations

import signal
import threading


def dask_setup(worker) -> None:  # noqa: ARG001 - Dask's preload protocol
    """Called by Dask in each worker process at start-up."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    from lrtheory.parallel._runtime import tune_malloc

    tune_malloc()
