"""Hypothesis strategies of random finite systems and TR-definite observables (for the
property tests; moved out of the package so that lrtheory does not import hypothesis).

Built on the generators of :mod:`lrtheory.finite.random_systems`: hypothesis draws the kind,
size, dimension and seed; the matrix entries come from ``numpy.random.default_rng(seed)``, so
every example is reproducible from its seed (shown in a failure report).
"""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from lrtheory.finite import FiniteSystem
from lrtheory.finite.random_systems import KINDS, random_gapped, random_system, random_tr_operator

__all__ = ["systems", "tr_observables"]


def systems(kinds=KINDS, *, min_sites: int = 2, max_sites: int = 8, gapped: bool = False,
            dims=(1, 2, 3)):
    """Hypothesis strategy of random :class:`FiniteSystem` s.

    Parameters
    ----------
    kinds : iterable of str
        Drawn from :data:`lrtheory.finite.random_systems.KINDS`.
    min_sites, max_sites : int
        Range of the number of sites.
    gapped : bool
        Draw gapped systems (:func:`random_gapped`, gap 0.5, 1 or 2 in units of the entries).
    dims : iterable of int
        Spatial dimensions of the site positions.

    Examples
    --------
    >>> from hypothesis import given
    >>> @given(systems(("spinless",), max_sites=4))
    ... def test_hermitian(s):
    ...     assert (s.hamiltonian == s.hamiltonian.conj().T).all()
    """
    kinds = tuple(kinds)

    @st.composite
    def _build(draw):
        kind = draw(st.sampled_from(kinds))
        n_sites = draw(st.integers(min_sites, max_sites))
        d = draw(st.sampled_from(tuple(dims)))
        seed = draw(st.integers(0, 2**32 - 1))
        rng = np.random.default_rng(seed)
        if gapped:
            gap = draw(st.sampled_from((0.5, 1.0, 2.0)))
            return random_gapped(n_sites, rng, kind=kind, gap=gap, d=d)
        return random_system(kind, n_sites, rng, d)

    return _build()


def tr_observables(system: FiniteSystem, parity: int, *, local: bool = False):
    """Hypothesis strategy of random Hermitian operators of TR ``parity`` (+1 or -1) on
    ``system`` (site-local ones with ``local=True``)."""
    return st.integers(0, 2**32 - 1).map(
        lambda seed: random_tr_operator(system, np.random.default_rng(seed), parity, local=local)
    )
