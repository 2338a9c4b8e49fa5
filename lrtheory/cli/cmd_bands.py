"""``lrtheory bands``: band structure of a built-in or user model along a k-path.

Bulk (2D/3D) models: a path through named high-symmetry points (``G-K-M-K'-G`` on the
hexagonal lattice, ``G-X-M-G`` on the square lattice) or explicit points in reduced
coordinates of the reciprocal vectors (``"[0,0]-[0.5,0]-[1/3,1/3]"``). With ``--width W``
the 2D model is cut into a ribbon of W cells (periodic along a1, open along a2: zigzag for
the Haldane model) and bands are plotted against k along the ribbon, from -pi/|a1| to pi/|a1|.
One-dimensional models always use that 1D path.

Prints a short summary: number of bands, energy range, the gap at the chosen filling along
the path (a path-based estimate of the true gap) and whether time reversal is declared.
Energies in t0, k in 1/a.
"""
from __future__ import annotations

import json
import re
import sys

import numpy as np

from lrtheory.cli.common import (add_model_args, add_output_args, check_width, cli_warnings,
                                 load_hopping_model, load_model, model_summary,
                                 parse_params)
from lrtheory.errors import LrtheoryError, ModelError

__all__ = ["add_parser", "run", "compute", "k_path", "named_points"]

EXAMPLES = """examples:
  lrtheory bands                                          # Haldane model, G-K-M-K'-G
  lrtheory bands --param delta=0 --plot haldane.png
  lrtheory bands --model gapped-graphene --width 20 --plot ribbon.png
  lrtheory bands --model examples/haldane.toml --param t2=0.1 --out bands.npz
  lrtheory bands --path "G-M-K-G" --nk 400 --json
  lrtheory bands --path "[0,0]-[0.5,0]-[1/3,1/3]-[0,0]"
"""

_TOL = 1e-6


def add_parser(sub):
    import argparse

    p = sub.add_parser("bands", help="band structure along a k-path (bulk) or a ribbon's k",
                       description=__doc__, epilog=EXAMPLES,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    add_model_args(p)
    p.add_argument("--path", default=None,
                   help="k-path: named points joined by '-' (hexagonal: G K K' M; square: G X "
                        "Y M; cubic: G X M R) or [a,b] reduced coordinates (default: G-K-M-K'-G "
                        "or G-X-M-G; ignored for 1D models and ribbons)")
    p.add_argument("--nk", type=int, default=300,
                   help="number of k-points along the whole path (default 300)")
    p.add_argument("--width", default=None, metavar="W",
                   help="cut the 2D model into a ribbon of W unit cells (periodic along a1)")
    p.add_argument("--filling", type=int, default=None, metavar="N",
                   help="number of filled bands for the gap estimate (default: half)")
    add_output_args(p, plot=True)
    p.set_defaults(func=run)
    return p


# -- k-paths --------------------------------------------------------------------------------
def _angle(a, b) -> float:
    return float(np.degrees(np.arccos(np.clip(a @ b / np.linalg.norm(a) / np.linalg.norm(b),
                                              -1, 1))))


def named_points(lattice_vectors) -> dict[str, np.ndarray]:
    """High-symmetry points (reduced coordinates of the reciprocal vectors) of the lattice.

    Hexagonal (|a1| = |a2|, angle 60 or 120 degrees): G, K, K', M with K a corner of the
    hexagonal Brillouin zone, |K| = 4 pi / (3 |a|), M the middle of the zone edge through
    K and K' = 2M - K (equivalent to -K, the other valley). Square/rectangular (90 degrees): G, X, Y,
    M. Simple cubic (3D, orthogonal): G, X, M, R. Other lattices: G only (give [a,b]).
    """
    lat = np.asarray(lattice_vectors, float)
    dim = lat.shape[0]
    pts = {"G": np.zeros(dim)}
    if dim == 2 and lat.shape[1] == 2:
        n1, n2 = np.linalg.norm(lat, axis=1)
        ang = _angle(lat[0], lat[1])
        if abs(n1 - n2) < _TOL * n1 and (abs(ang - 60) < 1e-6 or abs(ang - 120) < 1e-6):
            b = 2 * np.pi * np.linalg.inv(lat).T
            kmag = 4 * np.pi / (3 * n1)
            cands = [np.array(c) for c in ((1 / 3, 1 / 3), (2 / 3, 1 / 3), (1 / 3, 2 / 3),
                                           (2 / 3, -1 / 3), (1 / 3, -1 / 3))]
            K = next(c for c in cands if abs(np.linalg.norm(c @ b) - kmag) < 1e-9)
            M = np.array([0.5, 0.0])
            # K' = 2M - K (= -K modulo a reciprocal vector): K-M-K' runs along a zone edge
            pts.update(K=K, M=M, **{"K'": 2 * M - K})
        elif abs(ang - 90) < 1e-6:
            pts.update(X=np.array([0.5, 0.0]), Y=np.array([0.0, 0.5]), M=np.array([0.5, 0.5]))
    elif dim == 3 and lat.shape[1] == 3:
        if all(abs(_angle(lat[i], lat[j]) - 90) < 1e-6 for i, j in ((0, 1), (0, 2), (1, 2))):
            pts.update(X=np.array([0.5, 0, 0]), M=np.array([0.5, 0.5, 0]),
                       R=np.array([0.5, 0.5, 0.5]))
    elif dim == 1:
        pts["X"] = np.array([0.5])
    return pts


def _split_path(spec: str) -> list[str]:
    """Split ``"G-K-[0.5,-0.5]"`` at the '-' outside brackets."""
    tokens, depth, cur = [], 0, ""
    for ch in spec:
        depth += ch in "[("
        depth -= ch in "])"
        if ch == "-" and depth == 0:
            tokens.append(cur.strip())
            cur = ""
        else:
            cur += ch
    tokens.append(cur.strip())
    if any(not t for t in tokens):
        raise LrtheoryError(f"--path {spec[:60]!r}: empty point name (points are joined by "
                            "single '-', e.g. G-K-M-G)")
    return tokens


def _parse_point(token: str, pts: dict, dim: int) -> np.ndarray:
    from lrtheory.cli.common import parse_number
    from lrtheory.expressions import MAX_SHOWN, split_top_level

    token = token.strip()
    if token in pts:
        return pts[token]
    m = re.fullmatch(r"[\[(]\s*(.*?)\s*[\])]", token, flags=re.S)
    if m:
        label = token if len(token) <= MAX_SHOWN else token[:MAX_SHOWN - 3] + "..."
        vals = [parse_number(x, f"k-point {label}") for x in split_top_level(m.group(1))]
        if len(vals) != dim:
            raise LrtheoryError(f"k-point {label} has {len(vals)} coordinates, expected {dim}")
        return np.array(vals, float)
    raise LrtheoryError(f"unknown k-point {token[:60]!r} in --path; named points of this "
                        f"lattice: {sorted(pts)} (or give reduced coordinates like [0.5,0])")


def k_path(model, spec: str | None, nk: int):
    """Cartesian k-points along a path.

    Returns ``(k (nk, dim), kdist (nk,), ticks, labels)``; points are distributed over the
    segments in proportion to their length (at least 2 per segment), k in 1/a.
    """
    if nk < 2:
        raise LrtheoryError(f"--nk must be >= 2, got {nk}")
    lat = np.asarray(model.lattice_vectors, float)
    dim = model.dim
    if dim == 1:
        a = float(np.linalg.norm(lat[0]))
        kk = np.linspace(-np.pi / a, np.pi / a, nk)[:, None]
        return kk, kk[:, 0].copy(), [-np.pi / a, 0.0, np.pi / a], ["-pi/a", "0", "pi/a"]
    if lat.shape[1] != dim:
        raise ModelError(f"bulk k-paths need dim = spatial dimension, got a {dim}D model in "
                         f"{lat.shape[1]}D space")
    pts = named_points(lat)
    if spec is None:
        spec = "G-K-M-K'-G" if "K" in pts else ("G-X-M-G" if "M" in pts else None)
        if spec is None:
            raise LrtheoryError("no default path for this lattice: give --path with reduced "
                                "coordinates, e.g. '[0,0]-[0.5,0]-[0.5,0.5]-[0,0]'")
    tokens = _split_path(spec)
    if len(tokens) < 2:
        raise LrtheoryError(f"--path needs at least two points joined by '-', got {spec!r}")
    b = 2 * np.pi * np.linalg.inv(lat).T
    corners = np.array([_parse_point(t, pts, dim) @ b for t in tokens])
    seg = np.linalg.norm(np.diff(corners, axis=0), axis=1)
    if np.any(seg == 0):
        raise LrtheoryError(f"--path {spec!r} repeats a point")
    counts = np.maximum(2, np.round(seg / seg.sum() * (nk - 1)).astype(int))
    ks, ds = [], []
    start = 0.0
    for c0, c1, L, n in zip(corners[:-1], corners[1:], seg, counts):
        t = np.linspace(0, 1, n, endpoint=False)
        ks.append(c0 + t[:, None] * (c1 - c0))
        ds.append(start + t * L)
        start += L
    ks.append(corners[-1:])
    ds.append(np.array([start]))
    ticks = np.concatenate([[0.0], np.cumsum(seg)]).tolist()
    return np.concatenate(ks), np.concatenate(ds), ticks, tokens


# -- command ----------------------------------------------------------------------------------
def compute(model, *, path: str | None = None, nk: int = 300, filling: int | None = None
            ) -> tuple[dict, dict]:
    """Bands along the path and a summary (energies in t0)."""
    k, kdist, ticks, labels = k_path(model, path, nk)
    H = model.hamiltonian(k)
    dev = float(np.max(np.abs(H - np.conj(np.swapaxes(H, -1, -2)))))
    if not np.isfinite(dev) or dev > 1e-9 * max(1.0, float(np.abs(H).max())):
        raise ModelError(f"{getattr(model, 'name', 'model')}: H(k) is not Hermitian "
                         f"(max |H - H^dagger| = {dev:.3g})")
    e = np.linalg.eigvalsh(H)
    n = e.shape[1]
    nf = n // 2 if filling is None else int(filling)
    if not 0 <= nf <= n:
        raise LrtheoryError(f"--filling must be between 0 and {n}, got {nf}")
    gap = float(e[:, nf].min() - e[:, nf - 1].max()) if 0 < nf < n else float("nan")
    direct = float((e[:, nf] - e[:, nf - 1]).min()) if 0 < nf < n else float("nan")
    summary = dict(model_summary(model), n_bands=n, n_k=len(k), filling=nf,
                   band_min=float(e.min()), band_max=float(e.max()),
                   gap_along_path=gap, direct_gap_along_path=direct,
                   path="-".join(labels) if model.dim > 1 else "1D")
    arrays = dict(k=k, kdist=kdist, energies=e, ticks=np.asarray(ticks, float),
                  labels=np.asarray(labels, dtype=str))
    return arrays, summary


def run(args) -> int:
    with cli_warnings("bands"):
        params = parse_params(args.param)
        model = load_model(args.model, params)
        base_model = model  # parameters in effect are those of the bulk model
        if args.width is not None:
            width = check_width(args.width)
            if model.dim == 2 and not hasattr(model, "ribbon"):
                model, _ = load_hopping_model(args.model, params, "bands")  # H(k) -> hoppings
            if model.dim != 2 or not hasattr(model, "ribbon"):
                raise ModelError(f"--width needs a 2D hopping-list model, {args.model!r} is not")
            model = model.ribbon(width)
        arrays, summary = compute(model, path=args.path, nk=args.nk, filling=args.filling)
        summary["model_arg"] = args.model
        if args.width is not None:
            summary["width"] = int(args.width)
        if args.out:
            from lrtheory.cli.common import run_metadata, save_with_metadata

            save_with_metadata(args.out, arrays, run_metadata(args, base_model),
                               summary=summary)
        if args.plot:
            from lrtheory.plots.bands import plot_bands

            par = ", ".join(f"{k}={v:.4g}" for k, v in summary["parameters"].items()
                            if isinstance(v, (int, float)))
            plot_bands(args.plot, arrays["kdist"], arrays["energies"],
                       ticks=arrays["ticks"], labels=list(arrays["labels"]),
                       title=f"{summary['model']} ({par})")
        if args.json:
            print(json.dumps(summary, indent=1, default=str))
        else:
            _print_summary(summary, args)
    return 0


def _print_summary(s: dict, args) -> None:
    out = sys.stdout
    print(f"model: {s['model']} ({s['dim']}D, {s['n_orbitals']} orbitals)", file=out)
    if s["parameters"]:
        print("parameters: " + ", ".join(f"{k}={v:.6g}" if isinstance(v, float) else f"{k}={v}"
                                         for k, v in s["parameters"].items()), file=out)
    print(f"path: {s['path']} ({s['n_k']} k-points)", file=out)
    print(f"bands: {s['n_bands']}, energy range [{s['band_min']:.6g}, {s['band_max']:.6g}] t0",
          file=out)
    if np.isfinite(s["gap_along_path"]):
        kind = "gap" if s["gap_along_path"] > 0 else "no gap (overlap)"
        print(f"{kind} at filling {s['filling']}/{s['n_bands']} along the path: "
              f"{s['gap_along_path']:.6g} t0 (direct: {s['direct_gap_along_path']:.6g} t0)",
              file=out)
    print("time reversal: " + ("declared" if s["time_reversal_declared"] else "not declared"),
          file=out)
    if args.out:
        print(f"wrote {args.out}", file=out)
    if args.plot:
        print(f"wrote {args.plot}", file=out)
