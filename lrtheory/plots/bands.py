"""Band-structure plots (matplotlib, Agg backend; no global state changed).

Energies in units of t0, k along the path in 1/a.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from lrtheory.plots._common import figure_docs, new_figure, save_figure

__all__ = ["plot_bands", "bands_figure"]


@figure_docs
def bands_figure(kdist: np.ndarray, energies: np.ndarray, *,
                 ticks: Sequence[float] = (), labels: Sequence[str] = (),
                 title: str = "", fermi: float | None = None, xlabel: str | None = None,
                 energy_unit: str = "t0"):
    """The figure of :func:`plot_bands` (a matplotlib ``Figure``, not saved; ``energy_unit``
    labels the y axis).

    ``xlabel`` defaults to "k (1/a)" for a 1D (ribbon) path whose ticks are numbers
    (``-pi/a``, ``0``, ``pi/a``) and to "k along the path (1/a)" otherwise.

    Parameters
    ----------
    kdist : (Nk,) array
        Path coordinate (1/a).
    energies : (Nk, n) array
        Band energies (t0).
    ticks, labels : sequences
        Positions (on ``kdist``, 1/a) and names of the high-symmetry points.
    title : str
        Figure title.
    fermi : float, optional
        Dashed line at this energy (t0).
    xlabel : str, optional
        x-axis label (default as above).
    energy_unit : str
        Unit of the energies for the y label (``"t0"``; ``"eV"`` for Wannier90 models).

    %(figure_returns)s
    """
    fig = new_figure((5.0, 4.0), dpi=120)
    ax = fig.add_subplot(1, 1, 1)
    ax.plot(kdist, energies, color="k", lw=0.9)
    for t in ticks:
        ax.axvline(t, color="0.7", lw=0.6)
    if len(ticks):
        ax.set_xticks(list(ticks))
        ax.set_xticklabels([_pretty(lbl) for lbl in labels])
    if xlabel is None:
        numeric = bool(len(labels)) and all(_is_number_label(lbl) for lbl in labels)
        xlabel = "k (1/a)" if numeric else "k along the path (1/a)"
    ax.set_xlabel(xlabel)
    if fermi is not None:
        ax.axhline(fermi, color="tab:red", ls="--", lw=0.8)
    ax.set_xlim(float(np.min(kdist)), float(np.max(kdist)))
    ax.set_ylabel("energy ($t_0$)" if energy_unit == "t0" else f"energy ({energy_unit})")
    if title:
        import textwrap

        ax.set_title(textwrap.fill(title, 62), fontsize=9)   # long parameter lists wrap
    return fig


@figure_docs
def plot_bands(path, kdist: np.ndarray, energies: np.ndarray, *,
               ticks: Sequence[float] = (), labels: Sequence[str] = (),
               title: str = "", fermi: float | None = None, xlabel: str | None = None,
               energy_unit: str = "t0") -> Path:
    """Draw bands ``energies`` (Nk, n) against the path coordinate ``kdist`` (Nk,) to a file.

    Parameters
    ----------
    path : str or Path
        Output file (``.png``; any format matplotlib writes, chosen by the suffix).
    kdist : (Nk,) array
        Cumulative path length (1/a); for a ribbon, k along the ribbon (1/a).
    energies : (Nk, n) array
        Band energies (t0), ascending per k.
    ticks, labels : sequences
        Positions (on ``kdist``) and names of the high-symmetry points.
    title : str
        Figure title (model and parameters).
    fermi : float, optional
        Draw a dashed line at this energy (t0).
    xlabel : str, optional
        x-axis label (default: see :func:`bands_figure`); the axis is always labelled.
    energy_unit : str
        Unit of the energies for the y label (``"t0"``, or ``"eV"`` for Wannier90 models).

    %(file_returns)s
    """
    fig = bands_figure(kdist, energies, ticks=ticks, labels=labels, title=title,
                       fermi=fermi, xlabel=xlabel, energy_unit=energy_unit)
    return save_figure(fig, path)


def _is_number_label(label: str) -> bool:
    return all(c in "0123456789.-+/*pia " for c in str(label))


def _pretty(label: str) -> str:
    label = str(label)
    if _is_number_label(label) and "pi" in label:
        return "$" + label.replace("pi", r"\pi") + "$"
    return {"G": r"$\Gamma$", "K'": r"$K'$"}.get(label, label)
