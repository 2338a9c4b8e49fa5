"""Band-structure plots (matplotlib, Agg backend; no global state changed).

Energies in units of t0, k along the path in 1/a.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

__all__ = ["plot_bands"]


def plot_bands(path, kdist: np.ndarray, energies: np.ndarray, *,
               ticks: Sequence[float] = (), labels: Sequence[str] = (),
               title: str = "", fermi: float | None = None, xlabel: str = "k path (1/a)"
               ) -> Path:
    """Draw bands ``energies`` (Nk, n) against the path coordinate ``kdist`` (Nk,) to PNG.

    Parameters
    ----------
    path : str or Path
        Output file (``.png``; any matplotlib format works).
    kdist : (Nk,) array
        Cumulative path length (1/a).
    energies : (Nk, n) array
        Band energies (t0), ascending per k.
    ticks, labels : sequences
        Positions (on ``kdist``) and names of the high-symmetry points.
    title : str
        Figure title (model and parameters).
    fermi : float, optional
        Draw a dashed line at this energy.
    """
    from matplotlib.figure import Figure
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from lrtheory.io.results import atomic_write_bytes
    import io

    fig = Figure(figsize=(5.0, 4.0), dpi=120)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    ax.plot(kdist, energies, color="k", lw=0.9)
    for t in ticks:
        ax.axvline(t, color="0.7", lw=0.6)
    if len(ticks):
        ax.set_xticks(list(ticks))
        ax.set_xticklabels([_pretty(lbl) for lbl in labels])
    else:
        ax.set_xlabel(xlabel)
    if fermi is not None:
        ax.axhline(fermi, color="tab:red", ls="--", lw=0.8)
    ax.set_xlim(float(np.min(kdist)), float(np.max(kdist)))
    ax.set_ylabel("energy ($t_0$)")
    if title:
        ax.set_title(title, fontsize=9)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format=Path(path).suffix.lstrip(".") or "png")
    return atomic_write_bytes(path, buf.getvalue())


def _pretty(label: str) -> str:
    return {"G": r"$\Gamma$", "K'": r"$K'$"}.get(label, label)
