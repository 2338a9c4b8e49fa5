r"""Hall-type Fermi-surface conductivities with ladder vertex corrections (issue #16 item 2):
the Streda I, retarded-advanced term for the current ``J^O_b = {O, v_b}/2`` of a density ``O``.

.. math::

    \sigma^{O}_{bc} = -\frac{e}{2\pi}\int\frac{d^2k}{(2\pi)^2}
        \mathrm{Re}\,\mathrm{Tr}\left[J^O_b\, G^R(k)\, \Gamma_c(k)\, G^A(k)\right],
    \qquad \langle J^O_b\rangle = \sigma^O_{bc} E_c ,

with ``G^R``, the Born self-energy and the ladder vertex ``Gamma_c = v_c + C_c`` of
:mod:`lrtheory.disorder.diagrams` (short-range disorder ``WhiteNoise``).

**Prefactor, derived** (docs/conventions.md: ``H_E = H_0 + e E.r``, ``e = hbar = 1``). The
field couples through ``B = e r_c``, so ``<J_b> = e chi_{J_b, r_c} E_c`` and the RA part of
``chi`` is ``-(1/2pi) Re Tr[J G^R Gamma G^A]`` (the same bubble as a density response,
:func:`lrtheory.disorder.diagrams.ra_response`). The electrical current is ``j = q v``
with ``q = -e`` (``operator="charge"``: ``O = q 1``), hence

.. math:: \sigma_{bc} = +\frac{e^2}{2\pi\hbar}\int \mathrm{Re}\,\mathrm{Tr}[v_b G^R \Gamma_c G^A]

(Streda's ``sigma^I`` RA term). Check: for ``Sigma = -i/2tau`` the bare ``sigma_xx`` tends to
``e^2 N v_F^2 tau/2`` (Drude) since ``G^R_n G^A_n -> 2 pi tau delta(e_F - e_n)``; tested.
The RR + AA part of Streda I and the Fermi-sea term Streda II are not included: for the
massive Dirac model in its band they are higher order in ``1/(e_F tau)`` resp. zero
(Sinitsyn et al., PRB 75, 045315 (2007); not checked here), not in general (in a gap
Streda II is the whole answer). The crossed X and Psi diagrams, of the same order as the
ladder for the anomalous Hall effect (Ado et al., EPL 111, 37004 (2015)), are not included:
the dressed Hall value is the non-crossing approximation.

Units: ``sigma`` in ``e [O]/hbar`` (charge: ``e^2/hbar``; ``e^2/h = 1/2pi``), per unit area.
"""
from __future__ import annotations

import numpy as np

from lrtheory.conventions import ELECTRON_CHARGE, E_CHARGE
from lrtheory.disorder.born_response import (born_self_energy, check_density_operator,
                                             vertex_corrected_response)
from lrtheory.disorder.diagrams import WhiteNoise
from lrtheory.errors import ConventionError
from lrtheory.models.protocol import BlochModel, ContinuumModel, ensure_model

__all__ = ["hall_vertex_conductivity", "dirac_valley_pair_hall", "dirac_hall_closed_forms",
           "orbital_moment_operator"]


def orbital_moment_operator(model):
    r"""The bulk orbital moment ``m_z`` of a 2D model as an orbital-basis function of k:
    ``O(k) = U(k) m(k) U(k)^dagger`` with ``m(k)`` the gauge-covariant interband matrix of
    :func:`lrtheory.response.bulk_omm.bulk_omm_matrix` (the operator of the clean orbital
    Hall route, ``operator="orbital"`` of :func:`lrtheory.response.hall.hall_conductivity`;
    electron charge, ``e a^2 t0/hbar``) and ``U(k)`` the Bloch eigenvectors. Gauge invariant:
    ``m`` transforms as ``U^dagger X U``.

    Parameters
    ----------
    model : BlochModel or ContinuumModel
        A 2D model (its ``hamiltonian`` and ``velocity``).

    Returns
    -------
    callable
        ``k (m, 2) -> (m, n, n)`` complex, Hermitian at every k.
    """
    from lrtheory.response.bulk_omm import bulk_omm_matrix
    from lrtheory.response.kspace import eigensystem

    def omm(k):
        eig = eigensystem(model, np.asarray(k, float))
        U = eig.states
        return U @ bulk_omm_matrix(eig) @ np.conj(np.swapaxes(U, -1, -2))
    return omm


def honeycomb_valley(model):
    """The valley operator of :func:`lrtheory.models.haldane.valley_operator`, for a
    two-orbital model on the Haldane lattice only (elsewhere K and K' are not those).

    Parameters
    ----------
    model : BlochModel
        A two-orbital model on the lattice of :mod:`lrtheory.models.haldane`.

    Returns
    -------
    callable
        ``k -> (..., 2, 2)`` valley operator (dimensionless, +1 at K).

    Raises
    ------
    ConventionError
        The model is not a two-orbital model on that lattice.
    """
    from lrtheory.models.haldane import LATTICE, valley_operator
    lat = model.lattice_vectors
    if model.n_orbitals != 2 or lat is None or lat.shape != (2, 2) or not np.allclose(
            lat, LATTICE, atol=1e-12):
        raise ConventionError("operator='valley' is the honeycomb valley operator: it needs a "
                              "two-orbital model on the lattice of lrtheory.models.haldane "
                              f"(a_1 = (1, 0), a_2 = (1/2, sqrt3/2)), got {model.name!r}")
    return valley_operator


def _operator_of_k(model, operator):
    """``O(k) -> (m, n, n)`` in the orbital basis for the accepted operator spellings."""
    n = model.n_orbitals
    if operator is None or (isinstance(operator, str) and operator in ("number", "charge")):
        q = ELECTRON_CHARGE if operator == "charge" else 1.0
        eye = q * np.eye(n, dtype=complex)
        return lambda k: np.broadcast_to(eye, (len(k), n, n))
    if isinstance(operator, str) and operator == "orbital":
        return orbital_moment_operator(model)
    if isinstance(operator, str) and operator == "valley":
        return honeycomb_valley(model)
    if isinstance(operator, str):
        raise ConventionError(f"operator must be 'charge', 'number', None, 'orbital', 'valley', "
                              f"an ({n}, {n}) array or a function of k, got {operator!r}")
    O = check_density_operator(operator, n)
    if callable(O):
        return O
    return lambda k: np.broadcast_to(O, (len(k), n, n))


def hall_vertex_conductivity(model, ef: float, noise: WhiteNoise, *, operator="charge",
                             nk: int | None = None, radii=(), n_theta: int = 16,
                             sigma: np.ndarray | None = None,
                             self_consistent: bool = True) -> dict:
    r"""Fermi-surface (Streda I, RA) conductivity tensor ``sigma^O_{bc}`` (b, c = x, y) of the
    current ``{O, v_b}/2``, bare and with the ladder vertex, for short-range disorder.

    Parameters
    ----------
    model : BlochModel or ContinuumModel
        2D model.
    ef : float
        Fermi energy (t0).
    noise : WhiteNoise
        Disorder (``gamma`` in t0^2 a^2; ``sites``: which orbitals share a potential).
    operator : {"charge", "number", None}, ndarray (n, n) or callable
        ``"charge"`` (default): ``O = q 1``, the electrical conductivity (e^2/hbar);
        ``"number"``/``None``: ``O = 1``; ``"orbital"``: the bulk orbital moment
        (:func:`orbital_moment_operator`, ``e [m]/hbar``); ``"valley"``: the honeycomb valley
        operator (:func:`lrtheory.models.haldane.valley_operator`; Haldane-lattice models
        only); a Hermitian (n, n) array (e.g. a sublattice ``sigma_z``); or
        ``O(k) -> (m, n, n)`` in the orbital basis.
    nk : int, optional
        BZ grid (lattice model; must resolve ``|Im Sigma| / |v|``).
    radii : sequence of float
        Fermi radii (1/a) of a continuum model.
    n_theta : int
        Angular points (continuum model).
    sigma : ndarray (n, n), optional
        Use this retarded self-energy (t0) instead of the Born one (e.g. ``-i/(2 tau)``).
    self_consistent : bool
        SCBA (default) or one Born step.

    Returns
    -------
    dict
        ``bare``, ``dressed``: (2, 2) arrays ``sigma[b, c]`` (``e [O]/hbar``);
        ``sigma`` (n, n) the self-energy (t0); ``tau_born`` (hbar/t0);
        lattice models also ``change_on_doubling`` (2, 2) of ``dressed``.
    """
    ensure_model(model, (BlochModel, ContinuumModel), where="hall_vertex_conductivity")
    if model.dim != 2:
        raise ConventionError(f"hall_vertex_conductivity: 2D models only, got dim={model.dim}")
    O = _operator_of_k(model, operator)
    if sigma is None:
        sigma = born_self_energy(model, ef, noise, nk=nk, radii=radii, n_theta=n_theta,
                                 self_consistent=self_consistent)
    out = {"bare": np.zeros((2, 2)), "dressed": np.zeros((2, 2)), "sigma": sigma}
    lattice = model.lattice_vectors is not None
    if lattice:
        out["change_on_doubling"] = np.zeros((2, 2))
    for b in range(2):
        def current(k, b=b):
            Ok, Vb = O(k), model.velocity(k)[:, b]
            return 0.5 * (Ok @ Vb + Vb @ Ok)
        r = vertex_corrected_response(model, current, ef, noise, nk=nk, radii=radii,
                                      n_theta=n_theta, sigma=sigma)
        # <J_b> = e chi_{J_b, r_c} E_c  (chi^RA of diagrams.ra_response)
        out["bare"][b] = E_CHARGE * r["bare"]
        out["dressed"][b] = E_CHARGE * r["dressed"]
        out["tau_born"] = r["tau_born"]
        if lattice:
            out["change_on_doubling"][b] = E_CHARGE * r["change_on_doubling"]
    return out


def dirac_valley_pair_hall(ef: float, noise: WhiteNoise, *, v: float = 1.0,
                           delta: float = 0.2, sigma=None, self_consistent: bool = False) -> dict:
    r"""Charge and valley Hall conductivities of gapped graphene near its two valleys: two
    :class:`~lrtheory.models.continuum.MassiveDirac` valleys ``tau = +-1`` with the same
    ``Delta`` (time-reversal partners: ``H_-(k) = H_+(-k)^*``), no intervalley scattering.

    ``charge = q (s_+ + s_-)``, ``valley = s_+ - s_-`` with ``s_tau`` the number-current
    (``O = 1``) Hall conductivity ``sigma_xy`` of valley ``tau`` (the valley current is
    ``{tau, v}/2``, ``tau = +-1``).

    Parameters
    ----------
    ef : float
        Fermi energy (t0), in the upper band (``ef > |delta|``).
    noise : WhiteNoise
        Disorder within each valley.
    v, delta : float
        Dirac velocity (t0 a) and half gap (t0).
    sigma : ndarray (2, 2), optional
        Self-energy (t0) for both valleys instead of the Born one.
    self_consistent : bool
        SCBA or (default) one Born step.

    Returns
    -------
    dict
        ``charge``, ``valley``, ``per_valley``: dicts with ``bare`` and ``dressed``
        ``sigma_xy`` (e^2/hbar resp. e/hbar per unit valley index; ``per_valley`` maps
        ``tau`` to the (bare, dressed) number-current values).
    """
    from lrtheory.models.continuum import MassiveDirac
    if not abs(ef) > abs(delta):
        raise ConventionError(f"dirac_valley_pair_hall: ef={ef} is in the gap |ef| <= "
                              f"|delta|={abs(delta)}: there the Fermi-sea (Streda II) term, not "
                              f"computed here, is the whole Hall conductivity")
    kf = np.sqrt(ef * ef - delta * delta) / v
    per = {}
    for tau in (1, -1):
        r = hall_vertex_conductivity(MassiveDirac(v=v, delta=delta, valley=tau), ef, noise,
                                     operator="number", radii=(kf,), sigma=sigma,
                                     self_consistent=self_consistent)
        per[tau] = (r["bare"][0, 1], r["dressed"][0, 1])
    out = {"per_valley": per}
    for i, key in enumerate(("bare", "dressed")):
        out.setdefault("charge", {})[key] = ELECTRON_CHARGE * (per[1][i] + per[-1][i])
        out.setdefault("valley", {})[key] = per[1][i] - per[-1][i]
    return out


def dirac_hall_closed_forms(ef: float, delta: float) -> dict:
    r"""Weak-disorder limits of the charge ``sigma_xy`` (e^2/hbar) of one massive Dirac valley
    ``H = v(k_x sigma_x + k_y sigma_y) + Delta sigma_z`` with scalar white noise, ``|e_F| >
    |Delta|``, ``e_F > 0`` (derivations in docs/disorder.md):

    * ``intrinsic``: ``-Delta/(4 pi e_F)``, the Berry-curvature value, which is also the bare
      RA bubble with a scalar broadening ``Sigma = -i Gamma``;
    * ``bare_born``: ``-(1/2pi) e_F Delta/(e_F^2 + Delta^2)``, the bare RA bubble with the
      Born self-energy ``-i Gamma (1 + (Delta/e_F) sigma_z)`` (its ``sigma_z`` part mixes the
      bands: a piece of the side jump);
    * ``ladder``: ``-(1/2pi) 4 e_F Delta (e_F^2 + Delta^2)/(e_F^2 + 3 Delta^2)^2``, the
      non-crossing (ladder) result of Sinitsyn et al., PRB 75, 045315 (2007);
    * ``with_crossed``: ``-(1/2pi) 8 e_F Delta^3/(e_F^2 + 3 Delta^2)^2``, Ado et al., EPL 111,
      37004 (2015), arXiv:1504.03658, who add the X and Psi diagrams (not computed here;
      quoted, its coefficients not confirmed from the paper's text, which is not reachable
      here: docs/disorder.md, "Crossed diagrams").

    The valley ``tau = -1`` of :class:`~lrtheory.models.continuum.MassiveDirac` has the
    opposite sign of each.

    Parameters
    ----------
    ef : float
        Fermi energy (t0), ``ef > |delta|``.
    delta : float
        Half the gap (t0).

    Returns
    -------
    dict of float
    """
    ef, d = float(ef), float(delta)
    if not ef > abs(d):
        raise ConventionError(f"dirac_hall_closed_forms: needs ef > |delta| (in the upper band), "
                              f"got ef={ef}, delta={d}")
    e2, d2 = ef * ef, d * d
    return {"intrinsic": -d / (4 * np.pi * ef),
            "bare_born": -ef * d / (e2 + d2) / (2 * np.pi),
            "ladder": -4 * ef * d * (e2 + d2) / (e2 + 3 * d2) ** 2 / (2 * np.pi),
            "with_crossed": -8 * ef * d ** 3 / (e2 + 3 * d2) ** 2 / (2 * np.pi)}
