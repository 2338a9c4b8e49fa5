"""PythTB adapter: a Haldane model built in PythTB converts to the same Bloch model as the
built-in one (real-space hopping lists are convention free), and lrtheory's H(k_cart) equals
PythTB's own H(k_red) with k_cart = k_red @ b (both keep positions in the phase).

Skipped when PythTB is not installed (optional dependency: pip install pythtb).
"""
from __future__ import annotations

import numpy as np
import pytest

from lrtheory.errors import ModelError
from lrtheory.models.haldane import DELTAS, LATTICE, haldane
from lrtheory.models.pythtb_adapter import from_pythtb, pythtb_hamiltonian
from tests.tolerances import TOL

pythtb = pytest.importorskip("pythtb")


def pythtb_haldane(t0=1.0, t2=0.06, phi=np.pi / 2, delta=0.5, nspin=1):
    orb_red = np.array([[0.0, 0.0], DELTAS[0]]) @ np.linalg.inv(LATTICE)
    if hasattr(pythtb, "tb_model") and not hasattr(pythtb, "Lattice"):
        tb = pythtb.tb_model(2, 2, LATTICE, orb_red, nspin=nspin)
    else:  # PythTB 2.x
        lat = pythtb.Lattice(lat_vecs=LATTICE, orb_vecs=orb_red, periodic_dirs=[0, 1])
        tb = pythtb.TBModel(lat, spinful=nspin == 2)
    tb.set_onsite([delta, -delta])
    for R in [(0, 0), (-1, 0), (0, -1)]:
        tb.set_hop(-t0, 0, 1, list(R))
    for R in [(1, 0), (-1, 1), (0, -1)]:
        tb.set_hop(t2 * np.exp(1j * phi), 0, 0, list(R))
        tb.set_hop(t2 * np.exp(-1j * phi), 1, 1, list(R))
    return tb


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


def test_spinful_model(rng):
    tb = pythtb_haldane(nspin=2)
    tb.set_onsite([0.1, 0.2, 0.0, 0.3], ind_i=0, mode="reset")       # a + b sx + c sy + d sz
    tb.set_hop(np.array([[0.1, 0.2j], [0.3, 0.4]]), 0, 1, [1, 1])
    model = from_pythtb(tb)
    assert model.n_orbitals == 4
    k_red = rng.uniform(-1, 1, size=(8, 2))
    np.testing.assert_allclose(pythtb_hamiltonian(tb, k_red),
                               model.hamiltonian(k_red @ model.reciprocal_vectors), **TOL)


def test_ribbon_same_bands_as_builtin_ribbon(rng):
    """A PythTB cut_piece ribbon equals Haldane.ribbon (uncentred) including positions."""
    rib = pythtb_haldane().cut_piece(5, 1, glue_edgs=False)
    model = from_pythtb(rib)
    ref = haldane(1.0, 0.06, np.pi / 2, 0.5).ribbon(5, center=False)
    k = rng.uniform(-np.pi, np.pi, size=(16, 1))
    np.testing.assert_allclose(model.positions, ref.positions, **TOL)
    np.testing.assert_allclose(model.hamiltonian(k), ref.hamiltonian(k), **TOL)
    # PythTB's ribbon H differs by a diagonal gauge (oblique cut): same eigenvalues
    np.testing.assert_allclose(np.linalg.eigvalsh(pythtb_hamiltonian(rib, k / (2 * np.pi))),
                               np.linalg.eigvalsh(model.hamiltonian(k)), **TOL)


def test_not_a_pythtb_model():
    with pytest.raises(ModelError, match="not a PythTB model"):
        from_pythtb(object())
