"""Ribbon density accumulations (Eq. 55, corrected): theorems, conservation, convergence, gauge.

Sources are stated per test. Small ribbons (W = 6) keep the suite fast; the W = 20 defaults
are checked once for k-convergence.
"""
import numpy as np
import pytest

from lrtheory.bands.eigensystem import Eigensystem
from lrtheory.models.haldane import haldane, phase_boundary
from lrtheory.parallel import blas_single_thread
from lrtheory.response.density import (
    response_matrices,
    ribbon_accumulation,
    symmetric_antisymmetric,
    to_orbital,
)
from lrtheory.response.omm import state_centres

QUANTS = ("charge", "jx", "jy", "omm")


def _scale(acc):
    return max(np.abs(v).max() for v in acc.profiles.values())


@pytest.mark.parametrize("ef", [0.0, 0.8, 1.5])
def test_tr_invariant_ribbon_has_no_interband_tr_odd_accumulation(ef):
    # Source: no-dissipation no-accumulation theorem (Eq. 25-27): with TR (t2 = 0) the
    # reactive (interband, eta -> 0) response of a TR-odd density (OMM, current) vanishes.
    # Exact on a k-grid symmetric under k -> -k: tolerance = rounding (1e-12 of the scale).
    rib = haldane(t2=0.0, delta=0.5).ribbon(6)
    acc = ribbon_accumulation(rib, ef, nk=256, convergence=False)
    scale = max(_scale(acc), 1e-3)
    for q in ("omm", "jx", "jy"):
        assert np.abs(acc.get("interband", q)).max() < 1e-12 * scale


def test_finite_eta_tends_to_tau_intraband_plus_interband():
    # Source: partial fractions of the exact finite-eta kernel (module doc of density.py):
    # chi(eta) = intraband/eta + interband + O(eta). The remainder must shrink ~linearly.
    rib = haldane(t2=0.06, delta=0.5).ribbon(4)
    errs = []
    for eta in (1e-3, 5e-4):
        acc = ribbon_accumulation(rib, 1.5, nk=256, temperature=0.05, eta=eta,
                                  convergence=False)
        pred = acc.get("intraband", "jy") / eta + acc.get("interband", "jy")
        errs.append(np.abs(acc.get("eta", "jy") - pred).max())
        total = np.abs(acc.get("eta", "omm") - acc.get("intraband", "omm") / eta
                       - acc.get("interband", "omm")).max()
        assert total < 1e3 * eta * max(1.0, np.abs(acc.get("interband", "jy")).max())
    assert errs[1] < 0.7 * errs[0]


def test_trivial_insulator_intraband_vanishes():
    # Source: Eq. 55 first term is a Fermi-surface term; trivial phase (Delta = 0.5 >
    # 3 sqrt3 t2), E_F = 0 in the gap: no state within ~0.2 t0, so with smearing 0.005 the
    # tails are < exp(-40): zero to rounding.
    assert 0.5 > phase_boundary(0.06)
    rib = haldane(t2=0.06, delta=0.5).ribbon(6)
    acc = ribbon_accumulation(rib, 0.0, nk=256, smearing=0.005, convergence=False)
    for q in QUANTS:
        assert np.abs(acc.get("intraband", q)).max() < 1e-14


def _edge_crossings(rib, ef, nk=801):
    k = np.linspace(-np.pi, np.pi, nk)[:, None]
    with blas_single_thread():
        es = Eigensystem.compute(rib, k)
    c = state_centres(rib, es)
    s = np.sign(es.energies - ef)
    cross = s[1:] * s[:-1] < 0  # (nk-1, n)
    ymid = 0.5 * (c[1:] + c[:-1])
    slope = np.sign(es.energies[1:] - es.energies[:-1])
    top = int(np.sum(slope[cross & (ymid > 0)]))
    bottom = int(np.sum(slope[cross & (ymid < 0)]))
    return top, bottom


@pytest.mark.parametrize("delta,chern", [(0.0, 1), (0.2, 1), (0.5, 0)])
def test_edge_states_cross_ef_per_edge_equals_chern(delta, chern):
    # Source: bulk-edge correspondence; Haldane phase boundary |Delta| = 3 sqrt3 t2 |sin phi|
    # (Haldane 1988) gives |C| = 1 inside, 0 outside. Net chiral count per edge = |C|,
    # opposite on the two edges.
    # E_F = 0.05 (inside the bulk gap |Delta - 3 sqrt3 t2| >= 0.11 for these Delta): at
    # exactly 0 the two edge bands meet at k = pi, where sorted bands only touch E_F.
    rib = haldane(t2=0.06, delta=delta).ribbon(20)
    top, bottom = _edge_crossings(rib, 0.05)
    assert abs(top) == chern and top == -bottom


@pytest.mark.parametrize("params,ef", [(dict(t2=0.06, delta=0.5), 1.5),
                                        (dict(t2=0.06, delta=0.0), 0.0),
                                        (dict(t2=0.0, delta=0.5), 1.5)])
def test_charge_accumulation_integrates_to_zero(params, ef):
    # Source: charge conservation: sum_mu delta n_mu = Tr R = sum_k f' v = sum_k df/dk
    # (periodic in k; a discrete sum of a periodic derivative) for the intraband part, and
    # the interband weights vanish on the diagonal. Tolerance: rounding of Nk terms.
    rib = haldane(**params).ribbon(6)
    acc = ribbon_accumulation(rib, ef, nk=512, convergence=False)
    for part in ("intraband", "interband"):
        prof = acc.get(part, "charge")
        assert abs(prof.sum()) < 1e-9 * np.abs(prof).max() + 1e-13


def test_default_profiles_converged_in_nk():
    # Source: PHYSICS-CHECKS item 7. Defaults (Nk = 2048, W = 20, smearing 0.02): every
    # profile changes by < 1e-3 relative when Nk is halved (so also Nk -> 2Nk).
    rib = haldane(t2=0.06, delta=0.5).ribbon(20)
    acc = ribbon_accumulation(rib, 1.5, nk=2048)
    assert max(acc.convergence.values()) < 1e-3


def test_response_density_matrix_gauge_invariant_with_degenerate_flat_bands(rng):
    # Source: gauge covariance (module doc): weights depend on energies only and are
    # constant in degenerate blocks, so U R U^dagger is invariant under random phases and
    # rotations inside degenerate blocks. Graphene zigzag ribbon (t2 = Delta = 0): flat edge
    # bands degenerate at E = 0 near k = pi.
    rib = haldane(t2=0.0, delta=0.0).ribbon(6)
    k = rib.k_grid(64)
    es = Eigensystem.compute(rib, k, degen_tol=1e-9)
    assert np.any(es.degenerate() & ~np.eye(es.n_bands, dtype=bool))
    es2 = es.randomize_gauge(rng)
    for ef in (0.3, 1.2):
        R1 = response_matrices(es, ef, eta=0.01, temperature=0.02)
        R2 = response_matrices(es2, ef, eta=0.01, temperature=0.02)
        for part in R1:
            a, b = to_orbital(es, R1[part]), to_orbital(es2, R2[part])
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-10 * max(1, np.abs(a).max()))


def test_move_orbital_changes_no_profile():
    # Source: PHYSICS-CHECKS item 3: relabelling which cell an orbital belongs to is a
    # k-dependent gauge; site densities are traces and must not change.
    rib = haldane(t2=0.06, delta=0.3).ribbon(4)
    moved = rib.move_orbital(3, (1,)).move_orbital(0, (-2,))
    a = ribbon_accumulation(rib, 0.9, nk=256, convergence=False)
    b = ribbon_accumulation(moved, 0.9, nk=256, convergence=False)
    for key, val in a.profiles.items():
        np.testing.assert_allclose(b.profiles[key], val, rtol=0,
                                   atol=1e-10 * max(1, np.abs(val).max()))


def test_origin_shift_of_omm_density_is_current_term():
    # Source: n_m = -(q/2) y jx; y -> y - Y0 shifts it by +(q/2) Y0 jx (q = -1), the
    # current-density term of PHYSICS-CHECKS item 2. Check the symmetric/antisymmetric split
    # and that a metal (E_F = 1.5) has a non-zero current, so the dependence is real.
    rib = haldane(t2=0.0, delta=0.5).ribbon(6)
    acc = ribbon_accumulation(rib, 1.5, nk=256, convergence=False)
    jx, omm, y = acc.get("intraband", "jx"), acc.get("intraband", "omm"), acc.y
    Y0 = 0.7
    shifted = -(-1.0 / 2) * (y - Y0) * jx
    np.testing.assert_allclose(shifted - omm, (-1.0 / 2) * Y0 * jx, atol=1e-14)
    assert abs(jx.sum()) > 1e-3
    s, a = symmetric_antisymmetric(y, omm)
    np.testing.assert_allclose(s + a, omm, atol=1e-15)


@pytest.mark.parametrize("delta,chern", [(0.0, 1), (0.5, 0)])
def test_interior_transverse_current_is_quantized_hall_current(delta, chern):
    # Source: TKNN / Haldane 1988: the interior of a Chern insulator carries the undergap Hall
    # current J_y = sigma_xy E_x with |sigma_xy| = |C| e^2/h = |C|/(2 pi) (hbar = e = 1).
    # Site velocity densities: two sites per row pair of height sqrt3/2 per cell of length 1,
    # so |J_y| = |q| * 2 * <j_y per site> / (sqrt3/2). Interior rows converge exponentially.
    rib = haldane(t2=0.06, delta=delta).ribbon(16)
    acc = ribbon_accumulation(rib, 0.0, nk=1024, convergence=False)
    jy = acc.get("interband", "jy")
    mid = np.abs(acc.y) < 2.0
    current = 2 * jy[mid].mean() / (np.sqrt(3) / 2)
    assert abs(abs(current) - chern / (2 * np.pi)) < 1e-3 / (2 * np.pi)


def test_finite_temperature_tends_to_zero_temperature_in_the_gap():
    # Source: Fermi function -> step; for E_F in a gap of ~0.2 t0 the finite-T correction is
    # O(exp(-0.2/T)) = 2e-9 at T = 0.01.
    rib = haldane(t2=0.06, delta=0.5).ribbon(6)
    a = ribbon_accumulation(rib, 0.0, nk=256, convergence=False)
    b = ribbon_accumulation(rib, 0.0, nk=256, temperature=0.01, convergence=False)
    jy = a.get("interband", "jy")
    np.testing.assert_allclose(b.get("interband", "jy"), jy, atol=1e-6 * np.abs(jy).max())


def test_process_workers_give_identical_profiles():
    # Source: map-reduce contract (lrtheory.parallel): chunks are reduced in order, so the
    # result does not depend on the executor.
    rib = haldane(t2=0.06, delta=0.5).ribbon(4)
    a = ribbon_accumulation(rib, 1.5, nk=256, convergence=False, chunk_size=64)
    b = ribbon_accumulation(rib, 1.5, nk=256, convergence=False, chunk_size=64, workers=2)
    for key, val in a.profiles.items():
        np.testing.assert_array_equal(b.profiles[key], val)
