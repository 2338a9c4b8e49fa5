"""MDRS (Wannier90's ``use_ws_distance``): an exact check and the ``wsvec.dat`` reader.

Exact check: a chain whose true hoppings all join minimal-distance images (|R + tau_n -
tau_m| < half the supercell) is sampled on an ``mp_grid = (4, 1, 1)`` k grid and written on
the Wigner-Seitz supercell with Wannier90's degeneracies (the WS set is built here from its
definition, independently of the MDRS code). MDRS must give back the true H(k) at every k;
the plain WS reading splits the hopping of the R = +-2 class between both images and is
wrong off the grid (counter-example); on the grid both are exact (``exp(ik.T) = 1``).
"""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from lrtheory.errors import InputFileError, ModelError
from lrtheory.io.wannier90 import load_wannier90, model_from_hr, write_tb_data
from lrtheory.io.wannier90.mdrs import mdrs_shifts
from lrtheory.io.wannier90.read import HrData
from lrtheory.models.tightbinding import TightBindingModel

LAT = np.diag([1.0, 5.0, 5.0])
TAU = np.array([[0.0, 0.0, 0.0], [0.45, 0.0, 0.0]])
MP = (4, 1, 1)
# (i, j, R1, t): every bond is the minimal-distance image of its class modulo 4
BONDS = [(0, 1, 0, 1.0), (0, 1, -1, 0.7 + 0.2j), (0, 0, 1, 0.3), (1, 1, 1, -0.25),
         (0, 1, 1, 0.15j), (0, 1, -2, 0.11 - 0.05j)]


def _true_model():
    return TightBindingModel(LAT, TAU, [(i, j, (r, 0, 0), t) for i, j, r, t in BONDS],
                             onsite=[0.2, -0.1])


def _wigner_seitz(lat, mp):
    """Wannier90's WS set of the mp supercell and its degeneracies (from the definition)."""
    metric = lat @ lat.T
    sup = np.array(list(itertools.product(range(-2, 3), repeat=3))) * mp
    out, nd = [], []
    for R in itertools.product(*[range(-2 * m, 2 * m + 1) for m in mp]):
        d = np.array(R)[None, :] - sup
        dist = np.einsum("ia,ab,ib->i", d, metric, d)
        if abs(dist[len(sup) // 2] - dist.min()) < 1e-8:
            out.append(R)
            nd.append(int(np.sum(np.abs(dist - dist.min()) < 1e-8)))
    return np.array(out), np.array(nd)


def _sampled_data():
    """H(R) of the true model from its H(k) on the mp grid (Wannier90's Fourier transform:
    every WS image of a class holds the class value, the reader divides by ndegen), on the
    WS set; positions diagonal (centres)."""
    m = _true_model()
    kred = np.array(list(itertools.product(*[np.arange(x) / x for x in MP])))
    B = 2 * np.pi * np.linalg.inv(LAT).T
    k = kred @ B
    D = np.exp(1j * k @ TAU.T)
    Hw = D[:, :, None] * m.hamiltonian(k) * np.conj(D)[:, None, :]  # Wannier90 gauge
    R, nd = _wigner_seitz(LAT, MP)
    assert abs(np.sum(1.0 / nd) - np.prod(MP)) < 1e-12
    H = np.einsum("kr,kij->rij", np.exp(-2j * np.pi * kred @ R.T), Hw) / len(k)
    pos = np.zeros((len(R), 3, 2, 2), complex)
    i0 = int(np.nonzero(np.all(R == 0, 1))[0][0])
    pos[i0, :, [0, 1], [0, 1]] = TAU
    return m, HrData(R, nd, H, np.zeros(H.shape, int), "chain", "", LAT, pos)


def test_mdrs_recovers_the_true_hamiltonian(rng):
    true, data = _sampled_data()
    mdrs = model_from_hr(data, dim=3, mdrs=True, mp_grid=MP)
    plain = model_from_hr(data, dim=3)
    k = rng.uniform(-4, 4, size=(30, 3))
    k[:, 1:] = 0.0
    np.testing.assert_allclose(mdrs.hamiltonian(k), true.hamiltonian(k), atol=1e-12)
    assert np.abs(plain.hamiltonian(k) - true.hamiltonian(k)).max() > 1e-2
    kg = np.c_[np.arange(4) / 4 * 2 * np.pi, np.zeros((4, 2))]
    np.testing.assert_allclose(plain.hamiltonian(kg), true.hamiltonian(kg), atol=1e-12)


def _write_wsvec(path, data, header="## written by the test, use_ws_distance=.true."):
    """seedname_wsvec.dat with the shifts of :func:`mdrs_shifts` for every (R, m, n)."""
    n = data.num_wann
    res = np.mod(data.R, MP)
    cls, inv = np.unique(res, axis=0, return_inverse=True)
    c, m, k, img, _ = mdrs_shifts(LAT, TAU, MP, cls)
    lines = [header]
    for b, R in enumerate(data.R):
        for i in range(n):
            for j in range(n):
                sel = (c == inv.reshape(-1)[b]) & (m == i) & (k == j)
                T = img[sel] - R
                lines += [f"{R[0]:5d}{R[1]:5d}{R[2]:5d}{i + 1:5d}{j + 1:5d}", f"{len(T):5d}"]
                lines += [f"{t[0]:5d}{t[1]:5d}{t[2]:5d}" for t in T]
    path.write_text("\n".join(lines) + "\n")


def test_wsvec_file_is_read_when_present(tmp_path, rng):
    true, data = _sampled_data()
    write_tb_data(data, tmp_path / "chain_tb.dat")
    _write_wsvec(tmp_path / "chain_wsvec.dat", data)
    m = load_wannier90(tmp_path / "chain_tb.dat", dim=3)  # default: use the wsvec file
    assert m.params["mdrs"]
    k = np.c_[rng.uniform(-4, 4, size=(20, 1)), np.zeros((20, 2))]
    np.testing.assert_allclose(m.hamiltonian(k), true.hamiltonian(k), atol=1e-12)
    off = load_wannier90(tmp_path / "chain_tb.dat", mdrs=False, dim=3)
    assert np.abs(off.hamiltonian(k) - true.hamiltonian(k)).max() > 1e-2
    # a wsvec.dat written with use_ws_distance = false is a no-op
    _write_wsvec(tmp_path / "chain_wsvec.dat", data, "## use_ws_distance=F")
    assert not load_wannier90(tmp_path / "chain_tb.dat").params["mdrs"]


def test_wsvec_errors_name_the_line(tmp_path):
    _, data = _sampled_data()
    write_tb_data(data, tmp_path / "c_tb.dat")
    _write_wsvec(tmp_path / "c_wsvec.dat", data)
    lines = (tmp_path / "c_wsvec.dat").read_text().splitlines()
    (tmp_path / "c_wsvec.dat").write_text("\n".join(lines[:-3]) + "\n")
    with pytest.raises(InputFileError, match=r"c_wsvec.dat.*(file ends early|incomplete)"):
        load_wannier90(tmp_path / "c_tb.dat")
    bad = list(lines)
    bad[1] = "   99    0    0    1    1"
    (tmp_path / "c_wsvec.dat").write_text("\n".join(bad) + "\n")
    with pytest.raises(InputFileError, match=r"line 2: R = \(99, 0, 0\)"):
        load_wannier90(tmp_path / "c_tb.dat")
    with pytest.raises(ModelError, match="mp_grid"):
        model_from_hr(data, dim=3, mdrs=True)


def test_hr_with_tb_positions_full_interpolation(tmp_path, rng):
    """``_hr.dat`` + ``_tb.dat`` of one run: interpolation='full' takes the position matrix
    of the _tb.dat (R order may differ); a _tb.dat of another R set is refused."""
    import dataclasses

    from lrtheory.io.wannier90 import write_hr_dat

    _, data = _sampled_data()
    data.pos[0, 0, 0, 1] = 0.02 + 0.01j  # an off-diagonal position element at R = -2
    data.pos[-1, 0, 1, 0] = np.conj(data.pos[0, 0, 0, 1])
    ref = model_from_hr(data, dim=3, interpolation="full")
    flipped = dataclasses.replace(data, R=data.R[::-1], ndegen=data.ndegen[::-1],
                                  H=data.H[::-1], pos=data.pos[::-1])
    write_tb_data(flipped, tmp_path / "s_tb.dat")
    write_hr_dat(ref, tmp_path / "s_hr.dat", degeneracy={tuple(r): int(n) for r, n in
                                                        zip(data.R, data.ndegen)})
    m = load_wannier90(tmp_path / "s", interpolation="full", dim=3)
    k = np.c_[rng.uniform(-4, 4, size=(5, 1)), np.zeros((5, 2))]
    np.testing.assert_allclose(m.position_matrix(k).connection, ref.position_matrix(k).connection,
                               atol=1e-12)
    write_tb_data(dataclasses.replace(data, R=data.R + np.array([0, 1, 0])), tmp_path / "s_tb.dat")
    with pytest.raises(InputFileError, match="not the same Wannier90 run"):
        load_wannier90(tmp_path / "s", interpolation="full", dim=3)
