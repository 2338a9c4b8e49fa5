r"""S19-S24: Eq. 29 in a Bloch basis gives the generalized Berry curvature; O = 1 gives the
ordinary Berry curvature.

1. Algebra (S23): with the interband Berry connection
   :math:`A^c_{n'n} = i\hbar v^c_{n'n}/(\epsilon_n-\epsilon_{n'})`,
   :math:`\frac{2ef_n}{\epsilon_n-\epsilon_{n'}}\mathrm{Re}\{J_{nn'}A^c_{n'n}\} =
   \frac{e}{\hbar}f_n\frac{-2\hbar^2\mathrm{Im}\{J_{nn'}v^c_{n'n}\}}{(\epsilon_n-\epsilon_{n'})^2}`
   (generic complex symbols).
2. S22 factor: for the double symmetrised product
   :math:`J(\mathbf r) = O\star v\star\delta(\mathbf r-\hat{\mathbf r})` on an explicit 3-site
   system, :math:`2[J(\mathbf r)]_{nn'} = \tfrac12\sum_l[\{O,v\}_{nl}\psi^\dagger_l\psi_{n'}(\mathbf r)
   + \{O,v\}_{ln'}\psi^\dagger_n\psi_l(\mathbf r)]` (so the 1/2 of S22 is 2 x 1/4) and
   :math:`\sum_{\mathbf r}J(\mathbf r) = O\star v` (so S23 carries 2 Re{[O*v] A}).
3. O = 1, massive Dirac model :math:`H = k_x\sigma_x + k_y\sigma_y + m\sigma_z`, explicit
   eigenvectors: :math:`\partial_{k_x}A^y_{nn} - \partial_{k_y}A^x_{nn}` (with
   :math:`A = i\langle u|\partial_k u\rangle`) equals S24 with O = 1, i.e.
   :math:`-2\,\mathrm{Im}\,v^x_{nn'}v^y_{n'n}/(\epsilon_n-\epsilon_{n'})^2`, for both bands.

Wrong variants: 1/2 in place of 2 in S23; +2 Im in S24 (sign).
"""
from __future__ import annotations

import sympy as sp

from lrtheory.derivations.registry import Recorder
from lrtheory.symbolic.operators import exact_product
from lrtheory.symbolic.systems import exact_hermitian, no_tr_system


def _dirac():
    """Massive Dirac model with explicit eigenvectors; |d| kept as a function d(k_x, k_y)."""
    kx, ky = sp.symbols("k_x k_y", real=True)
    m, D = sp.symbols("m D", positive=True)
    d = sp.Function("d", positive=True)(kx, ky)
    sx = sp.Matrix([[0, 1], [1, 0]])
    sy = sp.Matrix([[0, -sp.I], [sp.I, 0]])
    sz = sp.Matrix([[1, 0], [0, -1]])
    H = kx * sx + ky * sy + m * sz
    N = sp.sqrt(2 * d * (d + m))
    bands = [(sp.Matrix([kx - sp.I * ky, -(d + m)]) / N, -d),
             (sp.Matrix([d + m, kx + sp.I * ky]) / N, d)]

    def reduce(expr):
        """Chain rule d_k |d| = k/|d|, then |d| -> D on the surface D^2 = k^2 + m^2."""
        expr = expr.subs({sp.Derivative(d, kx): kx / d, sp.Derivative(d, ky): ky / d})
        num = sp.numer(sp.together(sp.expand(expr.subs(d, D))))
        num = sp.expand(num).subs(m, sp.sqrt(D**2 - kx**2 - ky**2))
        return sp.simplify(sp.expand(num))

    return kx, ky, H, bands, (sx, sy), reduce


def derive():
    rec = Recorder("s24", "S19-S24",
                   "2 e f/(D) Re{J A} = (e/hbar) f (-2 hbar^2 Im{J v})/D^2; with O = 1 this is "
                   "Omega_n = d_kx A^y - d_ky A^x = -2 Im sum v^x_nn' v^y_n'n/(e_n-e_n')^2")
    hb, e = sp.symbols("hbar e", positive=True)
    f, D = sp.symbols("f Delta", real=True)  # D = e_n - e_n' != 0
    Jr, Ji, vr, vi = sp.symbols("J_r J_i v_r v_i", real=True)
    J, v = Jr + sp.I * Ji, vr + sp.I * vi
    A = sp.I * hb * v / D
    lhs = 2 * e * f / D * sp.re(J * A)
    s23 = e / hb * f * (-2 * hb**2 * sp.im(J * v)) / D**2
    rec.identity("S23: 2 e f/D Re{J A} with A = i hbar v/D", lhs - s23)
    rec.wrong("S23 with 1/2 in place of 2", lhs / 4 - s23)

    # S22 factor on an explicit 3-site system
    s = no_tr_system()
    O, vel = exact_hermitian(3, 31), exact_hermitian(3, 32)
    anti = O * vel + vel * O
    V = s.V
    ok = sp.zeros(3, 3)
    total = sp.zeros(3, 3)
    for site in range(3):
        P = sp.zeros(3, 3)
        P[site, site] = 1
        Jr_ = (anti / 2 * P + P * anti / 2) / 2  # O*v*delta, * = symmetrised product
        total += Jr_
        Je = exact_product(V.H, Jr_, V)
        ae, pe = exact_product(V.H, anti, V), exact_product(V.H, P, V)  # pe[l,n'] = psi_l^+ psi_n'
        ok += (2 * Je - (ae * pe + pe * ae) / 2).applyfunc(sp.expand)
    rec.identity("S22: 2 [J(r)]_nn' = 1/2 sum_l [{O,v}_nl psi_l^+ psi_n' "
                 "+ {O,v}_ln' psi_n^+ psi_l]",
                 ok)
    rec.identity("sum_r J(r) = O * v", total - anti / 2)

    kx, ky, H, bands, (sx, sy), reduce = _dirac()
    for n, (u, en) in enumerate(bands):
        rec.identity(f"Dirac band {n}: H u = e u (numerators)",
                     (H * u - en * u).applyfunc(reduce))
    for n, (u, en) in enumerate(bands):
        uh = u.conjugate().T
        Ax = sp.I * (uh * u.diff(kx))[0]
        Ay = sp.I * (uh * u.diff(ky))[0]
        omega_berry = sp.diff(Ay, kx) - sp.diff(Ax, ky)
        up, ep = bands[1 - n]
        vv = sp.expand((uh * sx * up)[0] * (up.conjugate().T * sy * u)[0])
        s24 = -2 * sp.im(vv) / (en - ep) ** 2
        rec.identity(f"O = 1, Dirac band {n}: d_kx A^y - d_ky A^x - S24 (numerator)",
                     reduce(omega_berry - s24))
        if n == 0:
            rec.wrong("S24 with +2 Im (sign flipped)", reduce(omega_berry + s24))
    rec.finding("S22-S24: factors and sign consistent. The 1/2 in S22 is 2 x 1/4 from the "
                "double symmetrised product O*v*delta; integrated over r it gives S23's "
                "2 Re{[O*v]_nn' A_n'n}. With O = 1, S24 is the ordinary Berry curvature "
                "Omega_n = d_kx A^y_nn - d_ky A^x_nn (A = i<u|d_k u>). Note S21 defines "
                "sigma = e chi_{J_O, r}: the electric Hall conductivity of electrons is obtained "
                "with O = q = -e, giving sigma_xy = -(e^2/hbar) sum f_n Omega_n.")
    return rec.done()


if __name__ == "__main__":
    print(derive())
