r"""Generalized Berry curvature (paper Eq. S24), operators in the band basis, and an
independent lattice-link (Fukui-Hatsugai-Suzuki) Chern number.

Generalized Berry curvature of a one-body operator ``O`` (hbar = 1):

.. math::
   \Omega^{O}_{n,bc}(\mathbf k) = -2\sum_{n'\notin D(n)}
   \frac{\mathrm{Im}\{[O\star v^b]_{nn'}\, v^c_{n'n}\}}{(\epsilon_n-\epsilon_{n'})^2},
   \qquad O\star v = (Ov + vO)/2 ,

with ``D(n)`` the set of bands degenerate with ``n`` (``|e_n - e_n'| <= degen_tol``), which
are excluded from the sum (their denominator vanishes; the paper's ``n' != n``).
``O = 1`` gives the ordinary Berry curvature ``Omega_n = d_x A^y_nn - d_y A^x_nn`` with
``A = i<u|d_k u>`` (docs/conventions.md).

Full Wannier interpolation (a model whose ``position_matrix`` is not None): ``v`` is the
velocity ``-i[r, H]`` of the eigensystem, and for ``O = 1`` or charge the Wannier-space term
:func:`wannier_space_curvature` is added, which makes the result the Berry curvature of
Wang, Yates, Souza, Vanderbilt (PRB 74, 195118 (2006); docs/wannier-interpolation.md).

Degenerate bands: ``Omega_n`` of one member of a degenerate block is not gauge invariant
(a rotation inside the block mixes it with its partners); the **block trace**
``sum_{n in D} Omega_n`` is. Every Fermi-sea sum gives all members of a block the same
occupation, so it only needs block traces. :func:`generalized_berry_curvature` therefore
returns, by default, the block average (block trace / block size) for each member: gauge
invariant, and with the same Fermi-sea sums as the raw diagonal.
"""
from __future__ import annotations

import warnings

import numpy as np

from lrtheory._compat import renamed_keywords
from lrtheory._docstrings import shared_docs
from lrtheory.bands.eigensystem import CACHE_BLOCK_BYTES
from lrtheory.conventions import DEGEN_TOL, ELECTRON_CHARGE
from lrtheory.errors import LrtheoryError, ModelError, ShapeError
from lrtheory.kernels.two_band import (two_band_bands_and_curvature,
                                       two_band_orbital_hall_curvature)
from lrtheory.models import lattice
from lrtheory.models.protocol import ensure_model, hamiltonian_and_velocity
from lrtheory.response.bulk_omm import bulk_omm_matrix, block_average_diagonal
from lrtheory.response.kspace import DOCS as KSPACE_DOCS
from lrtheory.response.kspace import eigensystem

__all__ = [
    "band_operator",
    "generalized_berry_curvature",
    "berry_curvature",
    "bands_and_curvature",
    "uses_two_band_closed_form",
    "is_number_operator",
    "METHODS",
    "check_method",
    "fhs_chern",
    "reciprocal_vectors",
    "wannier_space_curvature",
    "number_curvatures",
]

# numpydoc entries shared with lrtheory.response.kspace and by the functions below
# (lrtheory._docstrings)
_docs = shared_docs(**KSPACE_DOCS, operator_b_c="""
    operator : see :func:`band_operator`
        The operator O (None: O = 1); ``op=`` is its deprecated spelling.
    b : int
        Current direction.
    c : int
        Field direction.
    """)


# ``op=``/``eig=`` were the keywords before issue #14 (glossary: ``operator``, ``eigensystem``)
@renamed_keywords(op="operator")
def is_number_operator(operator) -> bool:
    """True for the operator specs ``None`` and ``"number"`` (``O = 1``).

    Parameters
    ----------
    operator : object
        An operator spec; ``op=`` is its deprecated spelling.

    Returns
    -------
    bool
        True for ``None`` and ``'number'``.
    """
    return operator is None or (isinstance(operator, str) and operator == "number")


def _is_charge(op) -> bool:
    return isinstance(op, str) and op == "charge"


@renamed_keywords(eig="eigensystem", op="operator")
@_docs
def band_operator(eigensystem, operator, model=None) -> np.ndarray:
    """Matrix elements (Nk, n, n) of a one-body operator in the band basis.

    ``operator`` may be

    * ``None`` or ``"number"``: the identity (``O = 1``: ordinary Berry curvature);
    * ``"charge"``: ``q * 1`` with the electron charge ``q = -1``;
    * ``"orbital"``: the bulk orbital moment ``m_z``
      (:func:`lrtheory.response.bulk_omm.bulk_omm_matrix`);
    * ``"spin_x"``, ``"spin_y"``, ``"spin_z"``: component ``a`` of
      ``model.spin_operator(k)`` (the k-independent ``model.spin``, e.g. of
      :class:`lrtheory.models.continuum.RashbaGas`, or the ``S(k)`` of a Wannier90 run read
      with :func:`lrtheory.io.wannier90.run.load_wannier90_run`; ``None`` for a spinless
      model);
    * an (n, n) array in the orbital basis (k independent, e.g. sublattice ``sigma_z``);
    * a callable ``f(eigensystem) -> (Nk, n, n)`` already in the band basis (e.g. a valley
      operator ``tau(k) * 1``).

    Parameters
    ----------
    %(eigensystem)s
    operator : None, str, (n, n) array or callable
        The operator, as listed above; ``op=`` is its deprecated spelling.
    model : BlochModel, optional
        Needed for ``'spin_*'`` (``model.spin_operator(k)``).

    Returns
    -------
    ndarray
        (Nk, n, n) complex band-basis matrix elements (units of O).
    """
    Nk, n = eigensystem.energies.shape
    if is_number_operator(operator):
        return np.broadcast_to(np.eye(n, dtype=complex), (Nk, n, n))
    if isinstance(operator, str):
        if operator == "charge":
            return ELECTRON_CHARGE * np.broadcast_to(np.eye(n, dtype=complex), (Nk, n, n))
        if operator == "orbital":
            return bulk_omm_matrix(eigensystem)
        if operator.startswith("spin"):
            comp = {"spin_x": 0, "spin_y": 1, "spin_z": 2, "spin": 2}.get(operator)
            if comp is None:
                raise LrtheoryError(
                    f"unknown spin component {operator!r}: use spin_x, spin_y, spin_z")
            S = None if model is None else model.spin_operator(eigensystem.k, comp)
            if S is None:
                label = "no model was given" if model is None else \
                    f"{model.name!r} has none (spinless model)"
                raise ModelError(
                    f"operator {operator!r} needs a model with spin operators (3, n, n); {label}")
            return eigensystem.operator(np.asarray(S))
        raise LrtheoryError(
            f"unknown operator {operator!r}: use number, charge, orbital, spin_x|y|z, a matrix "
            "or a callable"
        )
    if callable(operator):
        O = np.asarray(operator(eigensystem))
        if O.shape != (Nk, n, n):
            raise ShapeError(f"operator callable must return shape {(Nk, n, n)}, got {O.shape}")
        return O
    O = np.asarray(operator)
    if O.shape != (n, n):
        raise ShapeError(f"operator matrix must have shape ({n}, {n}), got {O.shape}")
    return eigensystem.operator(O)


@renamed_keywords(eig="eigensystem", op="operator")
@_docs
def generalized_berry_curvature(eigensystem, operator=None, *, b: int = 0, c: int = 1,
                                model=None, block_average: bool = True) -> np.ndarray:
    r"""Generalized Berry curvature ``Omega^O_{n,bc}(k)`` of Eq. (S24), shape (Nk, n).

    Units: ``[O] a^2`` (for ``O = 1``: a^2). See the module docstring for the formula and
    the degenerate-band treatment. ``b`` is the current direction (``O * v^b``), ``c`` the
    field direction.

    Parameters
    ----------
    %(eigensystem)s
    %(operator_b_c)s
    model : BlochModel, optional
        For operators that need it (spin).
    block_average : bool
        Average over degenerate blocks (gauge invariant).

    Returns
    -------
    ndarray
        (Nk, n) real, ``[O] a^2``.
    """
    V = eigensystem.velocity
    vb, vc = V[:, b], V[:, c]
    if is_number_operator(operator) or _is_charge(operator):
        omega = number_curvatures(eigensystem, [(b, c)], charge=_is_charge(operator))[:, 0]
    else:
        O = band_operator(eigensystem, operator, model)
        X = 0.5 * (O @ vb + vb @ O)
        # sum_{n'} Im(X_{n n'} vc_{n' n}) / (e_n - e_n')^2
        prod = X * np.swapaxes(vc, -1, -2)
        omega = -2.0 * np.einsum("knm,knm->kn", prod.imag, eigensystem.inverse_gap_squared)
    if block_average and eigensystem.has_degenerate_bands:
        omega = block_average_diagonal(eigensystem, omega)
    return omega


def number_curvatures(eigensystem, pairs, *, charge: bool = False) -> np.ndarray:
    """``Omega_{n,bc}`` of Eq. (S24) for ``O = 1`` (or charge, ``q = -1``) and every
    ``(b, c)`` in ``pairs`` at once, (Nk, n_pairs, n) (a^2, ``e a^2`` for charge; not block
    averaged), plus :func:`wannier_space_curvature` with a position matrix: the products of
    all pairs in blocks of k-points of :data:`~lrtheory.bands.eigensystem.CACHE_BLOCK_BYTES`
    (velocity, connection and energy gaps read once per block, in cache). Per pair, the Kubo
    and connection sums are real dot products over the (re, im) pairs of ``m``:
    ``Im(w x conj y) = Re((-i w x) conj y)``, with the weights ``w`` (``-2q/(e_n - e_m)^2``
    and ``2q`` outside the degenerate level of n) folded into one rotated copy of each
    ``x = v^b, A^b``, and ``y = v^c, A^c`` read as stored.

    Parameters
    ----------
    eigensystem : Eigensystem
        The eigensystem.
    pairs : sequence of (int, int)
        Components ``(b, c)``.
    charge : bool
        Times the electron charge ``q = -1``.

    Returns
    -------
    ndarray
        (Nk, len(pairs), n) real.
    """
    V, A = eigensystem.velocity, eigensystem.connection
    e, tol = eigensystem.energies, eigensystem.degen_tol
    Nk, n = e.shape
    q = ELECTRON_CHARGE if charge else 1.0
    out = np.empty((Nk, len(pairs), n))
    fields = [(V, -2.0 * q)] + ([] if A is None else [(A, 2.0 * q)])  # (matrices, weight)
    rows = sorted({b for b, _ in pairs})
    step = max(1, CACHE_BLOCK_BYTES // (16 * n * n * (2 * len(rows) + 2)))
    for i in range(0, Nk, step):
        sl = slice(i, i + step)
        d = e[sl, :, None] - e[sl, None, :]
        outside = np.abs(d) > tol  # m outside the degenerate level D(n) of n
        np.multiply(d, d, out=d)
        # weights: Kubo 1/gap^2 (inverse_gap_squared), position matrix 1 for m outside D(n);
        # times the factors
        weights = [np.divide(fields[0][1], d, out=np.zeros(d.shape), where=outside)]
        if A is not None:
            weights.append(np.where(outside, fields[1][1], 0.0))
        # Im(w x conj y) = Re(-i w x conj y): the real dot product of (-i w x) and y over
        # the (re, im) pairs, so y (the c component) is read as stored, with no copy
        rotated = {}
        for f, (M, _) in enumerate(fields):
            minus = -weights[f]
            for b in rows:
                x = M[sl, b].view(float).reshape(d.shape + (2,))
                r = np.empty(x.shape)
                np.multiply(x[..., 1], weights[f], out=r[..., 0])
                np.multiply(x[..., 0], minus, out=r[..., 1])
                rotated[f, b] = r.reshape(d.shape[:2] + (2 * n,))
        for p, (b, c) in enumerate(pairs):
            total = 0.0
            for f, (M, _) in enumerate(fields):
                y = M[sl, c].view(float)
                total = total + np.vecdot(rotated[f, b], y)
            out[sl, p] = total
    if A is None:
        return out
    curl = np.stack([eigensystem.curl_diagonal(b, c) for b, c in pairs], 1)
    out += q * curl
    return out


@renamed_keywords(eig="eigensystem")
def wannier_space_curvature(eigensystem, b: int, c: int) -> np.ndarray:
    r"""The part of the Berry curvature of full Wannier interpolation that the Kubo sum
    (Eq. S24 with the velocity ``-i[r, H]`` of :class:`~lrtheory.bands.eigensystem.Eigensystem`)
    misses, (Nk, n) (a^2):

    .. math:: \bar\Omega^{bc}_{nn} + 2\,\mathrm{Im}\sum_{m\notin D(n)}
              \bar A^b_{nm}\bar A^c_{mn},
              \qquad \bar\Omega = U^\dagger(\partial_b A^c - \partial_c A^b)U,\quad
              \bar A = U^\dagger A U

    (Wang, Yates, Souza, Vanderbilt, PRB 74, 195118 (2006), Eq. 27-32, rearranged in
    docs/wannier-interpolation.md). Zero for models without a position matrix.

    Parameters
    ----------
    eigensystem : Eigensystem
        With ``connection`` and ``connection_curl``; ``eig=`` is its deprecated spelling.
    b, c : int
        Components.

    Returns
    -------
    ndarray
        (Nk, n) real (a^2), not block averaged.
    """
    if eigensystem.connection is None:
        return np.zeros(eigensystem.energies.shape)
    Ab, Ac = eigensystem.connection[:, b], eigensystem.connection[:, c]
    # Ac Hermitian: Ac_mn = conj(Ac_nm), a contiguous elementwise product
    inter = np.einsum("knm,knm->kn", (Ab * np.conj(Ac)).imag, ~eigensystem.degenerate())
    return eigensystem.curl_diagonal(b, c) + 2.0 * inter


@renamed_keywords(eig="eigensystem")
@_docs
def berry_curvature(eigensystem, *, block_average: bool = True) -> np.ndarray:
    """Ordinary Berry curvature ``Omega_n(k)`` (Nk, n), ``O = 1`` in Eq. (S24), units a^2.

    Parameters
    ----------
    %(eigensystem)s
    block_average : bool
        Average over degenerate blocks (gauge invariant).

    Returns
    -------
    ndarray
        (Nk, n) real ``Omega_n`` (a^2).
    """
    return generalized_berry_curvature(eigensystem, None, block_average=block_average)


@renamed_keywords(op="operator")
def uses_two_band_closed_form(model, operator) -> bool:
    """True when the curvature of ``model`` takes the closed-form two-band route
    (:mod:`lrtheory.kernels.two_band`, no ``eigh``): two orbitals and ``O`` a multiple of 1,
    or the orbital moment ``m_z`` of a 2D model.

    Parameters
    ----------
    model : BlochModel
        The model.
    operator : see :func:`band_operator`
        The operator O; ``op=`` is its deprecated spelling.

    Returns
    -------
    bool
        Whether the closed form is used.
    """
    if model.n_orbitals != 2 or model.has_position_matrix or \
            not (operator is None or isinstance(operator, str)):
        return False
    return operator in (None, "number", "charge") or (operator == "orbital" and model.dim == 2)


#: the ``method`` values of the curvature k-sums
METHODS = ("auto", "sum-over-states")


def check_method(method) -> str:
    """``method`` if it is one of :data:`METHODS`, else one :class:`LrtheoryError` line.

    Parameters
    ----------
    method : str
        ``"auto"`` or ``"sum-over-states"``.

    Returns
    -------
    str
        ``method``.
    """
    if method not in METHODS:
        raise LrtheoryError(f"method must be one of {METHODS}, got {method!r}")
    return method


@renamed_keywords(op="operator")
@_docs
def bands_and_curvature(model, k, operator=None, *, b: int = 0, c: int = 1,
                        degen_tol: float = DEGEN_TOL, method: str = "auto"
                        ) -> tuple[np.ndarray, np.ndarray]:
    """Band energies (Nk, n) (t0) and generalized curvature ``Omega^O_{n,bc}`` (Nk, n)
    (``[O] a^2``, Eq. S24) on the k stack (Nk, d) (1/a).

    ``method="auto"``: the closed form for two-band models with ``O`` = 1 or charge, or
    ``m_z`` (:mod:`lrtheory.kernels.two_band`), else one batched ``eigh`` and the sum over
    states (Eq. S24); ``"sum-over-states"``: always the latter (for cross-checks).

    %(model_k_parameters)s
    %(operator_b_c)s
    degen_tol : float
        Degeneracy threshold (t0).
    method : str
        ``'auto'`` or ``'sum-over-states'``.

    Returns
    -------
    tuple of ndarray
        ``(energies, curvature)``, both (Nk, n): t0 and ``[O] a^2``.
    """
    if check_method(method) == "auto" and uses_two_band_closed_form(model, operator):
        H, dH = hamiltonian_and_velocity(model, k)
        if operator == "orbital":
            return two_band_orbital_hall_curvature(H, dH, b, c, degen_tol, ELECTRON_CHARGE)
        e, om = two_band_bands_and_curvature(H, dH[:, b], dH[:, c], degen_tol)
        return e, (ELECTRON_CHARGE * om if operator == "charge" else om)
    eig = eigensystem(model, k, degen_tol)
    return eig.energies, generalized_berry_curvature(eig, operator, b=b, c=c, model=model)


def reciprocal_vectors(model) -> np.ndarray:
    """Deprecated: use ``model.reciprocal_vectors`` or
    :func:`lrtheory.models.lattice.reciprocal_vectors` (of the lattice vectors).

    Parameters
    ----------
    model : BlochModel
        A lattice model.

    Returns
    -------
    ndarray
        (d, d) reciprocal vectors, rows (1/a).
    """
    warnings.warn("lrtheory.response.berry.reciprocal_vectors(model) is deprecated: use "
                  "model.reciprocal_vectors or lrtheory.models.lattice.reciprocal_vectors"
                  "(model.lattice_vectors)", DeprecationWarning, stacklevel=2)
    return lattice.reciprocal_vectors(model.lattice_vectors)


def fhs_chern(model, nk: int, n_occ: int) -> float:
    r"""Chern number of the lowest ``n_occ`` bands by lattice links (Fukui, Hatsugai, Suzuki,
    JPSJ 74, 1674 (2005)), vectorized over the ``nk x nk`` grid.

    Links ``U_mu(k) = det <u(k)|u(k + dk_mu)>`` over the occupied subspace (gauge invariant
    as a plaquette product), field ``F = arg(U_1(k) U_2(k+1) U_1(k+2)^* U_2(k)^*)``. With
    ``A = i<u|du>`` the plaquette phase is ``-int Omega d^2k`` (orientation of b_1, b_2), so
    ``C = -sign(det B) sum F / 2 pi`` in the convention ``C = (1/2pi) int Omega d^2k``.
    Boundary links use the atomic-position convention ``u(k + G) = diag(exp(-i G.r_mu)) u(k)``
    (paper Eq. S48). Exact integer for any ``nk`` large enough that ``|F| < pi`` everywhere.

    Parameters
    ----------
    model : BlochModel
        A 2D lattice model.
    nk : int
        Linear grid size.
    n_occ : int
        Number of occupied (lowest) bands.

    Returns
    -------
    float
        The Chern number of the occupied subspace (an integer on a fine enough grid).
    """
    model = ensure_model(model, where="fhs_chern")
    B = lattice.reciprocal_vectors(model.lattice_vectors)
    nk = int(nk)
    if nk < 2:
        raise LrtheoryError(f"nk must be >= 2, got {nk}")
    frac = np.arange(nk) / nk
    f1, f2 = np.meshgrid(frac, frac, indexing="ij")
    k = np.stack([f1, f2], -1) @ B  # (nk, nk, 2)
    H = model.hamiltonian(k.reshape(-1, 2))
    _, U = np.linalg.eigh(H)
    U = U.reshape(nk, nk, model.n_orbitals, -1)[..., :n_occ]
    pos = np.asarray(model.positions, float)[:, : B.shape[1]]

    def shifted(axis):
        Us = np.roll(U, -1, axis=axis)
        G = B[axis]
        phase = np.exp(-1j * pos @ G)  # u(k+G) = D^dagger u(k)
        edge = [slice(None)] * 2
        edge[axis] = -1
        Us[tuple(edge)] = phase[:, None] * Us[tuple(edge)]
        return Us

    def link(axis):
        M = np.einsum("...ia,...ib->...ab", U.conj(), shifted(axis))
        d = np.linalg.det(M)
        return d / np.abs(d)

    U1, U2 = link(0), link(1)
    F = np.angle(U1 * np.roll(U2, -1, axis=0) * np.conj(np.roll(U1, -1, axis=1)) * np.conj(U2))
    orient = np.sign(np.linalg.det(B))
    return float(-orient * F.sum() / (2 * np.pi))
