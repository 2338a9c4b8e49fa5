"""Deprecated location: the symmetry analysis moved to :mod:`lrtheory.symmetry` (issue #14);
this shim re-exports it and will go in the next release."""
import warnings

from lrtheory.symmetry import *  # noqa: F401,F403
from lrtheory.symmetry import __all__  # noqa: F401

warnings.warn("lrtheory.models.symmetry is deprecated: import from lrtheory.symmetry",
              DeprecationWarning, stacklevel=2)
