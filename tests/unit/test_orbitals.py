"""Atomic orbital angular momentum (lrtheory/models/orbitals.py) against analytic facts:
the commutator [L_x, L_y] = i L_z and L^2 = l(l+1) on each shell, the spectrum -l..l, the
differential operator L = -i r x grad applied to Wannier90's Cartesian polynomials (an
independent construction of every matrix element, signs and order included), the hybrid
tables (orthonormal rows, lobes along the textbook directions), hybrids of a full s+p shell
having the spectrum of the s+p block, and spinors."""
import numpy as np
import pytest
import sympy as sp

from lrtheory.errors import ModelError
from lrtheory.models import orbitals as O

x, y, z = sp.symbols("x y z", real=True)
#: Wannier90's real harmonics as Cartesian polynomials (user guide, "Orbital definitions"),
#: positive multiples; order mr = 1, 2, ...
POLY = {
    1: [z, x, y],
    2: [2 * z**2 - x**2 - y**2, x * z, y * z, x**2 - y**2, x * y],
    3: [z * (2 * z**2 - 3 * x**2 - 3 * y**2), x * (4 * z**2 - x**2 - y**2),
        y * (4 * z**2 - x**2 - y**2), z * (x**2 - y**2), x * y * z,
        x * (x**2 - 3 * y**2), y * (3 * x**2 - y**2)],
}


def _L_from_polynomials(l):
    """<i|L_a|j> from L_a f_j = sum_i M_ij f_i with L = -i r x grad, on normalized
    functions (norms from the Gram matrix of the monomial expansion on the sphere: sampled)."""
    fs = POLY[l]
    ops = [lambda f: -sp.I * (y * sp.diff(f, z) - z * sp.diff(f, y)),
           lambda f: -sp.I * (z * sp.diff(f, x) - x * sp.diff(f, z)),
           lambda f: -sp.I * (x * sp.diff(f, y) - y * sp.diff(f, x))]
    rng = np.random.default_rng(1)
    pts = rng.normal(size=(400, 3))
    pts /= np.linalg.norm(pts, axis=1)[:, None]
    ev = lambda f: np.array(sp.lambdify((x, y, z), f, "numpy")(*pts.T), complex) * np.ones(len(pts))
    F = np.array([ev(f) for f in fs]).T  # (pts, n)
    norms = np.sqrt(np.mean(np.abs(F) ** 2, axis=0))  # sphere averages (Monte Carlo ratio)
    out = []
    for op in ops:
        G = np.array([ev(sp.expand(op(f))) for f in fs]).T
        M, *_ = np.linalg.lstsq(F, G, rcond=None)  # L f_j = sum_i M_ij f_i (exact: closed)
        out.append(M * norms[None, :] / norms[:, None] ** 1)  # to normalized functions
    return np.array(out), norms


@pytest.mark.parametrize("l", [1, 2, 3])
def test_shell_matches_the_differential_operator(l):
    L = O.shell_L(l)
    ref, _ = _L_from_polynomials(l)
    # the Monte Carlo norms only rescale; the exact L is Hermitian, so compare after
    # symmetrizing the normalization: M_ij n_j / n_i with exact n -> hermitian
    for a in range(3):
        R = ref[a]
        herm = np.sqrt(np.abs(R * R.conj().T)) * np.exp(1j * np.angle(R))
        np.testing.assert_allclose(L[a], herm, atol=1e-9)


@pytest.mark.parametrize("l", [0, 1, 2, 3])
def test_commutators_casimir_and_spectrum(l):
    Lx, Ly, Lz = O.shell_L(l)
    for A, B, C in ((Lx, Ly, Lz), (Ly, Lz, Lx), (Lz, Lx, Ly)):
        np.testing.assert_allclose(A @ B - B @ A, 1j * C, atol=1e-13)
    L2 = Lx @ Lx + Ly @ Ly + Lz @ Lz
    np.testing.assert_allclose(L2, l * (l + 1) * np.eye(2 * l + 1), atol=1e-13)
    for A in (Lx, Ly, Lz):
        np.testing.assert_allclose(np.linalg.eigvalsh(A), np.arange(-l, l + 1), atol=1e-13)
    # real harmonics: L is purely imaginary (L_a^* = -L_a) in a real basis
    np.testing.assert_allclose(Lz.real, 0, atol=1e-15)


def test_p_shell_textbook_elements():
    """L_z x = -i(x d_y - y d_x) x = i y: <py|L_z|px> = +i; order pz, px, py."""
    Lz = O.shell_L(1)[2]
    assert Lz[2, 1] == pytest.approx(1j) and Lz[1, 2] == pytest.approx(-1j)
    assert np.allclose(Lz[0], 0)


@pytest.mark.parametrize("l", [-1, -2, -3, -4, -5])
def test_hybrid_tables_are_orthonormal(l):
    C = O.HYBRIDS[l]
    np.testing.assert_allclose(C @ C.T, np.eye(len(C)), atol=1e-15)


def test_hybrid_lobes_point_along_the_textbook_directions():
    sp3 = np.array([O.hybrid_lobe(-3, m) for m in range(1, 5)])
    np.testing.assert_allclose(sp3 * np.sqrt(3), [[1, 1, 1], [1, -1, -1], [-1, 1, -1],
                                                  [-1, -1, 1]], atol=1e-14)
    sp3d2 = np.array([O.hybrid_lobe(-5, m) for m in range(1, 7)])
    np.testing.assert_allclose(sp3d2, [[-1, 0, 0], [1, 0, 0], [0, -1, 0], [0, 1, 0],
                                       [0, 0, -1], [0, 0, 1]], atol=1e-14)
    sp2 = np.array([O.hybrid_lobe(-2, m) for m in range(1, 4)])
    np.testing.assert_allclose(sp2 @ sp2.T, np.where(np.eye(3), 1, -0.5), atol=1e-14)  # 120 deg
    assert O.hybrid_lobe(0, 1) is None and O.hybrid_lobe(2, 5) is None


def test_sp3_hybrids_have_the_spectrum_of_the_s_plus_p_block():
    L = O.angular_momentum([("A", -3, m) for m in range(1, 5)])
    L2 = np.einsum("xij,xjk->ik", L, L)
    np.testing.assert_allclose(np.linalg.eigvalsh(L2), [0, 2, 2, 2], atol=1e-13)
    np.testing.assert_allclose(L[0] @ L[1] - L[1] @ L[0], 1j * L[2], atol=1e-13)
    np.testing.assert_allclose(np.linalg.eigvalsh(L[2]), [-1, 0, 0, 1], atol=1e-13)
    # counter-example: sp3d2 spans s + p + (dz2, dx2-y2) only; L maps dz2 and dx2-y2 out of
    # the span, so the projected L squared misses their l(l+1) = 6: spectrum 0, 2 x 3, 0, 0
    L = O.angular_momentum([("A", -5, m) for m in range(1, 7)])
    L2 = np.einsum("xij,xjk->ik", L, L)
    np.testing.assert_allclose(np.linalg.eigvalsh(L2), [0, 0, 0, 2, 2, 2], atol=1e-13)


def test_sp3d2_plus_t2g_is_the_full_s_p_d_set():
    """Fe's projections (sp3d2 + dxz, dyz, dxy) span s + p + d: L^2 spectrum 0, 2 (x3),
    6 (x5), and the hybrid-t2g elements are nonzero (L_z couples dx2-y2 and dxy)."""
    orbs = [("Fe", -5, m) for m in range(1, 7)] + [("Fe", 2, m) for m in (2, 3, 5)]
    L = O.angular_momentum(orbs)
    L2 = np.einsum("xij,xjk->ik", L, L)
    np.testing.assert_allclose(np.linalg.eigvalsh(L2), [0] + [2] * 3 + [6] * 5, atol=1e-12)
    assert np.abs(L[2][:6, 6:]).max() > 0.1


def test_sites_and_spinors():
    orbs = [("A", "px", 1), ("A", "px", -1), ("A", "py", 1), ("A", "py", -1),
            ("B", "px", 1), ("B", "py", 1)]
    L = O.angular_momentum(orbs)
    assert L[2][2, 0] == pytest.approx(1j) and L[2][3, 1] == pytest.approx(1j)
    assert L[2][3, 0] == 0 and L[2][4, 0] == 0 and L[2][5, 4] == pytest.approx(1j)
    # atom-centred: no element between sites, even where one site's pair has one (B py, A px
    # would be the 1j above)
    assert np.all(L[:, 4:, :4] == 0) and np.all(L[:, :4, 4:] == 0)
    S = O.spin_operators(orbs[:4])
    np.testing.assert_allclose(S[2], np.diag([0.5, -0.5, 0.5, -0.5]), atol=0)
    np.testing.assert_allclose(S[0][0, 1], 0.5)
    np.testing.assert_allclose(S[0] @ S[1] - S[1] @ S[0], 1j * S[2], atol=1e-15)
    with pytest.raises(ModelError, match="spinor"):
        O.spin_operators([("A", "px")])


@pytest.mark.parametrize("bad", [[("A", "sp3")], [("A", 1, 4)], [("A", 4, 1)], [("A", "px", 2)],
                                 [("A",)]])
def test_bad_orbitals(bad):
    with pytest.raises(ModelError):
        O.angular_momentum(bad)
