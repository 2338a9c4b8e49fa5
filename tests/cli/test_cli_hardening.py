"""CLI hardening (issue #13 sections 2, 4, 6): output paths validated before any computation,
complete result metadata, uniform options, the sign of the Hall conductivity, the default E_F
window, help layout, one-line messages, progress lines, Wannier90 model files.

Everything runs in-process through ``lrtheory.cli.main.main(argv)``; one subprocess check at
the end. All outputs go to ``tmp_path``.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from lrtheory.cli.main import COMMANDS, build_parser, main
from lrtheory.io.results import load_result, save_result

ROOT = Path(__file__).resolve().parents[2]
HALDANE_TOML = ROOT / "examples" / "haldane.toml"
#: the built-in Haldane defaults as documented (README / docs/haldane.md), not read from code
HALDANE_DEFAULTS = {"t0": 1.0, "t2": 0.06, "phi": math.pi / 2, "delta": 0.5}


def _err(capsys) -> str:
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


# -- 1. outputs never traceback, validated before any computation --------------------------
BAD_OUTPUTS = [
    (["--out", "/proc/1/x.npz"], r"--out /proc/1/x.npz: folder /proc/1 is not writable"),
    (["--plot", "/proc/1/x.png"], r"--plot /proc/1/x.png: folder /proc/1 is not writable"),
    (["--out", "{tmp}"], r"is a directory"),
    (["--plot", "{tmp}"], r"is a directory"),
    (["--plot", "{tmp}/p.txt"], r"unknown file type '.txt'"),
    (["--plot", "{tmp}/p.xyz"], r"unknown file type '.xyz'"),
    (["--out", "{tmp}/r.png"], r"unknown file type '.png'; use one of .npz, .json"),
    (["--out", "{tmp}/nofolder/r.npz"], r"does not exist"),
    (["--out", "{tmp}/same.npz", "--plot", "{tmp}/same.npz"], r"--plot .*unknown file type"),
]
COMMANDS_WITH_OUT_AND_PLOT = [
    ["bands"],
    ["hall", "--nk", "16"],
    ["accumulate", "--width", "3", "--nk", "16"],
    ["flake", "--nx", "2", "--ny", "2"],
]


@pytest.mark.parametrize("cmd", COMMANDS_WITH_OUT_AND_PLOT, ids=lambda c: c[0])
@pytest.mark.parametrize("extra,match", BAD_OUTPUTS, ids=lambda x: str(x)[:30])
def test_bad_output_paths_are_one_line_before_any_work(cmd, extra, match, tmp_path, capsys):
    import re

    # a model that cannot load (and, for flake, a bad eta): if anything ran before the output
    # paths were checked, the message would be about the model instead
    bad_input = ["--eta", "-1"] if cmd[0] == "flake" else ["--model", "no-such-model"]
    argv = cmd + bad_input + [x.replace("{tmp}", str(tmp_path)) for x in extra]
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main(argv) == 2
    line = _err(capsys)
    assert line.startswith(f"lrtheory {cmd[0]}: error: "), line
    assert re.search(match, line), line
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written


def test_same_path_for_two_outputs_is_refused():
    from lrtheory.cli.common import check_output_paths
    from lrtheory.errors import LrtheoryError

    ns = argparse.Namespace(out="r.json", plot="./r.json", plot_suffixes=(".json",))
    with pytest.raises(LrtheoryError, match="same file"):
        check_output_paths(ns)


def test_figure_out_onto_a_file_or_unwritable_folder(tmp_path, capsys, monkeypatch):
    import lrtheory.plots.figures as figures

    monkeypatch.setattr(figures, "make_figure", lambda *a, **k: pytest.fail("computed"))
    plain = tmp_path / "plain"
    plain.write_text("x")
    assert main(["figure", "1", "--out", str(plain)]) == 2
    assert "is a file, not a folder" in _err(capsys)
    assert main(["figure", "1", "--out", "/proc/1/figs"]) == 2
    assert "not writable" in _err(capsys)
    assert main(["figure", "1", "--out", str(plain / "sub")]) == 2
    assert "is not a folder" in _err(capsys)


def test_writer_turns_oserror_into_one_typed_line(tmp_path):
    from lrtheory.errors import LrtheoryError

    with pytest.raises(LrtheoryError, match=r"cannot write /proc/1/x.npz"):
        save_result("/proc/1/x.npz", {"a": [1.0]})
    (tmp_path / "d.npz").mkdir()
    with pytest.raises(LrtheoryError, match=r"cannot write .*d.npz: Is a directory"):
        save_result(tmp_path / "d.npz", {"a": [1.0]})


def test_plot_accepts_what_matplotlib_writes(tmp_path, capsys):
    out = tmp_path / "b.pdf"
    assert main(["bands", "--nk", "20", "--plot", str(out)]) == 0
    assert out.read_bytes()[:4] == b"%PDF"


# -- 2. result metadata complete ----------------------------------------------------------
def _meta(path):
    return load_result(path)[1]


def test_hall_out_on_builtin_haldane_stores_every_parameter(tmp_path, monkeypatch, capsys):
    from lrtheory import __version__

    out = tmp_path / "h.json"
    argv = ["hall", "--nk", "16", "--n-ef", "5", "--out", str(out)]
    monkeypatch.setattr(sys, "argv", ["lrtheory"] + argv)
    assert main(argv) == 0
    meta = _meta(out)
    assert meta["parameters"].keys() == HALDANE_DEFAULTS.keys()
    for k, v in HALDANE_DEFAULTS.items():
        assert meta["parameters"][k] == pytest.approx(v, rel=1e-15)
    assert meta["command_line"] == ["lrtheory"] + argv
    assert meta["lrtheory_version"] == __version__
    assert meta["settings"]["nk"] == 16 and meta["settings"]["n_ef"] == 5
    assert meta["settings"]["operator"] == "charge"


def test_accumulate_out_stores_defaults_and_overrides(tmp_path, capsys):
    out = tmp_path / "a.npz"
    assert main(["accumulate", "--width", "3", "--nk", "16", "--ef", "0.2",
                 "--param", "t2=0.1", "--out", str(out)]) == 0
    meta = _meta(out)
    expected = dict(HALDANE_DEFAULTS, t2=0.1)
    assert meta["parameters"] == pytest.approx(expected)
    assert meta["parameters_overridden"] == ["t2"]
    assert meta["settings"]["nk"] == 16 and float(meta["settings"]["ef"]) == 0.2


def test_model_file_out_stores_values_in_effect_and_sha256(tmp_path, capsys):
    out = tmp_path / "b.json"
    assert main(["bands", "--model", str(HALDANE_TOML), "--param", "delta=0.3", "--nk", "20",
                 "--out", str(out)]) == 0
    meta = _meta(out)
    assert meta["model_file_sha256"] == hashlib.sha256(HALDANE_TOML.read_bytes()).hexdigest()
    # examples/haldane.toml declares t0 = 1, t2 = 0.06, phi = pi/2, delta = 0.5
    assert meta["parameters"] == pytest.approx(dict(HALDANE_DEFAULTS, delta=0.3))


@pytest.mark.parametrize("argv", [
    ["symmetry", "--width", "3"],
    ["flake", "--nx", "2", "--ny", "2", "--t2", "0.1"],
    ["bands", "--model", "gapped-graphene", "--nk", "20"],
])
def test_every_command_out_has_provenance(argv, tmp_path, monkeypatch, capsys):
    out = tmp_path / "r.json"
    full = argv + ["--out", str(out)]
    monkeypatch.setattr(sys, "argv", ["lrtheory"] + full)
    assert main(full) == 0
    meta = _meta(out)
    assert meta["command"] == argv[0]
    assert meta["command_line"] == ["lrtheory"] + full
    assert meta["lrtheory_version"]
    assert meta["parameters"]
    if argv[0] == "flake":
        assert meta["parameters"]["t2"] == 0.1 and meta["parameters"]["eta"] == 0.01
    if argv[0] == "bands":
        assert meta["parameters"] == {"t0": 1.0, "delta": 0.5}


# -- 3. uniform options ---------------------------------------------------------------------
def _sub(name):
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices[name]


@pytest.mark.parametrize("name", [c.removeprefix("cmd_") for c in COMMANDS])
def test_every_command_has_out_and_json(name):
    opts = {o for a in _sub(name)._actions for o in a.option_strings}
    assert {"--out", "--json"} <= opts, name


def test_readme_states_the_options_exactly():
    text = (ROOT / "README.md").read_text()
    assert "Every command takes `--out`" in text and "`--json`" in text
    for name in ("bands", "hall", "accumulate", "symmetry"):
        opts = {o for a in _sub(name)._actions for o in a.option_strings}
        assert "--model" in opts
    for name in ("bands", "hall", "accumulate", "flake"):
        opts = {o for a in _sub(name)._actions for o in a.option_strings}
        assert "--plot" in opts


# -- 4. one sign for the Hall conductivity ------------------------------------------------------
def test_python_default_and_cli_agree_in_sign_for_haldane(capsys):
    from lrtheory.models.haldane import haldane
    from lrtheory.response.hall import chern_numbers, hall_conductivity

    model = haldane(t2=0.1, delta=0.2)
    C = float(np.sum(chern_numbers(model, nk=48).value[:1]))
    assert abs(abs(C) - 1) < 1e-6
    curve = hall_conductivity(model, [0.0], nk=48)  # default: the charge current
    assert "charge current j = -e v" in repr(curve) and curve.operator == "charge"
    assert curve.sigma_e2h[0] == pytest.approx(-C, abs=1e-6)
    assert curve.band_chern[0] == pytest.approx(C, abs=1e-6)
    assert main(["hall", "--param", "t2=0.1", "--param", "delta=0.2", "--nk", "48",
                 "--n-ef", "3", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["sigma_xy_in_gap_e2h"] == pytest.approx(curve.sigma_e2h[0], abs=1e-9)
    assert summary["occupied_chern"] == pytest.approx(C, abs=1e-6)
    assert "j = -e v" in summary["current"]


def test_particle_current_curve_refuses_sigma_e2h():
    from lrtheory.errors import ConventionError
    from lrtheory.models.haldane import haldane
    from lrtheory.response.hall import hall_conductivity

    curve = hall_conductivity(haldane(), [0.0], nk=16, operator=None)
    assert "particle (number) current" in repr(curve)
    with pytest.raises(ConventionError, match="operator='charge'"):
        curve.sigma_e2h


# -- 5. E_F window = band range ----------------------------------------------------------------
def test_hall_window_covers_wide_bands(capsys):
    assert main(["hall", "--param", "t0=3", "--nk", "16", "--n-ef", "5", "--json"]) == 0
    lo, hi = json.loads(capsys.readouterr().out)["ef_range"]
    # at Gamma, |sum_j exp(i k.d_j)| = 3 and the phi = pi/2 t2 term vanishes:
    # E = +-sqrt(delta^2 + (3 t0)^2) = +-sqrt(0.25 + 81): the band edges
    edge = math.sqrt(0.25 + 81.0)
    assert lo <= -edge and hi >= edge
    assert hi - lo < 1.2 * 2 * edge


def test_hall_window_options_have_help():
    helps = {a.dest: a.help for a in _sub("hall")._actions}
    for dest in ("ef_min", "ef_max", "n_ef"):
        assert helps[dest] and len(helps[dest]) > 20


# -- 6. help layout ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", [c.removeprefix("cmd_") for c in COMMANDS])
def test_examples_keep_their_lines(name):
    text = _sub(name).format_help()
    assert "examples:\n  lrtheory " + name in text, text[-400:]


def test_cli_docs_are_regenerated():
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        import gen_cli_docs
    finally:
        sys.path.pop(0)
    assert gen_cli_docs.main(["--check"]) == 0, "run python3 examples/gen_cli_docs.py"
    assert "\n  lrtheory verify --only eq22" in (ROOT / "docs" / "cli.md").read_text()


# -- 7. one-line messages -------------------------------------------------------------------------
def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return str(p)


@pytest.mark.parametrize("lattice,pos,R,dim", [("[[1]]", "[0]", "[1]", 1),
                                                ("[[1,0,0],[0,1,0],[0,0,1]]", "[0,0,0]",
                                                 "[1,0,0]", 3)])
def test_accumulate_on_1d_or_3d_model_is_one_line(lattice, pos, R, dim, tmp_path, capsys):
    f = _write(tmp_path, f"m{dim}.toml", f'lattice = {lattice}\n[[orbitals]]\nposition = {pos}\n'
               f'[[hoppings]]\nfrom = 0\nto = 0\nR = {R}\nt = "-1"\n')
    assert main(["accumulate", "--model", f, "--nk", "16"]) == 2
    line = _err(capsys)
    assert f"this model is {dim}D; ribbons need a 2D model" in line
    assert "model.ribbon" not in line  # no Python advice on the command line


@pytest.mark.parametrize("argv,msg", [
    (["--eta", "nan"], "--eta must be a positive broadening (energy, units of t0), got 'nan'"),
    (["--eta", "0"], "--eta must be a positive broadening"),
    (["--temperature", "-1"], "--temperature must be a finite temperature >= 0"),
    (["--nx", "0"], "--nx must be a positive integer"),
    (["--ny", "2.5"], "--ny must be a positive integer"),
])
def test_flake_number_messages_name_the_option(argv, msg, capsys):
    assert main(["flake"] + argv) == 2
    line = _err(capsys)
    assert msg in line and "<lambda>" not in line


# -- 8. progress lines ------------------------------------------------------------------------------
def test_verify_progress_lines_on_stderr_json_clean(monkeypatch, capsys):
    from lrtheory.derivations import registry as reg

    class Fake:
        def __init__(self, label):
            self.label, self.equation, self.summary = label, "Eq. 0", "fake"

        def load(self):
            return lambda: reg.DerivationResult(self.label, "Eq. 0", "fake", verified=True)

    monkeypatch.setattr(reg, "DERIVATIONS", [Fake("a1"), Fake("b2"), Fake("c3")])
    assert main(["verify", "--json"]) == 0
    cap = capsys.readouterr()
    assert json.loads(cap.out)["verified"] is True  # stdout is JSON only
    lines = cap.err.splitlines()
    assert [ln.split()[2] for ln in lines[:3]] == ["1/3", "2/3", "3/3"]
    assert "ETA" in lines[1] and "ETA" in lines[2]
    assert "done in" in lines[-1] and cap.err.endswith("\n")
    assert "\r" not in cap.err  # not a terminal: one line per step
    assert main(["verify", "--json", "--quiet"]) == 0
    assert capsys.readouterr().err == ""


def test_figure_progress_lines(monkeypatch, tmp_path, capsys):
    import lrtheory.plots.figures as figures

    def fake(n, outdir, nk):
        return {"png": Path(outdir) / f"fig{n}.png", "npz": Path(outdir) / f"fig{n}.npz",
                "params": {}}

    monkeypatch.setattr(figures, "make_figure", fake)
    assert main(["figure", "all", "--out", str(tmp_path), "--json"]) == 0
    cap = capsys.readouterr()
    assert [r["figure"] for r in json.loads(cap.out)["figures"]] == [1, 2, 3]
    lines = cap.err.splitlines()
    assert len(lines) == 4 and "1/3" in lines[0] and "ETA" in lines[1] and "done" in lines[3]


# -- 9. Wannier90 files on the command line -------------------------------------------------------
@pytest.fixture
def w90(tmp_path):
    from lrtheory.models.haldane import haldane
    from lrtheory.io.wannier90 import write_hr_dat, write_tb_dat

    m = haldane(t2=0.1, delta=0.2)
    write_tb_dat(m, tmp_path / "hal_tb.dat")
    write_hr_dat(m, tmp_path / "lone_hr.dat")
    return tmp_path


def test_wannier90_tb_file_gives_the_builtin_chern_numbers(w90, capsys):
    assert main(["hall", "--model", str(w90 / "hal_tb.dat"), "--nk", "48", "--n-ef", "3",
                 "--json"]) == 0
    a = json.loads(capsys.readouterr().out)
    assert main(["hall", "--param", "t2=0.1", "--param", "delta=0.2", "--nk", "48",
                 "--n-ef", "3", "--json"]) == 0
    b = json.loads(capsys.readouterr().out)
    np.testing.assert_allclose(a["band_chern"], b["band_chern"], atol=1e-8)
    assert main(["bands", "--model", str(w90 / "hal_tb.dat"), "--nk", "20"]) == 0


def test_wannier90_hr_without_lattice_and_params_are_one_line(w90, capsys):
    assert main(["bands", "--model", str(w90 / "lone_hr.dat")]) == 2
    line = _err(capsys)
    assert "lone_tb.dat" in line and "lattice_vectors=" not in line
    assert main(["bands", "--model", str(w90 / "hal_tb.dat"), "--param", "t=1"]) == 2
    assert "has no parameters" in _err(capsys)


# -- 10. end to end --------------------------------------------------------------------------------
def test_subprocess_bad_output_no_traceback(tmp_path):
    r = subprocess.run([sys.executable, "-m", "lrtheory.cli.main", "hall", "--out",
                        str(tmp_path), "--plot", str(tmp_path / "x.txt")],
                       capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert r.stderr.strip().count("\n") == 0
    assert r.stderr.startswith("lrtheory hall: error: --out")
