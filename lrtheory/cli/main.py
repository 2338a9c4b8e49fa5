"""The ``lrtheory`` command line: one subcommand module per task.

Each module listed in ``COMMANDS`` defines ``add_parser(subparsers)`` (which registers the
subcommand, its help with examples, and sets ``func``) . Any :class:`LrtheoryError`
becomes one line on stderr and exit status 2, unless ``--debug`` is given.
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
]


def build_parser() -> argparse.ArgumentParser:
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


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except LrtheoryError as exc:
        if args.debug:
            raise
        print(f"lrtheory {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"lrtheory {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
