"""Wannier90 files on the command line (issue #15): ``--win SEEDNAME.win`` and loading a
``_hr.dat``/``_tb.dat`` ``--model`` with it, in eV and Angstrom (:mod:`lrtheory.units`)."""
from __future__ import annotations

import argparse

from lrtheory.errors import ConventionError, ModelError

__all__ = ["is_wannier90_file", "add_win_arg", "load_model_and_win", "load_wannier90_file"]

_RUN = (".chk", ".chk.fmt")


def is_wannier90_file(name) -> bool:
    """True for a ``seedname_hr.dat`` / ``seedname_tb.dat`` path or a run's checkpoint.

    Parameters
    ----------
    name : str or path-like
        A ``--model`` argument.

    Returns
    -------
    bool
        Whether ``name`` ends in ``_hr.dat``, ``_tb.dat``, ``.chk`` or ``.chk.fmt``.
    """
    return str(name).endswith(("_hr.dat", "_tb.dat") + _RUN)


def load_wannier90_file(name, **kw):
    """A Wannier90 ``--model``: ``seedname.chk``/``.chk.fmt`` (with ``.eig`` and, when
    present, ``.spn`` beside it: :func:`lrtheory.io.wannier90.run.load_wannier90_run`, the
    spin operator of the run) or an ``_hr.dat``/``_tb.dat`` (``load_wannier90`` with ``kw``).

    Parameters
    ----------
    name : str or path-like
        The file.
    **kw
        Keywords of :func:`lrtheory.io.wannier90.load_wannier90` (not used for a run).

    Returns
    -------
    Wannier90Model
        eV and Angstrom.
    """
    if str(name).endswith(_RUN):
        from lrtheory.io.wannier90.run import load_wannier90_run

        return load_wannier90_run(name)
    from lrtheory.io.wannier90 import load_wannier90

    return load_wannier90(name, **kw)


def add_win_arg(p: argparse.ArgumentParser) -> None:
    """Add the ``--win SEEDNAME.win`` option to a command's parser.

    Parameters
    ----------
    p : argparse.ArgumentParser
        The subcommand's parser (changed in place).
    """
    p.add_argument("--win", metavar="SEEDNAME.win", default=None,
                   help="Wannier90 input file of a _hr.dat/_tb.dat/.chk --model: lattice (an "
                        "_hr.dat alone has none), Fermi energy, spinors, projections (atomic "
                        "L and spin operators), mp_grid, kpoint_path")


def load_model_and_win(args, command: str):
    """``--model`` (+ ``--win``) -> ``(model, win or None, UnitSystem)``.

    A Wannier90 file is in eV and Angstrom (:data:`lrtheory.units.WANNIER90`); with
    ``--win`` its lattice is checked against (or, for an ``_hr.dat`` alone, supplies) the
    model's, and without ``_centres.xyz``/``_tb.dat`` the Wannier functions sit at their
    projections' sites.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed options (``model``, ``param``, ``win``).
    command : str
        The subcommand's name, for error messages.

    Returns
    -------
    tuple
        ``(model, win, units)``: the model (eV and Angstrom for a Wannier90 file, else t0
        and a), the parsed ``WinData`` or None, and the ``UnitSystem``.
    """
    import numpy as np

    from lrtheory.errors import InputFileError
    from lrtheory.units import MODEL_UNITS, WANNIER90

    from lrtheory.cli.common import load_model, parse_params

    params = parse_params(getattr(args, "param", None))
    win_path = getattr(args, "win", None)
    if not is_wannier90_file(args.model):
        if win_path:
            raise ConventionError(f"--win needs a Wannier90 --model (seedname_hr.dat, "
                                  f"seedname_tb.dat or seedname.chk), got "
                                  f"{args.model[:60]!r}")
        return load_model(args.model, params), None, MODEL_UNITS
    if not win_path:
        return load_model(args.model, params), None, WANNIER90
    from lrtheory.io.wannier90.win import read_win

    if params:
        raise ModelError(f"--param: a Wannier90 model ({args.model}) has no parameters")
    from pathlib import Path

    if not Path(win_path).is_file():
        raise InputFileError(f"--win {win_path}: no such file")
    win = read_win(win_path)
    kw = {"mp_grid": win.mp_grid}
    try:
        model = load_wannier90_file(args.model, **kw)
    except InputFileError as exc:
        if win.unit_cell_cart is None or not ("lattice_vectors=" in str(exc)
                                              or "positions=" in str(exc)):
            raise
        kw["lattice_vectors"] = win.unit_cell_cart
        try:
            model = load_wannier90_file(args.model, **kw)
        except InputFileError as exc2:
            if "positions=" not in str(exc2) or not win.projections:
                raise
            kw["positions"] = np.array([o.position for o in win.orbitals()])
            model = load_wannier90_file(args.model, **kw)
    if win.unit_cell_cart is not None and not np.allclose(
            model.lattice_vectors, win.unit_cell_cart, rtol=0, atol=1e-4):
        raise InputFileError(f"--win {win_path}: its unit_cell_cart differs from the lattice "
                             f"of {args.model} by more than 1e-4 Angstrom (another system?)")
    if win.num_wann is not None and win.num_wann != model.n_orbitals:
        raise InputFileError(f"--win {win_path}: num_wann = {win.num_wann}, but "
                             f"{args.model} has {model.n_orbitals} Wannier functions")
    return model, win, WANNIER90
