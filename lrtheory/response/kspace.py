r"""k-space helpers shared by the bulk responses (nothing here is specific to one response).

* :func:`eigensystem`: one batched diagonalization per k chunk (H and dH/dk built together);
* :func:`occupied_sums`: ``S(E_F) = sum_j w_j f(e_j - E_F)`` for a whole ``E_F`` curve at once;
* :func:`available_memory`, :func:`ksum_memory_estimate`: the memory a chunked k-sum needs,
  to check before any allocation.

They lived in :mod:`lrtheory.response.hall` (which still re-exports them) although torque,
Fermi-surface and 3D Hall responses use them too.
"""
from __future__ import annotations

import os

import numpy as np

from lrtheory._docstrings import shared_docs
from lrtheory.bands.eigensystem import Eigensystem
from lrtheory.conventions import DEGEN_TOL
from lrtheory.kernels.occupation import fermi, fermi_derivative

__all__ = ["eigensystem", "occupied_sums", "available_memory", "ksum_memory_estimate",
           "PER_CHUNK_BYTES", "DOCS"]

#: numpydoc blocks of the memory estimates (:mod:`lrtheory._docstrings`), also used by
#: :func:`lrtheory.response.hall.hall_memory_estimate`
MEMORY_DOCS = {"memory_tail": """
    temperature : float
        T (t0).

    Returns
    -------
    int
        Estimated peak memory (bytes).
    """}
memory_docs = shared_docs(**MEMORY_DOCS)

#: numpydoc entries of the k-space functions (:mod:`lrtheory._docstrings`), also used by
#: :mod:`lrtheory.response.berry` and :mod:`lrtheory.response.bulk_omm`:
#: ``model_k_parameters`` opens a Parameters section with ``model`` and ``k``
DOCS = {
    "model_k_parameters": """
        Parameters
        ----------
        model : BlochModel
            The model.
        k : (Nk, d) array
            Cartesian k (1/a).
        """,
    "eigensystem": """
        eigensystem : Eigensystem
            Batched eigensystem on Nk points (energies t0, velocities a t0/hbar); ``eig=`` is
            its deprecated spelling.
        """,
}
_docs = shared_docs(**DOCS)


@_docs
def eigensystem(model, k: np.ndarray, degen_tol: float = DEGEN_TOL) -> Eigensystem:
    """One batched diagonalization of ``model`` on the k stack (Nk, d) (1/a): H(k) and dH/dk
    built together (the model's ``hamiltonian_and_velocity``), band-basis velocities by
    batched matmul (:meth:`Eigensystem.compute` without the Hermiticity re-check).
    ``degen_tol`` (t0): bands closer than this count as degenerate.

    %(model_k_parameters)s
    degen_tol : float
        Degeneracy threshold (t0).

    Returns
    -------
    Eigensystem
        Energies (Nk, n) (t0), eigenvectors, band-basis velocities (a t0/hbar).
    """
    return Eigensystem.compute(model, k, degen_tol=degen_tol, check=False)


def occupied_sums(energies: np.ndarray, weights: np.ndarray, ef: np.ndarray,
                  temperature: float) -> np.ndarray:
    r"""``S(E_F) = sum_j w_j f(e_j - E_F)`` for all ``E_F`` at once (any shapes, flattened).

    Parameters
    ----------
    energies : array (t0)
        State energies ``e_j``.
    weights : array, same size
        Per-state weights ``w_j`` (any unit; the result has it).
    ef : (n_EF,) array (t0)
        Fermi energies.
    temperature : float (t0, k_B = 1)
        ``T = 0``: sort once, cumulative sums, ``searchsorted`` (states exactly at ``E_F``
        count 1/2). ``T > 0``: exact occupation matrix for small problems, else energy bins
        of width ``T/50`` with a first-order Taylor correction in each bin (error below
        ~1e-5 relative).

    Returns
    -------
    (n_EF,) ndarray
    """
    e = np.asarray(energies, float).reshape(-1)
    w = np.asarray(weights, float).reshape(-1)
    ef = np.atleast_1d(np.asarray(ef, float))
    if temperature <= 0:
        if ef.size <= 16:  # a few E_F: direct comparison, O(N * n_EF), no sort
            return np.array([w[e < x].sum() + 0.5 * w[e == x].sum() for x in ef])
        order = np.argsort(e, kind="stable")
        es, cs = e[order], np.concatenate([[0.0], np.cumsum(w[order])])
        lo = np.searchsorted(es, ef, side="left")
        hi = np.searchsorted(es, ef, side="right")
        return 0.5 * (cs[lo] + cs[hi])
    T = float(temperature)
    if e.size * ef.size <= 2_000_000:
        return fermi(e[None, :] - ef[:, None], 0.0, T) @ w
    h = T / 50.0
    idx = np.floor((e - e.min()) / h).astype(np.int64)
    uniq, inv = np.unique(idx, return_inverse=True)
    centers = e.min() + (uniq + 0.5) * h
    s0 = np.bincount(inv, weights=w)
    s1 = np.bincount(inv, weights=w * (e - centers[inv]))
    x = centers[None, :] - ef[:, None]
    return fermi(x, 0.0, T) @ s0 + fermi_derivative(x, 0.0, T) @ s1


def available_memory() -> int:
    """Available physical memory in bytes: ``MemAvailable`` of /proc/meminfo, else
    ``SC_AVPHYS_PAGES * SC_PAGE_SIZE``, else 4 GiB (an assumption, stated).

    Returns
    -------
    int
        Bytes.
    """
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, ValueError, OSError):
        return 4 * 2**30


#: bytes of bookkeeping per chunk of the map (bounds row, the view object and list slot)
PER_CHUNK_BYTES = 16 + 160


@memory_docs
def ksum_memory_estimate(n_orbitals: int, n_points: int, n_ef: int, chunk_size: int,
                         workers: int = 1, temperature: float = 0.0) -> int:
    """Estimated peak memory (bytes) of a chunked k-sum over ``n_points`` k-points.

    Chunk list: ``ceil(n_points / chunk_size) * 176`` bytes (in the parent); per worker: one
    chunk's working set, ~16 complex (n, n) arrays per k-point, the energy sort of
    :func:`occupied_sums` (~6 floats per state) and at ``T > 0`` the occupation matrix
    (at most 2e6 floats); results ``O(n_EF + n_bands)``.

    Parameters
    ----------
    n_orbitals : int
        Bands of the model.
    n_points : int
        k-points of the grid.
    n_ef : int
        Number of Fermi energies.
    chunk_size : int
        k-points per chunk.
    workers : int
        Worker processes.
    %(memory_tail)s
    """
    n_chunks = -(-int(n_points) // int(chunk_size))
    states = int(chunk_size) * int(n_orbitals)
    per_chunk = 16 * 16 * int(chunk_size) * int(n_orbitals) ** 2 + 6 * 8 * states
    per_chunk += 8 * (min(2_000_000, states * n_ef) if temperature > 0 else 4 * n_ef)
    return int(n_chunks * PER_CHUNK_BYTES + max(1, workers) * per_chunk + 64 * n_ef)
