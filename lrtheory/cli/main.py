"""The ``lrtheory`` command line: one subcommand module per task.

Each module listed in ``COMMANDS`` defines ``add_parser(subparsers)`` (which registers the
subcommand, its help with examples, and sets ``func``). Any :class:`LrtheoryError` (and a
``MemoryError``) becomes one line on stderr and exit status 2; SIGTERM exits 143 and Ctrl-C 130
after the same clean-up; any other exception is a bug in lrtheory and becomes one line
``internal error: ...`` with exit status 70. ``--debug`` shows the full traceback instead.
Every lrtheory warning a command issues is printed as one line ``lrtheory CMD: warning: ...``.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from lrtheory import __version__
from lrtheory.errors import LrtheoryError

#: Subcommand modules (``lrtheory.cli.<name>``), in the order ``--help`` lists them.
COMMANDS = [
    "cmd_verify",
    "cmd_flake",
    "cmd_bands",
    "cmd_figure",
    "cmd_accumulate",
    "cmd_symmetry",
    "cmd_hall",
    "cmd_where",
]


def build_parser() -> argparse.ArgumentParser:
    """The ``lrtheory`` parser with every subcommand of :data:`COMMANDS`.

    Returns
    -------
    argparse.ArgumentParser
    """
    parser = argparse.ArgumentParser(
        prog="lrtheory",
        description="Linear response of nonconserved densities (orbital moment, spin, valley).",
        epilog="Run 'lrtheory COMMAND --help' for the options and examples of each command.",
    )
    parser.add_argument("--version", action="version", version=f"lrtheory {__version__}")
    parser.add_argument("--debug", action="store_true", help="show full tracebacks on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"lrtheory.cli.{name}").add_parser(sub)
    return parser


class _Terminated(KeyboardInterrupt):
    """Raised in the main thread by SIGTERM, so that it cleans up as Ctrl-C does (worker
    processes stopped, Dask clusters closed, no half-written files)."""


def _raise_terminated(signum, frame):
    raise _Terminated()


def _catch_sigterm():
    """Install the SIGTERM handler (main thread only); returns the previous handler."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, _raise_terminated)


def _one_line(exc: BaseException, limit: int = 400) -> str:
    """The message of ``exc`` on one line, at most ``limit`` characters."""
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``lrtheory`` command (module doc: errors, exit statuses, warnings).

    Parameters
    ----------
    argv : list of str, optional
        Arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status: 0 success, 2 user error, 70 internal error, 130 Ctrl-C, 143 SIGTERM.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    previous_sigterm = _catch_sigterm()
    try:
        from lrtheory.cli.common import check_output_paths, cli_warnings

        check_output_paths(args)  # every output path, before anything is computed or written
        with cli_warnings(args.command):  # every lrtheory warning is one line, in every command
            return int(args.func(args) or 0)
    except LrtheoryError as exc:
        if args.debug:
            raise
        print(f"lrtheory {args.command}: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except MemoryError:
        if args.debug:
            raise
        print(f"lrtheory {args.command}: error: out of memory; use a smaller --nk/--width or "
              "fewer --workers", file=sys.stderr)
        return 2
    except _Terminated:
        print(f"lrtheory {args.command}: terminated (SIGTERM)", file=sys.stderr)
        return 143
    except KeyboardInterrupt:
        print(f"lrtheory {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - a bug in lrtheory: one line, not a traceback
        if args.debug:
            raise
        print(f"lrtheory {args.command}: internal error: {type(exc).__name__}: "
              f"{_one_line(exc)} (a bug in lrtheory {__version__}: please report it with the "
              "command line; --debug shows the traceback)", file=sys.stderr)
        return 70
    finally:
        if previous_sigterm is not None:
            import signal

            signal.signal(signal.SIGTERM, previous_sigterm)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
