r"""The Haldane model in the paper's conventions (Eq. 53, S41-S45).

.. math::
   H = -t_0\sum_{\langle ij\rangle} a_i^\dagger b_j
       + t_2 e^{i\phi}\sum_{\langle\langle ij\rangle\rangle} a_i^\dagger a_j
       + t_2 e^{-i\phi}\sum_{\langle\langle ij\rangle\rangle} b_i^\dagger b_j + h.c.
       + \Delta\sum_i (a_i^\dagger a_i - b_i^\dagger b_i)

Vectors (units of the lattice constant a = |l_n| = 1, so the C-C bond is 1/sqrt(3)):
nearest-neighbour bonds from A to B: delta_1 = (1/2, 1/(2 sqrt3)), delta_2 = (-1/2, 1/(2 sqrt3)),
delta_3 = (0, -1/sqrt3); next-nearest: l_1 = (1, 0), l_2 = (-1/2, sqrt3/2),
l_3 = (-1/2, -sqrt3/2); the hopping ``a_r^dag a_{r + l_n}`` carries ``t2 e^{i phi}`` and
``b_r^dag b_{r + l_n}`` carries ``t2 e^{-i phi}``, which reproduces S42:
``H_AA = Delta + 2 t2 sum_n cos(k.l_n + phi)``, ``H_BB = -Delta + 2 t2 sum_n cos(k.l_n - phi)``,
``H_AB = -t0 gamma_k``, ``gamma_k = sum_n exp(i k.delta_n)``.

Lattice vectors a_1 = l_1 = (1, 0) and a_2 = (1/2, sqrt3/2) = -l_3; A at the origin, B at
delta_1. A ribbon periodic along a_1 has zigzag edges parallel to x: A atoms terminate the
bottom edge and B atoms the top edge (the two terminations differ, Fig. 1a).

Topological phase boundary: ``|Delta| = 3 sqrt(3) t2 |sin phi|``; Chern number of the lower
band ``C = sign(...)`` inside, 0 outside (see tests/physics for the sign, computed two ways).
"""
from __future__ import annotations

import functools

import numpy as np

from lrtheory.errors import ModelError, check_float
from lrtheory.models.tightbinding import Hopping, TightBindingModel

__all__ = ["haldane", "haldane_bulk_bands", "layered_haldane", "valley_model", "valley_operator", "DELTAS", "LS",
           "phase_boundary"]

S3 = np.sqrt(3.0)
DELTAS = np.array([[0.5, 0.5 / S3], [-0.5, 0.5 / S3], [0.0, -1.0 / S3]])
LS = np.array([[1.0, 0.0], [-0.5, S3 / 2], [-0.5, -S3 / 2]])
LATTICE = np.array([[1.0, 0.0], [0.5, S3 / 2]])
#: integer cell offsets R (in units of LATTICE) of the bonds above
_DELTA_R = [(0, 0), (-1, 0), (0, -1)]
_L_R = [(1, 0), (-1, 1), (0, -1)]


def _check_params(**kw):
    for k, v in kw.items():
        check_float(f"Haldane parameter {k}", v, error=ModelError, strict=True)


def haldane(t0: float = 1.0, t2: float = 0.0, phi: float = np.pi / 2, delta: float = 0.0,
            **unknown) -> TightBindingModel:
    """Bulk Haldane model (2 orbitals: A = 0, B = 1), energies in the unit of ``t0``.

    ``t2 = 0`` gives TR-invariant gapped graphene (Eq. S45); then ``time_reversal`` is the
    identity (spinless ``Theta = K``), else ``None``. Parameters other than ``t0, t2, phi,
    delta`` raise :class:`~lrtheory.errors.ModelError` (not a bare TypeError). Paper Eq. 53 and
    S41-S43, with the corrected S41/S43 (docs/derivations.md, finding 6).

    Parameters
    ----------
    t0 : float
        Nearest-neighbour hopping (the energy unit t0; ``H_AB = -t0 gamma_k``).
    t2 : float
        Next-nearest-neighbour hopping amplitude (t0).
    phi : float
        Phase of the next-nearest-neighbour hopping (radians).
    delta : float
        Sublattice potential: ``+delta`` on A, ``-delta`` on B (t0).
    **unknown
        Refused (``ModelError``).

    Returns
    -------
    TightBindingModel
        Two orbitals (A = 0 at the origin, B = 1 at ``delta_1``), lattice constant a = 1.

    Raises
    ------
    ModelError
        A parameter is not a finite real number, or is unknown.
    """
    if unknown:
        raise ModelError(f"unknown Haldane parameter(s) {sorted(unknown)}: the model has "
                         "t0, t2, phi, delta")
    _check_params(t0=t0, t2=t2, phi=phi, delta=delta)
    hops = [Hopping(0, 1, R, -t0) for R in _DELTA_R]
    if t2 != 0:
        hops += [Hopping(0, 0, R, t2 * np.exp(1j * phi)) for R in _L_R]
        hops += [Hopping(1, 1, R, t2 * np.exp(-1j * phi)) for R in _L_R]
    tr_invariant = t2 == 0 or np.isclose(np.sin(phi), 0.0, atol=1e-15)
    return TightBindingModel(
        LATTICE,
        np.array([[0.0, 0.0], DELTAS[0]]),
        hops,
        onsite=np.array([delta, -delta]),
        time_reversal=np.eye(2) if tr_invariant else None,
        name="Haldane",
        params=dict(t0=t0, t2=t2, phi=phi, delta=delta),
    )


def haldane_bulk_bands(k, t0=1.0, t2=0.0, phi=np.pi / 2, delta=0.0) -> np.ndarray:
    """Closed-form bulk bands (lower, upper), shape (..., 2): diagonalization of S42.

    ``e = t2 (b_a + b_b) -/+ sqrt(t0^2 |gamma|^2 + (Delta + t2 (b_a - b_b))^2)`` with
    ``b_a = sum cos(k.l_n + phi)``, ``b_b = sum cos(k.l_n - phi)``. (The printed S43 has
    ``-t2 (b_a + b_b)`` for the trace term: a sign typo, see docs/derivations.md.)
    At phi = pi/2 this is Eq. 54 with ``beta_k = sum sin(k.l_n)``.

    Parameters
    ----------
    k : array_like
        Cartesian wave vectors, shape (..., 2) (1/a).
    t0, t2, phi, delta : float
        As in :func:`haldane` (t0; ``phi`` in radians).

    Returns
    -------
    ndarray
        Band energies (lower, upper), shape (..., 2) (t0).
    """
    k = np.asarray(k, float)
    gamma = np.exp(1j * k @ DELTAS.T).sum(-1)
    ba = np.cos(k @ LS.T + phi).sum(-1)
    bb = np.cos(k @ LS.T - phi).sum(-1)
    root = np.sqrt(t0**2 * np.abs(gamma) ** 2 + (delta + t2 * (ba - bb)) ** 2)
    mid = t2 * (ba + bb)
    return np.stack([mid - root, mid + root], axis=-1)


def valley_model() -> TightBindingModel:
    r"""The valley operator of the honeycomb lattice of :func:`haldane` as a tight-binding
    "model" (spinless, 2 orbitals A, B; dimensionless).

    ``V = (i / (3 sqrt 3)) sum_<<ij>> nu_ij c_i^dagger c_j``: the Haldane next-nearest
    hoppings at ``phi = pi/2`` with the **same** chirality on both sublattices (Haldane's has
    opposite signs, ``tau_z sigma_z``); in k space ``V(k)`` is ``+1`` at ``K = (4 pi/3, 0)`` and
    ``-1`` at ``K' = -K`` on both sublattices (tested), i.e. ``tau_z`` near the valleys
    (Colomes and Franz, PRL 120, 086603 (2018)). Imaginary and Hermitian: TR-odd. Real-space
    samples of it (``lrtheory.disorder.samples.build_sample``, ``lrtheory.kpm.sample.supercell``)
    give the operator on disordered tori and supercells; :func:`valley_operator` is its Bloch
    form.

    Returns
    -------
    TightBindingModel
        Two orbitals on the lattice of :func:`haldane`.
    """
    h = haldane(t0=1.0, t2=1.0, phi=np.pi / 2)
    scale = 1 / (3 * S3)
    hops = [Hopping(x.i, x.j, x.R, x.t * scale * (1 if x.i == 0 else -1))
            for x in h.hoppings if x.i == x.j]
    return TightBindingModel(h.lattice_vectors, h.positions, hops, name="honeycomb valley operator")


def valley_operator(k) -> np.ndarray:
    r"""Bloch form ``V(k)`` (m, 2, 2) of the honeycomb valley operator :func:`valley_model`
    (orbital basis, dimensionless): ``-(2/(3 sqrt 3)) sum_n sin(k . l_n)`` times the identity,
    ``+1`` at ``K = (4 pi/3, 0)``, ``-1`` at ``K' = -K`` (tested against that closed form).
    Odd under time reversal (``V(-k) = -V(k)``), invariant under C3 about a site.

    Parameters
    ----------
    k : array_like
        Cartesian wave vectors, shape (m, 2) (1/a).

    Returns
    -------
    ndarray
        (m, 2, 2) complex.
    """
    return _valley_model().hamiltonian(np.asarray(k, float).reshape(-1, 2))


@functools.lru_cache(maxsize=1)
def _valley_model():
    return valley_model()


def phase_boundary(t2: float, phi: float = np.pi / 2) -> float:
    """|Delta| at which the gap closes: ``3 sqrt(3) t2 |sin phi|`` (from Eq. 54).

    Parameters
    ----------
    t2 : float
        Next-nearest-neighbour hopping (t0).
    phi : float
        Its phase (radians).

    Returns
    -------
    float
        The critical ``|Delta|`` (t0).
    """
    return 3 * S3 * abs(t2 * np.sin(phi))


def layered_haldane(tz: float = 0.15, c: float = 1.5, weyl: bool = True, **kw
                    ) -> TightBindingModel:
    """3D stack of Haldane layers with spacing ``c`` (units of a) and interlayer hopping ``tz``.

    ``weyl=True``: ``+tz`` on A and ``-tz`` on B, i.e. a kz-dependent mass
    ``Delta + 2 tz cos(kz c)``: Weyl nodes where the mass crosses the phase boundary.
    ``weyl=False``: ``+tz`` on both (a stack of Chern layers when each layer is topological).
    Remaining keyword arguments go to :func:`haldane` (defaults t2 = 0.1, phi = pi/2,
    Delta = 0.3). Used by the Wannier90 tests and the 3D benchmarks.

    Parameters
    ----------
    tz : float
        Interlayer hopping (t0).
    c : float
        Layer spacing (a).
    weyl : bool
        Opposite interlayer hoppings on A and B (Weyl semimetal) or equal ones.
    **kw
        ``t0``, ``t2``, ``phi``, ``delta`` of :func:`haldane`.

    Returns
    -------
    TightBindingModel
        A 3D model (2 orbitals).
    """
    kw = {"t2": 0.1, "phi": np.pi / 2, "delta": 0.3, **kw}
    h = haldane(**kw)
    lat = np.zeros((3, 3))
    lat[:2, :2] = LATTICE
    lat[2, 2] = c
    pos = np.zeros((2, 3))
    pos[:, :2] = h.positions
    hops = [Hopping(x.i, x.j, x.R + (0,), x.t) for x in h.hoppings]
    hops += [Hopping(0, 0, (0, 0, 1), tz), Hopping(1, 1, (0, 0, 1), -tz if weyl else tz)]
    return TightBindingModel(lat, pos, hops, h.onsite,
                             name="layered Haldane (Weyl)" if weyl else "layered Haldane",
                             params={**h.params, "tz": tz, "c": c})
