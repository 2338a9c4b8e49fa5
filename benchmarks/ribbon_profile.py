"""The ribbon accumulation against its eigh floor, stage by stage, and before/after a change.

Run (from the checkout root; BLAS pinned to one thread before NumPy is imported)::

    python benchmarks/ribbon_profile.py --width 80 --nk 512 --rounds 7 --before 10557e3

For one ribbon of Fig. 2 (``haldane(t2=0, delta=0.5).ribbon(W)``, E_F = 1.5, T = 0) it times,
in one process and interleaved (each round runs every method, the order rotated by one per
round, after one untimed warm-up call each), CPU time (``time.process_time``):

* ``floor``: the bare batched ``np.linalg.eigh`` of the accumulation's own chunks (H(k) built
  beforehand, not timed);
* ``lrtheory``: ``ribbon_accumulation(..., convergence=False)``, the whole call;
* ``before`` (with ``--before REV``): the chunk functions of ``REV`` (its
  ``lrtheory/response/ribbon_ksum.py`` and ``lrtheory/kernels/banded.py``, read with
  ``git show``) in its own chunk size (its ``RIBBON_CHUNK_BYTES``), summed the way the driver
  sums them, and ``floor_before``, the ``eigh`` of those chunks (the floor of a round is the
  lower of the two floors);
* ``after``: the same loop with this checkout's chunk function.

and reports the medians of the paired-round ratios to the floor, their range, and the load.
It then times every stage of this checkout's chunk function (:class:`StageTimer`: the helpers
of ``lrtheory.response.ribbon_ksum`` wrapped with CPU timers while the real function runs), as
a fraction of the floor. Results go to ``--out`` (JSON) if given.
"""
from __future__ import annotations

import os

os.environ["OPENBLAS_NUM_THREADS"] = "1"  # before NumPy: no spinning BLAS pool threads

import argparse  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import types  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lrtheory.kernels import banded as bd  # noqa: E402
from lrtheory.models.haldane import haldane  # noqa: E402
from lrtheory.models.protocol import hamiltonian_and_velocity  # noqa: E402
from lrtheory.parallel.chunks import auto_chunk_size  # noqa: E402
from lrtheory.response import ribbon_ksum as rk  # noqa: E402
from lrtheory.response.density import (_ribbon_grid, ribbon_accumulation,  # noqa: E402
                                       ribbon_chunk_size)
from lrtheory.response.ksum import chunk_weights  # noqa: E402

KW = dict(ef=1.5, temperature=0.0, smearing=0.02, eta=None, degen_tol=1e-8)


def load_before(rev: str):
    """``chunk_traces`` of revision ``rev`` (its ribbon_ksum and banded modules) and its
    ``RIBBON_CHUNK_BYTES`` (read from its density.py)."""
    def show(path):
        return subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:{path}"], check=True,
                              capture_output=True, text=True).stdout
    old_bd = types.ModuleType("_before_banded")
    exec(compile(show("lrtheory/kernels/banded.py"), "before/banded.py", "exec"), old_bd.__dict__)
    sys.modules["_before_banded"] = old_bd
    src = show("lrtheory/response/ribbon_ksum.py").replace("from lrtheory.kernels.banded import",
                                                           "from _before_banded import")
    old = types.ModuleType("_before_ribbon_ksum")
    exec(compile(src, "before/ribbon_ksum.py", "exec"), old.__dict__)
    found = re.search(r"^RIBBON_CHUNK_BYTES = 2 \*\* (\d+)$", show("lrtheory/response/density.py"),
                      re.M)
    return old.chunk_traces, 2 ** int(found.group(1))


#: helpers of this checkout's chunk function timed one by one (``--stages``)
STAGES = ("hamiltonian_and_velocity", "fermi_derivative_weight", "_significant", "_window",
          "banded_matmul", "band_diagonals", "transverse_velocity_diagonals", "column_products",
          "_band_diagonal", "_offdiagonal_blocks", "_interband_weights",
          "_degenerate_in_block", "_add_offdiagonal_near_diagonals", "hermitian_site_trace")


class StageTimer:
    """Wraps the :data:`STAGES` helpers of :mod:`lrtheory.response.ribbon_ksum` (and
    ``np.linalg.eigh`` as called there) with CPU timers, exclusive of nested stages; the
    rest of ``band_traces`` (the product ``U T``, ``G = P r``, bookkeeping) and of
    ``chunk_traces`` is the remainder. The function timed is the real one: same result."""

    def __init__(self):
        self.T, self._stack, self._saved = {}, [], {}

    def _wrap(self, name, f):
        def timed(*args, **kw):
            self._stack.append(0.0)
            c0 = time.process_time()
            try:
                return f(*args, **kw)
            finally:
                dt = time.process_time() - c0
                inner = self._stack.pop()
                self.T[name] = self.T.get(name, 0.0) + dt - inner
                if self._stack:
                    self._stack[-1] += dt
        return timed

    def __enter__(self):
        for name in STAGES:
            self._saved[name] = getattr(rk, name)
            setattr(rk, name, self._wrap(name, self._saved[name]))
        self._saved["np"] = rk.np
        fake = types.SimpleNamespace(**{n: getattr(np, n) for n in dir(np)
                                        if not n.startswith("__")})
        fake.linalg = types.SimpleNamespace(eigh=self._wrap("eigh", np.linalg.eigh))
        rk.np = fake
        return self

    def __exit__(self, *exc):
        for name, f in self._saved.items():
            setattr(rk, name, f)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--width", type=int, default=80)
    p.add_argument("--nk", type=int, default=512)
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--chunk-size", type=int, default=None)
    p.add_argument("--before", default=None, help="git revision to compare with")
    p.add_argument("--out", default=None)
    a = p.parse_args()
    rib = haldane(t2=0.0, delta=0.5).ribbon(a.width)
    nk, n = a.nk, rib.n_orbitals
    cs = a.chunk_size or ribbon_chunk_size(n)
    grid = _ribbon_grid(rib, nk)
    y = np.asarray(rib.transverse_positions(), float)
    w = rk.ribbon_bandwidth(rib)
    k = rib.k_grid(nk)
    H = rib.hamiltonian(k)

    def chunks(size):
        return [(s, min(s + size, nk)) for s in range(0, nk, size)]

    bounds = chunks(cs)

    def ksum_of(chunk, bounds=bounds):
        tot = {}
        for s, e in bounds:
            out = chunk(grid.points(s, e), rib, y=y, bandwidth=w, **KW)
            wts = chunk_weights(grid, s, e, False)
            for key, v in out.items():
                tot[key] = tot.get(key, 0.0) + wts.sum(v)
        return tot

    def floor(bounds=bounds):
        for s, e in bounds:
            np.linalg.eigh(H[s:e])

    fns = {"floor": floor,
           "lrtheory": lambda: ribbon_accumulation(rib, 1.5, nk=nk, convergence=False,
                                                   chunk_size=cs),
           "after": lambda: ksum_of(rk.chunk_traces)}
    cs_old = None
    if a.before:  # its own chunk size, and the eigh of those chunks as a second floor
        old, old_bytes = load_before(a.before)
        cs_old = auto_chunk_size(n, arrays=1, budget=old_bytes)
        fns["floor_before"] = lambda: floor(chunks(cs_old))
        fns["before"] = lambda: ksum_of(old, chunks(cs_old))
        ref, new = ksum_of(old), ksum_of(rk.chunk_traces)
        scale = max(np.abs(v).max() for v in ref.values())
        dev = max(np.abs(new[key] - ref[key]).max() for key in ref) / scale
        print(f"before vs after: max |difference| / max |value| = {dev:.2e}")
    load0 = os.getloadavg()
    names = list(fns)
    cpu = {name: [] for name in names}
    for name in names:
        fns[name]()  # warm-up
    for r in range(a.rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            c0 = time.process_time()
            fns[name]()
            cpu[name].append(time.process_time() - c0)
    res = {"W": a.width, "nk": nk, "n_orbitals": n, "chunk_size": cs, "bandwidth": w,
           "chunk_size_before": cs_old if a.before else None,
           "rounds": a.rounds, "loadavg_before": load0, "loadavg_end": os.getloadavg(),
           "before_rev": a.before, "cpu": cpu, "ratio": {}}
    fl = np.asarray(cpu["floor"])
    if "floor_before" in cpu:  # the floor of a round: the lower of the two chunkings
        fl = np.minimum(fl, cpu["floor_before"])
    print(f"W = {a.width} (n = {n}), nk = {nk}, chunks of {cs}, {a.rounds} rounds, load "
          f"{load0[0]:.1f} -> {res['loadavg_end'][0]:.1f}; floor median {np.median(fl):.3f} s")
    for name in [x for x in names if not x.startswith("floor")]:
        r = np.asarray(cpu[name]) / fl
        res["ratio"][name] = {"median": float(np.median(r)), "min": float(r.min()),
                              "max": float(r.max())}
        print(f"  {name:9s} / floor: median {np.median(r):.3f} (range {r.min():.3f}-"
              f"{r.max():.3f})")
    # stages of this checkout's chunk function (summed over the chunks, median over rounds)
    st = []
    for _ in range(max(3, a.rounds // 2)):
        c0 = time.process_time()
        with StageTimer() as timer:
            ksum_of(rk.chunk_traces)
        total = time.process_time() - c0
        c0 = time.process_time()
        floor()
        T = dict(timer.T, floor=time.process_time() - c0)
        T["rest (U T, P r, driver sums)"] = total - sum(timer.T.values())
        st.append(T)
    res["stages"] = {key: float(np.median([x.get(key, 0.0) / x["floor"] for x in st]))
                     for key in st[0] if key != "floor"}
    for key, v in sorted(res["stages"].items(), key=lambda kv: -kv[1]):
        print(f"  stage {key:30s} {v:.3f} x floor")
    top = sum(v for key, v in res["stages"].items() if key != "eigh")
    print(f"  stages on top of eigh: {top:.3f} x floor (timer overhead included)")
    if a.out:
        Path(a.out).write_text(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
