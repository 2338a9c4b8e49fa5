"""Shared pieces of the plot modules: a pyplot-free figure, atomic saving, unit labels.

Units follow docs/conventions.md: hbar = e = 1, energies in t0, k in 1/a, lengths in a; a
response to the field is given *per unit field* E_x, whose unit is t0/(e a); intraband
(Fermi-surface) parts are per unit relaxation time tau (hbar/t0).
"""
from __future__ import annotations

import io
from pathlib import Path

from lrtheory._docstrings import shared_docs

#: unit of the field E_x (docs/conventions.md)
FIELD_UNIT = r"$t_0/(e a)$"
#: units of the quantities whose responses are plotted
UNITS = {
    "omm": r"$e a^2 t_0/\hbar$",        # orbital moment (e a v)
    "charge": "electrons",              # electron number (charge density = q times this)
    "velocity": r"$a t_0/\hbar$",       # velocity density j = {v, P}/2
    "current": r"$e a t_0/\hbar$",      # charge current q j
    "energy": r"$t_0$",
    "k": r"$1/a$",
    "length": r"$a$",
}

#: numpydoc blocks of the plot modules (:mod:`lrtheory._docstrings`): the Returns section of
#: every function that builds a figure without saving it, and of every one that writes a file
DOCS = {"figure_returns": """
    Returns
    -------
    matplotlib.figure.Figure
        The figure (Agg canvas, not saved).
    """, "file_returns": """
    Returns
    -------
    pathlib.Path
        The file written.
    """}
figure_docs = shared_docs(**DOCS)


def per_field(unit: str) -> str:
    """``'(<unit> per t0/(e a))'``: the unit of a response per unit field E_x.

    Parameters
    ----------
    unit : str
        Unit text of the response (e.g. ``UNITS['omm']``).

    Returns
    -------
    str
        The label.
    """
    return f"({unit} per {FIELD_UNIT})"


@figure_docs
def new_figure(size, dpi=110):
    """A matplotlib Figure with an Agg canvas, without pyplot (no global state).

    Parameters
    ----------
    size : tuple of float
        (width, height) in inches.
    dpi : int
        Resolution.

    %(figure_returns)s
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, dpi=dpi)
    FigureCanvasAgg(fig)
    return fig


@figure_docs
def save_figure(fig, path, *, dpi=None) -> Path:
    """Write ``fig`` atomically to ``path`` in the format its suffix names (default PNG).

    Errors writing the file (unwritable folder, a directory in the way) are
    :class:`~lrtheory.errors.LrtheoryError` lines from
    :func:`lrtheory.io.results.atomic_write_bytes`.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    path : str or Path
        Output file; the suffix names the format.
    dpi : int, optional
        Resolution (default: the figure's).

    %(file_returns)s
    """
    from lrtheory.io.results import atomic_write_bytes

    fig.tight_layout()
    buf = io.BytesIO()
    fmt = Path(path).suffix.lstrip(".").lower() or "png"
    fig.savefig(buf, format=fmt, dpi=dpi)
    return atomic_write_bytes(path, buf.getvalue())
