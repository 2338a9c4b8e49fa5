"""lrtheory.kpm: the kernel polynomial method on sparse samples (issue #16 items 3-4).

Sparse Hamiltonians of large ribbons, flakes and supercells (:mod:`~lrtheory.kpm.sample`),
Chebyshev moments, kernels and stochastic traces (:mod:`~lrtheory.kpm.chebyshev`, on the
in-place recursion of :mod:`~lrtheory.kpm.recursion`), the
quantities as :class:`~lrtheory.result.Result` objects (:mod:`~lrtheory.kpm.quantities`:
density of states, Kubo-Bastin Hall and operator-current Hall conductivities, site-resolved
Fermi-surface accumulations), exact-diagonalization references (:mod:`~lrtheory.kpm.exact`),
and disorder averages over seeded realizations (:mod:`~lrtheory.kpm.average`).
Imports point one way: this package uses models, finite, disorder.samples, parallel and result;
nothing imports it.
"""
from lrtheory.kpm.average import disorder_average
from lrtheory.kpm.chebyshev import kernel_factors, resolution
from lrtheory.kpm.quantities import (current_operator, density_of_states, density_operator,
                                     fermi_surface_accumulation, hall_conductivity,
                                     orbital_moment_operator)
from lrtheory.kpm.sample import (SparseSample, from_finite, from_hamiltonian, spectral_bounds,
                                 supercell)

__all__ = [
    "SparseSample", "supercell", "from_hamiltonian", "from_finite", "spectral_bounds",
    "kernel_factors", "resolution",
    "density_of_states", "hall_conductivity", "fermi_surface_accumulation",
    "current_operator", "density_operator", "orbital_moment_operator", "disorder_average",
]
