"""What every subcommand module (``lrtheory/cli/cmd_*.py``) shares: its parser's declaration
and the numpydoc sections of its ``add_parser`` and ``run`` (issue #14: nothing written twice).

A subcommand module defines ``add_parser(sub)``, which calls :func:`subparser` and registers
``run`` as ``func``, and ``run(args) -> int``; their docstrings hold the placeholders
``%(add_parser)s`` and ``%(run)s`` filled by :data:`subcommand_docs`
(:mod:`lrtheory._docstrings`).
"""
from __future__ import annotations

import argparse

from lrtheory._docstrings import shared_docs

__all__ = ["DOCS", "subcommand_docs", "subparser"]

#: numpydoc blocks: the sections of every ``add_parser`` (``add_parser``), of a ``run``
#: that takes only the parsed options (``run``), and the Parameters of the option checks of
#: :mod:`lrtheory.cli.common` (``option_parameters``).
DOCS = {
    "add_parser": """
        Parameters
        ----------
        sub : argparse._SubParsersAction
            The subparsers of the ``lrtheory`` parser.

        Returns
        -------
        argparse.ArgumentParser
            The subcommand's parser.
        """,
    "run": """
        Parameters
        ----------
        args : argparse.Namespace
            The parsed options.

        Returns
        -------
        int
            Exit status (0 on success); errors are raised as
            :class:`~lrtheory.errors.LrtheoryError` and printed in one line by
            :func:`lrtheory.cli.main.main`.
        """,
    "option_parameters": """
        Parameters
        ----------
        value, flag : object, str
            The option's value and name (ConventionError naming it otherwise).
        """,
}

subcommand_docs = shared_docs(**DOCS)


def subparser(sub, name: str, help: str, description: str | None,
              epilog: str) -> argparse.ArgumentParser:
    """Add the parser of subcommand ``name``: one-line ``help``, ``description`` and the
    examples ``epilog`` printed as written (no re-wrapping).

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The subparsers of the ``lrtheory`` parser.
    name, help : str
        The subcommand's name and its line in ``lrtheory --help``.
    description : str or None
        The text of ``lrtheory NAME --help`` above the options (usually the module docstring).
    epilog : str
        Examples, below the options.

    Returns
    -------
    argparse.ArgumentParser
        The subcommand's parser.
    """
    return sub.add_parser(name, help=help, description=description, epilog=epilog,
                          formatter_class=argparse.RawDescriptionHelpFormatter)
