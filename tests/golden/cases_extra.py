"""Golden cases of the smaller public helpers (grids, kernels, parsing, result files, time
reversal of finite systems) and of parallel k-sums; registered in
:data:`tests.golden.cases.CASES`."""
from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from tests.golden.api import A
from tests.golden.common import HALDANE, NK, W, kpts


def case_grids():
    """The BZ grids and their chunk slices (the k-sum driver's UniformGrid must reproduce
    them: same order and arithmetic)."""
    m = A("haldane")(**HALDANE)
    B = m.reciprocal_vectors
    out = {}
    for nk in (6, 7):
        for lo, hi in ((0, 5), (5, 23), (30, nk * nk)):
            k, half = A("grid_slice")(np.array([lo, hi]), nk, B)
            out[f"grid_slice_{nk}_{lo}_{hi}"] = {"k": k, "half": half}
    lat3 = A("layered_haldane")(tz=0.15, c=1.5).lattice_vectors
    B3 = 2 * np.pi * np.linalg.inv(np.asarray(lat3, float)).T
    for lo, hi in ((0, 7), (7, 48)):
        out[f"grid_points_{lo}_{hi}"] = A("grid_points")(np.array([lo, hi]), (4, 3, 4), B3)
    out["k_grid_ribbon"] = m.ribbon(3).k_grid(9)
    out["named_points"] = A("named_points")(m.lattice_vectors)
    kp, kdist, ticks, labels = A("k_path")(m, "G-K-M-K'-G", 31)
    out["k_path"] = {"k": kp, "kdist": kdist, "ticks": ticks, "labels": list(labels)}
    out["hall_memory_estimate"] = [A("hall_memory_estimate")(2, 240, 201, 512, w, t)
                                   for w in (1, 2) for t in (0.0, 0.1)]
    return out


def case_bands_and_curvature():
    m = A("haldane")(**HALDANE)
    k = kpts(6, 2)
    f = A("bands_and_curvature")
    out = {}
    for op in (None, "charge", "orbital"):
        for method in ("auto", "sum-over-states"):
            e, om = f(m, k, op, b=0, c=1, method=method)
            out[f"{op}_{method}"] = {"energies": e, "curvature": om}
        out[f"two_band_{op}"] = int(A("uses_two_band_closed_form")(m, op))
    e, om = f(m.ribbon(2), kpts(3, 1), None, b=0, c=0)
    out["ribbon_xx"] = {"energies": e, "curvature": om}
    return out


def case_kernel_helpers():
    rng = np.random.default_rng(5)
    n, w = 6, 1
    A_ = np.zeros((2, n, n), complex)
    for d in range(-w, w + 1):
        idx = np.arange(max(0, -d), min(n, n - d))
        A_[:, idx, idx + d] = rng.normal(size=(2, len(idx))) + 1j * rng.normal(size=(2, len(idx)))
    X = rng.normal(size=(2, n, 3)) + 1j * rng.normal(size=(2, n, 3))
    U = rng.normal(size=(2, n, n)) + 1j * rng.normal(size=(2, n, n))
    P = rng.normal(size=(2, n, n)) + 1j * rng.normal(size=(2, n, n))
    bd = A("banded")
    diags = bd.near_diagonals(U, P, w)
    deg = np.zeros((n, n), bool)
    for blk in ((0, 1), (2,), (3, 4, 5)):
        deg[np.ix_(blk, blk)] = True
    return {"half_bandwidth": bd.half_bandwidth(A_), "banded_matmul": bd.banded_matmul(A_, X, w),
            "near_diagonals": {str(d): v for d, v in diags.items()},
            "band_diagonals": {str(d): v for d, v in bd.band_diagonals(A_, w).items()},
            "banded_site_trace": bd.banded_site_trace(A_, diags, w),
            "banded_site_trace_identity": bd.banded_site_trace(None, diags, w),
            "random_block_unitary": A("random_block_unitary")(deg, np.random.default_rng(8))}


def case_parsing():
    texts = ("pi/2", "3*sqrt(3)*0.06", "-1.5e-3", "exp(-2)*cos(pi/3)")
    m = A("haldane")(**HALDANE)
    return {"parse_number": [A("parse_number")(t) for t in texts],
            "parse_params": A("parse_params")(["t2=0.1", "phi = pi/2", "delta=-1/3"]),
            "evaluate": A("evaluate")("t2*cos(phi) + delta**2", {"t2": 0.1, "phi": 0.7,
                                                                 "delta": 0.2}),
            "model_summary": A("model_summary")(m)}


def case_result_files():
    """save_result / load_result round trip (data only; metadata is provenance)."""
    arrays = {"x": np.linspace(0, 1, 5), "z": np.array([1 + 2j, -0.5j]),
              "n": np.arange(3), "m": np.eye(2)}
    out = {}
    with tempfile.TemporaryDirectory(prefix="lrt-golden-") as tmp:
        for suffix in ("npz", "json"):
            p = Path(tmp) / f"r.{suffix}"
            A("save_result")(p, arrays, {"t2": 0.1, "phi": np.float64(0.7)}, command="golden")
            data, meta = A("load_result")(p)
            out[suffix] = {"data": {k: np.asarray(v) for k, v in data.items()
                                    if np.asarray(v).dtype.kind in "biufc"},
                           "parameters": meta["parameters"], "command": meta.get("command")}
    return out


def case_finite_time_reversal():
    TR = A("FiniteTimeReversal")
    rng = np.random.default_rng(13)
    op = rng.normal(size=(6, 6)) + 1j * rng.normal(size=(6, 6))
    op = op + op.conj().T
    out = {}
    for name, tr in (("spinless", TR.spinless(6)), ("spinful", TR.spinful(3))):
        out[name] = {"unitary": tr.unitary, "square": tr.square, "dim": tr.dim,
                     "transform": tr.transform(op),
                     "residual": tr.symmetry_residual(op),
                     "residual_real": tr.symmetry_residual(op.real),
                     # Theta |psi> = U psi^* (what the removed, unused apply_state gave)
                     "apply_state": tr.unitary @ np.asarray(op[:, 0]).conj(),
                     "is_symmetry_real": int(tr.is_symmetry_of(op.real + 0j)),
                     "signature_real": str(tr.signature(op.real)),
                     "signature_imag": str(tr.signature(1j * op.imag))}
    s = A("haldane_flake")(2, 2, t2=0.0, delta=0.3)
    e = s.eigensystem.energies
    out["flake"] = {"tr_signature_sz": str(s.tr_signature(np.diag(np.tile([1.0, -1.0], 4)))),
                    "is_tr_invariant": int(s.is_tr_invariant),
                    "groups": [g.tolist() for g in A("degenerate_groups")(np.round(e, 6), 1e-9)]}
    out["flake"]["groups"] = {str(i): np.asarray(g) for i, g in enumerate(out["flake"]["groups"])}
    return out


def case_parallel():
    """k-sums on 2 local worker processes (executor, chunk shipping)."""
    rib = A("haldane")(**HALDANE).ribbon(W)
    acc = A("ribbon_accumulation")(rib, 0.3, nk=NK, eta=0.05, workers=2, chunk_size=9)
    hc = A("hall_conductivity")(A("haldane")(**HALDANE), np.linspace(-3, 3, 5), nk=16,
                                workers=2, chunk_size=50, operator="orbital")
    return {"ribbon": dict(acc.profiles), "hall": {"sigma": hc.sigma, "half": hc.sigma_half,
                                                   "band_chern": hc.band_chern}}


EXTRA_CASES = {
    "grids": case_grids,
    "bands/bands_and_curvature": case_bands_and_curvature,
    "kernels/helpers": case_kernel_helpers,
    "cli/parsing": case_parsing,
    "io/result_files": case_result_files,
    "finite/time_reversal": case_finite_time_reversal,
    "parallel/two_workers": case_parallel,
}
