"""The spin of a Wannier90 run, S(R) from ``seedname.spn``, cut with films and ribbons like
H(R) (lrtheory/models/slab_positions.py; issue #15).

Checks, each with an independent reference:

* **Exact (films)**: the polar cubic Rashba model with a Zeeman field (TR broken, spin
  not conserved) rewritten in rotated Wannier functions, with its spin given as blocks
  ``U^+ S U`` (what a run's ``.spn`` gives), read back and cut into (001) and (110) films:
  the layer-resolved equilibrium spin (``slab_equilibrium``) and the spin accumulation
  under an in-plane field (``slab_accumulation`` with ``"spin_x"`` ...) equal those of the
  original film with its constant spin rotated into the frame (``frame_vector_operator``).
  Counter-example: the (110) film's spin without the frame rotation differs.
* **Exact (ribbons)**: the same on a 2D Rashba-Zeeman model and its ribbons (per-cell
  equilibrium spin, plain numpy).
* **Independent construction**: the GaAs run's film S(k) equals a brute-force loop over
  the parent's S(R) and the layers at random k.
* **Bulk limit**: the interior layer of a GaAs film has the bulk's k-resolved spin
  texture sum_n f <S> at the same in-plane k (bulk summed over k_z); converges in N.
* **Fe** (``LRTHEORY_W90_DATA``, else skipped): a (111)-primitive film (normal along the
  cubic z, the magnetisation axis) has interior layers with the bulk spin per cell, and
  the bulk spin per cell from the ``.spn`` is the DFT run's magnetisation (QE's scf.out:
  total magnetization -2.31 Bohr mag/cell, i.e. <sigma_z> = -2.31) to 5 %, with 8 electrons.
"""
import numpy as np
import pytest

from lrtheory.errors import ModelError
from lrtheory.io.wannier90 import model_from_hr
from lrtheory.io.wannier90.run import load_wannier90_run
from lrtheory.models.cubic import SPIN_HALF, cubic_rashba
from lrtheory.models.slabs import frame_vector_operator, slab
from lrtheory.models.tightbinding import Hopping, TightBindingModel
from lrtheory.response.slab import slab_accumulation, slab_grid
from lrtheory.response.slab_equilibrium import slab_equilibrium
from tests.physics.test_w90_run_spin import fe, gaas  # noqa: F401 (fixtures: the runs' seeds)
from tests.unit.test_wannier_interpolation import rotated_data


def _with_rotated_spin(model, lat3, seed):
    """The model in rotated Wannier functions U with spin blocks U^+ S U at R = 0."""
    data, U = rotated_data(model, lat3, np.random.default_rng(seed))
    S = np.zeros((len(data.R), 3, model.n_orbitals, model.n_orbitals), complex)
    i0 = int(np.nonzero(np.all(data.R == 0, 1))[0][0])
    S[i0] = np.conj(U.T)[None] @ SPIN_HALF @ U[None]
    dim = 2 if lat3[2, 2] > 5 else 3
    return model_from_hr(data, interpolation="full", spin=S, dim=dim), model_from_hr(data, dim=dim)


@pytest.fixture(scope="module")
def rashba():
    m = cubic_rashba(alpha=0.6, bz=0.3)
    full, nospin = _with_rotated_spin(m, np.eye(3), 4)
    return m, full, nospin


@pytest.mark.parametrize("miller", [(0, 0, 1), (1, 1, 0)])
def test_film_spin_equals_the_original_film(rashba, miller):
    m, full, _ = rashba
    fo, ff = slab(m, 4, miller), slab(full, 4, miller)
    assert ff.spin_blocks is not None
    S_frame = frame_vector_operator(fo, SPIN_HALF)
    kw = dict(nk=8, temperature=0.2, convergence=False)
    eo = slab_equilibrium(fo, 0.5, operators={f"S{c}": S_frame[a] for a, c in enumerate("xyz")},
                          **kw)
    ef = slab_equilibrium(ff, 0.5, operators={f"S{c}": f"spin_{c}" for c in "xyz"}, **kw)
    scale = max(np.abs(eo.layer_profile("equilibrium", f"S{c}")).max() for c in "xyz")
    assert scale > 1e-2
    for c in "xyz":  # 1e-12: rounding of the rotation (seen 1e-16)
        np.testing.assert_allclose(ef.layer_profile("equilibrium", f"S{c}"),
                                   eo.layer_profile("equilibrium", f"S{c}"), rtol=0,
                                   atol=1e-12 * scale, err_msg=c)
    d = 0 if miller == (0, 0, 1) else 1  # the (110) frame's x is the cubic z: no response
    ao = slab_accumulation(fo, 0.5, operators={f"S{c}": S_frame[a] for a, c in enumerate("xyz")},
                           direction=d, **kw)
    af = slab_accumulation(ff, 0.5, operators={f"S{c}": f"spin_{c}" for c in "xyz"},
                           direction=d, **kw)
    big = max(np.abs(ao.layer_profile(part, f"S{c}")).max()
              for part in ("intraband", "interband") for c in "xyz")
    assert big > 1e-3
    for part in ("intraband", "interband"):
        for c in "xyz":
            np.testing.assert_allclose(af.layer_profile(part, f"S{c}"),
                                       ao.layer_profile(part, f"S{c}"), rtol=0,
                                       atol=1e-12 * big, err_msg=f"{part} S{c}")
    if miller == (1, 1, 0):  # counter-example: the parent's axes instead of the frame's
        unrotated = slab_equilibrium(fo, 0.5, operators={"Sx": np.kron(np.eye(4), SPIN_HALF[0])},
                                     **kw).layer_profile("equilibrium", "Sx")
        assert np.abs(unrotated - eo.layer_profile("equilibrium", "Sx")).max() > 1e-2 * scale


def _rashba_2d(alpha=0.6, bz=0.3, t=1.0):
    sx, sy = 2 * SPIN_HALF[0], 2 * SPIN_HALF[1]
    lat = np.array([[1.0, 0.0], [0.3, 1.1]])  # oblique: the frame rotates
    blocks = {(1, 0): -t * np.eye(2) + alpha * sy / 2j, (0, 1): -t * np.eye(2) - alpha * sx / 2j,
              (1, 1): -0.2 * t * np.eye(2)}
    hops = [Hopping(i, j, R, complex(T[i, j])) for R, T in blocks.items()
            for i in range(2) for j in range(2) if T[i, j] != 0]
    return TightBindingModel(lat, np.zeros((2, 2)), hops, np.array([bz, -bz]))


def _cell_spin(rib, S, ef=0.3, temperature=0.2, nk=16):
    """Per-cell equilibrium <S_a> of a ribbon (plain numpy): S (3, n, n) constant or None
    (the ribbon's spin_operator)."""
    k = rib.k_grid(nk)
    e, U = np.linalg.eigh(rib.hamiltonian(k))
    f = 1 / (np.exp((e - ef) / temperature) + 1)
    rho = (U * f[:, None, :]) @ np.conj(np.swapaxes(U, -1, -2))
    Sk = rib.spin_operator(k) if S is None else np.broadcast_to(S, (len(k),) + S.shape)
    per_orb = np.einsum("kaij,kji->ai", Sk, rho).real / len(k)
    return per_orb.reshape(3, -1, 2).sum(-1)


@pytest.mark.parametrize("cut", [{}, {"direction": (1, -1)}], ids=str)
def test_ribbon_spin_equals_the_original_ribbon(cut):
    m = _rashba_2d()
    full, _ = _with_rotated_spin(m, np.diag([1.0, 1.0, 10.0]) + np.array(
        [[0, 0, 0], [0.3, 0.1, 0], [0, 0, 0]]), 6)
    ro, rf = m.ribbon(5, **cut), full.ribbon(5, **cut)
    assert rf.spin_blocks is not None and rf.spin_blocks[1].shape[1] == 3
    def tiled(S):
        return np.stack([np.kron(np.eye(5), S[a]) for a in range(3)])

    ref = _cell_spin(ro, tiled(np.einsum("ab,bij->aij", ro.frame, SPIN_HALF)))
    got = _cell_spin(rf, None)
    assert np.abs(ref).max() > 1e-2
    np.testing.assert_allclose(got, ref, rtol=0, atol=1e-12 * np.abs(ref).max())
    if cut:  # counter-example: the oblique ribbon's spin in the parent's axes
        assert np.abs(_cell_spin(ro, tiled(SPIN_HALF)) - ref).max() > 1e-2 * np.abs(ref).max()


def test_cut_without_spin_refuses_the_spin_name(rashba):
    _, _, nospin = rashba
    film = slab(nospin, 3, (0, 0, 1))
    with pytest.raises(ModelError, match="no spin operator"):
        slab_equilibrium(film, 0.0, operators={"Sz": "spin_z"}, nk=4)
    with pytest.raises(Exception, match="spin_x"):
        slab_equilibrium(film, 0.0, operators={"Sz": "Sz"}, nk=4)


@pytest.fixture(scope="module")
def gaas_run(gaas):
    return load_wannier90_run(gaas)


def test_gaas_film_spin_equals_a_brute_force_cut(gaas_run, rng):
    """S_film(k)[c n + m, c' n + j] = sum_R S_mj(R) exp(ik.(R + r_j - r_m)) over the parent's
    R with R . b_3' = c' - c, rotated into the frame: loops, no shared code."""
    model, N = gaas_run, 3
    film = slab(model, N, (1, 1, 0))
    R, S = model.spin_blocks
    F, M = film.frame, np.asarray(film.cut.basis)
    n = model.n_orbitals
    k2 = rng.uniform(-1, 1, size=(3, 2))
    ref = np.zeros((len(k2), 3, N * n, N * n), complex)
    Minv = np.linalg.inv(M)
    for ik, kp in enumerate(k2):
        kc = kp[0] * F[0] + kp[1] * F[1]  # Cartesian k of the parent
        for r, Sr in zip(R, S):
            c = int(round((r @ Minv)[2]))
            for c1 in range(N):
                c2 = c1 + c
                if not 0 <= c2 < N:
                    continue
                for m in range(n):
                    for j in range(n):
                        d = r @ model.lattice_vectors + model.positions[j] - model.positions[m]
                        ref[ik, :, c1 * n + m, c2 * n + j] += F @ Sr[:, m, j] * np.exp(1j * kc @ d)
    got = film.spin_operator(k2)
    np.testing.assert_allclose(got, ref, rtol=0, atol=1e-12 * np.abs(ref).max())
    np.testing.assert_allclose(got, np.conj(np.swapaxes(got, -1, -2)), atol=1e-12)


def _texture(model, k, ef, temperature, frame=None):
    """sum_n f <S_a>_n per k and orbital (frame components): (Nk, 3, n)."""
    e, U = np.linalg.eigh(model.hamiltonian(k))
    f = 1 / (np.exp((e - ef) / temperature) + 1)
    rho = (U * f[:, None, :]) @ np.conj(np.swapaxes(U, -1, -2))
    out = np.einsum("kaij,kji->kai", model.spin_operator(k), rho).real
    return out if frame is None else np.einsum("ab,kbi->kai", frame, out)


def test_gaas_film_interior_has_the_bulk_spin_texture(gaas_run):
    """At fixed in-plane k (no sum over +-k, where TR would cancel it) the interior layer's
    sum_n f <S> tends to the bulk's averaged over k_z; E_F = 7.9366 eV (the .win's), k_B T =
    0.6 eV (the file's E_F lies in its bands: the interior converges exponentially at a rate
    set by T). Seen: 0.36 (N = 4), 1e-2 (8), 4e-4 (12), 2e-5 (16) of the texture's size."""
    EF, T = 7.9366, 0.6
    dev = {}
    for N in (4, 16):
        film = slab(gaas_run, N, (0, 0, 1))
        kpar = np.array([[0.21, 0.37], [-0.4, 0.13], [0.05, -0.29]])
        nkz = 64
        kz = np.arange(nkz) / nkz * 2 * np.pi / film.cut.spacing
        k3 = ((kpar @ film.frame[:2])[:, None, :] + kz[None, :, None] * film.frame[2]
              ).reshape(-1, 3)
        bulk = _texture(gaas_run, k3, EF, T, film.frame).sum(-1).reshape(len(kpar), nkz, 3)
        bulk = bulk.mean(1)
        layer = _texture(film, kpar, EF, T).reshape(len(kpar), 3, N, -1).sum(-1)
        dev[N] = np.abs(layer[:, :, N // 2] - bulk).max() / np.abs(bulk).max()
        assert np.abs(bulk).max() > 1e-3
    assert dev[16] < 1e-4 and dev[4] > 0.1, dev


@pytest.fixture(scope="module")
def fe_run(fe):
    return load_wannier90_run(fe)


def test_fe_film_magnetisation(fe_run):
    """bcc Fe, E_F = 17.6255 eV, k_B T = 0.1 eV, (111) of the primitive vectors = the cubic
    (001) surface (frame z = cubic z). Seen: bulk <sigma_z> = -2.402 per cell, 7.868
    electrons; interior layers 9e-3 (N = 6) and 3e-4 (N = 10) from the bulk on the same
    8 x 8 in-plane points."""
    EF, T, NK = 17.6255, 0.1, 8
    film2 = slab(fe_run, 2, (1, 1, 1))
    np.testing.assert_allclose(film2.frame[2], [0, 0, 1], atol=1e-12)
    kpar = np.asarray(slab_grid(film2, NK).k)[: NK * NK, :2]
    nkz = 48
    kz = np.arange(nkz) / nkz * 2 * np.pi / film2.cut.spacing
    k3 = ((kpar @ film2.frame[:2])[:, None, :] + kz[None, :, None] * film2.frame[2]
          ).reshape(-1, 3)
    bulk = _texture(fe_run, k3, EF, T).sum(-1).mean(0)  # per cell (hbar), parent axes
    e = np.linalg.eigvalsh(fe_run.hamiltonian(k3))
    electrons = (1 / (np.exp((e - EF) / T) + 1)).sum(1).mean()
    # the DFT run: total magnetization -2.31 (sigma_z per cell); 8 valence electrons in the
    # Wannier space (16 minus the 8 excluded semicore states). 5 %: a 3x3x3 Wannierization
    # (the model holds 7.87 of the 8 electrons at this T) and semicore polarization
    assert 2 * bulk[2] == pytest.approx(-2.31, rel=0.05)
    assert abs(bulk[0]) < 0.01 and abs(bulk[1]) < 0.01  # along z
    assert electrons == pytest.approx(8.0, rel=0.03)
    area = np.linalg.norm(np.cross(*film2.lattice_vectors))
    dev = {}
    for N in (6, 10):
        res = slab_equilibrium(slab(fe_run, N, (1, 1, 1)), EF, operators={"Sz": "spin_z"},
                               nk=NK, temperature=T, convergence=False)
        sz = res.layer_profile("equilibrium", "Sz") * area
        dev[N] = abs(sz[N // 2] / bulk[2] - 1)
    assert dev[10] < 1e-3 and dev[6] > 10 * dev[10], dev
