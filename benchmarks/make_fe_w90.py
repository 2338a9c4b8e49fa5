"""The bcc Fe Wannier90 model of the scale-out benchmark (``run.py --only scale``).

Source: WannierBerri's test data (repository wannier-berri/wannier-berri, GPL-2.0),
``tests/data/Fe_Wannier90``: ``Fe.chk`` (Wannier90 checkpoint: U_opt(k), U(k), Wannier
centres, on the 3x3x3 mp grid) and ``Fe.eig`` (20 bands after ``exclude_bands = 1-8``). Not
shipped with lrtheory; copy the two files to SRC and run

    python benchmarks/make_fe_w90.py SRC OUT      # writes OUT/Fe_hr.dat, Fe_centres.xyz, Fe_tb.dat

H(k) = V^+ diag(E) V with V = U_opt U (as WannierBerri's ``CheckPoint.get_HH_q``),
H(R) = (1/N_k) sum_k exp(-2 pi i k.R) H(k) on the Wigner-Seitz points of the mp supercell
(degeneracies as Wannier90's ``wigner_seitz``; 27 points, all of degeneracy 1, for 3x3x3).
Check printed at the end: H(k) of the written model reproduces the DFT bands inside the
frozen window (E < 30 eV) at the 27 k-points, to the 1e-6 eV rounding of ``_hr.dat``.
18 Wannier functions (spinor sp3d2 + t2g), energies in eV, lengths in angstrom, Fermi energy
17.6255 eV (``nscf.out``). ``Fe_tb.dat`` is lrtheory's writer applied to the ``_hr.dat`` +
centres (lattice included), which is what the benchmark loads.
"""
import itertools
import sys
from pathlib import Path

import numpy as np
from scipy.io import FortranFile


def read_chk(path):
    f = FortranFile(str(path), "r")
    f.read_record(np.uint8)  # header
    nb = int(f.read_ints("i4")[0])
    f.read_ints("i4")  # num_exclude_bands
    f.read_ints("i4")  # exclude_bands
    lat = f.read_reals("f8").reshape(3, 3, order="F")
    f.read_reals("f8")  # reciprocal lattice
    nk = int(f.read_ints("i4")[0])
    mp = f.read_ints("i4")
    kred = f.read_reals("f8").reshape(nk, 3)
    f.read_ints("i4")  # nntot
    nw = int(f.read_ints("i4")[0])
    f.read_record(np.uint8)  # checkpoint string
    if not f.read_ints("i4")[0]:
        raise SystemExit("expected a disentangled checkpoint")
    f.read_reals("f8")  # omega_invariant
    lwin = f.read_ints("i4").reshape(nk, nb).astype(bool)
    ndimwin = f.read_ints("i4")
    a = f.read_reals("f8")
    uopt = (a[::2] + 1j * a[1::2]).reshape(nk, nw, nb).swapaxes(1, 2)
    a = f.read_reals("f8")
    u = (a[::2] + 1j * a[1::2]).reshape(nk, nw, nw).swapaxes(1, 2)
    f.read_record(np.uint8)  # m_matrix
    centres = f.read_reals("f8").reshape(nw, 3)
    V = np.zeros((nk, nb, nw), complex)
    for ik in range(nk):
        V[ik, lwin[ik]] = uopt[ik][:ndimwin[ik]] @ u[ik]
    return lat, mp, kred, V, centres


def wigner_seitz(lat, mp):
    metric = lat @ lat.T
    sup = np.array(list(itertools.product(range(-2, 3), repeat=3))) * mp
    R_out, nd = [], []
    for R in itertools.product(*[range(-2 * m, 2 * m + 1) for m in mp]):
        d = np.array(R)[None, :] - sup
        dist = np.einsum("ia,ab,ib->i", d, metric, d)
        if abs(dist[len(sup) // 2] - dist.min()) < 1e-5:
            R_out.append(R)
            nd.append(int(np.sum(np.abs(dist - dist.min()) < 1e-5)))
    return np.array(R_out), np.array(nd)


def main(src, out):
    src, out = Path(src), Path(out)
    out.mkdir(parents=True, exist_ok=True)
    lat, mp, kred, V, centres = read_chk(src / "Fe.chk")
    nk, nb, nw = V.shape
    E = np.loadtxt(src / "Fe.eig")[:, 2].reshape(nk, nb)
    Hk = np.einsum("kbi,kb,kbj->kij", V.conj(), E, V)
    Hk = 0.5 * (Hk + Hk.conj().transpose(0, 2, 1))
    Rs, nd = wigner_seitz(lat, mp)
    assert abs(np.sum(1.0 / nd) - nk) < 1e-8
    HR = np.einsum("kr,kij->rij", np.exp(-2j * np.pi * kred @ Rs.T), Hk) / nk
    with open(out / "Fe_hr.dat", "w") as fh:
        fh.write("bcc Fe from WannierBerri tests/data/Fe_Wannier90 (Fe.chk + Fe.eig)\n")
        fh.write(f"{nw:12d}\n{len(Rs):12d}\n")
        for i in range(0, len(nd), 15):
            fh.write("".join(f"{x:5d}" for x in nd[i:i + 15]) + "\n")
        for r, R in enumerate(Rs):
            for n in range(nw):
                for m in range(nw):
                    h = HR[r, m, n]
                    fh.write(f"{R[0]:5d}{R[1]:5d}{R[2]:5d}{m + 1:5d}{n + 1:5d}"
                             f"{h.real:12.6f}{h.imag:12.6f}\n")
    with open(out / "Fe_centres.xyz", "w") as fh:
        fh.write(f"{nw + 1}\n Wannier centres (angstrom), from Fe.chk\n")
        for x in centres:
            fh.write(f"X {x[0]:17.8f}{x[1]:17.8f}{x[2]:17.8f}\n")
        fh.write(f"Fe {0:17.8f}{0:17.8f}{0:17.8f}\n")
    from lrtheory.io.wannier90 import load_wannier90, write_tb_dat

    model = load_wannier90(out / "Fe", lattice_vectors=lat)
    write_tb_dat(model, out / "Fe_tb.dat")
    model = load_wannier90(out / "Fe_tb.dat")
    e = np.linalg.eigvalsh(model.hamiltonian(kred @ model.reciprocal_vectors))
    dev = max(np.abs(e[i][: np.sum(E[i] < 30)] - E[i][E[i] < 30]).max() for i in range(nk))
    print(f"{out / 'Fe_tb.dat'}: {nw} orbitals, {len(Rs)} R vectors; "
          f"max |E_model - E_DFT| in the frozen window: {dev:.1e} eV")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__.split("\n\n")[1])
    main(sys.argv[1], sys.argv[2])
