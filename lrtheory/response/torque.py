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

Each response is a small :class:`~lrtheory.response.ksum.Integrand` (:class:`DensityResponse`,
:class:`ExternalTorque`, :class:`ExternalTorqueSea`, :class:`ProperCurrent`) on the k-sum
driver (:func:`lrtheory.response.ksum.ksum`; grid: :func:`~lrtheory.response.ksum.response_grid`,
the BZ grid of a lattice model or the polar quadrature of a continuum model). Results are
:class:`~lrtheory.result.KIntegral` views of the driver's Result (error: sub-grid estimate).
The bulk net torque is :func:`bulk_net_torque` (``net_torque`` is its deprecated name; the
finite-system one is :func:`lrtheory.finite.response.net_torque`).
"""
from __future__ import annotations

import warnings

import numpy as np

from lrtheory._compat import renamed_keywords
from lrtheory._docstrings import fill_docstring, shared_docs
from lrtheory.conventions import DEGEN_TOL, E_CHARGE
from lrtheory.errors import check_integer, check_positive, check_real_scalar
from lrtheory.kernels.occupation import fermi
from lrtheory.models.protocol import ensure_model
from lrtheory.response._band_integrand import DOCS, BandIntegrand, integrate, intraband_trace
from lrtheory.result import KIntegral

__all__ = ["bulk_net_torque", "external_torque", "external_torque_sea", "proper_current",
           "density_response", "DensityResponse", "ExternalTorque", "ExternalTorqueSea",
           "ProperCurrent", "net_torque"]

_UNIT = "e [O] t0 / a^2 per field unit"

# keywords before issue #14 (docs/conventions.md, glossary): op -> operator, mu -> ef
_renamed = renamed_keywords(op="operator", mu="ef")


def _interband(eig, O, ef, temperature, eta):
    """sum_{n,m not degenerate} (f_n - f_m)/(e_n - e_m + i eta) O_nm A^c_mn, (Nk, d)."""
    e = eig.energies
    f = fermi(e, ef, temperature)
    d = e[:, :, None] - e[:, None, :]  # [n, m] = e_n - e_m
    A = eig.berry_connection()  # A^c_mn = i v_mn/(e_n - e_m) at [c, m, n]
    L = (f[:, :, None] - f[:, None, :]) / (d + 1j * eta)
    L = np.where(eig.degenerate(), 0.0, L)
    # sum_{n,m} L[n,m] O[n,m] A[m,n]
    return np.einsum("knm,knm,kcmn->kc", L, O, A)


def _inverse_gaps(eig):
    """[n, m] = 1/(e_n - e_m), zero inside degenerate blocks."""
    e = eig.energies
    dd = e[:, :, None] - e[:, None, :]
    deg = eig.degenerate()
    return np.where(deg, 0.0, 1.0 / np.where(deg, 1.0, dd))


# numpydoc blocks shared by the integrands and the functions below (lrtheory._docstrings)
_docs = shared_docs(
    integrand_parameters=fill_docstring("""
        Parameters
        ----------
        %(operator_ef)s
        %(temperature)s
        eta : float
            Broadening (t0).
        tau : float
            Relaxation time (hbar/t0) of the intraband part.
        %(degen_tol)s
        """, DOCS),
    model_operator_ef=fill_docstring("""
        model : BlochModel
            Lattice model (``nk=``) or continuum model (``k_max=``, ``n_r=``, ``n_theta=``).
        %(operator_ef)s
        """, DOCS),
    eta_tau="""
        eta, tau : float
            Broadening (t0) and relaxation time (hbar/t0; default ``1/eta``).
        """,
    temperature_quad="""
        temperature : float
            ``T > 0`` (t0).
        **quad : dict
            Grid (``nk`` or ``k_max, n_r, n_theta``), ``chunk_size``, ``workers``, ``degen_tol``.
        """,
    returns_vector="""
        Returns
        -------
        KIntegral
            ``value`` (dim,) in ``e [O] t0`` per a^2 per unit field, sub-grid
            ``change_on_doubling``.
        """,
)


class _BandIntegrand(BandIntegrand):
    """The torque integrands: :class:`~lrtheory.response._band_integrand.BandIntegrand`
    with a broadening ``eta`` and a relaxation time ``tau``."""

    units = {"value": _UNIT}

    @_renamed
    def __init__(self, operator, ef, *, temperature, eta=1.0, tau=1.0, degen_tol=DEGEN_TOL):
        super().__init__(operator, ef, temperature=temperature, degen_tol=degen_tol)
        self.eta, self.tau = float(eta), float(tau)

    def settings(self):
        # key "mu" kept: recorded in golden outputs (rename with a re-record)
        return {"temperature": self.temperature, "mu": self.ef, "eta": self.eta,
                "tau": self.tau}


@_docs
class DensityResponse(_BandIntegrand):
    r"""``chi_{O, r_c}(omega = 0, eta)`` (dim,): intraband ``tau sum f' Tr_D[O v^c]`` plus
    the interband Lindhard sum ``sum_{n != m} (f_n - f_m)/(e_n - e_m + i eta) O_nm A^c_mn``
    (Eqs. 20-32 for a Bloch model); ``delta<O>/area = e chi . E`` (units ``[O] a / t0`` per
    a^2). Both Fermi sea and surface; TR parity depends on ``O``.

    %(integrand_parameters)s
    """

    name = "density_response"
    kind = "both"

    def _value(self, eig, O, fp):
        val = self.tau * intraband_trace(eig, O, fp)
        return val + np.real(_interband(eig, O, self.ef, self.temperature, self.eta))


@_docs
class ExternalTorque(_BandIntegrand):
    r"""External torque, Eq. (43) with the derived sign: ``e sum_n f'(e_n) Tr_D[O v]``
    (dim,) (``e [O] t0`` per a^2 per field unit). Fermi surface.

    %(integrand_parameters)s
    """

    name = "external_torque"
    kind = "surface"

    def _value(self, eig, O, fp):
        return E_CHARGE * intraband_trace(eig, O, fp)


@_docs
class ExternalTorqueSea(_BandIntegrand):
    r"""External torque from the projected operator, Eqs. (44), (S33)-(S34):
    ``-e sum_n f_n d_c O_nn`` with ``d_c O_nn = 2 Re sum_{m not in D(n)} v_nm O_mn /
    (e_n - e_m)`` (sum rule; k-independent ``O``). Fermi sea.

    %(integrand_parameters)s
    """

    name = "external_torque_sea"
    kind = "sea"

    def _value(self, eig, O, fp):
        dO = 2 * np.real(np.einsum("kcnm,kmn,knm->kcn", eig.velocity, O, _inverse_gaps(eig)))
        return -E_CHARGE * np.einsum("kcn,kn->kc", dO,
                                     fermi(eig.energies, self.ef, self.temperature))


@_docs
class ProperCurrent(_BandIntegrand):
    r"""Proper-current response, Eq. (51)/(S36) in our reading: ``J[a, c] = e sum_n
    f'_n v^c_nn d^a_n`` with the dipole ``d^a_n = sum_{m not in D(n)} Re(O_nm A^a_mn)``
    (dim, dim). Fermi surface.

    %(integrand_parameters)s
    """

    name = "proper_current"
    kind = "surface"

    def _value(self, eig, O, fp):
        # A^a_mn = i v^a_mn / (e_n - e_m)  -> at [n, m] of the product O_nm A_mn
        Aa = np.swapaxes(eig.berry_connection(), -1, -2)
        dip = np.real(np.einsum("knm,kanm->kan", O, Aa))
        vdiag = np.real(np.einsum("kcnn->kcn", eig.velocity))
        return E_CHARGE * np.einsum("kan,kcn,kn->kac", dip, vdiag, fp)


def _run(integrand_class, model, operator, ef, *, temperature, eta=1.0, tau=1.0, nk=None,
         k_max=None, n_r=400, n_theta=64, chunk_size=4096, workers=1, degen_tol=DEGEN_TOL):
    model = ensure_model(model, where=integrand_class.name)
    temperature = check_positive("temperature", temperature)
    ef = check_real_scalar("ef", ef)
    check_positive("eta", eta)
    check_positive("tau", tau)
    check_positive("degen_tol", degen_tol, allow_zero=True)
    check_integer("chunk_size", chunk_size)
    integrand = integrand_class(operator, ef, temperature=temperature, eta=eta, tau=tau,
                                degen_tol=degen_tol)
    return integrate(integrand, model, nk=nk, k_max=k_max, n_r=n_r, n_theta=n_theta,
                     chunk_size=chunk_size, workers=workers)


@_docs
@_renamed
def density_response(model, operator, ef, *, eta: float, tau: float | None = None,
                     temperature: float, **quad) -> KIntegral:
    r"""Total density response ``chi_{O, r_c}(omega = 0, eta)`` (dim,) of a Bloch model
    (:class:`DensityResponse`): intraband ``tau sum f' Tr_D[O v^c]`` (``tau = 1/eta`` by
    default) plus the interband Lindhard sum at finite ``eta``. ``delta<O>/area = e chi . E``.

    Parameters
    ----------
    model : BlochModel (lattice: ``nk=``; continuum: ``k_max=``, ``n_r=``, ``n_theta=``)
    operator : operator spec (:func:`lrtheory.response.berry.band_operator`)
    ef : float
        Fermi energy (t0).
    %(eta_tau)s
    temperature : float
        ``T > 0`` (t0).
    **quad
        Grid (``nk`` or ``k_max, n_r, n_theta``), ``chunk_size``, ``workers``, ``degen_tol``.

    Returns
    -------
    KIntegral
        ``value`` (dim,), sub-grid ``change_on_doubling``.
    """
    check_positive("eta", eta)
    tau = 1.0 / eta if tau is None else check_positive("tau", tau)
    return _run(DensityResponse, model, operator, ef, temperature=temperature, eta=eta, tau=tau,
                **quad)


@_docs
@_renamed
def bulk_net_torque(model, operator, ef, *, eta: float, tau: float | None = None,
                    temperature: float, **quad) -> KIntegral:
    r"""Net torque per area of a Bloch model at finite ``eta``, Eq. (41) before the
    ``eta -> 0`` limit: ``T_bar = e eta chi_{O, r}(eta) . E`` (exact; module docstring),
    (dim,) in ``e [O] t0`` per a^2 per field unit. With TR and a TR-odd ``O`` this is
    Eq. (41)/(42): ``eta`` times the Fermi-surface density response. Parameters as
    :func:`density_response`.

    Parameters
    ----------
    %(model_operator_ef)s
    %(eta_tau)s
    %(temperature_quad)s

    %(returns_vector)s
    """
    chi = density_response(model, operator, ef, eta=eta, tau=tau, temperature=temperature, **quad)
    return KIntegral.from_result(chi, scale=E_CHARGE * eta, nk=chi.nk)


@_docs
@_renamed
def net_torque(model, operator, ef, *, eta: float, tau: float | None = None, temperature: float,
               **quad) -> KIntegral:
    """Deprecated name of :func:`bulk_net_torque` (the finite system's is
    :func:`lrtheory.finite.response.net_torque`).

    Parameters
    ----------
    %(model_operator_ef)s
    %(eta_tau)s
    %(temperature_quad)s

    Returns
    -------
    KIntegral
        As :func:`bulk_net_torque`.
    """
    warnings.warn("lrtheory.response.torque.net_torque is deprecated: use bulk_net_torque "
                  "(the finite system's is lrtheory.finite.response.net_torque)",
                  DeprecationWarning, stacklevel=2)
    return bulk_net_torque(model, operator, ef, eta=eta, tau=tau, temperature=temperature, **quad)


@_docs
@_renamed
def external_torque(model, operator, ef, *, temperature: float, **quad) -> KIntegral:
    r"""External torque, Eq. (43) with the derived sign (:class:`ExternalTorque`):
    ``T_ext = e sum_n int f'(e_n) Tr_D[O v] . E = -e N(e_F) <Re O v>_FS . E``
    (= ``T_bar/(eta tau)`` in the relaxation-time limit), (dim,) in ``e [O] t0`` per a^2.
    Parameters as :func:`density_response` (no ``eta``/``tau``).

    Parameters
    ----------
    %(model_operator_ef)s
    %(temperature_quad)s

    %(returns_vector)s
    """
    return _run(ExternalTorque, model, operator, ef, temperature=temperature, **quad)


@_docs
@_renamed
def external_torque_sea(model, operator, ef, *, temperature: float, **quad) -> KIntegral:
    r"""External torque from the projected-operator form, Eqs. (44), (S33)-(S34)
    (:class:`ExternalTorqueSea`): ``T_ext = -e sum_n int f_n d_k O_nn . E`` with
    ``d_k O_nn = 2 Re sum_{m not in D(n)} v_nm O_mn / (e_n - e_m)`` (sum rule, no finite
    differences; k-independent operators only: orbital-basis matrices or spin). Equal to
    :func:`external_torque` by parts. Parameters as :func:`external_torque`.

    Parameters
    ----------
    %(model_operator_ef)s
    %(temperature_quad)s

    %(returns_vector)s
    """
    if isinstance(operator, str) and operator == "orbital" or callable(operator):
        raise NotImplementedError(
            "the sum-rule derivative needs a k-independent operator; use external_torque")
    return _run(ExternalTorqueSea, model, operator, ef, temperature=temperature, **quad)


@_docs
@_renamed
def proper_current(model, operator, ef, *, temperature: float, **quad) -> KIntegral:
    r"""Proper-current response, Eq. (51)/(S36) in our reading (:class:`ProperCurrent`):
    ``J[a, c]`` (dim, dim) with

    .. math:: \bar{\mathcal J}_{O,a} = e\sum_n\int f'(\epsilon_n) v^c_{nn}\, d^a_n\, E_c,
              \qquad d^a_n = \sum_{m\notin D(n)}\mathrm{Re}(O_{nm}A^a_{mn}).

    ``[O * r_a]_nn`` of S36 is not defined for Bloch states (the intraband position
    ``i d/dk + A_nn`` is origin and gauge dependent); we keep its interband (dipole) part
    ``d^a_n``, gauge invariant and origin independent. The dropped intraband part adds
    ``R0 x`` (net torque) for an origin ``R0``: it is fixed only when the net torque
    vanishes, as the paper notes (Sec. II B). A Fermi-surface quantity: zero in a gapped
    insulator at ``T -> 0``. Parameters as :func:`external_torque`.

    Parameters
    ----------
    %(model_operator_ef)s
    %(temperature_quad)s

    Returns
    -------
    KIntegral
        ``value`` (dim, dim) ``J[a, c]``, the coefficient of ``E_c``: ``e sum_n int
        d^2k/(2pi)^2 f'_n v^c_nn d^a_n`` (f' in 1/t0, v in a t0/hbar, d in [O] a);
        sub-grid ``change_on_doubling``.
    """
    return _run(ProperCurrent, model, operator, ef, temperature=temperature, **quad)
