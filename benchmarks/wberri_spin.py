"""WannierBerri's spin of a Wannier90 run (``.chk``, ``.eig``, ``.spn``), for the peer check in
tests/physics/test_w90_run_spin.py (run inside a venv with ``wannierberri``; the JSON it
writes is committed as tests/physics/data/wberri_spin_reference.json).

Usage: ``wberri_spin.py DATA OUT.json`` with DATA holding ``Fe_Wannier90/Fe.{chk,eig,spn}``
and ``GaAs_Wannier90/GaAs.{chk,eig,spn}`` (the layout of WannierBerri's tests/data, GPL-2.0;
not shipped with lrtheory).

Settings, matched on lrtheory's side: ``WannierData.from_w90_files(files=[chk, eig, spn])``,
``System_R.from_wannierdata(spin=True, symmetrize=False)`` (Wannier centres from the
checkpoint, MDRS on: ``use_ws_distance`` is Wannier90's default and GaAs.win sets it);
``AA`` set to zero (the tight-binding velocity ``dH/dk`` in WannierBerri's convention I =
lrtheory's atomic-position gauge, as lrtheory's model has no position matrix); T = 0,
``tetra=False``, the unshifted NK^3 grid containing Gamma, no symmetrization, no
refinement, serial. Outputs:

* ``k``: band energies (eV) and band-resolved ``<sigma_a>`` (``tabulate.Spin``; Pauli
  matrices, lrtheory's ``S = sigma/2``) at 5 fixed k (reduced);
* ``spin``: ``static.Spin``, ``sum_n f <sigma>`` per cell (Fermi sea) at evenly spaced E_F;
* ``shc``: ``static.SHC`` with ``spin_current_type = "simple"`` (current ``{S, v}/2``),
  spin z, in (hbar/e) S/cm (its S/m divided by 100), ``shc[i_EF, a, b]`` (current a,
  field b).
"""
import hashlib
import json
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

warnings.simplefilter("ignore")
import wannierberri as wberri  # noqa: E402

K = [[0.11, 0.23, 0.37], [0.41, -0.17, 0.05], [0.29, 0.31, -0.43], [0.07, 0.47, 0.19],
     [-0.33, 0.13, 0.27]]
CASES = {"Fe": dict(nk=6, ef=np.linspace(16.6255, 18.6255, 5)),
         "GaAs": dict(nk=6, ef=np.linspace(6.0, 9.0, 4))}


def case(data: Path, name: str, nk: int, ef):
    seed = str(data / f"{name}_Wannier90" / name)
    wd = wberri.w90files.WannierData.from_w90_files(seed, files=["chk", "eig", "spn"],
                                                    readnnkp=False)
    system = wberri.system.System_R.from_wannierdata(wd, spin=True, berry=False,
                                                     symmetrize=False)
    nw = system.num_wann
    system.set_R_mat("AA", np.zeros((system.rvec.nRvec, nw, nw, 3), complex))
    ek, sk = [], []
    for k in K:
        r = wberri.evaluate_k(system, k=k, quantities=["energy", "spin"],
                              return_single_as_dict=True)
        ek.append(np.asarray(r["energy"]).tolist())
        sk.append(np.asarray(r["spin"]).tolist())
    grid = wberri.Grid(system, NK=(nk, nk, nk), NKFFT=(nk, nk, nk))
    calc = {"spin": wberri.calculators.static.Spin(Efermi=ef, tetra=False),
            "shc": wberri.calculators.static.SHC(
                Efermi=ef, kwargs_formula={"spin_current_type": "simple"}, tetra=False)}
    with tempfile.TemporaryDirectory() as tmp:
        res = wberri.run(system, grid=grid, calculators=calc, adpt_num_iter=0,
                         parallel=False, use_irred_kpt=False, symmetrize=False,
                         fout_name=f"{tmp}/wb")
    return {"k_reduced": K, "energies": ek, "spin_sigma": sk, "nk": nk, "ef": list(ef),
            "spin_per_cell_sigma": np.asarray(res.results["spin"].data).tolist(),
            "shc_hbar_e_S_cm": (np.asarray(res.results["shc"].data)[..., 2] / 100).tolist()}


def main(data, out):
    data = Path(data)
    ref = {"wannierberri": wberri.__version__, "numpy": np.__version__,
           "python": sys.version.split()[0],
           "note": "made by benchmarks/wberri_spin.py; see its docstring for the settings",
           "sha256": {}}
    for name, kw in CASES.items():
        for ext in ("chk", "eig", "spn"):
            f = data / f"{name}_Wannier90" / f"{name}.{ext}"
            ref["sha256"][f.name] = hashlib.sha256(f.read_bytes()).hexdigest()
        ref[name] = case(data, name, **kw)
    Path(out).write_text(json.dumps(ref, indent=1) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__.split("\n\n")[1])
    main(sys.argv[1], sys.argv[2])
