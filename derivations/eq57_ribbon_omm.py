r"""Eq. 57 / S55: the ribbon OMM matrix :math:`m_{nl}(k)`, printed and gauge covariant.

At one k of a ribbon (periodic along x, open along y), on three non-degenerate bands with
symbolic energies :math:`\epsilon_n`, a generic Hermitian velocity :math:`v^x` and a generic
Hermitian transverse position :math:`Y_{nl} = \langle u_n|y|u_l\rangle`:
:math:`(v_y)_{nl} = i(\epsilon_n-\epsilon_l)Y_{nl}` (from :math:`v_y = i[H, y]`), interband
Berry connection :math:`A_{nl} = i v^x_{nl}/(\epsilon_l-\epsilon_n)` (sum rule) and a
diagonal connection :math:`a_n = A_{nn}` (gauge dependent, free real symbols).

* printed (S55 with the dangling index read as :math:`r^y_{nl}`, :math:`e \to q`):
  :math:`m^{P}_{nl} = -\frac q2(v_{nn}+v_{ll})Y_{nl} + \frac{q}{4i}\sum_{n'}
  (\epsilon_l+\epsilon_n-2\epsilon_{n'})[A_{nn'}Y_{n'l} - Y_{nn'}A_{n'l}]`;
* gauge covariant (Weyl-ordered k-diagonal part of :math:`m_z = \frac q4(\{x,v_y\}-\{y,v_x\})`
  with :math:`x = iD_k + A^{\rm off}`; :func:`lrtheory.response.omm.omm_matrix`):
  :math:`m^{C} = \frac q4[(A v_y + v_y A) - (Y v_x + v_x Y)]`.

Proved: (1) the diagonal of :math:`m^P` is self-rotation + 2 x centre of mass,
:math:`-q\,\mathrm{Re}\sum_{n'\ne n}v^x_{nn'}Y_{n'n} - q\,v_{nn}Y_{nn}`, and does not depend on
:math:`a_n`; (2) the diagonal of :math:`m^C` is self-rotation + 1 x centre of mass; (3) off the
diagonal :math:`m^P` depends on the diagonal connections through exactly
:math:`\frac{q}{4i}(\epsilon_l-\epsilon_n)(a_n+a_l)Y_{nl}`; (4) under a gauge change
:math:`u_n \to e^{i\theta_n}u_n` (:math:`a_n \to a_n - \theta_n'`; phases written rationally,
:math:`p = (1+is)/(1-is)`) :math:`m^C` is covariant, :math:`m^P` is not: it picks up
:math:`\frac{q}{4i}(\epsilon_l-\epsilon_n)(-\theta_n'-\theta_l')Y_{nl}`; (5) moving the origin
by :math:`Y_0` shifts :math:`m^C` by :math:`-\frac q2(R_0\times v)_z = \frac q2 Y_0 v^x` and the
diagonal of :math:`m^P` by twice the lever arm, :math:`q Y_0 v_{nn}`.

Wrong variants: the printed diagonal equals the covariant one; the printed off-diagonal is
gauge covariant; the printed diagonal moves with the origin by the lever arm only.
"""
from __future__ import annotations

import sympy as sp

from lrtheory.derivations.registry import Recorder
from lrtheory.symbolic.operators import generic_hermitian
from lrtheory.symbolic.systems import re_part

N = 3  # bands: the smallest number with an n' different from both n and l


def _printed(q, e, vx, Y, A):
    """The printed Eq. 57 (S55, dangling index r^y_{n'l} read as r^y_{nl}, e -> q)."""
    n_b = Y.rows

    def el(n, l):
        first = -(q / 2) * (vx[n, n] + vx[l, l]) * Y[n, l]
        s = sum((e[l] + e[n] - 2 * e[k]) * (A[n, k] * Y[k, l] - Y[n, k] * A[k, l])
                for k in range(n_b))
        return first + q / (4 * sp.I) * s
    return sp.Matrix(n_b, n_b, el)


def _covariant(q, vx, vy, Y, A_off):
    """(q/4)[(A v_y + v_y A) - (Y v_x + v_x Y)] with the interband connection only."""
    return (q / 4) * (A_off * vy + vy * A_off - (Y * vx + vx * Y))


def _connection(e, vx):
    """Interband Berry connection A_nl = i v^x_nl/(e_l - e_n), zero diagonal."""
    return sp.Matrix(vx.rows, vx.rows,
                     lambda n, l: 0 if n == l else sp.I * vx[n, l] / (e[l] - e[n]))


def _vy(e, Y):
    """(v_y)_nl = i (e_n - e_l) Y_nl."""
    return sp.Matrix(Y.rows, Y.rows, lambda n, l: sp.I * (e[n] - e[l]) * Y[n, l])


def derive():
    rec = Recorder("eq57", "Eq. 57, S52-S55",
                   "printed m_nl: diagonal = self-rotation + 2 x centre of mass, off-diagonal "
                   "gauge dependent through (e_l - e_n)(A_nn + A_ll) r^y_nl; the covariant "
                   "(q/4)[{A, v_y} - {Y, v_x}] has 1 x centre of mass")
    q, Y0 = sp.symbols("q Y_0", real=True)
    e = sp.symbols(f"e_0:{N}", real=True)
    a = sp.symbols(f"a_0:{N}", real=True)        # diagonal Berry connections (gauge)
    t = sp.symbols(f"t_0:{N}", real=True)        # theta_n'(k) of a gauge change
    s = sp.symbols(f"s_0:{N}", real=True)        # phases p_n = (1 + i s_n)/(1 - i s_n)
    vx, Y = generic_hermitian(N, "v"), generic_hermitian(N, "y")
    A_off = _connection(e, vx)
    A = A_off + sp.diag(*a)
    vy = _vy(e, Y)
    mP, mC = _printed(q, e, vx, Y, A), _covariant(q, vx, vy, Y, A_off)

    self_rot = [-q * re_part(sum(vx[n, k] * Y[k, n] for k in range(N) if k != n))
                for n in range(N)]
    com = [-(q / 2) * vx[n, n] * Y[n, n] for n in range(N)]
    rec.identity("diag printed Eq. 57 = self-rotation + 2 x centre of mass (no a_n)",
                 sp.Matrix([mP[n, n] - (self_rot[n] + 2 * com[n]) for n in range(N)]))
    rec.identity("diag covariant m = self-rotation + 1 x centre of mass",
                 sp.Matrix([mC[n, n] - (self_rot[n] + com[n]) for n in range(N)]))
    rec.wrong("diag printed Eq. 57 = diag covariant m",
              sp.Matrix([mP[n, n] - mC[n, n] for n in range(N)]))

    mP0 = _printed(q, e, vx, Y, A_off)
    rec.identity("printed m_nl depends on a_n only through (q/4i)(e_l - e_n)(a_n + a_l) Y_nl",
                 sp.Matrix(N, N, lambda n, l: mP[n, l] - mP0[n, l]
                           - q / (4 * sp.I) * (e[l] - e[n]) * (a[n] + a[l]) * Y[n, l]))

    # gauge change u_n -> p_n u_n: M_nl -> conj(p_n) M_nl p_l, a_n -> a_n - theta_n'
    p = [(1 + sp.I * si) / (1 - sp.I * si) for si in s]
    W = sp.diag(*p)
    Wd = sp.diag(*[(1 - sp.I * si) / (1 + sp.I * si) for si in s])  # W^dagger = W^-1
    vx2, Y2 = Wd * vx * W, Wd * Y * W
    A2_off = _connection(e, vx2)
    A2 = A2_off + sp.diag(*[a[n] - t[n] for n in range(N)])
    mC2 = _covariant(q, vx2, _vy(e, Y2), Y2, A2_off)
    mP2 = _printed(q, e, vx2, Y2, A2)
    rec.identity("covariant m in the new gauge = W^dagger m W",
                 (mC2 - Wd * mC * W).applyfunc(sp.together))
    extra = sp.Matrix(N, N, lambda n, l: q / (4 * sp.I) * (e[l] - e[n]) * (-t[n] - t[l])
                      * Y[n, l])
    rec.identity("printed Eq. 57 in the new gauge = W^dagger (m + (q/4i)(e_l - e_n)"
                 "(-theta_n' - theta_l') Y) W",
                 (mP2 - Wd * (mP + extra) * W).applyfunc(sp.together))
    rec.wrong("printed Eq. 57 off-diagonal gauge covariant",
              (mP2 - Wd * mP * W)[0, 1])

    # origin: y -> y - Y0 (Y_nl -> Y_nl - Y0 delta_nl, v_y unchanged)
    Ys = Y - Y0 * sp.eye(N)
    mCs = _covariant(q, vx, _vy(e, Ys), Ys, A_off)
    mPs = _printed(q, e, vx, Ys, A)
    rec.identity("covariant m shifts by -(q/2)(R0 x v)_z = (q/2) Y0 v_x (every element)",
                 mCs - mC - (q / 2) * Y0 * vx)
    rec.identity("diag printed Eq. 57 shifts by q Y0 v_nn = twice the lever arm",
                 sp.Matrix([mPs[n, n] - mP[n, n] - q * Y0 * vx[n, n] for n in range(N)]))
    rec.wrong("diag printed Eq. 57 shifts by the lever arm (q/2) Y0 v_nn only",
              sp.Matrix([mPs[n, n] - mP[n, n] - (q / 2) * Y0 * vx[n, n] for n in range(N)]))
    rec.finding("Eq. 57 / S55: the off-diagonal m_nl depends on the gauge: a k-dependent "
                "phase theta_n(k) adds (q/4i)(e_l - e_n)(-theta_n' - theta_l') r^y_nl, because "
                "the diagonal connections enter through (e_l - e_n)(A_nn + A_ll) r^y_nl (the "
                "k-space manipulation of S53-S54 drops i d_k r^y_nl). Its diagonal is gauge "
                "invariant but has twice the centre-of-mass term -(q/2) v_nn r^y_nn of the "
                "covariant (wave-packet) moment, and moves with the origin by twice the lever "
                "arm. S55's first term has a dangling index: r^y_{n'l} must be r^y_{nl}.")
    return rec.done()


if __name__ == "__main__":
    print(derive())
