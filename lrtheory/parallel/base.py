"""What every k-sum executor shares: the ordered map over chunks, run in batched tasks.

An executor maps ``func`` over the chunks and yields the results *in chunk order*;
``shutdown(cancel=True)`` stops everything at once (used on Ctrl-C and on errors).
:class:`Executor` is that interface; :class:`BatchingExecutor` is the one loop of the
process and Dask executors: tasks of consecutive chunks sized by
:class:`~lrtheory.parallel.chunks.BatchPlanner` from the compute time the workers report,
``TASKS_PER_SLOT`` tasks in flight per worker slot, one partial sum per chunk back, results
handed on in chunk order. A subclass says only how a task is submitted, awaited and read.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator

from lrtheory.parallel.chunks import BatchPlanner

__all__ = ["Executor", "BatchingExecutor"]


class Executor:
    """Interface of the k-sum executors (serial, local processes, Dask)."""

    name = "executor"
    n_workers = 1

    def map_ordered(self, func: Callable, chunks: list) -> Iterator[Any]:
        """Results of ``func(chunk)`` for every chunk, in the order of ``chunks``.

        Parameters
        ----------
        func : callable
            Picklable function of one chunk (for process and Dask executors shipped once per
            worker).
        chunks : list
            The chunks (e.g. ``(start, stop)`` index ranges of a k grid).

        Yields
        ------
        Any
            ``func(chunk)``, in order.
        """
        return self._map_ordered(func, chunks)

    def shutdown(self, cancel: bool = False) -> None:
        """Release the workers.

        Parameters
        ----------
        cancel : bool
            Cancel pending work instead of waiting for it (after an error or Ctrl-C).
        """
        self._shutdown(bool(cancel))

    def _map_ordered(self, func: Callable, chunks: list) -> Iterator[Any]:
        raise NotImplementedError

    def _shutdown(self, cancel: bool) -> None:
        pass


class BatchingExecutor(Executor):
    """The ordered, batched map of the process and Dask executors.

    Subclasses implement ``_begin(func, fill)`` (ship ``func`` to the workers, start them if
    needed, and call ``fill()`` once, which submits the first tasks), ``_submit(chunks,
    first, n)`` (one task of the chunks ``first, first + 1, ...`` of ``n``: a future), ``_wait(in_flight, n)`` (the futures of ``{future: first chunk}`` that are done,
    blocking until at least one is),
    ``_collect(future, first, n)`` (``(partial sums, compute seconds)`` of a done task whose
    first chunk is ``first`` of ``n``) and optionally ``_slots()`` (task slots now) and
    ``_end()`` (after the last result).
    """

    #: tasks in flight per worker slot (one computing, one queued: no idle gap between tasks)
    TASKS_PER_SLOT = 2
    #: shortest task worth sending (s): amortises the executor's per-task overhead
    MIN_TASK_SECONDS = 0.02
    #: a task is at most 1 / (SPLITS * slots) of the chunks left (see BatchPlanner)
    SPLITS = 4

    n_slots = 1

    def _slots(self) -> int:
        return self.n_slots

    def _end(self) -> None:
        pass

    def _begin(self, func: Callable, fill: Callable[[], None]) -> None:
        raise NotImplementedError

    def _submit(self, chunks: list, first: int, n: int) -> Any:
        raise NotImplementedError

    def _wait(self, in_flight: dict, n: int) -> Iterable:
        raise NotImplementedError

    def _collect(self, fut: Any, first: int, n: int) -> tuple[list, float]:
        raise NotImplementedError

    def _map_ordered(self, func: Callable, chunks: list) -> Iterator[Any]:
        n = len(chunks)
        planner = BatchPlanner(self._slots(), min_task_seconds=self.MIN_TASK_SECONDS,
                               splits=self.SPLITS)
        in_flight: dict = {}
        results: dict[int, Any] = {}
        front = 0

        def fill():
            nonlocal front
            while front < n and len(in_flight) < self.TASKS_PER_SLOT * planner.n_workers:
                size = planner.next_size(n - front)
                in_flight[self._submit(chunks[front:front + size], front, n)] = front
                front += size

        self._begin(func, fill)
        nxt = 0
        while nxt < n:
            while nxt in results:
                yield results.pop(nxt)  # the reduce owns the partial sum now
                nxt += 1
            if nxt >= n:
                break
            for fut in sorted(self._wait(dict(in_flight), n), key=in_flight.get):
                lo = in_flight.pop(fut)
                parts, seconds = self._collect(fut, lo, n)
                results.update(zip(range(lo, lo + len(parts)), parts))
                planner.record(len(parts), seconds)
            planner.n_workers = self._slots()
            fill()
        self._end()
