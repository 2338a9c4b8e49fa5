"""Accumulations per atom, per area and in physical units (lrtheory/units.py,
``lrtheory accumulate``), against hand computations: the Haldane ribbon's row area is the
parent cell's, sqrt(3)/2 a^2 (a = next-nearest-neighbour distance), so the per-area profile
is (A site + B site of a row) / (sqrt 3/2); the physical factors are typed in from textbook
constants (hbar = 0.6582119569 eV fs, hbar^2/(2 m_e) = 3.8099821 eV Angstrom^2), not from
the module's formulas."""
import json

import numpy as np
import pytest

from lrtheory import units as U
from lrtheory.cli.main import main
from lrtheory.errors import ConventionError
from lrtheory.io.results import load_result
from lrtheory.models.haldane import haldane
from lrtheory.response.density import ribbon_accumulation

HBAR_EV_FS = 0.6582119569
HBAR2_2ME_EV_A2 = 3.8099821


def test_field_and_time_units_by_hand():
    gr = U.UnitSystem(2.7, 2.46, "graphene-like")
    assert U.field_unit_v_per_m(U.WANNIER90) == pytest.approx(1e10, rel=1e-14)
    assert U.field_unit_v_per_m(gr) == pytest.approx(2.7 / 2.46e-10, rel=1e-14)
    assert U.time_unit_fs(U.WANNIER90) == pytest.approx(HBAR_EV_FS, rel=1e-9)
    assert U.time_unit_fs(gr) == pytest.approx(HBAR_EV_FS / 2.7, rel=1e-9)
    with pytest.raises(ConventionError, match="physical"):
        U.field_unit_v_per_m(U.MODEL_UNITS)


def test_haldane_ribbon_per_area_and_per_atom_by_hand():
    W = 5
    rib = haldane(t2=0.1, delta=0.3).ribbon(W)
    acc = ribbon_accumulation(rib, 0.2, nk=64, convergence=False)
    v = acc.get("intraband", "omm")
    d = U.accumulation_densities(v, rib.positions, 2, np.sqrt(3) / 2)
    # each orbital is its own atom (A and B at different positions)
    np.testing.assert_array_equal(d["atom_index"], np.arange(2 * W))
    np.testing.assert_allclose(d["per_atom"], v, rtol=0, atol=0)
    hand = np.array([(v[2 * c] + v[2 * c + 1]) / (np.sqrt(3) / 2) for c in range(W)])
    np.testing.assert_allclose(d["per_area"], hand, rtol=1e-14)
    # row c holds orbitals 2c, 2c + 1 (the docstring's row-major order)
    np.testing.assert_array_equal(d["row"], np.repeat(np.arange(W), 2))
    # counter-example: the ribbon's period times its full width is W times the row area
    assert not np.allclose(d["per_area"], v.reshape(W, 2).sum(1) / (W * np.sqrt(3) / 2))


def test_orbitals_of_one_site_are_summed_per_atom():
    """Two spin orbitals on each of two sites, one row: per atom is the pair sum, in order
    of first appearance; per area the row sum over the cell area."""
    pos = np.array([[0.5, 0], [0.0, 0], [0.5, 0], [0.0, 0]])
    v = np.array([1.0, 2.0, 3.0, 5.0])
    d = U.accumulation_densities(v, pos, 4, 2.0)
    np.testing.assert_allclose(d["per_atom"], [4.0, 7.0])
    np.testing.assert_allclose(d["atom_positions"], [[0.5, 0], [0.0, 0]])
    np.testing.assert_allclose(d["per_area"], [11.0 / 2.0])
    with pytest.raises(ConventionError, match="do not fit"):
        U.accumulation_densities(v, pos, 3, 2.0)
    with pytest.raises(ConventionError, match="positive area"):
        U.accumulation_densities(v, pos, 4, 0.0)


def test_physical_factors_by_hand():
    t0, a = 2.7, 2.46
    gr = U.UnitSystem(t0, a, "graphene-like")
    field = t0 / (a * 1e-10)            # V/m per unit field
    moment = a ** 2 * t0 / HBAR2_2ME_EV_A2  # mu_B per e a^2 t0/hbar
    tau = HBAR_EV_FS / t0               # fs per hbar/t0
    val, text = U.accumulation_to_physical(1.0, "omm", "interband", gr)
    assert val == pytest.approx(moment / field, rel=1e-7) and text == "mu_B/atom per (V/m)"
    val, text = U.accumulation_to_physical(1.0, "omm", "intraband", gr, per="area")
    assert val == pytest.approx(moment / field / (a / 10) ** 2 / tau, rel=1e-7)
    assert text == "mu_B/nm^2 per (V/m) per fs of tau"
    val, _ = U.accumulation_to_physical(1.0, "charge", "interband", gr, per="area")
    assert val == pytest.approx(1 / field / (a / 10) ** 2, rel=1e-12)
    # velocity density: a t0/hbar in m/s = a[m] t0[eV] / hbar[eV s]
    val, text = U.accumulation_to_physical(1.0, "jx", "interband", gr)
    assert val == pytest.approx(a * 1e-10 * t0 / (HBAR_EV_FS * 1e-15) / field, rel=1e-9)
    assert text == "(m/s)/atom per (V/m)"
    with pytest.raises(ConventionError, match="physical"):
        U.accumulation_to_physical(1.0, "omm", "interband", U.MODEL_UNITS)
    with pytest.raises(ConventionError, match="operator must be"):
        U.accumulation_to_physical(1.0, "spin", "interband", gr)


def test_cli_prints_and_stores_per_atom_per_area_and_physical(tmp_path, capsys):
    out = tmp_path / "acc.npz"
    argv = ["accumulate", "--width", "4", "--nk", "64", "--ef", "0.2", "--param", "t2=0.1",
            "--param", "delta=0.3", "--t0-ev", "2.7", "--a-angstrom", "2.46"]
    assert main(argv + ["--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "per atom:" in text and "mu_B/nm^2 per (V/m) per fs of tau" in text
    arrays, meta = load_result(out)
    rib = haldane(t2=0.1, delta=0.3).ribbon(4)
    v = ribbon_accumulation(rib, 0.2, nk=64, convergence=False).get("intraband", "omm")
    assert np.abs(v).max() > 1e-4  # a real signal (the interband OMM vanishes: Sec. IV)
    hand = v.reshape(4, 2).sum(1) / (np.sqrt(3) / 2)
    scale = np.abs(v).max()
    np.testing.assert_allclose(arrays["intraband_omm_per_area"], hand, atol=1e-10 * scale)
    f = (2.46 ** 2 * 2.7 / HBAR2_2ME_EV_A2) / (2.7 / 2.46e-10) / 0.246 ** 2 / (
        HBAR_EV_FS / 2.7)
    np.testing.assert_allclose(arrays["intraband_omm_per_area_physical"], hand * f,
                               rtol=1e-7, atol=1e-10 * scale * f)
    assert main(argv[:-4] + ["--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["units_system"] is None and "physical" not in summary
    assert summary["cell_area"] == pytest.approx(np.sqrt(3) / 2, rel=1e-14)


@pytest.mark.parametrize("extra, words", [
    (["--t0-ev", "2.7"], "go together"),
    (["--t0-ev", "-1", "--a-angstrom", "2"], "--t0-ev"),
    (["--t0-ev", "1", "--a-angstrom", "abc"], "--a-angstrom"),
])
def test_cli_unit_options_errors_are_one_line(capsys, extra, words):
    assert main(["accumulate", "--width", "3", "--nk", "16"] + extra) == 2
    err = capsys.readouterr().err.strip()
    assert words in err and len(err.splitlines()) == 1
