"""Every plot lrtheory draws is readable on its own (issue #13, sec. 6 "Plots").

Checked on the matplotlib objects (not on pixels), for the paper's Figs. 1-3 (reduced nk) and
for the ``--plot`` output of ``bands`` (bulk path and ribbon), ``flake``, ``accumulate`` and
``hall`` (captured on their way to the file, so the CLI's own call is what is tested):

* every visible axes has an x and a y label; every colour-mapped panel has a colour bar
  whose label is set;
* the panel labels "(a)", "(b)", ... of the paper's figures are present as text;
* an axes with two or more distinguishable series (different colour, line style or marker)
  has a legend naming each of them (one style repeated, e.g. 40 black bands, is one series);
* arrows (quiver, annotation arrows, arrow patches) lie inside the axes limits.

Units in the labels follow docs/conventions.md (energies in t0, k in 1/a, lengths in a,
responses per unit E_x in t0/(e a)); the tests look for those unit strings too.
"""
from __future__ import annotations

import numpy as np
import pytest
from matplotlib.colors import to_hex
from matplotlib.patches import FancyArrow, FancyArrowPatch
from matplotlib.quiver import Quiver
from matplotlib.text import Annotation

import lrtheory.plots._common as common
from lrtheory.cli.main import main
from lrtheory.errors import LrtheoryError
from lrtheory.plots import bands as bands_mod
from lrtheory.plots import bulk as bulk_mod
from lrtheory.plots import flake as flake_mod
from lrtheory.plots import ribbon as ribbon_mod
from lrtheory.plots.figures import draw_figure, figure_data


# -- checks -------------------------------------------------------------------------------
def _is_colourbar(ax) -> bool:
    return getattr(ax, "_colorbar", None) is not None


def _plot_axes(fig):
    return [ax for ax in fig.axes if ax.get_visible() and not _is_colourbar(ax)]


def check_labels(fig):
    for ax in _plot_axes(fig):
        where = ax.get_title() or repr(ax)
        assert ax.get_xlabel().strip(), f"no x label: {where}"
        assert ax.get_ylabel().strip(), f"no y label: {where}"
        mapped = [c for c in ax.collections
                  if not isinstance(c, Quiver) and c.get_array() is not None]
        if mapped:
            bars = [c.colorbar for c in mapped if c.colorbar is not None]
            assert bars, f"colour-mapped panel without a colour bar: {where}"
            for cb in bars:
                label = cb.ax.get_ylabel() or cb.ax.get_xlabel()
                assert label.strip(), f"colour bar without a label: {where}"
    for ax in fig.axes:
        if _is_colourbar(ax) and ax.get_visible():
            cb = ax._colorbar
            assert (cb.ax.get_ylabel() or cb.ax.get_xlabel()).strip(), "unlabelled colour bar"


def all_text(fig) -> str:
    parts = [t.get_text() for t in fig.texts]
    if fig._suptitle is not None:
        parts.append(fig._suptitle.get_text())
    for ax in fig.axes:
        parts += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        parts += [t.get_text() for t in ax.texts]
    return "\n".join(parts)


def check_panels(fig, letters):
    text = all_text(fig)
    missing = [f"({c})" for c in letters if f"({c})" not in text]
    assert not missing, f"panel labels missing: {missing}"


def _series(ax):
    """Distinguishable series of an axes: {style: [labels]} for data lines (not axhline /
    axvline) and fixed-colour scatter collections."""
    out = {}
    for line in ax.get_lines():
        if line.get_transform() != ax.transData:       # axhline/axvline: blended transform
            continue
        style = ("line", to_hex(line.get_color()), str(line.get_linestyle()),
                 str(line.get_marker()))
        out.setdefault(style, []).append(line.get_label())
    for c in ax.collections:
        if isinstance(c, Quiver) or c.get_array() is not None or not len(c.get_offsets()):
            continue
        fc = c.get_facecolor()
        ec = c.get_edgecolor()
        style = ("scatter", to_hex(fc[0]) if len(fc) else "none",
                 to_hex(ec[0]) if len(ec) else "none")
        out.setdefault(style, []).append(c.get_label())
    return out


def check_legends(fig):
    for ax in _plot_axes(fig):
        series = _series(ax)
        if len(series) < 2:
            continue
        where = ax.get_title() or repr(ax)
        legend = ax.get_legend()
        assert legend is not None, f"{len(series)} series and no legend: {where}"
        shown = {t.get_text() for t in legend.get_texts()}
        for style, labels in series.items():
            named = [lb for lb in labels if not lb.startswith("_")]
            assert named and set(named) & shown, f"series {style} not in the legend: {where}"


def check_arrows(fig):
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    n_arrows = 0
    for ax in _plot_axes(fig):
        (x0, x1), (y0, y1) = sorted(ax.get_xlim()), sorted(ax.get_ylim())
        where = ax.get_title() or repr(ax)

        def inside(x, y, what):
            x, y = np.asarray(x, float), np.asarray(y, float)
            ok = (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)
            assert ok.all(), (f"{what}: {np.count_nonzero(~ok)} point(s) outside the axes "
                              f"limits x [{x0:.3g}, {x1:.3g}], y [{y0:.3g}, {y1:.3g}]: {where}")

        for q in (c for c in ax.collections if isinstance(c, Quiver)):
            # only data-unit arrows have a data extent to check
            assert q.angles == "xy" and q.scale_units == "xy", "quiver not in data units"
            X, Y = q.X, q.Y
            U, V = np.ma.filled(q.U, 0.0), np.ma.filled(q.V, 0.0)
            inside(X, Y, "quiver tails")
            inside(X + U / q.scale, Y + V / q.scale, "quiver tips")
            n_arrows += len(X)
        for t in ax.texts:
            if isinstance(t, Annotation) and t.arrow_patch is not None:
                if t.xycoords == "data":
                    inside(*t.xy, "annotation arrow head")
                if t.get_anncoords() == "data":
                    inside(*t.xyann, "annotation arrow tail")
                bb = t.arrow_patch.get_window_extent(renderer)
                assert ax.bbox.contains(bb.x0, bb.y0) and ax.bbox.contains(bb.x1, bb.y1), where
                n_arrows += 1
        for p in ax.patches:
            if isinstance(p, (FancyArrow, FancyArrowPatch)):
                bb = p.get_window_extent(renderer)
                assert ax.bbox.contains(bb.x0, bb.y0) and ax.bbox.contains(bb.x1, bb.y1), where
                n_arrows += 1
    return n_arrows


def check_all(fig):
    check_labels(fig)
    check_legends(fig)
    return check_arrows(fig)


# -- the paper's figures ------------------------------------------------------------------
@pytest.fixture(scope="module")
def paper_figures():
    return {n: draw_figure(n, *figure_data(n, nk=64)) for n in (1, 2, 3)}


@pytest.mark.parametrize("n", [1, 2, 3])
def test_paper_figure_is_labelled(paper_figures, n):
    fig = paper_figures[n]
    check_all(fig)
    check_panels(fig, "abcd")
    text = all_text(fig)
    assert "k (1/a)" in text and "$t_0/(e a)$" in text or n == 1
    assert "energy ($t_0$)" in text or n == 3


def test_fig1_panel_a_is_the_ribbon(paper_figures):
    fig = paper_figures[1]
    ax = fig.axes[0]
    assert ax.get_title().startswith("(a)")
    assert check_arrows(fig) >= 1                       # the E_x arrow, inside the axes
    labels = {t.get_text() for t in ax.get_legend().get_texts()}
    assert labels == {"A", "B", "NN bond ($-t_0$)"}
    assert {"A edge", "B edge"} <= {t.get_text() for t in ax.texts}


def test_fig2_panel_a_legend_names_every_band(paper_figures):
    ax = next(a for a in paper_figures[2].axes if a.get_title().startswith("(a)"))
    lines = [ln for ln in ax.get_lines() if ln.get_transform() == ax.transData]
    assert len(lines) == 6
    shown = [t.get_text() for t in ax.get_legend().get_texts()]
    assert sorted(shown) == sorted(ln.get_label() for ln in lines)
    assert len(set(shown)) == 6


def test_fig2_colourbar_label(paper_figures):
    bars = [a for a in paper_figures[2].axes if _is_colourbar(a)]
    assert len(bars) == 1
    assert "r^y_{nn}" in bars[0].get_ylabel() and "(a)" in bars[0].get_ylabel()


# -- the --plot output of the commands ----------------------------------------------------
@pytest.fixture
def captured(monkeypatch):
    """Figures on their way to a file (the file is still written)."""
    figs = []
    real = common.save_figure

    def capture(fig, path, **kw):
        figs.append(fig)
        return real(fig, path, **kw)

    for mod in (common, bands_mod, flake_mod, ribbon_mod):
        if hasattr(mod, "save_figure"):
            monkeypatch.setattr(mod, "save_figure", capture)
    return figs


def _run(argv, captured, tmp_path):
    png = tmp_path / "p.png"
    assert main([*argv, "--plot", str(png)]) == 0
    assert png.stat().st_size > 1000
    assert len(captured) == 1
    return captured[0]


def test_bands_bulk_plot(captured, tmp_path, capsys):
    fig = _run(["bands", "--nk", "60"], captured, tmp_path)
    check_all(fig)
    assert fig.axes[0].get_xlabel() == "k along the path (1/a)"


def test_bands_ribbon_plot_has_x_label(captured, tmp_path, capsys):
    fig = _run(["bands", "--width", "4", "--nk", "60"], captured, tmp_path)
    check_all(fig)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "k (1/a)"
    assert [t.get_text() for t in ax.get_xticklabels()] == [r"$-\pi/a$", "0", r"$\pi/a$"]


def test_flake_plot(captured, tmp_path, capsys):
    fig = _run(["flake", "--nx", "3", "--ny", "3"], captured, tmp_path)
    assert check_all(fig) > 0                            # the current arrows are checked
    bars = [a for a in fig.axes if _is_colourbar(a)]
    assert len(bars) == 4
    for cb in bars:
        assert "per $E_x$" in cb.get_ylabel() and "$t_0/(e a)$" in cb.get_ylabel()
    assert any(r"$e a^2 t_0/\hbar$" in cb.get_ylabel() for cb in bars)   # OMM maps
    assert any(r"\delta n_q" in cb.get_ylabel() for cb in bars)         # charge map


def test_flake_arrows_are_never_clipped():
    """An edge site with a current 100x the others: still inside the axes."""
    pos = np.array([[x, y] for x in range(4) for y in range(3)], float)
    arrows = np.full((len(pos), 2), 0.01)
    arrows[0] = (-1.0, -1.0)                             # bottom-left corner, pointing out
    arrows[-1] = (3.0, 1.0)                              # top-right corner, pointing out
    fig = flake_mod.site_maps_figure(pos, {"OMM": np.arange(12.0), "charge": -np.ones(12)},
                                     arrows=arrows)
    assert check_all(fig) == len(pos)


def test_accumulate_plot(captured, tmp_path, capsys):
    fig = _run(["accumulate", "--width", "4", "--nk", "128", "--ef", "1.5", "--tol", "1"],
               captured, tmp_path)
    check_all(fig)
    assert r"$e a^2 t_0/\hbar$" in fig.axes[0].get_ylabel()


@pytest.mark.parametrize("quantity, unit", [
    ("charge", "electrons"), ("current", r"$a t_0/\hbar$"), ("jy", r"$a t_0/\hbar$"),
    ("omm", r"$e a^2 t_0/\hbar$")])
def test_profile_units(quantity, unit):
    y = np.linspace(-1, 1, 6)
    fig = ribbon_mod.profile_figure(y, y, 0 * y, quantity=quantity)
    check_all(fig)
    assert unit in fig.axes[0].get_ylabel() and "per $E_x$" in fig.axes[0].get_ylabel()


def test_hall_plot(captured, tmp_path, capsys):
    fig = _run(["hall", "--nk", "16", "--tol", "1"], captured, tmp_path)
    check_all(fig)


def test_several_curves_need_labels(tmp_path):
    x = np.linspace(0, 1, 5)
    with pytest.raises(LrtheoryError, match="need labels"):
        bulk_mod.plot_curve(x, [x, 2 * x], tmp_path / "c.png")
    fig = bulk_mod.curve_figure(x, [x, 2 * x], ylabel="y", labels=["one", "two"])
    check_all(fig)


def test_checker_can_fail():
    """The checks above reject the defects of issue #13: a missing label, a legend-less
    multi-line panel, a clipped arrow, an unlabelled colour bar."""
    fig = common.new_figure((4, 3))
    ax = fig.add_subplot(1, 1, 1)
    ax.plot([0, 1], [0, 1])
    ax.plot([0, 1], [1, 0])
    with pytest.raises(AssertionError, match="no x label"):
        check_labels(fig)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    with pytest.raises(AssertionError, match="no legend"):
        check_legends(fig)
    ax.quiver([0.5], [0.5], [10.0], [0.0], angles="xy", scale_units="xy", scale=1)
    ax.set_xlim(0, 1)
    with pytest.raises(AssertionError, match="quiver tips"):
        check_arrows(fig)
    fig2 = common.new_figure((4, 3))
    ax2 = fig2.add_subplot(1, 1, 1)
    sc = ax2.scatter([0, 1], [0, 1], c=[0, 1])
    ax2.set_xlabel("x")
    ax2.set_ylabel("y")
    fig2.colorbar(sc, ax=ax2)
    with pytest.raises(AssertionError, match="colour bar without a label"):
        check_labels(fig2)
