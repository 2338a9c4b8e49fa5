"""lrtheory._docstrings: shared numpydoc blocks fill whole-line placeholders only."""
from __future__ import annotations

import inspect

import pytest

from lrtheory._docstrings import fill_docstring, shared_docs

BLOCKS = {"ef": """
    ef : float
        Fermi energy (t0).
    """}


def test_placeholder_line_is_replaced_with_the_block_at_its_indentation():
    @shared_docs(**BLOCKS)
    def f(ef):
        """Summary, 50 % of it text.

        Parameters
        ----------
        %(ef)s
        """

    doc = inspect.getdoc(f)
    assert "ef : float\n    Fermi energy (t0)." in doc
    assert "%(ef)s" not in doc
    assert "50 % of it" in doc  # a % outside a placeholder line is left alone


def test_placeholder_inside_a_line_is_text_not_a_placeholder():
    # counter-example: only whole lines are placeholders (no % formatting of the docstring)
    assert fill_docstring("see %(ef)s here", BLOCKS) == "see %(ef)s here"


def test_unknown_block_fails_at_decoration_and_none_passes():
    with pytest.raises(KeyError, match="nope"):
        fill_docstring("x\n    %(nope)s\n", BLOCKS)
    assert fill_docstring(None, BLOCKS) is None


def test_filled_docstrings_of_the_torque_integrands_name_every_parameter():
    from lrtheory.response.torque import ExternalTorque, external_torque

    for obj in (ExternalTorque, external_torque):
        assert "%(" not in obj.__doc__
    assert "degen_tol : float" in ExternalTorque.__doc__
    assert "**quad : dict" in external_torque.__doc__
