"""All input forms give the same ribbon accumulation on the Haldane model (issue #6).

Reference: the built-in hopping list of Eq. 53 (lrtheory.models.haldane) cut into a zigzag
ribbon of W = 6 cells. Compared forms: the matrix of Eq. S42 typed in SymPy (Python) and in a
TOML file (examples/haldane_sympy.toml), both converted with to_tight_binding; the hopping
list in TOML (examples/haldane.toml); a PythTB model (skipped without PythTB). All describe
the same real-space Hamiltonian with the same positions, so every ribbon quantity must agree
to rounding: bands, transverse positions and all profiles (charge, jx, jy, omm; intraband and
interband) to 1e-10 relative. A profile is compared on the scale of the largest profile of
the same part, so that those that vanish by symmetry (interband OMM, M_x Theta:
docs/haldane.md) are compared too.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from lrtheory.models.haldane import DELTAS, LATTICE, haldane
from lrtheory.io.model_files import load_model_file
from lrtheory.models.sympy_model import SympyBlochModel
from lrtheory.response.density import ribbon_accumulation
from tests.unit.test_fourier import haldane_matrix

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
WIDTH, NK = 6, 64
RTOL = 1e-10  # rounding: the recovered amplitudes differ from Eq. 53 by ~1e-15


def sympy_form(p):
    return SympyBlochModel(haldane_matrix(), p, lattice_vectors=LATTICE,
                           positions=[[0, 0], DELTAS[0]]).to_tight_binding()


def toml_matrix_form(p):
    return load_model_file(EXAMPLES / "haldane_sympy.toml", p).to_tight_binding()


def toml_hoppings_form(p):
    return load_model_file(EXAMPLES / "haldane.toml", p)


def pythtb_form(p):
    pythtb = pytest.importorskip("pythtb")
    from lrtheory.io.pythtb import from_pythtb

    orb_red = np.array([[0.0, 0.0], DELTAS[0]]) @ np.linalg.inv(LATTICE)
    if hasattr(pythtb, "tb_model") and not hasattr(pythtb, "Lattice"):
        tb = pythtb.tb_model(2, 2, LATTICE, orb_red)
    else:  # PythTB 2.x
        tb = pythtb.TBModel(pythtb.Lattice(lat_vecs=LATTICE, orb_vecs=orb_red,
                                           periodic_dirs=[0, 1]))
    tb.set_onsite([p["delta"], -p["delta"]])
    for R in [(0, 0), (-1, 0), (0, -1)]:
        tb.set_hop(-p["t0"], 0, 1, list(R))
    for R in [(1, 0), (-1, 1), (0, -1)]:
        tb.set_hop(p["t2"] * np.exp(1j * p["phi"]), 0, 0, list(R))
        tb.set_hop(p["t2"] * np.exp(-1j * p["phi"]), 1, 1, list(R))
    return from_pythtb(tb)


FORMS = {"sympy": sympy_form, "toml-matrix": toml_matrix_form,
         "toml-hoppings": toml_hoppings_form, "pythtb": pythtb_form}
CASES = {  # Fig. 2 bottom right (TR broken, E_F in the band); a generic topological point
    "fig2-t2": (dict(t0=1.0, t2=0.06, phi=np.pi / 2, delta=0.5), 1.5),
    "generic": (dict(t0=1.0, t2=0.1, phi=0.7, delta=0.2), 0.3),
}
_REF: dict = {}


def reference(case):
    if case not in _REF:
        p, ef = CASES[case]
        rib = haldane(**p).ribbon(WIDTH)
        _REF[case] = rib, ribbon_accumulation(rib, ef, nk=NK, convergence=False)
    return _REF[case]


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("form", sorted(FORMS))
def test_same_ribbon_and_accumulation_as_builtin(form, case, rng):
    p, ef = CASES[case]
    ref_rib, ref = reference(case)
    rib = FORMS[form](p).ribbon(WIDTH)
    np.testing.assert_allclose(rib.transverse_positions(), ref_rib.transverse_positions(),
                               rtol=0, atol=1e-12)
    k = rng.uniform(-np.pi, np.pi, size=(16, 1))
    np.testing.assert_allclose(np.linalg.eigvalsh(rib.hamiltonian(k)),
                               np.linalg.eigvalsh(ref_rib.hamiltonian(k)), rtol=RTOL,
                               atol=1e-12)
    acc = ribbon_accumulation(rib, ef, nk=NK, convergence=False)
    assert sorted(acc.profiles) == sorted(ref.profiles)
    expected_keys = {f"{part}_{q}" for part in ("intraband", "interband")
                     for q in ("charge", "jx", "jy", "omm")}
    assert expected_keys <= set(ref.profiles)
    for key in sorted(expected_keys):
        part = key.split("_")[0]
        scale = max(np.abs(v).max() for kk, v in ref.profiles.items() if kk.startswith(part))
        assert scale > 1e-6  # the comparison is not between zeros
        np.testing.assert_allclose(acc.profiles[key], ref.profiles[key], rtol=0,
                                   atol=RTOL * scale, err_msg=f"{form}: {key}")
