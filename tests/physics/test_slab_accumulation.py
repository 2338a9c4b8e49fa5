"""Layer-resolved accumulations of slabs (lrtheory.response.slab, issue #15 item 5): sum
rule, bulk limit of the interior, convergence in N, and the symmetry report evaluated on the
numbers.

Independent references: the bulk 3D Boltzmann (intraband) response
``sum_k f'(e_n) A_nn v^x_nn`` of the parent model computed here with plain numpy on the same
(shifted) in-plane grid and a dense k_z grid (bands are non-degenerate there: the shifted
grid avoids the in-plane time-reversal-invariant momenta, and the bulk polar Rashba bands
cross only at those); the interior layers of a thick slab must reproduce it (per layer of
thickness d = 1). At T = 0.5 t the interior converges exponentially in the depth, so at
N = 32 the middle layer agrees to 1e-8 relative (measured 5e-10; N = 8, 12, 16, 24: 1.7e-2,
1.5e-3, 3.8e-5, 3.9e-7), while N = 12 does not (its deviation is > 100x larger): the test
fails if the slab's layers were coupled wrongly or the grid weights were per cell instead of
per area.
"""
from __future__ import annotations

import numpy as np
import pytest

from lrtheory.conventions import ELECTRON_CHARGE
from lrtheory.errors import ConventionError, LrtheoryError, ModelError
from lrtheory.models.cubic import SPIN_HALF, cubic_rashba
from lrtheory.models.slabs import frame_vector_operator, slab
from lrtheory.response.slab import slab_accumulation
from lrtheory.symmetry.slab import slab_symmetry_report

EF, TEMP, NK = -3.0, 0.5, 8
SIGMA_Z = np.diag([1.0, -1.0]).astype(complex)
#: candidate operations (parent spin matrices): M_x Theta = -i sigma_z K, M_y Theta = -i K
#: (up to phase), M_x = i sigma_x, C_2z = i sigma_z; derived from the spin rotations
CANDIDATES = [("MxTR", -1j * SIGMA_Z, True, (-1, 1)),
              ("MyTR", 1j * np.eye(2), True, (1, -1)),
              ("Mx", 2j * SPIN_HALF[0], False, (-1, 1)),
              ("C2z", 1j * SIGMA_Z, False, (-1, -1))]
QUANTITIES = ("charge", "jx", "jy", "jz", "omm_x", "omm_y", "Sx", "Sy", "Sz")


def _run(bz, layers, *, miller=(0, 0, 1), nk=NK, direction=0):
    s = slab(cubic_rashba(alpha=0.5, bz=bz), layers, miller)
    S = frame_vector_operator(s, SPIN_HALF)
    ops = {"Sx": S[0], "Sy": S[1], "Sz": S[2]}
    res = slab_accumulation(s, EF, nk=nk, temperature=TEMP, operators=ops, direction=direction)
    return s, ops, res


def _bulk_boltzmann(model, nk, nkz=256):
    """Intraband S_y and j_x per volume of the bulk (plain numpy, module doc)."""
    g = (np.arange(nk) + 0.5) * 2 * np.pi / nk
    gz = np.arange(nkz) * 2 * np.pi / nkz
    k = np.stack(np.meshgrid(g, g, gz, indexing="ij"), -1).reshape(-1, 3)
    H, V = model.hamiltonian_and_velocity(k)
    e, U = np.linalg.eigh(H)
    x = (e - EF) / TEMP
    fp = -np.exp(-np.abs(x)) / (TEMP * (1 + np.exp(-np.abs(x))) ** 2)  # f'(e)
    vx = np.einsum("kin,kij,kjn->kn", U.conj(), V[:, 0], U).real
    sy = np.einsum("kin,ij,kjn->kn", U.conj(), SPIN_HALF[1], U).real
    return (fp * sy * vx).sum() / len(k), (fp * vx * vx).sum() / len(k)


def test_interior_reproduces_the_bulk_edelstein_response():
    m = cubic_rashba(alpha=0.5)
    sy_bulk, jx_bulk = _bulk_boltzmann(m, NK)
    dev = {}
    for N in (12, 32):
        _, _, res = _run(0.0, N)
        mid = N // 2
        dev[N] = abs(res.layer_profile("intraband", "Sy")[mid] / sy_bulk - 1)
        if N == 32:
            assert res.layer_profile("intraband", "jx")[mid] == pytest.approx(jx_bulk, rel=1e-9)
            # the surface layer is not bulk-like (the comparison can fail)
            assert abs(res.layer_profile("intraband", "Sy")[0] / sy_bulk - 1) > 1e-2
    assert dev[32] < 1e-8
    assert dev[12] > 100 * dev[32]


@pytest.mark.parametrize("bz", [0.0, 0.3])
def test_charge_sum_rule_and_nonconserved_counterexample(bz):
    """The film's total electron number does not change (a conserved density); the spin
    S_y (not conserved: the Edelstein effect) does."""
    _, _, res = _run(bz, 6)
    scale = np.abs(res.get("intraband", "jx")).max()
    for part in ("intraband", "interband"):
        assert abs(res.total(part, "charge")) < 1e-13 * scale
    assert abs(res.total("intraband", "Sy")) > 1e-3


@pytest.mark.parametrize("bz", [0.0, 0.3])
def test_symmetry_statements_hold_on_the_numbers(bz):
    s, ops, res = _run(bz, 6)
    rep = slab_symmetry_report(s, operators=ops, candidates=CANDIDATES)
    holds = {o["name"]: o["holds"] for o in rep["operations"]}
    assert holds["MxTR"] and holds["MyTR"] and holds["C2z"]
    assert holds["Mx"] == (bz == 0)           # the Zeeman field breaks the unitary mirror
    assert ("TR (declared)" in holds) == (bz == 0)
    scale = max(np.abs(v).max() for v in res.values.values())
    zero = {(st["part"], st["quantity"]) for st in rep["statements"]}
    for part, q in zero:
        assert np.abs(res.layer_profile(part, q)).max() < 1e-12 * scale, (part, q)
    # whatever no operation forbids is present somewhere (the report is not vacuous)
    allowed = {(p, q) for p in ("intraband", "interband") for q in QUANTITIES} - zero
    for part, q in allowed:
        assert np.abs(res.layer_profile(part, q)).max() > 1e-6 * scale, (part, q)
    if bz:  # without TR: an interband (undergap) spin S_x and the anomalous Hall j_y
        assert ("interband", "Sx") in allowed and ("interband", "jy") in allowed


def test_omm_is_the_lever_arm_of_the_current():
    """n_m(z) = (q/2) z (e_z x j): omm_x = -(q/2) z j_y, omm_y = (q/2) z j_x; and the
    in-plane rotation of the field by 90 degrees (C4 of the (001) film of the TR model)
    rotates the whole response: omm_x(E || y) = -omm_y(E || x)."""
    s, _, rx = _run(0.0, 6)
    _, _, ry = _run(0.0, 6, direction=1)
    z = s.normal_positions()
    q = ELECTRON_CHARGE
    for part in ("intraband", "interband"):
        np.testing.assert_allclose(rx.get(part, "omm_y"), q / 2 * z * rx.get(part, "jx"))
        np.testing.assert_allclose(rx.get(part, "omm_x"), -q / 2 * z * rx.get(part, "jy"))
    np.testing.assert_allclose(ry.layer_profile("intraband", "omm_x"),
                               -rx.layer_profile("intraband", "omm_y"), atol=1e-13)
    np.testing.assert_allclose(ry.layer_profile("intraband", "Sx"),
                               -rx.layer_profile("intraband", "Sy"), atol=1e-13)


def test_result_saves_and_loads(tmp_path):
    _, _, res = _run(0.3, 3, nk=4)
    path = res.save(tmp_path / "slab.npz")
    back = type(res).load(path)
    np.testing.assert_array_equal(back.layer_profile("interband", "Sx"),
                                  res.layer_profile("interband", "Sx"))
    assert list(back.settings["cut"]["miller"]) == [0, 0, 1]


def test_bad_input():
    s = slab(cubic_rashba(), 3)
    with pytest.raises(ConventionError, match="direction"):
        slab_accumulation(s, 0.0, direction=2)
    with pytest.raises(ConventionError, match="direction"):
        slab_accumulation(s, 0.0, direction=[0, 0])
    with pytest.raises(ModelError, match="operator 'A'"):
        slab_accumulation(s, 0.0, operators={"A": np.eye(2)})
    with pytest.raises(ModelError, match="not Hermitian"):
        slab_accumulation(s, 0.0, operators={"A": np.triu(np.ones((6, 6)))})
    with pytest.raises(ModelError, match="needs a Slab"):
        slab_accumulation(cubic_rashba(), 0.0)
    with pytest.raises(LrtheoryError):
        slab_accumulation(s, float("nan"))


def test_normal_current_sum_rule():
    """Equation of motion of the film's dipole Z: chi_{Zdot,x} = -i eta chi_{Z,x} (Eq. 33 with
    [Z, x] = 0), and chi_{Z,x} = tau X_intra + X_inter + O(eta), so the total normal current
    sum_i jz(i) has no intraband part (exactly: (v_z)_nn = 0) and its interband part equals
    the intraband dipole sum_i z_i charge_intra(i) (per tau), up to the grid error of
    int d_k <Z>, which falls exponentially with nk at T = 0.5 (derivation: docs/slabs.md).
    TR-broken (111) film (no k -> -k symmetry: the sum is not zero by symmetry).
    Counter-examples: per orbital the identity does not hold, and the grid error at nk = 8
    is visible."""
    s = slab(cubic_rashba(alpha=0.5, bz=0.3), 6, (1, 1, 1))
    z = s.normal_positions()
    diff = {}
    for nk in (8, 16):
        res = slab_accumulation(s, EF, nk=nk, temperature=TEMP)
        jz, dip = res.get("interband", "jz"), z * res.get("intraband", "charge")
        assert abs(res.total("intraband", "jz")) < 1e-15
        diff[nk] = abs(jz.sum() - dip.sum()) / abs(dip.sum())
    assert diff[16] < 1e-3 and diff[8] > 30 * diff[16]
    assert np.abs(jz - dip).max() > 10 * abs(jz.sum() - dip.sum())


def test_error_estimate_from_the_half_grid():
    """The error is value(nk) - value(nk/2) on shifted grids, both symmetric under k -> -k:
    a part that time reversal forbids has zero error (the every-other-point subset of the
    shifted grid is not symmetric and reported 0.09 for the intraband charge at nk = 4), and
    the error of the Drude current falls with nk and bounds its actual change."""
    s = slab(cubic_rashba(alpha=0.5), 3)
    jx = {}
    for nk in (8, 16, 32):
        res = slab_accumulation(s, EF, nk=nk, temperature=TEMP)
        assert np.abs(res.error["intraband_charge"]).max() < 1e-14
        assert np.abs(res.error["interband_jx"]).max() < 1e-14
        jx[nk] = (res.get("intraband", "jx"), np.abs(res.error["intraband_jx"]).max())
    assert jx[32][1] < jx[16][1] / 10 < jx[8][1] / 100
    assert np.abs(jx[16][0] - jx[32][0]).max() <= jx[16][1]
