"""Run every case of the reliability catalogue (tests/reliability/cases.py) and check that
docs/reliability.md is generated from the current catalogue and its current messages.

Each case runs in-process in a fork of this process (tests/reliability/runner.py): no
traceback, no hang (per-case time bound), no code execution (marker file), no orphan process,
the expected refusal as one line naming the problem, or a finite answer for valid input.
Regenerate the docs with ``python -m tests.reliability.render``.
"""
from __future__ import annotations

import pytest

from tests.reliability import render
from tests.reliability.cases import CASES, MARKER
from tests.reliability.runner import RESULTS, run_case

_RUNNABLE = [c for c in CASES if c.expect != "external"]


def test_catalogue_is_big_enough_and_covers_the_issue():
    assert len(CASES) >= 250
    cats = {c.category for c in CASES}
    for cat in ("cli-number", "cli-param", "cli-path", "model-file-toml", "model-file-json",
                "model-file-sympy", "model-file-wannier90", "output-path", "python-api",
                "numeric-range", "process"):
        assert cat in cats, cat
    assert sum(MARKER in " ".join(c.argv or ()) or MARKER in c.shown or
               any(MARKER in (v if isinstance(v, str) else "") for _, v in c.files)
               for c in CASES) >= 30, "too few code-execution attacks"
    assert sum(c.expect == "ok" for c in CASES) >= 30, "too few valid edge cases"


@pytest.mark.timeout(60)
@pytest.mark.parametrize("case", _RUNNABLE, ids=[c.id for c in _RUNNABLE])
def test_case(case, tmp_path):
    res = run_case(case, tmp_path)
    RESULTS[case.id] = res
    assert res.outcome != "harness-error", res.explain()
    assert res.outcome == "pass", res.explain()
    assert not (tmp_path / MARKER).exists()


def test_docs_are_up_to_date(tmp_path):
    """docs/reliability.md equals what render.py writes for the current catalogue (case ids,
    inputs, deterministic messages, outcomes): stale docs fail. Reuses the results of the
    cases run above in this session and runs the others."""
    current = render.DOC.read_text() if render.DOC.exists() else ""
    fresh = render.render(render.collect(base=tmp_path))
    if current != fresh:
        import difflib

        diff = "".join(list(difflib.unified_diff(current.splitlines(True), fresh.splitlines(True),
                                                 "docs/reliability.md", "regenerated", n=0))[:80])
        pytest.fail("docs/reliability.md is stale: run python -m tests.reliability.render\n"
                    + diff)


def test_external_cases_name_existing_tests():
    """Process/signal rows point at real tests (they are checked there, not here)."""
    from tests.reliability.cases import REPO

    for c in CASES:
        if c.expect != "external":
            continue
        path, _, name = c.node.partition("::")
        src = (REPO / path).read_text()
        assert f"def {name}(" in src, c.node
