"""Site maps of a finite flake's density response (matplotlib, Agg backend; no physics here).

Units (docs/conventions.md): positions in a; responses per site and per unit field E_x
(t0/(e a)); orbital moment in e a^2 t0/hbar, charge in electrons, charge current in
e a t0/hbar.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from lrtheory.plots._common import UNITS, figure_docs, new_figure, per_field, save_figure

__all__ = ["plot_site_maps", "site_maps_figure", "colourbar_label"]


def colourbar_label(label: str, unit: str | None = None) -> str:
    """Colour-bar label of a site map: the density symbol, per site, per unit E_x, units.

    ``unit`` defaults from the panel label: a label starting with "charge" is a charge
    density (``q`` times the electron number, in e), any other map of ``lrtheory flake`` is
    an orbital-moment density (``UNITS["omm"]``). Pass ``unit`` for anything else.

    Parameters
    ----------
    label : str
        Panel label (a label starting with 'charge' is a charge map).
    unit : str, optional
        Unit text (default from the label, see above).

    Returns
    -------
    str
        Two-line label: symbol per site per E_x, then the unit per t0/(e a).
    """
    is_charge = label.strip().lower().startswith("charge")
    if unit is None:
        unit = "$e$" if is_charge else UNITS["omm"]
    symbol = r"$\delta n_q(i)$" if is_charge else r"$\delta n_m(i)$"
    return f"{symbol} per site per $E_x$\n{per_field(unit)}"


@figure_docs
def site_maps_figure(positions, maps: dict, *, arrows=None, title: str = "",
                     units: dict | None = None, arrow_unit: str | None = None):
    """The figure of :func:`plot_site_maps` (a matplotlib ``Figure``, not saved).

    Parameters
    ----------
    positions : (N_sites, 2) array
        Site positions (a).
    maps : dict of label -> (N_sites,) real array
        One scatter panel each, on a symmetric diverging colour scale centred on zero, with
        a labelled colour bar (:func:`colourbar_label`).
    title : str
        Figure title.
    arrows : (N_sites, 2) array, optional
        A vector field (e.g. the charge-current response) drawn on the first panel. Arrows
        are scaled so that the longest is 0.8 of the smallest site spacing, and the axes
        limits include every arrow tip (no arrow is clipped); the panel's x label states the
        length scale.
    units : dict of label -> str, optional
        Units of the maps (default: :func:`colourbar_label`'s).
    arrow_unit : str, optional
        Unit of ``arrows`` (default: a charge current, e a t0/hbar, per unit E_x).

    %(figure_returns)s
    """
    pos = np.asarray(positions, dtype=float)
    units = units or {}
    n = len(maps)
    ncol = min(n, 2)
    nrow = -(-n // ncol)
    fig = new_figure((5.6 * ncol, 4.6 * nrow), dpi=120)
    axes = np.atleast_1d(fig.subplots(nrow, ncol, squeeze=False)).ravel()
    for ax in axes[n:]:
        ax.set_visible(False)
    pad = 0.6 * _spacing(pos)
    lo, hi = pos.min(axis=0) - pad, pos.max(axis=0) + pad
    for k, (ax, (label, vals)) in enumerate(zip(axes, maps.items())):
        vals = np.asarray(vals, dtype=float)
        lim = float(np.max(np.abs(vals))) or 1.0
        sc = ax.scatter(pos[:, 0], pos[:, 1], c=vals, cmap="RdBu_r", vmin=-lim, vmax=lim,
                        s=max(8.0, 2400.0 / len(pos)), edgecolors="k", linewidths=0.2)
        xlabel = "x (a)"
        a_lo, a_hi = lo, hi
        if k == 0 and arrows is not None:
            a = np.asarray(arrows, dtype=float)
            longest = float(np.max(np.hypot(a[:, 0], a[:, 1]))) if a.size else 0.0
            if longest > 0:
                length = 0.8 * _spacing(pos)          # data units (a) of the longest arrow
                scale = longest / length              # arrow units per a
                ax.quiver(pos[:, 0], pos[:, 1], a[:, 0], a[:, 1], color="0.25",
                          angles="xy", scale_units="xy", scale=scale, width=0.004,
                          zorder=3)
                tips = pos + a / scale
                a_lo = np.minimum(lo, tips.min(axis=0) - 0.2 * pad)
                a_hi = np.maximum(hi, tips.max(axis=0) + 0.2 * pad)
                unit = arrow_unit or per_field(UNITS["current"])
                xlabel = f"x (a);  longest arrow: {longest:.3g} {unit}"
        ax.set_xlim(a_lo[0], a_hi[0])
        ax.set_ylim(a_lo[1], a_hi[1])
        ax.set_aspect("equal")
        ax.set_title(label, fontsize=9)
        ax.set_xlabel(xlabel, fontsize=8 if xlabel != "x (a)" else None)
        ax.set_ylabel("y (a)")
        cb = fig.colorbar(sc, ax=ax, shrink=0.8)
        cb.set_label(colourbar_label(label, units.get(label)), fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    return fig


@figure_docs
def plot_site_maps(path, positions, maps: dict, *, arrows=None, title: str = "",
                   units: dict | None = None, arrow_unit: str | None = None) -> Path:
    """Write one scatter panel per entry of ``maps`` to ``path`` (format from the suffix).

    The file is written atomically.

    Parameters
    ----------
    path : str or Path
        Output file.
    positions, maps, arrows, title, units, arrow_unit
        As for :func:`site_maps_figure` (positions in a, maps per site per unit E_x).

    %(file_returns)s
    """
    fig = site_maps_figure(positions, maps, arrows=arrows, title=title, units=units,
                           arrow_unit=arrow_unit)
    return save_figure(fig, path, dpi=120)


def _spacing(pos: np.ndarray) -> float:
    """Smallest distance between two sites (a); 1 for a single site."""
    if len(pos) < 2:
        return 1.0
    from scipy.spatial import cKDTree

    d = cKDTree(pos).query(pos, k=2)[0][:, 1]
    d = d[d > 0]
    return float(d.min()) if d.size else 1.0
