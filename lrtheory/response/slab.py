r"""Layer-resolved density accumulations of a film (slab) under an in-plane field (Eq. 55 on a
2D k-grid; issue #15 item 5).

A slab (:class:`lrtheory.models.protocol.Slab`, e.g. :func:`lrtheory.models.slabs.slab`) is
periodic in its ``xy`` plane and bounded along ``z``: every k-diagonal operator of the ribbon
engine has its slab counterpart, with the 2D in-plane k-sum of the one driver
(:func:`lrtheory.response.ksum.ksum`). For a field ``E`` along the in-plane unit vector
``e_E`` (frame components), the static response of a Hermitian k-diagonal ``A`` is Eq. 55
(docs/derivations.md, "Ribbons", point 1) with ``v^x -> v^E = e_E . dH/dk``: through the
band-basis response density matrix ``R_{n'n} = w_{nn'} v^E_{n'n}`` (the same Kubo weights
as ribbons, :func:`lrtheory.response.ribbon_ksum.pair_weights`)

.. math:: \delta\langle A\rangle = e E \int\frac{d^2k}{(2\pi)^2}\,\mathrm{Tr}[A(k) R(k)],

split into the **intraband** part (``f'`` on degenerate blocks: per unit ``tau``, Boltzmann)
and the **interband** part (``eta -> 0``). ``U R U^dagger`` is gauge invariant; each orbital's
share is ``t_mu(A) = Re (A U R U^dagger)_{mu mu}`` (the density ``{A, P_mu}/2``).

Quantities per orbital (summed over the layer by :meth:`SlabAccumulation.layer_profile`):

* ``charge``: electron number ``P_mu`` (charge density = q x this);
* ``jx``, ``jy``: velocity densities with ``dH/dk`` (frame components); ``jz``: with
  ``V_z = i[H, z]`` (:func:`lrtheory.response.ribbon_operators.transverse_velocity`).
  A film cut from a full-interpolation model (``model.has_position_matrix``) uses the
  velocity ``-i[r, H] = dH/dk + i[H, A]`` for the field and for ``jx``, ``jy``, and
  ``i[H, Z]`` with ``Z = diag(z) + A_z`` for ``jz`` (:mod:`lrtheory.models.slab_positions`):
  the Kubo response within the Wannier space. The Wannier-space Fermi-sea curvature of a
  Hall response (:func:`lrtheory.response.berry.wannier_space_curvature`: the coupling to
  states outside the Wannier space) has no orbital decomposition and is **not** in the
  layer profiles; the film's total Hall conductivity with it is
  :func:`lrtheory.response.hall.hall_conductivity` of the film (docs/materials.md);
* ``omm_x``, ``omm_y``: the orbital-moment (lever-arm) density of point-like orbitals,
  ``n_m(z) = (q/2) z (e_z x j(z))``, i.e. ``omm_x = -(q/2) z jy``, ``omm_y = +(q/2) z jx``
  (the ribbon's ``-(q/2) y jx`` one dimension up; derivation: docs/slabs.md). ``z`` from
  the centre plane; shifting the origin by ``z0`` adds ``-(q/2) z0 (e_z x j)``, so ``jx``,
  ``jy`` are reported beside it. ``m_z`` has no such translation-invariant part (both of
  its lever arms lie in the periodic plane);
* any on-site operator the caller names (spin, atomic L: ``operators={"Sy": matrix}``,
  matrices on the slab's orbitals, e.g. :func:`lrtheory.models.slabs.frame_vector_operator`),
  or the film's own k-dependent spin ``model.spin_operator(k)`` by name
  (``operators={"Sy": "spin_y"}``: a Wannier90 run's ``S(R)`` cut with the film, frame
  components; :mod:`lrtheory.models.slab_positions`).

Units: ``hbar = e = 1``; per unit area (1/a^2) of the film and unit field (t0/(e a));
intraband parts per unit tau (hbar/t0).
"""
from __future__ import annotations

import dataclasses

import numpy as np

from lrtheory._docstrings import shared_docs
from lrtheory.conventions import DEGEN_TOL, ELECTRON_CHARGE
from lrtheory.errors import (ConventionError, ModelError, check_integer,
                             check_positive, check_real_scalar)
from lrtheory.models.lattice import UniformGrid, reciprocal_vectors
from lrtheory.models.protocol import Slab, ensure_model, hamiltonian_and_velocity
from lrtheory.parallel.executor import auto_chunk_size
from lrtheory.response.density import DEFAULT_SMEARING
from lrtheory.response.ksum import Integrand, QuadratureGrid, ksum
from lrtheory.response.parts import DOCS, PARTS, PartProfiles, part_units
from lrtheory.response.ribbon_ksum import fermi_derivative_weight, pair_weights
from lrtheory.response.ribbon_operators import position_velocities, transverse_velocity
from lrtheory.result import Result, register_view

__all__ = ["SlabIntegrand", "SlabAccumulation", "slab_accumulation", "slab_grid",
           "response_traces", "check_operators", "PARTS", "QUANTITIES", "SPIN_NAMES"]

_docs = shared_docs(**DOCS)

#: quantities of every slab result (``omm_x``, ``omm_y`` are added by ``finish``)
QUANTITIES = ("charge", "jx", "jy", "jz")
#: operator names that select the film's own spin ``model.spin_operator(k, axis)``
SPIN_NAMES = ("spin_x", "spin_y", "spin_z")
_UNITS = {"charge": "electrons", "jx": "t0 a/hbar", "jy": "t0 a/hbar", "jz": "t0 a/hbar",
          "omm_x": "e a^2 t0/hbar", "omm_y": "e a^2 t0/hbar"}


def response_traces(H, V, field, ops, *, ef, temperature, smearing, degen_tol) -> dict:
    r"""Per-k orbital traces ``Re (A U R U^dagger)_{mu mu}`` of every part (module doc).

    Parameters
    ----------
    H : (m, n, n) complex ndarray
        ``H(k)`` (t0).
    V : (m, d, n, n) complex ndarray
        ``dH/dk`` (t0 a/hbar).
    field : (d,) ndarray
        Unit vector of the field in the components of ``V``.
    ops : dict of str -> (n, n) or (m, n, n) ndarray
        Hermitian operators (k-independent, or per k).
    ef, temperature, smearing, degen_tol : float
        As in :func:`slab_accumulation` (t0).

    Returns
    -------
    dict of str -> (m, n) ndarray
        ``"<part>_charge"`` and ``"<part>_<name>"`` for every operator, per k and orbital.
    """
    e, U = np.linalg.eigh(H)
    Ud = np.conj(np.swapaxes(U, -1, -2))
    vE = np.einsum("a,kaij->kij", np.asarray(field, float), V)
    vb = Ud @ vE @ U
    fp = -fermi_derivative_weight(e, ef, temperature, smearing)  # f'(e_n)
    w = pair_weights(e[:, :, None], e[:, None, :], fp[:, :, None], fp[:, None, :], ef,
                     temperature, degen_tol)
    out = {}
    for part in PARTS:
        R = np.swapaxes(w[part], -1, -2) * vb  # R_{n'n} = w_{nn'} v_{n'n}
        Rorb = U @ R @ Ud
        out[f"{part}_charge"] = np.einsum("kii->ki", Rorb).real
        for name, A in ops.items():
            sub = "kij" if np.ndim(A) == 3 else "ij"
            out[f"{part}_{name}"] = np.einsum(f"{sub},kji->ki", A, Rorb).real
    return out


class SlabIntegrand(Integrand):
    """Orbital traces of the slab response (Eq. 55 with the in-plane field) on the driver.

    Parameters
    ----------
    z : (n,) ndarray
        Normal coordinates (a), from the centre plane.
    field : (2,) ndarray
        In-plane unit vector of ``E`` (frame components).
    operators : dict of str -> (n, n) ndarray or str
        Extra on-site Hermitian operators (spin, L, ...), or ``"spin_x"``, ``"spin_y"``,
        ``"spin_z"``: the model's ``spin_operator(k, axis)``.
    ef, temperature, smearing, degen_tol : float
        As in :func:`slab_accumulation` (t0).

    Notes
    -----
    ``finish`` adds ``"<part>_omm_x"``, ``"<part>_omm_y"`` (module doc).
    """

    name = "slab_accumulation"
    tr_parity = None
    kind = "both"
    units = {}

    def __init__(self, z, field, operators, *, ef, temperature, smearing, degen_tol):
        self.z = np.asarray(z, float)
        self.field = np.asarray(field, float)
        self.operators = {str(k): np.asarray(v) for k, v in operators.items()
                          if not isinstance(v, str)}
        self.spin = {str(k): SPIN_NAMES.index(v) for k, v in operators.items()
                     if isinstance(v, str)}
        self.kw = dict(ef=float(ef), temperature=float(temperature), smearing=float(smearing),
                       degen_tol=float(degen_tol))
        names = QUANTITIES + ("omm_x", "omm_y") + tuple(operators)
        self.units = part_units(
            PARTS, {q: _UNITS.get(q, "hbar" if q in self.spin else "operator units")
                    for q in names}, " per a^2 per unit E")

    def __call__(self, k, model) -> dict:
        H, V = hamiltonian_and_velocity(model, k)
        if model.has_position_matrix:  # full Wannier interpolation: v = -i[r, H]
            V, jz = position_velocities(H, V, model.position_matrix(k).connection,
                                        model.normal_position(k))
        else:
            jz = transverse_velocity(H, self.z)
        ops = {"jx": V[:, 0], "jy": V[:, 1], "jz": jz, **self.operators}
        for name, axis in self.spin.items():  # the film's k-dependent spin (frame components)
            ops[name] = model.spin_operator(k, axis)
        return response_traces(H, V, self.field, ops, **self.kw)

    def finish(self, total: dict, grid) -> dict:
        out = dict(total)
        half_q = ELECTRON_CHARGE / 2.0
        for part in PARTS:
            out[f"{part}_omm_x"] = -half_q * self.z * out[f"{part}_jy"]
            out[f"{part}_omm_y"] = half_q * self.z * out[f"{part}_jx"]
        return out

    def coords(self) -> dict:
        return {"z": self.z}

    def settings(self) -> dict:
        return {**self.kw, "field": self.field.tolist()}


@dataclasses.dataclass(frozen=True, eq=False)
class SlabAccumulation(PartProfiles, Result):
    """Layer-resolved accumulations of a slab (a :class:`lrtheory.result.Result`, quantity
    ``"slab_accumulation"``): values ``"<part>_<quantity>"`` per orbital (n,), coordinates
    ``z`` (a) and ``layer``; settings with the frame, the cut and the field direction.

    Parameters
    ----------
    quantity : str
        ``"slab_accumulation"``.
    values : dict of str -> ndarray
        ``"<part>_<quantity>"`` per orbital (n,), per unit area (1/a^2) and unit field
        (t0/(e a)); intraband parts per unit tau (hbar/t0).
    units, coords, settings, model, status, error, provenance, subgrid : dict or str
        As for :class:`lrtheory.result.Result` (coords ``z`` in a and ``layer``).
    """

    @_docs
    def layer_profile(self, part: str, quantity: str) -> np.ndarray:
        """``(layers,)``: the per-orbital values summed over the orbitals of each layer
        (per unit area of the film).

        %(part_quantity_parameters)s

        Returns
        -------
        (layers,) float array
            Per-layer values (per area 1/a^2, per field t0/(e a)).
        """
        layer = np.asarray(self.coords["layer"], int)
        return np.bincount(layer, weights=self.get(part, quantity))

    @_docs
    def total(self, part: str, quantity: str) -> float:
        """The sum over every orbital of the film (per unit area).

        %(part_quantity_parameters)s

        Returns
        -------
        float
            The film's total (per area 1/a^2, per field t0/(e a)).
        """
        return float(np.sum(self.get(part, quantity)))


register_view("slab_accumulation", SlabAccumulation)


def slab_grid(model, nk: int, *, shift: bool = True):
    """The ``nk x nk`` grid of the slab's 2D Brillouin zone, weights ``1/(A_cell nk^2)``
    (densities per unit area).

    With ``shift`` (default) the points are ``kappa = (i + 1/2)/nk``: symmetric under
    ``k -> -k`` (time-reversal partners both on the grid) and, for even ``nk``, free of the
    in-plane time-reversal-invariant momenta, where every state of a slab with time reversal
    is a Kramers pair and the intraband (degenerate-block) weight would pick up
    interband-like pairs at the weight ``1/nk^2`` of a point (a grid artefact the bulk does
    not have: docs/slabs.md). The error estimate comes from the shifted ``nk/2`` grid,
    appended with zero weight in the full sum (shifted grids do not nest, and the
    every-other-point subset of this one is not symmetric under ``k -> -k``, so it would
    report symmetry-forbidden parts as errors): 25 % more points. ``shift=False``: the
    :class:`UniformGrid` with ``kappa = i/nk`` and its nested sub-grid.

    Parameters
    ----------
    model : Slab
        The slab (in-plane lattice vectors in a).
    nk : int
        Points per reciprocal direction.
    shift : bool
        Shifted grid (default) or the unshifted :class:`UniformGrid`.

    Returns
    -------
    QuadratureGrid or UniformGrid
        k-points (1/a) and weights (1/a^2).
    """
    lat = np.asarray(model.lattice_vectors, float)
    area = float(np.linalg.norm(np.cross(lat[0], lat[1]))) if lat.shape[1] == 3 \
        else abs(float(np.linalg.det(lat)))
    B = reciprocal_vectors(lat)
    if not shift:
        return UniformGrid(B, (nk, nk), area, "matmul")

    def shifted(m):
        i = np.arange(m)
        ii, jj = (a.reshape(-1) for a in np.meshgrid(i, i, indexing="ij"))
        return np.stack([(ii + 0.5) / m, (jj + 0.5) / m], -1) @ B, \
            np.full(m * m, 1.0 / (area * m * m))

    k, w = shifted(nk)
    if nk % 2 or nk < 2:
        return QuadratureGrid(k, w, label={"grid": "shifted uniform", "shape": [nk, nk]})
    k2, w2 = shifted(nk // 2)
    return QuadratureGrid(np.concatenate([k, k2]), np.concatenate([w, 0 * w2]),
                          np.concatenate([0 * w, w2]),
                          label={"grid": "shifted uniform", "shape": [nk, nk],
                                 "error grid": [nk // 2, nk // 2]})


def _field(direction) -> np.ndarray:
    if isinstance(direction, (int, np.integer)) and not isinstance(direction, bool):
        if direction not in (0, 1):
            raise ConventionError(f"direction must be 0 (x), 1 (y) or an in-plane vector, "
                                  f"got {direction!r}")
        return np.eye(2)[direction]
    try:
        d = np.asarray(direction, float)
    except (TypeError, ValueError):
        d = np.zeros(0)
    if d.shape != (2,) or not np.all(np.isfinite(d)) or np.linalg.norm(d) == 0:
        raise ConventionError(f"direction must be 0 (x), 1 (y) or a non-zero in-plane vector "
                              f"(2 components), got {direction!r}")
    return d / np.linalg.norm(d)


def check_operators(model, operators) -> dict:
    """The ``operators`` of a film computation, checked.

    Parameters
    ----------
    model : Slab
        The film.
    operators : dict of str -> (n, n) array or str, or None
        Hermitian matrices on the film's orbitals, or a name of :data:`SPIN_NAMES` (the
        film's ``spin_operator(k, axis)``; the film must have one).

    Returns
    -------
    dict
        Name -> matrix, or the spin name itself.
    """
    out = {}
    n = model.n_orbitals
    for name, op in (operators or {}).items():
        if not isinstance(name, str) or not name.isidentifier() or name in _UNITS:
            raise ConventionError(f"operator names must be identifiers other than "
                                  f"{sorted(_UNITS)}, got {name!r}")
        if isinstance(op, str):
            if op not in SPIN_NAMES:
                raise ConventionError(f"operator {name!r}: a named operator must be one of "
                                      f"{list(SPIN_NAMES)}, got {op!r}")
            if model.spin_operator(np.zeros((1, 2)), 0) is None:
                raise ModelError(f"operator {name!r} = {op!r}: {model.name} has no spin "
                                 "operator (cut the film from a Wannier90 run read with its "
                                 ".spn, or give a matrix)")
            out[name] = op
            continue
        A = np.asarray(op)
        if A.shape != (n, n) or not np.all(np.isfinite(A)):
            raise ModelError(f"operator {name!r} must be a finite ({n}, {n}) matrix on the "
                             f"slab's orbitals, got shape {A.shape} (a parent operator: "
                             "lrtheory.models.slabs.frame_vector_operator)")
        if not np.allclose(A, np.conj(A.T), atol=1e-12 * max(1.0, np.abs(A).max())):
            raise ModelError(f"operator {name!r} is not Hermitian")
        out[name] = A
    return out


def slab_accumulation(model, ef: float, *, direction=0, nk: int = 32,
                      temperature: float = 0.0, smearing: float = DEFAULT_SMEARING,
                      operators: dict | None = None, degen_tol: float = DEGEN_TOL,
                      shift: bool = True, convergence: bool = True, workers: int | None = 1,
                      chunk_size: int | None = None) -> SlabAccumulation:
    r"""Layer-resolved charge, current, orbital-moment and operator accumulations of a slab
    in a static in-plane field (Eq. 55, intraband and interband parts).

    Parameters
    ----------
    model : Slab
        E.g. ``lrtheory.models.slabs.slab(model3d, layers, (h, k, l))``.
    ef : float
        Fermi energy (t0).
    direction : {0, 1} or (2,) array
        Field along the frame's ``x`` (0), ``y`` (1) or an in-plane vector.
    nk : int
        ``nk x nk`` in-plane grid (even: the every-other-point sub-grid gives the error).
    temperature, smearing : float
        T (t0); at ``T = 0`` the Fermi-surface (intraband) part uses a Fermi derivative of
        width ``smearing`` (t0).
    operators : dict of str -> (n, n) array or str, optional
        On-site Hermitian operators on the slab's orbitals (spin, atomic L, ...; from the
        parent's with :func:`lrtheory.models.slabs.frame_vector_operator`), or
        ``"spin_x"``, ``"spin_y"``, ``"spin_z"``: the film's own k-dependent spin
        (``model.spin_operator(k, axis)``, frame components, hbar).
    degen_tol : float
        Bands closer than this (t0) form one degenerate block.
    shift : bool
        The half-step shifted grid (default; :func:`slab_grid`).
    convergence, workers, chunk_size
        Error estimate from the sub-grid; execution of the k-sum.

    Returns
    -------
    SlabAccumulation
        Per-orbital values per unit area and unit field (intraband per unit tau), ``z`` and
        ``layer`` coordinates, the frame and cut in ``settings``.
    """
    model = ensure_model(model, Slab, where="slab_accumulation")
    ef = check_real_scalar("ef", ef, "Fermi energy (a real number)")
    nk = check_integer("nk", nk, minimum=2, even=convergence)
    check_positive("temperature", temperature, allow_zero=True)
    check_positive("smearing", smearing)
    check_positive("degen_tol", degen_tol, allow_zero=True)
    field = _field(direction)
    ops = check_operators(model, operators)
    z = np.asarray(model.normal_positions(), float)
    integrand = SlabIntegrand(z, field, ops, ef=ef, temperature=temperature,
                              smearing=smearing, degen_tol=degen_tol)
    size = chunk_size or auto_chunk_size(model.n_orbitals, arrays=8 + len(ops), budget=2 ** 24)
    res = ksum(integrand, model, slab_grid(model, nk, shift=shift), subgrid=convergence,
               workers=workers, chunk_size=size)
    cut = None if model.cut is None else dataclasses.asdict(model.cut)
    settings = {**res.settings, "nk": nk, "shift": bool(shift), "direction": field.tolist(),
                "frame": np.asarray(model.frame, float).tolist(), "cut": cut,
                "omm_convention": "n_m(z) = (q/2) z (e_z x j), q = -1, z from the centre plane"}
    return SlabAccumulation("slab_accumulation", dict(res.values),
                            units={**res.units, "z": "a"},
                            coords={"z": z, "layer": np.asarray(model.layer_index, int)},
                            settings=settings, model=res.model, status=res.status,
                            error=dict(res.error))
