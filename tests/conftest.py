"""Shared test configuration: hypothesis profiles, tolerance tiers, seeded rng."""
from __future__ import annotations

import os
import zlib

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.register_profile(
    "thorough",
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("dev", max_examples=30, deadline=None)
# deep: >= 10^4 random examples per property (issue #13 3b; tests/README.md records the run);
# LRTHEORY_DEEP_EXAMPLES overrides the count (e.g. to measure a rate on 2000)
settings.register_profile(
    "deep",
    max_examples=int(os.environ.get("LRTHEORY_DEEP_EXAMPLES", "10000")),
    derandomize=False,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

from tests.tolerances import TOL, TOL_NUMERIC, TOL_WEAK  # noqa: E402,F401  (re-exported)

# Subprocesses the tests start (python -m lrtheory.cli.main, scripts in tmp_path) import THIS
# checkout, not the tree a shared editable install points at (two clones that both ran
# `pip install -e .` repoint it for each other): the README's test command and .ci/run are
# then the same command, with nothing exported around it.
_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.environ["PYTHONPATH"] = os.pathsep.join(
    [_ROOT] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and p != _ROOT])


def pytest_configure(config):
    """Whole-run watchdog: the suite takes ~3 minutes on 2 idle cores; if it is still running
    after ``LRTHEORY_TEST_WALLCLOCK`` seconds (default 840, under CI's 15 minutes) something
    hangs below the per-test limit of pytest-timeout (e.g. in collection or teardown): print
    every thread's stack to the real stderr and exit non-zero instead of stalling CI.

    Under pytest-xdist (``-n 2``, the README's command) every worker has its own watchdog
    (its stacks name the test it is stuck in; xdist then reports the worker as crashed) and
    the controller, which runs no test, gives up ``_CONTROLLER_GRACE`` seconds later."""
    import threading

    seconds = float(os.environ.get("LRTHEORY_TEST_WALLCLOCK", "840"))
    if seconds <= 0:
        return
    worker = getattr(config, "workerinput", {}).get("workerid")
    # an xdist controller (it runs no test) lets the workers report first
    grace = _CONTROLLER_GRACE if worker is None and config.getoption("numprocesses", None) \
        else 0

    def expire():
        import faulthandler
        import sys

        capman = config.pluginmanager.getplugin("capturemanager")
        if capman is not None:
            capman.suspend_global_capture(in_=True)
        who = f"[{worker}] " if worker else ""
        print(f"\n{who}test run exceeded LRTHEORY_TEST_WALLCLOCK={seconds:g} s: stacks follow",
              file=sys.stderr, flush=True)
        faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
        sys.stderr.flush()
        os._exit(3)

    timer = threading.Timer(seconds + grace, expire)
    timer.daemon = True
    timer.start()
    config._lrtheory_watchdog = timer


def pytest_unconfigure(config):
    timer = getattr(config, "_lrtheory_watchdog", None)
    if timer is not None:
        timer.cancel()


# ---- pytest-xdist: which worker runs what (the README's command runs `-n 2`) ----------------
#: seconds the xdist controller waits past the watchdog, so that a stuck worker's stacks print
_CONTROLLER_GRACE = 30
#: test files that must run in one worker: they share a session fixture too costly to build
#: twice (the documentation site with its executed gallery, tests/docs/conftest.py)
SAME_WORKER = {"tests/docs/test_docs_build.py": "docs site",
               "tests/docs/test_browser.py": "docs site"}
#: files started first (longest first, CPU seconds measured 2026-12-07), so that no long file
#: is left alone at the end of the run while the other worker idles; the rest keep their order
START_FIRST = ("tests/docs/test_browser.py", "tests/docs/test_docs_build.py",
               "tests/numeric/test_processes.py", "tests/symbolic/test_derivations.py",
               "tests/physics/test_disorder_exact.py", "tests/docs/test_snippets.py",
               "tests/reliability/test_catalogue.py")


def _file_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def pytest_collection_modifyitems(config, items):
    """In an xdist worker, put the files of ``START_FIRST`` first (every worker collects and
    sorts the same way; order inside a file is kept). A plain run keeps pytest's order."""
    if hasattr(config, "workerinput"):
        rank = {f: i for i, f in enumerate(START_FIRST)}
        items.sort(key=lambda it: rank.get(_file_of(it.nodeid), len(rank)))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``-n N`` hands out whole test files (``SAME_WORKER`` files together), in the workers'
    collection order: module- and session-scoped fixtures (the docs site, the derivations,
    the reliability catalogue's results) are then built once, not once per worker. Other
    ``--dist`` modes are left to xdist."""
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class FileScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return SAME_WORKER.get(_file_of(nodeid), _file_of(nodeid))

    config.option.loadscopereorder = False      # keep START_FIRST's order (not by test count)
    return FileScheduling(config, log)


@pytest.fixture
def rng(request):
    """A numpy Generator seeded from the test's node id: reproducible, distinct per test."""
    seed = zlib.crc32(request.node.nodeid.encode())
    return np.random.default_rng(seed)
