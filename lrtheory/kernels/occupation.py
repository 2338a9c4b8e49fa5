"""Fermi-Dirac occupation and its derivative: numerically stable at every temperature.

Energies, Fermi energy ``ef`` and temperature share one unit (t0, k_B = 1).
"""
from __future__ import annotations

import numpy as np
from scipy.special import expit

from lrtheory._compat import renamed_keywords
from lrtheory._docstrings import shared_docs

__all__ = ["fermi", "fermi_derivative", "DOCS"]

#: numpydoc blocks of the occupation functions (:mod:`lrtheory._docstrings`), also used by
#: :mod:`lrtheory.kernels.lindhard`: ``energy_ef_parameters`` opens a Parameters section
DOCS = {"energy_ef_parameters": """
    Parameters
    ----------
    energy : array_like
        Energies (t0).
    ef : float
        Fermi energy (chemical potential, t0); ``mu=`` is its deprecated spelling.
    """}
_docs = shared_docs(**DOCS)


# ``mu=`` was the keyword of the Fermi energy before issue #14 (glossary: ``ef``)
@renamed_keywords(mu="ef")
@_docs
def fermi(energy, ef: float = 0.0, temperature: float = 0.0) -> np.ndarray:
    """Occupation f(e) = 1/(exp((e-ef)/T) + 1); at T = 0 a step with f(ef) = 1/2.

    Written as ``expit(-(e - ef)/T)`` (scipy.special.expit): full relative accuracy in both
    tails and no overflow warnings at small T; ``1 - f`` is ``fermi`` of the mirrored energy,
    see :func:`lrtheory.kernels.lindhard.occupation`.

    %(energy_ef_parameters)s
    temperature : float
        Temperature ``k_B T`` (t0); ``<= 0`` gives the step.

    Returns
    -------
    ndarray
        Occupation in [0, 1] (dimensionless), shape of ``energy``.
    """
    x = np.asarray(energy, dtype=float) - ef
    if temperature <= 0:
        return np.where(x < 0, 1.0, np.where(x > 0, 0.0, 0.5))
    return expit(-x / temperature)


@renamed_keywords(mu="ef")
@_docs
def fermi_derivative(energy, ef: float = 0.0, temperature: float = 0.0) -> np.ndarray:
    """Derivative of the Fermi function, ``df/de = -1/(4 T cosh^2((e - ef)/2T))``.

    %(energy_ef_parameters)s
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
    x = np.clip((np.asarray(energy, dtype=float) - ef) / (2.0 * temperature), -350.0, 350.0)
    return -1.0 / (4.0 * temperature * np.cosh(x) ** 2)
