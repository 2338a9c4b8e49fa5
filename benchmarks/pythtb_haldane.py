"""The benchmark's Haldane model (t0 = 1, t2 = 0.1, phi = pi/2, Delta = 0.2; lattice
a1 = (1, 0), a2 = (1/2, sqrt3/2), B at reduced (1/3, 1/3)) written into a PythTB model of
either API (1.8 ``tb_model`` or 2.x ``TBModel``): the terms lrtheory's ``haldane()`` builds.
Imported by the peer scripts that run in their own venvs (pythtb2_case.py, wberri_case.py)."""
import numpy as np

LATTICE = [[1.0, 0.0], [0.5, np.sqrt(3) / 2]]
ORBITALS = [[0.0, 0.0], [1 / 3, 1 / 3]]


def set_haldane_terms(tb, t0=1.0, t2=0.1, phi=np.pi / 2, delta=0.2):
    """Add the on-site, nearest- and next-nearest-neighbour terms to ``tb``; returns it."""
    tb.set_onsite([delta, -delta])
    for R in [(0, 0), (-1, 0), (0, -1)]:
        tb.set_hop(-t0, 0, 1, list(R))
    for R in [(1, 0), (-1, 1), (0, -1)]:
        tb.set_hop(t2 * np.exp(1j * phi), 0, 0, list(R))
        tb.set_hop(t2 * np.exp(-1j * phi), 1, 1, list(R))
    return tb
