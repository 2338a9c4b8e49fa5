"""WannierBerri's full Wannier interpolation on real and model ``_tb.dat`` files: the reference
numbers of tests/physics/test_wberri_full.py (stored in tests/physics/data/wberri_reference.json).

Run in the benchmark-only venv (``python3 -m venv /work/venvs/wberri &&
/work/venvs/wberri/bin/pip install wannierberri numba fortio``)::

    /work/venvs/wberri/bin/python benchmarks/wberri_full.py OUT.json [GaAs_tb.dat] [Fe_tb.dat]

Settings (like with like with lrtheory):

* files read by ``System_tb(berry=True)`` (its default ``convention_II_to_I``: the R = 0
  diagonal centres move into the Bloch phases = WannierBerri's ``use_wcc_phase``, the
  atomic-position gauge of lrtheory), no symmetrization, no MDRS unless stated, no adaptive
  refinement, ``Grid(NKdiv=1, NKFFT=N)``: the same unshifted N^3 grid ``k = j/N`` (reduced)
  as ``lrtheory.response.hall3d.hall_tensor(nk=N)``, ``tetra=False``, T = 0;
* ``AHC``: ``O_z = -(e^2/hbar) int [dk] Omega_z f`` in S/m; converted here to e^2/(hbar A)
  (lrtheory's unit for files in Angstrom) by dividing by ``e^2/hbar / 1 A``; same sign as
  lrtheory's ``operator='charge'`` (``sigma_xy = q int [dk] Omega f`` with ``q = -1``);
* ``berry_curvature`` (``evaluate_k``): the band-resolved ``Omega_a`` (A^2), ``Omega_z =
  Omega^{xy}`` of lrtheory; compared for bands separated from their neighbours by > 1e-3 eV;
* GaAs: Wannier90's position elements are not Hermitian (finite-difference formula); lrtheory
  keeps their Hermitian part, so WannierBerri is given the same (``set_R_mat(...,
  Hermitian=True)``); the raw (non-Hermitian) reading is recorded too
  (``berry_curvature_raw``) to quantify the difference;
* GaAs MDRS: ``System_R.do_ws_dist(mp_grid=(2, 2, 2))`` (the ``mp_grid`` line of GaAs.win),
  band energies at the same k.
"""
import json
import sys
import warnings

import numpy as np

warnings.simplefilter("ignore")
import wannierberri as wb  # noqa: E402
from wannierberri import calculators  # noqa: E402

E2_HBAR_PER_A = 1.602176634e-19 ** 2 / (6.62607015e-34 / (2 * np.pi)) / 1e-10  # S/m
#: uniform Fermi-energy grids (WannierBerri's Fermi-sea sums assume a uniform Efermi array)
EF_WEYL = np.linspace(-0.45, 0.55, 11)  # eV; no grid energy sits exactly on one of them
EF_FE = np.linspace(17.0255, 18.2255, 13)  # eV; 17.6255 = the DFT Fermi energy (nscf.out)
KRED = np.array([[0.11, 0.23, 0.37], [0.41, -0.17, 0.05], [-0.29, 0.33, 0.19],
                 [0.07, 0.02, -0.43], [0.25, 0.25, 0.13]])


def system(path, hermitian=True, internal_only=False):
    s = wb.system.System_tb(tb_file=str(path), berry=True, silent=True,
                            force_internal_terms_only=internal_only)
    if hermitian and not internal_only:
        s.set_R_mat("AA", s.get_R_mat("AA"), reset=True, Hermitian=True)
    return s


def curvature(s, kred=KRED):
    e, om = [], []
    for k in kred:
        r = wb.evaluate_k(s, k=k, quantities=["energy", "berry_curvature"],
                          return_single_as_dict=True)
        e.append(np.asarray(r["energy"]).tolist())
        om.append(np.asarray(r["berry_curvature"]).tolist())
    return {"k_reduced": kred.tolist(), "energy": e, "berry_curvature": om}


def ahc(s, N, efermi):
    import os
    import tempfile

    grid = wb.Grid(s, NKdiv=(1, 1, 1), NKFFT=(N, N, N), use_symmetry=False)
    calc = {"ahc": calculators.static.AHC(Efermi=np.asarray(efermi, float), tetra=False)}
    cwd = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)
        res = wb.run(s, grid=grid, calculators=calc, parallel=False, adpt_num_iter=0,
                     use_irred_kpt=False, print_progress_step_time=1e9)
        os.chdir(cwd)
    O = np.asarray(res.results["ahc"].data).reshape(len(efermi), 3)
    return {"N": N, "efermi": list(map(float, efermi)),
            "O_S_per_m": O.tolist(), "sigma_e2_per_hbar_A": (O / E2_HBAR_PER_A).tolist()}


def main(out, gaas=None, fe=None):
    import hashlib
    import platform

    sha = {p.split("/")[-1]: hashlib.sha256(open(p, "rb").read()).hexdigest()
           for p in ("tests/physics/data/weyl_positions_tb.dat", gaas, fe) if p}
    ref = {"wannierberri": wb.__version__, "numpy": np.__version__,
           "python": platform.python_version(), "sha256": sha,
           "note": "made by benchmarks/wberri_full.py; see its docstring for the settings"}
    model = "tests/physics/data/weyl_positions_tb.dat"
    s = system(model)
    ref["weyl_positions"] = {
        "file": model, **curvature(s),
        "ahc": ahc(s, 12, EF_WEYL),
        "ahc_internal_terms_only": ahc(system(model, internal_only=True), 12,
                                       EF_WEYL),
    }
    if gaas:
        s = system(gaas)
        ref["gaas"] = {"file": "GaAs_Wannier90/GaAs_tb.dat", **curvature(s)}
        ref["gaas"]["berry_curvature_raw"] = curvature(system(gaas, hermitian=False))[
            "berry_curvature"]
        s.do_ws_dist(mp_grid=(2, 2, 2))
        ref["gaas"]["mdrs_energy"] = curvature(s)["energy"]
    if fe:
        s = system(fe)
        ref["fe"] = {"file": "Fe_wb_tb.dat (benchmarks/make_fe_wb_tb.py)",
                     **curvature(s), "ahc": ahc(s, 16, EF_FE)}
    with open(out, "w") as fh:
        json.dump(ref, fh, indent=1)
    print("wrote", out)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__.split("\n\n")[1])
    main(*sys.argv[1:])
