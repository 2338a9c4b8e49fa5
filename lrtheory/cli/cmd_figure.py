"""``lrtheory figure 1|2|3|all``: regenerate the paper's Figs. 1-3 with the corrected theory.

Writes ``figN.png`` and ``figN.npz`` (plotted data + parameters) into ``--out DIR``.
Parameters and readings: docs/haldane.md (W = 20, Delta = 0.5 t0, t2 = 0.06 t0, phi = pi/2,
E_F = 1.5 t0 for Fig. 2 with t2 = 0 (TR reading) plus an extra t2 = 0.06 panel, E_F = 0 for
Fig. 3; topological phase: Delta = 0).
"""
from __future__ import annotations

from lrtheory.cli._subcommand import subcommand_docs, subparser


EXAMPLES = """examples:
  lrtheory figure all --out docs/img
  lrtheory figure 2 --out /tmp/figs --nk 4096
"""


@subcommand_docs
def add_parser(sub):
    """Register the ``figure`` subcommand: its options, help with examples, and ``func``.

    %(add_parser)s
    """
    p = subparser(sub, "figure", "regenerate the paper's Figs. 1-3 (PNG + npz data)",
                  __doc__, EXAMPLES)
    p.add_argument("which", choices=["1", "2", "3", "all"], help="figure number or 'all'")
    p.add_argument("--out", default=".", metavar="DIR", help="output folder (default: .)")
    p.add_argument("--nk", type=int, default=None,
                   help="k-points of the response k-sums (default 2048)")
    p.add_argument("--json", action="store_true",
                   help="print the written files and convergence as JSON on stdout")
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    p.set_defaults(func=run, out_is_dir=True)
    return p


#: rough share of the run time of each figure (from timings at the default nk), for the ETA
_WEIGHT = {1: 1.0, 2: 3.0, 3: 3.0}


@subcommand_docs
def run(args) -> int:
    """Run ``lrtheory figure`` (the paper's figures).

    %(run)s
    """
    import json

    from lrtheory.cli.common import progress
    from lrtheory.errors import ConventionError
    from lrtheory.plots.figures import NK_RESPONSE, make_figure

    nk = NK_RESPONSE if args.nk is None else int(args.nk)
    if nk < 8:
        raise ConventionError(f"--nk must be >= 8, got {nk}")
    figs = [1, 2, 3] if args.which == "all" else [int(args.which)]
    bar = progress("figure", len(figs), enabled=not args.quiet,
                   weights=[_WEIGHT[n] for n in figs])
    rows = []
    for n in figs:
        bar.step(f"computing fig {n} (nk={nk})")
        res = make_figure(n, args.out, nk=nk)
        bar.advance()
        conv = {k: v for k, v in res["params"].items() if "rel_change" in k}
        rows.append({"figure": n, "png": str(res["png"]), "npz": str(res["npz"]), **conv})
        if not args.json:
            extra = "  " + ", ".join(f"{k}={v:.1e}" for k, v in conv.items()) if conv else ""
            bar.clear()
            print(f"figure {n}: {res['png']}  {res['npz']}{extra}", flush=True)
    bar.finish()
    if args.json:
        print(json.dumps({"nk": nk, "out": str(args.out), "figures": rows}, indent=1))
    return 0
