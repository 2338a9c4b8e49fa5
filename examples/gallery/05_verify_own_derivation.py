r"""Verify your own derivation: a static Zeeman field moves no charge

Runs the tutorial derivation of [Verify your own derivation](../own-derivation.md), the file
`examples/user_derivations/charge_zeeman.py`, exactly as `lrtheory verify --path
examples/user_derivations -v` does: a result that is **not in the paper** (the charge on an
orbital of a time-reversal-invariant system does not respond, at linear order, to a static
Zeeman field: reciprocity with $\lambda_A\lambda_B = -1$ and a static response that is only
the $O(\eta)$ Fermi-surface term), proved in SymPy on an exact 6 x 6 Kramers system, with
three deliberately wrong variants that must be proved non-zero.

Then a numerical illustration on a random spin-1/2 model (exact eigenstates): the Kubo
response of the charge on site 0 to a static Zeeman field falls off linearly with $\eta$,
while the response of the same charge to a potential on site 1 (a TR-even pair, the
$\lambda_A\lambda_B = +1$ case of Eq. 29) tends to a finite value.
"""
import os
from pathlib import Path

import numpy as np

from lrtheory.cli.main import main
from lrtheory.finite.random_systems import random_tr_invariant
from lrtheory.finite.response import response
from lrtheory.plots._common import new_figure, save_figure

OUT = Path(os.environ.get("LRTHEORY_GALLERY_OUT", "."))
FOLDER = Path(__file__).resolve().parents[1] / "user_derivations"

status = main(["verify", "--path", str(FOLDER), "-v", "--quiet"])
if status != 0:
    raise SystemExit(f"lrtheory verify --path {FOLDER} failed (exit {status})")

rng = np.random.default_rng(7)
system = random_tr_invariant(6, rng, spinful=True)       # 12 states, Kramers TR, checked
n = system.n_states
site = np.arange(n) // 2                                  # site-major basis: (site, spin)
n0 = np.diag(site == 0).astype(complex)                   # charge on site 0: TR-even
n1 = np.diag(site == 1).astype(complex)                   # potential on site 1: TR-even
sz = np.diag(np.where(np.arange(n) % 2 == 0, 1.0, -1.0)).astype(complex)  # TR-odd
etas = np.geomspace(1e-4, 1e-1, 13)
kw = dict(temperature=0.2, ef=0.0)
zeeman = np.array([abs(response(system, n0, sz, eta=e, **kw)) for e in etas])
potential = np.array([abs(response(system, n0, n1, eta=e, **kw)) for e in etas])
slope = np.polyfit(np.log(etas[:4]), np.log(zeeman[:4]), 1)[0]
print(f"|chi_(n0, sz)(0)|: {zeeman[0]:.2e} at eta = 1e-4, slope d log|chi|/d log eta = "
      f"{slope:.4f} (1: O(eta)); |chi_(n0, n1)(0)| -> {potential[0]:.4f} (finite)")
if not (abs(slope - 1) < 1e-3 and potential[0] > 1e3 * zeeman[0]):
    raise SystemExit("the Zeeman response should vanish linearly in eta")

fig = new_figure((5.6, 3.8))
ax = fig.subplots()
ax.loglog(etas, zeeman, "o-", label=r"$|\chi_{n_0,\sigma_z}(0)|$ (TR-even, TR-odd)")
ax.loglog(etas, potential, "s-", label=r"$|\chi_{n_0,n_1}(0)|$ (both TR-even)")
ax.set_xlabel(r"$\eta$ ($t_0$)")
ax.set_ylabel("static response")
ax.set_title("random Kramers model, T = 0.2, mu = 0")
ax.legend(fontsize=8)
fig.tight_layout()
save_figure(fig, OUT / "zeeman_vs_eta.png")
