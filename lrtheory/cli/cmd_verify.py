"""``lrtheory verify``: run every symbolic derivation and print a status table.

Exit status 0 if every selected derivation is verified (identities reduce to zero and every
deliberately wrong variant is rejected), 1 otherwise. Progress lines (one per derivation, with
an ETA) go to stderr; --quiet silences them. --path DIR runs your own derivation files
(every *.py in DIR defining derive(); docs/own-derivation.md) instead of the built-in ones
(add --builtin for both); a file that cannot be loaded is one error line naming it (exit 2).
"""

from __future__ import annotations

import json
import sys

from lrtheory.cli._subcommand import subcommand_docs, subparser

EXAMPLES = """examples:
  lrtheory verify                      # table of all derivations
  lrtheory verify --only eq22          # one derivation (repeatable)
  lrtheory verify --json               # machine-readable, on stdout
  lrtheory verify --out verify.json    # the same, written to a file with the command line
  lrtheory verify --list               # labels only
  lrtheory verify --path my_derivations            # your own derivation files
  lrtheory verify --path my_derivations --builtin  # yours and the built-in ones
"""


@subcommand_docs
def add_parser(sub):
    """Register the ``verify`` subcommand: its options, help with examples, and ``func``.

    %(add_parser)s
    """
    p = subparser(sub, "verify", "run every symbolic derivation and report its status",
                  __doc__.split("\n\n", 1)[1] if __doc__ else None, EXAMPLES)
    p.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    p.add_argument("--only", action="append", metavar="LABEL",
                   help="run only this derivation (repeatable; see --list)")
    p.add_argument("--list", action="store_true", help="list derivation labels and exit")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="print every identity, wrong variant and finding")
    p.add_argument("--out", metavar="FILE",
                   help="write the results (.json or .npz) with the command line and version")
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    p.add_argument("--path", action="append", metavar="DIR",
                   help="run the derivation files in this folder (or this .py file) "
                        "instead of the built-in ones (repeatable; the files are run)")
    p.add_argument("--builtin", action="store_true",
                   help="with --path: run the built-in derivations too")
    p.set_defaults(func=run)
    return p


def run(args, registry=None, out=None) -> int:
    """Run the derivations (``lrtheory verify``); ``registry`` may be injected by tests.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed options (``only``, ``list``, ``quiet``, ...).
    registry : list of Derivation, optional
        Derivations to run (default: :data:`lrtheory.derivations.registry.DERIVATIONS`).
    out : file, optional
        Where the report goes (default ``sys.stdout``).

    Returns
    -------
    int
        Exit status: 0 when every derivation holds.
    """
    from lrtheory.derivations import registry as reg

    out = out or sys.stdout
    derivs = reg.DERIVATIONS if registry is None else registry
    if getattr(args, "path", None):
        from lrtheory.derivations.user import discover

        user = discover(args.path, taken=[d.label for d in derivs])
        derivs = list(derivs) + user if getattr(args, "builtin", False) else user
    if getattr(args, "list", False):
        for d in derivs:
            print(f"{d.label:6s} {d.equation:22s} {d.summary}", file=out)
        return 0
    from lrtheory.cli.common import progress

    selected = [reg.get(lbl, derivs) for lbl in args.only] if args.only else list(derivs)
    bar = progress("verify", len(selected), enabled=not getattr(args, "quiet", False))
    results = []
    for d in selected:
        bar.step(f"{d.label} {d.equation}")
        results.append(reg.run(d))
        bar.advance()
    bar.finish()
    ok = all(r.verified for r in results)
    payload = {
        "verified": ok,
        "total_seconds": round(sum(r.seconds for r in results), 3),
        "derivations": [r.to_dict() for r in results],
    }
    if getattr(args, "out", None):
        from lrtheory.cli.common import run_metadata, save_with_metadata

        meta = run_metadata(args, model_arg=None, params={})
        save_with_metadata(args.out, {"labels": [r.label for r in results],
                                      "verified": [bool(r.verified) for r in results],
                                      "seconds": [r.seconds for r in results]},
                           meta, result=json.loads(json.dumps(payload, default=str)))
    if args.json:
        json.dump(payload, out, indent=2, default=str)
        out.write("\n")
        return 0 if ok else 1
    w = max([len(r.equation) for r in results] + [8])
    lw = max([len(r.label) for r in results] + [6])
    head = f"{'label':{lw}s}  {'equation':{w}s}  {'status':8s}  {'seconds':>7s}  what it shows"
    print(head, file=out)
    for r in results:
        status = "ok" if r.verified else "FAILED"
        what = r.statement if len(r.statement) <= 90 else r.statement[:87] + "..."
        print(f"{r.label:{lw}s}  {r.equation:{w}s}  {status:8s}  {r.seconds:7.2f}  {what}",
              file=out)
        if not r.verified or args.verbose:
            for line in str(r).splitlines()[2:]:
                print(f"{'':8s}{line}", file=out)
    total = sum(r.seconds for r in results)
    nfind = sum(len(r.findings) for r in results)
    print(f"{sum(r.verified for r in results)}/{len(results)} verified in {total:.1f} s; "
          f"{nfind} findings about the paper (see docs/derivations.md, or -v)", file=out)
    return 0 if ok else 1
