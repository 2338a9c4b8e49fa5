"""Deprecated location: the random finite systems moved to
:mod:`lrtheory.finite.random_systems` and the hypothesis strategies ``systems`` and
``tr_observables`` to ``tests/strategies.py`` (issue #14); this shim re-exports the generators,
keeps copies of the two strategies, and will go in the next release."""
import warnings

import numpy as np

from lrtheory.finite.random_systems import *  # noqa: F401,F403
from lrtheory.finite.random_systems import (KINDS, FiniteSystem, random_gapped, random_system,
                                            random_tr_operator)
from lrtheory.finite.random_systems import __all__ as _all

__all__ = [*_all, "systems", "tr_observables"]

warnings.warn("lrtheory.models.random_models is deprecated: import the generators from "
              "lrtheory.finite.random_systems (hypothesis strategies: tests/strategies.py)",
              DeprecationWarning, stacklevel=2)


# -- deprecated copies of the hypothesis strategies (their home is tests/strategies.py, which
#    is not installed with the package); hypothesis is imported only when they are called ---
def systems(kinds=KINDS, *, min_sites: int = 2, max_sites: int = 8, gapped: bool = False,
            dims=(1, 2, 3)):
    """Hypothesis strategy of random :class:`FiniteSystem` s (needs ``hypothesis``).

    Hypothesis draws the kind, size, dimension and seed; the matrix entries come from
    ``numpy.random.default_rng(seed)``, so every example is reproducible from its seed
    (shown in a failure report).

    Parameters
    ----------
    kinds : sequence of str
        Kinds to draw from (:data:`lrtheory.finite.random_systems.KINDS`).
    min_sites, max_sites : int
        Range of the number of sites.
    gapped : bool
        Draw gapped systems (:func:`lrtheory.finite.random_systems.random_gapped`, gap 0.5,
        1 or 2 t0 around E = 0).
    dims : sequence of int
        Spatial dimensions to draw from.

    Returns
    -------
    hypothesis.strategies.SearchStrategy
        Strategy of :class:`FiniteSystem` (energies t0, positions a).

    Examples
    --------
    >>> from hypothesis import given
    >>> @given(systems(("spinless",), max_sites=4))
    ... def test_hermitian(s):
    ...     assert (s.hamiltonian == s.hamiltonian.conj().T).all()
    """
    from hypothesis import strategies as st

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
    """Hypothesis strategy of random Hermitian operators of TR ``parity`` on ``system``.

    Parameters
    ----------
    system : FiniteSystem
        A system with a time-reversal operator.
    parity : int
        TR signature ``lambda`` (+1 or -1) of the operators (paper Eq. 22).
    local : bool
        Site-diagonal operators only (block diagonal in the internal states).

    Returns
    -------
    hypothesis.strategies.SearchStrategy
        Strategy of (N, N) Hermitian arrays (dimensionless).
    """
    from hypothesis import strategies as st

    return st.integers(0, 2**32 - 1).map(
        lambda seed: random_tr_operator(system, np.random.default_rng(seed), parity, local=local)
    )
