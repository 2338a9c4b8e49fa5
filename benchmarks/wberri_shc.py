"""WannierBerri's spin Hall conductivity of a ``_tb.dat`` file, for the cross-check in
tests/physics/test_wberri_shc.py (run inside a venv with ``wannierberri``).

Usage: ``wberri_shc.py TB_FILE NK EF_MIN EF_MAX N_EF``; prints JSON ``{"ef": [...],
"shc": [[[...]]]}`` with ``shc[i_EF, a, b]`` the spin-z Hall conductivity (current a, field
b) in (hbar/e) S/cm. WannierBerri: ``System_tb`` (the file's H and position elements),
``set_spin_interlaced`` (S = Pauli matrices on the pairs (0, 1), (2, 3), ...),
``calculators.static.SHC`` with ``spin_current_type = "simple"`` (current {S, v}/2, factor
``e^2/(2 hbar angstrom)`` in S/m: divided by 100 here), Fermi-sea sum on the ``NK^3`` grid
that contains Gamma, no symmetrization, no adaptive refinement, serial. Its degeneracy
threshold is 1e-4 eV. The Fermi energies must be evenly spaced: WannierBerri's Fermi-sea
accumulation indexes them as ``EF_MIN + i dE`` (a list like [6, 7, 7.9366, 9] returns the
value at 8 for the third entry)."""
import json
import sys
import tempfile
import warnings

import numpy as np

warnings.simplefilter("ignore")
import wannierberri as wberri  # noqa: E402

tb, nk = sys.argv[1], int(sys.argv[2])
ef = np.linspace(float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]))
system = wberri.system.System_tb(tb_file=tb, berry=True)
system.set_spin_interlaced()
grid = wberri.Grid(system, NK=(nk, nk, nk), NKFFT=(nk, nk, nk))
calc = {"shc": wberri.calculators.static.SHC(
    Efermi=ef, kwargs_formula={"spin_current_type": "simple"}, tetra=False)}
with tempfile.TemporaryDirectory() as tmp:
    res = wberri.run(system, grid=grid, calculators=calc, adpt_num_iter=0, parallel=False,
                     use_irred_kpt=False, symmetrize=False, fout_name=f"{tmp}/wb")
data = np.asarray(res.results["shc"].data)[..., 2] / 100  # spin z; S/m -> S/cm
print(json.dumps({"ef": ef.tolist(), "shc": data.tolist()}))
