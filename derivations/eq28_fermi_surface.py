r"""Eq. 28, S11-S14: the relaxation-time (Fermi-surface) form of Eq. 27 and its sign.

1. S11 from Eq. 27: :math:`(f_a-f_b)\,\mathrm{Im}\{n_{ab}r_{ba}\} = f'(\epsilon_a)\,
   \mathrm{Re}\{n_{ab}v_{ba}\}` on the shell :math:`\epsilon_a = \epsilon_b` to first order, using
   :math:`(\epsilon_a-\epsilon_b)r_{ba} = i v_{ba}` (:math:`\hbar = 1`; :math:`v = i[H,r]`).
2. S11 -> S14 at T = 0 (:math:`f' = -\delta(\epsilon-\epsilon_F)`) with the Lorentzian of S13:
   :math:`\pi\int d\epsilon\,f'(\epsilon)\,N\,\frac1\pi\frac{\tau^{-1}}{(\epsilon-\epsilon_F)^2+\tau^{-2}}X
   = -N\tau X`: the printed S14 / Eq. 28 lack this minus sign.
3. Independent check (Boltzmann, same conventions: :math:`H' = +xF`, so the force is
   :math:`-F`): for a 2D parabolic band, :math:`\delta f = \tau F f_0'(\epsilon)v_x` gives
   :math:`\chi_{v_x,x} = -\tau n/m` (Drude: carriers are pushed along the force), and the
   corrected Eq. 28, :math:`-N\tau\langle v_x v_x\rangle`, equals it; the printed sign gives
   :math:`+\tau n/m`.
"""
from __future__ import annotations

import sympy as sp

from lrtheory.derivations.registry import Recorder


def derive():
    rec = Recorder("eq28", "Eq. 28, S11-S14",
                   "chi_{n_O,r}(0) = - sum_i N_i tau_i <Re{n_kk v_kk}>_i  (minus sign: f' = "
                   "-delta); confirmed by the Boltzmann/Drude result chi_{v_x,x} = -n tau/m")
    # 1. S11 integrand identity
    nr, ni, vr, vi, fp, Dl = sp.symbols("n_r n_i v_r v_i fprime Delta", real=True)
    n_ab, v_ba = nr + sp.I * ni, vr + sp.I * vi
    r_ba = sp.I * v_ba / Dl  # (e_a - e_b) r_ba = i v_ba
    rec.identity("S11: (f_a-f_b) Im{n r} with f_a - f_b = f' D, D r_ba = i v_ba -> f' Re{n v}",
                 fp * Dl * sp.im(n_ab * r_ba) - fp * sp.re(n_ab * v_ba))
    # 2. S11 -> S14 at T = 0
    e, eF, N, X = sp.symbols("epsilon epsilon_F N X", real=True)
    tau = sp.Symbol("tau", positive=True)
    fprime = -sp.DiracDelta(e - eF)
    lor = (1 / sp.pi) * (1 / tau) / ((e - eF) ** 2 + tau**-2)
    chi = sp.integrate(sp.pi * fprime * N * lor * X, (e, -sp.oo, sp.oo))
    rec.identity("S11 -> S14: chi = -N tau X", chi + N * tau * X)
    rec.wrong("printed S14 / Eq. 28: chi = +N tau X", chi - N * tau * X)
    # 3. Boltzmann for a 2D parabolic band (spinless), T = 0
    k, th = sp.symbols("k theta", positive=True)
    m, kF, F, hb = sp.symbols("m k_F F hbar", positive=True)
    eps = hb**2 * k**2 / (2 * m)
    vx = hb * k * sp.cos(th) / m
    # delta(eps - eF) in k: delta(k - kF) / (hbar v_F)
    vF = hb * kF / m
    # int k dk delta(eps(k) - eF) g(k) = k_F g(k_F)/(hbar v_F)
    radial = lambda g: (k * g).subs(k, kF) / (hb * vF)  # noqa: E731
    dn = sp.integrate(radial(tau * F * (-1) * vx * vx), (th, 0, 2 * sp.pi)) / (2 * sp.pi) ** 2
    n = kF**2 / (4 * sp.pi)
    rec.identity("Boltzmann: chi_{v_x,x} = delta<v_x>/F = -n tau/m", dn / F + n * tau / m)
    N2 = m / (2 * sp.pi * hb**2)
    avg = sp.integrate((vF * sp.cos(th)) ** 2, (th, 0, 2 * sp.pi)) / (2 * sp.pi)
    rec.identity("corrected Eq. 28: -N tau <v_x v_x> = Boltzmann", -N2 * tau * avg - dn / F)
    rec.wrong("printed Eq. 28: +N tau <v_x v_x> = Boltzmann", N2 * tau * avg - dn / F)
    _ = eps
    rec.finding("Eq. 28 / S14 (and therefore S16, Eq. 42, Eq. 43) miss a minus sign: with "
                "f'(e) = -delta(e - e_F), S11 gives chi_{n_O,r}(0) = -N(e_F) tau "
                "<Re{[n_O]_kk [v]_kk}>_FS. Check: for n_O = v_x the corrected formula gives the "
                "Drude response <v_x> = -(n tau/m) F of carriers pushed along the force -F "
                "(H' = +x F); the printed sign gives the opposite.")
    return rec.done()


if __name__ == "__main__":
    print(derive())
