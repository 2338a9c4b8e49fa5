"""User text is data, never code (issue #13 section 1), and binary junk is one line (section 2).

Every entry point that reads a number or a formula from the user gets the attack strings of
the issue: ``bands --param``, ``accumulate --ef``, ``flake --t2``, ``bands --path``, a TOML and
a JSON model file, a SymPy-matrix model file, a ``--param`` override of a model file. The
attack would create a marker file (relative, in the working directory, which is tmp_path, and
absolute); it must never appear, the exit status must be non-zero and stderr one line without
a traceback. Run in-process through ``lrtheory.cli.main:main`` and, twice, as a subprocess.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lrtheory.cli.main import main
from lrtheory.errors import InputFileError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def attacks(marker: Path) -> list[str]:
    m = str(marker)
    return [
        "__import__('os').system('touch pwned')",
        f"__import__('os').system('touch {m}')",
        f"open('{m}', 'w')",
        f"(lambda: __import__('pathlib').Path('{m}').touch())()",
        "().__class__.__base__.__subclasses__()",
        "9**9**9",
    ]


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    """Work in tmp_path; yield the absolute marker; check neither marker appeared."""
    monkeypatch.chdir(tmp_path)
    marker = tmp_path / "marker"
    yield marker
    assert not marker.exists() and not (tmp_path / "pwned").exists()


def _one_error_line(capsys, argv, code) -> str:
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert code not in (0, None), f"{argv}: exit status {code}"
    assert "Traceback" not in err, err
    assert len(lines) == 1, f"{argv}: stderr has {len(lines)} lines:\n{err}"
    assert len(lines[0]) < 400
    return lines[0]


def _run(capsys, argv) -> str:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse errors
        code = exc.code
    return _one_error_line(capsys, argv, code)


def _haldane_toml(t_expr: str = "-t0", phi: str = "pi/2") -> str:
    return (EXAMPLES / "haldane.toml").read_text().replace('t = "-t0"', f"t = {json.dumps(t_expr)}",
                                                         1).replace('phi = "pi/2"',
                                                                    f"phi = {json.dumps(phi)}", 1)


def _cli_cases(marker, tmp_path):
    cases = []
    for i, a in enumerate(attacks(marker)):
        cases += [
            ["bands", "--param", f"t2={a}"],
            ["accumulate", "--width", "4", "--nk", "16", "--ef", a],
            ["flake", "--nx", "2", "--ny", "2", "--t2", a],
            ["bands", "--path", f"[0,0]-[{a},0.5]"],
            ["hall", "--nk", "8", "--param", f"phi={a}"],
        ]
        toml = tmp_path / f"attack{i}.toml"
        toml.write_text(_haldane_toml(t_expr=a))
        cases.append(["bands", "--model", str(toml)])
        ptoml = tmp_path / f"attack_param{i}.toml"
        ptoml.write_text(_haldane_toml(phi=a))
        cases.append(["bands", "--model", str(ptoml)])
        cases.append(["bands", "--model", str(EXAMPLES / "haldane.toml"), "--param", f"t2={a}"])
        data = json.loads((EXAMPLES / "haldane.json").read_text())
        data["hoppings"][0]["t"] = a
        js = tmp_path / f"attack{i}.json"
        js.write_text(json.dumps(data, indent=1))
        cases.append(["bands", "--model", str(js)])
        sym = tmp_path / f"attack_sym{i}.toml"
        sym.write_text((EXAMPLES / "qwz.toml").read_text().replace(
            '"m + cos(kx) + cos(ky)"', json.dumps(f"m + cos(kx) + {a}"), 1))
        cases.append(["bands", "--model", str(sym)])
        tr = tmp_path / f"attack_tr{i}.toml"
        tr.write_text((EXAMPLES / "qwz.toml").read_text().replace(
            'time_reversal = "auto"', f"time_reversal = [[{json.dumps(a)}, 0], [0, 1]]", 1))
        cases.append(["bands", "--model", str(tr)])
    return cases


def test_attack_strings_through_every_cli_entry_point(sandbox, tmp_path, capsys):
    cases = _cli_cases(sandbox, tmp_path)
    assert len(cases) >= 60
    for argv in cases:
        line = _run(capsys, argv)
        assert line.startswith(f"lrtheory {argv[0]}: error: "), line
    # the model-file messages name the file and the entry
    line = _run(capsys, ["bands", "--model", str(tmp_path / "attack0.toml")])
    assert "attack0.toml: hoppings[0].t (line" in line and "not allowed" in line
    line = _run(capsys, ["bands", "--model", str(tmp_path / "attack_sym5.toml")])
    assert "hamiltonian (line 8) entry [0][0]" in line and "exceeds the limit 1000" in line


def test_cli_division_by_zero_and_huge_power_are_one_line(sandbox, tmp_path, capsys):
    assert "exceeds the limit 1000" in _run(capsys, ["bands", "--param", "t2=9**9**9"])
    assert "division by zero" in _run(capsys, ["accumulate", "--ef", "1/0"])
    f = tmp_path / "zero.toml"
    f.write_text((EXAMPLES / "qwz.toml").read_text().replace('"sin(kx) - I*sin(ky)"',
                                                             '"1/0"', 1))
    assert "division by zero in '1/0'" in _run(capsys, ["bands", "--model", str(f)])
    g = tmp_path / "pole.toml"
    g.write_text((EXAMPLES / "qwz.toml").read_text().replace('"m + cos(kx) + cos(ky)"',
                                                             '"1/(m + 1) + cos(kx)"', 1))
    line = _run(capsys, ["bands", "--model", str(g)])
    assert "entry [0][0]" in line and "not finite at the parameter values" in line


def test_valid_expressions_still_work(sandbox, capsys):
    assert main(["bands", "--param", "t2=3*sqrt(3)*0.06/10", "--param", "phi=pi/2",
                 "--nk", "20", "--path", "G-[atan2(1, 2)/pi, 0]-[0.5, 1/2]"]) == 0
    assert "Traceback" not in capsys.readouterr().err


def test_subprocess_end_to_end(tmp_path):
    """The real program: the attack exits non-zero with one line and creates nothing."""
    marker = tmp_path / "marker"
    for argv in (["bands", "--param", f"t2=__import__('os').system('touch {marker}')"],
                 ["bands", "--path", f"[0,0]-[open('{marker}','w'),0.5]"]):
        r = subprocess.run([sys.executable, "-m", "lrtheory.cli.main", *argv], cwd=tmp_path,
                           capture_output=True, text=True, timeout=120)
        lines = r.stderr.strip().splitlines()
        assert r.returncode != 0 and len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
        assert lines[0].startswith("lrtheory bands: error: ")
        assert not marker.exists()


# -- binary junk ---------------------------------------------------------------------------
JUNK = bytes([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0xFF, 0xFE, 0x00, 0x01]) * 20


@pytest.mark.parametrize("name", ["junk.toml", "junk.json"])
def test_binary_model_file_is_one_line(tmp_path, capsys, name):
    from lrtheory.io.model_files import load_model_file

    f = tmp_path / name
    f.write_bytes(JUNK)
    with pytest.raises(InputFileError, match=r"junk\.(toml|json): not a text file \(byte 0x89 "
                                             r"at offset 0 is not UTF-8\)"):
        load_model_file(f)
    line = _run(capsys, ["bands", "--model", str(f)])
    assert "not a text file" in line


def test_nul_bytes_bom_and_late_bad_byte(tmp_path):
    from lrtheory.io.model_files import load_model_file

    f = tmp_path / "m.toml"
    f.write_bytes(b'name = "x"\n\x00\n')
    with pytest.raises(InputFileError, match=r"not a text file \(byte 0x00 at offset 11\)"):
        load_model_file(f)
    f.write_bytes(b'name = "\xc3\xa9"\n\xe9\n')  # 8 + 2 + 1 + 1 bytes before 0xe9
    with pytest.raises(InputFileError, match=r"byte 0xe9 at offset 12 is not UTF-8"):
        load_model_file(f)
    f.write_bytes(b"\xef\xbb\xbf" + (EXAMPLES / "haldane.toml").read_bytes())
    assert load_model_file(f).n_orbitals == 2  # a UTF-8 BOM is fine


@pytest.mark.parametrize("suffix", ["_hr.dat", "_tb.dat", "_centres.xyz"])
def test_binary_wannier90_files_are_one_line(tmp_path, suffix):
    from lrtheory.io import wannier90 as w

    f = tmp_path / f"junk{suffix}"
    f.write_bytes(b"written on 1 Jan\n" + JUNK)
    reader = {"_hr.dat": w.read_hr_dat, "_tb.dat": w.read_tb_dat,
              "_centres.xyz": lambda p: w.read_centres_xyz(p, 2)}[suffix]
    with pytest.raises(InputFileError, match=r"not a text file \(byte 0x89 at offset 17 is not "
                                             r"UTF-8\)"):
        reader(f)


def test_bad_model_paths_are_typed_errors(tmp_path):
    from lrtheory.io.model_files import load_model_file

    for bad in (None, 3, b"m.toml", ["m.toml"]):
        with pytest.raises(InputFileError, match="model file path must be a str or path"):
            load_model_file(bad)
    d = tmp_path / "dir.toml"
    d.mkdir()
    with pytest.raises(InputFileError, match="not a regular file"):
        load_model_file(d)
    with pytest.raises(InputFileError, match="unknown model file type"):
        load_model_file("/dev/zero")  # refused by its name, never read
    big = tmp_path / "big.json"
    big.write_text('{"lattice": [[' + "9" * 5000 + "]]}")
    with pytest.raises(InputFileError, match="malformed JSON"):
        load_model_file(big)
    deep = tmp_path / "deep.json"
    deep.write_text('{"lattice": ' + "[" * 100000 + "]" * 100000 + "}")
    with pytest.raises(InputFileError, match="malformed JSON"):
        load_model_file(deep)
