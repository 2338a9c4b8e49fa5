"""Rashba Edelstein response with short-range disorder: bare (Eq. 28, relaxation time) and
ladder-dressed (vertex-corrected) Born route against 1/tau; writes docs/img/disorder_s18.png.

Run: ``python examples/disorder_s18.py [out.png]`` (about 10 s)."""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from lrtheory.disorder.born_response import vertex_corrected_response  # noqa: E402
from lrtheory.disorder.diagrams import WhiteNoise, rashba_born_tau  # noqa: E402
from lrtheory.models.continuum import RashbaGas  # noqa: E402

m, alpha, ef = 1.0, 0.3, 1.0
gas = RashbaGas(m=m, alpha=alpha)
c = gas.fermi_circles(ef)
gammas = np.array([0.2, 0.1, 0.05, 0.025, 0.0125])
rows = []
for g in gammas:
    out = vertex_corrected_response(gas, gas.spin[1], ef, WhiteNoise(g),
                                    radii=(c["k_plus"], c["k_minus"]), self_consistent=False)
    tau = rashba_born_tau(m, g)
    rows.append((1 / tau, out["bare"][0] / tau, out["dressed"][0] / tau))
rows = np.array(rows)
s18 = m * alpha / (2 * np.pi)
fig, ax = plt.subplots(figsize=(5.2, 3.6))
ax.plot(rows[:, 0], rows[:, 2] / s18, "o-", label="ladder-dressed (Born + vertex)")
ax.plot(rows[:, 0], rows[:, 1] / s18, "s-", label="bare bubble (= Eq. 28 as tau -> inf)")
ax.axhline(1.0, color="k", lw=0.8, ls="--", label="printed S18")
ax.axhline(0.5, color="gray", lw=0.8, ls=":", label="Eq. 28 with one tau (finding 5)")
ax.set_xlabel(r"$\hbar/(\tau\, \epsilon_F)$  (Born: $1/\tau = \gamma m$)")
ax.set_ylabel(r"$S_y / (\tau e E_x)$  in units of $m\alpha/2\pi$")
ax.set_xlim(0, None)
ax.set_ylim(0.4, 1.05)
ax.legend(fontsize=8, loc="center right")
ax.set_title(r"Rashba gas, $m = 1$, $\alpha = 0.3$, $\epsilon_F = 1$")
fig.tight_layout()
fig.savefig(sys.argv[1] if len(sys.argv) > 1 else "docs/img/disorder_s18.png", dpi=120)
for r in rows:
    print(f"1/tau = {r[0]:.4f}  bare/S18 = {r[1] / s18:.5f}  dressed/S18 = {r[2] / s18:.5f}")
