"""Write the small TR-broken Wannier90 ``_tb.dat`` with non-trivial position matrix elements
that CI compares with WannierBerri's numbers (tests/physics/data/wberri_reference.json).

Model: the Weyl stack of Haldane layers (``layered_haldane(tz=0.15, c=1.5, weyl=True)``, 2
orbitals, TR broken by the Haldane flux), rewritten in rotated Wannier functions
``|m'R> = sum_j U_jm |jR>`` (``U`` a fixed random unitary, seed 7: off-diagonal position
elements at R = 0) and given extra random position elements at R != 0 (amplitude 0.05 a,
Hermitian pairs ``A(-R) = A(R)^dagger``, seed 7), written in Wannier90's convention
(``<m0|r|nR>``, centres on the R = 0 diagonal), ndegen 1.

    python benchmarks/make_w90_positions.py tests/physics/data/weyl_positions_tb.dat
"""
import sys

import numpy as np

from lrtheory.io.wannier90 import real_space_hamiltonian, write_tb_data
from lrtheory.io.wannier90.read import HrData
from lrtheory.models.haldane import layered_haldane


def build(seed: int = 7, amplitude: float = 0.05) -> HrData:
    rng = np.random.default_rng(seed)
    m = layered_haldane(tz=0.15, c=1.5, weyl=True)
    R, H = real_space_hamiltonian(m)
    n = m.n_orbitals
    q, r = np.linalg.qr(rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n)))
    U = q * (np.diag(r) / np.abs(np.diag(r)))
    Hp = np.conj(U.T)[None] @ H @ U[None]
    pos = np.zeros((len(R), 3, n, n), complex)
    index = {tuple(x): i for i, x in enumerate(R)}
    i0 = index[(0, 0, 0)]
    for a in range(3):
        pos[i0, a] = np.conj(U.T) @ np.diag(m.positions[:, a]) @ U
    for b, x in enumerate(R):
        mb = index[tuple(-x)]
        if b < mb:
            X = amplitude * (rng.normal(size=(3, n, n)) + 1j * rng.normal(size=(3, n, n)))
            pos[b] += X
            pos[mb] += np.conj(np.swapaxes(X, -1, -2))
    return HrData(R, np.ones(len(R), int), Hp, np.zeros(Hp.shape, int), "",
                  "Weyl Haldane stack, rotated Wannier functions + random positions (lrtheory)",
                  np.asarray(m.lattice_vectors, float), pos)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__.split("\n\n")[-1])
    print(write_tb_data(build(), sys.argv[1]))
