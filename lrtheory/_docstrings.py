"""Shared numpydoc blocks: one text for a Parameters or Returns entry that several public
functions of a module document the same way (issue #14: nothing written twice).

A docstring holds a placeholder ``%(name)s`` on a line of its own; :func:`shared_docs`
returns a decorator that replaces every such line with the block ``name``, indented like the
placeholder, so that ``help()``, ``inspect.getdoc`` and the numpydoc test
(tests/unit/test_docstrings.py) read the full sections. This is the scheme of SciPy's
``scipy._lib.doccer`` and of pandas' ``_shared_docs``, reduced to whole-line placeholders: a
``%`` elsewhere in a docstring (LaTeX, format strings) is left alone, and no escaping is
needed.
"""
from __future__ import annotations

import re
import textwrap

__all__ = ["shared_docs", "fill_docstring", "has_placeholder"]

_PLACEHOLDER = re.compile(r"^(?P<indent>[ \t]*)%\((?P<key>\w+)\)s[ \t]*$", re.M)


def has_placeholder(doc: str | None) -> bool:
    """Whether ``doc`` still holds a whole-line placeholder ``%(name)s``.

    Parameters
    ----------
    doc : str or None
        A docstring.

    Returns
    -------
    bool
        True if some line of ``doc`` is a placeholder (e.g. a docstring read from the source
        without importing it, as Griffe does for the API pages).
    """
    return bool(doc) and _PLACEHOLDER.search(doc) is not None


def fill_docstring(doc: str | None, blocks: dict[str, str]) -> str | None:
    """``doc`` with every whole-line placeholder ``%(key)s`` replaced by ``blocks[key]``.

    Parameters
    ----------
    doc : str or None
        A docstring (None, e.g. under ``python -OO``, is returned as is).
    blocks : dict of str
        Block texts by name; each is dedented, stripped of leading and trailing blank lines
        and indented like its placeholder line.

    Returns
    -------
    str or None
        The filled docstring.

    Raises
    ------
    KeyError
        A placeholder names no block (a programming error, seen at import).
    """
    if doc is None:
        return None

    def block(match: re.Match) -> str:
        key = match.group("key")
        if key not in blocks:
            raise KeyError(f"docstring placeholder %({key})s: no such shared block")
        text = textwrap.dedent(blocks[key]).strip("\n")
        return textwrap.indent(text, match.group("indent"))

    return _PLACEHOLDER.sub(block, doc)


def shared_docs(**blocks: str):
    """A decorator filling the placeholders of a function's or class's docstring.

    Parameters
    ----------
    **blocks : str
        Named blocks, e.g. ``ef="ef : float\\n    Fermi energy (t0)."``; a block may hold a
        whole section (title and underline included).

    Returns
    -------
    callable
        ``decorate(obj) -> obj`` with ``obj.__doc__`` filled (:func:`fill_docstring`). Put it
        below a :func:`functools.wraps`-based decorator (it copies the filled text) or above
        it (it fills the wrapper's copy): either way the public docstring is filled.
    """

    def decorate(obj):
        obj.__doc__ = fill_docstring(obj.__doc__, blocks)
        return obj

    decorate.blocks = blocks
    return decorate
