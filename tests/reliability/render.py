"""Write docs/reliability.md from the catalogue: ``python -m tests.reliability.render``.

Runs every case of tests/reliability/cases.py with the runner of the tests
(tests/reliability/runner.py) and writes one table per category: case id, input, the line the
user sees (temporary paths replaced by ``<tmp>``) and the outcome. The summary line is counted
from the results. ``--check`` exits 1 if the file on disk differs (what the test checks).
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from tests.reliability.cases import CASES, MARKER, REPO, Case
from tests.reliability.runner import RESULTS, Result, run_all, summarize

DOC = REPO / "docs" / "reliability.md"

INTRO = """# Reliability: bad input and faults

Every row below is a case of the catalogue in `tests/reliability/cases.py`, run by
`tests/reliability/test_catalogue.py` (part of the test suite) with the runner in
`tests/reliability/runner.py`. Each case is a command line (`lrtheory ...`, run in-process
as `lrtheory.cli.main.main(argv)`) or a Python call, in a fresh temporary folder (`<tmp>`
below) inside a fork of the test process, with a time bound of {timeout:g} s and a 6 GiB
address-space limit. Every case is checked for:

- **no traceback**: a refusal is one line `lrtheory CMD: error: ...` on stderr and a non-zero
  exit (argparse's usage lines may precede it), or a Python `LrtheoryError` with a one-line
  message; the message must name the problem (a pattern per case) and stay under 400
  characters;
- **no hang**: the case ends within its time bound (the process is killed otherwise);
- **no code execution**: attack strings (`{attack}` and variants) try to create a file
  `{marker}`; it must never appear;
- **no silent wrong answer**: bad input must be refused, and valid input (edge cases such as a
  Fermi energy outside the bands are legal physics) must give an answer without NaN, some
  with a check of the answer;
- **no orphan process**: nothing the case started is alive {grace:g} s after it ended.

Faults that need real processes (signals, `kill -9`, scripts without a `__main__` guard, the
umask, Dask schedulers) are checked by the tests named in the *process* table.

Regenerate this page after changing the catalogue or the messages:

    python -m tests.reliability.render

The test suite fails when this page is stale (`test_docs_are_up_to_date`).
"""

CATEGORY_TITLES = {
    "cli-number": "Command line: numeric options",
    "cli-param": "Command line: --param",
    "cli-path": "Command line: --path",
    "cli-model": "Command line: --model",
    "model-file-toml": "Model files: TOML hopping lists",
    "model-file-json": "Model files: JSON hopping lists",
    "model-file-sympy": "Model files: H(k) matrices",
    "model-file-wannier90": "Model files: Wannier90",
    "model-file-valid": "Model files: valid edge cases",
    "output-path": "Output paths",
    "metadata": "Result metadata",
    "newcomer": "The newcomer's path",
    "numeric-range": "Valid numeric edge cases",
    "python-api": "Python API",
    "silent-wrong-answer": "Silent wrong answers",
    "process": "Processes and signals",
}


def _cell(text: str, limit: int = 160) -> str:
    text = text.replace("\r", "\\r").replace("\n", "\\n").replace("\x00", "\\0")
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    # "[" escaped: a message such as "lattice[1][1]" is not a Markdown reference link
    # (mkdocs-autorefs would report it as a missing cross-reference target)
    text = text.replace("|", "\\|").replace("`", "'").replace("[", "\\[")
    return text


def _shown_message(case: Case, res: Result) -> str:
    msg = res.message
    if not msg and res.outcome in ("pass", "fail") and (res.rc == 0 or res.rc is None):
        msg = "(succeeds)" if "hang" not in res.kinds else "(no answer)"
    if res.outcome == "external":
        msg = f"checked by `{case.node}`"
        return msg
    if not case.deterministic:
        msg = re.sub(r"\d+(\.\d+)?", "#", msg)
    return msg


def _outcome(case: Case, res: Result) -> str:
    if res.outcome == "pass":
        return "ok" if case.expect != "error" else "refused"
    if res.outcome == "external":
        return "see test"
    if res.outcome == "harness-error":
        return "HARNESS ERROR"
    return "FAIL: " + ", ".join(sorted(res.kinds))


def collect(base: Path | None = None, mode: str | None = None, progress=None) -> list[Result]:
    """Results of every case: those run in this process already (the test), then the rest."""
    todo = [c for c in CASES if c.id not in RESULTS]
    run_all(todo, base=base, mode=mode, progress=progress)
    return [RESULTS[c.id] for c in CASES]


def render(results: list[Result]) -> str:
    by_id = {r.id: r for r in results}
    counts = summarize(results)
    first = ", ".join(f"{v} {k}" for k, v in counts.items())
    timeout = max(c.timeout for c in CASES)
    from tests.reliability.cases import ATTACK_SYSTEM
    from tests.reliability.runner import ORPHAN_GRACE

    out = [INTRO.format(timeout=timeout, attack=ATTACK_SYSTEM, marker=MARKER,
                        grace=ORPHAN_GRACE), "", "## Summary", "", first + ".", ""]
    cats = list(dict.fromkeys([*CATEGORY_TITLES, *(c.category for c in CASES)]))
    for cat in cats:
        rows = [c for c in CASES if c.category == cat]
        if not rows:
            continue
        out += [f"## {CATEGORY_TITLES.get(cat, cat)}", "",
                "| case | input | what the user sees | outcome |", "|---|---|---|---|"]
        for c in rows:
            r = by_id[c.id]
            inp = c.input_text()
            out.append(f"| `{c.id}` | {_cell(inp, 120)} | {_cell(_shown_message(c, r))} | "
                       f"{_outcome(c, r)} |")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.reliability.render", description=__doc__)
    ap.add_argument("--check", action="store_true", help="only compare with the file on disk")
    ap.add_argument("--out", default=str(DOC), help="file to write (default docs/reliability.md)")
    ap.add_argument("-v", "--verbose", action="store_true", help="explain every failing case")
    args = ap.parse_args(argv)

    def progress(n, total, res):
        if n % 50 == 0 or n == total:
            print(f"{n}/{total} cases", file=sys.stderr, flush=True)

    results = collect(progress=progress)
    text = render(results)
    if args.verbose:
        for r in results:
            if r.outcome in ("fail", "harness-error"):
                print(r.explain(), file=sys.stderr)
    if args.check:
        same = Path(args.out).exists() and Path(args.out).read_text() == text
        print("up to date" if same else f"{args.out} is stale", file=sys.stderr)
        return 0 if same else 1
    Path(args.out).write_text(text)
    counts = summarize(results)
    print(", ".join(f"{v} {k}" for k, v in counts.items()), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
