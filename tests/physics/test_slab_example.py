"""The slab worked example runs on a small file, as CI runs it (issue #15 "Done when": a slab
accumulation example runs in CI on a small file): examples/gallery/08_slab_films.py writes
the polar cubic Rashba model to a Wannier90 _hr.dat, reads it back, cuts (001) films and
checks its own numbers (interior against an independent bulk sum, charge sum rule, TR
zeros), exiting non-zero when a check fails. Without ../shared the GaAs part prints a note."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_slab_example_on_a_small_file(tmp_path):
    env = dict(os.environ, LRTHEORY_GAAS_DIR=str(tmp_path / "absent"), MPLBACKEND="Agg",
               LRTHEORY_GALLERY_OUT=str(tmp_path),
               PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    r = subprocess.run([sys.executable, str(ROOT / "examples" / "gallery" / "08_slab_films.py")],
                       env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "N = 32" in r.stdout and "note:" in r.stdout
    assert (tmp_path / "slab_rashba_profiles.png").stat().st_size > 10_000
