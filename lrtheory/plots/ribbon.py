"""Ribbon profile plots (matplotlib Agg; no global state). y in a, profiles per cell per E_x."""
from __future__ import annotations

import io

import numpy as np

__all__ = ["plot_profile"]

_LABEL = {"omm": r"$\delta n^z_m(y)$", "charge": r"$\delta n(y)$ (electrons)",
          "current": r"$\delta j_x(y)$ (velocity density)", "jy": r"$\delta j_y(y)$"}


def plot_profile(path, y, intra, inter, *, quantity="omm", title=""):
    """Intraband (per tau) and interband profiles against y, written to ``path`` (PNG)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from lrtheory.io.results import atomic_write_bytes

    order = np.argsort(y)
    fig = Figure(figsize=(5, 3.6), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    ax.plot(y[order], np.asarray(intra)[order], "o", ms=3, label=r"intraband (per $\tau$)")
    ax.plot(y[order], np.asarray(inter)[order], "^", ms=3, label="interband")
    ax.axhline(0, color="0.8", lw=0.5)
    ax.set_xlabel("y (a), origin: ribbon centre")
    ax.set_ylabel(_LABEL.get(quantity, quantity) + r" per cell per $E_x$")
    ax.set_title(title, fontsize=8)
    ax.legend(fontsize=7)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return atomic_write_bytes(path, buf.getvalue())
