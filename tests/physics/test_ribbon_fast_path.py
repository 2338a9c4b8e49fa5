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


# -- band_traces (the work after eigh) in a random gauge on random ribbons ---------------------
def _random_ribbon(rng, width, n_cell=2, copies=1):
    """A random 2D tight-binding model (random on-site energies and complex hoppings to the
    neighbouring cells) cut into a ribbon; ``copies = 2`` doubles every orbital with the same
    Hamiltonian (two decoupled identical copies: exact degeneracy of every band at every k)."""
    from lrtheory.models.tightbinding import Hopping, TightBindingModel

    lat = np.array([[1.0, 0.0], [0.3, 1.1]])
    pos = rng.uniform(0, 1, (n_cell, 2)) @ lat
    hops = []
    for R in [(0, 0), (1, 0), (0, 1), (1, -1)]:
        for i in range(n_cell):
            for j in range(n_cell):
                if R == (0, 0) and j <= i:
                    continue
                hops.append((i, j, R, complex(rng.normal(), rng.normal())))
    onsite = rng.normal(size=n_cell)
    if copies == 2:
        pos = np.vstack([pos, pos])
        hops = hops + [(i + n_cell, j + n_cell, R, t) for i, j, R, t in hops]
        onsite = np.r_[onsite, onsite]
    hops = [Hopping(i, j, R, t) for i, j, R, t in hops]
    return TightBindingModel(lat, pos, hops, onsite=onsite, name="random").ribbon(width)


def _plain_gauge(es, model, ef, eta, T):
    ops = d.ribbon_site_operators(model, es.k)
    out = {}
    for part, R in d.response_matrices(es, ef, eta=eta, temperature=T).items():
        for name, val in d.site_traces(d.to_orbital(es, R), ops).items():
            out[f"{part}_{name}"] = val
    return out


def _band_traces(es, model, **kw):
    from lrtheory.response.ribbon_ksum import band_traces, ribbon_bandwidth

    H, V = model.hamiltonian_and_velocity(es.k)
    per_k = band_traces(es.energies, es.states, H, V[:, 0],
                        y=np.asarray(model.transverse_positions(), float),
                        bandwidth=ribbon_bandwidth(model), smearing=d.DEFAULT_SMEARING,
                        degen_tol=1e-8, **kw)
    return {key: v.sum(0) for key, v in per_k.items()}


@pytest.mark.parametrize("width,copies,banded", [(3, 1, False), (16, 1, True), (12, 2, True),
                                                (4, 2, False)])
@pytest.mark.parametrize("ef_frac,eta,T", [(0.5, None, 0.0), (0.3, 0.05, 0.0),
                                          (0.7, None, 0.08), (0.45, 0.03, 0.05)])
def test_band_traces_random_ribbon_random_gauge(rng, width, copies, banded, ef_frac, eta, T):
    """Expected: the plain formula (response matrices, U R U^dagger, site traces; all n x n)
    in the same random gauge (random phases, random rotations inside degenerate blocks), to
    rounding relative to the largest trace; and the same numbers in the gauge of eigh
    (gauge invariance). E_F at a fraction of the spectrum, so that the window, the
    Fermi-surface bands and the interband block are all non-trivial."""
    from lrtheory.bands import Eigensystem
    from lrtheory.response.ribbon_ksum import ribbon_bandwidth

    model = _random_ribbon(rng, width, copies=copies)
    w = ribbon_bandwidth(model)
    assert (2 * w + 1 <= model.n_orbitals // 4) == banded  # the route meant to be tested
    k = rng.uniform(-np.pi, np.pi, (6, 1))
    es = Eigensystem.compute(model, k, check=False)
    e = es.energies
    ef = float(e.min() + ef_frac * (e.max() - e.min()))
    es_r = es.randomize_gauge(rng)
    if copies == 2:  # the rotations really mix the copies
        assert np.abs(es_r.states - es.states).max() > 0.1
    ref = _plain_gauge(es_r, model, ef, eta, T)
    fast = _band_traces(es_r, model, ef=ef, temperature=T, eta=eta)
    fast_eigh = _band_traces(es, model, ef=ef, temperature=T, eta=eta)
    assert sorted(fast) == sorted(ref)
    scale = max(np.abs(v).max() for v in ref.values())
    assert scale > 1e-3
    for key in ref:
        np.testing.assert_allclose(fast[key], ref[key], rtol=0, atol=1e-12 * scale)
        np.testing.assert_allclose(fast_eigh[key], ref[key], rtol=0, atol=1e-12 * scale)


def test_band_traces_notice_a_wrong_gauge(rng):
    """Counter-example: eigenvectors of two different bands swapped (not a gauge
    transformation) change the traces far beyond the tolerance above."""
    from lrtheory.bands import Eigensystem

    model = _random_ribbon(rng, 12)
    es = Eigensystem.compute(model, rng.uniform(-np.pi, np.pi, (4, 1)), check=False)
    e = es.energies
    ef = float(np.median(e))
    ref = _band_traces(es, model, ef=ef, temperature=0.0, eta=None)
    n = e.shape[-1]
    a = int(np.argmin(np.abs(e[0] - ef)))
    b = (a + 1) % n
    swapped = es.states.copy()
    swapped[:, :, [a, b]] = swapped[:, :, [b, a]]
    from dataclasses import replace

    bad = _band_traces(replace(es, states=swapped), model, ef=ef, temperature=0.0, eta=None)
    scale = max(np.abs(v).max() for v in ref.values())
    assert max(np.abs(bad[key] - ref[key]).max() for key in ref) > 1e-3 * scale


def test_degenerate_pairs_of_the_interband_block_brute_force(rng):
    """The neighbour-gap test of the interband block equals the search over every pair
    ``a < b``, ``a < hi``, ``b >= lo`` (ascending energies with planted near-degeneracies)."""
    from lrtheory.response.ribbon_ksum import _degenerate_in_block

    tol = 1e-8
    seen = set()
    for _ in range(400):
        n = int(rng.integers(1, 9))
        e = np.sort(rng.uniform(-1, 1, (3, n)), axis=-1)
        if n > 1 and rng.random() < 0.7:  # plant a gap of 0, 0.5, 1.5 or 3 tol at one k
            k0, j = int(rng.integers(0, 3)), int(rng.integers(0, n - 1))
            e[k0, j + 1:] += e[k0, j] - e[k0, j + 1] + rng.choice([0.0, 0.5, 1.5, 3.0]) * tol
        lo = int(rng.integers(0, n + 1))
        hi = int(rng.integers(lo, n + 1))
        brute = any(e[k, b] - e[k, a] <= 2 * tol for k in range(3) for a in range(hi)
                    for b in range(max(lo, a + 1), n))
        assert _degenerate_in_block(e, lo, hi, tol) == brute, (e, lo, hi)
        seen.add(brute)
    assert seen == {True, False}


def test_vecdot_fallback_for_numpy_1(rng):
    """The NumPy < 2 stand-in of ``np.vecdot`` conjugates its first argument like it
    (expected: the explicit sum; a version without the conjugate fails this)."""
    from lrtheory.response.ribbon_ksum import _vecdot_einsum

    a = rng.normal(size=(2, 3, 5)) + 1j * rng.normal(size=(2, 3, 5))
    b = rng.normal(size=(2, 3, 5)) + 1j * rng.normal(size=(2, 3, 5))
    np.testing.assert_allclose(_vecdot_einsum(a, b), (np.conj(a) * b).sum(-1), rtol=1e-14)
    assert np.abs(_vecdot_einsum(a, b) - (a * b).sum(-1)).max() > 0.1
