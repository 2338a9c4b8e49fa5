"""Kubo (exact-eigenstate) check of the proper current, paper Eqs. (14), (45)-(51), on
Haldane flakes with mu in the gap and a static uniform field E_x (H' = +e E.r).

Definitions (site-resolved, point-like orbitals, P_i the site projector):

* conventional current (Eq. 8):  j_{O,a}(i) = O * (v_a * P_i)  (``observables.current_density``);
* torque dipole (Eq. 45):        D_{O,a}(i) = r_a * (T_O * P_i), with the *total* torque
  T_O = i[H_E, O] = i[H_0, O] + i[e E.r, O] (intrinsic Eq. 36 + field part, as in Eq. 37);
  the intrinsic part is ``observables.torque_dipole_density``;
* proper current (Eq. 47):       J_{O,a}(i) = j_{O,a}(i) + D_{O,a}(i); and, independently, the
  Eq. (14)/(S35) form ``(i[H_E, O * r_a]) * P_i``. Since
  ``d/dt(O * r_a) = O * v_a + (dO/dt) * r_a`` the two have the same site sum (plus sign of
  Eq. 47); site by site they differ only in the nesting of the symmetrized products.

Responses: delta<A> = Tr(A drho) + Tr(dA rho0), drho_ba = e L_ab (E.r)_ba (Eq. 17-18).

What is found (docs/bulk.md, "Kubo check of the proper current"):

* with the valley operator O_V (TR odd, k-local) in TR-invariant gapped graphene the interior
  conventional current equals the bulk generalized Hall conductivity (S23), but the torque
  dipole does *not* cancel it in the interior (|D|/|j| < 1e-3): the interior proper current
  is the bulk valley Hall current. The cancellation happens only for the *integrated*
  current: sum_i D = -sum_i j, carried by the edges;
* the integrated proper current equals e eta chi_{O*r_a, r}(eta).E (Eq. 33 with omega + i eta)
  and vanishes as eta -> 0 in every gapped flake: as eta^2 with TR (a TR-odd density, no
  undergap response), as eta without TR.
"""
from __future__ import annotations

import numpy as np
import pytest

from lrtheory.conventions import E_CHARGE
from lrtheory.finite import observables as obs
from lrtheory.finite import response as resp
from lrtheory.finite.examples import LS, _bond_matrix, haldane_flake
from lrtheory.models.haldane import haldane
from lrtheory.response.hall import hall_conductivity

E_X = np.array([1.0, 0.0])
SITE_AREA = np.sqrt(3) / 4  # unit-cell area sqrt3/2 (a = 1), two sites per cell


def _sym(a, b):
    return 0.5 * (a @ b + b @ a)


def valley_operator(system) -> np.ndarray:
    """``O_V = sum_{r, n} i c_r^dag c_{r + l_n} + h.c.`` on both sublattices (TR odd; Bloch
    form ``-2 sum_n sin(k.l_n)`` times the identity, ~ valley tau_z near K, K')."""
    n = system.n_states
    o = np.zeros((n, n), complex)
    for lv in LS:
        o[_bond_matrix(system.positions, lv)] += 1j
    return o + o.conj().T


def _valley_bloch(eig):
    b = np.sin(eig.k @ LS.T).sum(-1)
    return -2 * b[:, None, None] * np.eye(eig.energies.shape[1])[None]


def _flake(nx, **kw):
    s = haldane_flake(nx, nx, **kw)
    e = s.eigensystem.energies
    i0 = np.searchsorted(e, 0.0)
    return s, 0.5 * (e[i0 - 1] + e[i0])  # mu mid-way in the gap at E = 0


def _interior(nx, border):
    cells = np.arange(2 * nx * nx) // 2
    c1, c2 = cells // nx, cells % nx
    return (c1 >= border) & (c1 < nx - border) & (c2 >= border) & (c2 < nx - border)


def _site_trace(system, b, s):
    """``Tr({B, P_i}/2 S)`` for all sites (S Hermitian)."""
    d = 0.5 * (np.einsum("jk,kj->j", s, b) + np.einsum("jk,kj->j", b, s))
    return np.bincount(system.site_index, weights=d.real, minlength=system.n_sites)


def proper_current_parts(system, o, mu, eta, origin=None, field=E_X):
    """Site-resolved static responses ``{(name, a): (N_sites,)}`` for name in j, D, J14."""
    eig = system.eigensystem
    e, u = eig.energies, eig.states
    f = resp.occupations(e, 0.0, mu)
    lam = (f[:, None] - f[None, :]) / (e[:, None] - e[None, :] + 1j * eta)
    rf = E_CHARGE * np.tensordot(field, obs.position(system), 1)  # e E.r (origin free up to a constant)
    drho = u @ (lam.T * (u.conj().T @ rf @ u)) @ u.conj().T
    rho0 = (u * f) @ u.conj().T
    v = obs.velocity(system)
    r = obs.position(system, origin)
    t_int = obs.time_derivative(system, o)
    t_ext = 1j * (rf @ o - o @ rf)
    out = {}
    for a in range(system.dim):
        out["j", a] = _site_trace(system, v[a], _sym(drho, o))
        out["D", a] = (_site_trace(system, t_int, _sym(drho, r[a]))
                       + _site_trace(system, t_ext, _sym(rho0, r[a])))
        orr = _sym(o, r[a])
        out["J14", a] = (_site_trace(system, obs.time_derivative(system, orr), drho)
                         + _site_trace(system, 1j * (rf @ orr - orr @ rf), rho0))
    return out


def test_contraction_matches_engine_operators():
    """Independent route: the engine's operator stacks (current_density,
    torque_dipole_density) through ``response``, plus the field part of D as an equilibrium
    expectation. Rounding-level agreement."""
    s, mu = _flake(3, delta=0.7, t2=0.1, phi=1.1)
    o = obs.orbital_moment(s)
    eta = 0.05
    got = proper_current_parts(s, o, mu, eta)
    x = obs.position(s)[0]
    j = resp.response(s, obs.current_density(s, o), x, eta=eta, ef=mu).real
    d_int = resp.response(s, obs.torque_dipole_density(s, o), x, eta=eta, ef=mu).real
    t_ext = obs.density_of_matrix(s, 1j * (x @ o - o @ x))  # (i[e E.r, O]) * P_i
    d_ext = resp.expectation(s, _sym(obs.position(s)[None], t_ext[:, None]), ef=mu).real
    for a in range(2):
        np.testing.assert_allclose(got["j", a], j[:, a], atol=1e-11)
        np.testing.assert_allclose(got["D", a], d_int[:, a] + d_ext[:, a], atol=1e-11)
    # Eq. (47) with the plus sign has the site sum of Eq. (14) exactly; j - D would not
    for a in range(2):
        tot47 = got["j", a].sum() + got["D", a].sum()
        np.testing.assert_allclose(tot47, got["J14", a].sum(), atol=1e-10)
        assert abs(got["j", a].sum() - got["D", a].sum() - got["J14", a].sum()) > 1e-3


@pytest.fixture(scope="module")
def tr_insulator():
    nx = 10
    s, mu = _flake(nx, delta=0.7)  # t2 = 0: gapped graphene, TR invariant, flake gap 1.4 t0
    assert s.is_tr_invariant
    return s, mu, _interior(nx, 3)


def test_valley_interior_conventional_current_is_bulk_hall(tr_insulator):
    """Interior j^y of O_V = bulk sigma^{O_V}_yx (S23) x site area. Decay length ~ v/Delta ~
    1.2 cells, interior 3 cells from the edges: measured deviation 2.0e-3 (nx = 10), 1.0e-3
    (nx = 14) relative; tolerance 5e-3. Bulk at nk = 120 (change on doubling 6e-17)."""
    s, mu, ins = tr_insulator
    parts = proper_current_parts(s, valley_operator(s), mu, 1e-3)
    bulk = hall_conductivity(haldane(delta=0.7), [0.0], nk=120, operator=_valley_bloch,
                             b=1, c=0).sigma[0] * SITE_AREA
    assert abs(bulk) > 0.1
    np.testing.assert_allclose(parts["j", 1][ins].mean(), bulk, rtol=5e-3)
    # longitudinal: sigma_xx^{O_V} = 0 in the bulk; the interior value is a finite-size
    # remainder (measured 1.7e-3 of the Hall value at nx = 10, 4.5e-4 at nx = 12)
    assert abs(parts["j", 0][ins].mean()) < 5e-3 * abs(bulk)


def test_torque_dipole_cancels_only_the_integrated_current(tr_insulator):
    """The torque dipole of O_V is ~0 in the interior (measured |D/j| = 8e-4): the interior
    proper current is the conventional (bulk valley Hall) current, not zero. The sum over
    the whole flake of D cancels that of j (to O(eta^2)): the compensating torque dipole
    sits at the edges."""
    s, mu, ins = tr_insulator
    p = proper_current_parts(s, valley_operator(s), mu, 1e-3)
    j, d, j14 = (p[k, 1] for k in ("j", "D", "J14"))
    ji = j[ins].mean()
    assert abs(d[ins].mean()) < 5e-3 * abs(ji)
    np.testing.assert_allclose(j14[ins].mean(), ji, rtol=5e-3)  # the Eq. (14) form agrees
    assert abs(j.sum()) > 10.0  # integrated conventional current: large
    assert abs(j.sum() + d.sum()) < 1e-6 * abs(j.sum())
    # the edges carry it: D summed outside the interior ~ -(all of j)
    np.testing.assert_allclose(d[~ins].sum(), -j.sum(), rtol=1e-3)


@pytest.mark.parametrize("t2, power, etas", [(0.0, 2, (1e-2, 1e-3)), (0.1, 1, (1e-4, 1e-5))])
def test_integrated_proper_current_is_eta_chi_and_vanishes(t2, power, etas):
    """sum_i J14(i) = e[-i<[O*r_a, r]> + chi_{d(O*r_a)/dt, r}].E (engine net_torque, global
    operator) = e eta chi_{O*r_a, r}(eta).E (Eq. 33 at omega = 0). It vanishes as eta -> 0:
    as eta^2 with TR (O*r_a is TR odd: no undergap response), as eta without TR (trivial
    Haldane phase, Delta = 0.7 > 3 sqrt3 t2, no edge states; for the OMM the eta^2 term
    dominates down to eta ~ 1e-3 there, hence the smaller etas). Literal OMM and O_V.
    A non-vanishing sum (a sign error in the field torque, say) fails the power law."""
    nx = 6
    s, mu = _flake(nx, delta=0.7, t2=t2)
    r = obs.position(s)
    for o in (obs.orbital_moment(s), valley_operator(s)):
        tots = []
        for eta in etas:
            p = proper_current_parts(s, o, mu, eta)
            tot = p["J14", 1].sum()
            ory = _sym(o, r[1])
            np.testing.assert_allclose(tot, resp.net_torque(s, ory, E_X, eta=eta, ef=mu),
                                       rtol=1e-8, atol=1e-13)
            chi = resp.response(s, ory, r[0], eta=eta, ef=mu)
            np.testing.assert_allclose(tot, (E_CHARGE * eta * chi).real, rtol=1e-8, atol=1e-13)
            tots.append(tot)
        ratio = tots[0] / tots[1]
        np.testing.assert_allclose(ratio, 10.0 ** power, rtol=0.15)
