"""Deprecated location: the model-file reader moved to :mod:`lrtheory.io.model_files`
(issue #14); this shim re-exports it and will go in the next release."""
import warnings

from lrtheory.io.model_files import *  # noqa: F401,F403
from lrtheory.io.model_files import __all__  # noqa: F401

warnings.warn("lrtheory.models.inputs is deprecated: import from lrtheory.io.model_files",
              DeprecationWarning, stacklevel=2)
