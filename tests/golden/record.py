"""Record the golden outputs: ``python -m tests.golden.record --out tests/golden/data``.

Runs every case of :data:`tests.golden.cases.CASES` with the lrtheory that Python imports
(print below: record from the commit you mean, e.g. a clean clone at the baseline with
``PYTHONPATH`` pointing at it and that clone as the working folder) and writes
``golden.npz`` + ``golden.json``. Re-record only deliberately: the data are the reference
that refactorings are checked against (tests/golden/test_golden.py).
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path


def _git(folder: Path, *args: str) -> str:
    try:
        return subprocess.run(["git", "-C", str(folder), *args], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="folder for golden.npz and golden.json")
    ap.add_argument("--only", action="append", help="record only these cases (merges)")
    ap.add_argument("--reason", help="with --only, from a later commit than the data: why these "
                    "outputs change on purpose (kept in golden.json and shown by the test)")
    args = ap.parse_args(argv)

    import lrtheory
    import numpy as np

    from tests.golden import store
    from tests.golden.api import pin_source_tree
    from tests.golden.cases import CASES

    src = Path(pin_source_tree())
    commit = _git(src, "rev-parse", "HEAD")
    dirty = _git(src, "status", "--porcelain", "--untracked-files=no", "--", "lrtheory")
    import lrtheory.derivations

    print(f"lrtheory from {lrtheory.__file__}, derivations from "
          f"{lrtheory.derivations.__file__} (commit {commit}"
          f"{', MODIFIED' if dirty else ''})", flush=True)
    results, old = {}, None
    if args.only and (Path(args.out) / store.JSON).exists():
        results, old = store.load(args.out)
        later = old.get("commit") != commit
        if dirty or (later and not args.reason):
            print(f"refusing to merge: the data were recorded at {old.get('commit')}, this "
                  f"lrtheory is {commit}{' (modified)' if dirty else ''}: record all cases, or "
                  "re-record deliberately changed cases from a committed tree with --reason")
            return 2
    for name, func in CASES.items():
        if args.only and name not in args.only:
            continue
        t0 = time.perf_counter()
        try:
            results[name] = store.run_case(func)
        except BaseException as exc:  # noqa: BLE001 - e.g. pytest.skip for absent data
            print(f"  {name}: NOT RECORDED ({type(exc).__name__}: {exc})", flush=True)
            continue
        n = sum(np.asarray(v).size for v in results[name][0].values())
        print(f"  {name}: {len(results[name][0])} arrays ({n} numbers), "
              f"{len(results[name][1])} texts, {time.perf_counter() - t0:.2f} s", flush=True)
    prov = {"commit": commit, "modified": bool(dirty), "lrtheory_file": str(lrtheory.__file__),
            "python": sys.version.split()[0], "numpy": np.__version__,
            "recorded": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "command": "python -m tests.golden.record " + " ".join(argv or sys.argv[1:])}
    if old is not None:  # a merge: the data keep their provenance, re-recorded cases are listed
        rerec = dict(old.get("rerecorded", {}))
        for name in args.only:
            rerec.pop(name, None)
            if old.get("commit") != commit and name in results:
                rerec[name] = {"commit": commit, "reason": args.reason,
                               "recorded": prov["recorded"]}
        prov = {**old, "rerecorded": rerec} if rerec else {
            k: v for k, v in old.items() if k != "rerecorded"}
    store.save(args.out, results, prov)
    print(f"wrote {args.out}/{store.NPZ} and {store.JSON}: {len(results)} cases")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
