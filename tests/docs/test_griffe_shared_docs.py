"""docs/_ext/griffe_shared_docs.py: the API pages (Griffe reads the source without importing
it) get the docstrings that Python shows, with the shared blocks of lrtheory._docstrings
filled in."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from lrtheory._docstrings import has_placeholder

griffe = pytest.importorskip("griffe")
ROOT = Path(__file__).resolve().parents[2]


def _load(*extensions):
    return griffe.load("lrtheory.response.torque", search_paths=[str(ROOT)],
                       extensions=griffe.load_extensions(*extensions), allow_inspection=False)


def test_placeholders_are_filled_from_the_imported_objects():
    sys.path.insert(0, str(ROOT / "docs" / "_ext"))
    try:
        from griffe_shared_docs import SharedDocs
    finally:
        sys.path.pop(0)
    plain, filled = _load(), _load(SharedDocs)
    for name in ("ExternalTorque", "external_torque", "bulk_net_torque"):
        # counter-example: without the extension Griffe sees the placeholder lines
        assert has_placeholder(plain[name].docstring.value)
        doc = filled[name].docstring.value
        assert not has_placeholder(doc) and "operator : operator spec" in doc
    # a docstring without placeholders (the module's) is left as Griffe read it
    assert filled.docstring.value == plain.docstring.value
