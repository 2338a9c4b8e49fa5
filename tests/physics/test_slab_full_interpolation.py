"""Films cut from full-interpolation Wannier models keep the position matrix A(R)
(lrtheory/models/slab_positions.py; issue #15).

Checks, each with an independent reference:

* **Exact**: a model rewritten in rotated Wannier functions (off-diagonal positions known
  exactly, ``rotated_data``) read with ``interpolation="full"`` is the original model; its
  films must give the original films' layer profiles (charge, jx, jy, jz) to rounding, for
  a (001) and a (100) cut. The tight-binding reading of the same file does not (the
  counter-example).
* **Bulk limit in N**: on the TR-broken Weyl file with random position elements at R != 0
  (tests/physics/data/weyl_positions_tb.dat), the interior layer's interband (anomalous)
  current converges in N to ``d`` times the bulk Kubo response with the full velocity
  ``-i[r, H]``, computed here by plain numpy on the bulk eigensystem on the same in-plane
  points (and a kz grid); the tight-binding reading converges to another value (the A
  terms survive the cut). The film's Berry curvature (the Wannier-space term included)
  per added layer converges to the bulk WYSV curvature per layer.
* **Translation**: moving every Wannier function by a lattice vector T of the parent (the
  file's centres and R = 0 diagonal positions + T) changes no layer profile except the
  lever-arm moment, which moves by exactly ``-(q/2) z0 (e_z x j)`` (z0 = T . e_z; films
  not re-centred); re-declaring the centres (the split between Bloch phases and A) changes
  nothing in the full reading.
* Cuts that cannot carry A (flakes, re-based lattices, moved orbitals) refuse with a
  ModelError instead of falling back to the tight-binding reading (ribbons keep A:
  tests/physics/test_ribbon_full_interpolation.py).
"""
import dataclasses

import numpy as np
import pytest

from lrtheory.bands.eigensystem import Eigensystem
from lrtheory.conventions import ELECTRON_CHARGE
from lrtheory.errors import ModelError
from lrtheory.io.wannier90 import load_wannier90, model_from_hr
from lrtheory.models.haldane import haldane, layered_haldane
from lrtheory.models.slabs import slab
from lrtheory.response.berry import berry_curvature
from lrtheory.response.slab import slab_accumulation, slab_grid
from tests.unit.test_wannier_interpolation import rotated_data

WEYL = "tests/physics/data/weyl_positions_tb.dat"
QS = ("charge", "jx", "jy", "jz")


@pytest.fixture(scope="module")
def rotated():
    m = layered_haldane(tz=0.15, c=1.5, weyl=True)
    data, _ = rotated_data(m, np.asarray(m.lattice_vectors, float), np.random.default_rng(7))
    return m, data


@pytest.mark.parametrize("miller", [(0, 0, 1), (1, 0, 0)])
def test_rotated_basis_film_equals_the_original_film(rotated, miller):
    m, data = rotated
    full, tb = model_from_hr(data, interpolation="full"), model_from_hr(data)
    res = {name: slab_accumulation(slab(mod, 4, miller), 0.1, nk=8, temperature=0.1)
           for name, mod in (("orig", m), ("full", full), ("tb", tb))}
    assert slab(full, 4, miller).has_position_matrix
    worst_tb = 0.0
    for part in ("intraband", "interband"):
        scale = max(np.abs(res["orig"].layer_profile(part, q)).max() for q in QS)
        for q in QS:
            ref = res["orig"].layer_profile(part, q)
            np.testing.assert_allclose(res["full"].layer_profile(part, q), ref, rtol=0,
                                       atol=1e-12 * scale, err_msg=f"{part} {q}")
            worst_tb = max(worst_tb, np.abs(res["tb"].layer_profile(part, q) - ref).max()
                           / scale)
    assert worst_tb > 1e-3  # the tight-binding reading of the same file is another model


EF, TEMP, NK = 0.3, 0.2, 12


def _bulk_kubo_jy(model, film, nkz=48):
    """Interband <v_y> per volume per unit E_x of the bulk, plain numpy: sum_ab
    (f_a - f_b)/(e_a - e_b) v^y_ab x_ba with x_ba = i v^x_ba/(e_a - e_b) (Eq. 17, H' = E x),
    v = -i[r, H] from the bulk eigensystem; in-plane points those of the film's grid."""
    kpar = np.asarray(slab_grid(film, NK).k)[: NK * NK, :2]
    d = film.cut.spacing
    kz = np.arange(nkz) / nkz * 2 * np.pi / d
    k = ((kpar @ film.frame[:2])[:, None, :] + kz[None, :, None] * film.frame[2]).reshape(-1, 3)
    es = Eigensystem.compute(model, k)
    e, v = es.energies, es.velocity
    f = 1 / (np.exp((e - EF) / TEMP) + 1)
    de = e[:, :, None] - e[:, None, :]
    off = ~np.eye(e.shape[1], dtype=bool)
    safe = np.where(off, de, 1.0)
    x = np.where(off, 1j * v[:, 0] / -safe, 0)  # x[b, a] = i v_ba/(e_a - e_b), b != a
    L = np.where(off, (f[:, :, None] - f[:, None, :]) / safe, 0)
    chi = np.einsum("kab,kab,kba->", L, v[:, 1], x).real
    return chi / len(k) / abs(np.linalg.det(model.lattice_vectors))


def test_interior_layer_converges_to_the_bulk_full_interpolation_value():
    full, tb = load_wannier90(WEYL, interpolation="full"), load_wannier90(WEYL)
    dev, mid = {}, {}
    for name, mod in (("full", full), ("tb", tb)):
        bulk = None
        for N in (4, 12):
            film = slab(mod, N, (0, 0, 1))
            if bulk is None:
                bulk = film.cut.spacing * _bulk_kubo_jy(mod, film)
            jy = slab_accumulation(film, EF, nk=NK, temperature=TEMP,
                                   convergence=False).layer_profile("interband", "jy")
            dev[name, N] = abs(jy[N // 2] / bulk - 1)
            mid[name, N] = jy[N // 2]
    assert dev["full", 12] < 1e-6 and dev["full", 4] > 1e-3  # converges in N (6e-3 -> 3e-8)
    assert dev["tb", 12] < 1e-5
    # the full interior is not the tight-binding one: the A terms survived the cut
    assert abs(mid["full", 12] / mid["tb", 12] - 1) > 1e-2


def test_film_curvature_per_layer_converges_to_the_bulk_wysv_curvature():
    """The film's Berry curvature (Kubo part + Wannier-space term, in-plane A) summed over
    occupied states: its increment per layer tends to d times the bulk's (same in-plane
    points, kz grid): 4e-9 relative from N = 10 to 14 (12 x 12 points, k_B T = 0.2 t0)."""
    full = load_wannier90(WEYL, interpolation="full")

    def curvature_sum(model, k):
        es = Eigensystem.compute(model, k)
        f = 1 / (np.exp((es.energies - EF) / TEMP) + 1)
        return float((berry_curvature(es) * f).sum() / len(k))

    film2 = slab(full, 2, (0, 0, 1))
    kpar = np.asarray(slab_grid(film2, NK).k)[: NK * NK, :2]
    d, nkz = film2.cut.spacing, 48
    kz = np.arange(nkz) / nkz * 2 * np.pi / d
    k3 = ((kpar @ film2.frame[:2])[:, None, :] + kz[None, :, None] * film2.frame[2]
          ).reshape(-1, 3)
    bulk_per_layer = curvature_sum(full, k3)  # per cell = per layer (one cell per layer)
    film = {N: curvature_sum(slab(full, N, (0, 0, 1)), kpar) for N in (6, 10, 14)}
    inc = (film[14] - film[10]) / 4
    assert inc == pytest.approx(bulk_per_layer, rel=1e-6)
    assert abs((film[10] - film[6]) / 4 / bulk_per_layer - 1) < 1e-3
    # counter-example: without the Wannier-space term (the tight-binding reading)
    tb = load_wannier90(WEYL)
    tb_inc = (curvature_sum(slab(tb, 14, (0, 0, 1)), kpar)
              - curvature_sum(slab(tb, 10, (0, 0, 1)), kpar)) / 4
    assert abs(tb_inc / bulk_per_layer - 1) > 1e-4  # 7e-4 on this grid


def _shifted(data, T):
    """The file with every Wannier function moved by the lattice vector T (Cartesian):
    <m0|r|nR> + T delta_mn delta_R0, H unchanged."""
    pos = np.array(data.pos, copy=True)
    i0 = int(np.nonzero(np.all(data.R == 0, 1))[0][0])
    for a in range(3):
        pos[i0, a] += T[a] * np.eye(pos.shape[-1])
    return dataclasses.replace(data, pos=pos)


def test_translation_by_a_lattice_vector_changes_only_the_lever_arm(rotated):
    m, data = rotated
    lat = np.asarray(m.lattice_vectors, float)
    T = lat[0] + 2 * lat[2]
    a, b = (model_from_hr(x, interpolation="full") for x in (data, _shifted(data, T)))
    np.testing.assert_allclose(b.positions - a.positions, np.tile(T, (2, 1)), atol=1e-12)
    ra, rb = (slab_accumulation(slab(x, 4, (1, 0, 0), center=False), 0.1, nk=8,
                                temperature=0.1) for x in (a, b))
    film = slab(a, 4, (1, 0, 0), center=False)
    z0 = T @ film.frame[2]
    assert abs(z0) > 0.1
    for part in ("intraband", "interband"):
        scale = max(np.abs(ra.get(part, q)).max() for q in QS)
        for q in QS:
            np.testing.assert_allclose(rb.get(part, q), ra.get(part, q), rtol=0,
                                       atol=1e-12 * scale, err_msg=f"{part} {q}")
        # n_m = (q/2) z (e_z x j): omm_y = +(q/2) z jx moves by (q/2) z0 jx
        moved = rb.get(part, "omm_y") - ra.get(part, "omm_y")
        np.testing.assert_allclose(moved, ELECTRON_CHARGE / 2 * z0 * ra.get(part, "jx"),
                                   rtol=0, atol=1e-12 * scale * (1 + abs(z0)))


def test_redeclared_centres_change_nothing_in_the_full_reading(rotated):
    m, data = rotated
    other = np.random.default_rng(2).uniform(-0.3, 0.3, size=(2, 3))
    res = {}
    for key, kw in (("full", {"interpolation": "full"}),
                    ("full_moved", {"interpolation": "full", "positions": other}),
                    ("tb", {}), ("tb_moved", {"positions": other})):
        film = slab(model_from_hr(data, **kw), 4, (0, 0, 1))
        res[key] = slab_accumulation(film, 0.1, nk=8, temperature=0.1)
    scale = np.abs(res["full"].layer_profile("interband", "jy")).max()
    for q in ("charge", "jx", "jy"):
        np.testing.assert_allclose(res["full_moved"].layer_profile("interband", q),
                                   res["full"].layer_profile("interband", q), rtol=0,
                                   atol=1e-10 * scale)
    # counter-example: the tight-binding reading depends on the declared centres
    diff = np.abs(res["tb_moved"].layer_profile("interband", "jy")
                  - res["tb"].layer_profile("interband", "jy")).max()
    assert diff > 1e-3 * scale


def test_cuts_that_would_drop_the_position_matrix_refuse(rotated):
    m, data = rotated
    full3 = model_from_hr(data, interpolation="full")
    with pytest.raises(ModelError, match="position matrix"):
        full3.move_orbital(0, (1, 0, 0))
    assert full3.with_time_reversal(None).has_position_matrix  # kept, not dropped
    from lrtheory.models.cuts import with_lattice_basis

    with pytest.raises(ModelError, match="position matrix"):
        with_lattice_basis(full3, np.eye(3, dtype=int))
    h = haldane(t2=0.1)
    d2, _ = rotated_data(h, np.array([[1.0, 0, 0], [0.5, np.sqrt(3) / 2, 0], [0, 0, 10.0]]),
                         np.random.default_rng(3))
    full2 = model_from_hr(d2, interpolation="full", dim=2)
    with pytest.raises(ModelError, match="interpolation='tight-binding'"):
        full2.flake(2, 2)
    assert full2.ribbon(4).has_position_matrix  # ribbons keep A (test_ribbon_full_interpolation)
    film = slab(full3, 3, (0, 0, 1))
    with pytest.raises(ModelError, match="position matrix"):
        film.move_orbital(0, (1, 0))
    # the tight-binding reading cuts as before
    assert model_from_hr(d2, dim=2).ribbon(4).n_orbitals == 8


@pytest.mark.parametrize("miller", [(0, 0, 1), (1, 0, 0)])
def test_film_curl_is_the_derivative_of_its_connection(miller):
    """``curl[..., b, c] = d_b A^c - d_c A^b`` (PositionMatrix's definition) against central
    differences of the film's own connection (step 1e-4 1/a: truncation ~ h^2 |A'''| ~ 1e-8
    of the scale, rounding ~ eps/h ~ 1e-12): every component, so also the antisymmetric
    partner [1, 0], which the layer profiles never read."""
    from lrtheory.models.slab_positions import position_fields

    film = slab(load_wannier90(WEYL, interpolation="full"), 3, miller)  # A(R != 0) random
    k = np.random.default_rng(5).uniform(-np.pi, np.pi, (4, 2))
    pm, _ = position_fields(film, k)
    h = 1e-4
    d = []
    for b in range(2):
        e = np.zeros(2)
        e[b] = h
        d.append((position_fields(film, k + e)[0].connection
                  - position_fields(film, k - e)[0].connection) / (2 * h))  # d_b A^c at [c]
    scale = np.abs(pm.curl).max()
    assert scale > 1e-2
    for b in range(2):
        for c in range(2):
            want = d[b][:, c] - d[c][:, b]
            np.testing.assert_allclose(pm.curl[:, b, c], want, rtol=0, atol=1e-6 * scale,
                                       err_msg=f"curl[{b}, {c}]")


def _moved_orbital(data, m, t, lat):
    """The file with Wannier function ``m`` alone moved by the lattice vector ``t`` (integer
    coordinates): |m'R> = |m, R + t>, so <m'0|X|bR> = <m0|X|b, R - t> and
    <a0|X|m'R> = <a0|X|m, R + t> for b, a != m (X = H or r), and <m'0|r|m'0> gains t . lat.
    Written here entry by entry, independently of the cut code."""
    t = np.asarray(t, int)
    blocks = {tuple(R): (data.H[i], data.pos[i]) for i, R in enumerate(data.R)}
    n = data.H.shape[-1]
    zero = (np.zeros((n, n), complex), np.zeros((3, n, n), complex))
    keys = sorted({tuple(R + s) for R in data.R for s in (0 * t, t, -t)})
    H, pos = [], []
    for R in keys:
        R = np.array(R)
        h, p = [x.copy() for x in blocks.get(tuple(R), zero)]
        hm, pm = blocks.get(tuple(R - t), zero)  # row m
        hp, pp = blocks.get(tuple(R + t), zero)  # column m
        others = [b for b in range(n) if b != m]
        h[m, others], p[:, m, others] = hm[m, others], pm[:, m, others]
        h[others, m], p[:, others, m] = hp[others, m], pp[:, others, m]
        if not R.any():
            p[:, m, m] += t @ lat
        H.append(h)
        pos.append(p)
    keep = [i for i, (h, p) in enumerate(zip(H, pos)) if np.abs(h).max() + np.abs(p).max() > 0]
    return dataclasses.replace(
        data, R=np.array(keys)[keep], ndegen=np.ones(len(keep), int), H=np.array(H)[keep],
        pos=np.array(pos)[keep], lines=np.zeros((len(keep), n, n), int))


def test_folded_film_of_a_moved_orbital_is_the_original_film(rotated):
    # fold=True moves each orbital by whole stacking vectors into one slice; with one
    # Wannier function moved out of the cell by the stacking vector, the folded film is
    # the original film exactly, lever arm included (the shift of the position blocks is
    # what the audit's fold-shift-sign mutant flips)
    m, data = rotated
    lat = np.asarray(m.lattice_vectors, float)
    assert np.all(data.ndegen == 1)
    orig = model_from_hr(data, interpolation="full")
    moved = model_from_hr(_moved_orbital(data, 1, (0, 0, 1), lat), interpolation="full")
    np.testing.assert_allclose(moved.positions[1] - orig.positions[1], lat[2], atol=1e-12)
    k = np.random.default_rng(3).uniform(-3, 3, size=(5, 3))  # the same bulk bands
    np.testing.assert_allclose(np.linalg.eigvalsh(moved.hamiltonian(k)),
                               np.linalg.eigvalsh(orig.hamiltonian(k)), atol=1e-12)
    ref = slab_accumulation(slab(orig, 4, (0, 0, 1)), 0.1, nk=8, temperature=0.1)
    got = slab_accumulation(slab(moved, 4, (0, 0, 1), fold=True), 0.1, nk=8, temperature=0.1)
    unfolded = slab_accumulation(slab(moved, 4, (0, 0, 1)), 0.1, nk=8, temperature=0.1)
    worst = 0.0
    for part in ("intraband", "interband"):
        scale = max(np.abs(ref.get(part, q)).max() for q in QS)
        for q in QS + ("omm_x", "omm_y"):
            np.testing.assert_allclose(got.get(part, q), ref.get(part, q), rtol=0,
                                       atol=1e-11 * scale, err_msg=f"{part} {q}")
            worst = max(worst, np.abs(unfolded.get(part, q) - ref.get(part, q)).max() / scale)
    assert worst > 1e-3  # counter-example: unfolded, orbital 1 sits in the next layer
