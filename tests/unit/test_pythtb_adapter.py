"""PythTB adapter: a Haldane model built in PythTB converts to the same Bloch model as the
built-in one (real-space hopping lists are convention free), and lrtheory's H(k_cart) equals
PythTB's own H(k_red) with k_cart = k_red @ b (both keep positions in the phase).

Runs with PythTB 1.8 (``pythtb.tb_model``, Python 3.11) and PythTB 2.x (``pythtb.TBModel``
+ ``pythtb.Lattice``, Python >= 3.12; CI has 3.11 only, so run ``benchmarks/check_pythtb2.sh``
for 2.x). Where the two APIs differ the tests pick the call by version (``PYTHTB2``).
Skipped when PythTB is not installed (optional dependency: pip install pythtb).
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest

from lrtheory.errors import ModelError
from lrtheory.models.haldane import DELTAS, LATTICE, haldane, layered_haldane
from lrtheory.io.pythtb import from_pythtb, pythtb_hamiltonian
from tests.tolerances import TOL

pythtb = pytest.importorskip("pythtb")
PYTHTB2 = hasattr(pythtb, "TBModel")        # 1.8 has only tb_model; 2.x keeps it as an alias
ORB_RED = np.array([[0.0, 0.0], DELTAS[0]]) @ np.linalg.inv(LATTICE)


def _new_model(nspin=1, legacy=False):
    if legacy or not PYTHTB2:
        with warnings.catch_warnings():     # 2.x: tb_model is a deprecated alias of TBModel
            warnings.simplefilter("ignore", DeprecationWarning)
            return pythtb.tb_model(2, 2, LATTICE, ORB_RED, nspin=nspin)
    lat = pythtb.Lattice(lat_vecs=LATTICE, orb_vecs=ORB_RED, periodic_dirs=[0, 1])
    return pythtb.TBModel(lat, spinful=nspin == 2)


def pythtb_haldane(t0=1.0, t2=0.06, phi=np.pi / 2, delta=0.5, nspin=1, legacy=False):
    tb = _new_model(nspin, legacy)
    tb.set_onsite([delta, -delta])
    for R in [(0, 0), (-1, 0), (0, -1)]:
        tb.set_hop(-t0, 0, 1, list(R))
    for R in [(1, 0), (-1, 1), (0, -1)]:
        tb.set_hop(t2 * np.exp(1j * phi), 0, 0, list(R))
        tb.set_hop(t2 * np.exp(-1j * phi), 1, 1, list(R))
    return tb


def _cut_piece(tb, num, fin_dir):
    # the edge-gluing keyword is glue_edgs in 1.8 and glue_edges in 2.x: pass it by position
    return tb.cut_piece(num, fin_dir, False)


@pytest.mark.parametrize("p", [dict(t0=1.0, t2=0.06, phi=np.pi / 2, delta=0.5),
                               dict(t0=0.9, t2=0.15, phi=0.7, delta=0.0)])
def test_pythtb_haldane_matches_builtin(p, rng):
    tb = pythtb_haldane(**p)
    model = from_pythtb(tb)
    ref = haldane(**p)
    k = rng.uniform(-2 * np.pi, 2 * np.pi, size=(64, 2))
    np.testing.assert_allclose(model.hamiltonian(k), ref.hamiltonian(k), **TOL)
    np.testing.assert_allclose(model.velocity(k), ref.velocity(k), **TOL)
    np.testing.assert_allclose(np.linalg.eigvalsh(model.hamiltonian(k)),
                               np.linalg.eigvalsh(ref.hamiltonian(k)), **TOL)
    # PythTB's own Hamiltonian at reduced k equals ours at k_cart = k_red @ b
    k_red = rng.uniform(-1, 1, size=(8, 2))
    np.testing.assert_allclose(pythtb_hamiltonian(tb, k_red),
                               model.hamiltonian(k_red @ model.reciprocal_vectors), **TOL)


def test_legacy_constructor_converts_like_builtin(rng):
    """The 1.8-style ``tb_model(dim_k, dim_r, ...)`` constructor (in 2.x a deprecated subclass
    of TBModel, so it goes through the 2.x reader) gives the same model."""
    model = from_pythtb(pythtb_haldane(legacy=True))
    k = rng.uniform(-2 * np.pi, 2 * np.pi, size=(16, 2))
    np.testing.assert_allclose(model.hamiltonian(k), haldane(1.0, 0.06, np.pi / 2, 0.5)
                               .hamiltonian(k), **TOL)


def test_spinful_model(rng):
    tb = pythtb_haldane(nspin=2)
    # a + b sx + c sy + d sz on orbital 0; overwriting a set on-site term is mode="reset" in
    # 1.8 ("set" raises there) and mode="set" in 2.x ("reset" is deprecated)
    tb.set_onsite([0.1, 0.2, 0.0, 0.3], ind_i=0, mode="set" if PYTHTB2 else "reset")
    tb.set_hop(np.array([[0.1, 0.2j], [0.3, 0.4]]), 0, 1, [1, 1])
    model = from_pythtb(tb)
    assert model.n_orbitals == 4
    k_red = rng.uniform(-1, 1, size=(8, 2))
    H = model.hamiltonian(k_red @ model.reciprocal_vectors)
    np.testing.assert_allclose(pythtb_hamiltonian(tb, k_red), H, **TOL)
    # independent of PythTB: orbital 0's on-site block is 0.1 + 0.2 sx + 0.3 sz (the
    # delta = 0.5 was overwritten) -> diagonal 0.4, -0.2; its spin-flip entry 0.2 is all of
    # H[0, 1] (every hopping touching orbital 0 with itself is spin-diagonal)
    np.testing.assert_allclose(model.onsite[:2], [0.4, -0.2], **TOL)
    np.testing.assert_allclose(H[:, 0, 1], 0.2, **TOL)


def test_ribbon_same_bands_as_builtin_ribbon(rng):
    """A PythTB cut_piece ribbon equals Haldane.ribbon (uncentred) including positions."""
    rib = _cut_piece(pythtb_haldane(), 5, 1)
    model = from_pythtb(rib)
    ref = haldane(1.0, 0.06, np.pi / 2, 0.5).ribbon(5, center=False)
    k = rng.uniform(-np.pi, np.pi, size=(16, 1))
    np.testing.assert_allclose(model.positions, ref.positions, **TOL)
    np.testing.assert_allclose(model.hamiltonian(k), ref.hamiltonian(k), **TOL)
    # PythTB's ribbon H differs by a diagonal gauge (oblique cut): same eigenvalues
    np.testing.assert_allclose(np.linalg.eigvalsh(pythtb_hamiltonian(rib, k / (2 * np.pi))),
                               np.linalg.eigvalsh(model.hamiltonian(k)), **TOL)


@pytest.mark.parametrize("fin_dir", [0, 1])
def test_ribbon_gauge_relation(fin_dir, rng):
    """Ribbons periodic along a2 (fin_dir=0) or a1: H_lrtheory(k) = D^+ H_PythTB(k_red) D with
    D = diag exp(i theta_j), theta_j = k (x_j . a_hat) - 2 pi k_red s_j (s_j: reduced coordinate
    along the periodic vector, PythTB's phase), k = 2 pi k_red / |a|."""
    per = 1 - fin_dir
    rib = _cut_piece(pythtb_haldane(t2=0.11, phi=0.4, delta=0.3), 4, fin_dir)
    model = from_pythtb(rib)
    a = LATTICE[per]
    np.testing.assert_allclose(model.lattice_vectors, a[None, :], **TOL)
    assert model.n_orbitals == 8
    s = (model.positions @ np.linalg.inv(LATTICE))[:, per]
    k_red = rng.uniform(-1, 1, size=8)                       # flat array: dim_k = 1
    k = 2 * np.pi * k_red / np.linalg.norm(a)
    theta = k[:, None] * (model.positions @ a / np.linalg.norm(a))[None, :] \
        - 2 * np.pi * k_red[:, None] * s[None, :]
    D = np.exp(1j * theta)
    Hp = pythtb_hamiltonian(rib, k_red)
    np.testing.assert_allclose(model.hamiltonian(k[:, None]),
                               D.conj()[:, :, None] * Hp * D[:, None, :], **TOL)


def test_pythtb_hamiltonian_rejects_wrong_k_shape():
    with pytest.raises(ModelError, match="k_red must have shape"):
        pythtb_hamiltonian(pythtb_haldane(), np.zeros((4, 3)))


def test_pythtb_w90_reader_round_trip(tmp_path, rng):
    """Model -> Wannier90 files (lrtheory's writer) -> PythTB's own reader -> from_pythtb
    gives back the model (3D, 2 orbitals). The reader is ``pythtb.w90`` (a class) in 1.8 and
    ``pythtb.W90`` in 2.x (where ``pythtb.w90`` is the module)."""
    from lrtheory.io.wannier90 import write_centres_xyz, write_hr_dat

    src = layered_haldane(t2=0.1, phi=0.3, delta=0.2)
    write_hr_dat(src, tmp_path / "x_hr.dat")
    write_centres_xyz(src, tmp_path / "x_centres.xyz")
    (tmp_path / "x.win").write_text(
        "begin unit_cell_cart\nang\n"
        + "\n".join(" ".join(repr(float(x)) for x in r) for r in src.lattice_vectors)
        + "\nend unit_cell_cart\n")
    reader = pythtb.W90 if PYTHTB2 else pythtb.w90
    tb = reader(str(tmp_path), "x").model()
    model = from_pythtb(tb)
    # the writer uses 17 significant digits; PythTB goes through reduced coordinates
    # (x @ inv(lat) @ lat) and the degeneracy division: double-precision rounding only
    np.testing.assert_allclose(model.positions, src.positions, **TOL)
    k = rng.uniform(-4, 4, size=(32, 3))
    np.testing.assert_allclose(model.hamiltonian(k), src.hamiltonian(k), **TOL)


def test_symbolic_parameters_must_be_fixed(rng):
    """PythTB 2.x models can carry named parameters (strings / callables); converting one with
    unset parameters is a ModelError, after ``with_parameters`` it converts and equals PythTB's
    H evaluated with the same values. PythTB 1.8 has no parameters (nothing to test)."""
    if not PYTHTB2:
        pytest.skip("PythTB 1.8 has no symbolic model parameters (a PythTB 2.x feature)")
    tb = pythtb_haldane()
    tb.set_onsite("m", ind_i=0)
    tb.set_hop(lambda t: -t, 0, 1, [0, 0])
    with pytest.raises(ModelError, match=r"unset symbolic parameters \['m', 't'\]"):
        from_pythtb(tb)
    fixed = tb.with_parameters(m=0.5, t=1.0)
    model = from_pythtb(fixed)
    k = rng.uniform(-2 * np.pi, 2 * np.pi, size=(16, 2))
    # m = 0.5 = delta and t = 1 = t0 restore the original Haldane model
    np.testing.assert_allclose(model.hamiltonian(k),
                               haldane(1.0, 0.06, np.pi / 2, 0.5).hamiltonian(k), **TOL)
    k_red = rng.uniform(-1, 1, size=(8, 2))
    np.testing.assert_allclose(
        np.asarray(tb.hamiltonian(k_pts=k_red, m=0.5, t=1.0)),
        model.hamiltonian(k_red @ model.reciprocal_vectors), **TOL)


def test_not_a_pythtb_model():
    with pytest.raises(ModelError, match="not a PythTB model"):
        from_pythtb(object())
