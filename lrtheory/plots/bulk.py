"""Plots of bulk responses (docs/bulk.md). Regenerate the documentation figures with

    python -m lrtheory.plots.bulk docs/img

(writes docs/img/bulk_sigma_xy.png, bulk_orbital_hall.png, bulk_edelstein.png; ~1 min).
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from lrtheory._docstrings import shared_docs
from lrtheory.plots._common import DOCS

__all__ = ["curve_figure", "plot_curve", "make_docs_figures"]

# numpydoc entries shared by curve_figure and plot_curve (lrtheory._docstrings), and the
# figure Returns section of the plot modules
_docs = shared_docs(**DOCS, x_y="""
    x : (n,) array
        Abscissa (default label: E_F in t0).
    y : (n,) or (m, n) array
        One or m curves (units in ``ylabel``).
    """, axis_texts="""
    xlabel, ylabel : str
        Axis labels with units.
    title : str
        Figure title.
    """)


@_docs
def curve_figure(x, y, *, xlabel="E_F (t0)", ylabel="", title="", labels=None):
    """The figure of :func:`plot_curve` (a matplotlib ``Figure``, not saved).

    Parameters
    ----------
    %(x_y)s
    %(axis_texts)s
    labels : sequence of str, optional
        Legend entries, one per curve.

    %(figure_returns)s
    """
    from lrtheory.plots._common import new_figure

    fig = new_figure((5.2, 3.6), dpi=120)
    ax = fig.add_subplot(1, 1, 1)
    ys = np.atleast_2d(y)
    for i, yy in enumerate(ys):
        ax.plot(x, yy, label=None if labels is None else labels[i])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=9)
    ax.axhline(0, color="k", lw=0.5)
    if labels is not None:
        ax.legend(fontsize=8)
    return fig


@_docs
def plot_curve(x, y, path, *, xlabel="E_F (t0)", ylabel="", title="", labels=None):
    """Line plot of one or several curves ``y`` (n,) or (m, n) against ``x``, written
    atomically to ``path`` (format from the suffix). Several curves need ``labels``.

    Parameters
    ----------
    %(x_y)s
    path : str or Path
        Output file (format from the suffix).
    %(axis_texts)s
    labels : sequence of str, optional
        Legend entries, one per curve (required for several curves: ``LrtheoryError``).

    %(file_returns)s
    """
    from lrtheory.errors import LrtheoryError
    from lrtheory.plots._common import save_figure

    if np.ndim(y) == 2 and len(y) > 1 and labels is None:
        raise LrtheoryError(f"plot_curve: {len(y)} curves need labels for the legend")
    fig = curve_figure(x, y, xlabel=xlabel, ylabel=ylabel, title=title, labels=labels)
    return save_figure(fig, path, dpi=120)


def make_docs_figures(folder) -> list[Path]:
    """Compute and write the three figures of docs/bulk.md (~1 min).

    Haldane sigma_xy in e^2/h (charge current, nk = 240, T = 0.01 t0), the orbital Hall
    conductivity (O = m_z) and the Rashba-gas Edelstein response (Eq. 28 on exact Fermi
    circles against the printed Eq. S18).

    Parameters
    ----------
    folder : str or Path
        Output folder (created if missing).

    Returns
    -------
    list of pathlib.Path
        bulk_sigma_xy.png, bulk_orbital_hall.png, bulk_edelstein.png.
    """
    from lrtheory.conventions import E2_OVER_H, ELECTRON_CHARGE
    from lrtheory.models.continuum import RashbaGas
    from lrtheory.models.haldane import haldane
    from lrtheory.response.fermi_surface import fermi_surface_continuum
    from lrtheory.response.hall import hall_conductivity

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    ef = np.linspace(-3.5, 3.5, 281)
    curves, labels = [], []
    for t2, d in ((0.1, 0.2), (0.1, 0.7), (0.0, 0.5)):
        c = hall_conductivity(haldane(t2=t2, delta=d), ef, nk=240, temperature=0.01,
                              operator=None)  # O = 1; times q below
        curves.append(ELECTRON_CHARGE * c.sigma / E2_OVER_H)
        labels.append(f"t2={t2}, Delta={d}")
    out.append(plot_curve(ef, curves, folder / "bulk_sigma_xy.png", ylabel="sigma_xy (e^2/h)",
                          title="Haldane model, phi=pi/2, nk=240, T=0.01 t0", labels=labels))
    curves, labels = [], []
    for t2, d in ((0.0, 0.2), (0.0, 0.5), (0.1, 0.2), (0.1, 0.7)):
        c = hall_conductivity(haldane(t2=t2, delta=d), ef, nk=240, temperature=0.01,
                              operator="orbital")
        curves.append(c.sigma)
        labels.append(("gapped graphene" if t2 == 0 else "Haldane") + f" t2={t2}, Delta={d}")
    out.append(plot_curve(ef, curves, folder / "bulk_orbital_hall.png",
                          ylabel="sigma^orb_xy (e^2 a^2 t0/hbar^2)",
                          title="orbital Hall conductivity (O = m_z), nk=240, T=0.01", labels=labels))
    mus = np.linspace(0.02, 1.5, 40)
    r = RashbaGas(m=1.0, alpha=0.3)
    num = [fermi_surface_continuum(r, "spin_y", mu, tau=1.0, k_max=5.0).value[0] for mu in mus]
    ref = r.m * r.alpha / (4 * np.pi)
    out.append(plot_curve(mus, [np.array(num) / ref, np.full_like(mus, 2.0)],
                          folder / "bulk_edelstein.png", xlabel="mu",
                          ylabel="S_y / (m alpha tau e E / 4 pi)",
                          title="Rashba gas m=1, alpha=0.3: Eq. 28 (numeric) vs printed S18",
                          labels=["Eq. 28, exact Fermi circles", "printed S18"]))
    return out


if __name__ == "__main__":  # pragma: no cover
    for p in make_docs_figures(sys.argv[1] if len(sys.argv) > 1 else "docs/img"):
        print(p)
