"""lrtheory.parallel: map over k-chunks and reduce."""
from lrtheory.parallel.executor import auto_chunk_size, kmap_reduce, split_chunks

__all__ = ["kmap_reduce", "auto_chunk_size", "split_chunks"]
