"""Readers of Wannier90 files: ``_hr.dat``, ``_tb.dat`` and ``_centres.xyz`` into
:class:`HrData` (formats and conventions: :mod:`lrtheory.io.wannier90`)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lrtheory.errors import InputFileError

__all__ = ["HrData", "read_hr_dat", "read_tb_dat", "read_centres_xyz"]


@dataclass
class HrData:
    """Raw real-space Hamiltonian of a Wannier90 file.

    Attributes
    ----------
    R : (nrpts, 3) int, lattice vectors of the blocks (file order)
    ndegen : (nrpts,) int, Wigner-Seitz degeneracies
    H : (nrpts, n, n) complex, ``H[r, m, n] = <m0|H|n R_r> * ndegen(R_r)`` as in the file
    lines : (nrpts, n, n) int, 1-based line number of each entry (for error messages)
    path : str
        The file read.
    header : str
        Its first (comment) line.
    lattice : (3, 3) float or None (``_tb.dat`` only)
    pos : (nrpts, 3, n, n) complex or None, position matrix elements (``_tb.dat`` only)
    """

    R: np.ndarray
    ndegen: np.ndarray
    H: np.ndarray
    lines: np.ndarray
    path: str
    header: str = ""
    lattice: np.ndarray | None = None
    pos: np.ndarray | None = None

    @property
    def num_wann(self) -> int:
        return self.H.shape[-1]

    def hopping_matrices(self) -> np.ndarray:
        """``H(R) / ndegen(R)``, shape (nrpts, n, n).

        Returns
        -------
        ndarray
            (nrpts, n, n) complex (energy unit of the file).
        """
        return self.H / self.ndegen[:, None, None]


def fill_doc(**parts):
    """Decorator: ``str.format`` the function's docstring with ``parts`` (shared numpydoc
    sections of this package's readers, writers and model methods)."""
    def deco(fn):
        fn.__doc__ = fn.__doc__.format(**parts)
        return fn
    return deco


_READ_DOC = """Parameters
    ----------
    path : str or os.PathLike
        The ``{suffix}`` file.

    Returns
    -------
    HrData
        {returns}"""


# -- parsing helpers ---------------------------------------------------------------------------


class _Lines:
    """Non-blank lines of a file with their 1-based line numbers."""

    def __init__(self, path):
        self.path = str(path)
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise InputFileError(f"cannot read {path}: {exc.strerror or exc}") from None
        from lrtheory.io.model_files import decode_text

        text = decode_text(data, path)  # binary content: one line naming the first bad byte
        raw = text.splitlines()
        self.all = raw
        self.items = [(i + 1, s) for i, s in enumerate(raw)]
        self.pos = 0

    def err(self, lineno, msg) -> InputFileError:
        where = f"{self.path}, line {lineno}" if lineno else self.path
        return InputFileError(f"{where}: {msg}")

    def next_line(self, what: str, *, skip_blank: bool = True) -> tuple[int, str]:
        while self.pos < len(self.items):
            ln, s = self.items[self.pos]
            self.pos += 1
            if s.strip() or not skip_blank:
                return ln, s
        raise self.err(len(self.all), f"file ends early: expected {what}")

    def int_line(self, what: str) -> int:
        ln, s = self.next_line(what)
        tok = s.split()
        try:
            if len(tok) != 1:
                raise ValueError
            v = int(tok[0])
        except ValueError:
            raise self.err(ln, f"expected {what} (one integer), got {s.strip()!r}") from None
        if v <= 0:
            raise self.err(ln, f"{what} must be positive, got {v}")
        return v

    def ndegen(self, nrpts: int) -> np.ndarray:
        vals: list[int] = []
        while len(vals) < nrpts:
            ln, s = self.next_line(f"{nrpts} degeneracy weights")
            for t in s.split():
                try:
                    v = int(t)
                except ValueError:
                    raise self.err(
                        ln, f"degeneracy weight {t!r} is not an integer (expected {nrpts} "
                            "positive integers, 15 per line, after nrpts)"
                    ) from None
                if v <= 0:
                    raise self.err(ln, f"degeneracy weight {v} must be a positive integer")
                vals.append(v)
            if len(vals) > nrpts:
                raise self.err(ln, f"{len(vals)} degeneracy weights so far, but nrpts = {nrpts}")
        return np.array(vals, int)

    def table(self, count: int, ncols: int, what: str, n_int: int) -> tuple[np.ndarray, np.ndarray]:
        """``count`` non-blank lines of ``ncols`` numbers (the first ``n_int`` integers)."""
        rows, lns = [], []
        while len(rows) < count:
            ln, s = self.next_line(f"{count - len(rows)} more lines of {what}")
            rows.append(s.split())
            lns.append(ln)
        lengths = np.fromiter((len(r) for r in rows), int, len(rows))
        bad = np.nonzero(lengths != ncols)[0]
        if bad.size:
            i = bad[0]
            raise self.err(lns[i], f"expected {ncols} numbers ({what}), got "
                                   f"{lengths[i]}: {' '.join(rows[i])!r}")
        try:
            arr = np.array(rows, dtype=float)
        except ValueError:
            for r, ln in zip(rows, lns):
                try:
                    [float(t) for t in r]
                except ValueError:
                    raise self.err(ln, f"not a number in {what}: {' '.join(r)!r}") from None
            raise  # pragma: no cover
        if not np.all(np.isfinite(arr)):
            i = int(np.nonzero(~np.all(np.isfinite(arr), axis=1))[0][0])
            raise self.err(lns[i], f"NaN or inf in {what}")
        ints = arr[:, :n_int]
        nonint = np.nonzero(np.any(ints != np.round(ints), axis=1))[0]
        if nonint.size:
            i = nonint[0]
            raise self.err(lns[i], f"the first {n_int} entries must be integers ({what}): "
                                   f"{' '.join(rows[i])!r}")
        return arr, np.array(lns, int)


def _blocks(L: _Lines, R: np.ndarray, mn: np.ndarray, lns: np.ndarray, vals: np.ndarray,
            nrpts: int, n: int, what: str):
    """Arrange per-line data (R, (m, n), values) into (nrpts, [k,] n, n) blocks, checking
    each R block is contiguous, complete and repeats no (m, n)."""
    R = R.reshape(nrpts, n * n, 3)
    mn = mn.reshape(nrpts, n * n, 2).astype(int)
    lns = lns.reshape(nrpts, n * n)
    R = R.astype(int)
    same = np.all(R == R[:, :1, :], axis=-1)
    if not np.all(same):
        b, i = np.argwhere(~same)[0]
        raise L.err(lns[b, i], f"{what}: R = {tuple(map(int, R[b, i]))} inside the block of "
                               f"R = {tuple(map(int, R[b, 0]))} (each R needs num_wann**2 = {n * n} "
                               "consecutive lines)")
    out_of_range = np.any((mn < 1) | (mn > n), axis=-1)
    if np.any(out_of_range):
        b, i = np.argwhere(out_of_range)[0]
        raise L.err(lns[b, i], f"{what}: orbital indices {tuple(map(int, mn[b, i]))} outside 1..{n}")
    flat = (mn[..., 0] - 1) * n + (mn[..., 1] - 1)
    counts = np.zeros((nrpts, n * n), int)
    np.add.at(counts, (np.repeat(np.arange(nrpts), n * n), flat.ravel()), 1)
    if np.any(counts != 1):
        b = int(np.argwhere(counts != 1)[0, 0])
        srt = np.sort(flat[b])
        dup = srt[np.nonzero(np.diff(srt) == 0)[0][0]] if np.any(np.diff(srt) == 0) else srt[0]
        i = int(np.nonzero(flat[b] == dup)[0][-1])
        raise L.err(lns[b, i], f"{what}: entry (m, n) = {tuple(map(int, mn[b, i]))} appears twice "
                               f"in the block of R = {tuple(map(int, R[b, 0]))}")
    Rb = R[:, 0, :]
    uniq, first = np.unique(Rb, axis=0, return_index=True)
    if len(uniq) != nrpts:
        seen = {}
        for b, r in enumerate(map(tuple, Rb)):
            if r in seen:
                raise L.err(lns[b, 0], f"{what}: R = {r} appears in two blocks")
            seen[r] = b
    order = np.argsort(flat, axis=1)
    take = lambda a: np.take_along_axis(a, order.reshape(order.shape + (1,) * (a.ndim - 2)), 1)
    vals = vals.reshape(nrpts, n * n, -1)
    vals = take(vals).reshape(nrpts, n, n, -1)
    lines_sorted = take(lns[..., None]).reshape(nrpts, n, n)
    return Rb, vals, lines_sorted


@fill_doc(io=_READ_DOC.format(suffix="_hr.dat",
                              returns="The content (energies in the file's unit, eV)."))
def read_hr_dat(path) -> HrData:
    """Read and validate ``seedname_hr.dat`` (every problem raises InputFileError naming the
    line).

    {io}
    """
    L, header = open_lines(path, "_hr.dat")
    n = L.int_line("num_wann")
    nrpts = L.int_line("nrpts")
    ndegen = L.ndegen(nrpts)
    arr, lns = L.table(nrpts * n * n, 7, "'R1 R2 R3 m n Re Im'", 5)
    Rb, vals, lines = _blocks(L, arr[:, :3], arr[:, 3:5], lns, arr[:, 5:7], nrpts, n, "_hr.dat")
    _trailing(L)
    H = vals[..., 0] + 1j * vals[..., 1]
    return HrData(Rb, ndegen, H, lines, str(path), header.strip())


def open_lines(path, kind: str) -> tuple[_Lines, str]:
    """The non-blank lines of a Wannier90 file and its header line (refuses an empty file)."""
    L = _Lines(path)
    if not L.items:
        raise L.err(0, f"empty file (expected a Wannier90 {kind})")
    return L, L.next_line("header", skip_blank=False)[1]


def _trailing(L: _Lines) -> None:
    while L.pos < len(L.items):
        ln, s = L.items[L.pos]
        L.pos += 1
        if s.strip():
            raise L.err(ln, f"unexpected extra data after the last block: {s.strip()!r}")


@fill_doc(io=_READ_DOC.format(suffix="_tb.dat", returns="The content, with ``lattice`` "
                              "(Angstrom) and ``pos`` (Angstrom)."))
def read_tb_dat(path) -> HrData:
    """Read and validate ``seedname_tb.dat`` (lattice vectors, H(R), position elements).

    {io}
    """
    L, header = open_lines(path, "_tb.dat")
    lat, _ = L.table(3, 3, "lattice vector (3 numbers, Angstrom)", 0)
    if abs(np.linalg.det(lat)) < 1e-12:
        raise L.err(2, "the three lattice vectors are linearly dependent")
    n = L.int_line("num_wann")
    nrpts = L.int_line("nrpts")
    ndegen = L.ndegen(nrpts)
    Rs, Hs, lines = [], [], []
    for part, ncols, what in ((0, 4, "'m n Re Im' (Hamiltonian)"),
                              (1, 8, "'m n Re x Im x Re y Im y Re z Im z' (positions)")):
        Rl, dat, ln_all = [], [], []
        for b in range(nrpts):
            r, rl = L.table(1, 3, "R1 R2 R3", 3)
            d, ln = L.table(n * n, ncols, what, 2)
            Rl.append(np.repeat(r, n * n, axis=0))
            dat.append(d)
            ln_all.append(ln)
        Rl, dat, ln_all = np.concatenate(Rl), np.concatenate(dat), np.concatenate(ln_all)
        Rb, vals, lns = _blocks(L, Rl, dat[:, :2], ln_all, dat[:, 2:], nrpts, n,
                                "_tb.dat " + ("Hamiltonian" if part == 0 else "positions"))
        Rs.append(Rb)
        Hs.append(vals)
        lines.append(lns)
    _trailing(L)
    if not np.array_equal(Rs[0], Rs[1]):
        raise L.err(lines[1][0, 0, 0] - 1, "the R vectors of the position blocks differ from "
                                           "those of the Hamiltonian blocks")
    H = Hs[0][..., 0] + 1j * Hs[0][..., 1]
    p = Hs[1]
    pos = np.stack([p[..., 2 * a] + 1j * p[..., 2 * a + 1] for a in range(3)], axis=1)
    return HrData(Rs[0], ndegen, H, lines[0], str(path), header.strip(), lat, pos)


def read_centres_xyz(path, num_wann: int) -> np.ndarray:
    """First ``num_wann`` centres (symbol X) of ``seedname_centres.xyz``, (num_wann, 3) A.

    Parameters
    ----------
    path : str or os.PathLike
        The ``_centres.xyz`` file.
    num_wann : int
        Number of Wannier functions.

    Returns
    -------
    ndarray
        (num_wann, 3) centres (Angstrom).
    """
    L = _Lines(path)
    if not L.items:
        raise L.err(0, "empty file (expected a Wannier90 _centres.xyz)")
    total = L.int_line("number of entries (Wannier centres + atoms)")
    L.next_line("comment line", skip_blank=False)
    if total < num_wann:
        raise L.err(1, f"{total} entries, but the model has num_wann = {num_wann} orbitals: "
                       "Wannier centres are missing")
    out = np.empty((num_wann, 3))
    for i in range(num_wann):
        try:
            ln, s = L.next_line(f"Wannier centre {i + 1} of {num_wann}")
        except InputFileError:
            raise L.err(len(L.all), f"only {i} Wannier centres, expected {num_wann}: "
                                    "positions are missing") from None
        tok = s.split()
        if len(tok) != 4 or tok[0].upper() != "X":
            raise L.err(ln, f"expected a Wannier centre 'X x y z' ({i + 1} of {num_wann}), "
                            f"got {s.strip()!r}")
        try:
            out[i] = [float(t) for t in tok[1:]]
        except ValueError:
            raise L.err(ln, f"not a number in {s.strip()!r}") from None
        if not np.all(np.isfinite(out[i])):
            raise L.err(ln, "NaN or inf in a Wannier centre")
    return out
