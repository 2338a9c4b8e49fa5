"""``lrtheory hall`` for 3D models (Wannier90 files): the conductivity tensor
(:func:`lrtheory.response.hall3d.hall_tensor`) in physical units (:mod:`lrtheory.units`):
the anomalous Hall conductivity in S/cm, spin and orbital Hall conductivities in
(hbar/e) S/cm; the orbital one with the atomic ``L_z`` (atom-centred, from the ``--win``
projections, :mod:`lrtheory.models.orbitals`) and with the orbital moment ``m_z``
(:mod:`lrtheory.response.bulk_omm`, as ``-m_z/mu_B``) side by side."""
from __future__ import annotations

import json

import numpy as np

from lrtheory.errors import LrtheoryError, check_positive

__all__ = ["run_3d", "orbital_operators"]

_AXES = "xyz"


def orbital_operators(win, model, which: str) -> dict:
    """``{"L_z": (n, n)}`` or ``{"S_z": (n, n)}`` (units of hbar) from the ``.win``
    projections; refuses (one line) what the file cannot give.

    Parameters
    ----------
    win : WinData or None
        The parsed ``.win`` file (None: refused, the projections are needed).
    model : TightBindingModel
        The Wannier90 model (eV, Angstrom); not read here.
    which : str
        ``"spin"`` (needs ``spinors = true``) or ``"orbital"``.

    Returns
    -------
    dict
        ``{"S_z": (n, n) array}`` or ``{"L_z": (n, n) array}``, in units of hbar, in the
        basis of the ``n`` Wannier functions.
    """
    from lrtheory.models.orbitals import angular_momentum, spin_operators

    if win is None:
        raise LrtheoryError(f"--operator {which} on a 3D Wannier90 model needs --win "
                            "SEEDNAME.win (projections: which atomic orbital is each Wannier "
                            "function)")
    orbs = win.orbitals()  # rotated local axes (z=, x=) enter L through orbital.axes
    if which == "spin":
        if not win.spinors:
            raise LrtheoryError(f"--operator spin needs spinors = true in {win.path}")
        return {"S_z": spin_operators(orbs)[2]}
    return {"L_z": angular_momentum(orbs)[2]}


def _character_warning(win, model) -> None:
    """Warn where a Wannier centre does not lie along its hybrid's lobe (the atom-centred L
    assumes each function kept its projection's character)."""
    from lrtheory.errors import LrtheoryWarning, warn
    from lrtheory.models.orbitals import centre_direction_check

    orbs = win.orbitals()
    cos = centre_direction_check(orbs, model.positions)
    bad = np.nonzero(np.isfinite(cos) & (cos < 0.9))[0]
    if len(bad):
        i = int(bad[0])
        warn(f"{len(bad)} of {len(orbs)} Wannier centres do not lie along their projection's "
             f"lobe (e.g. function {i + 1}, {orbs[i].site} l={orbs[i].l} mr={orbs[i].mr}: "
             f"cos = {cos[i]:.2f}): localization rotated them, and L from the projections is "
             "then an approximation of unknown quality", LrtheoryWarning)


#: 3D grids below this many k-points are not timed before the run (seconds at most)
UNTIMED_POINTS = 10**6


def _check_run_time_3d(args, model, ef, operators) -> None:
    """Refuse, before the k-sum, a 3D run longer than ``--max-hours``: one line with the
    estimate (the k-chunk timed on 2048 k-points, every operator) and the largest nk that
    fits. Grids under :data:`UNTIMED_POINTS` k-points are not timed."""
    from lrtheory.errors import ResourceError
    from lrtheory.parallel.executor import resolve_workers
    from lrtheory.response.hall3d import hall_tensor_time_estimate

    limit = check_positive("--max-hours", args.max_hours) * 3600.0
    if int(args.nk) ** 3 < UNTIMED_POINTS:
        return
    workers = resolve_workers(args.workers)
    seconds = sum(hall_tensor_time_estimate(model, ef, nk=args.nk, temperature=args.temperature,
                                            operator=op, degen_tol=args.degen_tol,
                                            method=args.method, workers=workers)
                  for op in operators)
    if seconds <= limit:
        return
    best = int(args.nk * (limit / seconds) ** (1.0 / 3.0)) // 2 * 2
    fit = f"nk <= {best} fits" if best >= 2 else "no grid fits"
    raise ResourceError(
        f"nk = {args.nk} ({args.nk ** 3:.3g} k-points) would take an estimated "
        f"{seconds / 3600:.2g} h on {workers} worker(s) (timed on 2048 k-points), over "
        f"--max-hours {args.max_hours:g}: {fit}, or raise --max-hours / add --workers")


def run_3d(args, model, win, units) -> int:
    """``lrtheory hall`` on a 3D model: the Hall tensor of the charge, spin or orbital current.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed ``lrtheory hall`` options (``--operator``, k-grid, Fermi energies, ``--out``).
    model : TightBindingModel
        A 3D model (eV and Angstrom for a Wannier90 file, else t0 and a).
    win : WinData or None
        The ``.win`` file, needed for ``--operator spin`` and ``orbital``.
    units : UnitSystem
        The model's units (:data:`lrtheory.units.WANNIER90` or ``MODEL_UNITS``); results
        convert to S/cm (or (hbar/e) S/cm) when they are physical.

    Returns
    -------
    int
        The process exit status (0 on success).
    """
    from lrtheory.cli.common import cli_warnings, warn_if_unconverged
    from lrtheory.parallel.cli_options import parallel_kwargs
    from lrtheory.response.hall3d import hall_tensor
    from lrtheory.units import (hall_result_in_physical_units, moment_unit_in_bohr_magneton,
                                units_of_result)

    ops = {}
    if args.operator == "charge":
        ops["charge"] = ("charge", "charge_hall", 1.0)
    elif args.operator == "spin":  # the run's S(k) (.spn), else atom-centred from --win
        ops["S_z"] = ("spin_z" if model.spin_operator(np.zeros(3), 2) is not None else
                      orbital_operators(win, model, "spin")["S_z"], "spin_hall", 1.0)
    else:
        ops["L_z"] = (orbital_operators(win, model, "orbital")["L_z"], "orbital_hall", 1.0)
        with cli_warnings("hall"):
            _character_warning(win, model)
        # m_z (e a^2 t0/hbar) as an angular momentum: L_eff = -m_z/mu_B (hbar)
        scale = -moment_unit_in_bohr_magneton(units) if units.physical else 1.0
        ops["-m_z/mu_B"] = ("orbital", "orbital_hall", scale)
    args.nk = 20 if args.nk is None else args.nk
    check_positive("--nk", args.nk)
    if args.ef_min is None and args.ef_max is None and win is not None \
            and win.fermi_energy is not None:
        args.ef_min = args.ef_max = win.fermi_energy
        args.n_ef = 1
    if args.ef_min is None or args.ef_max is None:
        raise LrtheoryError("a 3D model needs --ef-min and --ef-max (or --win with "
                            "fermi_energy)")
    for flag, v in (("--ef-min", args.ef_min), ("--ef-max", args.ef_max)):
        if not np.isfinite(v):
            raise LrtheoryError(f"{flag} must be a finite energy, got {v}")
    if args.ef_max < args.ef_min:
        raise LrtheoryError(f"need --ef-max >= --ef-min, got [{args.ef_min}, {args.ef_max}]")
    ef = np.linspace(args.ef_min, args.ef_max, args.n_ef)
    eu = units.energy_unit
    from lrtheory.conventions import DEGEN_TOL

    degen = getattr(args, "degen_tol", None)
    degen = (1e-4 if units.physical else DEGEN_TOL) if degen is None else degen
    check_positive("--degen-tol", degen)
    args.degen_tol = degen
    kw = dict(nk=args.nk, temperature=args.temperature, degen_tol=degen, **parallel_kwargs(args))
    _check_run_time_3d(args, model, ef, [op for op, _, _ in ops.values()])
    with cli_warnings("hall"):
        results, summary = {}, {"model": args.model, "nk": args.nk, "dim": 3,
                                "degen_tol": degen,
                                "ef": ef.tolist(), "operator": args.operator,
                                "temperature": args.temperature, "units_system": units.name}
        for name, (op, kind, scale) in ops.items():
            t = hall_tensor(model, ef, operator=op, method=args.method, **kw)
            if units.physical:
                t = hall_result_in_physical_units(t, 3, units, kind=kind, scale=scale)
                sig = t["sigma"]
                err = (t.error["sigma"] if "sigma" in t.error else np.full_like(sig, np.nan))
            else:
                sig = t.sigma * scale
                err = (t.change_on_doubling * scale if t.change_on_doubling is not None
                       else np.full_like(sig, np.nan))
            unit = units_of_result(kind, 3, units).get("sigma",
                                                       units_of_result(kind, 3, units)["sigma_model"])
            results[name] = (sig, err, unit)
            summary[name] = {"unit": unit, "sigma": sig.tolist(),
                             "max_change_on_doubling": float(np.nanmax(np.abs(err)))
                             if np.isfinite(err).any() else None}
        for name, (sig, err, unit) in results.items():
            if np.isfinite(err).any():
                warn_if_unconverged(float(np.nanmax(np.abs(err))), args.tol * max(
                    1.0, float(np.abs(sig).max())), what=f"{name} Hall tensor")
    if args.out:
        from lrtheory.cli.common import run_metadata, save_with_metadata

        arrays = {"ef": ef}
        for name, (sig, err, unit) in results.items():
            key = name.replace("/", "_per_").replace("-", "minus_")
            arrays[f"sigma_{key}"] = sig
            arrays[f"change_on_doubling_{key}"] = err
        save_with_metadata(args.out, arrays, run_metadata(args, model), summary=summary)
    if args.plot:
        from lrtheory.plots.bulk import plot_curve

        names = list(results)
        unit = results[names[0]][2]
        plot_curve(ef, np.array([results[n][0][:, 0, 1] for n in names]), args.plot,
                   xlabel=f"E_F ({eu})", ylabel=f"sigma_xy ({unit})",
                   title=f"{model.name}: {args.operator} Hall, grid {args.nk}^3",
                   labels=names if len(names) > 1 else None)
    if args.json:
        print(json.dumps(summary, indent=1))
        return 0
    i = len(ef) // 2
    print(f"{model.name}: 3D, {model.n_orbitals} orbitals, grid {args.nk}^3, "
          f"E_F = {ef[i]:.6g} {eu}" + (f" ({len(ef)} values in the --out file)"
                                       if len(ef) > 1 else ""))
    for name, (sig, err, unit) in results.items():
        what = {"charge": "anomalous Hall conductivity sigma_bc (current b, field c)",
                "S_z": "spin Hall conductivity of S_z (current b, field c)",
                "L_z": "orbital Hall conductivity of the atomic L_z (atom-centred)",
                "-m_z/mu_B": "orbital Hall conductivity of the orbital moment, -m_z/mu_B"}[name]
        print(f"{what}, {unit}:")
        for b in range(3):
            print("   " + "  ".join(f"{_AXES[b]}{_AXES[c]}: {sig[i, b, c]:+.5g}"
                                    for c in range(3)))
        if np.isfinite(err).any():
            print(f"   (change when nk doubles: up to {np.nanmax(np.abs(err[i])):.2g} {unit})")
    return 0
