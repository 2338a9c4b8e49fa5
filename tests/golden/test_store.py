"""The golden comparison rule itself (tests/golden/store.py): it must fail on every kind of
moved output and pass within the tolerance. Expected values are the rule of issue #14:
max|new - old| <= 1e-12 * max(1, max|old|) per array, integers/bools/texts exact."""
import numpy as np
import pytest

from tests.golden import store


def _cmp(old, new):
    return store.compare("c", store.flatten(old), store.flatten(new))


@pytest.mark.parametrize("scale", [1e-3, 1.0, 1e6])
def test_tolerance_is_relative_to_max_one_and_max_old(scale):
    old = {"a": scale * np.array([1.0, -0.5, 0.25])}
    tol = 1e-12 * max(1.0, scale)
    assert _cmp(old, {"a": old["a"] + [0.9 * tol, 0, 0]}) == []
    (msg,) = _cmp(old, {"a": old["a"] + [0, 1.1 * tol, 0]})
    assert "c: output 'a'" in msg and f"{1.1 * tol:.3e}" in msg


def test_every_kind_of_move_is_reported():
    old = {"x": np.zeros(3), "n": np.array([1, 2]), "b": np.array([True]),
           "z": np.array([1 + 1j]), "nan": np.array([np.nan, 1.0]), "t": "text",
           "sub": {"y": 2.0}, "gone": 1.0}
    new = {"x": np.zeros(4), "n": np.array([1, 3]), "b": np.array([False]),
           "z": np.array([1 + 1.1j]), "nan": np.array([0.0, 1.0]), "t": "other",
           "sub": {"y": "2.0"}}
    problems = _cmp(old, new)
    for key in ("'x' has shape", "'n': 1 of 2", "'b': 1 of 1", "'z': max", "'nan': max",
                "text output 't'", "'sub/y' is not computed as text", "'gone' is not computed"):
        assert any(key in p for p in problems), (key, problems)
    assert len(problems) == 8


def test_same_outputs_and_new_extra_outputs_pass():
    old = {"a": [1.0, np.nan, np.inf], "s": ["x", None], "k": 3}
    assert _cmp(old, {**old, "extra": 5.0}) == []


def test_non_numeric_output_is_refused():
    with pytest.raises(TypeError, match="neither numbers nor text"):
        store.flatten({"bad": object()})
