"""lrtheory.bands: batched eigensystems of Bloch models."""
from lrtheory.bands.eigensystem import Eigensystem, to_band_basis

__all__ = ["Eigensystem", "to_band_basis"]
