"""``lrtheory accumulate`` on a model file holding an H(k) matrix (issue #6).

The file examples/haldane_sympy.toml is the Haldane matrix of Eq. S42 with A at 0 and B at
delta_1; the command converts it to a hopping list (fourier.to_tight_binding) and says so.
Expected profiles: the built-in hopping list of Eq. 53 cut into the same ribbon
(independent construction), equal to rounding, so 1e-10 relative to the largest profile of
the same part. Also: the docs' command verbatim, the worked example script, a file without
positions (warning, periodic convention) and a continuum model (one-line error).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

from lrtheory.cli.main import main
from lrtheory.io.results import load_result
from lrtheory.models.haldane import haldane
from lrtheory.response.density import ribbon_accumulation

ROOT = Path(__file__).resolve().parents[2]
MATRIX_FILE = ROOT / "examples" / "haldane_sympy.toml"


def test_matrix_file_equals_builtin_haldane(tmp_path, capsys):
    out = tmp_path / "acc.npz"
    assert main(["accumulate", "--model", str(MATRIX_FILE), "--param", "t2=0.1",
                 "--width", "6", "--ef", "1.5", "--nk", "64", "--out", str(out)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert "H(k) converted to a hopping list: 9 bonds up to |R| = 1" in lines[0]
    assert lines[1].startswith("omm accumulation (W=6")
    arrays, meta = load_result(out)
    assert "converted" in meta["converted_from_matrix"]
    ref = ribbon_accumulation(haldane(t0=1.0, t2=0.1, phi=np.pi / 2, delta=0.5).ribbon(6), 1.5,
                              nk=64, convergence=False)
    np.testing.assert_allclose(arrays["y"], ref.y, rtol=0, atol=1e-12)
    for key, val in ref.profiles.items():
        part = key.split("_")[0]
        scale = max(np.abs(v).max() for k, v in ref.profiles.items() if k.startswith(part))
        np.testing.assert_allclose(arrays[key], val, rtol=0, atol=1e-10 * scale, err_msg=key)


def _docs_section() -> str:
    text = (ROOT / "docs" / "own-model.md").read_text()
    start = text.index("## From a SymPy matrix to the OMM accumulation")
    return text[start:text.index("\n## ", start + 10)]


def test_docs_command_verbatim(tmp_path, capsys, monkeypatch):
    """docs/own-model.md: the one command, as printed there, run from the repository root
    (output files redirected to tmp_path)."""
    line = next(ln.strip() for ln in _docs_section().splitlines()
                if ln.strip().startswith("lrtheory accumulate --model"))
    argv = line.split()[1:]
    out, png = tmp_path / "acc.npz", tmp_path / "acc.png"
    argv[argv.index("--out") + 1], argv[argv.index("--plot") + 1] = str(out), str(png)
    monkeypatch.chdir(ROOT)
    assert main(argv) == 0
    assert "converted to a hopping list" in capsys.readouterr().out
    assert png.stat().st_size > 1000
    arrays, _ = load_result(out)
    assert arrays["intraband_omm"].shape == (40,)  # W = 20 cells, 2 orbitals


def test_docs_python_snippet_verbatim(tmp_path):
    """The Python block of the same section, run as a script: its ribbon accumulation equals
    the built-in Haldane ribbon's (independent construction, rounding: 1e-10 relative)."""
    text = _docs_section()
    code = text[text.index("```python") + len("```python"):]
    code = code[:code.index("```")]
    code += ("\nfrom lrtheory.models.haldane import haldane\n"
             "ref = ribbon_accumulation(haldane(t2=0.06, delta=0.5).ribbon(20), ef=1.5, "
             "nk=512)\n"
             "for key, v in ref.profiles.items():\n"
             "    s = max(abs(w).max() for q, w in ref.profiles.items() "
             "if q.split('_')[0] == key.split('_')[0])\n"
             "    assert abs(acc.profiles[key] - v).max() <= 1e-10 * s, key\n"
             "print('SNIPPET OK')\n")
    script = tmp_path / "snippet.py"
    script.write_text(code)
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                       timeout=120, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "SNIPPET OK" in r.stdout


def test_json_summary_records_the_conversion(capsys):
    assert main(["accumulate", "--model", str(MATRIX_FILE), "--width", "4", "--ef", "1.5",
                 "--nk", "32", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    conv = summary["converted_from_matrix"]
    assert (conv["n_hoppings"], conv["max_range"], conv["positions"]) == (9, 1, "model")
    assert conv["max_deviation"] < 1e-12


def test_file_without_positions_warns_and_runs(tmp_path, capsys):
    f = tmp_path / "qwz.toml"
    f.write_text('lattice = [[1, 0], [0, 1]]\n'
                 'hamiltonian = [["m + cos(kx) + cos(ky)", "sin(kx) - I*sin(ky)"],\n'
                 '               ["sin(kx) + I*sin(ky)", "-m - cos(kx) - cos(ky)"]]\n'
                 '[parameters]\nm = -1.0\n')
    assert main(["accumulate", "--model", str(f), "--width", "4", "--ef", "0.5",
                 "--nk", "32", "--tol", "1"]) == 0  # --tol 1: no convergence warning here
    cap = capsys.readouterr()
    warn = [ln for ln in cap.err.splitlines() if "warning" in ln]
    assert len(warn) == 1 and "periodic convention" in warn[0]
    assert "no positions: periodic convention r = 0" in cap.out


def test_continuum_model_file_is_one_line_error(tmp_path, capsys):
    f = tmp_path / "kp.toml"
    f.write_text('lattice = [[1, 0], [0, 1]]\npositions = [[0, 0], [0, 0]]\n'
                 'hamiltonian = [["kx^2 + ky^2", "kx"], ["kx", "kx^2 + ky^2"]]\n')
    assert main(["accumulate", "--model", str(f), "--width", "4", "--nk", "32"]) == 2
    err = capsys.readouterr().err.strip()
    assert "not a finite-range lattice model" in err and "use a hopping list" in err
    assert "\n" not in err


def test_worked_example_runs():
    """examples/own_model_accumulation.py (docs/own-model.md) with a small grid; it exits 1
    if the SymPy route and the built-in hopping list differ by more than 1e-10."""
    r = subprocess.run([sys.executable, str(ROOT / "examples" / "own_model_accumulation.py"),
                        "--nk", "64", "--width", "6"], capture_output=True, text=True,
                       timeout=120, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "9 bonds recovered from H(k)" in r.stdout
    assert "max relative deviation from the built-in hopping list" in r.stdout
