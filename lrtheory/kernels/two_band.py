r"""Closed-form eigenvalues and Berry curvature of two-band Bloch Hamiltonians (no ``eigh``).

Any Hermitian 2x2 ``H(k) = d_0(k) 1 + \mathbf d(k)\cdot\boldsymbol\sigma`` has the bands
``e_\mp = d_0 \mp |\mathbf d|`` and, with ``\mathbf a = \partial_b \mathbf d`` and
``\mathbf c = \partial_c \mathbf d``, the curvature of lrtheory's convention
(``Omega_n = -2 Im sum_{m != n} v^b_nm v^c_mn / (e_n - e_m)^2``, docs/conventions.md)

.. math:: \Omega_\mp = \pm \frac{\mathbf d\cdot(\mathbf a\times\mathbf c)}{2|\mathbf d|^3}.

Derivation (checked in SymPy by :func:`lrtheory.symbolic.two_band.curvature_identity`):
``Im v^b_{-+} v^c_{+-} = Im Tr[P_- (a.sigma) P_+ (c.sigma)] = -\hat d\cdot(a\times c)`` with
``P_\pm = (1 \pm \hat d.\sigma)/2``; ``d_0`` commutes with everything and drops out. This is
the same number as the sum-over-states route of :mod:`lrtheory.response.berry` (tested to
1e-12 on random two-band models), at a fraction of the cost of one batched ``eigh``.

Where ``2|d| <= degen_tol`` the two bands are one degenerate level: both curvatures are 0,
exactly as the sum-over-states route treats degenerate pairs.
"""
from __future__ import annotations

import numpy as np

__all__ = ["d_vector", "two_band_bands_and_curvature", "two_band_orbital_hall_curvature"]


def d_vector(H: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pauli decomposition ``H = d_0 1 + d.sigma`` of stacked 2x2 Hermitian matrices.

    Parameters
    ----------
    H : ndarray
        Stacked Hermitian (..., 2, 2) matrices (any units, e.g. t0 for ``H(k)``, t0 a for
        ``dH/dk``).

    Returns
    -------
    d0 : ndarray
        Shape (...), units of ``H``.
    d : ndarray
        Shape (..., 3), units of ``H``.
    """
    h00, h11, h01 = H[..., 0, 0].real, H[..., 1, 1].real, H[..., 0, 1]
    d0 = 0.5 * (h00 + h11)
    d = np.stack([h01.real, -h01.imag, 0.5 * (h00 - h11)], axis=-1)
    return d0, d


def two_band_bands_and_curvature(H: np.ndarray, dHb: np.ndarray, dHc: np.ndarray,
                                 degen_tol: float) -> tuple[np.ndarray, np.ndarray]:
    """Ascending energies (Nk, 2) and curvature ``Omega_{n,bc}`` (Nk, 2) of a two-band model.

    The Berry curvature of Eq. S24 with ``O = 1`` in closed form.

    Parameters
    ----------
    H : ndarray
        (Nk, 2, 2) Hermitian Bloch Hamiltonians (t0).
    dHb, dHc : ndarray
        (Nk, 2, 2) ``dH/dk_b`` and ``dH/dk_c`` (t0 a).
    degen_tol : float
        Energies closer than this (t0) are one degenerate level (curvature 0 there).

    Returns
    -------
    energies : ndarray
        (Nk, 2) ascending band energies (t0).
    curvature : ndarray
        (Nk, 2) ``Omega_{n,bc}`` of the lower and upper band (a^2).
    """
    d0, d = d_vector(H)
    _, a = d_vector(dHb)
    _, c = d_vector(dHc)
    norm = np.sqrt(np.einsum("...i,...i->...", d, d))
    energies = np.stack([d0 - norm, d0 + norm], axis=-1)
    triple = np.einsum("...i,...i->...", d, np.cross(a, c))
    gapped = 2.0 * norm > degen_tol
    lower = np.where(gapped, triple / (2.0 * np.where(gapped, norm, 1.0) ** 3), 0.0)
    return energies, np.stack([lower, -lower], axis=-1)


def two_band_orbital_hall_curvature(H: np.ndarray, dH: np.ndarray, b: int, c: int,
                                    degen_tol: float, charge: float
                                    ) -> tuple[np.ndarray, np.ndarray]:
    r"""Energies (Nk, 2) and generalized curvature ``Omega^m_{n,bc}`` (Nk, 2) of Eq. S24 for
    ``O = m_z``, the interband orbital-moment matrix of :mod:`lrtheory.response.bulk_omm`,
    in a two-band 2D model (no ``eigh``).

    With ``A_a = d_a d``, ``g_a = d_a d_0``, ``\hat n = d/|d|`` and the interband products
    ``Im v^a_{-+} v^c_{+-} = -\hat n.(A_a x A_c)``, ``Re v^a_{-+} v^c_{+-} = S_{ac} =
    A_a.A_c - (\hat n.A_a)(\hat n.A_c)`` (both derived in :mod:`lrtheory.symbolic.two_band`):
    the band moments ``m_- = m_+ = m = q \hat n.(A_x x A_y)/(2|d|)``, the interband element
    ``m_{-+} = (iq/2)(v^y_{-+} g_x - v^x_{-+} g_y)/(e_- - e_+)``, ``X^b = {m, v^b}/2`` has
    ``X^b_{-+} = m v^b_{-+} + m_{-+} g_b``, hence

    .. math:: \Omega^m_{-,bc} = m\,\Omega_{-,bc}
              + \frac{q\, g_b\,(S_{yc} g_x - S_{xc} g_y)}{8|d|^3},\qquad
              \Omega^m_{+,bc} = -\Omega^m_{-,bc}.

    Equal to the sum over states to rounding (tested).

    Parameters
    ----------
    H : ndarray
        (Nk, 2, 2) Hermitian Bloch Hamiltonians (t0).
    dH : ndarray
        (Nk, 2, 2, 2) velocities ``dH/dk_{x,y}`` on axis 1 (t0 a).
    b : int
        Current direction (0: x, 1: y).
    c : int
        Field direction (0: x, 1: y).
    degen_tol : float
        Where ``2|d| <= degen_tol`` (t0) the bands are degenerate and ``Omega^m`` is 0.
    charge : float
        Charge q of the particles (units of e; -1: electrons).

    Returns
    -------
    energies : ndarray
        (Nk, 2) ascending band energies (t0).
    curvature : ndarray
        (Nk, 2) ``Omega^m_{n,bc}`` (units of the orbital moment, e a^2 t0/hbar, times a^2).
    """
    d0, d = d_vector(H)
    A = [d_vector(dH[:, a])[1] for a in range(2)]
    g = [d_vector(dH[:, a])[0] for a in range(2)]
    norm = np.sqrt(np.einsum("...i,...i->...", d, d))
    gapped = 2.0 * norm > degen_tol
    safe = np.where(gapped, norm, 1.0)
    n_hat = d / safe[..., None]

    def metric(u, v):  # S_uv = A_u.A_v - (n.A_u)(n.A_v)
        return (np.einsum("...i,...i->...", A[u], A[v])
                - np.einsum("...i,...i->...", n_hat, A[u]) * np.einsum("...i,...i->...", n_hat, A[v]))

    cross_xy = np.einsum("...i,...i->...", n_hat, np.cross(A[0], A[1]))
    m = charge * cross_xy / (2.0 * safe)
    omega = np.einsum("...i,...i->...", n_hat, np.cross(A[b], A[c])) / (2.0 * safe**2)
    extra = charge * g[b] * (metric(1, c) * g[0] - metric(0, c) * g[1]) / (8.0 * safe**3)
    lower = np.where(gapped, m * omega + extra, 0.0)
    energies = np.stack([d0 - norm, d0 + norm], axis=-1)
    return energies, np.stack([lower, -lower], axis=-1)
