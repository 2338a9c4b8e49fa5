"""Where the time of a Wannier k-sum goes, against the ``eigh`` floor, with flop counts
(issue #15 Speed; docs/performance.md).

    OPENBLAS_NUM_THREADS=1 python benchmarks/wannier_floor.py OUT.json ROUNDS FILE[:full] ...

For each file (``:full`` = ``interpolation='full'``), on one chunk of the driver (the first
``auto_chunk_size`` points of the 16^3 grid), in one process, interleaved, ``ROUNDS`` times,
CPU time (``time.process_time``), medians of the per-round ratios to the floor:

* ``eigh``: the bare batched ``np.linalg.eigh`` of H(k) (the floor);
* ``fourier``: ``Wannier90Model.packed_fields`` (on a grid chunk the separable route of
  :mod:`lrtheory.io.wannier90.fourier`: one paired real product per chunk for the line sums,
  then ``[1|cos|sin] @ lines`` per point, ``2 rows 2 B' n^2`` flops per k plus the line
  sums' share; the direct product ``[cos|sin] @ M`` would be ``2 n_cols 2 B' n^2``, B' = 1 +
  B blocks; both counts are recorded);
* ``products``: the two complex products of the band-basis transform alone, ``P (DU)``
  (B blocks) and ``(DU)^dagger [P (DU)]`` (``n_full`` blocks): ``8 n^3 (B + n_full)`` flops;
* ``eigensystem``: the whole ``Eigensystem._from_packed`` (eigh, products, Hermitian parts,
  curl diagonal) minus ``eigh``;
* ``curvature``: the three Berry-curvature components of the AHC
  (:func:`lrtheory.response.berry.number_curvatures`, as the k-sum).

The OpenBLAS variables of the environment are kept (set ``OPENBLAS_NUM_THREADS=1``: with a
BLAS thread pool limited only at run time, an idle pool thread spins after each large
matrix product and its CPU time, counted by ``process_time``, made ``eigh`` look 1.6x slower).
"""
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def measure(path, full, rounds):
    from threadpoolctl import threadpool_limits

    from lrtheory.bands.eigensystem import Eigensystem
    from lrtheory.io.wannier90 import load_wannier90
    from lrtheory.parallel._runtime import tune_malloc
    from lrtheory.parallel.chunks import auto_chunk_size
    from lrtheory.response.berry import number_curvatures
    from lrtheory.response.hall3d import bz_grid_nd

    threadpool_limits(1)
    tune_malloc()  # as the k-sum driver does
    model = load_wannier90(path, interpolation="full" if full else "tight-binding")
    n = model.n_orbitals
    k = bz_grid_nd(model, 16)[0][:auto_chunk_size(n, arrays=16)]
    H = model.hamiltonian(k)
    packed = model.packed_fields(k)
    P, nf = packed.blocks, packed.n_full
    Nk, B = P.shape[0], P.shape[1]
    _, U = np.linalg.eigh(H)
    UW = packed.phase[:, :, None] * U
    UWH = np.conj(np.swapaxes(UW, -1, -2))[:, None]
    Y = np.matmul(P.reshape(Nk, B * n, n), UW).reshape(Nk, B, n, n)
    pairs = [(0, 1), (0, 2), (1, 2)]

    def curvatures(eig):  # as HallTensorIntegrand: all pairs in one pass
        return number_curvatures(eig, pairs, charge=True)

    steps = {
        "eigh": lambda: np.linalg.eigh(H),
        "fourier": lambda: model.packed_fields(k),
        "products": lambda: (np.matmul(P.reshape(Nk, B * n, n), UW), UWH @ Y[:, :nf]),
        "eigensystem": lambda: Eigensystem._from_packed(k, packed, 1e-6),
        "curvature": lambda: curvatures(Eigensystem._from_packed(k, packed, 1e-6)),
    }
    times = {s: [] for s in steps}
    for _ in range(rounds):
        for s, f in steps.items():
            t = time.process_time()
            f()
            times[s].append(time.process_time() - t)
    t = {s: np.array(v) for s, v in times.items()}
    t["eigensystem"] = t["eigensystem"] - t["eigh"]
    t["curvature"] = t["curvature"] - t["eigensystem"] - t["eigh"]
    psum = model.__dict__["_packed"][0]
    n_cols = psum.M.shape[0]
    C2 = 2 * (1 + B) * n * n  # real columns of the Fourier product (H and B blocks)
    plan = psum._lines.plan(k, n_cols) if psum._lines is not None else None
    if plan is None:  # the direct product [cos | sin] @ M
        route, fourier_flops = "direct", 2 * n_cols * C2
    else:  # separable: paired line sums over the other axes, then [1|cos|sin] per point
        _, r, first, _, _ = plan
        _, smax, rest_sum = psum._lines._axis(r)
        rows = 2 * smax + 1
        route = f"separable ({len(first)} lines, {rest_sum.M.shape[0]} x {rows} columns)"
        fourier_flops = (2 * len(first) * rest_sum.M.shape[0] * rows * C2 / Nk
                         + 2 * rows * C2)
    flops = {"fourier": int(fourier_flops), "products": 8 * n ** 3 * (B + nf)}
    out = {"file": Path(path).name, "full": full, "n": n, "chunk": int(Nk), "blocks": int(B),
           "n_full": int(nf), "fourier_columns": int(n_cols), "fourier_route": route,
           "direct_fourier_flops_per_k": 2 * n_cols * C2, "rounds": rounds,
           "eigh_us_per_k": float(np.median(t["eigh"]) / Nk * 1e6),
           "ratio_to_eigh": {s: float(np.median(v / t["eigh"])) for s, v in t.items()},
           "flops_per_k": flops,
           "gflops": {s: float(flops[s] * Nk / np.median(t[s]) / 1e9) for s in flops},
           "loadavg": os.getloadavg()}
    return out


def main(out, rounds, *files):
    from wannier_speed import each_file  # benchmarks/ is on sys.path (the script's folder)

    each_file(out, files, lambda path, full: measure(path, full, int(rounds)))


if __name__ == "__main__":
    if len(sys.argv) < 4:
        raise SystemExit(__doc__.split("\n\n")[1])
    sys.path.insert(0, str(ROOT))
    main(*sys.argv[1:])
