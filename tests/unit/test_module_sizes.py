"""No module of the package over 500 lines (issue #14, "Done when"; CONTRIBUTING's standards).
tests/unit/test_io_moves.py checks the modules that issue #14 moved; this checks them all."""
from __future__ import annotations

from pathlib import Path

PKG = Path(__file__).resolve().parents[2] / "lrtheory"
LIMIT = 500


def oversized(root: Path, limit: int = LIMIT) -> dict[str, int]:
    """``{path: lines}`` of the ``*.py`` files below ``root`` longer than ``limit`` lines."""
    sizes = {str(p.relative_to(root)): len(p.read_text(encoding="utf-8").splitlines())
             for p in sorted(root.rglob("*.py"))}
    return {k: v for k, v in sizes.items() if v > limit}


def test_no_module_is_over_500_lines():
    assert len(list(PKG.rglob("*.py"))) > 100
    assert oversized(PKG) == {}


def test_the_size_check_can_fail(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "big.py").write_text("x = 1\n" * (LIMIT + 1))
    (tmp_path / "pkg" / "ok.py").write_text("x = 1\n" * LIMIT)
    assert oversized(tmp_path) == {"pkg/big.py": LIMIT + 1}
