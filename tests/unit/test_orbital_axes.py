"""Projections with rotated local axes (``.win`` options ``z=...:x=...``;
lrtheory/models/orbitals.py, lrtheory/io/wannier90/win.py).

Independent references: the rotated function ``Theta(R^T r)`` is expanded on the global
real harmonics by a least-squares fit of Wannier90's Cartesian polynomials at random points
of the sphere (no use of the code's rotation), and ``L`` on the rotated orbitals is then
``C L C^T`` with that fitted table; the algebra ([L_i, L_j] = i eps_ijk L_k, L^2 = l(l+1));
a 90 degree rotation about z, whose answer is known by hand (L_y on the rotated shell is L_x
on the unrotated one); and a ``.win`` file with rotated axes against the same orbitals
declared in the global frame and rotated by hand."""
import numpy as np
import pytest
import sympy as sp

from lrtheory.errors import InputFileError, ModelError
from lrtheory.io.wannier90.win import read_win
from lrtheory.models import orbitals as O

x, y, z = sp.symbols("x y z", real=True)
#: Wannier90's real harmonics as Cartesian polynomials with their relative normalization on
#: the sphere (user guide, "Orbital definitions"): order mr = 1, 2, ...
POLY = {
    0: [sp.Integer(1)],
    1: [z, x, y],
    2: [(2 * z**2 - x**2 - y**2) / (2 * sp.sqrt(3)), x * z, y * z, (x**2 - y**2) / 2, x * y],
}
EPS = np.zeros((3, 3, 3))
EPS[0, 1, 2] = EPS[1, 2, 0] = EPS[2, 0, 1] = 1
EPS[0, 2, 1] = EPS[2, 1, 0] = EPS[1, 0, 2] = -1


def _fitted_rotation(l, axes):
    """Columns: coefficients of Theta_{l mr}(R^T r) (R columns = local axes) on the global
    Theta_{l mr}, from a least-squares fit at random points (exact: the shell is closed)."""
    rng = np.random.default_rng(7)
    pts = rng.normal(size=(200, 3))
    fs = [sp.lambdify((x, y, z), f, "numpy") for f in POLY[l]]
    ev = lambda p: np.array([f(*p.T) * np.ones(len(p)) for f in fs]).T
    local = pts @ np.asarray(axes).T  # (x'.r, y'.r, z'.r)
    C, res, *_ = np.linalg.lstsq(ev(pts), ev(local), rcond=None)
    assert np.allclose(ev(pts) @ C, ev(local), atol=1e-10)
    return C


def _random_axes(seed):
    from scipy.spatial.transform import Rotation

    return Rotation.random(random_state=seed).as_matrix().T  # rows x', y', z'


@pytest.mark.parametrize("l", [1, 2])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rotation_matrix_equals_the_fitted_polynomial_rotation(l, seed):
    axes = _random_axes(seed)
    np.testing.assert_allclose(O.rotation_matrix(l, axes), _fitted_rotation(l, axes),
                               atol=1e-10)


def test_p_rotation_is_the_frame_itself():
    """px' = x'.r: the p columns are the local axes (order pz, px, py)."""
    axes = _random_axes(4)
    D = O.rotation_matrix(1, axes)
    perm = [1, 2, 0]  # (pz, px, py) -> (x, y, z)
    np.testing.assert_allclose(D[np.ix_(perm, perm)], axes.T, atol=1e-12)


@pytest.mark.parametrize("l", [1, 2, 3])
def test_rotated_shell_obeys_the_algebra(l):
    axes = _random_axes(10 + l)
    names = [n for n, (ll, mrs) in O.ORBITAL_NAMES.items() if ll == l and len(mrs) == 1]
    L = O.angular_momentum([(0, l, mr, 0, axes) for mr in range(1, 2 * l + 2)])
    assert len(names) == 2 * l + 1
    for i in range(3):
        for j in range(3):
            comm = L[i] @ L[j] - L[j] @ L[i]
            np.testing.assert_allclose(comm, 1j * np.einsum("k,kab->ab", EPS[i, j], L),
                                       atol=1e-12)
    np.testing.assert_allclose(sum(L[a] @ L[a] for a in range(3)),
                               l * (l + 1) * np.eye(2 * l + 1), atol=1e-12)
    # counter-example: a frame that is not a rotation is refused, not silently used
    with pytest.raises(ModelError, match="proper rotation"):
        O.angular_momentum([(0, l, 1, 0, np.diag([1.0, 1.0, -1.0]))])


def test_quarter_turn_about_z_maps_Lx_to_Ly():
    """z' = z, x' = y (so y' = -x): L_y on the rotated p shell is L_x on the unrotated one,
    and L_x is -L_y; L_z is unchanged."""
    axes = O.local_axes((0, 0, 1), (0, 1, 0))
    np.testing.assert_allclose(axes, [[0, 1, 0], [-1, 0, 0], [0, 0, 1]], atol=1e-15)
    for l in (1, 2):
        L0 = O.shell_L(l)
        L = O.angular_momentum([(0, l, mr, 0, axes) for mr in range(1, 2 * l + 2)])
        np.testing.assert_allclose(L[1], L0[0], atol=1e-12)
        np.testing.assert_allclose(L[0], -L0[1], atol=1e-12)
        np.testing.assert_allclose(L[2], L0[2], atol=1e-12)
        assert not np.allclose(L[0], L0[0])  # the rotation did something


def test_local_axes_refuse_non_orthogonal_and_zero():
    with pytest.raises(ModelError, match="not orthogonal"):
        O.local_axes((1, 0, 0))  # default x = (1, 0, 0) is along z
    with pytest.raises(ModelError, match="zero"):
        O.local_axes((0, 0, 0))
    ax = O.local_axes((0, 0, 2.0), (3.0, 0, 0))  # lengths do not matter
    np.testing.assert_allclose(ax, np.eye(3), atol=1e-15)
    # Wannier90's tolerance: cos(z, x) = 1e-4 is refused, 1e-7 accepted and x made
    # orthogonal to z (the frame is a rotation to rounding, usable by rotation_matrix)
    with pytest.raises(ModelError, match="not orthogonal"):
        O.local_axes((0, 0, 1), (1, 0, 1e-4))
    ax = O.local_axes((0, 0, 1), (1, 0, 1e-7))
    np.testing.assert_allclose(ax @ ax.T, np.eye(3), rtol=0, atol=1e-15)
    np.testing.assert_allclose(ax, np.eye(3), rtol=0, atol=1e-15)
    assert O.rotation_matrix(2, ax).shape == (5, 5)


WIN = """num_wann = {n}
begin unit_cell_cart
ang
3 0 0
0 3 0
0 0 3
end unit_cell_cart
begin atoms_cart
ang
Ti 0 0 0
O  1.5 0 0
end atoms_cart
begin projections
{proj}
end projections
"""


def _win(tmp_path, proj, n):
    p = tmp_path / "x.win"
    p.write_text(WIN.format(proj=proj, n=n))
    return read_win(p)


def test_win_with_rotated_axes_against_global_orbitals_rotated_by_hand(tmp_path):
    """Ti d and O p with z' = (1, 1, 1), x' = (1, -1, 0): L from the file equals C L C^T with C
    the hand-fitted rotation of the global orbitals (s on O is invariant)."""
    zax, xax = np.array([1.0, 1, 1]), np.array([1.0, -1, 0])
    proj = "Ti: d: z=1,1,1 : x=1,-1,0\nO: s; p: z=1,1,1:x=1,-1,0"
    w = _win(tmp_path, proj, 9)
    orbs = w.orbitals()
    assert w.projections[0].axes is not None and not w.projections[0].default_axes
    L = O.angular_momentum(orbs)
    axes = np.stack([xax / np.linalg.norm(xax), np.cross(zax, xax) / np.linalg.norm(
        np.cross(zax, xax)), zax / np.linalg.norm(zax)])
    # the same orbitals declared in the global frame, rotated by hand
    glob = _win(tmp_path, "Ti: d\nO: s; p", 9).orbitals()
    L0 = O.angular_momentum(glob)
    C = np.zeros((9, 9))
    C[:5, :5] = _fitted_rotation(2, axes)
    C[5, 5] = 1.0
    C[6:, 6:] = _fitted_rotation(1, axes)
    np.testing.assert_allclose(L, np.einsum("ji,ajk,kl->ail", C, L0, C), atol=1e-10)
    assert not np.allclose(L, L0, atol=1e-3)
    # and it is the local L contracted with the axes: L_a = sum_b R_ab L_b (R = axes^T)
    np.testing.assert_allclose(L[:, :5, :5], np.einsum("ba,bij->aij", axes, O.shell_L(2)),
                               atol=1e-12)


def test_win_axes_errors_name_the_line(tmp_path):
    with pytest.raises(InputFileError, match=r"x\.win:14: .*not orthogonal"):
        _win(tmp_path, "Ti: p: z=1,0,0", 3)
    with pytest.raises(InputFileError, match=r"x\.win:14: .*zero"):
        _win(tmp_path, "Ti: p: z=0,0,0", 3)


def test_hybrid_lobe_rotates_with_the_frame():
    """sp-1 = (s + px)/sqrt2 points along +x'; with x' = (0, 0, -1) (z' = x) it points down."""
    axes = O.local_axes((1, 0, 0), (0, 0, -1))
    np.testing.assert_allclose(O.hybrid_lobe(-1, 1, axes), [0, 0, -1], atol=1e-12)
    np.testing.assert_allclose(O.hybrid_lobe(-1, 1), [1, 0, 0], atol=1e-12)


def test_cli_orbital_operator_uses_the_axes(tmp_path):
    """`lrtheory hall --operator orbital --win` took L_z from the projections and refused
    rotated axes; now it rotates: px, py with z' = x, x' = y are the functions y and z, whose
    L_z vanishes (L_x does not); without the axes L_z is the px-py block."""
    from lrtheory.cli.hall_3d import orbital_operators

    rot = _win(tmp_path, "Ti: px; py : z=1,0,0 : x=0,1,0", 2)
    np.testing.assert_allclose(orbital_operators(rot, None, "orbital")["L_z"], 0, atol=1e-12)
    np.testing.assert_allclose(O.angular_momentum(rot.orbitals())[0],
                               [[0, -1j], [1j, 0]], atol=1e-12)  # <y|L_x|z> = -i
    plain = _win(tmp_path, "Ti: px; py", 2)
    np.testing.assert_allclose(orbital_operators(plain, None, "orbital")["L_z"],
                               [[0, -1j], [1j, 0]], atol=1e-12)
