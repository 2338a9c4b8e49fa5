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

* ``T > 0``: Fermi-function derivative on a quadrature (uniform BZ grid for lattice
  models, :meth:`ContinuumModel.polar_grid` for continuum models);
* ``T = 0`` (continuum models): exact Fermi lines from
  :meth:`ContinuumModel.fermi_crossings` (no smearing).
"""
from __future__ import annotations

from functools import partial

import numpy as np

from lrtheory.bands.eigensystem import Eigensystem
from lrtheory.conventions import DEGEN_TOL
from lrtheory.errors import ConventionError, check_integer, check_positive, check_real_scalar
from lrtheory.kernels.occupation import fermi_derivative
from lrtheory.parallel.executor import kmap_reduce
from lrtheory.response.berry import band_operator
from lrtheory.response.hall import NK_MIN, KIntegral, bz_grid, eigensystem

__all__ = ["fermi_surface_density", "block_trace_product", "fermi_surface_continuum", "quadrature"]


def block_trace_product(eig, O: np.ndarray) -> np.ndarray:
    """``Re sum_{m in D(n)} O_nm v^c_mn`` for every band and direction: (Nk, dim, n)."""
    deg = eig.degenerate()  # [n, m]
    V = eig.velocity  # (Nk, d, n, n)
    prod = O[:, None, :, :] * np.swapaxes(V, -1, -2)  # O_nm v_mn at [n, m]
    return np.real(np.where(deg[:, None], prod, 0.0).sum(-1))


def quadrature(model, *, nk=None, k_max=None, n_r=400, n_theta=64):
    """k points with two weight columns: ``(N, dim + 2)`` = [k, w_full, w_half].

    ``sum w g(k) ~ int d^2k/(2pi)^2 g``. Lattice models: uniform ``nk x nk`` BZ grid, the
    half column weights the ``nk/2`` sub-grid. Continuum models: polar grid of radius
    ``k_max`` (``n_r`` x ``n_theta``), the half column a separate ``n_r/2 x n_theta/2`` grid.
    Returns ``(kw, nk_label)``.
    """
    if getattr(model, "lattice_vectors", None) is None:
        if k_max is None:
            raise ConventionError("continuum models need k_max (radius of the polar grid)")
        check_positive("k_max", k_max)
        n_r = check_integer("n_r", n_r, minimum=2)
        n_theta = check_integer("n_theta", n_theta, minimum=2)
        k, w = model.polar_grid(k_max, n_r, n_theta)
        k2, w2 = model.polar_grid(k_max, max(2, n_r // 2), max(2, n_theta // 2))
        kw = np.concatenate([np.c_[k, w, 0 * w], np.c_[k2, 0 * w2, w2]])
        return kw, int(n_r)
    if nk is None:
        raise ConventionError("lattice models need nk (linear BZ grid size)")
    nk = check_integer("nk", nk, minimum=NK_MIN, even=True)  # the half column needs nk/2
    k, half, area = bz_grid(model, nk)
    w = np.full(len(k), 1.0 / (area * len(k)))
    return np.c_[k, w, 4 * w * half], int(nk)


def _fs_chunk(kw, *, model, op, mu, temperature, degen_tol):
    k, w = kw[:, :-2], kw[:, -2:]
    eig = eigensystem(model, k, degen_tol)
    O = band_operator(eig, op, model)
    g = block_trace_product(eig, O)  # (Nk, d, n)
    fp = fermi_derivative(eig.energies, mu, temperature)  # (Nk, n)
    val = np.einsum("kan,kn->ka", g, fp)
    return {"full": val.T @ w[:, 0], "half": val.T @ w[:, 1]}


def fermi_surface_density(model, op, mu: float, *, tau: float, temperature: float,
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
    op : operator spec (:func:`lrtheory.response.berry.band_operator`)
    mu, temperature : float
        Chemical potential and ``T > 0`` (for ``T = 0`` on continuum models see
        :func:`fermi_surface_continuum`).
    tau : float
        Relaxation time (hbar/t0), common to all sheets.

    Returns
    -------
    KIntegral
        ``value`` (dim,), ``change_on_doubling`` from the half-density grid.
    """
    check_positive("tau", tau)
    mu = check_real_scalar("mu", mu)
    T = check_positive("temperature", temperature)
    kw, nk_label = quadrature(model, nk=nk, k_max=k_max, n_r=n_r, n_theta=n_theta)
    func = partial(_fs_chunk, model=model, op=op, mu=float(mu), temperature=T,
                   degen_tol=degen_tol)
    out = kmap_reduce(func, kw, chunk_size=chunk_size, workers=workers)
    return KIntegral(tau * out["full"], int(nk_label), tau * (out["full"] - out["half"]),
                     {"temperature": T, "mu": float(mu), "tau": float(tau)})


def fermi_surface_continuum(model, op, mu: float, *, tau: float, k_max: float,
                            n_theta: int = 64, n_r: int = 400,
                            degen_tol: float = DEGEN_TOL) -> KIntegral:
    r"""Eq. (28) (sign corrected) at ``T = 0`` on the exact Fermi lines of a continuum model:
    ``chi_c = -tau sum_n int d^2k/(2pi)^2 delta(e_n - mu) Re Tr_D[O v^c]``, shape (2,).
    ``change_on_doubling`` compares with ``n_theta/2`` angles."""
    check_positive("tau", tau)
    mu = check_real_scalar("mu", mu)
    vals = []
    for nt in (int(n_theta), max(2, int(n_theta) // 2)):
        kc, band, w = model.fermi_crossings(mu, k_max=k_max, n_theta=nt, n_r=n_r)
        eig = Eigensystem.compute(model, kc, degen_tol=degen_tol, check=False)
        O = band_operator(eig, op, model)
        g = block_trace_product(eig, O)  # (M, d, n)
        gb = g[np.arange(len(kc)), :, band]  # (M, d)
        vals.append(-tau * (w @ gb))
    return KIntegral(vals[0], int(n_theta), vals[0] - vals[1],
                     {"temperature": 0.0, "mu": float(mu), "tau": float(tau)})
