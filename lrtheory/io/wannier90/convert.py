"""Wannier90 file data to a :class:`~lrtheory.io.wannier90.model.Wannier90Model`:
:func:`model_from_hr` (validation, Hermitian pairs, position matrix, MDRS) and
:func:`load_wannier90` (which files to read; conventions: :mod:`lrtheory.io.wannier90`)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from lrtheory.errors import InputFileError, ModelError
from lrtheory.io.wannier90.mdrs import WS_DISTANCE_TOL, apply_mdrs, apply_wsvec, read_wsvec
from lrtheory.io.wannier90.model import Wannier90Model
from lrtheory.io.wannier90.read import HrData, read_centres_xyz, read_hr_dat, read_tb_dat
from lrtheory.models.tightbinding import Hopping, TightBindingModel

__all__ = ["model_from_hr", "load_wannier90"]


# -- conversion --------------------------------------------------------------------------------


def _check_weights(data: HrData, mp_grid) -> None:
    total = float(np.sum(1.0 / data.ndegen))
    last = 3 + -(-len(data.ndegen) // 15)
    where = f"line 4" if last == 4 else f"lines 4-{last}"
    if mp_grid is not None:
        nk = int(np.prod(mp_grid))
        if abs(total - nk) > 1e-6 * nk:
            raise InputFileError(
                f"{data.path}, {where}: degeneracy weights "
                f"give sum_R 1/ndegen(R) = {total:.6g}, but the Wannier-Seitz identity requires "
                f"the number of k-points of the Wannier grid, {nk} (mp_grid = {tuple(mp_grid)})"
            )
    elif abs(total - round(total)) > 1e-6:
        raise InputFileError(
            f"{data.path}, {where}: degeneracy weights give "
            f"sum_R 1/ndegen(R) = {total:.9g}, not an integer (it must equal the number of "
            "k-points of the Wannier grid): wrong degeneracy weights"
        )


def _hermitian_average(data: HrData, X: np.ndarray, tol: float, comp: str = "") -> np.ndarray:
    """``(X(R) + X(-R)^dagger) / 2`` for blocks (nrpts, n, n) of a Hermitian operator
    (``H`` or one position component ``comp``), after checking ``|X(R) - X(-R)^dagger| <=
    tol`` (InputFileError naming the line of the Hamiltonian entry)."""
    R = data.R
    op = comp or "H"
    index = {tuple(r): i for i, r in enumerate(R)}
    partner = np.array([index.get(tuple(-r), -1) for r in R])
    for b in np.nonzero(partner < 0)[0]:
        if np.any(X[b] != 0):
            raise InputFileError(
                f"{data.path}, line {data.lines[b, 0, 0]}: block R = {tuple(map(int, R[b]))} has no "
                f"partner -R: {op}(-R) = {op}(R)^dagger cannot hold"
            )
    ok = partner >= 0
    conj = np.array(X, copy=True)
    conj[ok] = np.conj(np.swapaxes(X[partner[ok]], -1, -2))
    dev = np.abs(X - conj)
    if dev.size and dev.max() > tol:
        b, m, k = np.unravel_index(int(np.argmax(dev)), dev.shape)
        there = (f"line {data.lines[b, m, k]}", f"line {data.lines[partner[b], k, m]}") \
            if not comp else ("its position block", "the position block of -R")
        raise InputFileError(
            f"{data.path}, {there[0]}: {op}_mn(R) with (m, n) = ({m + 1}, {k + 1}), "
            f"R = {tuple(map(int, R[b]))} is {X[b, m, k]:.8g} but the conjugate of {op}_nm(-R) on "
            f"{there[1]} is {conj[b, m, k]:.8g} "
            f"(|difference| {dev[b, m, k]:.3g} > herm_tol = {tol:g}): {op}(-R) != {op}(R)^dagger"
        )
    return 0.5 * (X + conj)


def _position_blocks(data: HrData, positions: np.ndarray) -> tuple[np.ndarray, float]:
    """``<m0|r|nR> / ndegen(R) - r_m delta_mn delta_R0`` (nrpts, 3, n, n) (Angstrom), its
    Hermitian part ``(A(R) + A(-R)^dagger) / 2``, and the largest anti-Hermitian deviation
    ``max |A(R) - A(-R)^dagger|`` of the file (Angstrom).

    Wannier90's position elements come from finite differences of the overlaps ``M_mn^(k,b)``
    (Marzari-Vanderbilt Eq. 22), which are Hermitian only to the accuracy of that formula:
    GaAs_tb.dat (2 x 2 x 2 grid) deviates by up to 0.058 Angstrom. The position operator
    is Hermitian, so only the Hermitian part is kept (a deviation is not an error)."""
    if data.pos is None:
        raise InputFileError(f"{data.path}: interpolation='full' needs the position matrix "
                             "elements of a seedname_tb.dat file")
    A = data.pos / data.ndegen[:, None, None, None]
    A = np.stack([_hermitian_average(data, A[:, a], np.inf, "xyz"[a]) for a in range(3)], 1)
    dev = float(np.max(np.abs(data.pos / data.ndegen[:, None, None, None] - A))) * 2.0
    i0 = np.nonzero(np.all(data.R == 0, axis=1))[0]
    n = data.num_wann
    if i0.size:
        A[i0[0], :, np.arange(n), np.arange(n)] -= positions
    return A, dev


def model_from_hr(data: HrData, *, lattice_vectors=None, positions=None, dim: int | None = None,
                  herm_tol: float = 1e-6, drop_below: float = 0.0, mp_grid=None,
                  name: str | None = None, interpolation: str = "tight-binding",
                  mdrs: bool = False, wsvec=None, ws_tol: float = WS_DISTANCE_TOL,
                  spin=None) -> TightBindingModel:
    """Convert validated Wannier90 data into a :class:`TightBindingModel`.

    Parameters
    ----------
    data : HrData
        Validated file content (:func:`~lrtheory.io.wannier90.read.read_hr_dat`).
    lattice_vectors : (3, 3) array, optional
        Rows a_1, a_2, a_3 (Angstrom); default ``data.lattice`` (``_tb.dat``).
    positions : (num_wann, 3) array, optional
        Wannier centres (Angstrom); default the diagonal R = 0 position elements
        (``_tb.dat``).
    dim : 2, 3 or None
        Number of periodic directions. None: 2 when no hopping leaves the a_1-a_2 plane
        (all R3 = 0) and the geometry is a film (a_1, a_2 in the xy plane, a_3 along z),
        else 3. With 2 the model is the 2D one in the xy plane (z coordinates dropped).
    herm_tol : float
        Largest accepted ``|H_mn(R) - conj(H_nm(-R))|`` (energy units of the file; files
        printed with 6 decimals need ~1e-6).
    drop_below : float
        Hoppings with ``|t| <= drop_below`` are dropped (default: only exact zeros).
    mp_grid : 3 ints, optional
        The Wannier k-grid (the ``mp_grid`` line of ``seedname.win``); if given,
        ``sum_R 1/ndegen(R)`` must equal its number of points. Needed by ``mdrs=True``
        without ``wsvec``.
    name : str, optional
        Model name (default from the file name).
    interpolation : {'tight-binding', 'full'}
        ``'tight-binding'`` (default, as before): position operator diagonal, only the
        centres are used. ``'full'``: every position matrix element of ``_tb.dat`` enters
        through :meth:`Wannier90Model.position_matrix` (full Wannier interpolation,
        docs/wannier-interpolation.md).
    mdrs : bool
        Minimal-distance replica selection (Wannier90's ``use_ws_distance``), from
        ``wsvec`` when given, else computed (needs ``mp_grid``;
        :mod:`lrtheory.io.wannier90.mdrs`).
    wsvec : tuple, optional
        Shifts read by :func:`lrtheory.io.wannier90.mdrs.read_wsvec` (used with ``mdrs``).
    ws_tol : float
        Distance tolerance of computed MDRS shifts (Angstrom, Wannier90's
        ``ws_distance_tol``).
    spin : (nrpts, 3, n, n) complex array, optional
        Spin blocks ``S_a(R)`` (hbar) on ``data.R``, times ``ndegen(R)`` as ``data.H``
        (:func:`lrtheory.io.wannier90.run.load_wannier90_run`); redistributed by MDRS like
        ``H`` and kept as :attr:`Wannier90Model.spin_blocks`.

    Returns
    -------
    TightBindingModel
        A :class:`Wannier90Model` (lengths in Angstrom, energies in eV as in the file: lrtheory's a and t0).
    """
    n = data.num_wann
    _check_weights(data, mp_grid)
    lat = data.lattice if lattice_vectors is None else np.asarray(lattice_vectors, float)
    if lat is None:
        raise InputFileError(
            f"{data.path}: no lattice vectors: _hr.dat does not contain them; give "
            "lattice_vectors= (3 x 3, Angstrom) or read the _tb.dat file"
        )
    lat = np.asarray(lat, float)
    if lat.shape != (3, 3):
        raise ModelError(f"lattice_vectors must have shape (3, 3), got {lat.shape}")
    if positions is None:
        if data.pos is None:
            raise InputFileError(
                f"{data.path}: missing positions: give positions= (the Wannier centres), a "
                "seedname_centres.xyz file, or read the _tb.dat file"
            )
        i0 = np.nonzero(np.all(data.R == 0, axis=1))[0]
        if i0.size == 0:
            raise InputFileError(f"{data.path}: no R = (0, 0, 0) block: positions unknown")
        diag = data.pos[i0[0]][:, np.arange(n), np.arange(n)] / data.ndegen[i0[0]]  # (3, n)
        positions = diag.real.T
    positions = np.asarray(positions, float)
    if positions.shape != (n, 3):
        raise InputFileError(
            f"{data.path}: positions must be (num_wann = {n}, 3), got {positions.shape}: "
            "missing positions?"
        )

    R = data.R
    Hr = data.hopping_matrices()
    T = _hermitian_average(data, Hr, herm_tol)

    if dim is None:
        flat = (np.all(R[:, 2][np.any(Hr != 0, axis=(1, 2))] == 0)
                and np.allclose(lat[:2, 2], 0) and np.allclose(lat[2, :2], 0))
        dim = 2 if flat else 3
    if dim not in (2, 3):
        raise ModelError(f"dim must be 2 or 3, got {dim}")
    if dim == 2:
        out = np.nonzero(np.any(np.abs(T) > drop_below, axis=(1, 2)) & (R[:, 2] != 0))[0]
        if out.size:
            raise InputFileError(
                f"{data.path}, line {data.lines[out[0], 0, 0]}: R = {tuple(map(int, R[out[0]]))} leaves "
                "the a_1-a_2 plane: the model is not 2D (use dim=3)"
            )
        if not (np.allclose(lat[:2, 2], 0) and np.allclose(lat[2, :2], 0)):
            raise ModelError("dim=2 needs a_1, a_2 in the xy plane and a_3 along z")

    if interpolation not in ("tight-binding", "full"):
        raise ModelError(f"interpolation must be 'tight-binding' or 'full', got {interpolation!r}")
    blocks = [T]
    params = {"source": data.path, "dim": dim, "interpolation": interpolation,
              "mdrs": bool(mdrs)}
    if interpolation == "full":
        A, params["position_antihermitian_max"] = _position_blocks(data, positions)
        blocks.append(A)
    if spin is not None:
        S = np.asarray(spin, complex) / data.ndegen[:, None, None, None]
        if S.shape != (len(R), 3, n, n):
            raise ModelError(f"spin blocks must have shape {(len(R), 3, n, n)}, got {S.shape}")
        blocks.append(np.stack([_hermitian_average(data, S[:, a], herm_tol, "S" + "xyz"[a])
                                for a in range(3)], 1))
    if mdrs:
        if wsvec is not None:
            R, blocks = apply_wsvec(wsvec, blocks)
        elif mp_grid is None:
            raise ModelError("mdrs=True needs mp_grid (the mp_grid line of seedname.win) or "
                             "a seedname_wsvec.dat file")
        else:
            R, blocks = apply_mdrs(R, blocks, lat, positions, mp_grid, tol=ws_tol)
    T = blocks[0]
    pblocks = sblocks = None
    if interpolation == "full":
        keep = np.any(blocks[1] != 0, axis=(1, 2, 3))
        pblocks = (R[keep], blocks[1][keep][:, :dim])
    if spin is not None:
        keep = np.any(blocks[-1] != 0, axis=(1, 2, 3))
        sblocks = (R[keep], blocks[-1][keep])
    hops = []
    onsite = np.zeros(n)
    # one bond per conjugate pair: R > 0 lexicographically keeps all (m, n); R = 0 keeps m < n
    for b, r in enumerate(R):
        rt = tuple(int(x) for x in r)
        nz = [x for x in rt if x != 0]
        if nz and nz[0] < 0:
            continue
        Tb = T[b]
        if not nz:
            onsite = Tb[np.arange(n), np.arange(n)].real.copy()
            mask = np.triu(np.abs(Tb) > drop_below, 1)
        else:
            mask = np.abs(Tb) > drop_below
        for m, k in zip(*np.nonzero(mask)):
            hops.append(Hopping(int(m), int(k), rt[:dim], complex(Tb[m, k])))
    if dim == 2:
        lat_m, pos_m = lat[:2, :2], positions[:, :2]
    else:
        lat_m, pos_m = lat, positions
    return Wannier90Model(lat_m, pos_m, hops, onsite, position_blocks=pblocks,
                          spin_blocks=sblocks,
                          name=name or f"Wannier90 {Path(data.path).name}",
                          params=params)


def load_wannier90(seedname, *, lattice_vectors=None, positions=None, dim: int | None = None,
                   herm_tol: float = 1e-6, drop_below: float = 0.0, mp_grid=None,
                   prefer: str = "hr", interpolation: str = "tight-binding",
                   mdrs: bool | None = None) -> TightBindingModel:
    """Load ``seedname_hr.dat`` (+ ``seedname_centres.xyz``) or ``seedname_tb.dat``.

    ``seedname`` may also be the path of an ``_hr.dat`` or ``_tb.dat`` file. With an
    ``_hr.dat``, the lattice comes from ``lattice_vectors`` or ``seedname_tb.dat`` and the
    positions from ``positions``, ``seedname_centres.xyz`` or ``seedname_tb.dat`` (diagonal
    position elements), in that order. ``interpolation='full'`` takes the position matrix
    from ``seedname_tb.dat``. ``mdrs=None`` (default) applies the MDRS shifts of
    ``seedname_wsvec.dat`` when that file exists and says ``use_ws_distance`` was on;
    ``True`` also computes them (needs ``mp_grid``) when it does not; ``False`` never.
    Other keywords: :func:`model_from_hr`.

    Parameters
    ----------
    seedname : str or os.PathLike
        Seedname or path of an ``_hr.dat``/``_tb.dat`` file.
    lattice_vectors : (3, 3) array, optional
        Rows a_1, a_2, a_3 (Angstrom, used as the length unit a).
    positions : (num_wann, 3) array, optional
        Wannier centres (Angstrom).
    dim : int or None
        Periodic directions (see :func:`model_from_hr`).
    herm_tol : float
        Hermiticity tolerance (eV).
    drop_below : float
        Hoppings with ``|t| <= drop_below`` (eV) are dropped.
    mp_grid : 3 ints, optional
        The Wannier k-grid (checks the degeneracies).
    prefer : {'hr', 'tb'}
        Which file to read when both exist.
    interpolation : {'tight-binding', 'full'}
        See :func:`model_from_hr`.
    mdrs : bool or None
        Minimal-distance replica selection (see above).

    Returns
    -------
    TightBindingModel
        A :class:`Wannier90Model`.
    """
    s = str(seedname)
    for suffix in ("_hr.dat", "_tb.dat"):
        if s.endswith(suffix):
            s, prefer = s[: -len(suffix)], suffix[1:3]
    hr, tb, xyz = Path(s + "_hr.dat"), Path(s + "_tb.dat"), Path(s + "_centres.xyz")
    full = interpolation == "full"
    kw = dict(dim=dim, herm_tol=herm_tol, drop_below=drop_below, mp_grid=mp_grid,
              interpolation=interpolation)
    if (prefer == "tb" or not hr.exists()) and tb.exists():
        data = read_tb_dat(tb)
        return model_from_hr(data, lattice_vectors=lattice_vectors, positions=positions,
                             **kw, **_mdrs_options(s, data, mdrs))
    if not hr.exists():
        raise InputFileError(f"neither {hr} nor {tb} exists")
    data = read_hr_dat(hr)
    tbdata = read_tb_dat(tb) if tb.exists() and (lattice_vectors is None or full or
                                                  (positions is None and not xyz.exists())) else None
    if full:
        if tbdata is None:
            raise InputFileError(f"interpolation='full' needs the position matrix of {tb}, "
                                 "which does not exist")
        data.pos = _reorder(tbdata, data)
    if lattice_vectors is None and tbdata is not None:
        lattice_vectors = tbdata.lattice
    if positions is None:
        if xyz.exists():
            positions = read_centres_xyz(xyz, data.num_wann)
        elif tbdata is not None:
            data.pos = _reorder(tbdata, data)
    return model_from_hr(data, lattice_vectors=lattice_vectors, positions=positions, **kw,
                         **_mdrs_options(s, data, mdrs))


def _reorder(tbdata: HrData, data: HrData) -> np.ndarray:
    """The position blocks of ``tbdata`` on the R list of ``data`` (an _hr.dat and a
    _tb.dat of one run list the same R; a different set is refused)."""
    if np.array_equal(tbdata.R, data.R):
        return tbdata.pos
    index = {tuple(r): i for i, r in enumerate(tbdata.R)}
    order = [index.get(tuple(r)) for r in data.R]
    if None in order or len(tbdata.R) != len(data.R) or \
            not np.array_equal(tbdata.ndegen[order], data.ndegen):
        raise InputFileError(f"{tbdata.path}: its R vectors (or degeneracies) differ from those "
                             f"of {data.path}: not the same Wannier90 run")
    return tbdata.pos[order]


def _mdrs_options(seed: str, data: HrData, mdrs: bool | None) -> dict:
    """``mdrs``/``wsvec`` keywords of :func:`model_from_hr` from ``seed_wsvec.dat``."""
    ws = Path(seed + "_wsvec.dat")
    if mdrs is False:
        return {"mdrs": False}
    shifts = read_wsvec(ws, data.R, data.num_wann) if ws.exists() else None
    return {"mdrs": bool(mdrs) or shifts is not None, "wsvec": shifts}
