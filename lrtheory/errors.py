"""One small error hierarchy for lrtheory.

Every error a user can provoke with bad input is a subclass of :class:`LrtheoryError`
(itself a ``ValueError``), so the command line can turn it into one line.
"""
from __future__ import annotations

import warnings

import numpy as np

__all__ = [
    "LrtheoryError",
    "ModelError",
    "ShapeError",
    "ConventionError",
    "GaugeError",
    "SymmetryError",
    "InputFileError",
    "LrtheoryWarning",
    "ConvergenceWarning",
    "check_finite",
    "check_hermitian",
    "check_positive",
    "warn",
]


class LrtheoryError(ValueError):
    """Base class of all errors raised on bad input or impossible requests."""


class ModelError(LrtheoryError):
    """A model is malformed: non-Hermitian, unknown parameter, bad hopping list."""


class ShapeError(LrtheoryError):
    """An array has the wrong shape."""


class ConventionError(LrtheoryError):
    """A value violates a documented convention (eta <= 0, T < 0, width <= 0 ...)."""


class GaugeError(LrtheoryError):
    """A gauge-dependent quantity was requested where it is not defined (degenerate bands)."""


class SymmetryError(LrtheoryError):
    """A claimed symmetry is not a symmetry of the Hamiltonian."""


class InputFileError(LrtheoryError):
    """A model or data file is malformed; the message names the line."""


class LrtheoryWarning(UserWarning):
    """Base class of lrtheory warnings (the test-suite turns them into errors)."""


class ConvergenceWarning(LrtheoryWarning):
    """A k-sum or limit has not converged to the requested tolerance."""


def warn(message: str, category: type[Warning] = LrtheoryWarning, stacklevel: int = 3) -> None:
    """Issue an lrtheory warning."""
    warnings.warn(message, category, stacklevel=stacklevel)


def check_finite(name: str, array) -> np.ndarray:
    """Return ``array`` as an ndarray, raising if it holds NaN or inf."""
    a = np.asarray(array)
    if a.dtype.kind in "fc" and not np.all(np.isfinite(a)):
        raise LrtheoryError(f"{name} contains NaN or inf values")
    return a


def check_positive(name: str, value: float, *, allow_zero: bool = False) -> float:
    """Check a scalar parameter is finite and > 0 (>= 0 with ``allow_zero``)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ConventionError(f"{name} must be a real number, got {value!r}") from None
    if not np.isfinite(v):
        raise ConventionError(f"{name} must be finite, got {value!r}")
    if v < 0 or (v == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ConventionError(f"{name} must be {bound}, got {value!r}")
    return v


def check_hermitian(name: str, matrix, *, atol: float = 1e-10) -> np.ndarray:
    """Check a (stack of) square matrices is finite and Hermitian within ``atol``."""
    h = check_finite(name, matrix)
    if h.ndim < 2 or h.shape[-1] != h.shape[-2]:
        raise ShapeError(f"{name} must be a square matrix (..., n, n), got shape {h.shape}")
    dev = np.max(np.abs(h - np.swapaxes(h, -1, -2).conj())) if h.size else 0.0
    if dev > atol * max(1.0, float(np.max(np.abs(h))) if h.size else 1.0):
        raise ModelError(
            f"{name} is not Hermitian: max |H - H^dagger| = {dev:.3g} (tolerance {atol:g})"
        )
    return h
