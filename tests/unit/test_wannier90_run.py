"""Wannier90 run files (``.chk``/``.chk.fmt``, ``.eig``, ``.spn``) and
:func:`lrtheory.io.wannier90.run.load_wannier90_run` on a synthetic run whose Wannier
functions are known.

The run: a simple-cubic spinor model (2 orbitals x spin, nearest-neighbour hopping and
spin-orbit terms; R in {0, +-x, +-y, +-z}) plus a decoupled extra orbital x spin, so that
6 Bloch bands hold the 4 Wannier functions (disentanglement). The checkpoint's ``U_opt`` is
the projection on the 4 model orbitals times a random unitary ``W(k)`` and ``U = W^+``,
so ``V = U_opt U`` returns the orbitals themselves: the model read back must be the
original one at every k (not only on the 3 x 3 x 3 mesh), its spin the on-site
``sigma/2``. A transposed ``U``, a wrong triangle of ``.spn`` or a wrong Fourier sign
breaks these identities (the random ``W`` makes the order of ``U_opt U`` matter).
Real data (Fe, GaAs) and the peer: tests/physics/test_w90_run_spin.py.
"""
from __future__ import annotations

import numpy as np
import pytest

from lrtheory.errors import InputFileError, ModelError
from lrtheory.io.wannier90.run import load_wannier90_run
from lrtheory.io.wannier90.run_files import (Checkpoint, read_chk, read_eig, read_spn,
                                             write_chk, write_eig, write_spn)
from lrtheory.response.berry import band_operator
from lrtheory.response.hall3d import hall_tensor
from tests.tolerances import TOL, TOL_NUMERIC

PAULI = np.array([[[0, 1], [1, 0]], [[0, -1j], [1j, 0]], [[1, 0], [0, -1]]], complex)
A = 2.0  # lattice constant (Angstrom)
MP = (3, 3, 3)
HOPS = [np.array(v) for v in ((1, 0, 0), (0, 1, 0), (0, 0, 1))]


def _blocks(rng):
    """Real-space blocks {R: H(R)} of the Wannier part (4 x 4) and of the extra part."""
    T = rng.normal(size=(2, 2)) + 1j * rng.normal(size=(2, 2))
    on = rng.normal(size=(2, 2)) + 1j * rng.normal(size=(2, 2))
    on = on + on.conj().T + np.diag([0.0, 1.5])
    Hw = {(0, 0, 0): np.kron(on, np.eye(2)) + 0.2 * np.kron(np.diag([1, -1]), PAULI[2])}
    Hx = {(0, 0, 0): np.diag([3.0, 3.1]).astype(complex)}
    for a, R in enumerate(HOPS):
        hop = np.kron(T, np.eye(2)) + 0.15j * np.kron(np.eye(2), PAULI[(a + 1) % 3])
        Hw[tuple(R)], Hw[tuple(-R)] = hop, hop.conj().T
        Hx[tuple(R)] = Hx[tuple(-R)] = -0.4 * np.eye(2, dtype=complex)
    return Hw, Hx


def _bloch(blocks, kred):
    ph = {R: np.exp(2j * np.pi * (kred @ np.array(R))) for R in blocks}
    return sum(ph[R][:, None, None] * X for R, X in blocks.items())


def _unitary(rng, n):
    q, r = np.linalg.qr(rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n)))
    return q * (np.diag(r) / np.abs(np.diag(r)))


def _write_run(tmp_path, rng, *, formatted=False, centres=None, seed="run"):
    Hw, Hx = _blocks(rng)
    g = [np.arange(m) / m for m in MP]
    kred = np.stack(np.meshgrid(*g, indexing="ij"), -1).reshape(-1, 3)
    nk = len(kred)
    H = np.zeros((nk, 6, 6), complex)
    H[:, :4, :4], H[:, 4:, 4:] = _bloch(Hw, kred), _bloch(Hx, kred)
    E, C = np.linalg.eigh(H)
    Sfull = np.zeros((3, 6, 6), complex)
    Sfull[:, :4, :4] = np.kron(np.eye(2), PAULI)
    Sfull[:, 4:, 4:] = PAULI
    sigma = np.einsum("kin,aij,kjm->kanm", C.conj(), Sfull, C)
    W = np.stack([_unitary(rng, 4) for _ in range(nk)])
    uopt = np.conj(np.swapaxes(C[:, :4, :], 1, 2)) @ W  # (nk, 6 bands, 4)
    chk = Checkpoint("synthetic", "synthetic run", 6, 4, np.array([1, 2]), A * np.eye(3),
                     np.array(MP), kred, "postwann", True, np.ones((nk, 6), bool), uopt,
                     np.conj(np.swapaxes(W, 1, 2)),
                     np.zeros((4, 3)) if centres is None else centres, np.ones(4))
    base = tmp_path / seed
    write_chk(chk, str(base) + (".chk.fmt" if formatted else ".chk"), formatted=formatted)
    write_eig(E, str(base) + ".eig")
    write_spn(sigma, str(base) + ".spn", formatted=formatted)
    return base, Hw


@pytest.mark.parametrize("formatted", [False, True])
def test_run_reproduces_the_model_everywhere(tmp_path, rng, formatted):
    base, Hw = _write_run(tmp_path, rng, formatted=formatted)
    model = load_wannier90_run(base, mdrs=False)
    kred = rng.uniform(-1, 1, size=(9, 3))
    k = kred @ model.reciprocal_vectors
    np.testing.assert_allclose(model.hamiltonian(k), _bloch(Hw, kred), **TOL)
    S = model.spin_operator(k)
    np.testing.assert_allclose(S, np.broadcast_to(0.5 * np.kron(np.eye(2), PAULI), S.shape),
                               **TOL)
    assert model.params["spin"] and model.n_orbitals == 4
    for a in range(3):  # one component alone is the same numbers
        np.testing.assert_array_equal(model.spin_operator(k, a), S[:, a])
    # MDRS with all centres at the origin is the plain Wigner-Seitz sum
    np.testing.assert_allclose(load_wannier90_run(base).hamiltonian(k), _bloch(Hw, kred),
                               **TOL)


def test_formatted_and_unformatted_files_read_the_same(tmp_path, rng):
    base, _ = _write_run(tmp_path, rng)
    chk = read_chk(str(base) + ".chk")
    write_chk(chk, tmp_path / "b.chk.fmt", formatted=True)
    fmt = read_chk(tmp_path / "b.chk.fmt")
    for name in ("lattice", "mp_grid", "kpoints", "lwindow", "u_opt", "u", "centres",
                 "spreads", "exclude_bands"):
        np.testing.assert_array_equal(getattr(fmt, name), getattr(chk, name), err_msg=name)
    sigma = read_spn(str(base) + ".spn")
    write_spn(sigma, tmp_path / "b.spn", formatted=True)
    np.testing.assert_array_equal(read_spn(tmp_path / "b.spn"), sigma)


def test_mesh_is_exact_with_centres_and_mdrs(tmp_path, rng):
    """With Wannier centres away from the origin MDRS moves blocks by supercell vectors:
    the mesh energies are unchanged (exp(ik.T) = 1), the bands between mesh points are
    not (the counter-example that the check can fail)."""
    centres = rng.uniform(0, A, size=(4, 3))
    base, Hw = _write_run(tmp_path, rng, centres=centres)
    plain, moved = load_wannier90_run(base, mdrs=False), load_wannier90_run(base, mdrs=True)
    g = [np.arange(m) / m for m in MP]
    mesh = np.stack(np.meshgrid(*g, indexing="ij"), -1).reshape(-1, 3)
    exact = np.linalg.eigvalsh(_bloch(Hw, mesh))
    for m in (plain, moved):
        np.testing.assert_allclose(np.linalg.eigvalsh(m.hamiltonian(mesh @ m.reciprocal_vectors)),
                                   exact, **TOL)
    off = rng.uniform(-1, 1, size=(9, 3))
    e_plain = np.linalg.eigvalsh(plain.hamiltonian(off @ plain.reciprocal_vectors))
    e_moved = np.linalg.eigvalsh(moved.hamiltonian(off @ moved.reciprocal_vectors))
    np.testing.assert_allclose(e_plain, np.linalg.eigvalsh(_bloch(Hw, off)), **TOL)
    assert np.abs(e_moved - e_plain).max() > 1e-3
    # without a .win file MDRS is on (Wannier90's default use_ws_distance = .true.); a .win
    # that switches it off gives the plain Wigner-Seitz sum
    default = load_wannier90_run(base)
    np.testing.assert_allclose(
        np.linalg.eigvalsh(default.hamiltonian(off @ default.reciprocal_vectors)), e_moved,
        **TOL)
    (tmp_path / "run.win").write_text("num_wann = 4\nuse_ws_distance = .false.\n")
    off_win = load_wannier90_run(base)
    np.testing.assert_allclose(
        np.linalg.eigvalsh(off_win.hamiltonian(off @ off_win.reciprocal_vectors)), e_plain,
        **TOL)


def test_spin_hall_reads_the_run_spin_operator(tmp_path, rng):
    """``operator='spin_z'`` goes through ``model.spin_operator(k)``; here S(R) is on-site,
    so it must equal the same k-independent matrix given explicitly."""
    base, _ = _write_run(tmp_path, rng)
    model = load_wannier90_run(base)
    ef = np.array([-0.5, 0.5, 1.5])
    by_name = hall_tensor(model, ef, nk=4, operator="spin_z").sigma
    Sz = 0.5 * np.kron(np.eye(2), PAULI[2])
    by_matrix = hall_tensor(model, ef, nk=4, operator=Sz).sigma
    assert np.abs(by_matrix).max() > 1e-3  # a non-zero spin Hall tensor is compared
    np.testing.assert_allclose(by_name, by_matrix, **TOL_NUMERIC)


def test_spinless_run_has_no_spin_operator(tmp_path, rng):
    base, _ = _write_run(tmp_path, rng)
    model = load_wannier90_run(base, spin=False)
    assert model.spin_operator(np.zeros(3)) is None and model.params["spin"] is False
    from lrtheory.bands.eigensystem import Eigensystem

    es = Eigensystem.compute(model, np.zeros((1, 3)))
    with pytest.raises(ModelError, match="spinless"):
        band_operator(es, "spin_z", model)


# -- bad input: one typed error naming the record or the line ------------------------------


def test_truncated_unformatted_chk_names_the_record(tmp_path, rng):
    base, _ = _write_run(tmp_path, rng)
    data = (tmp_path / "run.chk").read_bytes()
    (tmp_path / "cut.chk").write_bytes(data[: len(data) // 2])
    with pytest.raises(InputFileError, match=r"cut\.chk, record \d+ \(u_matrix_opt\).*ends early"):
        read_chk(tmp_path / "cut.chk")


def test_truncated_formatted_chk_names_the_line(tmp_path, rng):
    base, _ = _write_run(tmp_path, rng, formatted=True)
    lines = (tmp_path / "run.chk.fmt").read_text().splitlines()
    (tmp_path / "cut.chk.fmt").write_text("\n".join(lines[:400]) + "\n")
    with pytest.raises(InputFileError, match=r"line 400: file ends early.*u_matrix_opt"):
        read_chk(tmp_path / "cut.chk.fmt")
    lines[5] = "not-a-number " + lines[5]
    (tmp_path / "bad.chk.fmt").write_text("\n".join(lines) + "\n")
    with pytest.raises(InputFileError, match=r"line 6: 'not-a-number' is not a number"):
        read_chk(tmp_path / "bad.chk.fmt")


def test_inconsistent_files_are_refused(tmp_path, rng):
    base, _ = _write_run(tmp_path, rng)
    chk = read_chk(str(base) + ".chk")
    # a .spn of another run (5 bands instead of 6)
    write_spn(np.zeros((27, 3, 5, 5)), str(base) + ".spn")
    with pytest.raises(InputFileError, match=r"record 2.*num_bands = 5, but the checkpoint has 6"):
        load_wannier90_run(base)
    # a .eig with a k-point missing
    E = read_eig(str(base) + ".eig", 6, 27)
    write_eig(E[:-1], str(base) + ".eig")
    with pytest.raises(InputFileError, match=r"156 lines, but num_bands x num_kpts = 6 x 27"):
        load_wannier90_run(base, spin=False)
    # band index out of order
    text = (tmp_path / "run.eig").read_text().splitlines()
    text[1], text[2] = text[2], text[1]
    (tmp_path / "swap.eig").write_text("\n".join(text) + "\n")
    with pytest.raises(InputFileError, match=r"swap\.eig, line 2: expected band 2 of k-point 1"):
        read_eig(tmp_path / "swap.eig", 6, 26)
    # k count different from mp_grid; a U that is not unitary
    bad = Checkpoint(**{**chk.__dict__, "kpoints": chk.kpoints[:-1], "lwindow": chk.lwindow[:-1],
                        "u_opt": chk.u_opt[:-1], "u": chk.u[:-1]})
    write_chk(bad, tmp_path / "nk.chk")
    with pytest.raises(InputFileError, match=r"26 k-points but mp_grid = \(3, 3, 3\)"):
        read_chk(tmp_path / "nk.chk")
    write_chk(Checkpoint(**{**chk.__dict__, "u": 2 * chk.u}), tmp_path / "u.chk")
    with pytest.raises(InputFileError, match="u_matrix is not unitary"):
        read_chk(tmp_path / "u.chk")


def test_missing_and_foreign_files(tmp_path, rng):
    base, _ = _write_run(tmp_path, rng)
    (tmp_path / "run.spn").unlink()
    with pytest.raises(InputFileError, match=r"spin=True needs .*run\.spn"):
        load_wannier90_run(base, spin=True)
    assert load_wannier90_run(base).params["spin"] is False  # spin=None: read when present
    with pytest.raises(InputFileError, match=r"neither .*nothere\.chk nor .*nothere\.chk\.fmt"):
        load_wannier90_run(tmp_path / "nothere")
    (tmp_path / "empty.spn").write_bytes(b"")
    with pytest.raises(InputFileError, match="empty"):
        read_spn(tmp_path / "empty.spn")
    (tmp_path / "text.spn").write_text("header\n2 1\n" + "0.5 x\n" * 9)
    with pytest.raises(InputFileError, match=r"text\.spn, line 3: 'x' is not a number"):
        read_spn(tmp_path / "text.spn")


@pytest.mark.parametrize("lattice, mp", [
    (1.4 * np.array([[1, 1, 1], [-1, 1, 1], [-1, -1, 1]]), (3, 3, 3)),   # bcc
    (2.8 * np.array([[0, 1, 1], [1, 0, 1], [1, 1, 0]]), (4, 4, 4)),      # fcc
    (np.diag([1.0, 2.0, 3.0]), (2, 3, 5)),                                # orthorhombic
    # a near tie: |a1 + a2|^2 - |a2 - a1|^2 = 4e-7 A^2, far above Wannier90's tolerance on
    # squared distances (ws_distance_tol^2 = 1e-10) but below ws_distance_tol itself: the
    # corner (1, 1) is not a Wigner-Seitz point ((-1, 1) is shorter)
    (np.array([[1.0, 0, 0], [1e-7, 1.0, 0], [0, 0, 1.5]]), (2, 2, 3)),
    # skewed cells (not reduced): their Wigner-Seitz points lie beyond +-mp and need
    # supercell images beyond the nearest ones (a search over +-1 image or R in [-mp, mp]
    # breaks the sum rule here)
    (np.array([[1.0, 0, 0], [2.6, 1.0, 0], [0, 0, 1.0]]), (2, 2, 1)),
    (np.array([[1.0, 0, 0], [0.95, 0.2, 0], [0, 0, 1.0]]), (4, 4, 1))])
def test_wigner_seitz_points_by_definition(lattice, mp):
    """R is a Wigner-Seitz point when no supercell image R - T is shorter; its degeneracy
    counts the images as short as R (plain loops over a wider box than the code's)."""
    from itertools import product

    from lrtheory.io.wannier90.run import wigner_seitz

    R, nd = wigner_seitz(lattice, mp)
    got = dict(zip(map(tuple, R), nd))
    box = np.array(list(product(*[range(-2 * m - 1, 2 * m + 2) for m in mp])))
    images = np.array(list(product(range(-4, 5), repeat=3))) * mp
    x = box @ lattice
    d = np.linalg.norm(x[:, None, :] - (images @ lattice)[None], axis=-1)  # (box, images)
    r0 = np.linalg.norm(x, axis=1)
    inside = r0 <= d.min(1) + 1e-9
    deg = (np.abs(d - r0[:, None]) < 1e-9).sum(1)
    want = {tuple(r): int(n) for r, n in zip(box[inside], deg[inside])}
    assert got == want
    assert abs(np.sum(1.0 / nd) - np.prod(mp)) < 1e-9


def test_mesh_points_are_snapped_to_the_mp_grid(tmp_path, rng):
    """A checkpoint whose k-points carry 1e-9 of noise (a file written with fewer digits):
    the points are the mp_grid mesh (snapped, the exact Fourier transform of the mesh), so
    the model is still the original one to rounding; with the noisy points the transform
    would be off by ~ 2 pi |R| 1e-9 per block."""
    import dataclasses

    from lrtheory.io.wannier90.run_files import write_chk

    base, Hw = _write_run(tmp_path, rng)
    chk = read_chk(str(base) + ".chk")
    noisy = dataclasses.replace(chk, kpoints=chk.kpoints + 1e-9 * rng.uniform(-1, 1,
                                                                              chk.kpoints.shape))
    write_chk(noisy, str(base) + ".chk")
    model = load_wannier90_run(base, mdrs=False)
    kred = rng.uniform(-1, 1, size=(9, 3))
    np.testing.assert_allclose(model.hamiltonian(kred @ model.reciprocal_vectors),
                               _bloch(Hw, kred), rtol=0, atol=1e-12)
