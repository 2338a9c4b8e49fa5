"""Anomalous Hall conductivity (Fermi-surface, Streda I RA term) of one massive Dirac valley
with scalar white-noise disorder: bare and ladder-dressed against e_F/Delta, beside the
closed forms (intrinsic; derived Born-bare; Sinitsyn et al. 2007 ladder; Ado et al. 2015 with
crossed diagrams); writes docs/img/disorder_dirac_hall.png and prints the table of
docs/disorder.md.

Each point is Richardson-extrapolated from gamma = 0.04 and 0.01 (the O(1/tau) law removed).
Run: ``python examples/disorder_dirac_hall.py [out.png]`` (about a minute).
"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from lrtheory.disorder.diagrams import WhiteNoise  # noqa: E402
from lrtheory.disorder.hall_vertex import (dirac_hall_closed_forms,  # noqa: E402
                                           hall_vertex_conductivity)
from lrtheory.models.continuum import MassiveDirac  # noqa: E402

delta = 1.0
model = MassiveDirac(v=1.0, delta=delta)
ratios = np.array([1.1, 1.5, 2.0, 3.0, 5.0])
rows = []
for r in ratios:
    ef = r * delta
    kf = np.sqrt(ef**2 - delta**2)
    # Born Gamma = gamma e_F/4 (v = 1): the same Gamma/e_F at every point
    runs = [hall_vertex_conductivity(model, ef, WhiteNoise(g), radii=(kf,),
                                     self_consistent=False) for g in (0.04, 0.01)]
    ext = {k: (4 * runs[1][k][0, 1] - runs[0][k][0, 1]) / 3 for k in ("bare", "dressed")}
    ref = dirac_hall_closed_forms(ef, delta)
    rows.append((r, ext["bare"], ref["bare_born"], ext["dressed"], ref["ladder"],
                 ref["intrinsic"], ref["with_crossed"]))
rows = np.array(rows)
e2h = 1 / (2 * np.pi)                                    # e^2/h in e^2/hbar
print("| e_F/Delta | bare (num.) | bare (closed) | ladder (num.) | ladder (Sinitsyn) "
      "| intrinsic | + X, Psi (Ado) |")
print("|---|---|---|---|---|---|---|")
for row in rows:
    print("| " + " | ".join([f"{row[0]:g}"] + [f"{x / e2h:.5f}" for x in row[1:]]) + " |")
x = np.linspace(1.0, 5.5, 200)
cf = [dirac_hall_closed_forms(e, delta) for e in x[1:]]
fig, ax = plt.subplots(figsize=(5.4, 3.8))
for key, style, label in (("intrinsic", "k:", "intrinsic (Berry curvature)"),
                          ("bare_born", "C0-", "bare RA bubble, Born self-energy"),
                          ("ladder", "C1-", "ladder (Sinitsyn et al. 2007)"),
                          ("with_crossed", "C2--", "+ X, Psi (Ado et al. 2015; not computed)")):
    ax.plot(x[1:], [c[key] / e2h for c in cf], style, lw=1, label=label)
ax.plot(rows[:, 0], rows[:, 1] / e2h, "o", color="C0", label="lrtheory, bare")
ax.plot(rows[:, 0], rows[:, 3] / e2h, "s", color="C1", label="lrtheory, ladder")
ax.set_xlabel(r"$\epsilon_F/\Delta$")
ax.set_ylabel(r"$\sigma_{xy}$ ($e^2/h$), one valley")
ax.legend(fontsize=7)
ax.set_title(r"Massive Dirac, scalar white noise, $\hbar/\tau\to 0$")
fig.tight_layout()
fig.savefig(sys.argv[1] if len(sys.argv) > 1 else "docs/img/disorder_dirac_hall.png", dpi=120)
