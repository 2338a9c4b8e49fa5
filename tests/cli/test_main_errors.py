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
