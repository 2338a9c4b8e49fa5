"""Wannier90 reader/writer: exact round trips, the Wannier90 convention checked by an
independent formula, every validation error naming its line, 3D Hall tensor.

Expected values: round trips must reproduce H(k) of the source model to rounding (the writer
prints 17 significant digits); the convention check evaluates Wannier90's own interpolation
formula H_W(k) = sum_R e^{ik.R} H(R)/ndegen(R) on the raw file data and compares with
D(k)^dagger H(k) D(k) (D = diag e^{ik.r_j}, the change from the atomic-position gauge);
the 3D Hall tensor of a stack of Haldane layers equals the average over kz of the 2D
hall_conductivity at the kz-dependent mass (exact identity on the same grid), and for
kz-independent layers -(e^2/h) C / c with |C| = 1 (TKNN).
"""
from __future__ import annotations

import re

import numpy as np
import pytest

from lrtheory.errors import InputFileError
from lrtheory.io.wannier90 import (
    load_wannier90,
    read_hr_dat,
    write_centres_xyz,
    write_hr_dat,
    write_tb_dat,
)
from lrtheory.models.haldane import LATTICE, haldane, layered_haldane
from lrtheory.models.tightbinding import Hopping, TightBindingModel

HALDANE = haldane(t0=1.0, t2=0.1, phi=0.7, delta=0.2)
LAT3_2D = np.array([[1.0, 0, 0], [0.5, np.sqrt(3) / 2, 0], [0, 0, 10.0]])
# Wigner-Seitz-like degeneracies: R and -R share ndegen, sum_R 1/ndegen stays an integer
DEG = {(1, 0, 0): 2, (-1, 0, 0): 2, (0, 1, 0): 4, (0, -1, 0): 4, (1, -1, 0): 4, (-1, 1, 0): 4}


def _k(rng, n, d):
    return rng.uniform(-4, 4, size=(n, d))


def test_hr_round_trip_haldane_with_degeneracies(tmp_path, rng):
    write_hr_dat(HALDANE, tmp_path / "h_hr.dat", degeneracy=DEG)
    write_centres_xyz(HALDANE, tmp_path / "h_centres.xyz")
    m = load_wannier90(tmp_path / "h", lattice_vectors=LAT3_2D)
    assert m.dim == 2 and m.n_orbitals == 2
    k = _k(rng, 64, 2)
    np.testing.assert_allclose(m.hamiltonian(k), HALDANE.hamiltonian(k), rtol=0, atol=1e-12)
    np.testing.assert_allclose(m.velocity(k), HALDANE.velocity(k), rtol=0, atol=1e-12)
    np.testing.assert_allclose(m.positions, HALDANE.positions, atol=1e-15)


def test_tb_round_trip_3d_weyl(tmp_path, rng):
    src = layered_haldane(t2=0.1, phi=np.pi / 2, delta=0.3)
    write_tb_dat(src, tmp_path / "w_tb.dat", degeneracy=DEG)
    m = load_wannier90(tmp_path / "w_tb.dat")
    assert m.dim == 3
    k = _k(rng, 64, 3)
    np.testing.assert_allclose(m.hamiltonian(k), src.hamiltonian(k), rtol=0, atol=1e-12)
    np.testing.assert_allclose(m.velocity(k), src.velocity(k), rtol=0, atol=1e-12)
    # the same model through _hr.dat + lattice and positions from the _tb.dat
    write_hr_dat(src, tmp_path / "w_hr.dat")
    m2 = load_wannier90(tmp_path / "w")
    np.testing.assert_allclose(m2.hamiltonian(k), src.hamiltonian(k), rtol=0, atol=1e-12)


def test_wannier90_interpolation_convention(tmp_path, rng):
    """Independent formula on the raw file: H_W(k) = sum_R e^{ik.R.A} H(R)/ndegen(R) is the
    Wannier90 (lattice-gauge) Hamiltonian; ours is D^dagger H_W D with D = diag e^{ik.r}."""
    src = layered_haldane(t2=0.1, phi=0.4, delta=0.1)
    write_hr_dat(src, tmp_path / "c_hr.dat", degeneracy=DEG)
    write_centres_xyz(src, tmp_path / "c_centres.xyz")
    data = read_hr_dat(tmp_path / "c_hr.dat")
    lat = src.lattice_vectors
    m = load_wannier90(tmp_path / "c", lattice_vectors=lat)
    k = _k(rng, 32, 3)
    phase = np.exp(1j * k @ (data.R @ lat).T)  # (Nk, nrpts)
    HW = np.einsum("kr,rij->kij", phase, data.H / data.ndegen[:, None, None])
    D = np.exp(1j * k @ m.positions.T)  # (Nk, n)
    ours = np.conj(D)[:, :, None] * HW * D[:, None, :]
    np.testing.assert_allclose(m.hamiltonian(k), ours, rtol=0, atol=1e-12)


def _write_broken(tmp_path, edit, degeneracy=DEG):
    p = tmp_path / "b_hr.dat"
    write_hr_dat(HALDANE, p, degeneracy=degeneracy)
    lines = p.read_text().splitlines()
    edit(lines)
    p.write_text("\n".join(lines) + "\n")
    return p


def _expect(p, pattern, line=None, **kw):
    with pytest.raises(InputFileError) as info:
        load_wannier90(p, lattice_vectors=LAT3_2D, positions=np.zeros((2, 3)), **kw)
    msg = str(info.value)
    assert re.search(pattern, msg), msg
    if line is not None:
        assert f"line {line}" in msg, msg
    return msg


def test_malformed_lines_name_the_line(tmp_path):
    def drop_column(lines):
        lines[10] = " ".join(lines[10].split()[:6])

    _expect(_write_broken(tmp_path, drop_column), "expected 7 numbers", 11)

    def not_a_number(lines):
        lines[12] = lines[12].replace("e-", "x-", 1) if "e-" in lines[12] else lines[12] + "x"

    _expect(_write_broken(tmp_path, not_a_number), "not a number|expected 7", 13)

    def bad_num_wann(lines):
        lines[1] = "two"

    _expect(_write_broken(tmp_path, bad_num_wann), "num_wann", 2)

    def truncated(lines):
        del lines[-3:]

    _expect(_write_broken(tmp_path, truncated), "file ends early")

    def orbital_out_of_range(lines):
        t = lines[8].split()
        t[3] = "3"
        lines[8] = " ".join(t)

    _expect(_write_broken(tmp_path, orbital_out_of_range), "outside 1..2", 9)

    def duplicate(lines):
        t = lines[9].split()
        t[3:5] = lines[8].split()[3:5]
        lines[9] = " ".join(t)

    _expect(_write_broken(tmp_path, duplicate), "appears twice")


def test_wrong_degeneracy_weights(tmp_path):
    def zero(lines):
        lines[3] = lines[3].replace("    2", "    0", 1)

    _expect(_write_broken(tmp_path, zero), "positive integer", 4)

    def non_integer_sum(lines):  # one member of the (1,0,0)/(-1,0,0) pair changed: 1/2 + 1/3
        nd = lines[3].split()
        nd[nd.index("2")] = "3"
        lines[3] = "".join(f"{int(v):5d}" for v in nd)

    _expect(_write_broken(tmp_path, non_integer_sum), "not an integer")
    # with the Wannier k-grid given, the Wigner-Seitz identity sum 1/ndegen = N_k is checked
    p = tmp_path / "ok_hr.dat"
    write_hr_dat(HALDANE, p, degeneracy=DEG)
    nrpts = len(read_hr_dat(p).R)
    total = sum(1 / DEG.get(tuple(r), 1) for r in read_hr_dat(p).R)
    assert total == nrpts - 4  # 1/2 + 1/2 + 4 * 1/4 instead of 6 * 1
    _expect(p, "Wannier-Seitz identity", mp_grid=(nrpts, 1, 1))
    load_wannier90(p, lattice_vectors=LAT3_2D, positions=np.zeros((2, 3)),
                   mp_grid=(int(total), 1, 1))


def test_non_hermitian_file_names_both_lines(tmp_path):
    def perturb(lines):
        t = lines[6].split()  # first data line (R = (-1, 0, 0) block)
        t[5] = repr(float(t[5]) + 1e-3)
        lines[6] = " ".join(t)

    msg = _expect(_write_broken(tmp_path, perturb), r"H\(-R\) != H\(R\)\^dagger")
    assert len(re.findall(r"line \d+", msg)) == 2
    # within herm_tol the file is accepted
    p = _write_broken(tmp_path, perturb)
    load_wannier90(p, lattice_vectors=LAT3_2D, positions=np.zeros((2, 3)), herm_tol=1e-2)


def test_missing_positions_and_lattice(tmp_path):
    write_hr_dat(HALDANE, tmp_path / "p_hr.dat")
    with pytest.raises(InputFileError, match="missing positions"):
        load_wannier90(tmp_path / "p", lattice_vectors=LAT3_2D)
    with pytest.raises(InputFileError, match="no lattice vectors"):
        load_wannier90(tmp_path / "p", positions=np.zeros((2, 3)))
    (tmp_path / "p_centres.xyz").write_text("3\ncomment\nX 0 0 0\nC 0 0 0\nC 1 1 1\n")
    with pytest.raises(InputFileError, match=r"line 4.*Wannier centre"):
        load_wannier90(tmp_path / "p", lattice_vectors=LAT3_2D)


def test_missing_minus_R_block(tmp_path):
    def drop_block(lines):  # remove the 4 lines of the first R block (R = (-1, 0, 0))
        del lines[4:8]
        lines[2] = f"{int(lines[2]) - 1:12d}"
        lines[3] = lines[3][5:]

    # the last block, R = (1, 0, 0) on lines 25-28, lost its partner
    _expect(_write_broken(tmp_path, drop_block, degeneracy=None), r"R = \(1, 0, 0\) has no partner -R", 25)


def test_3d_hall_tensor_equals_kz_average_of_2d(tmp_path):
    from lrtheory.response.hall import hall_conductivity
    from lrtheory.response.hall3d import hall_tensor

    t2, delta, tz, c = 0.1, 0.35, 0.1, 1.5
    src = layered_haldane(tz=tz, c=c, t2=t2, phi=np.pi / 2, delta=delta)
    write_tb_dat(src, tmp_path / "w_tb.dat")
    m = load_wannier90(tmp_path / "w_tb.dat")
    nk, nz = 24, 6
    ef = np.array([-0.2, 0.0, 0.3])
    tens = hall_tensor(m, ef, nk=(nk, nk, nz), operator="charge")
    # z-direction: no interband v_z (interlayer term diagonal in the orbitals) -> zero
    np.testing.assert_allclose(tens.sigma[:, 0, 2], 0, atol=1e-14)
    np.testing.assert_allclose(tens.sigma[:, 1, 2], 0, atol=1e-14)
    np.testing.assert_allclose(tens.sigma, -np.swapaxes(tens.sigma, 1, 2), atol=0)
    # each kz slice is a Haldane layer with mass delta + 2 tz cos(kz c): average of 2D sigma
    kz = 2 * np.pi / c * np.arange(nz) / nz
    ref = np.zeros(len(ef))
    for q in kz:
        h2 = haldane(t2=t2, phi=np.pi / 2, delta=delta + 2 * tz * np.cos(q * c))
        # the interlayer term also shifts nothing else: +-tz cos on A/B only
        ref += hall_conductivity(h2, ef, nk=nk, operator="charge").sigma / nz / c
    np.testing.assert_allclose(tens.sigma[:, 0, 1], ref, rtol=1e-10, atol=1e-13)


def test_3d_stack_of_chern_layers_is_quantized():
    from lrtheory.conventions import E2_OVER_H
    from lrtheory.response.hall3d import hall_tensor

    c = 1.5
    m = layered_haldane(tz=0.05, c=c, weyl=False, t2=0.1, phi=np.pi / 2, delta=0.2)
    t = hall_tensor(m, [0.0], nk=(60, 60, 2), operator="charge", workers=1)
    # TKNN: sigma_xy = -(e^2/h) C / c per layer spacing, |C| = 1 (gap open at all kz). The
    # grid sum of a smooth periodic curvature converges exponentially (measured: 2e-5 at
    # nk = 30, 1e-12 at nk = 60), so 1e-9 is a safe bound at nk = 60.
    np.testing.assert_allclose(abs(t.sigma[0, 0, 1]) * c / E2_OVER_H, 1.0, atol=1e-9)


def test_pythtb_reads_the_same_file(tmp_path, rng):
    pythtb = pytest.importorskip("pythtb")
    if not hasattr(pythtb, "w90"):
        pytest.skip("this PythTB has no w90 reader")
    from lrtheory.io.pythtb import from_pythtb

    src = layered_haldane(t2=0.1, phi=0.3, delta=0.2)
    write_hr_dat(src, tmp_path / "x_hr.dat", degeneracy=DEG)
    write_centres_xyz(src, tmp_path / "x_centres.xyz")
    lat = src.lattice_vectors
    (tmp_path / "x.win").write_text(
        "begin unit_cell_cart\nang\n" + "\n".join(" ".join(repr(float(x)) for x in r) for r in lat)
        + "\nend unit_cell_cart\n")
    # the reader class is pythtb.W90 in PythTB 2.x (where pythtb.w90 is a module), w90 in 1.8
    reader = getattr(pythtb, "W90", None) or pythtb.w90
    tb = reader(str(tmp_path), "x").model()
    theirs = from_pythtb(tb)
    ours = load_wannier90(tmp_path / "x", lattice_vectors=lat)
    k = _k(rng, 32, 3)
    np.testing.assert_allclose(ours.hamiltonian(k), theirs.hamiltonian(k), rtol=0, atol=1e-10)


def test_dense_random_model_generic_centres(tmp_path, rng):
    """Wannier90Model's per-R evaluation (H = D^dagger H_W D) equals the parent's per-bond
    evaluation for centres at generic positions (every bond displacement distinct)."""
    n = 5
    lat = np.array([[3.0, 0, 0], [0.4, 3.2, 0], [0.3, 0.2, 3.5]])
    pos = rng.uniform(-0.3, 1.3, (n, 3)) @ lat
    hops = [Hopping(i, j, R, complex(rng.normal(), rng.normal()))
            for R in [(0, 0, 0), (1, 0, 0), (0, 1, -1), (1, 1, 1)]
            for i in range(n) for j in range(n) if not (R == (0, 0, 0) and j <= i)]
    src = TightBindingModel(lat, pos, hops, rng.normal(size=n))
    write_tb_dat(src, tmp_path / "r_tb.dat")
    m = load_wannier90(tmp_path / "r_tb.dat")
    assert type(m).__name__ == "Wannier90Model"
    k = _k(rng, 16, 3)
    H, V = m.hamiltonian_and_velocity(k)
    np.testing.assert_allclose(H, src.hamiltonian(k), rtol=0, atol=1e-12)
    np.testing.assert_allclose(V, src.velocity(k), rtol=0, atol=1e-11)
    np.testing.assert_allclose(m.velocity(k), V, rtol=0, atol=0)


def test_wannier90_model_gives_the_hopping_list_hall_conductivity(tmp_path):
    """Issue #9 'done when': the Wannier90 file of a model computes the same sigma_xy(E_F)
    and Chern numbers as the hopping-list model it was written from (same H(k) -> same
    k-sum; expected agreement at rounding level)."""
    from lrtheory.response.hall import hall_conductivity

    write_hr_dat(HALDANE, tmp_path / "h_hr.dat", degeneracy=DEG)
    write_centres_xyz(HALDANE, tmp_path / "h_centres.xyz")
    m = load_wannier90(tmp_path / "h", lattice_vectors=LAT3_2D)
    ef = np.linspace(-3, 3, 13)
    a = hall_conductivity(m, ef, nk=24)
    b = hall_conductivity(HALDANE, ef, nk=24)
    np.testing.assert_allclose(a.sigma, b.sigma, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(a.band_chern, b.band_chern, rtol=1e-10, atol=1e-12)
