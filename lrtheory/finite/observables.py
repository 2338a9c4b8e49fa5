r"""Observables of a finite system as matrices in the site (x internal) basis.

Units and signs follow :mod:`lrtheory.conventions`: ``hbar = e = 1``, electron charge
``q = ELECTRON_CHARGE = -1``, velocity ``v = i [H, r]`` (Eq. 4), orbital moment
``m = (q/4)(r x v - v x r)`` (Sec. II; the paper's Sec. VI writes ``+e/4``, see
docs/conventions.md). The symmetrized product is ``A * B = {A, B}/2`` (Eq. 5).

Sites are point-like: every internal state of site ``i`` sits at ``R_i`` and the
"delta function" ``delta(r - r_hat)`` at site ``i`` is the site projector ``P_i``
(sum over the internal states of the site). All densities are therefore per site (not per
area): summing a density over sites gives the total operator, ``sum_i n_O(i) = O``.

Shapes: a stack of site densities is ``(N_sites, N, N)``; vector quantities put the
Cartesian axis after the site axis: ``(N_sites, d, N, N)``.
"""
from __future__ import annotations

import numpy as np

from lrtheory._docstrings import shared_docs
from lrtheory.conventions import ELECTRON_CHARGE, OMM_PREFACTOR
from lrtheory.errors import ShapeError, check_hermitian
from lrtheory.finite.system import FiniteSystem

__all__ = [
    "sym",
    "position",
    "velocity",
    "time_derivative",
    "site_projectors",
    "site_mask",
    "density",
    "density_of_matrix",
    "charge_density",
    "spin_operator",
    "spin_density",
    "orbital_moment",
    "omm_density",
    "omm_density_split",
    "current_density",
    "current_divergence",
    "torque_density",
    "torque_dipole_density",
]

_PAULI = {
    "x": np.array([[0, 1], [1, 0]], dtype=complex),
    "y": np.array([[0, -1j], [1j, 0]], dtype=complex),
    "z": np.array([[1, 0], [0, -1]], dtype=complex),
}

# numpydoc entries shared by several functions below (lrtheory._docstrings); ``parameters``
# opens the Parameters section with the ``system`` entry
_docs = shared_docs(
    parameters="""
    Parameters
    ----------
    system : FiniteSystem
        The finite system (energies t0, positions a).
    """,
    origin="""
    origin : (d,) array, optional
        Origin of the positions (a); default 0.
    """,
    operator="""
    operator : (N, N) Hermitian array or None
        ``O`` in the site basis; ``None`` means the identity.
    """,
    operator_o="""
    operator : (N, N) Hermitian array
        ``O`` in the site basis.
    """,
    axis="""
    axis : str
        ``"x"``, ``"y"`` or ``"z"``.
    """,
)


def sym(a, b) -> np.ndarray:
    """Symmetrized product ``a * b = (a b + b a)/2`` (paper Eq. 5), broadcasting over stacks.

    Parameters
    ----------
    a, b : array_like
        Matrices or stacks ``(..., N, N)``.

    Returns
    -------
    ndarray
        ``(a b + b a)/2`` (units of ``a`` times units of ``b``).
    """
    a = np.asarray(a)
    b = np.asarray(b)
    return 0.5 * (a @ b + b @ a)


def _origin(system: FiniteSystem, origin) -> np.ndarray:
    d = system.dim
    if origin is None:
        return np.zeros(d)
    o = np.asarray(origin, dtype=float).reshape(-1)
    if o.shape != (d,):
        raise ShapeError(f"origin must have {d} components (system dimension), got {o.shape}")
    return o


@_docs
def position(system: FiniteSystem, origin=None) -> np.ndarray:
    r"""Position operators ``r_a - R0_a`` (lengths in the lattice constant), diagonal.

    %(parameters)s
    %(origin)s

    Returns
    -------
    ndarray
        (d, N, N) complex, diagonal (a).
    """
    x = system.orbital_positions - _origin(system, origin)
    n = system.n_states
    out = np.zeros((system.dim, n, n), dtype=complex)
    idx = np.arange(n)
    out[:, idx, idx] = x.T
    return out


@_docs
def velocity(system: FiniteSystem) -> np.ndarray:
    r"""Velocity ``v_a = i [H, r_a]`` (Eq. 4, units a t0/hbar).

    Matrix elements: ``[v_a]_{jk} = i H_{jk} (x_k - x_j)``.

    %(parameters)s

    Returns
    -------
    ndarray
        (d, N, N) complex (a t0/hbar; origin independent).
    """
    x = system.orbital_positions  # (N, d)
    dx = x[None, :, :] - x[:, None, :]  # dx[j, k] = x_k - x_j
    return 1j * np.moveaxis(system.hamiltonian[:, :, None] * dx, -1, 0)


@_docs
def time_derivative(system: FiniteSystem, operator) -> np.ndarray:
    r"""Heisenberg time derivative ``dA/dt = i [H_0, A]`` (Eq. 10, 36).

    %(parameters)s
    operator : array_like
        ``A``, a matrix or a stack ``(..., N, N)``.

    Returns
    -------
    ndarray
        ``dA/dt``, same shape (units of ``A`` times t0/hbar).
    """
    h = system.hamiltonian
    a = np.asarray(operator)
    return 1j * (h @ a - a @ h)


@_docs
def site_mask(system: FiniteSystem) -> np.ndarray:
    """Which basis states belong to which site.

    %(parameters)s

    Returns
    -------
    ndarray
        (N_sites, N) float: ``mask[i, mu] = 1`` if basis state ``mu`` belongs to site ``i``.
    """
    return (system.site_index[None, :] == np.arange(system.n_sites)[:, None]).astype(float)


@_docs
def site_projectors(system: FiniteSystem) -> np.ndarray:
    """Site projectors ``P_i`` (all internal states of site ``i``): the lattice form of
    ``delta(r - r_i)`` (paper Eq. 5).

    %(parameters)s

    Returns
    -------
    ndarray
        (N_sites, N, N) complex, dimensionless.
    """
    m = site_mask(system)
    n = system.n_states
    out = np.zeros((system.n_sites, n, n), dtype=complex)
    idx = np.arange(n)
    out[:, idx, idx] = m
    return out


def as_operator(system: FiniteSystem, operator, name="operator") -> np.ndarray:
    n = system.n_states
    if operator is None:
        return np.eye(n, dtype=complex)
    a = np.asarray(operator)
    if a.shape[-2:] != (n, n):
        raise ShapeError(f"{name} must have shape (..., {n}, {n}), got {a.shape}")
    return check_hermitian(name, a).astype(complex)


@_docs
def density(system: FiniteSystem, operator=None) -> np.ndarray:
    r"""Site density of ``O``: ``n_O(i) = O * P_i = {O, P_i}/2`` (Eq. 5, 52).

    %(parameters)s
    operator : (N, N) Hermitian array or None
        ``None`` means the identity (particle number density).

    Returns
    -------
    ndarray
        (N_sites, N, N) complex, units of ``O`` per site; ``sum_i n_O(i) = O``.
    """
    o = as_operator(system, operator)
    m = site_mask(system)
    return 0.5 * (o[None, :, :] * m[:, None, :] + m[:, :, None] * o[None, :, :])


@_docs
def charge_density(system: FiniteSystem) -> np.ndarray:
    """Charge density ``q P_i`` with ``q = -1`` (paper Eq. 5 with ``O = q``).

    %(parameters)s

    Returns
    -------
    ndarray
        (N_sites, N, N) complex (e per site).
    """
    return ELECTRON_CHARGE * site_projectors(system)


@_docs
def spin_operator(system: FiniteSystem, axis: str) -> np.ndarray:
    r"""Spin ``S_a = sigma_a / 2`` (hbar = 1) on every site: ``1_sites (x) sigma_a/2``.

    Requires ``n_internal = 2`` (site-major ordering, ``s = 0`` up).

    %(parameters)s
    %(axis)s

    Returns
    -------
    ndarray
        (N, N) complex (hbar).

    Raises
    ------
    ShapeError
        ``n_internal != 2`` or an unknown axis.
    """
    if system.n_internal != 2:
        raise ShapeError(f"spin operators need n_internal=2, got {system.n_internal}")
    if axis not in _PAULI:
        raise ShapeError(f"spin axis must be 'x', 'y' or 'z', got {axis!r}")
    return np.kron(np.eye(system.n_sites), _PAULI[axis] / 2)


@_docs
def spin_density(system: FiniteSystem, axis: str) -> np.ndarray:
    """Spin density ``(sigma_a/2) * P_i`` (paper Eq. 5 with ``O = S_a``).

    %(parameters)s
    %(axis)s

    Returns
    -------
    ndarray
        (N_sites, N, N) complex (hbar per site).
    """
    return density(system, spin_operator(system, axis))


@_docs
def orbital_moment(system: FiniteSystem, origin=None) -> np.ndarray:
    r"""Orbital moment ``m_z = (q/4)(r x v - v x r)_z = (q/4)({x, v_y} - {y, v_x})``.

    Units: e a^2 t0 / hbar. ``x, y`` are measured from ``origin`` (default 0). Shifting the
    origin by ``R0`` gives ``m_z(R0) = m_z(0) - (q/2)(R0 x v)_z`` exactly. Paper Sec. II
    and Eq. 52 with ``q = -e`` (docs/derivations.md, finding 7).

    %(parameters)s
    %(origin)s

    Returns
    -------
    ndarray
        (N, N) complex Hermitian (e a^2 t0/hbar). Requires d >= 2.
    """
    if system.dim < 2:
        raise ShapeError("the orbital moment m_z needs a system with d >= 2")
    r = position(system, origin)
    v = velocity(system)
    x, y = r[0], r[1]
    vx, vy = v[0], v[1]
    return OMM_PREFACTOR * ((x @ vy + vy @ x) - (y @ vx + vx @ y))


@_docs
def omm_density(system: FiniteSystem, origin=None) -> np.ndarray:
    r"""OMM density ``n_m(i) = m_z * P_i`` (Eq. 52; for point-like orbitals it equals
    ``(q/2)(r_i x j_i)_z`` exactly, finding 9).

    %(parameters)s
    %(origin)s

    Returns
    -------
    ndarray
        (N_sites, N, N) complex (e a^2 t0/hbar per site).
    """
    return density(system, orbital_moment(system, origin))


@_docs
def current_density(system: FiniteSystem, operator=None) -> np.ndarray:
    r"""Generalized current density ``J_O(i) = O * (v * P_i)`` (Eq. 8, 30).

    ``operator=None`` gives the particle current ``j(i) = v * P_i`` (multiply by ``q`` for
    the charge current). Units: [O] a t0/hbar per site.

    %(parameters)s
    %(operator)s

    Returns
    -------
    ndarray
        (N_sites, d, N, N) complex; ``sum_i J_O(i) = O * v``.
    """
    v = velocity(system)  # (d, N, N)
    p = site_projectors(system)[:, None]  # (Ns, 1, N, N)
    j = sym(v[None], p)
    if operator is None:
        return j
    o = as_operator(system, operator)
    return sym(o, j)


@_docs
def current_divergence(system: FiniteSystem, operator=None) -> np.ndarray:
    r"""Lattice divergence of the generalized current, ``(div J_O)(i) = -O * (i[H, P_i])``.

    On a lattice the continuity equation (Eq. 11) is the exact operator identity
    ``dn_O(i)/dt + (div J_O)(i) = T_O(i)``, with ``dn_O(i)/dt = i[H, n_O(i)]`` and the torque
    density :func:`torque_density`. ``(div J_O)(i) = sum_k O * J_{i->k}`` is the net
    outflow through the bonds of site ``i`` (``J_{i->k} = i(P_i H P_k - P_k H P_i)``).
    Its first moment is the total current: ``sum_i R_i (div J_O)(i) = -O * v``.

    %(parameters)s
    %(operator)s

    Returns
    -------
    ndarray
        (N_sites, N, N) complex (``[O]`` t0/hbar per site).
    """
    p = site_projectors(system)
    h = system.hamiltonian
    dp = 1j * (h @ p - p @ h)
    o = as_operator(system, operator)
    return -sym(o, dp)


@_docs
def torque_density(system: FiniteSystem, operator) -> np.ndarray:
    r"""Intrinsic torque density ``T_O(i) = (i[H_0, O]) * P_i`` (Eq. 9-10, 36).

    %(parameters)s
    %(operator_o)s

    Returns
    -------
    ndarray
        (N_sites, N, N) complex (``[O]`` t0/hbar per site).
    """
    o = as_operator(system, operator)
    return density_of_matrix(system, time_derivative(system, o))


@_docs
def density_of_matrix(system: FiniteSystem, matrix) -> np.ndarray:
    """``{A, P_i}/2`` for all sites, for any (Hermitian) matrix ``A`` (no Hermiticity check).

    %(parameters)s
    matrix : (N, N) array
        ``A`` in the site basis.

    Returns
    -------
    ndarray
        (N_sites, N, N), units of ``A`` per site.
    """
    a = np.asarray(matrix)
    m = site_mask(system)
    return 0.5 * (a[None, :, :] * m[:, None, :] + m[:, :, None] * a[None, :, :])


@_docs
def torque_dipole_density(system: FiniteSystem, operator, origin=None) -> np.ndarray:
    r"""Torque dipole density ``D_{O,a}(i) = r_a * (T_O * P_i)`` (Eq. 45, S39).

    The triple symmetrized product of Eq. (45) is read as the nested product
    ``{r_a, {T_O, P_i}/2}/2``. Positions are measured from ``origin``. Read as corrected in
    docs/derivations.md (finding 14).

    %(parameters)s
    %(operator_o)s
    %(origin)s

    Returns
    -------
    ndarray
        (N_sites, d, N, N) complex (``[O]`` a t0/hbar per site);
        ``sum_i D_{O,a}(i) = r_a * T_O``.
    """
    t = torque_density(system, operator)  # (Ns, N, N)
    r = position(system, origin)  # (d, N, N)
    return sym(r[None], t[:, None])


@_docs
def omm_density_split(system: FiniteSystem, origin=None) -> tuple[np.ndarray, np.ndarray]:
    r"""Split the OMM site density into a lever-arm term and an origin-free bond term.

    With point-like orbitals, ``x P_i = P_i x = X_i P_i``. Writing ``x = X_i + (x - X_i)``
    inside ``n_m(i) = (q/4) {({x, v_y} - {y, v_x}), P_i}/2`` gives exactly

    .. math::
        n_m(i) = \frac{q}{2} (\mathbf R_i \times \mathbf j_i)_z + b_i, \qquad
        b_i = \frac{q}{8}\left(a_i + a_i^\dagger\right), \quad
        a_i = \big((x - X_i) v_y - (y - Y_i) v_x\big) P_i,

    where ``j_i = v * P_i`` is the site (particle) current density and ``R_i`` the site
    position measured from ``origin`` (derivation in docs/theorems.md).
    Only bonds leaving site ``i`` contribute to ``b_i`` (``(x - X_i)`` vanishes on site ``i``),
    with lever arm ``R_k - R_i``: ``b_i`` does not depend on the origin (finding 9).

    %(parameters)s
    %(origin)s

    Returns
    -------
    lever : (N_sites, N, N)
        ``(q/2)(R_i x j_i)_z`` (origin dependent; e a^2 t0/hbar per site).
    bond : (N_sites, N, N)
        ``b_i`` (origin independent; e a^2 t0/hbar per site).
        ``lever + bond == omm_density(system, origin)``.
    """
    if system.dim < 2:
        raise ShapeError("the orbital moment m_z needs a system with d >= 2")
    r0 = _origin(system, origin)
    rs = system.positions - r0  # (Ns, d)
    j = current_density(system)  # (Ns, d, N, N)
    lever = (ELECTRON_CHARGE / 2) * (rs[:, 0, None, None] * j[:, 1]
                                     - rs[:, 1, None, None] * j[:, 0])
    xo = system.orbital_positions  # (N, d) absolute; differences are origin free
    m = site_mask(system)  # (Ns, N)
    v = velocity(system)
    # (x - X_i) as the diagonal vector for every site i: (Ns, N, d)
    rel = xo[None, :, :] - system.positions[:, None, :]
    lx, ly = rel[..., 0], rel[..., 1]  # (Ns, N)
    # (x - X_i) v_y P_i : row scaling by lx, column mask by m
    a = (lx[:, :, None] * v[1][None] - ly[:, :, None] * v[0][None]) * m[:, None, :]
    bond = (OMM_PREFACTOR / 2) * (a + np.conj(np.swapaxes(a, -1, -2)))
    return lever, bond
