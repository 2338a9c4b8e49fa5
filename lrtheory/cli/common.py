"""Options shared by the subcommands: choosing a model, writing results, plotting.

``--model NAME_OR_FILE`` names a built-in model (the one catalogue,
:mod:`lrtheory.models.catalogue`) or a model file; ``--param key=value`` (repeatable) sets
its parameters; values are numbers or simple expressions (``pi/2``) parsed by the safe
parser of :mod:`lrtheory.io.expressions` (never ``eval``).
"""
from __future__ import annotations

import argparse
import contextlib
import sys
import warnings
from typing import Callable, Iterator

# re-exported: the output paths (issue #13, section 2) live in _output_paths.py
from lrtheory.cli._output_paths import (RESULT_SUFFIXES, check_output_paths,  # noqa: F401
                                       plot_suffixes)
from lrtheory.cli._subcommand import subcommand_docs
from lrtheory.errors import (ConvergenceWarning, ConventionError, LrtheoryError,
                             LrtheoryWarning, ModelError)
from lrtheory.models.catalogue import CATALOGUE

__all__ = [
    "BUILTIN_MODELS",
    "add_model_args",
    "add_output_args",
    "check_eta",
    "check_output_paths",
    "check_width",
    "cli_warnings",
    "load_model",
    "model_summary",
    "parse_number",
    "parse_params",
    "progress",
    "run_metadata",
    "warn_if_unconverged",
]


#: name -> (builder, default parameters, one-line description): a view of the one catalogue
#: of built-in models, :data:`lrtheory.models.catalogue.CATALOGUE`
BUILTIN_MODELS: dict[str, tuple[Callable, dict, str]] = {
    name: (entry.builder, dict(entry.defaults), entry.description)
    for name, entry in CATALOGUE.items()
}


def parse_number(text: str, name: str = "value") -> float:
    """Parse a real number or a constant expression (``pi/2``, ``3*sqrt(3)*0.06``).

    Uses the safe parser :func:`lrtheory.io.expressions.evaluate` (a syntax-tree whitelist with
    resource limits; the text is never evaluated as code). Raises
    :class:`~lrtheory.errors.ExpressionError` (one line naming ``name``) for anything that
    is not a finite real number.

    Parameters
    ----------
    text, name : str
        The user's text (data, never code) and the option it came from (for the message).

    Returns
    -------
    float
        In the option's unit (t0 for energies).
    """
    from lrtheory.io.expressions import evaluate

    return evaluate(text, {}, where=name, real=True)


def parse_params(items: list[str] | None) -> dict[str, float]:
    """``["t2=0.1", "phi=pi/2"]`` -> ``{"t2": 0.1, "phi": 1.5707...}``.

    Parameters
    ----------
    items : list of str or None
        ``--param KEY=VALUE`` options (values parsed by :func:`parse_number`).

    Returns
    -------
    dict
        Name -> value (t0 for energies, radians for phases).
    """
    out = {}
    for item in items or []:
        if "=" not in item:
            raise LrtheoryError(f"--param expects key=value, got {item[:60]!r}")
        key, val = item.split("=", 1)
        out[key.strip()] = parse_number(val.strip(), f"--param {key.strip()[:60]}")
    return out


def load_model(name: str, params: dict | None = None):
    """Build a built-in model by name, or load a model file (ModelError if unknown).

    Parameters
    ----------
    name, params : str, dict
        Catalogue name, TOML/JSON file or Wannier90 ``_hr.dat``/``_tb.dat`` (eV, Angstrom);
        parameter overrides (t0 for energies, radians for phases).

    Returns
    -------
    BlochModel
    """
    params = dict(params or {})
    if name in BUILTIN_MODELS:
        ctor, defaults, _ = BUILTIN_MODELS[name]
        unknown = set(params) - set(defaults)
        if unknown:
            raise ModelError(
                f"unknown parameter(s) {sorted(unknown)} for model {name!r}; "
                f"known: {sorted(defaults)}"
            )
        return ctor(**_parameters_in_effect(name, overrides=params))
    from pathlib import Path

    if not str(name).strip():
        raise ModelError(f"--model is empty: use one of {sorted(BUILTIN_MODELS)} or a model "
                         "file path")
    looks_like_file = Path(name).suffix != "" or "/" in str(name) or "\\" in str(name)
    if looks_like_file and not Path(name).exists():
        raise ModelError(f"--model {name}: no such file")
    if Path(name).exists():
        if is_wannier90_file(name):  # _hr.dat, _tb.dat, or a run's .chk (cli/wannier.py)
            return _load_wannier90(name, params)
        from lrtheory.io.model_files import load_model_file  # model files (issue #6)

        return load_model_file(name, params)
    raise ModelError(
        f"unknown model {name!r}: use one of {sorted(BUILTIN_MODELS)} or a model file path"
    )


def _load_wannier90(name: str, params: dict):
    """A Wannier90 ``seedname_hr.dat`` (+ ``_centres.xyz``/``_tb.dat`` beside it for the
    lattice and positions) or ``seedname_tb.dat``: a tight-binding model in the file's units
    (eV, Angstrom)."""
    from lrtheory.errors import InputFileError

    if params:
        raise ModelError(f"--param: a Wannier90 model ({name}) has no parameters, got "
                         f"{sorted(params)}")
    try:
        return load_wannier90_file(name)
    except InputFileError as exc:
        msg = str(exc)
        if "lattice_vectors=" in msg or "positions=" in msg:
            seed = str(name)[: -len("_hr.dat")]
            raise InputFileError(
                f"{name}: an _hr.dat file holds no lattice vectors or Wannier centres; put "
                f"{seed}_tb.dat beside it (lattice; centres from it or {seed}_centres.xyz), "
                f"or give --model {seed}_tb.dat") from None
        raise


def add_model_args(p: argparse.ArgumentParser, default: str = "haldane") -> None:
    """Add ``--model`` and ``--param KEY=VALUE`` to a subcommand's parser.

    Parameters
    ----------
    p, default : argparse.ArgumentParser, str
        The subcommand's parser and the default of ``--model``.
    """
    p.add_argument("--model", default=default,
                   help=f"built-in model ({', '.join(BUILTIN_MODELS)}) or model file: "
                        f"TOML/JSON, Wannier90 seedname_hr.dat / seedname_tb.dat, or a run's "
                        f"seedname.chk (+ .eig, .spn beside it) (default: {default})")
    p.add_argument("--param", action="append", metavar="KEY=VALUE",
                   help="model parameter, repeatable (e.g. --param t2=0.1 --param phi=pi/2)")


def add_output_args(p: argparse.ArgumentParser, plot: bool = True) -> None:
    """Add ``--out FILE``, ``--json`` and (with ``plot``) ``--plot PNG`` to a parser.

    Parameters
    ----------
    p, plot : argparse.ArgumentParser, bool
        The subcommand's parser; also add ``--plot``.
    """
    p.add_argument("--out", metavar="FILE", help="write results (.npz or .json) with parameters")
    if plot:
        p.add_argument("--plot", metavar="PNG", help="write a plot")
    p.add_argument("--json", action="store_true", help="print machine-readable JSON")


# -- checks and warnings shared by the subcommands ----------------------------------------------
@subcommand_docs
def check_eta(value, flag: str = "--eta") -> float:
    """Broadening ``eta`` (t0) must be finite and > 0 (Kubo ``omega + i eta``, Eq. 18).

    %(option_parameters)s

    Returns
    -------
    float
    """
    return _positive(value, flag, "a positive broadening (energy, units of t0)")


@subcommand_docs
def check_width(value, flag: str = "--width") -> int:
    """Ribbon width (number of unit cells) must be a positive integer.

    %(option_parameters)s

    Returns
    -------
    int
    """
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

    Parameters
    ----------
    command : str
        The subcommand's name, printed in every line.

    Yields
    ------
    None
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
    """Short description of a Bloch model for summaries and result metadata.

    Parameters
    ----------
    model : BlochModel

    Returns
    -------
    dict
        ``model``, ``dim``, ``n_orbitals``, ``parameters``, ``time_reversal_declared``.
    """
    from lrtheory.models.protocol import ensure_model

    ensure_model(model, where="model summary")
    return {
        "model": model.name,
        "dim": int(model.dim),
        "n_orbitals": int(model.n_orbitals),
        "parameters": dict(model.params or {}),
        "time_reversal_declared": model.time_reversal is not None,
    }


def load_hopping_model(name: str, params: dict | None, command: str):
    """Load ``--model`` as a hopping-list model (ribbons and flakes need real-space hoppings).

    A model given as an H(k) matrix (SymPy / ``hamiltonian = [[...]]`` file) is converted
    with :func:`lrtheory.models.fourier.to_tight_binding`. Returns ``(model, ConversionInfo
    or None)``; warnings (e.g. no positions) are printed as one line.
    """
    from lrtheory.models.tightbinding import TightBindingModel

    with cli_warnings(command):
        model = load_model(name, params)
        if isinstance(model, TightBindingModel) or model.dim != 2:
            return model, None
        from lrtheory.models.fourier import to_tight_binding

        return to_tight_binding(model, full_output=True)


# -- result metadata (issue #13, section 4) ---------------------------------------------------
def _file_sha256(path) -> str:
    """Hex SHA-256 of a file's bytes (the model file a result was computed from)."""
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


#: run settings copied from the command line into every result file when present
_SETTINGS = ("nk", "eta", "ef", "ef_min", "ef_max", "n_ef", "temperature", "smearing",
             "fermi_surface", "operator", "method", "tol", "width", "filling", "path",
             "nx", "ny", "t0", "t2", "phi", "delta", "which", "workers", "only", "degen_tol",
             "win")


def _parameters_in_effect(model_arg: str | None, model=None, overrides: dict | None = None
                         ) -> dict:
    """Every model parameter in effect: built-in defaults merged with ``--param`` overrides,
    or the values a model file's parameters took (``model.params``)."""
    overrides = dict(overrides or {})
    if model_arg in BUILTIN_MODELS:
        _, defaults, _ = BUILTIN_MODELS[model_arg]
        return {k: parse_number(v, k) for k, v in {**defaults, **overrides}.items()}
    params = dict(model.params or {}) if model is not None else {}
    return {**params, **{k: v for k, v in overrides.items() if k not in params}}


def run_metadata(args, model=None, *, model_arg: str | None = None, params: dict | None = None
                 ) -> dict:
    """Provenance stored by every command's ``--out``: command, full command line
    (``sys.argv``), lrtheory version, model name, every parameter in effect, the model file's
    sha256 (model files), and the run settings (nk, eta, E_F, ...) given on the command line.

    Parameters
    ----------
    args, model, model_arg, params
        Parsed command line; optional: the model built, the ``--model`` value (default
        ``args.model``) and the parameter overrides (default: from ``args.param``).

    Returns
    -------
    dict
        ``parameters`` (in effect) and the rest, for ``save_result(path, arrays,
        meta["parameters"], **rest)``.
    """
    from pathlib import Path

    from lrtheory import __version__

    model_arg = getattr(args, "model", None) if model_arg is None else model_arg
    if params is None:
        params = parse_params(getattr(args, "param", None))
    meta = {
        "command": getattr(args, "command", None),
        "command_line": list(sys.argv),
        "lrtheory_version": __version__,
        "parameters": _parameters_in_effect(model_arg, model, params),
        "parameters_overridden": sorted(params),
    }
    if model_arg is not None:
        meta["model"] = model_arg
        if model_arg not in BUILTIN_MODELS and Path(model_arg).is_file():
            meta["model_file"] = str(Path(model_arg).resolve())
            meta["model_file_sha256"] = _file_sha256(model_arg)
    if model is not None:
        meta["model_name"] = model.name
    meta["settings"] = {k: getattr(args, k) for k in _SETTINGS
                        if getattr(args, k, None) is not None}
    return meta


def save_with_metadata(path, arrays: dict, meta: dict, **extra):
    """``save_result`` with :func:`run_metadata` output (parameters + the rest)."""
    from lrtheory.io.results import save_result

    rest = {k: v for k, v in meta.items() if k != "parameters"}
    rest.update(extra)
    return save_result(path, arrays, meta["parameters"], **rest)


# -- progress lines on stderr (issue #13, section 6) ------------------------------------------
class progress:
    """Progress lines ``lrtheory CMD: i/n label ... ETA 20 s`` on stderr.

    On a terminal the line is rewritten in place (``\r``) and ends with a newline; otherwise
    (batch logs) one line per step. ``--json`` output on stdout is never touched.

    Parameters
    ----------
    command, total : str, int
        The subcommand's name and the number of steps.
    stream, enabled, weights
        Where to write (default stderr); False prints nothing; relative step costs (ETA).
    """

    def __init__(self, command: str, total: int, *, stream=None, enabled: bool = True,
                 weights=None):
        import time

        self.command, self.total = command, int(total)
        self.stream = sys.stderr if stream is None else stream
        self.enabled = enabled
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.t0 = time.perf_counter()
        self.done = 0
        # relative cost of each step, for the ETA (equal steps unless given)
        self.weights = [1.0] * self.total if weights is None else [float(w) for w in weights]
        self.done_weight = 0.0

    def _eta(self) -> str:
        import time

        if self.done_weight == 0:
            return ""
        el = time.perf_counter() - self.t0
        left = el / self.done_weight * (sum(self.weights) - self.done_weight)
        return f" (elapsed {el:.0f} s, ETA {left:.0f} s)"

    def step(self, label: str) -> None:
        """Announce step ``done + 1`` (about to start).

        Parameters
        ----------
        label : str
        """
        if not self.enabled:
            return
        line = f"lrtheory {self.command}: {self.done + 1}/{self.total} {label} ...{self._eta()}"
        if self.tty:
            self.stream.write("\r\033[K" + line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def advance(self) -> None:
        """Count the current step as done (for the ETA)."""
        self.done_weight += self.weights[self.done]
        self.done += 1

    def clear(self) -> None:
        """On a terminal, erase the progress line before other output is printed."""
        if self.enabled and self.tty:
            self.stream.write("\r\033[K")

    def finish(self) -> None:
        """Print the final line (steps done and elapsed time)."""
        import time

        if not self.enabled:
            return
        el = time.perf_counter() - self.t0
        line = f"lrtheory {self.command}: {self.done}/{self.total} done in {el:.1f} s"
        self.stream.write(("\r\033[K" if self.tty else "") + line + "\n")
        self.stream.flush()


# Wannier90 files (--win, units): lrtheory/cli/wannier.py, re-exported here
from lrtheory.cli.wannier import (  # noqa: E402,F401
    add_win_arg, is_wannier90_file, load_model_and_win, load_wannier90_file)
