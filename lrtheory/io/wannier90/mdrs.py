r"""Minimal-distance replica selection (MDRS, Wannier90's ``use_ws_distance``): read
``seedname_wsvec.dat`` or compute the shifts, and re-distribute real-space blocks over them.

Wannier90 writes ``H_mn(R)`` on the Wigner-Seitz supercell of the k grid, whose shape ignores
where the Wannier functions sit. MDRS (Pizzi et al., J. Phys.: Condens. Matter 32, 165902
(2020), Sec. 4.2) moves each element ``(m, n, R)`` to the supercell images
``R + T`` (``T`` in ``mp_grid``-scaled lattice translations) that minimise the distance
between the two Wannier centres, ``|R + T + tau_n - tau_m|`` (Cartesian), sharing it
equally among the ``N_mnR`` degenerate minima:

.. math:: X_{mn}(\mathbf k) = \sum_{\mathbf R}\frac{X_{mn}(\mathbf R)}{N_{\mathbf R}}
          \frac{1}{N_{mn\mathbf R}}\sum_{j=1}^{N_{mn\mathbf R}}
          e^{i\mathbf k\cdot(\mathbf R + \mathbf T^{(j)}_{mn\mathbf R})} .

On the Wannier k grid ``exp(ik.T) = 1``: the interpolated bands are unchanged there; MDRS
only changes them between grid points (docs/wannier-interpolation.md).

``seedname_wsvec.dat`` (Wannier90 3.x): one header line (it contains
``use_ws_distance=T`` or ``F``), then for each ``(R, m, n)`` a line ``R1 R2 R3 m n``, a line
``N_mnR`` and ``N_mnR`` lines ``T1 T2 T3`` (lattice-vector units).
"""
from __future__ import annotations

import itertools

import numpy as np

from lrtheory.errors import InputFileError, ModelError

__all__ = ["mdrs_shifts", "read_wsvec", "apply_mdrs", "apply_wsvec", "WS_DISTANCE_TOL"]

#: Wannier90's default ``ws_distance_tol`` (Angstrom): distances closer than this are equal
WS_DISTANCE_TOL = 1e-5


def _fold(R, mp_grid):
    """Class index of every R modulo the supercell, and the class representatives."""
    mp = np.asarray(mp_grid, int)
    res = np.mod(R, mp)
    cls, inv = np.unique(res, axis=0, return_inverse=True)
    return cls, inv.reshape(-1)


def mdrs_shifts(lattice, centres, mp_grid, residues, *, tol: float = WS_DISTANCE_TOL,
                round_digits: int | None = None):
    """The minimal-distance images of every supercell class and orbital pair.

    Parameters
    ----------
    lattice : (3, 3) array
        Lattice vectors (rows, Angstrom).
    centres : (n, 3) array
        Wannier centres (Cartesian, Angstrom).
    mp_grid : 3 ints
        The Wannier k grid (the ``mp_grid`` line of ``seedname.win``).
    residues : (nc, 3) int array
        Lattice vectors R modulo ``mp_grid`` (one per class).
    tol : float
        Distances within ``tol`` (Angstrom) of the minimum are degenerate.
    round_digits : int, optional
        Round the centre differences ``tau_n - tau_m`` in reduced coordinates to this many
        decimals first. None (default): Wannier90's rule (``ws_distance.F90``: exact
        differences). WannierBerri rounds them (6 decimals for ``tol = 1e-5``), which picks
        other ties when the centres sit within ``tol`` of a symmetric arrangement (the
        GaAs run of WannierBerri's test data; tests/physics/test_w90_run_spin.py).

    Returns
    -------
    tuple
        ``(c, m, n, Rimg, weight)``: flat arrays, one entry per selected image: class
        index, orbitals, the image ``R + T`` (int, (N, 3)) and ``1/N_mnR``.
    """
    lat = np.asarray(lattice, float)
    mp = np.asarray(mp_grid, int)
    if mp.shape != (3,) or np.any(mp < 1):
        raise ModelError(f"mp_grid must be 3 positive integers, got {mp_grid!r}")
    tau = np.asarray(centres, float)
    T = np.array(list(itertools.product(range(-2, 3), repeat=3))) * mp  # (125, 3)
    dtau = tau[None, :, :] - tau[:, None, :]  # tau_n - tau_m at [m, n]
    if round_digits is not None:
        dtau = np.round(dtau @ np.linalg.inv(lat), round_digits) @ lat
    out = []
    for c, rho in enumerate(np.asarray(residues, int)):
        img = rho[None, :] + T  # (125, 3)
        d = np.linalg.norm((img @ lat)[:, None, None, :] + dtau[None], axis=-1)  # (125, n, n)
        sel = d <= d.min(axis=0)[None] + tol
        w = 1.0 / sel.sum(axis=0)  # (n, n)
        t, m, k = np.nonzero(sel)
        out.append((np.full(len(t), c), m, k, img[t], w[m, k]))
    c, m, k, img, w = (np.concatenate(x) for x in zip(*out))
    return c, m, k, img.reshape(-1, 3), w


def _redistribute(src, m, k, img, w, blocks):
    """Blocks (nsrc, ..., n, n): entry ``(src[i], m[i], k[i])`` times ``w[i]`` lands on image
    ``img[i]``; returns ``(R_new, blocks_new)`` over the unique images (sorted)."""
    Rn, where = np.unique(img, axis=0, return_inverse=True)
    where = where.reshape(-1)
    out = []
    for X in blocks:
        X = np.asarray(X)
        Xm = np.moveaxis(X, (-2, -1), (1, 2))  # (nsrc, n, n, ...)
        vals = Xm[src, m, k] * w.reshape((-1,) + (1,) * (X.ndim - 3))
        new = np.zeros((len(Rn),) + X.shape[1:], X.dtype)
        np.add.at(np.moveaxis(new, (-2, -1), (1, 2)), (where, m, k), vals)
        out.append(new)
    return Rn, out


def apply_mdrs(R, blocks, lattice, centres, mp_grid, *, tol: float = WS_DISTANCE_TOL):
    """Re-distribute real-space blocks over the MDRS images (computed, Wannier90's
    ``ws_distance`` algorithm).

    Blocks of lattice vectors equal modulo the supercell (Wigner-Seitz images of one
    class) are summed first (each already divided by its ``ndegen``), then shared over the
    minimal-distance images of the class.

    Parameters
    ----------
    R : (nrpts, 3) int
        Lattice vectors of the blocks (a Wigner-Seitz set of the ``mp_grid`` supercell).
    blocks : list of arrays (nrpts, ..., n, n)
        Blocks already divided by their degeneracies ``ndegen(R)`` (e.g. ``H(R)/ndegen``).
    lattice, centres, mp_grid, tol
        As for :func:`mdrs_shifts`.

    Returns
    -------
    tuple
        ``(R_new, blocks_new)``: the images and the blocks on them (weights folded in:
        the new degeneracies are all 1).
    """
    R = np.asarray(R, int)
    cls, inv = _fold(R, mp_grid)
    c, m, k, img, w = mdrs_shifts(lattice, centres, mp_grid, cls, tol=tol)
    folded = []
    for X in blocks:
        X = np.asarray(X)
        f = np.zeros((len(cls),) + X.shape[1:], X.dtype)
        np.add.at(f, inv, X)
        folded.append(f)
    return _redistribute(c, m, k, img, w, folded)


def read_wsvec(path, R, num_wann: int):
    """Read ``seedname_wsvec.dat``: the MDRS images of every ``(R, m, n)``.

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    R : (nrpts, 3) int
        The lattice vectors of the matching ``_hr.dat``/``_tb.dat`` (every ``(R, m, n)``
        must appear once).
    num_wann : int
        Number of Wannier functions.

    Returns
    -------
    tuple or None
        ``(r, m, n, Rimg, weight)`` flat arrays (block index into ``R``, orbitals, the image
        ``R + T``, ``1/N_mnR``); None when the header says ``use_ws_distance`` was off.
    """
    from lrtheory.io.wannier90.read import open_lines

    L, header = open_lines(path, "_wsvec.dat")
    h = header.lower().replace(" ", "")
    if "use_ws_distance=f" in h or "use_ws_distance=.false." in h:
        return None
    index = {tuple(int(x) for x in r): i for i, r in enumerate(np.asarray(R, int))}
    seen = np.zeros((len(index), num_wann, num_wann), bool)
    rs, ms, ns, imgs, ws = [], [], [], [], []
    while L.pos < len(L.items):
        ln, s = L.next_line("'R1 R2 R3 m n'")
        tok = s.split()
        try:
            r1, r2, r3, m, n = (int(t) for t in tok)
        except ValueError:
            raise L.err(ln, f"expected 'R1 R2 R3 m n' (5 integers), got {s.strip()!r}") from None
        b = index.get((r1, r2, r3))
        if b is None:
            raise L.err(ln, f"R = {(r1, r2, r3)} is not a lattice vector of the model file")
        if not (1 <= m <= num_wann and 1 <= n <= num_wann):
            raise L.err(ln, f"orbital indices {(m, n)} outside 1..{num_wann}")
        if seen[b, m - 1, n - 1]:
            raise L.err(ln, f"(R, m, n) = {(r1, r2, r3)}, {(m, n)} appears twice")
        seen[b, m - 1, n - 1] = True
        nd = L.int_line("the number of MDRS images N_mnR")
        T, _ = L.table(nd, 3, "T1 T2 T3 (an MDRS shift)", 3)
        rs += [b] * nd
        ms += [m - 1] * nd
        ns += [n - 1] * nd
        imgs.append(np.array([r1, r2, r3])[None, :] + T.astype(int))
        ws += [1.0 / nd] * nd
    if not seen.all():
        b, m, n = np.argwhere(~seen)[0]
        raise L.err(len(L.all), f"no MDRS entry for R = {tuple(np.asarray(R)[b])}, "
                                f"(m, n) = ({m + 1}, {n + 1}): file incomplete")
    return (np.array(rs), np.array(ms), np.array(ns), np.concatenate(imgs), np.array(ws))


def apply_wsvec(shifts, blocks):
    """Re-distribute blocks (nrpts, ..., n, n) (divided by ndegen) over the images read by
    :func:`read_wsvec`; returns ``(R_new, blocks_new)`` as :func:`apply_mdrs`.

    Parameters
    ----------
    shifts : tuple
        The result of :func:`read_wsvec`.
    blocks : list of arrays (nrpts, ..., n, n)
        Blocks divided by ``ndegen(R)``.

    Returns
    -------
    tuple
        ``(R_new, blocks_new)``.
    """
    return _redistribute(*shifts, blocks)
