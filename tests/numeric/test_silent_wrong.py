"""Issue #13 section 3: no silent wrong answer.

Expected values come from outside the code under test: the analytic Haldane phase diagram
(|C| = 1 iff |Delta| < 3 sqrt3 |t2 sin phi|, the sign flips with t2 sin phi), the
lattice-link (Fukui-Hatsugai-Suzuki) Chern number, the Gershgorin bound on the spectrum,
the definition of a unitary matrix and continuity of the Fermi-point sum in E_F (the
ordinary sign-change route a little away from the crossing).
"""
import numpy as np
import pytest

from lrtheory.errors import (ConventionError, ConvergenceError, GaugeError, LrtheoryError,
                             LrtheoryWarning, ModelError, ResourceError, ShapeError)
from lrtheory.models.haldane import haldane, phase_boundary
from lrtheory.models.tightbinding import TightBindingModel
from lrtheory.response import hall as hall_mod
from lrtheory.response.berry import fhs_chern
from lrtheory.response.density import ribbon_accumulation
from lrtheory.response.fermi_points import find_fermi_points, fermi_point_profiles
from lrtheory.response.hall import (NK_MIN, chern_numbers, hall_conductivity,
                                    hall_memory_estimate)

TOPO = haldane(t2=0.1, delta=0.2)  # |0.2| < 3 sqrt3 * 0.1 = 0.52: topological


# -- 1. coarse grids -----------------------------------------------------------------------

@pytest.mark.parametrize("nk", [2, 3, 7, 5])
def test_grids_below_the_minimum_or_odd_are_refused(nk):
    with pytest.raises(ConventionError, match="nk must be"):
        chern_numbers(TOPO, nk=nk)
    with pytest.raises(ConventionError, match="nk must be"):
        hall_conductivity(TOPO, [0.0], nk=nk)


@pytest.mark.parametrize("nk", [8, 12])
def test_coarse_even_grid_is_not_an_answer(nk):
    # on these grids the curvature sum is 2-3 % from an integer (|C| = 1 analytically)
    with pytest.raises(ConvergenceError, match="not converged"):
        chern_numbers(TOPO, nk=nk)
    res = chern_numbers(TOPO, nk=nk, strict=False)
    assert res.status == "not converged" and not res.converged
    assert res.distance.max() > res.tol


PHASES = [(0.1, np.pi / 2, 0.2), (-0.1, np.pi / 2, 0.2), (0.1, np.pi / 3, 0.1),
          (0.1, -np.pi / 2, 0.0), (0.1, np.pi / 2, 1.0), (-0.05, np.pi / 2, 0.6)]


@pytest.mark.parametrize("t2,phi,delta", PHASES)
def test_fine_grid_gives_the_analytic_chern_number(t2, phi, delta):
    m = haldane(t2=t2, phi=phi, delta=delta)
    res = chern_numbers(m, nk=96)
    assert res.converged and res.distance.max() <= 1e-3
    absC = 1 if abs(delta) < phase_boundary(t2, phi) else 0
    assert abs(res.integer[0]) == absC
    assert res.integer[0] == round(fhs_chern(m, 48, 1))  # independent lattice-link number
    assert res.integer.sum() == 0
    assert abs(res.value[0] - res.integer[0]) <= res.tol


def test_sign_follows_t2_sin_phi():
    # analytic: C(t2 sin phi) = -C(-t2 sin phi) in the topological phase
    signs = set()
    for t2, phi in [(0.1, np.pi / 2), (-0.1, -np.pi / 2), (0.1, np.pi / 4), (-0.1, np.pi / 2)]:
        c = chern_numbers(haldane(t2=t2, phi=phi, delta=0.1), nk=96).integer[0]
        signs.add(int(c * np.sign(t2 * np.sin(phi))))
    assert len(signs) == 1 and signs.pop() in (-1, 1)


def test_cli_refuses_coarse_grids_and_flags_unconverged(capsys):
    from lrtheory.cli.main import main

    for nk in ("2", "7"):
        assert main(["hall", "--nk", nk, "--n-ef", "3"]) != 0
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "nk must be" in err[0] and "Traceback" not in err[0]
    assert main(["hall", "--nk", "8", "--n-ef", "3", "--param", "t2=0.1",
                 "--param", "delta=0.2"]) == 0
    assert "NOT CONVERGED" in capsys.readouterr().out
    assert main(["hall", "--tol", "-1"]) != 0
    assert "--tol must be > 0" in capsys.readouterr().err


# -- 2. memory estimate --------------------------------------------------------------------

def test_memory_estimate_refuses_with_largest_nk(monkeypatch):
    avail = 2**27  # nk = 1e5 needs ~0.4 GiB (chunk list): refused at once, never run
    monkeypatch.setattr(hall_mod, "available_memory", lambda: avail)
    with pytest.raises(ResourceError, match="largest nk that fits is about") as exc:
        hall_conductivity(TOPO, [0.0], nk=100_000)
    best = int(str(exc.value).rsplit(" ", 1)[-1])
    cs = hall_mod.auto_chunk_size(2, arrays=16)
    # the proposed size fits, one 25 % larger does not
    assert hall_memory_estimate(2, best, 1, cs) <= 0.8 * avail
    assert hall_memory_estimate(2, int(1.25 * best), 1, cs) > 0.8 * avail
    # the estimate grows like nk^2 (chunk list) once the grid dominates
    r = hall_memory_estimate(2, 200_000, 1, cs) / hall_memory_estimate(2, 100_000, 1, cs)
    assert 3.5 < r <= 4.0


def test_memory_estimate_cli_one_line(monkeypatch, capsys):
    from lrtheory.cli.main import main

    monkeypatch.setattr(hall_mod, "available_memory", lambda: 2**27)
    # --max-hours high enough that the run-time refusal (tests/cli/test_main_errors.py) does
    # not come first: the memory check must refuse on its own
    assert main(["hall", "--nk", "100000", "--n-ef", "3", "--max-hours", "1000"]) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "GiB" in err[0] and "largest nk" in err[0]


def test_available_memory_is_positive():
    assert hall_mod.available_memory() > 0


# -- 3. inputs accepted silently before ----------------------------------------------------

@pytest.mark.parametrize("width", [2.5, "3", None, True])
def test_ribbon_width_must_be_an_integer(width):
    with pytest.raises(ModelError, match="integer"):
        TOPO.ribbon(width)


def test_ribbon_width_integral_float_is_that_integer():
    assert TOPO.ribbon(3.0).n_orbitals == TOPO.ribbon(3).n_orbitals == 6


@pytest.mark.parametrize("ef", [np.nan, np.inf, "0.5", None, 1 + 1j, [0.1, 0.2]])
def test_ribbon_accumulation_bad_ef(ef):
    with pytest.raises(LrtheoryError, match="ef"):
        ribbon_accumulation(TOPO.ribbon(3), ef, nk=16)


def test_ef_outside_the_spectrum_is_stated_and_exactly_zero():
    rib = TOPO.ribbon(3)
    # Gershgorin: |e| <= |Delta| + 3 t0 + 6 |t2| = 3.8 for every k
    assert rib.energy_bound <= 0.2 + 3 + 6 * 0.1 + 1e-12
    for ef, filling in ((1e300, "full"), (-50.0, "empty")):
        with pytest.warns(LrtheoryWarning, match=f"all bands are {filling}"):
            acc = ribbon_accumulation(rib, ef, nk=16, convergence=False)
        assert acc.params["filling"] == filling
        for val in acc.profiles.values():
            assert np.all(np.isfinite(val)) and np.all(val == 0)


@pytest.mark.parametrize("kw", [dict(t0=1e308), dict(t2=1e200), dict(delta=1e160)])
def test_overflowing_parameters_are_refused(kw):
    with pytest.raises(ModelError, match="overflow"):
        haldane(**kw)


def test_large_but_safe_parameters_work():
    m = haldane(t0=1e100)
    e = np.linalg.eigvalsh(m.hamiltonian(np.zeros((1, 2))))
    np.testing.assert_allclose(e[0], [-3e100, 3e100], rtol=1e-12)  # |gamma(0)| = 3


@pytest.mark.parametrize("U,err", [(np.eye(3), ShapeError), (2 * np.eye(2), ModelError),
                                   (np.array([[1, 1], [0, 1]]), ModelError),
                                   (np.full((2, 2), np.nan), LrtheoryError)])
def test_time_reversal_must_be_unitary_of_the_right_shape(U, err):
    with pytest.raises(err):
        TightBindingModel(np.eye(2), np.zeros((2, 2)), [], time_reversal=U)
    # a unitary of the right shape is accepted
    TightBindingModel(np.eye(2), np.zeros((2, 2)), [], time_reversal=np.array([[0, 1], [1, 0]]))


class _FakePythTB18:
    """The attributes from_pythtb reads from a PythTB 1.8 tb_model: two orbitals on a square
    lattice, one hopping."""

    _lat = np.eye(2)
    _orb = np.array([[0.0, 0.0], [0.5, 0.5]])
    _per = [0, 1]
    _nspin = 1
    _site_energies = np.array([0.1, -0.1])
    _hoppings = [[1.0, 0, 1, np.array([0, 0])]]


@pytest.mark.parametrize("U", [np.eye(3), np.diag([1.0, 0.5])])
def test_pythtb_time_reversal_checked(U):
    from lrtheory.io.pythtb import from_pythtb

    with pytest.raises((ShapeError, ModelError), match="time_reversal"):
        from_pythtb(_FakePythTB18(), time_reversal=U)
    assert from_pythtb(_FakePythTB18(), time_reversal=np.eye(2)).time_reversal is not None


# -- 4. exact Fermi points at a band crossing on a grid point ------------------------------

RIB0 = haldane(t2=0.1, delta=0.0).ribbon(20)  # edge bands cross at E = 0, k = pi (grid point)


def test_crossing_on_the_grid_is_found_and_is_the_limit():
    nk = 2048
    assert np.any(np.isclose(RIB0.k_grid(nk)[:, 0], np.pi, rtol=0, atol=1e-14))
    pts = find_fermi_points(RIB0, 0.0, nk=nk)
    assert pts.branch.sum() == 2 and set(pts.direction[pts.branch]) == {-1, 1}
    at = fermi_point_profiles(RIB0, 0.0, nk=nk)
    # the ordinary sign-change route slightly off the crossing: the limit from both sides
    for d in (1e-6, -1e-6):
        off = fermi_point_profiles(RIB0, d, nk=nk)
        assert not find_fermi_points(RIB0, d, nk=nk).branch.any()
        assert np.abs(off["intraband_jx"]).max() > 1e-3  # the bug returned exactly 0
        for key in at:
            scale = max(np.abs(off[key]).max(), 1e-12)
            np.testing.assert_allclose(at[key], off[key], rtol=0, atol=1e-4 * scale)
    near = fermi_point_profiles(RIB0, 1e-9, nk=nk)  # was a GaugeError with degen_tol 1e-8
    for key in at:
        scale = max(np.abs(at[key]).max(), 1e-12)
        np.testing.assert_allclose(near[key], at[key], rtol=0, atol=1e-6 * scale)


def test_ribbon_accumulation_exact_at_the_crossing():
    acc = ribbon_accumulation(RIB0, 0.0, nk=512, fermi_surface="exact")
    off = ribbon_accumulation(RIB0, 1e-6, nk=512, fermi_surface="exact")
    jx, jx_off = acc.get("intraband", "jx"), off.get("intraband", "jx")
    assert np.abs(jx).max() > 1e-3
    np.testing.assert_allclose(jx, jx_off, rtol=0, atol=1e-4 * np.abs(jx_off).max())


def test_generic_ef_unchanged_by_the_grid_hit_logic():
    # at a generic E_F no band value is within degen_tol of E_F on the grid: no branch entry,
    # and two detection grids agree on the Fermi points (E_F = 0.05 crosses the edge bands)
    a = find_fermi_points(RIB0, 0.05, nk=2048)
    b = find_fermi_points(RIB0, 0.05, nk=1537)
    assert not a.branch.any() and len(a) == len(b) > 0
    np.testing.assert_allclose(a.k, b.k, rtol=0, atol=1e-10)


# -- 5. Python errors are lrtheory errors ---------------------------------------------------

@pytest.mark.parametrize("call", [
    lambda: hall_conductivity(TOPO, ef="abc", nk=8),
    lambda: hall_conductivity(TOPO, ef=[], nk=8),
    lambda: hall_conductivity(TOPO, ef=0.0, nk=8.5),
    lambda: hall_conductivity(TOPO, ef=0.0, nk="8"),
    lambda: hall_conductivity(TOPO, ef=0.0, nk=8, temperature=-1),
    lambda: hall_conductivity(TOPO, ef=0.0, nk=8, temperature="hot"),
    lambda: hall_conductivity(TOPO, ef=0.0, nk=8, b=2),
    lambda: hall_conductivity(TOPO, ef=0.0, nk=8, chunk_size=0),
    lambda: chern_numbers(TOPO, nk=96, tol=-1),
    lambda: ribbon_accumulation(TOPO.ribbon(3), ef="0.5", nk=16),
    lambda: ribbon_accumulation(TOPO.ribbon(3), 0.5, nk=16, eta=0.0),
    lambda: ribbon_accumulation(TOPO.ribbon(3), 0.5, nk=16, eta=-1),
    lambda: ribbon_accumulation(TOPO.ribbon(3), 0.5, nk=16.5),
    lambda: ribbon_accumulation(TOPO.ribbon(3), 0.5, nk=16, temperature=np.nan),
    lambda: fermi_point_profiles(TOPO.ribbon(3), "0.5"),
    lambda: haldane(bogus=1),
    lambda: haldane(t2="0.1"),
], ids=lambda f: "")
def test_bad_python_input_is_an_lrtheory_error(call):
    with pytest.raises(LrtheoryError) as exc:
        call()
    assert "\n" not in str(exc.value)


def test_nk_min_documented():
    assert NK_MIN == 8 and NK_MIN % 2 == 0
    assert "NK_MIN" in hall_mod.__doc__ and GaugeError  # documented constant


def _layered():
    from lrtheory.models.haldane import layered_haldane

    return layered_haldane()


@pytest.mark.parametrize("call", [
    lambda: __import__("lrtheory.response.torque", fromlist=["x"]).external_torque(
        TOPO, "spin_z", "0.1", temperature=0.1, nk=8),
    lambda: __import__("lrtheory.response.torque", fromlist=["x"]).external_torque(
        TOPO, "spin_z", np.nan, temperature=0.1, nk=8),
    lambda: __import__("lrtheory.response.torque", fromlist=["x"]).density_response(
        TOPO, None, 0.0, eta=-1.0, temperature=0.1, nk=8),
    lambda: __import__("lrtheory.response.fermi_surface", fromlist=["x"]).quadrature(
        TOPO, nk=7),
    lambda: __import__("lrtheory.response.hall3d", fromlist=["x"]).hall_tensor(
        _layered(), "abc"),
    lambda: __import__("lrtheory.response.hall3d", fromlist=["x"]).hall_tensor(
        _layered(), 0.0, nk=2.5),
], ids=["mu-str", "mu-nan", "eta-neg", "quad-odd", "hall3d-ef", "hall3d-nk"])
def test_other_response_entry_points_validate(call):
    with pytest.raises(LrtheoryError) as exc:
        call()
    assert "\n" not in str(exc.value)


@pytest.mark.parametrize("nk", [2047, 1001])
def test_crossing_between_grid_points_found_by_the_local_refinement(nk):
    # k = pi is not a point of an odd grid; it is a point of the 16x local grid around the
    # band extrema next to it: same branch limit as the off-crossing route (E_F = 1e-6)
    assert not np.any(np.isclose(RIB0.k_grid(nk)[:, 0], np.pi, rtol=0, atol=1e-9))
    at = fermi_point_profiles(RIB0, 0.0, nk=nk)
    off = fermi_point_profiles(RIB0, 1e-6, nk=nk)
    assert np.abs(off["intraband_jx"]).max() > 1e-3
    for key in at:
        scale = max(np.abs(off[key]).max(), 1e-12)
        np.testing.assert_allclose(at[key], off[key], rtol=0, atol=1e-4 * scale)
    assert find_fermi_points(RIB0, 0.0, nk=nk).branch.sum() == 2  # counted once
