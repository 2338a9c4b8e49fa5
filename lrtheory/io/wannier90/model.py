"""Wannier90 data to a model: :class:`Wannier90Model` (H(k) per lattice vector R),
:func:`model_from_hr`, :func:`load_wannier90` and :func:`real_space_hamiltonian`
(conventions: :mod:`lrtheory.io.wannier90`)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lrtheory.errors import InputFileError, ModelError
from lrtheory.io.wannier90.read import HrData, read_centres_xyz, read_hr_dat, read_tb_dat
from lrtheory.models.tightbinding import Hopping, TightBindingModel

__all__ = ["Wannier90Model", "model_from_hr", "load_wannier90", "real_space_hamiltonian"]


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

    Parameters
    ----------
    lattice_vectors : (dim, d_space) array
        Lattice vectors (the file's length unit, Angstrom).
    positions : (n, d_space) array
        Orbital (Wannier centre) positions (Angstrom).
    hoppings : tuple
        Bonds as for :class:`TightBindingModel` (energies in the file's unit, eV).
    onsite : (n,) array, optional
        On-site energies (eV).
    time_reversal : TimeReversal, optional
        Antiunitary symmetry of the model.
    transverse_axis : array, optional
        As for :class:`TightBindingModel`.
    name : str
        Model name.
    params : dict
        Model parameters (provenance).
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
        """Bloch Hamiltonian ``H(k)`` (atomic-position convention, Eq. S48).

        Parameters
        ----------
        k : array_like
            Cartesian k (..., dim) (1/a; for Wannier90 files 1/Angstrom).

        Returns
        -------
        ndarray
            (..., n, n) complex (energy unit of the file: t0).
        """
        k, ph, RA, H2, gauge, n = self._w90_parts(k)
        return np.dot(ph, H2).reshape(k.shape[:-1] + (n, n)) * gauge

    def hamiltonian_and_velocity(self, k):
        """``H(k)`` and ``dH/dk`` from one pass over the lattice vectors.

        Parameters
        ----------
        k : array_like
            Cartesian k (..., dim) (1/a; for Wannier90 files 1/Angstrom).

        Returns
        -------
        H, dH : ndarray
            (..., n, n) and (..., dim, n, n) complex (t0 and a t0).
        """
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
        """Velocity ``dH/dk`` (the second result of :meth:`hamiltonian_and_velocity`).

        Parameters
        ----------
        k : array_like
            Cartesian k (..., dim) (1/a; for Wannier90 files 1/Angstrom).

        Returns
        -------
        ndarray
            (..., dim, n, n) complex (a t0).
        """
        return self.hamiltonian_and_velocity(k)[1]


def real_space_hamiltonian(model: TightBindingModel):
    """``(R (nrpts, 3) int, H (nrpts, n, n))`` with ``H[r, i, j] = <i0|H|j R_r>`` (both
    members of every conjugate pair, on-site energies at R = 0), R sorted.

    Parameters
    ----------
    model : TightBindingModel
        Any tight-binding model.

    Returns
    -------
    tuple of ndarray
        ``(R, H)``: R (nrpts, 3) int and H (nrpts, n, n) complex (energy units of the model).
    """
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
        The Wannier k-grid; if given, ``sum_R 1/ndegen(R)`` must equal its number of points.

    name : str, optional
        Model name (default from the file name).

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
