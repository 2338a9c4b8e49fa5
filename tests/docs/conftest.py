"""The documentation site, built once per test session with ``mkdocs build --strict`` and
shared by the build checks (test_docs_build.py) and the browser check (test_browser.py)."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: seconds; the build (API pages ~15 s, the executed gallery ~40 s on 2 cores) takes ~1 min
#: on an idle 2-core machine. Tests that use ``built_site`` carry a 600 s pytest timeout,
#: since the first of them pays for the build in its set-up.
BUILD_TIMEOUT = 600


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """Folder of the site built from this checkout's docs/ and docstrings (strict mode)."""
    pytest.importorskip("mkdocs")
    site = tmp_path_factory.mktemp("docs") / "site"
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict",
                        "-f", str(ROOT / "mkdocs.yml"), "-d", str(site)],
                       capture_output=True, text=True, timeout=BUILD_TIMEOUT, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    print(f"\nmkdocs build --strict: {time.perf_counter() - t0:.1f} s -> {site}")
    return site
