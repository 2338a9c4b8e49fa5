r"""Charge, valley and orbital Hall conductivities of honeycomb lattice models (Haldane, gapped
graphene) with on-site white-noise disorder: SCBA self-energy and ladder vertex on the BZ grid,
their massive-Dirac (two-valley) limit, and the exact disorder average on tori (issue #16
item 2).

The conductivity is the Streda I, retarded-advanced term of
:mod:`lrtheory.disorder.hall_vertex` for the current ``J^O_b = {O, v_b}/2`` of
``O = q`` (charge), the valley operator ``tau(k)``
(:func:`lrtheory.models.haldane.valley_operator`) or the bulk orbital moment ``m_z(k)``
(:func:`lrtheory.disorder.hall_vertex.orbital_moment_operator`).

**On-site disorder has no ladder correction here (derived).** Anderson disorder on the
honeycomb lattice is ``WhiteNoise(gamma, sites=(0, 1))``: an independent potential on each
sublattice, so the vertex correction ``C_c = gamma P[int G^R Gamma_c G^A]`` is a diagonal,
k-independent 2 x 2 matrix, and its source is the diagonal of ``b_c = int G^R v_c G^A``. In
the atomic-position convention (paper Eq. S48) a C3 rotation ``g`` about an A site maps A
sites to A sites and B sites to B sites with no phase, so ``H(g k) = H(k)`` and
``v(g k) = g v(k)`` exactly (Haldane model at any ``t2, phi, Delta``). The diagonal of
``G v_c G`` is BZ-periodic, so ``diag b`` is a vector invariant under ``g``: it vanishes, and
so does ``C`` (the ladder equation is linear and homogeneous in it): dressed = bare for every
operator ``O``, the charge, valley and orbital Hall conductivities alike. The ladder is not
zero when C3 is broken (a strained lattice; tested) or for disorder that is not diagonal in
the sublattice. The disorder then acts through the sublattice-resolved self-energy
``Sigma = Sigma_0 + Sigma_z sigma_z`` only, and in the Dirac limit its ``sigma_z`` part gives
the "bare Born" value ``-(1/2pi) e_F Delta/(e_F^2 + Delta^2)`` per valley
(:func:`lrtheory.disorder.hall_vertex.dirac_hall_closed_forms`), not the scalar-disorder
ladder value of Sinitsyn et al. (2007), which needs disorder that is smooth on the lattice
scale (intravalley, the same on both sublattices).

**Dirac limit.** Near ``K = (4 pi/3, 0)`` the Haldane model is
``sigma_z [v(-q_x sigma_x + q_y sigma_y) + m_K sigma_z] sigma_z`` and near ``K' = -K``
``sigma_z [v(q_x sigma_x + q_y sigma_y) + m_K' sigma_z] sigma_z`` plus ``d_0 = -3 t_2 cos phi``,
with ``v = sqrt(3) t_0/2`` and ``m_{K, K'} = Delta +- 3 sqrt(3) t_2 sin phi``: the
:class:`~lrtheory.models.continuum.MassiveDirac` valleys ``-1`` (at K) and ``+1`` (at K').
White noise scatters between the valleys as within them (its vertex is k-independent), so the
lattice k-integrals tend to the **sums** of the two valleys' integrals with one ``Sigma`` and
one ladder (:func:`dirac_limit_hall`).

Units as in :mod:`lrtheory.disorder.hall_vertex`: charge ``e^2/hbar``, valley ``e/hbar``,
orbital ``e [m]/hbar`` with ``[m] = e a^2 t0/hbar``; per unit area, ``a = 1``.
"""
from __future__ import annotations

from functools import partial

import numpy as np

from lrtheory.conventions import E_CHARGE, ELECTRON_CHARGE
from lrtheory.disorder.born_response import (born_self_energy, continuum_integrals,
                                             lattice_integrals)
from lrtheory.disorder.diagrams import BubbleIntegrals, WhiteNoise, ladder_vertex, ra_response
from lrtheory.disorder.hall_vertex import (honeycomb_valley, hall_vertex_conductivity,
                                          orbital_moment_operator)
from lrtheory.disorder.samples import build_sample, disorder
from lrtheory.errors import ConventionError, check_integer, check_positive, check_real_scalar
from lrtheory.models.protocol import BlochModel, ensure_model
from lrtheory.parallel.executor import SerialExecutor
from lrtheory.result import Result

__all__ = ["OPERATORS", "honeycomb_vertex_hall", "dirac_valleys", "dirac_limit_hall",
           "exact_hall_average"]

#: the operators of the Hall currents ``{O, v_b}/2`` computed here
OPERATORS = ("charge", "valley", "orbital")
_S3 = np.sqrt(3.0)
_Z = np.diag([1.0, -1.0]).astype(complex)


def _check_operators(operators, allowed=OPERATORS):
    ops = tuple(operators)
    bad = [o for o in ops if o not in allowed]
    if not ops or bad:
        raise ConventionError(f"operators must be a non-empty selection of {allowed}, got "
                              f"{operators!r}")
    return ops


def honeycomb_vertex_hall(model, ef: float, noise: WhiteNoise, *, nk: int,
                          operators=OPERATORS, sigma: np.ndarray | None = None,
                          self_consistent: bool = True) -> dict:
    r"""Charge, valley and orbital Hall conductivity tensors of a honeycomb model
    (:func:`lrtheory.models.haldane.haldane`, gapped graphene) on the ``nk x nk`` BZ grid,
    bare and ladder-dressed, with one (SCBA) self-energy for all of them.

    Parameters
    ----------
    model : BlochModel
        Two orbitals on the lattice of :func:`lrtheory.models.haldane.haldane`.
    ef : float
        Fermi energy (t0), in a band (in a gap the Fermi-sea term, not computed, is all).
    noise : WhiteNoise
        ``WhiteNoise(gamma, sites=(0, 1))`` is Anderson disorder of variance ``w^2`` per site
        with ``gamma = w^2 A_cell``, ``A_cell = sqrt(3)/2`` (t0^2 a^2).
    nk : int
        BZ grid (even); must resolve ``|Im Sigma|/|v|`` (``change_on_doubling`` says).
    operators : sequence of str
        A selection of :data:`OPERATORS`.
    sigma : ndarray (2, 2), optional
        Retarded self-energy (t0) instead of the Born one.
    self_consistent : bool
        SCBA (default) or one Born step.

    Returns
    -------
    dict
        One entry per operator with ``bare``, ``dressed``, ``change_on_doubling`` ((2, 2)
        ``sigma[b, c]``, current b, field c); ``sigma`` (2, 2) (t0); ``tau_born``
        (hbar/t0); ``vertex`` (2, 2, 2), the ladder correction ``C_c`` of the velocity
        (t0 a; zero by C3 for on-site disorder, module docstring).
    """
    ensure_model(model, BlochModel, where="honeycomb_vertex_hall")
    ops = _check_operators(operators)
    ef = check_real_scalar("ef", ef)
    nk = check_integer("nk", nk, minimum=4, even=True)
    if sigma is None:
        sigma = born_self_energy(model, ef, noise, nk=nk, self_consistent=self_consistent)
    out = {"sigma": sigma,
           "vertex": ladder_vertex(lattice_integrals(model, ef, sigma, nk=nk), noise)}
    for name in ops:
        r = hall_vertex_conductivity(model, ef, noise, operator=name, nk=nk, sigma=sigma)
        out[name] = {key: r[key] for key in ("bare", "dressed", "change_on_doubling")}
        out["tau_born"] = r["tau_born"]
    return out


def _sum_integrals(parts) -> BubbleIntegrals:
    """The sum of the valleys' :class:`BubbleIntegrals` (one k-integral over both)."""
    return BubbleIntegrals(*(sum(getattr(p, f) for p in parts)
                             for f in ("g", "b", "kron", "o_b", "o_d")))


def dirac_valleys(*, delta: float, t2: float = 0.0, phi: float = np.pi / 2, t0: float = 1.0):
    """The two massive Dirac valleys of the Haldane model (module docstring).

    Parameters
    ----------
    delta, t2, phi, t0 : float
        Haldane parameters (t0; ``phi`` in radians).

    Returns
    -------
    tuple
        ``((+1, MassiveDirac at K), (-1, MassiveDirac at K'), d0)``: valley index of the
        :func:`~lrtheory.models.haldane.valley_operator` convention, the continuum model in
        the frame ``sigma_z H sigma_z``, and the energy shift ``d_0`` (t0).
    """
    from lrtheory.models.continuum import MassiveDirac
    for name, x in (("delta", delta), ("t2", t2), ("phi", phi), ("t0", t0)):
        check_real_scalar(name, x)
    v, s = _S3 * t0 / 2, 3 * _S3 * t2 * np.sin(phi)
    return ((1, MassiveDirac(v=v, delta=delta + s, valley=-1)),
            (-1, MassiveDirac(v=v, delta=delta - s, valley=1)), -3 * t2 * np.cos(phi))


def dirac_limit_hall(ef: float, sigma: np.ndarray, noise: WhiteNoise, *, delta: float,
                     t2: float = 0.0, phi: float = np.pi / 2, t0: float = 1.0,
                     operators=OPERATORS, n_theta: int = 16) -> dict:
    r"""The continuum limit of :func:`honeycomb_vertex_hall` near the Dirac points: the two
    massive Dirac valleys of :func:`dirac_valleys` with one self-energy ``sigma`` and one
    ladder over both (white noise scatters between the valleys), in the lattice frame.

    Parameters
    ----------
    ef : float
        Fermi energy (t0).
    sigma : ndarray (2, 2)
        Retarded self-energy (t0), e.g. the lattice SCBA one (like with like).
    noise : WhiteNoise
        The disorder of the lattice model (its ``sites`` mask acts on the sublattices).
    delta, t2, phi, t0 : float
        Haldane parameters.
    operators : sequence of str
        A selection of :data:`OPERATORS`; ``"orbital"`` is each valley's continuum bulk
        moment.
    n_theta : int
        Angular points of the continuum rule.

    Returns
    -------
    dict
        One entry per operator with ``bare`` and ``dressed`` (2, 2) tensors (units of
        :func:`honeycomb_vertex_hall`).
    """
    ops = _check_operators(operators)
    ef = check_real_scalar("ef", ef)
    sig = _Z @ np.asarray(sigma, complex) @ _Z            # lattice frame -> valley frame
    kp, km, d0 = dirac_valleys(delta=delta, t2=t2, phi=phi, t0=t0)
    e = ef - d0
    out = {}
    for name in ops:
        res = {"bare": np.zeros((2, 2)), "dressed": np.zeros((2, 2))}
        for b in range(2):
            parts = []
            for tau, md in (kp, km):
                radii = (np.sqrt(e * e - md.delta**2) / md.v,) if abs(e) > abs(md.delta) else ()
                if name == "orbital":
                    o_of = orbital_moment_operator(md)
                else:
                    q = ELECTRON_CHARGE if name == "charge" else float(tau)
                    o_of = (lambda k, q=q: q * np.broadcast_to(np.eye(2), (len(k), 2, 2)))

                def current(k, o_of=o_of, md=md, b=b):
                    O, V = o_of(k), md.velocity(k)[:, b]
                    return 0.5 * (O @ V + V @ O)
                parts.append(continuum_integrals(md, e, sig, O=current, radii=radii,
                                                 n_theta=n_theta))
            ints = _sum_integrals(parts)
            res["bare"][b] = E_CHARGE * ra_response(ints)
            res["dressed"][b] = E_CHARGE * ra_response(ints, ladder_vertex(ints, noise))
        out[name] = res
    return out


def _one_torus(child, *, clean, W, ef, eta, twists, ops, valley):
    """(n_ops, 2, 2) RA Hall tensors of one realization, averaged over the twists."""
    s = disorder(clean, "anderson", W, np.random.default_rng(child))
    acc = np.zeros((len(ops), 2, 2))
    for k in twists:
        h, v = s.hamiltonian(k), s.velocity(k)
        gr = np.linalg.inv((ef + 1j * eta) * np.eye(h.shape[0]) - h)
        m = [gr @ v[c] @ gr.conj().T for c in range(2)]                   # G^R v_c G^A
        for i, name in enumerate(ops):
            if name == "charge":
                J = [ELECTRON_CHARGE * v[b] for b in range(2)]
            else:
                t = valley.hamiltonian(k)
                J = [0.5 * (t @ v[b] + v[b] @ t) for b in range(2)]
            # Tr[J M] = sum_ij J_ij M_ji
            acc[i] += [[np.real(np.sum(J[b] * m[c].T)) for c in range(2)] for b in range(2)]
    area = clean.info["cells"][0] * clean.info["cells"][1] * _S3 / 2
    return -E_CHARGE / (2 * np.pi) * acc / (len(twists) * area)


def exact_hall_average(model, L: int, W: float, ef: float, eta: float, *,
                       n_realizations: int, seed: int, twists=None,
                       operators=("charge", "valley"), executor=None) -> Result:
    r"""Disorder-averaged Kubo-Greenwood (RA) Hall tensors of ``L x L`` tori of a honeycomb
    model with Anderson disorder (box width ``W``, variance ``W^2/12`` per site), exact
    eigenstates: ``sigma^O_bc = -(e/2 pi A) Re Tr[J^O_b G^R v_c G^A]`` with
    ``G^{R/A} = (e_F - H(k) +- i eta)^{-1}``, ``A = L^2 sqrt(3)/2`` (the diagrammatic
    ``chi^RA`` of :func:`honeycomb_vertex_hall` on one sample), averaged over twists ``k``
    and realizations. The valley operator on the torus is the sample of
    :func:`lrtheory.models.haldane.valley_model` at the same twist (the orbital moment is not
    defined on a disordered torus: not offered).

    The diagrammatic counterpart (like with like): ``WhiteNoise(W^2 sqrt(3)/24, (0, 1))``,
    ``Sigma - i eta``, on the ``L x L`` grid of
    :func:`lrtheory.disorder.samples.twisted_model` at each twist.

    Parameters
    ----------
    model : TightBindingModel
        Two orbitals on the lattice of :func:`lrtheory.models.haldane.haldane`.
    L : int
        Cells along each lattice vector (>= 3).
    W, ef, eta : float
        Box width, Fermi energy and broadening (t0).
    n_realizations : int
        At least 2 (error bars).
    seed : int
        Realization ``r`` uses child ``r`` of ``numpy.random.SeedSequence(seed)``.
    twists : (m, 2) array, optional
        Supercell twists (1/a); default ``k = 0``.
    operators : sequence of str
        ``"charge"`` and/or ``"valley"``.
    executor : optional
        An executor of :mod:`lrtheory.parallel` (``map_ordered``) over the realizations;
        default the serial one (BLAS on one thread).

    Returns
    -------
    Result
        ``quantity = "exact_hall"``; per operator ``O``: ``O`` (2, 2) mean, ``O_sem`` (2, 2)
        standard error, ``O_samples`` (n_realizations, 2, 2); settings W, L, seed, eta, ef,
        twists, n_realizations.
    """
    from lrtheory.models.haldane import valley_model
    ops = _check_operators(operators, ("charge", "valley"))
    if "valley" in ops:
        honeycomb_valley(model)                  # one line if not on the Haldane lattice
    L = check_integer("L", L, minimum=3)
    n_realizations = check_integer("n_realizations", n_realizations, minimum=2)
    seed = check_integer("seed", seed, minimum=0)
    check_positive("W", W)
    check_positive("eta", eta)
    ef = check_real_scalar("ef", ef)
    twists = np.zeros((1, 2)) if twists is None else np.atleast_2d(np.asarray(twists, float))
    clean = build_sample(model, (L, L), periodic=(True, True))
    f = partial(_one_torus, clean=clean, W=W, ef=ef, eta=eta, twists=twists, ops=ops,
                valley=build_sample(valley_model(), (L, L), periodic=(True, True)))
    executor = SerialExecutor() if executor is None else executor
    rows = list(executor.map_ordered(f, np.random.SeedSequence(seed).spawn(n_realizations)))
    x = np.array(rows)
    values = {}
    for i, name in enumerate(ops):
        values[name] = x[:, i].mean(0)
        values[name + "_sem"] = x[:, i].std(0, ddof=1) / np.sqrt(n_realizations)
        values[name + "_samples"] = x[:, i]
    return Result("exact_hall", values,
                  units={o: ("e^2/hbar" if o == "charge" else "e/hbar") for o in ops},
                  settings=dict(W=float(W), L=L, seed=seed, eta=float(eta), ef=ef,
                                n_realizations=n_realizations, twists=twists.tolist(),
                                kind="anderson"),
                  model={"name": getattr(model, "name", "model"),
                         "params": dict(getattr(model, "params", {}))},
                  error={o: values[o + "_sem"] for o in ops})
