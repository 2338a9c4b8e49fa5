"""KPM disorder averages (lrtheory.kpm.average) against exact disorder averages (issue #16).

* **conversion and window**: the sparse sample is the bond list's H and v = dH/dk to rounding;
  the common spectral window holds every realization's Gershgorin interval (rigorous), and the
  clean window does not (counter-example);
* **seeds**: realization r draws the same disorder as lrtheory.disorder.exact with the same seed,
  and its random vectors from an independent grandchild; serial and process runs are
  bit-identical;
* **physics**: on a small disordered torus the KPM average with exact Lorentzian deltas
  (``kernel="lorentzian"``) agrees with the exact disorder average
  (``lrtheory.disorder.exact.disorder_average(form="lorentzian")``, dense inverses, other
  seed) within 4.5 combined standard errors plus the stated truncation bound
  (``accumulation_truncation``, falling as ``exp(-N eta/a)``); counter-example: with too few
  moments the difference exceeds that tolerance for the converged N (while staying inside its
  own, larger, bound). The DOS and the Hall conductivity the same way against dense per-realization
  references.
"""
from __future__ import annotations

import numpy as np
import pytest

from lrtheory.conventions import ELECTRON_CHARGE
from lrtheory.disorder import exact as X
from lrtheory.disorder.samples import build_sample, disorder, square_rashba
from lrtheory.errors import LrtheoryError
from lrtheory.kpm import average as A
from lrtheory.kpm import chebyshev as cb
from lrtheory.kpm import exact as KX
from lrtheory.kpm import current_operator, spectral_bounds
from lrtheory.models.haldane import haldane

SY = np.array([[0, -0.5j], [0.5j, 0]])  # S_y = sigma_y/2 (hbar)


@pytest.fixture(scope="module")
def rashba_torus():
    """6 x 6 square-lattice Rashba torus, one spin-1/2 site per cell (72 states)."""
    return build_sample(square_rashba(t=1.0, alpha=0.4), (6, 6), periodic=(True, True),
                        n_internal=2)


def test_lorentzian_coefficients_and_their_truncation_bound():
    """The N-term series of an exact Lorentzian against the Lorentzian itself on a dense grid
    of [-1, 1]: the error is below the bound (rigorous: geometric tail of |c_n|) and not far
    below it (within 4x: the bound is useful); at N = 800 both are at rounding. Counter-example:
    the Lorentz kernel's delta of the same nominal width is no Lorentzian (error > 1 %)."""
    x, eta = np.array([-0.7, 0.0, 0.3]), 0.05
    y = np.linspace(-1, 1, 4001)
    exact = (eta / np.pi) / ((x[None, :] - y[:, None]) ** 2 + eta ** 2)
    for N in (50, 200):
        err = np.abs(cb.chebyshev_T(N, y) @ cb.lorentzian_coefficients(N, x, eta) - exact).max(0)
        bound = cb.lorentzian_truncation(N, x, eta)
        assert np.all(err <= bound) and np.all(err > bound / 4), (N, err, bound)
    err = np.abs(cb.chebyshev_T(800, y) @ cb.lorentzian_coefficients(800, x, eta) - exact)
    assert err.max() < 1e-12
    N = int(round(4.0 / eta))  # Lorentz kernel of half width lam/N = eta at x = 0
    kern = cb.chebyshev_T(N, y) @ cb.delta_coefficients(N, [0.0], cb.kernel_factors(N, "lorentz"))
    assert np.abs(kern[:, 0] - exact[:, 1]).max() > 0.01 * exact[:, 1].max()
    with pytest.raises(LrtheoryError):
        cb.lorentzian_coefficients(10, [1.0], 0.1)
    with pytest.raises(LrtheoryError):
        cb.lorentzian_truncation(10, [0.0], -0.1)


def test_sparse_sample_is_the_bond_list(rashba_torus):
    s = disorder(rashba_torus, "magnetic", 1.0, np.random.default_rng(1))
    sp_s = A.sparse_sample(s)
    assert np.array_equal(sp_s.hamiltonian.toarray(), s.hamiltonian())
    v = s.velocity()
    for a in (0, 1):
        np.testing.assert_allclose(sp_s.velocity[a].toarray(), v[a], rtol=0, atol=1e-14)
    assert sp_s.volume == 36.0 and sp_s.n_sites == 36
    with pytest.raises(LrtheoryError):
        A.sparse_sample(sp_s)


@pytest.mark.parametrize("kind", ["anderson", "bond", "magnetic"])
def test_window_holds_every_realization(rashba_torus, kind):
    W = 1.5
    win = A.disorder_bounds(rashba_torus, kind, W, 0.1)
    clean = A.disorder_bounds(rashba_torus, kind, 0.0, 0.1)
    outside = 0
    for r in range(20):
        s = A.sparse_sample(disorder(rashba_torus, kind, W, np.random.default_rng(r)))
        b = spectral_bounds(s.hamiltonian)  # its Gershgorin interval
        assert win.e_min <= b.e_min and b.e_max <= win.e_max
        e = np.linalg.eigvalsh(s.hamiltonian.toarray())
        assert win.e_min <= e[0] and e[-1] <= win.e_max
        outside += b.e_min < clean.e_min or b.e_max > clean.e_max
    assert outside > 0  # counter-example: the clean window misses disordered samples


def test_seeds_match_the_exact_route_and_are_independent(rashba_torus):
    children = np.random.SeedSequence(5).spawn(3)
    vec = set()
    for r, child in enumerate(children):
        rng, v = A.realization_seeds(5, r)
        a = disorder(rashba_torus, "anderson", 1.0, rng).amplitudes
        b = disorder(rashba_torus, "anderson", 1.0, np.random.default_rng(child)).amplitudes
        assert np.array_equal(a, b)  # the same draw as lrtheory.disorder.exact
        vec.add(v)
    assert len(vec) == 3


def test_serial_and_processes_are_bit_identical(rashba_torus):
    kw = dict(n_realizations=3, seed=2, quantities=("dos", "accumulation"),
              energies=[-1.0, 0.5], ef=[-1.5], operator=SY, n_moments=48, n_vectors=2)
    a = A.disorder_average(rashba_torus, "anderson", 1.0, workers=1, **kw)
    b = A.disorder_average(rashba_torus, "anderson", 1.0, workers=2, **kw)
    for k in ("dos", "accumulation", "total"):
        assert np.array_equal(a.values[k], b.values[k]) and np.array_equal(a.error[k],
                                                                            b.error[k])
    c = A.disorder_average(rashba_torus, "anderson", 1.0, workers=1, **dict(kw, seed=3))
    assert not np.array_equal(a.values["dos"], c.values["dos"])  # the seed matters
    assert a.settings["n_realizations"] == 3 and a.provenance["lrtheory_version"]
    assert a.units["accumulation"].startswith("O per site")


def _accumulation_agreement(res, ref, bound):
    """Per-site z-scores of |KPM - exact| beyond the truncation bound."""
    d = res.values["accumulation"][:, 0] - ref.values["mean"]
    sig = np.hypot(res.error["accumulation"][:, 0], ref.values["sem"])
    return np.maximum(np.abs(d) - bound, 0.0) / sig


def test_kpm_average_agrees_with_exact_disorder_average(rashba_torus):
    """Edelstein spin density S_y of the disordered Rashba torus (TR-odd, TR-invariant
    Anderson disorder: the Fermi-surface route of the paper), exact Lorentzian deltas."""
    ef, eta, W, n = -0.5, 0.25, 1.0, 8
    ref = X.disorder_average(rashba_torus, "anderson", W, "spin_y", (1.0, 0.0),
                             n_realizations=n, seed=11, form="lorentzian", eta=eta, ef=ef)
    assert abs(ref.values["total_mean"]) > 5 * ref.values["total_sem"]  # a real signal

    def kpm(N, seed):
        return A.disorder_average(rashba_torus, "anderson", W, n_realizations=n, seed=seed,
                                  quantities="accumulation", ef=[ef], operator=SY,
                                  kernel="lorentzian", eta=eta, n_moments=N, n_vectors=8)

    def bound(res):
        eps = res.settings["accumulation_settings"]["truncation"][0]
        return float(A.accumulation_truncation(A.sparse_sample(rashba_torus), eps, eta,
                                               operator_norm=0.5, states_per_site=2))

    good = kpm(400, 12)
    b_good = bound(good)
    assert b_good < 1e-4  # N = 400: exp(-N eta / a) ~ 3e-8
    z = _accumulation_agreement(good, ref, b_good)
    assert z.max() < 4.5 and np.sqrt(np.mean(z ** 2)) < 1.6, z
    dt = good.values["total"][0] - ref.values["total_mean"]
    assert abs(dt) < 4.5 * np.hypot(good.error["total"][0], ref.values["total_sem"])
    # counter-example: 24 moments are not converged (the total misses by ~8 standard errors;
    # measured: N = 40 by 2.5, N = 64 by 0.03); the bound of N = 24 covers it (it is honest)
    bad = kpm(24, 12)
    dt_bad = bad.values["total"][0] - ref.values["total_mean"]
    assert abs(dt_bad) > 4.5 * np.hypot(bad.error["total"][0], ref.values["total_sem"])
    assert abs(dt_bad) < 36 * bound(bad)  # 36 sites
    assert _accumulation_agreement(bad, ref, bound(bad)).max() < 4.5


def test_kpm_dos_average_agrees_with_exact_average(rashba_torus):
    E, eta, W, n = np.array([-2.5, -1.0, 0.7]), 0.2, 2.0, 6
    r = A.disorder_average(rashba_torus, "anderson", W, n_realizations=n, seed=4,
                           quantities="dos", energies=E, kernel="lorentzian", eta=eta,
                           n_moments=400, n_vectors=4)
    exact = []
    for k in range(n):  # the exact Lorentzian DOS of realizations of another seed
        s = disorder(rashba_torus, "anderson", W, A.realization_seeds(40, k)[0])
        ev = np.linalg.eigvalsh(s.hamiltonian())
        exact.append((eta / np.pi / ((E[:, None] - ev[None]) ** 2 + eta ** 2)).mean(1))
    exact = np.array(exact)
    sig = np.hypot(r.error["dos"], exact.std(0, ddof=1) / np.sqrt(n))
    eps = np.array(r.settings["dos_settings"]["truncation"])
    assert eps.max() < 1e-4  # N = 400, eta = 0.2 t0
    assert np.all(np.abs(r.values["dos"] - exact.mean(0)) < 4.5 * sig + eps)


def test_kpm_hall_average_is_the_average_of_exact_traces():
    """Hall conductivity of a weakly disordered Haldane torus: the KPM average against the
    average of the same Jackson expansion on exact eigenstates (same realizations: paired, so
    only the trace noise remains)."""
    clean = build_sample(haldane(t2=0.1, phi=np.pi / 2, delta=0.2), (5, 5),
                         periodic=(True, True))
    ef, N, n = np.array([0.0, 1.2]), 48, 8
    r = A.disorder_average(clean, "anderson", 0.6, n_realizations=n, seed=9,
                           quantities="hall", ef=ef, n_moments=N, n_vectors=6)
    st = r.settings["hall_settings"]
    scaling = A.disorder_bounds(clean, "anderson", 0.6, st["margin"])
    ex = []
    for k in range(n):
        s = A.sparse_sample(disorder(clean, "anderson", 0.6, A.realization_seeds(9, k)[0]))
        mu = KX.bastin_moments(s, current_operator(s, "charge", 0), s.velocity[1], N,
                               scaling)
        ex.append(ELECTRON_CHARGE * cb.bastin_sigma(mu, cb.kernel_factors(N),
                                                    scaling.to_unit(ef))
                  / (scaling.half_width ** 2 * s.volume))
    ex = np.mean(ex, axis=0)
    assert np.abs(ex).max() > 0.05  # not zeros
    # the standard error comes from 8 realizations (Student t, 7 degrees of freedom: 5.4 is
    # its two-sided 0.1 % point)
    assert np.all(np.abs(r.values["sigma"] - ex) < 5.4 * r.error["sigma"])
    np.testing.assert_allclose(r.values["sigma_e2h"], 2 * np.pi * r.values["sigma"])


@pytest.mark.parametrize("kind", ["bond", "magnetic"])
def test_dos_average_sum_rule(rashba_torus, kind):
    """Every realization's Jackson DOS integrates to one state per orbital exactly (mu_0 = 1
    for unit-modulus vectors; Gauss-Chebyshev quadrature on M > N/2 nodes is exact for the
    N-term series), so the average does too (to rounding). Counter-example:
    exact Lorentzians (no kernel) lose the tails outside the band (c_0 < 1)."""
    N, M = 64, 48
    x = np.cos(np.pi * (np.arange(M) + 0.5) / M)
    win = A.disorder_bounds(rashba_torus, kind, 1.5, 0.1)
    E = win.from_unit(x)
    w = np.pi * win.half_width / M * np.sqrt(1 - x * x)  # dE quadrature weights (t0)
    kw = dict(n_realizations=3, seed=6, quantities="dos", energies=E, n_moments=N, n_vectors=2,
              margin=0.1)
    r = A.disorder_average(rashba_torus, kind, 1.5, **kw)
    assert r.settings["dos_settings"]["bounds"] == "gershgorin (disorder box)"
    assert abs(r.values["dos"] @ w - 1) < 1e-12 and r.error["dos"].max() > 0
    lor = A.disorder_average(rashba_torus, kind, 1.5, kernel="lorentzian", eta=0.3, **kw)
    assert abs(lor.values["dos"] @ w - 1) > 1e-3  # counter-example


def test_bad_input_is_one_clear_error(rashba_torus):
    kw = dict(n_realizations=2, energies=[0.0], n_moments=8, n_vectors=1)
    with pytest.raises(LrtheoryError, match="n_realizations"):
        A.disorder_average(rashba_torus, "anderson", 1.0, **dict(kw, n_realizations=1))
    with pytest.raises(LrtheoryError, match="quantities"):
        A.disorder_average(rashba_torus, "anderson", 1.0, quantities=("omm",), **kw)
    with pytest.raises(LrtheoryError, match="kind"):
        A.disorder_average(rashba_torus, "spin", 1.0, **kw)
    with pytest.raises(LrtheoryError, match="ef"):
        A.disorder_average(rashba_torus, "anderson", 1.0, quantities="hall", **kw)
    with pytest.raises(LrtheoryError, match="eta"):
        A.disorder_average(rashba_torus, "anderson", 1.0, kernel="lorentzian", **kw)
    with pytest.raises(LrtheoryError, match="seed"):
        A.disorder_average(rashba_torus, "anderson", 1.0, seed=-1, **kw)


# -- mutation audit (session 7): checks that pin what the tests above leave free ----------------


def test_window_is_the_hand_computed_gershgorin_box():
    """Haldane torus (t0 = 1, t2 = 0.1, Delta = 0.2): every site has three t0 and six t2
    neighbours, so the clean Gershgorin discs are centred at +-Delta with radius 3.6 and the
    interval is [-3.8, 3.8]; the box adds W/2 to the centres (Anderson), scales the radii by
    1 + W/2 (bond), and adds W/2 to the centres and W/sqrt2 to the radii (magnetic, module
    docstring). The Scaling is then centre (hi + lo)/2 and half width (1 + margin)(hi - lo)/2
    (spectral_bounds' definition); at W = 0 it is spectral_bounds' own Gershgorin window."""
    clean = build_sample(haldane(t2=0.1, phi=np.pi / 2, delta=0.2), (4, 4),
                         periodic=(True, True))
    W, m = 0.6, 0.1
    edge = {"anderson": 3.8 + W / 2, "bond": 0.2 + 3.6 * (1 + W / 2),
            "magnetic": 3.8 + W / 2 + W / np.sqrt(2)}
    for kind, hi in edge.items():
        win = A.disorder_bounds(clean, kind, W, m)
        np.testing.assert_allclose([win.e_min, win.e_max, win.center, win.half_width],
                                   [-hi, hi, 0.0, (1 + m) * hi], rtol=0, atol=1e-12)
        ref = spectral_bounds(A.sparse_sample(clean).hamiltonian, margin=m)
        w0 = A.disorder_bounds(clean, kind, 0.0, m)
        np.testing.assert_allclose([w0.e_min, w0.e_max, w0.center, w0.half_width],
                                   [ref.e_min, ref.e_max, ref.center, ref.half_width],
                                   rtol=0, atol=1e-12)


def test_volume_is_cells_times_the_cell_area():
    """The Haldane cell has area sqrt(3)/2 a^2 (|det(a1, a2)| of the model's lattice
    vectors): a 4 x 5 torus has volume 20 sqrt(3)/2 (the Rashba torus above has cell area 1,
    which cannot tell a missing factor)."""
    m = haldane(t2=0.1, phi=np.pi / 2, delta=0.2)
    s = A.sparse_sample(build_sample(m, (4, 5), periodic=(True, True)))
    assert s.volume == pytest.approx(20 * np.sqrt(3) / 2, rel=1e-12)
    assert abs(np.linalg.det(np.asarray(m.lattice_vectors, float)[:2, :2])) == pytest.approx(
        np.sqrt(3) / 2, rel=1e-12)


def test_average_is_the_mean_and_standard_error_of_the_realizations(rashba_torus):
    """Realization r re-evaluated on its own with the single-sample functions, its disorder
    drawn from child r of SeedSequence(seed) and its vectors seeded by the grandchild
    (module docstring, written out here): the result is their mean and their standard error
    std(ddof=1)/sqrt(n) (numpy), for the DOS and the accumulation with the documented
    default kernels (Jackson, Lorentz)."""
    from lrtheory.kpm import quantities as Q

    n, seed, W, N, R = 3, 21, 1.0, 40, 2
    E, ef = np.array([-1.0, 0.5]), np.array([-1.5])
    r = A.disorder_average(rashba_torus, "anderson", W, n_realizations=n, seed=seed,
                           quantities=("dos", "accumulation"), energies=E, ef=ef,
                           operator=SY, n_moments=N, n_vectors=R)
    win = A.disorder_bounds(rashba_torus, "anderson", W, Q.HALL_MARGIN)
    dos, acc = [], []
    for k in range(n):
        child = np.random.SeedSequence(seed, spawn_key=(k,))
        vec = int(np.random.SeedSequence(seed, spawn_key=(k, 0)).generate_state(1, np.uint64)[0])
        s = A.sparse_sample(disorder(rashba_torus, "anderson", W, np.random.default_rng(child)))
        kw = dict(n_moments=N, n_vectors=R, bounds=win, seed=vec)
        dos.append(Q.density_of_states(s, E, vectors_per_chunk=R, **kw).values["dos"])
        acc.append(Q.fermi_surface_accumulation(s, ef, operator=SY, **kw).values["total"])
    for key, x in (("dos", np.array(dos)), ("total", np.array(acc))):
        scale = np.abs(x).max()
        np.testing.assert_allclose(r.values[key], x.mean(0), rtol=0, atol=1e-12 * scale)
        np.testing.assert_allclose(r.error[key], x.std(0, ddof=1) / np.sqrt(n), rtol=1e-9,
                                   atol=1e-12 * scale)
        assert np.all(r.error[key] > 1e-6 * scale)     # the spread is not zero
    assert r.settings["accumulation_settings"]["kernel"] == "lorentz"
    assert r.settings["dos_settings"]["kernel"] == "jackson"


def test_accumulation_truncation_bound_by_hand(rashba_torus):
    """The bound pi s ||O|| ||V|| (2 eps/(pi eta) + eps^2) with ||V|| the largest row sum of
    |v_x|: on the square Rashba lattice an x bond is -t + alpha sigma_y/(2i), rows
    (-t, -alpha/2) and (alpha/2, -t), so each of the two x neighbours adds t + alpha/2 and
    ||V|| = 2t + alpha = 2.4 (t = 1, alpha = 0.4); s = 2 states per site, ||S_y|| = 1/2."""
    s = A.sparse_sample(rashba_torus)
    eps, eta = np.array([1e-3, 0.2]), 0.25
    got = A.accumulation_truncation(s, eps, eta, operator_norm=0.5, states_per_site=2)
    want = np.pi * 2 * 0.5 * 2.4 * (2 * eps / (np.pi * eta) + eps ** 2)
    np.testing.assert_allclose(got, want, rtol=1e-12)
    # the field along y: the same 2.4 (C4 symmetric lattice); along (1, 1)/sqrt2 each of the
    # four bonds adds (t + alpha/2)/sqrt2
    np.testing.assert_allclose(
        A.accumulation_truncation(s, eps, eta, operator_norm=0.5, states_per_site=2,
                                  field=(0.0, 1.0)), want, rtol=1e-12)
    np.testing.assert_allclose(
        A.accumulation_truncation(s, eps, eta, operator_norm=0.5, states_per_site=2,
                                  field=(1 / np.sqrt(2), 1 / np.sqrt(2))),
        want * np.sqrt(2), rtol=1e-12)


def test_energy_scale_covariance_of_the_average():
    """Doubling every energy (t, alpha, W, eta, E) halves a density of states and the
    truncation bound of its deltas (both 1/t0) and leaves the spectral window's unit-free
    content alone: a check of the units of every step, independent of the numbers."""
    def run(f):
        clean = build_sample(square_rashba(t=f, alpha=0.4 * f), (4, 4),
                             periodic=(True, True), n_internal=2)
        return A.disorder_average(clean, "anderson", 1.0 * f, n_realizations=2, seed=3,
                                  quantities="dos", energies=np.array([-1.0, 0.3]) * f,
                                  kernel="lorentzian", eta=0.3 * f, n_moments=30,
                                  n_vectors=2)
    a, b = run(1.0), run(2.0)
    np.testing.assert_allclose(b.values["dos"], a.values["dos"] / 2, rtol=1e-9)
    np.testing.assert_allclose(b.error["dos"], a.error["dos"] / 2, rtol=1e-9)
    ta, tb = (np.array(x.settings["dos_settings"]["truncation"]) for x in (a, b))
    assert np.all(ta > 0)
    np.testing.assert_allclose(tb, ta / 2, rtol=1e-9)
