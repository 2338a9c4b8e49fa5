"""The benchmarks still run: nothing else in the suite touches benchmarks/, and a rename in
lrtheory once broke ``benchmarks/run.py`` silently for a whole session (its cases import
lazily, inside functions, and each runs in a child process whose failure is only an
``error`` row of the report).

Three checks, a few seconds together:

* every ``import`` of every script of benchmarks/ (at any depth, and in the code strings
  that scripts hand to a child Python) that names lrtheory, the tests or another script of
  benchmarks/ resolves: the module imports and the name exists (:func:`missing_imports`);
* every script is imported in a fresh Python (:func:`import_scripts`, run in a subprocess
  because scripts set environment variables, warning filters and ``sys.path`` on import);
  a script that needs a peer package (:data:`PEERS`, installed only in a peer's own venv) is
  skipped with that reason, and so is a peer script without a ``__main__`` guard (it would
  run on import);
* ``benchmarks/run.py --smoke`` runs every case of the real run at a tiny size in one process
  (an exception fails it) and writes its table and plot to ``tmp_path``.

Each check has a counter-example below: a scratch script that imports a name that does not
exist fails it.
"""
from __future__ import annotations

import ast
import importlib
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest


ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "benchmarks"
#: third-party packages that only the peers' venvs hold (docs/performance.md, benchmarks/*.sh)
PEERS = frozenset({"pythtb", "wannierberri", "kwant", "pybinding", "numba"})


def _code_trees(path: Path) -> list[ast.AST]:
    """The script's syntax tree and those of the code strings it holds (a string constant
    that parses as Python and imports something: a child script)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    trees = [tree]
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and "import " in node.value:
            try:
                trees.append(ast.parse(node.value))
            except SyntaxError:
                continue
    return trees


def imports_of(path: Path) -> list[tuple[int, str, str | None]]:
    """``(line, module, name)`` of every import in ``path`` at any depth (``name`` None for
    ``import module``); relative imports do not occur in scripts."""
    out = []
    for tree in _code_trees(path):
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                out += [(node.lineno, alias.name, None) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                out += [(node.lineno, node.module, alias.name) for alias in node.names]
    return out


def _checked(module: str, folder: Path) -> bool:
    top = module.split(".")[0]
    return top in ("lrtheory", "tests") or (folder / f"{top}.py").exists()


def missing_imports(path: Path) -> list[str]:
    """One line per import of ``path`` from lrtheory, tests/ or a sibling script that does
    not resolve (module missing, or no such name in it); third-party imports are left to
    :func:`import_scripts`. The sibling scripts' folder must be on ``sys.path``."""
    problems = []
    for line, module, name in imports_of(path):
        if not _checked(module, path.parent):
            continue
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if (exc.name or "").split(".")[0] not in PEERS:  # a sibling that needs a peer
                problems.append(f"{path.name}:{line}: import {module}: {exc}")
            continue
        except ImportError as exc:
            problems.append(f"{path.name}:{line}: import {module}: {exc}")
            continue
        if name is None or name == "*" or hasattr(mod, name):
            continue
        try:
            importlib.import_module(f"{module}.{name}")
        except ImportError:
            problems.append(f"{path.name}:{line}: {module} has no {name!r}")
    return problems


def _has_main_guard(path: Path) -> bool:
    return any(isinstance(node, ast.If) and "__name__" in ast.unparse(node.test)
               for node in ast.parse(path.read_text(encoding="utf-8")).body)


def _peers_needed(path: Path) -> set[str]:
    return {module.split(".")[0] for _, module, _ in imports_of(path)} & PEERS


def import_scripts(folder: Path) -> dict[str, str]:
    """Import every script of ``folder`` in this process: ``{name: "ok" | "skipped: ..." |
    "failed: ..."}``. Meant for a fresh subprocess (scripts change the environment)."""
    import importlib.util

    sys.path[:0] = [str(folder), str(ROOT)]
    out = {}
    for path in sorted(folder.glob("*.py")):
        peers = _peers_needed(path)
        if peers and not _has_main_guard(path):
            out[path.name] = f"skipped: a peer script that runs on import ({sorted(peers)})"
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[path.stem] = module
        try:
            spec.loader.exec_module(module)
            out[path.name] = "ok"
        except ModuleNotFoundError as exc:
            top = (exc.name or "").split(".")[0]
            out[path.name] = (f"skipped: needs {top} (a peer's venv)" if top in PEERS
                              else f"failed: {type(exc).__name__}: {exc}")
        except Exception as exc:  # noqa: BLE001 (any failure on import is the finding)
            out[path.name] = f"failed: {type(exc).__name__}: {exc}"
    return out


_CHILD = """
import contextlib, io, json, sys
from pathlib import Path
from tests.unit.test_benchmarks_smoke import import_scripts
status = import_scripts(Path(sys.argv[1]))
out = {"status": status}
if len(sys.argv) > 2:  # then run.py --smoke, with the run module just imported
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        out["rc"] = sys.modules["run"].main(["--smoke", "--out", sys.argv[2], "--img", sys.argv[3]])
    out["stdout"] = buf.getvalue()
print("RESULT " + json.dumps(out))
"""


def _in_subprocess(folder: Path, *smoke_args: str) -> dict:
    """:func:`import_scripts` on ``folder`` in a fresh Python, then (``smoke_args``: results
    file and plot folder) ``run.main(["--smoke", ...])`` in the same process: one start-up of
    Python and lrtheory for both checks."""
    r = subprocess.run([sys.executable, "-c", _CHILD, str(folder), *smoke_args], cwd=ROOT,
                       capture_output=True, text=True, timeout=240)
    lines = [line for line in r.stdout.splitlines() if line.startswith("RESULT ")]
    assert r.returncode == 0 and lines, (r.stdout[-2000:], r.stderr[-3000:])
    return json.loads(lines[-1][len("RESULT "):])


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    """Every script of benchmarks/ imported, then ``run.py --smoke`` (its results file and
    plot in a temporary folder)."""
    tmp = tmp_path_factory.mktemp("bench")
    out = _in_subprocess(BENCH, str(tmp / "results.json"), str(tmp))
    return {**out, "tmp": tmp, "R": json.loads((tmp / "results.json").read_text())}


# ------------------------------------------------------------------------------------------


def test_every_benchmark_import_of_lrtheory_resolves(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    scripts = sorted(BENCH.glob("*.py"))
    assert len(scripts) >= 10 and BENCH / "run.py" in scripts
    problems = [p for path in scripts for p in missing_imports(path)]
    assert not problems, "\n".join(problems)
    # the lazy imports of run.py's cases are among those checked
    lazy = {(m, n) for _, m, n in imports_of(BENCH / "run.py")}
    assert ("lrtheory.response.density", "ribbon_accumulation") in lazy


def test_every_benchmark_script_imports_or_needs_a_peer(bench):
    status = bench["status"]
    assert set(status) == {p.name for p in BENCH.glob("*.py")}
    failed = {k: v for k, v in status.items() if v.startswith("failed")}
    assert not failed, failed
    assert status["run.py"] == "ok" and status["kpm_perf.py"] == "ok"


def test_run_smoke_runs_every_case(bench):
    assert bench["rc"] == 0, bench["stdout"][-3000:]
    R, tmp_path = bench["R"], bench["tmp"]
    res = R["results"]
    assert R["smoke"] and set(res) == {"bulk", "ohe", "ribbon", "mem", "w90", "scale", "wfull"}
    timed = {case: {row.get("method") for row in rows if "time" in row}
             for case, rows in res.items()}
    skipped = {case: {row.get("method", row.get("system")) for row in rows if "skipped" in row}
               for case, rows in res.items()}
    assert timed["bulk"] == {"floor", "lrtheory", "sum-over-states", "plain"}
    assert timed["ribbon"] == {"floor", "lrtheory"} and timed["w90"] == {"floor", "serial"}
    assert timed["scale"] == {"serial", "processes"}
    # what --smoke leaves out, and nothing else
    assert skipped == {"bulk": {"pythtb", "pythtb2", "wberri"}, "scale": {"fe"},
                       "wfull": {None}, "ohe": set(), "ribbon": set(), "mem": set(),
                       "w90": set()}
    assert not [row for rows in res.values() for row in rows if "error" in row]
    # serial and 2 processes give the same arrays (the scale case's own check)
    digests = {row["method"]: row["digests"] for row in res["scale"] if "digests" in row}
    assert digests["serial"] == digests["processes"]
    assert "| ribbon accumulation W=4 |" in R["table"]
    assert (tmp_path / "perf_scaling.png").stat().st_size > 0


# -- counter-examples: a benchmark that imports a name that no longer exists ---------------

SCRATCH = '''"""A scratch benchmark."""
from lrtheory.models.haldane import haldane

CHILD = """
from lrtheory.response.density import ribbon_accumulation{child}
"""


def case():
    from lrtheory.response.hall import hall_conductivity{lazy}

    return haldane, hall_conductivity


if __name__ == "__main__":
    case()
'''


def test_missing_imports_finds_a_renamed_name_at_any_depth(tmp_path):
    good = tmp_path / "good.py"
    good.write_text(SCRATCH.format(child="", lazy=""))
    assert missing_imports(good) == []
    bad = tmp_path / "bad.py"
    bad.write_text(SCRATCH.format(child=", ribbon_accumulation_old", lazy=", hall_conductivty"))
    problems = missing_imports(bad)
    assert len(problems) == 2, problems
    assert {p.split(": ", 1)[1] for p in problems} == {
        "lrtheory.response.density has no 'ribbon_accumulation_old'",
        "lrtheory.response.hall has no 'hall_conductivty'"}
    moved = tmp_path / "moved.py"
    moved.write_text("import lrtheory.response.no_such_module\n")
    assert "no_such_module" in missing_imports(moved)[0]


def test_import_scripts_fails_a_top_level_rename_and_skips_only_peers(tmp_path):
    (tmp_path / "ok.py").write_text(SCRATCH.format(child="", lazy=""))
    (tmp_path / "renamed.py").write_text("from lrtheory.models.haldane import haldan\n"
                                         "if __name__ == '__main__':\n    pass\n")
    (tmp_path / "peer.py").write_text("import kwant\nif __name__ == '__main__':\n    pass\n")
    (tmp_path / "peer_run.py").write_text("import wannierberri\nraise SystemExit('ran')\n")
    (tmp_path / "typo.py").write_text("import numpyy\nif __name__ == '__main__':\n    pass\n")
    status = _in_subprocess(tmp_path)["status"]
    assert status["ok.py"] == "ok"
    assert status["renamed.py"].startswith("failed: ImportError") and "haldan" in status[
        "renamed.py"]
    assert status["peer.py"] == ("ok" if importlib.util.find_spec("kwant") else
                                 "skipped: needs kwant (a peer's venv)")
    assert status["peer_run.py"] == "skipped: a peer script that runs on import (['wannierberri'])"
    assert status["typo.py"] == "failed: ModuleNotFoundError: No module named 'numpyy'"
