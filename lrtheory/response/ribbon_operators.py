r"""The one home of the k-diagonal operators of a ribbon (issue #14).

A ribbon (:class:`lrtheory.models.protocol.Ribbon`) is periodic along ``x`` and bounded
along ``y``: the transverse position ``y`` (``transverse_positions()``, origin on the centre
line, point-like orbitals, paper Eq. S49) is a k-diagonal operator, and so are

* the longitudinal velocity ``V_x = dH/dk`` (the model's ``velocity``);
* the transverse velocity ``V_y = i[H, y]``, ``(V_y)_{mu nu} = i H_{mu nu} (y_nu - y_mu)``
  (orbital basis; :func:`transverse_velocity`, or only its band diagonals
  :func:`transverse_velocity_diagonals` when ``H`` is banded); in the band basis
  ``(v_y)_{nl} = i (e_n - e_l) Y_{nl}`` (:func:`band_transverse_velocity`) with
  ``Y_{nl} = <u_n|y|u_l>`` (:func:`band_position`);
* the OMM density of point-like orbitals ``n_m(y) = -(q/2) y j_x(y)`` (:func:`omm_density`;
  :data:`lrtheory.conventions.ELECTRON_CHARGE` ``q = -1``; module doc of
  :mod:`lrtheory.response.density`).

Vector quantities are components in the ribbon's frame ``Ribbon.frame`` (rows: along the
ribbon, transverse, normal; right-handed by construction, issue #18): ``x`` is the first row,
``y`` the second. Units: ``hbar = e = 1``; ``y`` in a, velocities in t0 a / hbar.
"""
from __future__ import annotations

import numpy as np

from lrtheory.conventions import ELECTRON_CHARGE
from lrtheory.kernels.banded import band_diagonals

__all__ = ["transverse_velocity", "transverse_velocity_diagonals", "position_velocities",
           "band_position",
           "band_transverse_velocity", "omm_density", "add_omm_profiles", "site_operators",
           "OMM_CONVENTION"]

#: the OMM density convention reported with every ribbon result
OMM_CONVENTION = ("n_m(y) = -(q/2) y jx(y), q = -1, x from observation point, y from ribbon "
                  "centre line")


def transverse_velocity(H: np.ndarray, y: np.ndarray) -> np.ndarray:
    r"""``V_y = i[H, y]`` in the orbital basis: ``(V_y)_{mu nu} = i H_{mu nu} (y_nu - y_mu)``.

    Parameters
    ----------
    H : (..., n, n) complex ndarray
        Bloch Hamiltonian(s) ``H(k)`` (t0).
    y : (n,) ndarray
        Transverse orbital positions (a).

    Returns
    -------
    (..., n, n) ndarray
        ``V_y`` (t0 a / hbar).
    """
    y = np.asarray(y, float)
    return 1j * H * (y[None, :] - y[:, None])


def position_velocities(H: np.ndarray, V: np.ndarray, A: np.ndarray,
                        X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Velocities ``v = -i[r, H]`` of a cut (ribbon or film) of a full-interpolation model:
    ``dH/dk_a + i[H, A_a]`` along each periodic direction ``a``, ``i[H, X]`` across the open
    one (Wang, Yates, Souza, Vanderbilt, Phys. Rev. B 74, 195118 (2006)).

    Parameters
    ----------
    H : (..., n, n) complex ndarray
        Bloch Hamiltonian(s) (t0).
    V : (..., d, n, n) complex ndarray
        ``dH/dk`` along the d periodic directions (t0 a / hbar).
    A : (..., d, n, n) complex ndarray
        Berry connection of the cut's Wannier functions along them (a).
    X : (..., n, n) complex ndarray
        Position operator across the open direction, ``diag(x) + A^x`` (a).

    Returns
    -------
    V_full : (..., d, n, n) ndarray
        ``dH/dk + i[H, A]`` (t0 a / hbar).
    V_open : (..., n, n) ndarray
        ``i[H, X]`` (t0 a / hbar).
    """
    Hd = H[..., None, :, :]
    return V + 1j * (Hd @ A - A @ Hd), 1j * (H @ X - X @ H)


def transverse_velocity_diagonals(H: np.ndarray, y: np.ndarray, w: int) -> dict:
    r"""The band diagonals ``{d: (V_y)[..., mu, mu + d]}``, ``d = -w..w``, of ``V_y = i[H, y]``
    for ``H`` of half-bandwidth ``w`` (:mod:`lrtheory.kernels.banded`): no dense array.

    Parameters
    ----------
    H : (..., n, n) ndarray
        Banded Hamiltonian(s) (t0).
    y : (n,) ndarray
        Transverse positions (a).
    w : int
        Half-bandwidth of ``H``.

    Returns
    -------
    dict of int -> (..., n - |d|) ndarray
        Layout of ``np.diagonal(V_y, offset=d)`` (t0 a / hbar).
    """
    y = np.asarray(y, float)
    n = len(y)
    return {d: 1j * h * (y[d:] - y[:n - d] if d >= 0 else y[:n + d] - y[-d:])
            for d, h in band_diagonals(H, w).items()}


def band_position(U: np.ndarray, y: np.ndarray, origin_y: float = 0.0) -> np.ndarray:
    """Transverse position in the band basis, ``Y_{nl}(k) = <u_n| y - origin_y |u_l>`` (the
    ``r^y`` of Eq. 57), y from the ribbon centre line.

    Parameters
    ----------
    U : (..., n, n) ndarray
        Eigenvectors as columns.
    y : (n,) ndarray
        Transverse orbital positions (a).
    origin_y : float
        Transverse origin (a).

    Returns
    -------
    ndarray
        ``Y_nl``, complex, shape (..., n, n) (a).
    """
    y = np.asarray(y, float) - origin_y
    return np.conj(np.swapaxes(U, -1, -2)) @ (y[:, None] * U)


def band_transverse_velocity(e: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """``(v_y)_{nl} = i (e_n - e_l) Y_{nl}`` (band basis; exact since ``V_y = i[H, y]``,
    paper Eq. 4).

    Parameters
    ----------
    e : (..., n) ndarray
        Band energies (t0).
    Y : (..., n, n) ndarray
        :func:`band_position` (a).

    Returns
    -------
    ndarray
        ``(v_y)_nl``, complex, shape (..., n, n) (a t0/hbar).
    """
    return 1j * (e[..., :, None] - e[..., None, :]) * Y


def omm_density(y: np.ndarray, jx: np.ndarray) -> np.ndarray:
    r"""OMM density of point-like orbitals ``n_m(y) = -(q/2) y j_x(y)`` (``q`` =
    :data:`~lrtheory.conventions.ELECTRON_CHARGE`): Eq. 52 for point-like orbitals, with
    x measured from the observation point (docs/derivations.md, findings 7 and 9).

    Parameters
    ----------
    y : (n,) ndarray
        Transverse positions (a, from the ribbon centre line).
    jx : (..., n) ndarray
        Velocity density ``j_x`` per orbital (a t0/hbar, per unit E_x and cell in a
        ribbon accumulation).

    Returns
    -------
    ndarray
        ``n_m``, shape of ``jx`` (e a^2 t0/hbar per unit of ``j_x``).
    """
    return -(ELECTRON_CHARGE / 2.0) * np.asarray(y, float) * jx


def add_omm_profiles(profiles: dict, y: np.ndarray) -> dict:
    """Add ``"<part>_omm" = omm_density(y, profiles["<part>_jx"])`` for every part with a
    ``jx`` profile (in place).

    Parameters
    ----------
    profiles : dict
        ``"<part>_<quantity>"`` -> (n,) profiles.
    y : (n,) ndarray
        Transverse positions (a).

    Returns
    -------
    dict
        ``profiles`` itself, with the ``"<part>_omm"`` entries (e a^2 t0/hbar per unit E_x
        and cell).
    """
    for key in [k for k in profiles if k.endswith("_jx")]:
        profiles[key[:-3] + "_omm"] = omm_density(y, profiles[key])
    return profiles


def site_operators(model, k: np.ndarray) -> dict:
    r"""k-diagonal orbital-basis operators of a ribbon: ``V_x = dH/dk`` and ``V_y = i[H, y]``.

    Parameters
    ----------
    model : Ribbon
        The ribbon (``transverse_positions()`` in a).
    k : (Nk, 1) ndarray
        k along the ribbon (1/a).

    Returns
    -------
    dict
        ``{"vx": (Nk, n, n), "vy": (Nk, n, n)}`` (t0 a / hbar).
    """
    H = model.hamiltonian(k)
    return {"vx": model.velocity(k)[:, 0],
            "vy": transverse_velocity(H, model.transverse_positions())}
