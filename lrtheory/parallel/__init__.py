"""lrtheory.parallel: map over k-chunks and reduce (serial, local processes, Dask)."""
from lrtheory.parallel.executor import (
    DaskExecutor,
    ProcessExecutor,
    SerialExecutor,
    auto_chunk_size,
    blas_single_thread,
    available_cores,
    kmap_reduce,
    make_executor,
    split_chunks,
)

__all__ = [
    "kmap_reduce", "auto_chunk_size", "blas_single_thread", "split_chunks", "available_cores", "make_executor",
    "SerialExecutor", "ProcessExecutor", "DaskExecutor",
]
