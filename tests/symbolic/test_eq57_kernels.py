"""The Eq. 57 derivation (derivations/eq57_ribbon_omm.py) and the numerical kernels compute
the same two matrices: the printed m_nl (lrtheory.response.omm.paper_omm_eq57) and the
gauge-covariant one (omm_matrix), on a real Haldane ribbon at one k (4 bands).

The reference is the derivation's formula, written from the paper independently of the
kernels; both kernels are looked up through the equation registry (lrtheory where 57).
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from lrtheory.bands.eigensystem import Eigensystem
from lrtheory.conventions import ELECTRON_CHARGE
from lrtheory.derivations import eq57_ribbon_omm as d57
from lrtheory.equations import lookup, resolve_kernel
from lrtheory.models.haldane import haldane


def _kernels():
    paths = {k.path.rsplit(".", 1)[1]: k.path for k in lookup(57).kernels}
    return (resolve_kernel(paths["paper_omm_eq57"])[0], resolve_kernel(paths["omm_matrix"])[0])


def _num(M):
    return np.array(M.evalf(), dtype=complex)


def test_printed_and_covariant_kernels_equal_the_derivation(rng):
    paper_omm_eq57, omm_matrix = _kernels()
    rib = haldane(t2=0.06, phi=np.pi / 3, delta=0.5).ribbon(2)
    es = Eigensystem.compute(rib, np.array([[0.7]]))
    assert np.min(np.diff(es.energies[0])) > 1e-2  # non-degenerate: m_nl defined
    U = es.states[0]
    y = rib.transverse_positions()
    Y = np.conj(U.T) @ (y[:, None] * U)
    vx = es.velocity[0, 0]
    e = [sp.Float(x, 30) for x in es.energies[0]]
    a = rng.normal(size=es.energies.shape[1])  # a diagonal Berry connection (any gauge)
    Ys, vxs = sp.Matrix(Y), sp.Matrix(vx)
    A_off = d57._connection(e, vxs)
    q = ELECTRON_CHARGE
    ref_p = _num(d57._printed(q, e, vxs, Ys, A_off + sp.diag(*[float(x) for x in a])))
    ref_c = _num(d57._covariant(q, vxs, d57._vy(e, Ys), Ys, A_off))
    got_p = paper_omm_eq57(rib, es, a[None, :])[0]
    got_c = omm_matrix(rib, es)[0]
    scale = np.abs(ref_p).max()
    np.testing.assert_allclose(got_p, ref_p, atol=1e-12 * scale)
    np.testing.assert_allclose(got_c, ref_c, atol=1e-12 * scale)
    # the two differ (the finding): on the diagonal by one centre-of-mass term
    com = -(q / 2) * np.real(np.diag(vx)) * np.real(np.diag(Y))
    np.testing.assert_allclose(np.diag(got_p - got_c).real, com, atol=1e-12 * scale)
    assert np.abs(com).max() > 1e-3 * scale
