"""The ribbon k-chunk fast path (fewest matrix products) equals the plain formulation
``delta<A_mu> = Tr[A P_mu U R U^dagger]`` built from the public pieces (response_matrices,
to_orbital, site_traces), including degenerate flat edge bands and the finite-eta part.
Expected: equality at rounding level relative to each part's scale."""
import numpy as np
import pytest

from lrtheory.bands import Eigensystem
from lrtheory.models import haldane
from lrtheory.response import density as d


def _plain(k, model, ef, eta, T=0.0):
    es = Eigensystem.compute(model, k, check=False)
    ops = d.ribbon_site_operators(model, k)
    out = {}
    for part, R in d.response_matrices(es, ef, eta=eta, temperature=T).items():
        for name, val in d.site_traces(d.to_orbital(es, R), ops).items():
            out[f"{part}_{name}"] = val
    return out


@pytest.mark.parametrize("width", [6, 24])  # dense path (n = 12), banded path (n = 48)
@pytest.mark.parametrize("params,ef,eta,T", [
    ((1, 0.06, np.pi / 2, 0.5), 1.5, None, 0.0),
    ((1, 0.0, 0.0, 0.0), 0.0, 0.01, 0.0),          # graphene: degenerate flat edge bands
    ((1, 0.06, np.pi / 2, 0.0), 0.0, 0.05, 0.0),   # Chern phase, edge states at E_F
    ((1, 0.06, np.pi / 2, 0.5), 0.0, None, 0.0),   # trivial insulator: band blocks skipped
    ((1, 0.06, np.pi / 2, 0.5), 0.0, 0.02, 0.05),  # the same at finite T and eta
    ((1, 0.06, np.pi / 2, 0.5), -2.9, None, 0.1),  # near the band bottom, hot
])
def test_fast_chunk_equals_plain_formulation(params, ef, eta, T, width):
    model = haldane(*params).ribbon(width)
    k = model.k_grid(48 if width < 20 else 16)
    fast = d._chunk_profiles(k, model=model, ef=ef, temperature=T,
                             smearing=d.DEFAULT_SMEARING, eta=eta, degen_tol=1e-8)
    ref = _plain(k, model, ef, eta, T)
    assert sorted(fast) == sorted(ref)
    # rounding relative to the largest response (parts that vanish by symmetry are ~1e-16)
    scale = max(np.abs(v).max() for v in ref.values())
    for key in ref:
        np.testing.assert_allclose(fast[key], ref[key], rtol=0, atol=1e-12 * scale)


def test_protocol_model_without_fast_path():
    """A ribbon given only through the protocol (hamiltonian, velocity, transverse positions)
    gives the same profiles as the TightBindingModel it wraps."""
    rib = haldane(1, 0.06, np.pi / 2, 0.5).ribbon(5)

    from lrtheory.models.protocol import Ribbon

    class Plain(Ribbon):
        dim, n_orbitals = rib.dim, rib.n_orbitals
        positions, lattice_vectors = rib.positions, rib.lattice_vectors
        hamiltonian, velocity = rib.hamiltonian, rib.velocity
        transverse_positions = rib.transverse_positions
        k_grid = rib.k_grid

    a = d.ribbon_accumulation(rib, 1.5, nk=64, convergence=False)
    b = d.ribbon_accumulation(Plain(), 1.5, nk=64, convergence=False)
    for key in a.profiles:
        np.testing.assert_allclose(b.profiles[key], a.profiles[key], rtol=0, atol=1e-14)


def test_response_band_blocks_brute_force(rng):
    """(lo, hi) are the largest leading and trailing all-zero squares of the weight pattern."""
    for _ in range(200):
        n = int(rng.integers(1, 9))
        pat = rng.random((n, n)) < rng.uniform(0, 0.5)
        pat = pat | pat.T
        w = {"a": np.where(pat, 1.0, 0.0)[None] * (1 + 0j)}
        lo, hi = d.response_band_blocks(w)
        L = max(L for L in range(n + 1) if not pat[:L, :L].any())
        H = min(H for H in range(n + 1) if not pat[H:, H:].any())
        assert (lo, hi) == (L, max(H, L)), (pat, lo, hi)


def test_insulator_skips_the_occupied_and_empty_blocks():
    """At T = 0 with E_F in the gap of a wide trivial ribbon, the off-diagonal weights put
    every band in the leading (occupied) or the trailing (empty) block; the diagonal
    (smeared Fermi-surface) weights reach bands far from E_F and are kept apart."""
    model = haldane(1, 0.06, np.pi / 2, 0.5).ribbon(24)
    k = model.k_grid(16)
    es = Eigensystem.compute(model, k, check=False)
    w = d.occupation_weights(es, 0.0, eta=0.02)
    n = model.n_orbitals
    off = {p: np.where(np.eye(n, dtype=bool), 0, x) for p, x in w.items()}
    assert d.response_band_blocks(off) == (n // 2, n // 2)
    lo, hi = d.response_band_blocks(w)
    assert lo < n // 2 - 4 and hi > n // 2 + 4  # diagonal f' of width 0.02 reaches far
