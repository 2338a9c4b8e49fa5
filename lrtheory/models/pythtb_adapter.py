"""Deprecated location: the PythTB adapter moved to :mod:`lrtheory.io.pythtb` (issue #14);
this shim re-exports it and will go in the next release."""
import warnings

from lrtheory.io.pythtb import *  # noqa: F401,F403
from lrtheory.io.pythtb import __all__  # noqa: F401

warnings.warn("lrtheory.models.pythtb_adapter is deprecated: import from lrtheory.io.pythtb",
              DeprecationWarning, stacklevel=2)
