"""fcc and bcc high-symmetry points (lrtheory.models.lattice.named_points): the textbook
Cartesian positions in units of 2 pi/a_c for any choice of primitive vectors."""
import numpy as np
import pytest

from lrtheory.models.lattice import k_path, named_points, reciprocal_vectors

A_C = 5.6537  # GaAs cube edge, Angstrom
FCC = {"X": (1, 0, 0), "L": (.5, .5, .5), "W": (1, .5, 0), "K": (.75, .75, 0), "U": (1, .25, .25)}
BCC = {"H": (1, 0, 0), "N": (.5, .5, 0), "P": (.5, .5, .5)}


def _cart(lat, pts):
    return {k: v @ reciprocal_vectors(lat) / (2 * np.pi / A_C) for k, v in pts.items()}


def _is_star_member(v, ref):
    """v equals some cubic image (signed permutation) of ref."""
    import itertools

    for perm in itertools.permutations(range(3)):
        for signs in itertools.product((1, -1), repeat=3):
            if np.allclose(np.array(ref)[list(perm)] * signs, v, atol=1e-9):
                return True
    return False


@pytest.mark.parametrize("lat", [
    np.array([[-1, 0, 1], [0, 1, 1], [-1, 1, 0]]) * A_C / 2,   # GaAs.win
    np.array([[0, 1, 1], [1, 0, 1], [1, 1, 0]]) * A_C / 2,     # another primitive set
])
def test_fcc_points(lat):
    pts = _cart(lat, named_points(lat))
    assert set(pts) == {"G", *FCC}
    for name, ref in FCC.items():
        assert _is_star_member(pts[name], ref), (name, pts[name])


@pytest.mark.parametrize("lat", [
    np.array([[1, 1, 1], [-1, 1, 1], [-1, -1, 1]]) * A_C / 2,   # Fe.win (mixed angles)
    np.array([[-1, 1, 1], [1, -1, 1], [1, 1, -1]]) * A_C / 2,
])
def test_bcc_points(lat):
    pts = _cart(lat, named_points(lat))
    assert set(pts) == {"G", *BCC}
    for name, ref in BCC.items():
        assert _is_star_member(pts[name], ref), (name, pts[name])


def test_other_lattices_get_gamma_only():
    lat = np.array([[1.0, 0, 0], [0.3, 1.1, 0], [0.2, 0.4, 1.3]])
    assert set(named_points(lat)) == {"G"}
    # a tetragonal-like centred cell (cube edge ratios differ) is not fcc
    lat = np.array([[-1, 0, 1.2], [0, 1, 1.2], [-1, 1, 0]])
    assert set(named_points(lat)) == {"G"}


def test_default_fcc_path_runs():
    class M:
        lattice_vectors = np.array([[-1, 0, 1], [0, 1, 1], [-1, 1, 0]]) * A_C / 2
        dim, name = 3, "fcc"
    k, kd, ticks, labels = k_path(M(), None, 100)
    assert labels == ["G", "X", "W", "K", "G", "L", "U", "W", "L", "K"]
    assert np.all(np.diff(kd) > 0)
