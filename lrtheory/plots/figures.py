r"""Figures 1-3 of the paper, regenerated with the corrected theory (docs/haldane.md).

Parameters (paper): zigzag Haldane ribbons of width W = 20 cells, Delta = 0.5 t0,
t2 = 0.06 t0, phi = pi/2, E_F = 1.5 t0 (Fig. 2) and 0 (Fig. 3).
Readings (stated, docs/haldane.md):

* Fig. 2 ("TR-invariant gapped graphene"): t2 = 0 (the text and the theorem need TR); the
  caption's t2 = 0.06 t0 is shown as an extra panel.
* Topological phase (Fig. 1d, 3c-d): t2 = 0.06 t0, Delta = 0 (the paper's Fig. 3c value);
  |Delta| < 3 sqrt3 t2 |sin phi| = 0.312 t0.

Every figure writes ``figN.png`` and ``figN.npz`` (plotted data + parameters via
:func:`lrtheory.io.results.save_result`). Sign convention: OMM with q = -1 (the paper's Sec. VI
uses +e: its OMM curves have the opposite overall sign). Units: energies t0, k in 1/a,
y in a, profiles per unit cell and unit field E_x (t0/(e a)); intraband parts per unit tau
(hbar/t0).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from lrtheory.bands.eigensystem import Eigensystem
from lrtheory.errors import LrtheoryError
from lrtheory.io.results import save_result
from lrtheory.models.haldane import haldane
from lrtheory.parallel import blas_single_thread
from lrtheory.plots._common import UNITS, figure_docs, per_field
from lrtheory.response.density import ribbon_accumulation, symmetric_antisymmetric
from lrtheory.response.omm import omm_diagonal_parts, state_centres
from lrtheory.response.ribbon_paper import paper_route_profiles

__all__ = ["PARAMS", "make_figure", "make_all", "figure_data", "draw_figure"]

W = 20
PARAMS = {
    "gapped_graphene": dict(t0=1.0, t2=0.0, phi=np.pi / 2, delta=0.5),
    "gapped_graphene_t2": dict(t0=1.0, t2=0.06, phi=np.pi / 2, delta=0.5),
    "trivial": dict(t0=1.0, t2=0.06, phi=np.pi / 2, delta=0.5),
    "topological": dict(t0=1.0, t2=0.06, phi=np.pi / 2, delta=0.0),
}
EF = {2: 1.5, 3: 0.0}
NK_BANDS = 401
NK_RESPONSE = 2048


def _ribbon(key, width=W):
    return haldane(**PARAMS[key]).ribbon(width)


def _bands(key, nk=NK_BANDS, width=W):
    rib = _ribbon(key, width)
    k = np.linspace(-np.pi, np.pi, nk)
    with blas_single_thread():
        es = Eigensystem.compute(rib, k[:, None])
        parts = omm_diagonal_parts(rib, es)
        centres = state_centres(rib, es)
    return rib, k, es, parts, centres


def _profiles(key, ef, nk):
    rib = _ribbon(key)
    acc = ribbon_accumulation(rib, ef, nk=nk)
    order = np.argsort(acc.y)
    out = {"y": acc.y[order]}
    for name, val in acc.profiles.items():
        out[name] = val[order]
    for part in ("intraband", "interband"):
        s, a = symmetric_antisymmetric(out["y"], out[f"{part}_omm"])
        out[f"{part}_omm_sym"], out[f"{part}_omm_anti"] = s, a
    for g in ("parallel", "random"):
        pr = paper_route_profiles(rib, ef, nk=nk, gauge=g)
        for part, val in pr.items():
            out[f"paper_{g}_{part}_omm"] = val[order]
    conv = max(acc.convergence.values()) if acc.convergence else float("nan")
    return out, conv, acc.convergence


def figure_data(n: int, *, nk: int = NK_RESPONSE) -> tuple[dict, dict]:
    """Arrays and parameters of figure ``n`` (1, 2 or 3).

    Parameters
    ----------
    n : int
        Figure number of the paper, 1, 2 or 3 (``LrtheoryError`` otherwise).
    nk : int
        k points of the ribbon k-sums.

    Returns
    -------
    tuple of dict
        ``(data, params)``: named arrays (k in 1/a, energies in t0, y in a, OMM profiles in e a^2 t0/hbar per cell per unit E_x, intraband per tau) and the parameters (model, width, E_F in t0, nk, convergence).
    """
    if n == 1:
        data = {}
        for panel, key in (("b", "gapped_graphene"), ("c", "trivial"), ("d", "topological")):
            _, k, es, _, _ = _bands(key)
            data[f"k_{panel}"], data[f"energies_{panel}"] = k, es.energies
        return data, {"width": W, "panels": {"b": PARAMS["gapped_graphene"],
                                            "c": PARAMS["trivial"],
                                            "d": PARAMS["topological"]}}
    if n == 2:
        _, k, es, parts, centres = _bands("gapped_graphene")
        data = {"k": k, "energies": es.energies, "m_self": parts["self"],
                "m_covariant": parts["covariant"], "m_paper_diag": parts["paper"],
                "centres": centres}
        prof, conv, convd = _profiles("gapped_graphene", EF[2], nk)
        data.update(prof)
        prof2, conv2, _ = _profiles("gapped_graphene_t2", EF[2], nk)
        data.update({f"t2_{key}": val for key, val in prof2.items()})
        return data, {"width": W, "ef": EF[2], "model": PARAMS["gapped_graphene"],
                      "extra_panel_model": PARAMS["gapped_graphene_t2"], "nk": nk,
                      "max_rel_change_nk_half": max(conv, conv2)}
    if n == 3:
        data = {}
        params = {"width": W, "ef": EF[3], "nk": nk}
        for pre, key in (("triv", "trivial"), ("topo", "topological")):
            _, k, es, parts, _ = _bands(key)
            data[f"{pre}_k"], data[f"{pre}_energies"] = k, es.energies
            data[f"{pre}_m_self"], data[f"{pre}_m_paper_diag"] = parts["self"], parts["paper"]
            prof, conv, _ = _profiles(key, EF[3], nk)
            data.update({f"{pre}_{name}": val for name, val in prof.items()})
            params[f"{pre}_model"] = PARAMS[key]
            params[f"{pre}_max_rel_change_nk_half"] = conv
        return data, params
    raise LrtheoryError(f"unknown figure {n!r}: use 1, 2 or 3")


# -- drawing ------------------------------------------------------------------------------
#: axis-label units (docs/conventions.md): responses per unit cell and per unit field E_x
_OMM_UNIT = per_field(UNITS["omm"])
_CURRENT_UNIT = per_field(r"$e$ or " + UNITS["current"])


def _fig(nrows, ncols, size):
    from lrtheory.plots._common import new_figure

    fig = new_figure(size, dpi=110)
    axes = fig.subplots(nrows, ncols, squeeze=False)
    return fig, axes


def _save_png(fig, path):
    from lrtheory.plots._common import save_figure

    save_figure(fig, path)


def _ribbon_schematic(ax, width=4, cells=4):
    """Fig. 1(a): the zigzag ribbon (drawn ``width`` cells wide, ``cells`` cells along x),
    A and B sites, nearest-neighbour bonds, the field E_x and the periodic direction."""
    rib = haldane(**PARAMS["gapped_graphene"]).ribbon(width)
    a1 = np.asarray(rib.lattice_vectors[0], dtype=float)
    cell = np.asarray(rib.positions, dtype=float)
    pos = np.concatenate([cell + n * a1 for n in range(cells)])
    sub = np.tile(np.arange(len(cell)) % 2, cells)          # 0: A, 1: B (alternating)
    d = np.linalg.norm(pos[:, None] - pos[None], axis=-1)
    bond = 1 / np.sqrt(3)
    pairs = [(i, j) for i, j in zip(*np.nonzero(np.abs(d - bond) < 1e-6)) if i < j]
    for n, (i, j) in enumerate(pairs):
        ax.plot(*pos[[i, j]].T, color="0.6", lw=0.8, zorder=1,
                label="NN bond ($-t_0$)" if n == 0 else "_nolegend_")
    ax.scatter(*pos[sub == 0].T, s=22, color="tab:blue", zorder=2, label="A")
    ax.scatter(*pos[sub == 1].T, s=22, facecolor="white", edgecolor="tab:red", zorder=2,
               label="B")
    x0, x1 = pos[:, 0].min(), pos[:, 0].max()
    y0, y1 = pos[:, 1].min(), pos[:, 1].max()
    ax.set_xlim(x0 - 0.6, x1 + 0.6)
    ax.set_ylim(y0 - 1.4, y1 + 1.1)
    ax.annotate("", xy=(x0 + 1.6, y0 - 0.9), xytext=(x0 + 0.2, y0 - 0.9),
                arrowprops=dict(arrowstyle="->", color="k", lw=1.2))
    ax.text(x0 + 1.75, y0 - 0.9, "$E_x$", va="center", fontsize=8)
    ax.text(x1 - 0.1, y0 - 0.9, "periodic along x", ha="right", va="center", fontsize=7)
    ax.text(0.5 * (x0 + x1), y1 + 0.6, "B edge", ha="center", fontsize=7, color="tab:red")
    ax.text(0.5 * (x0 + x1), y0 - 0.45, "A edge", ha="center", fontsize=7, color="tab:blue")
    ax.set_aspect("equal")
    ax.set_xlabel("x (a)")
    ax.set_ylabel("y (a), origin: ribbon centre")
    ax.legend(fontsize=6, loc="center right")
    ax.set_title(f"(a) zigzag ribbon (drawn W={width}; computed W={W})", fontsize=8)


def _bands_by_centre(ax, k, e, centres, title):
    sc = None
    for n in range(e.shape[1]):
        sc = ax.scatter(k, e[:, n], c=centres[:, n], s=1.0, cmap="coolwarm", vmin=-9, vmax=9)
    ax.set_xlabel("k (1/a)")
    ax.set_ylabel("energy ($t_0$)")
    ax.set_title(title, fontsize=8)
    return sc


def _band_name(b, nb):
    """'valence n' / 'conduction n' (n counted from the gap: 1 = nearest) for band b of nb."""
    if b < nb // 2:
        return f"valence {nb // 2 - b}"
    return f"conduction {b - nb // 2 + 1}"


def _draw_m(ax, k, e, m, title, bands=None):
    n = e.shape[1]
    sel = range(n) if bands is None else bands
    for b in sel:
        # valence solid, conduction dashed on top, in other colours: where a conduction
        # curve coincides with a valence one (particle-hole mirror), both stay visible
        val = b < n // 2
        dist = n // 2 - b if val else b - n // 2 + 1
        ax.plot(k, m[:, b], lw=1.3 if val else 0.9, ls="-" if val else (0, (3, 2)),
                color=f"C{dist - 1 + (0 if val else 3)}", label=_band_name(b, n),
                zorder=2 if val else 3)
    ax.set_xlabel("k (1/a)")
    ax.set_ylabel(r"$m_{nn}(k)$ self-rotation ($e a^2 t_0/\hbar$)")
    ax.set_title(title, fontsize=8)
    ax.legend(fontsize=5, ncol=2, title="band (1 = next to the gap)", title_fontsize=5)


def _draw_profile(ax, d, pre, title, paper=True):
    y = d[f"{pre}y"]
    ax.plot(y, d[f"{pre}intraband_omm"], "o", ms=3, color="tab:blue",
            label=r"intraband (per $\tau$)")
    ax.plot(y, d[f"{pre}interband_omm"], "^", ms=3, color="tab:orange", label="interband")
    if paper:
        ax.plot(y, d[f"{pre}paper_random_interband_omm"], "x", ms=3, color="0.5",
                label="printed Eq.57 route, interband, random $A_{nn}$ gauge")
    ax.axhline(0, color="0.8", lw=0.5)
    ax.set_xlabel("y (a), origin: ribbon centre")
    ax.set_ylabel(r"$\delta n_m^z(y)$ per cell per $E_x$" + "\n" + _OMM_UNIT, fontsize=8)
    ax.set_title(title, fontsize=8)
    ax.legend(fontsize=6)


def _draw_currents(ax, d, pre, title):
    y = d[f"{pre}y"]
    ax.plot(y, -d[f"{pre}intraband_jx"], "o-", ms=2, lw=0.5, label=r"$J_x$ intraband (per $\tau$)")
    ax.plot(y, -d[f"{pre}interband_jy"], "s-", ms=2, lw=0.5, label=r"$J_y$ interband")
    ax.plot(y, -d[f"{pre}intraband_charge"], "^-", ms=2, lw=0.5,
            label=r"charge intraband (per $\tau$)")
    ax.plot(y, -d[f"{pre}interband_charge"], "v-", ms=2, lw=0.5, label="charge interband")
    ax.set_xlabel("y (a)")
    ax.set_ylabel("charge / current per cell per $E_x$\n" + _CURRENT_UNIT, fontsize=8)
    ax.set_title(title, fontsize=8)
    ax.legend(fontsize=6)


@figure_docs
def draw_figure(n, data, params):
    """The matplotlib ``Figure`` of figure ``n`` from :func:`figure_data`'s arrays (not saved).

    Parameters
    ----------
    n : int
        Figure number, 1, 2 or 3.
    data, params : dict
        The output of :func:`figure_data`.

    %(figure_returns)s
    """
    if n == 1:
        fig, axes = _fig(1, 4, (14, 3.8))
        _ribbon_schematic(axes[0, 0])
        names = ("(b) gapped graphene, t2=0, Delta=0.5", "(c) Haldane trivial, t2=0.06, Delta=0.5",
                 "(d) Haldane topological, t2=0.06, Delta=0")
        for ax, panel, name in zip(axes[0, 1:], "bcd", names):
            ax.plot(data[f"k_{panel}"], data[f"energies_{panel}"], "k", lw=0.5)
            ax.set_xlabel("k (1/a)")
            ax.set_ylabel("energy ($t_0$)")
            ax.set_title(name + f", W={params.get('width', W)}", fontsize=8)
            ax.set_xlim(-np.pi, np.pi)
    elif n == 2:
        fig, axes = _fig(2, 3, (13, 7.5))
        e = data["energies"]
        nb = e.shape[1]
        _draw_m(axes[0, 0], data["k"], e, data["m_self"],
                "(a) m_nn(k) self-rotation (origin independent), bands near the gap",
                bands=range(nb // 2 - 3, nb // 2 + 3))
        sc = _bands_by_centre(axes[0, 1], data["k"], e, data["centres"],
                              "(b) bands coloured by their centre $r^y_{nn}(k)$")
        cb = fig.colorbar(sc, ax=axes[0, 1])
        cb.set_label(r"centre $r^y_{nn}(k)$ (a), origin: ribbon centre", fontsize=8)
        _draw_profile(axes[0, 2], data, "", f"(c) OMM accumulation, E_F={EF[2]}, t2=0",
                      paper=False)
        axes[0, 2].plot(data["y"], data["paper_parallel_intraband_omm"], "+", ms=3,
                        color="tab:red", label="printed route, intraband")
        axes[0, 2].legend(fontsize=6)
        ax = axes[1, 0]
        ax.plot(data["y"], data["intraband_omm_sym"], "s", ms=3, color="tab:orange",
                label="symmetric")
        ax.plot(data["y"], data["intraband_omm_anti"], "^", ms=3, color="tab:green",
                label="antisymmetric")
        ax.set_xlabel("y (a)")
        ax.set_ylabel(r"intraband $\delta n_m^z$ per cell per $E_x$ per $\tau$" + "\n"
                      + _OMM_UNIT, fontsize=8)
        ax.set_title("(d) intraband OMM: (anti)symmetric parts about y=0", fontsize=8)
        ax.legend(fontsize=6)
        _draw_currents(axes[1, 1], data, "", "currents and charge, t2=0")
        _draw_profile(axes[1, 2], data, "t2_", "extra: caption's t2=0.06 (TR broken), E_F=1.5")
    elif n == 3:
        fig, axes = _fig(2, 3, (13, 7.5))
        for row, pre, name in ((0, "triv_", "trivial, Delta=0.5"),
                               (1, "topo_", "topological, Delta=0")):
            e = data[f"{pre}energies"]
            nb = e.shape[1]
            _draw_m(axes[row, 0], data[f"{pre}k"], e, data[f"{pre}m_self"],
                    f"({'a' if row == 0 else 'c'}) m_nn(k) self-rotation, {name}",
                    bands=range(nb // 2 - 3, nb // 2) if row else range(nb // 2 - 3, nb // 2 + 3))
            _draw_profile(axes[row, 1], data, pre,
                          f"({'b' if row == 0 else 'd'}) OMM accumulation, {name}, E_F=0")
            _draw_currents(axes[row, 2], data, pre, f"currents and charge, {name}")
    else:
        raise LrtheoryError(f"unknown figure {n!r}: use 1, 2 or 3")
    return fig


def _draw(n, data, params, png):
    _save_png(draw_figure(n, data, params), png)


def make_figure(n: int, outdir: str | Path = ".", *, nk: int = NK_RESPONSE) -> dict:
    """Compute, save ``figN.npz`` and draw ``figN.png`` into ``outdir``; returns file paths.

    Parameters
    ----------
    n : int
        Figure number, 1, 2 or 3.
    outdir : str or Path
        Output folder (created if missing).
    nk : int
        k points of the ribbon k-sums.

    Returns
    -------
    dict
        ``{'png': Path, 'npz': Path, 'params': dict}``.
    """
    outdir = Path(outdir)
    if not outdir.exists():
        outdir.mkdir(parents=True)
    data, params = figure_data(n, nk=nk)
    npz = save_result(outdir / f"fig{n}.npz", data, params,
                      convention="OMM m=(q/4)(r x v - v x r), q=-1; n_m(y) = -(q/2) y jx(y)")
    png = outdir / f"fig{n}.png"
    _draw(n, data, params, png)
    return {"png": png, "npz": npz, "params": params}


def make_all(outdir: str | Path = ".", *, nk: int = NK_RESPONSE) -> list[dict]:
    """Figures 1, 2 and 3 of the paper (:func:`make_figure` each).

    Parameters
    ----------
    outdir : str or Path
        Output folder.
    nk : int
        k points of the ribbon k-sums.

    Returns
    -------
    list of dict
        The three :func:`make_figure` results.
    """
    return [make_figure(n, outdir, nk=nk) for n in (1, 2, 3)]
