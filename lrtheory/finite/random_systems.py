r"""Random finite models with controlled time-reversal properties (for users and tests).

Every generator takes sizes and a :class:`numpy.random.Generator` and returns a
:class:`lrtheory.finite.FiniteSystem` (positions drawn in a box of side ``n_sites**(1/d)``)
or a Hermitian operator. TR-invariant models are symmetric *by construction* and then
*checked independently* (the :class:`FiniteSystem` constructor verifies
``U H^* U^dagger = H``; an operator's signature is re-checked with
:meth:`TimeReversal.signature`). Conventions: basis index ``site * n_internal + s``;
spinless ``Theta = K``; spin-1/2 ``Theta = (1_sites (x) i sigma_y) K``.

Construction of Kramers-symmetric matrices
------------------------------------------
In the *spin-major* ordering (all up states, then all down states) ``U = i sigma_y (x) 1``,
and ``U H^* U^dagger = H`` for a Hermitian ``H`` holds if and only if

.. math:: H = \begin{pmatrix} A & B \\ -B^* & A^* \end{pmatrix},
          \qquad A = A^\dagger,\; B^T = -B,

which is then permuted to the site-major ordering used by :mod:`lrtheory.finite`.

Hypothesis strategies built on these generators (``systems``, ``tr_observables``:
hypothesis draws the seed and the sizes, numpy draws the matrix entries) live with the
tests, in ``tests/strategies.py``, so that the package does not depend on hypothesis.
"""
from __future__ import annotations

import numpy as np

from lrtheory import _docstrings
from lrtheory.errors import ConventionError, ShapeError, SymmetryError
from lrtheory.finite.system import FiniteSystem, TimeReversal

__all__ = [
    "KINDS",
    "random_positions",
    "random_hermitian",
    "random_real_symmetric",
    "random_kramers_hermitian",
    "spin_major_to_site_major",
    "random_tr_invariant",
    "random_tr_broken",
    "random_gapped",
    "random_tr_operator",
    "random_system",
]

#: Kinds of random systems: TR-invariant spinless / spinful, TR-broken spinless / spinful.
KINDS = ("spinless", "spinful", "broken", "broken_spinful")


# numpydoc entries shared by several functions below (shared_docs of _docstrings,
# imported as a module: tests/unit/test_io_moves.py flags an attribute path to a
# private name as a private member);
# ``matrix_parameters`` is the Parameters section of the random matrices
_docs = _docstrings.shared_docs(
    rng="""
    rng : numpy.random.Generator
        Source of the random numbers.
    """,
    n_sites="""
    n_sites : int
        Number of sites.
    """,
    d="""
    d : int
        Spatial dimension (1, 2 or 3).
    """,
    matrix_parameters="""
    Parameters
    ----------
    n : int
        Size.
    rng : numpy.random.Generator
        Source of the random numbers.
    scale : float
        Entry scale (t0 when used as a Hamiltonian).
    """,
    spinful="""
    spinful : bool
        Spin-1/2 sites (``n_internal = 2``) instead of spinless ones.
    """,
    kind="""
    kind : str
        One of :data:`KINDS`.
    """,
)


@_docs
def random_positions(n_sites: int, rng: np.random.Generator, d: int = 2) -> np.ndarray:
    """Distinct random site positions in a box of side ``n_sites**(1/d)`` (lattice units).

    Parameters
    ----------
    %(n_sites)s
    %(rng)s
    %(d)s

    Returns
    -------
    ndarray
        (n_sites, d) positions (a).
    """
    if not 1 <= d <= 3:
        raise ShapeError(f"d must be 1, 2 or 3, got {d}")
    return rng.uniform(0.0, max(1.0, n_sites ** (1.0 / d)), size=(n_sites, d))


@_docs
def random_hermitian(n: int, rng: np.random.Generator, scale: float = 1.0) -> np.ndarray:
    """GUE-like random complex Hermitian ``(n, n)`` matrix (entries of order ``scale``).

    %(matrix_parameters)s

    Returns
    -------
    ndarray
        (n, n) complex Hermitian, units of ``scale``.
    """
    return _gaussian_ensemble(n, rng, scale, real=False)


@_docs
def random_real_symmetric(n: int, rng: np.random.Generator, scale: float = 1.0) -> np.ndarray:
    """GOE-like random real symmetric matrix (TR-invariant for ``Theta = K``).

    %(matrix_parameters)s

    Returns
    -------
    ndarray
        (n, n) real symmetric, units of ``scale``.
    """
    return _gaussian_ensemble(n, rng, scale, real=True)


def _gaussian_ensemble(n: int, rng: np.random.Generator, scale: float, real: bool) -> np.ndarray:
    """``scale (z + z^dagger)/2`` with normal ``z`` (real: GOE-like; complex: GUE-like)."""
    z = rng.normal(size=(n, n))
    if not real:
        z = z + 1j * rng.normal(size=(n, n))
    return scale * (z + z.conj().T) / 2


@_docs
def spin_major_to_site_major(n_sites: int) -> np.ndarray:
    """Permutation ``p`` with ``M_site = M_spin[p][:, p]`` (spin-major -> site-major).

    Parameters
    ----------
    %(n_sites)s

    Returns
    -------
    ndarray
        (2 n_sites,) int permutation.
    """
    s = np.arange(2 * n_sites)
    site, spin = s // 2, s % 2
    return spin * n_sites + site


@_docs
def random_kramers_hermitian(n_sites: int, rng: np.random.Generator,
                             scale: float = 1.0) -> np.ndarray:
    r"""Random Hermitian ``H`` with ``U H^* U^dagger = H`` for ``U = 1 (x) i sigma_y``.

    Built as ``[[A, B], [-B^*, A^*]]`` in spin-major order (``A`` Hermitian, ``B``
    antisymmetric), returned in site-major order ``(2 n_sites, 2 n_sites)``.

    Parameters
    ----------
    %(n_sites)s
    %(rng)s
    scale : float
        Entry scale (t0).

    Returns
    -------
    ndarray
        (2 n_sites, 2 n_sites) complex Hermitian (units of ``scale``).
    """
    a = random_hermitian(n_sites, rng, scale)
    z = rng.normal(size=(n_sites, n_sites)) + 1j * rng.normal(size=(n_sites, n_sites))
    b = scale * (z - z.T) / 2
    h = np.block([[a, b], [-b.conj(), a.conj()]])
    p = spin_major_to_site_major(n_sites)
    return h[np.ix_(p, p)]


@_docs
def random_tr_invariant(n_sites: int, rng: np.random.Generator, *, spinful: bool = False,
                        d: int = 2) -> FiniteSystem:
    """Random TR-invariant system (spinless real symmetric, or spinful Kramers).

    Parameters
    ----------
    %(n_sites)s
    %(rng)s
    %(spinful)s
    %(d)s

    Returns
    -------
    FiniteSystem
        With its declared (and checked) time reversal; energies of order t0.
    """
    pos = random_positions(n_sites, rng, d)
    if spinful:
        return FiniteSystem(random_kramers_hermitian(n_sites, rng), pos, 2, "spinful")
    return FiniteSystem(random_real_symmetric(n_sites, rng), pos, 1, "spinless")


@_docs
def random_tr_broken(n_sites: int, rng: np.random.Generator, *, spinful: bool = False,
                     d: int = 2) -> FiniteSystem:
    """Random complex Hermitian system without TR symmetry (``time_reversal=None``).

    The matrix breaks the natural TR (``Theta = K`` or the Kramers one) by at least
    ``1e-3`` (``TimeReversal.symmetry_residual``): a draw below that (probability ~1e-3 for a
    2x2 spinless matrix, whose one imaginary entry can be small) is redrawn from the same
    ``rng``, so the result stays reproducible from the seed; ``SymmetryError`` after 100 draws.

    Parameters
    ----------
    n_sites : int
        Number of sites (>= 2 when spinless).
    %(rng)s
    %(spinful)s
    %(d)s

    Returns
    -------
    FiniteSystem
        ``time_reversal=None``; energies of order t0.
    """
    pos = random_positions(n_sites, rng, d)
    ni = 2 if spinful else 1
    tr = TimeReversal.spinful(n_sites) if spinful else TimeReversal.spinless(n_sites)
    if not spinful and n_sites < 2:
        raise ConventionError("a spinless TR-broken system needs n_sites >= 2 (1x1 H is real)")
    for _ in range(100):
        h = random_hermitian(n_sites * ni, rng)
        if tr.symmetry_residual(h) >= 1e-3:
            return FiniteSystem(h, pos, ni, None)
    raise SymmetryError("100 random TR-broken matrices came out TR-symmetric")  # pragma: no cover


@_docs
def random_gapped(n_sites: int, rng: np.random.Generator, *, kind: str = "spinless",
                  gap: float = 1.0, n_occupied: int | None = None, bandwidth: float = 2.0,
                  multiplicity: int = 1, fermi_pair_splitting: float | None = None,
                  d: int = 2) -> FiniteSystem:
    r"""Random system whose spectrum has a gap ``(-gap/2, gap/2)`` around ``ef = 0``.

    A random model of ``kind`` (:data:`KINDS`) is diagonalized; its eigenvectors are kept
    and its levels replaced by a chosen gapped spectrum (``n_occupied`` levels in
    ``[-gap/2 - bandwidth, -gap/2]``, the rest in ``[gap/2, gap/2 + bandwidth]``). For
    spinful TR-invariant models each Kramers pair (consecutive degenerate levels) gets one
    energy, so the projector on each pair, and hence ``H``, stays TR-invariant (checked).
    ``n_occupied`` counts states (even for spinful); default: half filling.

    ``multiplicity`` > 1 repeats each level (exact degeneracies beyond Kramers, for gauge
    tests; ``n_occupied`` is then rounded down to a multiple of the level size).
    ``fermi_pair_splitting = s`` turns the system into a "metal": the highest occupied level
    is moved to ``-s/2`` and the lowest empty one to ``+s/2``, i.e. states *at* the Fermi
    level ``ef = 0`` (for ``eta >> s`` they act as a Fermi surface).

    Parameters
    ----------
    %(n_sites)s
    %(rng)s
    %(kind)s
    gap : float
        Gap around 0 (t0), > 0.
    n_occupied : int, optional
        Number of states below the gap (default: half filling).
    bandwidth : float
        Width (t0) of the occupied and of the empty band of levels.
    multiplicity : int
        Repetition of each level (exact degeneracies).
    fermi_pair_splitting : float, optional
        ``s`` (t0): move the two levels next to the gap to ``-s/2`` and ``+s/2``.
    %(d)s

    Returns
    -------
    FiniteSystem
        Same eigenvectors and time reversal as the random model of ``kind``.
    """
    if kind not in KINDS:
        raise ConventionError(f"kind must be one of {KINDS}, got {kind!r}")
    if gap <= 0 or bandwidth < 0:
        raise ConventionError(f"gap must be > 0 and bandwidth >= 0, got {gap}, {bandwidth}")
    spinful = kind in ("spinful", "broken_spinful")
    base = (random_tr_broken if kind.startswith("broken") else random_tr_invariant)(
        n_sites, rng, spinful=spinful, d=d)
    n = base.n_states
    if int(multiplicity) < 1:
        raise ConventionError(f"multiplicity must be >= 1, got {multiplicity}")
    deg = (2 if kind == "spinful" else 1) * int(multiplicity)
    if n % deg:
        raise ConventionError(f"{n} states cannot be grouped in levels of {deg}")
    n_occ = (n // 2) // deg * deg if n_occupied is None else int(n_occupied)
    if n_occ % deg or not 0 <= n_occ <= n:
        raise ConventionError(f"n_occupied must be in 0..{n} and a multiple of {deg}, got {n_occ}")
    lo = np.sort(rng.uniform(-gap / 2 - bandwidth, -gap / 2, size=n_occ // deg))
    hi = np.sort(rng.uniform(gap / 2, gap / 2 + bandwidth, size=(n - n_occ) // deg))
    if fermi_pair_splitting is not None:
        if lo.size == 0 or hi.size == 0:
            raise ConventionError("fermi_pair_splitting needs occupied and empty levels")
        lo[-1], hi[0] = -fermi_pair_splitting / 2, fermi_pair_splitting / 2
    levels = np.repeat(np.concatenate([lo, hi]), deg)
    u = base.eigensystem.states
    h = (u * levels) @ u.conj().T
    return FiniteSystem(h, base.positions, base.n_internal, base.time_reversal)


@_docs
def random_tr_operator(system_or_tr, rng: np.random.Generator, parity: int,
                       *, local: bool = False, n_internal: int = 1) -> np.ndarray:
    r"""Random Hermitian operator with TR signature ``parity``: ``U A^* U^dagger = parity A``.

    Built as ``(A + parity U A^* U^dagger)/2`` from a random Hermitian ``A`` (this projects
    on the parity sector because ``Theta^2 = +-1``), then checked. With ``local=True`` the
    operator acts only inside each site (block diagonal in the site-major basis), like a spin
    or an on-site orbital moment.

    Parameters
    ----------
    system_or_tr : FiniteSystem or TimeReversal
        The system (its time reversal, or the natural one if it has none) or a TR operator.
    %(rng)s
    parity : +1 or -1
        TR signature ``lambda`` (paper Eq. 22).
    local : bool
        Block diagonal in the sites.
    n_internal : int
        Internal states per site when ``system_or_tr`` is a :class:`TimeReversal`.

    Returns
    -------
    ndarray
        (N, N) complex Hermitian, dimensionless (entries of order 1).
    """
    if parity not in (1, -1):
        raise ConventionError(f"parity must be +1 or -1, got {parity!r}")
    if isinstance(system_or_tr, FiniteSystem):
        tr = system_or_tr.time_reversal
        n_internal = system_or_tr.n_internal
        if tr is None:
            tr = (TimeReversal.spinful(system_or_tr.n_sites) if n_internal == 2
                  else TimeReversal.spinless(system_or_tr.n_states))
    else:
        tr = system_or_tr
    n = tr.dim
    a = random_hermitian(n, rng)
    if local:
        site = np.arange(n) // n_internal
        a = a * (site[:, None] == site[None, :])
    a = 0.5 * (a + parity * tr.transform(a))
    if np.max(np.abs(a)) < 1e-12:
        raise ConventionError(
            f"no nonzero operator of TR parity {parity:+d} with these constraints exists "
            f"(e.g. a site-local TR-odd operator needs n_internal >= 2 for spinless U = 1)")
    if tr.signature(a) != parity:  # independent check
        raise SymmetryError("random TR operator failed its parity check")  # pragma: no cover
    return a


@_docs
def random_system(kind: str, n_sites: int, rng: np.random.Generator, d: int = 2) -> FiniteSystem:
    """Random (ungapped) system of a given kind (:data:`KINDS`).

    Parameters
    ----------
    %(kind)s
    %(n_sites)s
    %(rng)s
    %(d)s

    Returns
    -------
    FiniteSystem
        Energies of order t0, positions in a.
    """
    if kind not in KINDS:
        raise ConventionError(f"kind must be one of {KINDS}, got {kind!r}")
    spinful = kind in ("spinful", "broken_spinful")
    if kind.startswith("broken"):
        return random_tr_broken(n_sites, rng, spinful=spinful, d=d)
    return random_tr_invariant(n_sites, rng, spinful=spinful, d=d)
