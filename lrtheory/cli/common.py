"""Options shared by the subcommands: choosing a model, writing results, plotting.

``--model NAME_OR_FILE`` names a built-in model (see :data:`BUILTIN_MODELS`) or a model file;
``--param key=value`` (repeatable) sets its parameters; values are numbers or simple
expressions (``pi/2``) parsed by the safe parser of :mod:`lrtheory.expressions` (never
``eval``).
"""
from __future__ import annotations

import argparse
import contextlib
import sys
import warnings
from typing import Callable, Iterator

from lrtheory.errors import (ConvergenceWarning, ConventionError, LrtheoryError,
                             LrtheoryWarning, ModelError)

__all__ = [
    "BUILTIN_MODELS",
    "add_model_args",
    "add_output_args",
    "check_eta",
    "check_width",
    "cli_warnings",
    "load_model",
    "model_summary",
    "parse_number",
    "parse_params",
    "warn_if_unconverged",
]


def _haldane(**p):
    from lrtheory.models.haldane import haldane

    return haldane(**p)


def _gapped_graphene(**p):
    from lrtheory.models.haldane import haldane

    p.setdefault("delta", 0.5)
    return haldane(t2=0.0, **p)


#: name -> (constructor, default parameters, one-line description)
BUILTIN_MODELS: dict[str, tuple[Callable, dict, str]] = {
    "haldane": (_haldane, dict(t0=1.0, t2=0.06, phi="pi/2", delta=0.5),
                "Haldane model (Eq. 53): t0, t2, phi, delta"),
    "gapped-graphene": (_gapped_graphene, dict(t0=1.0, delta=0.5),
                        "TR-invariant gapped graphene (Haldane with t2 = 0): t0, delta"),
}


def parse_number(text: str, name: str = "value") -> float:
    """Parse a real number or a constant expression (``pi/2``, ``3*sqrt(3)*0.06``).

    Uses the safe parser :func:`lrtheory.expressions.evaluate` (a syntax-tree whitelist with
    resource limits; the text is never evaluated as code). Raises
    :class:`~lrtheory.errors.ExpressionError` (one line naming ``name``) for anything that
    is not a finite real number.
    """
    from lrtheory.expressions import evaluate

    return evaluate(text, {}, where=name, real=True)


def parse_params(items: list[str] | None) -> dict[str, float]:
    """``["t2=0.1", "phi=pi/2"]`` -> ``{"t2": 0.1, "phi": 1.5707...}``."""
    out = {}
    for item in items or []:
        if "=" not in item:
            raise LrtheoryError(f"--param expects key=value, got {item[:60]!r}")
        key, val = item.split("=", 1)
        out[key.strip()] = parse_number(val.strip(), f"--param {key.strip()[:60]}")
    return out


def load_model(name: str, params: dict | None = None):
    """Build a built-in model by name with parameters (unknown names/parameters raise)."""
    params = dict(params or {})
    if name in BUILTIN_MODELS:
        ctor, defaults, _ = BUILTIN_MODELS[name]
        unknown = set(params) - set(defaults)
        if unknown:
            raise ModelError(
                f"unknown parameter(s) {sorted(unknown)} for model {name!r}; "
                f"known: {sorted(defaults)}"
            )
        full = {k: parse_number(v, k) for k, v in {**defaults, **params}.items()}
        return ctor(**full)
    from pathlib import Path

    if Path(name).exists():
        from lrtheory.models import inputs  # model files (issue #6)

        return inputs.load_model_file(name, params)
    raise ModelError(
        f"unknown model {name!r}: use one of {sorted(BUILTIN_MODELS)} or a model file path"
    )


def add_model_args(p: argparse.ArgumentParser, default: str = "haldane") -> None:
    p.add_argument("--model", default=default,
                   help=f"built-in model ({', '.join(BUILTIN_MODELS)}) or model file "
                        f"(default: {default})")
    p.add_argument("--param", action="append", metavar="KEY=VALUE",
                   help="model parameter, repeatable (e.g. --param t2=0.1 --param phi=pi/2)")


def add_output_args(p: argparse.ArgumentParser, plot: bool = True) -> None:
    p.add_argument("--out", metavar="FILE", help="write results (.npz or .json) with parameters")
    if plot:
        p.add_argument("--plot", metavar="PNG", help="write a plot")
    p.add_argument("--json", action="store_true", help="print machine-readable JSON")


# -- checks and warnings shared by the subcommands ----------------------------------------------
def check_eta(value, flag: str = "--eta") -> float:
    """Broadening ``eta`` (energy units t0) must be finite and > 0 (Kubo ``omega + i eta``)."""
    return _positive(value, flag, "a positive broadening (energy, units of t0)")


def check_width(value, flag: str = "--width") -> int:
    """Ribbon width (number of unit cells) must be a positive integer."""
    try:
        w = int(value)
    except (TypeError, ValueError):
        raise ConventionError(f"{flag} must be a positive integer (unit cells), got "
                              f"{value!r}") from None
    if w != float(value) or w <= 0:
        raise ConventionError(f"{flag} must be a positive integer (unit cells), got {value!r}")
    return w


def _positive(value, flag: str, what: str) -> float:
    import math

    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ConventionError(f"{flag} must be {what}, got {value!r}") from None
    if not math.isfinite(v) or v <= 0:
        raise ConventionError(f"{flag} must be {what}, got {value!r}")
    return v


def warn_if_unconverged(change: float, tol: float, *, what: str = "result",
                        hint: str = "increase --nk") -> bool:
    """Warn (:class:`~lrtheory.errors.ConvergenceWarning`) if a k-sum is not converged.

    Parameters
    ----------
    change : float
        Estimated error, e.g. ``max |X(2 Nk) - X(Nk)|`` (the change when Nk doubles).
    tol : float
        Requested tolerance (same units as ``change``).
    what, hint : str
        Name of the quantity and what to do, used in the message.

    Returns
    -------
    bool
        True if converged (``change <= tol``), else False (after warning).
    """
    import math

    change, tol = float(change), float(tol)
    if math.isfinite(change) and change <= tol:
        return True
    warnings.warn(
        f"{what} not converged: estimated error {change:.3g} > tolerance {tol:.3g} "
        f"(change when Nk doubles); {hint}",
        ConvergenceWarning, stacklevel=2,
    )
    return False


@contextlib.contextmanager
def cli_warnings(command: str) -> Iterator[None]:
    """Show lrtheory warnings as one line ``lrtheory CMD: warning: ...`` on stderr.

    Library code only calls :func:`warnings.warn`; a subcommand wraps its work in this
    context so the user sees one clean line per warning instead of a source excerpt.
    """
    def show(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, LrtheoryWarning):
            print(f"lrtheory {command}: warning: {message}", file=sys.stderr)
        else:
            old(message, category, filename, lineno, file, line)

    old = warnings.showwarning
    with warnings.catch_warnings():
        warnings.showwarning = show
        warnings.simplefilter("default", LrtheoryWarning)
        yield


def model_summary(model) -> dict:
    """Short description of a Bloch model for summaries and result metadata."""
    tr = getattr(model, "time_reversal", None)
    return {
        "model": getattr(model, "name", type(model).__name__),
        "dim": int(model.dim),
        "n_orbitals": int(model.n_orbitals),
        "parameters": dict(getattr(model, "params", {}) or {}),
        "time_reversal_declared": tr is not None,
    }


def load_hopping_model(name: str, params: dict | None, command: str):
    """Load ``--model`` as a hopping-list model (ribbons and flakes need real-space hoppings).

    A model given as an H(k) matrix (SymPy / ``hamiltonian = [[...]]`` file) is converted
    with :func:`lrtheory.models.fourier.to_tight_binding`. Returns ``(model, ConversionInfo
    or None)``; warnings (e.g. no positions) are printed as one line.
    """
    with cli_warnings(command):
        model = load_model(name, params)
        if hasattr(model, "ribbon") or model.dim != 2:
            return model, None
        from lrtheory.models.fourier import to_tight_binding

        return to_tight_binding(model, full_output=True)
