"""Deprecated keyword aliases (issue #14 item 5: one name per concept, docs/conventions.md,
"Glossary").

:func:`renamed_keywords` keeps a renamed keyword argument working for one release: the old
keyword is passed on under the new name with a :class:`DeprecationWarning`; giving both is a
:class:`~lrtheory.errors.ConventionError` in one line.
"""
from __future__ import annotations

import functools
import inspect
import warnings

from lrtheory.errors import ConventionError

__all__ = ["renamed_keywords"]


def renamed_keywords(**old_to_new: str):
    """Decorator mapping deprecated keyword names to their glossary names.

    Parameters
    ----------
    **old_to_new : str
        ``old="new"`` pairs, e.g. ``renamed_keywords(mu="ef", T="temperature",
        op="operator")``; every ``new`` must be a parameter of the decorated function.

    Returns
    -------
    callable
        A decorator. The wrapped function has the original signature
        (:func:`functools.wraps`); a call with ``old=value`` warns
        ``DeprecationWarning`` (pointing at the caller) and is the call with
        ``new=value``; a call with both raises :class:`~lrtheory.errors.ConventionError`.
    """
    for old, new in old_to_new.items():
        if not (isinstance(new, str) and new.isidentifier()) or old == new:
            raise TypeError(f"renamed_keywords: bad alias {old}={new!r}")

    def decorate(func):
        where = f"{func.__module__}.{func.__qualname__}"
        params = list(inspect.signature(func).parameters.values())
        names = [p.name for p in params]
        missing = [new for new in old_to_new.values() if new not in names]
        if missing:
            raise TypeError(f"renamed_keywords: {where} has no parameter {missing[0]!r}")
        # index of each new name among the positional parameters (None: keyword-only)
        position = {new: (names.index(new) if params[names.index(new)].kind
                          == inspect.Parameter.POSITIONAL_OR_KEYWORD else None)
                    for new in old_to_new.values()}

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            for old, new in old_to_new.items():
                if old in kwargs:
                    pos = position[new]
                    if new in kwargs or (pos is not None and len(args) > pos):
                        raise ConventionError(
                            f"{where} got both {old!r} (deprecated) and {new!r}: "
                            f"pass only {new}")
                    warnings.warn(f"{where}: keyword {old!r} is deprecated, use {new!r} "
                                  "(docs/conventions.md, glossary)", DeprecationWarning,
                                  stacklevel=2)
                    kwargs[new] = kwargs.pop(old)
            return func(*args, **kwargs)

        wrapper.renamed_keywords = dict(old_to_new)
        return wrapper

    return decorate
