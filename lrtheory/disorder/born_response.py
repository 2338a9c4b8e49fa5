r"""Vertex-corrected (ladder) Fermi-surface density response of a clean Bloch or continuum model
with short-range disorder: the k-integrals of :mod:`lrtheory.disorder.diagrams` and the
self-consistent Born loop.

* continuum models (no Brillouin zone): an adaptive radial integral
  (:func:`scipy.integrate.quad_vec`, break points at the Fermi radii) times a uniform angular
  rule, exact for the trigonometric polynomials of an isotropic k.p model when ``n_theta``
  exceeds their degree;
* lattice models: the uniform ``nk x nk`` BZ grid of :func:`lrtheory.response.grids.response_grid`
  in chunks; the Lorentzians have width ``|Im Sigma|``, so ``nk`` must resolve
  ``|Im Sigma| / |v|`` (the result carries the change against the ``nk/2`` sub-grid).

Units as in :mod:`lrtheory.disorder.diagrams`: chi per (e E) per area (d = 2).
"""
from __future__ import annotations

import functools

import numpy as np
from scipy.integrate import quad_vec

from lrtheory._docstrings import shared_docs
from lrtheory.disorder.diagrams import (BubbleIntegrals, WhiteNoise, bubble_chunk, ladder_vertex,
                                        ra_response, self_energy)
from lrtheory.errors import (ConventionError, ConvergenceError, check_integer, check_positive,
                             check_real_scalar)
from lrtheory.models.protocol import BlochModel, ContinuumModel, ensure_model
from lrtheory.response.grids import response_grid
from lrtheory.response.ksum import chunk_weights

__all__ = ["continuum_integrals", "lattice_integrals", "born_self_energy",
           "vertex_corrected_response", "check_density_operator"]

_CHUNK = 4096

# numpydoc entries shared by the two entry functions (lrtheory._docstrings)
_docs = shared_docs(noise_grid="""
    noise : WhiteNoise
        The disorder (strength and which orbitals share a potential).
    nk : int, optional
        BZ grid (lattice model).
    radii : sequence of float
        Fermi radii (1/a) of a continuum model: break points of the radial integral.
    n_theta : int
        Angular points (continuum model).
    """)


@functools.lru_cache(maxsize=8)
def _leggauss(n: int):
    """Gauss-Legendre nodes and weights, computed once per ``n`` (an eigenvalue problem of
    size n: ~1 s for n = 400 on a loaded machine, paid at every continuum integral before)."""
    x, w = np.polynomial.legendre.leggauss(n)
    x.flags.writeable = w.flags.writeable = False
    return x, w


def _pack(g, b, kron, o_b=None, o_d=None):
    parts = [g, b, kron] + ([] if o_b is None else [o_b, o_d])
    return np.concatenate([p.reshape(-1) for p in parts])


def _unpack(x, n, d):
    sizes = [n * n, d * n * n, n**4, d, n * n]
    shapes = [(n, n), (d, n, n), (n * n, n * n), (d,), (n, n)]
    out, i = [], 0
    for size, shape in zip(sizes, shapes):
        out.append(x[i:i + size].reshape(shape) if i + size <= len(x) else None)
        i += size
    return BubbleIntegrals(*out)


def check_density_operator(operator, n: int):
    """A density operator as the k-sums take it: a callable ``O(k) -> (m, n, n)`` as given,
    or a Hermitian (n, n) matrix (orbital basis) as a complex array.

    Parameters
    ----------
    operator : ndarray (n, n) or callable
        The operator.
    n : int
        Number of orbitals.

    Returns
    -------
    ndarray (n, n) or callable

    Raises
    ------
    ConventionError
        Wrong shape, or not Hermitian.
    """
    if callable(operator):
        return operator
    O = np.asarray(operator, complex)
    if O.shape != (n, n):
        raise ConventionError(f"operator must be ({n}, {n}) or a function of k, got shape "
                              f"{O.shape}")
    if not np.allclose(O, O.conj().T, atol=1e-12 * max(1.0, np.abs(O).max())):
        raise ConventionError("operator must be Hermitian")
    return O


def _operator(O, model, k):
    """The density operator at the k-points: a constant (n, n) or ``O(k)`` (m, n, n)."""
    return O(k) if callable(O) else O


def _peak_width(model, ef, radius, sigma):
    """Width (1/a) of the Lorentzian peak of G^R G^A at a Fermi radius: |Im Sigma| / |de/dk|
    of the band closest to ef there (derivative along x by a central difference)."""
    h = 1e-6 * max(radius, 1.0)
    e = [np.linalg.eigvalsh(model.hamiltonian(np.array([[radius + s, 0.0]])))[0] for s in (-h, h)]
    i = int(np.argmin(np.abs((e[0] + e[1]) / 2 - ef)))
    slope = abs(e[1][i] - e[0][i]) / (2 * h)
    gam = max(float(np.max(np.abs(np.imag(np.diag(sigma))))), 1e-12)
    return gam / max(slope, 1e-12)


def _radial_rule(model, ef, sigma, radii, n_r):
    """Radial nodes and weights on [0, inf): one Gauss-Legendre rule per Fermi radius in the
    variable u of ``r = k_F + w tan(u)`` (w the peak width), on the segment between the
    midpoints to the neighbouring radii (the last one to infinity): the Lorentzian becomes flat
    in u and the 1/r^2 tail maps to a finite interval."""
    pts = sorted(float(r) for r in radii if r > 0) or [1.0]
    x, wx = _leggauss(n_r)
    bounds = [0.0] + [(a + b) / 2 for a, b in zip(pts[:-1], pts[1:])] + [np.inf]
    nodes, weights = [], []
    for kf, lo, hi in zip(pts, bounds[:-1], bounds[1:]):
        w = _peak_width(model, ef, kf, sigma)
        ua, ub = np.arctan((lo - kf) / w), (np.pi / 2 if np.isinf(hi) else np.arctan((hi - kf) / w))
        u = (ub - ua) / 2 * x + (ub + ua) / 2
        cu = np.cos(u)
        nodes.append(kf + w * np.tan(u))
        weights.append((ub - ua) / 2 * wx * w / cu**2)
    return np.concatenate(nodes), np.concatenate(weights)


def continuum_integrals(model: ContinuumModel, ef: float, sigma: np.ndarray, *, O=None,
                        radii=(), n_theta: int = 16, n_r: int = 400,
                        method: str = "mapped", epsrel: float = 1e-10) -> BubbleIntegrals:
    r"""``int d^2k/(2pi)^2`` of ``G^R``, ``G^R v G^A`` and ``G^R (x) (G^A)^T`` for a 2D
    continuum model (uniform angular rule times a radial rule).

    Parameters
    ----------
    model : ContinuumModel
    ef : float
        Fermi energy (t0).
    sigma : ndarray (n, n)
        Retarded self-energy (t0).
    O : ndarray (n, n) or callable, optional
        Density operator (orbital basis), constant or ``O(k) -> (m, n, n)``.
    radii : sequence of float
        Radii (1/a) where the integrand peaks (the Fermi radii).
    n_theta : int
        Angles of the uniform angular rule (exact for trigonometric polynomials of degree
        below ``n_theta``).
    n_r : int
        ``method="mapped"``: Gauss-Legendre nodes per Fermi radius in the variable u of
        ``|k| = k_F + w tan(u)``, w = |Im Sigma|/|de/dk| the Lorentzian's width (one batch).
    method : {"mapped", "adaptive"}
        ``"adaptive"``: :func:`scipy.integrate.quad_vec` with break points at the radii
        (an independent, slow reference).
    epsrel : float
        Relative tolerance of the adaptive radial integral.

    Returns
    -------
    BubbleIntegrals
        ``extra["error"]``: the adaptive integrator's error estimate (``"adaptive"`` only).
    """
    model = ensure_model(model, ContinuumModel, where="continuum_integrals")
    n = model.n_orbitals
    th = 2 * np.pi * (np.arange(n_theta) + 0.5) / n_theta
    dirs = np.stack([np.cos(th), np.sin(th)], -1)
    if method == "mapped":
        r, wr = _radial_rule(model, ef, sigma, radii, int(n_r))
        k = (r[:, None, None] * dirs[None]).reshape(-1, 2)
        w = np.repeat(wr * r / (2 * np.pi), n_theta) / n_theta
        return _unpack(_pack(*bubble_chunk(model.hamiltonian(k), model.velocity(k), ef, sigma,
                                           w, _operator(O, model, k))), n, 2)
    if method != "adaptive":
        raise ConventionError(f"method must be 'mapped' or 'adaptive', got {method!r}")
    wt = np.full(n_theta, 1.0 / n_theta)

    def f(r):
        k = r * dirs
        parts = bubble_chunk(model.hamiltonian(k), model.velocity(k), ef, sigma, wt,
                             _operator(O, model, k))
        return _pack(*parts) * (r / (2 * np.pi))

    pts = sorted(float(r) for r in radii if r > 0)
    edges = [0.0] + pts + [2 * (pts[-1] if pts else 1.0)]
    total, err = 0.0, 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        val, e = quad_vec(f, lo, hi, epsrel=epsrel, epsabs=0.0, limit=400)
        total, err = total + val, err + e
    val, e = quad_vec(f, edges[-1], np.inf, epsrel=epsrel, epsabs=0.0, limit=400)
    out = _unpack(total + val, n, 2)
    out.extra["error"] = float(err + e)
    return out


def lattice_integrals(model: BlochModel, ef: float, sigma: np.ndarray, *, nk: int, O=None,
                      subgrid: bool = False) -> BubbleIntegrals:
    """The same integrals on the ``nk x nk`` BZ grid of a 2D lattice model (chunked).

    Parameters
    ----------
    model : BlochModel
        2D lattice model.
    ef : float
        Fermi energy (t0).
    sigma : ndarray (n, n)
        Retarded self-energy (t0).
    nk : int
        Linear grid size (even).
    O : ndarray (n, n) or callable, optional
        Density operator (orbital basis), constant or ``O(k) -> (m, n, n)``.
    subgrid : bool
        Sum the ``nk/2`` sub-grid instead (for the convergence estimate).

    Returns
    -------
    BubbleIntegrals
    """
    grid, _ = response_grid(model, nk=nk)
    n, total = model.n_orbitals, 0.0
    for start in range(0, grid.n_points, _CHUNK):
        stop = min(start + _CHUNK, grid.n_points)
        k = grid.points(start, stop)
        w = chunk_weights(grid, start, stop, subgrid).point
        if subgrid:                        # only the nk/2 points carry weight: skip the rest
            k, w = k[w != 0], w[w != 0]
        H, V = model.hamiltonian(k), model.velocity(k)
        total = total + _pack(*bubble_chunk(H, V, ef, sigma, w, _operator(O, model, k)))
    return _unpack(total, n, model.dim)


def _integrals(model, ef, sigma, *, nk, radii, n_theta, O=None, subgrid=False):
    if model.lattice_vectors is None:
        return continuum_integrals(model, ef, sigma, O=O, radii=radii, n_theta=n_theta)
    return lattice_integrals(model, ef, sigma, nk=nk, O=O, subgrid=subgrid)


def _green_sum(model, ef, nk, radii, n_theta):
    """``sigma -> int G^R(sigma)`` for the SCBA loop: the k-points and ``H(k)`` are built
    once (a lattice model's grid; a continuum model's radial rule for the seed sigma)."""
    n = model.n_orbitals
    if model.lattice_vectors is None:
        return lambda sig: continuum_integrals(model, ef, sig, radii=radii,
                                               n_theta=n_theta).g
    grid, _ = response_grid(model, nk=nk)
    chunks = []
    for start in range(0, grid.n_points, _CHUNK):
        stop = min(start + _CHUNK, grid.n_points)
        chunks.append((model.hamiltonian(grid.points(start, stop)),
                       chunk_weights(grid, start, stop, False).point))

    def g_of(sig):
        A = (ef * np.eye(n) - sig)[None]
        return sum(np.tensordot(w, np.linalg.inv(A - H), 1) for H, w in chunks)
    return g_of


@_docs
def born_self_energy(model, ef: float, noise: WhiteNoise, *, nk: int | None = None,
                     radii=(), n_theta: int = 16, self_consistent: bool = True,
                     tol: float = 1e-10, max_iter: int = 300):
    r"""(Self-consistent) Born self-energy ``Sigma = gamma P[int G^R(Sigma)]`` (t0).

    The iteration starts from ``Sigma = -i 1e-3 gamma`` (t0; a broadening small against the
    Born value, so that ``G^R`` is defined on the Fermi surface): one step is the first Born
    approximation up to that seed, which needs a k grid that resolves the seed (continuum
    models: exact radial rule; lattice models: use the SCBA). Continuum models drop the
    (UV-divergent, e_F-renormalising) real part.

    Parameters
    ----------
    model : BlochModel or ContinuumModel
    ef : float
        Fermi energy (t0).
    %(noise_grid)s
    self_consistent : bool
        Iterate to self-consistency (SCBA); else one Born step.
    tol : float
        Convergence tolerance on ``max |Sigma_new - Sigma|`` relative to ``max |Sigma|``.
    max_iter : int

    Returns
    -------
    ndarray (n, n)
    """
    n = model.n_orbitals
    keep_real = model.lattice_vectors is not None
    g_of = _green_sum(model, ef, nk, radii, n_theta)
    sigma = -1j * 1e-3 * noise.gamma * np.eye(n)
    mix, last = 1.0, np.inf
    for _ in range(max_iter if self_consistent else 1):
        new = self_energy(g_of(sigma), noise, keep_real=keep_real)
        if not self_consistent:
            return new
        delta = np.max(np.abs(new - sigma))
        if delta <= tol * max(np.max(np.abs(new)), 1e-300):
            return new
        if delta > last:                  # oscillating: damp the plain iteration
            mix = max(0.5 * mix, 0.1)
        last = delta
        sigma = sigma + mix * (new - sigma)
    raise ConvergenceError(f"SCBA did not converge in {max_iter} iterations "
                           f"(last change {delta:.2e})")


@_docs
def vertex_corrected_response(model, operator, ef: float, noise: WhiteNoise, *,
                              nk: int | None = None, radii=(), n_theta: int = 16,
                              sigma: np.ndarray | None = None,
                              self_consistent: bool = True) -> dict:
    r"""Fermi-surface response ``chi^RA_{O, r_c}`` (c = x, y) of a k-independent density ``O``,
    bare and ladder-dressed, with the (self-consistent) Born self-energy of ``noise``.

    Parameters
    ----------
    model : BlochModel or ContinuumModel
        2D model.
    operator : ndarray (n, n) or callable
        Hermitian density operator in the orbital basis (e.g. ``model.spin[1]``), or a
        function ``O(k) -> (m, n, n)`` for a k-dependent one (e.g. a valley projector).
    ef : float
        Fermi energy (t0).
    %(noise_grid)s
    sigma : ndarray (n, n), optional
        Use this self-energy (t0) instead of the Born one.
    self_consistent : bool
        SCBA (default) or first Born.

    Returns
    -------
    dict
        ``bare`` (2,), ``dressed`` (2,) (units of O per eE per area), ``sigma`` (n, n),
        ``vertex`` (2, n, n) (the correction C), ``tau_born`` = ``-1/(2 Im tr(Sigma)/n)``.
    """
    ensure_model(model, (BlochModel, ContinuumModel), where="vertex_corrected_response")
    ef = check_real_scalar("ef", ef)
    if model.dim != 2:
        raise ConventionError(f"vertex_corrected_response: 2D models only, got dim={model.dim}")
    n = model.n_orbitals
    O = check_density_operator(operator, n)
    if model.lattice_vectors is not None:
        nk = check_integer("nk", nk, minimum=4, even=True)
    else:
        check_positive("n_theta", n_theta)
    if sigma is None:
        sigma = born_self_energy(model, ef, noise, nk=nk, radii=radii, n_theta=n_theta,
                                 self_consistent=self_consistent)
    ints = _integrals(model, ef, sigma, nk=nk, radii=radii, n_theta=n_theta, O=O)
    C = ladder_vertex(ints, noise)
    out = {"bare": ra_response(ints), "dressed": ra_response(ints, C), "sigma": sigma,
           "vertex": C, "tau_born": float(-1.0 / (2 * np.imag(np.trace(sigma)) / n))}
    if model.lattice_vectors is not None:
        sub = _integrals(model, ef, sigma, nk=nk, radii=radii, n_theta=n_theta, O=O,
                         subgrid=True)
        out["change_on_doubling"] = out["dressed"] - ra_response(sub, ladder_vertex(sub, noise))
    return out
