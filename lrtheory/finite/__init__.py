"""lrtheory.finite: finite systems with exact eigenstates (Eq. 17).

* :mod:`lrtheory.finite.system`: :class:`FiniteSystem`, :class:`TimeReversal`,
  :class:`Eigensystem` (computed once, reused), :func:`random_gauge`.
* :mod:`lrtheory.finite.observables`: position, velocity, densities, currents, torques,
  orbital moment (site-basis matrices).
* :mod:`lrtheory.finite.response`: Kubo response ``chi_{A,B}`` (Eq. 17-18) and the
  site-resolved density response to a uniform field (Eq. 20-21), split into Fermi-level and
  undergap parts (Eq. 26-27, 31-32); torques (Eq. 37-41).
* :mod:`lrtheory.finite.examples`: a Haldane-model flake (Eq. 53).
* :mod:`lrtheory.finite.random_systems`: random systems and operators with controlled
  time-reversal properties (the hypothesis strategies on them: ``tests/strategies.py``).
"""
from lrtheory.finite.system import Eigensystem, FiniteSystem, TimeReversal, random_gauge

__all__ = ["Eigensystem", "FiniteSystem", "TimeReversal", "random_gauge"]
