"""lrtheory.parallel: map over k-chunks and reduce (serial, local processes, Dask)."""
from lrtheory.parallel.executor import (
    DaskExecutor,
    ProcessExecutor,
    SerialExecutor,
    auto_chunk_size,
    available_cores,
    kmap_reduce,
    make_executor,
    split_chunks,
)

__all__ = [
    "kmap_reduce", "auto_chunk_size", "split_chunks", "available_cores", "make_executor",
    "SerialExecutor", "ProcessExecutor", "DaskExecutor",
]
