"""Undergap (interband) OMM accumulation of Haldane ribbons: zigzag vs armchair cut (issue #18).

Same bulk model (t2 = 0.06, phi = 1.0, Delta = 0.5, trivial phase), same E_F = -0.089 in the
gap, W = 12 cells across: on the zigzag ribbon M_x Theta fixes every orbital and the
interband OMM vanishes at every orbital; on the armchair ribbon M_x Theta exchanges A and B
at the same y and there is no other operation forcing the per-orbital (or the net)
accumulation to zero. The armchair ribbon is cross-checked against a long finite flake with
exact eigenstates (lrtheory.finite: literal x, v = i[H, r], m_z), middle column.

    python examples/armchair_vs_zigzag.py --out docs/img      # ~10 s; PNG + printed numbers
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from lrtheory.conventions import ELECTRON_CHARGE as Q
from lrtheory.models.cuts import with_lattice_basis
from lrtheory.models.haldane import haldane
from lrtheory.response.density import ribbon_accumulation

PARAMS = dict(t2=0.06, phi=1.0, delta=0.5)
EF, W, NK = -0.089, 12, 512


def ribbons(**params):
    """The zigzag ribbon (along a_1) and the armchair ribbon (along (-1, 2) = (0, sqrt3), B
    moved to delta_3: one A-B dimer line per cell) of the same Haldane model."""
    m = haldane(**params)
    arm = m.move_orbital(1, (0, -1))
    return m.ribbon(W), arm.ribbon(W, direction=(-1, 2)), arm


def flake_middle_column(bulk, rib, n1: int, ef: float):
    """Interband (undergap, eta -> 0) charge, j_x, j_y and literal OMM responses to E_x of the
    middle column of an ``n1 x W`` flake cut like ``rib`` (exact eigenstates), in the
    ribbon's orbital order and frame. Returns (dict, x offsets of the column, gap at E_F)."""
    from lrtheory.finite import observables as obs
    from lrtheory.finite.response import density_accumulation
    from lrtheory.finite.system import FiniteSystem

    mb = with_lattice_basis(bulk, [list(rib.cut.direction), list(rib.cut.stacking)])
    H, pos = mb.flake(n1, rib.cut.width)
    ex, ey = rib.frame[0][:pos.shape[1]], rib.frame[1][:pos.shape[1]]
    x, y = pos @ ex, pos @ ey
    y = y - 0.5 * (y.max() + y.min())
    n = bulk.n_orbitals
    idx = np.array([((n1 // 2) * rib.cut.width + c) * n + mu for c in range(rib.cut.width)
                    for mu in range(n)])
    x = x - x[idx].mean()
    fs = FiniteSystem(H, np.stack([x, y], axis=1))
    kw = dict(field=[1.0, 0.0], eta=1e-9, ef=ef, part="undergap")
    v = obs.velocity(fs)
    out = {"charge": density_accumulation(fs, None, **kw)[idx],
           "jx": density_accumulation(fs, v[0], **kw)[idx],
           "jy": density_accumulation(fs, v[1], **kw)[idx],
           "omm": density_accumulation(fs, obs.orbital_moment(fs), **kw)[idx]}
    return out, x[idx], float(np.min(np.abs(fs.eigensystem.energies - ef)))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=None, help="folder for armchair_vs_zigzag.png")
    ap.add_argument("--n1", type=int, default=48, help="flake length (cells along the ribbon)")
    args = ap.parse_args(argv)
    zig, arm, arm_bulk = ribbons(**PARAMS)
    az = ribbon_accumulation(zig, EF, nk=NK, convergence=False)
    aa = ribbon_accumulation(arm, EF, nk=NK, convergence=False)
    fl, xoff, gap = flake_middle_column(arm_bulk, arm, args.n1, EF)
    om_z, om_a = az.get("interband", "omm"), aa.get("interband", "omm")
    pred = (Q / 2) * (xoff * aa.get("interband", "jy") - aa.y * aa.get("interband", "jx"))
    dev = max(np.abs(fl[q] - aa.get("interband", q)).max() for q in ("charge", "jx", "jy"))
    dev = max(dev, np.abs(fl["omm"] - pred).max())
    print(f"zigzag   W={W}: interband OMM max |.| = {np.abs(om_z).max():.3g}, "
          f"net = {om_z.sum():.3g} per cell per unit E_x")
    print(f"armchair W={W}: interband OMM max |.| = {np.abs(om_a).max():.4g}, "
          f"net = {om_a.sum():.4g} per period (sqrt3 a) per unit E_x")
    print(f"flake {args.n1} x {W} (gap to E_F {gap:.3g} t0): max deviation of the middle "
          f"column from the armchair ribbon (charge, j_x, j_y, literal OMM) = {dev:.2g}")
    if args.out:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharey=True)
        for ax, acc, title in ((axes[0], az, "zigzag (along a_1)"),
                               (axes[1], aa, "armchair (along (0, sqrt3))")):
            om = acc.get("interband", "omm")
            for mu, (mk, lab) in enumerate((("o", "A"), ("s", "B"))):
                ax.plot(acc.y[mu::2], om[mu::2], mk, ms=5, mfc="none", label=f"{lab} sites")
            ax.axhline(0, color="0.6", lw=0.8)
            ax.set_title(f"{title}: net {om.sum():.3g}")
            ax.set_xlabel("y (a)")
        axes[1].plot(aa.y, -(Q / 2) * aa.y * fl["jx"], "k.", ms=3,
                     label=f"flake {args.n1}x{W}, -(q/2) y j_x")
        axes[0].set_ylabel("interband OMM accumulation (per cell, per unit E_x)")
        axes[1].legend(fontsize=8)
        fig.suptitle(f"Haldane t2 = 0.06, phi = 1.0, Delta = 0.5, E_F = {EF} (in the gap), "
                     f"W = {W}")
        fig.tight_layout()
        Path(args.out).mkdir(parents=True, exist_ok=True)
        fig.savefig(Path(args.out) / "armchair_vs_zigzag.png", dpi=110)
        print(f"wrote {Path(args.out) / 'armchair_vs_zigzag.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
