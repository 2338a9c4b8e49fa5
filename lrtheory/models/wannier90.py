"""Deprecated location: the Wannier90 reader, model and writers moved to
:mod:`lrtheory.io.wannier90` (issue #14); this shim re-exports them and will go in the next
release."""
import warnings

from lrtheory.io.wannier90 import *  # noqa: F401,F403
from lrtheory.io.wannier90 import __all__  # noqa: F401

warnings.warn("lrtheory.models.wannier90 is deprecated: import from lrtheory.io.wannier90",
              DeprecationWarning, stacklevel=2)
