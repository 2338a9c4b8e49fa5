"""bcc Fe (WannierBerri's test data, 18 spinor Wannier functions sp3d2 + t2g on a 3x3x3 mp
grid): anomalous, spin and orbital Hall conductivities in physical units, and the inversion
check of the interpolated bands (docs/materials.md, section 5).

    python benchmarks/make_fe_w90.py SRC OUT            # SRC: Fe.chk, Fe.eig (WannierBerri tests)
    cp SRC/Fe.win OUT/
    python examples/materials_fe.py OUT 32 48           # grids nk^3; k_B T = 25.3 meV
"""
import sys
import time
from pathlib import Path

import numpy as np

from lrtheory.io.wannier90 import load_wannier90
from lrtheory.io.wannier90.win import read_win
from lrtheory.models.lattice import reciprocal_vectors
from lrtheory.models.orbitals import angular_momentum, centre_direction_check
from lrtheory.response.hall3d import hall_tensor
from lrtheory.units import hall_to_physical

EF = 17.6255  # eV, nscf.out of the test data
T = 0.0253    # eV (293 K): smooths the Fermi-surface noise of the grid sums

out = Path(sys.argv[1])
m = load_wannier90(out / "Fe_hr.dat")
win = read_win(out / "Fe.win")
orbs = win.orbitals()
cos = centre_direction_check(orbs, m.positions)
print(f"centre check (cos of lobe vs centre, sp3d2 functions): {np.round(cos[:12], 2)}")
B = reciprocal_vectors(m.lattice_vectors)
k = np.random.default_rng(0).uniform(-0.5, 0.5, (300, 3)) @ B
e, e_minus = np.linalg.eigvalsh(m.hamiltonian(k)), np.linalg.eigvalsh(m.hamiltonian(-k))
near = np.abs(e - EF) < 2
print(f"inversion: |E(k) - E(-k)| median {np.median(np.abs(e - e_minus)):.3f} eV, max within "
      f"2 eV of E_F {np.abs(e - e_minus)[near].max():.3f} eV (0 for a symmetric model)")
Lz = angular_momentum(orbs)[2]
for nk in [int(x) for x in sys.argv[2:]]:
    t0 = time.time()
    a = hall_to_physical(hall_tensor(m, [EF], nk=nk, operator="charge", temperature=T).sigma, 3)
    o = hall_to_physical(hall_tensor(m, [EF], nk=nk, operator=Lz, temperature=T).sigma, 3)
    print(f"nk = {nk} ({time.time() - t0:.0f} s): AHC sigma_xy = {a[0, 0, 1]:.0f} S/cm; "
          f"OHC(L_z) xy = {o[0, 0, 1]:.0f}, yx = {o[0, 1, 0]:.0f}, zx = {o[0, 2, 0]:.0f} "
          "(hbar/e) S/cm")
