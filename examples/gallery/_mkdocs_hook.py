"""mkdocs hook: the executed gallery (issue #17; mkdocs.yml ``hooks:``).

At every ``mkdocs build`` each script ``examples/gallery/[!_]*.py`` is run exactly as a user
runs it (``python examples/gallery/NAME.py``, in a fresh process and a temporary folder,
``MPLBACKEND=Agg``, ``LrtheoryWarning`` an error, figures written to
``$LRTHEORY_GALLERY_OUT``). For each one a page ``gallery/NAME.md`` is generated: the
docstring (title + Markdown prose), the code, what it printed and every PNG it wrote; the
index ``gallery/index.md`` is ``examples/gallery/README.md`` plus a table of the examples with
their run times. Nothing is cached: the pages show what the code does today. The scripts run
side by side, as many at once as there are CPUs (``LRTHEORY_GALLERY_JOBS`` overrides; 1 runs
them one after the other).

A script that exits non-zero, times out or writes no output fails the build with a
``PluginError`` naming the script and quoting the end of its stderr (so a broken example
cannot reach the site). ``LRTHEORY_GALLERY_DIR`` points the hook at another folder (the
tests use it to show that a failing example fails the build).
"""
from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: seconds one example may take before the build fails (the whole gallery takes ~1 min)
TIMEOUT = 300
#: lines of printed output shown on a page (the rest is elided, never silently)
MAX_OUTPUT_LINES = 80


def gallery_dir() -> Path:
    """The folder of gallery scripts (``LRTHEORY_GALLERY_DIR`` or examples/gallery)."""
    return Path(os.environ.get("LRTHEORY_GALLERY_DIR") or ROOT / "examples" / "gallery")


def examples(folder: Path) -> list[Path]:
    """Gallery scripts of ``folder``: ``*.py`` not starting with ``_``, by name."""
    return sorted(p for p in Path(folder).glob("*.py") if not p.name.startswith("_"))


def split_source(source: str) -> tuple[str, str, str]:
    """``(title, prose, code)`` of a gallery script: the docstring's first line, the rest of
    the docstring (Markdown), and the code after the docstring."""
    tree = ast.parse(source)
    doc = ast.get_docstring(tree, clean=True)
    if not doc:
        raise ValueError("a gallery script starts with a docstring: title line, then prose")
    first = tree.body[0]
    code = "\n".join(source.splitlines()[first.end_lineno:]).strip("\n")
    title, _, prose = doc.partition("\n")
    return title.strip(), prose.strip(), code


_RUNNER = ("import runpy, sys, warnings; from lrtheory.errors import LrtheoryWarning; "
           "warnings.simplefilter('error', LrtheoryWarning); sys.argv = sys.argv[1:]; "
           "sys.path.insert(0, __import__('os').path.dirname(sys.argv[0])); "
           "runpy.run_path(sys.argv[0], run_name='__main__')")


def run_example(script: Path, outdir: Path, *, timeout: float = TIMEOUT) -> dict:
    """Run one script as ``python SCRIPT`` with figures going to ``outdir``.

    Returns ``{"stdout", "seconds", "figures"}``; raises ``PluginError`` (one message naming
    the script, with the end of its stderr) when it fails or times out.
    """
    from mkdocs.exceptions import PluginError

    outdir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, MPLBACKEND="Agg", LRTHEORY_GALLERY_OUT=str(outdir),
               PYTHONPATH=os.pathsep.join([str(ROOT)] + [p for p in os.environ.get(
                   "PYTHONPATH", "").split(os.pathsep) if p]))
    # `python SCRIPT` with LrtheoryWarning an error (-W cannot name a class that is not
    # importable at interpreter start-up, so the filter is set before runpy runs the file)
    cmd = [sys.executable, "-c", _RUNNER, str(script)]
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="lrt-gallery-") as cwd:
        try:
            r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True,
                               timeout=timeout)
        except subprocess.TimeoutExpired:
            raise PluginError(f"gallery: {script} did not finish in {timeout:g} s") from None
    seconds = time.perf_counter() - t0
    if r.returncode != 0:
        tail = "\n".join(r.stderr.strip().splitlines()[-15:])
        raise PluginError(f"gallery: {script} failed (exit {r.returncode}):\n{tail}")
    return {"stdout": r.stdout, "seconds": seconds,
            "figures": sorted(p for p in outdir.glob("*.png"))}


def _output_block(stdout: str) -> str:
    lines = stdout.rstrip().splitlines()
    if not lines:
        return ""
    if len(lines) > MAX_OUTPUT_LINES:
        cut = len(lines) - MAX_OUTPUT_LINES
        lines = lines[:MAX_OUTPUT_LINES] + [f"... ({cut} more lines)"]
    return "Output:\n\n```text\n" + "\n".join(lines) + "\n```\n"


def render_page(script: Path, run: dict) -> str:
    """Markdown of one gallery page: title, prose, code, output, figures, how to run it."""
    title, prose, code = split_source(script.read_text(encoding="utf-8"))
    figs = "\n\n".join(f"![{p.stem}]({script.stem}/{p.name})" for p in run["figures"])
    return "\n\n".join(part for part in (
        f"# {title}",
        prose,
        f"```python\n{code}\n```",
        _output_block(run["stdout"]),
        figs,
        f"*Executed when this site was built: {run['seconds']:.1f} s. Run it yourself: "
        f"`python examples/gallery/{script.name}` (figures go to `$LRTHEORY_GALLERY_OUT`, "
        "default the current folder).*",
    ) if part) + "\n"


def render_index(entries: list[tuple[Path, dict]], intro: str) -> str:
    """The gallery's index: the README's text and a table of the examples."""
    rows = ["| example | script | figures | run time |", "| --- | --- | --- | --- |"]
    total = 0.0
    for script, run in entries:
        title = split_source(script.read_text(encoding="utf-8"))[0].replace("|", "\\|")
        rows.append(f"| [{title}]({script.stem}.md) | `{script.name}` | "
                    f"{len(run['figures'])} | {run['seconds']:.1f} s |")
        total += run["seconds"]
    return (intro.strip() + "\n\n" + "\n".join(rows) +
            f"\n\nRun times add up to {total:.1f} s when this site was built.\n")


def jobs() -> int:
    """How many examples run at once: ``LRTHEORY_GALLERY_JOBS`` (1: one after the other),
    default the number of CPUs. Each example is its own process and writes into its own
    folder, so running them side by side changes nothing but the build's wall time (and the
    run times shown on the pages, which then include the sharing of the CPUs)."""
    raw = os.environ.get("LRTHEORY_GALLERY_JOBS", "")
    try:
        n = int(raw) if raw.strip() else (os.cpu_count() or 1)
    except ValueError:
        from mkdocs.exceptions import PluginError

        raise PluginError(f"LRTHEORY_GALLERY_JOBS must be a whole number, got {raw!r}") from None
    return max(1, n)


def build_gallery(folder: Path, outroot: Path) -> tuple[dict, list]:
    """Run every example of ``folder`` (:func:`jobs` at once); returns
    ``({src_uri: content}, entries)`` in the examples' name order. When examples fail, the
    first failing one by name is reported (after the others have finished)."""
    from concurrent.futures import ThreadPoolExecutor

    generated: dict[str, str | bytes] = {}
    entries = []
    scripts = examples(folder)
    with ThreadPoolExecutor(max_workers=min(jobs(), max(len(scripts), 1))) as pool:
        runs = [pool.submit(run_example, s, outroot / s.stem) for s in scripts]
        done = [f.exception() or f.result() for f in runs]   # wait for all of them
    for script, run in zip(scripts, done):
        if isinstance(run, BaseException):
            raise run
        generated[f"gallery/{script.stem}.md"] = render_page(script, run)
        for png in run["figures"]:
            generated[f"gallery/{script.stem}/{png.name}"] = png.read_bytes()
        entries.append((script, run))
    readme = folder / "README.md"
    intro = readme.read_text(encoding="utf-8") if readme.exists() else "# Gallery\n"
    generated["gallery/index.md"] = render_index(entries, intro)
    return generated, entries


def on_files(files, config):
    """mkdocs event: run the gallery and add its pages and figures to the site."""
    from mkdocs.structure.files import File

    outroot = Path(tempfile.mkdtemp(prefix="lrt-gallery-out-"))
    try:
        generated, _ = build_gallery(gallery_dir(), outroot)
    finally:
        shutil.rmtree(outroot, ignore_errors=True)
    for uri, content in generated.items():
        files.append(File.generated(config, uri, content=content))
    return files
