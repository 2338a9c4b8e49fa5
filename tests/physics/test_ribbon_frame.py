"""Ribbons are reported in a right-handed frame, whatever lattice vectors the user chose
(issue #18 item 1; ``TightBindingModel.ribbon``).

Frame: ``x`` along the periodic vector, ``y = z x x``. Physical transformation rules used
below (derived, not read off the code): a rotation ``R`` about z maps the right-handed frame
of one ribbon onto the right-handed frame of the rotated ribbon; reversing the field reverses
every linear response. For the Haldane model (C3-symmetric), the ribbon periodic along
``a_2`` is the ribbon periodic along ``a_1`` rotated by 240 degrees (``R a_1 = -a_2``), so its
field ``E || a_2`` is the rotated field reversed and its frame is the rotated frame with
``x' = -R x``, ``y' = -R y``. Hence, at ``y' = -y``:

    charge' = -charge,  j_x' = +j_x,  j_y' = +j_y,  m_z' = -m_z

(``m_z`` is unchanged by the rotation and odd in the field). A left-handed frame (the old
transverse axis along the stacking vector, which for ``a_2`` lies to the right of it) gives
``m_z' = +m_z`` and ``j_y' = -j_y`` at ``y' = +y`` instead: this test fails on it.
"""
from __future__ import annotations

import numpy as np
import pytest

from lrtheory.models.haldane import haldane
from lrtheory.models.tightbinding import Hopping, TightBindingModel
from lrtheory.response.density import ribbon_accumulation

#: rounding of profiles of size ~0.1 summed over nk = 256 k-points
TOL = 1e-12

QUANTITIES = ("charge", "jx", "jy", "omm")


def _profiles(rib, ef):
    acc = ribbon_accumulation(rib, ef, nk=256, convergence=False)
    return acc.y, {(p, q): acc.get(p, q) for p in ("intraband", "interband") for q in QUANTITIES}


@pytest.mark.parametrize("ef", [0.0, 0.9])  # in the bulk gap (edge states) and in a band
def test_rotated_cut_transforms_as_a_vector_field(ef):
    m = haldane(t2=0.06, phi=1.0, delta=0.3)
    y0, p0 = _profiles(m.ribbon(8, periodic=0), ef)
    y1, p1 = _profiles(m.ribbon(8, periodic=1), ef)
    o0, o1 = np.argsort(y0), np.argsort(-y1)
    assert np.allclose(y0[o0], -y1[o1], atol=1e-12)  # the rotated ribbon, mirrored in y
    sign = {"charge": -1, "jx": +1, "jy": +1, "omm": -1}
    seen = 0.0
    for (part, q), v0 in p0.items():
        v1 = p1[part, q]
        scale = max(np.abs(v0).max(), 1e-300)
        assert np.abs(v1[o1] - sign[q] * v0[o0]).max() <= TOL * max(1.0, scale), (part, q)
        seen = max(seen, np.abs(v0).max() if q == "omm" else 0.0)
    assert seen > 1e-3  # the OMM profile is not trivially zero: the sign rule is tested


def test_mirrored_stacking_vector_does_not_change_the_ribbon():
    """The same lattice written with a_2 -> -a_2 (hoppings R_2 -> -R_2) is the same crystal:
    its ribbon along a_1 must give identical profiles (the old frame followed the stacking
    vector and flipped y, j_y and the OMM)."""
    m = haldane(t2=0.06, phi=1.0, delta=0.3)
    L = np.array(m.lattice_vectors)
    flipped = TightBindingModel(
        np.array([L[0], -L[1]]), m.positions,
        [Hopping(h.i, h.j, (h.R[0], -h.R[1]), h.t) for h in m.hoppings],
        m.onsite, m.time_reversal, None, "haldane, a2 -> -a2", dict(m.params))
    for ef in (0.0, 0.9):
        y0, p0 = _profiles(m.ribbon(8), ef)
        y1, p1 = _profiles(flipped.ribbon(8), ef)
        o0, o1 = np.argsort(y0), np.argsort(y1)
        assert np.allclose(y0[o0], y1[o1], atol=1e-12)
        for key, v0 in p0.items():
            assert np.abs(p1[key][o1] - v0[o0]).max() <= TOL * max(1.0, np.abs(v0).max()), key


def test_frame_is_right_handed():
    m = haldane()
    for periodic in (0, 1):
        rib = m.ribbon(4, periodic=periodic)
        x = np.asarray(rib.lattice_vectors[0], float)
        y = np.asarray(rib.transverse_axis, float)
        assert x[0] * y[1] - x[1] * y[0] > 0  # (x, y, z) right-handed
