"""``lrtheory figure 1|2|3|all``: regenerate the paper's Figs. 1-3 with the corrected theory.

Writes ``figN.png`` and ``figN.npz`` (plotted data + parameters) into ``--out DIR``.
Parameters and readings: docs/haldane.md (W = 20, Delta = 0.5 t0, t2 = 0.06 t0, phi = pi/2,
E_F = 1.5 t0 for Fig. 2 with t2 = 0 (TR reading) plus an extra t2 = 0.06 panel, E_F = 0 for
Fig. 3; topological phase: Delta = 0).
"""
from __future__ import annotations

import argparse

EXAMPLES = """examples:
  lrtheory figure all --out docs/img
  lrtheory figure 2 --out /tmp/figs --nk 4096
"""


def add_parser(sub):
    p = sub.add_parser("figure", help="regenerate the paper's Figs. 1-3 (PNG + npz data)",
                       description=__doc__, epilog=EXAMPLES,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("which", choices=["1", "2", "3", "all"], help="figure number or 'all'")
    p.add_argument("--out", default=".", metavar="DIR", help="output folder (default: .)")
    p.add_argument("--nk", type=int, default=None,
                   help="k-points of the response k-sums (default 2048)")
    p.set_defaults(func=run)
    return p


def run(args) -> int:
    from lrtheory.errors import ConventionError
    from lrtheory.plots.figures import NK_RESPONSE, make_figure

    nk = NK_RESPONSE if args.nk is None else int(args.nk)
    if nk < 8:
        raise ConventionError(f"--nk must be >= 8, got {nk}")
    figs = [1, 2, 3] if args.which == "all" else [int(args.which)]
    for n in figs:
        res = make_figure(n, args.out, nk=nk)
        conv = {k: v for k, v in res["params"].items() if "rel_change" in k}
        extra = "  " + ", ".join(f"{k}={v:.1e}" for k, v in conv.items()) if conv else ""
        print(f"figure {n}: {res['png']}  {res['npz']}{extra}")
    return 0
