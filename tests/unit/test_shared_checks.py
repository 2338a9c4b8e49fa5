"""Pieces written once and used by several modules (issue #14, no repeated logic): the
Fermi-energy check (``errors.check_energies``: Hall curve, Hall tensor, carrier density), the
curvature-method check (``berry.check_method``) and the Rashba lattice bonds
(``models.cubic.rashba_hoppings``: ``cubic_rashba`` and ``disorder.samples.square_rashba``)."""
from __future__ import annotations

import numpy as np
import pytest

from lrtheory.disorder.samples import square_rashba
from lrtheory.errors import ConventionError, LrtheoryError, check_energies
from lrtheory.models.cubic import cubic_rashba, rashba_hoppings
from lrtheory.models.haldane import haldane, layered_haldane
from lrtheory.response.berry import check_method
from lrtheory.response.carrier_density import carrier_density
from lrtheory.response.hall import hall_conductivity
from lrtheory.response.hall3d import hall_tensor
from tests.tolerances import TOL

SX = np.array([[0, 1], [1, 0]], complex)
SY = np.array([[0, -1j], [1j, 0]])
SZ = np.diag([1.0, -1.0]).astype(complex)


def test_check_energies_flattens_and_refuses_in_one_line():
    assert check_energies("ef", 0.5).shape == (1,)
    assert np.array_equal(check_energies("ef", [[1.0, 2.0]]), [1.0, 2.0])
    for bad, words in (([], "ef is empty: give at least one Fermi energy"),
                       ("0.5", "ef must be a real number"), ([0.0, np.nan], "ef must be finite")):
        with pytest.raises(ConventionError, match=words):
            check_energies("ef", bad)


@pytest.mark.parametrize("call", [
    lambda ef: hall_conductivity(haldane(), ef, nk=4),
    lambda ef: hall_tensor(layered_haldane(), ef, nk=2),
    lambda ef: carrier_density(haldane(), ef, nk=4)])
def test_every_caller_refuses_an_empty_curve_the_same_way(call):
    # one check, one error type and message (hall_tensor raised a bare LrtheoryError before)
    with pytest.raises(ConventionError, match="^ef is empty: give at least one Fermi energy$"):
        call([])


def test_check_method_names_the_choices():
    assert check_method("auto") == "auto" and check_method("sum-over-states")
    for caller in (lambda: check_method("exact"),
                   lambda: hall_conductivity(haldane(), [0.0], nk=4, method="exact"),
                   lambda: hall_tensor(layered_haldane(), [0.0], nk=2, method="exact")):
        with pytest.raises(LrtheoryError, match=r"^method must be one of \('auto', "
                                                r"'sum-over-states'\), got 'exact'$"):
            caller()


def _closed_form(k, t, alpha, bz=0.0):
    """H(k) = -2t sum_i cos k_i + alpha (sin kx sigma_y - sin ky sigma_x) + bz sigma_z,
    written out here (the models' docstrings), not from the hopping list."""
    eps = -2 * t * np.cos(k).sum(-1)
    return (eps[:, None, None] * np.eye(2) + alpha * (np.sin(k[:, 0])[:, None, None] * SY
            - np.sin(k[:, 1])[:, None, None] * SX) + bz * SZ)


@pytest.mark.parametrize("dim", [2, 3])
def test_rashba_bonds_give_the_closed_form_in_2d_and_3d(dim, rng):
    k = rng.uniform(-np.pi, np.pi, (20, dim))
    model = square_rashba(1.3, 0.7) if dim == 2 else cubic_rashba(1.3, 0.7, bz=0.2)
    assert len(rashba_hoppings(1.3, 0.7, dim)) == 4 * 2 + (2 if dim == 3 else 0)
    assert np.allclose(model.hamiltonian(k), _closed_form(k, 1.3, 0.7, 0.2 if dim == 3 else 0),
                       **TOL)
    # counter-example: the opposite Rashba sign is another model, and the check sees it
    assert not np.allclose(model.hamiltonian(k),
                           _closed_form(k, 1.3, -0.7, 0.2 if dim == 3 else 0), **TOL)


def test_ribbon_and_slab_results_share_one_part_lookup():
    from lrtheory.response.density import RibbonAccumulation
    from lrtheory.response.parts import PartProfiles, part_units
    from lrtheory.response.slab import SlabAccumulation

    assert RibbonAccumulation.get is SlabAccumulation.get is PartProfiles.get
    acc = RibbonAccumulation(np.arange(3.0), {"intraband_charge": np.ones(3)}, {}, nk=8)
    assert np.array_equal(acc.get("intraband", "charge"), np.ones(3))
    with pytest.raises(LrtheoryError, match=r"^no profile interband_charge; available: "
                                            r"\['intraband_charge'\]$"):
        acc.get("interband", "charge")
    # intraband parts are per unit tau (docs/conventions.md), the others are not
    assert part_units(("intraband", "eta"), {"charge": "electrons"}, " per cell") == {
        "intraband_charge": "per tau (hbar/t0), electrons per cell",
        "eta_charge": "electrons per cell"}
