"""Physical units (lrtheory/units.py) against independent values: textbook constants typed
in here (not computed by the module's formulas), a quantized Chern-layer stack, and the
constants of a peer (WannierBerri's factors.py, re-derived as its formulas read)."""
import numpy as np
import pytest

from lrtheory import units as U
from lrtheory.errors import ConventionError

#: von Klitzing constant R_K = h/e^2 (exact in the 2019 SI), ohm
R_K = 25812.80745
#: hbar^2/(2 m_e) in eV Angstrom^2 (textbook value, 3.80998 eV A^2)
HBAR2_2ME_EV_A2 = 3.8099821


def test_conductance_quantum_is_the_inverse_von_klitzing_constant():
    assert U.CONDUCTANCE_QUANTUM_S == pytest.approx(1 / R_K, rel=1e-9)
    assert U.CONDUCTANCE_QUANTUM_S == pytest.approx(3.874045e-5, rel=1e-6)
    # 2D: e^2/hbar = 2 pi e^2/h
    assert U.conductivity_factor(2) == pytest.approx(2 * np.pi / R_K, rel=1e-9)


def test_3d_factor_is_e2_over_hbar_per_angstrom_in_s_per_cm():
    # e^2/(hbar * 1 A) = 2 pi / (R_K * 1e-8 cm) = 24341.1 S/cm
    assert U.conductivity_factor(3) == pytest.approx(2 * np.pi / R_K / 1e-8, rel=1e-9)
    assert U.conductivity_factor(3, U.UnitSystem(1.0, 2.0, "a = 2 A")) == pytest.approx(
        U.conductivity_factor(3) / 2, rel=1e-14)
    with pytest.raises(ConventionError, match="Angstrom"):
        U.conductivity_factor(3, U.MODEL_UNITS)
    with pytest.raises(ConventionError, match="dim"):
        U.conductivity_factor(4)


def test_chern_layer_stack_in_s_per_cm(tmp_path):
    """A stack of C = +-1 Haldane layers with spacing c = 1.5 A (a Wannier90 file: eV, A):
    |sigma_xy| = (e^2/h)/c = 3.874045e-5 S / 1.5e-8 cm = 2582.7 S/cm."""
    from lrtheory.io.wannier90 import load_wannier90, write_tb_dat
    from lrtheory.models.haldane import layered_haldane
    from lrtheory.response.hall3d import hall_tensor

    c = 1.5
    src = layered_haldane(tz=0.05, c=c, weyl=False, t2=0.1, phi=np.pi / 2, delta=0.2)
    write_tb_dat(src, tmp_path / "stack_tb.dat")
    m = load_wannier90(tmp_path / "stack_tb.dat")
    t = hall_tensor(m, [0.0], nk=(60, 60, 2), operator="charge", workers=1)
    s_cm = U.hall_to_physical(t.sigma, 3)[0, 0, 1]
    assert abs(s_cm) == pytest.approx((1 / R_K) / (c * 1e-8), rel=1e-8)
    # counter-example: a spacing taken in bohr instead of Angstrom misses by 1/0.529
    assert abs(abs(s_cm) - (1 / R_K) / (c * 0.529177e-8)) > 1000


def test_moment_unit_in_bohr_magneton():
    # e A^2 eV / hbar in mu_B = 2 m_e A^2 eV / hbar^2 = 1 / (hbar^2/(2 m_e) in eV A^2)
    assert U.moment_unit_in_bohr_magneton() == pytest.approx(1 / HBAR2_2ME_EV_A2, rel=1e-7)
    assert U.moment_to_bohr_magneton(2.0) == pytest.approx(2 / HBAR2_2ME_EV_A2, rel=1e-7)
    with pytest.raises(ConventionError, match="physical"):
        U.moment_unit_in_bohr_magneton(U.MODEL_UNITS)


def test_like_wannierberri_factors():
    """WannierBerri (wannierberri/factors.py): factor_ahc = -(e^2/hbar/angstrom) in S/m
    (its curvature sum times this is the electrical AHC: the minus is the electron charge,
    which lrtheory puts in the current); factor_morb_evA2_to_muB = -(e A^2) e/(2 hbar)/mu_B
    (its morb, Im<du|(H-E)|du> in eV A^2, has neither the charge nor the 1/2 that lrtheory's
    m = (e/2hbar) Im<...> has). Compare like with like: |factor_ahc|/100 and 2 |factor_morb|."""
    from scipy.constants import angstrom, e, electron_mass, hbar

    factor_ahc = -(e ** 2 / hbar / angstrom)
    bohr_magneton = e * hbar / (2 * electron_mass)
    factor_morb = -(e * angstrom ** 2) * e / (2 * hbar) / bohr_magneton
    assert U.conductivity_factor(3) == pytest.approx(-factor_ahc / 100, rel=1e-12)
    assert U.moment_unit_in_bohr_magneton() == pytest.approx(-2 * factor_morb, rel=1e-12)


def test_spin_hall_with_pauli_matrices_is_half():
    x = np.array([1.0, -2.0])
    np.testing.assert_allclose(U.hall_to_physical(x, 3, operator_in_hbar=0.5),
                               0.5 * U.hall_to_physical(x, 3), rtol=1e-15)


def test_densities_per_area_and_per_atom():
    # 1 per A^2 = 1e16 per cm^2
    assert U.density_per_volume(1.0, 2) == pytest.approx(1e16, rel=1e-12)
    assert U.density_per_volume(1.0, 3) == pytest.approx(1e24, rel=1e-12)
    # graphene: cell area 5.24 A^2, 2 atoms: 0.1 per A^2 is 0.262 per atom
    assert U.per_atom(0.1, 5.24, 2) == pytest.approx(0.262, rel=1e-12)
    for bad in (0, -1, 1.5):
        with pytest.raises(ConventionError):
            U.per_atom(0.1, 5.24, bad)


def test_unit_system_checks_and_texts():
    with pytest.raises(ConventionError):
        U.UnitSystem(-1.0, 1.0, "bad")
    assert U.WANNIER90.energy_unit == "eV" and U.MODEL_UNITS.energy_unit == "t0"
    assert U.units_of_result("charge_hall", 3)["sigma"] == "S/cm"
    assert U.units_of_result("orbital_hall", 3)["sigma"] == "(hbar/e) S/cm"
    assert "sigma" not in U.units_of_result("charge_hall", 3, U.MODEL_UNITS)
    assert U.units_of_result("charge_hall", 2, U.MODEL_UNITS)["sigma"] == "S"


def test_hall_result_in_physical_units(tmp_path):
    from lrtheory.io.wannier90 import load_wannier90, write_tb_dat
    from lrtheory.models.haldane import layered_haldane
    from lrtheory.response.hall3d import hall_tensor
    from lrtheory.result import Result

    write_tb_dat(layered_haldane(tz=0.05, c=1.5, weyl=False, t2=0.1, phi=np.pi / 2,
                                 delta=0.2), tmp_path / "s_tb.dat")
    t = hall_tensor(load_wannier90(tmp_path / "s_tb.dat"), [0.0], nk=(20, 20, 2),
                    operator="charge")
    r = U.hall_result_in_physical_units(t, 3)
    assert type(r) is type(t) and r.units["sigma"] == "S/cm" and r.units["ef"] == "eV"
    np.testing.assert_allclose(r["sigma"], t.sigma * 2 * np.pi / R_K / 1e-8, rtol=1e-9)
    np.testing.assert_allclose(r["sigma_model"], t.sigma, rtol=0)
    np.testing.assert_allclose(r.error["sigma"], t.error["sigma"] * U.conductivity_factor(3))
    r.save(tmp_path / "r.npz")
    back = Result.load(tmp_path / "r.npz")
    assert back.units["sigma"] == "S/cm" and "Wannier90" in back.settings["units_system"]
