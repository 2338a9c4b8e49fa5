r"""A real material from Wannier90: GaAs bands and its Hall sum

GaAs from a Wannier90 calculation with spin-orbit coupling (16 spinor Wannier functions,
`sp3` on Ga and As; the `GaAs_tb.dat` of the project's shared data,
`../shared/data/GaAs_Wannier90/`, which a user's checkout does not have: **then this example
only prints a note and stops**). `load_wannier90` reads the `_tb.dat` file (hoppings and
Wannier centres, energies in eV, lengths in Angstrom) into a `TightBindingModel` in the
atomic-position convention.

Checks: at Gamma the bands come in Kramers pairs and the top of the valence band is
four-fold (heavy and light holes) with the split-off pair $\Delta_{SO}$ below it (GaAs:
0.34 eV measured); and the anomalous Hall conductivity (the Fermi-sea Berry-curvature sum
of Eq. S23 with $O = 1$), which time reversal forces to zero at every $E_F$, is below
$10^{-3}\,e/(ha)$ ($a$ the cubic lattice constant; the number current $\mathbf j = \mathbf v$, so one `e`
less than the electrical conductivity): what is left is the k-grid error and the
time-reversal breaking of the file at its printed precision (its Kramers pairs are split by
up to `1e-7 eV`). The Hall sum uses a coarse $8\times8\times8$ grid (a few seconds); the
printed change when the grid is halved is the error estimate.
"""
import os
import tarfile
import tempfile
from pathlib import Path

import numpy as np

from lrtheory.bands.eigensystem import Eigensystem
from lrtheory.conventions import E2_OVER_H
from lrtheory.io.wannier90 import load_wannier90
from lrtheory.models.lattice import k_path
from lrtheory.plots.bands import plot_bands
from lrtheory.response.hall3d import hall_tensor

OUT = Path(os.environ.get("LRTHEORY_GALLERY_OUT", "."))
# ../shared next to the checkout; LRTHEORY_GAAS_DIR points elsewhere
DATA = Path(os.environ.get("LRTHEORY_GAAS_DIR") or Path(__file__).resolve().parents[2].parent
            / "shared" / "data" / "GaAs_Wannier90")
ARCHIVE = DATA / "GaAs_tb.dat.tar.gz"

if not ARCHIVE.exists():
    print(f"note: {ARCHIVE} is not here (the project's shared data, absent from a user's "
          "checkout); nothing to do. Any seedname_tb.dat or _hr.dat of yours works the "
          "same way: load_wannier90('seedname_tb.dat').")
    raise SystemExit(0)

with tempfile.TemporaryDirectory() as tmp:
    with tarfile.open(ARCHIVE) as tf:
        tf.extract("GaAs_tb.dat", tmp, filter="data")
    model = load_wannier90(Path(tmp) / "GaAs_tb.dat")
print(f"{model.name}: {model.n_orbitals} Wannier functions, {len(model.hoppings)} hoppings")

EF = 7.9366  # eV, the Fermi energy of GaAs.win (in the gap)
e_gamma = Eigensystem.compute(model, np.zeros((1, 3))).energies[0]
valence = e_gamma[e_gamma < EF]
print("energies at Gamma (eV):", np.round(e_gamma, 4))
top, split_off = valence[-4:], valence[-6:-4]
print(f"valence top (4-fold) {top.mean():.4f} eV, spread {np.ptp(top):.1e}; split-off "
      f"Delta_SO = {top.mean() - split_off.mean():.3f} eV; gap at Gamma "
      f"{e_gamma[e_gamma > EF].min() - top.max():.3f} eV")
pairs = np.abs(e_gamma[0::2] - e_gamma[1::2])
if not (pairs.max() < 1e-4 and np.ptp(top) < 1e-4):
    raise SystemExit("Kramers pairs or the four-fold valence top are split")
if not 0.25 < top.mean() - split_off.mean() < 0.45:
    raise SystemExit("spin-orbit splitting out of range")

# bands along L-Gamma-X (reduced coordinates of this fcc basis: L = [0,1/2,0], X = [1/2,1/2,0])
k, kdist, ticks, _ = k_path(model, "[0,1/2,0]-[0,0,0]-[1/2,1/2,0]", 240)
bands = np.linalg.eigvalsh(model.hamiltonian(k))
plot_bands(OUT / "gaas_bands.png", kdist, bands, ticks=ticks, labels=["L", "Γ", "X"],
           title="GaAs (Wannier90, SOC)", fermi=EF)

# anomalous Hall conductivity sigma_xy(E_F), number current O = 1: zero by time reversal
ef = np.array([6.0, 7.0, 7.5, EF, 9.0])
hall = hall_tensor(model, ef, nk=8, degen_tol=1e-3)
sxy, err = hall.sigma[:, 0, 1], np.abs(hall.change_on_doubling[:, 0, 1])
# scale: the quantum of the number-current Hall sum per cubic lattice constant, (e/h)/a
# (hbar = e = 1: 1/(2 pi a); a = sqrt2 |a_1|)
scale = E2_OVER_H / (np.sqrt(2) * np.linalg.norm(model.lattice_vectors[0]))
for e, s, d in zip(ef, sxy, err):
    print(f"E_F = {e:6.3f} eV: sigma_xy = {s:+.1e} {hall.units['sigma']} = {s / scale:+.1e} "
          f"e/(h a); change when nk is halved {d:.1e}")
# zero up to the grid error and the TR breaking of the file at its printed precision:
# below 1e-3 of the quantum scale
if not np.all(np.abs(sxy) < 1e-3 * scale):
    raise SystemExit("the anomalous Hall sum of a TR-invariant crystal should vanish")
