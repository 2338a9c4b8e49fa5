r"""A small 3D test model: the polar (Rashba) cubic lattice with spin, for slabs and the
bulk-limit checks (issue #15 item 5).

.. math:: H(k) = -2t(\cos k_x + \cos k_y + \cos k_z) + \alpha(\sin k_x\,\sigma_y
          - \sin k_y\,\sigma_x) + b_z \sigma_z

on the simple cubic lattice (a = 1), one site with spin up (orbital 0) and down (orbital 1).
Polar along ``z`` (no inversion); time-reversal invariant (``Theta = i sigma_y K``) when
``b_z = 0``. Its bulk Edelstein response (spin ``S_y`` per volume under ``E_x``, intraband,
~tau) is the bulk value the interior of a thick (001) film must reproduce.

Units: energies in t (= t0), lengths in a.
"""
from __future__ import annotations

import numpy as np

from lrtheory.errors import check_float
from lrtheory.models.tightbinding import Hopping, TightBindingModel
from lrtheory.models.time_reversal import TimeReversal

__all__ = ["cubic_rashba", "SPIN_HALF"]

#: spin-1/2 operators S_a = sigma_a / 2 (hbar = 1) on (up, down), shape (3, 2, 2)
SPIN_HALF = 0.5 * np.array([[[0, 1], [1, 0]], [[0, -1j], [1j, 0]], [[1, 0], [0, -1]]])


def cubic_rashba(t: float = 1.0, alpha: float = 0.5, bz: float = 0.0) -> TightBindingModel:
    """The polar cubic Rashba model (module doc).

    Parameters
    ----------
    t : float
        Nearest-neighbour hopping (t0).
    alpha : float
        Rashba coupling (t0 a).
    bz : float
        Zeeman energy along z (t0); non-zero breaks time reversal.

    Returns
    -------
    TightBindingModel
        3D, two orbitals at the origin, ``params`` {"t", "alpha", "bz"}; declared time
        reversal ``i sigma_y`` when ``bz == 0``.
    """
    t, alpha, bz = (check_float(name, v) for name, v in
                    (("t", t), ("alpha", alpha), ("bz", bz)))
    sx, sy = 2 * SPIN_HALF[0], 2 * SPIN_HALF[1]
    blocks = {(1, 0, 0): -t * np.eye(2) + alpha * sy / 2j,
              (0, 1, 0): -t * np.eye(2) - alpha * sx / 2j,
              (0, 0, 1): -t * np.eye(2)}
    hops = [Hopping(i, j, R, complex(T[i, j])) for R, T in blocks.items()
            for i in range(2) for j in range(2) if T[i, j] != 0]
    tr = TimeReversal(np.array([[0, 1], [-1, 0]], complex)) if bz == 0 else None
    return TightBindingModel(np.eye(3), np.zeros((2, 3)), hops, np.array([bz, -bz]), tr,
                             None, "cubic Rashba", {"t": t, "alpha": alpha, "bz": bz})
