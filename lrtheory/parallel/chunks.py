"""k-chunks: their size (memory bound), and how many of them one task carries (measured cost).

Two sizes, kept apart on purpose:

* the **chunk** is the unit of the reduction: one partial sum per chunk, added in chunk
  order. Its size comes from memory (:func:`auto_chunk_size`) or from the caller, never
  from the executor or from timings, so serial, process and Dask runs of the same call add
  the same partial sums in the same order and agree bit for bit;
* the **task** (batch) is the unit of scheduling: a run of consecutive chunks sent to a
  worker at once, which returns one partial sum per chunk. How many chunks a task carries
  comes from the measured cost of the chunks done so far (:class:`BatchPlanner`): tasks long
  enough that the per-task overhead (a pipe round trip for processes, a scheduler round
  trip for Dask) stays small, short enough that every worker gets several and the last
  ones finish together (guided self-scheduling: a task is a fraction of what is left).
"""
from __future__ import annotations

import math

import numpy as np

from lrtheory.errors import LrtheoryError

__all__ = ["CHUNK_BYTES", "auto_chunk_size", "split_chunks", "BatchPlanner"]

#: memory budget per chunk in bytes used by :func:`auto_chunk_size`. 32 MiB, not 64: on the
#: bcc Fe Hall tensor (18 bands, 16 arrays per k: 404 instead of 809 k-points per chunk) two
#: worker processes then spend the same CPU time per k-point as one serial process, where the
#: larger chunks cost each of them ~17 % more (two 67 MB working sets contending for the
#: shared cache and memory bandwidth); serial runs are as fast or faster (1.60-1.73 s vs
#: 1.99-2.04 s CPU in one interleaved measurement).
CHUNK_BYTES = 32 * 2**20


def auto_chunk_size(n_orbitals: int, *, arrays: int = 12, budget: int = CHUNK_BYTES) -> int:
    """Number of k-points per chunk so that ~``arrays`` complex (n, n) arrays per k fit in
    ``budget`` bytes.

    Parameters
    ----------
    n_orbitals : int
        Size n of H(k).
    arrays : int
        Complex (n, n) arrays held per k-point by the chunk function.
    budget : int
        Bytes per chunk (default :data:`CHUNK_BYTES`).

    Returns
    -------
    int
        k-points per chunk, between 1 and 4096.
    """
    per_k = max(1, arrays * 16 * int(n_orbitals) ** 2)
    return int(max(1, min(4096, budget // per_k)))


def split_chunks(k: np.ndarray, chunk_size: int) -> list[np.ndarray]:
    """Split the k stack (Nk, ...) along its first axis into chunks of ``chunk_size``.

    Parameters
    ----------
    k : (Nk, ...) array
        k-points (1/a), or any stack the chunk function takes (e.g. index ranges).
    chunk_size : int
        Rows per chunk (> 0); the last chunk may be shorter.

    Returns
    -------
    list of arrays
        Views of ``k``, in order.
    """
    if int(chunk_size) <= 0:
        raise LrtheoryError(f"chunk_size must be positive, got {chunk_size}")
    chunk_size = int(chunk_size)
    return [k[i:i + chunk_size] for i in range(0, len(k), chunk_size)]


class BatchPlanner:
    """How many consecutive chunks the next task gets, from the measured cost per chunk.

    Parameters
    ----------
    n_workers : int
        Workers that share the chunks.
    min_task_seconds : float
        Shortest task worth sending (s): amortises the per-task overhead of the executor.
    splits : int
        A task is at most ``1 / (splits * n_workers)`` of the chunks still unassigned, so the
        tail (the time the first idle worker waits for the last one) is a small fraction of
        the run.

    Notes
    -----
    Until a cost is measured, tasks carry one chunk each.
    """

    def __init__(self, n_workers: int, *, min_task_seconds: float = 0.02, splits: int = 4):
        self.n_workers = max(1, int(n_workers))
        self.min_task_seconds = float(min_task_seconds)
        self.splits = max(1, int(splits))
        self.seconds = 0.0
        self.chunks = 0

    def record(self, n_chunks: int, seconds: float) -> None:
        """Add a measurement: ``n_chunks`` chunks took ``seconds`` of compute time.

        Parameters
        ----------
        n_chunks : int
            Chunks measured.
        seconds : float
            Their compute time (s).
        """
        if n_chunks > 0 and seconds >= 0.0:
            self.chunks += int(n_chunks)
            self.seconds += float(seconds)

    @property
    def cost(self) -> float | None:
        """Mean compute time per chunk (s), None before the first measurement."""
        return self.seconds / self.chunks if self.chunks else None

    def next_size(self, remaining: int) -> int:
        """Chunks for the next task when ``remaining`` chunks are still unassigned.

        Parameters
        ----------
        remaining : int
            Chunks still unassigned.

        Returns
        -------
        int
            Chunks for the next task (0 when none remain).
        """
        remaining = int(remaining)
        if remaining <= 1:
            return max(0, remaining)
        cost = self.cost
        if cost is None:
            return 1
        share = math.ceil(remaining / (self.splits * self.n_workers))
        floor = math.ceil(self.min_task_seconds / cost) if cost > 0 else remaining
        return int(max(1, min(remaining, max(share, floor))))
