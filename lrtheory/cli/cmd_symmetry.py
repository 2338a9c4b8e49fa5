"""``lrtheory symmetry``: (anti)unitary point symmetries of a model's ribbon and what they imply.

Finds numerically which of TR (Theta), the mirrors M_x, M_y, the rotation C2 (each alone or
combined with Theta, as symmetries or particle-hole-type antisymmetries, with orbital phases
solved from the hopping graph) hold for the ribbon, and states for each operation exactly
what it forces in Eq. 55 (intraband = Fermi surface, interband = undergap) of the charge,
current and OMM accumulations: per orbital, summed over the orbitals at each y, or in total
(docs/theorems.md, "Antiunitary symmetries beyond TR").
"""
from __future__ import annotations

import argparse
import json

from lrtheory.errors import ConventionError

EXAMPLES = """examples:
  lrtheory symmetry --model haldane --param t2=0.06 --param delta=0.5
  lrtheory symmetry --model gapped-graphene --json
  lrtheory symmetry --model haldane --param delta=0 --direction 1,1    # armchair ribbon
"""


def add_parser(sub):
    """Register the ``symmetry`` subcommand: its options, help with examples, and ``func``.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The subparsers of the ``lrtheory`` parser.

    Returns
    -------
    argparse.ArgumentParser
        The subcommand's parser.
    """
    from lrtheory.cli.common import add_model_args

    p = sub.add_parser("symmetry", help="ribbon symmetries and their selection rules",
                       description=__doc__, epilog=EXAMPLES,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    add_model_args(p)
    p.add_argument("--width", default=6, help="ribbon width used for the search (default 6)")
    p.add_argument("--direction", metavar="P,Q", default=None,
                   help="cut the ribbon along p a_1 + q a_2 (coprime integers; default: along "
                        "a_1, e.g. 1,1 is an armchair ribbon of the Haldane lattice)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--out", metavar="FILE",
                   help="write the symmetries and selection rules (.json or .npz) with all "
                        "parameters, the command line and the lrtheory version")
    p.set_defaults(func=run)
    return p


def _direction(text):
    """``"p,q"`` -> ``(p, q)`` integers (None: along a_1); plain int() of each part, no eval."""
    if text is None:
        return None
    parts = str(text).split(",")
    try:
        p, q = (int(x.strip()) for x in parts)
    except ValueError:
        raise ConventionError(f"--direction must be two integers P,Q (the ribbon along "
                              f"p a_1 + q a_2), got {text!r}") from None
    return p, q


def run(args) -> int:
    """Run ``lrtheory symmetry`` (ribbon symmetries and their selection rules, Eq. 22).

    Parameters
    ----------
    args : argparse.Namespace
        The parsed options.

    Returns
    -------
    int
        Exit status (0 on success); errors are raised as
        :class:`~lrtheory.errors.LrtheoryError` and printed in one line by
        :func:`lrtheory.cli.main.main`.
    """
    from lrtheory.cli.common import check_width, load_hopping_model, parse_params
    from lrtheory.symmetry import find_ribbon_symmetries, statements, symmetry_report
    from lrtheory.symmetry.report import strongest

    model, _ = load_hopping_model(args.model, parse_params(args.param), "symmetry")
    width = check_width(args.width)
    if args.direction is not None and model.dim != 2:
        raise ConventionError(f"--direction needs a 2D model, {model.name} has dim={model.dim}")
    rib = (model.ribbon(width, direction=_direction(args.direction)) if model.dim == 2
           else model)
    syms = find_ribbon_symmetries(rib)
    report = symmetry_report(model, syms, ribbon=rib)
    sts = statements(rib, syms)
    rows = []
    for s in syms:
        mine = [x for x in sts if x.symmetry == s.name]
        rules = {d: {p: strongest([x for x in mine if x.quantity == d and x.part == p])
                     for p in ("intraband", "interband")}
                 for d in ("charge", "jx", "jy", "omm")}
        rows.append(dict(name=s.name, antiunitary=s.antiunitary, antisymmetry=s.sign < 0,
                         k_map=f"k -> {'' if s.k_map > 0 else '-'}k", rules=rules))
    if args.out:
        from lrtheory.cli.common import run_metadata, save_with_metadata

        save_with_metadata(args.out, {"symmetry_names": [r["name"] for r in rows]},
                           run_metadata(args, model),
                           summary={"model": report, "ribbon_symmetries": rows})
    if args.json:
        print(json.dumps({"model": report, "ribbon_symmetries": rows}, indent=1))
        return 0
    print(f"{getattr(model, 'name', args.model)}: time reversal {report['time_reversal']}; "
          f"inversion {report['inversion']}; particle-hole/chiral antisymmetries: "
          f"{', '.join(report['antisymmetries'])}")
    print(f"{len(rows)} operations of the {rib.name}:")
    for r in rows:
        kind = "antiunitary" if r["antiunitary"] else "unitary"
        kind += ", antisymmetry (E -> -E)" if r["antisymmetry"] else ""
        print(f"  {r['name']:<20} {kind:<36} {r['k_map']}")
    print("what each operation forces in Eq. 55 (interband = undergap, intraband = Fermi "
          "surface; per orbital, summed over the orbitals at each y, or in total):")
    for line in report["eq55"]:
        print(f"  - {line}")
    return 0
