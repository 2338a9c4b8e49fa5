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
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from lrtheory.errors import ModelError
from lrtheory.models import lattice as _lattice

__all__ = ["BlochModel", "Ribbon", "RibbonCut", "Slab", "SlabCut", "ContinuumModel",
           "ensure_model",
           "hamiltonian_and_velocity", "MissingGeometryError"]


class MissingGeometryError(ModelError):
    """The model was built without orbital positions (or lattice vectors) that the
    requested quantity needs."""


class _Default:
    """A class-level default that an instance attribute, a dataclass field or a subclass
    property can override (a non-data descriptor, so ``self.name = ...`` works)."""

    def __init__(self, factory, doc: str):
        self.factory, self.__doc__ = factory, doc

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        return self.factory(obj)


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
        Spin operators ``S_a`` (hbar = 1) for spin densities and currents (default None:
        spinless).
    energy_bound : float or None
        A bound (t0) on ``|e_n(k)|`` for all bands and k, e.g. Gershgorin's (default None:
        unknown).
    has_positions : bool
        False when ``positions`` would raise (default True).
    hamiltonian_and_velocity(k)
        ``(H(k), dH/dk)`` in one pass (default: the two methods separately).
    reciprocal_vectors, k_grid(n, shift=False)
        From :mod:`lrtheory.models.lattice` (concrete; need ``lattice_vectors``).
    """

    name = _Default(lambda self: type(self).__name__, "Label (default: the class name).")
    params = _Default(lambda self: {}, "Model parameters by name (default {}).")
    time_reversal = None
    spin = None
    energy_bound = None
    has_positions = True

    @abc.abstractmethod
    def hamiltonian(self, k) -> np.ndarray:
        """H(k), shape (..., n, n) (t0) for Cartesian k (..., dim) (1/a)."""

    @abc.abstractmethod
    def velocity(self, k) -> np.ndarray:
        """dH/dk, shape (..., dim, n, n) (t0 a / hbar)."""

    def hamiltonian_and_velocity(self, k) -> tuple[np.ndarray, np.ndarray]:
        """``(H(k), dH/dk)``; subclasses override it with a fused fast path."""
        return self.hamiltonian(k), self.velocity(k)

    @property
    def reciprocal_vectors(self) -> np.ndarray:
        """Reciprocal lattice vectors b_i (rows), ``a_i . b_j = 2 pi delta_ij`` (1/a)."""
        return _lattice.reciprocal_vectors(self._require_lattice("reciprocal vectors"))

    def k_grid(self, n: int | Sequence[int], *, shift: bool = False) -> np.ndarray:
        """Uniform grid of the first BZ cell, (prod(n), dim) (1/a): see
        :func:`lrtheory.models.lattice.k_grid`."""
        return _lattice.k_grid(self._require_lattice("k-grids"), n, shift=shift)

    def _require_lattice(self, what: str) -> np.ndarray:
        lat = self.lattice_vectors
        if lat is None:
            raise MissingGeometryError(
                f"{self.name} has no lattice vectors (continuum model, or built without "
                f"lattice_vectors=...): {what} need a lattice")
        return lat


@dataclass(frozen=True)
class RibbonCut:
    """How a ribbon was cut from a 2D lattice model (issue #18).

    Attributes
    ----------
    direction : tuple of int
        The periodic direction in the parent's lattice-vector indices (Miller-like:
        ``(1, 0)`` is along ``a_1``).
    width : int
        Number of parent cells stacked across the ribbon.
    stacking : tuple of int
        The stacking vector in the parent's lattice-vector indices.
    terminations : str
        Which parent orbitals sit on the two edges (lowest and highest transverse
        coordinate).
    """

    direction: tuple
    width: int
    stacking: tuple
    terminations: str = ""


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

    frame = _Default(lambda self: np.eye(3), "Report frame (rows x, y, z; default identity).")
    cut = None

    @abc.abstractmethod
    def transverse_positions(self) -> np.ndarray:
        """(n,) transverse coordinate of every orbital (a)."""


@dataclass(frozen=True)
class SlabCut:
    """How a slab (film) was cut from a 3D lattice model.

    Attributes
    ----------
    miller : tuple of int
        The Miller indices ``(h, k, l)`` of the surface: the normal is along
        ``G = h b_1 + k b_2 + l b_3`` (reciprocal vectors of the parent).
    layers : int
        Number of parent cells (layers of thickness ``d_hkl = 2 pi/|G|``) stacked along the
        normal.
    basis : tuple of tuple of int
        Rows: the in-plane vectors ``a_1'``, ``a_2'`` and the stacking vector ``a_3'`` in the
        parent's lattice indices (a unimodular integer matrix).
    spacing : float
        ``d_hkl`` (a): the thickness of one layer.
    terminations : str
        Which parent orbitals sit on the two surfaces (lowest and highest normal coordinate).
    """

    miller: tuple
    layers: int
    basis: tuple
    spacing: float
    terminations: str = ""


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

    frame = _Default(lambda self: np.eye(3), "Report frame (rows x, y, z; default identity).")
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
        """See :func:`lrtheory.models.lattice.polar_grid`."""
        return _lattice.polar_grid(k_max, n_r, n_theta, k_min=k_min)

    def fermi_crossings(self, mu: float, *, k_max: float, n_theta: int = 64, n_r: int = 400,
                        newton_steps: int = 30):
        """Exact Fermi lines along radial rays: see
        :func:`lrtheory.models.continuum.fermi_crossings`."""
        from lrtheory.models.continuum import fermi_crossings

        return fermi_crossings(self, mu, k_max=k_max, n_theta=n_theta, n_r=n_r,
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


def hamiltonian_and_velocity(model: BlochModel, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(H(k), dH/dk)`` of any :class:`BlochModel`: its ``hamiltonian_and_velocity`` method
    (a fused fast path where the model has one: one product of Bloch phases with stacked
    bond coefficients; else the two methods)."""
    return model.hamiltonian_and_velocity(k)
