r"""Chebyshev moments, kernels and stochastic traces (Weisse et al., RMP 78, 275 (2006)).

All routines work on the rescaled Hamiltonian ``H~ = (H - b)/a`` (:class:`Scaling`), whose
spectrum lies in ``(-1, 1)``, and on blocks of vectors ``(D, R)`` (one CSR x dense product
per recursion step for all R vectors: the matrix is streamed from memory once per step).

* Three-term recursion ``T_0 = 1``, ``T_1 = H~``, ``T_{n+1} = 2 H~ T_n - T_{n-1}``.
* Kernels ``g_n`` (damping factors): Jackson (resolution ``pi a/N`` in t0, a near-Gaussian
  broadening of standard deviation ~ ``pi a/N``) and Lorentz (``sinh(lam (1 - n/N))/sinh
  lam``: the Green's function at ``E + i lam a/N``, a Lorentzian of half width ``lam a/N``).
* Stochastic traces with random-phase vectors ``r_i = exp(i phi_i)`` (phases uniform, seeded
  ``numpy.random.Generator``; vector ``j`` depends only on ``(seed, j)``, so results do not
  depend on how the vectors are split over workers): ``Tr X ~ sum_r <r|X|r>``, with
  relative error ~ ``1/sqrt(R D)`` for the normalised trace of a matrix of spread-out weight.
* The Kubo-Bastin kernel of Garcia, Covaci, Rappoport, PRL 114, 116602 (2015), Eq. 3-4.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from lrtheory._docstrings import shared_docs
from lrtheory.errors import LrtheoryError
from lrtheory.kpm.recursion import ChebyshevRecursion, column_overlaps, recursion_sign

# the parameters of the exact-Lorentzian functions (lrtheory._docstrings)
_docs = shared_docs(lorentzian_parameters="""
    Parameters
    ----------
    n_moments : int
        N >= 2.
    x : float or array
        Rescaled energies, strictly inside (-1, 1).
    eta : float
        Half width in rescaled units (``eta_t0 / half_width``), > 0.
    """)

__all__ = ["kernel_factors", "resolution", "random_vectors", "rescaled", "dos_moments",
           "delta_coefficients", "chebyshev_vectors", "apply_series", "moments_2d", "bastin_sigma",
           "chebyshev_T", "lorentzian_coefficients", "lorentzian_truncation", "KERNELS"]

KERNELS = ("jackson", "lorentz")
#: the delta functions of :func:`lorentzian_coefficients`: a Lorentzian of given half width
LORENTZIAN = "lorentzian"


def kernel_factors(n_moments: int, kernel: str = "jackson", lam: float = 4.0) -> np.ndarray:
    """The kernel damping factors ``g_n``, n = 0..N-1 (dimensionless).

    Parameters
    ----------
    n_moments : int
        N >= 2.
    kernel : {"jackson", "lorentz"}
    lam : float
        Lorentz kernel parameter (3-5 usual), > 0.

    Returns
    -------
    (N,) float array
        The damping factors ``g_n`` (dimensionless, ``g_0 = 1``).
    """
    N = _check_n(n_moments)
    n = np.arange(N)
    if kernel == "jackson":
        q = np.pi / (N + 1)
        return ((N - n + 1) * np.cos(q * n) + np.sin(q * n) / np.tan(q)) / (N + 1)
    if kernel == "lorentz":
        if not np.isfinite(lam) or lam <= 0:
            raise LrtheoryError(f"Lorentz kernel lam must be positive, got {lam!r}")
        return np.sinh(lam * (1 - n / N)) / np.sinh(lam)
    raise LrtheoryError(f"kernel must be one of {KERNELS}, got {kernel!r}")


def resolution(n_moments: int, half_width: float, kernel: str = "jackson",
               lam: float = 4.0, x=0.0):
    """Energy resolution (t0) of an N-moment expansion at rescaled energy ``x``: Jackson
    ``pi a sqrt(1 - x^2)/N`` (the broadening's standard deviation, Weisse et al. Eq. 71),
    Lorentz ``lam a sqrt(1 - x^2)/N`` (its half width: the equivalent ``eta`` of a Green's
    function ``1/(E - H + i eta)``). At the band centre ``x = 0``: ``pi a/N``, ``lam a/N``.

    Parameters
    ----------
    n_moments : int
        N >= 2.
    half_width : float
        The half width ``a`` of the rescaling (t0).
    kernel : {"jackson", "lorentz"}
        The kernel.
    lam : float
        Lorentz kernel parameter.
    x : float or array
        Rescaled energy (dimensionless, in (-1, 1)).

    Returns
    -------
    float or array
        The resolution (t0), shaped like ``x``.
    """
    N = _check_n(n_moments)
    s = np.sqrt(np.clip(1 - np.asarray(x, float) ** 2, 0, 1))
    if kernel == "jackson":
        out = np.pi * half_width * s / N
    elif kernel == "lorentz":
        out = lam * half_width * s / N
    else:
        raise LrtheoryError(f"kernel must be one of {KERNELS}, got {kernel!r}")
    return float(out) if np.ndim(out) == 0 else out


def _recursion(Ht) -> ChebyshevRecursion:
    """``Ht`` itself when already prepared (built once per run and shared by the chunks),
    else a new :class:`~lrtheory.kpm.recursion.ChebyshevRecursion`."""
    return Ht if isinstance(Ht, ChebyshevRecursion) else ChebyshevRecursion(Ht)


def _check_n(n_moments) -> int:
    if isinstance(n_moments, bool) or int(n_moments) != n_moments or int(n_moments) < 2:
        raise LrtheoryError(f"n_moments must be an integer >= 2, got {n_moments!r}")
    return int(n_moments)


def random_vectors(dimension: int, indices, seed: int) -> np.ndarray:
    """Random-phase vectors ``exp(i phi)``, ``(D, len(indices))``; column ``j`` depends only
    on ``(seed, indices[j])`` (``numpy.random.default_rng([seed, index])``).

    Parameters
    ----------
    dimension : int
        D, the Hilbert-space dimension.
    indices : array of int
        Indices of the vectors (reproducible per index).
    seed : int
        Random seed.

    Returns
    -------
    (D, len(indices)) complex array
        Unit-modulus random-phase vectors.
    """
    idx = np.asarray(indices, int).reshape(-1)
    out = np.empty((dimension, idx.size), complex)
    for c, j in enumerate(idx):
        phi = np.random.default_rng([int(seed), int(j)]).uniform(0, 2 * np.pi, dimension)
        out[:, c] = np.exp(1j * phi)
    return out


def rescaled(hamiltonian, scaling) -> sp.csr_matrix:
    """``H~ = (H - center)/half_width`` as CSR (one copy of H).

    Parameters
    ----------
    hamiltonian : (D, D) array or sparse matrix
        H (t0).
    scaling : Scaling
        ``center`` and ``half_width`` (t0).

    Returns
    -------
    scipy.sparse.csr_matrix
        The dimensionless rescaled Hamiltonian, spectrum inside (-1, 1).
    """
    H = sp.csr_matrix(hamiltonian, dtype=complex)
    D = H.shape[0]
    H = sp.csr_matrix(H - scaling.center * sp.identity(D, complex, format="csr"))
    H.data /= scaling.half_width
    H.sum_duplicates()
    return H


def chebyshev_T(n_moments: int, x) -> np.ndarray:
    """``T_n(x)`` for n = 0..N-1, shape ``(len(x), N)``, |x| <= 1.

    Parameters
    ----------
    n_moments : int
        N.
    x : float or array
        Rescaled energies (dimensionless; clipped to [-1, 1]).

    Returns
    -------
    (len(x), N) float array
        The Chebyshev polynomials.
    """
    x = np.clip(np.asarray(x, float).reshape(-1), -1, 1)
    return np.cos(np.arange(n_moments)[None, :] * np.arccos(x)[:, None])


def dos_moments(Ht, vectors: np.ndarray, n_moments: int) -> np.ndarray:
    """``mu_n = <r|T_n(H~)|r>`` for every column r: ``(R, N)`` complex.

    Uses the doubling ``mu_{2n} = 2 <a_n|a_n> - mu_0``, ``mu_{2n+1} = 2 <a_{n+1}|a_n> -
    mu_1`` (``a_n = T_n r``): N/2 products for N moments, in place
    (:class:`~lrtheory.kpm.recursion.ChebyshevRecursion`). ``H~`` is Hermitian, so the
    moments are real; the imaginary part returned is zero.

    Parameters
    ----------
    Ht : (D, D) sparse matrix or ChebyshevRecursion
        The rescaled Hamiltonian (dimensionless), or it prepared once for the recursion.
    vectors : (D, R) complex array
        The random vectors r.
    n_moments : int
        N >= 2.

    Returns
    -------
    (R, N) complex array
        The moments ``mu_n`` per vector (dimensionless).
    """
    N = _check_n(n_moments)
    R = vectors.shape[1]
    mu = np.zeros((R, N), complex)
    prev = None
    for n, s, b in _recursion(Ht).blocks(vectors, N // 2 + 1):
        # b = s_n a_n; prev = (s_{n-1}, b_{n-1}); <a_n|a_n> = <b_n|b_n>
        if n == 0:
            mu[:, 0] = column_overlaps(b, b)
        elif n == 1:
            mu[:, 1] = column_overlaps(prev[1], b)
        else:  # mu_{2n-1} = 2 <a_n|a_{n-1}> - mu_1
            mu[:, 2 * n - 1] = 2 * s * prev[0] * column_overlaps(b, prev[1]) - mu[:, 1]
        if 0 < 2 * n < N:  # mu_{2n} = 2 <a_n|a_n> - mu_0
            mu[:, 2 * n] = 2 * column_overlaps(b, b) - mu[:, 0]
        prev = (s, b)
    return mu


def delta_coefficients(n_moments: int, x, g: np.ndarray) -> np.ndarray:
    """Coefficients of the kernel-broadened ``delta(x - H~)`` (1/unit of x): ``(N, len(x))``,
    ``c_n(x) = g_n (2 - delta_n0) T_n(x) / (pi sqrt(1 - x^2))``.

    Parameters
    ----------
    n_moments : int
        N.
    x : float or array
        Rescaled energies, strictly inside (-1, 1).
    g : (N,) float array
        Kernel factors (:func:`kernel_factors`).

    Returns
    -------
    (N, len(x)) float array
        The coefficients (1/unit of x: divide by ``half_width`` for 1/t0).
    """
    x = np.asarray(x, float).reshape(-1)
    if np.any(np.abs(x) >= 1):
        raise LrtheoryError("energies must lie strictly inside the rescaled band (-1, 1)")
    T = chebyshev_T(n_moments, x).T  # (N, E)
    w = np.where(np.arange(n_moments) == 0, 1.0, 2.0) * g
    return w[:, None] * T / (np.pi * np.sqrt(1 - x * x))[None, :]


def _resolvent_w(x, eta):
    """``z = x + i eta``, ``r = sqrt(z^2 - 1)`` and ``w = z - r`` on the branch ``|w| < 1``."""
    x = np.asarray(x, float).reshape(-1)
    eta = float(eta)
    if not np.isfinite(eta) or eta <= 0:
        raise LrtheoryError(f"Lorentzian half width eta must be positive, got {eta!r}")
    if np.any(np.abs(x) >= 1):
        raise LrtheoryError("energies must lie strictly inside the rescaled band (-1, 1)")
    z = x + 1j * eta
    r = np.sqrt(z - 1) * np.sqrt(z + 1)
    w = z - r
    flip = np.abs(w) > 1
    r, w = np.where(flip, -r, r), np.where(flip, z + r, w)
    return r, w


@_docs
def lorentzian_coefficients(n_moments: int, x, eta: float) -> np.ndarray:
    r"""Chebyshev coefficients of an exact Lorentzian delta, ``(N, len(x))``.

    ``delta_eta(x - y) = (eta/pi)/((x - y)^2 + eta^2) = -(1/pi) Im 1/(x + i eta - y)`` and
    ``1/(z - y) = (1/r) sum_n (2 - delta_n0) w^n T_n(y)`` with ``r = sqrt(z^2 - 1)``,
    ``w = z - r`` (``|w| < 1``), so ``c_n(x) = -(2 - delta_n0) Im(w^n/r)/pi``: no kernel;
    truncated after N terms, the error is bounded by :func:`lorentzian_truncation`
    (it falls as ``|w|^N ~ exp(-N eta/sqrt(1 - x^2))``). ``delta(E - H)`` with half width
    ``eta_t0`` (t0) is ``sum_n c_n(x) T_n(H~) / a`` with ``eta = eta_t0 / a``.

    %(lorentzian_parameters)s

    Returns
    -------
    (N, len(x)) float array
        The coefficients (1/unit of x: divide by ``half_width`` for 1/t0).
    """
    N = _check_n(n_moments)
    r, w = _resolvent_w(x, eta)
    n = np.arange(N)[:, None]
    return -np.where(n == 0, 1.0, 2.0) * (w[None, :] ** n / r[None, :]).imag / np.pi


@_docs
def lorentzian_truncation(n_moments: int, x, eta: float) -> np.ndarray:
    r"""Bound on the truncation error of :func:`lorentzian_coefficients`, ``(len(x),)``.

    For every ``y`` in [-1, 1] (every eigenvalue of ``H~``, so it bounds the operator norm of
    the error of ``delta_eta(x - H~)``): ``|sum_{n >= N} c_n T_n(y)| <= sum_{n >= N} |c_n|
    <= (2/pi) |w|^N / (|r| (1 - |w|))`` (``|T_n| <= 1``, geometric series).

    %(lorentzian_parameters)s

    Returns
    -------
    (len(x),) float array
        The bound (1/unit of x: divide by ``half_width`` for 1/t0).
    """
    N = _check_n(n_moments)
    r, w = _resolvent_w(x, eta)
    aw = np.abs(w)
    return 2 / np.pi * aw ** N / (np.abs(r) * (1 - aw))


def chebyshev_vectors(Ht, vectors: np.ndarray, n_moments: int):
    """Yield ``T_n(H~) vectors`` for n = 0..N-1 (three-term recursion in place, two blocks
    kept: :class:`~lrtheory.kpm.recursion.ChebyshevRecursion`). A yielded block is working
    storage, valid until the next one is requested: copy it to keep it.

    Parameters
    ----------
    Ht : (D, D) sparse matrix or ChebyshevRecursion
        The rescaled Hamiltonian (dimensionless), or it prepared once for the recursion.
    vectors : (D, R) complex array
        The starting vectors.
    n_moments : int
        N.

    Yields
    ------
    (D, R) complex array
        ``T_n(H~) vectors``, n = 0, 1, ..., N-1.
    """
    for _, s, b in _recursion(Ht).blocks(vectors, n_moments):
        yield b if s > 0 else -b


def apply_series(Ht, vectors: np.ndarray, coefficients: np.ndarray) -> np.ndarray:
    """Chebyshev series applied to a block of vectors ``(D, R)``.

    ``coefficients (N, E)``: ``sum_n c[n, e] T_n(H~) vectors`` for every e, shape ``(E, D, R)``
    (one recursion for all E). ``coefficients (N, 1, R)``: one series per column, shape
    ``(D, R)``.

    Parameters
    ----------
    Ht : (D, D) sparse matrix or ChebyshevRecursion
        The rescaled Hamiltonian (dimensionless), or it prepared once for the recursion.
    vectors : (D, R) complex array
        The vectors.
    coefficients : (N, E) or (N, 1, R) array
        Series coefficients (:func:`delta_coefficients`).

    Returns
    -------
    (E, D, R) or (D, R) complex array
        The series applied to the vectors.
    """
    c = np.asarray(coefficients)
    blocks = _recursion(Ht).blocks(vectors, c.shape[0])
    if c.ndim == 3:  # (N, 1, R): one coefficient per column
        out = np.zeros(vectors.shape, complex)
        for n, s, b in blocks:
            out += (s * c[n]) * b
        return out
    out = np.zeros((c.shape[1],) + vectors.shape, complex)
    for n, s, b in blocks:
        out += (s * c[n])[:, None, None] * b[None]
    return out


def moments_2d(Ht, A, B, vectors: np.ndarray, n_moments: int, *,
               block_bytes: float = 256e6) -> np.ndarray:
    """``mu_nm(r) = <r| A T_n(H~) B T_m(H~) |r>`` for every column r: ``(R, N, N)``.

    ``<r|A T_n = (T_n A^dagger r)^dagger``; the ``B T_m r`` are kept for a block of m
    (at most ``block_bytes``) and the left recursion re-run per block.

    Parameters
    ----------
    Ht : (D, D) sparse matrix or ChebyshevRecursion
        The rescaled Hamiltonian (dimensionless), or it prepared once for the recursion.
    A, B : (D, D) matrices
        The operators (e.g. velocities, a t0/hbar).
    vectors : (D, R) complex array
        The random vectors r.
    n_moments : int
        N >= 2.
    block_bytes : float
        Memory budget (bytes) for the kept ``B T_m r``.

    Returns
    -------
    (R, N, N) complex array
        The moments, in the units of ``A B``.
    """
    N = _check_n(n_moments)
    D, R = vectors.shape
    mb = int(max(1, min(N, block_bytes // (16 * D * R))))
    mu = np.zeros((R, N, N), complex)
    left0 = A.conj().T @ vectors
    rec = _recursion(Ht)
    for m0 in range(0, N, mb):
        m1 = min(N, m0 + mb)
        BT = np.empty((m1 - m0, D, R), complex)  # s_m B T_m r for m in [m0, m1)
        sm = np.array([recursion_sign(m) for m in range(m0, m1)])
        for m, _, b in rec.blocks(vectors, m1):
            if m >= m0:
                BT[m - m0] = B @ b
        # l_n = T_n A^dagger r (stored as s_n l_n): one row of mu per step
        for n, s, left in rec.blocks(left0, N):
            mu[:, n, m0:m1] = np.einsum("mdr,dr->rm", BT, left.conj()) * (s * sm)[None, :]
    return mu


def bastin_sigma(mu: np.ndarray, g: np.ndarray, x_fermi, *, edge: float = 0.02,
                 n_grid: int | None = None) -> np.ndarray:
    r"""The Fermi-sea integral of the Kubo-Bastin formula in Chebyshev form (T = 0).

    Returns ``S(x_F) = (4/pi) int_{-1}^{x_F} dx sum_nm Gamma_nm(x) mu~_mn / (1 - x^2)^2``
    with ``mu~_mn = g_n g_m mu_mn / ((1 + delta_n0)(1 + delta_m0))`` and Garcia et al.'s
    ``Gamma_nm(x) = (x - i n s) e^{i n t} T_m(x) + (x + i m s) e^{-i m t} T_n(x)``,
    ``s = sqrt(1 - x^2)``, ``t = arccos x`` (PRL 114, 116602, Eq. 3-4). Index order: ``mu``
    is :func:`moments_2d`'s ``mu_nm = Tr[A T_n B T_m]``; Garcia et al.'s moment is
    ``Tr[A T_m B T_n]`` (``n``, the index of the Green's function in ``Gamma_nm``, sits next
    to ``B``), i.e. the transpose, which is what is summed here. (Summing ``mu_nm`` instead
    flips the Hall part only; with the prefactor ``+e`` instead of ``q`` that was lrtheory's
    convention until issue #16's pybinding comparison: Hall part right, ``sigma_xx < 0``;
    docs/derivations.md.) The conductivity is ``q S / (a^2 volume)`` (``q = -e``: the field
    enters through the current ``q v_b`` of ``H_E = -q E.r``; see
    :func:`lrtheory.kpm.hall_conductivity`).
    The integral runs on a uniform grid in ``t`` over ``|x| <= 1 - edge`` (the spectrum
    sits inside ``1/(1 + margin)``; outside it only kernel tails, amplified by
    ``(1 - x^2)^-2``, would enter).

    Parameters
    ----------
    mu : (N, N) complex array
        Moments ``mu_nm = Tr[A T_n B T_m]`` (:func:`moments_2d`, averaged over vectors).
    g : (N,) float array
        Kernel factors.
    x_fermi : float or array
        Rescaled Fermi energies (dimensionless).
    edge : float
        Distance from the band ends ``|x| = 1`` left out of the integral.
    n_grid : int, optional
        Integration points (default ``max(2000, 8 N)``).

    Returns
    -------
    float or array
        ``S(x_F)``, shaped like ``x_fermi``, in the units of ``mu`` (see above for the
        conversion to e^2/hbar).
    """
    N = mu.shape[0]
    w = g / np.where(np.arange(N) == 0, 2.0, 1.0)
    mt = w[:, None] * mu.T * w[None, :]  # Garcia et al.'s order: Tr[A T_m B T_n]
    n_grid = int(n_grid or max(2000, 8 * N))
    t = np.linspace(np.arccos(-1 + edge), np.arccos(1 - edge), n_grid)  # x from -1 up
    x, s = np.cos(t), np.sin(t)
    n = np.arange(N)
    T = np.cos(t[:, None] * n[None, :])
    U = (x[:, None] - 1j * n[None, :] * s[:, None]) * np.exp(1j * n[None, :] * t[:, None])
    W = (x[:, None] + 1j * n[None, :] * s[:, None]) * np.exp(-1j * n[None, :] * t[:, None])
    gam = np.einsum("kn,nm,km->k", U, mt, T) + np.einsum("kn,nm,km->k", T, mt, W)
    f = (gam / (s ** 4)).real * s  # dx = -sin t dt, t decreasing as x increases
    cum = np.concatenate([[0.0], np.cumsum(0.5 * (f[1:] + f[:-1]) * -np.diff(t))])
    xf = np.asarray(x_fermi, float)
    return (4 / np.pi) * np.interp(xf, x, cum)
