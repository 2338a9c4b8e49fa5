"""Ribbon accumulation on the one k-sum driver (issue #14): the one-pass sub-grid estimate is
the old second run on ``k_grid(nk // 2)``; RibbonAccumulation is a Result with the old
attributes, the ribbon's frame and cut in its settings (issue #18); ribbon operators have one
home. Expected values come from independent runs (the half grid computed on its own, plain
numpy formulas), never from the code under test."""
import warnings

import numpy as np
import pytest

from lrtheory.errors import LrtheoryError, ModelError
from lrtheory.models import haldane
from lrtheory.response import density as d
from lrtheory.response import ribbon_operators as ro
from lrtheory.result import Result


def _rib(width=4, **kw):
    return haldane(**{"t0": 1.0, "t2": 0.1, "phi": 0.7, "delta": 0.2, **kw}).ribbon(width)


def test_subgrid_of_k_grid_is_the_half_grid_bit_for_bit():
    rib = _rib()
    for nk in (8, 64, 2048, 1000):
        assert np.array_equal(rib.k_grid(nk)[::2], rib.k_grid(nk // 2))
    grid = d._ribbon_grid(rib, 64)
    assert np.array_equal(grid.points(0, 64), rib.k_grid(64))
    assert np.array_equal(grid.points(0, 64)[grid.subgrid_mask(0, 64)], rib.k_grid(32))


@pytest.mark.parametrize("nk", [64, 63])
def test_error_estimate_equals_a_separate_half_grid_run(nk):
    rib = _rib()
    full = d.ribbon_accumulation(rib, 0.3, nk=nk, eta=0.05)
    half = d.ribbon_accumulation(rib, 0.3, nk=nk // 2, eta=0.05, convergence=False)
    assert sorted(full.error) == sorted(full.profiles)
    for key, val in full.profiles.items():
        change = val - half.profiles[key]
        np.testing.assert_allclose(full.error[key], change, rtol=0, atol=1e-13)
        scale = np.max(np.abs(val))
        expect = np.max(np.abs(change)) / scale if scale > 1e-14 else 0.0
        assert full.convergence[key] == pytest.approx(expect, rel=1e-9, abs=1e-15)
    assert full.settings["subgrid"] == ("every other k-point" if nk % 2 == 0
                                        else "k_grid(nk // 2), second run")


def test_result_keeps_old_attributes_and_stores_the_frame(tmp_path):
    rib = _rib()
    acc = d.ribbon_accumulation(rib, 0.3, nk=32)
    assert isinstance(acc, Result) and acc.quantity == "ribbon_accumulation"
    assert acc.nk == 32 and acc.y is acc.coords["y"]
    np.testing.assert_array_equal(acc.y, rib.transverse_positions())
    assert set(acc.params) == {"ef", "nk", "temperature", "smearing", "eta", "degen_tol",
                               "fermi_surface", "filling", "omm_convention"}
    assert acc.get("interband", "omm") is acc.profiles["interband_omm"]
    with pytest.raises(LrtheoryError, match="no profile interband_spin"):
        acc.get("interband", "spin")
    np.testing.assert_array_equal(acc.frame, rib.frame)
    f = acc.frame
    assert np.allclose(f @ f.T, np.eye(3)) and np.linalg.det(f) == pytest.approx(1.0)
    assert acc.settings["cut"]["direction"] == list(rib.cut.direction) or \
        tuple(acc.settings["cut"]["direction"]) == tuple(rib.cut.direction)
    # omm = -(q/2) y jx with q = -1, checked by hand
    np.testing.assert_array_equal(acc.get("intraband", "omm"), 0.5 * acc.y * acc.get("intraband", "jx"))
    path = acc.save(tmp_path / "acc.npz")
    back = Result.load(path)
    assert isinstance(back, d.RibbonAccumulation)
    for key, val in acc.profiles.items():
        np.testing.assert_array_equal(back.profiles[key], val)
    np.testing.assert_array_equal(back.frame, acc.frame)
    assert back.convergence == acc.convergence


def test_entry_check_names_the_problem():
    with pytest.raises(ModelError, match="ribbon_accumulation needs a Ribbon"):
        d.ribbon_accumulation(haldane(), 0.0, nk=16)
    from lrtheory.response.fermi_points import find_fermi_points
    with pytest.raises(ModelError, match="find_fermi_points needs a Ribbon"):
        find_fermi_points(haldane(), 0.0, nk=16)
    from lrtheory.response.ribbon_paper import paper_route
    with pytest.raises(ModelError, match="needs a Ribbon"):
        paper_route(haldane(), 0.0, nk=16)


def test_model_without_energy_bound_counts_as_partially_filled():
    rib = _rib(3)
    from lrtheory.models.protocol import Ribbon

    class Plain(Ribbon):
        dim, n_orbitals = rib.dim, rib.n_orbitals
        positions, lattice_vectors = rib.positions, rib.lattice_vectors
        hamiltonian, velocity = rib.hamiltonian, rib.velocity
        transverse_positions = rib.transverse_positions

    assert Plain().energy_bound is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "outside the spectrum" warning without a bound
        acc = d.ribbon_accumulation(Plain(), 50.0, nk=16)
    assert acc.params["filling"] == "partial"
    assert all(np.max(np.abs(v)) < 1e-12 for v in acc.profiles.values())


def test_ribbon_operators_against_plain_formulas(rng):
    rib = _rib(6)
    k = rng.uniform(-3, 3, (3, 1))
    H = rib.hamiltonian(k)
    y = rib.transverse_positions()
    n = len(y)
    Vy = ro.transverse_velocity(H, y)
    ref = np.empty_like(H)
    for a in range(n):
        for b in range(n):
            ref[:, a, b] = 1j * H[:, a, b] * (y[b] - y[a])
    np.testing.assert_array_equal(Vy, ref)
    # i[H, y] as a commutator with the diagonal position matrix
    Ymat = np.diag(y)
    np.testing.assert_allclose(Vy, 1j * (H @ Ymat - Ymat @ H), atol=1e-13)
    from lrtheory.kernels.banded import half_bandwidth
    w = half_bandwidth(H)
    for dd, diag in ro.transverse_velocity_diagonals(H, y, w).items():
        np.testing.assert_allclose(diag, np.diagonal(Vy, dd, -2, -1), atol=1e-15)
    e, U = np.linalg.eigh(H)
    Y = ro.band_position(U, y, origin_y=0.3)
    np.testing.assert_allclose(Y, np.conj(np.swapaxes(U, -1, -2)) @ np.diag(y - 0.3) @ U,
                               atol=1e-13)
    # band-basis v_y = U^dagger V_y U (exact since V_y = i[H, y])
    np.testing.assert_allclose(ro.band_transverse_velocity(e, ro.band_position(U, y)),
                               np.conj(np.swapaxes(U, -1, -2)) @ Vy @ U, atol=1e-12)
    prof = ro.add_omm_profiles({"a_jx": np.arange(n, dtype=float), "a_charge": np.ones(n)}, y)
    np.testing.assert_array_equal(prof["a_omm"], 0.5 * y * np.arange(n))
    assert "a_charge" in prof and len(prof) == 3


def test_locate_returns_brackets_dataclass():
    from dataclasses import fields

    from lrtheory.response import fermi_points as fp
    rib = _rib()
    br = fp._locate(rib, 0.3, 64, True, 64)
    names = {f.name for f in fields(br)}
    assert {"a", "b", "fa", "fb", "band", "x0", "direction", "G", "ftol", "ktol", "hits",
            "hit_tol", "dk"} == names
    assert br.G == pytest.approx(2 * np.pi / np.linalg.norm(rib.lattice_vectors[0]))
    assert np.all(np.sign(br.fa) != np.sign(br.fb)) and len(br.a) > 0


def test_paper_route_result():
    from lrtheory.response.ribbon_paper import paper_route, paper_route_profiles
    rib = _rib()
    res = paper_route(rib, 0.3, nk=32)
    plain = paper_route_profiles(rib, 0.3, nk=32)
    assert isinstance(plain, dict) and sorted(plain) == ["interband", "intraband"]
    for key, val in plain.items():
        np.testing.assert_array_equal(res[key], val)
    np.testing.assert_array_equal(res.settings["frame"], rib.frame)
