r"""Net torque, external torque and proper current of Bloch models (paper Eqs. 37-51,
App. IV, S25-S36), with the signs derived in docs/derivations.md ("Bulk responses").

All results are linear-response coefficients: a vector ``t`` (dim,) with
``T_bar / area = t . E`` (torque per unit area), or a matrix ``J[a, c]`` with
``J_bar_a / area = J[a, c] E_c``. Units: ``e [O] t0`` per ``a^2`` per field unit (hbar = 1).

Exact identity used (any Hamiltonian, finite ``eta``): the total torque of Eq. (37)
integrated over space is

.. math:: \bar T_O = e\,\eta\,\chi_{O,\mathbf r}(\omega=0,\eta)\cdot\mathbf E

(extrinsic part ``-i<[O, r]>`` plus ``chi_{dO/dt, r}``, using
``[dO/dt]_ab = i(e_a - e_b) O_ab``). In a Bloch model ``chi_{O, r}`` splits into an
intraband (Drude, relaxation-time) part ``tau sum f' Tr_D[O v^c]`` and an interband part
``sum_{n != m} (f_n - f_m)/(e_n - e_m + i eta) O_nm A^c_mn``. With ``tau = 1/eta`` (one
broadening for both, the clean limit) the intraband part of ``T_bar`` is
``e sum f' Tr_D[O v]`` for every ``eta``: the external torque of Eq. (43)/(44).
"""
from __future__ import annotations

from functools import partial

import numpy as np

from lrtheory.conventions import DEGEN_TOL, E_CHARGE
from lrtheory.errors import check_integer, check_positive, check_real_scalar
from lrtheory.kernels.occupation import fermi, fermi_derivative
from lrtheory.parallel.executor import kmap_reduce
from lrtheory.response.berry import band_operator
from lrtheory.response.fermi_surface import block_trace_product, quadrature
from lrtheory.response.hall import KIntegral, eigensystem

__all__ = ["net_torque", "external_torque", "external_torque_sea", "proper_current",
           "density_response"]


def _interband(eig, O, mu, T, eta):
    """sum_{n,m not degenerate} (f_n - f_m)/(e_n - e_m + i eta) O_nm A^c_mn, (Nk, d)."""
    e = eig.energies
    f = fermi(e, mu, T)
    d = e[:, :, None] - e[:, None, :]  # [n, m] = e_n - e_m
    deg = eig.degenerate()
    inv = np.where(deg, 0.0, 1.0 / np.where(deg, 1.0, d))
    A = 1j * eig.velocity * inv[:, None]  # A^c_mn = i v_mn/(e_n - e_m)  at [m, n]: careful
    # A^c_mn with [m, n] index: i v_mn / (e_n - e_m) = i v[m, n] * (-inv[m, n])
    A = -A
    L = (f[:, :, None] - f[:, None, :]) / (d + 1j * eta)
    L = np.where(deg, 0.0, L)
    # sum_{n,m} L[n,m] O[n,m] A[m,n]
    return np.einsum("knm,knm,kcmn->kc", L, O, A)


def _chunk(kw, *, model, op, mu, T, eta, tau, degen_tol, what):
    d = kw.shape[1] - 2
    k, w = kw[:, :d], kw[:, d:]
    eig = eigensystem(model, k, degen_tol)
    O = band_operator(eig, op, model)
    fp = fermi_derivative(eig.energies, mu, T)
    if what == "density":
        val = tau * np.einsum("kcn,kn->kc", block_trace_product(eig, O), fp)
        val = val + np.real(_interband(eig, O, mu, T, eta))
    elif what == "external":
        val = E_CHARGE * np.einsum("kcn,kn->kc", block_trace_product(eig, O), fp)
    elif what == "sea":
        # -e sum_n f_n d_c O_nn with d_c O_nn from the sum rule (block traced)
        e = eig.energies
        dd = e[:, :, None] - e[:, None, :]
        deg = eig.degenerate()
        inv = np.where(deg, 0.0, 1.0 / np.where(deg, 1.0, dd))  # 1/(e_n - e_m)
        dO = 2 * np.real(np.einsum("kcnm,kmn,knm->kcn", eig.velocity, O, inv))
        val = -E_CHARGE * np.einsum("kcn,kn->kc", dO, fermi(e, mu, T))
    elif what == "proper":
        # J[a, c] = e sum_n f'_n v^c_nn d^a_n,  d^a_n = sum_{m not in D(n)} Re(O_nm A^a_mn)
        e = eig.energies
        dd = e[:, :, None] - e[:, None, :]
        deg = eig.degenerate()
        inv = np.where(deg, 0.0, 1.0 / np.where(deg, 1.0, dd))  # [n, m] = 1/(e_n - e_m)
        # A^a_mn = i v^a_mn / (e_n - e_m)  -> at [n, m] of the product O_nm A_mn
        Aa = 1j * np.swapaxes(eig.velocity, -1, -2) * inv[:, None]
        dip = np.real(np.einsum("knm,kanm->kan", O, Aa))
        vdiag = np.real(np.einsum("kcnn->kcn", eig.velocity))
        val = E_CHARGE * np.einsum("kan,kcn,kn->kac", dip, vdiag, fp)
    else:  # pragma: no cover
        raise ValueError(what)
    return {"full": np.tensordot(w[:, 0], val, 1), "half": np.tensordot(w[:, 1], val, 1)}


def _run(model, op, mu, what, *, temperature, eta=1.0, tau=1.0, nk=None, k_max=None,
         n_r=400, n_theta=64, chunk_size=4096, workers=1, degen_tol=DEGEN_TOL, scale=1.0):
    T = check_positive("temperature", temperature)
    mu = check_real_scalar("mu", mu)
    check_positive("eta", eta)
    check_positive("tau", tau)
    check_positive("degen_tol", degen_tol, allow_zero=True)
    check_integer("chunk_size", chunk_size)
    kw, label = quadrature(model, nk=nk, k_max=k_max, n_r=n_r, n_theta=n_theta)
    func = partial(_chunk, model=model, op=op, mu=float(mu), T=T, eta=float(eta),
                   tau=float(tau), degen_tol=degen_tol, what=what)
    out = kmap_reduce(func, kw, chunk_size=chunk_size, workers=workers)
    return KIntegral(scale * out["full"], label, scale * (out["full"] - out["half"]),
                     {"temperature": T, "mu": float(mu), "eta": float(eta), "tau": float(tau)})


def density_response(model, op, mu, *, eta: float, tau: float | None = None,
                     temperature: float, **quad) -> KIntegral:
    r"""Total density response ``chi_{O, r_c}(omega = 0, eta)`` (dim,) of a Bloch model:
    intraband ``tau sum f' Tr_D[O v^c]`` (``tau = 1/eta`` by default) plus the interband
    Lindhard sum at finite ``eta``. ``delta<O>/area = e chi . E``. ``T > 0``."""
    check_positive("eta", eta)
    tau = 1.0 / eta if tau is None else check_positive("tau", tau)
    return _run(model, op, mu, "density", temperature=temperature, eta=eta, tau=tau, **quad)


def net_torque(model, op, mu, *, eta: float, tau: float | None = None, temperature: float,
               **quad) -> KIntegral:
    r"""Net torque per area at finite ``eta``, Eq. (41) before the ``eta -> 0`` limit:
    ``T_bar = e eta chi_{O, r}(eta) . E`` (exact; see module docstring). With TR and a
    TR-odd ``O`` this is Eq. (41)/(42): ``eta`` times the Fermi-surface density response."""
    chi = density_response(model, op, mu, eta=eta, tau=tau, temperature=temperature, **quad)
    return KIntegral(E_CHARGE * eta * chi.value, chi.nk, E_CHARGE * eta * chi.change_on_doubling,
                     chi.info)


def external_torque(model, op, mu, *, temperature: float, **quad) -> KIntegral:
    r"""External torque, Eq. (43) with the derived sign:
    ``T_ext = e sum_n int f'(e_n) Tr_D[O v] . E = -e N(e_F) <Re O v>_FS . E``
    (= ``T_bar/(eta tau)`` in the relaxation-time limit)."""
    return _run(model, op, mu, "external", temperature=temperature, **quad)


def external_torque_sea(model, op, mu, *, temperature: float, **quad) -> KIntegral:
    r"""External torque from the projected-operator form, Eqs. (44), (S33)-(S34):
    ``T_ext = -e sum_n int f_n d_k O_nn . E`` with ``d_k O_nn = 2 Re sum_{m not in D(n)}
    v_nm O_mn / (e_n - e_m)`` (sum rule, no finite differences; k-independent operators
    only: orbital-basis matrices or spin). Equal to :func:`external_torque` by parts."""
    if isinstance(op, str) and op == "orbital" or callable(op):
        raise NotImplementedError(
            "the sum-rule derivative needs a k-independent operator; use external_torque")
    return _run(model, op, mu, "sea", temperature=temperature, **quad)


def proper_current(model, op, mu, *, temperature: float, **quad) -> KIntegral:
    r"""Proper-current response, Eq. (51)/(S36) in our reading: ``J[a, c]`` (dim, dim) with

    .. math:: \bar{\mathcal J}_{O,a} = e\sum_n\int f'(\epsilon_n) v^c_{nn}\, d^a_n\, E_c,
              \qquad d^a_n = \sum_{m\notin D(n)}\mathrm{Re}(O_{nm}A^a_{mn}).

    ``[O * r_a]_nn`` of S36 is not defined for Bloch states (the intraband position
    ``i d/dk + A_nn`` is origin and gauge dependent); we keep its interband (dipole) part
    ``d^a_n``, gauge invariant and origin independent. The dropped intraband part adds
    ``R0 x`` (net torque) for an origin ``R0``: it is fixed only when the net torque
    vanishes, as the paper notes (Sec. II B). A Fermi-surface quantity: zero in a gapped
    insulator at ``T -> 0``.
    """
    return _run(model, op, mu, "proper", temperature=temperature, **quad)
