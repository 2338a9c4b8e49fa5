"""Disorder: diagrammatic (Born, ladder) Fermi-surface responses of short-range disorder
(:mod:`.diagrams`, :mod:`.born_response`) and disordered samples with exact eigenstates
(:mod:`.samples`, :mod:`.exact`).

Sits beside :mod:`lrtheory.response` (imports models, bands and response helpers, never the
other way round).
"""
