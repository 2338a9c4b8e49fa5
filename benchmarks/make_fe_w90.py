"""The bcc Fe Wannier90 model of the scale-out benchmark (``run.py --only scale``).

Source: WannierBerri's test data (repository wannier-berri/wannier-berri, GPL-2.0),
``tests/data/Fe_Wannier90``: ``Fe.chk`` (Wannier90 checkpoint: U_opt(k), U(k), Wannier
centres, on the 3x3x3 mp grid) and ``Fe.eig`` (20 bands after ``exclude_bands = 1-8``). Not
shipped with lrtheory; copy the two files to SRC and run

    python benchmarks/make_fe_w90.py SRC OUT      # writes OUT/Fe_hr.dat, Fe_centres.xyz, Fe_tb.dat

H(k) = V^+ diag(E) V with V = U_opt U (as WannierBerri's ``CheckPoint.get_HH_q``),
H(R) = (1/N_k) sum_k exp(-2 pi i k.R) H(k) on the Wigner-Seitz points of the mp supercell
(degeneracies as Wannier90's ``wigner_seitz``; 27 points, all of degeneracy 1, for 3x3x3),
no MDRS: lrtheory's own reader (:mod:`lrtheory.io.wannier90.run`, which
``load_wannier90_run`` uses, with MDRS and the spin from ``Fe.spn``).
Check printed at the end: H(k) of the written model reproduces the DFT bands inside the
frozen window (E < 30 eV) at the 27 k-points, to the 1e-6 eV rounding of ``_hr.dat``.
18 Wannier functions (spinor sp3d2 + t2g), energies in eV, lengths in angstrom, Fermi energy
17.6255 eV (``nscf.out``). ``Fe_tb.dat`` is lrtheory's writer applied to the ``_hr.dat`` +
centres (lattice included), which is what the benchmark loads.
"""
import sys
from pathlib import Path

import numpy as np

from lrtheory.io.wannier90.run import mesh_kpoints, run_real_space, wannier_gauge
from lrtheory.io.wannier90.run_files import read_chk, read_eig


def main(src, out):
    src, out = Path(src), Path(out)
    out.mkdir(parents=True, exist_ok=True)
    chk = read_chk(src / "Fe.chk")  # lrtheory's reader (lrtheory.io.wannier90.run_files)
    lat, centres, nk = chk.lattice, chk.centres, chk.num_kpts
    E = read_eig(src / "Fe.eig", chk.num_bands, nk)
    Rs, nd, HR = run_real_space(chk, wannier_gauge(chk, E)[0])
    kred = mesh_kpoints(chk)
    nw = chk.num_wann
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
