r"""Bulk orbital magnetic moment (OMM) of Bloch bands: the band moment m_n(k) and the
interband ("non-Abelian") matrix m_{nn'}(k) built from velocity matrix elements.

Operator (docs/conventions.md): ``m = (q/4)(r x v - v x r)`` with electron charge
``q = ELECTRON_CHARGE = -1``. In a Bloch basis the position is split into its interband part
(the Berry connection, ``A_nl = i v_nl/(e_l - e_n)``) and an intraband part
(``i d/dk + A_nn``); we keep **only the interband part**, which gives the gauge-covariant
matrix (z component, 2D, hbar = 1)

.. math::
   m_{nn'}(\mathbf k) = \frac{i q}{4}\sum_{l}
   \left(v^x_{nl}v^y_{ln'} - v^y_{nl}v^x_{ln'}\right)
   \left[\frac{1}{\epsilon_l-\epsilon_n} + \frac{1}{\epsilon_l-\epsilon_{n'}}\right]

where a term ``1/(e_l - e_n)`` is dropped when ``l`` is degenerate with ``n`` (within
``degen_tol``). The diagonal is the Chang-Niu / Xiao-Chang-Niu band moment

.. math:: m_n = -q\,\mathrm{Im}\sum_{l\notin D(n)} \frac{v^x_{nl}v^y_{ln}}{\epsilon_l-\epsilon_n}
          = e\,\mathrm{Im}\langle\partial_x u_n|(H-\epsilon_n)|\partial_y u_n\rangle ,

i.e. the self-rotation moment of a wave packet of charge -e (RMP 82, 1959, Eq. 3.11 written
for charge -e). The dropped intraband part is the origin-dependent "centre of mass"
term (r_c x v of the packet), which does not belong to a k-local bulk moment.

Why this form: it is the bulk operator used in Berry-curvature formulas of the orbital Hall
effect (Bhowal and Vignale, PRB 103, 195309 (2021); Pezo et al.) and it is the only k-local
choice that is gauge covariant. Units: ``e a^2 t0 / hbar``.

Two bands, ``H = d_0 + d.sigma``: the sum over ``l`` has only ``l = n`` and ``l = n'``, and
since ``v_{--} + v_{++} = Tr dH/dk = 2 grad d_0``,

.. math:: m_{-+} = \frac{iq}{2}\,\frac{v^y_{-+}\partial_x d_0 - v^x_{-+}\partial_y d_0}
          {\epsilon_- - \epsilon_+},\qquad m_{--} = m_{++}.

The matrix is diagonal only when ``d_0`` does not depend on k (gapped graphene; the Haldane
model at ``phi = +-pi/2``), not in every two-band model (tested against finite differences of
``Tr H/2`` for the Haldane model at ``phi = 0.7``).
"""
from __future__ import annotations

import warnings

import numpy as np

from lrtheory._compat import renamed_keywords
from lrtheory._docstrings import shared_docs
from lrtheory.conventions import ELECTRON_CHARGE
from lrtheory.response.kspace import DOCS as KSPACE_DOCS

__all__ = ["bulk_omm_matrix", "band_omm", "block_average_diagonal", "omm_matrix"]

# numpydoc entries shared with other modules (lrtheory._docstrings)
_docs = shared_docs(**KSPACE_DOCS)


def _inverse_gaps(eig) -> np.ndarray:
    """G[k, n, l] = 1/(e_l - e_n), zero when l is degenerate with n."""
    e = eig.energies
    d = e[:, None, :] - e[:, :, None]  # [n, l] = e_l - e_n
    deg = np.abs(d) <= eig.degen_tol
    return np.where(deg, 0.0, 1.0 / np.where(deg, 1.0, d))


# ``eig=`` was the keyword of the eigensystem before issue #14 (glossary: ``eigensystem``)
_renamed = renamed_keywords(eig="eigensystem")


@_renamed
def bulk_omm_matrix(eigensystem, *, charge: float = ELECTRON_CHARGE) -> np.ndarray:
    r"""Bulk interband OMM matrix ``m^z_{nn'}(k)`` (Nk, n, n) of Bloch bands, Hermitian,
    gauge covariant (module docstring; not the ribbon operator of Eq. 57, which is
    :func:`lrtheory.response.omm.omm_matrix`).

    Parameters
    ----------
    eigensystem : Eigensystem
        Needs ``velocity`` with two in-plane components (x, y) on axis 1; ``eig=`` is its
        deprecated spelling.
    charge : float
        Particle charge (default electron, -1).

    Returns
    -------
    (Nk, n, n) complex ndarray
        Units ``e a^2 t0 / hbar``.
    """
    V = eigensystem.velocity
    if V.shape[1] < 2:
        raise ValueError("the orbital moment m_z needs a 2D model (velocity x and y)")
    vx, vy = V[:, 0], V[:, 1]
    G = _inverse_gaps(eigensystem)  # [n, l]
    Gt = np.swapaxes(G, -1, -2)  # [l, n'] = G[n', l]
    term_a = (G * vx) @ vy - (G * vy) @ vx
    term_b = vx @ (Gt * vy) - vy @ (Gt * vx)
    m = (1j * charge / 4.0) * (term_a + term_b)
    return 0.5 * (m + np.conj(np.swapaxes(m, -1, -2)))


@_renamed
@_docs
def band_omm(eigensystem, *, charge: float = ELECTRON_CHARGE, block_average: bool = True
             ) -> np.ndarray:
    r"""Band OMM ``m_n(k)`` (Nk, n), units ``e a^2 t0/hbar`` (paper Sec. II sign, ``q=-e``).

    With ``block_average`` (default) degenerate bands get the average of the block trace,
    which is gauge invariant; the plain diagonal is not inside a degenerate block.

    Parameters
    ----------
    %(eigensystem)s
    charge : float
        Particle charge q (units of e; -1: electrons).
    block_average : bool
        Average over degenerate blocks.

    Returns
    -------
    ndarray
        (Nk, n) real ``m_n(k)`` (e a^2 t0/hbar).
    """
    m = np.real(np.einsum("knn->kn", bulk_omm_matrix(eigensystem, charge=charge)))
    if block_average:
        m = block_average_diagonal(eigensystem, m)
    return m


@_renamed
@_docs
def block_average_diagonal(eigensystem, values: np.ndarray) -> np.ndarray:
    """Replace per-band values (Nk, n) by their average over each degenerate block.

    Parameters
    ----------
    %(eigensystem)s
    values : (Nk, n) array
        Per-band values (any units).

    Returns
    -------
    ndarray
        (Nk, n), same units.
    """
    deg = eigensystem.degenerate().astype(float)  # [n, m]
    return np.einsum("knm,km->kn", deg, values) / deg.sum(-1)


@_renamed
@_docs
def omm_matrix(eigensystem, *, charge: float = ELECTRON_CHARGE) -> np.ndarray:
    """Deprecated name of :func:`bulk_omm_matrix` (the ribbon's is
    :func:`lrtheory.response.omm.omm_matrix`).

    Parameters
    ----------
    %(eigensystem)s
    charge : float
        Particle charge q (units of e).

    Returns
    -------
    ndarray
        As :func:`bulk_omm_matrix`: (Nk, n, n) complex (e a^2 t0/hbar).
    """
    warnings.warn("lrtheory.response.bulk_omm.omm_matrix is deprecated: use bulk_omm_matrix "
                  "(the bulk matrix; the ribbon's is lrtheory.response.omm.omm_matrix)",
                  DeprecationWarning, stacklevel=3)  # 3: past the keyword wrapper
    return bulk_omm_matrix(eigensystem, charge=charge)
