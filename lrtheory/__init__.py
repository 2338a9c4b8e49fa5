"""lrtheory: linear response theory of nonconserved density accumulations.

Implements and checks Sun, Kazantsev, Principi, Vignale (2024), "Nonconserved density
accumulations in orbital Hall transport: insights from linear response theory".
Units and sign conventions: :mod:`lrtheory.conventions` and docs/conventions.md.
"""
from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("lrtheory")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
