"""lrtheory.models.protocol: the typed model classes, ensure_model, ribbons with frame and cut,
the public bond table."""
from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest
import sympy as sp

from lrtheory.errors import ModelError
from lrtheory.models import (BlochModel, ContinuumModel, Ribbon, RibbonCut, TightBindingModel,
                             TightBindingRibbon, ensure_model, hamiltonian_and_velocity)
from lrtheory.models.continuum import RashbaGas
from lrtheory.models.haldane import haldane
from lrtheory.models.protocol import MissingGeometryError
from lrtheory.models.sympy_model import SympyBlochModel
from lrtheory.models.tightbinding import Hopping


class Chain(BlochModel):
    """A user's own model: one orbital, H = -2 t cos k."""

    dim, n_orbitals = 1, 1
    lattice_vectors = np.array([[1.0]])
    positions = np.zeros((1, 1))

    def __init__(self, t=1.0):
        self.t = t

    def hamiltonian(self, k):
        k = np.asarray(k, float)[..., 0]
        return (-2 * self.t * np.cos(k))[..., None, None] + 0j

    def velocity(self, k):
        k = np.asarray(k, float)[..., 0]
        return (2 * self.t * np.sin(k))[..., None, None, None] + 0j


class Duck:
    """Looks like a model but is not one."""

    dim, n_orbitals = 1, 1

    def hamiltonian(self, k):
        return np.zeros(np.shape(k)[:-1] + (1, 1))


def test_class_tree():
    m = haldane(t2=0.1)
    rib = m.ribbon(4)
    assert isinstance(m, BlochModel) and not isinstance(m, Ribbon)
    assert isinstance(rib, Ribbon) and isinstance(rib, TightBindingModel)
    assert isinstance(RashbaGas(), ContinuumModel) and RashbaGas().lattice_vectors is None
    kx = sp.Symbol("kx", real=True)
    assert isinstance(SympyBlochModel(sp.Matrix([[sp.cos(kx)]]), dim=1), BlochModel)


def test_a_users_subclass_gets_the_defaults():
    c = Chain(0.5)
    assert c.name == "Chain" and c.params == {} and c.time_reversal is None
    assert c.spin is None and c.energy_bound is None and c.has_positions
    H, V = hamiltonian_and_velocity(c, np.array([[0.3]]))
    np.testing.assert_allclose(H[0, 0, 0], -np.cos(0.3))
    np.testing.assert_allclose(V[0, 0, 0, 0], np.sin(0.3))
    np.testing.assert_allclose(c.k_grid(4)[:, 0], [0, np.pi / 2, np.pi, 3 * np.pi / 2])
    c.name = "mine"  # an instance attribute overrides the default
    assert c.name == "mine"
    assert ensure_model(c, where="x") is c


def test_abstract_methods_are_required():
    class Half(BlochModel):
        def hamiltonian(self, k):
            return k

    with pytest.raises(TypeError, match="velocity"):
        Half()


def test_ensure_model_messages():
    with pytest.raises(ModelError) as err:
        ensure_model(Duck(), where="hall_conductivity")
    msg = str(err.value)
    assert msg.startswith("hall_conductivity needs a BlochModel") and "\n" not in msg
    assert "lrtheory.models.BlochModel" in msg and "Duck" in msg
    with pytest.raises(ModelError) as err:
        ensure_model(haldane(), Ribbon, where="ribbon_accumulation")
    assert str(err.value) == ("ribbon_accumulation needs a Ribbon (build one with "
                              "model.ribbon(width)), got TightBindingModel 'Haldane'")
    with pytest.raises(ModelError, match="needs a ContinuumModel"):
        ensure_model(haldane(), ContinuumModel, where="fermi_surface")

    class NoLattice(Chain):
        lattice_vectors = property(lambda self: self.missing)

    with pytest.raises(ModelError, match="lacks the required member 'lattice_vectors'"):
        ensure_model(NoLattice(), where="x")


def test_continuum_models_have_no_k_grid():
    with pytest.raises(MissingGeometryError, match="no lattice vectors"):
        RashbaGas().k_grid(4)
    assert isinstance(MissingGeometryError("x"), ModelError)
    assert not isinstance(MissingGeometryError("x"), AttributeError)


@pytest.mark.parametrize("periodic", [0, 1])
@pytest.mark.parametrize("flip", [1, -1])
def test_ribbon_frame_is_right_handed(periodic, flip):
    m = haldane(t2=0.06, phi=1.0, delta=0.3)
    L = np.array(m.lattice_vectors)
    m2 = TightBindingModel(np.array([L[0], flip * L[1]]), m.positions,
                           [Hopping(h.i, h.j, (h.R[0], flip * h.R[1]), h.t) for h in m.hoppings],
                           m.onsite, name="h")
    rib = m2.ribbon(5, periodic=periodic)
    F = rib.frame
    np.testing.assert_allclose(F @ F.T, np.eye(3), atol=1e-14)
    assert np.linalg.det(F) == pytest.approx(1.0, abs=1e-14)
    np.testing.assert_allclose(F[2], [0, 0, 1], atol=1e-14)  # y = z x x, so z is +z
    a = m2.lattice_vectors[periodic]
    np.testing.assert_allclose(F[0, :2], a / np.linalg.norm(a), atol=1e-14)
    np.testing.assert_allclose(rib.transverse_positions(), rib.positions @ F[1, :2], atol=1e-14)


def test_ribbon_records_its_cut():
    """The paper's zigzag ribbon (periodic along a_1): A atoms terminate the bottom edge and
    B atoms the top edge (models/haldane.py docstring)."""
    rib = haldane(t2=0.1).ribbon(6)
    assert rib.cut == RibbonCut((1, 0), 6, (0, 1), rib.cut.terminations)
    assert "lower edge" in rib.cut.terminations
    assert "orbital(s) [0]; upper" in rib.cut.terminations
    assert rib.cut.terminations.endswith("orbital(s) [1] of the parent cell")
    other = haldane(t2=0.1).ribbon(6, periodic=1)
    assert other.cut.direction == (0, 1) and other.cut.stacking == (1, 0)
    moved = rib.with_positions(rib.positions + 0.0)
    assert type(moved) is TightBindingRibbon and moved.cut == rib.cut
    back = pickle.loads(pickle.dumps(rib))
    assert type(back) is TightBindingRibbon and back.cut == rib.cut
    np.testing.assert_array_equal(back.hamiltonian([[0.4]]), rib.hamiltonian([[0.4]]))


def test_hand_made_ribbon():
    r = TightBindingRibbon([[1.0, 0.0]], [[0.0, 0.0], [0.0, 1.0]], [(0, 1, (0,), -1.0)],
                           transverse_axis=[0.0, 1.0], name="ladder")
    assert r.cut is None and isinstance(r, Ribbon)
    np.testing.assert_allclose(r.transverse_positions(), [0.0, 1.0])
    with pytest.raises(ModelError, match="transverse_axis"):
        TightBindingRibbon([[1.0, 0.0]], [[0.0, 0.0]], [])
    with pytest.raises(ModelError, match="one periodic lattice vector"):
        TightBindingRibbon(np.eye(2), [[0.0, 0.0]], [], transverse_axis=[0.0, 1.0])
    with pytest.warns(DeprecationWarning, match="TightBindingRibbon"):
        old = TightBindingModel([[1.0, 0.0]], [[0.0, 0.0]], [], None, None, [0.0, 1.0])
    assert type(old) is TightBindingRibbon and old.cut is None
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        assert type(TightBindingModel([[1.0, 0.0]], [[0.0, 0.0]], [])) is TightBindingModel


def test_bond_table_rebuilds_h():
    m = haldane(t2=0.1, phi=0.7, delta=0.2)
    table = m.bond_table
    k = np.array([[0.3, -1.1], [2.0, 0.4]])
    Hm = table.matrices()
    H = np.einsum("km,mij->kij", np.exp(1j * k @ table.displacements.T), Hm)
    np.testing.assert_allclose(H, m.hamiltonian(k), atol=1e-14)
    with pytest.raises(ValueError):
        table.amplitude[0] = 0.0  # read-only
    assert table.n_orbitals == 2 and len(table.row) == len(table.amplitude)


def test_deprecated_k_path_location():
    import lrtheory.cli.cmd_bands as cb
    from lrtheory.models.lattice import k_path

    with pytest.warns(DeprecationWarning, match="lrtheory.models.lattice"):
        assert cb.k_path is k_path
