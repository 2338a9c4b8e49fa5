"""KPM (lrtheory.kpm) against exact diagonalization on small samples (issue #16 items 3-4).

Three kinds of check, each with its tolerance stated:

* **exact trace**: the stochastic estimators summed over the columns of the identity are the
  exact traces; they must equal the same Chebyshev expansion evaluated on exact eigenstates
  (lrtheory.kpm.exact) to rounding (TOL_NUMERIC);
* **stochastic error**: with R random-phase vectors the estimate differs from the exact-trace
  value by its own standard error ``std/sqrt(R)`` (which scales as ``1/sqrt(R D)``): the
  z-scores must have rms ~ 1 and no |z| > 5 (for ~100 sites, P(|z| > 5) ~ 1e-4);
* **physics**: the Lorentz kernel is a Lorentzian of half width ``lam a sqrt(1-x^2)/N``
  (agreement within 5%: the kernel is a Poisson kernel in ``arccos x``, Lorentzian only to
  first order); the Jackson kernel a near-Gaussian of standard deviation ``pi a sqrt(1-x^2)/N``
  (within 15%); the Bastin Hall conductivity tends to the clean Kubo formula (Eq. 17, eta -> 0)
  in a gap as N grows, and a torus of L x L cells equals the Bloch model on an L x L grid.
  Counter-examples: too few moments fail the resolution test and the Hall test.
"""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from lrtheory import kpm
from lrtheory.conventions import ELECTRON_CHARGE
from lrtheory.errors import LrtheoryError
from lrtheory.kpm import chebyshev as cb
from lrtheory.kpm import exact
from lrtheory.kpm.quantities import site_traces
from lrtheory.models.haldane import haldane
from tests.tolerances import TOL, TOL_NUMERIC

SZ = np.diag([1.0, -1.0])


@pytest.fixture(scope="module")
def torus():
    """8 x 8 Haldane torus (128 orbitals), Chern insulator: gap |E| < 3 sqrt3 t2 = 0.52."""
    return kpm.supercell(haldane(t2=0.1, phi=np.pi / 2), 8)


@pytest.fixture(scope="module")
def flake():
    """Open 6 x 5 Haldane flake with a staggered potential (60 orbitals, no symmetry)."""
    return kpm.supercell(haldane(t2=0.1, phi=np.pi / 2, delta=0.2), (6, 5), periodic=False)


# -- samples ----------------------------------------------------------------------------------

def test_supercell_is_the_dense_flake_and_the_bloch_torus():
    m = haldane(t2=0.1, phi=0.7, delta=0.3)
    s = kpm.supercell(m, (3, 4), periodic=False)
    H, pos = m.flake(3, 4)  # the dense builder of lrtheory.models.cuts
    np.testing.assert_allclose(s.hamiltonian.toarray(), H, **TOL)
    np.testing.assert_allclose(s.positions, pos, **TOL)
    # open sample: v = i [H, r] from positions and from bond vectors agree
    ref = kpm.from_hamiltonian(H, pos, volume=s.volume)
    for a in range(2):
        np.testing.assert_allclose(s.velocity[a].toarray(), ref.velocity[a].toarray(), **TOL)
    # torus: spectrum = Bloch bands on the L1 x L2 grid
    t = kpm.supercell(m, (4, 3))
    k1, k2 = np.meshgrid(np.arange(4) / 4, np.arange(3) / 3, indexing="ij")
    b = 2 * np.pi * np.linalg.inv(m.lattice_vectors).T
    k = np.stack([k1.ravel(), k2.ravel()], 1) @ b
    bands = np.sort(np.linalg.eigvalsh(m.hamiltonian(k)).ravel())
    np.testing.assert_allclose(np.linalg.eigvalsh(t.hamiltonian.toarray()), bands, atol=1e-10)


def test_bounds_contain_the_spectrum(flake):
    e = np.linalg.eigvalsh(flake.hamiltonian.toarray())
    for method in ("gershgorin", "lanczos"):
        s = kpm.spectral_bounds(flake.hamiltonian, method=method)
        assert np.all(np.abs(s.to_unit(e)) <= 1 / (1 + s.margin) + 1e-6)
    g = kpm.spectral_bounds(flake.hamiltonian)
    assert g.e_min <= e[0] and g.e_max >= e[-1]  # Gershgorin is rigorous


def test_bad_input_is_one_clear_error(flake):
    with pytest.raises(LrtheoryError, match="n_moments"):
        kpm.density_of_states(flake, [0.0], n_moments=1)
    with pytest.raises(LrtheoryError, match="inside"):
        kpm.density_of_states(flake, [50.0])
    with pytest.raises(LrtheoryError, match="Hermitian"):
        kpm.from_hamiltonian(sp.csr_matrix(np.array([[0, 1], [0, 0]])), [[0.0], [1.0]], volume=1)
    with pytest.raises(LrtheoryError, match="kernel"):
        kpm.kernel_factors(10, "gauss")
    with pytest.raises(LrtheoryError, match="periodic"):
        kpm.supercell(haldane(), (2, 5))


# -- density of states ------------------------------------------------------------------------

def test_dos_moments_exact_trace_and_stochastic(flake):
    sc = kpm.spectral_bounds(flake.hamiltonian)
    E = np.linspace(-2.5, 2.5, 21)
    ref = exact.kernel_dos(flake, E, 96, scaling=sc)
    Ht = cb.rescaled(flake.hamiltonian, sc)
    D = flake.n_orbitals
    mu = cb.dos_moments(Ht, np.eye(D, dtype=complex), 96).real.sum(0) / D
    g = cb.kernel_factors(96)
    dos = mu @ cb.delta_coefficients(96, sc.to_unit(E), g) / sc.half_width
    np.testing.assert_allclose(dos, ref, **TOL_NUMERIC)
    r = kpm.density_of_states(flake, E, n_moments=96, n_vectors=24, seed=3)
    z = (r.values["dos"] - ref) / r.error["dos"]
    assert np.max(np.abs(z)) < 5 and 0.4 < np.sqrt(np.mean(z ** 2)) < 2
    # stochastic error ~ 1/sqrt(R D): four times the vectors, half the error (within 35%)
    r4 = kpm.density_of_states(flake, E, n_moments=96, n_vectors=96, seed=3)
    ratio = np.mean(r.error["dos"]) / np.mean(r4.error["dos"])
    assert 1.3 < ratio < 2.7
    assert r.settings["n_vectors"] == 24 and r.settings["kernel"] == "jackson"


def test_lorentz_kernel_is_a_lorentzian_of_half_width_lam_a_over_n(flake):
    sc = kpm.spectral_bounds(flake.hamiltonian)
    E = np.linspace(-2.5, 2.5, 11)
    for N in (128, 512):
        gam = cb.resolution(N, sc.half_width, "lorentz", 4.0, sc.to_unit(E))
        k = exact.kernel_dos(flake, E, N, kernel="lorentz", scaling=sc)
        lor = np.array([exact.lorentzian_dos(flake, [e], w)[0] for e, w in zip(E, gam)])
        assert np.max(np.abs(k - lor)) < 0.05 * lor.max()
    # counter-example: the same comparison with the centre width everywhere (no sqrt(1-x^2))
    gam0 = cb.resolution(128, sc.half_width, "lorentz", 4.0)
    lor0 = exact.lorentzian_dos(flake, E, gam0)
    k = exact.kernel_dos(flake, E, 128, kernel="lorentz", scaling=sc)
    assert np.max(np.abs(k - lor0)) > 0.05 * lor0.max()


def _two_levels(split):
    """Half the states at -split/2, half at +split/2, a few at +-2 t0 (the bandwidth)."""
    e = np.concatenate([np.full(40, -split / 2), np.full(40, split / 2), [-2.0, 2.0]])
    return kpm.from_hamiltonian(sp.diags(e), np.zeros((e.size, 1)), volume=1.0)


def test_jackson_resolution_pi_a_over_n_and_too_few_moments_fail():
    s = _two_levels(0.0)
    sc = kpm.spectral_bounds(s.hamiltonian)
    E = np.linspace(-1, 1, 2001)
    for N in (64, 256):
        d = exact.kernel_dos(s, E, N, scaling=sc)
        w = d / np.trapezoid(d, E)
        sigma = np.sqrt(np.trapezoid(w * E ** 2, E))
        assert abs(sigma / cb.resolution(N, sc.half_width) - 1) < 0.15
    # two levels 0.2 t0 apart: resolved (a dip between them) with N = 256, not with N = 16
    s = _two_levels(0.2)
    for N, resolved in ((256, True), (16, False)):
        r = kpm.density_of_states(s, [-0.1, 0.0, 0.1], n_moments=N, n_vectors=4)
        dip = r.values["dos"][1] / r.values["dos"][[0, 2]].mean()
        assert (dip < 0.5) == resolved, (N, dip)


# -- Kubo-Bastin Hall -------------------------------------------------------------------------

def test_torus_kubo_equals_bloch_hall(torus):
    from lrtheory.response.hall import hall_conductivity

    ef = np.array([0.0, 1.5])
    for op in ("charge", None, SZ):
        bloch = hall_conductivity(haldane(t2=0.1, phi=np.pi / 2), ef, nk=8, operator=op)
        np.testing.assert_allclose(exact.kubo_hall(torus, ef, operator=op),
                                   bloch.values["sigma"], **TOL_NUMERIC)


def test_bastin_moments_exact_trace(flake):
    sc = kpm.spectral_bounds(flake.hamiltonian, margin=0.1)
    Ht = cb.rescaled(flake.hamiltonian, sc)
    A = kpm.current_operator(flake, SZ, 0)
    B = flake.velocity[1]
    eye = np.eye(flake.n_orbitals, dtype=complex)
    mu = cb.moments_2d(Ht, A, B, eye, 48, block_bytes=16 * 60 * 60 * 7).sum(0)  # 7-m blocks
    ref = exact.bastin_moments(flake, A, B, 48, sc)
    assert np.abs(ref).max() > 0.05  # not a comparison of zeros
    np.testing.assert_allclose(mu, ref, rtol=0, atol=1e-11 * np.abs(ref).max())


def test_bastin_hall_tends_to_kubo_in_the_gap(torus):
    ef = np.array([-0.2, 0.0, 0.2])
    kubo = exact.kubo_hall(torus, ef) * 2 * np.pi  # 1.0092 e^2/h (8 x 8 grid)
    sc = kpm.spectral_bounds(torus.hamiltonian, margin=kpm.quantities.HALL_MARGIN)
    A, B = kpm.current_operator(torus, "charge", 0), torus.velocity[1]
    mu = exact.bastin_moments(torus, A, B, 384, sc)

    def sigma(N):
        return (ELECTRON_CHARGE * cb.bastin_sigma(mu[:N, :N], cb.kernel_factors(N),
                                                  sc.to_unit(ef))
                * 2 * np.pi / (sc.half_width ** 2 * torus.volume))

    assert np.max(np.abs(sigma(384) - kubo)) < 0.03  # resolution 0.03 t0 << gap 0.5 t0
    assert np.max(np.abs(sigma(24) - kubo)) > 0.1  # counter-example: resolution ~ the gap
    # the stochastic estimate against the exact trace of the same expansion
    r = kpm.hall_conductivity(torus, ef, n_moments=96, n_vectors=6, seed=1)
    z = (r.values["sigma_e2h"] - sigma(96)) / r.error["sigma_e2h"]
    assert np.max(np.abs(z)) < 5
    assert r.units["sigma_e2h"] == "e^2/h" and r.settings["operator"] == "charge"


def test_operator_hall_stochastic_vs_exact(flake):
    ef = np.array([-0.7, 1.2])
    sc = kpm.spectral_bounds(flake.hamiltonian, margin=kpm.quantities.HALL_MARGIN)
    A, B = kpm.current_operator(flake, SZ, 0), flake.velocity[1]
    N = 64
    ex = (ELECTRON_CHARGE * cb.bastin_sigma(exact.bastin_moments(flake, A, B, N, sc),
                                            cb.kernel_factors(N), sc.to_unit(ef))
          / (sc.half_width ** 2 * flake.volume))
    assert np.abs(ex).min() > 1e-4  # not zero by symmetry
    r = kpm.hall_conductivity(flake, ef, operator=SZ, n_moments=N, n_vectors=6, seed=2)
    assert np.max(np.abs((r.values["sigma"] - ex) / r.error["sigma"])) < 5


def test_bastin_symmetric_part_is_kubo_greenwood(flake):
    """The symmetric part of the Bastin tensor is the dissipative Kubo-Greenwood conductivity
    ``pi Tr[v_a delta v_b delta]/volume`` (> 0 for a = b) with the kernel's deltas, plus the
    non-resonant RR + AA (Streda I-b) term, which is O(resolution/bandwidth): 1e-4 relative
    here, so 1 %. Counter-example: lrtheory before issue #16's pybinding comparison (``mu_nm``
    in moments_2d's order, which flips the Hall part, times ``+e`` instead of ``q``, which
    flips both): Hall part right, this one flipped (``sigma_xx = -KG``)."""
    sc = kpm.spectral_bounds(flake.hamiltonian, margin=kpm.quantities.HALL_MARGIN)
    ef, N = np.array([-1.5, 0.0, 1.5]), 128
    g = cb.kernel_factors(N)
    e, U = np.linalg.eigh(flake.hamiltonian.toarray())
    v = [U.conj().T @ flake.velocity[a].toarray() @ U for a in (0, 1)]
    dl = cb.chebyshev_T(N, sc.to_unit(e)) @ cb.delta_coefficients(N, sc.to_unit(ef), g)
    dl /= sc.half_width  # (D, E) deltas of the exact eigenvalues, 1/t0
    for a, b in ((0, 0), (1, 1), (0, 1)):
        kg = np.pi * np.einsum("ae,ab,ba,be->e", dl, v[a], v[b], dl).real / flake.volume
        mu = exact.bastin_moments(flake, kpm.current_operator(flake, "charge", a),
                                  flake.velocity[b], N, sc)
        mu_t = exact.bastin_moments(flake, kpm.current_operator(flake, "charge", b),
                                    flake.velocity[a], N, sc)
        pref = ELECTRON_CHARGE / (sc.half_width ** 2 * flake.volume)
        sym = 0.5 * pref * (cb.bastin_sigma(mu, g, sc.to_unit(ef))
                            + cb.bastin_sigma(mu_t, g, sc.to_unit(ef)))
        assert np.abs(kg).max() > 0.05  # not a comparison of zeros
        np.testing.assert_allclose(sym, kg, rtol=1e-2, atol=1e-3 * np.abs(kg).max())
        # the old convention: moments in moments_2d's order, prefactor +e (Hall part the same)
        wrong = -0.5 * pref * (cb.bastin_sigma(mu.T, g, sc.to_unit(ef))
                               + cb.bastin_sigma(mu_t.T, g, sc.to_unit(ef)))
        assert np.max(np.abs(wrong - kg)) > 0.5 * np.abs(kg).max()  # counter-example
    r = kpm.hall_conductivity(flake, ef, directions=(0, 0), n_moments=64, n_vectors=4)
    assert np.all(r.values["sigma"] > 0)  # dissipative: sigma_xx > 0


# -- site-resolved accumulation ---------------------------------------------------------------

def test_accumulation_exact_trace_stochastic_and_lorentzian(flake):
    sc = kpm.spectral_bounds(flake.hamiltonian)
    ef, N = np.array([1.2, -0.9]), 64
    g = cb.kernel_factors(N, "lorentz", 4.0)
    coeff = cb.delta_coefficients(N, sc.to_unit(ef), g) / sc.half_width
    O = kpm.density_operator(flake, SZ)
    V = flake.velocity_along((1.0, 0.0))
    Ht = cb.rescaled(flake.hamiltonian, sc)
    eye = np.eye(flake.n_orbitals, dtype=complex)
    full = site_traces(Ht, O, V, coeff, eye, flake.site, flake.n_sites).sum(2)
    ref = exact.kg_accumulation(flake, ef, operator=SZ, n_moments=N, scaling=sc)
    np.testing.assert_allclose(full, ref, rtol=1e-9, atol=1e-12)
    r = kpm.fermi_surface_accumulation(flake, ef, operator=SZ, n_moments=N, n_vectors=16)
    z = (r.values["accumulation"] - ref) / r.error["accumulation"]
    assert np.max(np.abs(z)) < 5 and 0.6 < np.sqrt(np.mean(z ** 2)) < 1.5
    # the Lorentz kernel's accumulation is the Lorentzian-delta one (half width lam a/N)
    for k, e in enumerate(ef):
        gam = cb.resolution(256, sc.half_width, "lorentz", 4.0, sc.to_unit(e))
        kern = exact.kg_accumulation(flake, [e], operator=SZ, n_moments=256, scaling=sc)
        lor = exact.kg_accumulation(flake, [e], operator=SZ, gamma=gam)
        assert np.max(np.abs(kern - lor)) < 0.1 * np.max(np.abs(lor))
    assert r.settings["eta_equivalent"] is not None


def test_charge_accumulation_vanishes_on_a_torus(torus):
    """Translation invariance: every site of the torus is the same, and the total of the
    charge response is Tr[delta v delta] = 0 (v = i[H, x] has no diagonal in the eigenbasis
    of a non-degenerate... and a real trace of a commutator-like term): so each site is 0."""
    ref = exact.kg_accumulation(torus, [1.2], n_moments=64)
    assert np.max(np.abs(ref)) < 1e-12
    r = kpm.fermi_surface_accumulation(torus, [1.2], n_moments=64, n_vectors=16)
    assert np.max(np.abs(r.values["accumulation"] / r.error["accumulation"])) < 5


def test_executors_give_the_same_numbers(flake):
    kw = dict(n_moments=32, n_vectors=4, vectors_per_chunk=1)
    a = kpm.density_of_states(flake, [0.5, 1.0], **kw)
    b = kpm.density_of_states(flake, [0.5, 1.0], workers=2, **kw)
    np.testing.assert_allclose(a.values["dos"], b.values["dos"], **TOL)
    c = kpm.density_of_states(flake, [0.5, 1.0], n_moments=32, n_vectors=4,
                              vectors_per_chunk=3)
    np.testing.assert_allclose(a.values["dos"], c.values["dos"], **TOL_NUMERIC)


def test_valley_operator_and_c3_forbids_a_bulk_valley_accumulation():
    from lrtheory.kpm.sample import honeycomb_valley_model

    vm = honeycomb_valley_model()
    K = np.array([[4 * np.pi / 3, 0.0], [-4 * np.pi / 3, 0.0]])
    np.testing.assert_allclose(vm.hamiltonian(K), [np.eye(2), -np.eye(2)], **TOL)
    # TR-invariant gapped graphene: the valley density is TR-odd, so it accumulates only in
    # the Fermi-surface (Kubo-Greenwood) form; in the bulk C3 forces chi . E = 0 ...
    model = haldane(t2=0.0, delta=0.3)
    for cells, c3 in ((12, True), ((12, 10), False)):  # ... unless the k grid breaks C3
        s = kpm.supercell(model, cells)
        V = kpm.supercell(vm, cells).hamiltonian
        chi = exact.kg_accumulation(s, [0.8], operator=V, n_moments=128)
        assert (np.max(np.abs(chi)) < 1e-12) == c3


def test_dask_gives_the_same_numbers(flake):
    pytest.importorskip("distributed")
    kw = dict(n_moments=32, n_vectors=2, vectors_per_chunk=1)
    a = kpm.fermi_surface_accumulation(flake, [1.0], **kw)
    b = kpm.fermi_surface_accumulation(flake, [1.0], scheduler="local:2", **kw)
    np.testing.assert_array_equal(a.values["accumulation"], b.values["accumulation"])


def test_one_vector_gives_no_error_estimate(flake):
    r = kpm.density_of_states(flake, [0.5], n_moments=16, n_vectors=1)
    assert r.error == {} and np.isfinite(r.values["dos"]).all()


def test_tr_even_densities_do_not_accumulate_in_the_fermi_surface_form():
    """TR-invariant gapped graphene, open flake: the Kubo-Greenwood (dissipative) response of a
    TR-even density (charge, sublattice) vanishes; that of the TR-odd valley density does not
    (the paper's statement, in this form: H real, v imaginary, so Tr[A delta v delta] is
    imaginary for a real A and real for an imaginary one)."""
    from lrtheory.kpm.sample import honeycomb_valley_model

    s = kpm.supercell(haldane(t2=0.0, delta=0.3), (6, 5), periodic=False)
    V = kpm.supercell(honeycomb_valley_model(), (6, 5), periodic=False).hamiltonian
    for op, odd in ((SZ, False), (None, False), (V, True)):
        chi = exact.kg_accumulation(s, [0.8], operator=op, n_moments=128)
        assert (np.max(np.abs(chi)) > 1e-2) == odd


def test_orbital_moment_operator_is_the_finite_one_and_its_density_accumulates():
    from lrtheory.finite.examples import haldane_flake
    from lrtheory.finite.observables import orbital_moment

    fs = haldane_flake(4, 3, t2=0.0, delta=0.3)  # TR-invariant gapped graphene flake
    s = kpm.from_finite(fs)
    origin = np.array([0.3, -0.2])
    m = kpm.orbital_moment_operator(s, origin)
    np.testing.assert_allclose(m.toarray(), orbital_moment(fs, origin), **TOL)
    # the OMM density is TR-odd: it accumulates in the Fermi-surface form (unlike charge)
    chi = exact.kg_accumulation(s, [0.8], operator=m, n_moments=96)
    assert np.max(np.abs(chi)) > 1e-2
    with pytest.raises(LrtheoryError, match="open sample"):
        kpm.orbital_moment_operator(kpm.supercell(haldane(), 4))
