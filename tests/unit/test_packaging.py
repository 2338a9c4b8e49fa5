"""The wheel holds every subpackage: pyproject.toml lists packages by hand.

A non-editable install once left out lrtheory.kpm, lrtheory.symmetry and three lrtheory.io
subpackages (the editable install of the suite hides that: it imports from the checkout).
"""
import pathlib
import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _listed() -> set[str]:
    with open(ROOT / "pyproject.toml", "rb") as fh:
        return set(tomllib.load(fh)["tool"]["setuptools"]["packages"])


def _on_disk(folder: str = "lrtheory") -> set[str]:
    return {".".join(p.parent.relative_to(ROOT).parts)
            for p in (ROOT / folder).rglob("__init__.py")}


def test_every_subpackage_is_listed_for_the_wheel():
    missing = _on_disk() - _listed()
    assert not missing, f"add to [tool.setuptools] packages in pyproject.toml: {sorted(missing)}"


def test_the_check_sees_a_missing_package():
    # counter-example: a listing without lrtheory.kpm must be caught by the same comparison
    assert "lrtheory.kpm" in _on_disk() - (_listed() - {"lrtheory.kpm"})
