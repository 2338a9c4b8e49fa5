r"""The typed model protocol that every response function consumes (Kwant
``kwant/system.py`` style: abstract classes whose docstrings say which members are optional,
and one entry check, :func:`ensure_model`).

Classes
-------
:class:`BlochModel`
    A periodic system: ``H(k)`` and ``dH/dk`` on stacked Cartesian k.
:class:`Ribbon`
    A :class:`BlochModel` with one periodic direction that also knows each orbital's
    transverse position, the frame in which vector quantities are reported and, when it was
    cut from a 2D model, the cut (:class:`RibbonCut`).
:class:`Slab`
    A :class:`BlochModel` with two periodic directions, open along the normal: the film
    (one dimension up from a ribbon), with each orbital's normal coordinate, its layer, the
    report frame and, when cut from a 3D model, the cut (:class:`SlabCut`).
:class:`ContinuumModel`
    A :class:`BlochModel` without a lattice (k.p models), integrated with a polar
    quadrature (:func:`lrtheory.models.lattice.polar_grid`) instead of a Brillouin-zone grid.

Users' own models subclass :class:`BlochModel` (or :class:`Ribbon`) and define the two
abstract methods and the four required data members (docs/own-model.md); a class that only
*looks* like a model (duck typing) is refused by :func:`ensure_model` with one line naming
``lrtheory.models.BlochModel``. Response code is written against these classes, never
against a concrete model, and probes no member with ``getattr``/``hasattr``.

Units: energies in t0, lengths in a, k Cartesian in 1/a (hbar = 1).
"""
from __future__ import annotations

import abc
from typing import Sequence

import numpy as np

from lrtheory._compat import renamed_keywords
from lrtheory._docstrings import shared_docs
from lrtheory.errors import MissingGeometryError, ModelError
from lrtheory.models import lattice as _lattice
from lrtheory.models.geometry import (ClassDefault, PackedFields, PositionMatrix, RibbonCut,
                                      SlabCut)

__all__ = ["BlochModel", "Ribbon", "RibbonCut", "Slab", "SlabCut", "PositionMatrix",
           "PackedFields", "ContinuumModel", "ensure_model", "hamiltonian_and_velocity",
           "bloch_fields", "MissingGeometryError"]


# numpydoc blocks shared by BlochModel's methods and hamiltonian_and_velocity
# (lrtheory._docstrings)
_docs = shared_docs(model_k_parameters="""
    Parameters
    ----------
    model : BlochModel
        Any Bloch model.
    k : ndarray
        Cartesian wave vectors, shape (..., dim) (1/a).
    """, k_parameters="""
    Parameters
    ----------
    k : array_like
        Cartesian wave vectors, shape (..., dim) (1/a).
    """, h_v_returns="""
    Returns
    -------
    H : ndarray
        (..., n, n) (t0).
    V : ndarray
        (..., dim, n, n) (a t0/hbar).
    """)


class BlochModel(abc.ABC):
    r"""A Bloch model (bulk, ribbon or continuum): the protocol of every k-space response.

    Required (abstract methods)
    ---------------------------
    hamiltonian(k)
        ``H(k)``, shape ``(..., n, n)``, for Cartesian ``k`` of shape ``(..., dim)`` (1/a;
        a model embedded in a higher-dimensional space may also accept ``(..., d_space)``),
        in the atomic-position Bloch convention (paper Eq. S48, phases
        ``exp(i k.(R + r_mu))``), so that ``velocity(k) = dH/dk`` is the velocity operator
        (energies in t0).
    velocity(k)
        ``dH/dk``, shape ``(..., dim, n, n)`` (t0 a / hbar).

    Required data members (attributes, properties or dataclass fields)
    -----------------------------------------------------------------
    dim : int
        Number of periodic directions (2 for a 2D bulk, 1 for a ribbon).
    n_orbitals : int
        Size ``n`` of ``H(k)``.
    positions : (n, d_space) ndarray
        Cartesian orbital positions (a). A model without them may raise
        :class:`MissingGeometryError` here and say so with ``has_positions = False``.
    lattice_vectors : (dim, d_space) ndarray or None
        Cartesian lattice vectors of the periodic directions (a); ``None`` for a continuum
        model (no Brillouin zone).

    Optional members (defaults here)
    --------------------------------
    name : str
        Label for messages and results (default: the class name).
    params : dict
        Model parameters by name (default ``{}``).
    time_reversal : TimeReversal or None
        A declared ``Theta = U K`` (:class:`lrtheory.models.time_reversal.TimeReversal`);
        the built-in model classes check it when they are built (your own class: call
        ``model.time_reversal.check(model, where=...)``); ``None`` (default) when none is
        declared.
    spin : (3, n, n) ndarray or None
        k-independent spin operators ``S_a`` (hbar = 1) for spin densities and currents
        (default None: spinless, or a spin that depends on k, see :meth:`spin_operator`).
    spin_operator(k, axis=None)
        Spin operators ``S_a(k)`` in the orbital Bloch basis, broadcastable to
        ``(..., 3, n, n)`` (hbar; one component with ``axis``); the one member the responses
        read (``operator="spin_z"``).
        Default: :attr:`spin` (k independent), None when it is None. A model read from a
        Wannier90 run overrides it with ``sum_R e^{ik.R} S(R)`` from ``seedname.spn``.
    energy_bound : float or None
        A bound (t0) on ``|e_n(k)|`` for all bands and k, e.g. Gershgorin's (default None:
        unknown).
    has_positions : bool
        False when ``positions`` would raise (default True).
    has_position_matrix : bool
        True when :meth:`position_matrix` returns a matrix (default False).
    hamiltonian_and_velocity(k)
        ``(H(k), dH/dk)`` in one pass (default: the two methods separately).
    position_matrix(k)
        The Wannier-gauge position (Berry connection) matrix of full Wannier interpolation,
        a :class:`PositionMatrix`, or ``None`` (default): the tight-binding approximation,
        position operator diagonal, ``<m0|r|nR> = r_m delta_mn delta_R0``.
        Convention (docs/wannier-interpolation.md): atomic-position gauge of Eq. S48,
        ``A_mn(k) = sum_R exp(ik.(R + r_n - r_m)) [<m0|r|nR> - r_m delta_mn delta_R0]``, so
        the orbital centres ``r_m`` enter through the phases only and the diagonal R = 0
        elements of ``A`` vanish when the centres are the Wannier centres.
    packed_fields(k)
        :class:`PackedFields` of a fast eigensystem, or ``None`` (default).
    reciprocal_vectors, k_grid(n, shift=False)
        From :mod:`lrtheory.models.lattice` (concrete; need ``lattice_vectors``).
    """

    name = ClassDefault(lambda self: type(self).__name__, "Label (default: the class name).")
    params = ClassDefault(lambda self: {}, "Model parameters by name (default {}).")
    time_reversal = None
    spin = None
    energy_bound = None
    has_positions = True
    has_position_matrix = False

    @abc.abstractmethod
    @_docs
    def hamiltonian(self, k) -> np.ndarray:
        """Bloch Hamiltonian ``H(k)`` in the atomic-position convention (paper Eq. S48).

        %(k_parameters)s

        Returns
        -------
        ndarray
            ``H(k)``, shape (..., n, n), Hermitian (t0).
        """

    @abc.abstractmethod
    @_docs
    def velocity(self, k) -> np.ndarray:
        """Velocity operator ``v(k) = dH/dk`` (hbar = 1; paper Eq. S48's convention).

        %(k_parameters)s

        Returns
        -------
        ndarray
            ``dH/dk_a``, shape (..., dim, n, n) (a t0/hbar).
        """

    @_docs
    def hamiltonian_and_velocity(self, k) -> tuple[np.ndarray, np.ndarray]:
        """``(H(k), dH/dk)`` in one call; subclasses override it with a fused fast path.

        %(k_parameters)s

        %(h_v_returns)s
        """
        return self.hamiltonian(k), self.velocity(k)

    @_docs
    def position_matrix(self, k) -> "PositionMatrix | None":
        """Wannier-gauge position matrix ``A(k)`` and its curl (:class:`PositionMatrix`), or
        ``None`` (default): the tight-binding approximation (diagonal position operator).

        %(k_parameters)s

        Returns
        -------
        PositionMatrix or None
        """
        return None

    @_docs
    def hamiltonian_velocity_position(self, k):
        """``(H(k), dH/dk, position matrix or None)`` in one call (see :func:`bloch_fields`);
        subclasses with a Berry connection override it with one Fourier sum for all three
        (:class:`lrtheory.io.wannier90.Wannier90Model`). Default: the two methods.

        %(k_parameters)s

        Returns
        -------
        H, V : ndarray
            As :meth:`hamiltonian_and_velocity`: (..., n, n) (t0) and (..., dim, n, n)
            (a t0/hbar).
        position : PositionMatrix or None
            As :meth:`position_matrix`.
        """
        H, V = self.hamiltonian_and_velocity(k)
        return H, V, self.position_matrix(k)

    @_docs
    def packed_fields(self, k) -> PackedFields | None:
        """:class:`PackedFields` for :meth:`lrtheory.bands.eigensystem.Eigensystem.compute`
        (:class:`lrtheory.io.wannier90.Wannier90Model`); default None: no fast path.

        %(k_parameters)s

        Returns
        -------
        PackedFields or None
        """
        return None

    @_docs
    def spin_operator(self, k, axis: int | None = None) -> np.ndarray | None:
        """Spin operators ``S_a(k)`` (hbar) in the orbital Bloch basis, or None (spinless).

        %(k_parameters)s
        axis : {0, 1, 2} or None
            One component (``S_x``, ``S_y``, ``S_z``) alone, or all three (None).

        Returns
        -------
        ndarray or None
            Broadcastable to ``(..., 3, n, n)`` (``(..., n, n)`` with ``axis``) complex,
            Hermitian (hbar = 1: ``S = sigma/2`` for spin 1/2); here the k-independent
            :attr:`spin` itself.
        """
        if self.spin is None:
            return None
        return np.asarray(self.spin) if axis is None else np.asarray(self.spin)[axis]

    @property
    def reciprocal_vectors(self) -> np.ndarray:
        """Reciprocal lattice vectors b_i (rows), ``a_i . b_j = 2 pi delta_ij`` (1/a)."""
        return _lattice.reciprocal_vectors(self._require_lattice("reciprocal vectors"))

    def k_grid(self, n: int | Sequence[int], *, shift: bool = False) -> np.ndarray:
        """Uniform grid of the first BZ cell: see :func:`lrtheory.models.lattice.k_grid`.

        Parameters
        ----------
        n : int or sequence of int
            Points along each reciprocal vector (one number: the same along all ``dim``).
        shift : bool
            Shift the grid by half a step (the unshifted grid starts at Gamma).

        Returns
        -------
        ndarray
            Cartesian k points, shape (prod(n), dim) (1/a).

        Raises
        ------
        MissingGeometryError
            The model has no lattice vectors (continuum models).
        """
        return _lattice.k_grid(self._require_lattice("k-grids"), n, shift=shift)

    def _require_lattice(self, what: str) -> np.ndarray:
        lat = self.lattice_vectors
        if lat is None:
            raise MissingGeometryError(
                f"{self.name} has no lattice vectors (continuum model, or built without "
                f"lattice_vectors=...): {what} need a lattice")
        return lat


class Ribbon(BlochModel):
    r"""A Bloch model with one periodic direction and open transverse edges.

    Required, besides :class:`BlochModel`'s members
    -----------------------------------------------
    transverse_positions()
        ``(n,)`` transverse coordinate ``y`` of every orbital (a), origin on the centre line
        for ribbons cut by :meth:`TightBindingModel.ribbon`.

    Optional
    --------
    frame : (3, 3) ndarray
        Rows: unit vectors (along the ribbon, transverse, normal) of the frame in which
        vector quantities (``j_x``, ``j_y``, ``V_y``, ``m_z = -(q/2) y j_x``) are reported;
        right-handed. Default: the identity.
    cut : RibbonCut or None
        How the ribbon was cut from a 2D model; None (default) for hand-made ribbons.
    """

    frame = ClassDefault(lambda self: np.eye(3), "Report frame (rows x, y, z; default identity).")
    cut = None

    @abc.abstractmethod
    def transverse_positions(self) -> np.ndarray:
        """(n,) transverse coordinate of every orbital (a)."""


class Slab(BlochModel):
    r"""A Bloch model with two periodic directions and two open surfaces (a film).

    Required, besides :class:`BlochModel`'s members
    -----------------------------------------------
    normal_positions()
        ``(n,)`` normal coordinate ``z`` of every orbital (a), origin on the slab's centre
        plane for slabs cut by :func:`lrtheory.models.slabs.slab`.

    Optional
    --------
    layer_index : (n,) int ndarray
        The layer (0 = bottom) of every orbital (default: one layer per distinct ``z``).
    frame : (3, 3) ndarray
        Rows: unit vectors ``x``, ``y`` (in-plane) and ``z`` (normal, ``x cross y``) in which
        vector quantities are reported; right-handed. Default: the identity.
    cut : SlabCut or None
        How the slab was cut from a 3D model; None (default) for hand-made slabs.
    """

    frame = ClassDefault(lambda self: np.eye(3), "Report frame (rows x, y, z; default identity).")
    cut = None

    @property
    def layer_index(self) -> np.ndarray:
        """(n,) layer of every orbital (0 = lowest ``z``), one layer per distinct ``z``
        (to 1e-9 a)."""
        z = np.asarray(self.normal_positions(), float)
        levels = np.unique(np.round(z, 9))
        return np.searchsorted(levels, np.round(z, 9))

    @abc.abstractmethod
    def normal_positions(self) -> np.ndarray:
        """(n,) normal coordinate of every orbital (a)."""


class ContinuumModel(BlochModel):
    r"""A k.p model: no lattice, no Brillouin zone (``lattice_vectors = None``).

    k-integrals use :func:`lrtheory.models.lattice.polar_grid` (weights include
    ``1/(2 pi)^2``: a weighted sum is ``int d^2k/(2 pi)^2``, a density per unit area).
    """

    lattice_vectors = None

    @staticmethod
    def polar_grid(k_max: float, n_r: int, n_theta: int, *, k_min: float = 0.0):
        """Polar quadrature of the k plane: see :func:`lrtheory.models.lattice.polar_grid`.

        Parameters
        ----------
        k_max : float
            Outer radius (1/a).
        n_r, n_theta : int
            Radial and angular points.
        k_min : float
            Inner radius (1/a).

        Returns
        -------
        k : ndarray
            Points, shape (n_r * n_theta, 2) (1/a).
        w : ndarray
            Weights including ``1/(2 pi)^2`` (1/a^2): ``sum w g(k) = int d^2k/(2pi)^2 g``.
        """
        return _lattice.polar_grid(k_max, n_r, n_theta, k_min=k_min)

    @renamed_keywords(mu="ef")
    def fermi_crossings(self, ef: float, *, k_max: float, n_theta: int = 64, n_r: int = 400,
                        newton_steps: int = 30):
        """Exact Fermi lines along radial rays: see
        :func:`lrtheory.models.continuum.fermi_crossings`.

        Parameters
        ----------
        ef, k_max, n_theta, n_r, newton_steps
            As there (``ef`` in t0, ``k_max`` in 1/a; ``mu=`` is the deprecated ``ef``).

        Returns
        -------
        k, band, w : ndarray
            Crossings (M, 2) (1/a), their bands and line weights (1/(a^2 t0)), as there.
        """
        from lrtheory.models.continuum import fermi_crossings

        return fermi_crossings(self, ef, k_max=k_max, n_theta=n_theta, n_r=n_r,
                               newton_steps=newton_steps)


_HINTS = {
    "Ribbon": "build one with model.ribbon(width)",
    "Slab": "cut one from a 3D model with lrtheory.models.slabs.slab(model, layers, miller)",
    "ContinuumModel": "a k.p model, e.g. lrtheory.models.continuum.RashbaGas",
    "BlochModel": "subclass lrtheory.models.BlochModel, see docs/own-model.md",
}

_REQUIRED = ("dim", "n_orbitals", "lattice_vectors")


def _describe(model) -> str:
    if isinstance(model, BlochModel):
        return f"{type(model).__name__} {model.name!r}"
    return f"{type(model).__name__} (not a lrtheory.models.BlochModel)"


def ensure_model(model, kind: type = BlochModel, *, where: str):
    """The one entry check of every response: ``model`` must be a ``kind``.

    Parameters
    ----------
    model : object
        The model handed to a response function.
    kind : type
        :class:`BlochModel` (default), :class:`Ribbon`, :class:`ContinuumModel` or any
        subclass.
    where : str
        The entry point's name, first word of the message.

    Returns
    -------
    model
        Unchanged.

    Raises
    ------
    ModelError
        One line: ``"ribbon_accumulation needs a Ribbon (build one with model.ribbon(width)),
        got TightBindingModel 'Haldane'"``; also when a subclass lacks a required member.
    """
    if not isinstance(model, kind):
        hint = _HINTS.get(kind.__name__)
        if not isinstance(model, BlochModel) and kind is not BlochModel:
            hint = f"{hint}; models subclass lrtheory.models.BlochModel" if hint else \
                "models subclass lrtheory.models.BlochModel"
        hint = f" ({hint})" if hint else ""
        article = "an" if kind.__name__[0] in "AEIOU" else "a"
        raise ModelError(f"{where} needs {article} {kind.__name__}{hint}, got {_describe(model)}")
    for member in _REQUIRED:
        try:
            getattr(model, member)
        except AttributeError:
            raise ModelError(f"{where}: {_describe(model)} lacks the required member "
                             f"{member!r} (see lrtheory.models.BlochModel)") from None
    if isinstance(model, Ribbon) and model.dim != 1:
        raise ModelError(f"{where}: {_describe(model)} is a Ribbon with dim={model.dim}, "
                         "expected 1")
    if isinstance(model, Slab) and model.dim != 2:
        raise ModelError(f"{where}: {_describe(model)} is a Slab with dim={model.dim}, "
                         "expected 2")
    return model


@_docs
def hamiltonian_and_velocity(model: BlochModel, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(H(k), dH/dk)`` of any :class:`BlochModel`: its ``hamiltonian_and_velocity`` method
    (a fused fast path where the model has one: one product of Bloch phases with stacked
    bond coefficients; else the two methods).

    %(model_k_parameters)s

    %(h_v_returns)s
    """
    return model.hamiltonian_and_velocity(k)


@_docs
def bloch_fields(model: BlochModel, k: np.ndarray):
    """``(H(k), dH/dk, position matrix or None)`` of any :class:`BlochModel`: its
    :meth:`~BlochModel.hamiltonian_velocity_position` (one Fourier sum for all three where
    the model fuses them, e.g. :class:`lrtheory.io.wannier90.Wannier90Model`; by default
    :meth:`~BlochModel.hamiltonian_and_velocity` and :meth:`~BlochModel.position_matrix`).

    %(model_k_parameters)s

    Returns
    -------
    H, V : ndarray
        As :func:`hamiltonian_and_velocity`: (..., n, n) (t0) and (..., dim, n, n) (a t0/hbar).
    position : PositionMatrix or None
        Full Wannier interpolation's position matrix (a, a^2), None for tight-binding.
    """
    return model.hamiltonian_velocity_position(k)
