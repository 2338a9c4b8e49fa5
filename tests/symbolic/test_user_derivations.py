"""``lrtheory verify --path DIR``: a user's own derivation files (issue #17), and the
tutorial derivation of docs/own-derivation.md (examples/user_derivations/charge_zeeman.py).

Loader: a good folder verifies (exit 0); a wrong claim or a "wrong variant" that is in fact
zero is reported FAILED (exit 1); a crash inside derive() is FAILED with the file named;
a syntax error, a missing folder, an empty folder, a file without derive() or a label taken
by a built-in derivation is one error line naming the path (exit 2), never a traceback.
"""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

import numpy as np
import pytest

from lrtheory.cli.main import main
from lrtheory.derivations.user import discover, load_file

ROOT = Path(__file__).resolve().parents[2]
TUTORIAL = ROOT / "examples" / "user_derivations"

# a fast derivation in the format of the tutorial: (a + b)^2 expands, with a wrong variant
GOOD = '''
"""Binomial square: (a + b)^2 = a^2 + 2ab + b^2."""
import sympy as sp
from lrtheory.derivations.registry import Recorder

LABEL = "binomial"
EQUATION = "user: algebra"


def derive():
    a, b = sp.symbols("a b")
    rec = Recorder(LABEL, EQUATION, "(a + b)^2 = a^2 + 2ab + b^2")
    rec.identity("square", (a + b) ** 2 - (a**2 + 2 * a * b + b**2))
    rec.wrong("missing cross term", (a + b) ** 2 - (a**2 + b**2))
    return rec.done()
'''


def _folder(tmp_path, name, text, sub="mine"):
    d = tmp_path / sub
    d.mkdir(exist_ok=True)
    (d / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return d


def _one_error_line(capsys, *needles):
    err = capsys.readouterr().err.strip().splitlines()
    err = [ln for ln in err if ln.strip()]
    assert len(err) == 1, err
    assert "Traceback" not in err[0]
    for n in needles:
        assert n in err[0], err[0]
    return err[0]


def test_good_folder_verifies(tmp_path, capsys):
    d = _folder(tmp_path, "binomial.py", GOOD)
    (d / "_broken.py").write_text("raise RuntimeError('files starting with _ are not run')\n")
    assert main(["verify", "--path", str(d), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "binomial" in out and "1/1 verified" in out and "eq22" not in out


def test_helper_beside_the_file_is_importable(tmp_path, capsys):
    import sys

    d = _folder(tmp_path, "_shared_sym.py", "import sympy as sp\nA, B = sp.symbols('a b')\n")
    _folder(tmp_path, "uses_helper.py", GOOD.replace(
        "from lrtheory.derivations.registry import Recorder",
        "from lrtheory.derivations.registry import Recorder\nfrom _shared_sym import A, B"
    ).replace('    a, b = sp.symbols("a b")', "    a, b = A, B"))
    before = list(sys.path)
    assert main(["verify", "--path", str(d), "--quiet"]) == 0
    assert sys.path == before  # the folder was importable only while the file loaded
    assert "1/1 verified" in capsys.readouterr().out


def test_json_list_and_builtin(tmp_path, capsys):
    d = _folder(tmp_path, "binomial.py", GOOD)
    assert main(["verify", "--path", str(d), "--json", "--quiet"]) == 0
    payload = json.loads(capsys.readouterr().out)
    (r,) = payload["derivations"]
    assert r["label"] == "binomial" and r["verified"] and r["wrong_variant_failed"]
    assert main(["verify", "--path", str(d), "--list"]) == 0
    assert "binomial" in capsys.readouterr().out
    assert main(["verify", "--path", str(d), "--builtin", "--only", "w1", "--only",
                 "binomial", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "w1" in out and "binomial" in out and "2/2 verified" in out


@pytest.mark.parametrize("old, new, shown", [
    # a wrong claim: the identity leaves 2*a*b
    ("(a**2 + 2 * a * b + b**2))", "(a**2 + b**2))", "2*a*b"),
    # a 'wrong variant' that is in fact zero: the check could not fail, so FAILED too
    ("(a + b) ** 2 - (a**2 + b**2))", "0)", "wrong variant FAIL"),
])
def test_wrong_derivation_reported_failed(tmp_path, capsys, old, new, shown):
    d = _folder(tmp_path, "binomial.py", GOOD.replace(old, new))
    assert main(["verify", "--path", str(d), "--quiet"]) == 1
    out = capsys.readouterr().out
    assert "FAILED" in out and "0/1 verified" in out and " ".join(shown.split()) in " ".join(
        out.split())


def test_crash_inside_derive_names_the_file(tmp_path, capsys):
    crash = GOOD.replace("    a, b = sp.symbols(\"a b\")", "    raise ValueError('oops')")
    d = _folder(tmp_path, "binomial.py", crash)
    assert main(["verify", "--path", str(d), "--quiet"]) == 1
    out = capsys.readouterr().out
    assert "FAILED" in out and f"{d / 'binomial.py'}: ValueError: oops" in out


@pytest.mark.parametrize("text, needle", [
    ("def derive(:\n    pass\n", "bad.py:1: syntax error"),
    ("import no_such_module_xyz\n", "bad.py: error while loading: ModuleNotFoundError"),
    ("x = 1\n", "bad.py: defines no function derive()"),
    ("LABEL = 'eq22'\ndef derive():\n    pass\n", "label 'eq22' is already used"),
    ("LABEL = ''\ndef derive():\n    pass\n", "LABEL must be a non-empty string"),
])
def test_bad_file_is_one_line_exit_two(tmp_path, capsys, text, needle):
    d = _folder(tmp_path, "bad.py", text)
    assert main(["verify", "--path", str(d), "--quiet"]) == 2
    _one_error_line(capsys, needle, str(d))


def test_missing_empty_and_not_python(tmp_path, capsys):
    assert main(["verify", "--path", str(tmp_path / "nope")]) == 2
    _one_error_line(capsys, "no such folder or file", "nope")
    (tmp_path / "empty").mkdir()
    assert main(["verify", "--path", str(tmp_path / "empty")]) == 2
    _one_error_line(capsys, "no derivation files")
    (tmp_path / "notes.txt").write_text("x")
    assert main(["verify", "--path", str(tmp_path / "notes.txt")]) == 2
    _one_error_line(capsys, "must end in .py")


def test_two_files_one_label(tmp_path, capsys):
    d = _folder(tmp_path, "one.py", GOOD)
    _folder(tmp_path, "two.py", GOOD)
    assert main(["verify", "--path", str(d)]) == 2
    _one_error_line(capsys, "two.py: label 'binomial' is already used by", "one.py")


def test_single_file_path_and_defaults(tmp_path):
    text = GOOD.replace('LABEL = "binomial"\n', "").replace("LABEL, EQUATION", '"b", EQUATION')
    d = _folder(tmp_path, "square_rule.py", text)
    (der,) = discover([d / "square_rule.py", d])  # named twice: runs once
    assert der.label == "square_rule" and der.summary.startswith("Binomial square")
    assert der.path == str((d / "square_rule.py").resolve())


# -- the tutorial derivation ---------------------------------------------------------------
@pytest.fixture(scope="module")
def tutorial():
    return load_file(TUTORIAL / "charge_zeeman.py").derive()


def test_tutorial_derivation_verifies(tutorial):
    r = tutorial
    assert r.verified, str(r)
    ids = [c for c in r.checks if c.expect_zero]
    wrongs = [c for c in r.checks if not c.expect_zero]
    assert len(ids) == 7 and all(c.passed and c.residual == "0" for c in ids)
    assert len(wrongs) == 3 and all(c.passed and c.residual != "0" for c in wrongs)


def test_tutorial_folder_is_what_the_docs_run():
    """The folder holds the two tutorial files, and docs/own-derivation.md shows the
    general one verbatim (its block runs in tests/docs/test_snippets.py)."""
    labels = [d.label for d in discover([TUTORIAL])]
    assert labels == ["charge_zeeman", "zeeman_general"]
    page = (ROOT / "docs" / "own-derivation.md").read_text(encoding="utf-8")
    assert (TUTORIAL / "zeeman_general.py").read_text(encoding="utf-8") in page


def test_general_tutorial_derivation_verifies():
    r = load_file(TUTORIAL / "zeeman_general.py").derive()
    assert r.verified, str(r)
    assert sum(not c.expect_zero for c in r.checks) == 2 and r.wrong_variant_failed


def _spinful_system(rng, n_sites=4):
    from lrtheory.finite.random_systems import random_tr_invariant

    return random_tr_invariant(n_sites, rng, spinful=True)


def _operators(system):
    n = system.n_states
    site = np.arange(n) // 2
    spin = np.where(np.arange(n) % 2 == 0, 1.0, -1.0)
    n1 = np.diag((site == 0).astype(float)).astype(complex)
    n2 = np.diag((site == 1).astype(float)).astype(complex)
    return n1, n2, np.diag(spin).astype(complex)


def test_numeric_consequences_on_random_models(rng):
    """Independent of the symbolic proof, on random TR-invariant spin-1/2 models (exact
    diagonalization, lrtheory.finite): (i) <n_1>(h) of H + h sigma_z is even in h, so the
    static linear response is zero; (ii) the Kubo chi_{n1,sz}(0) at finite eta is O(eta)
    (halving eta halves it), and chi_{n1,sz}(w) = -chi_{sz,n1}(w); counter-example: the
    TR-even pair (n_1, n_2) has a finite eta -> 0 limit (ratio -> 1)."""
    from lrtheory.finite.response import expectation, response
    from lrtheory.finite.system import FiniteSystem

    for _ in range(5):
        s = _spinful_system(rng)
        n1, n2, sz = _operators(s)
        h = 1e-3
        up = FiniteSystem(s.hamiltonian + h * sz, s.positions, 2)
        dn = FiniteSystem(s.hamiltonian - h * sz, s.positions, 2)
        kw = dict(temperature=0.3, ef=0.1)
        d = expectation(up, n1, **kw) - expectation(dn, n1, **kw)
        assert abs(d) < 1e-12  # even in h to rounding (it would be ~h * chi otherwise)
        chi = [response(s, n1, sz, eta=e, **kw) for e in (1e-3, 5e-4)]
        assert abs(chi[0]) > 0 and abs(chi[0] / chi[1] - 2) < 1e-4
        r = response(s, n1, sz, eta=0.05, omega=0.4, **kw)
        assert abs(r + response(s, sz, n1, eta=0.05, omega=0.4, **kw)) < 1e-12 * (1 + abs(r))
        even = [response(s, n1, n2, eta=e, **kw) for e in (1e-3, 5e-4)]
        assert abs(even[0]) > 1e-3 and abs(even[0] / even[1] - 1) < 1e-4
