r"""Labelled arrays: a ribbon profile and a Hall curve as xarray Datasets

`Result.to_xarray()` turns a result into an `xarray.Dataset` with named dimensions,
coordinates and units (xarray is an optional extra: `pip install 'lrtheory[xarray]'`).
A ribbon accumulation becomes variables `charge`, `jx`, `jy`, `omm` with dims
`("part", "orbital")` and the coordinate `y` (in `a`) of every orbital; a Hall curve becomes
`sigma` with the dim `ef`. Selections are then by name (`ds.omm.sel(part="interband")`)
rather than by position in a dict of arrays.

The example: the Haldane model in its topological phase ($t_2 = 0.06$, $\phi = \pi/2$,
$\Delta = 0$), the Hall conductivity against $E_F$ of the bulk (`nk = 48`), and a zigzag
ribbon of $W = 12$ cells at $E_F = 0$ in the gap (`nk = 256`). Checks: the bulk plateau in
the gap is $-Ce^2/h$ with $C$ the Chern number of the occupied band; in the ribbon the
interband OMM is zero at every orbital (the $M_x\Theta$ symmetry of zigzag ribbons,
[Haldane](../haldane.md)); and every value read through the Dataset equals the Result's own.
"""
import os
from pathlib import Path

import numpy as np

from lrtheory.conventions import E2_OVER_H
from lrtheory.models.haldane import haldane
from lrtheory.plots._common import new_figure, save_figure
from lrtheory.response.density import ribbon_accumulation
from lrtheory.response.hall import hall_conductivity

OUT = Path(os.environ.get("LRTHEORY_GALLERY_OUT", "."))
bulk = haldane(t2=0.06, phi=np.pi / 2, delta=0.0)

curve = hall_conductivity(bulk, np.linspace(-3.2, 3.2, 161), nk=48)
hall = curve.to_xarray()
print(hall)
in_gap = hall.sigma.sel(ef=slice(-0.2, 0.2))
c_occ = curve.band_chern[0]
print(f"sigma in the gap: {float(in_gap.mean()) / E2_OVER_H:+.4f} e^2/h; "
      f"-C_occupied = {-c_occ:+.4f}")
if not np.allclose(in_gap.values / E2_OVER_H, -c_occ, atol=2e-3):
    raise SystemExit("Hall plateau != -C e^2/h")

acc = ribbon_accumulation(bulk.ribbon(12), 0.0, nk=256)
ds = acc.to_xarray()
print(ds)
omm = ds.omm
print("units of the OMM parts:", {str(p): omm.attrs[f"units_{p}"] for p in ds.part.values})
inter = omm.sel(part="interband")
print(f"max |interband OMM| = {float(abs(inter).max()):.1e}, max |intraband OMM| = "
      f"{float(abs(omm.sel(part='intraband')).max()):.3f} (per tau)")
if not (float(abs(inter).max()) < 1e-12
        and np.array_equal(inter.values, acc.get("interband", "omm"))
        and np.array_equal(ds.y.values, acc.y)):
    raise SystemExit("ribbon checks failed")

fig = new_figure((10, 3.6))
ax1, ax2, ax3 = fig.subplots(1, 3)
ax1.plot(hall.ef, hall.sigma / E2_OVER_H)
ax1.set_xlabel(f"E_F ({hall.ef.attrs['units']})")
ax1.set_ylabel("sigma_xy (e^2/h)")
ax1.set_title("bulk Haldane, topological")
order = np.argsort(ds.y.values)
for part, style in (("intraband", "o-"), ("interband", "x--")):
    ax2.plot(ds.y.values[order], omm.sel(part=part).values[order], style, ms=3, label=part)
ax2.set_xlabel(f"y ({ds.y.attrs['units']})")
ax2.set_ylabel("OMM accumulation")
ax2.set_title("zigzag ribbon W = 12, E_F = 0")
ax2.legend(fontsize=8)
ax3.plot(ds.y.values[order], ds.jy.sel(part="interband").values[order], "s-", ms=3)
ax3.set_xlabel(f"y ({ds.y.attrs['units']})")
ax3.set_ylabel("interband j_y (Hall current)")
ax3.set_title(ds.jy.attrs["units_interband"], fontsize=7)
fig.tight_layout()
save_figure(fig, OUT / "labelled.png")
