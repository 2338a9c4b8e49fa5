"""Worked example: your own model typed as a SymPy matrix -> bands, time reversal, Chern number.

The model is the Qi-Wu-Zhang Chern insulator on a square lattice (a = 1, energies in t0):

    H(k) = sin kx sx + sin ky sy + (m + cos kx + cos ky) sz

Its lower band has Chern number +-1 for 0 < |m| < 2 and 0 for |m| > 2 (the gap closes at
m = 0, +-2). Run:

    python3 examples/own_model_sympy.py            # default grid
    python3 examples/own_model_sympy.py --nk 12    # quick (what CI runs)
    python3 examples/own_model_sympy.py --plot qwz.png
"""
from __future__ import annotations

import argparse

import numpy as np
import sympy as sp

from lrtheory.errors import SymmetryError
from lrtheory.models.lattice import k_path
from lrtheory.models.sympy_model import SympyBlochModel


def build(m: float) -> SympyBlochModel:
    kx, ky, mm = sp.symbols("kx ky m", real=True)
    d = [sp.sin(kx), sp.sin(ky), mm + sp.cos(kx) + sp.cos(ky)]
    H = sp.Matrix([[d[2], d[0] - sp.I * d[1]],
                   [d[0] + sp.I * d[1], -d[2]]])
    # both orbitals on the same site: this H(k) is also in the atomic-position convention
    return SympyBlochModel(H, {"m": m}, lattice_vectors=[[1, 0], [0, 1]],
                           positions=[[0, 0], [0, 0]], name="QWZ")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nk", type=int, default=48, help="k-grid per direction for C (48)")
    ap.add_argument("--plot", help="write the band structure for m = -1 to this PNG")
    args = ap.parse_args(argv)

    model = build(-1.0)
    print(model)
    # 1. bands along G-X-M-G
    k, kdist, ticks, labels = k_path(model, "G-X-M-G", 120)
    e = np.linalg.eigvalsh(model.hamiltonian(k))
    print(f"bands along {'-'.join(labels)}: [{e.min():.4f}, {e.max():.4f}] t0, "
          f"gap {e[:, 1].min() - e[:, 0].max():.4f} t0 (expected 2: |d(k)| = 1 on G-X for "
          "m = -1 and >= 1 elsewhere)")
    if args.plot:
        from lrtheory.plots.bands import plot_bands

        plot_bands(args.plot, kdist, e, ticks=ticks, labels=labels, title="QWZ, m = -1")
        print(f"wrote {args.plot}")

    # 2. time reversal: declare Theta = K and let lrtheory check it
    try:
        SympyBlochModel(model.symbolic_hamiltonian, model.params,
                        lattice_vectors=model.lattice_vectors, time_reversal=np.eye(2))
        print("time reversal Theta = K: a symmetry")
    except SymmetryError as exc:
        print(f"time reversal Theta = K: broken ({exc})")

    # 3. Chern number of the lower band (Kubo Berry curvature summed on a k-grid)
    try:
        from lrtheory.response.hall import chern_numbers
    except ImportError:  # pragma: no cover - the bulk module not installed
        print("Chern numbers: lrtheory.response.hall not available")
        return 0
    for m in (-1.0, 1.0, 3.0):
        c = chern_numbers(model.with_params(m=m), nk=args.nk)
        expected = 0 if abs(m) > 2 else 1  # |C| from the winding of d(k); sign flips with m
        print(f"m = {m:+.1f}: C_lower = {c.value[0]:+.4f} (change on doubling "
              f"{c.error_estimate:.1e}); expected |C| = {expected}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
