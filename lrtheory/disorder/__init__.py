"""Disorder: diagrammatic (Born, ladder) Fermi-surface responses of short-range disorder
(:mod:`.diagrams`, :mod:`.born_response`) and disordered samples with exact eigenstates
(:mod:`.samples`, :mod:`.exact`); Hall-type conductivities with the ladder
(:mod:`.hall_vertex`: massive Dirac; :mod:`.lattice_hall`: Haldane and gapped graphene).

Sits beside :mod:`lrtheory.response` (imports models, bands and response helpers, never the
other way round).
"""
