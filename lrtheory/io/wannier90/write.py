"""Writers of Wannier90 files (``_hr.dat``, ``_tb.dat``, ``_centres.xyz``) from a
:class:`~lrtheory.models.TightBindingModel` (for tests and benchmarks)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from lrtheory.errors import ModelError
from lrtheory.io.wannier90.model import real_space_hamiltonian
from lrtheory.io.wannier90.read import HrData, fill_doc
from lrtheory.models.tightbinding import TightBindingModel

__all__ = ["write_hr_dat", "write_tb_dat", "write_tb_data", "write_centres_xyz"]


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


def _ndegen_for(R, degeneracy):
    nd = np.ones(len(R), int)
    if degeneracy:
        for i, r in enumerate(map(tuple, R)):
            nd[i] = int(degeneracy.get(r, 1))
    return nd


def _ndegen_lines(nd) -> list[str]:
    return ["".join(f"{v:5d}" for v in nd[i:i + 15]) for i in range(0, len(nd), 15)]


_WRITE_DOC = """Parameters
    ----------
    model : TightBindingModel
        The model (lengths in a, written as Angstrom; energies in t0, written as eV).
    path : str or os.PathLike
        Target file.
    degeneracy : dict, optional
        R (3-tuple) to ndegen(R) (default 1).{extra}
    header : str
        First line of the file.

    Returns
    -------
    pathlib.Path
        The file written."""


def _model_data(model: TightBindingModel, degeneracy, header: str, lattice=None,
                positions=None) -> HrData:
    """The model's blocks as file content: ``H(R) * ndegen`` and, with ``positions``,
    ``<m0|r|nR> * ndegen = r_m delta_mn delta_R0 * ndegen``."""
    R, H = real_space_hamiltonian(model)
    nd = _ndegen_for(R, degeneracy)
    n = model.n_orbitals
    P = None
    if positions is not None:
        P = np.zeros((len(R), 3, n, n), complex)
        i0 = np.nonzero(np.all(R == 0, axis=1))[0]
        if i0.size:
            P[i0[0], :, np.arange(n), np.arange(n)] = positions * nd[i0[0]]
    return HrData(R, nd, H * nd[:, None, None], np.zeros(H.shape, int), "", header, lattice, P)


@fill_doc(io=_WRITE_DOC.format(extra=""))
def write_hr_dat(model: TightBindingModel, path, *, degeneracy: dict | None = None,
                 header: str = "written by lrtheory") -> Path:
    """Write ``model`` as a Wannier90 ``_hr.dat`` (full double precision).

    ``degeneracy`` maps R (3-tuple) to ``ndegen(R)`` (default 1): the file then holds
    ``ndegen(R) * t(R)``, as Wannier90 does, so a reader that forgets to divide fails the
    round trip. 2D models are written with R3 = 0.

    {io}
    """
    d = _model_data(model, degeneracy, header)
    n = model.n_orbitals
    lines = [header, f"{n:12d}", f"{len(d.R):12d}", *_ndegen_lines(d.ndegen)]
    jj, ii = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")  # m (row) fastest
    for b, r in enumerate(d.R):
        pre = f"{r[0]:5d}{r[1]:5d}{r[2]:5d}"
        lines += [f"{pre}{m + 1:5d}{k + 1:5d} {d.H[b, m, k].real: .17e} {d.H[b, m, k].imag: .17e}"
                  for m, k in zip(ii.ravel(), jj.ravel())]
    path = Path(path)
    path.write_text("\n".join(lines) + "\n")
    return path


@fill_doc(io=_WRITE_DOC.format(extra="\n    c : float\n        Length of a_3 for 2D models (a)."))
def write_tb_dat(model: TightBindingModel, path, *, degeneracy: dict | None = None,
                 c: float = 10.0, header: str = "written by lrtheory") -> Path:
    """Write ``model`` as a Wannier90 ``_tb.dat``: lattice (2D models: a_3 = (0, 0, c)),
    H(R), and position matrix elements ``<m0|r|nR> = r_m delta_mn delta_R0`` (times ndegen).

    {io}
    """
    lat, pos = _embed3(model, c)
    return write_tb_data(_model_data(model, degeneracy, header, lat, pos), path)


def write_tb_data(data: HrData, path) -> Path:
    """Write Wannier90 ``_tb.dat`` content (lattice, ndegen, ``H(R) * ndegen``, position
    elements ``<m0|r|nR> * ndegen``, all as stored in ``data``) to ``path``, 17 digits.

    ``read_tb_dat(write_tb_data(d, p))`` returns ``d``'s arrays exactly.

    Parameters
    ----------
    data : HrData
        With ``lattice`` (Angstrom) and ``pos`` (Angstrom, off-diagonal elements included).
    path : str or os.PathLike
        Target file.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    R, nd, H, pos = data.R, data.ndegen, data.H, data.pos
    n = data.num_wann
    lines = [data.header or "written by lrtheory"]
    lines += [" ".join(f"{x: .17e}" for x in row) for row in np.asarray(data.lattice, float)]
    lines += [f"{n:12d}", f"{len(R):12d}", *_ndegen_lines(nd)]
    jj, ii = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    for b, r in enumerate(R):
        lines += ["", f"{r[0]:5d}{r[1]:5d}{r[2]:5d}"]
        lines += [f"{m + 1:5d}{k + 1:5d}   {H[b, m, k].real: .17e} {H[b, m, k].imag: .17e}"
                  for m, k in zip(ii.ravel(), jj.ravel())]
    for b, r in enumerate(R):
        lines += ["", f"{r[0]:5d}{r[1]:5d}{r[2]:5d}"]
        lines += [f"{m + 1:5d}{k + 1:5d}   " + " ".join(
            f"{x.real: .17e} {x.imag: .17e}" for x in pos[b, :, m, k])
            for m, k in zip(ii.ravel(), jj.ravel())]
    path = Path(path)
    path.write_text("\n".join(lines) + "\n")
    return path


def write_centres_xyz(model: TightBindingModel, path, *, c: float = 10.0) -> Path:
    """Write the orbital positions as ``seedname_centres.xyz`` (symbol X, Angstrom).

    Parameters
    ----------
    model : TightBindingModel
        The model (lengths in a, written as Angstrom; energies in t0, written as eV).
    path : str or os.PathLike
        Target file.
    c : float
        Length of a_3 of 2D models (a); the centres get z = 0.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    _, pos = _embed3(model, c)
    lines = [f"{len(pos):6d}", "Wannier centres, written by lrtheory"]
    lines += [f"X {p[0]: .17e} {p[1]: .17e} {p[2]: .17e}" for p in pos]
    path = Path(path)
    path.write_text("\n".join(lines) + "\n")
    return path
