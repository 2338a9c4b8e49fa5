"""Figures of docs/materials.md: GaAs (Wannier90 test data of WannierBerri, in
../shared/data) bands against the DFT eigenvalues at the Wannier k-points, the anomalous Hall
conductivity of a Chern-layer stack in S/cm, and the GaAs orbital Hall conductivity with the
atomic L_z and with -m_z/mu_B versus the k grid.

    python examples/materials_figures.py /path/to/GaAs_Wannier90   # writes docs/img/materials_*.png
"""
import sys
import tarfile
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from lrtheory.io.wannier90 import load_wannier90, write_tb_dat  # noqa: E402
from lrtheory.io.wannier90.win import read_win  # noqa: E402
from lrtheory.models.haldane import layered_haldane  # noqa: E402
from lrtheory.models.lattice import k_path, reciprocal_vectors  # noqa: E402
from lrtheory.models.orbitals import angular_momentum  # noqa: E402
from lrtheory.response.hall3d import hall_tensor  # noqa: E402
from lrtheory.units import hall_to_physical, moment_unit_in_bohr_magneton  # noqa: E402

IMG = Path(__file__).resolve().parents[1] / "docs" / "img"


def gaas(src: Path, tmp: Path):
    with tarfile.open(src / "GaAs_tb.dat.tar.gz") as tf:
        tf.extract("GaAs_tb.dat", tmp, filter="data")
    m = load_wannier90(tmp / "GaAs_tb.dat")
    win = read_win(src / "GaAs.win")
    # DFT eigenvalues at the mp_grid k-points (GaAs.eig: band, k, E)
    eig = np.loadtxt(src / "GaAs.eig")
    nb, nkp = int(eig[:, 0].max()), int(eig[:, 1].max())
    e_dft = eig[:, 2].reshape(nkp, nb)
    kred = np.array([[a, b, c] for a in (0, .5) for b in (0, .5) for c in (0, .5)])  # .win order
    kc = kred @ reciprocal_vectors(m.lattice_vectors)
    e_w = np.linalg.eigvalsh(m.hamiltonian(kc))
    print(f"GaAs: max |E_W90 - E_DFT| at the {nkp} Wannier k-points = "
          f"{np.abs(e_w - e_dft).max():.2e} eV")
    k, kd, ticks, labels = k_path(m, None, 300)
    e = np.linalg.eigvalsh(m.hamiltonian(k))
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(kd, e, "k-", lw=1)
    for t, lab in zip(ticks, labels):
        ax.axvline(t, color="0.8", lw=0.5)
    # DFT points that lie on the path (Gamma, X, L)
    b = reciprocal_vectors(m.lattice_vectors)
    for i, kr in enumerate(kred):
        for t, lab in zip(ticks, labels):
            kk = k[np.argmin(np.abs(kd - t))]
            dk = np.linalg.solve(b.T, kk - kr @ b)
            if np.allclose(dk, np.round(dk), atol=1e-6):
                ax.plot([t] * nb, e_dft[i], "ro", ms=3)
    ax.axhline(win.fermi_energy, color="b", ls="--", lw=0.8)
    ax.set_xticks(ticks, [r"$\Gamma$" if x == "G" else x for x in labels])
    ax.set_ylabel("energy (eV)")
    ax.set_title("GaAs, Wannier90 on a 2x2x2 grid: bands; DFT (red)")
    fig.tight_layout()
    fig.savefig(IMG / "materials_gaas_bands.png", dpi=110)
    # orbital Hall with L_z and with -m_z/mu_B versus nk
    Lz = angular_momentum(win.orbitals())[2]
    nks = [6, 8, 10, 12, 14, 16]
    ef = [win.fermi_energy]
    sL, sM = [], []
    for nk in nks:
        sL.append(hall_to_physical(hall_tensor(m, ef, nk=nk, operator=Lz, degen_tol=1e-4).sigma,
                                   3)[0, 0, 1])
        sM.append(-moment_unit_in_bohr_magneton() * hall_to_physical(
            hall_tensor(m, ef, nk=nk, operator="orbital", degen_tol=1e-4).sigma, 3)[0, 0, 1])
        print(f"nk = {nk}: sigma^Lz_xy = {sL[-1]:.4g}, sigma^(-mz/muB)_xy = {sM[-1]:.4g} "
              "(hbar/e) S/cm")
    fig, ax = plt.subplots(figsize=(6, 3.6))
    ax.plot(nks, sL, "o-", label=r"atomic $L_z$")
    ax.plot(nks, np.array(sM) / 100, "s-", label=r"$-m_z/\mu_B$ (divided by 100)")
    ax.set_xlabel("nk (grid nk^3)")
    ax.set_ylabel(r"$\sigma^{z}_{xy}$ ($\hbar/e$ S/cm)")
    ax.set_title(f"GaAs orbital Hall at E_F = {win.fermi_energy} eV (not converged)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(IMG / "materials_gaas_ohc.png", dpi=110)


def stack_ahc(tmp: Path):
    c = 1.5
    write_tb_dat(layered_haldane(tz=0.05, c=c, weyl=False, t2=0.1, phi=np.pi / 2, delta=0.2),
                 tmp / "stack_tb.dat")
    m = load_wannier90(tmp / "stack_tb.dat")
    ef = np.linspace(-3.5, 3.5, 141)
    s = hall_to_physical(hall_tensor(m, ef, nk=(60, 60, 2), operator="charge").sigma, 3)
    fig, ax = plt.subplots(figsize=(6, 3.6))
    ax.plot(ef, s[:, 0, 1], "k-")
    q = 3.874045e-5 / (c * 1e-8)
    for v in (q, -q):
        ax.axhline(v, color="r", ls=":", lw=0.8)
    ax.set_xlabel("E_F (eV)")
    ax.set_ylabel(r"$\sigma_{xy}$ (S/cm)")
    ax.set_title(r"Chern-layer stack, c = 1.5 $\AA$: plateau $(e^2/h)/c$ = 2583 S/cm (red)")
    fig.tight_layout()
    fig.savefig(IMG / "materials_stack_ahc.png", dpi=110)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        stack_ahc(Path(tmp))
        if len(sys.argv) > 1:
            gaas(Path(sys.argv[1]), Path(tmp))
