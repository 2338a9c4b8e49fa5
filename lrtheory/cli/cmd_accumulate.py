"""``lrtheory accumulate``: density accumulation profile across a ribbon in a static E_x.

Intraband (Fermi-surface, per unit tau) and interband (eta -> 0) parts of the response of
the OMM density, the charge density or the site current densities, per unit cell and unit
field (Eq. 55, corrected: docs/derivations.md). OMM convention: n_m(y) = -(q/2) y J_x(y)
with q = -1, y from the ribbon centre line (x from the observation point); the current
profiles are always written beside it. Prints one summary line, and the accumulation per
atom and per area (one ribbon row = one parent cell, its area from the parent lattice); with
--t0-ev and --a-angstrom also in physical units (mu_B or electrons per atom and per nm^2,
per V/m of field; intraband per fs of tau). --out writes the profiles.
"""
from __future__ import annotations

import json

import numpy as np

from lrtheory.cli._subcommand import subcommand_docs, subparser

EXAMPLES = """examples:
  lrtheory accumulate --model haldane --param t2=0.06 --param delta=0.5 --width 20 --ef 0
  lrtheory accumulate --model gapped-graphene --width 20 --ef 1.5 --out prof.npz --plot prof.png
  lrtheory accumulate --operator charge --ef 0.1 --param delta=0 --temperature 0.01
  lrtheory accumulate --model haldane --width 20 --ef 0.2 --t0-ev 2.7 --a-angstrom 2.46
      (physical units: t0 = 2.7 eV, a = 2.46 Angstrom, graphene's next-nearest-neighbour
      distance)
  lrtheory accumulate --model examples/haldane_sympy.toml --width 20 --ef 1.5 --nk 512
      (a model file holding an H(k) matrix is converted to a hopping list first)
"""

OPERATORS = {"omm": "omm", "charge": "charge", "current": "jx", "jy": "jy"}


@subcommand_docs
def add_parser(sub):
    """Register the ``accumulate`` subcommand: its options, help with examples, and ``func``.

    %(add_parser)s
    """
    from lrtheory.cli.common import add_model_args, add_output_args

    p = subparser(sub, "accumulate", "OMM/charge/current accumulation profile of a ribbon",
                  __doc__, EXAMPLES)
    add_model_args(p)
    p.add_argument("--width", default=20, help="ribbon width in unit cells (default 20)")
    p.add_argument("--ef", default="0", help="Fermi energy (t0)")
    p.add_argument("--nk", type=int, default=2048, help="k-points (default 2048)")
    p.add_argument("--operator", default="omm", choices=["omm", "charge", "current", "jy", "spin"],
                   help="density to report (default omm)")
    p.add_argument("--temperature", default="0", help="temperature (t0); 0 = step occupations")
    p.add_argument("--smearing", default="0.02",
                   help="width of f' for the Fermi-surface term at T = 0 (t0)")
    p.add_argument("--fermi-surface", default="smeared", choices=["smeared", "exact"],
                   help="T = 0 Fermi-surface (intraband) term: smeared f' of width --smearing "
                        "(default) or the exact sum over Fermi points")
    from lrtheory.parallel.cli_options import add_parallel_args

    p.add_argument("--t0-ev", default=None,
                   help="the model's energy unit t0 in eV (with --a-angstrom: also print the "
                        "accumulation in physical units)")
    p.add_argument("--a-angstrom", default=None,
                   help="the model's length unit a in Angstrom (with --t0-ev)")
    p.add_argument("--tol", type=float, default=1e-3,
                   help="warn if the profile changes by more than this (relative) when Nk is "
                        "halved (default 1e-3)")
    add_parallel_args(p)
    add_output_args(p, plot=True)
    p.set_defaults(func=run)
    return p


@subcommand_docs
def run(args) -> int:
    """Run ``lrtheory accumulate`` (ribbon density accumulation, Eq. 55: per cell per unit E_x).

    %(run)s
    """
    from lrtheory.cli.common import (check_width, load_hopping_model, parse_number,
                                     parse_params, run_metadata, save_with_metadata)
    from lrtheory.errors import ModelError, check_positive
    from lrtheory.models.tightbinding import TightBindingModel
    from lrtheory.parallel.cli_options import parallel_kwargs
    from lrtheory.response.density import ribbon_accumulation

    check_positive("--tol", args.tol)  # before any work: a tolerance <= 0 can never be met
    units = _unit_system(args)
    if args.operator == "spin":
        raise ModelError(f"--operator spin: model {args.model!r} is spinless (no spin density); "
                         "use omm, charge, current or jy")
    model, converted = load_hopping_model(args.model, parse_params(args.param), "accumulate")
    width = check_width(args.width)
    if model.dim != 2 or not isinstance(model, TightBindingModel):
        raise ModelError(f"--model {args.model}: accumulate cuts a ribbon of --width cells from "
                         f"a 2D model, this model is {model.dim}D; ribbons need a 2D model")
    rib = model.ribbon(width)
    ef = parse_number(args.ef, "--ef")
    acc = ribbon_accumulation(rib, ef, nk=args.nk, temperature=parse_number(args.temperature,
                              "--temperature"), smearing=parse_number(args.smearing, "--smearing"),
                              fermi_surface=args.fermi_surface, **parallel_kwargs(args))
    q = OPERATORS[args.operator]
    intra, inter = acc.get("intraband", q), acc.get("interband", q)
    conv = max(acc.convergence.get(f"intraband_{q}", 0.0), acc.convergence.get(f"interband_{q}", 0.0))
    summary = dict(model=args.model, width=width, ef=ef, nk=args.nk, operator=args.operator,
                   fermi_surface=args.fermi_surface,
                   intraband_max=float(np.abs(intra).max()), intraband_total=float(intra.sum()),
                   interband_max=float(np.abs(inter).max()), interband_total=float(inter.sum()),
                   rel_change_nk_half=conv)
    dens = _densities(model, rib, acc, q, units)
    summary.update(dens["summary"])
    from lrtheory.cli.common import cli_warnings, warn_if_unconverged

    with cli_warnings("accumulate"):
        summary["converged"] = warn_if_unconverged(
            conv, args.tol, what=f"{args.operator} profile (relative change)")
    if converted is not None:
        summary["converted_from_matrix"] = dict(vars(converted))
    if args.json:
        print(json.dumps(summary))
    else:
        if converted is not None:
            print(f"{args.model}: {converted.summary()}")
        print(f"{args.operator} accumulation (W={width}, E_F={ef:g}, Nk={args.nk}): "
              f"intraband max {summary['intraband_max']:.4g}/tau (total {summary['intraband_total']:.3g}), "
              f"interband max {summary['interband_max']:.4g} (total {summary['interband_total']:.3g}); "
              f"rel. change Nk/2 -> Nk {conv:.1e}")
        for line in dens["lines"]:
            print(line)
    if args.out:
        arrays = {"y": acc.y, **acc.profiles, **dens["arrays"]}
        meta = run_metadata(args, model)
        meta["response_parameters"] = dict(acc.params)
        if converted is not None:
            meta["converted_from_matrix"] = converted.summary()
        save_with_metadata(args.out, arrays, meta, summary=summary)
    if args.plot:
        from lrtheory.plots.ribbon import plot_profile

        plot_profile(args.plot, acc.y, intra, inter, quantity=args.operator,
                     title=f"{args.model} W={width} E_F={ef:g}")
    return 0


def _unit_system(args):
    """``--t0-ev`` and ``--a-angstrom`` -> a physical :class:`UnitSystem`, or None."""
    from lrtheory.cli.common import parse_number
    from lrtheory.errors import ConventionError, check_positive
    from lrtheory.units import UnitSystem

    given = [args.t0_ev is not None, args.a_angstrom is not None]
    if not any(given):
        return None
    if not all(given):
        raise ConventionError("--t0-ev and --a-angstrom go together (physical units need both "
                              "the energy and the length unit)")
    t0 = check_positive("--t0-ev", parse_number(args.t0_ev, "--t0-ev"))
    a = check_positive("--a-angstrom", parse_number(args.a_angstrom, "--a-angstrom"))
    return UnitSystem(float(t0), float(a), f"t0 = {t0:g} eV, a = {a:g} Angstrom")


def _densities(model, rib, acc, q, units) -> dict:
    """Per-atom and per-area forms of the profile of ``q`` (both parts), in model units and,
    with ``units``, physical ones (:func:`lrtheory.units.accumulation_densities`)."""
    from lrtheory.units import (ACCUMULATION_OPERATORS, accumulation_densities,
                                accumulation_to_physical)

    area = float(abs(np.linalg.det(np.asarray(model.lattice_vectors, float)[:2, :2])))
    o_unit = ACCUMULATION_OPERATORS[q][0]
    summary, arrays, lines = {"cell_area": area}, {}, []
    text = {"atom": f"{o_unit} per atom", "area": f"{o_unit} per a^2"}
    for per in ("atom", "area"):
        parts = {}
        for part in ("intraband", "interband"):
            d = accumulation_densities(acc.get(part, q), rib.positions, model.n_orbitals, area)
            v = d[f"per_{per}"]
            arrays[f"{part}_{q}_per_{per}"] = v
            parts[part] = float(v[np.argmax(np.abs(v))])
            if units is not None:
                phys, ptext = accumulation_to_physical(v, q, part, units, per=per)
                arrays[f"{part}_{q}_per_{per}_physical"] = phys
                summary.setdefault("physical", {})[f"{part}_per_{per}_max"] = float(
                    phys[np.argmax(np.abs(phys))])
                summary["physical"][f"{part}_per_{per}_unit"] = ptext
        summary[f"per_{per}_max"] = parts
        summary[f"per_{per}_unit"] = f"{text[per]} per (t0/(e a)) (intraband per tau)"
        lines.append(f"  per {per}: intraband max {parts['intraband']:.4g}/tau, interband max "
                     f"{parts['interband']:.4g} ({text[per]} per unit field t0/(e a))")
        if units is not None:
            ph = summary["physical"]
            lines.append(f"    = intraband {ph[f'intraband_per_{per}_max']:.4g} "
                         f"{ph[f'intraband_per_{per}_unit']}, interband "
                         f"{ph[f'interband_per_{per}_max']:.4g} "
                         f"{ph[f'interband_per_{per}_unit']} ({units.name})")
    arrays["row_y"] = rib.positions.reshape(-1, model.n_orbitals, rib.positions.shape[1]).mean(
        1) @ np.asarray(rib.transverse_axis, float)[:rib.positions.shape[1]]
    summary["units_system"] = None if units is None else units.name
    return {"summary": summary, "arrays": arrays, "lines": lines}
