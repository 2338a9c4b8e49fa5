r"""Units and sign conventions of lrtheory, in one place (see docs/conventions.md).

Units
-----
``hbar = 1``, elementary charge ``e = 1`` (a positive number), lengths in the lattice
constant ``a`` of the model (for the Haldane model: the next-nearest-neighbour distance,
``|l_n| = 1``, so the carbon-carbon distance is ``1/sqrt(3)``), energies in units of the
nearest-neighbour hopping ``t0``. Then times are in ``hbar/t0``, velocities in ``a t0/hbar``,
the field ``E`` in ``t0/(e a)``, conductivities in ``e^2/hbar`` (so ``e^2/h = 1/(2 pi)``).

Signs
-----
* The electron charge is ``q = -e = ELECTRON_CHARGE = -1``.
* A static uniform field couples as ``H_E = H_0 + e E . r`` (paper Eq. 3): the potential
  energy of a charge ``-e`` in a field ``E``. The Kubo formula (Eq. 17-18) then reads
  ``delta A = chi_{A,B} F`` for ``H' = + B F`` with
  ``chi_{A,B}(omega) = sum_{ab} (f_a - f_b)/(e_a - e_b + omega + i eta) A_ab B_ba``,
  and the density response to E is ``delta n = e chi_{n, r} . E`` (Eq. 20).
* Orbital moment: ``m = (q/4) (r x v - v x r)`` with ``q = -e`` (the paper's Sec. II form
  ``(-e/4)(...)``, the physical moment of an electron; Sec. VI of the paper writes ``(e/4)``:
  its OMM figures therefore carry the opposite overall sign, see docs/derivations.md).
  The bulk band moment is then ``m_n(k) = (e/2 hbar) Im <d_k u| x (H - e_n) |d_k u>``
  (Xiao, Chang, Niu, RMP 82, 1959, written for charge ``-e``).
* Velocity ``v = i [H, r] / hbar``; in a Bloch model with the atomic-position convention
  (paper Eq. S48: phases ``exp(i k.(R + r_mu))``) ``v(k) = dH/dk``.
* Berry connection ``A_mn(k) = i <u_m | d_k u_n>``; off-diagonal from the sum rule
  ``A_mn = i v_mn / (e_n - e_m)``; Berry curvature ``Omega_n = d_kx A^y_nn - d_ky A^x_nn``
  ``= -2 Im sum_{m != n} v^x_nm v^y_mn / (e_n - e_m)^2``; Chern number
  ``C_n = (1/2 pi) int Omega_n d^2k``. Charge current ``j = q v``; conductivities follow
  from the Kubo formula above with ``A = q v / area``, ``B = r`` (sign written out in
  :mod:`lrtheory.response.hall`).
* Time reversal: ``Theta = U K``; spinless ``U = 1``; spin-1/2 ``U = i sigma_y (x) 1``.
  The TR signature ``lambda_A`` of a Hermitian ``A`` is defined by
  ``Theta A Theta^{-1} = lambda_A A`` (position +1, velocity -1, orbital moment -1,
  spin -1, current of a TR-odd density +1).
* Fourier: ``f(k) = sum_R exp(-i k.R) f(R)`` ... Bloch states ``psi_nk(r) =
  N^{-1/2} sum_R sum_mu C^{nk}_mu exp(i k.(R + r_mu)) phi_{R mu}(r)``.
* Arrays: k-batch axes first, then Cartesian components, then bands ``(..., n, n)``.
  ``k_cart`` is in units of 1/a (Cartesian); ``k_red`` in units of the reciprocal basis.
"""
from __future__ import annotations

import numpy as np

HBAR = 1.0
"""Reduced Planck constant: 1 in lrtheory's units."""
E_CHARGE = 1.0
"""Elementary charge e > 0: 1 in lrtheory's units."""
ELECTRON_CHARGE = -1.0
"""Charge of the carriers, q = -e (every current and OMM carries it)."""
#: Conductance quantum e^2/h in units of e^2/hbar.
E2_OVER_H = 1.0 / (2.0 * np.pi)

#: Prefactor of the orbital moment operator m = OMM_PREFACTOR * (r x v - v x r).
OMM_PREFACTOR = ELECTRON_CHARGE / 4.0

TR_PARITY = {
    "position": +1,
    "charge": +1,
    "density": +1,
    "velocity": -1,
    "current": -1,
    "spin": -1,
    "orbital_moment": -1,
    "valley": -1,
    "current_of_tr_odd": +1,
}
"""TR signatures of the standard operators: ``Theta A Theta^-1 = lambda A`` (Eq. 22)."""

#: The one tolerance rule of symmetry checks (time reversal and any antiunitary symmetry):
#: the residual, e.g. ``max |U H(k)^* U^dagger - H(-k)|``, relative to the energy scale
#: ``max |H|``, must not exceed this (see :class:`lrtheory.models.time_reversal.TimeReversal`).
SYMMETRY_RTOL = 1e-9

#: Default degeneracy threshold (energy units) below which two levels are treated as one
#: degenerate level: gauge-covariant formulas then use the degenerate-subspace limit.
DEGEN_TOL = 1e-8

