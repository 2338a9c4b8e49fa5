"""lrtheory.errors.check_float: the one finite-real-number check behind check_positive and the
Haldane parameters (one message format, the error type of the caller)."""
from __future__ import annotations

import numpy as np
import pytest

from lrtheory.errors import ConventionError, ModelError, check_float, check_positive
from lrtheory.models.haldane import haldane


@pytest.mark.parametrize("value", [0.5, 2, np.float32(1.5), np.int64(-3)])
def test_finite_numbers_pass_unchanged(value):
    assert check_float("x", value) == float(value)


@pytest.mark.parametrize("value, words", [(None, "a real number"), ("abc", "a real number"),
                                          (np.nan, "finite"), (np.inf, "finite")])
def test_refusals_name_the_input_in_one_line(value, words):
    with pytest.raises(ConventionError, match=f"^x must be {words}, got"):
        check_float("x", value)


def test_strict_refuses_text_and_booleans_that_float_would_convert():
    # counter-example: without strict, float() accepts them
    assert check_float("x", "0.5") == 0.5 and check_float("x", True) == 1.0
    for value in ("0.5", b"1", True, np.bool_(False)):
        with pytest.raises(ModelError, match="must be a real number"):
            check_float("x", value, error=ModelError, strict=True)


def test_callers_keep_their_error_types_and_messages():
    with pytest.raises(ConventionError, match="eta must be finite"):
        check_positive("eta", float("nan"))
    with pytest.raises(ModelError, match="Haldane parameter t2 must be a real number"):
        haldane(t2="0.1")
    with pytest.raises(ModelError, match="Haldane parameter delta must be finite"):
        haldane(delta=np.inf)
