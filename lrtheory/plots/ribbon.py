"""Ribbon profile plots (matplotlib Agg; no global state).

Units (docs/conventions.md): y in a (origin on the ribbon centre line); profiles per unit
cell (per length a along the ribbon) and per unit field E_x (t0/(e a)); intraband parts per
unit relaxation time tau (hbar/t0).
"""
from __future__ import annotations

import numpy as np

from lrtheory.plots._common import UNITS, figure_docs, new_figure, per_field, save_figure

__all__ = ["plot_profile", "profile_figure"]

#: (symbol, unit) of each profile of :func:`lrtheory.response.density.ribbon_accumulation`
_LABEL = {"omm": (r"$\delta n^z_m(y)$", UNITS["omm"]),
          "charge": (r"$\delta n(y)$", UNITS["charge"]),
          "current": (r"$\delta j_x(y)$ (velocity density)", UNITS["velocity"]),
          "jx": (r"$\delta j_x(y)$ (velocity density)", UNITS["velocity"]),
          "jy": (r"$\delta j_y(y)$ (velocity density)", UNITS["velocity"])}


def _profile_ylabel(quantity: str) -> str:
    """y-axis label of a profile: symbol, per cell per E_x, unit.

    Parameters
    ----------
    quantity : str
        ``omm``, ``charge``, ``current``/``jx`` or ``jy``.

    Returns
    -------
    str
        The label.
    """
    symbol, unit = _LABEL.get(quantity, (quantity, None))
    text = f"{symbol} per cell per $E_x$"
    return text + ("\n" + per_field(unit) if unit else "")


@figure_docs
def profile_figure(y, intra, inter, *, quantity="omm", title=""):
    """The figure of :func:`plot_profile` (a matplotlib ``Figure``, not saved).

    Parameters
    ----------
    y : (n,) array
        Transverse coordinates (a).
    intra, inter : (n,) arrays
        Intraband (per unit tau) and interband profiles, per cell and per unit E_x.
    quantity : str
        ``omm``, ``charge``, ``current``/``jx`` or ``jy`` (axis label and unit).
    title : str
        Figure title.

    %(figure_returns)s
    """
    y = np.asarray(y, dtype=float)
    order = np.argsort(y)
    fig = new_figure((5, 3.8), dpi=110)
    ax = fig.add_subplot(1, 1, 1)
    ax.plot(y[order], np.asarray(intra)[order], "o", ms=3, label=r"intraband (per $\tau$)")
    ax.plot(y[order], np.asarray(inter)[order], "^", ms=3, label="interband")
    ax.axhline(0, color="0.8", lw=0.5)
    ax.set_xlabel("y (a), origin: ribbon centre")
    ax.set_ylabel(_profile_ylabel(quantity), fontsize=8)
    ax.set_title(title, fontsize=8)
    ax.legend(fontsize=7)
    return fig


@figure_docs
def plot_profile(path, y, intra, inter, *, quantity="omm", title=""):
    """Intraband (per tau) and interband profiles against y, written to ``path``.

    Parameters
    ----------
    path : str or Path
        Output file (format from the suffix, default PNG), written atomically.
    y : (n,) array
        Transverse coordinates (a).
    intra, inter : (n,) arrays
        Intraband (per unit tau) and interband profiles, per cell and per unit E_x.
    quantity : str
        ``omm``, ``charge``, ``current``/``jx`` or ``jy`` (sets the axis label and unit).
    title : str
        Figure title.

    %(file_returns)s
    """
    return save_figure(profile_figure(y, intra, inter, quantity=quantity, title=title), path)
