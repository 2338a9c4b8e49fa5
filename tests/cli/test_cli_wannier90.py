"""The CLI on Wannier90 files (issue #15): bands, hall (3D tensor in S/cm, spin and orbital
Hall in (hbar/e) S/cm) and symmetry, with and without --win; one-line refusals."""
import json

import numpy as np
import pytest

from lrtheory.cli.main import main
from lrtheory.io.wannier90 import write_hr_dat, write_tb_dat
from lrtheory.models.haldane import layered_haldane

R_K = 25812.80745  # ohm, h/e^2


def _run(capsys, *argv):
    code = main(list(map(str, argv)))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def stack(tmp_path):
    """C = 1 Haldane layers 1.5 A apart, written as a Wannier90 _tb.dat and _hr.dat + .win."""
    m = layered_haldane(tz=0.05, c=1.5, weyl=False, t2=0.1, phi=np.pi / 2, delta=0.2)
    write_tb_dat(m, tmp_path / "s_tb.dat")
    write_hr_dat(m, tmp_path / "h_hr.dat")
    lat = m.lattice_vectors
    pos = m.positions
    (tmp_path / "h.win").write_text(
        "num_wann = 2\nfermi_energy = 0.0\nbegin unit_cell_cart\nang\n"
        + "\n".join(" ".join(repr(float(x)) for x in r) for r in lat)
        + "\nend unit_cell_cart\nbegin atoms_cart\n"
        + "\n".join(f"C{i} " + " ".join(repr(float(x)) for x in p) for i, p in enumerate(pos))
        + "\nend atoms_cart\nbegin projections\nC0:pz\nC1:pz\nend projections\n"
        + "begin kpoint_path\nG 0 0 0 M 0.5 0 0\nM 0.5 0 0 A 0.5 0 0.5\nend kpoint_path\n")
    return tmp_path


def test_hall_3d_ahc_in_s_per_cm(stack, capsys):
    code, out, _ = _run(capsys, "hall", "--model", stack / "s_tb.dat", "--nk", 40,
                        "--ef-min", 0, "--ef-max", 0, "--n-ef", 1, "--json")
    assert code == 0
    s = json.loads(out)["charge"]
    assert s["unit"] == "S/cm"
    # TKNN: |sigma_xy| = (e^2/h)/c, c = 1.5e-8 cm (2582.7 S/cm); nk = 40 converged to ~1e-6
    assert abs(s["sigma"][0][0][1]) == pytest.approx(1 / R_K / 1.5e-8, rel=1e-5)


def test_hr_dat_with_win_lattice_and_fermi_energy(stack, capsys):
    code, out, _ = _run(capsys, "hall", "--model", stack / "h_hr.dat", "--win", stack / "h.win",
                        "--nk", 40)
    assert code == 0 and "S/cm" in out and "E_F = 0 eV" in out
    xy = float(out.split("xy:")[1].split()[0])
    assert abs(xy) == pytest.approx(1 / R_K / 1.5e-8, rel=1e-5)
    code, out, _ = _run(capsys, "bands", "--model", stack / "h_hr.dat", "--win", stack / "h.win",
                        "--nk", 30, "--json")
    s = json.loads(out)
    assert s["path"].startswith("G-M-A") and s["units"]["energies"] == "eV"
    assert s["fermi_energy"] == 0.0


def test_orbital_hall_3d_side_by_side(stack, capsys):
    code, out, err = _run(capsys, "hall", "--model", stack / "h_hr.dat", "--win",
                          stack / "h.win", "--nk", 8, "--operator", "orbital", "--json")
    assert code == 0
    s = json.loads(out)
    assert s["L_z"]["unit"] == "(hbar/e) S/cm" and s["-m_z/mu_B"]["unit"] == "(hbar/e) S/cm"
    # pz orbitals: L_z = 0 exactly, so its orbital Hall conductivity vanishes
    assert np.abs(s["L_z"]["sigma"]).max() == 0


@pytest.mark.parametrize("argv, words", [
    (["hall", "--operator", "spin"], "needs --win"),
    (["hall", "--operator", "orbital"], "needs --win"),
    (["hall", "--win", "{d}/h.win", "--operator", "spin"], "spinors"),
    (["hall", "--win", "{d}/nope.win"], "no such file"),
    (["hall", "--nk", "4"], "--ef-min"),
])
def test_refusals_are_one_line(stack, capsys, argv, words):
    argv = [a.replace("{d}", str(stack)) for a in argv]
    code, _, err = _run(capsys, *argv[:1], "--model", stack / "s_tb.dat", *argv[1:])
    assert code != 0 and words in err and len(err.strip().splitlines()) == 1


def test_win_with_builtin_model_is_refused(stack, capsys):
    code, _, err = _run(capsys, "bands", "--model", "haldane", "--win", stack / "h.win")
    assert code != 0 and "--win needs a Wannier90 --model" in err


def test_win_of_another_system_is_refused(stack, capsys):
    text = (stack / "h.win").read_text().replace("num_wann = 2", "num_wann = 3")
    (stack / "bad.win").write_text(text)
    code, _, err = _run(capsys, "bands", "--model", stack / "s_tb.dat", "--win", stack / "bad.win")
    assert code != 0 and "num_wann = 3" in err


def test_symmetry_3d(stack, capsys):
    code, out, _ = _run(capsys, "symmetry", "--model", stack / "s_tb.dat", "--json")
    assert code == 0
    r = json.loads(out)
    # the Haldane stack breaks time reversal (phi = pi/2)
    assert not r["time_reversal"]["spinless Theta = K"]["symmetry"]
    # L_z of a px, py pair is TR odd (L_z = 0 on pz orbitals has no definite sign)
    text = (stack / "h.win").read_text().replace("C0:pz\nC1:pz", "C0:px;py")
    (stack / "p.win").write_text(text)
    code, out, _ = _run(capsys, "symmetry", "--model", stack / "h_hr.dat", "--win",
                        stack / "p.win", "--json")
    assert json.loads(out)["tr_signatures"]["L_z"] == -1


def test_hall_3d_plot_in_physical_units(stack, capsys, tmp_path):
    png = tmp_path / "ahc.png"
    code, out, _ = _run(capsys, "hall", "--model", stack / "s_tb.dat", "--nk", 8,
                        "--ef-min", -1, "--ef-max", 1, "--n-ef", 5, "--plot", png,
                        "--out", tmp_path / "ahc.npz")
    assert code == 0 and png.stat().st_size > 1000
    from lrtheory.io.results import load_result

    arrays, meta = load_result(tmp_path / "ahc.npz")
    assert meta["summary"]["charge"]["unit"] == "S/cm"
    np.testing.assert_allclose(arrays["sigma_charge"],
                               np.array(meta["summary"]["charge"]["sigma"]), rtol=1e-12)


def test_degeneracy_threshold_default_and_refusals(stack, capsys):
    code, out, _ = _run(capsys, "hall", "--model", stack / "s_tb.dat", "--nk", 4,
                        "--ef-min", 0, "--ef-max", 0, "--n-ef", 1, "--json")
    assert code == 0 and json.loads(out)["degen_tol"] == 1e-4  # eV, as WannierBerri
    code, _, err = _run(capsys, "hall", "--model", "haldane", "--nk", 20, "--degen-tol", 1e-3)
    assert code != 0 and "3D models" in err
    code, _, err = _run(capsys, "hall", "--model", stack / "s_tb.dat", "--nk", 4,
                        "--ef-min", 0, "--ef-max", 0, "--degen-tol", -1)
    assert code != 0 and "--degen-tol" in err


def test_hall_3d_refuses_a_run_longer_than_max_hours(stack, capsys):
    """nk = 4000 is 6.4e10 k-points (days of work even for 2 bands): refused before the
    k-sum, in one line, with the timed estimate and an nk that fits; the proposed nk is
    consistent with the cost linear in nk^3."""
    import re

    code, _, err = _run(capsys, "hall", "--model", stack / "s_tb.dat", "--nk", 4000,
                        "--ef-min", 0, "--ef-max", 0, "--n-ef", 1, "--max-hours", "0.01")
    assert code == 2 and err.count("\n") == 1 and "would take an estimated" in err, err
    hours = float(re.search(r"estimated ([0-9.e+-]+) h", err).group(1))
    best = int(re.search(r"nk <= (\d+) fits", err).group(1))
    assert hours > 0.01 and best < 4000
    assert best ** 3 * hours / 4000 ** 3 <= 0.01 * 1.05  # the proposed grid meets the limit
    # the other runs of this file (nk <= 40) are under the timing threshold: not refused
    from lrtheory.cli import hall_3d

    assert 4000 ** 3 >= hall_3d.UNTIMED_POINTS > 40 ** 3


def _gaas_run(tmp_path):
    """The committed GaAs run (tests/physics/data/GaAs_run.tar.gz: .chk, .eig, .spn, .win)."""
    import tarfile
    from pathlib import Path

    src = Path(__file__).parents[1] / "physics" / "data" / "GaAs_run.tar.gz"
    with tarfile.open(src) as tf:
        tf.extractall(tmp_path, filter="data")
    return tmp_path / "GaAs"


def test_hall_spin_of_a_run_uses_its_spn(tmp_path, capsys):
    """``--model seedname.chk --operator spin``: the spin Hall tensor with the run's S(k)
    (no --win needed), the same numbers as the library's ``hall_tensor(operator='spin_z')``
    on ``load_wannier90_run`` (whose peer check is tests/physics/test_w90_run_spin.py)."""
    from lrtheory.io.wannier90.run import load_wannier90_run
    from lrtheory.response.hall3d import hall_tensor
    from lrtheory.units import hall_to_physical

    seed = _gaas_run(tmp_path)
    code, out, _ = _run(capsys, "hall", "--model", f"{seed}.chk", "--operator", "spin",
                        "--nk", 4, "--ef-min", 7, "--ef-max", 8, "--n-ef", 2, "--json")
    assert code == 0
    got = json.loads(out)["S_z"]
    assert got["unit"] == "(hbar/e) S/cm"
    want = hall_to_physical(hall_tensor(load_wannier90_run(seed), [7.0, 8.0], nk=4,
                                        operator="spin_z", degen_tol=1e-4).sigma, 3)
    assert np.abs(want).max() > 10
    np.testing.assert_allclose(got["sigma"], want, rtol=1e-10, atol=1e-9)


def test_run_without_eig_is_one_line(tmp_path, capsys):
    seed = _gaas_run(tmp_path)
    (tmp_path / "GaAs.eig").unlink()
    code, _, err = _run(capsys, "bands", "--model", f"{seed}.chk", "--nk", 5)
    assert code == 2 and "GaAs.eig does not exist" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
