"""Deprecated location: the safe expression parser moved to :mod:`lrtheory.io.expressions`
(issue #14); this shim re-exports it and will go in the next release."""
import warnings

from lrtheory.io.expressions import *  # noqa: F401,F403
from lrtheory.io.expressions import __all__  # noqa: F401

warnings.warn("lrtheory.expressions is deprecated: import from lrtheory.io.expressions",
              DeprecationWarning, stacklevel=2)
