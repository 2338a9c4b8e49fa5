"""fcc and bcc high-symmetry points for any choice of primitive vectors (used by
:func:`lrtheory.models.lattice.named_points` for band paths of 3D crystals).

Units: lengths in a; points in reduced coordinates of the reciprocal vectors.
"""
from __future__ import annotations

import itertools

import numpy as np

__all__ = ["cubic_centred_points"]


def cubic_centred_points(lat: np.ndarray, *, tol: float = 1e-6) -> dict[str, np.ndarray]:
    """fcc and bcc high-symmetry points (Setyawan-Curtarolo names) for any primitive
    vectors: the conventional cube is found among short lattice vectors (three orthogonal
    ones of equal length ``a_c`` with ``a_c^3`` = 4 (fcc) or 2 (bcc) cell volumes), the
    points are placed in Cartesian form and returned in reduced coordinates.

    Parameters
    ----------
    lat : (3, 3) ndarray
        Cartesian primitive lattice vectors (rows, units of a).
    tol : float
        Relative tolerance of the orthogonality test.

    Returns
    -------
    dict of str -> (3,) ndarray
        Reduced coordinates of X, L, W, K, U (fcc) or H, N, P (bcc); empty for other
        lattices.
    """

    ints = np.array([v for v in itertools.product(range(-2, 3), repeat=3) if any(v)])
    vecs = ints @ lat
    lens = np.linalg.norm(vecs, axis=1)
    vol = abs(np.linalg.det(lat))
    for L in np.unique(np.round(lens / lens.min(), 6))[:6] * lens.min():
        cand = vecs[np.abs(lens - L) < 1e-5 * L]
        ortho = np.abs(cand @ cand.T) < tol * L * L
        cube = None
        for i, j in zip(*np.nonzero(np.triu(ortho))):
            k = np.nonzero(ortho[i] & ortho[j])[0]
            if len(k):
                cube = np.array([cand[i], cand[j], cand[k[0]]])
                break
        if cube is None:
            continue
        ratio = abs(np.linalg.det(cube)) / vol
        L = float(np.linalg.norm(cube[0]))
        if abs(ratio - 4) < 1e-6:
            names = {"X": (0, 1, 0), "L": (.5, .5, .5), "W": (.5, 1, 0),
                     "K": (.75, .75, 0), "U": (.25, 1, .25)}
        elif abs(ratio - 2) < 1e-6:
            names = {"H": (0, 1, 0), "N": (.5, .5, 0), "P": (.5, .5, .5)}
        else:
            return {}
        if np.linalg.det(cube) < 0:
            cube = -cube
        unit = cube / L  # orthonormal cube axes
        return {k: (np.array(v) @ unit) @ lat.T / L for k, v in names.items()}
    return {}
