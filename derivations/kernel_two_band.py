r"""Kernel two-band: the closed-form bands, Berry curvature (S24) and orbital Hall curvature of
``H = d_0 + d.sigma`` used by :mod:`lrtheory.kernels.two_band` instead of a diagonalization.

Proved here on generic real vectors ``d, a = d_b d, c = d_c d`` with the projectors
``P_\pm = (1 \pm \hat d.\sigma)/2``:

* ``Im Tr[P_- (a.sigma) P_+ (c.sigma)] = -\hat d.(a x c)``, hence
  ``Omega_\mp = \pm d.(a x c)/(2|d|^3)`` (S24 with two bands);
* ``Re Tr[P_- (a.sigma) P_+ (c.sigma)] = a.c - (\hat d.a)(\hat d.c)``, the other half of every
  interband product ``v^a_{-+} v^c_{+-}``, which with the first gives the orbital Hall
  curvature of the interband OMM matrix (the rest is algebra, and the kernel equals the sum over
  states to rounding in ``tests/physics/test_two_band_closed_form.py``).

Wrong variants: the opposite sign of the curvature, and ``+`` for ``-`` in the metric.
"""
from __future__ import annotations

from lrtheory.derivations.registry import Recorder
from lrtheory.symbolic.two_band import curvature_identity, metric_identity


def derive():
    rec = Recorder("two_band", "kernel two-band (S24 for d.sigma)",
                   "Omega_-/+ = +/- d.(a x c)/(2|d|^3); Re v^a_{-+} v^c_{+-} = "
                   "a.c - (n.a)(n.c)")
    for band, resid in curvature_identity().items():
        rec.identity(f"{band} band: -2 Im Tr[P a.s P' c.s]/(e - e')^2 = closed form", resid)
    rec.identity("Re Tr[P_- a.s P_+ c.s] = a.c - (n.a)(n.c)", metric_identity())
    for band, resid in curvature_identity(sign=-1).items():
        rec.wrong(f"{band} band with the opposite sign", resid)
    rec.wrong("metric with + (n.a)(n.c)", metric_identity(sign=-1))
    return rec.done()


if __name__ == "__main__":
    print(derive())
