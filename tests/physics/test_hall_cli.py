"""`lrtheory hall` end to end: prints C and sigma_xy = -C e^2/h in the gap (module
docstring of lrtheory.response.hall), writes the curve, bad input gives one-line errors."""
import json

from lrtheory.cli.main import main
from lrtheory.io.results import load_result


def test_hall_cli_json_and_file(tmp_path, capsys):
    out = tmp_path / "h.npz"
    rc = main(["hall", "--model", "haldane", "--param", "t2=0.1", "--param", "delta=0.2",
               "--nk", "48", "--n-ef", "11", "--out", str(out), "--json"])
    assert rc == 0
    doc = json.loads(capsys.readouterr().out)
    assert round(doc["occupied_chern"]) == -1
    assert abs(doc["sigma_xy_in_gap_e2h"] - 1.0) < 1e-6
    arrays, meta = load_result(out)
    assert arrays["sigma"].shape == (11,)


def test_hall_cli_errors(capsys):
    assert main(["hall", "--model", "gapped-graphene", "--operator", "spin", "--nk", "8"]) == 2
    assert "spin" in capsys.readouterr().err
    assert main(["hall", "--model", "haldane", "--n-ef", "0"]) == 2
