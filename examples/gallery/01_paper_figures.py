r"""The paper's Figs. 1-3, corrected

Zigzag Haldane ribbons, $W = 20$ cells, the parameters and readings of
[Haldane nanoribbons](../haldane.md): Fig. 1 the ribbon bands; Fig. 2 gapped graphene
($t_2 = 0$, TR-invariant) at $E_F = 1.5\,t_0$; Fig. 3 broken TR at $E_F = 0$. Here the ribbon
k-sums use **`nk = 256`** points instead of the default 2048 (`lrtheory figure all` uses
2048), to keep the gallery fast; the printed relative change when `nk` is halved says how
converged each figure is (Fig. 2: below 1%).

**The printed formula beside the corrected one.** The paper computes the OMM density of a
ribbon from Eq. 55 with the matrix of Eq. 57,

$$
m_{nl}(k) = -\frac{e}{2\hbar}\,\partial_k[\epsilon_{nk} + \epsilon_{lk}]\,r^y_{nl}(k)
+ \frac{e}{4i\hbar}\sum_{n'}(\epsilon_{lk} + \epsilon_{nk} - 2\epsilon_{n'k})
\big[A_{nn'}(k)\,r^y_{n'l}(k) - r^y_{nn'}(k)\,A_{n'l}(k)\big] \qquad \text{(57, printed)}
$$

whose diagonal is the self-rotation plus **twice** the wave-packet centre-of-mass term and
whose off-diagonal elements depend on the gauge of the Bloch states (finding 8 of
[Derivations](../derivations.md)). lrtheory plots instead the gauge-invariant density of
point-like orbitals (Eq. 52 for the lattice),

$$
n_m(y) = -\frac q2\,y\,\delta j_x(y), \qquad q = -1 \qquad \text{(corrected)}
$$

with $\delta j_x(y)$ the site velocity density from Eq. (55). In Fig. 2(c) the red crosses are
the printed route (Eq. 55 with S47/S51 and Eq. 57): 2.5 times larger at the edges. In
Fig. 3(b) the grey crosses are the printed route in a random gauge: non-zero and different
in every gauge, where the correct interband OMM is zero at every y.

Checks made by this script (it fails if one does not hold): the interband (undergap) OMM
vanishes at every orbital in Figs. 2 and 3 (the no-dissipation no-accumulation theorem and
the $M_x\Theta$ symmetry of zigzag ribbons), and Fig. 2's intraband OMM profile is odd in $y$.
"""
import os
from pathlib import Path

import numpy as np

from lrtheory.io.results import load_result
from lrtheory.plots.figures import make_figure

OUT = Path(os.environ.get("LRTHEORY_GALLERY_OUT", "."))
NK = 256  # default of `lrtheory figure`: 2048

for n in (1, 2, 3):
    res = make_figure(n, OUT, nk=NK)
    conv = {k: f"{v:.1e}" for k, v in res["params"].items() if "rel_change" in k}
    print(f"Fig. {n}: {res['png'].name}  relative change when nk is halved: {conv or '-'}")

# Fig. 2 (TR-invariant, E_F in the conduction band): interband OMM zero, intraband odd in y
d2, _ = load_result(OUT / "fig2.npz")
scale = np.max(np.abs(d2["intraband_omm"]))
inter = np.max(np.abs(d2["interband_omm"]))
sym = np.max(np.abs(d2["intraband_omm_sym"]))
print(f"Fig. 2: max |interband OMM| = {inter:.1e}, max |intraband OMM| = {scale:.3f}, "
      f"symmetric part of the intraband OMM {sym:.1e}")
if not (inter < 1e-12 * scale and sym < 1e-12 * scale):
    raise SystemExit("Fig. 2: interband OMM or symmetric intraband part not zero")

# Fig. 3 (broken TR, E_F = 0 in the gap): interband OMM zero at every orbital, both phases
d3, _ = load_result(OUT / "fig3.npz")
for phase in ("triv", "topo"):
    inter = np.max(np.abs(d3[f"{phase}_interband_omm"]))
    printed = np.max(np.abs(d3[f"{phase}_paper_random_interband_omm"]))
    print(f"Fig. 3 {phase}: max |interband OMM| = {inter:.1e}; printed Eq. 57 route in a "
          f"random gauge: {printed:.1e}")
    if inter > 1e-12:
        raise SystemExit(f"Fig. 3 {phase}: the interband OMM should vanish at every y")
