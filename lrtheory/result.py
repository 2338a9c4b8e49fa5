r"""The one result type of lrtheory's k-integrated (and other) responses.

A :class:`Result` is a frozen record of named arrays with their units, the coordinates they
depend on, the run settings in effect, the model (name and parameters), a convergence
``status`` with an ``error`` estimate per named array, and provenance (lrtheory version,
time, command line). The k-sum driver (:func:`lrtheory.response.ksum.ksum`) returns one;
the older result classes (:class:`~lrtheory.response.hall.HallCurve`,
:class:`~lrtheory.response.hall3d.HallTensor`, :class:`~lrtheory.response.hall.KIntegral`,
:class:`~lrtheory.response.hall.ChernNumbers`) are subclasses that keep their old attributes
as views of these fields.

Convergence convention (issue #14): ``error[name]`` is the change of ``values[name]`` when the
linear k-grid density halves (value on the grid minus value on its every-other-point
sub-grid, computed in the same pass), an estimate of the remaining error that is usually
pessimistic; ``subgrid[name]`` keeps the sub-grid values themselves. ``status`` is
``"converged"`` / ``"not converged"`` when a tolerance was applied, else ``"not checked"``.

Files: :meth:`Result.save` / :meth:`Result.load` go through the one writer,
:func:`lrtheory.io.results.save_result` (atomic; ``.npz`` or ``.json``).
"""
from __future__ import annotations

import datetime as _dt
import sys
from dataclasses import dataclass, field, fields
from typing import Any, Mapping

import numpy as np

from lrtheory.errors import LrtheoryError

__all__ = ["Result", "KIntegral", "STATUSES", "provenance", "register_view"]

#: allowed values of :attr:`Result.status`
STATUSES = ("converged", "not converged", "not checked")

#: quantity name -> Result subclass that :meth:`Result.load` rebuilds (filled by subclasses)
_VIEWS: dict[str, type] = {}


def provenance() -> dict:
    """Provenance of a result made now: lrtheory version, UTC time, ``sys.argv``.

    Returns
    -------
    dict
        ``{'lrtheory_version': str, 'created': ISO 8601 UTC time, 'argv': list of str}``.
    """
    from lrtheory import __version__

    return {"lrtheory_version": __version__,
            "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "argv": list(sys.argv)}


def _arrays(name: str, d: Mapping | None) -> dict:
    if d is None:
        return {}
    if not isinstance(d, Mapping):
        raise LrtheoryError(f"Result.{name} must be a dict of named arrays, got {type(d).__name__}")
    return {str(k): np.asarray(v) for k, v in d.items()}


@dataclass(frozen=True, eq=False)
class Result:
    """Named arrays with units, coordinates, settings, status, error estimate, provenance.

    Parameters
    ----------
    quantity : str
        What was computed (e.g. ``"hall_conductivity"``, ``"carrier_density"``).
    values : dict of str -> ndarray
        The named result arrays.
    units : dict of str -> str
        Unit text per named array (and per coordinate), e.g. ``{"sigma": "e^2/hbar"}``.
    coords : dict of str -> ndarray
        Coordinates the arrays depend on (``"ef"``: Fermi energies in t0, ``"y"``, ...).
    settings : dict
        Run settings in effect (``nk``, ``temperature``, ``eta``, grid, ...).
    model : dict
        The model: ``{"name": ..., "params": {...}}``.
    status : str
        ``"converged"``, ``"not converged"`` or ``"not checked"`` (:data:`STATUSES`).
    error : dict of str -> ndarray
        Error estimate per named array (sub-grid: value minus the value at half the linear
        k density); empty when none was made.
    provenance : dict
        lrtheory version, creation time (UTC), command line (:func:`provenance`).
    subgrid : dict of str -> ndarray
        The values on the sub-grid that gave ``error`` (empty when none).
    """

    quantity: str
    values: dict
    units: dict = field(default_factory=dict)
    coords: dict = field(default_factory=dict)
    settings: dict = field(default_factory=dict)
    model: dict = field(default_factory=dict)
    status: str = "not checked"
    error: dict = field(default_factory=dict)
    provenance: dict = field(default_factory=provenance)
    subgrid: dict = field(default_factory=dict)

    def __post_init__(self):
        if not isinstance(self.quantity, str) or not self.quantity:
            raise LrtheoryError(f"Result.quantity must be a non-empty name, got {self.quantity!r}")
        if self.status not in STATUSES:
            raise LrtheoryError(f"Result.status must be one of {STATUSES}, got {self.status!r}")
        for name in ("values", "coords", "error", "subgrid"):
            object.__setattr__(self, name, _arrays(name, getattr(self, name)))
        for name in ("units", "settings", "model", "provenance"):
            v = getattr(self, name)
            if not isinstance(v, Mapping):
                raise LrtheoryError(f"Result.{name} must be a dict, got {type(v).__name__}")
            object.__setattr__(self, name, dict(v))
        unknown = sorted(set(self.error) - set(self.values))
        if unknown:
            raise LrtheoryError(f"Result.error names arrays that are not values: {unknown}")

    # -- access -----------------------------------------------------------------------------
    def __getitem__(self, name: str) -> np.ndarray:
        """``result["sigma"]``: a named array of :attr:`values` (then :attr:`coords`)."""
        if name in self.values:
            return self.values[name]
        if name in self.coords:
            return self.coords[name]
        raise LrtheoryError(f"{self.quantity} result has no array {name!r}; it has "
                            f"{sorted(self.values) + sorted(self.coords)}")

    def __contains__(self, name: str) -> bool:
        return name in self.values or name in self.coords

    def keys(self) -> list[str]:
        """Names of the value arrays.

        Returns
        -------
        list of str
            The names.
        """
        return list(self.values)

    @property
    def converged(self) -> bool:
        """True only when a tolerance was applied and met (``status == "converged"``)."""
        return self.status == "converged"

    @property
    def max_error(self) -> float:
        """Largest ``|error|`` over all named arrays (``nan`` when no estimate was made)."""
        errs = [float(np.max(np.abs(e))) for e in self.error.values() if np.size(e)]
        return max(errs) if errs else float("nan")

    def with_status(self, tol: float) -> "Result":
        """A copy whose status says whether every ``|error| <= tol`` (units of the arrays).

        Parameters
        ----------
        tol : float
            Tolerance on every ``|error|`` (units of the arrays).

        Returns
        -------
        Result
            A copy (same class) with ``status`` 'converged' or 'not converged'.
        """
        if not self.error:
            status = "not checked"
        else:
            status = "converged" if self.max_error <= float(tol) else "not converged"
        return self._rebuild(status=status, settings={**self.settings, "tol": float(tol)})

    def _rebuild(self, **changes) -> "Result":
        return type(self).from_fields(**{**self.fields(), **changes})

    def fields(self) -> dict:
        """The Result fields as a dict (``Result(**r.fields())`` is a copy).

        Returns
        -------
        dict
            Field name to value.
        """
        return {f.name: getattr(self, f.name) for f in fields(Result)}

    @classmethod
    def from_fields(cls, **kw) -> "Result":
        """An instance of ``cls`` from the :class:`Result` fields (a subclass's own
        constructor, with its old positional signature, is not called).

        Parameters
        ----------
        **kw : dict
            The :class:`Result` fields.

        Returns
        -------
        Result
            An instance of ``cls``.
        """
        obj = object.__new__(cls)
        Result.__init__(obj, **kw)
        return obj

    @classmethod
    def cast(cls, result: "Result") -> "Result":
        """``result`` (any Result) seen as ``cls``: same fields, e.g. ``HallCurve.cast(r)``.

        Parameters
        ----------
        result : Result
            Any result.

        Returns
        -------
        Result
            The same fields as an instance of ``cls``.
        """
        return cls.from_fields(**result.fields())

    def as_result(self) -> "Result":
        """The plain :class:`Result` of this (sub)class: same fields, base type.

        Returns
        -------
        Result
            The base-type copy.
        """
        return Result.cast(self)

    def __repr__(self) -> str:
        shapes = {k: tuple(np.shape(v)) for k, v in self.values.items()}
        return (f"Result({self.quantity!r}, values={shapes}, coords={sorted(self.coords)}, "
                f"status={self.status!r})")

    # -- files ------------------------------------------------------------------------------
    def save(self, path) -> "Path":  # noqa: F821
        """Write the result to ``path`` (``.npz`` or ``.json``) with the one atomic writer,
        :func:`lrtheory.io.results.save_result`; read it back with :meth:`load`.

        Parameters
        ----------
        path : str or os.PathLike
            Target file, ``.npz`` or ``.json``.

        Returns
        -------
        pathlib.Path
            The path written.
        """
        from lrtheory.io.results import save_result_record

        return save_result_record(path, self)

    @classmethod
    def load(cls, path) -> "Result":
        """Read a file written by :meth:`save` (the subclass of its quantity when one is
        registered, e.g. :class:`~lrtheory.response.hall.HallCurve`).

        Parameters
        ----------
        path : str or os.PathLike
            A file written by :meth:`save`.

        Returns
        -------
        Result
            The result (a registered subclass where there is one).
        """
        from lrtheory.io.results import load_result_record

        kw = load_result_record(path)
        target = _VIEWS.get(kw.get("quantity"), Result) if cls is Result else cls
        return target.from_fields(**kw)

    def to_xarray(self):
        """An ``xarray.Dataset`` of the values with dims, coordinates and units (xarray is
        an optional extra: ``pip install 'lrtheory[xarray]'``).

        Layouts (:mod:`lrtheory.io.labelled`): a ribbon accumulation has variables
        ``charge``, ``jx``, ``jy``, ``omm`` with dims ``("part", "orbital")`` and the
        coordinate ``y`` (a) per orbital; a Hall curve has ``sigma`` with dim ``ef`` (t0) and
        ``band_chern`` with dim ``band``; any other result names an axis after the first
        coordinate of its length. Units are in each variable's ``attrs["units"]``; error
        estimates are ``<name>_error``; settings, model and provenance are JSON text in the
        Dataset's ``attrs``.

        Returns
        -------
        xarray.Dataset
            The labelled values.

        Raises
        ------
        LrtheoryError
            When xarray is not installed.
        """
        from lrtheory.io.labelled import to_dataset

        return to_dataset(self)


def register_view(quantity: str, cls: type) -> None:
    """Let :meth:`Result.load` rebuild files of ``quantity`` as ``cls`` (a Result subclass).

    Parameters
    ----------
    quantity : str
        The :attr:`Result.quantity` written in the file.
    cls : type
        Result subclass built by :meth:`Result.load` for that quantity.
    """
    _VIEWS[quantity] = cls


class KIntegral(Result):
    """A k-integrated array ``value`` with its sub-grid convergence estimate (a view of
    :class:`Result` keeping the attributes of the older class).

    Attributes
    ----------
    value : ndarray
        ``values["value"]``.
    nk : int or None
        Linear size of the uniform BZ grid (``settings["nk"]``); None on a continuum model's
        polar quadrature, whose ``n_r``, ``n_theta``, ``k_max`` are in :attr:`settings`.
    change_on_doubling : ndarray
        ``error["value"]``: value minus the value at half the linear density (usually a
        pessimistic estimate of the remaining error).
    info : dict
        The run settings other than ``nk``.

    Parameters
    ----------
    value : array_like
        The k-integrated array (units of the quantity, in ``units``).
    nk : int or None
        Linear BZ grid size (None on a polar quadrature).
    change_on_doubling : array_like
        Value minus the value on the sub-grid (same units and shape as ``value``).
    info : dict, optional
        Other run settings (eta, temperature, ...).
    quantity : str
        Name of the quantity.
    units : dict, optional
        ``{'value': unit text}``.
    **fields_ : dict
        Further :class:`Result` fields (model, status, provenance, ...).
    """

    def __init__(self, value, nk, change_on_doubling, info: dict | None = None, *,
                 quantity: str = "k_integral", units: dict | None = None, **fields_):
        Result.__init__(self, quantity, {"value": value}, units=dict(units or {}),
                        settings={"nk": nk, **dict(info or {})},
                        error={"value": change_on_doubling}, **fields_)

    @property
    def value(self) -> np.ndarray:
        return self.values["value"]

    @property
    def nk(self):
        return self.settings.get("nk")

    @property
    def change_on_doubling(self) -> np.ndarray:
        return self.error["value"]

    @property
    def info(self) -> dict:
        return {k: v for k, v in self.settings.items() if k != "nk"}

    def __float__(self) -> float:
        return float(np.asarray(self.value).reshape(-1)[0])

    @property
    def error_estimate(self) -> float:
        """``max |change_on_doubling|``."""
        return float(np.max(np.abs(self.change_on_doubling)))

    def __repr__(self) -> str:
        return (f"{type(self).__name__}({self.quantity!r}, value={np.asarray(self.value)!r}, "
                f"nk={self.nk}, status={self.status!r})")

    @classmethod
    def from_result(cls, result: Result, name: str = "value", *, scale: float = 1.0,
                    nk=None) -> "KIntegral":
        """The KIntegral view of ``result[name]`` (times ``scale``; error likewise), with
        ``nk`` the linear BZ grid size (None on a quadrature).

        Parameters
        ----------
        result : Result
            Any result.
        name : str
            Which named array becomes ``value``.
        scale : float
            Factor applied to the value and its error (e.g. a unit conversion).
        nk : int or None
            Linear BZ grid size (None on a quadrature).

        Returns
        -------
        KIntegral
            The view (same provenance, settings, status).
        """
        kw = result.fields()
        val, err = result.values[name], result.error.get(name)
        kw["values"] = {"value": scale * val if scale != 1.0 else val}
        kw["error"] = {} if err is None else {"value": scale * err if scale != 1.0 else err}
        kw["subgrid"] = {}
        kw["units"] = {"value": result.units.get(name, "")}
        kw["settings"] = {"nk": nk, **{k: v for k, v in result.settings.items() if k != "nk"}}
        return cls.from_fields(**kw)
