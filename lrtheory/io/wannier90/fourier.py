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

**Separable sum on structured k sets** (a chunk of a uniform grid: few distinct values of
``theta_a = k.a_a`` on all axes but one). With ``R = sum_a R_a a_a``,
``exp(ik.R) = exp(i theta_r R_r) exp(i sum_{a != r} theta_a R_a)``, so the sum splits into
a complex product over the other axes done once per distinct ``(theta_a)_{a != r}``
(a line of the grid) and a real product with ``[1 | cos(theta_r R_r) | sin(theta_r R_r)]``
per point, the ``R_r`` and ``-R_r`` pairing as above (:class:`_LineSum`). For a 16^3 grid
chunk of bcc Fe (95 R, 5 values of ``R_r``) that is ~6x fewer multiply-adds than the direct
product. The route is chosen per call from the k set (the direct product otherwise); both
agree to rounding (points are grouped when their ``theta_a`` agree to
:data:`THETA_TOL` radians, relative to ``max(1, |theta|)``: the grid points' own rounding).
Memory: the regrouped blocks of one per-point axis (the first one used; k sets whose lines
run along another axis then take the direct product), about twice the direct product's
matrix for bcc Fe (the ``R_rest`` x ``R_r`` box is 71 % filled).
"""
from __future__ import annotations

import numpy as np

__all__ = ["PairedSum", "THETA_TOL"]

#: points whose ``theta_a = k.a_a`` (radians) differ by at most this times ``max(1,
#: max|theta|)`` share the lattice phases of the separable route (32 ulp; a line of a
#: uniform grid spreads by 1-2 ulp, so the phases are those of each point to rounding)
THETA_TOL = 32 * np.finfo(float).eps


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
    lattice : (dim, d) float, optional
        The lattice vectors (rows, Angstrom; ``RA = R[:, :dim] @ lattice``): enables the
        separable route on structured k sets (module notes). None: direct product only.
    """

    def __init__(self, R, RA, F, lattice=None):
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
        self._lines = None
        if lattice is not None and np.ndim(lattice) == 2 and len(lattice) >= 2 and len(R):
            self._lines = _LineSum(R[:, :len(lattice)], F, np.asarray(lattice, float))

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
        flat = k.reshape(-1, k.shape[-1])
        out = None
        if self._lines is not None:
            out = self._lines(flat, direct_cols=self.M.shape[0])
        if out is None:
            arg = flat @ self.RA.T
            cs = np.concatenate([np.cos(arg), np.sin(arg[:, self.has_sin])], 1)
            out = np.ascontiguousarray(cs @ self.M).view(complex)
        return out.reshape(k.shape[:-1] + self.shape)


def _clusters(theta, tol):
    """Labels (Nk,) of the values of ``theta`` equal within ``tol`` (sorted order), or None
    when a cluster spreads over more than ``4 tol`` (no clear grouping)."""
    order = np.argsort(theta, kind="stable")
    t = theta[order]
    cut = np.flatnonzero(np.diff(t) > tol) + 1
    starts = np.concatenate([[0], cut])
    ends = np.concatenate([cut, [len(t)]])
    if len(t) and np.max(t[ends - 1] - t[starts]) > 4 * tol:
        return None
    labels = np.empty(len(t), int)
    labels[order] = np.repeat(np.arange(len(starts)), ends - starts)
    return labels


class _LineSum:
    """The separable route of :class:`PairedSum` (module notes): blocks regrouped per
    axis ``r`` (built on first use of that axis) as rows ``[F(.., 0)]``, ``[F(.., s) +
    F(.., -s)]``, ``[i (F(.., s) - F(.., -s))]`` (``s = 1 .. smax`` the values of ``R_r``)
    at each of the other components ``R_rest``; the sum over ``R_rest`` at the lines'
    phases ``theta_rest`` is a :class:`PairedSum` of those rows (``R_rest`` paired with
    ``-R_rest``: one real product)."""

    def __init__(self, R, F, lattice):
        self.R, self.F, self.lattice = R, F, lattice
        self.axes: dict[int, tuple] = {}

    def _axis(self, r):
        if r in self.axes:
            return self.axes[r]
        R, F = self.R, self.F
        rest_axes = [a for a in range(R.shape[1]) if a != r]
        rest, rest_index = np.unique(R[:, rest_axes], axis=0, return_inverse=True)
        rest_index = rest_index.reshape(-1)
        smax = int(np.abs(R[:, r]).max())
        # rows [F(.., 0) | F(.., s) + F(.., -s) | i (F(.., s) - F(.., -s))] at each R_rest
        plus = np.zeros((len(rest), smax + 1, F.shape[1]), complex)
        minus = np.zeros_like(plus)
        for i, (j, s) in enumerate(zip(rest_index, R[:, r])):
            (plus if s >= 0 else minus)[j, abs(s)] += F[i]
        minus[:, 0] = 0.0
        rows = np.concatenate([plus + minus, 1j * (plus - minus)[:, 1:]], 1)
        # the sum over R_rest at each line's phases is itself a paired sum (real product)
        rest3 = np.zeros((len(rest), 3), int)
        rest3[:, :len(rest_axes)] = rest
        out = (rest_axes, smax, PairedSum(rest3, rest.astype(float), rows))
        self.axes[r] = out
        self.F = None  # one axis kept (a grid's fast axis): memory ~3x the direct product's
        return out

    def plan(self, k, direct_cols):
        """``(theta, r, first, line, runs)`` of the separable route for Cartesian k (Nk,
        d), or None when the k set has too little structure for it to pay (cost model
        against ``direct_cols`` columns of the direct product): ``r`` the per-point axis,
        ``first`` one point of each line, ``line`` the line of each point, ``runs`` the
        bounds of the runs of consecutive points on one line."""
        Nk = len(k)
        if Nk < 8:
            return None
        theta = k @ self.lattice.T  # (Nk, dim): theta_a = k.a_a
        tol = THETA_TOL * max(1.0, float(np.abs(theta).max()))
        labels = [_clusters(theta[:, a], tol) for a in range(theta.shape[1])]
        if any(lab is None for lab in labels):
            return None
        counts = [int(lab.max()) + 1 for lab in labels]
        r = max(range(len(counts)), key=lambda a: (counts[a], a))  # per-point axis
        if r not in self.axes and self.F is None:  # another axis was built first
            return None
        key = np.zeros(Nk, int)
        for a in range(len(counts)):
            if a != r:
                key = key * counts[a] + labels[a]
        runs = np.concatenate([[0], np.flatnonzero(np.diff(key)) + 1, [Nk]])
        _, first, line = np.unique(key, return_index=True, return_inverse=True)
        # the rows cost n_rows / n_cols of the direct product's memory (built once)
        _, smax, rest_sum = self._axis(r)
        n_rows = 2 * smax + 1
        # real multiply-adds per block element: the paired line sums and the per-point
        # product, against the direct product's 2 per column
        separable = 2 * len(first) * rest_sum.M.shape[0] * n_rows + 2 * Nk * n_rows
        if separable > 0.7 * 2 * Nk * direct_cols or len(runs) - 1 > Nk // 4:
            return None
        return theta, r, first, line.reshape(-1), runs

    def __call__(self, k, direct_cols):
        """``F(k)`` (Nk, n_blocks) complex, or None (see :meth:`plan`)."""
        plan = self.plan(k, direct_cols)
        if plan is None:
            return None
        theta, r, first, line, runs = plan
        Nk = len(k)
        rest_axes, smax, rest_sum = self._axis(r)
        lines = rest_sum(theta[first][:, rest_axes])  # (groups, 2 smax + 1, C)
        C = lines.shape[-1]
        arg = theta[:, r:r + 1] * np.arange(1, smax + 1)
        cs = np.concatenate([np.ones((Nk, 1)), np.cos(arg), np.sin(arg)], 1)
        real = lines.view(float)  # (groups, rows, 2C)
        out = np.empty((Nk, 2 * C))
        for a, b in zip(runs[:-1], runs[1:]):
            np.matmul(cs[a:b], real[line[a]], out=out[a:b])
        return out.view(complex)
