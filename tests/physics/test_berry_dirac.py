"""Massive-Dirac limit of OUR Haldane model near a valley (cf. Xiao, Yao, Niu, PRL 99,
236809 (2007)), derived here in SymPy with our lattice vectors, then compared with the
numerical Berry curvature and band orbital moment of gapped graphene.

Expected values: SymPy linearization of H(k) at K = (4 pi/3, 0) (v_F = sqrt3 t0/2, C-C
distance 1/sqrt3), Berry curvature and OMM of the 2x2 Dirac Hamiltonian from projectors:
Omega_- = -2 Im Tr(P_- v_x P_+ v_y)/(2E)^2, m_- = e Im Tr(P_- v_x P_+ v_y)/(2E)
(docs/conventions.md, q = -e). The lattice differs at O((q a)) and O(Delta/t0)^2: the
test checks the deviation and that it shrinks when Delta and q are halved.
"""
import numpy as np
import sympy as sp

from lrtheory.bands.eigensystem import Eigensystem
from lrtheory.models.haldane import haldane
from lrtheory.response.berry import berry_curvature
from lrtheory.response.bulk_omm import band_omm

S3 = sp.sqrt(3)
kx, ky, qx, qy = sp.symbols("k_x k_y q_x q_y", real=True)
t0, D = sp.symbols("t_0 Delta", positive=True)
SX = sp.Matrix([[0, 1], [1, 0]])
SY = sp.Matrix([[0, -sp.I], [sp.I, 0]])
SZ = sp.Matrix([[1, 0], [0, -1]])


def dirac_limit():
    deltas = [(sp.Rational(1, 2), 1 / (2 * S3)), (-sp.Rational(1, 2), 1 / (2 * S3)), (0, -1 / S3)]
    gamma = sum(sp.exp(sp.I * (kx * dx + ky * dy)) for dx, dy in deltas)
    K = {kx: 4 * sp.pi / 3, ky: 0}
    g0 = sp.nsimplify(sp.simplify(sp.expand_complex(gamma.subs(K))))
    gx = sp.nsimplify(sp.simplify(sp.expand_complex(sp.diff(gamma, kx).subs(K))))
    gy = sp.nsimplify(sp.simplify(sp.expand_complex(sp.diff(gamma, ky).subs(K))))
    hab = -t0 * (g0 + gx * qx + gy * qy)          # H_AB = -t0 gamma, linearized
    H = sp.Matrix([[D, hab], [sp.conjugate(hab), -D]])
    vx, vy = H.diff(qx), H.diff(qy)
    E = sp.sqrt(sp.simplify((H * H)[0, 0]))
    Pm = (sp.eye(2) - H / E) / 2
    Pp = (sp.eye(2) + H / E) / 2
    T = sp.simplify((Pm * vx * Pp * vy).trace())
    omega = sp.simplify(-2 * sp.im(sp.expand_complex(T)) / (2 * E) ** 2)
    m = sp.simplify(sp.im(sp.expand_complex(T)) / (2 * E))      # e = 1, charge -e
    vF = sp.simplify(sp.sqrt(sp.expand_complex(gx * sp.conjugate(gx)))) * t0
    return g0, vF, E, omega, m


def test_symbolic_dirac_limit():
    g0, vF, E, omega, m = dirac_limit()
    assert g0 == 0                                   # K is a Dirac point
    assert sp.simplify(vF - S3 * t0 / 2) == 0        # v_F = sqrt3 t0 / 2 (a = 1)
    v = S3 * t0 / 2
    q2 = qx**2 + qy**2
    # Xiao-Yao-Niu form in our conventions, valley K = (4pi/3, 0) of our lattice:
    # Omega_-(K + q) = -v^2 Delta / (2 E^3)  (opposite at K' = -K)
    assert sp.simplify(omega + v**2 * D / (2 * (D**2 + v**2 * q2) ** sp.Rational(3, 2))) == 0
    # band OMM m_- = -e E Omega_- (= -e v^2 Delta/(2 E^2)), same for both bands
    assert sp.simplify(m + E * omega) == 0


def test_numeric_approaches_dirac():
    g0, vF, E, omega, m = dirac_limit()
    f_om = sp.lambdify((qx, qy, t0, D), omega)
    f_m = sp.lambdify((qx, qy, t0, D), m)
    errs = []
    for delta in (0.1, 0.05):
        model = haldane(t0=1.0, t2=0.0, delta=delta)
        ang = np.linspace(0, 2 * np.pi, 7, endpoint=False)
        qq = 0.3 * delta * np.stack([np.cos(ang), np.sin(ang)], -1)
        K = np.array([4 * np.pi / 3, 0.0])
        eig = Eigensystem.compute(model, K + qq)
        om = berry_curvature(eig)[:, 0]
        mm = band_omm(eig)
        ref_om = f_om(qq[:, 0], qq[:, 1], 1.0, delta)
        ref_m = f_m(qq[:, 0], qq[:, 1], 1.0, delta)
        np.testing.assert_allclose(mm[:, 0], mm[:, 1], rtol=1e-10)  # m_c = m_v (2 bands)
        e1 = np.max(np.abs(om / ref_om - 1))
        e2 = np.max(np.abs(mm[:, 0] / ref_m - 1))
        assert e1 < 0.02 and e2 < 0.02
        errs.append(max(e1, e2))
        # the other valley K' = -K: opposite curvature and moment (TR of gapped graphene)
        eig2 = Eigensystem.compute(model, -K - qq)
        np.testing.assert_allclose(berry_curvature(eig2)[:, 0], -om, rtol=1e-9)
    assert errs[1] < 0.7 * errs[0]
