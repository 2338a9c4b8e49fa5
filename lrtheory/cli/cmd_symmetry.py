"""``lrtheory symmetry``: (anti)unitary point symmetries of a model's ribbon and what they imply.

Finds numerically which of TR (Theta), the mirrors M_x, M_y, the rotation C2 (each alone or
combined with Theta, as symmetries or particle-hole-type antisymmetries, with orbital phases
solved from the hopping graph) hold for the ribbon, and states for each operation exactly
what it forces in Eq. 55 (intraband = Fermi surface, interband = undergap) of the charge,
current and OMM accumulations: per orbital, summed over the orbitals at each y, or in total
(docs/theorems.md, "Antiunitary symmetries beyond TR").
"""
from __future__ import annotations

import json

from lrtheory.cli._subcommand import subcommand_docs, subparser
from lrtheory.cli.common import add_output_args
from lrtheory.errors import ConventionError

EXAMPLES = """examples:
  lrtheory symmetry --model haldane --param t2=0.06 --param delta=0.5
  lrtheory symmetry --model gapped-graphene --json
  lrtheory symmetry --model haldane --param delta=0 --direction 1,1    # armchair ribbon
  lrtheory symmetry --model GaAs_tb.dat --win GaAs.win      # 3D: time reversal of the bulk
"""


@subcommand_docs
def add_parser(sub):
    """Register the ``symmetry`` subcommand: its options, help with examples, and ``func``.

    %(add_parser)s
    """
    from lrtheory.cli.common import add_model_args, add_win_arg

    p = subparser(sub, "symmetry", "ribbon symmetries and their selection rules",
                  __doc__, EXAMPLES)
    add_model_args(p)
    add_win_arg(p)
    p.add_argument("--width", default=6, help="ribbon width used for the search (default 6)")
    p.add_argument("--direction", metavar="P,Q", default=None,
                   help="cut the ribbon along p a_1 + q a_2 (coprime integers; default: along "
                        "a_1, e.g. 1,1 is an armchair ribbon of the Haldane lattice)")
    add_output_args(p, plot=False)
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


@subcommand_docs
def run(args) -> int:
    """Run ``lrtheory symmetry`` (ribbon symmetries and their selection rules, Eq. 22).

    %(run)s
    """
    from lrtheory.cli.common import check_width, load_hopping_model, parse_params
    from lrtheory.symmetry import find_ribbon_symmetries, statements, symmetry_report
    from lrtheory.symmetry.report import strongest

    from lrtheory.cli.common import is_wannier90_file, load_model_and_win

    if is_wannier90_file(args.model) or getattr(args, "win", None):
        model, win, _ = load_model_and_win(args, "symmetry")
        if model.dim == 3:
            return _run_bulk_3d(args, model, win)
    else:
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


def _run_bulk_3d(args, model, win) -> int:
    """A 3D model (a Wannier90 file): time reversal of the bulk, spinless ``Theta = K`` and,
    with ``--win`` spinors, ``Theta = (1 (x) i sigma_y) K`` in Wannier90's interleaved spin
    order; the TR signatures of the atomic ``L_z`` and ``S_z``. Ribbons/slabs of 3D models
    are not searched here."""
    import numpy as np

    from lrtheory.conventions import SYMMETRY_RTOL
    from lrtheory.models.time_reversal import TimeReversal

    n = model.n_orbitals
    rows = {"spinless Theta = K": TimeReversal.spinless(n)}
    if win is not None and win.spinors:
        spins = [o.spin for o in win.orbitals()]
        U = np.zeros((n, n))
        for i in range(0, n - 1):
            if spins[i] == 1 and spins[i + 1] == -1:
                U[i, i + 1], U[i + 1, i] = 1.0, -1.0  # i sigma_y on (up, down)
        rows["spinor Theta = (1 x i sigma_y) K"] = TimeReversal(U)
    report = {"model": model.name, "dim": 3, "time_reversal": {}}
    for name, tr in rows.items():
        dev = float(tr.deviation(model))
        report["time_reversal"][name] = {"relative_residual": dev,
                                         "symmetry": bool(dev <= SYMMETRY_RTOL)}
    if win is not None and win.projections:
        from lrtheory.models.orbitals import angular_momentum, spin_operators

        orbs = win.orbitals()
        ops = {"L_z": angular_momentum(orbs)[2]}
        if win.spinors:
            ops["S_z"] = spin_operators(orbs)[2]
        tr = rows.get("spinor Theta = (1 x i sigma_y) K", rows["spinless Theta = K"])
        report["tr_signatures"] = {k: tr.signature(v) for k, v in ops.items()}
    if args.out:
        from lrtheory.cli.common import run_metadata, save_with_metadata

        save_with_metadata(args.out, {"n_orbitals": np.array(n)}, run_metadata(args, model),
                           summary=report)
    if args.json:
        print(json.dumps(report, indent=1))
        return 0
    print(f"{model.name}: 3D bulk, {n} orbitals (ribbon and slab symmetries are not searched "
          "for 3D models)")
    for name, r in report["time_reversal"].items():
        verdict = "symmetry" if r["symmetry"] else "not a symmetry in this basis"
        print(f"  {name:<34} {verdict} (|U H(k)* U^+ - H(-k)| = {r['relative_residual']:.2g} "
              "of max |H|)")
    for k, v in report.get("tr_signatures", {}).items():
        print(f"  TR signature of the atomic {k}: {v:+d}" if v is not None else
              f"  atomic {k}: no definite TR signature")
    return 0
