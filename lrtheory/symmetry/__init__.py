"""Symmetry analysis of ribbons: (anti)unitary point operations found numerically and the
selection rules they imply for density accumulations (docs/theorems.md, "Antiunitary
symmetries beyond TR"). Was ``lrtheory.models.symmetry``."""
from lrtheory.symmetry.operations import *  # noqa: F401,F403
from lrtheory.symmetry.operations import __all__  # noqa: F401
