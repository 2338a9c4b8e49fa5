"""The results of the Hall k-sum (:mod:`lrtheory.response.hall`): :class:`HallCurve`, a
generalized Hall conductivity versus E_F (paper Eq. S23), and :class:`ChernNumbers`, band
Chern numbers with their convergence status; both are :class:`~lrtheory.result.Result`
subclasses.
"""
from __future__ import annotations

import numpy as np

from lrtheory.conventions import E2_OVER_H
from lrtheory.errors import ConventionError
from lrtheory.result import KIntegral, Result, register_view

__all__ = ["HallCurve", "ChernNumbers", "CHERN_TOL", "HALL_UNITS"]

#: default tolerance on |C - round(C)| for a Chern number to count as converged
CHERN_TOL = 1e-3


class ChernNumbers(KIntegral):
    """Band Chern numbers ``(1/2pi) int Omega_n d^2k`` with their convergence status.

    ``value`` (n_bands,) the raw grid sums (not integers on a finite grid); ``integer`` the
    nearest integers; ``distance = |value - integer|`` (the convergence measure); ``tol``
    the tolerance; ``status`` ``"converged"`` when every ``distance <= tol`` and the ``nk/2``
    grid rounds to the same integers, else ``"not converged"`` (then ``integer`` is not an
    answer: refine the grid, or the bands touch and single-band Chern numbers are undefined).

    Parameters
    ----------
    value, nk, change_on_doubling, info, quantity, units, **fields_
        As for :class:`~lrtheory.result.KIntegral`: ``value`` and ``change_on_doubling``
        (n_bands,) dimensionless, ``nk`` the linear grid size.
    """

    @property
    def integer(self) -> np.ndarray:
        return self.values["integer"]

    @property
    def distance(self) -> np.ndarray:
        return self.values["distance"]

    @property
    def tol(self) -> float:
        return self.settings["tol"]

    @property
    def info(self) -> dict:
        return {"distance_from_integer": self.distance, "tol": self.tol}


register_view("chern_numbers", ChernNumbers)

#: ``HallCurve.operator`` -> the current whose response ``sigma`` is (docs/conventions.md)
_CURRENTS = {
    "charge": "charge current j = -e v (electrical sigma_xy, e^2/hbar)",
    "None": "particle (number) current j = v, O = 1 (sigma = +C/2pi; not the electrical "
            "sigma_xy, which is -C/2pi)",
    "number": "particle (number) current j = v, O = 1",
    "orbital": "orbital-moment current j = m_z v (orbital Hall conductivity)",
}
#: unit of ``HallCurve.sigma`` for each ``operator``
HALL_UNITS = {"charge": "e^2/hbar", "None": "e/hbar", "number": "e/hbar",
          "orbital": "e (e a^2 t0/hbar)/hbar"}


class HallCurve(Result):
    """Generalized Hall conductivity versus Fermi energy (a :class:`~lrtheory.result.Result`).

    :attr:`current` says which current ``sigma`` is the response of (charge current
    ``j = -e v`` or particle current ``j = v``). Result fields: ``values`` ``sigma``,
    ``band_chern``; ``coords["ef"]``; ``subgrid`` the ``nk/2`` values; ``error`` their
    differences; ``settings`` nk, temperature, operator, b, c.

    Parameters
    ----------
    ef, sigma, sigma_half : (n_EF,) array
        Fermi energies (t0); ``sigma`` in ``e [O] / hbar`` (``operator="charge"``:
        e^2/hbar); ``sigma_half`` the same on the ``nk/2`` grid (or None).
    nk, temperature, operator, b, c
        Linear grid size, T (t0), the operator O, current and field directions.
    band_chern, band_chern_half : (n_bands,) array
        Chern number of each band, ``(1/2pi) int Omega_n`` (for ``operator=None`` and
        ``"charge"``; else the per-band sums of ``Omega^O``), full and ``nk/2`` grid.
    **fields_ : dict
        Further :class:`~lrtheory.result.Result` fields.
    """

    def __init__(self, ef, sigma, sigma_half, nk, temperature, operator, b, c, band_chern,
                 band_chern_half, **fields_):
        sigma, sigma_half = np.asarray(sigma), np.asarray(sigma_half)
        bc, bch = np.asarray(band_chern), np.asarray(band_chern_half)
        Result.__init__(
            self, "hall_conductivity", {"sigma": sigma, "band_chern": bc},
            units={"sigma": HALL_UNITS.get(str(operator), "e [O]/hbar"), "band_chern": "1",
                   "ef": "t0"},
            coords={"ef": ef}, settings={"nk": int(nk), "temperature": float(temperature),
                                         "operator": str(operator), "b": b, "c": c},
            error={"sigma": sigma - sigma_half, "band_chern": bc - bch},
            subgrid={"sigma": sigma_half, "band_chern": bch}, **fields_)

    ef = property(lambda self: self.coords["ef"], doc="Fermi energies (t0), (n_EF,).")
    sigma = property(lambda self: self.values["sigma"], doc="sigma(E_F) on the nk grid.")
    sigma_half = property(lambda self: self.subgrid["sigma"], doc="sigma on the nk/2 grid.")
    band_chern = property(lambda self: self.values["band_chern"], doc="C_n (n_bands,).")
    band_chern_half = property(lambda self: self.subgrid["band_chern"], doc="C_n, nk/2 grid.")
    nk = property(lambda self: self.settings["nk"], doc="Linear grid size (even).")
    temperature = property(lambda self: self.settings["temperature"], doc="T (t0).")
    operator = property(lambda self: self.settings["operator"], doc="Operator spec (text).")
    b = property(lambda self: self.settings["b"], doc="Current direction.")
    c = property(lambda self: self.settings["c"], doc="Field direction.")

    @property
    def change_on_doubling(self) -> np.ndarray:
        """``sigma - sigma_half``: the change when the linear grid density doubles."""
        return self.error["sigma"]

    @property
    def current(self) -> str:
        """Which current ``sigma`` is the response of, in words."""
        return _CURRENTS.get(self.operator, f"current j = O v of the operator {self.operator}")

    @property
    def sigma_e2h(self) -> np.ndarray:
        """Electrical ``sigma`` in units of e^2/h (only for ``operator="charge"``, the charge
        current ``j = -e v``: ``-C`` in a gap with occupied Chern number ``C``)."""
        if self.operator != "charge":
            raise ConventionError(
                f"sigma_e2h is the electrical Hall conductivity (charge current j = -e v); this "
                f"curve is the response of the {self.current}: use operator='charge'")
        return self.sigma / E2_OVER_H

    def __repr__(self) -> str:
        return (f"HallCurve(operator={self.operator!r}: {self.current}; n_EF={len(self.ef)}, "
                f"nk={self.nk}, T={self.temperature:g}, b={self.b}, c={self.c}, "
                f"band_chern={np.round(self.band_chern, 6).tolist()})")

    def chern(self, tol: float = CHERN_TOL) -> ChernNumbers:
        """:class:`ChernNumbers` of ``band_chern`` with its status (never raises).

        Parameters
        ----------
        tol : float
            Largest accepted distance of a band sum from its integer.

        Returns
        -------
        ChernNumbers
        """
        return _chern_status(self.band_chern, self.band_chern_half, self.nk, tol, self)


register_view("hall_conductivity", HallCurve)


def _chern_status(value, half, nk, tol, source: Result | None = None) -> ChernNumbers:
    value, half = np.asarray(value, float), np.asarray(half, float)
    integer = np.rint(value)
    distance = np.abs(value - integer)
    ok = bool(np.all(distance <= tol) and np.all(np.rint(half) == integer))
    extra = {} if source is None else {"model": source.model, "provenance": source.provenance}
    return ChernNumbers.from_fields(
        quantity="chern_numbers",
        values={"value": value, "integer": integer.astype(int), "distance": distance},
        units={"value": "1", "integer": "1", "distance": "1"},
        settings={"nk": int(nk), "tol": float(tol)}, error={"value": value - half},
        subgrid={"value": half}, status="converged" if ok else "not converged", **extra)
