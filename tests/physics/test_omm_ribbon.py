"""Ribbon OMM matrix elements: gauge, origin, cell choice, TR/inversion, printed Eq. 57, bulk.

Sources stated per test; see docs/derivations.md "Ribbons and the OMM density".
"""
import numpy as np
import pytest

from lrtheory.bands.eigensystem import Eigensystem
from lrtheory.conventions import ELECTRON_CHARGE as Q
from lrtheory.errors import GaugeError
from lrtheory.models.haldane import haldane
from lrtheory.parallel import blas_single_thread
from lrtheory.response.omm import (
    bulk_berry_curvature,
    bulk_omm,
    omm_diagonal_parts,
    omm_matrix,
    paper_omm_eq57,
    ribbon_position,
    ribbon_vy,
)


def _es(params, W=5, nk=48, k=None):
    rib = haldane(**params).ribbon(W)
    k = rib.k_grid(nk) if k is None else k
    with blas_single_thread():
        return rib, Eigensystem.compute(rib, k)


def test_omm_matrix_gauge_covariant(rng):
    # Source: m is built from covariant pieces (off-diagonal Berry connection, band-basis
    # operators): m(U W) = W^dagger m(U) W for any phases W.
    rib, es = _es(dict(t2=0.06, delta=0.3))
    es2 = es.randomize_gauge(rng)
    W = np.conj(np.swapaxes(es.states, -1, -2)) @ es2.states
    m1, m2 = omm_matrix(rib, es), omm_matrix(rib, es2)
    np.testing.assert_allclose(m2, np.conj(np.swapaxes(W, -1, -2)) @ m1 @ W, atol=1e-11)
    for key, val in omm_diagonal_parts(rib, es).items():
        np.testing.assert_allclose(omm_diagonal_parts(rib, es2)[key], val, atol=1e-11)


def test_offdiagonal_refused_with_degenerate_bands():
    # Source: gauge dependence of individual off-diagonal elements inside degenerate blocks.
    rib, es = _es(dict(t2=0.0, delta=0.0), k=np.array([[np.pi]]))
    es = Eigensystem.compute(rib, np.array([[np.pi]]), degen_tol=1e-6)
    with pytest.raises(GaugeError):
        omm_matrix(rib, es)


def test_origin_shift_changes_every_element_by_r0_cross_v():
    # Source: m_z = (q/4)(r x v - v x r); r -> r - R0 gives m -> m - (q/2)(R0 x v)_z
    # = m - (q/2)(X0 v_y - Y0 v_x) for every matrix element (PHYSICS-CHECKS item 2).
    rib, es = _es(dict(t2=0.06, delta=0.5))
    X0, Y0 = 0.37, -1.3
    m0 = omm_matrix(rib, es)
    m1 = omm_matrix(rib, es, origin=(X0, Y0))
    vy = ribbon_vy(es, ribbon_position(rib, es))
    vx = es.velocity[:, 0]
    np.testing.assert_allclose(m1 - m0, -(Q / 2) * (X0 * vy - Y0 * vx), atol=1e-12)


def test_move_orbital_leaves_diagonal_unchanged():
    # Source: moving an orbital to another cell is a k-dependent gauge (diagonal unitary);
    # the gauge-invariant diagonal parts cannot change (PHYSICS-CHECKS item 3).
    rib, es = _es(dict(t2=0.06, delta=0.3))
    moved = rib.move_orbital(2, (1,))
    es2 = Eigensystem.compute(moved, es.k)
    for key, val in omm_diagonal_parts(rib, es).items():
        np.testing.assert_allclose(omm_diagonal_parts(moved, es2)[key], val, atol=1e-11)


def test_tr_makes_m_odd_and_inversion_makes_it_even_in_k():
    # Source: Fig. 2a / 3c statements. TR (t2 = 0): m_nn(-k) = -m_nn(k) (m TR-odd, k -> -k).
    # C2 (Delta = 0): y -> -y, k -> -k, m_z (axial z) and v y even: m_nn(-k) = m_nn(k).
    k = np.linspace(0.1, 3.0, 15)[:, None]
    kk = np.concatenate([k, -k])
    for params, sign in ((dict(t2=0.0, delta=0.5), -1), (dict(t2=0.06, delta=0.0), +1)):
        rib, es = _es(params, k=kk)
        for key, val in omm_diagonal_parts(rib, es).items():
            np.testing.assert_allclose(val[15:], sign * val[:15], atol=1e-10, err_msg=key)


def test_printed_eq57_diagonal_and_gauge_dependence(rng):
    # Source: docs/derivations.md. The printed Eq. 57 diagonal = self-rotation + twice the
    # covariant centre-of-mass term, independent of the diagonal Berry connections; its
    # off-diagonal elements change when A_nn changes (a k-dependent phase choice) by
    # (q/4i)(e_l - e_n)(dA_n + dA_l) Y_nl, i.e. the printed formula is gauge dependent.
    rib, es = _es(dict(t2=0.06, delta=0.5))
    a0 = np.zeros_like(es.energies)
    a1 = rng.normal(size=es.energies.shape)
    p0, p1 = paper_omm_eq57(rib, es, a0), paper_omm_eq57(rib, es, a1)
    parts = omm_diagonal_parts(rib, es)
    np.testing.assert_allclose(np.einsum("knn->kn", p0).real, parts["paper"], atol=1e-11)
    np.testing.assert_allclose(np.einsum("knn->kn", p1), np.einsum("knn->kn", p0), atol=1e-11)
    e, Y = es.energies, ribbon_position(rib, es)
    expected = Q / 4j * (e[:, None, :] - e[:, :, None]) * (a1[:, :, None] + a1[:, None, :]) * Y
    np.testing.assert_allclose(p1 - p0, expected, atol=1e-11)
    assert np.abs(expected).max() > 1e-2  # the dependence is not negligible


@pytest.mark.parametrize("params", [dict(t2=0.06, delta=0.5, phi=np.pi / 3),
                                    dict(t2=0.06, delta=0.1, phi=np.pi / 3)])
def test_ribbon_total_moment_approaches_bulk_magnetization(params):
    # Source: modern theory of orbital magnetization (Thonhauser, Ceresoli, Vanderbilt,
    # Resta 2005; Xiao et al. 2005): the total moment of a finite sample per area tends to
    # M = sum_n int d^2k/(2pi)^2 f_n [m_n - q Omega_n (mu - e_n)] (charge q = -1). A ribbon's
    # equilibrium moment per length is sum_n int dk/2pi f_n m^paper_nn (eigenstate form, which
    # closes the circulation like a finite sample); per area it approaches M as 1/W, so the
    # Richardson value 2 M(2W) - M(W) must match M to O(1/W^2). phi = pi/3 makes M != 0;
    # the second case is topological (|Delta| < 3 sqrt3 t2 sin phi = 0.27).
    with blas_single_thread():
        _check_bulk_magnetization(params)


def _check_bulk_magnetization(params):
    model = haldane(**params)
    mu = 0.0
    if True:
        es = Eigensystem.compute(model, model.k_grid(60))
    f = (es.energies < mu).astype(float)
    m_bulk = (f * (bulk_omm(es) - Q * bulk_berry_curvature(es) * (mu - es.energies))
              ).sum(-1).mean() / (np.sqrt(3) / 2)
    vals = []
    for W in (16, 32):
        rib = model.ribbon(W)
        e2 = Eigensystem.compute(rib, rib.k_grid(800))
        part = omm_diagonal_parts(rib, e2)["paper"]
        vals.append(np.sum((e2.energies < mu) * part) / len(e2.k) / (W * np.sqrt(3) / 2))
    rich = 2 * vals[1] - vals[0]
    assert abs(rich - m_bulk) < 0.01 * abs(m_bulk)
    assert abs(vals[1] - m_bulk) > abs(rich - m_bulk)  # the 1/W approach is real


def test_printed_eq57_diagonal_origin_dependence_is_twice_the_lever_arm():
    # Source: derivations.md point 3: y -> y - Y0 changes the printed diagonal by q Y0 v_nn,
    # twice the -(q/2)(R0 x v)_nn = (q/2) Y0 v_nn of the operator identity (covariant form).
    rib, es = _es(dict(t2=0.06, delta=0.5))
    Y0 = 0.9
    a = np.zeros_like(es.energies)
    d0 = np.einsum("knn->kn", paper_omm_eq57(rib, es, a)).real
    d1 = np.einsum("knn->kn", paper_omm_eq57(rib, es, a, origin_y=Y0)).real
    v = np.einsum("knn->kn", es.velocity[:, 0]).real
    np.testing.assert_allclose(d1 - d0, Q * Y0 * v, atol=1e-12)
    c0 = omm_diagonal_parts(rib, es)["covariant"]
    c1 = omm_diagonal_parts(rib, es, origin_y=Y0)["covariant"]
    np.testing.assert_allclose(c1 - c0, (Q / 2) * Y0 * v, atol=1e-12)


def test_state_centres_gauge_invariant_with_degenerate_blocks(rng):
    # Source: Fig. 2b quantity; degenerate blocks are replaced by their (trace) average,
    # invariant under rotations inside the block. Graphene zigzag ribbon near k = pi.
    from lrtheory.response.omm import state_centres
    rib = haldane(t2=0.0, delta=0.0).ribbon(5)
    es = Eigensystem.compute(rib, np.linspace(2.9, np.pi, 7)[:, None], degen_tol=1e-6)
    assert np.any(es.degenerate() & ~np.eye(es.n_bands, dtype=bool))
    np.testing.assert_allclose(state_centres(rib, es.randomize_gauge(rng)),
                               state_centres(rib, es), atol=1e-10)
