"""lrtheory.models: Bloch models (hopping lists, Haldane), ribbons, flakes, random models."""
from lrtheory.models.haldane import haldane
from lrtheory.models.protocol import BlochModel
from lrtheory.models.tightbinding import Hopping, TightBindingModel

__all__ = ["BlochModel", "Hopping", "TightBindingModel", "haldane"]
