"""Mutation audit: apply hand-written mutants to a module one at a time and run its tests.

Usage (from the repository root)::

    nice -n 5 python3 tests/tools/mutate.py tests/tools/mutants.py [--module NAME]
        [--only ID ...] [--scratch DIR] [--tests PYTEST_ARG ...] [--out results.jsonl]
        [--source TREE]

``mutants.py`` defines ``MODULES = {name: {"path": file, "tests": [pytest args],
"mutants": [(id, old, new), ...]}}``; ``old`` must occur exactly once in the file (a
mutant whose ``old`` is ambiguous or missing is reported as ``invalid``, never applied
somewhere else). The work happens in a scratch copy of the working tree (its own git
repository, so every mutant is undone with ``git checkout -- file`` and the tree is checked
clean before the next one); the checkout being audited is never modified.

A mutant is *killed* when pytest exits non-zero (a failing test; a collection error is
reported as ``killed (error)``), *survived* when every selected test passes, *timeout* when
the run exceeds ``--timeout`` seconds. The unmutated baseline must pass first.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _git(scratch, *args):
    return subprocess.run(["git", "-C", scratch, *args], check=True, capture_output=True,
                          text=True).stdout


def make_scratch(scratch, source=ROOT):
    """A copy of the working tree (without .git and build debris) as a fresh git repo."""
    if os.path.exists(scratch):
        shutil.rmtree(scratch)
    shutil.copytree(source, scratch, ignore=shutil.ignore_patterns(
        ".git", "__pycache__", "*.pyc", "site", ".hypothesis", "out"))
    _git(scratch, "init", "-q")
    _git(scratch, "add", "-A")
    _git(scratch, "-c", "user.email=m@x", "-c", "user.name=mutate", "commit", "-q", "-m", "base")


def run_tests(scratch, tests, timeout):
    env = dict(os.environ, PYTHONPATH=scratch, PYTHONDONTWRITEBYTECODE="1")
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests]
    t0 = time.perf_counter()
    try:
        p = subprocess.run(cmd, cwd=scratch, env=env, capture_output=True, text=True,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout", time.perf_counter() - t0, ""
    tail = "\n".join(p.stdout.strip().splitlines()[-3:])
    if p.returncode == 0:
        return "survived", time.perf_counter() - t0, tail
    if p.returncode == 1:
        return "killed", time.perf_counter() - t0, tail
    return "killed (error)", time.perf_counter() - t0, tail


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("spec")
    ap.add_argument("--module", action="append")
    ap.add_argument("--only", nargs="+")
    ap.add_argument("--scratch", default=f"/tmp/lrtheory_mutate_{os.getpid()}")
    ap.add_argument("--tests", nargs="+", help="override the module's pytest arguments")
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--out", default=None)
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--source", default=ROOT,
                    help="tree to copy (default: this checkout; e.g. an exported older commit "
                         "for the 'survived before' column)")
    a = ap.parse_args(argv)
    spec = importlib.util.spec_from_file_location("mutants_spec", a.spec)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    make_scratch(a.scratch, a.source)
    out = open(a.out, "a") if a.out else None
    try:
        for name, m in mod.MODULES.items():
            if a.module and name not in a.module:
                continue
            tests = a.tests or m["tests"]
            path = os.path.join(a.scratch, m["path"])
            if not a.no_baseline:
                status, dt, tail = run_tests(a.scratch, tests, a.timeout)
                print(f"[{name}] baseline: {status} ({dt:.0f} s) {tail.splitlines()[-1:]}",
                      flush=True)
                if status != "survived":
                    print(tail)
                    continue
            for mid, old, new in m["mutants"]:
                if a.only and mid not in a.only:
                    continue
                src = open(path).read()
                n = src.count(old)
                if n != 1:
                    status, dt, tail = f"invalid ({n} matches)", 0.0, ""
                else:
                    with open(path, "w") as f:
                        f.write(src.replace(old, new))
                    try:
                        status, dt, tail = run_tests(a.scratch, tests, a.timeout)
                    finally:
                        _git(a.scratch, "checkout", "--", m["path"])
                    if _git(a.scratch, "status", "--porcelain").strip():
                        raise SystemExit(f"scratch tree not clean after {mid}")
                last = tail.splitlines()[-1] if tail else ""
                print(f"[{name}] {mid}: {status} ({dt:.0f} s) {last}", flush=True)
                if out:
                    out.write(json.dumps(dict(module=name, id=mid, status=status,
                                              seconds=round(dt, 1), tests=tests,
                                              source=a.source)) + "\n")
                    out.flush()
    finally:
        if out:
            out.close()
        shutil.rmtree(a.scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
