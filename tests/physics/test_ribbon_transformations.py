r"""How every ribbon profile transforms under mirrors, rotations and re-cuts (issue #18).

Quantities: the charge, ``j_x``, ``j_y`` and OMM (``m_z = -(q/2) y j_x``) profiles of
``ribbon_accumulation``, in each part (``intraband`` per unit tau, ``interband``, and the
exact finite-eta ``eta``), per orbital and summed over the ribbon. (The ribbon driver has no
spin density and the Haldane model is spinless: there is no spin entry to transform.) The
ribbon frame is ``x`` along the periodic vector, ``y = z x x`` (right-handed), and the field
``E`` is along ``x``; every profile is linear in ``E``.

**Derivations** (docs/haldane.md, "How ribbon profiles transform"). Let ``S`` be an
orthogonal map of the plane acting on every position of a crystal, hoppings unchanged (the
image crystal). The matrix of ``H`` is the same, the coupling ``E'.(S r) = E.r`` is the same
for ``E' = S E``, the velocity is ``v' = i[H, S r] = S v``, and the OMM is an axial vector,
``m' = det(S) S m``. The image ribbon's frame is ``x' = S x`` and ``y' = z x x' = det(S) S y``
(``S z = z`` for a map of the plane; ``S(a x b) = det(S) (S a x S b)``), so its driver applies
``E' = S E`` and, orbital by orbital,

    y' = det(S) y,  charge' = charge,  j_x' = j_x,  j_y' = det(S) j_y,  m_z' = det(S) m_z.

* rotation (det +1): every profile unchanged;
* mirror (det -1): ``(charge, j_x, j_y, m_z) -> (+, +, -, -)`` at ``y -> -y``;
* the same ribbon with the opposite direction ``(-p, -q)``: the frame turns by 180 degrees
  and the field reverses, so ``(charge, j_x, j_y, m_z) -> (-, +, +, -)`` at ``y -> -y``.

**The Haldane mirror.** ``M_x: (x, y) -> (-x, y)`` about an A site maps A onto A and B onto B
(``M_x delta_1 = delta_2``, ``M_x delta_3 = delta_3``) and the NNN vectors onto minus NNN
vectors (``M_x l_1 = -l_1``, ``M_x l_2 = -l_3``, ``M_x l_3 = -l_2``), so the hopping
``t2 e^{i phi} a_r^dag a_{r + l_n}`` becomes ``t2 e^{i phi} a_{r'}^dag a_{r' - l_m}``, the
conjugate of ``t2 e^{-i phi} a_{r''}^dag a_{r'' + l_m}``: the image crystal is
``haldane(-phi, Delta)`` (lattice vectors ``(-a_1, a_2 - a_1)``, B at ``delta_2``; tested on
H(k)). On the zigzag ribbon along ``a_1`` the mirror keeps ``y`` and reverses the field
(``M_x E_x = -E_x``); linearity turns the field back, hence at the same orbital

    haldane(-phi): charge -> -charge, j_x -> +j_x, j_y -> -j_y, m_z -> +m_z  (fixed E_x).

On the armchair ribbon along ``(0, sqrt3)`` (frame ``x = y_lab``, ``y = -x_lab``) the same
mirror keeps the field and reverses the ribbon's ``y``: ``(+, +, -, -)`` at ``y -> -y``.

**Re-cuts.** A unimodular basis change ``a' = B a`` and the cut given as ``(p, q) B^{-1}``
describe the same crystal and the same periodic vector ``d``. Its stacking vector ``s'`` must
equal ``eps s`` modulo ``d`` (``eps = +-1``, from ``d x s' = eps d x s``): the site sets
``{r_mu + c s' + m d}`` are then the same up to a lattice translation, and orbital ``(c, mu)``
of the new ribbon is orbital ``(c, mu)`` (``eps = +1``) or ``(W - 1 - c, mu)`` (``eps = -1``)
of the old one, with identical profiles. **C3:** the Haldane model is C3 symmetric about an A
site (``R a_1 = a_2 - a_1``, ``R a_2 = -a_1``, ``R delta_1 = delta_2``): the ribbon along
``R(p, q) = (-p - q, p)``, with the cell rotated too (B moved onto ``R r_B``), is the rotated
ribbon, with identical profiles after the same ``eps`` reordering.

Each rule is able to fail: a left-handed frame breaks the mirror rule, ignoring ``eps`` breaks
the re-cut rule and a C3-breaking hopping breaks the C3 rule (counter-example tests below);
every quantity whose predicted sign is -1 is non-zero somewhere in the compared profiles.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from lrtheory.models.haldane import haldane
from lrtheory.models.tightbinding import Hopping, TightBindingModel
from lrtheory.response.density import ribbon_accumulation

P = dict(t2=0.06, phi=1.0, delta=0.1)  # topological (|Delta| < 0.26): edge states at E_F
EFS = (0.05, 0.9)  # in the bulk gap (edge states cross it) and in a band
W, NK, ETA = 6, 128, 0.05
PARTS = ("intraband", "interband", "eta")
QUANTITIES = ("charge", "jx", "jy", "omm")
#: rounding of profiles of size <= ~2 summed over NK k-points (measured <= 8e-14 relative)
TOL = 1e-12
ROT = {"mirror": (+1, +1, -1, -1), "rotation": (+1, +1, +1, +1),
       "reversed direction": (-1, +1, +1, -1), "phi -> -phi, zigzag": (-1, +1, -1, +1)}


def zigzag(model):
    return model


def armchair(model):
    """B moved to delta_3: the cell is one A-B dimer line of the armchair ribbon (-1, 2)."""
    return model.move_orbital(1, (0, -1))


CUTS = {"zigzag": (zigzag, (1, 0)), "armchair": (armchair, (-1, 2)), "chiral": (zigzag, (2, 1))}


def image_crystal(model, S):
    """The crystal mapped by the orthogonal 2x2 matrix ``S`` (positions and lattice vectors;
    hoppings, on-site energies and the orbital order unchanged)."""
    S = np.asarray(S, float)
    return TightBindingModel(model.lattice_vectors @ S.T, model.positions @ S.T,
                             model.hoppings, model.onsite, model.time_reversal, None,
                             f"{model.name} mapped", dict(model.params))


def rotation(theta):
    c, s = np.cos(theta), np.sin(theta)
    return np.array([[c, -s], [s, c]])


def profiles(rib, ef):
    acc = ribbon_accumulation(rib, ef, nk=NK, eta=ETA, convergence=False)
    return acc.y, {(part, q): acc.get(part, q) for part in PARTS for q in QUANTITIES}


def deviation(ref, new, perm, signs, y_sign) -> float:
    """Max deviation (relative to max(1, scale) per profile) of ``new`` from the predicted
    image of ``ref``: ``new[j] = sign_q ref[perm[j]]`` per orbital and summed, and
    ``y_new = y_sign y_ref[perm]``."""
    (y0, p0), (y1, p1) = ref, new
    dev = float(np.abs(y1 - y_sign * y0[perm]).max())
    for (part, q), v0 in p0.items():
        s = signs[QUANTITIES.index(q)]
        scale = max(1.0, float(np.abs(v0).max()))
        dev = max(dev, float(np.abs(p1[part, q] - s * v0[perm]).max()) / scale,
                  abs(p1[part, q].sum() - s * v0.sum()) / (scale * len(v0)))
    return dev


def assert_signs_are_tested(ref, signs):
    """Every quantity predicted to change sign is non-zero somewhere (else -1 = +1 passes)."""
    _, p0 = ref
    for q, s in zip(QUANTITIES, signs):
        if s < 0:
            assert max(np.abs(p0[part, q]).max() for part in PARTS) > 1e-4, q


def eps_order(rib_ref, rib_new, d_ref, s_ref, d_new, s_new) -> np.ndarray:
    """Predicted reordering ``perm`` (new orbital j is old orbital perm[j]) from the stacking
    vectors in common lattice indices: ``s_new = eps s_ref (mod d)``."""
    assert tuple(d_new) == tuple(d_ref)
    cross = lambda a, b: a[0] * b[1] - a[1] * b[0]  # noqa: E731
    eps = cross(d_ref, s_new) * cross(d_ref, s_ref)  # both +-1
    rest = np.asarray(s_new) - eps * np.asarray(s_ref)
    assert cross(d_ref, rest) == 0, "stacking vectors differ by more than a multiple of d"
    n = rib_ref.n_orbitals // W
    c, mu = np.divmod(np.arange(rib_new.n_orbitals), n)
    return (c if eps > 0 else W - 1 - c) * n + mu


# -- mirror ---------------------------------------------------------------------------------
MIRRORS = {"M_x": np.diag([-1.0, 1.0]), "M_y": np.diag([1.0, -1.0]),
           "mirror at 20 deg": rotation(np.radians(20)) @ np.diag([1.0, -1.0])
           @ rotation(np.radians(-20))}


@pytest.mark.parametrize("cut", ["zigzag", "armchair"])
@pytest.mark.parametrize("mirror", sorted(MIRRORS))
def test_mirror_image_crystal_transforms_as_derived(mirror, cut):
    prep, d = CUTS[cut]
    model = prep(haldane(**P))
    image = image_crystal(model, MIRRORS[mirror])
    for ef in EFS:
        ref = profiles(model.ribbon(W, direction=d), ef)
        new = profiles(image.ribbon(W, direction=d), ef)
        assert_signs_are_tested(ref, ROT["mirror"])
        perm = np.arange(len(ref[0]))
        assert deviation(ref, new, perm, ROT["mirror"], -1) <= TOL, (mirror, cut, ef)


def test_rotated_crystal_gives_identical_profiles():
    """A rotation by any angle (det +1) changes nothing in the ribbon's own frame."""
    model = armchair(haldane(**P))
    for theta in (0.37, np.pi / 2, 2.5):
        image = image_crystal(model, rotation(theta))
        for ef in EFS:
            ref = profiles(model.ribbon(W, direction=(-1, 2)), ef)
            new = profiles(image.ribbon(W, direction=(-1, 2)), ef)
            assert deviation(ref, new, np.arange(len(ref[0])), ROT["rotation"], 1) <= TOL


def test_haldane_mirror_image_is_haldane_with_phi_reversed(rng):
    """``M_x`` maps haldane(phi, Delta) onto haldane(-phi, Delta) (module docstring), written
    with lattice vectors (-a_1, a_2 - a_1) and B at delta_2: the same H(k) at random k."""
    image = image_crystal(haldane(**P), MIRRORS["M_x"])
    flipped = haldane(**{**P, "phi": -P["phi"]}).move_orbital(1, (-1, 0))
    flipped = flipped.with_lattice_basis([[-1, 0], [-1, 1]])
    np.testing.assert_allclose(image.lattice_vectors, flipped.lattice_vectors, atol=1e-15)
    np.testing.assert_allclose(image.positions, flipped.positions, atol=1e-15)
    k = rng.uniform(-4, 4, size=(20, 2))
    np.testing.assert_allclose(image.hamiltonian(k), flipped.hamiltonian(k), atol=1e-13)
    # and not haldane(+phi): the mirror really reverses the flux
    assert np.abs(haldane(**P).hamiltonian(k) - flipped.hamiltonian(k)).max() > 0.1


def test_phi_reversal_on_zigzag_and_armchair_ribbons():
    """Consequences of the M_x mirror at fixed field: zigzag (same orbital, same y):
    (charge, j_x, j_y, m_z) -> (-, +, -, +); armchair (orbital at -y): (+, +, -, -)."""
    minus = {**P, "phi": -P["phi"]}
    for ef in EFS:
        ref = profiles(haldane(**P).ribbon(W), ef)
        new = profiles(haldane(**minus).ribbon(W), ef)
        signs = ROT["phi -> -phi, zigzag"]
        assert_signs_are_tested(ref, signs)
        assert deviation(ref, new, np.arange(len(ref[0])), signs, +1) <= TOL, ef
        ref_a = armchair(haldane(**P)).ribbon(W, direction=(-1, 2))
        new_a = armchair(haldane(**minus)).ribbon(W, direction=(-1, 2))
        # predicted orbital map: same sublattice at the mirrored transverse coordinate
        y0, y1 = ref_a.transverse_positions(), new_a.transverse_positions()
        mu = np.arange(len(y0)) % 2
        perm = np.array([np.flatnonzero((np.abs(y0 + y) < 1e-9) & (mu == m))[0]
                         for y, m in zip(y1, mu)])
        ref, new = profiles(ref_a, ef), profiles(new_a, ef)
        assert_signs_are_tested(ref, ROT["mirror"])
        assert deviation(ref, new, perm, ROT["mirror"], -1) <= TOL, ef


def test_left_handed_frame_breaks_the_mirror_rule():
    """Counter-example: the image ribbon with its transverse axis flipped (the old frame
    along the stacking vector was left-handed for some bases) fails the mirror rule."""
    model = haldane(**P)
    image = image_crystal(model, MIRRORS["M_y"]).ribbon(W)
    wrong = dataclasses.replace(image, transverse_axis=-image.transverse_axis)
    ref = profiles(model.ribbon(W), EFS[0])
    perm = np.arange(len(ref[0]))
    assert deviation(ref, profiles(image, EFS[0]), perm, ROT["mirror"], -1) <= TOL
    assert deviation(ref, profiles(wrong, EFS[0]), perm, ROT["mirror"], -1) > 1e-3


# -- re-cuts under unimodular basis changes -------------------------------------------------
BASES = [[[1, 0], [1, 1]], [[1, 0], [-2, 1]], [[1, 3], [0, 1]], [[2, 1], [1, 1]],
         [[0, 1], [1, 0]], [[1, 0], [0, -1]], [[-1, 0], [0, -1]], [[3, -1], [-2, 1]]]


def _recut(model, d, basis):
    B = np.array(basis)
    new_model = model.with_lattice_basis(B)
    d_new = np.rint(np.array(d) @ np.linalg.inv(B)).astype(int)
    assert np.array_equal(d_new @ B, d)
    rib = new_model.ribbon(W, direction=tuple(int(x) for x in d_new))
    return rib, tuple(int(x) for x in np.array(rib.cut.stacking) @ B)


@pytest.mark.parametrize("cut", sorted(CUTS))
def test_recut_in_an_equivalent_basis_gives_the_same_ribbon(cut):
    prep, d = CUTS[cut]
    model = prep(haldane(**P))
    rib0 = model.ribbon(W, direction=d)
    refs = {ef: profiles(rib0, ef) for ef in EFS}
    eps_seen = set()
    for basis in BASES:
        rib1, s1 = _recut(model, d, basis)
        perm = eps_order(rib0, rib1, d, rib0.cut.stacking, d, s1)
        eps_seen.add(bool(perm[0] == 0))
        for ef in EFS:
            dev = deviation(refs[ef], profiles(rib1, ef), perm, ROT["rotation"], 1)
            assert dev <= TOL, (basis, ef, dev)
    assert eps_seen == {True, False}  # both orderings occur among the bases


@pytest.mark.parametrize("cut", ["zigzag", "armchair"])
def test_reversed_direction_is_the_frame_turned_by_180_degrees(cut):
    prep, d = CUTS[cut]
    model = prep(haldane(**P))
    rib0 = model.ribbon(W, direction=d)
    for basis in ([[1, 0], [0, 1]], [[1, 0], [1, 1]], [[0, 1], [1, 0]]):
        rib1, s1 = _recut(model, tuple(-x for x in d), basis)
        # reversing d reverses the frame: the orbital order follows eps w.r.t. -d
        perm = eps_order(rib0, rib1, tuple(-x for x in d), rib0.cut.stacking,
                         tuple(-x for x in d), s1)
        for ef in EFS:
            ref = profiles(rib0, ef)
            assert_signs_are_tested(ref, ROT["reversed direction"])
            dev = deviation(ref, profiles(rib1, ef), perm, ROT["reversed direction"], -1)
            assert dev <= TOL, (basis, ef, dev)


def test_ignoring_the_reordering_breaks_the_recut_rule():
    """Counter-example: a re-cut whose stacking vector is reversed (eps = -1) compared
    orbital by orbital without the predicted reordering fails."""
    model = armchair(haldane(**P))
    rib0 = model.ribbon(W, direction=(-1, 2))
    rib1, s1 = _recut(model, (-1, 2), [[1, 0], [0, -1]])
    perm = eps_order(rib0, rib1, (-1, 2), rib0.cut.stacking, (-1, 2), s1)
    assert perm[0] != 0  # eps = -1 here
    ref, new = profiles(rib0, EFS[0]), profiles(rib1, EFS[0])
    assert deviation(ref, new, perm, ROT["rotation"], 1) <= TOL
    assert deviation(ref, new, np.arange(len(perm)), ROT["rotation"], 1) > 1e-2


# -- every C3 image of a cut ----------------------------------------------------------------
C3 = rotation(2 * np.pi / 3)


def c3_indices(v):
    """Lattice indices of R (p a_1 + q a_2): R a_1 = a_2 - a_1, R a_2 = -a_1."""
    p, q = v
    return (-p - q, p)


def rotated_cell(model, R):
    """The same crystal with each orbital moved to the cell where it sits at R r_mu (the
    rotated cell); asserts that R maps every orbital onto the same sublattice."""
    L = model.lattice_vectors
    for mu, r in enumerate(model.positions):
        shift = np.linalg.solve(L.T, R @ r - r)
        assert np.allclose(shift, np.rint(shift), atol=1e-9), "not a lattice translate"
        model = model.move_orbital(mu, tuple(int(x) for x in np.rint(shift)))
    return model


def _c3_deviations(model, d, ef, turns=(1, 2)):
    rib0 = model.ribbon(W, direction=d)
    ref = profiles(rib0, ef)
    out = []
    for n in turns:
        R = np.linalg.matrix_power(C3, n)
        d_n, s_n, m_n = tuple(d), tuple(rib0.cut.stacking), rotated_cell(model, R)
        for _ in range(n):
            d_n, s_n = c3_indices(d_n), c3_indices(s_n)
        rib1 = m_n.ribbon(W, direction=d_n)
        np.testing.assert_allclose(rib1.lattice_vectors[0], R @ rib0.lattice_vectors[0],
                                   atol=1e-12)
        perm = eps_order(rib0, rib1, d_n, s_n, tuple(rib1.cut.direction), rib1.cut.stacking)
        out.append(deviation(ref, profiles(rib1, ef), perm, ROT["rotation"], 1))
    return out


@pytest.mark.parametrize("cut", ["zigzag", "armchair", "chiral"])
def test_every_c3_image_of_a_cut_gives_identical_profiles(cut):
    prep, d = CUTS[cut]
    model = prep(haldane(**P))
    for ef in EFS:
        devs = _c3_deviations(model, d, ef)
        assert max(devs) <= TOL, (cut, ef, devs)


def test_c3_breaking_hopping_breaks_the_c3_rule():
    """Counter-example: the delta_1 bond changed to -1.2 t0 (no longer C3 symmetric) fails."""
    model = haldane(**P)
    hops = [Hopping(h.i, h.j, h.R, -1.2) if (h.i, h.j, h.R) == (0, 1, (0, 0)) else h
            for h in model.hoppings]
    broken = TightBindingModel(model.lattice_vectors, model.positions, hops, model.onsite,
                               None, None, "anisotropic Haldane", dict(model.params))
    assert min(_c3_deviations(broken, (1, 0), EFS[0])) > 1e-3
