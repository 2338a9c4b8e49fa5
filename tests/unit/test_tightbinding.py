"""Tight-binding builder, Haldane model and eigensystem: API, validation, basic physics."""
import numpy as np
import pytest

from lrtheory.bands import Eigensystem
from lrtheory.errors import GaugeError, LrtheoryError, ModelError, ShapeError
from lrtheory.models import TightBindingModel, haldane
from lrtheory.models.haldane import haldane_bulk_bands, phase_boundary

from tests.tolerances import TOL


@pytest.mark.parametrize("params", [(1, 0, 0, 0.5), (1, 0.06, np.pi / 2, 0.5), (1, 0.1, 0.7, -0.2)])
def test_haldane_bulk_bands_match_closed_form(params, rng):
    # Expected: diagonalization of the 2x2 matrix S42 in closed form (S43 with the trace sign
    # corrected; Eq. 54 at phi = pi/2; S45 at t2 = 0).
    model = haldane(*params)
    k = rng.uniform(-4, 4, size=(64, 2))
    e = np.linalg.eigvalsh(model.hamiltonian(k))
    np.testing.assert_allclose(e, haldane_bulk_bands(k, *params), **TOL)


def test_gapped_graphene_limit_S45(rng):
    model = haldane(1, 0, np.pi / 2, 0.3)
    k = rng.uniform(-4, 4, size=(32, 2))
    gamma = np.exp(1j * k @ np.array([[0.5, 0.5 / 3**0.5], [-0.5, 0.5 / 3**0.5], [0, -1 / 3**0.5]]).T).sum(-1)
    e = np.linalg.eigvalsh(model.hamiltonian(k))
    np.testing.assert_allclose(e[:, 1], np.sqrt(np.abs(gamma) ** 2 + 0.09), **TOL)


def test_velocity_is_dH_dk_by_finite_differences(rng):
    # Expected: central finite difference of H(k), error O(h^2) ~ 1e-10 for h = 1e-5.
    for model in (haldane(1, 0.1, 0.4, 0.2), haldane(1, 0.1, 0.4, 0.2).ribbon(3)):
        k = rng.uniform(-3, 3, size=(5, model.dim))
        h = 1e-5
        v = model.velocity(k)
        for a in range(model.dim):
            dk = np.zeros(model.dim)
            dk[a] = h
            fd = (model.hamiltonian(k + dk) - model.hamiltonian(k - dk)) / (2 * h)
            np.testing.assert_allclose(v[:, a], fd, atol=1e-8)


def test_gap_closes_at_phase_boundary():
    # K point (4pi/3, 0): mass Delta + 3 sqrt3 t2 sin(phi); K' : Delta - 3 sqrt3 t2 sin(phi).
    t2 = 0.06
    d = phase_boundary(t2)
    kprime = np.array([[-4 * np.pi / 3, 0.0]])
    e = np.linalg.eigvalsh(haldane(1, t2, np.pi / 2, d).hamiltonian(kprime))
    e_k = np.linalg.eigvalsh(haldane(1, t2, np.pi / 2, d).hamiltonian(-kprime))
    assert min(e[0, 1] - e[0, 0], e_k[0, 1] - e_k[0, 0]) < 1e-12


def test_ribbon_bands_periodic_and_hermitian():
    rib = haldane(1, 0.06, np.pi / 2, 0.5).ribbon(5)
    k = np.linspace(-np.pi, np.pi, 9)[:, None]
    e1 = np.linalg.eigvalsh(rib.hamiltonian(k))
    e2 = np.linalg.eigvalsh(rib.hamiltonian(k + 2 * np.pi))
    np.testing.assert_allclose(e1, e2, atol=1e-12)
    y = rib.transverse_positions()
    assert abs(y.max() + y.min()) < 1e-12  # centred


def test_move_orbital_between_cells_keeps_spectrum_and_physics(rng):
    model = haldane(1, 0.1, 0.3, 0.2)
    moved = model.move_orbital(1, (1, -2))
    k = rng.uniform(-3, 3, size=(10, 2))
    np.testing.assert_allclose(
        np.linalg.eigvalsh(model.hamiltonian(k)), np.linalg.eigvalsh(moved.hamiltonian(k)), **TOL
    )


def test_flake_is_hermitian_and_sized():
    H, pos = haldane(1, 0.1, 0.3, 0.2).flake(3, 4)
    assert H.shape == (24, 24) and pos.shape == (24, 2)
    np.testing.assert_allclose(H, H.conj().T, atol=0)


def test_gauge_randomization_keeps_invariants(rng):
    rib = haldane(1, 0.0, 0.0, 0.0).ribbon(4)  # graphene ribbon: flat degenerate edge bands
    es = Eigensystem.compute(rib, rib.k_grid(12))
    es2 = es.randomize_gauge(rng)
    # projector-weighted traces are gauge invariant
    P = lambda e: e.states @ np.conj(np.swapaxes(e.states, -1, -2))
    np.testing.assert_allclose(P(es), P(es2), atol=1e-12)
    assert np.abs(es2.states - es.states).max() > 1e-3  # the gauge really changed


@pytest.mark.parametrize(
    "bad, err, match",
    [
        (dict(hoppings=[(0, 0, (0, 0), 1.0)]), ModelError, "on-site"),
        (dict(hoppings=[(0, 1, (0, 0), 1.0), (1, 0, (0, 0), 1.0)]), ModelError, "listed twice"),
        (dict(hoppings=[(0, 5, (0, 0), 1.0)]), ModelError, "outside"),
        (dict(hoppings=[(0, 1, (0,), 1.0)]), ModelError, "components"),
        (dict(hoppings=[(0, 1, (0, 0), np.nan)]), ModelError, "not finite"),
        (dict(onsite=[1j, 0]), ModelError, "real"),
        (dict(positions=np.zeros((2, 3))), ShapeError, "dimensional"),
    ],
)
def test_bad_models_raise_clear_errors(bad, err, match):
    kw = dict(lattice_vectors=np.eye(2), positions=np.zeros((2, 2)), hoppings=[])
    kw.update(bad)
    with pytest.raises(err, match=match):
        TightBindingModel(**kw)


def test_bad_ribbon_and_parameters():
    with pytest.raises(ModelError, match="positive"):
        haldane(1, 0.1).ribbon(0)
    with pytest.raises(ModelError, match="positive"):
        haldane(1, 0.1).ribbon(-3)
    with pytest.raises(ModelError, match="finite"):
        haldane(1, np.inf)
    with pytest.raises(LrtheoryError, match="NaN"):
        haldane(1, 0.1).hamiltonian(np.array([[np.nan, 0.0]]))


def test_require_nondegenerate_raises_gauge_error():
    rib = haldane(1, 0.0, 0.0, 0.0).ribbon(4)
    es = Eigensystem.compute(rib, np.array([[np.pi]]))  # zigzag edge bands degenerate at k=pi
    with pytest.raises(GaugeError, match="degenerate"):
        es.require_nondegenerate("the off-diagonal orbital moment m_nl")


def test_hamiltonian_and_velocity_agree_with_separate_calls(rng):
    # Expected: the fused fast path returns exactly the same arrays (same arithmetic).
    for model in (haldane(1, 0.1, 0.4, 0.2), haldane(1, 0.1, 0.4, 0.2).ribbon(3)):
        k = rng.uniform(-3, 3, size=(7, model.dim))
        H, V = model.hamiltonian_and_velocity(k)
        np.testing.assert_allclose(H, model.hamiltonian(k), **TOL)
        assert V.shape == (7, model.dim, model.n_orbitals, model.n_orbitals)
        es = Eigensystem.compute(model, k)
        np.testing.assert_allclose(es.energies, np.linalg.eigvalsh(H), **TOL)
