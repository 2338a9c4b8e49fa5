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
    """Whole-run watchdog: the suite takes ~1 minute; if it is still running after
    ``LRTHEORY_TEST_WALLCLOCK`` seconds (default 840, under CI's 15 minutes) something hangs
    below the per-test limit of pytest-timeout (e.g. in collection or teardown): print every
    thread's stack to the real stderr and exit non-zero instead of stalling CI."""
    import threading

    seconds = float(os.environ.get("LRTHEORY_TEST_WALLCLOCK", "840"))
    if seconds <= 0:
        return

    def expire():
        import faulthandler
        import sys

        capman = config.pluginmanager.getplugin("capturemanager")
        if capman is not None:
            capman.suspend_global_capture(in_=True)
        print(f"\ntest run exceeded LRTHEORY_TEST_WALLCLOCK={seconds:g} s: stacks follow",
              file=sys.stderr, flush=True)
        faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
        sys.stderr.flush()
        os._exit(3)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    config._lrtheory_watchdog = timer


def pytest_unconfigure(config):
    timer = getattr(config, "_lrtheory_watchdog", None)
    if timer is not None:
        timer.cancel()


@pytest.fixture
def rng(request):
    """A numpy Generator seeded from the test's node id: reproducible, distinct per test."""
    seed = zlib.crc32(request.node.nodeid.encode())
    return np.random.default_rng(seed)
