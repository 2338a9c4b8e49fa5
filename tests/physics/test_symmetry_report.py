"""`lrtheory symmetry` model-level report: TR, inversion, antisymmetries and exactly what each
operation forces in Eq. 55. Expected values from the model's construction: gapped graphene is
TR-invariant (real hoppings) and not inversion symmetric (Delta); Haldane with t2 sin(phi) != 0
breaks TR; Delta = 0 restores inversion (C2). Every line of the report comes from statements
that are evaluated on the ribbon (tests/physics/test_symmetry_ribbon.py; here: the armchair
case of issue #18 item 2)."""
import json
import warnings

import numpy as np
import pytest

from lrtheory.cli.main import main
from lrtheory.models import haldane
from lrtheory.models.time_reversal import TimeReversal
from lrtheory.response.density import ribbon_accumulation
from lrtheory.symmetry import (find_ribbon_symmetries, statements, symmetry_report,
                               time_reversal_deviation)


def _report(model, rib=None):
    rib = model.ribbon(4) if rib is None else rib
    return symmetry_report(model, find_ribbon_symmetries(rib), ribbon=rib)


def test_gapped_graphene_tr_no_inversion():
    rep = _report(haldane(1, 0.0, 0.0, 0.5))
    assert rep["time_reversal"].startswith("yes") and rep["inversion"] == "no"
    assert any("no-dissipation no-accumulation" in line for line in rep["eq55"])


def test_haldane_breaks_tr_but_mx_theta_forbids_interband_omm():
    rep = _report(haldane(1, 0.06, np.pi / 2, 0.5))
    # relative residual of U H(k)^* U^+ = H(-k) (the one rule of TimeReversal.deviation)
    assert rep["time_reversal"].startswith("no") and rep["time_reversal_deviation"] > 0.1
    line = next(x for x in rep["eq55"] if x.startswith("M_x Theta"))
    assert "interband charge, j_x, OMM zero at every orbital" in line


def test_inversion_at_zero_delta():
    assert _report(haldane(1, 0.06, np.pi / 2, 0.0))["inversion"].startswith("yes")


def test_declared_but_false_tr_is_flagged():
    m = haldane(1, 0.06, np.pi / 2, 0.5)
    assert TimeReversal.spinless(2).deviation(m) > 0.1
    bad = m.with_positions(m.positions)  # same model ...
    object.__setattr__(bad, "time_reversal", np.eye(2))  # ... with a false TR claim
    assert "NOT a symmetry" in symmetry_report(bad, [])["time_reversal"]


def test_time_reversal_deviation_is_deprecated_and_absolute():
    m = haldane(1, 0.06, np.pi / 2, 0.5)
    with pytest.warns(DeprecationWarning, match="TimeReversal.deviation"):
        dev = time_reversal_deviation(m)
    assert dev > 0.1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        assert time_reversal_deviation(haldane(1, 0.0, 0.0, 0.5)) < 1e-14


def test_old_import_path_warns():
    import importlib
    import sys

    sys.modules.pop("lrtheory.models.symmetry", None)
    with pytest.warns(DeprecationWarning, match="lrtheory.symmetry"):
        old = importlib.import_module("lrtheory.models.symmetry")
    assert old.find_ribbon_symmetries is find_ribbon_symmetries


def test_armchair_report_says_only_the_per_y_sum_vanishes():
    # Issue #18, item 2: armchair ribbon at Delta = 0 (M_x Theta exchanges A and B at the same
    # y). The report must not claim "zero at every orbital" for the interband OMM/charge; it
    # must say the sum over the orbitals at each y vanishes, and both facts are checked here.
    model = haldane(t2=0.06, delta=0.0).move_orbital(1, (0, -1))
    rib = model.ribbon(6, direction=(-1, 2))
    rep = _report(model, rib)
    line = next(x for x in rep["eq55"] if x.startswith("M_x Theta"))
    assert "interband charge, j_x, OMM zero summed over the orbitals at each y, not per " \
           "orbital" in line
    assert "zero at every orbital" not in line
    acc = ribbon_accumulation(rib, 0.0, nk=256, convergence=False)
    y = rib.transverse_positions()
    for q in ("charge", "jx", "omm"):
        prof = acc.get("interband", q)
        per_y = np.array([prof[np.abs(y - v) < 1e-9].sum() for v in np.unique(y.round(9))])
        assert np.abs(prof).max() > 1e-3 and np.abs(per_y).max() < 1e-14
    # the JSON statements are the ones the lines come from
    claimed = {(s["symmetry"], s["quantity"], s["part"], s["level"], s["relation"])
               for s in rep["statements"]}
    assert ("M_x Theta", "omm", "interband", "y-sum", "zero") in claimed
    assert ("M_x Theta", "omm", "interband", "orbital", "zero") not in claimed
    assert len(rep["statements"]) == len(statements(rib, find_ribbon_symmetries(rib)))


def test_report_without_ribbon_makes_orbital_and_total_statements_only():
    model = haldane(t2=0.06, delta=0.0).move_orbital(1, (0, -1))
    rib = model.ribbon(6, direction=(-1, 2))
    rep = symmetry_report(model, find_ribbon_symmetries(rib))
    assert {s["level"] for s in rep["statements"]} == {"orbital", "total"}
    assert not any("zero at every orbital" in x for x in rep["eq55"] if x.startswith("M_x T"))


@pytest.mark.parametrize("model,tr", [("gapped-graphene", "yes"), ("haldane", "no")])
def test_cli_json(capsys, model, tr):
    assert main(["symmetry", "--model", model, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["model"]["time_reversal"].startswith(tr)
    assert isinstance(out["ribbon_symmetries"], list)
    assert out["model"]["statements"] and all("text" in s for s in out["model"]["statements"])


def test_cli_armchair_direction(capsys):
    # --direction 1,1 is an armchair ribbon of the Haldane lattice (M_x exchanges A and B)
    assert main(["symmetry", "--model", "haldane", "--param", "t2=0.06", "--param", "delta=0",
                 "--direction", "1,1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    line = next(x for x in out["model"]["eq55"] if x.startswith("M_x Theta"))
    assert "zero summed over the orbitals at each y, not per orbital" in line


@pytest.mark.parametrize("bad", ["1,x", "1", "2,2", "__import__('os')"])
def test_cli_bad_direction_is_one_line(capsys, bad):
    assert main(["symmetry", "--direction", bad]) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "direction" in err[0]
