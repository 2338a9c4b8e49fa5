"""The grouped, lazy public API of ``lrtheory`` (lrtheory/__init__.py, PEP 562)."""
from __future__ import annotations

import ast
import inspect
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import lrtheory

INIT = Path(lrtheory.__file__)


def _groups_from_source() -> dict:
    """The _GROUPS literal read from the source (so a name listed twice is seen, which the
    flattened dict would hide)."""
    tree = ast.parse(INIT.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "_GROUPS":
            return {ast.literal_eval(k): [ast.literal_eval(x) for x in v.keys]
                    for k, v in zip(node.value.keys, node.value.values)}
    raise AssertionError("_GROUPS not found in lrtheory/__init__.py")


def test_groups_cover_the_issue_and_no_name_twice():
    groups = _groups_from_source()
    for g in ("models", "bands", "responses", "finite systems", "symbolic", "io", "errors",
              "units and conventions"):
        assert groups.get(g), f"group {g!r} missing or empty"
    names = [n for v in groups.values() for n in v]
    dup = sorted({n for n in names if names.count(n) > 1})
    assert not dup, f"listed twice: {dup}"
    assert sorted(lrtheory.__all__) == sorted(["__version__", *names])


@pytest.mark.parametrize("name", [n for n in lrtheory.__all__ if n != "__version__"])
def test_every_public_name_resolves_without_deprecation(name):
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)  # a name must point at its home
        obj = getattr(lrtheory, name)
    assert obj is getattr(lrtheory, name)  # cached
    module = lrtheory._LAZY[name]
    if module == ".":
        assert inspect.ismodule(obj) and obj.__name__ == f"lrtheory.{name}"
    elif inspect.isclass(obj) or inspect.isfunction(obj):
        # defined where the table says (not an alias left behind by a move)
        assert obj.__module__ == module, f"{name} is defined in {obj.__module__}, not {module}"
        doc = (obj.__doc__ or "").lstrip().lower()
        assert not doc.startswith("deprecated"), f"lrtheory.{name} is a deprecated alias"


def test_unknown_name_is_attribute_error_and_submodules_still_import():
    with pytest.raises(AttributeError, match="no attribute 'not_a_name'"):
        lrtheory.not_a_name  # noqa: B018
    assert not hasattr(lrtheory, "_private_thing")
    from lrtheory import cli, errors  # submodules not in __all__ import as usual

    assert cli.__name__ == "lrtheory.cli" and errors.__name__ == "lrtheory.errors"
    assert set(lrtheory.__all__) <= set(dir(lrtheory))


def test_import_lrtheory_is_light():
    """``import lrtheory`` pulls in none of NumPy, SciPy, SymPy, Matplotlib (measured before
    the lazy API: none of them either; about 11 ms here, most of it importlib.metadata)."""
    code = ("import sys, lrtheory; "
            "print(sorted(m for m in ('numpy', 'scipy', 'sympy', 'matplotlib') "
            "if m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"
