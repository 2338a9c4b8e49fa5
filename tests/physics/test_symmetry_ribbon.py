"""Ribbon symmetries found numerically and every selection rule they imply, tested on profiles.

Source: docs/theorems.md "Antiunitary symmetries beyond TR" (reciprocity S2-S3 for any
antiunitary A = U K commuting with H, plus spatial parities of the densities and of x).
"""
import numpy as np
import pytest

from lrtheory.models.haldane import haldane
from lrtheory.models.symmetry import consequences, find_ribbon_symmetries
from lrtheory.response.density import ribbon_accumulation

CASES = [
    (dict(t2=0.0, delta=0.5), 1.5, {"Theta", "M_x", "M_x Theta"}),
    (dict(t2=0.06, delta=0.5), 0.0, {"M_x Theta"}),
    (dict(t2=0.06, delta=0.5), 1.5, {"M_x Theta"}),
    (dict(t2=0.06, delta=0.0), 0.05, {"M_x Theta", "M_y Theta", "C2"}),
    (dict(t2=0.06, delta=0.3, phi=1.0), 0.9, {"M_x Theta"}),
]


@pytest.mark.parametrize("params,ef,expected", CASES)
def test_symmetries_and_their_consequences(params, ef, expected, rng):
    model = haldane(**params)
    rib = model.ribbon(6)
    syms = find_ribbon_symmetries(rib)
    names = {s.name for s in syms if s.sign > 0}
    # Source: Haldane model structure: Theta iff t2 sin(phi) = 0 (declared by haldane());
    # M_x maps the honeycomb onto itself and reverses the staggered flux, so M_x Theta holds
    # for every (t2, phi, Delta); C2 (inversion) needs Delta = 0.
    assert names == expected
    assert ("Theta" in names) == (model.time_reversal is not None)
    k = rng.uniform(-np.pi, np.pi, size=(5, 1))
    for s in syms:  # independent re-check at fresh random k
        assert s.check(rib, k) < 1e-10
    acc = ribbon_accumulation(rib, ef, nk=256, convergence=False)
    order = np.argsort(acc.y)
    mirror = np.empty_like(order)
    mirror[order] = order[::-1]
    scale = max(np.abs(v).max() for v in acc.profiles.values())
    n_rules = 0
    for s in syms:
        for dens, rules in consequences(s).items():
            for part, (c, ry) in rules.items():
                prof = acc.get(part, dens)
                image = prof if ry == 1 else prof[mirror]
                np.testing.assert_allclose(prof, c * image, rtol=0, atol=1e-10 * scale,
                                           err_msg=f"{s.name}: {part} {dens}")
                n_rules += 1
    assert n_rules == 8 * len([s for s in syms if s.sign > 0])


def test_haldane_has_no_undergap_omm_accumulation_for_any_parameters():
    # Consequence of M_x Theta (module doc): interband OMM, charge and J_x vanish at every y
    # even with broken TR, trivial or topological; only the interband J_y survives.
    for params in (dict(t2=0.06, delta=0.5), dict(t2=0.06, delta=0.0), dict(t2=0.1, delta=0.2,
                                                                             phi=0.4)):
        acc = ribbon_accumulation(haldane(**params).ribbon(6), 0.0, nk=256,
                                  convergence=False)
        jy = np.abs(acc.get("interband", "jy")).max()
        assert jy > 1e-4
        for q in ("omm", "charge", "jx"):
            assert np.abs(acc.get("interband", q)).max() < 1e-12 * jy
