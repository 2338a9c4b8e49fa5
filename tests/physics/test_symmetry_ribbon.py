"""Ribbon symmetries found numerically and every statement they imply, tested on profiles.

Source: docs/theorems.md "Antiunitary symmetries beyond TR" (reciprocity S2-S3 for any
antiunitary A = U K commuting with H, its unitary and antisymmetric variants, plus spatial
parities of the densities and of x). Every statement of lrtheory.symmetry.statements is
evaluated on the ribbon it is made for with ribbon_accumulation (at E_F and, for
antisymmetries, at -E_F).
"""
import numpy as np
import pytest

from lrtheory.models.haldane import haldane
from lrtheory.models.protocol import Ribbon
from lrtheory.response.density import ribbon_accumulation
from lrtheory.symmetry import (consequences, find_ribbon_symmetries, hopping_table,
                               statements)

CASES = [
    (dict(t2=0.0, delta=0.5), 1.5, {"Theta", "M_x", "M_x Theta"}),
    (dict(t2=0.06, delta=0.5), 0.0, {"M_x Theta"}),
    (dict(t2=0.06, delta=0.5), 1.5, {"M_x Theta"}),
    (dict(t2=0.06, delta=0.0), 0.05, {"M_x Theta", "M_y Theta", "C2"}),
    (dict(t2=0.06, delta=0.3, phi=1.0), 0.9, {"M_x Theta"}),
]


def armchair(W=6, **params):
    """Haldane armchair ribbon along (-1, 2) = (0, sqrt3): B moved to delta_3 so that each
    cell is one A-B dimer line (lrtheory.models.cuts)."""
    return haldane(**params).move_orbital(1, (0, -1)).ribbon(W, direction=(-1, 2))


def _acc(rib, ef):
    return ribbon_accumulation(rib, ef, nk=256, convergence=False)


def _check_all_statements(rib, syms, ef):
    acc = _acc(rib, ef)
    image = _acc(rib, -ef) if any(s.sign < 0 for s in syms) else None
    scale = max(np.abs(v).max() for v in acc.profiles.values())
    sts = statements(rib, syms)
    for st in sts:
        res = st.residual(acc, image)
        assert res <= 1e-10 * scale, f"{st.text}: residual {res:.3g} (scale {scale:.3g})"
    return sts


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
    acc = _acc(rib, ef)
    order = np.argsort(acc.y)
    mirror = np.empty_like(order)
    mirror[order] = order[::-1]
    scale = max(np.abs(v).max() for v in acc.profiles.values())
    n_rules = 0
    for s in syms:  # zigzag: every operation fixes the orbitals or maps y -> -y in order
        for dens, rules in consequences(s).items():
            for part, (c, ry) in rules.items():
                prof = acc.get(part, dens)
                image = prof if ry == 1 else prof[mirror]
                np.testing.assert_allclose(prof, c * image, rtol=0, atol=1e-10 * scale,
                                           err_msg=f"{s.name}: {part} {dens}")
                n_rules += 1
    assert n_rules == 8 * len([s for s in syms if s.sign > 0])
    _check_all_statements(rib, syms, ef)


RIBBONS = {
    "zigzag": lambda **p: haldane(**p).ribbon(6),
    "armchair": lambda **p: armchair(6, **p),
    "bearded": lambda **p: haldane(**p).move_orbital(1, (0, -1)).ribbon(5),
    "periodic=1": lambda **p: haldane(**p).ribbon(5, periodic=1),
}
PARAMS = [dict(t2=0.0, delta=0.0), dict(t2=0.06, delta=0.0), dict(t2=0.06, delta=0.5),
          dict(t2=0.06, delta=0.5, phi=1.0)]


@pytest.mark.parametrize("cut", sorted(RIBBONS))
@pytest.mark.parametrize("params", PARAMS, ids=lambda p: ",".join(f"{k}={v}" for k, v in
                                                                   p.items()))
@pytest.mark.parametrize("ef", [0.0, 1.4])
def test_every_statement_holds_on_its_ribbon(cut, params, ef):
    if ef == 0.0 and params == dict(t2=0.0, delta=0.0):
        ef = 0.3  # graphene: flat zero-energy edge bands at E_F = 0 (ill-conditioned k-sum)
    rib = RIBBONS[cut](**params)
    syms = find_ribbon_symmetries(rib)
    assert syms  # M_x Theta or M_y Theta exists for every Haldane cut here
    assert _check_all_statements(rib, syms, ef)


def test_armchair_mx_theta_zero_only_per_y_sum():
    # Issue #18, item 2: at Delta = 0 the armchair ribbon has M_x Theta, which exchanges A
    # and B at the same y: the interband charge and OMM are NOT zero per orbital, only their
    # sum over the two orbitals at each y is.
    rib = armchair(6, t2=0.06, delta=0.0)
    syms = find_ribbon_symmetries(rib)
    mxt = [s for s in syms if s.name == "M_x Theta"]
    assert len(mxt) == 1 and not np.all(mxt[0].perm == np.arange(rib.n_orbitals))
    sts = [s for s in statements(rib, syms) if s.symmetry == "M_x Theta"
           and s.part == "interband" and s.quantity == "omm"]
    assert {(s.level, s.relation) for s in sts} == {("orbital", "opposite"),
                                                    ("y-sum", "zero"), ("edge", "zero"),
                                                    ("total", "zero")}
    acc = _acc(rib, 0.0)
    om, ch = acc.get("interband", "omm"), acc.get("interband", "charge")
    assert np.abs(om).max() > 1e-3 and np.abs(ch).max() > 1e-2  # per orbital: not zero
    ysum = next(s for s in sts if s.level == "y-sum")
    assert np.abs(ysum.values(om)).max() < 1e-13
    assert len(ysum.groups) == rib.n_orbitals // 2 and all(len(g) == 2 for g in ysum.groups)


@pytest.mark.parametrize("rib,name", [
    (armchair(6, t2=0.06, delta=0.5), "M_x (anti)"),
    (haldane(t2=0.06, delta=0.5).ribbon(6), "M_y (anti)"),
])
def test_antisymmetry_with_sublattice_sign_is_found(rib, name):
    # Issue #18, item 3: Haldane at phi = pi/2 is not bipartite (t2 != 0), yet the mirror
    # combined with the sublattice sign is an antisymmetry: the phases are solved from the
    # hopping graph. Source: M maps Delta -> -Delta (A <-> B), t2 e^{i pi/2} -> -t2 e^{i pi/2}
    # (flux reversed), and the sublattice sign flips the nearest-neighbour bonds: H -> -H.
    syms = find_ribbon_symmetries(rib)
    s = next(s for s in syms if s.name == name)
    assert not s.antiunitary and s.sign == -1
    U = s.matrix()
    H = rib.hamiltonian(np.array([[0.37]]))[0]
    np.testing.assert_allclose(U @ H @ U.conj().T,
                               -rib.hamiltonian(np.array([[0.37 * s.k_map]]))[0], atol=1e-13)
    # the phases are a sublattice sign: +1 on one sublattice, -1 on the other
    ph = s.phases
    assert set(np.round(ph.real, 12).tolist()) == {1.0, -1.0} and np.all(ph.imag == 0)
    assert np.all(ph[0::2] == ph[0]) and np.all(ph[1::2] == -ph[0])


def test_armchair_in_gap_interband_y_sums_vanish_by_the_antisymmetry():
    # Issue #18, item 3: armchair, Delta = 0.5, phi = pi/2, E_F in the gap (0 and 0.1): the
    # interband charge, j_x and OMM summed over the two orbitals at each y vanish (M_x (anti):
    # unitary, k -> -k), although they do not per orbital and TR is broken.
    rib = armchair(6, t2=0.06, delta=0.5)
    syms = find_ribbon_symmetries(rib)
    sts = [s for s in statements(rib, syms) if s.symmetry == "M_x (anti)"
           and s.part == "interband" and s.level == "y-sum" and s.relation == "zero"]
    assert {s.quantity for s in sts} == {"charge", "jx", "omm"}
    for ef in (0.0, 0.1):
        acc = _acc(rib, ef)
        for s in sts:
            prof = acc.get("interband", s.quantity)
            assert np.abs(prof).max() > 1e-4
            assert np.abs(s.values(prof)).max() < 1e-15


def test_counter_example_no_antisymmetry_when_t2_cos_phi_breaks_it():
    # phi = 1.0: t2 cos(phi) shifts the two sublattices' bands alike (no E -> -E partner);
    # the spectrum at fixed k is not symmetric, so no antisymmetry can exist.
    for rib in (armchair(6, t2=0.06, delta=0.5, phi=1.0),
                haldane(t2=0.06, delta=0.5, phi=1.0).ribbon(6)):
        syms = find_ribbon_symmetries(rib)
        assert [s.name for s in syms if s.sign < 0] == []
        e = np.linalg.eigvalsh(rib.hamiltonian(rib.k_grid(16)))
        assert np.abs(np.sort(e.ravel()) + np.sort(-e.ravel())).max() > 1e-2


class _Generic(Ribbon):
    """A ribbon that is not a TightBindingModel (no bond table): the hoppings come from
    Fourier coefficients of H(k)."""

    def __init__(self, rib):
        self._r = rib
        self.dim, self.n_orbitals = 1, rib.n_orbitals
        self.positions, self.lattice_vectors = rib.positions, rib.lattice_vectors

    def hamiltonian(self, k):
        return self._r.hamiltonian(k)

    def velocity(self, k):
        return self._r.velocity(k)

    def transverse_positions(self):
        return self._r.transverse_positions()

    @property
    def frame(self):
        return self._r.frame


@pytest.mark.parametrize("rib", [armchair(4, t2=0.06, delta=0.5),
                                 haldane(t2=0.1, phi=0.7, delta=0.2).ribbon(4)])
def test_generic_ribbon_hoppings_from_fourier_coefficients(rib):
    table, generic = hopping_table(rib), hopping_table(_Generic(rib))
    assert set(table) == set(generic)
    assert max(abs(table[key] - generic[key]) for key in table) < 1e-13
    a = [(s.name, s.perm.tolist(), np.round(s.phases, 12).tolist())
         for s in find_ribbon_symmetries(rib)]
    b = [(s.name, s.perm.tolist(), np.round(s.phases, 12).tolist())
         for s in find_ribbon_symmetries(_Generic(rib))]
    assert a == b and a


def test_haldane_has_no_undergap_omm_accumulation_for_any_parameters():
    # Consequence of M_x Theta (module doc) on ZIGZAG ribbons, where it fixes every orbital:
    # interband OMM, charge and J_x vanish at every y even with broken TR, trivial or
    # topological; only the interband J_y survives. (Armchair ribbons: see docs/haldane.md.)
    for params in (dict(t2=0.06, delta=0.5), dict(t2=0.06, delta=0.0), dict(t2=0.1, delta=0.2,
                                                                             phi=0.4)):
        acc = ribbon_accumulation(haldane(**params).ribbon(6), 0.0, nk=256,
                                  convergence=False)
        jy = np.abs(acc.get("interband", "jy")).max()
        assert jy > 1e-4
        for q in ("omm", "charge", "jx"):
            assert np.abs(acc.get("interband", q)).max() < 1e-12 * jy


def test_phases_are_solved_for_a_gauge_transformed_ribbon(rng):
    # A random orbital gauge |mu> -> e^{i theta_mu} |mu> changes every hopping's phase but
    # no physics: the same operations must be found, now with U = D P, D the gauge phases
    # (no sign-pattern guess could find them), and the profiles are unchanged.
    from lrtheory.models.tightbinding import Hopping, TightBindingRibbon

    rib = haldane(t2=0.06, delta=0.5).ribbon(5)
    th = rng.uniform(0, 2 * np.pi, rib.n_orbitals)
    hops = [Hopping(h.i, h.j, h.R, h.t * np.exp(1j * (th[h.j] - th[h.i]))) for h in rib.hoppings]
    g = TightBindingRibbon(rib.lattice_vectors, rib.positions, hops, rib.onsite, None,
                           rib.transverse_axis, "gauged ribbon", {})
    a = find_ribbon_symmetries(rib)
    b = find_ribbon_symmetries(g)
    assert [s.name for s in a] == [s.name for s in b]
    mxt = next(s for s in b if s.name == "M_x Theta")
    assert np.abs(np.abs(mxt.phases) - 1).max() < 1e-12
    assert np.abs(mxt.phases.imag).max() > 0.1  # genuinely complex phases
    for s in b:
        assert s.deviation(g) < 1e-12
    _check_all_statements(g, b, 0.0)


def test_search_refuses_a_bulk_model():
    from lrtheory.errors import ModelError

    with pytest.raises(ModelError, match="needs a Ribbon"):
        find_ribbon_symmetries(haldane(t2=0.06))
