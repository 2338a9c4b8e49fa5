r"""The paper's printed route to the OMM accumulation (Eq. 55 + S47/S51 + printed Eq. 57).

Kept only to compare with the correct theory (:mod:`lrtheory.response.density`): the printed
``m_nl`` depends on the diagonal Berry connections ``A_nn`` (a gauge choice), so this route
is evaluated in two legitimate gauges:

* ``"parallel"``: ``A_nn(k) = 0`` at every k (a parallel-transport gauge, always reachable
  locally by k-dependent phases);
* ``"random"``: ``A_nn(k)`` = random numbers of size ``scale`` (the gauge
  ``exp(i theta_n(k))`` with ``-d theta_n/dk`` = those numbers).

Any difference between the two is gauge dependence of the printed formula.
"""
from __future__ import annotations

from functools import partial

import numpy as np

from lrtheory.bands.eigensystem import Eigensystem
from lrtheory.conventions import DEGEN_TOL
from lrtheory.errors import ConventionError
from lrtheory.parallel.executor import auto_chunk_size, kmap_reduce
from lrtheory.response.density import DEFAULT_SMEARING, response_matrices
from lrtheory.models.cuts import DIAGONAL_Y, refuse_position_matrix
from lrtheory.models.protocol import Ribbon, ensure_model
from lrtheory.response.omm import paper_density_response, paper_omm_eq57
from lrtheory.result import Result

__all__ = ["paper_route", "paper_route_profiles"]


def _chunk(k, *, model, ef, temperature, smearing, gauge, scale, seed):
    es = Eigensystem.compute(model, k, degen_tol=DEGEN_TOL, check=False)
    if gauge == "parallel":
        a_diag = np.zeros_like(es.energies)
    else:
        # seed from the chunk's first k so the result is reproducible for any chunking
        s = (seed, int(abs(float(k[0, 0])) * 1e6))
        a_diag = scale * np.random.default_rng(s).normal(size=es.energies.shape)
    m = paper_omm_eq57(model, es, a_diag)
    Rs = response_matrices(es, ef, temperature=temperature, smearing=smearing)
    return {part: paper_density_response(model, es, m, R) for part, R in Rs.items()}


def paper_route(model, ef: float, *, nk: int = 2048, gauge: str = "parallel",
                temperature: float = 0.0, smearing: float = DEFAULT_SMEARING,
                scale: float = 1.0, seed: int = 0, workers: int = 1) -> Result:
    """Printed-route OMM profiles as a :class:`~lrtheory.result.Result` (see module doc):
    Eq. 55 with the printed Eq. 56/S47-S51 and Eq. 57, gauge dependent (docs/derivations.md,
    finding 8); for comparison with :func:`lrtheory.response.density.ribbon_accumulation`.

    Parameters
    ----------
    model : Ribbon
        The ribbon.
    ef : float
        Fermi energy (t0).
    nk : int
        k-points of ``model.k_grid(nk)``.
    gauge : str
        ``"parallel"`` (``A_nn = 0``) or ``"random"`` (random ``A_nn`` of size ``scale``,
        seeded by ``seed`` and each chunk's first k).
    temperature, smearing : float
        As in :func:`lrtheory.response.density.ribbon_accumulation` (t0).
    scale : float
        Size of the random diagonal Berry connections (a).
    seed : int
        Seed of the random gauge.
    workers : int
        Worker processes of the k-sum.

    Returns
    -------
    Result
        ``quantity = "paper_route_omm"``, values ``"intraband"`` (per unit tau) and
        ``"interband"`` (n_orb,), per cell and unit field, convention q = -1 (the paper's +e
        flips the sign); coords ``y``; settings (gauge, nk, ...) and the ribbon's frame.
    """
    model = ensure_model(model, Ribbon, where="paper_route_profiles")
    refuse_position_matrix(model, "paper_route()", DIAGONAL_Y)
    if gauge not in ("parallel", "random"):
        raise ConventionError(f"gauge must be 'parallel' or 'random', got {gauge!r}")
    k = model.k_grid(int(nk))
    func = partial(_chunk, model=model, ef=ef, temperature=temperature, smearing=smearing,
                   gauge=gauge, scale=scale, seed=seed)
    tot = kmap_reduce(func, k, chunk_size=auto_chunk_size(model.n_orbitals), workers=workers)
    values = {key: val / len(k) for key, val in tot.items()}
    unit = "e a^2 t0/hbar per cell per unit E_x"
    return Result("paper_route_omm", values,
                  units={"intraband": "per tau (hbar/t0), " + unit, "interband": unit},
                  coords={"y": np.asarray(model.transverse_positions(), float)},
                  settings=dict(ef=float(ef), nk=int(nk), gauge=gauge, temperature=temperature,
                                smearing=smearing, scale=scale, seed=seed,
                                frame=np.asarray(model.frame, float).tolist()),
                  model={"name": model.name, "params": dict(model.params)})


def paper_route_profiles(model, ef: float, *, nk: int = 2048, gauge: str = "parallel",
                         temperature: float = 0.0, smearing: float = DEFAULT_SMEARING,
                         scale: float = 1.0, seed: int = 0, workers: int = 1) -> dict:
    """Printed-route OMM profiles ``{"intraband", "interband"}`` (n_orb,), per cell and unit
    field, in the convention q = -1 (the paper's +e flips the sign): the values of
    :func:`paper_route` (which returns them as a Result with settings and frame).

    Parameters
    ----------
    model, ef, nk, gauge, temperature, smearing, scale, seed, workers
        As in :func:`paper_route`.

    Returns
    -------
    dict
        ``"intraband"`` (per unit tau) and ``"interband"``: (n_orb,) arrays, e a^2 t0/hbar
        per cell per unit E_x.
    """
    return dict(paper_route(model, ef, nk=nk, gauge=gauge, temperature=temperature,
                            smearing=smearing, scale=scale, seed=seed, workers=workers).values)
