"""The model protocol that every response function consumes.

A *Bloch model* (bulk or ribbon) is any object with

* ``dim``: number of periodic directions (2 for a 2D bulk, 1 for a ribbon);
* ``n_orbitals``: size of H(k);
* ``positions``: (n_orbitals, d_space) Cartesian orbital positions (units of a);
* ``lattice_vectors``: (dim, d_space) Cartesian lattice vectors of the periodic directions;
* ``hamiltonian(k)``: H(k), shape (..., n, n), for Cartesian ``k`` of shape (..., dim)
  (units 1/a), in the atomic-position Bloch convention (paper Eq. S48, phases
  ``exp(i k.(R + r_mu))``), so that ``velocity(k) = dH/dk`` is the velocity operator;
* ``velocity(k)``: dH/dk, shape (..., dim, n, n) (units t0 a / hbar);
* ``time_reversal``: the unitary ``U`` of ``Theta = U K`` if the model is declared
  TR-invariant (checked by :func:`lrtheory.models.symmetry` tools), else ``None``.

Response code is written against this protocol, never against a concrete class.
"""
from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

__all__ = ["BlochModel", "hamiltonian_and_velocity"]


@runtime_checkable
class BlochModel(Protocol):
    dim: int
    n_orbitals: int
    positions: np.ndarray
    lattice_vectors: np.ndarray

    def hamiltonian(self, k: np.ndarray) -> np.ndarray: ...

    def velocity(self, k: np.ndarray) -> np.ndarray: ...


def hamiltonian_and_velocity(model, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(H(k), dH/dk)`` of any protocol model: the model's fused
    ``hamiltonian_and_velocity(k)`` fast path when it has one (one product of Bloch phases
    with stacked bond coefficients), else ``hamiltonian(k)`` and ``velocity(k)``."""
    both = getattr(model, "hamiltonian_and_velocity", None)
    if both is not None:
        return both(k)
    return model.hamiltonian(k), model.velocity(k)
