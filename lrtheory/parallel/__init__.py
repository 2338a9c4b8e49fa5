"""lrtheory.parallel: map over k-chunks and reduce (serial, local processes, Dask)."""
from lrtheory.parallel.executor import (
    DaskExecutor,
    ProcessExecutor,
    SerialExecutor,
    auto_chunk_size,
    available_cores,
    blas_single_thread,
    check_workers,
    close_local_cluster,
    close_process_pools,
    dask_compute_config,
    dask_compute_env,
    kmap_reduce,
    make_executor,
    resolve_workers,
    split_chunks,
)

__all__ = [
    "kmap_reduce", "make_executor", "auto_chunk_size", "split_chunks", "available_cores",
    "resolve_workers", "check_workers", "blas_single_thread", "close_local_cluster",
    "close_process_pools", "dask_compute_config", "dask_compute_env",
    "SerialExecutor", "ProcessExecutor", "DaskExecutor",
]
