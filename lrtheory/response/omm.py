r"""Orbital magnetic moment (OMM) matrix elements in ribbons and bulk (Eq. 52, 56-57, S47-S55).

Convention (:mod:`lrtheory.conventions`): ``m_z = (q/4)(r x v - v x r)_z =
(q/4)({x, v_y} - {y, v_x})`` with ``q = -1`` (the paper's Sec. VI writes ``+e/4``: its OMM
figures carry the opposite overall sign).

Ribbon (periodic along x, open along y). ``y`` is bounded, so ``Y_nl(k) = <u_n|y|u_l>`` and
``(v_y)_nl = i (e_n - e_l) Y_nl`` are k-diagonal. ``x = i D_k + A^{off}`` (covariant derivative
plus the interband Berry connection ``A_nl = i v^x_nl/(e_l - e_n)``); the Weyl-ordered
(wave packet centred at x = 0) k-diagonal part of ``m_z`` is

.. math:: m_{nl}(k) = \frac q4\big[(A v_y + v_y A)_{nl} - (Y v_x + v_x Y)_{nl}\big],

gauge covariant (``m -> W^dagger m W`` for any gauge ``W``), shifted by exactly
``-(q/2)(R_0 x v)_{nl}`` when coordinates are measured from ``R_0``. Its diagonal splits into
an origin-independent *self-rotation* ``-q Re sum_{n' not~ n} v^x_{nn'} Y_{n'n}`` and a
centre-of-mass term ``-(q/2) v_nn Y_nn``. The printed Eq. 57 has the same self-rotation but
twice the centre-of-mass term and, off the diagonal, depends on the gauge through the diagonal
Berry connections (docs/derivations.md, "Ribbons and the OMM density").

Units: ``hbar = e = 1``, moments in ``e a^2 t0 / hbar``.
"""
from __future__ import annotations

import numpy as np

from lrtheory._compat import renamed_keywords
from lrtheory._docstrings import shared_docs
from lrtheory.bands.eigensystem import Eigensystem
from lrtheory.conventions import ELECTRON_CHARGE, OMM_PREFACTOR
from lrtheory.errors import ShapeError
from lrtheory.response.berry import berry_curvature
from lrtheory.response.bulk_omm import band_omm
from lrtheory.response.ribbon_operators import band_position, band_transverse_velocity

# ``es=`` was the keyword of the eigensystem before issue #14 (glossary: ``eigensystem``)
_renamed = renamed_keywords(es="eigensystem")

# numpydoc entries shared by the functions below (lrtheory._docstrings); ``ribbon_parameters``
# and ``bulk_parameters`` open the Parameters section
_EIGENSYSTEM = """eigensystem : Eigensystem
    Ribbon eigensystem on Nk points (energies t0, velocities a t0/hbar); ``es=`` is its
    deprecated spelling.
"""
_docs = shared_docs(
    eigensystem=_EIGENSYSTEM,
    ribbon_parameters="""Parameters
----------
model : Ribbon
    The ribbon.
""" + _EIGENSYSTEM,
    bulk_parameters="""
    Parameters
    ----------
    eigensystem : Eigensystem
        Eigensystem of a 2D Bloch model on Nk points; ``es=`` is its deprecated spelling.
    """,
    raises_degenerate="""
    Raises
    ------
    GaugeError
        Two bands are degenerate at some k.
    """,
    origin_y="""
    origin_y : float
        Transverse origin (a, from the ribbon centre line).
    """,
)

__all__ = [
    "ribbon_position",
    "ribbon_vy",
    "omm_matrix",
    "omm_diagonal_parts",
    "state_centres",
    "paper_omm_eq57",
    "paper_density_response",
    "bulk_omm",
    "bulk_berry_curvature",
]


@_renamed
@_docs
def ribbon_position(model, eigensystem: Eigensystem, origin_y: float = 0.0) -> np.ndarray:
    """Transverse position in the band basis, ``Y_nl(k) = <u_nk| y - origin_y |u_lk>``
    (:func:`lrtheory.response.ribbon_operators.band_position`; the ``r^y`` of Eq. 57). A
    ribbon cut from a full-interpolation Wannier model uses its ``transverse_position(k)``,
    ``Y = diag(y) + A^y(k)`` (:mod:`lrtheory.models.slab_positions`).

    Parameters
    ----------
    model : Ribbon
        The ribbon (``transverse_positions()``, a, from the centre line).
    %(eigensystem)s
    %(origin_y)s

    Returns
    -------
    ndarray
        ``Y_nl``, complex, shape (Nk, n, n) (a).
    """
    if model.has_position_matrix:  # full Wannier interpolation: Y = diag(y) + A^y(k)
        U = eigensystem.states
        Y = model.transverse_position(eigensystem.k) - origin_y * np.eye(model.n_orbitals)
        return np.conj(np.swapaxes(U, -1, -2)) @ Y @ U
    return band_position(eigensystem.states, model.transverse_positions(), origin_y)


@_renamed
@_docs
def ribbon_vy(eigensystem: Eigensystem, Y: np.ndarray) -> np.ndarray:
    """Transverse velocity ``(v_y)_nl = i (e_n - e_l) Y_nl`` in the band basis (exact, since
    ``v_y = i[H, y]``, paper Eq. 4;
    :func:`lrtheory.response.ribbon_operators.band_transverse_velocity`).

    Parameters
    ----------
    %(eigensystem)s
    Y : ndarray
        ``Y_nl`` of :func:`ribbon_position`, shape (Nk, n, n) (a).

    Returns
    -------
    ndarray
        ``(v_y)_nl``, complex, shape (Nk, n, n) (a t0/hbar).
    """
    return band_transverse_velocity(eigensystem.energies, Y)


@_renamed
@_docs
def state_centres(model, eigensystem: Eigensystem) -> np.ndarray:
    r"""Transverse centres ``r^y_nn(k) = <u_nk| y |u_nk>`` of the ribbon states (Fig. 2b).

    Degenerate bands: the individual centres are gauge dependent; inside each degenerate
    block the returned values are replaced by the block average (a gauge-invariant trace).

    %(ribbon_parameters)s

    Returns
    -------
    ndarray
        ``r^y_nn``, real, shape (Nk, n) (a, from the ribbon centre line).
    """
    Y = ribbon_position(model, eigensystem)
    d = np.real(np.einsum("knn->kn", Y))
    deg = eigensystem.degenerate()
    cnt = deg.sum(-1)
    return np.einsum("kij,kj->ki", deg.astype(float), d) / cnt


@_renamed
@_docs
def omm_matrix(model, eigensystem: Eigensystem, *, origin=(0.0, 0.0), offdiagonal: bool = True
               ) -> np.ndarray:
    r"""Gauge-covariant ribbon OMM matrix ``m_nl(k)`` (see module doc): the corrected form of
    the paper's Eq. 57 (docs/derivations.md, finding 8; ``q = -e``, finding 7).

    %(ribbon_parameters)s
    origin : (float, float)
        ``(X0, Y0)``: coordinates measured from this point (a; Y0 from the ribbon centre
        line).
    offdiagonal : bool
        If True, raise :class:`GaugeError` when bands are degenerate (then an individual
        off-diagonal element is not defined); if False, return only the diagonal embedded in
        a matrix (the diagonal is gauge invariant for non-degenerate bands).

    Returns
    -------
    ndarray
        ``m_nl``, complex, shape (Nk, n, n) (e a^2 t0/hbar).
    """
    X0, Y0 = origin
    Y = ribbon_position(model, eigensystem, Y0)
    vx = eigensystem.velocity[:, 0]
    vy = ribbon_vy(eigensystem, Y)
    A = eigensystem.berry_connection()[:, 0]
    if offdiagonal:
        eigensystem.require_nondegenerate("the off-diagonal ribbon OMM m_nl")
    m = OMM_PREFACTOR * (A @ vy + vy @ A - (Y @ vx + vx @ Y)) - 2 * OMM_PREFACTOR * X0 * vy
    if not offdiagonal:
        m = np.einsum("knn->kn", m)[..., None] * np.eye(eigensystem.n_bands)
    return m


@_renamed
@_docs
def omm_diagonal_parts(model, eigensystem: Eigensystem, *, origin_y: float = 0.0) -> dict:
    r"""Diagonal ribbon OMM (Eq. 57 corrected, finding 8) split into gauge-invariant pieces.

    %(ribbon_parameters)s
    %(origin_y)s

    Returns
    -------
    dict
        Real arrays (Nk, n) in e a^2 t0/hbar: ``self``:
        ``-q Re sum_{n' not degenerate with n} v^x_{nn'} Y_{n'n}`` (origin independent);
        ``com``: ``-(q/2) v_nn Y_nn`` (covariant / wave-packet centre-of-mass term);
        ``covariant = self + com`` (diagonal of :func:`omm_matrix`);
        ``paper = self + 2 com`` (diagonal of the printed Eq. 57, rewritten with q).
    """
    Y = ribbon_position(model, eigensystem, origin_y)
    vx = eigensystem.velocity[:, 0]
    deg = eigensystem.degenerate()
    q = ELECTRON_CHARGE
    self_rot = -q * np.real(np.einsum("kij,kji,kij->ki", vx, Y, ~deg))
    com = -(q / 2) * np.real(np.einsum("kii->ki", vx) * np.einsum("kii->ki", Y))
    return {"self": self_rot, "com": com, "covariant": self_rot + com,
            "paper": self_rot + 2 * com}


@_renamed
@_docs
def paper_omm_eq57(model, eigensystem: Eigensystem, a_diag: np.ndarray, *,
                   charge: float = ELECTRON_CHARGE, origin_y: float = 0.0) -> np.ndarray:
    r"""The printed Eq. (57) / (S55), evaluated literally (for comparison only).

    .. math:: m_{nl} = -\frac{q}{2}\partial_k(\epsilon_n + \epsilon_l) r^y_{nl}
        + \frac{q}{4i}\sum_{n'}(\epsilon_l + \epsilon_n - 2\epsilon_{n'})
          [A_{nn'} r^y_{n'l} - r^y_{nn'} A_{n'l}]

    with the dangling index of the first term read as ``r^y_{nl}`` and ``e -> q`` (the paper
    has ``+e``). ``A`` is the full Berry connection: off-diagonal from the sum rule, diagonal
    ``a_diag`` (Nk, n) *supplied by the caller*, because it is gauge dependent
    (``A_nn -> A_nn - d theta_n/dk``): the off-diagonal result therefore depends on the gauge
    (docs/derivations.md, finding 8). Its diagonal does not.

    %(ribbon_parameters)s
    a_diag : ndarray
        Diagonal Berry connections ``A_nn`` in the gauge of ``eigensystem.states``, shape
        (Nk, n) (a).
    charge : float
        Carrier charge ``q`` (units of e; default ``q = -1``).
    %(origin_y)s

    Returns
    -------
    ndarray
        The printed ``m_nl``, complex, shape (Nk, n, n) (e a^2 t0/hbar).
    """
    a_diag = np.asarray(a_diag, float)
    if a_diag.shape != eigensystem.energies.shape:
        raise ShapeError(f"a_diag must have shape {eigensystem.energies.shape}, got {a_diag.shape}")
    Y = ribbon_position(model, eigensystem, origin_y)
    vx = eigensystem.velocity[:, 0]
    e = eigensystem.energies
    A = eigensystem.berry_connection()[:, 0] + a_diag[..., None] * np.eye(eigensystem.n_bands)
    vd = np.real(np.einsum("kii->ki", vx))
    first = -(charge / 2) * (vd[:, :, None] + vd[:, None, :]) * Y
    # sum_n' (e_l + e_n - 2 e_n') [A_nn' Y_n'l - Y_nn' A_n'l]
    s = e[:, :, None] + e[:, None, :]
    term = s * (A @ Y - Y @ A) - 2 * ((A * e[:, None, :]) @ Y - (Y * e[:, None, :]) @ A)
    return first + charge / (4j) * term


@_renamed
@_docs
def paper_density_response(model, eigensystem: Eigensystem, m: np.ndarray, R: np.ndarray
                           ) -> np.ndarray:
    r"""Eq. (55) with the printed density matrix elements S47/S51 (Eq. 56 as printed, for
    comparison: its off-diagonal elements are gauge dependent, finding 8), summed over the
    chunk.

    ``n^m_{nn'}(mu) = (1/2)(m P_mu + P_mu m)_{nn'}`` (m taken k-diagonal, as in S47), so
    ``delta n(mu) = sum_k (1/2)[U (R m + m R) U^dagger]_{mu mu}`` for the band-basis response
    matrix ``R`` of :func:`lrtheory.response.density.response_matrices`.

    Parameters
    ----------
    model : Ribbon
        The ribbon (unused; kept for a uniform signature).
    %(eigensystem)s
    m : ndarray
        Band-basis OMM matrix ``m_nl``, shape (Nk, n, n) (e a^2 t0/hbar).
    R : ndarray
        Band-basis response matrix of one part, shape (Nk, n, n)
        (:func:`lrtheory.response.density.response_matrices`).

    Returns
    -------
    ndarray
        OMM accumulation per orbital, shape (n_orb,), summed over the chunk's k points
        (e a^2 t0/hbar per unit E_x; divided by the number of grid points it is per cell).
    """
    U = eigensystem.states
    S = 0.5 * (R @ m + m @ R)
    return np.real(np.einsum("kmi,kij,kmj->m", U, S, np.conj(U), optimize=True))


# -- bulk -------------------------------------------------------------------------------------
@_renamed
@_docs
def bulk_omm(eigensystem: Eigensystem) -> np.ndarray:
    r"""Bulk band OMM ``m_n(k)`` (Nk, n) of a 2D Bloch model, sum-over-states form.

    .. math:: m_n = \frac{e}{2\hbar}\,\mathrm{Im}\langle\partial u|\times(H-\epsilon_n)|\partial u\rangle
              = q\sum_{n'\ne n}\frac{\mathrm{Im}(v^x_{nn'}v^y_{n'n})}{\epsilon_n-\epsilon_{n'}}

    (charge ``q = -e``; Xiao, Chang, Niu RMP 82, 1959; the bulk form of Eq. 52 with the
    sign of finding 7). Requires non-degenerate bands; the diagonal of
    :func:`lrtheory.response.bulk_omm.omm_matrix`.

    %(bulk_parameters)s

    Returns
    -------
    ndarray
        ``m_n``, real, shape (Nk, n) (e a^2 t0/hbar).

    %(raises_degenerate)s
    """
    eigensystem.require_nondegenerate("the band-resolved bulk OMM")
    return band_omm(eigensystem, block_average=False)


@_renamed
@_docs
def bulk_berry_curvature(eigensystem: Eigensystem) -> np.ndarray:
    r"""Berry curvature ``Omega_n = -2 Im sum_{n'!=n} v^x_{nn'} v^y_{n'n} / (e_n - e_n')^2``
    (paper Eq. S24 with O = 1), for non-degenerate bands
    (:func:`lrtheory.response.berry.berry_curvature`).

    %(bulk_parameters)s

    Returns
    -------
    ndarray
        ``Omega_n``, real, shape (Nk, n) (a^2).

    %(raises_degenerate)s
    """
    eigensystem.require_nondegenerate("the band-resolved Berry curvature")
    return berry_curvature(eigensystem, block_average=False)
