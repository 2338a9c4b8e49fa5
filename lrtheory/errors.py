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
    "MissingGeometryError",
    "ShapeError",
    "ConventionError",
    "GaugeError",
    "SymmetryError",
    "InputFileError",
    "ExpressionError",
    "ConvergenceError",
    "ResourceError",
    "LrtheoryWarning",
    "ConvergenceWarning",
    "check_finite",
    "check_real",
    "check_integer",
    "check_real_scalar",
    "check_energies",
    "check_hermitian",
    "check_positive",
    "check_float",
    "warn",
]


class LrtheoryError(ValueError):
    """Base class of all errors raised on bad input or impossible requests."""


class ModelError(LrtheoryError):
    """A model is malformed: non-Hermitian, unknown parameter, bad hopping list."""


class MissingGeometryError(ModelError):
    """The model was built without orbital positions (or lattice vectors) that the
    requested quantity needs."""


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


class ExpressionError(LrtheoryError):
    """User text is not an allowed expression (see :mod:`lrtheory.io.expressions`): a forbidden
    construct, an unknown name, a resource limit, a division by zero or a non-finite value."""


class ConvergenceError(LrtheoryError):
    """A result is too far from converged to be an answer (e.g. a Chern number on a grid so
    coarse that it is not near an integer): the message names the measure and the fix."""


class ResourceError(LrtheoryError):
    """A request needs more memory (or time) than is available; the message gives the
    estimate and the largest size that fits."""


class LrtheoryWarning(UserWarning):
    """Base class of lrtheory warnings (the test-suite turns them into errors)."""


class ConvergenceWarning(LrtheoryWarning):
    """A k-sum or limit has not converged to the requested tolerance."""


def warn(message: str, category: type[Warning] = LrtheoryWarning, stacklevel: int = 3) -> None:
    """Issue an lrtheory warning.

    Parameters
    ----------
    message : str
        One line naming the problem.
    category : type
        Warning class (default :class:`LrtheoryWarning`).
    stacklevel : int
        As for ``warnings.warn`` (3: the caller of the lrtheory function).
    """
    warnings.warn(message, category, stacklevel=stacklevel)


def check_finite(name: str, array) -> np.ndarray:
    """Return ``array`` as an ndarray, raising if it holds NaN or inf.

    Parameters
    ----------
    name : str
        Name of the input, used in the one-line error message.
    array : array_like
        Values (any units).

    Returns
    -------
    ndarray
        ``np.asarray(array)`` (``LrtheoryError`` on NaN or inf).
    """
    a = np.asarray(array)
    if a.dtype.kind in "fc" and not np.all(np.isfinite(a)):
        raise LrtheoryError(f"{name} contains NaN or inf values")
    return a


def check_float(name: str, value, *, error: type = ConventionError, strict: bool = False
                ) -> float:
    """``float(value)`` for a finite real number; anything else raises ``error`` in one line
    (``"<name> must be a real number, got ..."`` or ``"<name> must be finite, got ..."``).

    Parameters
    ----------
    name : str
        Name of the input, used in the one-line error message.
    value : float
        The scalar (units of the quantity).
    error : type
        The :class:`LrtheoryError` subclass raised (e.g. :class:`ModelError` for a model
        parameter).
    strict : bool
        Also refuse text and booleans, which ``float()`` would convert.

    Returns
    -------
    float
        The value.
    """
    if strict and isinstance(value, (str, bytes, bool, np.bool_)):
        raise error(f"{name} must be a real number, got {value!r}")
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise error(f"{name} must be a real number, got {value!r}") from None
    if not np.isfinite(v):
        raise error(f"{name} must be finite, got {value!r}")
    return v


def check_positive(name: str, value: float, *, allow_zero: bool = False) -> float:
    """Check a scalar parameter is finite and > 0 (>= 0 with ``allow_zero``).

    Parameters
    ----------
    name : str
        Name of the input, used in the one-line error message.
    value : float
        The scalar (its units: those of the quantity, e.g. t0 for eta or T).
    allow_zero : bool
        Accept 0.

    Returns
    -------
    float
        ``float(value)``; ``ConventionError`` if not a finite real number > 0 (>= 0).
    """
    v = check_float(name, value)
    if v < 0 or (v == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ConventionError(f"{name} must be {bound}, got {value!r}")
    return v


def check_real(name: str, value, *, finite: bool = True) -> np.ndarray:
    """Return ``value`` (a real number or array of real numbers) as a float ndarray.

    Strings, None, complex numbers and other objects raise :class:`ConventionError` (one
    line naming ``name``); so do NaN/inf when ``finite``. Used for E_F and similar inputs:
    ``"0.5"`` is refused rather than silently converted (user text is parsed by the CLI).

    Parameters
    ----------
    name : str
        Name of the input, used in the one-line error message.
    value : float or array_like
        Real number(s) (units of the quantity).
    finite : bool
        Refuse NaN and inf.

    Returns
    -------
    ndarray
        float array of the shape of ``value``.
    """
    a = np.asarray(value) if not isinstance(value, (str, bytes)) else None
    if a is None or a.dtype.kind not in "biuf" or a.dtype == object:
        raise ConventionError(f"{name} must be a real number (or array of real numbers), "
                              f"got {type(value).__name__} {_short(value)}")
    a = a.astype(float)
    if finite and not np.all(np.isfinite(a)):
        raise ConventionError(f"{name} must be finite, got {_short(value)}")
    return a


def check_real_scalar(name: str, value, what: str = "real number") -> float:
    """One finite real number (e.g. a Fermi energy or chemical potential) as a float;
    strings, arrays of several values, NaN/inf raise :class:`ConventionError` (``what``
    names the quantity in the message).

    Parameters
    ----------
    name : str
        Name of the input, used in the one-line error message.
    value : float
        One real number (units of the quantity, e.g. t0 for E_F).
    what : str
        What the quantity is, for the message.

    Returns
    -------
    float
        The value.
    """
    a = check_real(name, value)
    if a.size != 1:
        raise ConventionError(f"{name} must be one {what}, got shape {a.shape}")
    return float(a.reshape(-1)[0])


def check_energies(name: str, value, what: str = "Fermi energy") -> np.ndarray:
    """One or several finite real energies (e.g. the Fermi energies of a curve) as a flat,
    non-empty float array; :func:`check_real` refuses strings, complex numbers and NaN/inf,
    and an empty input raises :class:`ConventionError` (``what`` names one entry).

    Parameters
    ----------
    name : str
        Name of the input, used in the one-line error message.
    value : float or array_like
        Real energies (t0).
    what : str
        What one entry is, for the message.

    Returns
    -------
    (n,) ndarray
        The energies, flattened (t0), ``n >= 1``.
    """
    e = check_real(name, value).reshape(-1)
    if e.size == 0:
        raise ConventionError(f"{name} is empty: give at least one {what}")
    return e


def check_integer(name: str, value, *, minimum: int | None = 1, even: bool = False) -> int:
    """Return ``value`` as an int; refuse non-integers (``2.5``, ``'3'``, True), values below
    ``minimum`` and (``even``) odd values with :class:`ConventionError`.

    Parameters
    ----------
    name : str
        Name of the input, used in the one-line error message.
    value : int
        An int, or a float with an integer value (``8.0``).
    minimum : int or None
        Smallest allowed value (None: no bound).
    even : bool
        Refuse odd values.

    Returns
    -------
    int
        The value.
    """
    ok = isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
    if not ok and isinstance(value, (float, np.floating)) and np.isfinite(value) \
            and float(value).is_integer():
        ok = True  # 8.0 is 8; 2.5 is refused
    if not ok:
        raise ConventionError(f"{name} must be an integer, got {type(value).__name__} "
                              f"{_short(value)}")
    v = int(value)
    if minimum is not None and v < minimum:
        raise ConventionError(f"{name} must be >= {minimum}, got {v}")
    if even and v % 2:
        raise ConventionError(f"{name} must be even, got {v} (use {v - 1} or {v + 1})")
    return v


def _short(value, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def check_hermitian(name: str, matrix, *, atol: float = 1e-10) -> np.ndarray:
    """Check a (stack of) square matrices is finite and Hermitian within ``atol``.

    Parameters
    ----------
    name : str
        Name of the input, used in the one-line error message.
    matrix : array_like
        (..., n, n) stack of square matrices (any units, e.g. t0).
    atol : float
        Tolerance on ``max |H - H^dagger|`` relative to ``max(1, max |H|)``.

    Returns
    -------
    ndarray
        The matrix as an array (``ShapeError`` if not square, ``ModelError`` if not Hermitian).
    """
    h = check_finite(name, matrix)
    if h.ndim < 2 or h.shape[-1] != h.shape[-2]:
        raise ShapeError(f"{name} must be a square matrix (..., n, n), got shape {h.shape}")
    dev = np.max(np.abs(h - np.swapaxes(h, -1, -2).conj())) if h.size else 0.0
    if dev > atol * max(1.0, float(np.max(np.abs(h))) if h.size else 1.0):
        raise ModelError(
            f"{name} is not Hermitian: max |H - H^dagger| = {dev:.3g} (tolerance {atol:g})"
        )
    return h
