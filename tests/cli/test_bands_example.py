"""The worked example examples/own_model_sympy.py runs (small grid) and prints the expected
physics: gap 2 for QWZ at m = -1 along G-X-M-G (|d| = 1 on G-X), TR broken, |C| = 1 for
|m| < 2 and C = 0 for |m| > 2 (to the grid error, which the script prints)."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "own_model_sympy.py"


def test_own_model_sympy_example_runs(tmp_path):
    r = subprocess.run([sys.executable, str(SCRIPT), "--nk", "16", "--plot",
                        str(tmp_path / "qwz.png")], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "gap 2.0000 t0" in r.stdout
    assert "time reversal Theta = K: broken" in r.stdout
    cs = {float(m): float(c) for m, c in re.findall(r"m = ([+-][\d.]+): C_lower = ([+-][\d.]+)",
                                                     r.stdout)}
    assert abs(abs(cs[-1.0]) - 1) < 0.05 and abs(abs(cs[1.0]) - 1) < 0.05
    # H(k, -m) = -H(k + (pi, pi), m): the lower band at -m is the upper band at m, C -> -C
    assert abs(cs[-1.0] + cs[1.0]) < 1e-6
    assert abs(cs[3.0]) < 0.05
    assert (tmp_path / "qwz.png").exists()
