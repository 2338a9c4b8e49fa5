"""Options shared by the subcommands: choosing a model, writing results, plotting.

``--model NAME_OR_FILE`` names a built-in model (see :data:`BUILTIN_MODELS`) or a model file;
``--param key=value`` (repeatable) sets its parameters; values are numbers or simple
expressions (``pi/2``) parsed safely with SymPy (never ``eval``).
"""
from __future__ import annotations

import argparse
from typing import Callable

from lrtheory.errors import LrtheoryError, ModelError

__all__ = [
    "BUILTIN_MODELS",
    "add_model_args",
    "add_output_args",
    "load_model",
    "parse_number",
    "parse_params",
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
    """Parse a real number or a simple constant expression (``pi/2``, ``3*sqrt(3)*0.06``)."""
    if isinstance(text, (int, float)):
        return float(text)
    import sympy
    from sympy.parsing.sympy_parser import parse_expr, standard_transformations

    try:
        expr = parse_expr(str(text), local_dict={"pi": sympy.pi, "sqrt": sympy.sqrt},
                          transformations=standard_transformations, evaluate=True)
        value = complex(sympy.N(expr))
    except Exception:  # noqa: BLE001 - any parse failure becomes one clear line
        raise LrtheoryError(f"cannot parse {name}={text!r} as a number") from None
    if value.imag != 0:
        raise LrtheoryError(f"{name}={text!r} is not real")
    return value.real


def parse_params(items: list[str] | None) -> dict[str, float]:
    """``["t2=0.1", "phi=pi/2"]`` -> ``{"t2": 0.1, "phi": 1.5707...}``."""
    out = {}
    for item in items or []:
        if "=" not in item:
            raise LrtheoryError(f"--param expects key=value, got {item!r}")
        key, val = item.split("=", 1)
        out[key.strip()] = parse_number(val.strip(), key.strip())
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
