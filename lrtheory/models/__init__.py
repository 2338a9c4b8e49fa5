"""lrtheory.models: the model protocol, Bloch models (hopping lists, Haldane, SymPy, k.p),
ribbons, slabs, time reversal and the lattice module."""
from lrtheory.models.haldane import haldane
from lrtheory.models.protocol import (BlochModel, ContinuumModel, Ribbon, RibbonCut, Slab,
                                      SlabCut, ensure_model, hamiltonian_and_velocity)
from lrtheory.models.tightbinding import Hopping, TightBindingModel, TightBindingRibbon
from lrtheory.models.time_reversal import TimeReversal

__all__ = [
    # protocol
    "BlochModel", "Ribbon", "RibbonCut", "Slab", "SlabCut", "ContinuumModel", "ensure_model",
    "hamiltonian_and_velocity",
    # symmetry value
    "TimeReversal",
    # tight-binding models
    "Hopping", "TightBindingModel", "TightBindingRibbon", "haldane",
]
