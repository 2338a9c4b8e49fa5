"""Disorder: diagrammatic (Born, ladder) Fermi-surface responses of short-range disorder.

Sits beside :mod:`lrtheory.response` (imports models, bands and response helpers, never the
other way round).
"""
