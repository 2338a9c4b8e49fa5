"""Shared helpers of the property tests: rounding scales, eta-scaling exponents."""
from __future__ import annotations

import numpy as np

from lrtheory.finite import response as R
from lrtheory.finite.system import FiniteSystem

#: Relative precision of exact identities in double precision on N <= 24 matrices.
EXACT = 1e-10


def rounding_scale(s: FiniteSystem, a, b, *, eta, omega=0.0, temperature=0.0, mu=0.0):
    r"""``sum_ab |L_ab| |A_ab| |B_ba|``: the size of the terms of Eq. (17).

    A sum of such terms computed in double precision carries an absolute rounding error of
    order ``N * 1e-16 * scale``; identities are therefore checked with
    ``atol = EXACT * scale`` (a cancellation-proof relative tolerance).
    Shape: ``a.shape[:-2] + b.shape[:-2]`` (a float for single matrices).
    """
    eig = s.eigensystem
    n = s.n_states
    a = np.asarray(a)
    b = np.asarray(b)
    lam = np.abs(R.lindhard(eig.energies, eta=eta, omega=omega, temperature=temperature, mu=mu))
    ae = np.abs(eig.to_eigenbasis(a.reshape(-1, n, n)))
    be = np.abs(eig.to_eigenbasis(b.reshape(-1, n, n)))
    out = np.einsum("ab,iab,jba->ij", lam, ae, be) + 1e-300
    return out.reshape(a.shape[:-2] + b.shape[:-2])


def scaling_exponent(f_eta: np.ndarray, f_half: np.ndarray) -> float:
    """p in |f(eta)| ~ eta^p from two values at eta and eta/2 (norm over all sites)."""
    return float(np.log2(np.linalg.norm(f_eta) / np.linalg.norm(f_half)))
