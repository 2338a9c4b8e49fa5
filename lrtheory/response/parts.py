"""The parts of a transverse density response (Eq. 55) and the ``"<part>_<quantity>"`` layout
of the results that hold them: ribbons (:class:`lrtheory.response.density.RibbonAccumulation`)
and films (:class:`lrtheory.response.slab.SlabAccumulation`).

The intraband (Fermi-surface) part is given per unit relaxation time tau (hbar/t0), the
interband (Fermi-sea) part as it is; a ribbon computed at finite ``eta`` has a third part,
``"eta"`` (docs/conventions.md).
"""
from __future__ import annotations

import numpy as np

from lrtheory.errors import LrtheoryError

__all__ = ["PARTS", "part_units", "PartProfiles", "DOCS"]

#: the two parts of Eq. 55: Fermi surface (per tau) and Fermi sea
PARTS = ("intraband", "interband")

#: numpydoc block (lrtheory._docstrings) of the methods that look up one part of a quantity
DOCS = {"part_quantity_parameters": """
    Parameters
    ----------
    part, quantity : str
        As for :meth:`~lrtheory.response.parts.PartProfiles.get`.
    """}


def part_units(parts, units: dict, tail: str) -> dict:
    """The unit text of every ``"<part>_<quantity>"`` array.

    Parameters
    ----------
    parts : sequence of str
        Part names (``PARTS``, a ribbon's ``"eta"``).
    units : dict of str -> str
        Unit of each quantity (e.g. ``{"charge": "electrons"}``), in the order of the keys.
    tail : str
        What every value is per (e.g. ``" per cell per unit E_x"``).

    Returns
    -------
    dict of str -> str
        ``"<part>_<quantity>"`` -> unit; intraband parts are ``"per tau (hbar/t0), "`` first.
    """
    return {f"{p}_{q}": ("per tau (hbar/t0), " if p == "intraband" else "") + unit + tail
            for p in parts for q, unit in units.items()}


class PartProfiles:
    """Mixin of a :class:`lrtheory.result.Result` whose values are ``"<part>_<quantity>"``
    arrays: one lookup with one error message."""

    def get(self, part: str, quantity: str) -> np.ndarray:
        """The values of ``quantity`` in ``part`` (LrtheoryError naming the available ones).

        Parameters
        ----------
        part : str
            ``"intraband"``, ``"interband"`` (a ribbon at finite ``eta``: ``"eta"``).
        quantity : str
            The quantity's name (``charge``, ``jx``, ``jy``, ``omm``; a slab's ``jz``,
            ``omm_x``, ``omm_y`` and operators by name).

        Returns
        -------
        ndarray
            (n,) values per orbital (units: the result's class doc and ``units``).
        """
        try:
            return self.values[f"{part}_{quantity}"]
        except KeyError:
            raise LrtheoryError(f"no profile {part}_{quantity}; available: "
                                f"{sorted(self.values)}") from None
