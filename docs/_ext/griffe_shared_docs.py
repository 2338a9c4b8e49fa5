"""Griffe extension: the API pages show the docstrings that Python shows (used by mkdocs.yml,
``extensions:`` of the mkdocstrings python handler; build tooling, not part of the package).

A docstring may hold whole-line placeholders ``%(name)s`` that :mod:`lrtheory._docstrings`
fills when the module is imported (one text for an entry that several docstrings need word
for word). Griffe reads the source without importing it, so it would see the placeholders;
this extension replaces such a docstring, as soon as Griffe creates the object, by the
filled ``__doc__`` of the imported object. Other docstrings are left as Griffe read them.
"""
from __future__ import annotations

import importlib
import inspect

import griffe

from lrtheory._docstrings import has_placeholder


def runtime_docstring(obj: griffe.Object) -> str | None:
    """The filled docstring of the imported object at ``obj.path`` (None if not found)."""
    module_path = obj.module.path
    target = importlib.import_module(module_path)
    for part in obj.path[len(module_path):].strip(".").split(".") if obj.path != module_path \
            else []:
        target = getattr(target, part, None)
        if target is None:
            return None
    doc = getattr(target, "__doc__", None)
    return inspect.cleandoc(doc) if doc else None


class SharedDocs(griffe.Extension):
    """Fill the ``%(name)s`` placeholders of every docstring from the imported object."""

    def on_instance(self, *, obj: griffe.Object, **kwargs) -> None:
        if obj.docstring is not None and has_placeholder(obj.docstring.value):
            doc = runtime_docstring(obj)
            if doc is not None and not has_placeholder(doc):
                obj.docstring.value = doc
