"""Symmetry analysis of ribbons (was ``lrtheory.models.symmetry``, issue #14).

* :mod:`lrtheory.symmetry.operations`: the (anti)unitary point operations of a ribbon,
  found numerically (:func:`find_ribbon_symmetries`; diagonal phases solved from the
  hopping graph, issue #18).
* :mod:`lrtheory.symmetry.rules`: what they imply for the static response to ``E_x``, as
  :class:`Statement` data (per orbital, per y, total) that tests evaluate on profiles.
* :mod:`lrtheory.symmetry.report`: the report of ``lrtheory symmetry``.

Theory: docs/theorems.md, "Antiunitary symmetries beyond TR".
"""
from lrtheory.symmetry.operations import RibbonSymmetry, find_ribbon_symmetries, hopping_table
from lrtheory.symmetry.report import (strongest, summary_lines, symmetry_report,
                                      time_reversal_deviation)
from lrtheory.symmetry.rules import (DENSITY_PARITIES, LEVELS, QUANTITIES, QUANTITY_LABELS,
                                     Statement, consequences, describe, selection_rules,
                                     statements, y_classes)

__all__ = [
    # operations
    "RibbonSymmetry", "find_ribbon_symmetries", "hopping_table",
    # selection rules as data
    "DENSITY_PARITIES", "QUANTITIES", "QUANTITY_LABELS", "LEVELS", "Statement", "consequences",
    "describe", "selection_rules", "statements", "y_classes",
    # report
    "symmetry_report", "summary_lines", "strongest", "time_reversal_deviation",
]
