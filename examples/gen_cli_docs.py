"""Generate docs/cli.md from the argparse parsers (run: python3 examples/gen_cli_docs.py).

The page is the ``--help`` text of ``lrtheory`` and of every subcommand, so it cannot drift
from the code; tests/docs/test_docs_build.py checks that docs/cli.md is up to date.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

# document THIS checkout's lrtheory, not the tree a (shared) editable install points at
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

HEADER = """# Command-line reference

Generated from the argparse parsers by `python3 examples/gen_cli_docs.py`; do not edit by
hand. Every command accepts `--debug` (before the command name) to show full tracebacks;
without it any input error is one line on stderr and exit status 2.

Every command takes `--out` (`.npz` or `.json`, with every parameter in effect, the model
file's sha256, the command line and the lrtheory version; for `figure` a folder) and `--json`.
`bands`, `hall`, `accumulate` and `symmetry` take `--model NAME_OR_FILE` (built-in `haldane`,
`gapped-graphene`, a TOML/JSON/SymPy model file or a Wannier90 `_tb.dat`/`_hr.dat`, see
[Your own model](own-model.md)) and `--param KEY=VALUE` (repeatable; values are numbers or
expressions such as `pi/2`); `bands`, `hall`, `accumulate` and `flake` take `--plot FILE`
(a format matplotlib writes). All output paths are checked before any computation.
"""


def render() -> str:
    import os

    os.environ["COLUMNS"] = "100"
    from lrtheory.cli.main import build_parser

    parser = build_parser()
    parts = [HEADER, "## lrtheory\n", "```text\n" + parser.format_help().rstrip() + "\n```\n"]
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, p in sub.choices.items():
        parts.append(f"## lrtheory {name}\n")
        parts.append("```text\n" + p.format_help().rstrip() + "\n```\n")
    return "\n".join(parts)


def main(argv=None) -> int:
    out = Path(__file__).resolve().parents[1] / "docs" / "cli.md"
    text = render()
    if argv and argv[0] == "--check":
        return 0 if out.exists() and out.read_text() == text else 1
    out.write_text(text)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
