"""``lrtheory verify``: exit codes, --only, --json structure, and a broken derivation."""
from __future__ import annotations

import io
import json
import subprocess
import sys
from types import SimpleNamespace

import pytest

from lrtheory.cli import cmd_verify
from lrtheory.cli.main import main
from lrtheory.derivations import registry as reg

FAST = ["eq24", "eq28", "w1"]


def _args(**kw):
    base = dict(json=False, only=None, list=False, verbose=False)
    base.update(kw)
    return SimpleNamespace(**base)


def _broken():
    rec = reg.Recorder("broken", "test", "deliberately wrong residual")
    rec.identity("1 = 2", 1 - 2)
    rec.wrong("x", 1)
    return rec.done()


def test_only_ok_exit_zero(capsys):
    assert main(["verify", "--only", "eq28", "--only", "w1"]) == 0
    out = capsys.readouterr().out
    assert "eq28" in out and "w1" in out and "2/2 verified" in out


def test_json_structure(capsys):
    assert main(["verify", "--json", "--only", "eq24"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["verified"] is True
    (d,) = payload["derivations"]
    for key in ("label", "equation", "statement", "residual", "verified", "seconds",
                "wrong_variant_failed", "checks", "findings"):
        assert key in d
    assert d["label"] == "eq24" and d["residual"] == "0"
    assert any(not c["expect_zero"] for c in d["checks"])


def test_broken_derivation_exits_one(monkeypatch):
    mod = SimpleNamespace(derive=_broken)
    monkeypatch.setitem(sys.modules, "lrtheory.derivations._broken_for_test", mod)
    bad = reg.Derivation("broken", "test", "broken", "_broken_for_test")
    monkeypatch.setattr(reg, "DERIVATIONS", [reg.get("w1"), bad])
    assert main(["verify"]) == 1
    out = io.StringIO()
    assert cmd_verify.run(_args(json=True), out=out) == 1
    payload = json.loads(out.getvalue())
    assert payload["verified"] is False
    assert [d["verified"] for d in payload["derivations"]] == [True, False]


def test_monkeypatched_wrong_residual_exits_one(monkeypatch):
    # break a real derivation: its function now returns a result with a non-zero residual
    d = reg.get("w1")
    monkeypatch.setattr(reg.Derivation, "load", lambda self: _broken)
    assert cmd_verify.run(_args(only=[d.label]), out=io.StringIO()) == 1


def test_unknown_label_is_one_line_error(capsys):
    assert main(["verify", "--only", "nope"]) == 2
    assert "unknown derivation" in capsys.readouterr().err


def test_list(capsys):
    assert main(["verify", "--list"]) == 0
    out = capsys.readouterr().out
    assert all(lbl in out for lbl in ("eq22", "eq41", "s18"))


@pytest.mark.parametrize("script", ["derivations/eq28_fermi_surface.py"])
def test_derivation_runs_as_script(script):
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[2]
    p = subprocess.run([sys.executable, str(root / script)], capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 0, p.stderr
    assert "[VERIFIED] eq28" in p.stdout
