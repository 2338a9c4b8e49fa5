r"""Readers of a Wannier90 run itself: the checkpoint ``seedname.chk`` (unformatted, as
``wannier90.x`` writes it) or ``seedname.chk.fmt`` (formatted, ``w90chk2chk.x -export``), the
DFT eigenvalues ``seedname.eig`` and the spin matrices ``seedname.spn`` (pw2wannier90;
unformatted or, with ``spn_formatted``, formatted).

Formats (Wannier90 3.x ``w90chk2chk.F90``; Quantum ESPRESSO ``pw2wannier90.f90``):

``.chk`` (one Fortran record per item; ``.chk.fmt``: the same items as text, one value or
one complex pair per line): header (33 characters), ``num_bands``, ``num_exclude_bands``,
``exclude_bands``, the real lattice (9 reals, ``((a(i, j), i=1,3), j=1,3)``: rows of ``a``
are the lattice vectors, Angstrom), the reciprocal lattice, ``num_kpts``, ``mp_grid``, the
k-points (reduced), ``nntot``, ``num_wann``, the checkpoint string (20 characters),
``have_disentangled``; if disentangled, ``omega_invariant``, ``lwindow(num_bands,
num_kpts)``, ``ndimwin(num_kpts)`` and ``u_matrix_opt(num_bands, num_wann, num_kpts)``;
then ``u_matrix(num_wann, num_wann, num_kpts)``, ``m_matrix`` (skipped), the Wannier
centres (Cartesian, Angstrom) and spreads (Angstrom^2). Complex arrays are Fortran-ordered.

``.eig``: ``num_bands * num_kpts`` lines ``band k-point energy`` (band fastest, eV).

``.spn``: header, ``num_bands num_kpts``, then for each k-point the upper triangle of the
three Pauli matrices ``<psi_n|sigma_a|psi_m>`` (``m = 1..num_bands``, ``n = 1..m``, the three
components fastest): unformatted one record of ``3 num_bands (num_bands + 1)/2`` complex
numbers per k-point; formatted one ``Re Im`` pair per line. The values are Pauli matrices
(eigenvalues +-1): the spin is ``S = (hbar/2) sigma``.

Every reader refuses a truncated or inconsistent file with one
:class:`~lrtheory.errors.InputFileError` naming the file and the Fortran record (unformatted)
or the line (formatted). Unformatted files are read in either byte order, with gfortran's
sub-records (records over 2 GiB).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lrtheory.errors import InputFileError
from lrtheory.io.wannier90.fortran_io import (Records, Tokens, is_unformatted, read_bytes,
                                              text_lines, write_records)

__all__ = ["Checkpoint", "read_chk", "read_eig", "read_spn", "write_chk", "write_eig",
           "write_spn"]


@dataclass
class Checkpoint:
    """The content of a Wannier90 checkpoint (what :func:`read_chk` returns).

    Attributes
    ----------
    path : str
    header : str
    num_bands, num_wann : int
        Bloch bands (after ``exclude_bands``) and Wannier functions.
    exclude_bands : (n,) int array
        1-based band indices excluded from the run.
    lattice : (3, 3) float array
        Lattice vectors (rows, Angstrom).
    mp_grid : (3,) int array
    kpoints : (num_kpts, 3) float array
        k-points in reduced coordinates (units of the reciprocal vectors).
    checkpoint : str
        ``'postdis'`` or ``'postwann'``.
    have_disentangled : bool
    lwindow : (num_kpts, num_bands) bool array
        Bands inside the outer window (all True without disentanglement).
    u_opt : (num_kpts, num_bands, num_wann) complex array or None
        ``u_matrix_opt`` (rows: the bands of the window, in order, then zeros).
    u : (num_kpts, num_wann, num_wann) complex array
    centres : (num_wann, 3) float array
        Wannier centres (Cartesian, Angstrom).
    spreads : (num_wann,) float array
        Spreads (Angstrom^2).
    """

    path: str
    header: str
    num_bands: int
    num_wann: int
    exclude_bands: np.ndarray
    lattice: np.ndarray
    mp_grid: np.ndarray
    kpoints: np.ndarray
    checkpoint: str
    have_disentangled: bool
    lwindow: np.ndarray
    u_opt: np.ndarray | None
    u: np.ndarray
    centres: np.ndarray
    spreads: np.ndarray

    @property
    def num_kpts(self) -> int:
        return len(self.kpoints)

    def v_matrix(self) -> np.ndarray:
        r"""``V(k)`` (num_kpts, num_bands, num_wann): the Wannier functions in the Bloch
        basis, ``|w_j k> = sum_m |psi_mk> V_mj(k)`` (``V = U_opt U`` on the bands of the
        window, zero outside).

        Returns
        -------
        ndarray
            (num_kpts, num_bands, num_wann) complex (dimensionless).
        """
        if not self.have_disentangled:
            return self.u.copy()
        V = np.zeros((self.num_kpts, self.num_bands, self.num_wann), complex)
        for ik in range(self.num_kpts):
            nd = int(self.lwindow[ik].sum())
            V[ik, self.lwindow[ik]] = self.u_opt[ik, :nd] @ self.u[ik]
        return V


# -- .chk ----------------------------------------------------------------------------------------


def read_chk(path) -> Checkpoint:
    """Read a Wannier90 checkpoint: ``seedname.chk`` (unformatted) or ``seedname.chk.fmt``
    (formatted, ``w90chk2chk.x -export``); the form is recognised from the content.

    Parameters
    ----------
    path : str or os.PathLike
        The file.

    Returns
    -------
    Checkpoint
        Lengths in Angstrom, k-points reduced.

    Raises
    ------
    InputFileError
        Truncated or inconsistent file (names the record or the line).
    """
    data = read_bytes(path)
    if is_unformatted(data, 33):
        return _chk_unformatted(path, data)
    return _chk_formatted(path, data)


def _chk_unformatted(path, data) -> Checkpoint:
    f = Records(path, data)
    header = f.text("header")
    nb = int(f.array("num_bands", "i4", 1)[0])
    nex = int(f.array("num_exclude_bands", "i4", 1)[0])
    excl = f.array("exclude_bands", "i4", nex)
    lat = f.array("real lattice", "f8", 9).reshape(3, 3, order="F")
    rec = f.array("reciprocal lattice", "f8", 9).reshape(3, 3, order="F")
    nk = int(f.array("num_kpts", "i4", 1)[0])
    mp = f.array("mp_grid", "i4", 3)
    kpts = f.array("k-points", "f8", 3 * nk).reshape(nk, 3)
    f.array("nntot", "i4", 1)
    nw = int(f.array("num_wann", "i4", 1)[0])
    ckpt = f.text("checkpoint")
    dis = bool(f.array("have_disentangled", "i4", 1)[0])
    lwin, uopt = np.ones((nk, nb), bool), None
    if dis:
        f.array("omega_invariant", "f8", 1)
        lwin = f.array("lwindow", "i4", nk * nb).reshape(nk, nb) != 0
        ndim = f.array("ndimwin", "i4", nk)
        uopt = f.complex("u_matrix_opt", nk * nw * nb).reshape(nk, nw, nb).swapaxes(1, 2)
    u = f.complex("u_matrix", nk * nw * nw).reshape(nk, nw, nw).swapaxes(1, 2)
    f.raw("m_matrix")
    centres = f.array("Wannier centres", "f8", 3 * nw).reshape(nw, 3)
    spreads = f.array("Wannier spreads", "f8", nw)
    f.end()
    chk = Checkpoint(str(path), header, nb, nw, excl, lat, mp, kpts, ckpt, dis, lwin, uopt, u,
                     centres, spreads)
    _check_chk(chk, rec, ndim if dis else None)
    return chk


def _chk_formatted(path, data) -> Checkpoint:
    lines = text_lines(path, data)
    if len(lines) < 2:
        raise InputFileError(f"{path}: file ends early after the header (truncated?)")
    t = Tokens(path, lines[1:], 2)
    nb = int(t.take(1, "num_bands", int)[0])
    nex = int(t.take(1, "num_exclude_bands", int)[0])
    excl = t.take(nex, "exclude_bands", int)
    lat = t.take(9, "the real lattice").reshape(3, 3, order="F")
    rec = t.take(9, "the reciprocal lattice").reshape(3, 3, order="F")
    nk = int(t.take(1, "num_kpts", int)[0])
    mp = t.take(3, "mp_grid", int)
    kpts = t.take(3 * nk, "the k-points").reshape(nk, 3)
    nntot = int(t.take(1, "nntot", int)[0])
    nw = int(t.take(1, "num_wann", int)[0])
    ckpt = t.word("the checkpoint string")
    i = t.pos
    dis = int(t.take(1, "have_disentangled (0 or 1)", int)[0])
    if dis not in (0, 1):
        raise t.err(i, f"have_disentangled must be 0 or 1, got {dis}")
    lwin, uopt = np.ones((nk, nb), bool), None
    if dis:
        t.take(1, "omega_invariant")
        lwin = t.take(nk * nb, "lwindow (0 or 1)", int).reshape(nk, nb) != 0
        ndim = t.take(nk, "ndimwin", int)
        a = t.take(2 * nk * nw * nb, "u_matrix_opt")
        uopt = (a[0::2] + 1j * a[1::2]).reshape(nk, nw, nb).swapaxes(1, 2)
    a = t.take(2 * nk * nw * nw, "u_matrix")
    u = (a[0::2] + 1j * a[1::2]).reshape(nk, nw, nw).swapaxes(1, 2)
    t.take(2 * nk * nntot * nw * nw, "m_matrix")
    centres = t.take(3 * nw, "the Wannier centres").reshape(nw, 3)
    spreads = t.take(nw, "the Wannier spreads")
    t.end()
    chk = Checkpoint(str(path), lines[0].strip(), nb, nw, excl, lat, mp, kpts, ckpt, bool(dis),
                     lwin, uopt, u, centres, spreads)
    _check_chk(chk, rec, ndim if dis else None)
    return chk


def _check_chk(chk: Checkpoint, recip: np.ndarray, ndimwin) -> None:
    """Consistency of a checkpoint: counts, lattice, windows, unitarity of U."""
    p = chk.path
    if chk.num_wann < 1 or chk.num_bands < chk.num_wann:
        raise InputFileError(f"{p}: num_wann = {chk.num_wann} must be between 1 and num_bands = "
                             f"{chk.num_bands}")
    if np.any(chk.mp_grid < 1) or chk.num_kpts != int(np.prod(chk.mp_grid)):
        raise InputFileError(f"{p}: {chk.num_kpts} k-points but mp_grid = "
                             f"{tuple(map(int, chk.mp_grid))}: inconsistent file")
    if not np.allclose(chk.lattice @ recip.T, 2 * np.pi * np.eye(3), atol=1e-6):
        raise InputFileError(f"{p}: the real and reciprocal lattices are not dual (a.b != 2 pi): "
                             "inconsistent file")
    if ndimwin is not None:
        counts = chk.lwindow.sum(1)
        bad = np.nonzero((counts != ndimwin) | (counts < chk.num_wann))[0]
        if bad.size:
            ik = int(bad[0])
            raise InputFileError(f"{p}: k-point {ik + 1}: lwindow has {counts[ik]} bands, "
                                 f"ndimwin = {ndimwin[ik]}, num_wann = {chk.num_wann}: "
                                 "inconsistent file")
    uu = np.conj(np.swapaxes(chk.u, 1, 2)) @ chk.u
    dev = float(np.abs(uu - np.eye(chk.num_wann)).max())
    if dev > 1e-6:
        raise InputFileError(f"{p}: u_matrix is not unitary (|U^+ U - 1| = {dev:.2g}): "
                             "inconsistent or corrupted file")


# -- .eig ----------------------------------------------------------------------------------------


def read_eig(path, num_bands: int, num_kpts: int) -> np.ndarray:
    """Read ``seedname.eig`` (DFT band energies on the Wannier k-mesh).

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    num_bands, num_kpts : int
        Expected counts (from the checkpoint: bands after ``exclude_bands``).

    Returns
    -------
    ndarray
        (num_kpts, num_bands) float, eV.

    Raises
    ------
    InputFileError
        Wrong number of lines or an index out of order (names the line).
    """
    lines = [(i + 1, s) for i, s in enumerate(text_lines(path, read_bytes(path))) if s.strip()]
    if len(lines) != num_bands * num_kpts:
        at = lines[-1][0] if lines else 1
        raise InputFileError(f"{path}, line {at}: {len(lines)} lines, but num_bands x num_kpts = "
                             f"{num_bands} x {num_kpts} = {num_bands * num_kpts} were expected "
                             "(wrong file, or truncated)")
    t = Tokens(path, [s for _, s in lines], 1)
    if len(t.tok) != 3 * len(lines):
        bad = next(ln for ln, s in lines if len(s.split()) != 3)
        raise InputFileError(f"{path}, line {bad}: expected 'band k-point energy'")
    arr = t.take(len(t.tok), "'band k-point energy'").reshape(-1, 3)
    want = np.stack(np.meshgrid(np.arange(1, num_bands + 1), np.arange(1, num_kpts + 1)),
                    -1).reshape(-1, 2)
    wrong = np.nonzero(np.any(arr[:, :2] != want, axis=1))[0]
    if wrong.size:
        i = int(wrong[0])
        raise InputFileError(f"{path}, line {lines[i][0]}: expected band {want[i, 0]} of k-point "
                             f"{want[i, 1]}, got {lines[i][1].split()[:2]} (band fastest)")
    return arr[:, 2].reshape(num_kpts, num_bands)


# -- .spn ----------------------------------------------------------------------------------------


def read_spn(path, num_bands: int | None = None, num_kpts: int | None = None) -> np.ndarray:
    """Read ``seedname.spn`` (pw2wannier90): the Pauli matrices between Bloch states.

    Parameters
    ----------
    path : str or os.PathLike
        The file (unformatted or formatted; recognised from the content).
    num_bands, num_kpts : int, optional
        Expected counts (from the checkpoint); a different file is refused.

    Returns
    -------
    ndarray
        (num_kpts, 3, num_bands, num_bands) complex: ``<psi_m|sigma_a|psi_n>``, Hermitian in
        (m, n) by construction (only the upper triangle is stored); dimensionless (the spin
        is ``hbar/2`` times this).

    Raises
    ------
    InputFileError
        Truncated or inconsistent file, a count different from the expected one, or a
        diagonal element with an imaginary part (names the record or the line).
    """
    data = read_bytes(path)
    if is_unformatted(data, 60):
        f = Records(path, data)
        f.text("header")
        nb, nk = (int(x) for x in f.array("num_bands num_kpts", "i4", 2))
        _check_counts(path, nb, nk, num_bands, num_kpts, "record 2")
        ntri = nb * (nb + 1) // 2
        raw = np.stack([f.complex(f"k-point {ik + 1}", 3 * ntri) for ik in range(nk)])
        f.end()
    else:
        lines = text_lines(path, data)
        t = Tokens(path, lines[1:], 2)
        nb, nk = (int(x) for x in t.take(2, "'num_bands num_kpts'", int))
        _check_counts(path, nb, nk, num_bands, num_kpts, "line 2")
        ntri = nb * (nb + 1) // 2
        a = t.take(2 * 3 * ntri * nk, "'Re Im' pairs")
        t.end()
        raw = (a[0::2] + 1j * a[1::2]).reshape(nk, 3 * ntri)
    upper = raw.reshape(nk, ntri, 3).transpose(0, 2, 1)  # (nk, 3, ntri), (n <= m) m-major
    m, n = np.tril_indices(nb)  # row-major (m, n <= m): the file's order
    S = np.zeros((nk, 3, nb, nb), complex)
    S[:, :, m, n] = np.conj(upper)
    S[:, :, n, m] = upper  # the diagonal as stored
    if not np.isfinite(raw).all():
        raise InputFileError(f"{path}: NaN or inf among the spin matrices")
    diag = float(np.abs(upper[:, :, m == n].imag).max())
    if diag > 1e-8:
        raise InputFileError(f"{path}: a diagonal element <psi_n|sigma|psi_n> has an imaginary "
                             f"part {diag:.2g}: not a Hermitian spin matrix (corrupted file?)")
    return S


def _check_counts(path, nb, nk, num_bands, num_kpts, where):
    if nb < 1 or nk < 1:
        raise InputFileError(f"{path}, {where}: num_bands = {nb}, num_kpts = {nk} must be positive")
    for name, got, want in (("num_bands", nb, num_bands), ("num_kpts", nk, num_kpts)):
        if want is not None and got != want:
            raise InputFileError(f"{path}, {where}: {name} = {got}, but the checkpoint has "
                                 f"{want}: not the same Wannier90 run")


# -- writers (tests, conversions) ---------------------------------------------------------------


def _g(x) -> str:
    return f"{x:25.17E}"


def write_chk(chk: Checkpoint, path, *, formatted: bool = False) -> Path:
    """Write a checkpoint in Wannier90's unformatted ``.chk`` or formatted ``.chk.fmt``
    layout (``w90chk2chk.x``'s), without the M matrices (``nntot = 0``: lrtheory and
    WannierBerri do not read them; ``wannier90.x`` cannot restart from such a file).

    Parameters
    ----------
    chk : Checkpoint
        The content.
    path : str or os.PathLike
        The file.
    formatted : bool
        Text (``.chk.fmt``) instead of Fortran records.

    Returns
    -------
    Path
        The file written.
    """
    nk, nb, nw = chk.num_kpts, chk.num_bands, chk.num_wann
    recip = 2 * np.pi * np.linalg.inv(chk.lattice).T
    F = lambda a: np.asarray(a).reshape(-1, order="F")  # noqa: E731
    cplx = lambda a: np.stack([a.real, a.imag], -1).reshape(-1)  # noqa: E731
    uopt = None if chk.u_opt is None else cplx(chk.u_opt.swapaxes(1, 2).reshape(-1))
    u = cplx(chk.u.swapaxes(1, 2).reshape(-1))
    ndim = chk.lwindow.sum(1)
    if not formatted:
        i4 = lambda *x: np.array(x, "<i4")  # noqa: E731
        recs = [chk.header[:33].ljust(33).encode(), i4(nb), i4(len(chk.exclude_bands)),
                np.asarray(chk.exclude_bands, "<i4"), F(chk.lattice).astype("<f8"),
                F(recip).astype("<f8"), i4(nk), np.asarray(chk.mp_grid, "<i4"),
                np.asarray(chk.kpoints, "<f8"), i4(0), i4(nw),
                chk.checkpoint[:20].ljust(20).encode(), i4(int(chk.have_disentangled))]
        if chk.have_disentangled:
            recs += [np.zeros(1, "<f8"), chk.lwindow.astype("<i4"), ndim.astype("<i4"),
                     uopt.astype("<f8")]
        recs += [u.astype("<f8"), b"", np.asarray(chk.centres, "<f8"),
                 np.asarray(chk.spreads, "<f8")]
        return write_records(path, recs)
    out = [chk.header[:33], str(nb), str(len(chk.exclude_bands))]
    out += [str(int(b)) for b in chk.exclude_bands]
    out += ["".join(map(_g, F(chk.lattice))), "".join(map(_g, F(recip))), str(nk),
            " ".join(str(int(m)) for m in chk.mp_grid)]
    out += ["".join(map(_g, k)) for k in chk.kpoints]
    out += ["0", str(nw), chk.checkpoint[:20], str(int(chk.have_disentangled))]
    pairs = lambda a: [_g(a[i]) + _g(a[i + 1]) for i in range(0, len(a), 2)]  # noqa: E731
    if chk.have_disentangled:
        out += [_g(0.0)] + [str(int(x)) for x in chk.lwindow.reshape(-1)]
        out += [str(int(x)) for x in ndim] + pairs(uopt)
    out += pairs(u) + ["".join(map(_g, c)) for c in chk.centres] + list(map(_g, chk.spreads))
    path = Path(path)
    path.write_text("\n".join(out) + "\n")
    return path


def write_eig(energies, path) -> Path:
    """Write ``seedname.eig`` (``band k-point energy``, band fastest, eV).

    Parameters
    ----------
    energies : (num_kpts, num_bands) array
        Band energies (eV).
    path : str or os.PathLike
        The file.

    Returns
    -------
    Path
        The file written.
    """
    E = np.asarray(energies, float)
    path = Path(path)
    path.write_text("".join(f"{n + 1:5d}{k + 1:5d}{E[k, n]:18.12f}\n"
                            for k in range(E.shape[0]) for n in range(E.shape[1])))
    return path


def write_spn(sigma, path, *, formatted: bool = False, header: str = "lrtheory") -> Path:
    """Write ``seedname.spn`` in pw2wannier90's layout (upper triangles of the three Pauli
    matrices per k-point; module docstring).

    Parameters
    ----------
    sigma : (num_kpts, 3, num_bands, num_bands) complex array
        ``<psi_m|sigma_a|psi_n>`` (dimensionless).
    path : str or os.PathLike
        The file.
    formatted : bool
        Text (``spn_formatted``) instead of Fortran records.
    header : str
        The first record or line.

    Returns
    -------
    Path
        The file written.
    """
    S = np.asarray(sigma, complex)
    nk, _, nb, _ = S.shape
    m, n = np.tril_indices(nb)
    upper = S[:, :, n, m].transpose(0, 2, 1).reshape(nk, -1)  # (nk, ntri * 3)
    if not formatted:
        recs = [header[:60].ljust(60).encode(), np.array([nb, nk], "<i4")]
        recs += [np.stack([u.real, u.imag], -1).reshape(-1).astype("<f8") for u in upper]
        return write_records(path, recs)
    path = Path(path)
    body = "\n".join(f"{z.real:25.17E}{z.imag:25.17E}" for z in upper.reshape(-1))
    path.write_text(f"{header}\n{nb:10d}{nk:10d}\n{body}\n")
    return path
