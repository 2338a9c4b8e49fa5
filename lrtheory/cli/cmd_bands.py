"""``lrtheory bands``: band structure of a built-in or user model along a k-path.

Bulk (2D/3D) models: a path through named high-symmetry points (``G-K-M-K'-G`` on the
hexagonal lattice, ``G-X-M-G`` on the square lattice) or explicit points in reduced
coordinates of the reciprocal vectors (``"[0,0]-[0.5,0]-[1/3,1/3]"``). With ``--width W``
the 2D model is cut into a ribbon of W cells (periodic along a1, open along a2: zigzag for
the Haldane model) and bands are plotted against k along the ribbon, from -pi/|a1| to pi/|a1|.
One-dimensional models always use that 1D path.

Prints a short summary: number of bands, energy range, the gap at the chosen filling along
the path (a path-based estimate of the true gap) and whether time reversal is declared.
Energies in t0, k in 1/a.
"""
from __future__ import annotations

import json
import sys
import warnings

import numpy as np

from lrtheory.bands.eigensystem import check_hamiltonian
from lrtheory.cli._subcommand import subcommand_docs, subparser
from lrtheory.cli.common import (add_model_args, add_output_args, add_win_arg, check_width,
                                 cli_warnings, load_hopping_model, load_model_and_win,
                                 model_summary, parse_params)
from lrtheory.errors import LrtheoryError, ModelError
from lrtheory.models import lattice as _lattice
from lrtheory.models.protocol import ensure_model
from lrtheory.models.tightbinding import TightBindingModel

__all__ = ["add_parser", "run", "compute"]


def __getattr__(name):
    """``k_path`` and ``named_points`` moved to :mod:`lrtheory.models.lattice`."""
    if name in ("k_path", "named_points"):
        warnings.warn(f"lrtheory.cli.cmd_bands.{name} moved to lrtheory.models.lattice.{name}",
                      DeprecationWarning, stacklevel=2)
        return getattr(_lattice, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

EXAMPLES = """examples:
  lrtheory bands                                          # Haldane model, G-K-M-K'-G
  lrtheory bands --param delta=0 --plot haldane.png
  lrtheory bands --model gapped-graphene --width 20 --plot ribbon.png
  lrtheory bands --model examples/haldane.toml --param t2=0.1 --out bands.npz
  lrtheory bands --path "G-M-K-G" --nk 400 --json
  lrtheory bands --path "[0,0]-[0.5,0]-[1/3,1/3]-[0,0]"
  lrtheory bands --model GaAs_tb.dat --win GaAs.win --plot gaas.png   # eV, fcc G-X-W-K-G-L...
"""


@subcommand_docs
def add_parser(sub):
    """Register the ``bands`` subcommand: its options, help with examples, and ``func``.

    %(add_parser)s
    """
    p = subparser(sub, "bands", "band structure along a k-path (bulk) or a ribbon's k",
                  __doc__, EXAMPLES)
    add_model_args(p)
    add_win_arg(p)
    p.add_argument("--path", default=None,
                   help="k-path: named points joined by '-' (hexagonal: G K K' M; square: G X "
                        "Y M; cubic: G X M R; fcc: G X W K L U; bcc: G H N P) or [a,b] "
                        "reduced coordinates (default: G-K-M-K'-G, G-X-M-G, the --win "
                        "kpoint_path, G-X-W-K-G-L-U-W-L-K (fcc) or G-H-N-G-P-H (bcc); ignored "
                        "for 1D models and ribbons)")
    p.add_argument("--nk", type=int, default=300,
                   help="number of k-points along the whole path (default 300)")
    p.add_argument("--width", default=None, metavar="W",
                   help="cut the 2D model into a ribbon of W unit cells (periodic along a1)")
    p.add_argument("--filling", type=int, default=None, metavar="N",
                   help="number of filled bands for the gap estimate (default: half)")
    add_output_args(p, plot=True)
    p.set_defaults(func=run)
    return p


# -- command ----------------------------------------------------------------------------------
def compute(model, *, path: str | None = None, nk: int = 300, filling: int | None = None
            ) -> tuple[dict, dict]:
    """Bands along the path (:func:`lrtheory.models.lattice.k_path`) and a summary.

    Parameters
    ----------
    model : BlochModel
        The model.
    path : str, optional
        Named k-points, e.g. ``"G-K-M-G"`` (default: the lattice's standard path).
    nk : int
        Points along the path.
    filling : int, optional
        Number of occupied bands for the gap (default: half).

    Returns
    -------
    arrays : dict
        ``k`` (1/a), ``kdist`` (1/a), ``energies`` (t0), ``ticks``, ``labels``.
    summary : dict
        Model summary, band range and gaps along the path (t0).
    """
    ensure_model(model, where="bands")
    k, kdist, ticks, labels = _lattice.k_path(model, path, nk)
    H = model.hamiltonian(k)
    check_hamiltonian(H, model.name)
    e = np.linalg.eigvalsh(H)
    n = e.shape[1]
    nf = n // 2 if filling is None else int(filling)
    if not 0 <= nf <= n:
        raise LrtheoryError(f"--filling must be between 0 and {n}, got {nf}")
    gap = float(e[:, nf].min() - e[:, nf - 1].max()) if 0 < nf < n else float("nan")
    direct = float((e[:, nf] - e[:, nf - 1]).min()) if 0 < nf < n else float("nan")
    summary = dict(model_summary(model), n_bands=n, n_k=len(k), filling=nf,
                   band_min=float(e.min()), band_max=float(e.max()),
                   gap_along_path=gap, direct_gap_along_path=direct,
                   path="-".join(labels) if model.dim > 1 else "1D")
    arrays = dict(k=k, kdist=kdist, energies=e, ticks=np.asarray(ticks, float),
                  labels=np.asarray(labels, dtype=str))
    return arrays, summary


def _win_path(win) -> tuple[str | None, list[str] | None]:
    """The ``.win`` kpoint_path as a ``--path`` of reduced coordinates and its labels (None
    when absent or not one continuous line)."""
    if win is None or not win.kpoint_path:
        return None, None
    segs = win.kpoint_path
    for (_, (_, end)), ((_, start), _) in zip(segs[:-1], segs[1:]):
        if not np.allclose(end, start):
            return None, None
    pts = [segs[0][0]] + [s[1] for s in segs]
    spec = "-".join("[" + ",".join(repr(float(x)) for x in v) + "]" for _, v in pts)
    return spec, [("G" if lab.upper() in ("G", "GAMMA") else lab) for lab, _ in pts]


@subcommand_docs
def run(args) -> int:
    """Run ``lrtheory bands`` (band structure along a k path, energies in t0).

    %(run)s
    """
    with cli_warnings("bands"):
        params = parse_params(args.param)
        model, win, units = load_model_and_win(args, "bands")
        base_model = model  # parameters in effect are those of the bulk model
        win_labels = None
        if args.path is None and args.width is None and model.dim == 3:
            path, win_labels = _win_path(win)
            if path is not None:
                args.path = path
        if args.width is not None:
            width = check_width(args.width)
            if model.dim == 2 and not isinstance(model, TightBindingModel):
                model, _ = load_hopping_model(args.model, params, "bands")  # H(k) -> hoppings
            if model.dim != 2 or not isinstance(model, TightBindingModel):
                raise ModelError(f"--width needs a 2D hopping-list model, {args.model!r} is not")
            model = model.ribbon(width)
        arrays, summary = compute(model, path=args.path, nk=args.nk, filling=args.filling)
        if win_labels is not None:
            arrays["labels"] = np.asarray(win_labels, dtype=str)
            summary["path"] = "-".join(win_labels) + " (kpoint_path of --win)"
        summary["model_arg"] = args.model
        if units.physical:
            from lrtheory.units import units_of_result

            summary["units"] = units_of_result("bands", model.dim, units)
            if win is not None and win.fermi_energy is not None:
                summary["fermi_energy"] = win.fermi_energy
        if args.width is not None:
            summary["width"] = int(args.width)
        if args.out:
            from lrtheory.cli.common import run_metadata, save_with_metadata

            save_with_metadata(args.out, arrays, run_metadata(args, base_model),
                               summary=summary)
        if args.plot:
            from lrtheory.plots.bands import plot_bands

            par = ", ".join(f"{k}={v:.4g}" for k, v in summary["parameters"].items()
                            if isinstance(v, (int, float)))
            plot_bands(args.plot, arrays["kdist"], arrays["energies"],
                       ticks=arrays["ticks"], labels=list(arrays["labels"]),
                       title=f"{summary['model']} ({par})",
                       fermi=summary.get("fermi_energy"),
                       energy_unit=summary.get("units", {}).get("energies", "t0"))
        if args.json:
            print(json.dumps(summary, indent=1, default=str))
        else:
            _print_summary(summary, args)
    return 0


def _print_summary(s: dict, args) -> None:
    out = sys.stdout
    print(f"model: {s['model']} ({s['dim']}D, {s['n_orbitals']} orbitals)", file=out)
    if s["parameters"]:
        print("parameters: " + ", ".join(f"{k}={v:.6g}" if isinstance(v, float) else f"{k}={v}"
                                         for k, v in s["parameters"].items()), file=out)
    print(f"path: {s['path']} ({s['n_k']} k-points)", file=out)
    eu = s.get("units", {}).get("energies", "t0")
    print(f"bands: {s['n_bands']}, energy range [{s['band_min']:.6g}, {s['band_max']:.6g}] {eu}",
          file=out)
    if s.get("fermi_energy") is not None:
        print(f"Fermi energy (--win): {s['fermi_energy']:.6g} {eu}", file=out)
    if np.isfinite(s["gap_along_path"]):
        kind = "gap" if s["gap_along_path"] > 0 else "no gap (overlap)"
        print(f"{kind} at filling {s['filling']}/{s['n_bands']} along the path: "
              f"{s['gap_along_path']:.6g} {eu} (direct: {s['direct_gap_along_path']:.6g} {eu})",
              file=out)
    print("time reversal: " + ("declared" if s["time_reversal_declared"] else "not declared"),
          file=out)
    if args.out:
        print(f"wrote {args.out}", file=out)
    if args.plot:
        print(f"wrote {args.plot}", file=out)
