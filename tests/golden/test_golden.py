"""No number moves (issue #14): every golden case recomputed with the current code agrees
with the outputs recorded at the baseline (tests/golden/data, README there) to
``max|new - old| <= 1e-12 * max(1, max|old|)`` per array; texts exactly.

Expected values: recorded by ``python -m tests.golden.record`` from commit 555daf3 (before
the issue #14 refactoring), not from the code under test. One test per case; a failure
names the case, the output and the deviation. Cases and call sites: tests/golden/cases.py,
tests/golden/api.py (edit the path there when a function moves).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.golden import store
from tests.golden.api import pin_source_tree
from tests.golden.cases import CASES

pin_source_tree()  # lrtheory.derivations from the tree under test (lrtheory verify)
DATA = Path(__file__).parent / "data"
GOLDEN, PROVENANCE = store.load(DATA)

# shims of moved modules warn on import and use: not a golden failure (golden test only)
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_every_recorded_case_is_still_defined():
    assert sorted(set(GOLDEN) - set(CASES)) == [], "golden cases without a callable"


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(name):
    if name not in GOLDEN:
        pytest.skip(f"{name}: not in the golden data (recorded at {PROVENANCE['commit'][:7]})")
    new = store.run_case(CASES[name])
    problems = store.compare(name, GOLDEN[name], new)
    rerec = PROVENANCE.get("rerecorded", {}).get(name)
    commit = rerec["commit"] if rerec else PROVENANCE["commit"]
    assert not problems, (f"{len(problems)} output(s) moved from the golden data of commit "
                          f"{commit[:7]}:\n" + "\n".join(problems[:20]))
