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

from lrtheory._docstrings import shared_docs
from lrtheory.errors import check_float
from lrtheory.models.tightbinding import Hopping, TightBindingModel
from lrtheory.models.time_reversal import TimeReversal

__all__ = ["cubic_rashba", "rashba_hoppings", "SPIN_HALF", "DOCS"]

#: spin-1/2 operators S_a = sigma_a / 2 (hbar = 1) on (up, down), shape (3, 2, 2)
SPIN_HALF = 0.5 * np.array([[[0, 1], [1, 0]], [[0, -1j], [1j, 0]], [[1, 0], [0, -1]]])

#: numpydoc block of the Rashba lattice models' couplings (lrtheory._docstrings; also used
#: by :func:`lrtheory.disorder.samples.square_rashba`)
DOCS = {"rashba_parameters": """
    t : float
        Nearest-neighbour hopping (t0).
    alpha : float
        Rashba coupling (t0 a).
    """}
_docs = shared_docs(**DOCS)


@_docs
def cubic_rashba(t: float = 1.0, alpha: float = 0.5, bz: float = 0.0) -> TightBindingModel:
    """The polar cubic Rashba model (module doc).

    Parameters
    ----------
    %(rashba_parameters)s
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
    tr = TimeReversal(np.array([[0, 1], [-1, 0]], complex)) if bz == 0 else None
    return TightBindingModel(np.eye(3), np.zeros((2, 3)), rashba_hoppings(t, alpha, 3),
                             np.array([bz, -bz]), tr, None, "cubic Rashba",
                             {"t": t, "alpha": alpha, "bz": bz})


@_docs
def rashba_hoppings(t: float, alpha: float, dim: int) -> list[Hopping]:
    r"""Nearest-neighbour hoppings of the Rashba lattice model on the square (``dim = 2``)
    or simple cubic (``dim = 3``) lattice, one spin-1/2 site per cell (a = 1):

    .. math:: H(\mathbf k) = -2t \sum_{i \le d} \cos k_i + \alpha(\sin k_x\,\sigma_y
              - \sin k_y\,\sigma_x),

    from the bond blocks ``T(x) = -t + alpha sigma_y/(2i)``, ``T(y) = -t - alpha
    sigma_x/(2i)`` and ``T(z) = -t`` (their conjugates are added by
    :class:`~lrtheory.models.tightbinding.TightBindingModel`). The one source of the
    Rashba bonds of :func:`cubic_rashba` and :func:`lrtheory.disorder.samples.square_rashba`.

    Parameters
    ----------
    %(rashba_parameters)s
    dim : int
        2 (square) or 3 (simple cubic).

    Returns
    -------
    list of Hopping
        The non-zero entries of the bond blocks, bonds along x, y (then z), orbitals
        (up, down) in row-major order (energies in t0).
    """
    sx, sy = 2 * SPIN_HALF[0], 2 * SPIN_HALF[1]
    unit = np.eye(dim, dtype=int)
    blocks = [-t * np.eye(2) + alpha * sy / 2j, -t * np.eye(2) - alpha * sx / 2j,
              -t * np.eye(2)][:dim]
    return [Hopping(i, j, tuple(int(x) for x in unit[axis]), complex(T[i, j]))
            for axis, T in enumerate(blocks) for i in range(2) for j in range(2) if T[i, j] != 0]
