r"""Lattice Fourier sums ``F(k) = sum_R exp(i k.R) F(R)`` of Wannier90 blocks in real
arithmetic, each lattice vector paired with its opposite.

For a pair ``(R, -R)``

.. math:: e^{i\mathbf k\cdot\mathbf R}F(\mathbf R) + e^{-i\mathbf k\cdot\mathbf R}F(-\mathbf R)
          = \cos(\mathbf k\cdot\mathbf R)\,[F(\mathbf R) + F(-\mathbf R)]
          + \sin(\mathbf k\cdot\mathbf R)\,i\,[F(\mathbf R) - F(-\mathbf R)],

so the sum over all R is one real matrix product ``[cos | sin] (Nk, n_cols) @ M (n_cols,
2 n_blocks)``, with half the multiply-adds of the complex product ``exp(ik.R) @ F(R)``
(exact for any blocks; an R without partner enters as ``cos F + sin iF``). Used by
:class:`~lrtheory.io.wannier90.model.Wannier90Model` for H(k), dH/dk and the position matrix.
"""
from __future__ import annotations

import numpy as np

__all__ = ["PairedSum"]


class PairedSum:
    """``sum_R exp(ik.RA) F(R)`` of blocks ``F`` (nR, ...) at Cartesian lattice vectors RA.

    Parameters
    ----------
    R : (nR, 3) int
        Lattice vectors (integer components; pairs are found from them).
    RA : (nR, d) float
        The same vectors in Cartesian coordinates (Angstrom).
    F : (nR, ...) complex
        Blocks (any trailing shape).
    """

    def __init__(self, R, RA, F):
        R = np.asarray(R, int)
        F = np.asarray(F, complex)
        self.shape = F.shape[1:]
        F = F.reshape(len(R), int(np.prod(self.shape)))
        index = {tuple(r): i for i, r in enumerate(R)}
        cos_rows, sin_rows, reps = [], [], []
        for i, r in enumerate(R):
            j = index.get(tuple(-r))
            nz = r[np.nonzero(r)[0]]
            if j is not None and nz.size and nz[0] < 0:
                continue  # the partner -R (first non-zero component > 0) carries the pair
            G = F[j] if (j is not None and j != i) else np.zeros_like(F[i])
            if j == i:  # R = 0
                cos_rows.append(F[i])
                reps.append(i)
                continue
            cos_rows.append(F[i] + G)
            sin_rows.append(1j * (F[i] - G))
            reps.append(i)
        RA = np.asarray(RA, float)
        self.RA = RA[np.asarray(reps, int)]
        self.has_sin = np.array([not np.all(R[i] == 0) for i in reps], bool)
        nb = F.shape[1]
        M = np.concatenate([np.array(cos_rows, complex).reshape(len(cos_rows), nb),
                            np.array(sin_rows, complex).reshape(len(sin_rows), nb)], 0)
        self.M = np.ascontiguousarray(M).view(float)  # (n_cols, 2 n_blocks)

    def __call__(self, k) -> np.ndarray:
        """``F(k)`` (..., *shape) complex for Cartesian k (..., d).

        Parameters
        ----------
        k : (..., d) float array
            Cartesian wave vectors (1/Angstrom).

        Returns
        -------
        (..., *shape) complex array
            The sum ``F(k)``, in the units of the blocks ``F`` (e.g. eV for H(R)).
        """
        k = np.asarray(k, float)
        arg = k.reshape(-1, k.shape[-1]) @ self.RA.T
        cs = np.concatenate([np.cos(arg), np.sin(arg[:, self.has_sin])], 1)
        out = np.ascontiguousarray(cs @ self.M).view(complex)
        return out.reshape(k.shape[:-1] + self.shape)
