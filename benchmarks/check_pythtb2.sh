#!/usr/bin/env bash
# Run lrtheory's PythTB-related tests with PythTB 2.x, which needs Python >= 3.12 (CI and the
# system python have 3.11 and PythTB 1.8, so only this script exercises the 2.x code path of
# lrtheory/io/pythtb.py).
#
#   benchmarks/check_pythtb2.sh [extra pytest args]
#
# Creates (first run) or updates benchmarks/.venv-pythtb2 (gitignored): pythtb >= 2 plus
# lrtheory installed editable with the test extra. Environment overrides:
#   PYTHON312     interpreter >= 3.12 used to create the venv (default: python3.13/python3.12
#                 on PATH, else the newest ~/.pyenv/versions/3.1[2-9]*)
#   PYTHTB2_VENV  venv directory (default benchmarks/.venv-pythtb2)
#   PYTHTB_SPEC   pip requirement for PythTB (default "pythtb>=2"; e.g. "pythtb==2.0.2")
# Exit status: pytest's (non-zero if a test fails), 2 if the setup fails.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${PYTHTB2_VENV:-$ROOT/benchmarks/.venv-pythtb2}
SPEC=${PYTHTB_SPEC:-pythtb>=2}

die() { echo "check_pythtb2: $*" >&2; exit 2; }

if [ ! -x "$VENV/bin/python" ]; then
    # first candidate that actually runs (pyenv shims exist for versions that are not
    # active and then fail) and is >= 3.12
    is312() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; }
    PY=""
    if [ -n "${PYTHON312:-}" ]; then
        is312 "$PYTHON312" || die "PYTHON312=$PYTHON312 does not run or is older than 3.12"
        PY=$PYTHON312
    else
        for cand in python3.13 python3.12 \
                $(ls -d "$HOME"/.pyenv/versions/3.1[2-9]* 2>/dev/null | sort -V -r); do
            [ -d "$cand" ] && cand="$cand/bin/python"
            if is312 "$cand"; then PY=$cand; break; fi
        done
    fi
    [ -n "$PY" ] || die "no Python >= 3.12 found; set PYTHON312=/path/to/python3.12"
    echo "check_pythtb2: creating $VENV with $PY"
    "$PY" -m venv "$VENV" || die "venv creation failed"
fi

VPY="$VENV/bin/python"
"$VPY" -m pip install -q "$SPEC" || die "pip install $SPEC failed"
"$VPY" -m pip install -q -e "$ROOT[test]" || die "pip install -e $ROOT[test] failed"

# refuse to run the tests on anything but PythTB 2.x and this checkout's lrtheory
"$VPY" - "$ROOT" <<'EOF' || die "the venv does not have PythTB 2.x + this checkout's lrtheory"
import pathlib, sys
from importlib.metadata import version
import lrtheory
v = version("pythtb")
here = pathlib.Path(lrtheory.__file__).resolve().parent.parent
print(f"check_pythtb2: Python {sys.version.split()[0]}, pythtb {v}, lrtheory from {here}")
sys.exit(not (int(v.split(".")[0]) >= 2 and here == pathlib.Path(sys.argv[1]).resolve()))
EOF

cd "$ROOT"
exec "$VPY" -m pytest -q -p no:cacheprovider -rs \
    tests/unit/test_pythtb_adapter.py tests/unit/test_fourier_accumulation.py \
    tests/unit/test_wannier90.py "$@"
