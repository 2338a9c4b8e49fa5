"""Ribbons cut from full-interpolation Wannier models keep the position matrix A(R)
(lrtheory/models/slab_positions.py: one cut builds films and ribbons; issue #15).

Checks, each with an independent reference:

* **Exact**: the Haldane model rewritten in rotated Wannier functions (off-diagonal
  positions known exactly, ``rotated_data``) and read with ``interpolation="full"`` is the
  original model; its ribbons, along a_1, a_2 and two oblique directions, must give the
  original ribbons' per-cell charge, j_x and j_y profiles (sums over the orbitals of a
  parent cell: the rotation mixes orbitals within a cell) to rounding. The tight-binding
  reading of the same file does not (the counter-example: dropping the off-diagonal A).
* **Band-basis position**: ``ribbon_position`` of the full ribbon has the off-diagonal
  ``|Y_nl|`` of the original ribbon (in which y is diagonal), and transforms covariantly
  under a random gauge (``Eigensystem.randomize_gauge``); with the centres' y alone it
  does not.
* **Bulk limit**: on a 2D model with random position elements at R != 0 (not a rotation
  of anything), the interior cell's interband j_y of a wide ribbon converges in the width
  to the bulk Kubo response per cell with the full velocity ``-i[r, H]``, computed here by
  plain numpy on the bulk eigensystem on the ribbon's k points times a transverse grid;
  the tight-binding reading converges to another value.
* Computations that use the centres' y alone (Fermi points, the printed route, the
  ribbon symmetry search), flakes and ``remove_orbitals`` refuse with a ModelError.
"""
import numpy as np
import pytest

from lrtheory.bands.eigensystem import Eigensystem
from lrtheory.errors import ModelError
from lrtheory.io.wannier90 import model_from_hr
from lrtheory.models.cuts import remove_orbitals
from lrtheory.models.haldane import haldane
from lrtheory.response.density import ribbon_accumulation
from lrtheory.response.fermi_points import fermi_point_profiles
from lrtheory.response.omm import ribbon_position
from lrtheory.response.ribbon_paper import paper_route
from lrtheory.symmetry.operations import find_ribbon_symmetries
from tests.unit.test_wannier_interpolation import LAT3_2D, rotated_data

CUTS = [{}, {"periodic": 1}, {"direction": (1, 1)}, {"direction": (-1, 2)}]
QS = ("charge", "jx", "jy")


@pytest.fixture(scope="module")
def rotated():
    h = haldane(t2=0.1, phi=0.7, delta=0.2)
    data, _ = rotated_data(h, LAT3_2D, np.random.default_rng(3))
    return h, model_from_hr(data, interpolation="full", dim=2), model_from_hr(data, dim=2)


def _cells(profile, n=2):
    return np.asarray(profile).reshape(-1, n).sum(1)


@pytest.mark.parametrize("cut", CUTS, ids=str)
def test_rotated_basis_ribbon_equals_the_original_ribbon(rotated, cut):
    h, full, tb = rotated
    rib = full.ribbon(6, **cut)
    assert rib.has_position_matrix and rib.position_blocks[1].shape[1] == 2
    res = {name: ribbon_accumulation(m.ribbon(6, **cut), 0.2, nk=32, temperature=0.05)
           for name, m in (("orig", h), ("full", full), ("tb", tb))}
    worst_tb = 0.0
    for part in ("intraband", "interband"):
        scale = max(np.abs(_cells(res["orig"].values[f"{part}_{q}"])).max() for q in QS)
        for q in QS:
            ref = _cells(res["orig"].values[f"{part}_{q}"])
            # 1e-12: rounding of the rotation (seen 5e-15)
            np.testing.assert_allclose(_cells(res["full"].values[f"{part}_{q}"]), ref,
                                       rtol=0, atol=1e-12 * scale, err_msg=f"{part} {q}")
            worst_tb = max(worst_tb, np.abs(_cells(res["tb"].values[f"{part}_{q}"]) - ref).max()
                           / scale)
    assert worst_tb > 1e-2  # seen 0.03-0.16: the tight-binding reading is another model


def test_band_position_matches_the_original_and_is_gauge_covariant(rotated, rng):
    h, full, tb = rotated
    ro, rf, rt = (m.ribbon(5, direction=(-1, 2)) for m in (h, full, tb))
    k = rng.uniform(-3, 3, size=(12, 1))
    eo, ef, et = (Eigensystem.compute(r, k) for r in (ro, rf, rt))
    np.testing.assert_allclose(ef.energies, eo.energies, atol=1e-12)
    assert np.diff(eo.energies, axis=1).min() > 1e-6  # non-degenerate: |Y_nl| is gauge free
    off = ~np.eye(ro.n_orbitals, dtype=bool)
    Yo = np.abs(ribbon_position(ro, eo))[:, off]
    Yf = ribbon_position(rf, ef)
    np.testing.assert_allclose(np.abs(Yf)[:, off], Yo, atol=1e-12 * Yo.max())
    # covariance: Y' = W^+ Y W for the random gauge U' = U W (phases here)
    er = ef.randomize_gauge(rng)
    W = np.conj(np.swapaxes(ef.states, -1, -2)) @ er.states
    np.testing.assert_allclose(ribbon_position(rf, er),
                               np.conj(np.swapaxes(W, -1, -2)) @ Yf @ W, atol=1e-12)
    # velocity of the full ribbon: v = -i[r, H]; the band-basis v_y = i (e_n - e_l) Y_nl
    # agrees with the original ribbon's (counter-example: the centres' y of the file)
    vo = np.abs((eo.energies[:, :, None] - eo.energies[:, None, :]))[:, off] * Yo
    vt = np.abs(et.energies[:, :, None] - et.energies[:, None, :])[:, off] * np.abs(
        ribbon_position(rt, et))[:, off]
    assert np.abs(vt - vo).max() > 1e-2 * vo.max()


EF, TEMP, NK = 0.0, 0.05, 24


def _bulk_interband_jy(model, rib, nperp=48):
    """Interband <v_y> per cell per unit E_x of the bulk (Eq. 17 with H' = E x, as
    tests/physics/test_slab_full_interpolation.py): sum_ab (f_a - f_b)/(e_a - e_b) v^y_ab
    x_ba, x_ba = i v^x_ba/(e_a - e_b), v = -i[r, H] of the bulk eigensystem; k = the
    ribbon's k along x plus j/nperp of the reciprocal vector b' with b'.a_par = 0,
    b'.s = 2 pi (s the stacking vector): one period across, same k.a_par."""
    xh, yh = rib.frame[0, :2], rib.frame[1, :2]
    s = np.asarray(rib.cut.stacking) @ model.lattice_vectors
    b = 2 * np.pi * yh / (s @ yh)
    kpar = np.asarray(rib.k_grid(NK), float)[:, 0]
    k = (kpar[:, None, None] * xh + (np.arange(nperp) / nperp)[None, :, None] * b
         ).reshape(-1, 2)
    es = Eigensystem.compute(model, k)
    e = es.energies
    vx = np.einsum("a,kaij->kij", xh, es.velocity)
    vy = np.einsum("a,kaij->kij", yh, es.velocity)
    f = 1 / (np.exp((e - EF) / TEMP) + 1)
    de = e[:, :, None] - e[:, None, :]
    offd = ~np.eye(e.shape[1], dtype=bool)
    safe = np.where(offd, de, 1.0)
    x = np.where(offd, 1j * vx / -safe, 0)
    L = np.where(offd, (f[:, :, None] - f[:, None, :]) / safe, 0)
    return np.einsum("kab,kab,kba->", L, vy, x).real / len(k)


@pytest.mark.parametrize("cut", [{}, {"direction": (1, -1)}], ids=str)
def test_interior_cell_converges_to_the_bulk_full_interpolation_value(cut):
    """A Chern insulator (gap 3 t0, E_F = 0 mid-gap, k_B T = 0.05 t0: thermally excited
    carriers e^-30, whose ribbon sub-band pairs would count as interband in the ribbon and
    as intraband in the bulk). Seen: 6e-2 at W = 6, 4e-7 at W = 20 (zigzag). Not the (1, 1)
    cut: there even the original Haldane ribbon's interior depends on nk (0.35 of the bulk
    at nk = 24, 0.67 at 48, W = 40), with or without A. Why: on that cut the chiral edge
    states of the two edges cross E_F at the same k (k = 0), split only by their overlap
    across the ribbon, 1.3e-8 t0 at W = 40 (zigzag: 1.4e-3, (1, -1): 5.4e-4; middle bands on
    4001 k). That pair, with k_B T >> its gap, counts as interband in the ribbon, and its
    1/(e_a - e_b) weights make the sum depend on how the grid samples k = 0."""
    h = haldane(t2=0.3, phi=np.pi / 2, delta=0.1)
    data, _ = rotated_data(h, LAT3_2D, np.random.default_rng(5), extra_A=0.05)
    full, tb = model_from_hr(data, interpolation="full", dim=2), model_from_hr(data, dim=2)
    dev, mid = {}, {}
    for name, mod in (("full", full), ("tb", tb)):
        bulk = None
        for W in (6, 20):
            rib = mod.ribbon(W, **cut)
            if bulk is None:
                bulk = _bulk_interband_jy(mod, rib)
            jy = _cells(ribbon_accumulation(rib, EF, nk=NK, temperature=TEMP,
                                            convergence=False).values["interband_jy"])
            dev[name, W] = abs(jy[W // 2] / bulk - 1)
            mid[name, W] = jy[W // 2]
    assert dev["full", 20] < 1e-5 and dev["full", 6] > 1e-2, dev
    assert dev["tb", 20] < 1e-5, dev  # the tight-binding reading: its own bulk
    assert abs(mid["full", 20] / mid["tb", 20] - 1) > 1e-2  # the A terms survived the cut


def test_computations_with_the_centres_alone_refuse(rotated):
    h, full, tb = rotated
    rib = full.ribbon(4)
    for call in (lambda: fermi_point_profiles(rib, 0.2, nk=64),
                 lambda: paper_route(rib, 0.2, nk=16),
                 lambda: find_ribbon_symmetries(rib)):
        with pytest.raises(ModelError, match="position matrix A"):
            call()
    with pytest.raises(ModelError, match="position or spin blocks"):
        remove_orbitals(rib, [0])
    with pytest.raises(ModelError, match="position matrix"):
        rib.move_orbital(0, (1,))
    with pytest.raises(ModelError, match="interpolation='tight-binding'"):
        full.flake(2, 2)
    from lrtheory.models.cubic import cubic_rashba
    from lrtheory.models.slabs import slab

    with pytest.raises(ModelError, match="wires"):  # a ribbon of a film: not supported
        slab(cubic_rashba(), 3).ribbon(2)
    # the tight-binding reading still does all of it
    assert remove_orbitals(tb.ribbon(4), [0]).n_orbitals == 7
    assert rib.with_time_reversal(None).has_position_matrix  # kept, not dropped
