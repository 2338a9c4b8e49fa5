"""Random gauge transformations for gauge-invariance tests (one helper for every eigensystem).

Eigenvectors are defined up to a phase per non-degenerate state and a unitary rotation inside
each degenerate subspace. :func:`random_block_unitary` draws such a transformation ``W``;
``U -> U W`` is then a new, equally valid set of eigenvectors, and every gauge-invariant
output must not change.
"""
from __future__ import annotations

import numpy as np

__all__ = ["random_block_unitary"]


def random_block_unitary(degenerate: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Random unitaries ``W`` (..., n, n) with ``W[..., a, b] = 0`` wherever
    ``degenerate[..., a, b]`` is False.

    ``degenerate`` must be block diagonal up to a permutation (an equivalence relation on the
    states, diagonal included). ``W = exp(i pi G)`` with ``G`` a Gaussian Hermitian matrix
    restricted to the blocks: random phases on non-degenerate states, random rotations inside
    degenerate blocks.

    Parameters
    ----------
    degenerate : array_like of bool
        (..., n, n) mask: ``True`` where states ``a`` and ``b`` are degenerate (diagonal
        included).
    rng : numpy.random.Generator
        Source of the random numbers.

    Returns
    -------
    ndarray
        Complex unitary ``W``, shape (..., n, n) (dimensionless), exactly zero outside the
        degenerate blocks.
    """
    degenerate = np.asarray(degenerate, bool)
    G = rng.normal(size=degenerate.shape) + 1j * rng.normal(size=degenerate.shape)
    G = 0.5 * (G + np.conj(np.swapaxes(G, -1, -2)))
    G = np.where(degenerate, G, 0.0)
    w, Q = np.linalg.eigh(G)
    W = (Q * np.exp(1j * np.pi * w)[..., None, :]) @ np.conj(np.swapaxes(Q, -1, -2))
    return np.where(degenerate, W, 0.0)  # exact zeros outside the blocks
