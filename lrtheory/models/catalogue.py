r"""The catalogue of built-in models: name -> builder, default parameters, description.

This is the one list of the models that ``--model NAME`` offers on the command line (and
that scripts can build by name); the CLI reads it, it holds no entries of its own. Each
entry is a :class:`BuiltinModel` (frozen): its ``builder`` is a function of the model's
parameters returning a :class:`~lrtheory.models.BlochModel`; ``defaults`` are the parameter
values used when a parameter is not given (these are the CLI's defaults, which may differ
from the keyword defaults of the builder function itself).

- ``haldane``: :func:`lrtheory.models.haldane.haldane` (Eq. 53, S41-S44); defaults
  ``t0 = 1, t2 = 0.06, phi = pi/2, delta = 0.5``.
- ``gapped-graphene``: :func:`gapped_graphene`, the Haldane model with ``t2 = 0`` (Eq. S45);
  defaults ``t0 = 1, delta = 0.5``.

Energies are in the unit of ``t0`` and lengths in the nearest-neighbour distance ``a``
(as in :mod:`lrtheory.models.haldane`).

Examples
--------
>>> from lrtheory.models.catalogue import CATALOGUE, builtin_model
>>> sorted(CATALOGUE)
['gapped-graphene', 'haldane']
>>> builtin_model("gapped-graphene", delta=0.3).params["t2"]
0.0
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from types import MappingProxyType
from typing import Callable, Mapping

from lrtheory.errors import ModelError
from lrtheory.models.haldane import haldane

__all__ = ["BuiltinModel", "CATALOGUE", "builtin_model", "gapped_graphene"]


def gapped_graphene(t0: float = 1.0, delta: float = 0.5, **unknown):
    """TR-invariant gapped graphene: the Haldane model with ``t2 = 0`` (paper Eq. S45).

    Parameters
    ----------
    t0 : float
        Nearest-neighbour hopping (the energy unit).
    delta : float
        Sublattice potential ``+delta`` on A, ``-delta`` on B (units of ``t0``).
    **unknown
        Refused (``ModelError``): the model has no other parameters.

    Returns
    -------
    TightBindingModel
        ``haldane(t0=t0, t2=0, delta=delta)`` (spinless time reversal ``Theta = K``).

    Raises
    ------
    ModelError
        For any other parameter (``t2`` and ``phi`` are not parameters of this model).
    """
    if unknown:
        raise ModelError(f"unknown gapped-graphene parameter(s) {sorted(unknown)}: the model "
                         "has t0, delta")
    return haldane(t2=0.0, t0=t0, delta=delta)


@dataclass(frozen=True)
class BuiltinModel:
    """One entry of the catalogue.

    Attributes
    ----------
    name : str
        The name used by ``--model`` (e.g. ``"gapped-graphene"``).
    builder : callable
        ``builder(**params) -> BlochModel``.
    defaults : mapping str -> float
        Every parameter of the model with its default value (read-only).
    description : str
        One line for help texts.
    """

    name: str
    builder: Callable
    defaults: Mapping[str, float]
    description: str

    def __post_init__(self):
        object.__setattr__(self, "defaults", MappingProxyType(dict(self.defaults)))

    def build(self, **params):
        """The model with ``params`` overriding :attr:`defaults`.

        Parameters
        ----------
        **params : float
            Model parameters by name (t0 for energies, radians for phases).

        Returns
        -------
        BlochModel
            ``builder(**{**defaults, **params})``.

        Raises
        ------
        ModelError
            For a parameter the model does not have (one line naming the known ones).
        """
        unknown = set(params) - set(self.defaults)
        if unknown:
            raise ModelError(f"unknown parameter(s) {sorted(unknown)} for model {self.name!r}; "
                             f"known: {sorted(self.defaults)}")
        return self.builder(**{**self.defaults, **params})


def _entries(*entries: BuiltinModel) -> Mapping[str, BuiltinModel]:
    return MappingProxyType({e.name: e for e in entries})


#: name -> :class:`BuiltinModel` (read-only; the order is the order of help texts)
CATALOGUE: Mapping[str, BuiltinModel] = _entries(
    BuiltinModel("haldane", haldane, dict(t0=1.0, t2=0.06, phi=math.pi / 2, delta=0.5),
                 "Haldane model (Eq. 53): t0, t2, phi, delta"),
    BuiltinModel("gapped-graphene", gapped_graphene, dict(t0=1.0, delta=0.5),
                 "TR-invariant gapped graphene (Haldane with t2 = 0): t0, delta"),
)


def builtin_model(name: str, **params):
    """Build the catalogued model ``name`` with ``params`` (others at their defaults).

    Parameters
    ----------
    name : str
        A key of :data:`CATALOGUE` (``"haldane"``, ``"gapped-graphene"``).
    **params : float
        Model parameters by name (t0 for energies, radians for phases).

    Returns
    -------
    BlochModel
        The built model.

    Raises
    ------
    ModelError
        For a name not in :data:`CATALOGUE` or a parameter the model does not have.
    """
    entry = CATALOGUE.get(name)
    if entry is None:
        raise ModelError(f"unknown built-in model {name!r}: use one of {sorted(CATALOGUE)}")
    return entry.build(**params)
