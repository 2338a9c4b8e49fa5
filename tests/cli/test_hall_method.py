"""``lrtheory hall --method``: the closed-form two-band route and the sum over states print the
same Chern numbers and in-gap sigma_xy (to rounding, 1e-10), and the choice is recorded."""
import json

from lrtheory.cli.main import main


def _run(capsys, *extra):
    assert main(["hall", "--param", "t2=0.1", "--param", "delta=0.2", "--nk", "40",
                 "--n-ef", "7", "--json", *extra]) == 0
    out = capsys.readouterr().out
    return json.loads(out[out.index("{"):])


def test_both_methods_print_the_same_numbers(capsys):
    a = _run(capsys)
    b = _run(capsys, "--method", "sum-over-states")
    assert a["method"] == "auto" and b["method"] == "sum-over-states"
    assert abs(a["sigma_xy_in_gap_e2h"] - b["sigma_xy_in_gap_e2h"]) < 1e-10
    assert all(abs(x - y) < 1e-10 for x, y in zip(a["band_chern"], b["band_chern"]))
    assert abs(abs(a["sigma_xy_in_gap_e2h"]) - 1) < 1e-3  # topological phase: |C| = 1


def test_unknown_method_is_rejected(capsys):
    try:
        main(["hall", "--method", "magic"])
    except SystemExit as exc:
        assert exc.code == 2
    assert "invalid choice" in capsys.readouterr().err
