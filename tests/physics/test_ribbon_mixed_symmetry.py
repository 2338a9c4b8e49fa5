"""The symmetry report on the mixed zigzag/bearded ribbon (issue #18): what it finds is what
the geometry allows, and every statement it makes holds on the ribbon's profiles.

Source (derived, not read off the code): removing the top-edge B site of the zigzag ribbon
keeps the mirror ``M_x`` perpendicular to the ribbon, which maps every orbital onto itself
(A onto A, B onto B at the same y), so ``M_x Theta`` holds for every (t2, phi, Delta) as on
the zigzag ribbon; with t2 = 0 ``Theta`` and ``M_x`` hold separately. At phi = pi/2, Delta = 0
the nearest-neighbour bonds are real and bipartite and the NNN bonds purely imaginary, so the
sublattice sign ``S`` gives the antisymmetries ``Theta S`` and ``M_x S``. The operations that
exchange the two edges (``M_y``-type, ``C2``) are found on the bearded ribbon (both edges
bearded) where the bulk allows them (Delta = 0, or t2 = 0 as antisymmetries; at phi = 1,
Delta = 0.5 no operation exchanges A and B) and must be **absent** on the mixed one (one
zigzag edge, one bearded edge).
"""
import numpy as np
import pytest

from lrtheory.models.cuts import remove_orbitals
from lrtheory.models.haldane import haldane
from lrtheory.response.density import ribbon_accumulation
from lrtheory.symmetry import find_ribbon_symmetries, statements

W = 6
CASES = [  # (params, E_F, operations expected on the mixed ribbon, bearded has M_y / C2)
    (dict(t2=0.06, phi=1.0, delta=0.5), -0.05, {"M_x Theta"}, False),
    (dict(t2=0.06, delta=0.0), 0.05, {"M_x Theta", "Theta (anti)", "M_x (anti)"}, True),
    (dict(t2=0.0, delta=0.5), 1.5, {"M_x Theta", "Theta", "M_x"}, True),
]


def mixed(**params):
    return remove_orbitals(haldane(**params).ribbon(W), [2 * W - 1])


@pytest.mark.parametrize("params,ef,expected,edge_exchange", CASES)
def test_mixed_ribbon_symmetries_and_every_statement(params, ef, expected, edge_exchange):
    rib = mixed(**params)
    syms = find_ribbon_symmetries(rib)
    assert {s.name for s in syms} == expected
    bearded = haldane(**params).move_orbital(1, (0, -1)).ribbon(W)
    found = any(s.name.startswith(("M_y", "C2")) for s in find_ribbon_symmetries(bearded))
    assert found == edge_exchange
    acc = ribbon_accumulation(rib, ef, nk=256, convergence=False)
    image = (ribbon_accumulation(rib, -ef, nk=256, convergence=False)
             if any(s.sign < 0 for s in syms) else None)
    scale = max(np.abs(v).max() for v in acc.profiles.values())
    sts = statements(rib, syms)
    assert sts
    for st in sts:
        res = st.residual(acc, image)
        assert res <= 1e-10 * scale, f"{st.text}: residual {res:.3g} (scale {scale:.3g})"
    # M_x Theta fixes every orbital: the undergap OMM is stated zero per orbital, and is
    assert any(st.symmetry == "M_x Theta" and st.quantity == "omm" and st.part == "interband"
               and st.level == "orbital" and st.relation == "zero" for st in sts)
    assert np.abs(acc.get("interband", "omm")).max() < 1e-14


def test_the_zero_statement_is_not_vacuous():
    """Counter-example: the statement "interband charge zero at every orbital" evaluated on
    a profile that is not forced to vanish (the interband j_y, the Hall current) fails."""
    params, ef = CASES[0][:2]
    rib = mixed(**params)
    st = next(s for s in statements(rib, find_ribbon_symmetries(rib))
              if s.symmetry == "M_x Theta" and s.quantity == "charge"
              and s.part == "interband" and s.level == "orbital" and s.relation == "zero")
    acc = ribbon_accumulation(rib, ef, nk=128, convergence=False)
    assert np.abs(st.values(acc.get("interband", "charge"))).max() < 1e-14
    assert np.abs(st.values(acc.get("interband", "jy"))).max() > 1e-3
