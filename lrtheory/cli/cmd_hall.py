"""``lrtheory hall``: Chern numbers and generalized Hall conductivity versus E_F (S23-S24)."""
from __future__ import annotations

import json

import numpy as np

from lrtheory.cli._subcommand import subcommand_docs, subparser
from lrtheory.cli.common import (add_model_args, add_output_args, add_win_arg,
                                 load_model_and_win, run_metadata,
                                 save_with_metadata)

EXAMPLES = """examples:
  lrtheory hall --model haldane --param t2=0.1 --param delta=0.2 --nk 720
  lrtheory hall --model gapped-graphene --operator orbital --ef-min -2 --ef-max 2 --plot ohc.png
  lrtheory hall --model haldane --temperature 0.02 --out hall.npz --json
  lrtheory hall --model GaAs_tb.dat --win GaAs.win --nk 24 --operator spin   # (hbar/e) S/cm
  lrtheory hall --model Fe_tb.dat --ef-min 17.6 --ef-max 17.6 --n-ef 1      # 3D AHC, S/cm
  lrtheory hall --model Fe.chk --win Fe.win --operator spin   # spin from Fe.spn (Fe.eig beside)
"""


@subcommand_docs
def add_parser(sub):
    """Register the ``hall`` subcommand: its options, help with examples, and ``func``.

    %(add_parser)s
    """
    p = subparser(sub, "hall", "Chern numbers and Hall conductivity curves (S23-S24)",
                  None, EXAMPLES)
    add_model_args(p)
    add_win_arg(p)
    p.add_argument("--nk", type=int, default=None,
                   help="k grid nk x nk (2D, default 240) or nk^3 (3D, default 20); even")
    p.add_argument("--ef-min", type=float, default=None,
                   help="lowest Fermi energy of the curve (t0; default: the bottom of the bands "
                        "on a coarse grid minus 5%% of the band width)")
    p.add_argument("--ef-max", type=float, default=None,
                   help="highest Fermi energy of the curve (t0; default: the top of the bands "
                        "plus 5%% of the band width)")
    p.add_argument("--n-ef", type=int, default=201,
                   help="number of Fermi energies, evenly spaced in [--ef-min, --ef-max] "
                        "(default 201)")
    p.add_argument("--temperature", type=float, default=0.0, help="T >= 0 (t0)")
    p.add_argument("--operator", default="charge", choices=["charge", "orbital", "spin"],
                   help="charge (default): sigma_xy of the charge current j = -e v (e^2/h; "
                        "-C in a gap of occupied Chern number C; 3D Wannier90: S/cm); "
                        "orbital: orbital Hall (2D: e * e a^2 t0/hbar / hbar; 3D with --win: "
                        "with the atomic L_z and with the orbital moment m_z side by side, "
                        "(hbar/e) S/cm); spin: spin Hall of S_z (3D: the run's .spn with a .chk "
                        "--model, else from --win spinors)")
    p.add_argument("--method", default="auto", choices=["auto", "sum-over-states"],
                   help="auto: closed-form curvature for two-band models with O = 1/charge "
                        "(no diagonalization), else the sum over states (S24); "
                        "sum-over-states: always the latter (cross-check)")
    from lrtheory.parallel.cli_options import add_parallel_args

    p.add_argument("--tol", type=float, default=1e-3,
                   help="warn if the curve changes by more than this when nk doubles "
                        "(units of the curve; default 1e-3)")
    p.add_argument("--degen-tol", type=float, default=None,
                   help="3D models: bands closer than this form one degenerate block "
                        "(energy units; default 1e-4 eV for Wannier90 files, whose Kramers "
                        "pairs are split by their printed precision, as WannierBerri; else "
                        "1e-8)")
    p.add_argument("--max-hours", type=float, default=0.25,
                   help="refuse a run whose estimated time (timed on 2048 k-points before "
                        "the k-sum starts; 2D from nk = 1024, 3D from 10^6 k-points) exceeds "
                        "this many hours (default 0.25)")
    add_parallel_args(p)
    add_output_args(p)
    p.set_defaults(func=run)
    return p


def _first_gap(model, nk):
    from lrtheory.response.hall import bz_grid
    from lrtheory.response.kspace import eigensystem

    k, _, _ = bz_grid(model, min(max(8, nk // 4), 256))  # bounded memory
    e = eigensystem(model, k).energies
    top, bottom = e.max(0), e.min(0)
    band_range = (float(e.min()), float(e.max()))
    for n in range(e.shape[1] - 1):
        if bottom[n + 1] > top[n]:
            return n + 1, 0.5 * (top[n] + bottom[n + 1]), (top[n], bottom[n + 1]), band_range
    return None, None, None, band_range


def _check_run_time(args, model, ef_all) -> None:
    """Refuse, before the k-sum, a run longer than ``--max-hours`` (one line with the
    estimate and the largest nk that fits); small grids are not timed."""
    from lrtheory.errors import ResourceError, check_positive
    from lrtheory.response.hall import hall_time_estimate
    from lrtheory.response.ksum import NK_MIN

    limit = check_positive("--max-hours", args.max_hours) * 3600.0
    if args.nk < 1024:  # < 1e6 k-points: seconds at most for the models lrtheory reads
        return
    from lrtheory.parallel.executor import resolve_workers

    workers = resolve_workers(args.workers)
    per_curve = hall_time_estimate(model, ef_all, nk=args.nk, temperature=args.temperature,
                                   operator=None, method=args.method, workers=workers)
    seconds = per_curve * (1 if args.operator == "charge" else 2)
    if seconds <= limit:
        return
    best = int(args.nk * np.sqrt(limit / seconds)) // 2 * 2
    fit = (f"nk <= {best} fits" if best >= NK_MIN else "no grid fits")
    raise ResourceError(
        f"nk = {args.nk} ({args.nk ** 2:.3g} k-points) would take an estimated "
        f"{seconds / 3600:.2g} h on {workers} worker(s) (timed on 2048 k-points), over "
        f"--max-hours {args.max_hours:g}: {fit}, or raise --max-hours / add --workers")


@subcommand_docs
def run(args) -> int:
    """Run ``lrtheory hall`` (generalized Hall conductivity, Eq. S23, in e^2/h).

    %(run)s
    """
    from lrtheory.conventions import E2_OVER_H, ELECTRON_CHARGE
    from lrtheory.errors import LrtheoryError
    from lrtheory.parallel.cli_options import parallel_kwargs
    from lrtheory.response.hall import hall_conductivity

    if args.n_ef < 1:
        raise LrtheoryError(f"--n-ef must be >= 1, got {args.n_ef}")
    from lrtheory.errors import check_positive

    check_positive("--tol", args.tol)
    for flag, v in (("--ef-min", args.ef_min), ("--ef-max", args.ef_max)):
        if v is not None and not np.isfinite(v):
            raise LrtheoryError(f"{flag} must be a finite energy (t0), got {v}")
    model, win, units = load_model_and_win(args, "hall")
    if model.dim == 3:
        from lrtheory.cli.hall_3d import run_3d

        return run_3d(args, model, win, units)
    if args.degen_tol is not None:
        raise LrtheoryError("--degen-tol applies to 3D models (the 2D curve uses 1e-8 t0)")
    if args.win is not None:
        raise LrtheoryError("--win applies to 3D Wannier90 models")
    args.nk = 240 if args.nk is None else args.nk
    n_occ, mid, edges, band_range = _first_gap(model, args.nk)
    margin = 0.05 * max(band_range[1] - band_range[0], 1e-3)
    args.ef_min = band_range[0] - margin if args.ef_min is None else args.ef_min
    args.ef_max = band_range[1] + margin if args.ef_max is None else args.ef_max
    if args.ef_max < args.ef_min:
        raise LrtheoryError(f"need --ef-max >= --ef-min, got [{args.ef_min}, {args.ef_max}]")
    ef = np.linspace(args.ef_min, args.ef_max, args.n_ef)
    ef_all = np.append(ef, mid if mid is not None else 0.0)
    _check_run_time(args, model, ef_all)
    # O = 1 curve: Chern numbers of every band and, times q, the electrical sigma_xy
    base = hall_conductivity(model, ef_all, nk=args.nk, temperature=args.temperature,
                             operator=None, method=args.method, **parallel_kwargs(args))
    chern = base.band_chern
    chern_res = base.chern()  # status: "converged" only when every C_n is near an integer
    if args.operator == "charge":
        sigma = ELECTRON_CHARGE * base.sigma / E2_OVER_H
        change = ELECTRON_CHARGE * base.change_on_doubling / E2_OVER_H
        unit = "e^2/h"
    else:
        op = "orbital" if args.operator == "orbital" else "spin_z"
        cur = hall_conductivity(model, ef_all, nk=args.nk, temperature=args.temperature,
                                operator=op, method=args.method, **parallel_kwargs(args))
        sigma, change, unit = cur.sigma, cur.change_on_doubling, "e*[O]/hbar"
    sig_gap = ELECTRON_CHARGE * base.sigma[-1] / E2_OVER_H
    meta = run_metadata(args, model)
    summary = {
        "model": args.model, "parameters": meta["parameters"],
        "nk": args.nk, "ef_range": [float(args.ef_min), float(args.ef_max)],
        "current": {"charge": "charge current j = -e v", "orbital": "orbital-moment current "
                    "j = m_z v", "spin": "spin current j = s_z v"}[args.operator],
        "temperature": args.temperature, "operator": args.operator, "method": args.method,
        "band_chern": [float(c) for c in chern],
        "chern_status": chern_res.status,
        "occupied_chern": float(chern[:n_occ].sum()) if n_occ else None,
        "gap": [float(x) for x in edges] if edges else None,
        "sigma_xy_in_gap_e2h": float(sig_gap) if n_occ else None,
        "max_change_on_doubling": float(np.max(np.abs(change))),
        "unit": unit,
    }
    from lrtheory.cli.common import cli_warnings, warn_if_unconverged

    with cli_warnings("hall"):
        summary["converged"] = warn_if_unconverged(
            summary["max_change_on_doubling"], args.tol, what=f"{args.operator} Hall curve")
    if args.out:
        save_with_metadata(args.out, {"ef": ef, "sigma": sigma[:-1],
                                      "change_on_doubling": change[:-1], "band_chern": chern},
                           meta, summary=summary)
    if args.plot:
        from lrtheory.plots.bulk import plot_curve

        plot_curve(ef, sigma[:-1], args.plot, ylabel=f"sigma_xy ({unit})",
                   title=f"{args.model} {args.operator} Hall, nk={args.nk}, T={args.temperature}")
    if args.json:
        print(json.dumps(summary, indent=1))
    else:
        if not chern_res.converged:
            print(f"band Chern numbers: NOT CONVERGED on nk = {args.nk} (grid sums "
                  f"{np.array2string(np.round(chern, 3))}, up to {chern_res.distance.max():.2g} "
                  "from an integer): increase --nk")
        else:
            print(f"band Chern numbers: {np.array2string(np.round(chern, 6))}")
        if n_occ and not chern_res.converged:
            print(f"gap [{edges[0]:.4f}, {edges[1]:.4f}] t0; occupied bands {n_occ}: C and "
                  "sigma_xy not given (the Chern numbers are not converged)")
        elif n_occ:
            print(f"gap [{edges[0]:.4f}, {edges[1]:.4f}] t0; occupied bands {n_occ}: "
                  f"C = {chern[:n_occ].sum():+.6f}; sigma_xy(E_F = {mid:.4f}) = {sig_gap:+.6f} e^2/h "
                  "(charge current j = -e v: sigma_xy = -C e^2/h)")
        else:
            print("no global gap found on the grid")
        print(f"{args.operator} Hall curve ({summary['current']}): {args.n_ef} points in [{args.ef_min:.4g}, {args.ef_max:.4g}] t0, "
              f"max change when nk doubles {summary['max_change_on_doubling']:.2e} {unit}")
    return 0
