r"""Exact-diagonalization references for the KPM quantities (small samples, dense ``eigh``).

Two kinds of reference, used by the tests (tests/numeric/test_kpm.py) and docs/kpm.md:

* **the same expansion, exact trace**: the kernel-broadened delta functions and the Bastin
  moments ``mu_nm = sum_ab T_n(x_b) T_m(x_a) [J]_ab [v]_ba`` evaluated on the exact
  eigenvalues; KPM must agree within its stochastic error (~ ``1/sqrt(R D)``), with no
  truncation error (same N, same kernel);
* **the physics it approximates**: Lorentzian-broadened deltas (half width Gamma, to which the
  Lorentz kernel tends with ``Gamma = lam a/N``) and the clean Kubo formula Eq. 17 at
  ``eta -> 0`` for the Hall conductivity (to which the Bastin expansion tends as N grows,
  when E_F lies in a gap or the level spacing is below the resolution).
"""
from __future__ import annotations

import numpy as np

from lrtheory._docstrings import shared_docs
from lrtheory.kpm import chebyshev as cb
from lrtheory.kpm.quantities import current_operator, density_operator
from lrtheory.kpm.sample import SparseSample, spectral_bounds

# the first entries of the dense references' numpydoc (lrtheory._docstrings)
_docs = shared_docs(sample_ef="""
    Parameters
    ----------
    sample : SparseSample
        The sample (diagonalized densely).
    ef : float or array
        Fermi energies (t0).
    """)

__all__ = ["kernel_dos", "lorentzian_dos", "bastin_moments", "kubo_hall", "kg_accumulation"]


def _eigh(sample: SparseSample):
    return np.linalg.eigh(sample.hamiltonian.toarray())


def kernel_dos(sample: SparseSample, energies, n_moments: int, *, kernel="jackson", lam=4.0,
               scaling=None) -> np.ndarray:
    """``(1/D) sum_a delta_K(E - e_a)`` with the KPM kernel's broadened delta (1/t0).

    Parameters
    ----------
    sample : SparseSample
        The sample (diagonalized densely).
    energies : float or array
        E (t0).
    n_moments : int
        N, the number of Chebyshev moments.
    kernel : {"jackson", "lorentz"}
        The KPM kernel.
    lam : float
        Lorentz kernel parameter.
    scaling : Scaling, optional
        Rescaling of H (t0); default from its spectral bounds.

    Returns
    -------
    (len(energies),) float array
        The density of states per state (1/t0).
    """
    scaling = scaling or spectral_bounds(sample.hamiltonian)
    e = np.linalg.eigvalsh(sample.hamiltonian.toarray())
    g = cb.kernel_factors(n_moments, kernel, lam)
    c = cb.delta_coefficients(n_moments, scaling.to_unit(energies), g)  # (N, E)
    T = cb.chebyshev_T(n_moments, scaling.to_unit(e))  # (D, N)
    return (T.sum(0) @ c) / (e.size * scaling.half_width)


def lorentzian_dos(sample: SparseSample, energies, gamma: float) -> np.ndarray:
    """``(1/D) sum_a (gamma/pi)/((E - e_a)^2 + gamma^2)`` (1/t0).

    Parameters
    ----------
    sample : SparseSample
        The sample (diagonalized densely).
    energies : array
        E (t0).
    gamma : float
        Lorentzian half width (t0).

    Returns
    -------
    (len(energies),) float array
        The density of states per state (1/t0).
    """
    e = np.linalg.eigvalsh(sample.hamiltonian.toarray())
    d = np.asarray(energies, float)[:, None] - e[None, :]
    return (gamma / np.pi / (d * d + gamma * gamma)).mean(1)


def bastin_moments(sample: SparseSample, A, B, n_moments: int, scaling) -> np.ndarray:
    """Exact ``mu_nm = Tr[A T_n(H~) B T_m(H~)]`` from eigenstates: ``(N, N)``.

    Parameters
    ----------
    sample : SparseSample
        The sample (diagonalized densely).
    A, B : (D, D) sparse matrices
        The operators.
    n_moments : int
        N.
    scaling : Scaling
        Rescaling of H (t0).

    Returns
    -------
    (N, N) complex array
        The moments, in the units of ``A B``.
    """
    e, U = _eigh(sample)
    Ae = U.conj().T @ A.toarray() @ U
    Be = U.conj().T @ B.toarray() @ U
    T = cb.chebyshev_T(n_moments, scaling.to_unit(e))  # (D, N)
    W = Ae * Be.T  # W[a, b] = A_ab B_ba
    return T.T @ W.T @ T  # sum_ab T_n(x_b) W_ab T_m(x_a)


@_docs
def kubo_hall(sample: SparseSample, ef, *, operator="charge", directions=(0, 1)) -> np.ndarray:
    r"""Clean Kubo Hall conductivity at ``eta -> 0``, T = 0 (Eq. 17 with ``H' = e E.r``):

    ``sigma_ab = (e/volume) sum_{a != b} (f_a - f_b) i [J_a]_{ab} [v_b]_{ba} / (e_a - e_b)^2``

    (from ``r_ba = i v_ba/(e_a - e_b)``, ``e = 1``); degenerate pairs drop out. Units as in
    :func:`lrtheory.kpm.hall_conductivity`.

    %(sample_ef)s
    operator : str or matrix
        The current's operator (:func:`lrtheory.kpm.quantities.current_operator`).
    directions : (int, int)
        The current and field directions ``(a, b)``.

    Returns
    -------
    (len(ef),) float array
        ``sigma_ab`` (e^2/hbar in 2D, per ``volume`` in a^d).
    """
    e, U = _eigh(sample)
    A = U.conj().T @ current_operator(sample, operator, directions[0]).toarray() @ U
    B = U.conj().T @ sample.velocity_along(directions[1]).toarray() @ U
    de = e[:, None] - e[None, :]
    safe = np.abs(de) > 1e-9
    inv = np.where(safe, 1.0 / np.where(safe, de, 1.0) ** 2, 0.0)
    out = []
    for mu in np.atleast_1d(ef):
        f = (e < mu).astype(float)
        df = f[:, None] - f[None, :]
        out.append(np.sum(df * 1j * A * B.T * inv).real / sample.volume)
    return np.array(out)


@_docs
def kg_accumulation(sample: SparseSample, ef, *, operator=None, field=(1.0, 0.0),
                    n_moments: int | None = None, kernel="lorentz", lam=4.0,
                    gamma: float | None = None, scaling=None) -> np.ndarray:
    r"""Exact ``chi_i = -pi Tr[{P_i, O}/2 delta(E_F - H) (v.E) delta(E_F - H)]`` per site,
    ``(n_sites, n_EF)``: with the KPM kernel's deltas (``n_moments`` given) or Lorentzians of
    half width ``gamma``.

    %(sample_ef)s
    operator : str or matrix, optional
        The density operator O (:func:`lrtheory.kpm.quantities.density_operator`).
    field : (d,) array
        Field direction ``E`` (t0/(e a)).
    n_moments : int, optional
        N: KPM-kernel deltas; None: Lorentzians of half width ``gamma``.
    kernel : {"jackson", "lorentz"}
        The KPM kernel.
    lam : float
        Lorentz kernel parameter.
    gamma : float, optional
        Lorentzian half width (t0).
    scaling : Scaling, optional
        Rescaling of H (t0); default from its spectral bounds.

    Returns
    -------
    (n_sites, len(ef)) float array
        ``chi_i`` per site (units of O times 1/t0 times a t0/hbar per unit field).
    """
    scaling = scaling or spectral_bounds(sample.hamiltonian)
    e, U = _eigh(sample)
    O = density_operator(sample, operator).toarray()
    V = U.conj().T @ sample.velocity_along(np.asarray(field, float)).toarray() @ U
    ef = np.atleast_1d(np.asarray(ef, float))
    if n_moments is not None:
        g = cb.kernel_factors(n_moments, kernel, lam)
        c = cb.delta_coefficients(n_moments, scaling.to_unit(ef), g)  # (N, E)
        dl = cb.chebyshev_T(n_moments, scaling.to_unit(e)) @ c / scaling.half_width  # (D, E)
    else:
        d = ef[None, :] - e[:, None]
        dl = gamma / np.pi / (d * d + gamma * gamma)
    out = np.zeros((sample.n_sites, ef.size))
    for k in range(ef.size):
        X = U @ (dl[:, k, None] * V * dl[None, :, k]) @ U.conj().T
        diag = 0.5 * (np.einsum("ij,ji->i", O, X) + np.einsum("ij,ji->i", X, O)).real
        np.add.at(out[:, k], sample.site, diag)
    return -np.pi * out
