r"""Continuum (k.p) models: the Rashba gas (paper Eq. S15) and the massive Dirac model.

These are :class:`lrtheory.models.protocol.ContinuumModel` subclasses with

* ``dim = 2``; ``hamiltonian(k)`` of shape (..., n, n) for Cartesian ``k`` (..., 2);
* ``velocity(k) = dH/dk`` (hbar = 1), shape (..., 2, n, n);
* ``positions``: zeros (n, 2): all internal degrees of freedom sit at the same point, so the
  atomic-position convention (Eq. S48) and the "periodic" convention coincide;
* ``lattice_vectors = None``: there is no lattice and no Brillouin zone. k-integrals use the
  polar quadrature :func:`lrtheory.models.lattice.polar_grid` (weights include
  ``1/(2 pi)^2``, so a weighted sum is ``int d^2k/(2 pi)^2``, i.e. a density per unit area)
  or the exact Fermi lines of :func:`fermi_crossings`;
* ``time_reversal``: a :class:`~lrtheory.models.time_reversal.TimeReversal` or ``None``.

Units: hbar = 1; the mass ``m`` and Rashba velocity ``alpha`` are free parameters (choose
energy and length units such that the numbers are of order one).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lrtheory._compat import renamed_keywords
from lrtheory.errors import ConventionError, ModelError, ShapeError, check_finite, check_positive
from lrtheory.models.protocol import ContinuumModel
from lrtheory.models.time_reversal import TimeReversal

__all__ = ["ContinuumModel", "RashbaGas", "MassiveDirac", "PAULI", "fermi_crossings"]

PAULI = np.array([[[0, 1], [1, 0]], [[0, -1j], [1j, 0]], [[1, 0], [0, -1]]], dtype=complex)
_ID2 = np.eye(2, dtype=complex)


def _constant(a: np.ndarray) -> np.ndarray:
    """A read-only copy of ``a`` (a class constant shared by all instances)."""
    a = np.array(a)
    a.setflags(write=False)
    return a


class _CoefficientModel(ContinuumModel):
    """A 2D k.p model ``H(k) = sum_m c_m(k) M_m``: subclasses define ``_coefficients(k)``
    (scalar functions of k multiplying the constant matrices ``_matrices``) and
    ``_dcoefficients(k)`` (their k-derivatives), and name the parameters to check in
    ``_positive`` and ``_finite``."""

    dim = 2
    name = "continuum model"

    #: constant matrices (m, n, n) multiplying the coefficients (class constant, read-only)
    _matrices: np.ndarray
    #: parameters checked by :meth:`__post_init__`: > 0, and finite
    _positive: tuple[str, ...] = ()
    _finite: tuple[str, ...] = ()

    def __post_init__(self):
        for name in self._positive:
            check_positive(name, getattr(self, name))
        for name in self._finite:
            check_finite(name, np.asarray(getattr(self, name), float))

    @property
    def n_orbitals(self) -> int:
        return self._matrices.shape[-1]

    @property
    def positions(self) -> np.ndarray:
        return np.zeros((self.n_orbitals, 2))

    def _k(self, k) -> np.ndarray:
        k = check_finite("k", np.asarray(k, float))
        if k.shape[-1:] != (2,):
            raise ShapeError(f"{self.name}: k must have last axis 2, got shape {k.shape}")
        return k

    def hamiltonian(self, k) -> np.ndarray:
        """H(k), shape (..., n, n)."""
        c = self._coefficients(self._k(k))  # (..., m)
        return np.einsum("...m,mij->...ij", c, self._matrices)

    def velocity(self, k) -> np.ndarray:
        """dH/dk, shape (..., 2, n, n)."""
        dc = self._dcoefficients(self._k(k))  # (..., 2, m)
        return np.einsum("...am,mij->...aij", dc, self._matrices)


@dataclass(frozen=True, eq=False)
class RashbaGas(_CoefficientModel):
    r"""Two-dimensional Rashba gas, paper Eq. (S15):

    .. math:: H = \frac{k^2}{2m} + \alpha (\hat z\times\mathbf k)\cdot\boldsymbol\sigma
              = \frac{k^2}{2m} + \alpha (k_x\sigma_y - k_y\sigma_x)

    (hbar = 1; ``alpha`` is a velocity). Bands ``k^2/2m -/+ alpha k``; the lower band
    (spin along ``-theta_hat``, clockwise for ``alpha > 0``) has the larger Fermi circle
    ``k_F + m alpha`` (the paper's "+" sheet). TR: ``Theta = i sigma_y K``.
    Spin operator: :attr:`spin` = sigma / 2 (hbar = 1).

    Parameters
    ----------
    m : float
        Effective mass, > 0 (hbar = 1: 1/m is in energy x length^2, t0 a^2 when energies
        are in t0 and lengths in a).
    alpha : float
        Rashba velocity (energy x length, t0 a); the band splitting is ``2 alpha k``.
    name : str
        Label used in messages and results.
    """

    m: float = 1.0
    alpha: float = 0.3
    name: str = "Rashba gas"

    _matrices = _constant(np.stack([_ID2, PAULI[0], PAULI[1]]))
    _positive, _finite = ("m",), ("alpha",)

    @property
    def time_reversal(self) -> TimeReversal:
        """``Theta = i sigma_y K`` (``Theta^2 = -1``)."""
        return TimeReversal(1j * PAULI[1])

    @property
    def spin(self) -> np.ndarray:
        """Spin operators S_a = sigma_a / 2, shape (3, 2, 2) (hbar = 1)."""
        return PAULI / 2

    def _coefficients(self, k):
        kx, ky = k[..., 0], k[..., 1]
        return np.stack([(kx**2 + ky**2) / (2 * self.m), -self.alpha * ky, self.alpha * kx], -1)

    def _dcoefficients(self, k):
        kx, ky = k[..., 0], k[..., 1]
        z = np.zeros_like(kx)
        dx = np.stack([kx / self.m, z, self.alpha + z], -1)
        dy = np.stack([ky / self.m, -self.alpha + z, z], -1)
        return np.stack([dx, dy], -2)

    # -- closed forms (paper App. II) ---------------------------------------------------
    @renamed_keywords(mu="ef")
    def fermi_circles(self, ef: float) -> dict:
        """Radii, Fermi velocities and DOS of the two Fermi circles at energy ``ef``
        (paper Eq. S17).

        ``k_pm = k_F pm m alpha``, ``k_F = sqrt(2 m ef + m^2 alpha^2)``, ``v_F = k_F / m``,
        ``N_pm = (m/2pi)(1 pm alpha/v_F)``.

        Parameters
        ----------
        ef : float
            Fermi energy (energy unit of the model, t0), > 0 so that both sub-bands are
            occupied (``ConventionError`` otherwise); ``mu=`` is its deprecated spelling.

        Returns
        -------
        dict
            ``k_F``, ``k_plus``, ``k_minus`` (1/a: ``k_plus`` is the larger circle, of the
            lower band), ``v_F`` (a t0/hbar), ``N_plus``, ``N_minus`` (density of states of
            each circle per unit area, 1/(t0 a^2)) and ``density`` (electrons per unit
            area, 1/a^2).
        """
        if ef <= 0:
            raise ConventionError(f"both Rashba sub-bands are occupied only for ef > 0, got {ef}")
        a = abs(self.alpha)
        kF = np.sqrt(2 * self.m * ef + (self.m * a) ** 2)
        vF = kF / self.m
        return dict(k_F=kF, v_F=vF, k_plus=kF + self.m * a, k_minus=kF - self.m * a,
                    N_plus=self.m / (2 * np.pi) * (1 + a / vF),
                    N_minus=self.m / (2 * np.pi) * (1 - a / vF),
                    density=(kF**2 + (self.m * a) ** 2) / (2 * np.pi))


@dataclass(frozen=True, eq=False)
class MassiveDirac(_CoefficientModel):
    r"""Massive Dirac model of one valley:

    .. math:: H = v(\tau k_x\sigma_x + k_y\sigma_y) + \Delta\sigma_z

    (``Delta`` is half the gap, ``tau = +-1`` the valley). Breaks TR on its own
    (``time_reversal = None``); the two valleys together are TR partners.

    Parameters
    ----------
    v : float
        Dirac velocity, > 0 (t0 a / hbar).
    delta : float
        Half the gap, ``Delta`` (t0).
    valley : int
        Valley index ``tau``, +1 or -1 (``ModelError`` otherwise).
    name : str
        Label used in messages and results.
    """

    v: float = 1.0
    delta: float = 0.2
    valley: int = 1
    name: str = "massive Dirac"

    _matrices = _constant(PAULI)
    _positive, _finite = ("v",), ("delta",)

    def __post_init__(self):
        super().__post_init__()
        if self.valley not in (1, -1):
            raise ModelError(f"valley must be +1 or -1, got {self.valley!r}")

    time_reversal = None

    def _coefficients(self, k):
        kx, ky = k[..., 0], k[..., 1]
        return np.stack([self.v * self.valley * kx, self.v * ky, self.delta + 0 * kx], -1)

    def _dcoefficients(self, k):
        z = np.zeros(k.shape[:-1])
        dx = np.stack([self.v * self.valley + z, z, z], -1)
        dy = np.stack([z, self.v + z, z], -1)
        return np.stack([dx, dy], -2)


@renamed_keywords(mu="ef")
def fermi_crossings(model, ef: float, *, k_max: float, n_theta: int = 64, n_r: int = 400,
                    newton_steps: int = 30):
    r"""Exact Fermi lines ``e_n(k) = ef`` along radial rays (T = 0 Fermi-surface sums).

    For every angle ``theta_j`` (uniform, ``n_theta``) and band ``n`` every radial
    crossing ``k_c`` in ``(0, k_max)`` is bracketed on an ``n_r`` grid and refined by
    Newton steps with the Hellmann-Feynman radial velocity ``v_r = <n|dH/dk . k_hat|n>``
    (safeguarded by the bracket). Then

    .. math:: \int \frac{d^2k}{(2\pi)^2} \delta(\epsilon_n(\mathbf k) - \epsilon_F)\, g
              = \sum_c w_c\, g(\mathbf k_c),\qquad
              w_c = \frac{1}{(2\pi)^2}\frac{2\pi}{n_\theta}\frac{k_c}{|v_r|}.

    Parameters
    ----------
    model : ContinuumModel
        A 2D k.p model (energies in its unit, k in 1/a).
    ef : float
        Fermi energy (energy unit of the model, t0); ``mu=`` is its deprecated spelling.
    k_max : float
        Largest radius searched (1/a).
    n_theta, n_r, newton_steps : int
        Angles, radial bracketing grid, Newton refinements.

    Returns
    -------
    k : (M, 2) ndarray
        Crossing points (1/a).
    band : (M,) int ndarray
        Band index of each crossing.
    w : (M,) ndarray
        Weights ``w_c`` of the line integral above (1/(a^2 energy)).

    Raises
    ------
    ModelError
        A crossing is tangential (``|v_r|`` below 1e-12).
    """
    check_positive("k_max", k_max)
    th = 2 * np.pi * np.arange(int(n_theta)) / int(n_theta)
    u = np.stack([np.cos(th), np.sin(th)], -1)  # (T, 2)
    kr = np.linspace(0.0, k_max, int(n_r) + 1)[1:]
    e = np.linalg.eigvalsh(model.hamiltonian(kr[None, :, None] * u[:, None, :]))  # T,R,n
    s = np.sign(e - ef)
    # a sign change inside an interval, or a root exactly on a grid point: counted once, in
    # the interval that ends there (it used to be counted in both neighbouring intervals)
    zero = s == 0
    cross = (s[:, :-1, :] * s[:, 1:, :] < 0) | (zero[:, 1:, :] & ~zero[:, :-1, :])
    cross[:, 0, :] |= zero[:, 0, :] & ~zero[:, 1, :]
    it, ir, ib = np.nonzero(cross)
    lo, hi = kr[ir].copy(), kr[ir + 1].copy()
    kc = 0.5 * (lo + hi)
    uu = u[it]
    vr = np.ones_like(kc)
    for _ in range(int(newton_steps)):
        kv = kc[:, None] * uu
        ee, U = np.linalg.eigh(model.hamiltonian(kv))
        idx = np.arange(len(kc))
        en = ee[idx, ib]
        un = U[idx, :, ib]
        V = model.velocity(kv)
        vr = np.real(np.einsum("mi,mij,mj->m", un.conj(), np.einsum("ma,maij->mij", uu, V), un))
        # keep the bracket: the sign of e - ef at lo is known
        below = (en - ef) * np.sign(e[it, ir, ib] - ef) > 0
        lo = np.where(below, kc, lo)
        hi = np.where(below, hi, kc)
        step = kc - (en - ef) / np.where(vr == 0, np.inf, vr)
        bad = ~((step > lo) & (step < hi))
        kc = np.where(bad, 0.5 * (lo + hi), step)
    if np.any(np.abs(vr) < 1e-12):
        raise ModelError(f"{model.name}: tangential Fermi-line crossing at ef={ef}")
    w = (2 * np.pi / len(th)) * kc / np.abs(vr) / (2 * np.pi) ** 2
    return kc[:, None] * uu, ib, w
