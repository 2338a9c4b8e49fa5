r"""Recover a real-space hopping list from a Bloch Hamiltonian given only as H(k).

Ribbons and flakes need the hoppings ``t_ij(R)``, but a model typed as a SymPy matrix (or any
:class:`~lrtheory.models.protocol.BlochModel`) only provides ``H(k)``. In the atomic-position
convention of paper Eq. (S48),

.. math::
   H_{ij}(\mathbf k) = \sum_{\mathbf R} t_{ij}(\mathbf R)\,
       e^{i\mathbf k\cdot(\mathbf R + \mathbf r_j - \mathbf r_i)}
   \quad\Longrightarrow\quad
   \tilde H_{ij}(\mathbf k) \equiv H_{ij}(\mathbf k)\, e^{-i\mathbf k\cdot(\mathbf r_j -
   \mathbf r_i)} = \sum_{\mathbf R} t_{ij}(\mathbf R)\, e^{2\pi i\,\boldsymbol\kappa\cdot
   \mathbf R},

with reduced wave vector ``kappa`` (``k = kappa @ b``, ``a_i . b_j = 2 pi delta_ij``) and
``R`` in lattice-vector units. ``H~`` is periodic in ``kappa`` with period 1 exactly when
``H`` is a lattice model *and* the positions are the ones it was written with, and its
Fourier coefficients on an ``M^dim`` grid of ``kappa`` are the hoppings (aliased modulo
``M``). :func:`to_tight_binding` samples ``H~`` on odd grids ``M = 5, 9, 17, ...`` (the
``R`` range is then symmetric, ``|R_a| <= (M - 1)/2``, so each bond and its conjugate are
both resolved), takes one ``numpy.fft.fftn``, drops ``|t| <= tol`` and **verifies** the
result by rebuilding ``H(k)`` at random off-grid ``k``: it stops at the first grid whose
reconstruction agrees, and raises :class:`~lrtheory.errors.ModelError` if none does (a k.p
continuum model, a non-analytic ``H(k)``, or positions that do not match the convention of
``H``).

Positions: if neither the caller nor the model gives orbital positions, all ``r_i = 0`` (the
*periodic* convention ``H = sum_R t(R) e^{ik.R}``) is used and a
:class:`~lrtheory.errors.LrtheoryWarning` says so. Bands and the total current do not depend
on the positions, but the Berry connection, the orbital moment and every density resolved in
position then refer to orbitals sitting at their cell's origin.

Units: energies in t0 (``tol`` too), lengths in a, k in 1/a.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lrtheory.errors import (LrtheoryWarning, ModelError, ShapeError, check_finite,
                             check_positive, warn)
from lrtheory.models.lattice import reciprocal_vectors
from lrtheory.models.protocol import ensure_model

__all__ = ["to_tight_binding", "ConversionInfo", "canonical_bonds", "MissingPositionsWarning"]

#: odd grid sizes tried in turn (R range (M - 1)/2 = 2, 4, 8, ...)
_GRIDS = (5, 9, 17, 33, 65, 129, 257)
#: cap on the number of complex samples M^dim * n^2 held at once (64 MB)
_MAX_SAMPLES = 2**22
#: number of random off-grid k used for the verification
_N_VERIFY = 24


class MissingPositionsWarning(LrtheoryWarning):
    """A hopping list was recovered without orbital positions (periodic convention r = 0)."""


@dataclass(frozen=True)
class ConversionInfo:
    """How :func:`to_tight_binding` recovered the hoppings.

    Attributes
    ----------
    grid : int
        Number ``M`` of k-points per periodic direction of the sampling grid.
    n_hoppings : int
        Bonds in the returned list (each bond once, on-site terms not counted).
    max_range : int
        Largest ``|R_a|`` (lattice-vector units) among the kept bonds.
    max_deviation : float
        ``max |H_rebuilt(k) - H(k)|`` at random off-grid ``k`` (t0).
    scale : float
        ``max(1, max |H(k)|)`` on the grid (t0); the verification is relative to it.
    positions : str
        ``"given"``, ``"model"`` or ``"zero"`` (periodic convention, see module notes).
    """

    grid: int
    n_hoppings: int
    max_range: int
    max_deviation: float
    scale: float
    positions: str

    def summary(self) -> str:
        """One line for command-line summaries.

        Returns
        -------
        str
            Bonds kept, their range, the k-grid and the maximal deviation (t0).
        """
        pos = {"given": "positions given", "model": "model positions",
               "zero": "no positions: periodic convention r = 0"}[self.positions]
        return (f"H(k) converted to a hopping list: {self.n_hoppings} bonds up to |R| = "
                f"{self.max_range} from a {self.grid}-point-per-direction k-grid, max deviation "
                f"{self.max_deviation:.1e} at random k ({pos})")


def _geometry(model, lattice_vectors, positions, name):
    lat = lattice_vectors if lattice_vectors is not None else model.lattice_vectors
    if lat is None:
        raise ModelError(f"{name}: to_tight_binding needs lattice vectors (the hoppings' cell "
                         "offsets R are in their units): pass lattice_vectors=...")
    lat = np.atleast_2d(check_finite("lattice_vectors", np.asarray(lat, float)))
    dim, d_space = lat.shape
    if dim != model.dim:
        raise ShapeError(f"{name}: {dim} lattice vectors for a model with dim={model.dim}")
    if np.linalg.matrix_rank(lat) < dim:
        raise ModelError(f"{name}: lattice vectors are linearly dependent")
    if dim != d_space and dim != 1:
        raise ModelError(f"{name}: to_tight_binding supports dim == space dimension or dim == 1"
                         f" (got dim={dim} in {d_space}D)")
    n = model.n_orbitals
    source = "given"
    if positions is None:
        positions = model.positions if model.has_positions else None
        source = "model"
    if positions is None:
        source = "zero"
        positions = np.zeros((n, d_space))
        warn(f"{name}: no orbital positions, so the hopping list is recovered in the periodic "
             "convention (every r_i = 0, H(k) = sum_R t(R) exp(i k.R)); bands do not depend on "
             "this, but the orbital moment (OMM) and every position-resolved density then refer"
             " to orbitals at the cell origin: pass positions=... if H(k) is written in the "
             "atomic-position convention (Eq. S48)", MissingPositionsWarning, stacklevel=4)
    pos = np.atleast_2d(check_finite("positions", np.asarray(positions, float)))
    if pos.shape != (n, d_space):
        raise ShapeError(f"{name}: positions must have shape ({n}, {d_space}), got {pos.shape}")
    return lat, pos, source


def to_tight_binding(model, *, lattice_vectors=None, positions=None, max_range=None,
                     tol: float = 1e-10, rtol: float = 1e-10, full_output: bool = False):
    r"""Hopping list of a Bloch model known only through ``H(k)`` (inverse of Eq. S48).

    Parameters
    ----------
    model : BlochModel
        Any :class:`~lrtheory.models.protocol.BlochModel` (``hamiltonian(k)`` with Cartesian
        ``k`` of shape ``(..., dim)``, 1/a), e.g. a
        :class:`~lrtheory.models.sympy_model.SympyBlochModel`.
    lattice_vectors : (dim, d_space) array, optional
        Cartesian lattice vectors (a); default ``model.lattice_vectors``.
    positions : (n, d_space) array, optional
        Cartesian orbital positions (a) that ``H(k)`` was written with (atomic-position
        convention); default ``model.positions``; if neither exists, zeros (periodic
        convention) with a :class:`MissingPositionsWarning`.
    max_range : int, optional
        Largest ``|R_a|`` expected: one grid of ``2 max_range + 1`` points per direction.
        Default: grids ``M = 5, 9, 17, ...`` until the reconstruction verifies.
    tol : float
        Amplitudes with ``|t| <= tol`` (t0) are dropped.
    rtol : float
        Verification tolerance: ``max |H_rebuilt(k) - H(k)| <= rtol * max(1, max|H|)`` (plus
        the sum of the dropped amplitudes) at random off-grid ``k``.
    full_output : bool
        Also return a :class:`ConversionInfo`.

    Returns
    -------
    TightBindingModel
        Same ``H(k)`` (to ``rtol``), positions, lattice vectors, parameters and declared time
        reversal; each bond listed once (the one of ``(i, j, R)`` / ``(j, i, -R)`` with
        ``i < j``, or with the first non-zero ``R_a > 0`` when ``i == j``), on-site terms real.
        With ``full_output``: ``(model, info)``.

    Raises
    ------
    ModelError
        ``H(k)`` is not a finite-range lattice model (not periodic after removing the position
        phases, or no grid reproduces it), is not Hermitian, or geometry is missing.

    Examples
    --------
    >>> from lrtheory.models.haldane import haldane
    >>> tb = to_tight_binding(haldane(t2=0.1))
    >>> len(tb.hoppings)
    9
    """
    ensure_model(model, where="to_tight_binding")
    name = model.name
    tol = check_positive("tol", tol, allow_zero=True)
    rtol = check_positive("rtol", rtol)
    lat, pos, source = _geometry(model, lattice_vectors, positions, name)
    dim, d_space = lat.shape
    n = model.n_orbitals
    b = reciprocal_vectors(lat)  # (dim, d_space)
    unit = lat / np.linalg.norm(lat, axis=1)[:, None]

    def stripped(kappa):
        """H~(kappa) = H(k) exp(-i k.(r_j - r_i)), k = kappa @ b; shape (..., n, n)."""
        kc = kappa @ b
        H = np.asarray(model.hamiltonian(kc if dim == d_space else kc @ unit.T), complex)
        if H.shape != kappa.shape[:-1] + (n, n):
            raise ShapeError(f"{name}: hamiltonian(k) returned shape {H.shape}, expected "
                             f"{kappa.shape[:-1] + (n, n)}")
        if not np.all(np.isfinite(H)):
            raise ModelError(f"{name}: H(k) is not a finite-range lattice model: it is not "
                             "finite everywhere in the Brillouin zone; use a hopping list")
        kr = kc @ pos.T
        return H * np.exp(-1j * (kr[..., None, :] - kr[..., :, None]))

    rng = np.random.default_rng(20240606)
    kv = rng.uniform(0.0, 1.0, size=(_N_VERIFY, dim))
    Hv = stripped(kv)
    scale = max(1.0, float(np.abs(Hv).max()))
    _check_periodic(stripped, kv, Hv, scale, name, source)

    if max_range is not None:
        r = int(max_range)
        if r < 0 or r != max_range:
            raise ModelError(f"max_range must be a non-negative integer, got {max_range!r}")
        grids = [2 * r + 1]
    else:
        grids = [M for M in _GRIDS if M**dim * n * n <= _MAX_SAMPLES] or [_GRIDS[0]]
    for M in grids:
        t, Rs = _fourier(stripped, M, dim, n)
        t = _hermitize(t, M, dim, n, scale, rtol, name)
        keep = np.abs(t) > tol
        dropped = float(np.abs(np.where(keep, 0, t)).sum(axis=0).max())
        rebuilt = np.einsum("kr,rij->kij", np.exp(2j * np.pi * kv @ Rs.T), np.where(keep, t, 0))
        err = float(np.abs(rebuilt - Hv).max())
        if err <= rtol * scale + dropped:
            break
    else:
        if max_range is not None:
            raise ModelError(
                f"{name}: H(k) is not a finite-range lattice model with |R| <= {max_range}: the "
                f"hoppings from a {grids[-1]}-point grid reproduce H(k) only to {err:.3g} at "
                "random k; increase max_range, or leave it unset to choose the grid adaptively")
        raise ModelError(
            f"{name}: H(k) is not a finite-range lattice model: the hoppings recovered from a "
            f"{grids[-1]}-point-per-direction k-grid (|R| <= {(grids[-1] - 1) // 2}) still "
            f"deviate from H(k) by {err:.3g} (relative {err / scale:.1e}) at random k, so its "
            f"Fourier series does not terminate within |R| <= {(grids[-1] - 1) // 2} (e.g. a "
            "non-analytic or continuum H(k)); ribbons"
            " and flakes need real-space hoppings: use a hopping list (model file 'hoppings', "
            "PythTB, or TightBindingModel)")

    tb, nbonds, rmax = _build(model, t, Rs, keep, lat, pos, name)
    # end-to-end check of the returned object in Cartesian k, position phases included
    kc = kv @ b
    kc = kc if dim == d_space else kc @ unit.T
    dev = float(np.abs(tb.hamiltonian(kc) - model.hamiltonian(kc)).max())
    if dev > 10 * (rtol * scale + dropped):  # pragma: no cover - would be a bug above
        raise ModelError(f"{name}: internal error: rebuilt H(k) deviates by {dev:.3g}")
    info = ConversionInfo(M, nbonds, rmax, dev, scale, source)
    return (tb, info) if full_output else tb


def _check_periodic(stripped, kv, Hv, scale, name, source):
    """A lattice model's H~ repeats exactly under kappa -> kappa + e_a."""
    dim = kv.shape[1]
    for a in range(dim):
        dev = float(np.abs(stripped(kv + np.eye(dim)[a]) - Hv).max())
        if dev > 1e-8 * scale:
            hint = ("the given positions do not match the convention H(k) is written in"
                    if source != "zero" else
                    "H(k) is written in the atomic-position convention but no positions were "
                    "given (the periodic convention r = 0 was assumed): pass positions=...")
            raise ModelError(
                f"{name}: H(k) is not a finite-range lattice model: after removing the "
                "orbital-position phases it is not periodic in the reciprocal lattice "
                f"(max |H(k + b_{a + 1}) - H(k)| = {dev:.3g} at random k). Either it is a "
                "continuum (k.p) Hamiltonian, which has no hopping list: use a hopping list "
                f"(a lattice regularization) instead; or {hint}")


def _fourier(stripped, M, dim, n):
    """t_ij(R) on the M^dim grid of R (symmetric range for odd M): (M^dim, n, n), R list."""
    axis = np.arange(M) / M
    kappa = np.stack(np.meshgrid(*[axis] * dim, indexing="ij"), axis=-1)
    Ht = stripped(kappa)
    t = np.fft.fftn(Ht, axes=tuple(range(dim))) / M**dim
    R1 = np.rint(np.fft.fftfreq(M, 1.0 / M)).astype(int)
    Rs = np.stack(np.meshgrid(*[R1] * dim, indexing="ij"), axis=-1).reshape(-1, dim)
    return t.reshape(M**dim, n, n), Rs


def _hermitize(t, M, dim, n, scale, rtol, name):
    """Check t_ij(R) = conj t_ji(-R) (Hermitian H) and return the exact Hermitian part."""
    tg = t.reshape((M,) * dim + (n, n))
    neg = tg
    for a in range(dim):  # index of -R is (-m) mod M
        neg = np.roll(np.flip(neg, axis=a), 1, axis=a)
    partner = np.conj(np.swapaxes(neg, -1, -2)).reshape(M**dim, n, n)
    dev = float(np.abs(t - partner).max())
    if dev > max(rtol * scale, 1e-12 * scale):
        raise ModelError(f"{name}: H(k) is not Hermitian: its hoppings violate t_ij(R) = "
                         f"conj t_ji(-R) by {dev:.3g}")
    return 0.5 * (t + partner)


def _build(model, t, Rs, keep, lat, pos, name):
    from lrtheory.models.tightbinding import Hopping, TightBindingModel

    n = t.shape[-1]
    onsite = np.zeros(n)
    hops = []
    rmax = 0
    for r, i, j in zip(*np.nonzero(keep)):  # loop over kept bonds, never over k
        R = tuple(int(x) for x in Rs[r])
        if i == j and not any(R):
            onsite[i] = t[r, i, i].real
            continue
        first = next((x for x in R if x != 0), 0)
        if i < j or (i == j and first > 0):
            hops.append(Hopping(int(i), int(j), R, complex(t[r, i, j])))
            rmax = max(rmax, max(abs(x) for x in R))
    hops.sort(key=lambda h: (h.i, h.j, h.R))
    tb = TightBindingModel(lat, pos, hops, onsite=onsite,
                           time_reversal=model.time_reversal, name=name,
                           params=dict(model.params or {}))
    return tb, len(hops), rmax


def canonical_bonds(model, *, tol: float = 1e-10) -> dict:
    """``{(i, j, R): t}`` with each bond in the orientation :func:`to_tight_binding` uses
    (``i < j``, or first non-zero ``R_a > 0`` for ``i == j``), on-site terms as
    ``(i, i, 0...)``; amplitudes ``|t| <= tol`` dropped. For comparing hopping lists that list
    a bond in different orientations.

    Parameters
    ----------
    model : TightBindingModel
        The model (``hoppings``, ``onsite``).
    tol : float
        Amplitudes at most this (t0) are dropped.

    Returns
    -------
    dict
        ``(i, j, R) -> t`` (complex, t0; ``R`` a tuple of lattice-vector indices).
    """
    out: dict = {}

    def add(key, val):
        out[key] = out.get(key, 0) + val

    for h in model.hoppings:
        first = next((x for x in h.R if x != 0), 0)
        if h.i < h.j or (h.i == h.j and first > 0):
            add((h.i, h.j, tuple(h.R)), complex(h.t))
        else:
            add((h.j, h.i, tuple(-x for x in h.R)), complex(np.conj(h.t)))
    for i, e in enumerate(model.onsite):
        add((i, i, (0,) * model.dim), complex(e))
    return {k: v for k, v in out.items() if abs(v) > tol}
