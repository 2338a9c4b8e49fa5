"""The executed gallery (issue #17): examples/gallery/_mkdocs_hook.py.

The real examples run in ``tests/docs/test_docs_build.py`` (``mkdocs build --strict``, which
executes every script). Here: the hook's pieces, and that a failing example fails the whole
docs build with the script's name and error (a build with ``LRTHEORY_GALLERY_DIR`` pointed at
a folder holding one broken script).
"""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GALLERY = ROOT / "examples" / "gallery"

pytest.importorskip("mkdocs")


def _hook():
    spec = importlib.util.spec_from_file_location("gallery_hook", GALLERY / "_mkdocs_hook.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


GOOD = '''"""A tiny example

Prose in *Markdown*.
"""
import os
from pathlib import Path

from lrtheory.plots._common import new_figure, save_figure

fig = new_figure((2, 2))
fig.subplots().plot([0, 1], [0, 1])
save_figure(fig, Path(os.environ.get("LRTHEORY_GALLERY_OUT", ".")) / "line.png")
print("made a line")
'''

BAD = '''"""A broken example"""
raise RuntimeError("this example is broken on purpose")
'''


def test_every_example_is_in_the_nav_and_has_a_docstring():
    hook = _hook()
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    scripts = hook.examples(GALLERY)
    assert len(scripts) >= 6
    for s in scripts:
        assert f"gallery/{s.stem}.md" in nav, f"{s.name} is not in mkdocs.yml's nav"
        title, prose, code = hook.split_source(s.read_text(encoding="utf-8"))
        assert title and prose and "LRTHEORY_GALLERY_OUT" in code
    assert "examples/gallery/_mkdocs_hook.py" in nav


def test_page_shows_code_output_and_figure(tmp_path):
    hook = _hook()
    folder = tmp_path / "gal"
    folder.mkdir()
    (folder / "tiny.py").write_text(GOOD)
    generated, entries = hook.build_gallery(folder, tmp_path / "out")
    page = generated["gallery/tiny.md"]
    assert page.startswith("# A tiny example\n\nProse in *Markdown*.")
    assert "```python\nimport os" in page and '"""' not in page
    assert "made a line" in page and "![line](tiny/line.png)" in page
    assert generated["gallery/tiny/line.png"][:8] == b"\x89PNG\r\n\x1a\n"
    assert "[A tiny example](tiny.md)" in generated["gallery/index.md"]


def test_failing_example_raises_with_name_and_error(tmp_path):
    from mkdocs.exceptions import PluginError

    hook = _hook()
    (tmp_path / "broken.py").write_text(BAD)
    with pytest.raises(PluginError, match=r"broken\.py failed \(exit 1\)") as exc:
        hook.run_example(tmp_path / "broken.py", tmp_path / "out")
    assert "this example is broken on purpose" in str(exc.value)


def test_examples_run_side_by_side_and_the_first_failure_by_name_is_reported(tmp_path,
                                                                             monkeypatch):
    """With several examples at once (the default: one per CPU) the pages come in name
    order, and a failing example fails the build with its own name even when a later one
    fails too and an earlier one succeeds."""
    from mkdocs.exceptions import PluginError

    hook = _hook()
    monkeypatch.setenv("LRTHEORY_GALLERY_JOBS", "3")
    assert hook.jobs() == 3
    folder = tmp_path / "gal"
    folder.mkdir()
    (folder / "a_ok.py").write_text(GOOD)
    (folder / "b_broken.py").write_text(BAD)
    (folder / "c_broken.py").write_text(BAD.replace("on purpose", "too"))
    with pytest.raises(PluginError, match=r"b_broken\.py failed \(exit 1\)"):
        hook.build_gallery(folder, tmp_path / "out")
    (folder / "b_broken.py").write_text(GOOD)
    (folder / "c_broken.py").unlink()
    generated, entries = hook.build_gallery(folder, tmp_path / "out2")
    assert [s.name for s, _ in entries] == ["a_ok.py", "b_broken.py"]
    assert "made a line" in generated["gallery/b_broken.md"]
    monkeypatch.setenv("LRTHEORY_GALLERY_JOBS", "two")
    with pytest.raises(PluginError, match="LRTHEORY_GALLERY_JOBS must be a whole number"):
        hook.jobs()


def test_lrtheory_warning_fails_an_example(tmp_path):
    """A gallery script that warns (e.g. 'not converged') fails, as a docs snippet does."""
    from mkdocs.exceptions import PluginError

    hook = _hook()
    (tmp_path / "warns.py").write_text(
        '"""Warns"""\nfrom lrtheory.errors import ConvergenceWarning, warn\n'
        'warn("sum not converged", ConvergenceWarning)\n')
    with pytest.raises(PluginError, match="ConvergenceWarning"):
        hook.run_example(tmp_path / "warns.py", tmp_path / "out")


def test_failing_example_fails_the_docs_build(tmp_path):
    """The demonstration asked for in issue #17: mkdocs build exits non-zero and names the
    script (the hook runs before the nav is built, so nothing else is checked)."""
    folder = tmp_path / "gal"
    folder.mkdir()
    (folder / "broken.py").write_text(BAD)
    env = dict(os.environ, LRTHEORY_GALLERY_DIR=str(folder))
    r = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f",
                        str(ROOT / "mkdocs.yml"), "-d", str(tmp_path / "site")],
                       capture_output=True, text=True, timeout=120, cwd=ROOT, env=env)
    out = r.stdout + r.stderr
    assert r.returncode != 0, out
    assert "broken.py failed" in out and "this example is broken on purpose" in out


def test_examples_need_no_shared_data(tmp_path):
    """Without ../shared (a user's checkout) the Wannier90 example prints a note and exits 0."""
    env = dict(os.environ, LRTHEORY_GAAS_DIR=str(tmp_path / "absent"), MPLBACKEND="Agg",
               LRTHEORY_GALLERY_OUT=str(tmp_path))
    r = subprocess.run([sys.executable, str(GALLERY / "04_wannier90_gaas.py")], env=env,
                       capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "note:" in r.stdout and "absent" in r.stdout and not list(tmp_path.glob("*.png"))
