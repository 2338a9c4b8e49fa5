"""Before/after of the packed-fields eigensystem (issue #15 Speed) in one process,
interleaved: the AHC k-sum ``hall_tensor(model, [E_F], nk=16, operator='charge')`` through
the generic route (``bloch_fields``: H, dH/dk, A, curl each Fourier-summed and gauge-fixed
on its own, six band-basis transforms; selected by shadowing the model's ``packed_fields``
with one returning None, as tests/unit/test_wannier_packed.py does) and through the packed
route (the default), each against the bare batched ``eigh`` of the same 16^3 stack
measured in the same round.

    python benchmarks/wannier_ab.py OUT.json ROUNDS FILE[:full] [FILE[:full] ...]

CPU time (``time.process_time``), one BLAS thread (``OPENBLAS_NUM_THREADS=1`` set before
NumPy is imported when unset), rounds ``floor, generic, packed``; per route the median and
range of the per-round ratios to the floor. Both routes share the rest of the k-sum (driver,
curvature, occupation sums), so the difference is the eigensystem alone.
"""
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EF = 17.6255  # eV: bcc Fe


def main(out, rounds, *files):
    from threadpoolctl import threadpool_limits

    from lrtheory.io.wannier90 import load_wannier90
    from lrtheory.response.hall3d import bz_grid_nd, hall_tensor

    from wannier_speed import each_file  # benchmarks/ is on sys.path (the script's folder)

    threadpool_limits(1)

    def measure(path, full):
        model = load_wannier90(path, interpolation="full" if full else "tight-binding")
        H = model.hamiltonian(bz_grid_nd(model, 16)[0])

        def run(route):
            if route == "generic":  # an instance attribute shadows the method
                object.__setattr__(model, "packed_fields", lambda k: None)
            try:
                return hall_tensor(model, [EF], nk=16, operator="charge").values["sigma"][0]
            finally:
                model.__dict__.pop("packed_fields", None)

        sigma = {r: run(r) for r in ("generic", "packed")}  # warm-up
        times = {"floor": [], "generic": [], "packed": []}
        load = [os.getloadavg()]
        for _ in range(int(rounds)):
            for route in times:
                t = time.process_time()
                np.linalg.eigh(H) if route == "floor" else run(route)
                times[route].append(time.process_time() - t)
        load.append(os.getloadavg())
        f = np.array(times["floor"])
        row = {"file": Path(path).name, "full": full, "rounds": int(rounds),
               "floor_median_s": float(np.median(f)), "loadavg": load,
               "sigma_rel_diff": float(np.abs(sigma["packed"] - sigma["generic"]).max()
                                       / np.abs(sigma["generic"]).max())}
        for route in ("generic", "packed"):
            r = np.array(times[route]) / f
            row[route] = {"median_s": float(np.median(times[route])),
                          "ratio_median": float(np.median(r)),
                          "ratio_range": [float(r.min()), float(r.max())],
                          "ratio_rounds": r.round(3).tolist()}
        return row

    each_file(out, files, measure)


if __name__ == "__main__":
    if len(sys.argv) < 4:
        raise SystemExit(__doc__.split("\n\n")[1])
    sys.path.insert(0, str(ROOT))
    main(*sys.argv[1:])
