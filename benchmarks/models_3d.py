"""3D test models for the benchmarks (the same definition as tests/unit/test_wannier90.py)."""
import numpy as np

from lrtheory.models.haldane import LATTICE, haldane
from lrtheory.models.tightbinding import Hopping, TightBindingModel


def layered_haldane(tz: float = 0.15, c: float = 1.5, weyl: bool = True, **kw):
    """Stack of Haldane layers (spacing c); weyl=True: interlayer +tz on A, -tz on B, i.e. a
    kz-dependent mass Delta + 2 tz cos(kz c) (Weyl nodes where it crosses the phase
    boundary)."""
    kw = {"t2": 0.1, "phi": np.pi / 2, "delta": 0.3, **kw}
    h = haldane(**kw)
    lat = np.zeros((3, 3))
    lat[:2, :2] = LATTICE
    lat[2, 2] = c
    pos = np.zeros((2, 3))
    pos[:, :2] = h.positions
    hops = [Hopping(x.i, x.j, x.R + (0,), x.t) for x in h.hoppings]
    hops += [Hopping(0, 0, (0, 0, 1), tz), Hopping(1, 1, (0, 0, 1), -tz if weyl else tz)]
    return TightBindingModel(lat, pos, hops, h.onsite, name="layered Haldane (Weyl)",
                             params={**h.params, "tz": tz, "c": c})
