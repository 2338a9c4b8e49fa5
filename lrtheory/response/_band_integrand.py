"""What the Fermi-surface and torque integrands share (issue #14: one piece of code):

* :class:`BandIntegrand`: per chunk one eigensystem, the operator in the band basis and
  ``f'(e_n)``; a subclass defines only ``_value(eig, O, fp)``;
* :func:`intraband_trace`: ``sum_n f'(e_n) Re Tr_D(n)[O v^c]`` (the relaxation-time /
  Fermi-surface sum of Eqs. 28, 43);
* :func:`integrate`: the grid of :func:`lrtheory.response.ksum.response_grid`, the driver
  :func:`lrtheory.response.ksum.ksum` and the :class:`~lrtheory.result.KIntegral` view.

Users: :mod:`lrtheory.response.fermi_surface`, :mod:`lrtheory.response.torque`.
"""
from __future__ import annotations

import numpy as np

from lrtheory._compat import renamed_keywords
from lrtheory._docstrings import shared_docs
from lrtheory.conventions import DEGEN_TOL
from lrtheory.kernels.occupation import fermi_derivative
from lrtheory.response.berry import band_operator
from lrtheory.response.ksum import Integrand, ksum, response_grid
from lrtheory.response.kspace import eigensystem
from lrtheory.result import KIntegral

__all__ = ["BandIntegrand", "block_trace_product", "intraband_trace", "integrate", "DOCS"]

#: numpydoc entries of the band integrands (:mod:`lrtheory._docstrings`), also used by
#: :mod:`lrtheory.response.fermi_surface` and :mod:`lrtheory.response.torque`
DOCS = dict(
    eigensystem_O="""
        eigensystem : Eigensystem
            Batched eigensystem (velocities a t0/hbar).
        O : (Nk, n, n) array
            Operator in the band basis (units of O).
        """,
    operator_ef="""
        operator : operator spec
            See :func:`lrtheory.response.berry.band_operator`.
        ef : float
            Fermi energy (t0).
        """,
    temperature="""
        temperature : float
            ``T > 0`` (t0).
        """,
    degen_tol="""
        degen_tol : float
            Bands closer than this (t0) count as degenerate.
        """,
)
_docs = shared_docs(**DOCS)


@_docs
@renamed_keywords(eig="eigensystem")
def block_trace_product(eigensystem, O: np.ndarray) -> np.ndarray:
    """``Re sum_{m in D(n)} O_nm v^c_mn`` for every band and direction: (Nk, dim, n).

    Parameters
    ----------
    %(eigensystem_O)s

    Returns
    -------
    ndarray
        (Nk, dim, n) real (units of O times a t0/hbar).
    """
    deg = eigensystem.degenerate()  # [n, m]
    V = eigensystem.velocity  # (Nk, d, n, n)
    prod = O[:, None, :, :] * np.swapaxes(V, -1, -2)  # O_nm v_mn at [n, m]
    return np.real(np.where(deg[:, None], prod, 0.0).sum(-1))


@_docs
def intraband_trace(eigensystem, O: np.ndarray, fp: np.ndarray) -> np.ndarray:
    """``sum_n f'(e_n) Re Tr_D(n)[O v^c]`` per k-point: (Nk, dim).

    Parameters
    ----------
    %(eigensystem_O)s
    fp : (Nk, n) array
        ``f'(e_n)`` (1/t0).

    Returns
    -------
    ndarray
        (Nk, dim) real (units of O times a/hbar).
    """
    return np.einsum("kcn,kn->kc", block_trace_product(eigensystem, O), fp)


@_docs
class BandIntegrand(Integrand):
    """Shared set-up of the band integrands: per chunk one eigensystem, the operator in the
    band basis and ``f'``; a subclass defines ``_value(eig, O, fp)`` (Nk, ...).

    Parameters
    ----------
    %(operator_ef)s
    %(temperature)s
    %(degen_tol)s
    """

    @renamed_keywords(op="operator", mu="ef")
    def __init__(self, operator, ef, *, temperature, degen_tol=DEGEN_TOL):
        self.operator, self.ef, self.temperature = operator, float(ef), float(temperature)
        self.degen_tol = degen_tol

    def __call__(self, k, model):
        eig = eigensystem(model, k, self.degen_tol)
        O = band_operator(eig, self.operator, model)
        fp = fermi_derivative(eig.energies, self.ef, self.temperature)
        return {"value": self._value(eig, O, fp)}

    def _value(self, eig, O, fp):  # pragma: no cover - abstract
        raise NotImplementedError


def integrate(integrand: Integrand, model, *, nk=None, k_max=None, n_r=400, n_theta=64,
              chunk_size=4096, workers=1) -> KIntegral:
    """``integrand`` summed over the response grid of ``model`` by the k-sum driver.

    Parameters
    ----------
    integrand : Integrand
        The response.
    model : BlochModel
        Lattice model (``nk=``) or continuum model (``k_max=``, ``n_r=``, ``n_theta=``).
    nk, k_max, n_r, n_theta : optional
        Grid, see :func:`lrtheory.response.ksum.response_grid`.
    chunk_size, workers : int
        See :func:`lrtheory.response.ksum.ksum`.

    Returns
    -------
    KIntegral
        ``value`` and the sub-grid ``change_on_doubling``; ``nk`` the BZ grid size (None on
        a polar grid).
    """
    grid, nk = response_grid(model, nk=nk, k_max=k_max, n_r=n_r, n_theta=n_theta)
    return KIntegral.from_result(ksum(integrand, model, grid, chunk_size=chunk_size,
                                      workers=workers), nk=nk)
