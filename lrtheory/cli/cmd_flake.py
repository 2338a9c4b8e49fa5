"""``lrtheory flake``: OMM density response of a Haldane-model flake to a uniform E_x.

Exact eigenstates of a finite honeycomb flake (open in both directions, paper Eq. 53 / S41
vectors), Kubo response Eq. (17)-(21) at finite eta. Prints a short summary; optionally
writes the site maps (--plot) and the arrays (--out, .npz or .json).
"""
from __future__ import annotations

import json

import numpy as np

from lrtheory.cli._subcommand import subcommand_docs, subparser
from lrtheory.cli.common import add_output_args, parse_number

EXAMPLES = """examples:
  lrtheory flake --t2 0 --delta 0.5 --plot tr.png          # TR invariant: ~ eta, vanishes
  lrtheory flake --t2 0.06 --delta 0.5 --plot broken.png   # TR broken: finite at eta -> 0
  lrtheory flake --nx 8 --ny 8 --t2 0.2 --eta 1e-3 --out flake.npz --json
"""


@subcommand_docs
def add_parser(sub):
    """Register the ``flake`` subcommand: its options, help with examples, and ``func``.

    %(add_parser)s
    """
    p = subparser(sub, "flake", "OMM density response of a Haldane flake to E_x (exact eigenstates)",
                  __doc__, EXAMPLES)
    # numbers are parsed after argparse (safe expressions such as pi/2), so that a bad value
    # gets a message naming the option and what it must be
    p.add_argument("--nx", default="6", help="cells along a1 = (1, 0) (default 6)")
    p.add_argument("--ny", default="6", help="cells along a2 = (1/2, sqrt3/2) (default 6)")
    p.add_argument("--t0", default="1", help="nearest-neighbour hopping (t0 units; default 1)")
    p.add_argument("--t2", default="0.06", help="Haldane hopping (t0; default 0.06)")
    p.add_argument("--phi", default="pi/2", help="Haldane phase (rad; default pi/2)")
    p.add_argument("--delta", default="0.5", help="staggered potential (t0; default 0.5)")
    p.add_argument("--ef", default="0", help="Fermi level mu (t0; default 0)")
    p.add_argument("--eta", default="0.01", help="broadening eta > 0 (t0; default 0.01)")
    p.add_argument("--temperature", default="0", help="T >= 0 (t0; default 0)")
    add_output_args(p, plot=True)
    p.set_defaults(func=run)
    return p


def compute(nx, ny, *, t0=1.0, t2=0.06, phi=np.pi / 2, delta=0.5, ef=0.0, eta=1e-2,
            temperature=0.0) -> tuple[dict, dict]:
    """Arrays and summary of the flake response (E = 1 along x, units t0/(e a)): the OMM
    accumulation ``delta n_m = e chi_{n_m, r} . E`` (paper Eq. 20, 52) of a Haldane flake.

    Parameters
    ----------
    nx, ny : int
        Flake size in unit cells.
    t0, t2, phi, delta : float
        Haldane parameters (t0; ``phi`` in radians).
    ef : float
        Fermi energy (t0).
    eta : float
        Broadening (t0/hbar).
    temperature : float
        ``k_B T`` (t0).

    Returns
    -------
    arrays : dict
        ``positions`` (a), ``omm`` and its ``omm_fermi``/``omm_undergap`` parts and
        ``omm_half_eta`` (e a^2 t0/hbar per site per unit E_x), ``charge`` (e per site),
        ``charge_current`` (e a t0/hbar per site), ``energies`` (t0).
    summary : dict
        Sizes, maxima and totals of the arrays, the gap at ``ef`` (t0) and the eta exponent.
    """
    from lrtheory.conventions import ELECTRON_CHARGE
    from lrtheory.finite import observables as obs
    from lrtheory.finite import response as R
    from lrtheory.finite.examples import haldane_flake

    s = haldane_flake(nx, ny, t0=t0, t2=t2, phi=phi, delta=delta)
    field = np.array([1.0, 0.0])
    kw = dict(eta=eta, temperature=temperature, ef=ef)
    m = obs.orbital_moment(s)  # origin: flake centre
    parts = R.accumulation_parts(s, m, field, **kw)
    half = R.density_accumulation(s, m, field, **dict(kw, eta=eta / 2))
    charge = R.density_accumulation(s, ELECTRON_CHARGE * np.eye(s.n_states), field, **kw)
    jq = ELECTRON_CHARGE * R.density_accumulation(s, obs.velocity(s), field, **kw).T  # (Ns, 2)
    e = s.eigensystem.energies
    below, above = e[e < ef], e[e > ef]
    gap = float(above.min() - below.max()) if below.size and above.size else 0.0
    norm, norm_half = np.linalg.norm(parts["total"]), np.linalg.norm(half)
    # |delta n_m| ~ eta^p from eta and eta/2; undefined (None, never NaN) when the
    # accumulation vanishes (a 1x1 flake, E_F above or below every state)
    exponent = float(np.log2(norm / norm_half)) if norm > 0 and norm_half > 0 else None
    arrays = dict(positions=s.positions, omm=parts["total"], omm_fermi=parts["fermi"],
                  omm_undergap=parts["undergap"], omm_half_eta=half, charge=charge,
                  charge_current=jq, energies=e)
    summary = dict(
        n_sites=s.n_sites, tr_invariant=s.is_tr_invariant, gap_at_ef=gap,
        max_abs_omm=float(np.abs(parts["total"]).max()),
        max_abs_omm_fermi=float(np.abs(parts["fermi"]).max()),
        max_abs_omm_undergap=float(np.abs(parts["undergap"]).max()),
        eta_exponent=exponent, total_charge=float(charge.sum()),
        max_abs_charge=float(np.abs(charge).max()), total_omm=float(parts["total"].sum()),
    )
    return arrays, summary


def _parse_args(args) -> dict:
    """Numbers of the command line, validated (one line naming the option on error)."""
    from lrtheory.cli.common import check_eta, check_width
    from lrtheory.errors import ConventionError, LrtheoryError

    vals = {}
    for name in ("nx", "ny"):
        vals[name] = check_width(getattr(args, name), f"--{name}")
    for name in ("t0", "t2", "phi", "delta", "ef"):
        vals[name] = parse_number(getattr(args, name), f"--{name}")
    try:
        eta = parse_number(args.eta, "--eta")
    except LrtheoryError:
        eta = args.eta
    vals["eta"] = check_eta(eta)
    try:
        temp = parse_number(args.temperature, "--temperature")
    except LrtheoryError:
        temp = float("nan")
    if not (temp >= 0 and np.isfinite(temp)):
        raise ConventionError("--temperature must be a finite temperature >= 0 (units of t0), "
                              f"got {args.temperature!r}")
    vals["temperature"] = temp
    return vals


@subcommand_docs
def run(args) -> int:
    """Run ``lrtheory flake`` (OMM accumulation of a finite Haldane flake, Eq. 20 and 52).

    %(run)s
    """
    params = _parse_args(args)
    for k, v in params.items():
        setattr(args, k, v)
    arrays, summary = compute(args.nx, args.ny, **{k: v for k, v in params.items()
                                                  if k not in ("nx", "ny")})
    if args.out:
        from lrtheory.io.results import save_result

        from lrtheory.cli.common import run_metadata

        meta = run_metadata(args, model_arg="haldane-flake", params={})
        meta["parameters"] = params  # every parameter in effect (all are options)
        rest = {k: v for k, v in meta.items() if k != "parameters"}
        save_result(args.out, arrays, params, summary=summary, **rest)
    if args.plot:
        from lrtheory.plots.flake import plot_site_maps

        title = (f"Haldane flake {args.nx}x{args.ny}: t2={args.t2:g}, phi={args.phi:.3g}, "
                 f"Delta={args.delta:g}, E_F={args.ef:g}, eta={args.eta:g}; E along x")
        plot_site_maps(args.plot, arrays["positions"], {
            "OMM density response (arrows: charge current)": arrays["omm"],
            "Fermi-level part": arrays["omm_fermi"],
            "undergap part": arrays["omm_undergap"],
            "charge density response": arrays["charge"],
        }, arrows=arrays["charge_current"], title=title)
    if args.json:
        print(json.dumps(dict(parameters=params, summary=summary)))
    else:
        tr = "TR invariant" if summary["tr_invariant"] else "TR broken"
        print(f"Haldane flake {args.nx}x{args.ny} ({summary['n_sites']} sites, {tr}), "
              f"gap at E_F = {summary['gap_at_ef']:.4g}")
        print(f"  max |delta n_m|   = {summary['max_abs_omm']:.4e}  "
              f"(Fermi-level {summary['max_abs_omm_fermi']:.3e}, "
              f"undergap {summary['max_abs_omm_undergap']:.3e})")
        if summary["eta_exponent"] is None:
            print("  eta exponent p    = undefined (the accumulation is exactly zero at eta "
                  "and eta/2)")
        else:
            print(f"  eta exponent p    = {summary['eta_exponent']:.4f}  "
                  "(|delta n_m| ~ eta^p; p = 1: no-dissipation no-accumulation)")
        print(f"  sum_i delta n_q   = {summary['total_charge']:.2e}  "
              f"(max |delta n_q| = {summary['max_abs_charge']:.3e})")
    return 0
