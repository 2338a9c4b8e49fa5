r"""Your own model from scratch, typed as a SymPy matrix

The Qi-Wu-Zhang Chern insulator on a square lattice ($a = 1$, energies in $t_0$),

$$
H(\mathbf k) = \sin k_x\,\sigma_x + \sin k_y\,\sigma_y + (m + \cos k_x + \cos k_y)\,\sigma_z,
$$

typed as a 2 x 2 SymPy matrix and handed to `SympyBlochModel`, which differentiates and
compiles it once (the same path as a model file, see [Your own model](../own-model.md) and
`examples/own_model_sympy.py`). The script draws the bands, the Chern number of the lower
band against $m$, and the electrical Hall conductivity against $E_F$ for $m = -1$.

Checks: $C = \pm1$ for $0 < |m| < 2$ and $0$ for $|m| > 2$, equal (with its sign) to an
**independent count**, the degree of the unit vector $\mathbf d(\mathbf k)/|\mathbf d(\mathbf k)|$ over the Brillouin zone
(the sum of the solid angles of the plaquettes of a k-grid, no Bloch states and no Berry
curvature); and in the gap the Hall conductivity is $-Ce^2/h$ (charge current $\mathbf j = -e\mathbf v$,
[Conventions](../conventions.md)). Grids: `nk = 24` for the Chern numbers, `nk = 48` for the
Hall curve (the change when `nk` is halved is printed).
"""
import os
from pathlib import Path

import numpy as np
import sympy as sp

from lrtheory.conventions import E2_OVER_H
from lrtheory.models.lattice import k_path
from lrtheory.models.sympy_model import SympyBlochModel
from lrtheory.plots._common import new_figure, save_figure
from lrtheory.response.hall import chern_numbers, hall_conductivity

OUT = Path(os.environ.get("LRTHEORY_GALLERY_OUT", "."))

kx, ky, m = sp.symbols("kx ky m", real=True)
d = sp.Matrix([sp.sin(kx), sp.sin(ky), m + sp.cos(kx) + sp.cos(ky)])
H = sp.Matrix([[d[2], d[0] - sp.I * d[1]], [d[0] + sp.I * d[1], -d[2]]])
model = SympyBlochModel(H, {"m": -1.0}, lattice_vectors=[[1, 0], [0, 1]],
                        positions=[[0, 0], [0, 0]], name="QWZ")


def degree(mass, n=60):
    """Degree of d/|d| on an n x n grid: total solid angle of the plaquettes / 4 pi."""
    g = 2 * np.pi * np.arange(n) / n
    X, Y = np.meshgrid(g, g, indexing="ij")
    v = np.stack([np.sin(X), np.sin(Y), mass + np.cos(X) + np.cos(Y)], -1)
    v /= np.linalg.norm(v, axis=-1, keepdims=True)
    a, b = v, np.roll(v, -1, 0)
    c, e = np.roll(b, -1, 1), np.roll(v, -1, 1)

    def omega(p, q, r):  # solid angle of the spherical triangle (Van Oosterom-Strackee)
        num = np.einsum("...i,...i", p, np.cross(q, r))
        den = 1 + (p * q).sum(-1) + (q * r).sum(-1) + (r * p).sum(-1)
        return 2 * np.arctan2(num, den)

    return (omega(a, b, c) + omega(a, c, e)).sum() / (4 * np.pi)


# 1. bands along G-X-M-G
k, kdist, ticks, labels = k_path(model, "G-X-M-G", 200)
bands = np.linalg.eigvalsh(model.hamiltonian(k))

# 2. Chern number of the lower band against m, and the independent degree of d/|d|
masses = np.array([-3.0, -2.5, -1.5, -1.0, -0.5, 0.5, 1.0, 1.5, 2.5, 3.0])
chern = np.array([chern_numbers(model.with_params(m=x), nk=24).value[0] for x in masses])
deg = np.array([degree(x) for x in masses])
for x, c, w in zip(masses, chern, deg):
    print(f"m = {x:+.1f}: C_lower = {c:+.4f}   degree of d/|d| = {w:+.4f}")
# the lower band's curvature is +d.(d_x d x d_y d)/(2|d|^3) (derivation `two_band`), so C
# equals the degree with its sign; |C| = 1 exactly inside |m| < 2
expected = np.where(np.abs(masses) < 2, 1, 0)
if not (np.allclose(chern, deg, atol=1e-3) and np.allclose(np.abs(deg), expected, atol=1e-6)):
    raise SystemExit("Chern numbers disagree with the winding of d(k)")

# 3. Hall conductivity against E_F at m = -1 (gap |E| < 1): -C_occupied e^2/h inside it
ef = np.linspace(-3.5, 3.5, 141)
curve = hall_conductivity(model, ef, nk=48)
in_gap = np.abs(ef) < 0.9
c_low = chern_numbers(model, nk=48).value[0]
change = np.abs(curve.change_on_doubling) / E2_OVER_H  # e^2/hbar -> e^2/h
print(f"m = -1, nk = 48: sigma_xy in the gap = {curve.sigma_e2h[in_gap].mean():+.4f} e^2/h "
      f"(expected -C_lower = {-c_low:+.4f}); change when nk is halved: "
      f"{change[in_gap].max():.1e} e^2/h in the gap, {change.max():.1e} in the bands")
if not np.allclose(curve.sigma_e2h[in_gap], -c_low, atol=2e-3):
    raise SystemExit("the Hall plateau is not -C e^2/h")

fig = new_figure((11, 3.4))
ax1, ax2, ax3 = fig.subplots(1, 3)
ax1.plot(kdist, bands, "k-")
ax1.set_xticks(ticks, labels)
ax1.set_ylabel(r"$E$ ($t_0$)")
ax1.set_title("QWZ bands, m = -1")
ax2.plot(masses, chern, "o", label="C (Kubo curvature)")
ax2.plot(masses, deg, "x", ms=9, label=r"degree of $\hat d$")
ax2.set_xlabel("m")
ax2.set_title("lower band")
ax2.legend(fontsize=8)
ax3.plot(ef, curve.sigma_e2h, "-")
ax3.axvspan(-1, 1, color="0.9")
ax3.set_xlabel(r"$E_F$ ($t_0$)")
ax3.set_ylabel(r"$\sigma_{xy}$ ($e^2/h$)")
ax3.set_title("Hall conductivity, m = -1, nk = 48")
fig.tight_layout()
save_figure(fig, OUT / "qwz.png")
