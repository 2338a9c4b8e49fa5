"""The command line's last line of defence (lrtheory/cli/main.py): whatever goes wrong inside
a command, the user sees one line and a documented exit status, never a traceback."""
from __future__ import annotations

import warnings

import pytest

from lrtheory.cli import main as cli_main
from lrtheory.errors import LrtheoryWarning


def _run_with(monkeypatch, capsys, func, argv=("bands", "--nk", "8"), command="bands"):
    real = cli_main.build_parser

    def patched():
        parser = real()
        sub = next(a for a in parser._actions if a.dest == "command")
        sub.choices[command].set_defaults(func=func)
        return parser

    monkeypatch.setattr(cli_main, "build_parser", patched)
    code = cli_main.main(list(argv))
    err = capsys.readouterr().err
    return code, err


@pytest.mark.parametrize("exc, code, text", [
    (RuntimeError("boom\nsecond line"), 70, "internal error: RuntimeError: boom second line"),
    (MemoryError(), 2, "out of memory"),
    (KeyboardInterrupt(), 130, "interrupted"),
])
def test_unexpected_exceptions_are_one_line(monkeypatch, capsys, exc, code, text):
    def func(args):
        raise exc

    got, err = _run_with(monkeypatch, capsys, func)
    assert got == code
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("lrtheory bands: ") and text in err


def test_debug_keeps_the_traceback(monkeypatch, capsys):
    def func(args):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        _run_with(monkeypatch, capsys, func, argv=("--debug", "bands", "--nk", "8"))


def test_library_warning_is_one_line_in_every_command(monkeypatch, capsys):
    def func(args):
        warnings.warn("something to know\nwith a second line", LrtheoryWarning, stacklevel=1)
        return 0

    got, err = _run_with(monkeypatch, capsys, func)
    assert got == 0
    assert err.startswith("lrtheory bands: warning: something to know")
    assert "warnings.warn" not in err  # no source excerpt


def test_accumulate_refuses_a_negative_tolerance_before_work(capsys):
    assert cli_main.main(["accumulate", "--tol", "-1", "--nk", "100000000"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "lrtheory accumulate: error: --tol must be > 0, got -1.0"


def test_hall_refuses_a_run_longer_than_max_hours(capsys):
    """nk = 100000 is 1e10 k-points: hours of work (the issue's MemoryError case, which now
    fits in memory). Refused in about a second with the timed estimate and an nk that fits;
    the nk it proposes is consistent with the linear cost in nk^2."""
    import re

    # 1e10 k-points take ~1 h here; a limit of 36 s holds on any plausible machine
    assert cli_main.main(["hall", "--nk", "100000", "--n-ef", "3", "--max-hours", "0.01"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "would take an estimated" in err and "--max-hours" in err
    hours = float(re.search(r"estimated ([0-9.e+-]+) h", err).group(1))
    best = int(re.search(r"nk <= (\d+) fits", err).group(1))
    assert hours > 0.01
    assert best ** 2 * hours / 100000 ** 2 <= 0.01 * 1.05  # the proposed grid meets the limit


def test_hall_time_estimate_scales_the_timed_sample(monkeypatch):
    """The estimate is (time of the sample chunk) x nk^2 / sample / workers. The clock is
    replaced by one that advances 1 ms per call, so the check does not depend on load
    (its accuracy against real runs is measured, not tested: hall_time_estimate's docstring)."""
    import time

    import numpy as np

    from lrtheory.models.haldane import haldane
    from lrtheory.response.hall import hall_time_estimate

    ticks = iter(np.arange(0.0, 10.0, 1e-3))
    monkeypatch.setattr(time, "perf_counter", lambda: float(next(ticks)))
    est = hall_time_estimate(haldane(), [0.0], nk=6400, operator=None, sample=2048, workers=2)
    assert est == pytest.approx(1e-3 * 6400 ** 2 / 2048 / 2, rel=1e-9)


@pytest.mark.parametrize("argv", [["figure", "1", "--out="], ["bands", "--nk", "8", "--out="],
                                  ["bands", "--nk", "8", "--plot", " "]])
def test_empty_output_names_are_refused(argv, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli_main.main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is empty" in err
    assert list(tmp_path.iterdir()) == []  # nothing written into the working folder


def test_flake_exponent_is_undefined_not_nan_when_nothing_accumulates(capsys):
    """A flake with E_F above every state has no accumulation at any eta: the eta exponent
    is undefined, printed as such and stored as JSON null, never NaN."""
    import json

    assert cli_main.main(["flake", "--nx", "2", "--ny", "2", "--ef", "50", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["summary"]["max_abs_omm"] == 0.0 and out["summary"]["eta_exponent"] is None
