"""Site maps of a finite flake's density response (matplotlib, Agg backend; no physics here)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

__all__ = ["plot_site_maps"]


def plot_site_maps(path, positions, maps: dict, *, arrows=None, title: str = "") -> Path:
    """Write one scatter panel per entry of ``maps`` (``{label: (N_sites,) values}``).

    Parameters
    ----------
    positions : (N_sites, 2) array
    maps : dict of label -> (N_sites,) real array
        Each panel uses a symmetric diverging colour scale centred on zero.
    arrows : (N_sites, 2) array, optional
        A vector field (e.g. the current-density response) drawn on the first panel.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    pos = np.asarray(positions, dtype=float)
    n = len(maps)
    ncol = min(n, 2)
    nrow = -(-n // ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(5.4 * ncol, 4.4 * nrow), squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    for k, (ax, (label, vals)) in enumerate(zip(axes.flat, maps.items())):
        vals = np.asarray(vals, dtype=float)
        lim = float(np.max(np.abs(vals))) or 1.0
        sc = ax.scatter(pos[:, 0], pos[:, 1], c=vals, cmap="RdBu_r", vmin=-lim, vmax=lim,
                        s=max(8.0, 2400.0 / len(pos)), edgecolors="k", linewidths=0.2)
        if k == 0 and arrows is not None:
            a = np.asarray(arrows, dtype=float)
            ax.quiver(pos[:, 0], pos[:, 1], a[:, 0], a[:, 1], color="0.3", width=0.003)
        ax.set_aspect("equal")
        ax.set_title(label, fontsize=9)
        ax.set_xlabel("x (a)")
        ax.set_ylabel("y (a)")
        fig.colorbar(sc, ax=ax, shrink=0.8)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
