"""Chern numbers and sigma_xy of the Haldane model (S23-S24): three independent roads.

Expected values come from (i) the Fukui-Hatsugai-Suzuki lattice-link Chern number (an
integer, independent of the velocity sum rule), (ii) the Kubo formula of Eq. (29)
evaluated directly with j = q v / area and r_ba = i v_ba/(e_a - e_b) (no Berry-curvature
rewriting), (iii) the bulk current in a finite flake computed with the real position
operator (exact eigenstates, open boundaries).
"""
import numpy as np
import pytest

from lrtheory.bands.eigensystem import Eigensystem
from lrtheory.conventions import E2_OVER_H, ELECTRON_CHARGE
from lrtheory.kernels.occupation import fermi
from lrtheory.models.haldane import haldane
from lrtheory.response.berry import berry_curvature, fhs_chern, generalized_berry_curvature
from lrtheory.response.hall import bz_grid, chern_numbers, hall_conductivity, occupied_sums
from tests.tolerances import TOL_NUMERIC

PHASES = [  # (t2, phi, delta, expected |C| of the lower band)
    (0.1, np.pi / 2, 0.2, 1),
    (-0.1, np.pi / 2, 0.2, 1),
    (0.1, np.pi / 2, 1.0, 0),   # |delta| > 3 sqrt3 t2: trivial
    (0.1, np.pi / 3, 0.1, 1),
]


@pytest.mark.parametrize("t2,phi,delta,absC", PHASES)
def test_chern_integer_and_fhs(t2, phi, delta, absC):
    m = haldane(t2=t2, phi=phi, delta=delta)
    c = chern_numbers(m, nk=96)
    fhs = fhs_chern(m, 48, 1)
    # integrality: deviation of the Kubo Chern number from the nearest integer
    assert abs(c.value[0] - round(c.value[0])) < 1e-6
    assert abs(round(c.value[0])) == absC
    assert round(c.value[0]) == round(fhs)
    assert abs(fhs - round(fhs)) < 1e-9          # FHS is exactly integer
    assert abs(c.value.sum()) < 1e-9             # total Chern number of all bands is 0
    assert c.error_estimate < 1e-5


def test_sign_of_chern_follows_t2_sin_phi():
    # Haldane: the sign of C flips with t2 sin(phi) (TR partner models)
    c1 = fhs_chern(haldane(t2=0.1, delta=0.2), 32, 1)
    c2 = fhs_chern(haldane(t2=0.1, phi=-np.pi / 2, delta=0.2), 32, 1)
    assert round(c1) == -round(c2) != 0


@pytest.mark.parametrize("t2", [0.1, -0.1])
def test_sigma_xy_quantized_minus_C(t2):
    """In our convention (q = -e, H' = +e E.r): sigma_xy = -C e^2/h (module docstring)."""
    m = haldane(t2=t2, delta=0.2)
    C = round(fhs_chern(m, 48, 1))
    curve = hall_conductivity(m, [-0.05, 0.0, 0.05], nk=96, temperature=0.0, operator="charge")
    np.testing.assert_allclose(curve.sigma_e2h, -C, atol=1e-6)
    curveT = hall_conductivity(m, [0.0], nk=96, temperature=0.02, operator="charge")
    np.testing.assert_allclose(curveT.sigma_e2h, -C, atol=1e-6)   # gap >> T


def _kubo_eq29_reference(model, ef, nk, T):
    """Plain Eq. (29): chi = sum_{a != b} (f_a - f_b)/(e_a - e_b) J_ab r_ba (eta -> 0),
    J = q v^x / area, r_ba = i v^y_ba / (e_a - e_b); sigma_xy = e chi."""
    k, _, area = bz_grid(model, nk)
    eig = Eigensystem.compute(model, k)
    e, V = eig.energies, eig.velocity
    f = fermi(e, ef, T)
    out = 0.0
    n = e.shape[1]
    for a in range(n):
        for b in range(n):
            if a == b:
                continue
            dab = e[:, a] - e[:, b]
            J = ELECTRON_CHARGE * V[:, 0, a, b]
            r = 1j * V[:, 1, b, a] / dab
            out = out + np.sum((f[:, a] - f[:, b]) / dab * J * r)
    return (out / (area * len(k))).real


@pytest.mark.parametrize("ef", [-0.9, 0.0, 1.3])
def test_S23_equals_direct_kubo_eq29(ef):
    m = haldane(t2=0.12, phi=1.1, delta=0.3)
    ref = _kubo_eq29_reference(m, ef, 48, 0.05)
    got = hall_conductivity(m, [ef], nk=48, temperature=0.05, operator="charge").sigma[0]
    np.testing.assert_allclose(got, ref, **TOL_NUMERIC)


def test_flake_bulk_current_gives_same_sign_and_magnitude():
    """Independent road: a Haldane flake with the real position operator. The local Hall
    current in the interior of a Chern-insulator flake is sigma_xy E (edges take the
    charge). chi = sum (f_a - f_b)/(e_a - e_b) [J_loc]_ab y_ba, J_loc = q/|Omega| sum_i
    {v_x, P_i}/2 over interior sites. Tolerance 5%: finite size (exponentially small
    corrections in distance/correlation length, here ~ a few cells)."""
    model = haldane(t2=0.2, delta=0.0)
    C = round(fhs_chern(model, 32, 1))
    n1 = 18
    H, pos = model.flake(n1, n1)
    e, U = np.linalg.eigh(H)
    # chemical potential in the middle of the level spacing closest to 0
    i0 = np.searchsorted(e, 0.0)
    mu = 0.5 * (e[i0 - 1] + e[i0])
    f = (e < mu).astype(float)
    x, y = pos[:, 0], pos[:, 1]
    vx = 1j * (H * (x[None, :] - x[:, None]))      # v = i[H, x]
    centre = pos.mean(0)
    # interior region: unit cells whose index is within the central 6 x 6 block
    cells = np.arange(len(pos)) // 2
    c1, c2 = cells // n1, cells % n1
    inside = (abs(c1 - (n1 - 1) / 2) <= 3) & (abs(c2 - (n1 - 1) / 2) <= 3)
    area = inside.sum() / 2 * abs(np.linalg.det(model.lattice_vectors))
    P = np.diag(inside.astype(float))
    J = ELECTRON_CHARGE / area * 0.5 * (vx @ P + P @ vx)
    Jb = U.conj().T @ J @ U
    yb = U.conj().T @ np.diag(y - centre[1]) @ U
    de = e[:, None] - e[None, :]
    np.fill_diagonal(de, 1.0)
    L = (f[:, None] - f[None, :]) / de
    chi = np.sum(L * Jb * yb.T).real
    sigma = chi  # e = 1
    np.testing.assert_allclose(sigma / E2_OVER_H, -C, rtol=0.05)


def test_gauge_and_degenerate_blocks(rng):
    """Random phases + random unitaries inside degenerate blocks leave the (block-averaged)
    curvature unchanged; a doubled (spin-degenerate) Haldane model has the curvature of one
    copy in each member of the block."""
    m = haldane(t2=0.1, delta=0.3)
    k = rng.uniform(-3, 3, size=(50, 2))
    eig = Eigensystem.compute(m, k)
    om = berry_curvature(eig)
    om_g = berry_curvature(eig.randomize_gauge(rng))
    np.testing.assert_allclose(om, om_g, rtol=1e-9, atol=1e-10)
    omo = generalized_berry_curvature(eig, "orbital")
    omo_g = generalized_berry_curvature(eig.randomize_gauge(rng), "orbital")
    np.testing.assert_allclose(omo, omo_g, rtol=1e-9, atol=1e-10)

    from lrtheory.models.protocol import BlochModel

    class Doubled(BlochModel):
        dim, n_orbitals = 2, 4
        lattice_vectors = m.lattice_vectors
        positions = np.repeat(m.positions, 2, axis=0)
        time_reversal = None

        def hamiltonian(self, k):
            return np.kron(m.hamiltonian(k), np.eye(2))

        def velocity(self, k):
            return np.kron(m.velocity(k), np.eye(2))

    eig2 = Eigensystem.compute(Doubled(), k)
    om2 = berry_curvature(eig2)
    om2g = berry_curvature(eig2.randomize_gauge(rng))
    np.testing.assert_allclose(om2, np.repeat(om, 2, axis=1), rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(om2g, om2, rtol=1e-8, atol=1e-10)


def test_occupied_sums_binned_equals_exact(rng):
    e = rng.normal(size=300_000)
    w = rng.normal(size=300_000)
    ef = np.linspace(-1, 1, 20)
    T = 0.05
    exact = np.array([fermi(e - x, 0.0, T) @ w for x in ef])
    got = occupied_sums(e, w, ef, T)   # 6e6 > threshold: binned route
    np.testing.assert_allclose(got, exact, rtol=1e-5, atol=1e-5 * np.abs(w).sum() / 300)


def test_grid_slices_reassemble_the_bz_grid():
    """The workers' (start, stop) slices give exactly the points of bz_grid, in order, with
    the same nk/2 sub-grid mask (so the k-sum never stores the whole grid)."""
    from lrtheory.models import haldane
    from lrtheory.models.lattice import reciprocal_vectors
    from lrtheory.response.hall import bz_grid, grid_slice

    m = haldane(1, 0.1, 0.5, 0.2)
    for nk in (6, 7):
        k, half, _ = bz_grid(m, nk)
        B = reciprocal_vectors(m.lattice_vectors)
        parts = [grid_slice(np.array([s, min(s + 5, nk * nk)]), nk, B)
                 for s in range(0, nk * nk, 5)]
        np.testing.assert_allclose(np.concatenate([p[0] for p in parts]), k, rtol=0, atol=1e-14)
        np.testing.assert_array_equal(np.concatenate([p[1] for p in parts]), half)
