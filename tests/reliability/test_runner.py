"""The reliability runner itself: it must see each kind of failure (else the catalogue's
zeros would mean nothing). Synthetic cases, no lrtheory computation."""
from __future__ import annotations

import os
import time

import pytest

from tests.reliability.cases import MARKER, Case
from tests.reliability.runner import run_case


def _case(call=None, argv=None, **kw):
    return Case(id="synthetic", category="test", description="synthetic", call=call, argv=argv,
                shown="synthetic", **kw)


def test_code_execution_is_seen(tmp_path):
    res = run_case(_case(lambda tmp: os.system(f"touch {MARKER}"), expect="either"), tmp_path)
    assert "code-execution" in res.kinds


def test_hang_is_ended_and_seen(tmp_path):
    t0 = time.monotonic()
    res = run_case(_case(lambda tmp: time.sleep(60), timeout=1.0), tmp_path)
    assert "hang" in res.kinds and time.monotonic() - t0 < 10


def test_untyped_error_and_accepted_input_are_seen(tmp_path):
    assert "untyped" in run_case(_case(lambda tmp: int("x")), tmp_path / "a").kinds
    assert "accepted" in run_case(_case(lambda tmp: 1.0), tmp_path / "b").kinds


def test_nan_result_and_failed_check_are_seen(tmp_path):
    assert "nan" in run_case(_case(lambda tmp: float("nan"), expect="ok"), tmp_path / "a").kinds
    res = run_case(_case(lambda tmp: 3, expect="ok", check=lambda r, tmp: "wrong"), tmp_path / "b")
    assert "wrong-answer" in res.kinds


def test_typed_error_with_matching_message_passes(tmp_path):
    from lrtheory.errors import ConventionError

    def bad(tmp):
        raise ConventionError("eta must be > 0, got 0")

    assert run_case(_case(bad, match=r"eta"), tmp_path / "a").outcome == "pass"
    assert "unclear" in run_case(_case(bad, match=r"nk"), tmp_path / "b").kinds


def test_cli_traceback_is_seen(tmp_path, monkeypatch):
    import lrtheory.cli.main as cli

    def boom(argv):
        raise KeyError("ComplexInfinity")

    monkeypatch.setattr(cli, "main", boom)  # inherited by the forked case
    res = run_case(_case(argv=("bands",)), tmp_path)
    assert "traceback" in res.kinds


def test_orphan_process_is_seen(tmp_path):
    import subprocess
    import sys

    def leave_child(tmp):
        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
        return 1.0

    res = run_case(_case(leave_child, expect="ok"), tmp_path)
    assert "orphan" in res.kinds


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork isolation needs POSIX")
def test_global_state_does_not_leak(tmp_path):
    def dirty(tmp):
        os.environ["LRT_RELIABILITY_LEAK"] = "1"
        os.chdir("/")
        return 1.0

    cwd = os.getcwd()
    run_case(_case(dirty, expect="ok"), tmp_path)
    assert "LRT_RELIABILITY_LEAK" not in os.environ and os.getcwd() == cwd


def test_harness_error_is_not_a_case_result(tmp_path):
    res = run_case(_case(lambda tmp: 1.0, files=(("x", object()),), expect="ok"), tmp_path)
    assert res.outcome == "harness-error"
