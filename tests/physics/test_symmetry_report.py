"""`lrtheory symmetry` model-level report: TR, inversion, antisymmetries and the terms of
Eq. 55 they force to zero. Expected values from the model's construction: gapped graphene is
TR-invariant (real hoppings) and not inversion symmetric (Delta); Haldane with t2 sin(phi) != 0
breaks TR; Delta = 0 restores inversion (C2)."""
import json

import numpy as np
import pytest

from lrtheory.cli.main import main
from lrtheory.errors import SymmetryError  # noqa: F401  (documented error class)
from lrtheory.models import haldane
from lrtheory.models.symmetry import find_ribbon_symmetries, symmetry_report, time_reversal_deviation


def _report(model):
    return symmetry_report(model, find_ribbon_symmetries(model.ribbon(4)))


def test_gapped_graphene_tr_no_inversion():
    rep = _report(haldane(1, 0.0, 0.0, 0.5))
    assert rep["time_reversal"].startswith("yes") and rep["inversion"] == "no"
    assert any("no-dissipation no-accumulation" in line for line in rep["eq55"])


def test_haldane_breaks_tr_but_mx_theta_forbids_interband_omm():
    rep = _report(haldane(1, 0.06, np.pi / 2, 0.5))
    assert rep["time_reversal"].startswith("no") and rep["time_reversal_deviation"] > 0.1
    assert any(line.startswith("M_x Theta") for line in rep["eq55"])


def test_inversion_at_zero_delta():
    assert _report(haldane(1, 0.06, np.pi / 2, 0.0))["inversion"].startswith("yes")


def test_declared_but_false_tr_is_flagged():
    m = haldane(1, 0.06, np.pi / 2, 0.5)
    assert time_reversal_deviation(m, np.eye(2)) > 0.1
    bad = m.with_positions(m.positions)  # same model ...
    object.__setattr__(bad, "time_reversal", np.eye(2))  # ... with a false TR claim
    assert "NOT a symmetry" in symmetry_report(bad, [])["time_reversal"]


@pytest.mark.parametrize("model,tr", [("gapped-graphene", "yes"), ("haldane", "no")])
def test_cli_json(capsys, model, tr):
    assert main(["symmetry", "--model", model, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["model"]["time_reversal"].startswith(tr)
    assert isinstance(out["ribbon_symmetries"], list)
