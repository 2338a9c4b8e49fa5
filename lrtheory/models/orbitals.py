r"""Orbital angular momentum of atomic orbitals (atom-centred approximation).

Each Wannier function (or tight-binding orbital) is taken to be an atomic angular function
on a site: a real harmonic ``Theta_{l mr}`` of Wannier90 (user guide, "Orbital definitions")
or one of its hybrids (sp, sp2, sp3, sp3d, sp3d2), times a spin state. Its coefficient
vector ``c_i`` in the site's basis of the 16 real harmonics ``s | pz px py | dz2 dxz dyz
dx2-y2 dxy | fz3 fxz2 fyz2 fz(x2-y2) fxyz fx(x2-3y2) fy(3x2-y2)`` (Wannier90's ``mr`` order
within each ``l``) gives

.. math:: (L_a)_{ij} = \delta_{\mathrm{site}_i\,\mathrm{site}_j}\,\delta_{s_i s_j}\,
          c_i^T L^{(16)}_a c_j ,

in units of hbar, with ``L^{(16)}`` block diagonal in ``l``. For hybrids this is
``C L C^dagger`` (``C`` the hybrid coefficient table); it is the projection of ``L`` on the
span of the orbitals, exact when the span is closed under ``L`` (a full shell, e.g. sp3 =
s + p), a truncation otherwise (sp3d2 without dxz, dyz, dxy). Spin: ``L (x) 1_spin``.

Real harmonics from the complex ones (Condon-Shortley phase; every real function is then a
positive multiple of its Cartesian polynomial, e.g. ``px ~ +x``, ``dxy ~ +xy``)::

    m = 0:          Y_l0
    cos-type m > 0: (Y_{l,-m} + (-1)^m Y_{lm}) / sqrt 2     (mr = 2m)
    sin-type m > 0: i (Y_{l,-m} - (-1)^m Y_{lm}) / sqrt 2   (mr = 2m + 1)

**Rotated local axes** (``.win`` projection options ``z=...:x=...``; Wannier90 user guide,
"Projections"): the angular function is Wannier90's ``Theta_{l mr}`` evaluated in the local
frame ``x' = x``-axis, ``z'`` = ``z``-axis, ``y' = z' x x'`` (Cartesian, right-handed; ``x'``
orthogonal to ``z'``), i.e. the function ``Theta(R^T r)`` with ``R`` the rotation whose
columns are ``x', y', z'``. It is the active rotation ``D(R) = exp(-i theta n.L)``
(``theta n`` the rotation vector of ``R``) of the unrotated function, so its coefficients
on the global real harmonics are ``D^l(R) c`` (:func:`rotation_matrix`) and, for orbitals
that share one frame,

.. math:: \langle i'|L_a|j'\rangle = \sum_b R_{ab}\,\langle i|L_b|j\rangle

(``D^dagger L_a D = sum_b R_ab L_b``): the local ``L`` matrices contracted with the axes.
Orbitals of one site with different frames mix through ``D^l``. Spin is not rotated (the
spin quantization axis ``[..]`` is refused by the ``.win`` reader).

What lrtheory assumes, and what can fail: that each Wannier function keeps the character
of its projection. Maximal localization rotates the functions of one site among themselves
(and beyond); :func:`centre_direction_check` compares each hybrid's lobe with its Wannier
centre to detect it (docs/materials.md).
"""
from __future__ import annotations

import numpy as np

from lrtheory.errors import ModelError

__all__ = ["ORBITAL_NAMES", "N_MR", "HYBRIDS", "shell_L", "site_L", "coefficients",
           "local_axes", "rotation_matrix", "angular_momentum", "spin_operators",
           "hybrid_lobe", "centre_direction_check"]

#: orbital name -> (l, (mr, ...)) (Wannier90 user guide, tables of angular functions)
ORBITAL_NAMES: dict[str, tuple[int, tuple[int, ...]]] = {
    "s": (0, (1,)), "p": (1, (1, 2, 3)), "pz": (1, (1,)), "px": (1, (2,)), "py": (1, (3,)),
    "d": (2, (1, 2, 3, 4, 5)), "dz2": (2, (1,)), "dxz": (2, (2,)), "dyz": (2, (3,)),
    "dx2-y2": (2, (4,)), "dxy": (2, (5,)),
    "f": (3, tuple(range(1, 8))), "fz3": (3, (1,)), "fxz2": (3, (2,)), "fyz2": (3, (3,)),
    "fz(x2-y2)": (3, (4,)), "fxyz": (3, (5,)), "fx(x2-3y2)": (3, (6,)),
    "fy(3x2-y2)": (3, (7,)),
    "sp": (-1, (1, 2)), "sp2": (-2, (1, 2, 3)), "sp3": (-3, (1, 2, 3, 4)),
    "sp3d": (-4, (1, 2, 3, 4, 5)), "sp3d2": (-5, (1, 2, 3, 4, 5, 6)),
}
for _name, _n in (("sp", 2), ("sp2", 3), ("sp3", 4), ("sp3d", 5), ("sp3d2", 6)):
    for _m in range(1, _n + 1):
        ORBITAL_NAMES[f"{_name}-{_m}"] = (ORBITAL_NAMES[_name][0], (_m,))
#: number of mr values per l
N_MR = {0: 1, 1: 3, 2: 5, 3: 7, -1: 2, -2: 3, -3: 4, -4: 5, -5: 6}
#: first index of each l in the 16-function site basis
_OFFSET = {0: 0, 1: 1, 2: 4, 3: 9}

_r2, _r3, _r6, _r12 = np.sqrt(2), np.sqrt(3), np.sqrt(6), np.sqrt(12)
# basis of the tables: s, pz, px, py, dz2, dxz, dyz, dx2-y2, dxy
_S, _PZ, _PX, _PY, _DZ2, _DX2 = 0, 1, 2, 3, 4, 7


def _rows(*rows):
    out = np.zeros((len(rows), 16))
    for i, row in enumerate(rows):
        for idx, c in row:
            out[i, idx] = c
    return out


#: l < 0 -> (n_hybrids, 16) real coefficient table (Wannier90 user guide, "hybrids")
HYBRIDS = {
    -1: _rows([(_S, 1 / _r2), (_PX, 1 / _r2)], [(_S, 1 / _r2), (_PX, -1 / _r2)]),
    -2: _rows([(_S, 1 / _r3), (_PX, -1 / _r6), (_PY, 1 / _r2)],
              [(_S, 1 / _r3), (_PX, -1 / _r6), (_PY, -1 / _r2)],
              [(_S, 1 / _r3), (_PX, 2 / _r6)]),
    -3: _rows([(_S, .5), (_PX, .5), (_PY, .5), (_PZ, .5)],
              [(_S, .5), (_PX, .5), (_PY, -.5), (_PZ, -.5)],
              [(_S, .5), (_PX, -.5), (_PY, .5), (_PZ, -.5)],
              [(_S, .5), (_PX, -.5), (_PY, -.5), (_PZ, .5)]),
    -4: _rows([(_S, 1 / _r3), (_PX, -1 / _r6), (_PY, 1 / _r2)],
              [(_S, 1 / _r3), (_PX, -1 / _r6), (_PY, -1 / _r2)],
              [(_S, 1 / _r3), (_PX, 2 / _r6)],
              [(_PZ, 1 / _r2), (_DZ2, 1 / _r2)], [(_PZ, -1 / _r2), (_DZ2, 1 / _r2)]),
    -5: _rows([(_S, 1 / _r6), (_PX, -1 / _r2), (_DZ2, -1 / _r12), (_DX2, .5)],
              [(_S, 1 / _r6), (_PX, 1 / _r2), (_DZ2, -1 / _r12), (_DX2, .5)],
              [(_S, 1 / _r6), (_PY, -1 / _r2), (_DZ2, -1 / _r12), (_DX2, -.5)],
              [(_S, 1 / _r6), (_PY, 1 / _r2), (_DZ2, -1 / _r12), (_DX2, -.5)],
              [(_S, 1 / _r6), (_PZ, -1 / _r2), (_DZ2, 1 / _r3)],
              [(_S, 1 / _r6), (_PZ, 1 / _r2), (_DZ2, 1 / _r3)]),
}


def _complex_L(l: int) -> np.ndarray:
    """(3, 2l+1, 2l+1) L_x, L_y, L_z on |l, m>, m = -l..l (hbar = 1)."""
    m = np.arange(-l, l + 1)
    lp = np.diag(np.sqrt(l * (l + 1) - m[:-1] * (m[:-1] + 1)), -1).astype(complex)  # L+
    lm = lp.conj().T
    return np.array([(lp + lm) / 2, (lp - lm) / 2j, np.diag(m).astype(complex)])


def _real_from_complex(l: int) -> np.ndarray:
    """U (2l+1, 2l+1): row mr-1 = coefficients of Theta_{l mr} on |l, m = -l..l>."""
    U = np.zeros((2 * l + 1, 2 * l + 1), complex)
    U[0, l] = 1.0
    for m in range(1, l + 1):
        U[2 * m - 1, l - m], U[2 * m - 1, l + m] = 1 / _r2, (-1) ** m / _r2
        U[2 * m, l - m], U[2 * m, l + m] = 1j / _r2, -1j * (-1) ** m / _r2
    return U


def shell_L(l: int) -> np.ndarray:
    """L_x, L_y, L_z (3, 2l+1, 2l+1) on the real harmonics of one shell (l = 0..3), in
    Wannier90's ``mr`` order, units of hbar: ``<mr|L_a|mr'>``.

    Parameters
    ----------
    l : int
        The shell, 0 (s) to 3 (f).

    Returns
    -------
    (3, 2l+1, 2l+1) complex array
        ``L_x, L_y, L_z`` (hbar).
    """
    if l not in (0, 1, 2, 3):
        raise ModelError(f"shell_L: l must be 0, 1, 2 or 3, got {l!r}")
    U = _real_from_complex(l)
    return np.einsum("rm,amn,sn->ars", U.conj(), _complex_L(l), U)


_L16 = np.zeros((3, 16, 16), complex)
for _l in range(4):
    _o = _OFFSET[_l]
    _L16[:, _o:_o + 2 * _l + 1, _o:_o + 2 * _l + 1] = shell_L(_l)


def site_L() -> np.ndarray:
    """(3, 16, 16) ``L`` on one site's s, p, d, f real harmonics (block diagonal).

    Returns
    -------
    (3, 16, 16) complex array
        ``L_x, L_y, L_z`` (hbar), a copy.
    """
    return _L16.copy()


def local_axes(z_axis=(0.0, 0.0, 1.0), x_axis=(1.0, 0.0, 0.0)) -> np.ndarray:
    """The local frame of a projection: rows ``x', y' = z' x x', z'`` (unit vectors,
    Cartesian), a proper rotation (module docstring).

    Parameters
    ----------
    z_axis, x_axis : (3,) array_like
        Wannier90's ``z=`` and ``x=`` options (any length, not zero); ``x`` must be
        orthogonal to ``z`` (to 1e-6 of their lengths, as Wannier90 requires).

    Returns
    -------
    (3, 3) float array
        Rows ``x', y', z'`` in the global Cartesian axes (dimensionless).
    """
    z, x = (np.asarray(v, float).reshape(-1) for v in (z_axis, x_axis))
    if z.shape != (3,) or x.shape != (3,) or not (np.all(np.isfinite(z))
                                                   and np.all(np.isfinite(x))):
        raise ModelError(f"local axes need two finite 3-vectors, got z={z_axis!r}, "
                         f"x={x_axis!r}")
    nz, nx = np.linalg.norm(z), np.linalg.norm(x)
    if nz == 0 or nx == 0:
        raise ModelError(f"local axes: the {'z' if nz == 0 else 'x'}-axis is zero")
    z, x = z / nz, x / nx
    if abs(z @ x) > 1e-6:
        raise ModelError(f"local axes: x = {np.round(x, 6).tolist()} is not orthogonal to "
                         f"z = {np.round(z, 6).tolist()} (cos = {z @ x:.3g}); give an "
                         "orthogonal x (Wannier90 refuses it too)")
    x = x - (z @ x) * z
    x /= np.linalg.norm(x)
    return np.stack([x, np.cross(z, x), z])


def rotation_matrix(l: int, axes) -> np.ndarray:
    """``D^l(R)`` (2l+1, 2l+1) on the real harmonics of shell ``l`` (``mr`` order): column
    ``mr'`` holds the coefficients of the function ``Theta_{l mr'}`` of the local frame on
    the global ``Theta_{l mr}``; ``D^l = exp(-i theta n.L)``, ``theta n`` the rotation
    vector of ``R = axes^T`` (columns ``x', y', z'``). For ``l = 1`` (order pz, px, py)
    it is ``R`` itself, permuted.

    Parameters
    ----------
    l : int
        The shell, 0 to 3.
    axes : (3, 3) array_like
        Rows ``x', y', z'`` (:func:`local_axes`), a proper rotation.

    Returns
    -------
    (2l+1, 2l+1) float array
        Real orthogonal (dimensionless).
    """
    from scipy.linalg import expm
    from scipy.spatial.transform import Rotation

    F = np.asarray(axes, float)
    if F.shape != (3, 3) or not np.allclose(F @ F.T, np.eye(3), atol=1e-9) \
            or np.linalg.det(F) < 0:
        raise ModelError("axes must be a proper rotation (rows x', y', z'), got "
                         f"{np.round(F, 6).tolist()!r}")
    rotvec = Rotation.from_matrix(F.T).as_rotvec()
    D = expm(-1j * np.einsum("a,aij->ij", rotvec, shell_L(l)))
    return D.real


def _site_rotation(axes) -> np.ndarray:
    """(16, 16) block-diagonal ``D^l(R)`` on the site basis (identity for None)."""
    if axes is None:
        return np.eye(16)
    D = np.zeros((16, 16))
    for l in range(4):
        o = _OFFSET[l]
        D[o:o + 2 * l + 1, o:o + 2 * l + 1] = rotation_matrix(l, axes)
    return D


def coefficients(l: int, mr: int, axes=None) -> np.ndarray:
    """(16,) real coefficients of the angular function (l, mr) on the site basis.

    Parameters
    ----------
    l, mr : int
        Wannier90's angular quantum numbers (``l`` < 0: s-p-d hybrids).
    axes : (3, 3) array_like, optional
        Local frame (rows ``x', y', z'``, :func:`local_axes`); None: the global axes.

    Returns
    -------
    (16,) float array
        Coefficients on the global s, p, d, f real harmonics (dimensionless).
    """
    if l not in N_MR or not (isinstance(mr, (int, np.integer)) and 1 <= mr <= N_MR[l]):
        raise ModelError(f"no Wannier90 angular function l = {l!r}, mr = {mr!r}")
    if l < 0:
        c = HYBRIDS[l][mr - 1].copy()
    else:
        c = np.zeros(16)
        c[_OFFSET[l] + mr - 1] = 1.0
    return c if axes is None else _site_rotation(axes) @ c


def _as_states(orbitals):
    """(site, l, mr, spin, axes) per orbital from WannierOrbital-like objects (``axes``
    optional) or tuples ``(site, l, mr[, spin[, axes]])``; names ``(site, "dxy"[, spin])``
    accepted for single functions."""
    out = []
    for i, o in enumerate(orbitals):
        if hasattr(o, "l"):
            out.append((o.site_index, int(o.l), int(o.mr), int(o.spin),
                        getattr(o, "axes", None)))
            continue
        o = tuple(o)
        if len(o) >= 2 and isinstance(o[1], str):
            name = o[1].strip().lower()
            if name not in ORBITAL_NAMES or len(ORBITAL_NAMES[name][1]) != 1:
                raise ModelError(f"orbital {i}: {o[1][:40]!r} is not one angular function "
                                 "(give e.g. 'px', 'dxy', 'sp3-2')")
            l, (mr,) = ORBITAL_NAMES[name]
            out.append((o[0], l, mr, int(o[2]) if len(o) > 2 else 0, None))
        elif len(o) in (3, 4, 5):
            out.append((o[0], int(o[1]), int(o[2]), int(o[3]) if len(o) > 3 else 0,
                        o[4] if len(o) > 4 else None))
        else:
            raise ModelError(f"orbital {i}: expected (site, l, mr[, spin[, axes]]) or (site, "
                             f"name[, spin]), got {o!r}")
        if out[-1][3] not in (-1, 0, 1):
            raise ModelError(f"orbital {i}: spin must be +1, -1 or 0, got {out[-1][3]!r}")
    return out


def _overlaps(states):
    keys: dict = {}
    site = np.array([keys.setdefault(s[0], len(keys)) for s in states])
    C = np.array([coefficients(l, mr, axes) for _, l, mr, _, axes in states])
    same_site = site[:, None] == site[None, :]
    return C, same_site


def angular_momentum(orbitals) -> np.ndarray:
    """``L_x, L_y, L_z`` (3, n, n) in the orbital basis, units of hbar (module docstring).

    Parameters
    ----------
    orbitals : sequence
        One entry per orbital, in the model's order: a
        :class:`lrtheory.io.wannier90.win.WannierOrbital` (its ``axes``: the projection's
        local frame), a tuple ``(site, l, mr[, spin[, axes]])`` or ``(site, name[, spin])``
        with a Wannier90 name (``"px"``, ``"sp3-2"``); ``spin`` +1/-1 (spinor up/down) or 0
        (spinless); ``axes`` rows ``x', y', z'`` (:func:`local_axes`) or None.

    Returns
    -------
    (3, n, n) complex ndarray
        Hermitian, in the global Cartesian components; ``L (x) 1_spin`` for spinors.
    """
    states = _as_states(orbitals)
    C, same_site = _overlaps(states)
    spin = np.array([s[3] for s in states])
    mask = same_site & (spin[:, None] == spin[None, :])
    return np.einsum("ia,xab,jb->xij", C, _L16, C) * mask


def spin_operators(orbitals) -> np.ndarray:
    """``S_x, S_y, S_z = sigma/2`` (3, n, n), units of hbar, for spinor orbitals
    (spin +1/-1): ``<i|S|j> = <o_i|o_j> (sigma/2)_{s_i s_j}``.

    Parameters
    ----------
    orbitals : sequence
        One entry per orbital, as for :func:`angular_momentum`, each with spin +1 or -1.

    Returns
    -------
    (3, n, n) complex array
        ``S_x, S_y, S_z`` (hbar), Hermitian.
    """
    states = _as_states(orbitals)
    spin = np.array([s[3] for s in states])
    if np.any(spin == 0):
        raise ModelError("spin_operators needs spinor orbitals (spin +1 or -1 for each)")
    C, same_site = _overlaps(states)
    overlap = (C @ C.T) * same_site
    idx = (1 - spin) // 2  # up -> 0, down -> 1
    pauli = np.array([[[0, 1], [1, 0]], [[0, -1j], [1j, 0]], [[1, 0], [0, -1]]]) / 2
    return pauli[:, idx[:, None], idx[None, :]] * overlap


def hybrid_lobe(l: int, mr: int, axes=None) -> np.ndarray | None:
    """Direction of the lobe of an s-p hybrid (unit vector along its p part; the dipole
    ``<h|r|h>`` of hydrogenic s and p points this way), None for a function without both
    an s and a p part.

    Parameters
    ----------
    l, mr : int
        Wannier90's angular quantum numbers.
    axes : (3, 3) array_like, optional
        Local frame (rows ``x', y', z'``); None: the global axes.

    Returns
    -------
    (3,) float array or None
        Unit vector of the lobe in the global axes (dimensionless), or None.
    """
    c = coefficients(l, mr, axes)
    p = np.array([c[_PX], c[_PY], c[_PZ]])
    if c[_S] == 0 or not np.any(p):
        return None
    v = np.sign(c[_S]) * p
    return v / np.linalg.norm(v)


def centre_direction_check(orbitals, centres) -> np.ndarray:
    """Cosine between each s-p hybrid's lobe and the direction from its site to its
    Wannier centre (NaN for other functions or a centre on the site): near +1 where the
    Wannier function kept its projection's character, anything else where localization
    rotated it (e.g. -1: the opposite lobe).

    Parameters
    ----------
    orbitals : sequence of WannierOrbital (need ``position``, ``l``, ``mr``)
    centres : (n, 3) array
        Wannier centres (same length unit as the positions).

    Returns
    -------
    (n,) float array
        The cosines (dimensionless), NaN where undefined.
    """
    centres = np.asarray(centres, float)
    out = np.full(len(orbitals), np.nan)
    for i, o in enumerate(orbitals):
        lobe = hybrid_lobe(o.l, o.mr, getattr(o, "axes", None))
        d = centres[i] - np.asarray(o.position, float)
        if lobe is not None and np.linalg.norm(d) > 1e-3:
            out[i] = float(lobe @ d / np.linalg.norm(d))
    return out
