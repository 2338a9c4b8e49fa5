"""Bad flake sizes and ribbon directions are one clear ModelError (issue #18 cuts): before,
``flake(2.5, 3)``, ``flake('3', 2)`` and ``flake(3.0, 2)`` raised a bare TypeError,
``flake(True, 2)`` built a 1-cell flake, ``direction=('1', 0)`` parsed the text and
``direction=(inf, 1)`` raised a bare OverflowError."""
import numpy as np
import pytest

from lrtheory.errors import ModelError
from lrtheory.models.haldane import haldane


@pytest.mark.parametrize("n1", [2.5, "3", True, 0, -2, None, np.nan])
def test_bad_flake_size_is_a_model_error(n1):
    with pytest.raises(ModelError, match="flake size n1"):
        haldane().flake(n1, 2)


def test_integral_float_flake_size_is_accepted():
    H, pos = haldane().flake(3.0, 2)
    assert H.shape == (12, 12) and pos.shape == (12, 2)


@pytest.mark.parametrize("direction", [("1", 0), (True, 0), (float("inf"), 1), (np.nan, 1),
                                       (0.5, 1), (2, 2), (0, 0), (1,), "10"])
def test_bad_ribbon_direction_is_a_model_error(direction):
    with pytest.raises(ModelError, match="ribbon direction"):
        haldane().ribbon(3, direction=direction)
