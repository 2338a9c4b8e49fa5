"""Exact Hall conductivities of disordered tori (issue #16; docs/disorder.md, "Crossed diagrams").

Checks the machinery of the exact check of the crossed (X, Psi) diagrams at CI resolution:
the lattice massive Dirac model is its Bloch matrix and one Dirac valley near k = 0; the exact
Fermi-level conductivity of a clean torus is the k-space bare bubble with Sigma = -i eta on the
same momenta (1e-10) and, on a disordered torus, the summed current accumulation of the
independent accumulation code (1e-10); the stochastic trace agrees with the exact one within its
error bars and its error falls as 1/sqrt(vectors); Gaussian disorder has variance W^2 and no
fourth cumulant (a box has -W^4/120); the quoted crossed-diagram closed form has the two
properties stated in the abstract of Ado et al. The runs that compare the exact average with
the ladder (L = 64, 128; minutes to an hour) are examples/disorder_dirac_crossed.py: they do
not discriminate (docs/disorder.md), and at CI sizes (L <= 16) the sample's discrete momenta
dominate, so no physics comparison of the Hall part runs here.
"""
from __future__ import annotations

import numpy as np
import pytest

from lrtheory.disorder.diagrams import WhiteNoise
from lrtheory.disorder.exact import greenwood_accumulation, greenwood_conductivity
from lrtheory.disorder.hall_vertex import dirac_hall_closed_forms, hall_vertex_conductivity
from lrtheory.disorder.samples import (build_sample, disorder, lattice_dirac, square_rashba,
                                       twisted_model)
from lrtheory.errors import LrtheoryError
from lrtheory.models.continuum import MassiveDirac

PAULI = np.array([[[0, 1], [1, 0]], [[0, -1j], [1j, 0]], [[1, 0], [0, -1]]], complex)


def test_lattice_dirac_is_its_bloch_matrix_and_one_dirac_valley():
    m, B, v = 0.5, 0.35, 1.2
    model = lattice_dirac(m, B, v)
    k = np.random.default_rng(0).uniform(-np.pi, np.pi, (9, 2))
    d = np.stack([v * np.sin(k[:, 0]), v * np.sin(k[:, 1]),
                  m + B * (2 - np.cos(k[:, 0]) - np.cos(k[:, 1]))], -1)
    assert np.max(np.abs(model.hamiltonian(k) - np.einsum("ka,aij->kij", d, PAULI))) <= 1e-14
    # near k = 0 the difference from MassiveDirac is O(k^2) (B k^2/2 in the mass): halving k
    # divides it by 4; the other valley (kx -> -kx) leaves an O(k) difference (ratio 2)
    dirac = MassiveDirac(v=v, delta=m)
    diff = [np.max(np.abs(model.hamiltonian(kk) - dirac.hamiltonian(kk)))
            for kk in (np.array([[0.02, 0.01]]), np.array([[0.01, 0.005]]))]
    assert abs(diff[0] / diff[1] - 4) < 0.05
    wrong = MassiveDirac(v=v, delta=m, valley=-1)
    w = [np.max(np.abs(model.hamiltonian(kk) - wrong.hamiltonian(kk)))
         for kk in (np.array([[0.02, 0.01]]), np.array([[0.01, 0.005]]))]
    assert abs(w[0] / w[1] - 2) < 0.05


def test_clean_torus_conductivity_is_the_bare_bubble_on_the_same_momenta():
    """Prefactor and orientation (Hall sign) of greenwood_conductivity: on a clean L x L torus
    at twist q it is hall_vertex_conductivity's bare bubble with Sigma = -i eta on the grid of
    twisted_model(model, q) (same expression, same k points: rounding)."""
    model, L, q, eta = lattice_dirac(0.5, 0.35), 8, np.array([0.13, -0.07]), 0.05
    s = build_sample(model, (L, L), periodic=(True, True), n_internal=2)
    ex = greenwood_conductivity(s, eta=eta, ef=0.9, k=q)
    ref = hall_vertex_conductivity(twisted_model(model, q), 0.9, WhiteNoise(1e-9, sites=(0, 0)),
                                   nk=L, sigma=-1j * eta * np.eye(2))["bare"]
    assert np.allclose(ex["sigma"], ref, rtol=1e-10, atol=1e-12)
    assert abs(ex["hall"] - 0.5 * (ref[0, 1] - ref[1, 0])) <= 1e-12
    assert abs(ex["hall"]) > 1e-3                            # not trivially zero


def test_disordered_conductivity_is_the_summed_current_accumulation():
    """Independent code path: sum_i delta n_{v_b}(i) of greenwood_accumulation (operator
    current_b, field e_c) is -(1/2 pi) Re Tr[v_b G^R v_c G^A] = -A sigma_bc."""
    L = 6
    s = disorder(build_sample(square_rashba(), (L, L), periodic=(True, True), n_internal=2),
                 "gaussian", 0.6, np.random.default_rng(4))
    q, kw = np.array([0.2, 0.1]), dict(eta=0.07, ef=-1.3)
    sig = greenwood_conductivity(s, k=q, **kw)["sigma"]
    acc = np.array([[greenwood_accumulation(s, f"current_{'xy'[b]}", np.eye(2)[c], k=q,
                                            **kw).sum() for c in range(2)] for b in range(2)])
    assert np.allclose(sig, -acc / L**2, rtol=1e-10, atol=1e-13)


def test_stochastic_trace_agrees_with_the_exact_trace():
    s = disorder(build_sample(lattice_dirac(0.5, 0.35), (10, 10), periodic=(True, True),
                              n_internal=2), "gaussian", 0.3, np.random.default_rng(1))
    kw = dict(eta=0.05, ef=0.9, k=np.array([0.1, 0.2]))
    ex = greenwood_conductivity(s, **kw)
    st = greenwood_conductivity(s, n_vectors=400, rng=np.random.default_rng(2), **kw)
    # unbiased estimator: within 4 standard errors (each entry and the Hall part)
    assert np.all(np.abs(st["sigma"] - ex["sigma"]) <= 4 * st["sigma_sem"])
    assert abs(st["hall"] - ex["hall"]) <= 4 * st["hall_sem"]
    few = greenwood_conductivity(s, n_vectors=25, rng=np.random.default_rng(3), **kw)
    assert 2.5 < few["hall_sem"] / st["hall_sem"] < 6.5      # sqrt(400/25) = 4
    with pytest.raises(LrtheoryError, match="n_vectors"):
        greenwood_conductivity(s, n_vectors=1, rng=np.random.default_rng(0), **kw)
    with pytest.raises(LrtheoryError, match="rng"):
        greenwood_conductivity(s, n_vectors=8, **kw)
    flake = build_sample(lattice_dirac(), (4, 4), n_internal=2)
    with pytest.raises(LrtheoryError, match="torus"):
        greenwood_conductivity(flake, eta=0.1, ef=0.9)


class _FixedPhases(np.random.Generator):
    """A Generator whose ``random`` returns given numbers: the random-phase vectors
    ``exp(2 pi i u)`` of the stochastic trace become known vectors."""

    def __init__(self, u):
        super().__init__(np.random.PCG64(0))
        self.u = u

    def random(self, size=None, dtype=np.float64, out=None):
        assert tuple(size) == self.u.shape
        return self.u.copy()


def test_stochastic_trace_is_the_mean_of_per_vector_estimates():
    """With known phase vectors phi_r the stochastic result is the mean over r of
    t_r = (e^2/2 pi A) Re phi_r^+ v_b G^R v_c G^A phi_r (dense inverses here, not the sparse
    LU) and its error std(ddof=1)/sqrt(R) (numpy), entry by entry and for the Hall part;
    R = 3 so that ddof matters by sqrt(3/2)."""
    s = disorder(build_sample(lattice_dirac(0.5, 0.35), (4, 4), periodic=(True, True),
                              n_internal=2), "gaussian", 0.3, np.random.default_rng(1))
    kw = dict(eta=0.07, ef=0.6, k=np.array([0.1, 0.2]))
    u = np.random.default_rng(8).random((s.n_states, 3))
    st = greenwood_conductivity(s, n_vectors=3, rng=_FixedPhases(u), **kw)
    phi = np.exp(2j * np.pi * u)
    h = s.hamiltonian(kw["k"])
    gr = np.linalg.inv((kw["ef"] + 1j * kw["eta"]) * np.eye(s.n_states) - h)
    v = [np.asarray(s.field_velocity(e, kw["k"]) @ np.eye(s.n_states)) for e in np.eye(2)]
    area = abs(np.linalg.det(s.periods))
    t = np.array([[np.einsum("ir,ir->r", phi.conj(), v[b] @ gr @ v[c] @ gr.conj().T @ phi).real
                   for c in range(2)] for b in range(2)]) / (2 * np.pi * area)
    hall = 0.5 * (t[0, 1] - t[1, 0])
    np.testing.assert_allclose(st["sigma"], t.mean(-1), rtol=1e-9, atol=1e-13)
    np.testing.assert_allclose(st["sigma_sem"], t.std(-1, ddof=1) / np.sqrt(3), rtol=1e-9,
                               atol=1e-13)
    np.testing.assert_allclose([st["hall"], st["hall_sem"]],
                               [hall.mean(), hall.std(ddof=1) / np.sqrt(3)], rtol=1e-9,
                               atol=1e-13)
    assert st["hall_sem"] > 1e-4 * np.abs(t).max()      # the vectors do differ


def test_gaussian_disorder_has_variance_w2_and_no_fourth_cumulant():
    small = build_sample(square_rashba(), (4, 4), n_internal=2)
    d = disorder(small, "gaussian", 0.7, np.random.default_rng(5))
    block = d.amplitudes[len(small.amplitudes):].reshape(small.n_sites, 4)
    assert np.all(block[:, [1, 2]] == 0) and np.allclose(block[:, 0], block[:, 3])  # scalar
    assert d.time_reversal is not None                        # TR kept (spin independent)
    s = build_sample(lattice_dirac(), (45, 45), n_internal=2)
    n0 = len(s.amplitudes)
    out = {}
    for kind, W in (("gaussian", 0.7), ("anderson", 0.7 * np.sqrt(12))):  # same variance
        d = disorder(s, kind, W, np.random.default_rng(5))
        out[kind] = d.amplitudes[n0:].real.reshape(s.n_sites, 4)[:, 0]
    n = s.n_sites                                             # 2025 draws
    g = out["gaussian"]
    # sample variance: std 0.49 sqrt(2/n); excess kurtosis: std sqrt(24/n) = 0.11
    assert abs(g.var() - 0.49) <= 5 * 0.49 * np.sqrt(2 / n)
    kurt = lambda x: np.mean((x - x.mean()) ** 4) / x.var() ** 2 - 3  # noqa: E731
    assert abs(kurt(g)) <= 5 * np.sqrt(24 / n)
    # counter-example: the box has excess kurtosis -6/5 (its fourth cumulant -W^4/120)
    assert abs(kurt(out["anderson"]) + 1.2) <= 0.15 and kurt(out["anderson"]) < -0.8


def test_crossed_closed_form_has_the_two_properties_stated_in_the_abstract():
    """The only text of Ado et al. (EPL 111, 37004; arXiv:1504.03658) reachable here is its
    abstract: the crossed diagrams (i) reverse the sign of the skew-scattering term and (ii)
    strongly suppress the total Hall conductivity at high electron density. The quoted
    ``with_crossed`` form must have both. The ladder's parts (Sinitsyn et al. 2007) are
    intrinsic ``-(c/4 pi)``, side jump ``-(c/4 pi) 4(e^2 - m^2)/(e^2 + 3 m^2)`` and skew
    ``-(c/4 pi) 3 (e^2 - m^2)^2/(e^2 + 3 m^2)^2`` (``c = m/e``): their sum must be the ladder
    form, which lrtheory's ladder reproduces numerically (test_disorder_hall)."""
    for x in np.linspace(1.05, 20, 40):                          # x = e_F / m
        f = dirac_hall_closed_forms(x, 1.0)
        c, e2 = 1 / x, x * x
        sj = -c / (4 * np.pi) * 4 * (e2 - 1) / (e2 + 3)
        sk = -c / (4 * np.pi) * 3 * (e2 - 1) ** 2 / (e2 + 3) ** 2
        assert abs(f["intrinsic"] + sj + sk - f["ladder"]) <= 1e-14
        crossed = f["with_crossed"] - f["ladder"]
        assert np.sign(sk + crossed) == -np.sign(sk)            # (i) skew term reversed
    hi = dirac_hall_closed_forms(1e3, 1.0)
    # (ii) sigma ~ -(1/2pi) 8 m^3/e^3: suppressed by (m/e)^2 against the ladder (~ 4 m/e) ...
    assert abs(hi["with_crossed"] * 1e9 * 2 * np.pi + 8) < 1e-4
    assert abs(hi["with_crossed"] / hi["ladder"]) < 1e-5
    # ... while flipping the ladder's skew term alone (ladder - 2 sk) would leave 1/4 of it
    sk_hi = -1e-3 / (4 * np.pi) * 3 * (1e6 - 1) ** 2 / (1e6 + 3) ** 2
    assert abs((hi["ladder"] - 2 * sk_hi) / hi["ladder"] - 0.25) < 1e-3
