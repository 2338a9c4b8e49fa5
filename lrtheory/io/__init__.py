"""lrtheory.io: readers and writers (issue #14: readers and writers in ``io/``).

- :mod:`lrtheory.io.expressions`: the one safe parser for numbers and formulas in user text.
- :mod:`lrtheory.io.model_files`: TOML/JSON model files (hopping lists, SymPy matrices).
- :mod:`lrtheory.io.wannier90`: Wannier90 ``_hr.dat``/``_tb.dat``/``_centres.xyz``.
- :mod:`lrtheory.io.pythtb`: PythTB models to :class:`~lrtheory.models.TightBindingModel`.
- :mod:`lrtheory.io.results`: the one writer and reader of result files.
- :mod:`lrtheory.io.labelled`: a Result as an ``xarray.Dataset`` (optional xarray).

Submodules are imported on first attribute access (``lrtheory.io.expressions``), so
``import lrtheory.io`` stays light.
"""
from __future__ import annotations

_SUBMODULES = ("expressions", "labelled", "model_files", "pythtb", "results", "wannier90")

__all__ = list(_SUBMODULES)


def __getattr__(name: str):
    """Import a submodule on first use (PEP 562)."""
    if name not in _SUBMODULES:
        raise AttributeError(f"module 'lrtheory.io' has no attribute {name!r}")
    import importlib

    return importlib.import_module(f"lrtheory.io.{name}")


def __dir__():
    return sorted(set(globals()) | set(_SUBMODULES))
