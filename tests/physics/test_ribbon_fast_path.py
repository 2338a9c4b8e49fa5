"""The ribbon k-chunk fast path (fewest matrix products) equals the plain formulation
``delta<A_mu> = Tr[A P_mu U R U^dagger]`` built from the public pieces (response_matrices,
to_orbital, site_traces), including degenerate flat edge bands and the finite-eta part.
Expected: equality at rounding level relative to each part's scale."""
import numpy as np
import pytest

from lrtheory.bands import Eigensystem
from lrtheory.models import haldane
from lrtheory.response import density as d


def _plain(k, model, ef, eta):
    es = Eigensystem.compute(model, k, check=False)
    ops = d.ribbon_site_operators(model, k)
    out = {}
    for part, R in d.response_matrices(es, ef, eta=eta).items():
        for name, val in d.site_traces(d.to_orbital(es, R), ops).items():
            out[f"{part}_{name}"] = val
    return out


@pytest.mark.parametrize("params,ef,eta", [
    ((1, 0.06, np.pi / 2, 0.5), 1.5, None),
    ((1, 0.0, 0.0, 0.0), 0.0, 0.01),          # graphene: degenerate flat edge bands
    ((1, 0.06, np.pi / 2, 0.0), 0.0, 0.05),   # Chern phase, edge states at E_F
])
def test_fast_chunk_equals_plain_formulation(params, ef, eta):
    model = haldane(*params).ribbon(6)
    k = model.k_grid(48)
    fast = d._chunk_profiles(k, model=model, ef=ef, temperature=0.0,
                             smearing=d.DEFAULT_SMEARING, eta=eta, degen_tol=1e-8)
    ref = _plain(k, model, ef, eta)
    assert sorted(fast) == sorted(ref)
    # rounding relative to the largest response (parts that vanish by symmetry are ~1e-16)
    scale = max(np.abs(v).max() for v in ref.values())
    for key in ref:
        np.testing.assert_allclose(fast[key], ref[key], rtol=0, atol=1e-12 * scale)


def test_protocol_model_without_fast_path():
    """A ribbon given only through the protocol (hamiltonian, velocity, transverse positions)
    gives the same profiles as the TightBindingModel it wraps."""
    rib = haldane(1, 0.06, np.pi / 2, 0.5).ribbon(5)

    class Plain:
        dim, n_orbitals = rib.dim, rib.n_orbitals
        positions, lattice_vectors = rib.positions, rib.lattice_vectors
        hamiltonian, velocity = rib.hamiltonian, rib.velocity
        transverse_positions = rib.transverse_positions
        k_grid = rib.k_grid

    a = d.ribbon_accumulation(rib, 1.5, nk=64, convergence=False)
    b = d.ribbon_accumulation(Plain(), 1.5, nk=64, convergence=False)
    for key in a.profiles:
        np.testing.assert_allclose(b.profiles[key], a.profiles[key], rtol=0, atol=1e-14)
