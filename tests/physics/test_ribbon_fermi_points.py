"""Exact T = 0 Fermi-surface (intraband) term of ribbons: sum over Fermi points.

Formula (lrtheory/response/fermi_points.py, derived from density.py's intraband weight
``f'(e_n) v_nn`` with ``f' = -delta(e - E_F)`` and ``(1/Nk) sum_k -> (1/G) int dk``):
``intra_A(mu) = -(1/G) sum_{(n, k_F)} sign(v_nn(k_F)) A_nn(mu; k_F)``, ``G = 2 pi / L``.
Sources are stated per test: a closed form (square-lattice ribbon), the smearing -> 0 limit
of density.py with the Sommerfeld expansion, sum rules, symmetry theorems, gauge invariance.
"""
import numpy as np
import pytest

from lrtheory.errors import ConventionError, GaugeError, ModelError
from lrtheory.kernels.gauge import random_block_unitary
from lrtheory.models.haldane import haldane, phase_boundary
from lrtheory.models.protocol import Ribbon
from lrtheory.symmetry import consequences, find_ribbon_symmetries
from lrtheory.models.tightbinding import Hopping, TightBindingModel
from lrtheory.response.density import ribbon_accumulation
from lrtheory.response.fermi_points import find_fermi_points, fermi_point_profiles

QUANTS = ("charge", "jx", "jy", "omm")


def _scale(prof):
    return max(np.abs(v).max() for v in prof.values())


# -- a ribbon with a closed form -------------------------------------------------------------
T_SQ, W_SQ = 1.0, 5


def _square_ribbon():
    """Square lattice, one orbital, hopping -t: bands ``-2t cos k - 2t cos(theta_n)``,
    ``theta_n = pi n / (W + 1)``, k-independent transverse modes
    ``psi_n(j) = sqrt(2/(W+1)) sin(j theta_n)``."""
    bulk = TightBindingModel(np.eye(2), np.zeros((1, 2)),
                             [Hopping(0, 0, (1, 0), -T_SQ), Hopping(0, 0, (0, 1), -T_SQ)])
    return bulk.ribbon(W_SQ)


def _square_closed_form(ef):
    """Intraband jx per site: each crossing band contributes two Fermi points +-k_F with
    ``s v = |v| = sqrt(4t^2 - (ef + 2t cos theta)^2)``, G = 2 pi (L = 1):
    ``jx(j) = -(1/2pi) sum_n 2 |v_n| psi_n(j)^2``; charge and jy vanish (psi real, k-even)."""
    th = np.pi * np.arange(1, W_SQ + 1) / (W_SQ + 1)
    j = np.arange(1, W_SQ + 1)
    psi2 = 2.0 / (W_SQ + 1) * np.sin(np.outer(j, th)) ** 2  # [site, band]
    c = -(ef + 2 * T_SQ * np.cos(th)) / (2 * T_SQ)
    ok = np.abs(c) < 1
    v = 2 * T_SQ * np.sqrt(1 - c[ok] ** 2)
    return -(psi2[:, ok] * 2 * v).sum(1) / (2 * np.pi), 2 * int(ok.sum())


@pytest.mark.parametrize("ef", [0.3, -1.1, 2.5])
def test_square_ribbon_matches_closed_form(ef):
    # Source: closed form above (independent of density.py and of the root finder's output).
    # Tolerance: rounding of O(W) terms of size 1 (1e-13).
    rib = _square_ribbon()
    jx, count = _square_closed_form(ef)
    pts = find_fermi_points(rib, ef, nk=64)
    assert len(pts) == count
    prof = fermi_point_profiles(rib, ef, points=pts)
    np.testing.assert_allclose(prof["intraband_jx"], jx, rtol=0, atol=1e-13)
    assert np.abs(prof["intraband_charge"]).max() < 1e-13
    assert np.abs(prof["intraband_jy"]).max() < 1e-13
    # sign check: electrons (q = -1) move against E_x, so the velocity density is negative
    assert np.all(jx <= 0) and jx.min() < -1e-2


def test_crossing_exactly_on_a_grid_point_is_counted_once():
    # Source: closed form; E_F = e_1(k_10) evaluated by eigvalsh at the grid point itself,
    # so e_1(k_10) - E_F = 0 exactly there: the crossing must be found once, not 0 or 2 times.
    rib = _square_ribbon()
    nk = 64
    kg = rib.k_grid(nk)
    ef = np.linalg.eigvalsh(rib.hamiltonian(kg[10:11]))[0, 1]
    pts = find_fermi_points(rib, ef, nk=nk)
    jx, count = _square_closed_form(ef)
    assert len(pts) == count
    assert np.min(np.abs(pts.k - kg[10, 0])) == 0.0
    np.testing.assert_allclose(fermi_point_profiles(rib, ef, points=pts)["intraband_jx"], jx,
                               rtol=0, atol=1e-13)
    # same on the Haldane ribbon (eigenvectors depend on k): continuity in E_F. The profile
    # is smooth in E_F away from band edges (|dA/dE| ~ 1), so a 1e-10 shift moves it < 1e-8.
    hal = haldane(t2=0.06, delta=0.5).ribbon(6)
    kg = hal.k_grid(nk)
    ef = np.linalg.eigvalsh(hal.hamiltonian(kg[7:8]))[0, 9]
    at = fermi_point_profiles(hal, ef, nk=nk)
    for d in (-1e-10, 1e-10):
        near = fermi_point_profiles(hal, ef + d, nk=nk)
        for key in at:
            np.testing.assert_allclose(at[key], near[key], rtol=0, atol=1e-8)


def test_pair_of_fermi_points_inside_one_grid_interval():
    # Source: closed form. E_F just below the maximum e_max of band 2 (at k = pi), closer than
    # the grid resolves (odd nk: no grid point at pi): both Fermi points lie in one interval,
    # no sign change. The local re-sampling of grid extrema must find them; without it the
    # pair's jx (~ 4 |v| psi^2 / 2pi, |v| ~ 2 * 0.55 pi / nk) is lost -- the counter-example.
    rib = _square_ribbon()
    nk, n = 101, 2
    th = np.pi * (n + 1) / (W_SQ + 1)
    emax = 2 * T_SQ - 2 * T_SQ * np.cos(th)
    ef = emax - 0.3 * 2 * T_SQ * (1 - np.cos(np.pi / nk))
    jx, count = _square_closed_form(ef)
    on = fermi_point_profiles(rib, ef, nk=nk)
    off = fermi_point_profiles(rib, ef, nk=nk, refine_extrema=False)
    np.testing.assert_allclose(on["intraband_jx"], jx, rtol=0, atol=1e-12)
    assert len(find_fermi_points(rib, ef, nk=nk)) == count
    assert np.abs(off["intraband_jx"] - jx).max() > 1e-3


# -- the smearing -> 0 limit of density.py -----------------------------------------------------
HAL = dict(t2=0.06, delta=0.5)
EF_METAL = 1.8  # nearest band extrema of the W = 6 ribbon: 1.597 and 2.021 (>= 10 widths of 0.02)
SMEARINGS = (0.02, 0.01, 0.005)


@pytest.fixture(scope="module")
def smeared_limit():
    rib = haldane(**HAL).ribbon(6)
    # nk = 8192: v dk <= 2.3e-3 < smearing / 2 at the smallest width (sampling error of the
    # smooth f' is then exponentially small against the O(smearing^2) bias)
    smeared = {s: ribbon_accumulation(rib, EF_METAL, nk=8192, smearing=s, convergence=False)
               for s in SMEARINGS}
    h = 0.01
    exact = {d: fermi_point_profiles(rib, EF_METAL + d * h, nk=256) for d in (-1, 0, 1)}
    return rib, smeared, exact, h


def test_exact_is_the_zero_smearing_limit_with_sommerfeld_rate(smeared_limit):
    # Source: Sommerfeld expansion of the smeared weight density.py uses at T = 0:
    # int -f'_s(e) g(e) de = g(E_F) + (pi^2/6) s^2 g''(E_F) + O(s^4), with g(E) the exact
    # Fermi-point profile at Fermi energy E. So (1) the difference smeared - exact shrinks by
    # 4 per halving of s (accepted 3.6..4.4; measured 4.03-4.05), and (2) after subtracting
    # (pi^2/6) s^2 g'' (g'' by a central difference of the exact profile in E, h = 0.01) what
    # remains is O(s^4): measured 9e-4 of the difference at s = 0.005 (band edges 0.2 away:
    # s^2 g''''/g'' ~ (0.005/0.2)^2); accepted < 1e-2, and it must shrink by > 8 per halving.
    rib, smeared, exact, h = smeared_limit
    for q in ("charge", "jx", "omm"):
        key = f"intraband_{q}"
        g0 = exact[0][key]
        g2 = (exact[1][key] - 2 * g0 + exact[-1][key]) / h**2
        diff = [np.abs(smeared[s].profiles[key] - g0).max() for s in SMEARINGS]
        rest = [np.abs(smeared[s].profiles[key] - g0 - np.pi**2 / 6 * s**2 * g2).max()
                for s in SMEARINGS]
        for a, b in zip(diff, diff[1:]):
            assert 3.6 < a / b < 4.4, (q, diff)
        assert rest[-1] < 1e-2 * diff[-1], (q, rest, diff)
        assert rest[0] > 8 * rest[1] and rest[1] > 8 * rest[2], (q, rest)
    # jy: its Fermi-surface part vanishes by M_x Theta (symmetry test below) in both methods
    assert np.abs(exact[0]["intraband_jy"]).max() < 1e-15


def test_ribbon_accumulation_exact_option(smeared_limit):
    # Source: the option only swaps the intraband part (interband untouched, bitwise); the
    # exact part must not depend on the detection grid once Fermi points are resolved
    # (nk vs nk/2: rounding), unlike the smeared part at nk = 256.
    rib, _, exact, _ = smeared_limit
    ex = ribbon_accumulation(rib, EF_METAL, nk=256, fermi_surface="exact")
    sm = ribbon_accumulation(rib, EF_METAL, nk=256)
    assert ex.params["fermi_surface"] == "exact"
    for q in QUANTS:
        np.testing.assert_array_equal(ex.get("interband", q), sm.get("interband", q))
        np.testing.assert_allclose(ex.get("intraband", q), exact[0][f"intraband_{q}"],
                                   rtol=0, atol=1e-14)
    for q in ("charge", "jx", "omm"):
        assert ex.convergence[f"intraband_{q}"] < 1e-12
    with pytest.raises(ConventionError):
        ribbon_accumulation(rib, EF_METAL, nk=64, fermi_surface="sharp")
    with pytest.raises(ConventionError):
        ribbon_accumulation(rib, EF_METAL, nk=64, temperature=0.01, fermi_surface="exact")


# -- sum rules ---------------------------------------------------------------------------------
@pytest.mark.parametrize("ef", [0.8, 1.3, -2.2])
def test_charge_sum_rule_and_drude_weight(ef):
    # Source: sum_mu |u_mu|^2 = 1, so sum_mu intra_charge = -(1/G) sum_{k_F} s = 0: a periodic
    # band crosses E_F up as often as down (tolerance 1e-12 as briefed; rounding ~1e-16).
    # sum_mu jx(mu) = -(1/G) sum_{k_F} s v = -(1/G) sum |de_n/dk| (Drude weight), with the
    # band slope taken independently by a central difference of eigvalsh (h = 1e-5:
    # O(h^2 e''') ~ 1e-10 relative; accepted 1e-7).
    rib = haldane(**HAL).ribbon(6)
    pts = find_fermi_points(rib, ef, nk=256)
    assert len(pts) > 0 and np.sum(pts.direction) == 0
    prof = fermi_point_profiles(rib, ef, points=pts)
    assert np.abs(prof["intraband_charge"]).max() > 1e-4  # the sum rule is not trivial
    assert abs(prof["intraband_charge"].sum()) < 1e-12
    h = 1e-5
    kp, km = pts.k[:, None] + h, pts.k[:, None] - h
    rows = np.arange(len(pts))
    slope = (np.linalg.eigvalsh(rib.hamiltonian(kp))[rows, pts.band]
             - np.linalg.eigvalsh(rib.hamiltonian(km))[rows, pts.band]) / (2 * h)
    assert np.all(np.sign(slope) == pts.direction)
    np.testing.assert_allclose(pts.velocity, slope, rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(prof["intraband_jx"].sum(), -np.abs(slope).sum() / pts.period,
                               rtol=1e-7)


# -- symmetries --------------------------------------------------------------------------------
SYM_CASES = [
    (dict(t2=0.0, delta=0.5), 1.5),    # Theta, M_x, M_x Theta: TR-invariant metal
    (dict(t2=0.06, delta=0.5), 1.8),   # M_x Theta only
    (dict(t2=0.06, delta=0.0), 0.05),  # M_x Theta, M_y Theta, C2; E_F in the bulk gap: edges
]


@pytest.mark.parametrize("params,ef", SYM_CASES)
def test_symmetry_rules_for_the_fermi_surface_part(params, ef):
    # Source: docs/theorems.md "Antiunitary symmetries beyond TR" via
    # lrtheory.models.symmetry.consequences: for every symmetry of the ribbon the intraband
    # part obeys delta A(y) = c delta A(r_y y). The Fermi points of symmetry partners are
    # located independently (k_F and -k_F), so the rules hold to the root precision
    # (~1e-15 in k): tolerance 1e-11 of the largest profile.
    rib = haldane(**params).ribbon(6)
    prof = fermi_point_profiles(rib, ef, nk=256)
    y = rib.transverse_positions()
    order = np.argsort(y)
    mirror = np.empty_like(order)
    mirror[order] = order[::-1]
    scale = _scale(prof)
    syms = [s for s in find_ribbon_symmetries(rib) if s.sign > 0]
    assert syms
    for s in syms:
        for dens, rules in consequences(s).items():
            c, ry = rules["intraband"]
            p = prof[f"intraband_{dens}"]
            image = p if ry == 1 else p[mirror]
            np.testing.assert_allclose(p, c * image, rtol=0, atol=1e-11 * scale,
                                       err_msg=f"{s.name}: {dens}")


def test_tr_invariant_metal_has_fermi_surface_omm_but_no_charge():
    # Source: Theta (t2 = 0): charge is TR-even, x TR-even -> the Fermi-surface charge
    # vanishes at every y (pairs k_F, -k_F with equal |u|^2 and opposite s); OMM and jx are
    # TR-odd -> allowed, and they are non-zero: dissipative (~tau) OMM accumulation needs
    # states at E_F (Eq. 25-27).
    rib = haldane(t2=0.0, delta=0.5).ribbon(6)
    prof = fermi_point_profiles(rib, 1.5, nk=256)
    scale = _scale(prof)
    assert np.abs(prof["intraband_charge"]).max() < 1e-12 * scale
    assert np.abs(prof["intraband_omm"]).max() > 1e-2 * scale
    assert np.abs(prof["intraband_jx"]).max() > 1e-2 * scale


def test_edge_fermi_surface_charge_is_odd_under_c2():
    # Source: C2 of the Delta = 0 zigzag ribbon (charge: intraband c = -1 under r_y = -1).
    # E_F = 0.05 in the bulk gap of the topological phase: only chiral edge states cross, so
    # the profile is non-zero and odd, concentrated at the two edges.
    rib = haldane(t2=0.06, delta=0.0).ribbon(6)
    y = rib.transverse_positions()
    prof = fermi_point_profiles(rib, 0.05, nk=256)
    q = prof["intraband_charge"]
    order = np.argsort(y)
    assert np.abs(q).max() > 1e-3
    np.testing.assert_allclose(q[order], -q[order][::-1], rtol=0, atol=1e-12)
    edge = np.abs(y) > 0.8 * np.abs(y).max()
    assert np.abs(q[edge]).max() > 10 * np.abs(q[~edge]).max()


# -- gauge and degenerate blocks ---------------------------------------------------------------
class _Copies(Ribbon):
    """Two identical, decoupled copies of a ribbon (every level exactly two-fold degenerate):
    a Ribbon given only through the protocol (hamiltonian, velocity, transverse_positions,
    k_grid)."""

    dim = 1

    def __init__(self, rib):
        self.rib = rib
        self.n_orbitals = 2 * rib.n_orbitals
        self.lattice_vectors = rib.lattice_vectors
        self.positions = np.concatenate([rib.positions, rib.positions])

    def _double(self, M):
        n = M.shape[-1]
        out = np.zeros(M.shape[:-2] + (2 * n, 2 * n), complex)
        out[..., :n, :n] = M
        out[..., n:, n:] = M
        return out

    def hamiltonian(self, k):
        return self._double(self.rib.hamiltonian(k))

    def velocity(self, k):
        return self._double(self.rib.velocity(k))

    def transverse_positions(self):
        return np.tile(self.rib.transverse_positions(), 2)

    def k_grid(self, n, **kw):
        return self.rib.k_grid(n, **kw)


def test_random_gauge_at_fermi_points_changes_nothing(rng):
    # Source: the Fermi-point sum uses |u_n><u_n| (non-degenerate) or the block projector:
    # gauge invariant. Random phases / block rotations: equal to rounding (1e-13 of scale).
    rib = haldane(**HAL).ribbon(6)
    for model in (rib, _Copies(rib)):
        ref = fermi_point_profiles(model, EF_METAL, nk=256)
        new = fermi_point_profiles(model, EF_METAL, nk=256, randomize_gauge=rng)
        for key in ref:
            np.testing.assert_allclose(new[key], ref[key], rtol=0, atol=1e-13 * _scale(ref))
    # counter-example: the randomization does mix the degenerate pair (one column alone is
    # gauge dependent), so the test above is not vacuous
    cp = _Copies(rib)
    pts = find_fermi_points(cp, EF_METAL, nk=256)
    e, U = np.linalg.eigh(cp.hamiltonian(pts.k[:1, None]))
    W = random_block_unitary(np.abs(e[:, :, None] - e[:, None, :]) <= 1e-8, rng)
    lo = pts.block[0, 0]
    assert np.abs(np.abs(U[0, :, lo]) ** 2 - np.abs((U @ W)[0, :, lo]) ** 2).max() > 1e-3


def test_degenerate_copies_are_treated_covariantly():
    # Source: two decoupled copies carry each the profile of one ribbon (block-diagonal H):
    # the covariant block rule s Tr_block[A] must reproduce concat(p, p) although eigh
    # mixes the copies arbitrarily at every k_F (rounding: 1e-13 of scale).
    rib = haldane(**HAL).ribbon(6)
    one = fermi_point_profiles(rib, EF_METAL, nk=256)
    cp = _Copies(rib)
    pts = find_fermi_points(cp, EF_METAL, nk=256)
    assert np.all(pts.block[:, 1] - pts.block[:, 0] == 2)
    assert len(pts) == 2 * len(find_fermi_points(rib, EF_METAL, nk=256))
    two = fermi_point_profiles(cp, EF_METAL, points=pts)
    acc = ribbon_accumulation(cp, EF_METAL, nk=256, fermi_surface="exact", convergence=False)
    for key in one:
        want = np.tile(one[key], 2)
        np.testing.assert_allclose(two[key], want, rtol=0, atol=1e-13 * _scale(one))
        np.testing.assert_allclose(acc.profiles[key], want, rtol=0, atol=1e-13 * _scale(one))


class _OppositeBranches(Ribbon):
    """Two decoupled orbitals with bands sin k and -sin k: they cross at E = 0 at k = 0 (a grid
    point) with opposite slopes."""

    dim = 1
    n_orbitals = 2
    lattice_vectors = np.array([[1.0, 0.0]])
    positions = np.array([[0.0, -0.5], [0.0, 0.5]])

    def hamiltonian(self, k):
        s = np.sin(np.asarray(k, float)[..., 0])
        H = np.zeros(s.shape + (2, 2), complex)
        H[..., 0, 0], H[..., 1, 1] = s, -s
        return H

    def velocity(self, k):
        c = np.cos(np.asarray(k, float)[..., 0])
        V = np.zeros(c.shape + (1, 2, 2), complex)
        V[..., 0, 0, 0], V[..., 0, 1, 1] = c, -c
        return V

    def transverse_positions(self):
        return np.array([-0.5, 0.5])

    def k_grid(self, n):
        return (np.arange(n) * 2 * np.pi / n)[:, None]


def test_fermi_level_at_a_crossing_of_opposite_branches_is_the_branch_limit():
    # Source: analytic. Branches sin k (orbital 0) and -sin k (orbital 1) cross E_F = 0 at the
    # grid points k = 0 and pi with slopes +-1; each branch crosses once up and once down, and
    # A = jx = v on its own orbital, so sign(v) v = |v| = 1 at each of the 2 crossings:
    # intraband jx = -(1/G) * 2 = -1/pi on each orbital, charge 0 (sum rule). At E_F = 0 the
    # crossing lies on the grid (formerly a GaugeError): the branch limit (module doc); at
    # E_F = 1e-3 the sorted-band Fermi points give |cos k_F| = sqrt(1 - 1e-6).
    m = _OppositeBranches()
    G = 2 * np.pi
    at = fermi_point_profiles(m, 0.0, nk=64)
    np.testing.assert_allclose(at["intraband_jx"], [-2 / G, -2 / G], rtol=0, atol=1e-14)
    np.testing.assert_allclose(at["intraband_charge"], [0.0, 0.0], rtol=0, atol=1e-14)
    pts = find_fermi_points(m, 0.0, nk=64)
    assert len(pts) == 4 and pts.branch.all()
    for ef in (1e-3, -1e-3, 1e-10):
        prof = fermi_point_profiles(m, ef, nk=64)
        assert abs(prof["intraband_charge"].sum()) < 1e-14
        want = -2 / G * np.sqrt(1 - ef**2)
        np.testing.assert_allclose(prof["intraband_jx"], [want, want], rtol=0, atol=1e-12)


# -- insulators and bad input ------------------------------------------------------------------
def test_insulator_is_exactly_zero():
    # Source: no Fermi points -> the sum is empty: exactly 0 (not merely small). Counter-
    # example: the smeared term at 0.02 keeps exp(-gap/2/0.02) tails.
    assert 0.5 > phase_boundary(0.06)
    rib = haldane(t2=0.06, delta=0.5).ribbon(6)
    assert len(find_fermi_points(rib, 0.0, nk=256)) == 0
    ex = ribbon_accumulation(rib, 0.0, nk=256, fermi_surface="exact", convergence=False)
    sm = ribbon_accumulation(rib, 0.0, nk=256, convergence=False)
    for q in QUANTS:
        assert np.all(ex.get("intraband", q) == 0.0)
    assert np.abs(sm.get("intraband", "jx")).max() > 0


def test_bad_input():
    rib = haldane(**HAL).ribbon(4)
    with pytest.raises(ModelError):
        find_fermi_points(haldane(**HAL), 0.5)
    with pytest.raises(ConventionError):
        find_fermi_points(rib, float("nan"))
    with pytest.raises(ConventionError):
        find_fermi_points(rib, 0.5, nk=2)
    with pytest.raises(ConventionError):
        find_fermi_points(rib, 0.5, degen_tol=-1.0)
