"""Command-line options for parallel k-sums: ``--workers N`` and ``--scheduler ADDRESS``.

Command owners call :func:`add_parallel_args` on their subparser and pass
``**parallel_kwargs(args)`` to :func:`lrtheory.parallel.kmap_reduce` (or to any response
function that forwards ``workers`` / ``scheduler`` / ``progress`` to it)::

    from lrtheory.parallel.cli_options import add_parallel_args, parallel_kwargs
    add_parallel_args(p)                      # in add_parser(sub)
    kmap_reduce(f, k, **parallel_kwargs(args))  # in the command
"""
from __future__ import annotations

import argparse

from lrtheory.errors import LrtheoryError

__all__ = ["add_parallel_args", "parallel_kwargs", "parse_workers"]


def parse_workers(text: str) -> int | None:
    """``"4"`` -> 4; ``"auto"``/``"all"`` -> None (all available cores).

    Parameters
    ----------
    text : str
        Value of ``--workers``.

    Returns
    -------
    int or None
        The number of workers, None for all available cores.
    """
    if str(text).strip().lower() in ("auto", "all"):
        return None
    try:
        n = int(text)
    except (TypeError, ValueError):
        raise argparse.ArgumentTypeError(
            f"--workers expects a positive integer or 'auto', got {text!r}"
        ) from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"--workers must be >= 1, got {n}")
    return n


def add_parallel_args(parser: argparse.ArgumentParser, *, default_workers: int | None = 1,
                      progress: bool = True) -> None:
    """Add ``--workers``, ``--scheduler`` (and ``--progress``) to ``parser``.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The (sub)command parser.
    default_workers : int or None
        Default of ``--workers`` (None: all available cores).
    progress : bool
        Also add ``--progress``.
    """
    group = parser.add_argument_group("parallel k-sums")
    group.add_argument(
        "--workers", type=parse_workers, default=default_workers, metavar="N",
        help="local worker processes for k-sums (1 = serial, 'auto' = all cores; "
             f"default: {default_workers or 'auto'})",
    )
    group.add_argument(
        "--scheduler", default=None, metavar="ADDRESS",
        help="run k-sums on Dask: 'tcp://host:8786' (running scheduler), or 'local:N' "
             "(start N local Dask workers); needs lrtheory[dask]; overrides --workers",
    )
    if progress:
        group.add_argument("--progress", action="store_true",
                           help="show a progress bar over k-chunks on stderr (default when "
                                "stderr is a terminal)")


def parallel_kwargs(args: argparse.Namespace) -> dict:
    """Keyword arguments for :func:`kmap_reduce` from parsed options.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed options of a parser set up by :func:`add_parallel_args`.

    Returns
    -------
    dict
        ``workers``, ``scheduler`` (``LrtheoryError`` on a malformed address) and, if the parser has it, ``progress``.
    """
    scheduler = getattr(args, "scheduler", None) or None
    if scheduler is not None and not (scheduler.startswith("local") or "://" in scheduler):
        raise LrtheoryError(
            f"--scheduler {scheduler!r}: expected 'tcp://host:port' or 'local:N'"
        )
    out = {"workers": getattr(args, "workers", 1), "scheduler": scheduler}
    if hasattr(args, "progress"):
        # a progress bar over k-chunks by default when a person watches (stderr is a
        # terminal); --progress forces it, e.g. into a log file
        out["progress"] = bool(args.progress) or _stderr_is_terminal()
    return out


def _stderr_is_terminal() -> bool:
    import sys

    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False
