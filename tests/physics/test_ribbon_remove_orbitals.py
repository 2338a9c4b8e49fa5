"""``lrtheory.models.cuts.remove_orbitals`` (issue #18, mixed zigzag/bearded ribbons): the
result is the model restricted to the kept orbitals, and bad input is one clear ModelError."""
import numpy as np
import pytest

from lrtheory.errors import ModelError
from lrtheory.models.cuts import remove_orbitals
from lrtheory.models.haldane import haldane
from lrtheory.models.time_reversal import TimeReversal
from lrtheory.models.tightbinding import TightBindingModel


def test_hamiltonian_is_the_restriction():
    rib = haldane(t2=0.06, phi=1.0, delta=0.5).ribbon(5)
    drop = [0, 9]
    cut = remove_orbitals(rib, drop)
    keep = np.setdiff1d(np.arange(rib.n_orbitals), drop)
    k = np.linspace(-np.pi, np.pi, 7)[:, None]
    np.testing.assert_allclose(cut.hamiltonian(k), rib.hamiltonian(k)[:, keep][:, :, keep],
                               atol=1e-14)
    # same positions up to the shift that puts the new centre line at y = 0
    y, y_old = cut.transverse_positions(), rib.transverse_positions()[keep]
    np.testing.assert_allclose(y - y_old, (y - y_old)[0], atol=1e-14)
    assert abs(y.max() + y.min()) < 1e-14
    np.testing.assert_allclose(cut.positions @ rib.lattice_vectors[0],
                               rib.positions[keep] @ rib.lattice_vectors[0], atol=1e-14)
    off = remove_orbitals(rib, drop, center=False)
    np.testing.assert_allclose(off.positions, rib.positions[keep])
    assert np.array_equal(cut.frame, rib.frame)
    # lower A (0) and upper B (9) gone: B now ends the lower edge, A the upper one
    assert y.max() - y.min() < np.ptp(rib.transverse_positions()) - 0.1
    assert "orbital(s) [1]; upper edge" in cut.cut.terminations
    assert "orbital(s) [0] of the parent cell" in cut.cut.terminations


@pytest.mark.parametrize("bad", [[10], [1, 1], ["a"], [1.5], [True], list(range(10)), None])
def test_bad_orbitals_raise_model_error(bad):
    with pytest.raises(ModelError):
        remove_orbitals(haldane().ribbon(5), bad)


def test_time_reversal_is_restricted_or_refused():
    rib = haldane(t2=0.0).ribbon(3)  # TR-invariant: U = 1
    assert remove_orbitals(rib, [5]).time_reversal.dim == 5
    # spin-1/2: U couples the two spin states of one site; removing one of them must raise
    spinful = TightBindingModel(np.eye(2), np.zeros((2, 2)), [(0, 0, (1, 0), 1.0),
                                (1, 1, (1, 0), 1.0)], time_reversal=TimeReversal.spinful(1))
    with pytest.raises(ModelError, match="couples kept and removed"):
        remove_orbitals(spinful, [1])
