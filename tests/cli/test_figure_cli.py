"""CLI: figure, accumulate, symmetry (outputs exist, are loadable, errors are one line)."""
import json

import numpy as np
import pytest

from lrtheory.cli.main import main
from lrtheory.io.results import load_result


def test_figure_1_and_3_write_png_and_data(tmp_path, capsys):
    assert main(["figure", "1", "--out", str(tmp_path)]) == 0
    assert main(["figure", "3", "--out", str(tmp_path), "--nk", "128"]) == 0
    for n in (1, 3):
        assert (tmp_path / f"fig{n}.png").stat().st_size > 1000
        arrays, meta = load_result(tmp_path / f"fig{n}.npz")
        assert meta["parameters"]
    arrays, _ = load_result(tmp_path / "fig3.npz")
    # Fig. 3b (trivial, E_F in gap): intraband zero up to smearing tails, interband OMM zero
    # by M_x Theta (docs/haldane.md)
    assert np.abs(arrays["triv_interband_omm"]).max() < 1e-12
    assert "figure 3" in capsys.readouterr().out


def test_accumulate_summary_and_profile(tmp_path, capsys):
    out = tmp_path / "p.npz"
    assert main(["accumulate", "--model", "gapped-graphene", "--width", "4", "--ef", "1.5",
                 "--nk", "128", "--out", str(out), "--plot", str(tmp_path / "p.png"),
                 "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["interband_max"] < 1e-12 < summary["intraband_max"]  # TR theorem (Eq. 27)
    arrays, meta = load_result(out)
    assert {"y", "intraband_omm", "interband_jy"} <= set(arrays)


@pytest.mark.parametrize("argv,msg", [
    (["accumulate", "--operator", "spin"], "spinless"),
    (["accumulate", "--width", "0"], "width"),
    (["figure", "2", "--nk", "2"], "nk"),
])
def test_errors_are_one_line(argv, msg, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert msg in err and "\n" not in err


def test_symmetry_json(capsys):
    assert main(["symmetry", "--model", "haldane", "--param", "delta=0.5", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["ribbon_symmetries"]
    # phi = pi/2: besides M_x Theta the sublattice-sign antisymmetries (issue #18)
    assert [r["name"] for r in rows] == ["M_x Theta", "M_y (anti)", "C2 Theta (anti)"]
    assert rows[0]["rules"]["omm"]["interband"] == "zero at every orbital"
