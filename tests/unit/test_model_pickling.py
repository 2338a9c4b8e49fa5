"""Every model type survives pickling: worker processes and Dask receive models by pickle.

Expected values: a model after ``pickle.loads(pickle.dumps(model))`` must give the same H(k)
and dH/dk as the original, bit for bit (the same arithmetic on the same numbers; the SymPy
model recompiles the same expressions). A k-sum run on 2 worker processes must equal the
serial run to rounding of the ordered chunk sums (1e-12 relative).
"""
from __future__ import annotations

import pickle

import numpy as np
import pytest
import sympy as sp

from lrtheory.models.continuum import MassiveDirac, RashbaGas
from lrtheory.models.haldane import haldane, layered_haldane
from lrtheory.models.sympy_model import SympyBlochModel
from lrtheory.io.wannier90 import load_wannier90, write_tb_dat
from lrtheory.response.hall import hall_conductivity

kx, ky, m = sp.symbols("kx ky m")


def qwz_sympy():
    """Qi-Wu-Zhang model typed as a SymPy matrix (square lattice, both orbitals at 0)."""
    H = sp.Matrix([[m + sp.cos(kx) + sp.cos(ky), sp.sin(kx) - sp.I * sp.sin(ky)],
                   [sp.sin(kx) + sp.I * sp.sin(ky), -m - sp.cos(kx) - sp.cos(ky)]])
    return SympyBlochModel(H, {"m": 1.0}, lattice_vectors=np.eye(2), positions=np.zeros((2, 2)))


def _wannier(tmp_path):
    write_tb_dat(layered_haldane(t2=0.1, phi=0.7, delta=0.3), tmp_path / "w_tb.dat")
    return load_wannier90(tmp_path / "w_tb.dat")


@pytest.mark.parametrize("make", [
    lambda tmp: haldane(t0=1.0, t2=0.1, phi=0.7, delta=0.3),
    lambda tmp: haldane().ribbon(6),
    lambda tmp: layered_haldane(),
    lambda tmp: qwz_sympy(),
    lambda tmp: RashbaGas(),
    lambda tmp: MassiveDirac(),
    _wannier,
], ids=["haldane", "ribbon", "layered", "sympy", "rashba", "dirac", "wannier90"])
def test_pickle_round_trip_keeps_h_and_v(make, tmp_path, rng):
    model = make(tmp_path)
    copy = pickle.loads(pickle.dumps(model))
    k = rng.uniform(-np.pi, np.pi, size=(7, model.dim))
    np.testing.assert_array_equal(copy.hamiltonian(k), model.hamiltonian(k))
    np.testing.assert_array_equal(copy.velocity(k), model.velocity(k))


def test_sympy_model_k_sum_on_two_processes_equals_serial():
    model = qwz_sympy()  # m = 1: Chern insulator, |C| = 1 (Qi, Wu, Zhang PRB 74, 085308)
    ser = hall_conductivity(model, 0.0, nk=24, chunk_size=4)
    par = hall_conductivity(model, 0.0, nk=24, chunk_size=4, workers=2)
    np.testing.assert_allclose(par.sigma, ser.sigma, rtol=1e-12, atol=0)
    assert abs(abs(ser.sigma[0]) * 2 * np.pi - 1) < 0.05  # |sigma| = e^2/h = 1/(2 pi)
