r"""A Wannier90 run to a model with its spin operator: :func:`load_wannier90_run` reads
``seedname.chk`` (or ``.chk.fmt``), ``seedname.eig`` and, when present, ``seedname.spn``
(file formats: :mod:`lrtheory.io.wannier90.run_files`) and builds the real-space
Hamiltonian and spin matrices the way Wannier90's ``postw90`` does.

With ``V(k) = U_opt(k) U(k)`` the Wannier functions in the Bloch basis (zero outside the
outer window), the Wannier-gauge matrices on the ``mp_grid`` mesh are

.. math:: H^W(\mathbf k) = V^\dagger \mathrm{diag}(\epsilon_{n\mathbf k}) V, \qquad
          S^W_a(\mathbf k) = \tfrac{\hbar}{2} V^\dagger \sigma_a(\mathbf k) V,

with ``sigma_a(k)`` the Pauli matrices between Bloch states of ``seedname.spn``, and on the
Wigner-Seitz points R of the mesh's supercell (degeneracies ``ndegen(R)``)

.. math:: X(\mathbf R) = \frac{1}{N_k}\sum_{\mathbf k}
          e^{-i\mathbf k\cdot\mathbf R} X^W(\mathbf k), \qquad
          X^W(\mathbf k) = \sum_{\mathbf R}
          \frac{e^{i\mathbf k\cdot\mathbf R}}{\mathrm{ndegen}(\mathbf R)} X(\mathbf R)

(Wannier90's ``fourier_q_to_R``; the second sum returns ``X^W`` exactly on the mesh). MDRS
(``use_ws_distance``, Wannier90's default) re-distributes every block over the
minimal-distance images (:mod:`lrtheory.io.wannier90.mdrs`), which leaves the mesh values
unchanged. The model then puts the Wannier centres of the checkpoint in the Bloch phases
(atomic-position convention, paper Eq. S48) for ``H`` and ``S`` alike, so band energies and
band-basis spin matrix elements are those of Wannier90's interpolation.

Units: eV and Angstrom (those of the run), spin in hbar (``S = sigma/2``,
docs/conventions.md).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from lrtheory.errors import InputFileError, ModelError
from lrtheory.io.wannier90.convert import model_from_hr
from lrtheory.io.wannier90.mdrs import WS_DISTANCE_TOL
from lrtheory.io.wannier90.read import HrData
from lrtheory.io.wannier90.run_files import Checkpoint, read_chk, read_eig, read_spn

__all__ = ["load_wannier90_run", "wigner_seitz", "wannier_gauge", "mesh_kpoints",
           "run_real_space"]


def wigner_seitz(lattice, mp_grid, *, tol: float = WS_DISTANCE_TOL):
    """Wigner-Seitz points of the ``mp_grid`` supercell and their degeneracies (Wannier90's
    ``hamiltonian_wigner_seitz``: R whose distance to the origin is minimal, within ``tol``
    on squared distances as Wannier90 compares them, among its supercell images).

    Parameters
    ----------
    lattice : (3, 3) array
        Lattice vectors (rows, Angstrom).
    mp_grid : 3 ints
        The k mesh.
    tol : float
        Wannier90's ``ws_distance_tol`` (Angstrom); squared distances within ``tol**2``
        are equal.

    Returns
    -------
    tuple
        ``(R (nrpts, 3) int, ndegen (nrpts,) int)``; ``sum 1/ndegen = prod(mp_grid)``.
    """
    lat = np.asarray(lattice, float)
    mp = np.asarray(mp_grid, int)
    metric = lat @ lat.T
    axes = [np.arange(-2 * m, 2 * m + 1) for m in mp]
    R = np.stack(np.meshgrid(*axes, indexing="ij"), -1).reshape(-1, 3)
    d0 = ((R @ metric) * R).sum(1)
    shifts = np.stack(np.meshgrid(*[np.arange(-3, 4)] * 3, indexing="ij"), -1).reshape(-1, 3)
    # |R - T|^2 = |R|^2 - 2 R.T + |T|^2 (metric products) for the 343 supercell images T
    T = shifts * mp
    dists = d0[None, :] - 2 * (T @ metric) @ R.T + ((T @ metric) * T).sum(1)[:, None]
    dmin = dists.min(0)
    inside = np.abs(d0 - dmin) < tol ** 2
    ndeg = (np.abs(dists - dmin[None, :]) < tol ** 2).sum(0)
    R, ndeg = R[inside], ndeg[inside]
    if abs(np.sum(1.0 / ndeg) - np.prod(mp)) > 1e-8 * np.prod(mp):
        raise ModelError(f"Wigner-Seitz points of mp_grid = {tuple(map(int, mp))}: "
                         f"sum 1/ndegen = {np.sum(1.0 / ndeg):.6g} != {int(np.prod(mp))}")
    return R, ndeg


def wannier_gauge(chk: Checkpoint, energies: np.ndarray, spn: np.ndarray | None = None):
    """``H^W(k)`` and ``S^W(k)`` on the checkpoint's k mesh (module docstring).

    Parameters
    ----------
    chk : Checkpoint
        The run (:func:`~lrtheory.io.wannier90.run_files.read_chk`).
    energies : (num_kpts, num_bands) array
        ``seedname.eig`` (eV).
    spn : (num_kpts, 3, num_bands, num_bands) array, optional
        ``seedname.spn`` (Pauli matrices).

    Returns
    -------
    tuple
        ``H (num_kpts, n, n)`` (eV) and ``S (num_kpts, 3, n, n)`` (hbar) or None; both
        Hermitian.
    """
    V = chk.v_matrix()
    H = np.einsum("kbi,kb,kbj->kij", V.conj(), energies, V)
    H = 0.5 * (H + np.conj(np.swapaxes(H, -1, -2)))
    if spn is None:
        return H, None
    Vh = np.conj(np.swapaxes(V, -1, -2))[:, None]
    S = 0.5 * (Vh @ spn @ V[:, None])
    return H, 0.5 * (S + np.conj(np.swapaxes(S, -1, -2)))


def mesh_kpoints(chk: Checkpoint, *, tol: float = 1e-6) -> np.ndarray:
    """The checkpoint's k-points snapped to the exact ``mp_grid`` mesh.

    Wannier90 k-points are printed with 8 digits (``0.33333333``); the inverse Fourier sum
    is exact only on the exact mesh (with the printed values it is off by ``|dk.R| ~ 1e-7``
    relative: 2e-6 eV on the 30 eV on-site energies of bcc Fe), so the mesh is used, as
    WannierBerri's FFT does.

    Parameters
    ----------
    chk : Checkpoint
        The run.
    tol : float
        Largest accepted distance of a k-point from the mesh (reduced units).

    Returns
    -------
    ndarray
        (num_kpts, 3) reduced k-points ``n / mp_grid``.

    Raises
    ------
    InputFileError
        A k-point off the mesh, or a mesh point missing or repeated.
    """
    mp = np.asarray(chk.mp_grid, int)
    n = np.round(chk.kpoints * mp)
    off = np.abs(chk.kpoints * mp - n).max(axis=1) / mp.min()
    if np.any(off > tol):
        ik = int(np.argmax(off))
        raise InputFileError(f"{chk.path}: k-point {ik + 1} {tuple(chk.kpoints[ik])} is not on the "
                             f"mp_grid {tuple(map(int, mp))} mesh")
    idx = np.mod(n.astype(int), mp)
    flat = (idx[:, 0] * mp[1] + idx[:, 1]) * mp[2] + idx[:, 2]
    if len(np.unique(flat)) != len(flat):
        raise InputFileError(f"{chk.path}: the k-points repeat a point of the mp_grid "
                             f"{tuple(map(int, mp))} mesh")
    return n / mp


def run_real_space(chk: Checkpoint, Xk: np.ndarray, *, ws=None):
    """``X(R) = (1/N_k) sum_k exp(-2 pi i k.R) X^W(k)`` on the Wigner-Seitz points.

    Parameters
    ----------
    chk : Checkpoint
        The run (k mesh and lattice).
    Xk : (num_kpts, ..., n, n) array
        A Wannier-gauge operator on the mesh.
    ws : tuple, optional
        ``(R, ndegen)`` of :func:`wigner_seitz` when already computed.

    Returns
    -------
    tuple
        ``(R (nrpts, 3) int, ndegen (nrpts,) int, X (nrpts, ..., n, n))``, X not divided by
        ``ndegen`` (as Wannier90 writes ``_hr.dat``).
    """
    R, ndeg = wigner_seitz(chk.lattice, chk.mp_grid) if ws is None else ws
    phase = np.exp(-2j * np.pi * (mesh_kpoints(chk) @ R.T))  # (nk, nrpts)
    X = np.tensordot(phase, Xk, axes=(0, 0)) / chk.num_kpts
    return R, ndeg, X


def _seed(seedname) -> str:
    s = str(seedname)
    for suffix in (".chk.fmt", ".chk", ".eig", ".spn", ".win"):
        if s.endswith(suffix):
            return s[: -len(suffix)]
    if Path(s).is_dir():
        chks = sorted(Path(s).glob("*.chk")) + sorted(Path(s).glob("*.chk.fmt"))
        if len(chks) != 1:
            raise InputFileError(f"{s}: expected one seedname.chk (or .chk.fmt) in the folder, "
                                 f"found {len(chks)}")
        return str(chks[0]).removesuffix(".fmt").removesuffix(".chk")
    return s


def _use_ws_distance(win: Path) -> bool:
    """``use_ws_distance`` of ``seedname.win`` (Wannier90's default, true, when unset)."""
    if not win.exists():
        return True
    from lrtheory.io.wannier90.win import read_win

    text = read_win(win).keywords.get("use_ws_distance")
    if text is None:
        return True
    t = text.strip().lower().strip(".")
    if t in ("t", "true"):
        return True
    if t in ("f", "false"):
        return False
    raise InputFileError(f"{win}: use_ws_distance = {text!r} is not a logical")


def load_wannier90_run(seedname, *, spin: bool | None = None, mdrs: bool | None = None,
                       ws_tol: float = WS_DISTANCE_TOL, name: str | None = None):
    """Build the Wannier90 model of a run from its checkpoint, eigenvalues and spin file.

    Parameters
    ----------
    seedname : str or os.PathLike
        The seedname (``dir/Fe`` for ``dir/Fe.chk``), the path of one of the run's files,
        or a folder holding exactly one ``.chk``/``.chk.fmt``.
    spin : bool or None
        Read ``seedname.spn`` into the model's spin operator: None (default) when the file
        exists, True requires it, False never.
    mdrs : bool or None
        Minimal-distance replica selection: None (default) as ``seedname.win`` says
        (``use_ws_distance``; Wannier90's default, true, when unset or without a .win).
    ws_tol : float
        Wannier90's ``ws_distance_tol`` (Angstrom).
    name : str, optional
        Model name (default from the seedname).

    Returns
    -------
    Wannier90Model
        Energies in eV, lengths in Angstrom, the Wannier centres of the checkpoint as
        orbital positions; ``spin_operator(k)`` gives ``S_a(k)`` (hbar, ``S = sigma/2``)
        when the spin was read (``model.params["spin"]``), else None.

    Raises
    ------
    InputFileError
        A missing, truncated or inconsistent file (num_bands or num_kpts of the ``.eig`` or
        ``.spn`` different from the checkpoint's).
    """
    seed = _seed(seedname)
    chk_path = Path(seed + ".chk")
    if not chk_path.exists():
        chk_path = Path(seed + ".chk.fmt")
        if not chk_path.exists():
            raise InputFileError(f"neither {seed}.chk nor {seed}.chk.fmt exists")
    chk = read_chk(chk_path)
    if not Path(seed + ".eig").exists():
        raise InputFileError(f"{seed}.eig does not exist (the DFT energies of the run)")
    energies = read_eig(seed + ".eig", chk.num_bands, chk.num_kpts)
    spn_path = Path(seed + ".spn")
    if spin is True and not spn_path.exists():
        raise InputFileError(f"spin=True needs {spn_path}, which does not exist")
    use_spin = spn_path.exists() if spin is None else bool(spin)
    spn = read_spn(spn_path, chk.num_bands, chk.num_kpts) if use_spin else None
    Hk, Sk = wannier_gauge(chk, energies, spn)
    R, ndeg, HR = run_real_space(chk, Hk)
    SR = run_real_space(chk, Sk, ws=(R, ndeg))[2] if use_spin else None
    data = HrData(R, ndeg, HR, np.zeros(HR.shape, int), str(chk_path), chk.header,
                  lattice=chk.lattice)
    use_mdrs = _use_ws_distance(Path(seed + ".win")) if mdrs is None else bool(mdrs)
    model = model_from_hr(data, lattice_vectors=chk.lattice, positions=chk.centres, dim=3,
                          herm_tol=1e-8, mp_grid=chk.mp_grid, mdrs=use_mdrs, ws_tol=ws_tol,
                          spin=SR, name=name or f"Wannier90 run {Path(seed).name}")
    model.params.update({"spin": use_spin, "num_bands": chk.num_bands,
                         "mp_grid": tuple(int(x) for x in chk.mp_grid)})
    return model
