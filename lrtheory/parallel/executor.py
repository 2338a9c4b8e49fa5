"""k-sums as map over k-chunks and reduce (sum): serial or local processes.

Every k-integrated response in lrtheory is written as

    total = sum_{chunks} func(k_chunk)

where ``func`` returns a fixed-shape ndarray or a dict of ndarrays (partial sums). Memory
stays flat in Nk (one chunk at a time per worker), progress is reported per chunk, and the
same call runs serially, on local processes, or (issue #9) on a Dask cluster.

``func`` must be picklable for the process executor (a module-level function, or a
``functools.partial`` of one with picklable arguments such as a model).
"""
from __future__ import annotations

import os
import sys
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Callable, Iterable

import numpy as np

from lrtheory.errors import LrtheoryError

__all__ = ["kmap_reduce", "auto_chunk_size", "split_chunks"]

#: memory budget per chunk in bytes used by :func:`auto_chunk_size`
CHUNK_BYTES = 64 * 2**20


def auto_chunk_size(n_orbitals: int, *, arrays: int = 12, budget: int = CHUNK_BYTES) -> int:
    """Number of k-points per chunk so that ~``arrays`` complex (n, n) arrays per k fit in
    ``budget`` bytes."""
    per_k = max(1, arrays * 16 * int(n_orbitals) ** 2)
    return int(max(1, min(4096, budget // per_k)))


def split_chunks(k: np.ndarray, chunk_size: int) -> list[np.ndarray]:
    """Split the k stack (Nk, ...) along its first axis into chunks of ``chunk_size``."""
    if chunk_size <= 0:
        raise LrtheoryError(f"chunk_size must be positive, got {chunk_size}")
    return [k[i:i + chunk_size] for i in range(0, len(k), chunk_size)]


def _add(a: Any, b: Any) -> Any:
    if a is None:
        return b
    if isinstance(a, dict):
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


def kmap_reduce(
    func: Callable[[np.ndarray], Any],
    k: np.ndarray,
    *,
    chunk_size: int | None = None,
    workers: int | None = 1,
    progress: bool = False,
    desc: str = "k-sum",
) -> Any:
    """Sum ``func(chunk)`` over chunks of the k stack.

    Parameters
    ----------
    func : callable
        ``k_chunk (m, dim) -> ndarray | dict[str, ndarray]`` partial sums of fixed shape.
    k : (Nk, dim) array
    chunk_size : int, optional
        k-points per chunk (default: 256).
    workers : int or None
        1 = serial (default); N > 1 = N local processes; None = all available cores.
    progress : bool
        Show a per-chunk progress bar on stderr.
    """
    k = np.asarray(k)
    if len(k) == 0:
        raise LrtheoryError("the k stack is empty")
    chunks = split_chunks(k, chunk_size or 256)
    if workers is None:
        workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if int(workers) < 1:
        raise LrtheoryError(f"workers must be >= 1, got {workers}")
    bar = _Progress(len(chunks), progress, desc)
    total = None
    try:
        if workers == 1 or len(chunks) == 1:
            for c in chunks:
                total = _add(total, func(c))
                bar.update()
        else:
            with ProcessPoolExecutor(max_workers=int(workers)) as pool:
                # results are added in chunk order so the sum is reproducible bit for bit
                for part in pool.map(func, chunks):
                    total = _add(total, part)
                    bar.update()
    finally:
        bar.close()
    return total


def iter_chunks(k: np.ndarray, chunk_size: int) -> Iterable[np.ndarray]:
    """Iterate over chunks of the k stack (for code that reduces by itself)."""
    yield from split_chunks(np.asarray(k), chunk_size)
