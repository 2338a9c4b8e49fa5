"""Layer profiles of a slab accumulation (matplotlib Agg; no global state).

Units (docs/conventions.md): z in a (origin on the slab's centre plane); values per unit area
of the film (1/a^2) and per unit field (t0/(e a)) summed over the orbitals of each layer;
intraband parts per unit relaxation time tau (hbar/t0).
"""
from __future__ import annotations

import numpy as np

from lrtheory.plots._common import FIELD_UNIT, figure_docs, new_figure, save_figure

__all__ = ["slab_profile_figure", "plot_slab_profiles"]


@figure_docs
def slab_profile_figure(result, quantities, *, bulk: dict | None = None, title: str = ""):
    """Intraband (per tau) and interband layer profiles of a
    :class:`~lrtheory.response.slab.SlabAccumulation`, one panel per quantity.

    Parameters
    ----------
    result : SlabAccumulation
        The slab result.
    quantities : sequence of str
        Names of its quantities (``charge``, ``jx``, ``omm_y``, an operator's name, ...).
    bulk : dict of str -> float, optional
        A bulk value per quantity (per layer), drawn as a dashed line.
    title : str
        Figure title.

    %(figure_returns)s
    """
    z, layer = np.asarray(result.coords["z"]), np.asarray(result.coords["layer"], int)
    zl = np.bincount(layer, weights=z) / np.bincount(layer)
    fig = new_figure((3.2 * len(quantities), 3.4), dpi=110)
    for i, q in enumerate(quantities):
        ax = fig.add_subplot(1, len(quantities), i + 1)
        ax.plot(zl, result.layer_profile("intraband", q), "o-", ms=3, lw=0.8,
                label=r"intraband (per $\tau$)")
        ax.plot(zl, result.layer_profile("interband", q), "^-", ms=3, lw=0.8,
                label="interband")
        if bulk and q in bulk:
            ax.axhline(bulk[q], ls="--", color="0.4", lw=0.8, label="bulk")
        ax.axhline(0, color="0.85", lw=0.5)
        ax.set_xlabel("z (a), origin: centre plane")
        ax.set_ylabel(f"{q} per layer per area\n(per {FIELD_UNIT})", fontsize=8)
        ax.legend(fontsize=7)
    fig.suptitle(title, fontsize=8)
    return fig


@figure_docs
def plot_slab_profiles(path, result, quantities, *, bulk: dict | None = None, title: str = ""):
    """:func:`slab_profile_figure` written atomically to ``path`` (format from the suffix).

    Parameters
    ----------
    path : str or Path
        The file to write (``.png``, ``.pdf``, ``.svg``, ...).
    result : SlabAccumulation
        The slab result (z in a, values per area 1/a^2 and per field t0/(e a)).
    quantities : sequence of str
        Names of its quantities.
    bulk : dict of str -> float, optional
        A bulk value per quantity (per layer), drawn as a dashed line.
    title : str
        Figure title.

    %(file_returns)s
    """
    return save_figure(slab_profile_figure(result, quantities, bulk=bulk, title=title), path)
