r"""Kubo response of a finite system from its exact eigenstates (paper Eq. 16-18, 20-21).

.. math::
    \chi_{A,B}(\omega) = \sum_{\alpha\beta} \mathcal L^\eta_{\alpha\beta}(\omega)
        A_{\alpha\beta} B_{\beta\alpha}, \qquad
    \mathcal L^\eta_{\alpha\beta}(\omega) = \frac{f_\alpha - f_\beta}
        {\epsilon_\alpha - \epsilon_\beta + \omega + i\eta},

the response ``delta <A> = chi_{A,B} F`` to ``H' = + B F`` (:mod:`lrtheory.conventions`).
The density response to a uniform static field, ``H_E = H_0 + e E.r`` (Eq. 3), is
``delta n_O(i) = e chi_{n_O(i), r} . E`` (Eq. 20).

The Lindhard factor is split exactly, at finite ``eta``, into (Eq. 26 before the limit)

* ``"undergap"``: ``Re L = (f_a - f_b) D / (D^2 + eta^2)`` (``D = e_a - e_b + omega``), the
  principal-part piece, which tends to Eq. (32)'s ``P (f_a - f_b)/(e_a - e_b)``;
* ``"fermi"``: ``i Im L = -i (f_a - f_b) eta / (D^2 + eta^2)``, the dissipative Fermi-level
  piece, ``-> -i pi (f_a - f_b) delta(D)`` (Eq. 26-27).

``"total" = "undergap" + "fermi"``. Every function transforms to the eigenbasis once and
sums over state pairs with ``einsum``/matmul; all accept an ``eigensystem`` override (any
orthonormal eigenbasis of ``H``: the results are gauge invariant).

Units: ``hbar = e = 1``; ``eta``, ``omega``, ``temperature``, ``ef`` (Fermi energy) in t0
(``k_B = 1``); ``chi_{A,B}`` in ``[A][B]/t0``; the field ``E`` in t0/(e a).
"""
from __future__ import annotations

import numpy as np

from lrtheory._compat import renamed_keywords
from lrtheory._docstrings import shared_docs
from lrtheory.conventions import E_CHARGE
from lrtheory.errors import ConventionError, ShapeError, check_finite, check_positive
from lrtheory.finite import observables as obs
from lrtheory.finite.system import Eigensystem, FiniteSystem
from lrtheory.kernels.occupation import fermi
from lrtheory.kernels.lindhard import LINDHARD, LINDHARD_IM, LINDHARD_RE

__all__ = [
    "PARTS",
    "occupations",
    "lindhard",
    "response",
    "expectation",
    "commutator_expectation",
    "site_density_response",
    "density_accumulation",
    "accumulation_parts",
    "torque_accumulation",
    "net_torque",
]

PARTS = ("total", "undergap", "fermi")

# ``mu=`` was the keyword of the Fermi energy before issue #14 (glossary: ``ef``)
_ef_keyword = renamed_keywords(mu="ef")


# numpydoc entries shared by several functions below (lrtheory._docstrings); the run
# settings (kubo, part, eigensystem) come in the order of the signatures
_KUBO = """eta, omega, temperature, ef : float
    Broadening (> 0; ``1/tau``), frequency, ``k_B T`` (>= 0), Fermi energy (t0; ``mu=``
    is the deprecated spelling of ``ef``).
"""
_PART = """part : "total", "undergap" or "fermi"
    Which piece of the Lindhard factor (module docstring).
"""
_EIGENSYSTEM = """eigensystem : Eigensystem, optional
    Another gauge of the same ``H`` (default ``system.eigensystem``).
"""
_docs = shared_docs(
    parameters="""
    Parameters
    ----------
    system : FiniteSystem
        Energies t0, positions a.
    """,
    kubo=_KUBO,
    kubo_eigensystem=_KUBO + _EIGENSYSTEM,
    kubo_part_eigensystem=_KUBO + _PART + _EIGENSYSTEM,
    occupation_eigensystem="""temperature, ef : float
    ``k_B T`` (>= 0) and Fermi energy (t0; ``mu=`` is deprecated).
""" + _EIGENSYSTEM,
    field="""
    field : (d,) array or None
        Uniform field ``E`` (t0/(e a)); the coupling is ``+ e E . r`` (Eq. 3). ``None``:
        unit field along x.
    """,
    field_x="""
    field : (d,) array or None
        Uniform field ``E`` (t0/(e a)); ``None``: unit field along x.
    """,
    density_operator="""
    operator : (..., N, N) Hermitian array or None
        ``O`` (``None``: particle number; pass ``q * identity`` for charge).
    """,
)


def _check_params(eta, omega, temperature, ef, part):
    eta = check_positive("eta", eta)
    temperature = check_positive("temperature", temperature, allow_zero=True)
    try:
        omega = float(omega)
        ef = float(ef)
    except (TypeError, ValueError):
        raise ConventionError(f"omega and ef must be real numbers, got {omega!r}, {ef!r}") from None
    if not (np.isfinite(omega) and np.isfinite(ef)):
        raise ConventionError(f"omega and ef must be finite, got omega={omega}, ef={ef}")
    if part not in PARTS:
        raise ConventionError(f"part must be one of {PARTS}, got {part!r}")
    return eta, omega, temperature, ef


def _eig(system: FiniteSystem, eigensystem: Eigensystem | None) -> Eigensystem:
    if eigensystem is None:
        return system.eigensystem
    eigensystem.check(system.hamiltonian)
    return eigensystem


@_ef_keyword
def occupations(energies, temperature: float = 0.0, ef: float = 0.0) -> np.ndarray:
    """Fermi-Dirac occupations ``f_a`` (T = 0: step, ``f(ef) = 1/2``), the ``f`` of Eq. 18.

    Parameters
    ----------
    energies : array_like
        Energies (t0).
    temperature : float
        ``k_B T`` (t0), >= 0.
    ef : float
        Fermi energy (t0); ``mu=`` is its deprecated spelling.

    Returns
    -------
    ndarray
        Occupations in [0, 1], shape of ``energies``.
    """
    return fermi(energies, ef, temperature)


@_ef_keyword
@_docs
def lindhard(energies, *, eta: float, omega: float = 0.0, temperature: float = 0.0,
             ef: float = 0.0, part: str = "total") -> np.ndarray:
    r"""Lindhard factor ``L_ab = (f_a - f_b)/(e_a - e_b + omega + i eta)`` (Eq. 18), or a part.

    Parameters
    ----------
    energies : (N,) array
        Eigenenergies (t0).
    %(kubo)s
    part : "total", "undergap" (``Re L``) or "fermi" (``i Im L``)
        Which piece (module docstring).

    Returns
    -------
    ndarray
        (N, N) complex (1/t0).
    """
    eta, omega, temperature, ef = _check_params(eta, omega, temperature, ef, part)
    e = np.asarray(energies, dtype=float)
    f = occupations(e, temperature, ef)
    # weights compiled from the symbolic layer (lrtheory.kernels.lindhard, Eq. 18 / S8)
    args = (f[:, None], f[None, :], e[:, None], e[None, :], omega, eta)
    if part == "total":
        return LINDHARD(*args)
    if part == "undergap":
        return LINDHARD_RE(*args).astype(complex)
    return 1j * LINDHARD_IM(*args)


def _stack(system: FiniteSystem, a, name: str) -> tuple[np.ndarray, tuple]:
    a = check_finite(name, a)
    n = system.n_states
    if a.ndim < 2 or a.shape[-2:] != (n, n):
        raise ShapeError(f"{name} must have shape (..., {n}, {n}), got {a.shape}")
    batch = a.shape[:-2]
    return a.reshape((-1, n, n)).astype(complex), batch


@_ef_keyword
@_docs
def response(system: FiniteSystem, a, b, *, eta: float, omega: float = 0.0,
             temperature: float = 0.0, ef: float = 0.0, part: str = "total",
             eigensystem: Eigensystem | None = None) -> np.ndarray:
    r"""``chi_{A,B}(omega)`` (Eq. 17) for stacks of observables at once.

    %(parameters)s
    a : (..., N, N) array
        Observed operators (site basis).
    b : (..., N, N) array
        Operators the field couples to, ``H' = + B F``.
    %(kubo_part_eigensystem)s

    Returns
    -------
    ndarray
        Complex, shape ``a.shape[:-2] + b.shape[:-2]`` (``[A][B]/t0``).
    """
    eta, omega, temperature, ef = _check_params(eta, omega, temperature, ef, part)
    eig = _eig(system, eigensystem)
    a_, ab = _stack(system, a, "A")
    b_, bb = _stack(system, b, "B")
    ae = eig.to_eigenbasis(a_)
    be = eig.to_eigenbasis(b_)
    lam = lindhard(eig.energies, eta=eta, omega=omega, temperature=temperature, ef=ef, part=part)
    out = np.einsum("ab,iab,jba->ij", lam, ae, be, optimize=True)
    return out.reshape(ab + bb)


@_ef_keyword
@_docs
def expectation(system: FiniteSystem, a, *, temperature: float = 0.0, ef: float = 0.0,
                eigensystem: Eigensystem | None = None) -> np.ndarray:
    r"""Equilibrium average ``<A> = sum_a f_a A_aa`` for a stack ``(..., N, N)``.

    %(parameters)s
    a : (..., N, N) array
        Operators (site basis).
    %(occupation_eigensystem)s

    Returns
    -------
    ndarray
        Complex, shape ``a.shape[:-2]`` (units of ``A``).
    """
    temperature = check_positive("temperature", temperature, allow_zero=True)
    eig = _eig(system, eigensystem)
    a_, ab = _stack(system, a, "A")
    f = occupations(eig.energies, temperature, ef)
    u = eig.states
    val = np.einsum("a,ja,ijk,ka->i", f, u.conj(), a_, u, optimize=True)
    return val.reshape(ab)


@_ef_keyword
@_docs
def commutator_expectation(system: FiniteSystem, a, b, *, temperature: float = 0.0,
                           ef: float = 0.0, eigensystem: Eigensystem | None = None) -> np.ndarray:
    r"""``<[A, B]> = sum_ab (f_a - f_b) A_ab B_ba`` (Eq. 33, 40).

    %(parameters)s
    a, b : (..., N, N) array
        Operators (site basis).
    %(occupation_eigensystem)s

    Returns
    -------
    ndarray
        Complex, shape ``a.shape[:-2] + b.shape[:-2]`` (``[A][B]``).
    """
    temperature = check_positive("temperature", temperature, allow_zero=True)
    eig = _eig(system, eigensystem)
    a_, ab = _stack(system, a, "A")
    b_, bb = _stack(system, b, "B")
    f = occupations(eig.energies, temperature, ef)
    df = f[:, None] - f[None, :]
    out = np.einsum("ab,iab,jba->ij", df, eig.to_eigenbasis(a_), eig.to_eigenbasis(b_),
                    optimize=True)
    return out.reshape(ab + bb)


@_ef_keyword
@_docs
def site_density_response(system: FiniteSystem, operator=None, probe=None, *, eta: float,
                          omega: float = 0.0, temperature: float = 0.0, ef: float = 0.0,
                          part: str = "total", eigensystem: Eigensystem | None = None
                          ) -> np.ndarray:
    r"""``chi_{n_O(i), B}`` for every site ``i`` at once (Eq. 21), without building ``n_O(i)``.

    With ``n_O(i) = {O, P_i}/2`` and ``P_i = sum_{mu in i} |mu><mu|``,

    .. math::
        [n_O(i)]_{ab} = \tfrac12 \sum_{\mu\in i}
            \big[(U^\dagger O)_{a\mu} U_{\mu b} + U^*_{\mu a} (O U)_{\mu b}\big],

    so ``chi_i = sum_ab L_ab [n_O(i)]_ab B_ba`` is one contraction per basis state ``mu``
    followed by a sum over the states of each site.

    %(parameters)s
    operator : (..., N, N) Hermitian array or None
        ``O`` (``None``: identity, the particle density). ``O`` need not be site-local.
    probe : (..., N, N) array or None
        ``B``; default: the position operators ``r_a`` (shape ``(d, N, N)``), i.e. the
        response to a uniform field (Eq. 20-21).
    %(kubo_part_eigensystem)s

    Returns
    -------
    ndarray
        Complex, shape ``operator.batch + (N_sites,) + probe.batch`` (``[O][B]/t0`` per site).
    """
    eta, omega, temperature, ef = _check_params(eta, omega, temperature, ef, part)
    eig = _eig(system, eigensystem)
    n = system.n_states
    o = np.eye(n, dtype=complex) if operator is None else obs.as_operator(system, operator)
    o_, ob = _stack(system, o, "operator")
    b = obs.position(system) if probe is None else probe
    b_, bb = _stack(system, b, "probe")
    u = eig.states
    lam = lindhard(eig.energies, eta=eta, omega=omega, temperature=temperature, ef=ef, part=part)
    k = lam[None] * np.swapaxes(eig.to_eigenbasis(b_), -1, -2)  # K[m,a,b] = L_ab B_ba
    c = u.conj().T @ o_  # (k, a, mu)
    d = o_ @ u  # (k, mu, b)
    kut = k @ u.T  # (m, a, mu)
    g = u.conj() @ k  # (m, mu, b)
    w = 0.5 * (np.einsum("kam,jam->kmj", c, kut, optimize=True)
               + np.einsum("jmb,kmb->kmj", g, d, optimize=True))  # (k, mu, m)
    w = w.reshape(o_.shape[0], system.n_sites, system.n_internal, b_.shape[0]).sum(axis=2)
    return w.reshape(ob + (system.n_sites,) + bb)


def _field(system: FiniteSystem, field) -> np.ndarray:
    if field is None:
        return np.eye(system.dim)[0]
    e = check_finite("field", np.asarray(field, dtype=float)).reshape(-1)
    if e.shape != (system.dim,):
        raise ShapeError(f"field E must have {system.dim} components, got shape {e.shape}")
    return e


@_ef_keyword
@_docs
def density_accumulation(system: FiniteSystem, operator=None, field=None, *, eta: float,
                         omega: float = 0.0, temperature: float = 0.0, ef: float = 0.0,
                         part: str = "total", eigensystem: Eigensystem | None = None
                         ) -> np.ndarray:
    r"""Site-resolved density response ``delta n_O(i) = e chi_{n_O(i), r} . E`` (Eq. 20).

    %(parameters)s
    %(density_operator)s
    %(field)s
    %(kubo_part_eigensystem)s

    Returns
    -------
    ndarray
        Shape ``operator.batch + (N_sites,)`` (``[O]`` per site, per unit field if ``field`` is
        a unit vector): real at ``omega = 0`` (the imaginary part of the static response,
        and of each of its two parts, vanishes identically: the sums are invariant under
        ``a <-> b`` plus complex conjugation), complex otherwise.
    """
    e = _field(system, field)
    chi = site_density_response(system, operator, None, eta=eta, omega=omega,
                                temperature=temperature, ef=ef, part=part,
                                eigensystem=eigensystem)
    out = E_CHARGE * chi @ e
    return out.real if float(omega) == 0.0 else out


@_ef_keyword
@_docs
def accumulation_parts(system: FiniteSystem, operator=None, field=None, *, eta: float,
                       omega: float = 0.0, temperature: float = 0.0, ef: float = 0.0,
                       eigensystem: Eigensystem | None = None) -> dict[str, np.ndarray]:
    r"""``{"total", "undergap", "fermi"}`` density accumulations (Eq. 26-27, 31-32).

    ``total = undergap + fermi`` exactly at finite ``eta``; Eq. 31's ``L^n`` read as
    ``L^eta`` (docs/derivations.md, finding 12).

    %(parameters)s
    %(density_operator)s
    %(field)s
    %(kubo_eigensystem)s

    Returns
    -------
    dict
        ``"total"``, ``"undergap"``, ``"fermi"`` -> arrays as
        :func:`density_accumulation` returns (``[O]`` per site).
    """
    kw = dict(eta=eta, omega=omega, temperature=temperature, ef=ef, eigensystem=eigensystem)
    parts = {p: density_accumulation(system, operator, field, part=p, **kw) for p in PARTS[1:]}
    parts["total"] = parts["undergap"] + parts["fermi"]
    return parts


def _site_commutator_with_position(system, operator, eig, temperature, ef) -> np.ndarray:
    """``<[n_O(i), r_a]>`` for all sites: (k, N_sites, d)."""
    o_, _ = _stack(system, operator, "operator")
    f = occupations(eig.energies, temperature, ef)
    rho = (eig.states * f) @ eig.states.conj().T  # rho_{jk}
    x = system.orbital_positions  # (N, d)
    dx = x[None, :, :] - x[:, None, :]  # dx[j, k] = x_k - x_j
    q = (rho.T[None, :, :, None] * o_[..., None]) * dx[None]  # Q[k, j, kk, a]
    m = obs.site_mask(system)  # (Ns, N)
    col = q.sum(axis=1)  # sum_j -> (k, kk, a)
    row = q.sum(axis=2)  # sum_kk -> (k, j, a)
    return 0.5 * (np.einsum("sn,kna->ksa", m, col) + np.einsum("sn,kna->ksa", m, row))


@_ef_keyword
@_docs
def torque_accumulation(system: FiniteSystem, operator, field, *, eta: float,
                        omega: float = 0.0, temperature: float = 0.0, ef: float = 0.0,
                        eigensystem: Eigensystem | None = None) -> np.ndarray:
    r"""Site-resolved torque response (Eq. 37):

    .. math:: T_O(i) = e\,[-i\langle[n_O(i), \mathbf r]\rangle
                        + \chi_{T^{int}_O(i), \mathbf r}] \cdot \mathbf E,

    the field ("extrinsic") torque plus the response of the intrinsic torque density
    ``T^int_O(i) = (i[H_0, O]) * P_i`` (Eq. 36).

    %(parameters)s
    operator : (N, N) Hermitian array
        ``O`` (one operator).
    %(field_x)s
    %(kubo_eigensystem)s

    Returns
    -------
    ndarray
        (N_sites,) (``[O]`` t0/hbar per site): real at ``omega = 0``, complex otherwise.
    """
    eta, omega, temperature, ef = _check_params(eta, omega, temperature, ef, "total")
    e = _field(system, field)
    eig = _eig(system, eigensystem)
    o = obs.as_operator(system, operator)
    if o.ndim != 2:
        raise ShapeError("torque_accumulation takes a single operator O (N, N)")
    ext = -1j * _site_commutator_with_position(system, o, eig, temperature, ef)[0] @ e
    odot = obs.time_derivative(system, o)
    chi = site_density_response(system, odot, None, eta=eta, omega=omega,
                                temperature=temperature, ef=ef, eigensystem=eig)
    out = E_CHARGE * (ext + chi @ e)
    return out.real if omega == 0.0 else out


@_ef_keyword
@_docs
def net_torque(system: FiniteSystem, operator, field, *, eta: float, omega: float = 0.0,
               temperature: float = 0.0, ef: float = 0.0,
               eigensystem: Eigensystem | None = None):
    r"""Net torque ``bar T_O = e[-i<[O, r]> + chi_{dO/dt, r}] . E`` (Eq. 37-41 integrated).

    Computed from its definition (not from the identity below). For the eta-regularized
    Lindhard form, Eq. (33) with ``omega -> omega + i eta`` gives exactly

    .. math:: \bar T_O = -i(\omega + i\eta)\, e\,\chi_{O,\mathbf r}\cdot\mathbf E
              \;\xrightarrow{\omega=0}\; \eta\, \delta O_{\rm tot},

    i.e. the net torque is ``eta`` times the integrated accumulation (cf. Eq. 41-42;
    Eq. 33 corrected, docs/derivations.md findings 1-2).

    %(parameters)s
    operator : (N, N) Hermitian array
        ``O``.
    %(field_x)s
    %(kubo_eigensystem)s

    Returns
    -------
    float or complex
        ``bar T_O`` (``[O]`` t0/hbar): real at ``omega = 0``, complex otherwise.
    """
    eta, omega, temperature, ef = _check_params(eta, omega, temperature, ef, "total")
    e = _field(system, field)
    eig = _eig(system, eigensystem)
    o = obs.as_operator(system, operator)
    r = obs.position(system)
    comm = commutator_expectation(system, o, r, temperature=temperature, ef=ef, eigensystem=eig)
    chi = response(system, obs.time_derivative(system, o), r, eta=eta, omega=omega,
                   temperature=temperature, ef=ef, eigensystem=eig)
    out = E_CHARGE * (-1j * comm + chi) @ e
    return out.real if omega == 0.0 else out
