r"""Disorder averages of KPM quantities over seeded realizations (issue #16).

:func:`disorder_average` draws ``n_realizations`` disordered copies of a clean
:class:`~lrtheory.disorder.samples.Sample` (the Anderson, bond and magnetic box disorder of
:func:`lrtheory.disorder.samples.disorder`, no second disorder model), evaluates on each the
KPM quantities asked for (density of states, Kubo-Bastin Hall conductivity, site-resolved
Fermi-surface accumulation: :mod:`lrtheory.kpm.quantities`) and returns their means with
standard errors of the mean as one :class:`~lrtheory.result.Result`.

* **One task per realization**, mapped with :func:`lrtheory.parallel.kmap_reduce` (serial, local
  processes or Dask); each task returns its values and their squares, added in realization
  order, so serial and parallel runs are bit-identical.
* **Seeds**: realization ``r`` uses child ``r`` of ``numpy.random.SeedSequence(seed)``; its
  disorder is drawn from ``default_rng(child)`` (the same draw as
  :func:`lrtheory.disorder.exact.disorder_average` with the same seed: the two averages can be
  compared realization by realization), its random vectors from the grandchild
  ``child.spawn(1)[0]`` (independent of the disorder and of the other realizations).
* **Error bars**: the spread of the per-realization estimates, ``std / sqrt(n)``. Each
  estimate carries its own stochastic-trace noise (independent vectors per realization), so
  the standard error covers both the disorder fluctuations and the trace noise.
* **One spectral window** for all realizations (:func:`disorder_bounds`: the clean sample's
  Gershgorin interval widened by what the disorder box can add), so every realization is
  expanded at the same resolution; each realization checks that it lies inside.

Units: those of the quantities (``hbar = e = 1``, t0, a); ``W`` in t0 (dimensionless for
``"bond"``).
"""
from __future__ import annotations

import functools
import time

import numpy as np

from lrtheory.disorder.samples import KINDS, Sample, disorder
from lrtheory.errors import LrtheoryError
from lrtheory.kpm import chebyshev as cb
from lrtheory.kpm import quantities as Q
from lrtheory.kpm.sample import Scaling, SparseSample, csr_family, spectral_bounds
from lrtheory.parallel import kmap_reduce
from lrtheory.result import Result

__all__ = ["QUANTITIES", "sparse_sample", "disorder_bounds", "realization_seeds",
           "accumulation_truncation", "disorder_average"]

#: the quantities :func:`disorder_average` evaluates per realization
QUANTITIES = ("dos", "hall", "accumulation")


def sparse_sample(sample: Sample) -> SparseSample:
    r"""A :class:`~lrtheory.disorder.samples.Sample` (bond list) as a KPM
    :class:`~lrtheory.kpm.sample.SparseSample` at twist ``k = 0``.

    ``H = sum t |row><col|`` and ``v_a = i d_a H`` entry by entry (``d`` the bond vector, the
    atomic-position convention of Eq. S48), so ``v = dH/dk`` (Eq. 4) also across periodic
    boundaries; the same matrices as ``sample.hamiltonian()`` and ``sample.velocity()``.

    Parameters
    ----------
    sample : Sample
        Clean or disordered sample from :func:`lrtheory.disorder.samples.build_sample`.

    Returns
    -------
    SparseSample
        ``volume`` = cells x the unit cell's area or length (a^d); ``site`` the site of every
        state (``n_internal`` states per site).
    """
    if not isinstance(sample, Sample):
        raise LrtheoryError(f"expected a lrtheory.disorder.samples.Sample, got "
                            f"{type(sample).__name__}")
    n = sample.n_states
    d = sample.displacements
    H, *V = csr_family(sample.rows, sample.cols,
                        [sample.amplitudes] + [1j * d[:, a] * sample.amplitudes
                                               for a in range(d.shape[1])], n)
    cells = sample.info.get("cells")
    cell_volume = sample.info.get("cell_volume")
    if cells is None or cell_volume is None:
        raise LrtheoryError("the sample does not record its cells and cell volume: build it "
                            "with lrtheory.disorder.samples.build_sample")
    model = {"name": sample.info.get("model"), "params": sample.info.get("params", {}),
             "cells": cells, "periodic": sample.info.get("periodic"),
             "n_orbitals_per_cell": n // int(np.prod(cells))}
    return SparseSample(H, tuple(V), sample.positions[sample.site_of_state],
                        float(np.prod(cells)) * float(cell_volume), sample.site_of_state, model)


def disorder_bounds(clean: Sample, kind: str, W: float, margin: float) -> Scaling:
    r"""A spectral window that holds every realization of the disorder box (rigorous).

    From the clean Gershgorin discs (centre ``H_ii``, radius ``R_i = sum_{j != i} |H_ij|``):
    ``"anderson"`` shifts every centre by at most ``W/2``; ``"bond"`` scales every
    inter-site entry by ``1 + delta``, ``|delta| <= W/2``, so ``R_i <= (1 + W/2) R_i^clean``;
    ``"magnetic"`` adds ``h.sigma`` on every site, ``|h_z| <= W/2`` on the diagonal and
    ``|h_x - i h_y| <= W/sqrt(2)`` to the radius. Every realization's Gershgorin interval (and
    so its spectrum) lies in the window returned.

    Parameters
    ----------
    clean : Sample
        The clean sample.
    kind : "anderson", "bond" or "magnetic"
    W : float
        Box width (t0; dimensionless for "bond").
    margin : float
        Relative safety margin of the rescaling (:func:`lrtheory.kpm.spectral_bounds`).

    Returns
    -------
    Scaling
        ``method = "gershgorin (disorder box)"``.
    """
    if kind not in KINDS:
        raise LrtheoryError(f"disorder kind must be one of {KINDS}, got {kind!r}")
    W = float(W)
    if not np.isfinite(W) or W < 0:
        raise LrtheoryError(f"disorder width W must be finite and >= 0, got {W!r}")
    H = sparse_sample(clean).hamiltonian
    diag = H.diagonal().real
    radius = np.asarray(abs(H).sum(axis=1)).ravel() - np.abs(H.diagonal())
    shift = 0.0
    if kind == "anderson":
        shift = W / 2
    elif kind == "bond":
        radius = radius * (1 + W / 2)
    else:
        shift = W / 2 + W / np.sqrt(2)
    lo, hi = float(np.min(diag - radius)) - shift, float(np.max(diag + radius)) + shift
    ref = spectral_bounds(H, margin=margin)  # validates margin
    width = max(hi - lo, 1e-12)
    return Scaling((hi + lo) / 2, (1 + ref.margin) * width / 2, lo, hi,
                   "gershgorin (disorder box)", ref.margin)


def realization_seeds(seed: int, r: int):
    """``(disorder generator, vector seed)`` of realization ``r`` (module docstring).

    Parameters
    ----------
    seed : int
        The run's seed.
    r : int
        Realization index.

    Returns
    -------
    (numpy.random.Generator, int)
        The disorder's generator (``default_rng(child r)``) and the seed of its random
        vectors (from the grandchild ``child.spawn(1)[0]``).
    """
    child = np.random.SeedSequence(int(seed), spawn_key=(int(r),))
    vec = int(child.spawn(1)[0].generate_state(1, np.uint64)[0])
    return np.random.default_rng(child), vec


def accumulation_truncation(sample: SparseSample, delta_bound, eta: float, *,
                            operator_norm: float, field=(1.0, 0.0),
                            states_per_site: int = 1) -> np.ndarray:
    r"""Bound on the truncation error of a site-resolved accumulation with exact Lorentzian
    deltas (``kernel="lorentzian"``), per site, for each Fermi energy.

    With ``delta_N = delta_eta + err``, ``||err|| <= eps`` (``delta_bound``, the
    ``settings["truncation"]`` of the result, 1/t0) and ``||delta_eta|| <= 1/(pi eta)``:
    ``|chi_N(i) - chi(i)| = pi |Tr[n_O(i) (err V delta + delta V err + err V err)]| <= pi
    ||n_O(i)||_1 ||V|| (2 eps/(pi eta) + eps^2)``, with ``||n_O(i)||_1 <= s ||O||`` (``{P_i,
    O}/2``, ``P_i`` of rank ``s`` = states per site) and ``||V||`` bounded by the largest row
    sum of ``|E . v|``. It falls with the moments as ``eps ~ exp(-N eta/(a sqrt(1 - x^2)))``.

    Parameters
    ----------
    sample : SparseSample
        The sample (its velocity operators).
    delta_bound : float or array
        ``eps`` per Fermi energy (1/t0).
    eta : float
        Lorentzian half width (t0).
    operator_norm : float
        An upper bound on ``||O||`` (units of O).
    field : (d,) array
        The field (t0/(e a)).
    states_per_site : int
        Rank of the site projector.

    Returns
    -------
    array
        The bound per site (O per site per unit field), shaped like ``delta_bound``.
    """
    eps = np.asarray(delta_bound, float)
    v = abs(sample.velocity_along(np.asarray(field, float)))
    v_norm = float(np.max(np.asarray(v.sum(axis=1)).ravel()))
    return (np.pi * states_per_site * float(operator_norm) * v_norm
            * (2 * eps / (np.pi * float(eta)) + eps ** 2))


def _one_realization(chunk, *, clean, kind, W, seed, plan):
    out = {}
    for r in chunk[:, 0]:
        rng, vec = realization_seeds(seed, int(r))
        s = sparse_sample(disorder(clean, kind, W, rng))
        for name, (func, kwargs, keys) in plan.items():
            res = func(s, seed=vec, workers=1, progress=False, **kwargs)
            for key in keys:
                x = np.asarray(res.values[key], float)
                out[key] = out.get(key, 0.0) + x
                out[key + "_sq"] = out.get(key + "_sq", 0.0) + x * x
    return out


def _check_energies(name, e):
    if e is None:
        raise LrtheoryError(f"{name} must be given for the quantities asked for")
    e = np.atleast_1d(np.asarray(e, float))
    if e.ndim != 1 or not e.size or not np.all(np.isfinite(e)):
        raise LrtheoryError(f"{name} must be a non-empty list of finite energies (t0)")
    return e


def disorder_average(clean: Sample, kind: str, W: float, *, n_realizations: int,
                     seed: int = 0, quantities=("dos",), energies=None, ef=None,
                     operator=None, hall_operator="charge", field=(1.0, 0.0),
                     directions=(0, 1), n_moments: int = 256, n_vectors: int = 4,
                     kernel: str | None = None, lam: float = 4.0, eta: float | None = None,
                     margin: float = Q.HALL_MARGIN, workers: int | None = 1, scheduler=None,
                     progress: bool = False) -> Result:
    r"""Disorder-averaged KPM density of states, Hall conductivity and accumulation.

    Parameters
    ----------
    clean : Sample
        The clean sample (:func:`lrtheory.disorder.samples.build_sample`: flake, ribbon
        supercell or torus of any tight-binding model).
    kind : "anderson", "bond" or "magnetic"
        The disorder (:func:`lrtheory.disorder.samples.disorder`).
    W : float
        Box width (t0; dimensionless for "bond").
    n_realizations : int >= 2
        Realizations (error bars need at least two).
    seed : int >= 0
        Seed of the whole run (module docstring: disorder and vectors per realization).
    quantities : sequence of "dos", "hall", "accumulation"
        What to evaluate on every realization.
    energies : array of float
        Energies (t0) of the density of states ("dos").
    ef : array of float
        Fermi energies (t0) of the Hall conductivity and the accumulation.
    operator : None, "charge" or matrix
        Density of the accumulation (:func:`lrtheory.kpm.quantities.density_operator`: a
        unit-cell ``(n, n)`` matrix, repeated on every cell, or a full one).
    hall_operator : "charge", None or matrix
        Current of the Hall conductivity (:func:`lrtheory.kpm.hall_conductivity`).
    field : (d,) array
        Field of the accumulation (t0/(e a)).
    directions : (int, int)
        Current and field directions of the Hall conductivity.
    n_moments, n_vectors : int
        Chebyshev moments N and random vectors R per realization.
    kernel : str, optional
        ``"jackson"``, ``"lorentz"`` or ``"lorentzian"`` (exact Lorentzians of half width
        ``eta``; not for "hall"); default: Jackson for "dos" and "hall", Lorentz for
        "accumulation" (the defaults of the single-sample functions).
    lam, eta : float
        Lorentz kernel parameter; Lorentzian half width (t0).
    margin : float
        Safety margin of the common spectral window (:func:`disorder_bounds`).
    workers, scheduler, progress
        One task per realization on :func:`lrtheory.parallel.kmap_reduce`'s executors;
        ``progress`` shows one tick per realization on stderr.

    Returns
    -------
    Result
        ``quantity = "kpm_disorder_average"``. Values (means over realizations): ``"dos"``
        (E,), 1/(t0 orbital); ``"sigma"`` (E_F,) (and ``"sigma_e2h"`` for the charge current);
        ``"accumulation"`` (n_sites, E_F) and ``"total"`` (E_F,), O per site per unit field;
        ``"positions"`` (n_sites, d). ``error``: the standard error of each mean. Coordinates
        ``"energy"``, ``"ef"``, ``"site"``. ``settings``: kind, W, seed, n_realizations,
        quantities, every KPM parameter, the common window and, for ``"lorentzian"``, the
        truncation bound of each delta (1/t0) per quantity.
    """
    if not isinstance(clean, Sample):
        raise LrtheoryError(f"clean must be a lrtheory.disorder.samples.Sample, got "
                            f"{type(clean).__name__}")
    n = Q.check_count("n_realizations", n_realizations, 2)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise LrtheoryError(f"seed must be a non-negative integer, got {seed!r}")
    quantities = (quantities,) if isinstance(quantities, str) else tuple(quantities)
    if not quantities or any(q not in QUANTITIES for q in quantities):
        raise LrtheoryError(f"quantities must be a non-empty subset of {QUANTITIES}, got "
                            f"{quantities!r}")
    scaling = disorder_bounds(clean, kind, W, margin)
    first = sparse_sample(clean)
    common = dict(n_moments=n_moments, n_vectors=n_vectors, lam=lam, bounds=scaling,
                  vectors_per_chunk=n_vectors)
    plan, probes = {}, {}
    if "dos" in quantities:
        e = _check_energies("energies", energies)
        kw = dict(common, energies=e, kernel=kernel or "jackson", eta=eta)
        plan["dos"] = (Q.density_of_states, kw, ("dos",))
    if "hall" in quantities:
        kw = dict(common, ef=_check_energies("ef", ef), kernel=kernel or "jackson",
                  operator=hall_operator, directions=tuple(directions))
        charge = isinstance(hall_operator, str) and hall_operator == "charge"
        plan["hall"] = (Q.hall_conductivity, kw, ("sigma", "sigma_e2h") if charge
                        else ("sigma",))
    if "accumulation" in quantities:
        kw = dict(common, ef=_check_energies("ef", ef), kernel=kernel or "lorentz", eta=eta,
                  operator=operator, field=tuple(np.asarray(field, float)))
        plan["accumulation"] = (Q.fermi_surface_accumulation, kw, ("accumulation", "total"))
    # the clean sample once, in this process: every argument checked, settings recorded
    for name, (func, kwargs, keys) in plan.items():
        probes[name] = func(first, seed=0, **dict(kwargs, n_moments=2, n_vectors=1))
    t0 = time.perf_counter()
    func = functools.partial(_one_realization, clean=clean, kind=kind, W=float(W),
                             seed=int(seed), plan=plan)
    total = kmap_reduce(func, np.arange(n)[:, None], chunk_size=1, workers=workers,
                        scheduler=scheduler, progress=progress,
                        desc=f"KPM disorder average ({kind}, W = {W:g})")
    wall = time.perf_counter() - t0
    values, errors, units, coords = {}, {}, {}, {}
    for name, (_, kwargs, keys) in plan.items():
        for key in keys:
            mean = total[key] / n
            var = np.maximum(total[key + "_sq"] / n - mean ** 2, 0.0) * n / (n - 1)
            values[key], errors[key] = mean, np.sqrt(var / n)
        units.update({k: v for k, v in probes[name].units.items() if k in keys})
        coords.update(probes[name].coords)
    if "accumulation" in plan:
        values["positions"] = probes["accumulation"].values["positions"]
        units["positions"] = "a"
    per_quantity = {}
    for name, (_, kwargs, _) in plan.items():
        k = kwargs["kernel"]
        x = scaling.to_unit(kwargs.get("energies", kwargs.get("ef")))
        extra = {key: kwargs[key] for key in ("operator", "directions", "field") if key in kwargs}
        if "operator" in extra and not (extra["operator"] is None
                                        or isinstance(extra["operator"], str)):
            extra["operator"] = "matrix"
        if k == cb.LORENTZIAN:  # the bound of each delta at the N used (1/t0)
            extra["truncation"] = (cb.lorentzian_truncation(
                n_moments, x, float(eta) / scaling.half_width) / scaling.half_width).tolist()
        st = Q.run_settings(first, scaling, int(n_moments), int(n_vectors), k, lam, None, eta,
                         **extra)
        st.pop("seed")
        per_quantity[name] = st
    settings = {"kind": kind, "W": float(W), "seed": int(seed), "n_realizations": n,
                "quantities": list(plan), "n_moments": int(n_moments),
                "n_vectors": int(n_vectors), "error": "standard error over realizations",
                "cells": clean.info.get("cells"), "periodic": clean.info.get("periodic"),
                "n_internal": clean.n_internal, "wall_seconds": wall,
                "scheduler": None if scheduler is None else str(scheduler),
                "workers": workers, **{f"{k}_settings": v for k, v in per_quantity.items()}}
    model = {"name": clean.info.get("model"), "params": clean.info.get("params", {})}
    return Result("kpm_disorder_average", values, units, coords, settings, model,
                  error=errors)
