r"""Wannier90 tight-binding models: read ``seedname_hr.dat`` (+ ``_centres.xyz``) or
``seedname_tb.dat`` into a :class:`~lrtheory.models.tightbinding.TightBindingModel`, and write
them (for tests and benchmarks).

File formats (Wannier90 3.x, ``hamiltonian_write_hr`` / ``hamiltonian_write_tb``):

``seedname_hr.dat``::

    header line (date)
    num_wann
    nrpts
    ndegen(1) ... ndegen(nrpts)          (15 per line)
    R1 R2 R3  m  n  Re H_mn(R)  Im H_mn(R)   (nrpts * num_wann**2 lines, m fastest)

``seedname_tb.dat``: header, the three lattice vectors (rows, Angstrom), ``num_wann``,
``nrpts``, the ``ndegen`` list, then for each R a line ``R1 R2 R3`` followed by
``num_wann**2`` lines ``m n Re Im`` (the Hamiltonian), then the same blocks for the position
matrix elements ``m n Re x Im x Re y Im y Re z Im z`` (Angstrom).

``seedname_centres.xyz``: an xyz file whose first ``num_wann`` entries (symbol ``X``) are the
Wannier centres (Cartesian, Angstrom), followed by the atoms.

Conventions
-----------
Wannier90 writes ``H_mn(R) = <m, 0|H|n, R>`` on the Wigner-Seitz supercell of the k-grid
with degeneracies ``ndegen(R)``; the hopping is ``H_mn(R) / ndegen(R)``. This is the same
real-space meaning as lrtheory's ``Hopping(i=m, j=n, R, t)``. Our Bloch Hamiltonian puts the
orbital positions in the phase (atomic-position convention, paper Eq. S48)::

    H_ij(k) = sum_R t_ij(R) exp(i k.(R.A + r_j - r_i))

with ``r_j`` the Wannier centres. This is the tight-binding approximation of Wannier
interpolation: the position operator is taken diagonal, ``<m0|r|nR> = r_m delta_mn
delta_R0``. From ``_tb.dat`` **only the diagonal, R = 0 position elements are used** (as
orbital positions); the off-diagonal position matrix elements (they add the "internal"
Berry connection of Wannier interpolation, Wang et al. PRB 74, 195118 (2006)) are read,
validated for finiteness, and ignored: anomalous Hall conductivities of real materials
computed from such a model miss that term.

Each pair ``(m, n, R)`` / ``(n, m, -R)`` appears in the file; the reader checks
``H(-R) = H(R)^dagger`` (within ``herm_tol``), keeps one bond per pair (the average of the
two entries, identical to either one when the file is exactly Hermitian), on-site energies
from ``R = 0, m = n`` (real within ``herm_tol``).

Units: those of the file (energies in eV, lengths in Angstrom, k in 1/Angstrom); responses
of the resulting model are in the same units (e.g. a 3D Hall conductivity in e^2/(hbar A)).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from lrtheory.errors import InputFileError, ModelError
from lrtheory.models.tightbinding import Hopping, TightBindingModel

__all__ = [
    "Wannier90Model",
    "HrData",
    "read_hr_dat",
    "read_tb_dat",
    "read_centres_xyz",
    "model_from_hr",
    "load_wannier90",
    "write_hr_dat",
    "write_tb_dat",
    "write_centres_xyz",
    "real_space_hamiltonian",
]


@dataclass
class HrData:
    """Raw real-space Hamiltonian of a Wannier90 file.

    Attributes
    ----------
    R : (nrpts, 3) int, lattice vectors of the blocks (file order)
    ndegen : (nrpts,) int, Wigner-Seitz degeneracies
    H : (nrpts, n, n) complex, ``H[r, m, n] = <m0|H|n R_r> * ndegen(R_r)`` as in the file
    lines : (nrpts, n, n) int, 1-based line number of each entry (for error messages)
    path : str, header : str
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
        """``H(R) / ndegen(R)``, shape (nrpts, n, n)."""
        return self.H / self.ndegen[:, None, None]


@dataclass(frozen=True, eq=False)
class Wannier90Model(TightBindingModel):
    r"""A :class:`TightBindingModel` whose H(k) is evaluated per lattice vector R.

    Same Hamiltonian and velocity as the parent (atomic-position convention), computed as

    .. math:: H(k) = D^\dagger(k) H_W(k) D(k),\quad H_W(k) = \sum_R e^{ik\cdot RA} t(R),
              \quad D = \mathrm{diag}(e^{ik\cdot r_j}),

    ``dH/dk_a = D^\dagger [\sum_R i (RA)_a e^{ik.RA} t(R)] D + i (r_j - r_i)_a H_ij``.
    Cost per k: ``nrpts * n^2`` (the parent groups bonds by their full displacement
    ``R.A + r_j - r_i``, up to ``nrpts * n^2`` groups of ``n x n`` matrices for Wannier
    centres at generic positions, i.e. ``nrpts * n^4`` per k).
    """

    def __post_init__(self):
        super().__post_init__()
        R, H = real_space_hamiltonian(self)
        RA = R[:, : self.dim].astype(float) @ self.lattice_vectors  # (nrpts, d_space)
        object.__setattr__(self, "_rblocks", (RA, H.reshape(len(H), -1)))
        self._check_declared_time_reversal()

    def _w90_parts(self, k):
        k = self._cartesian_k(k)
        RA, H2 = self._rblocks
        n = self.n_orbitals
        arg = k @ RA.T
        ph = np.empty(arg.shape, complex)
        np.cos(arg, out=ph.real)
        np.sin(arg, out=ph.imag)
        D = np.exp(1j * (k @ self.positions.T))  # (..., n)
        gauge = np.conj(D)[..., :, None] * D[..., None, :]  # (..., n, n)
        return k, ph, RA, H2, gauge, n

    def hamiltonian(self, k) -> np.ndarray:
        k, ph, RA, H2, gauge, n = self._w90_parts(k)
        return np.dot(ph, H2).reshape(k.shape[:-1] + (n, n)) * gauge

    def hamiltonian_and_velocity(self, k):
        k, ph, RA, H2, gauge, n = self._w90_parts(k)
        if self.dim != self.lattice_vectors.shape[1]:
            return super().hamiltonian_and_velocity(k)
        stacked = self.__dict__.get("_rstacked")
        if stacked is None:  # [t(R), i (RA)_a t(R)]: small (nrpts x (dim + 1) n^2), kept
            stacked = np.concatenate([H2] + [1j * RA[:, a, None] * H2 for a in range(self.dim)],
                                     1)
            object.__setattr__(self, "_rstacked", stacked)
        out = np.dot(ph, stacked).reshape(k.shape[:-1] + (self.dim + 1, n, n))
        out = out * gauge[..., None, :, :]
        H = out[..., 0, :, :]
        dpos = self.positions[None, :, :] - self.positions[:, None, :]  # r_j - r_i, [i, j, a]
        V = out[..., 1:, :, :] + 1j * np.moveaxis(dpos, -1, 0) * H[..., None, :, :]
        return H, V

    def velocity(self, k) -> np.ndarray:
        return self.hamiltonian_and_velocity(k)[1]


# -- parsing helpers ---------------------------------------------------------------------------


class _Lines:
    """Non-blank lines of a file with their 1-based line numbers."""

    def __init__(self, path):
        self.path = str(path)
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise InputFileError(f"cannot read {path}: {exc.strerror or exc}") from None
        from lrtheory.models.inputs import decode_text

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


def read_hr_dat(path) -> HrData:
    """Read and validate ``seedname_hr.dat`` (every problem raises InputFileError naming the
    line)."""
    L = _Lines(path)
    if not L.items:
        raise L.err(0, "empty file (expected a Wannier90 _hr.dat)")
    _, header = L.next_line("header", skip_blank=False)
    n = L.int_line("num_wann")
    nrpts = L.int_line("nrpts")
    ndegen = L.ndegen(nrpts)
    arr, lns = L.table(nrpts * n * n, 7, "'R1 R2 R3 m n Re Im'", 5)
    Rb, vals, lines = _blocks(L, arr[:, :3], arr[:, 3:5], lns, arr[:, 5:7], nrpts, n, "_hr.dat")
    _trailing(L)
    H = vals[..., 0] + 1j * vals[..., 1]
    return HrData(Rb, ndegen, H, lines, str(path), header.strip())


def _trailing(L: _Lines) -> None:
    while L.pos < len(L.items):
        ln, s = L.items[L.pos]
        L.pos += 1
        if s.strip():
            raise L.err(ln, f"unexpected extra data after the last block: {s.strip()!r}")


def read_tb_dat(path) -> HrData:
    """Read and validate ``seedname_tb.dat`` (lattice vectors, H(R), position elements)."""
    L = _Lines(path)
    if not L.items:
        raise L.err(0, "empty file (expected a Wannier90 _tb.dat)")
    _, header = L.next_line("header", skip_blank=False)
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
    """First ``num_wann`` centres (symbol X) of ``seedname_centres.xyz``, (num_wann, 3) A."""
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


def model_from_hr(data: HrData, *, lattice_vectors=None, positions=None, dim: int | None = None,
                  herm_tol: float = 1e-6, drop_below: float = 0.0, mp_grid=None,
                  name: str | None = None) -> TightBindingModel:
    """Convert validated Wannier90 data into a :class:`TightBindingModel`.

    Parameters
    ----------
    data : HrData
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
        The Wannier k-grid; if given, ``sum_R 1/ndegen(R)`` must equal its number of points.
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

    Hr = data.hopping_matrices()
    R = data.R
    index = {tuple(r): i for i, r in enumerate(R)}
    partner = np.array([index.get(tuple(-r), -1) for r in R])
    missing = np.nonzero(partner < 0)[0]
    for b in missing:
        if np.any(Hr[b] != 0):
            raise InputFileError(
                f"{data.path}, line {data.lines[b, 0, 0]}: block R = {tuple(map(int, R[b]))} has no "
                f"partner -R: H(-R) = H(R)^dagger cannot hold"
            )
    ok = partner >= 0
    conj = np.zeros_like(Hr)
    conj[ok] = np.conj(np.swapaxes(Hr[partner[ok]], -1, -2))
    conj[~ok] = Hr[~ok]
    dev = np.abs(Hr - conj)
    if dev.size and dev.max() > herm_tol:
        b, m, k = np.unravel_index(int(np.argmax(dev)), dev.shape)
        raise InputFileError(
            f"{data.path}, line {data.lines[b, m, k]}: H_mn(R) with (m, n) = ({m + 1}, {k + 1}), "
            f"R = {tuple(map(int, R[b]))} is {Hr[b, m, k]:.8g} but the conjugate of H_nm(-R) on line "
            f"{data.lines[partner[b], k, m]} is {np.conj(Hr[partner[b], k, m]):.8g} "
            f"(|difference| {dev[b, m, k]:.3g} > herm_tol = {herm_tol:g}): H(-R) != H(R)^dagger"
        )
    T = 0.5 * (Hr + conj)

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
    return Wannier90Model(lat_m, pos_m, hops, onsite,
                          name=name or f"Wannier90 {Path(data.path).name}",
                          params={"source": data.path, "dim": dim})


def load_wannier90(seedname, *, lattice_vectors=None, positions=None, dim: int | None = None,
                   herm_tol: float = 1e-6, drop_below: float = 0.0, mp_grid=None,
                   prefer: str = "hr") -> TightBindingModel:
    """Load ``seedname_hr.dat`` (+ ``seedname_centres.xyz``) or ``seedname_tb.dat``.

    ``seedname`` may also be the path of an ``_hr.dat`` or ``_tb.dat`` file. With an
    ``_hr.dat``, the lattice comes from ``lattice_vectors`` or ``seedname_tb.dat`` and the
    positions from ``positions``, ``seedname_centres.xyz`` or ``seedname_tb.dat`` (diagonal
    position elements), in that order. Other keywords: :func:`model_from_hr`.
    """
    s = str(seedname)
    for suffix in ("_hr.dat", "_tb.dat"):
        if s.endswith(suffix):
            s, prefer = s[: -len(suffix)], suffix[1:3]
    hr, tb, xyz = Path(s + "_hr.dat"), Path(s + "_tb.dat"), Path(s + "_centres.xyz")
    kw = dict(dim=dim, herm_tol=herm_tol, drop_below=drop_below, mp_grid=mp_grid)
    if (prefer == "tb" or not hr.exists()) and tb.exists():
        return model_from_hr(read_tb_dat(tb), lattice_vectors=lattice_vectors,
                             positions=positions, **kw)
    if not hr.exists():
        raise InputFileError(f"neither {hr} nor {tb} exists")
    data = read_hr_dat(hr)
    tbdata = read_tb_dat(tb) if tb.exists() and (lattice_vectors is None or
                                                  (positions is None and not xyz.exists())) else None
    if lattice_vectors is None and tbdata is not None:
        lattice_vectors = tbdata.lattice
    if positions is None:
        if xyz.exists():
            positions = read_centres_xyz(xyz, data.num_wann)
        elif tbdata is not None:
            data.pos = tbdata.pos
    return model_from_hr(data, lattice_vectors=lattice_vectors, positions=positions, **kw)


# -- writing -----------------------------------------------------------------------------------


def _embed3(model: TightBindingModel, c: float):
    lat = np.asarray(model.lattice_vectors, float)
    pos = np.asarray(model.positions, float)
    dim, d = lat.shape
    if dim != d or dim not in (2, 3):
        raise ModelError(
            f"{model.name}: writing Wannier90 files needs a 2D or 3D bulk model "
            f"(lattice {lat.shape})"
        )
    if dim == 3:
        return lat, pos
    lat3 = np.zeros((3, 3))
    lat3[:2, :2] = lat
    lat3[2, 2] = c
    pos3 = np.zeros((len(pos), 3))
    pos3[:, :2] = pos
    return lat3, pos3


def real_space_hamiltonian(model: TightBindingModel):
    """``(R (nrpts, 3) int, H (nrpts, n, n))`` with ``H[r, i, j] = <i0|H|j R_r>`` (both
    members of every conjugate pair, on-site energies at R = 0), R sorted."""
    n = model.n_orbitals
    blocks: dict[tuple, np.ndarray] = {}

    def add(R, i, j, t):
        R3 = tuple(R) + (0,) * (3 - len(R))
        if R3 not in blocks:
            blocks[R3] = np.zeros((n, n), complex)
        blocks[R3][i, j] += t

    add((0, 0, 0), 0, 0, 0.0)
    for h in model.hoppings:
        add(h.R, h.i, h.j, h.t)
        add(tuple(-r for r in h.R), h.j, h.i, np.conj(h.t))
    blocks[(0, 0, 0)][np.arange(n), np.arange(n)] += model.onsite
    keys = sorted(blocks)
    return np.array(keys, int).reshape(-1, 3), np.stack([blocks[k] for k in keys])


def _ndegen_for(R, degeneracy):
    nd = np.ones(len(R), int)
    if degeneracy:
        for i, r in enumerate(map(tuple, R)):
            nd[i] = int(degeneracy.get(r, 1))
    return nd


def _ndegen_lines(nd) -> list[str]:
    return ["".join(f"{v:5d}" for v in nd[i:i + 15]) for i in range(0, len(nd), 15)]


def write_hr_dat(model: TightBindingModel, path, *, degeneracy: dict | None = None,
                 header: str = "written by lrtheory") -> Path:
    """Write ``model`` as a Wannier90 ``_hr.dat`` (full double precision).

    ``degeneracy`` maps R (3-tuple) to ``ndegen(R)`` (default 1): the file then holds
    ``ndegen(R) * t(R)``, as Wannier90 does, so a reader that forgets to divide fails the
    round trip. 2D models are written with R3 = 0.
    """
    R, H = real_space_hamiltonian(model)
    nd = _ndegen_for(R, degeneracy)
    n = model.n_orbitals
    lines = [header, f"{n:12d}", f"{len(R):12d}", *_ndegen_lines(nd)]
    jj, ii = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")  # m (row) fastest
    for b, r in enumerate(R):
        vals = H[b] * nd[b]
        pre = f"{r[0]:5d}{r[1]:5d}{r[2]:5d}"
        lines += [f"{pre}{m + 1:5d}{k + 1:5d} {vals[m, k].real: .17e} {vals[m, k].imag: .17e}"
                  for m, k in zip(ii.ravel(), jj.ravel())]
    path = Path(path)
    path.write_text("\n".join(lines) + "\n")
    return path


def write_tb_dat(model: TightBindingModel, path, *, degeneracy: dict | None = None,
                 c: float = 10.0, header: str = "written by lrtheory") -> Path:
    """Write ``model`` as a Wannier90 ``_tb.dat``: lattice (2D models: a_3 = (0, 0, c)),
    H(R), and position matrix elements ``<m0|r|nR> = r_m delta_mn delta_R0`` (times ndegen)."""
    lat, pos = _embed3(model, c)
    R, H = real_space_hamiltonian(model)
    nd = _ndegen_for(R, degeneracy)
    n = model.n_orbitals
    lines = [header] + [" ".join(f"{x: .17e}" for x in row) for row in lat]
    lines += [f"{n:12d}", f"{len(R):12d}", *_ndegen_lines(nd)]
    jj, ii = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    for b, r in enumerate(R):
        lines += ["", f"{r[0]:5d}{r[1]:5d}{r[2]:5d}"]
        vals = H[b] * nd[b]
        lines += [f"{m + 1:5d}{k + 1:5d}   {vals[m, k].real: .17e} {vals[m, k].imag: .17e}"
                  for m, k in zip(ii.ravel(), jj.ravel())]
    for b, r in enumerate(R):
        lines += ["", f"{r[0]:5d}{r[1]:5d}{r[2]:5d}"]
        for m, k in zip(ii.ravel(), jj.ravel()):
            p = pos[m] * nd[b] if (m == k and not np.any(r)) else np.zeros(3)
            lines.append(f"{m + 1:5d}{k + 1:5d}   " + " ".join(f"{x: .17e} {0.0: .17e}" for x in p))
    path = Path(path)
    path.write_text("\n".join(lines) + "\n")
    return path


def write_centres_xyz(model: TightBindingModel, path, *, c: float = 10.0) -> Path:
    """Write the orbital positions as ``seedname_centres.xyz`` (symbol X, Angstrom)."""
    _, pos = _embed3(model, c)
    lines = [f"{len(pos):6d}", "Wannier centres, written by lrtheory"]
    lines += [f"X {p[0]: .17e} {p[1]: .17e} {p[2]: .17e}" for p in pos]
    path = Path(path)
    path.write_text("\n".join(lines) + "\n")
    return path
