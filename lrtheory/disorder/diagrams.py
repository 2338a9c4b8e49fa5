r"""Disorder diagrams for the Fermi-surface response of a density: Born / self-consistent Born
self-energy and the ladder vertex correction for short-range (white-noise) disorder.

The response of a density ``O`` to a static uniform field (``delta <O> = e chi_{O, r_c} E_c``,
conventions of :mod:`lrtheory.conventions`) has a Fermi-surface part that, to leading order
in ``1/(e_F tau)``, is the retarded-advanced bubble of disorder-averaged Green's functions
with a dressed velocity vertex:

.. math::

    \chi^{RA}_{O, r_c} = -\frac{1}{2\pi} \int \frac{d^dk}{(2\pi)^d}
        \mathrm{Re}\,\mathrm{Tr}\left[O\, G^R(k)\, \Gamma_c(k)\, G^A(k)\right],
    \qquad G^{R}(k) = \left[\epsilon_F - H(k) - \Sigma^R\right]^{-1},

.. math::

    \Gamma_c(k) = v_c(k) + C_c, \qquad
    C_c = \gamma\, P\!\left[\int \frac{d^dk}{(2\pi)^d} G^R\, \Gamma_c\, G^A\right],
    \qquad \Sigma^R = \gamma\, P\!\left[\int \frac{d^dk}{(2\pi)^d} G^R\right].

``gamma = n_i u_0^2`` is the disorder strength (``<V(r) V(r')> = gamma delta(r - r')``,
units t0^2 a^d) and ``P`` keeps the matrix elements between orbitals that feel the same
impurity potential (:class:`WhiteNoise`: ``P[X]_ab = X_ab`` when orbitals a and b share a
"site" label, else 0; a spin-1/2 continuum model has one site, Anderson disorder on a lattice
one site per orbital).

**Prefactor, derived.** For a k-independent ``Sigma^R = -i/(2 tau)`` the eigenbasis gives
``G^R_n G^A_n = 1/((e_F - e_n)^2 + 1/(4 tau^2)) -> 2 pi tau delta(e_F - e_n)`` as
``tau -> infinity``, so the bare bubble (``C = 0``) becomes
``-tau sum_n int delta(e_n - e_F) Re O_nn v^c_nn``: Eq. (28) of the paper with the sign derived
in docs/derivations.md (finding 3; Boltzmann: ``delta f = e tau E . v f'``). The ladder
(``C != 0``) is what Eq. (28) leaves out (finding 5: for the Rashba gas it doubles the
Edelstein response and gives the printed S18). The Fermi-sea term and the RR/AA terms are
``O(tau^0)`` and are not included: the result is the leading, ``O(tau)`` term.

Units: ``chi`` in units of O per (e E) (E in t0/(e a)), per unit area a^2 (d = 2).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from lrtheory.errors import ConventionError, ConvergenceError, check_positive, check_real_scalar

#: singular values of ``1 - gamma K`` below this (relative) are a diffusion pole (a conserved
#: density; SCBA satisfies the Ward identity to its own tolerance, 1e-10)
_POLE_RTOL = 1e-7

__all__ = ["WhiteNoise", "BubbleIntegrals", "self_energy", "ladder_vertex", "ra_response"]


@dataclass(frozen=True)
class WhiteNoise:
    r"""Short-range scalar disorder: ``<V(r) V(r')> = gamma delta(r - r')``.

    Parameters
    ----------
    gamma : float
        ``n_i u_0^2`` (t0^2 a^d). In the first Born approximation the scattering rate of a
        band is ``1/tau = 2 pi gamma N`` per site-projected density of states ``N``; for the
        Rashba gas (one site, spin-1/2) ``1/tau = gamma m`` (derived in
        :func:`rashba_born_tau`).
    sites : sequence of int, optional
        Site label of each orbital: orbitals with the same label feel the same impurity
        potential (one site for a spin-1/2 continuum model: the default ``None`` means all
        orbitals share one site); ``range(n)`` is Anderson disorder independent on every
        orbital.
    """

    gamma: float
    sites: tuple | None = None

    def __post_init__(self):
        check_positive("gamma", self.gamma)
        if self.sites is not None:
            object.__setattr__(self, "sites", tuple(int(s) for s in self.sites))

    def mask(self, n: int) -> np.ndarray:
        """Which pairs of orbitals share an impurity potential.

        Parameters
        ----------
        n : int
            Orbitals of the model (the size of the mask).

        Returns
        -------
        ndarray of bool, (n, n)
            ``True`` where orbitals ``a`` and ``b`` see the same impurity (all of them when
            ``sites`` is None: one potential on the whole cell).
        """
        if self.sites is None:
            return np.ones((n, n), bool)
        if len(self.sites) != n:
            raise ConventionError(f"WhiteNoise.sites has {len(self.sites)} labels for a model "
                                  f"with {n} orbitals")
        s = np.asarray(self.sites)
        return s[:, None] == s[None, :]


@dataclass
class BubbleIntegrals:
    r"""k-integrals of one Green's-function pair, all ``int d^dk/(2 pi)^d`` (1/a^d):

    * ``g`` (n, n): ``int G^R`` (t0^-1 a^-d);
    * ``b`` (d, n, n): ``int G^R v_c G^A``;
    * ``kron`` (n^2, n^2): ``int G^R (x) (G^A)^T``, so that ``vec(int G^R X G^A) = kron
      vec(X)`` for a k-independent X (row-major ``vec``);
    * with a density operator O(k): ``o_b`` (d,) ``int Tr[O G^R v_c G^A]`` and ``o_d`` (n, n)
      ``int G^A O G^R`` (so that ``int Tr[O G^R C G^A] = Tr[o_d C]``).

    Parameters
    ----------
    g : (n, n) complex array
        ``int G^R`` (t0^-1 a^-d).
    b : (d, n, n) complex array
        ``int G^R v_c G^A`` (t0^-1 a^(1-d)).
    kron : (n^2, n^2) complex array
        ``int G^R (x) (G^A)^T`` (t0^-2 a^-d).
    o_b : (d,) array or None
        ``int Tr[O G^R v_c G^A]``, with a density operator (else None).
    o_d : (n, n) array or None
        ``int G^A O G^R``, with a density operator (else None).
    extra : dict
        Further named integrals.
    """

    g: np.ndarray
    b: np.ndarray
    kron: np.ndarray
    o_b: np.ndarray | None = None
    o_d: np.ndarray | None = None
    extra: dict = field(default_factory=dict)

    def sandwich(self, X: np.ndarray) -> np.ndarray:
        """``int G^R X G^A`` for a constant (n, n) matrix ``X``.

        Parameters
        ----------
        X : ndarray (n, n)

        Returns
        -------
        ndarray (n, n)
        """
        n = X.shape[-1]
        return (self.kron @ X.reshape(-1)).reshape(n, n)


def bubble_chunk(H, V, ef: float, sigma: np.ndarray, w: np.ndarray, O=None):
    """Weighted sums over one chunk of k-points: ``(g, b, kron, o_b, o_d)`` as in
    :class:`BubbleIntegrals` (the last two None without ``O``).

    Parameters
    ----------
    H : ndarray (m, n, n)
        Hamiltonians (t0).
    V : ndarray (m, d, n, n)
        Velocities dH/dk (t0 a).
    ef : float
        Fermi energy (t0).
    sigma : ndarray (n, n)
        Retarded self-energy (t0).
    w : ndarray (m,)
        Quadrature weights (1/a^d).
    O : ndarray (n, n) or (m, n, n), optional
        Density operator in the orbital basis (constant or at each k).

    Returns
    -------
    tuple of ndarray
    """
    n = H.shape[-1]
    GR = np.linalg.inv((ef * np.eye(n) - sigma)[None] - H)
    GA = np.conj(np.swapaxes(GR, -1, -2))
    g = np.tensordot(w, GR, 1)
    b = np.tensordot(w, GR[:, None] @ V @ GA[:, None], 1)
    # kron[(a,b),(c,d)] = sum_k w G^R_ac G^A_db  (vec(G^R X G^A)_ab = sum_cd G^R_ac X_cd G^A_db)
    wGR = GR * w[:, None, None]
    kron = (wGR.reshape(-1, n * n).T @ np.swapaxes(GA, -1, -2).reshape(-1, n * n))
    kron = kron.reshape(n, n, n, n).transpose(0, 2, 1, 3).reshape(n * n, n * n)
    if O is None:
        return g, b, kron, None, None
    O = np.broadcast_to(O, GR.shape)
    OGR = O @ GR
    o_b = np.einsum("k,kab,kcba->c", w, OGR, V @ GA[:, None])
    o_d = np.tensordot(w, GA @ OGR, 1)
    return g, b, kron, o_b, o_d


def self_energy(g: np.ndarray, noise: WhiteNoise, *, keep_real: bool = True) -> np.ndarray:
    r"""Born self-energy ``Sigma^R = gamma P[int G^R]`` from ``g = int G^R`` (t0).

    Parameters
    ----------
    g : ndarray (n, n)
        ``int d^dk/(2pi)^d G^R`` (t0^-1 a^-d).
    noise : WhiteNoise
    keep_real : bool
        Keep the real (level-shift) part. A continuum model's ``int G^R`` has a UV-divergent
        real part that only renormalises ``e_F``: drop it there (``False``).

    Returns
    -------
    ndarray (n, n)
    """
    s = noise.gamma * np.where(noise.mask(g.shape[-1]), g, 0.0)
    if not keep_real:
        s = 0.5 * (s - np.conj(s.T))        # anti-Hermitian part: i Im
    return s


def ladder_vertex(ints: BubbleIntegrals, noise: WhiteNoise) -> np.ndarray:
    r"""The vertex correction ``C_c`` (d, n, n) of the ladder sum (t0 a), from
    ``C = gamma P[b + int G^R C G^A]``: a linear system on the masked entries of C. A
    (near-)singular direction of ``1 - gamma K`` (the diffusion pole of a conserved density)
    is projected out when the vertex has no component on it, and is an error otherwise.

    Parameters
    ----------
    ints : BubbleIntegrals
    noise : WhiteNoise

    Returns
    -------
    ndarray (d, n, n)
    """
    d, n, _ = ints.b.shape
    keep = noise.mask(n).reshape(-1)
    A = np.eye(int(keep.sum())) - noise.gamma * ints.kron[np.ix_(keep, keep)]
    rhs = noise.gamma * ints.b.reshape(d, -1)[:, keep].T           # (n_keep, d)
    U, s, Vh = np.linalg.svd(A)
    null = s <= _POLE_RTOL * s[0]
    # a conserved density (SCBA: the charge, by the Ward identity) makes 1 - gamma K singular:
    # the diffusion pole at q = 0, omega = 0. A uniform field cannot pump such a density, so
    # the velocity vertex has no component on it (checked); it is projected out.
    overlap = np.abs(U[:, null].conj().T @ rhs)
    # measured against the whole vertex gamma int G^R v G^A, not only its kept (masked) part:
    # a kept part that vanishes by symmetry (C3 on the diagonal of gapped graphene) must not
    # turn rounding into a pole
    scale = noise.gamma * max(np.max(np.abs(ints.b)), 1e-300)
    if overlap.size and np.max(overlap) > _POLE_RTOL * scale:
        raise ConvergenceError(
            f"ladder: the vertex drives a conserved density (overlap {np.max(overlap):.2e} with "
            f"the diffusion pole of 1 - gamma K, singular values {s[null]}): no static limit")
    inv = np.where(null, 0.0, 1.0 / np.where(null, 1.0, s))
    C = np.zeros((d, n * n), complex)
    C[:, keep] = (Vh.conj().T @ (inv[:, None] * (U.conj().T @ rhs))).T
    return C.reshape(d, n, n)


def ra_response(ints: BubbleIntegrals, C: np.ndarray | None = None) -> np.ndarray:
    r"""``chi^RA_c = -(1/2pi) Re (int Tr[O G^R v_c G^A] + Tr[int G^A O G^R C_c])`` (d,), per
    unit eE and area.

    Parameters
    ----------
    ints : BubbleIntegrals
        With the operator's integrals ``o_b``, ``o_d``.
    C : ndarray (d, n, n), optional
        Vertex correction (:func:`ladder_vertex`); ``None``: the bare bubble.

    Returns
    -------
    ndarray (d,)
    """
    tot = ints.o_b.copy()
    if C is not None:
        tot = tot + np.einsum("ab,cba->c", ints.o_d, C)
    return -np.real(tot) / (2 * np.pi)


def rashba_born_tau(m: float, gamma: float) -> float:
    r"""First-Born lifetime of the Rashba gas with both sub-bands occupied: ``tau = 1/(gamma m)``.

    ``Im Sigma = -gamma pi (N_+ + N_-)/2 = -gamma m/2`` because the angle average of each
    band projector is ``1/2`` and ``N_+ + N_- = m/pi`` (S17); ``1/(2 tau) = -Im Sigma``.

    Parameters
    ----------
    m : float
        Mass.
    gamma : float
        Disorder strength (t0^2 a^2).

    Returns
    -------
    float
        tau (hbar/t0).
    """
    check_positive("m", m)
    check_positive("gamma", gamma)
    return 1.0 / (gamma * m)


def _check_ef(ef):
    return check_real_scalar("ef", ef)
