r"""The theorems on a random model: reciprocity and no-dissipation no-accumulation

The general statements of [Theorems](../theorems.md), checked on a random finite system with
exact eigenstates (`lrtheory.finite`, Eq. 17-18, no k-sum and no delta function): 12 sites
with spin-1/2 and spin-orbit coupling, time-reversal invariant by construction
(`random_gapped(kind="spinful")`: a random Kramers Hamiltonian with its levels replaced by a
spectrum with a gap of `1 t0` around $\mu = 0$; the TR invariance is re-checked), and a random
**TR-odd** site-local density $O$ (like a spin or an orbital moment).

1. *Reciprocity* (Eq. 22-23): $\chi_{A,B}(\omega) = \lambda_A\lambda_B\,\chi_{B,A}(\omega)$ for
   the four parity pairs, at a finite frequency.
2. *No dissipation, no accumulation* (Eq. 25-27): the static accumulation
   $\delta n_O(i) = e\,\chi_{n_O(i), x}E_x$ of the TR-odd density is purely the Fermi-surface
   term, and with $\mu$ in the gap it vanishes **linearly in** $\eta$ (the exponent
   $p = \log_2(|\delta n(\eta)| / |\delta n(\eta/2)|)$ is 1). The undergap (principal-part) term is zero
   to rounding.
3. *Counter-example* (Eq. 31-32): the same construction without time reversal
   (`kind="broken_spinful"`): the accumulation has a finite $\eta \to 0$ limit ($p = 0$),
   carried by the undergap term.

The script fails when a residual exceeds its tolerance (stated beside each check).
"""
import os
from pathlib import Path

import numpy as np

from lrtheory.finite.random_systems import random_gapped, random_tr_operator
from lrtheory.finite.response import accumulation_parts, response
from lrtheory.plots._common import new_figure, save_figure

OUT = Path(os.environ.get("LRTHEORY_GALLERY_OUT", "."))
rng = np.random.default_rng(2024)
etas = np.geomspace(1e-4, 1e-1, 13)

tr = random_gapped(12, rng, kind="spinful", gap=1.0)
broken = random_gapped(12, rng, kind="broken_spinful", gap=1.0)
O = random_tr_operator(tr, rng, -1, local=True)        # TR-odd, site-local
O_b = random_tr_operator(tr, rng, -1, local=True)      # same kind of operator for `broken`

# 1. reciprocity, all four parity pairs, at omega = 0.3, eta = 0.05
for la in (1, -1):
    for lb in (1, -1):
        A, B = random_tr_operator(tr, rng, la), random_tr_operator(tr, rng, lb)
        ab = response(tr, A, B, eta=0.05, omega=0.3)
        ba = response(tr, B, A, eta=0.05, omega=0.3)
        res = abs(ab - la * lb * ba) / abs(ab)
        print(f"reciprocity lA = {la:+d}, lB = {lb:+d}: |chi_AB - lA lB chi_BA|/|chi_AB| "
              f"= {res:.1e}")
        if res > 1e-10:  # rounding of a sum of N^2 = 576 terms
            raise SystemExit("reciprocity violated")

# 2./3. the static accumulation of O against eta, with and without TR
curves = {}
for name, system, op in (("TR-invariant", tr, O), ("TR broken", broken, O_b)):
    parts = [accumulation_parts(system, op, eta=e) for e in etas]
    total = np.array([np.abs(p["total"]).max() for p in parts])
    under = np.array([np.abs(p["undergap"]).max() for p in parts])
    half = np.abs(accumulation_parts(system, op, eta=etas[0] / 2)["total"]).max()
    p_exp = np.log2(total[0] / half)
    curves[name] = (total, under)
    print(f"{name:13s}: max_i |dn_O(i)| at eta = 1e-4: {total[0]:.2e}, undergap part "
          f"{under[0]:.1e}; exponent p = {p_exp:+.4f}")
    # tolerances: p within 1e-3 of 1 (gap 1 >> eta: corrections O(eta^2/G^2)); undergap
    # zero to rounding (its terms are O(0.1), the TR-broken value)
    if name == "TR-invariant" and not (abs(p_exp - 1) < 1e-3 and under.max() < 1e-12):
        raise SystemExit("no-dissipation no-accumulation: p != 1 or undergap part not zero")
    if name == "TR broken" and not abs(p_exp) < 1e-3:
        raise SystemExit("counter-example: the TR-broken accumulation should stay finite")

fig = new_figure((6.2, 4))
ax = fig.subplots()
for (name, (total, under)), c in zip(curves.items(), ("C0", "C3")):
    ax.loglog(etas, total, "o-", color=c, label=f"{name}: total")
    ax.loglog(etas, np.maximum(under, 1e-18), "x--", color=c, label=f"{name}: undergap part")
ref = curves["TR-invariant"][0][-1] * etas / etas[-1]
ax.loglog(etas, ref, "k:", lw=1, label=r"$\propto\eta$")
ax.set_xlabel(r"$\eta$ ($t_0$)")
ax.set_ylabel(r"max$_i$ |$\delta n_O(i)$| per unit $E_x$")
ax.set_title("static accumulation of a TR-odd density, mu in the gap")
ax.legend(fontsize=7)
fig.tight_layout()
save_figure(fig, OUT / "eta_scaling.png")
