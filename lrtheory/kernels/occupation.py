"""Fermi-Dirac occupation and its derivative: numerically stable at every temperature.

Energies, chemical potential and temperature share one unit (t0, k_B = 1).
"""
from __future__ import annotations

import numpy as np
from scipy.special import expit

__all__ = ["fermi", "fermi_derivative"]


def fermi(energy, mu: float = 0.0, temperature: float = 0.0) -> np.ndarray:
    """Occupation f(e) = 1/(exp((e-mu)/T) + 1); at T = 0 a step with f(mu) = 1/2.

    Written as ``expit(-(e - mu)/T)`` (scipy.special.expit): full relative accuracy in both
    tails and no overflow warnings at small T; ``1 - f`` is ``fermi`` of the mirrored energy,
    see :func:`lrtheory.kernels.lindhard.occupation`.

    Parameters
    ----------
    energy : array_like
        Energies (t0).
    mu : float
        Chemical potential (t0).
    temperature : float
        Temperature ``k_B T`` (t0); ``<= 0`` gives the step.

    Returns
    -------
    ndarray
        Occupation in [0, 1] (dimensionless), shape of ``energy``.
    """
    x = np.asarray(energy, dtype=float) - mu
    if temperature <= 0:
        return np.where(x < 0, 1.0, np.where(x > 0, 0.0, 0.5))
    return expit(-x / temperature)


def fermi_derivative(energy, mu: float = 0.0, temperature: float = 0.0) -> np.ndarray:
    """Derivative of the Fermi function, ``df/de = -1/(4 T cosh^2((e - mu)/2T))``.

    Parameters
    ----------
    energy : array_like
        Energies (t0).
    mu : float
        Chemical potential (t0).
    temperature : float
        Temperature ``k_B T`` (t0); must be > 0 (raises ``ValueError`` otherwise: the
        derivative is a delta function at ``T = 0``).

    Returns
    -------
    ndarray
        ``df/de`` (1/t0, always <= 0), shape of ``energy``.
    """
    if temperature <= 0:
        raise ValueError("df/de at T = 0 is a delta function: pass temperature > 0")
    x = np.clip((np.asarray(energy, dtype=float) - mu) / (2.0 * temperature), -350.0, 350.0)
    return -1.0 / (4.0 * temperature * np.cosh(x) ** 2)
