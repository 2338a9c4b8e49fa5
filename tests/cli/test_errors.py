"""Bad input on the command line: one clear line on stderr, exit status 2, no traceback
(unless --debug); a non-converged k-sum is a warning with the estimated error."""
from __future__ import annotations

import subprocess
import sys
import warnings

import pytest

from lrtheory.cli.common import check_eta, check_width, warn_if_unconverged
from lrtheory.cli.main import main
from lrtheory.errors import ConvergenceWarning, ConventionError, LrtheoryError


def _file(tmp_path, text, name="m.toml"):
    f = tmp_path / name
    f.write_text(text)
    return str(f)


def cases(tmp_path):
    return {
        "non-Hermitian": (["bands", "--model", _file(
            tmp_path, 'lattice = [[1, 0], [0, 1]]\nhamiltonian = [["0", "kx"], ["0", "0"]]\n',
            "nh.toml")],
            r"not Hermitian"),
        "unknown parameter": (["bands", "--param", "t3=1"], r"unknown parameter\(s\) \['t3'\]"),
        "unknown file parameter": (["bands", "--model", "examples/haldane.toml", "--param",
                                    "q=1"], r"unknown parameter\(s\) \['q'\]"),
        "malformed file": (["bands", "--model", _file(tmp_path, "lattice = [[1, 0]\n", "bad.toml")],
                           r"malformed TOML"),
        "bad expression": (["bands", "--model", _file(
            tmp_path, 'lattice=[[1]]\n[[orbitals]]\nposition=[0]\n[[hoppings]]\nfrom=0\nto=0\n'
                      'R=[1]\nt="os.system(1)"\n', "e.toml")], r"hoppings\[0\]\.t \(line 8\)"),
        "width 0": (["bands", "--width", "0"], r"--width must be a positive integer"),
        "width -3": (["bands", "--width", "-3"], r"--width must be a positive integer"),
        "eta 0": (["flake", "--nx", "2", "--ny", "2", "--eta", "0"], r"eta"),
        "eta < 0": (["flake", "--nx", "2", "--ny", "2", "--eta=-1e-3"], r"eta"),
        "unknown model": (["bands", "--model", "nope"], r"unknown model 'nope'"),
        "accumulate width 0": (["accumulate", "--width", "0", "--nk", "8"],
                               r"--width must be a positive integer"),
        "accumulate unknown parameter": (["accumulate", "--param", "t3=1", "--nk", "8"],
                                         r"unknown parameter\(s\) \['t3'\]"),
        "bad param syntax": (["bands", "--param", "t2"], r"key=value"),
        "bad path": (["bands", "--path", "G-Q"], r"unknown k-point 'Q'"),
    }


@pytest.mark.parametrize("name", ["non-Hermitian", "unknown parameter", "unknown file parameter",
                                  "malformed file", "bad expression", "width 0", "width -3",
                                  "eta 0", "eta < 0", "unknown model", "bad param syntax",
                                  "bad path", "accumulate width 0",
                                  "accumulate unknown parameter"])
def test_one_line_error(name, tmp_path, capsys, monkeypatch):
    from pathlib import Path

    monkeypatch.chdir(Path(__file__).resolve().parents[2])
    argv, match = cases(tmp_path)[name]
    assert main(argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith(f"lrtheory {argv[0]}: error: ")
    assert "Traceback" not in captured.err
    import re

    assert re.search(match, lines[0]), lines[0]


def test_debug_shows_traceback():
    with pytest.raises(LrtheoryError):
        main(["--debug", "bands", "--model", "nope"])


def test_subprocess_smoke():
    r = subprocess.run([sys.executable, "-m", "lrtheory.cli.main", "bands", "--width", "0"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines() == [
        "lrtheory bands: error: --width must be a positive integer (unit cells), got '0'"]


def test_shared_checks():
    assert check_eta("1e-3") == 1e-3 and check_width("4") == 4
    for bad in ("0", "-1", "nan", "inf", "x"):
        with pytest.raises(ConventionError, match="--eta must be a positive"):
            check_eta(bad)
    for bad in ("0", "-2", "1.5", "x"):
        with pytest.raises(ConventionError, match="--width must be a positive integer"):
            check_width(bad)


def test_convergence_warning_states_error():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert warn_if_unconverged(1e-9, 1e-6) is True
    with pytest.warns(ConvergenceWarning, match=r"estimated error 0.002 > tolerance 1e-06"):
        assert warn_if_unconverged(2e-3, 1e-6, what="OMM density") is False


def test_too_small_nk_warns_with_estimated_error(capsys):
    """Nk too small: one warning line with the estimated error (change when Nk doubles),
    exit status still 0 (a warning, not an error)."""
    from lrtheory.cli.main import main as _main

    assert _main(["accumulate", "--width", "4", "--nk", "16", "--ef", "1.5"]) == 0
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if "warning" in ln]
    assert len(lines) == 1 and "not converged" in lines[0] and "estimated error" in lines[0]
    assert _main(["hall", "--nk", "20", "--n-ef", "5"]) == 0
    err = capsys.readouterr().err
    assert "not converged" in err and "Traceback" not in err


@pytest.mark.parametrize("value,msg", [("nan", "not a real number"), ("1e400", "not finite"),
                                       ("oo", "not finite"), ("1+I", "not a real number")])
def test_non_finite_numbers_are_one_line_errors(capsys, value, msg):
    from lrtheory.cli.main import main as _main

    assert _main(["accumulate", "--width", "4", "--nk", "16", "--ef", value]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and msg in err[0]
