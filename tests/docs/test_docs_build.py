"""The documentation builds with ``mkdocs build --strict`` (broken links, missing nav pages
and unknown files fail), and the CLI reference generator runs. Skipped without mkdocs
(it is in the ``test`` extra)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.timeout(600)
def test_mkdocs_build_strict(tmp_path):
    """Also executes the gallery (examples/gallery/_mkdocs_hook.py: every script runs; the
    build fails if one fails, tests/docs/test_gallery.py): ~40 s of the build on 2 cores."""
    pytest.importorskip("mkdocs")
    r = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict",
                        "-f", str(ROOT / "mkdocs.yml"), "-d", str(tmp_path / "site")],
                       capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    assert (tmp_path / "site" / "own-model" / "index.html").exists()
    gallery = tmp_path / "site" / "gallery"
    assert (gallery / "index.html").exists()
    assert (gallery / "01_paper_figures" / "fig2.png").exists()
    assert (gallery / "06_labelled_arrays" / "labelled.png").exists()


def test_cli_reference_generator_covers_every_command():
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        import gen_cli_docs
    finally:
        sys.path.pop(0)
    from lrtheory.cli.main import COMMANDS

    text = gen_cli_docs.render()
    for name in COMMANDS:
        assert f"## lrtheory {name.removeprefix('cmd_')}" in text


def test_api_reference_generator_covers_every_module():
    """docs/api.md is generated from the docstrings: every public module has a section and a
    module docstring (the numpydoc habit of STYLE.md)."""
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        import gen_api_docs
    finally:
        sys.path.pop(0)
    text = gen_api_docs.render()
    mods = gen_api_docs.public_modules()
    assert len(mods) > 20
    missing_doc = []
    for m in mods:
        assert f"## `{m}`" in text
        import importlib

        if not (importlib.import_module(m).__doc__ or "").strip():
            missing_doc.append(m)
    assert not missing_doc, f"modules without a docstring: {missing_doc}"
    assert (ROOT / "docs" / "api.md").exists()
