"""How the suite is split over pytest-xdist workers (tests/conftest.py; the README's command
runs ``-n 2``): whole files per worker, the files sharing the built documentation site in one
worker, the longest files first. These tables name files by path, so a renamed or new file
must not silently fall out of them."""
from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

from tests import conftest

ROOT = Path(__file__).resolve().parents[2]


def _test_files() -> dict[str, str]:
    return {p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8")
            for p in (ROOT / "tests").rglob("test_*.py")}


def test_every_file_using_the_built_site_shares_one_worker():
    """A test file whose tests take the session fixture ``built_site`` must be in
    ``SAME_WORKER`` with the others, or two workers would each build the site (~1 min)."""
    users = {f for f, text in _test_files().items()
             if re.search(r"def test_\w+\([^)]*\bbuilt_site\b", text)}
    assert users, "no test uses built_site: the grouping below is stale"
    assert users == set(conftest.SAME_WORKER), (users, conftest.SAME_WORKER)
    assert len(set(conftest.SAME_WORKER.values())) == 1


def test_files_started_first_exist():
    files = _test_files()
    missing = [f for f in conftest.START_FIRST if f not in files]
    assert not missing, f"START_FIRST names files that do not exist: {missing}"
    assert len(set(conftest.START_FIRST)) == len(conftest.START_FIRST)


def _items(*nodeids):
    return [SimpleNamespace(nodeid=n) for n in nodeids]


def test_workers_sort_the_long_files_first_and_keep_the_order_inside_a_file():
    first, second = conftest.START_FIRST[:2]
    items = _items("tests/a/test_x.py::t1", f"{second}::b", "tests/a/test_x.py::t0",
                   f"{first}::z", f"{first}::a")
    worker = SimpleNamespace(workerinput={"workerid": "gw0"})
    conftest.pytest_collection_modifyitems(worker, items)
    assert [i.nodeid for i in items] == [f"{first}::z", f"{first}::a", f"{second}::b",
                                         "tests/a/test_x.py::t1", "tests/a/test_x.py::t0"]
    # counter-example: a plain run (no workerinput) keeps pytest's order
    plain = _items("tests/a/test_x.py::t1", f"{first}::z")
    conftest.pytest_collection_modifyitems(SimpleNamespace(), plain)
    assert [i.nodeid for i in plain] == ["tests/a/test_x.py::t1", f"{first}::z"]


def test_scheduler_hands_out_files_and_groups_the_site_files():
    import pytest

    pytest.importorskip("xdist")
    option = SimpleNamespace(loadscopereorder=True, maxschedchunk=None)
    config = SimpleNamespace(option=option, getvalue=lambda name: {"dist": "load", "tx": ["popen"] * 2}[name],
                             getoption=lambda name, default=None: default)
    sched = conftest.pytest_xdist_make_scheduler(config, None)
    site = sorted(conftest.SAME_WORKER)
    assert sched._split_scope(f"{site[0]}::test_a") == sched._split_scope(f"{site[1]}::t[b]")
    assert sched._split_scope("tests/unit/test_x.py::test_a[1-2]") == "tests/unit/test_x.py"
    assert sched._split_scope("tests/unit/test_x.py::K::test_a") == "tests/unit/test_x.py"
    assert option.loadscopereorder is False
    # other --dist modes are xdist's own
    other = SimpleNamespace(option=option, getvalue=lambda name: "loadfile")
    assert conftest.pytest_xdist_make_scheduler(other, None) is None
