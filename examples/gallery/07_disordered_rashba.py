r"""A disordered sample: the Rashba Edelstein effect, bare and ladder-dressed

The Rashba gas (Eq. S15, $m = 1$, $\alpha = 0.3$, $\epsilon_F = 1$, both sub-bands
occupied) with short-range spin-independent disorder
$\langle V(\mathbf r)V(\mathbf r')\rangle = \gamma\,\delta(\mathbf r - \mathbf r')$, treated
with `lrtheory.disorder` ([Disorder](../disorder.md)): the first-Born self-energy, lifetime
$1/\tau = \gamma m$ (`rashba_born_tau`), and the Fermi-surface (RA) Kubo-Streda bubble of the
spin density $S_y$ under a field $E_x$,

$$
\chi^{RA}_{S_y,x} = -\frac{1}{2\pi}\int\frac{d^2k}{(2\pi)^2}\,
\mathrm{Re}\,\mathrm{Tr}\big[\sigma_y\,G^R(\mathbf k)\,\Gamma_x(\mathbf k)\,G^A(\mathbf k)\big],
$$

*bare* ($\Gamma_x = v_x$) and *ladder-dressed* ($\Gamma_x = v_x + C_x$, the vertex
correction). The printed result is S18, $S_y = m\alpha\,\tau eE_x/2\pi$; Eq. (28) with one
relaxation time gives half of it (finding 5 of [Derivations](../derivations.md)).

Checks made by this script (it exits non-zero if one fails), on five disorder strengths
$\gamma = 0.2 \dots 0.0125$ ($\epsilon_F\tau = 5 \dots 80$):

1. the **dressed** response tends to **S18** and the **bare** one to **S18/2**: the
   deviations fall as $1/\tau$ (dressed, the vertex is $O(\gamma)$ off its limit) and
   $1/\tau^2$ (bare, the Lorentzian is even about $\epsilon_F$), i.e. by factors near 2 and 4
   per halving of $\gamma$, and the Richardson-extrapolated limits agree with S18 and S18/2
   to better than the last step over $\epsilon_F\tau = 80$;
2. the ladder cancels the anomalous velocity: $C_x \to -\alpha\sigma_y$, so
   $\Gamma_x \to k_x/m$, within $O(1/\epsilon_F\tau)$;
3. $S_y$ does not respond to $E_y$ (the mirror $x \to -x$).

The right panel shows the deviations from the two limits on log-log axes against the
$1/\tau$ and $1/\tau^2$ laws. The radial k-integral has its break points at the two Fermi
radii; the whole script takes a few seconds.
"""
import os
from pathlib import Path

import numpy as np
from matplotlib.ticker import NullFormatter

from lrtheory.disorder.born_response import vertex_corrected_response
from lrtheory.disorder.diagrams import WhiteNoise, rashba_born_tau
from lrtheory.models.continuum import PAULI, RashbaGas
from lrtheory.plots._common import new_figure, save_figure

OUT = Path(os.environ.get("LRTHEORY_GALLERY_OUT", "."))
m, alpha, ef = 1.0, 0.3, 1.0
gas = RashbaGas(m=m, alpha=alpha)
circles = gas.fermi_circles(ef)
s18 = m * alpha / (2 * np.pi)              # printed S18 / (tau e E_x), hbar = 1

gammas = np.array([0.2, 0.1, 0.05, 0.025, 0.0125])
inv_tau, bare, dressed, vertex, s_y_of_e_y = [], [], [], [], []
for g in gammas:
    out = vertex_corrected_response(gas, gas.spin[1], ef, WhiteNoise(g),
                                    radii=(circles["k_plus"], circles["k_minus"]),
                                    self_consistent=False)
    tau = rashba_born_tau(m, g)
    inv_tau.append(1 / tau)
    bare.append(out["bare"][0] / tau / s18)
    dressed.append(out["dressed"][0] / tau / s18)
    vertex.append(out["vertex"])
    s_y_of_e_y.append(abs(out["dressed"][1]) / abs(out["dressed"][0]))
inv_tau, bare, dressed = map(np.array, (inv_tau, bare, dressed))

print("  1/tau   e_F tau   bare/S18   dressed/S18")
for it, b, d in zip(inv_tau, bare, dressed):
    print(f"{it:7.4f}  {ef / it:7.1f}   {b:.5f}    {d:.5f}")

failures = []
# 1. limits and approach laws: deviation ratios per halving of gamma, Richardson limits
for name, vals, ref, p in (("dressed", dressed, 1.0, 1), ("bare", bare, 0.5, 2)):
    dev = vals - ref
    ratios = dev[:-1] / dev[1:]
    extrap = (2**p * vals[-1] - vals[-2]) / (2**p - 1)       # removes the O(1/tau^p) term
    bound = abs(vals[-1] - vals[-2]) / (ef / inv_tau[-1])
    print(f"{name}: deviation ratios per halving {np.round(ratios, 2)} (expected {2**p}); "
          f"Richardson limit {extrap:.6f} x S18 (expected {ref}, bound {bound:.1e})")
    if not np.all((0.85 * 2**p < ratios) & (ratios < 1.15 * 2**p)):
        failures.append(f"{name}: deviations do not fall as 1/tau^{p}")
    if abs(extrap - ref) > bound:
        failures.append(f"{name}: Richardson limit {extrap} != {ref}")
# 2. the dressed vertex: C_x -> -alpha sigma_y within O(1/(e_F tau))
c_err = np.max(np.abs(vertex[-1][0] + alpha * PAULI[1])) / alpha
print(f"|C_x + alpha sigma_y| / alpha = {c_err:.4f} at e_F tau = {ef / inv_tau[-1]:.0f}")
if c_err > 2 * inv_tau[-1] / ef:
    failures.append("ladder vertex C_x is not -alpha sigma_y")
# 3. S_y does not respond to E_y
print(f"max |S_y(E_y)| / |S_y(E_x)| = {max(s_y_of_e_y):.1e}")
if max(s_y_of_e_y) > 1e-12:
    failures.append("S_y responds to E_y")
if failures:
    raise SystemExit("; ".join(failures))

fig = new_figure((10, 3.8))
ax1, ax2 = fig.subplots(1, 2)
ax1.plot(inv_tau, dressed, "o-", label="ladder-dressed (Born + vertex)")
ax1.plot(inv_tau, bare, "s-", label="bare bubble")
ax1.axhline(1.0, color="k", lw=0.8, ls="--", label="printed S18")
ax1.axhline(0.5, color="gray", lw=0.8, ls=":", label="S18/2 = Eq. 28, one tau")
ax1.set_xlabel(r"$\hbar/(\tau\,\epsilon_F)$  (Born: $1/\tau = \gamma m$)")
ax1.set_ylabel(r"$S_y/(\tau e E_x)$ in units of $m\alpha/2\pi$")
ax1.set_xlim(0, None)
ax1.set_ylim(0.4, 1.05)
ax1.legend(fontsize=8, loc="center right")
ax1.set_title(r"Rashba gas, $m = 1$, $\alpha = 0.3$, $\epsilon_F = 1$")
ax2.loglog(inv_tau, 1.0 - dressed, "o-", label="1 - dressed/S18")
ax2.loglog(inv_tau, 0.5 - bare, "s-", label="1/2 - bare/S18")
ax2.loglog(inv_tau, (1.0 - dressed[-1]) * inv_tau / inv_tau[-1], "k--", lw=0.8,
           label=r"$\propto 1/\tau$")
ax2.loglog(inv_tau, (0.5 - bare[-1]) * (inv_tau / inv_tau[-1])**2, "k:", lw=0.8,
           label=r"$\propto 1/\tau^2$")
ax2.xaxis.set_minor_formatter(NullFormatter())
ax2.set_xlabel(r"$\hbar/(\tau\,\epsilon_F)$")
ax2.set_ylabel("deviation from the limit")
ax2.legend(fontsize=8)
ax2.set_title("approach to the weak-disorder limits")
fig.tight_layout()
save_figure(fig, OUT / "disordered_rashba.png")
