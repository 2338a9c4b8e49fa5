r"""Banded matrix kernels for ribbons: products and traces in O(w n^2) instead of O(n^3).

A ribbon's Bloch Hamiltonian ``H(k)``, its velocity ``dH/dk`` and ``V_y = i[H, y]`` couple
only orbitals a few rows apart when the orbitals are ordered across the ribbon (as
:meth:`lrtheory.models.tightbinding.TightBindingModel.ribbon` orders them): they are *banded*
with half-bandwidth ``w`` (``A_{mu nu} = 0`` for ``|mu - nu| > w``), ``w`` fixed by the hopping
range while ``n`` grows with the width. For such ``A``

* ``A @ X`` is a sum over the ``2w + 1`` diagonals of row-scaled, shifted copies of ``X``;
* the site traces ``t_mu = (A U P)_{mu mu} = sum_d A_{mu, mu+d} (U P)_{mu+d, mu}`` need only
  the ``2w + 1`` diagonals of ``U P`` near the main one, each an O(n^2) contraction.

These are exact rewritings (same sums, different order: results equal to rounding; tested
against dense products).
"""
from __future__ import annotations

import numpy as np

__all__ = ["half_bandwidth", "banded_matmul", "near_diagonals", "band_diagonals",
           "banded_site_trace", "column_products", "hermitian_site_trace"]


def half_bandwidth(*stacks: np.ndarray) -> int:
    """Largest ``|mu - nu|`` with a non-zero entry in any matrix of the stacks.

    Parameters
    ----------
    *stacks : ndarray
        Stacks of square matrices, each (..., n, n) with the same ``n`` (any units).

    Returns
    -------
    int
        The half-bandwidth ``w`` (0 for diagonal or all-zero matrices).
    """
    n = stacks[0].shape[-1]
    nz = np.zeros((n, n), bool)
    for A in stacks:
        nz |= (A != 0).reshape(-1, n, n).any(axis=0)
    i, j = np.nonzero(nz)
    return int(np.abs(i - j).max()) if i.size else 0


def banded_matmul(A: np.ndarray, X: np.ndarray, w: int) -> np.ndarray:
    """``A @ X`` for a banded stack ``A`` in O(w n m) per matrix instead of O(n^2 m).

    Parameters
    ----------
    A : ndarray
        Stacked (Nk, n, n) matrices of half-bandwidth ``w`` (any units).
    X : ndarray
        Stacked (Nk, n, m) matrices (broadcast against ``A`` over the stack axes).
    w : int
        Half-bandwidth of ``A`` (:func:`half_bandwidth`); entries farther from the diagonal
        are ignored.

    Returns
    -------
    ndarray
        ``A @ X``, shape (Nk, n, m), units of ``A`` times units of ``X``; equal to the dense
        product to rounding.
    """
    n = A.shape[-1]
    shape = np.broadcast_shapes(A.shape[:-2], X.shape[:-2]) + (n, X.shape[-1])
    out = tmp = None
    # the main diagonal first (it covers every row: no zero fill); diagonals that vanish on
    # the whole stack (e.g. V_x of a ribbon without hoppings along it) are skipped
    for d in sorted(range(-w, w + 1), key=abs):
        diag = np.diagonal(A, offset=d, axis1=-2, axis2=-1)  # A[mu, mu + d]
        if not diag.any():
            continue
        rows, src = ((slice(0, n - d), X[..., d:, :]) if d >= 0
                     else (slice(-d, n), X[..., :n + d, :]))
        if out is None and d == 0:
            out = np.multiply(diag[..., :, None], src)
            continue
        if out is None:
            out = np.zeros(shape, np.result_type(A, X))
        if tmp is None:
            tmp = np.empty_like(out)  # one buffer for the products (none per diagonal)
        t = tmp[..., rows, :]
        np.multiply(diag[..., :, None], src, out=t)
        out[..., rows, :] += t
    return np.zeros(shape, np.result_type(A, X)) if out is None else out


def near_diagonals(U: np.ndarray, P: np.ndarray, w: int) -> dict[int, np.ndarray]:
    """Diagonals ``d = -w..w`` of ``M = U @ P`` without forming ``M``.

    Parameters
    ----------
    U, P : ndarray
        Stacked (..., n, n) matrices (any units).
    w : int
        Number of diagonals on each side of the main one.

    Returns
    -------
    dict of int to ndarray
        ``{d: M[..., mu + d, mu]}`` for ``d = -w..w``; entry ``d`` has shape (..., n - |d|),
        each an O(n^2) contraction per stack entry.
    """
    n = U.shape[-1]
    Pt = np.swapaxes(P, -1, -2)  # Pt[mu, n] = P[n, mu]
    out = {}
    for d in range(-w, w + 1):
        if d >= 0:
            out[d] = np.einsum("...mn,...mn->...m", U[..., d:, :], Pt[..., :n - d, :])
        else:
            out[d] = np.einsum("...mn,...mn->...m", U[..., :n + d, :], Pt[..., -d:, :])
    return out


def band_diagonals(A: np.ndarray, w: int) -> dict[int, np.ndarray]:
    """The ``2w + 1`` diagonals of a banded stack.

    Parameters
    ----------
    A : ndarray
        Stacked (..., n, n) matrices (any units).
    w : int
        Half-bandwidth.

    Returns
    -------
    dict of int to ndarray
        ``{d: A[..., mu, mu + d]}`` for ``d = -w..w``, shapes (..., n - |d|) (read-only
        views into ``A``).
    """
    return {d: np.diagonal(A, offset=d, axis1=-2, axis2=-1) for d in range(-w, w + 1)}


def banded_site_trace(A: dict[int, np.ndarray] | np.ndarray | None, diags: dict[int, np.ndarray],
                      w: int) -> np.ndarray:
    """Site traces ``t_mu = (A M)_{mu mu}`` from the near diagonals of ``M``.

    Parameters
    ----------
    A : ndarray or dict of int to ndarray or None
        The banded operator as a stacked (..., n, n) matrix, or directly as its diagonals
        ``{d: A[..., mu, mu + d]}`` (:func:`band_diagonals`; an operator known only through
        its diagonals never needs a dense n x n array); ``None`` means the identity
        (``t = diag M``).
    diags : dict of int to ndarray
        The near diagonals ``{d: M[..., mu + d, mu]}`` of ``M`` (:func:`near_diagonals`).
    w : int
        Half-bandwidth of ``A``.

    Returns
    -------
    ndarray
        ``t_mu``, shape (..., n), units of ``A`` times units of ``M``.
    """
    if A is None:
        return diags[0]
    if not isinstance(A, dict):
        A = band_diagonals(A, w)
    n = diags[0].shape[-1]
    t = np.zeros(diags[0].shape, np.result_type(A[0], diags[0]))
    for d in range(-w, w + 1):
        if d >= 0:
            t[..., :n - d] += A[d] * diags[d]
        else:
            t[..., -d:] += A[d] * diags[d]
    return t


def column_products(U: np.ndarray, Uc: np.ndarray, w: int) -> dict[int, np.ndarray]:
    """Products of rows ``d`` apart of the same columns: ``P_d[mu, b] = U[mu + d, b]
    conj(U[mu, b])`` for ``d = 0..w`` (``P_0 = |U|^2`` real).

    For a diagonal matrix ``r`` in the basis of the columns, ``M = U r U^dagger`` has near
    diagonals ``M[mu + d, mu] = (P_d r)[mu]``, and for a banded Hermitian ``A`` the diagonal
    of ``U^dagger A U`` is ``Re[A_0 P_0 + 2 sum_{d > 0} A_d P_d]`` (:func:`band_diagonals`
    layout): both O(w n m) instead of a product of n x n matrices.

    Parameters
    ----------
    U, Uc : ndarray
        Stacked (..., n, m) columns and their complex conjugate (any units).
    w : int
        Largest row distance.

    Returns
    -------
    dict of int to ndarray
        ``{d: P_d}``, shapes (..., n - d, m); ``P_0`` real.
    """
    n = U.shape[-2]
    out = {0: np.square(U.real)}
    out[0] += np.square(U.imag)
    for d in range(1, w + 1):
        out[d] = U[..., d:, :] * Uc[..., :n - d, :]
    return out


def hermitian_site_trace(A: dict[int, np.ndarray], G: dict[int, np.ndarray]) -> np.ndarray:
    """Site traces ``t_mu = Re (A M)_{mu mu}`` of two Hermitian matrices from their diagonals
    on and below the main one.

    ``t_mu = A_0 M_0 + sum_{d > 0} Re[A_{mu, mu+d} M_{mu+d, mu} + A_{mu, mu-d} M_{mu-d, mu}]``
    and the second term is the complex conjugate of the first at ``mu - d`` (Hermitian ``A``
    and ``M``): one product per diagonal.

    Parameters
    ----------
    A : dict of int to ndarray
        ``{d: A[..., mu, mu + d]}`` for ``d = 0..w`` (:func:`band_diagonals` layout; the main
        diagonal may be complex with zero imaginary part, or absent when it vanishes).
    G : dict of int to ndarray
        ``{d: M[..., mu + d, mu]}`` for ``d = 0..w``, shapes (..., n - d); ``G[0]`` real.

    Returns
    -------
    ndarray
        ``t_mu``, real, shape of ``G[0]`` (units of ``A`` times units of ``M``).
    """
    n = G[0].shape[-1]
    t = (np.real(A[0]) * G[0]) if 0 in A else np.zeros(G[0].shape)
    for d, a in A.items():
        if d == 0:
            continue
        g = G[d]
        s = a.real * g.real
        s -= a.imag * g.imag
        t[..., :n - d] += s
        t[..., d:] += s
    return t
