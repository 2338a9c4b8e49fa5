"""``lrtheory where``: derivation, kernels, tests and docs of a paper equation; bad input."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from lrtheory.cli.main import main
from lrtheory.equations import EQUATIONS


def _run(argv, capsys):
    rc = main(["where", *argv])
    out, err = capsys.readouterr()
    return rc, out, err


def test_eq57_names_printed_and_corrected_kernels_and_its_derivation(capsys):
    rc, out, err = _run(["57"], capsys)
    assert rc == 0 and not err
    assert out.startswith("Eq. 57")
    assert "lrtheory.response.omm.paper_omm_eq57  [as printed]" in out or (
        "paper_omm_eq57" in out and "now defined in" in out)  # moved: the new home is named
    assert "omm_matrix" in out and "[corrected]" in out
    assert "derivations/eq57_ribbon_omm.py" in out and "lrtheory verify --only eq57" in out
    assert "finding 8:" in out and "gauge dependent" in out
    assert ("tests/physics/test_omm_ribbon.py::test_printed_eq57_diagonal_and_gauge_dependence"
            in out)
    assert "docs/derivations.md#ribbons-and-the-omm-density" in out


def test_s18_names_its_derivation_module_and_finding(capsys):
    rc, out, _ = _run(["S18"], capsys)
    assert rc == 0
    assert "derivations/s18_edelstein.py" in out and "lrtheory verify --only s18" in out
    assert "finding 5:" in out
    assert "tests/physics/test_rashba_edelstein.py::test_closed_form_and_printed_S18" in out


@pytest.mark.parametrize("argv", [["eq.", "24"], ["eq. 24"], ["Eq.", "(24)"], ["24"], ["eq24"]])
def test_eq24_any_spelling(argv, capsys):
    rc, out, _ = _run(argv, capsys)
    assert rc == 0
    assert out.startswith("Eq. 24") and "derivations/eq24_decomposition.py" in out
    assert "tests/properties/test_reciprocity.py::test_decomposition_eq24" in out


def test_an_equation_inside_a_group_names_its_record(capsys):
    rc, out, _ = _run(["38"], capsys)
    assert rc == 0 and out.startswith("Eq. 38: see Eq. 41")
    assert "derivations/eq41_net_torque.py" in out


def test_several_equations(capsys):
    rc, out, _ = _run(["24", "S18"], capsys)
    assert rc == 0 and "Eq. 24" in out and "S18" in out and "\n\n" in out


def test_list_has_one_line_per_record(capsys):
    rc, out, _ = _run(["--list"], capsys)
    lines = out.strip().splitlines()
    assert rc == 0 and len(lines) == len(EQUATIONS)
    assert any(line.startswith("Eq. 44 ") and "no derivation yet" in line for line in lines)


def test_equation_without_derivation_says_so(capsys):
    rc, out, _ = _run(["44"], capsys)
    assert rc == 0 and "derivation: none registered (no derivation yet)" in out
    assert "external_torque_sea" in out


def test_json(capsys):
    rc, out, _ = _run(["33", "--json"], capsys)
    d = json.loads(out)
    assert rc == 0 and d["label"] == "Eq. 33" and d["findings"][0]["number"] == 1
    assert d["derivations"][0]["module"] == "derivations/eq33_identity.py"
    rc, out, _ = _run(["--list", "--json"], capsys)
    assert len(json.loads(out)) == len(EQUATIONS)


@pytest.mark.parametrize("argv,needle", [
    (["59"], "close matches: Eq. 58"),
    (["S99"], "close matches: S55"),
    (["x"], "not an equation label"),
    (["__import__('os').system('touch pwned')"], "not an equation label"),
    (["57;", "rm"], "not an equation label"),
    ([], "name an equation"),
    (["9" * 5000], "longer than"),
])
def test_unknown_or_bad_input_is_one_line_exit_2(argv, needle, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rc, out, err = _run(argv, capsys)
    assert rc == 2 and not out
    assert err.count("\n") == 1 and err.startswith("lrtheory where: error: ") and needle in err
    assert not (tmp_path / "pwned").exists()


def test_console_command_starts_and_answers(tmp_path):
    """The installed entry point (a subprocess: the real start-up path)."""
    env = dict(os.environ)
    r = subprocess.run([sys.executable, "-m", "lrtheory.cli.main", "where", "S24"],
                       capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "generalized_berry_curvature" in r.stdout
    assert "derivations/s24_berry_curvature.py" in r.stdout


def test_kernel_reverse_lookup(capsys):
    rc, out, _ = _run(["--kernel", "paper_omm_eq57"], capsys)
    assert rc == 0 and out.startswith("Eq. 57") and "[as printed]" in out
    rc, out, _ = _run(["--kernel", "lrtheory.response.density.ribbon_accumulation"], capsys)
    assert rc == 0 and "Eq. 55" in out


@pytest.mark.parametrize("argv,needle", [
    (["--kernel", "not_a_kernel_anywhere"], "no equation record names a kernel"),
    (["--kernel", "os.system('x')"], "a kernel name is a Python identifier"),
    (["--kernel", "omm_matrix", "57"], "--kernel takes no EQUATION"),
])
def test_kernel_bad_input(argv, needle, capsys):
    rc, out, err = _run(argv, capsys)
    assert rc == 2 and not out and err.count("\n") == 1 and needle in err


def test_answers_for_every_equation_in_derivations_md(capsys):
    """issue #14 'Done when': the lookup command answers for every equation the page names."""
    from tests.unit.test_equations import _doc_text_outside_index, _mentioned_labels

    labels = sorted(_mentioned_labels(_doc_text_outside_index()))
    assert len(labels) > 60
    for label in labels:
        rc, out, err = _run([label], capsys)
        assert rc == 0 and not err, (label, err)
        assert "statement:" in out and "tests:" in out and "docs:" in out


def test_finding(capsys):
    rc, out, _ = _run(["finding", "8"], capsys)
    assert rc == 0 and out.startswith("finding 8 [S53-S55, Eq. 56-57]")
    assert "Eq. 57" in out and "Eq. 56" in out
    rc, out, err = _run(["finding", "0"], capsys)
    assert rc == 2 and not out and "no finding 0" in err


def test_out_writes_the_records_with_the_command_line(tmp_path, capsys):
    path = tmp_path / "eq57.json"
    rc, out, _ = _run(["57", "--out", str(path)], capsys)
    assert rc == 0 and out.startswith("Eq. 57")
    d = json.loads(path.read_text())
    text = json.dumps(d)
    assert "paper_omm_eq57" in text and "eq57" in text and "where" in text
    rc, _, err = _run(["57", "--out", str(tmp_path / "missing" / "x.json")], capsys)
    assert rc == 2 and "does not exist" in err
