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
import dataclasses
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from lrtheory.io.wannier90 import write_tb_data  # noqa: E402
from lrtheory.models.haldane import layered_haldane  # noqa: E402
from tests.unit.test_wannier_interpolation import rotated_data  # noqa: E402


def build(seed: int = 7, amplitude: float = 0.05):
    m = layered_haldane(tz=0.15, c=1.5, weyl=True)
    data, _ = rotated_data(m, np.asarray(m.lattice_vectors, float), np.random.default_rng(seed),
                           extra_A=amplitude)
    return dataclasses.replace(data, path="", header="Weyl Haldane stack, rotated Wannier "
                               "functions + random positions (lrtheory)")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__.split("\n\n")[-1])
    print(write_tb_data(build(), sys.argv[1]))
