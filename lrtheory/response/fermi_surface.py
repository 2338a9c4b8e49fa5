r"""Fermi-surface (relaxation-time) response of a density, paper Eq. (28) / (S14), with the
sign derived in docs/derivations.md ("Bulk responses"):

.. math::
   \chi_{O, r_c} = \tau \sum_n \int\frac{d^dk}{(2\pi)^d}\, f'(\epsilon_{n\mathbf k})\,
   \mathrm{Re}\,\mathrm{Tr}_{D(n)}[O\, v^c]
   = -\sum_i N_i(\epsilon_F)\,\tau_i\,\langle \mathrm{Re}\{O_{kk} v^c_{kk}\}\rangle_{FS,i}
   \quad (T\to 0),

and the density per unit area is ``delta <O> = e chi . E`` (H' = +e E.r). The printed
Eq. (28) and (S14) carry a ``+`` sign: they drop the minus of ``f' = -delta(e - e_F)``
used one line earlier in (S11); the Boltzmann equation (``dk/dt = -e E``) confirms the
minus. ``Tr_{D(n)}`` is the trace over the bands degenerate with ``n`` at the same k (the
relaxation-time approximation connects only same-k states within ``1/tau``); for
non-degenerate bands it is ``O_nn v^c_nn``.

Two evaluations:

* ``T > 0``: Fermi-function derivative on the k-sum driver (:func:`lrtheory.response.ksum.ksum`;
  uniform BZ grid for lattice models, polar quadrature for continuum models:
  :func:`lrtheory.response.ksum.response_grid`), integrand :class:`FermiSurfaceDensity`;
* ``T = 0`` (continuum models): exact Fermi lines from
  :meth:`ContinuumModel.fermi_crossings` (no smearing).
"""
from __future__ import annotations

import numpy as np

from lrtheory._compat import renamed_keywords
from lrtheory._docstrings import shared_docs
from lrtheory.bands.eigensystem import Eigensystem
from lrtheory.conventions import DEGEN_TOL
from lrtheory.errors import check_positive, check_real_scalar
from lrtheory.models.protocol import ContinuumModel, ensure_model
from lrtheory.response._band_integrand import (DOCS, BandIntegrand, block_trace_product, integrate,
                                               intraband_trace)
from lrtheory.response.berry import band_operator
from lrtheory.response.ksum import chunk_weights, response_grid
from lrtheory.result import KIntegral

__all__ = ["fermi_surface_density", "FermiSurfaceDensity", "block_trace_product",
           "fermi_surface_continuum", "quadrature"]

# keywords before issue #14 (docs/conventions.md, glossary): op -> operator, mu -> ef
_renamed = renamed_keywords(op="operator", mu="ef")


def quadrature(model, *, nk=None, k_max=None, n_r=400, n_theta=64):
    """k points with two weight columns, whole: ``(N, dim + 2)`` = [k, w_full, w_half].

    ``sum w g(k) ~ int d^2k/(2pi)^2 g`` on the grid of
    :func:`lrtheory.response.ksum.response_grid` (lattice: ``nk x nk`` BZ grid, the half
    column weights the ``nk/2`` sub-grid; continuum: polar grid of radius ``k_max`` plus the
    ``n_r/2 x n_theta/2`` grid). Returns ``(kw, label)`` with ``label`` = ``nk`` or ``n_r``.

    Parameters
    ----------
    model : BlochModel
        Lattice model (``nk=``) or continuum model (``k_max=``, ``n_r=``, ``n_theta=``).
    nk : int, optional
        Linear BZ grid size (lattice model).
    k_max : float, optional
        Polar grid radius (1/a, continuum model).
    n_r, n_theta : int
        Radial and angular points.

    Returns
    -------
    tuple
        ``(kw, label)``: kw (N, dim + 2) = [k (1/a), w_full, w_half (1/a^2)], label ``nk`` or ``n_r``.
    """
    grid, nk = response_grid(model, nk=nk, k_max=k_max, n_r=n_r, n_theta=n_theta)
    n = grid.n_points
    w_full, w_sub = (chunk_weights(grid, 0, n, sub).point for sub in (False, True))
    return np.c_[grid.points(0, n), w_full, w_sub], int(n_r if nk is None else nk)


@shared_docs(**DOCS)
class FermiSurfaceDensity(BandIntegrand):
    r"""Eq. (28) / (S14), sign corrected: ``chi_{O, r_c} = tau sum_n int d^2k/(2pi)^2
    f'(e_nk) Re Tr_{D(n)}[O v^c]`` at ``T > 0``, shape (dim,). Units ``[O] hbar/(t0 a)``
    per ``a^2`` (times ``tau`` in hbar/t0): ``delta <O>/area = e chi . E``. Fermi surface;
    nonzero only for a TR-odd ``O`` in a TR-invariant model (parity depends on ``O``).

    Parameters
    ----------
    %(operator_ef)s
    tau : float
        Relaxation time (hbar/t0).
    %(temperature)s
    %(degen_tol)s
    """

    name = "fermi_surface_density"
    kind = "surface"
    units = {"value": "[O] e tau / (hbar a^2) per field unit"}

    @_renamed
    def __init__(self, operator, ef, *, tau, temperature, degen_tol=DEGEN_TOL):
        super().__init__(operator, ef, temperature=temperature, degen_tol=degen_tol)
        self.tau = float(tau)

    def _value(self, eig, O, fp):
        return intraband_trace(eig, O, fp)

    def finish(self, total, grid):
        return {"value": self.tau * total["value"]}

    def settings(self):
        # key "mu" kept: recorded in golden outputs (rename with a re-record)
        return {"temperature": self.temperature, "mu": self.ef, "tau": self.tau}


@_renamed
def fermi_surface_density(model, operator, ef: float, *, tau: float, temperature: float,
                          nk: int | None = None, k_max: float | None = None,
                          n_r: int = 400, n_theta: int = 64, chunk_size: int = 4096,
                          workers: int | None = 1, degen_tol: float = DEGEN_TOL) -> KIntegral:
    r"""Eq. (28) (sign corrected) at ``T > 0``: ``chi_{O, r_c}`` for c = x, y, shape (dim,).

    The density response is ``delta <O>/area = e chi . E``.

    Parameters
    ----------
    model : BlochModel
        Lattice model (``nk`` grid over the BZ) or continuum model (``k_max``, ``n_r``,
        ``n_theta`` polar grid; ``k_max`` must enclose the Fermi lines with margin
        ``>> T/v_F``).
    operator : operator spec (:func:`lrtheory.response.berry.band_operator`)
    ef, temperature : float
        Fermi energy and ``T > 0`` (t0; for ``T = 0`` on continuum models see
        :func:`fermi_surface_continuum`).
    tau : float
        Relaxation time (hbar/t0), common to all sheets.
    nk : int, optional
        Linear BZ grid size of a lattice model (even).
    k_max, n_r, n_theta : float, int, int
        Radius (1/a) and radial/angular points of a continuum model's polar grid.
    chunk_size, workers : see :func:`lrtheory.response.ksum.ksum`
    degen_tol : float
        Bands closer than this (t0) count as degenerate.

    Returns
    -------
    KIntegral
        ``value`` (dim,), ``change_on_doubling`` from the half-density grid; ``nk`` the BZ
        grid size, None on a polar grid (``settings`` has ``k_max``, ``n_r``, ``n_theta``).
    """
    model = ensure_model(model, where="fermi_surface_density")
    check_positive("tau", tau)
    ef = check_real_scalar("ef", ef)
    temperature = check_positive("temperature", temperature)
    return integrate(FermiSurfaceDensity(operator, ef, tau=tau, temperature=temperature,
                                         degen_tol=degen_tol),
                     model, nk=nk, k_max=k_max, n_r=n_r, n_theta=n_theta,
                     chunk_size=chunk_size, workers=workers)


@_renamed
def fermi_surface_continuum(model, operator, ef: float, *, tau: float, k_max: float,
                            n_theta: int = 64, n_r: int = 400,
                            degen_tol: float = DEGEN_TOL) -> KIntegral:
    r"""Eq. (28) (sign corrected) at ``T = 0`` on the exact Fermi lines of a continuum model:
    ``chi_c = -tau sum_n int d^2k/(2pi)^2 delta(e_n - ef) Re Tr_D[O v^c]``, shape (2,).

    Parameters
    ----------
    model : ContinuumModel
    operator : operator spec (:func:`lrtheory.response.berry.band_operator`)
    ef : float
        Fermi energy (t0).
    tau : float
        Relaxation time (hbar/t0).
    k_max, n_theta, n_r
        Radius (1/a) and resolution of the Fermi-line search
        (:meth:`ContinuumModel.fermi_crossings`).
    degen_tol : float
        Bands closer than this (t0) count as degenerate.

    Returns
    -------
    KIntegral
        ``value`` (2,); ``change_on_doubling`` compares with ``n_theta/2`` angles; ``nk``
        None (a line integral; ``settings`` has ``n_theta``, ``n_r``, ``k_max``).
    """
    model = ensure_model(model, ContinuumModel, where="fermi_surface_continuum")
    check_positive("tau", tau)
    ef = check_real_scalar("ef", ef)
    vals = []
    for nt in (int(n_theta), max(2, int(n_theta) // 2)):
        kc, band, w = model.fermi_crossings(ef, k_max=k_max, n_theta=nt, n_r=n_r)
        eig = Eigensystem.compute(model, kc, degen_tol=degen_tol, check=False)
        O = band_operator(eig, operator, model)
        g = block_trace_product(eig, O)  # (M, d, n)
        gb = g[np.arange(len(kc)), :, band]  # (M, d)
        vals.append(-tau * (w @ gb))
    return KIntegral(vals[0], None, vals[0] - vals[1],
                     {"temperature": 0.0, "mu": float(ef), "tau": float(tau),
                      "grid": "fermi lines", "k_max": k_max, "n_theta": int(n_theta),
                      "n_r": int(n_r)}, quantity="fermi_surface_density",
                     model={"name": model.name, "params": dict(model.params)})
