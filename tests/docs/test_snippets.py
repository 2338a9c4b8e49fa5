"""Every Python snippet of the documentation runs as written.

Convention (also stated in CONTRIBUTING.md and docs/index.md): **every fenced ```python
block is self-contained.** It has its own imports and defines every name it uses, so a
reader can paste any single block into a fresh interpreter. We chose this over "a page is
one session" because newcomers copy one block, not a page, and because a self-contained
block cannot break when an earlier block of the page is edited or moved. The test enforces
it: each block runs in a fresh namespace (one subprocess per page, so imports are paid once
per page but no name leaks from one block to the next).

A block passes when it runs without an exception and without an ``LrtheoryWarning`` (turned
into an error, as in the rest of the suite: ``warnings.simplefilter('error',
LrtheoryWarning)``), so a snippet that prints "not converged" fails. Blocks run with
``cwd = tmp_path`` holding a copy of ``examples/`` (the docs write paths relative to the
repository root) and ``MPLBACKEND=Agg``. A block that needs an optional dependency that is
not installed (PythTB) is skipped and reported, never silently dropped.

Text that is not meant to run (shell sessions, output listings, formulas) must be fenced
with a language other than python (```text, ```console) or indented; an opening fence
without a language is an error here, so a Python block cannot escape the check by losing
its tag. Shell lines ``lrtheory CMD ...`` in the docs are not run (too slow), but each is
parsed by the CLI's own argparse parser (``test_cli_lines_parse``).
"""
from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]
PYTHON_TAGS = {"python", "py", "python3"}
FENCE = re.compile(r"^(?P<indent>[ ]*)(?P<fence>```+|~~~+)\s*(?P<info>[^`\s]*)")
#: seconds per page (the slowest page takes ~10 s on an idle machine)
PAGE_TIMEOUT = 180
#: optional dependencies: a block importing one of them is skipped when it is missing
OPTIONAL = ("pythtb",)


def fenced_blocks(path: Path) -> list[tuple[int, str, str]]:
    """``(line of the opening fence, info string, code)`` of every fenced block of a page.

    A fence may be indented (inside an admonition or list); its indentation is removed from
    the block's lines. An unterminated fence raises ``AssertionError``.
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks, i = [], 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence, info = len(m["indent"]), m["fence"], m["info"].lower()
        start, body = i + 1, []
        i += 1
        while i < len(lines) and not lines[i].strip().startswith(fence):
            body.append(lines[i][indent:] if lines[i][:indent].strip() == "" else lines[i])
            i += 1
        assert i < len(lines), f"{path.name}:{start}: unterminated code fence"
        blocks.append((start, info, "\n".join(body) + "\n"))
        i += 1
    return blocks


def python_blocks(path: Path) -> list[tuple[int, str]]:
    return [(ln, code) for ln, info, code in fenced_blocks(path) if info in PYTHON_TAGS]


# runs in the subprocess: one fresh namespace per block, LrtheoryWarning is an error
_DRIVER = r'''
import json, sys, traceback, warnings
from lrtheory.errors import LrtheoryWarning
blocks = json.loads(open(sys.argv[1], encoding="utf-8").read())
for b in blocks:
    print(f"--- block at {b['where']}", flush=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error", LrtheoryWarning)
        ns = {"__name__": "__main__"}
        try:
            exec(compile(b["code"], b["where"], "exec"), ns)
        except Exception:
            traceback.print_exc()
            print(f"SNIPPET FAILED: {b['where']}", file=sys.stderr, flush=True)
            sys.exit(1)
print("ALL SNIPPETS OK", flush=True)
'''


def _run_blocks(blocks: list[dict], tmp_path: Path) -> subprocess.CompletedProcess:
    """Run ``blocks`` (``{"where", "code"}``) in order, each in a fresh namespace, in one
    subprocess with ``cwd = tmp_path`` (holding a copy of ``examples/``)."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    (tmp_path / "blocks.json").write_text(json.dumps(blocks), encoding="utf-8")
    (tmp_path / "driver.py").write_text(_DRIVER, encoding="utf-8")
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=path)
    return subprocess.run([sys.executable, str(tmp_path / "driver.py"),
                           str(tmp_path / "blocks.json")], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=PAGE_TIMEOUT)


@pytest.mark.parametrize("code, why", [
    ("from lrtheory.errors import ConvergenceWarning, warn\n"
     "warn('sum not converged', ConvergenceWarning)\n", "ConvergenceWarning"),
    ("print(x)\n", "NameError"),           # x was defined in the previous block only
    ("raise ValueError('boom')\n", "ValueError"),
])
def test_runner_catches_bad_blocks(code, why, tmp_path):
    """The runner can fail: a warning, a name from an earlier block, an exception."""
    r = _run_blocks([{"where": "a.md:1", "code": "x = 1\n"},
                     {"where": "a.md:5", "code": code}], tmp_path)
    assert r.returncode == 1 and "SNIPPET FAILED: a.md:5" in r.stderr and why in r.stderr


def test_fence_extraction(tmp_path):
    page = tmp_path / "p.md"
    page.write_text("text\n```python\na = 1\n```\n\n!!! note\n    ```python\n    b = 2\n"
                    "    ```\n```text\nc = 3\n```\n```\nd\n```\n")
    assert python_blocks(page) == [(2, "a = 1\n"), (7, "b = 2\n")]  # fence lines
    assert [info for _, info, _ in fenced_blocks(page)] == ["python", "python", "text", ""]


def _needs_missing_optional(code: str) -> str | None:
    import importlib.util

    for mod in OPTIONAL:
        if re.search(rf"^\s*(import|from)\s+{mod}\b", code, re.M) and \
                importlib.util.find_spec(mod) is None:
            return mod
    return None


PAGES_WITH_CODE = [p for p in PAGES if python_blocks(p)]


def test_there_are_snippets():
    # guard against the extractor silently finding nothing
    assert {p.name for p in PAGES_WITH_CODE} >= {"getting-started.md", "own-model.md",
                                                  "theorems.md"}


@pytest.mark.parametrize("page", PAGES_WITH_CODE, ids=lambda p: p.name)
def test_page_snippets_run(page, tmp_path):
    blocks, skipped = [], []
    for ln, code in python_blocks(page):
        where = f"{page.relative_to(ROOT)}:{ln}"
        missing = _needs_missing_optional(code)
        if missing:
            skipped.append(f"{where} (needs {missing})")
            continue
        blocks.append({"where": where, "code": code})
    r = _run_blocks(blocks, tmp_path)
    assert r.returncode == 0, f"{page.name}:\n{r.stdout[-3000:]}\n{r.stderr[-6000:]}"
    assert "ALL SNIPPETS OK" in r.stdout
    if skipped:
        pytest.skip("optional dependency missing for: " + ", ".join(skipped))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_fence_has_a_language(page):
    """A bare ``` fence would hide a Python block from the runner: tag it (text, console)."""
    bare = [f"{page.name}:{ln}" for ln, info, _ in fenced_blocks(page) if not info]
    assert not bare, f"code fences without a language (use ```text or ```python): {bare}"


_INDENTED_PY = re.compile(r"^ {4,}(import \w|from [\w.]+ import |>>> )")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_no_python_in_indented_blocks(page):
    """Indented (unfenced) code is for shell lines; Python must be fenced so it runs here."""
    text = page.read_text(encoding="utf-8")
    inside, bad = False, []
    for n, line in enumerate(text.splitlines(), 1):
        if FENCE.match(line):
            inside = not inside
            continue
        if not inside and _INDENTED_PY.match(line):
            bad.append(f"{page.name}:{n}")
    assert not bad, f"Python in an indented block (fence it as ```python): {bad}"


def cli_lines(path: Path) -> list[tuple[int, list[str]]]:
    """``(line number, argv)`` of every ``lrtheory CMD ...`` shell line in a code block of a
    page (fenced, or indented by 4 spaces), also after ``&&``; comments are stripped and
    ``\\`` continuations joined. ``usage:`` lines of generated help are not commands."""
    raw = path.read_text(encoding="utf-8").splitlines()
    out, fenced, admonition, n = [], False, False, 0
    while n < len(raw):
        line, ln = raw[n], n + 1
        n += 1
        if FENCE.match(line):
            fenced = not fenced
            continue
        if line.startswith("!!!"):          # MkDocs admonition: its indented body is prose
            admonition = True
            continue
        if admonition and line.strip() and not line.startswith("    "):
            admonition = False
        if admonition and not fenced:
            continue
        if not (fenced or line.startswith("    ")):
            continue
        s = line.strip()
        while s.endswith("\\") and n < len(raw):
            s = s[:-1] + " " + raw[n].strip()
            n += 1
        for part in s.split("&&"):
            part = part.strip()
            if not part.startswith("lrtheory "):
                continue
            try:
                tokens = shlex.split(part, comments=True)
            except ValueError:
                continue
            if len(tokens) >= 2 and re.fullmatch(r"[a-z]+", tokens[1]):
                out.append((ln, tokens[1:]))
    return out


def test_cli_lines_parse():
    """Every ``lrtheory CMD ...`` line of docs/*.md and README.md parses with the CLI's own
    parser (no command is run): a renamed or removed option fails here, naming page:line."""
    from lrtheory.cli.main import build_parser

    parser = build_parser()
    bad, seen = [], 0
    for page in PAGES:
        for ln, argv in cli_lines(page):
            if argv[0] == "CMD":
                continue
            seen += 1
            try:
                parser.parse_args(argv)
            except SystemExit:
                bad.append(f"{page.name}:{ln}: lrtheory {' '.join(argv)}")
    assert seen >= 20, seen
    assert not bad, "doc command lines the CLI does not accept:\n" + "\n".join(bad)


def test_bulk_hall_command_converges(tmp_path):
    """The one ``lrtheory hall`` command of docs/bulk.md, run as printed (it takes ~1 s): no
    warning on stderr, so a newcomer does not meet "not converged" (issue #13, sec. 6)."""
    lines = [argv for _, argv in cli_lines(ROOT / "docs" / "bulk.md") if argv[0] == "hall"]
    assert len(lines) == 1, lines
    env = dict(os.environ, MPLBACKEND="Agg")
    r = subprocess.run([sys.executable, "-m", "lrtheory.cli.main", *lines[0]], cwd=tmp_path,
                       env=env, capture_output=True, text=True, timeout=PAGE_TIMEOUT)
    assert r.returncode == 0, r.stderr
    assert "warning" not in r.stderr, r.stderr
    assert "C = -1" in r.stdout  # the prose: C_lower = -1 for t2 = 0.1, Delta = 0.2
