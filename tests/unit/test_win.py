"""The .win reader (lrtheory/io/wannier90/win.py): the real GaAs.win, small files written
here, the orbital order of Wannier90 (checked against the spinor_projections block that
Wannier90 wrote to WannierBerri's Fe.nnkp), and one-line errors naming file:line."""
from pathlib import Path

import numpy as np
import pytest

from lrtheory.errors import InputFileError
from lrtheory.io.wannier90.win import BOHR_ANGSTROM, read_win

ROOT = Path(__file__).resolve().parents[2]
#: ../shared beside the checkout (a git worktree under wt/ looks one level further up)
GAAS_WIN = next((d / "shared" / "data" / "GaAs_Wannier90" / "GaAs.win"
                 for d in (ROOT.parent, ROOT.parent.parent)
                 if (d / "shared" / "data" / "GaAs_Wannier90" / "GaAs.win").exists()),
                ROOT.parent / "shared" / "data" / "GaAs_Wannier90" / "GaAs.win")


def _write(tmp_path, text, name="x.win"):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_gaas_win():
    if not GAAS_WIN.exists():
        pytest.skip(f"{GAAS_WIN} not present (a checkout without ../shared)")
    w = read_win(GAAS_WIN)
    a = 5.342256 * BOHR_ANGSTROM
    np.testing.assert_allclose(w.unit_cell_cart, [[-a, 0, a], [0, a, a], [-a, a, 0]], rtol=1e-12)
    assert w.unit_cell_units == "bohr"
    assert [s for s, _ in w.atoms] == ["Ga", "As"]
    np.testing.assert_allclose(w.atoms[1][1], 0.25 * w.unit_cell_cart.sum(0), atol=1e-12)
    assert w.fermi_energy == 7.9366 and w.spinors and w.num_wann == 16 and w.mp_grid == (2, 2, 2)
    orbs = w.orbitals()
    # projections "As:sp3" then "Ga:sp3": block order, spin innermost
    assert [(o.site, o.l, o.mr, o.spin) for o in orbs[:4]] == [
        ("As", -3, 1, 1), ("As", -3, 1, -1), ("As", -3, 2, 1), ("As", -3, 2, -1)]
    assert [o.site for o in orbs] == ["As"] * 8 + ["Ga"] * 8
    assert w.keywords["use_ws_distance"] == "true"


FE = """! bcc Fe as in WannierBerri's tests/data/Fe_Wannier90/Fe.win
num_wann     =   18
spinors = T
Begin Projections
Fe: sp3d2;dxy;dxz;dyz
End Projections
begin unit_cell_cart
bohr
 2.71175  2.71175 2.71175
-2.71175  2.71175 2.71175
-2.71175 -2.71175 2.71175
end unit_cell_cart
begin atoms_frac
Fe  0.000  0.000  0.000
end atoms_frac
mp_grid : 3 3 3
FERMI_ENERGY 17.6255   # eV
"""


def test_orbital_order_as_wannier90_wrote_it_for_fe(tmp_path):
    """Fe.nnkp (written by Wannier90 from the lines above) lists (l, mr, spin):
    (-5, 1..6) then (2, 2), (2, 3), (2, 5), each spin up then down: the written order
    'dxy;dxz;dyz' is sorted to mr = 2, 3, 5."""
    w = read_win(_write(tmp_path, FE))
    nnkp = [(-5, m) for m in range(1, 7)] + [(2, 2), (2, 3), (2, 5)]
    want = [(l, m, s) for l, m in nnkp for s in (1, -1)]
    assert [(o.l, o.mr, o.spin) for o in w.orbitals()] == want
    assert w.fermi_energy == 17.6255 and w.mp_grid == (3, 3, 3)


def test_cartesian_atoms_sites_and_l_mr_syntax(tmp_path):
    text = """num_wann = 5
begin unit_cell_cart
2 0 0
0 2 0
0 0 3
end unit_cell_cart
begin atoms_cart
bohr
C 0 0 0
C 1 1 1
end atoms_cart
begin projections
C : l=1, mr=3,2                     ! two orbitals per C
f=0.5,0.5,0.5:s:z=0,0,1:x=1,0,0
end projections
begin kpoint_path
G 0 0 0 X 0.5 0 0
end kpoint_path
"""
    w = read_win(_write(tmp_path, text))
    np.testing.assert_allclose(w.atoms[1][1], [BOHR_ANGSTROM] * 3, rtol=1e-14)
    np.testing.assert_allclose(w.atoms_frac[1], [BOHR_ANGSTROM / 2, BOHR_ANGSTROM / 2,
                                                 BOHR_ANGSTROM / 3], rtol=1e-14)
    orbs = w.orbitals()
    assert [(o.site_index, o.l, o.mr, o.spin) for o in orbs] == [
        (0, 1, 2, 0), (0, 1, 3, 0), (1, 1, 2, 0), (1, 1, 3, 0), (2, 0, 1, 0)]
    np.testing.assert_allclose(orbs[-1].position, [1.0, 1.0, 1.5])
    assert w.projections[1].default_axes
    assert w.kpoint_path[0][1][0] == "X"


def test_spin_selection(tmp_path):
    w = read_win(_write(tmp_path, FE.replace("num_wann     =   18", "num_wann = 6").replace(
        "Fe: sp3d2;dxy;dxz;dyz", "Fe: sp3d2(u)")))
    assert [o.spin for o in w.orbitals()] == [1] * 6


@pytest.mark.parametrize("text, line, words", [
    ("num_wann = x\n", 1, "num_wann"),
    ("num_wann = 2\nnum_wann = 3\n", 2, "twice"),
    ("begin unit_cell_cart\n1 0 0\n0 1 0\nend unit_cell_cart\n", 1, "3 lattice vectors"),
    ("begin unit_cell_cart\n1 0 0\n0 1 0\n1 1 0\nend unit_cell_cart\n", 1, "dependent"),
    ("begin projections\nC:sp3\n", 1, "without end"),
    ("end projections\n", 1, "without begin"),
    ("begin atoms_cart\nC 0 0 0\nend atoms_cart\nbegin projections\nC:sp4\nend projections\n",
     5, "unknown orbital"),
    ("begin atoms_cart\nC 0 0 0\nend atoms_cart\nbegin projections\nSi:s\nend projections\n",
     5, "no atom"),
    ("begin atoms_cart\nC 0 0 0\nend atoms_cart\nbegin projections\nC:l=1,mr=4\n"
     "end projections\n", 5, "mr = 4"),
    ("begin atoms_cart\nC 0 0 nan\nend atoms_cart\n", 2, "finite"),
    ("spinors = maybe\n", 1, "true or false"),
    ("mp_grid = 2 2\n", 1, "3 numbers"),
    ("begin kpoint_path\nG 0 0 0 X 0.5 0\nend kpoint_path\n", 2, "kpoint_path"),
    ("= 3\n", 1, "cannot read"),
    ("begin atoms_frac\nC 0 0 0\nend atoms_frac\n", 1, "needs unit_cell_cart"),
])
def test_bad_files_give_one_line_with_file_and_line(tmp_path, text, line, words):
    p = _write(tmp_path, text)
    with pytest.raises(InputFileError) as exc:
        read_win(p)
    msg = str(exc.value)
    assert msg.startswith(f"{p}:{line}: ") and words in msg and "\n" not in msg


def test_projection_count_must_match_num_wann(tmp_path):
    w = read_win(_write(tmp_path, FE.replace("18", "17")))
    with pytest.raises(InputFileError, match="18 Wannier functions, num_wann = 17"):
        w.orbitals()


def test_user_text_is_data(tmp_path):
    """Text that Python would evaluate is refused as a number, not run."""
    p = _write(tmp_path, "fermi_energy = __import__('os').getcwd()\n")
    with pytest.raises(InputFileError, match="expected numbers"):
        read_win(p)
