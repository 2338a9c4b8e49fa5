r"""KPM quantities as :class:`~lrtheory.result.Result` objects: DOS, Kubo-Bastin Hall and
operator-current Hall conductivities, site-resolved Fermi-surface accumulations.

Units and signs are those of :mod:`lrtheory.conventions` (``hbar = e = 1``, electron charge
``q = -1``, field coupling ``H_E = H_0 + e E.r``, Eq. 3). Every function maps over chunks of
random vectors with the executors of :mod:`lrtheory.parallel` (``workers``, ``scheduler``) and
reduces by summing per-vector estimates and their squares, so each value comes with its
stochastic standard error ``std / sqrt(R)`` (``Result.error``; empty for R = 1, where the
spread cannot be estimated; with few vectors the error is itself uncertain: Student t with
R - 1 degrees of freedom).

* :func:`density_of_states`: ``rho(E) = Tr delta(E - H) / D`` (states per orbital per t0).
* :func:`hall_conductivity`: the Kubo-Bastin formula (Garcia et al. 2015, Eq. 2-4) at T = 0,
  ``sigma_xy = q Tr-formula[J_x, v_y] / volume`` with ``J_x = q v_x`` (charge), ``v_x``
  (``operator=None``, particle current) or ``{O, v_x}/2`` (the current of a density O: orbital
  or valley Hall), units e^2/hbar (charge) or e/hbar (others), the sign fixed so that it is the
  clean Kubo formula Eq. 17 at eta -> 0 (tested against exact eigenstates and against the
  Bloch-model :func:`lrtheory.response.hall.hall_conductivity` on the same torus).
* :func:`fermi_surface_accumulation`: the Kubo-Greenwood (Fermi-surface, dissipative) density
  response per site, ``delta n_O(i) = e chi_i E``, ``chi_i = -pi Tr[n_O(i) delta(E_F - H)
  (v.E) delta(E_F - H)]`` with kernel-broadened deltas (Eq. 17, 20 in the regime where the
  level broadening exceeds the level spacing: with Lorentzian deltas of half width Gamma this is
  the intraband Kubo response with ``eta = 2 Gamma``, docs/kpm.md).
"""
from __future__ import annotations

import functools
import time

import numpy as np
import scipy.sparse as sp

from lrtheory.conventions import ELECTRON_CHARGE, OMM_PREFACTOR
from lrtheory.errors import LrtheoryError, ShapeError
from lrtheory.kpm import chebyshev as cb
from lrtheory.kpm.recursion import ChebyshevRecursion
from lrtheory.kpm.sample import DEFAULT_MARGIN, Scaling, SparseSample, spectral_bounds
from lrtheory.parallel import kmap_reduce
from lrtheory.result import Result

__all__ = ["density_of_states", "hall_conductivity", "fermi_surface_accumulation",
           "current_operator", "density_operator", "orbital_moment_operator"]

HALL_MARGIN = 0.1  # Hall: wider margin, so that (1 - x^2)^-2 meets only kernel tails


def _check_sample(sample):
    if not isinstance(sample, SparseSample):
        raise LrtheoryError(f"expected a lrtheory.kpm.SparseSample, got {type(sample).__name__}")


def check_count(name, v, minimum=1):
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < minimum:
        raise LrtheoryError(f"{name} must be an integer >= {minimum}, got {v!r}")
    return int(v)


def _energies(name, e, scaling, edge=0.0):
    e = np.atleast_1d(np.asarray(e, float))
    if e.ndim != 1 or not np.all(np.isfinite(e)):
        raise LrtheoryError(f"{name} must be finite energies (t0)")
    x = scaling.to_unit(e)
    if np.any(np.abs(x) >= 1 - edge):
        lo, hi = scaling.from_unit(-(1 - edge)), scaling.from_unit(1 - edge)
        raise LrtheoryError(f"{name} must lie inside ({lo:.4g}, {hi:.4g}) t0, the rescaled band")
    return e, x


def run_settings(sample, scaling, n_moments, n_vectors, kernel, lam, seed, eta=None, **extra):
    res = (float(eta) if kernel == cb.LORENTZIAN
           else cb.resolution(n_moments, scaling.half_width, kernel, lam))
    return {"n_moments": n_moments, "n_vectors": n_vectors, "kernel": kernel,
            "lam": lam if kernel == "lorentz" else None, "seed": seed,
            "eta": float(eta) if kernel == cb.LORENTZIAN else None,
            "n_orbitals": sample.n_orbitals, "bounds": scaling.method, "margin": scaling.margin,
            "e_min": scaling.e_min, "e_max": scaling.e_max, "center": scaling.center,
            "half_width": scaling.half_width, "resolution": res, **extra}


def _scaling(sample, bounds, margin) -> Scaling:
    """The rescaling: from ``spectral_bounds`` (``bounds`` a method name) or a given
    :class:`Scaling` (e.g. one for every disorder realization), which must contain this
    sample's Gershgorin interval (else the expansion would diverge: one clear error)."""
    if not isinstance(bounds, Scaling):
        return spectral_bounds(sample.hamiltonian, method=bounds, margin=margin)
    g = spectral_bounds(sample.hamiltonian, method="gershgorin", margin=margin)
    if g.e_min < bounds.e_min or g.e_max > bounds.e_max:
        raise LrtheoryError(f"the given spectral bounds [{bounds.e_min:.6g}, {bounds.e_max:.6g}]"
                            f" t0 do not contain this sample's Gershgorin interval "
                            f"[{g.e_min:.6g}, {g.e_max:.6g}] t0")
    return bounds


def _delta_series(N, x, kernel, lam, eta, scaling):
    """Coefficients (N, E) of the broadened ``delta(E - H)`` (1/t0) and the truncation bound
    (E,) of an exact Lorentzian (1/t0; None for the Jackson and Lorentz kernels)."""
    if kernel == cb.LORENTZIAN:
        if eta is None:
            raise LrtheoryError("kernel='lorentzian' needs eta, the Lorentzian half width (t0)")
        e = float(eta) / scaling.half_width
        return (cb.lorentzian_coefficients(N, x, e) / scaling.half_width,
                cb.lorentzian_truncation(N, x, e) / scaling.half_width)
    return cb.delta_coefficients(N, x, cb.kernel_factors(N, kernel, lam)) / scaling.half_width, None


def _prepared(sample, scaling, workers, scheduler) -> ChebyshevRecursion:
    """``H~`` prepared once per run and shared by the chunks; the numba kernel (if any) on one
    thread when the chunks run on several workers (no oversubscription)."""
    serial = scheduler is None and workers == 1
    return ChebyshevRecursion(cb.rescaled(sample.hamiltonian, scaling),
                              threads=None if serial else 1)


def _run(func, n_vectors, vectors_per_chunk, workers, scheduler, progress, desc):
    t0 = time.perf_counter()
    idx = np.arange(n_vectors)[:, None]
    total = kmap_reduce(func, idx, chunk_size=vectors_per_chunk, workers=workers,
                        scheduler=scheduler, progress=progress, desc=desc)
    return total, time.perf_counter() - t0


def _list(a):
    return None if a is None else np.asarray(a, float).tolist()


def _mean_err(total, key, R):
    mean = total[key] / R
    var = np.maximum(total[key + "_sq"] / R - mean ** 2, 0.0)
    return mean, np.sqrt(var / max(R - 1, 1))


# -- density of states ------------------------------------------------------------------------

def _dos_chunk(chunk, *, Ht, n_moments, coeff, seed):
    r = cb.random_vectors(Ht.shape[0], chunk[:, 0], seed)
    mu = cb.dos_moments(Ht, r, n_moments).real / Ht.shape[0]  # (R, N)
    per = mu @ coeff  # (R, E)
    return {"dos": per.sum(0), "dos_sq": (per ** 2).sum(0)}


def density_of_states(sample: SparseSample, energies, *, n_moments: int = 512,
                      n_vectors: int = 8, kernel: str = "jackson", lam: float = 4.0,
                      eta: float | None = None, seed: int = 0, bounds="gershgorin",
                      margin: float = DEFAULT_MARGIN, vectors_per_chunk: int = 4,
                      workers: int | None = 1, scheduler=None, progress: bool = False) -> Result:
    r"""Density of states per orbital, ``rho(E) = Tr delta(E - H)/D`` (1/t0), by KPM.

    Parameters
    ----------
    sample : SparseSample
    energies : array of float
        Energies (t0) inside the rescaled band.
    n_moments, n_vectors : int
        Chebyshev moments N (resolution :func:`~lrtheory.kpm.chebyshev.resolution`) and
        random-phase vectors R (stochastic error ~ ``1/sqrt(R D)`` relative).
    kernel, lam : str, float
        ``"jackson"``, ``"lorentz"`` (parameter ``lam``) or ``"lorentzian"``: an exact
        Lorentzian of half width ``eta`` expanded without a kernel
        (:func:`~lrtheory.kpm.chebyshev.lorentzian_coefficients`; ``settings["truncation"]``
        bounds the truncation error of each delta, 1/t0).
    eta : float, optional
        Half width (t0) of the ``"lorentzian"`` deltas.
    seed : int
        Seed of the random vectors (vector j from ``default_rng([seed, j])``).
    bounds, margin : str or Scaling, float
        Spectral bounds method and margin (:func:`~lrtheory.kpm.spectral_bounds`), or a given
        :class:`~lrtheory.kpm.sample.Scaling` (it must contain the Gershgorin interval).
    vectors_per_chunk, workers, scheduler, progress
        Map over chunks of vectors (:func:`lrtheory.parallel.kmap_reduce`).

    Returns
    -------
    Result
        ``values["dos"]`` (1/t0 per orbital), ``error["dos"]`` (stochastic standard error),
        coordinate ``"energy"``; ``settings`` has every parameter, the bounds and the run time.
    """
    _check_sample(sample)
    N, R = check_count("n_moments", n_moments, 2), check_count("n_vectors", n_vectors)
    scaling = _scaling(sample, bounds, margin)
    e, x = _energies("energies", energies, scaling)
    coeff, trunc = _delta_series(N, x, kernel, lam, eta, scaling)  # (N, E), 1/t0
    Ht = _prepared(sample, scaling, workers, scheduler)
    func = functools.partial(_dos_chunk, Ht=Ht, n_moments=N, coeff=coeff, seed=seed)
    total, wall = _run(func, R, vectors_per_chunk, workers, scheduler, progress, "KPM DOS")
    mean, err = _mean_err(total, "dos", R)
    return Result("kpm_dos", {"dos": mean}, {"dos": "1/(t0 orbital)", "energy": "t0"},
                  {"energy": e}, run_settings(sample, scaling, N, R, kernel, lam, seed, eta,
                                           wall_seconds=wall, truncation=_list(trunc)),
                  sample.model,
                  error={"dos": err} if R > 1 else {})


# -- operators --------------------------------------------------------------------------------

def density_operator(sample: SparseSample, operator) -> sp.csr_matrix:
    """The operator O of a density as CSR: ``None`` (particle number, 1), ``"charge"``
    (``q = -1``), an ``(n, n)`` unit-cell matrix (:meth:`SparseSample.cell_operator`) or a
    ``(D, D)`` Hermitian (sparse) matrix.

    Parameters
    ----------
    sample : SparseSample
        The sample.
    operator : None, "charge", (n, n) or (D, D) matrix
        The density's operator.

    Returns
    -------
    scipy.sparse.csr_matrix (D, D)
        O (charge: units of e; otherwise the units of the given matrix).
    """
    D = sample.n_orbitals
    if operator is None:
        return sp.identity(D, complex, format="csr")
    if isinstance(operator, str):
        if operator == "charge":
            return ELECTRON_CHARGE * sp.identity(D, complex, format="csr")
        raise LrtheoryError(f"operator must be None, 'charge' or a matrix, got {operator!r}")
    if not sp.issparse(operator):
        m = np.asarray(operator)
        if m.dtype.kind not in "biufc":
            raise LrtheoryError(f"operator must be numeric, got dtype {m.dtype}")
        if m.shape != (D, D):
            return sample.cell_operator(m)
    O = sp.csr_matrix(operator, dtype=complex)
    if O.shape != (D, D):
        raise ShapeError(f"operator must be ({D}, {D}), got {O.shape}")
    if not np.all(np.isfinite(O.data)):
        raise LrtheoryError("operator contains NaN or inf values")
    if O.nnz and abs(O - O.conj().T).max() > 1e-10 * max(1.0, abs(O).max()):
        raise LrtheoryError("operator must be Hermitian")
    return O


def orbital_moment_operator(sample: SparseSample, origin=None) -> sp.csr_matrix:
    """``m_z = (q/4)({x, v_y} - {y, v_x})`` as CSR (e a^2 t0/hbar; Sec. II with
    ``q = -e``, :func:`lrtheory.finite.observables.orbital_moment`), positions from ``origin``
    (default 0). Only for open samples: ``r`` is not defined on a torus (ShapeError).

    Parameters
    ----------
    sample : SparseSample
        An open sample with d >= 2.
    origin : (2,) array, optional
        Origin of the positions (a), default 0.

    Returns
    -------
    scipy.sparse.csr_matrix (D, D)
        ``m_z`` (e a^2 t0/hbar).
    """
    if any(sample.model.get("periodic", [])):
        raise ShapeError("the orbital moment needs positions: build an open sample "
                         "(periodic=False)")
    if len(sample.velocity) < 2:
        raise ShapeError("the orbital moment m_z needs a sample with d >= 2")
    o = np.zeros(2) if origin is None else np.asarray(origin, float).reshape(-1)[:2]
    x = sp.diags(sample.positions[:, 0] - o[0])
    y = sp.diags(sample.positions[:, 1] - o[1])
    vx, vy = sample.velocity[0], sample.velocity[1]
    return sp.csr_matrix(OMM_PREFACTOR * ((x @ vy + vy @ x) - (y @ vx + vx @ y)))


def current_operator(sample: SparseSample, operator, direction) -> sp.csr_matrix:
    """``J = {O, v_dir}/2`` (``q v`` for ``"charge"``, ``v`` for ``None``): the current of the
    density O along a Cartesian direction (paper Eq. 5-6).

    Parameters
    ----------
    sample : SparseSample
        The sample.
    operator : None, "charge" or matrix
        The density's operator (:func:`density_operator`).
    direction : int or (d,) array
        Cartesian axis index or direction vector.

    Returns
    -------
    scipy.sparse.csr_matrix (D, D)
        J (units of O times a t0/hbar).
    """
    v = sample.velocity_along(direction)
    if operator is None:
        return v
    if isinstance(operator, str) and operator == "charge":
        return ELECTRON_CHARGE * v
    O = density_operator(sample, operator)
    return sp.csr_matrix(0.5 * (O @ v + v @ O))


# -- Kubo-Bastin Hall -------------------------------------------------------------------------

def _hall_chunk(chunk, *, Ht, A, B, n_moments, g, xf, seed, block_bytes):
    r = cb.random_vectors(Ht.shape[0], chunk[:, 0], seed)
    mu = cb.moments_2d(Ht, A, B, r, n_moments, block_bytes=block_bytes)  # (R, N, N)
    per = np.array([cb.bastin_sigma(m, g, xf) for m in mu])  # (R, E)
    return {"s": per.sum(0), "s_sq": (per ** 2).sum(0)}


def hall_conductivity(sample: SparseSample, ef, *, operator="charge", directions=(0, 1),
                      n_moments: int = 256, n_vectors: int = 4, kernel: str = "jackson",
                      lam: float = 4.0, seed: int = 0, bounds="gershgorin",
                      margin: float = HALL_MARGIN, vectors_per_chunk: int = 1,
                      workers: int | None = 1, scheduler=None, progress: bool = False,
                      block_bytes: float = 256e6) -> Result:
    r"""Kubo-Bastin Hall conductivity ``sigma_ab(E_F)`` at T = 0 by 2D Chebyshev moments.

    ``sigma_ab = (q / (a^2 volume)) (4/pi) int_{-1}^{x_F} dx sum_nm Gamma_nm(x) mu~_mn /
    (1 - x^2)^2`` with ``mu_mn = Tr[J_a T_m(H~) v_b T_n(H~)]`` (Garcia, Covaci, Rappoport,
    PRL 114, 116602 (2015), Eq. 2-4, their index order; ``a`` the half width of the
    rescaling), ``J_a`` the current of ``operator``: ``q v_a`` (``"charge"``, result in
    e^2/hbar; ``sigma_e2h`` in e^2/h), ``v_a`` (``None``, particle current) or ``{O, v_a}/2``
    (orbital, spin or valley Hall: O any Hermitian matrix, e.g. a unit-cell matrix). The factor
    ``q = -e`` is the field's coupling ``H_E = +e E.r = -q E.r`` (Eq. 3), whose current is
    ``q v_b``. The whole tensor is right: the antisymmetric (Hall) part is the clean Kubo
    formula Eq. 17 at eta -> 0, the symmetric part (``sigma_xx > 0``) the Kubo-Greenwood
    conductivity with the kernel's deltas (both tested). Cost ``N^2 R`` sparse products
    (memory ``block_bytes``).

    Parameters
    ----------
    sample : SparseSample
        Periodic supercells give the bulk value (the torus of L x L cells equals an L x L
        k-grid); flakes include edge currents.
    ef : array of float
        Fermi energies (t0).
    operator : "charge", None or matrix
    directions : (int, int)
        ``(a, b)``: current along a, field along b.
    n_moments, n_vectors, kernel, lam, seed, bounds, margin : see :func:`density_of_states`
        (margin default 0.1, see
        :func:`~lrtheory.kpm.chebyshev.bastin_sigma`).
    vectors_per_chunk, workers, scheduler, progress : see :func:`density_of_states`
    block_bytes : float
        Memory for the kept ``v_b T_m r`` vectors (bytes).

    Returns
    -------
    Result
        ``values["sigma"]`` (units above; ``"sigma_e2h"`` too for the charge current),
        ``error`` the stochastic standard errors, coordinate ``"ef"``.
    """
    _check_sample(sample)
    N, R = check_count("n_moments", n_moments, 2), check_count("n_vectors", n_vectors)
    if kernel == cb.LORENTZIAN:
        raise LrtheoryError("the Hall conductivity takes kernel 'jackson' or 'lorentz' (the "
                            "Bastin formula needs a kernel for its Green's functions too)")
    scaling = _scaling(sample, bounds, margin)
    e, xf = _energies("ef", ef, scaling, edge=0.02)
    a, b = directions
    A = current_operator(sample, operator, a)
    B = sample.velocity_along(b)
    g = cb.kernel_factors(N, kernel, lam)
    Ht = _prepared(sample, scaling, workers, scheduler)
    func = functools.partial(_hall_chunk, Ht=Ht, A=A, B=B, n_moments=N, g=g, xf=xf, seed=seed,
                             block_bytes=block_bytes)
    total, wall = _run(func, R, vectors_per_chunk, workers, scheduler, progress, "KPM Hall")
    mean, err = _mean_err(total, "s", R)
    pref = ELECTRON_CHARGE / (scaling.half_width ** 2 * sample.volume)  # H_E = -q E.r
    sigma, err = pref * mean, abs(pref) * err
    charge = isinstance(operator, str) and operator == "charge"
    values, errors = {"sigma": sigma}, {"sigma": err}
    units = {"sigma": "e^2/hbar" if charge else "e/hbar (current of O per field)", "ef": "t0"}
    if charge:
        values["sigma_e2h"], errors["sigma_e2h"] = 2 * np.pi * sigma, 2 * np.pi * err
        units["sigma_e2h"] = "e^2/h"
    op = operator if operator is None or isinstance(operator, str) else "matrix"
    return Result("kpm_hall_conductivity", values, units, {"ef": e},
                  run_settings(sample, scaling, N, R, kernel, lam, seed, operator=op,
                            directions=list(directions), temperature=0.0, wall_seconds=wall),
                  sample.model, error=errors if R > 1 else {})


# -- site-resolved Fermi-surface accumulation -------------------------------------------------

def site_traces(Ht, O, V, coeff, vectors, site, n_sites) -> np.ndarray:
    """Per vector r and Fermi energy: ``-pi <r|{P_i, O}/2 delta V delta|r>`` for every site i,
    ``(n_sites, E, R)``; summed over the columns of an identity matrix it is the exact trace."""
    r = vectors
    D, R, E = r.shape[0], r.shape[1], coeff.shape[1]
    phi = cb.apply_series(Ht, r, coeff)  # (E, D, R): delta(E_e - H) r
    psi = np.stack([V @ phi[k] for k in range(E)], axis=1).reshape(D, E * R)  # (D, E*R)
    cc = np.repeat(coeff, R, axis=1)[:, None, :]  # (N, 1, E*R): energy of each column
    chi = cb.apply_series(Ht, psi, cc).reshape(D, E, R)  # delta V delta r
    Or = (O @ r)[:, None, :]
    local = 0.5 * (r[:, None, :].conj() * (O @ chi.reshape(D, E * R)).reshape(D, E, R)
                   + Or.conj() * chi).real  # (D, E, R): <r|{P_i, O}/2 X|r> per orbital
    if n_sites == D and np.array_equal(site, np.arange(D)):
        return -np.pi * local
    per = np.zeros((n_sites, E, R))
    np.add.at(per, site, local)
    return -np.pi * per


def _accumulation_chunk(chunk, *, Ht, O, V, coeff, seed, site, n_sites):
    r = cb.random_vectors(Ht.shape[0], chunk[:, 0], seed)  # (D, R)
    per = site_traces(Ht, O, V, coeff, r, site, n_sites)
    return {"n": per.sum(2), "n_sq": (per ** 2).sum(2)}


def fermi_surface_accumulation(sample: SparseSample, ef, *, operator=None, field=(1.0, 0.0),
                               n_moments: int = 512, n_vectors: int = 4,
                               kernel: str = "lorentz", lam: float = 4.0,
                               eta: float | None = None, seed: int = 0,
                               bounds="gershgorin", margin: float = DEFAULT_MARGIN,
                               vectors_per_chunk: int = 1, workers: int | None = 1,
                               scheduler=None, progress: bool = False) -> Result:
    r"""Site-resolved Kubo-Greenwood accumulation ``delta n_O(i)`` per unit field (Eq. 20).

    ``delta n_O(i) = e chi_i``, ``chi_i = -pi Tr[{P_i, O}/2 delta(E_F - H) (v.E)
    delta(E_F - H)]``, the deltas kernel-broadened (:func:`~lrtheory.kpm.chebyshev.resolution`;
    with the Lorentz kernel Lorentzians of half width ``Gamma = lam a/N``, the intraband Kubo
    response of Eq. 17 at ``eta = 2 Gamma``, ``tau = 1/eta``). The trace is estimated
    stochastically with full site resolution: ``<r|P_i X|r> = conj(r_i) (X r)_i``. Cost
    ``2 N`` sparse products per vector and Fermi energy; memory ~ ``(2 + 3 E) D`` vectors.

    Parameters
    ----------
    sample : SparseSample
    ef : array of float
        Fermi energies (t0).
    operator : None, "charge" or matrix
        The density's operator O (:func:`density_operator`; None = particle number).
    field : (d,) array
        Field vector E (t0/(e a)); the result is linear in it.
    n_moments, n_vectors, kernel, lam, eta, seed, bounds, margin : see
        :func:`density_of_states` (default kernel Lorentz: a relaxation-time reading;
        ``"lorentzian"`` with ``eta``: exact Lorentzians, ``eta_equivalent = 2 eta``).
    vectors_per_chunk, workers, scheduler, progress : see :func:`density_of_states`

    Returns
    -------
    Result
        ``values["accumulation"]`` (n_sites, n_EF) in units of O per site, ``error`` its
        stochastic standard error, ``values["total"]`` the sum over sites; coordinates
        ``"site"``, ``"ef"``; ``values["positions"]`` the site positions.
    """
    _check_sample(sample)
    N, R = check_count("n_moments", n_moments, 2), check_count("n_vectors", n_vectors)
    scaling = _scaling(sample, bounds, margin)
    e, x = _energies("ef", ef, scaling)
    O = density_operator(sample, operator)
    V = sample.velocity_along(np.asarray(field, float))
    coeff, trunc = _delta_series(N, x, kernel, lam, eta, scaling)
    Ht = _prepared(sample, scaling, workers, scheduler)
    func = functools.partial(_accumulation_chunk, Ht=Ht, O=O, V=V, coeff=coeff, seed=seed,
                             site=sample.site, n_sites=sample.n_sites)
    total, wall = _run(func, R, vectors_per_chunk, workers, scheduler, progress, "KPM accumulation")
    mean, err = _mean_err(total, "n", R)
    pos = np.zeros((sample.n_sites, sample.positions.shape[1]))
    pos[sample.site] = sample.positions
    op = operator if operator is None or isinstance(operator, str) else "matrix"
    return Result("kpm_fermi_surface_accumulation",
                  {"accumulation": mean, "total": mean.sum(0), "positions": pos},
                  {"accumulation": "O per site per unit field (e a/t0)", "ef": "t0",
                   "positions": "a"},
                  {"site": np.arange(sample.n_sites), "ef": e},
                  run_settings(sample, scaling, N, R, kernel, lam, seed, eta, operator=op,
                            field=list(np.asarray(field, float)), wall_seconds=wall,
                            truncation=_list(trunc),
                            eta_equivalent=(list(2 * cb.resolution(N, scaling.half_width,
                                                                   kernel, lam, x))
                                            if kernel == "lorentz" else
                                            [2 * float(eta)] * len(e)
                                            if kernel == cb.LORENTZIAN else None)),
                  sample.model, error={"accumulation": err} if R > 1 else {})
