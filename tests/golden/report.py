"""How far the current code is from the golden data, case by case:
``python -m tests.golden.report [--data tests/golden/data] [CASE ...]``.

Prints one line per case: ``bit-identical``, ``within 1e-12`` (with the largest deviation
relative to ``max(1, max|old|)``), ``MOVED`` (with the problems, as test_golden.py reports
them) or ``ERROR``. For commit messages ("bit-identical on N outputs") and for finding what
moved; the pass/fail rule is the one of tests/golden/test_golden.py.
"""
from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import numpy as np


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(Path(__file__).parent / "data"))
    ap.add_argument("cases", nargs="*", help="only these cases (default: all)")
    args = ap.parse_args(argv)
    import lrtheory

    from tests.golden import store
    from tests.golden.api import pin_source_tree
    from tests.golden.cases import CASES

    pin_source_tree()
    gold, prov = store.load(args.data)
    print(f"lrtheory from {lrtheory.__file__}; golden data of {prov['commit'][:7]}")
    warnings.simplefilter("ignore")
    n_bad = n_same = n_out = 0
    for name in args.cases or sorted(gold):
        try:
            new = store.run_case(CASES[name])
        except Exception as exc:  # noqa: BLE001 - report every case
            print(f"{name:34s} ERROR {type(exc).__name__}: {exc}")
            n_bad += 1
            continue
        problems = store.compare(name, gold[name], new)
        same, worst = 0, 0.0
        for key, old in gold[name][0].items():
            val = new[0].get(key)
            if val is not None and np.shape(val) == old.shape:
                if np.array_equal(old, val, equal_nan=old.dtype.kind in "fc"):
                    same += 1
                elif old.dtype.kind in "fc":
                    dev, allowed = store.deviation(old, np.asarray(val))
                    worst = max(worst, dev / (allowed / store.RTOL) if allowed else dev)
        n_same += same
        n_out += len(gold[name][0])
        if problems:
            n_bad += 1
            print(f"{name:34s} MOVED ({len(problems)} outputs)")
            for p in problems[:10]:
                print("    " + p)
        elif same == len(gold[name][0]):
            print(f"{name:34s} bit-identical ({same} arrays)")
        else:
            print(f"{name:34s} within {store.RTOL:g}: {same}/{len(gold[name][0])} arrays "
                  f"bit-identical, largest relative deviation {worst:.1e}")
    print(f"{n_same}/{n_out} arrays bit-identical; {n_bad} case(s) moved or failed")
    return 1 if n_bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
