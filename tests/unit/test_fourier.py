"""fourier.to_tight_binding: the hopping list recovered from H(k) alone.

Where the expected values come from:

* the Haldane matrix of Eq. S42 typed in SymPy (atomic-position convention, A at 0, B at
  delta_1) against the built-in hopping list of Eq. 53 (lrtheory.models.haldane), an
  independent construction of the same model;
* random finite-range hopping lists: the list itself (H(k) -> t(R) inverts Eq. S48 exactly
  for a finite-range model);
* 1/(2 + cos k): the analytic Fourier series ``(1/sqrt3) sum_R (sqrt3 - 2)^|R| e^{ikR}``;
* a k.p model and a non-analytic |sin k| have no finite hopping list: clear ModelError.

Amplitudes come from an FFT of O(100) samples of O(1) entries (rounding ~1e-15), hence the
TOL tier (rtol 1e-10, atol 1e-12) for exact identities.
"""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from lrtheory.errors import ModelError
from lrtheory.models.protocol import BlochModel
from lrtheory.models.fourier import (MissingPositionsWarning, canonical_bonds,
                                     to_tight_binding)
from lrtheory.models.haldane import DELTAS, LATTICE, haldane
from lrtheory.models.sympy_model import SympyBlochModel
from lrtheory.models.tightbinding import Hopping, TightBindingModel
from tests.tolerances import TOL

kx, ky, t0, t2, phi, delta = sp.symbols("kx ky t0 t2 phi delta", real=True)
S3 = sp.sqrt(3)
_D = [(sp.Rational(1, 2), 1 / (2 * S3)), (-sp.Rational(1, 2), 1 / (2 * S3)), (0, -1 / S3)]
_L = [(1, 0), (-sp.Rational(1, 2), S3 / 2), (-sp.Rational(1, 2), -S3 / 2)]


def haldane_matrix(shift=(0, 0)) -> sp.Matrix:
    """Eq. S42 with the A->B phases exp(i k.(delta_n - shift)): shift = 0 is the
    atomic-position convention (B at delta_1), shift = delta_1 the periodic one (r = 0)."""
    dot = lambda v: kx * v[0] + ky * v[1]  # noqa: E731
    gamma = sum(sp.exp(sp.I * dot((d[0] - shift[0], d[1] - shift[1]))) for d in _D)
    return sp.Matrix([[delta + 2 * t2 * sum(sp.cos(dot(v) + phi) for v in _L), -t0 * gamma],
                      [-t0 * sp.conjugate(gamma),
                       -delta + 2 * t2 * sum(sp.cos(dot(v) - phi) for v in _L)]])


def compare_bonds(a: dict, b: dict):
    assert sorted(a) == sorted(b)
    np.testing.assert_allclose([a[k] for k in sorted(a)], [b[k] for k in sorted(a)], **TOL)


@pytest.mark.parametrize("p", [dict(t0=1.0, t2=0.06, phi=np.pi / 2, delta=0.5),
                               dict(t0=0.8, t2=0.2, phi=0.3, delta=-0.1)])
def test_haldane_matrix_gives_the_builtin_hoppings(p, rng):
    model = SympyBlochModel(haldane_matrix(), p, lattice_vectors=LATTICE,
                            positions=[[0, 0], DELTAS[0]], name="Haldane (SymPy)")
    tb, info = to_tight_binding(model, full_output=True)
    ref = haldane(**p)
    compare_bonds(canonical_bonds(tb), canonical_bonds(ref))
    assert (info.grid, info.n_hoppings, info.max_range, info.positions) == (5, 9, 1, "model")
    np.testing.assert_allclose(tb.positions, ref.positions, **TOL)
    np.testing.assert_allclose(tb.lattice_vectors, ref.lattice_vectors, **TOL)
    k = rng.uniform(-2 * np.pi, 2 * np.pi, size=(64, 2))
    np.testing.assert_allclose(tb.hamiltonian(k), ref.hamiltonian(k), **TOL)
    np.testing.assert_allclose(tb.velocity(k), model.velocity(k), **TOL)
    assert tb.params == model.params
    # the method on the model delegates to the same function
    compare_bonds(canonical_bonds(model.to_tight_binding()), canonical_bonds(tb))


def random_hopping_model(rng, n=3, rmax=3, n_hops=14, lattice=((1.0, 0.0), (0.3, 1.1))):
    lat = np.array(lattice)
    dim = lat.shape[0]
    bonds = {}
    while len(bonds) < n_hops:
        i, j = (int(x) for x in rng.integers(0, n, 2))
        R = tuple(int(x) for x in rng.integers(-rmax, rmax + 1, dim))
        if (i == j and not any(R)) or (j, i, tuple(-x for x in R)) in bonds:
            continue
        bonds[(i, j, R)] = complex(rng.normal(), rng.normal())
    R_far = (rmax,) + (0,) * (dim - 1)  # make sure the range is reached
    if (0, 1, R_far) not in bonds and (1, 0, tuple(-x for x in R_far)) not in bonds:
        bonds[(0, 1, R_far)] = 0.3 + 0.1j
    pos = rng.uniform(-1, 1, size=(n, lat.shape[1]))
    hops = [Hopping(i, j, R, t) for (i, j, R), t in bonds.items()]
    return TightBindingModel(lat, pos, hops, onsite=rng.normal(size=n), name="random")


def test_random_hopping_list_round_trip_and_adaptive_grid(rng):
    """Range 3 aliases on the 5-point grid (|R| <= 2): the verification rejects it and the
    9-point grid (|R| <= 4) is the first that reproduces H(k)."""
    model = random_hopping_model(rng)
    tb, info = to_tight_binding(model, full_output=True)
    compare_bonds(canonical_bonds(tb), canonical_bonds(model))
    assert info.grid == 9 and info.max_range == 3
    assert info.max_deviation < 1e-12 * info.scale
    k = rng.uniform(-5, 5, size=(32, 2))
    np.testing.assert_allclose(tb.hamiltonian(k), model.hamiltonian(k), **TOL)
    # a known range: one grid of 2 r + 1 points; too small a range is reported
    compare_bonds(canonical_bonds(to_tight_binding(model, max_range=3)), canonical_bonds(model))
    with pytest.raises(ModelError, match=r"finite-range lattice model with \|R\| <= 2"):
        to_tight_binding(model, max_range=2)


def test_one_periodic_direction_in_two_dimensions(rng):
    """dim = 1 embedded in 2D (k along a_1, phases with the projection of r_j - r_i)."""
    model = random_hopping_model(rng, n=2, rmax=2, n_hops=5, lattice=((1.5, 0.0),))
    tb = to_tight_binding(model)
    compare_bonds(canonical_bonds(tb), canonical_bonds(model))
    k = rng.uniform(-4, 4, size=(16, 1))
    np.testing.assert_allclose(tb.hamiltonian(k), model.hamiltonian(k), **TOL)


def test_analytic_infinite_range_is_truncated_at_tol():
    """1/(2 + cos k) = (1/sqrt3) sum_R (sqrt3 - 2)^|R| e^{ikR}: amplitudes above tol kept,
    H(k) reproduced to rtol (plus the dropped tail, < 2 tol)."""
    model = SympyBlochModel(sp.Matrix([[1 / (2 + sp.cos(kx))]]), lattice_vectors=[[1.0]],
                            positions=[[0.0]])
    tb, info = to_tight_binding(model, full_output=True)
    bonds = canonical_bonds(tb)
    exact = {R: (np.sqrt(3) - 2) ** R / np.sqrt(3) for R in range(0, 40)}
    kept = [R for R in exact if abs(exact[R]) > 1e-10]
    assert sorted(bonds) == [(0, 0, (R,)) for R in kept]
    np.testing.assert_allclose([bonds[(0, 0, (R,))] for R in kept], [exact[R] for R in kept],
                               rtol=1e-9, atol=1e-14)
    assert info.max_deviation < 1e-9


def test_continuum_model_raises_clear_error():
    k_p = sp.Matrix([[kx**2 + ky**2, kx], [kx, kx**2 + ky**2]])  # k^2 s0 + kx sx
    model = SympyBlochModel(k_p, lattice_vectors=[[1, 0], [0, 1]], positions=[[0, 0], [0, 0]])
    with pytest.raises(ModelError, match=r"H\(k\) is not a finite-range lattice model.*"
                                         r"continuum \(k\.p\).*use a hopping list"):
        to_tight_binding(model)
    with pytest.raises(ModelError, match="needs lattice vectors"):
        to_tight_binding(SympyBlochModel(k_p))


def test_non_terminating_fourier_series_raises():
    """|sin k| is periodic but not analytic: |t(R)| ~ 1/R^2, no grid verifies."""
    model = SympyBlochModel(sp.Matrix([[sp.Abs(sp.sin(kx))]]), lattice_vectors=[[1.0]],
                            positions=[[0.0]])
    with pytest.raises(ModelError, match="not a finite-range lattice model.*does not "
                                         "terminate.*use a hopping list"):
        to_tight_binding(model)


P = dict(t0=1.0, t2=0.1, phi=0.7, delta=0.2)


def test_without_positions_periodic_convention_with_warning(rng):
    """Haldane typed in the periodic convention (all r = 0): recovered with a warning; H(k)
    equals the typed one, and the ribbon has the built-in ribbon's bands (bands do not depend
    on the convention) while its orbitals sit at the cell origin."""
    model = SympyBlochModel(haldane_matrix(shift=_D[0]), P, lattice_vectors=LATTICE)
    with pytest.warns(MissingPositionsWarning, match="periodic convention.*OMM"):
        tb, info = to_tight_binding(model, full_output=True)
    assert info.positions == "zero" and not np.any(tb.positions)
    k = rng.uniform(-5, 5, size=(32, 2))
    np.testing.assert_allclose(tb.hamiltonian(k), model.hamiltonian(k), **TOL)
    rib, ref = tb.ribbon(4), haldane(**P).ribbon(4)
    k1 = rng.uniform(-np.pi, np.pi, size=(16, 1))
    np.testing.assert_allclose(np.linalg.eigvalsh(rib.hamiltonian(k1)),
                               np.linalg.eigvalsh(ref.hamiltonian(k1)), **TOL)
    # explicit positions override the model's (none here): then no warning, atomic convention
    tb2 = to_tight_binding(model.with_params(), positions=np.zeros((2, 2)))
    compare_bonds(canonical_bonds(tb2), canonical_bonds(tb))


def test_positions_that_do_not_match_the_convention_are_reported():
    atomic = haldane_matrix()
    with pytest.warns(MissingPositionsWarning):
        with pytest.raises(ModelError, match="not periodic.*no positions were given.*pass "
                                             "positions"):
            to_tight_binding(SympyBlochModel(atomic, P, lattice_vectors=LATTICE))
    with pytest.raises(ModelError, match="positions do not match the convention"):
        to_tight_binding(SympyBlochModel(atomic, P, lattice_vectors=LATTICE,
                                         positions=[[0, 0], [0.3, 0.1]]))


class _NotHermitian(BlochModel):
    dim, n_orbitals, name = 1, 2, "bad"
    lattice_vectors, positions = np.eye(1), np.zeros((2, 1))

    def hamiltonian(self, k):
        k = np.asarray(k)[..., 0]
        H = np.zeros(k.shape + (2, 2), complex)
        H[..., 0, 1] = np.exp(1j * k)  # no conjugate partner in H[1, 0]
        return H

    def velocity(self, k):
        return np.zeros(np.shape(k)[:-1] + (1, 2, 2), complex)


def test_non_hermitian_h_is_rejected():
    with pytest.raises(ModelError, match="not Hermitian"):
        to_tight_binding(_NotHermitian())
