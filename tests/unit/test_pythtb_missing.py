"""Without PythTB the adapter says how to install it (runs whether or not it is installed)."""
from __future__ import annotations

import sys

import pytest

from lrtheory.errors import ModelError
from lrtheory.io.pythtb import require_pythtb


def test_clear_message_when_pythtb_missing(monkeypatch):
    monkeypatch.setitem(sys.modules, "pythtb", None)  # makes 'import pythtb' raise ImportError
    with pytest.raises(ModelError, match=r"PythTB is not installed.*pip install pythtb"):
        require_pythtb()
