"""Generate docs/api.md from the package's docstrings (run: python3 examples/gen_api_docs.py).

One section per public module (its docstring), then each public function and class with its
signature and the docstring's summary paragraph. The page is built from the code, so it
cannot drift from it; tests/docs/test_docs_build.py checks that it covers every module.
"""
from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from pathlib import Path

# document THIS checkout's lrtheory, not the tree a (shared) editable install points at
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

HEADER = """# API reference

Generated from the docstrings by `python3 examples/gen_api_docs.py`; do not edit by hand.
Each entry gives the signature and the first paragraph of the docstring; the full docstring
(formula, paper equation, units, shapes) is one `help(...)` away in Python.
"""

#: private or tool modules left out of the reference
SKIP = ("lrtheory.cli.cmd_", "lrtheory.cli.main")


def public_modules() -> list[str]:
    import lrtheory

    names = ["lrtheory"]
    for info in pkgutil.walk_packages(lrtheory.__path__, "lrtheory."):
        if any(part.startswith("_") for part in info.name.split(".")):
            continue
        if info.name.startswith(SKIP):
            continue
        names.append(info.name)
    return sorted(names)


def _summary(obj) -> str:
    doc = inspect.getdoc(obj) or ""
    return doc.split("\n\n")[0].strip()


def _members(mod):
    names = getattr(mod, "__all__", None)
    if names is None:
        names = [n for n, v in vars(mod).items()
                 if not n.startswith("_") and getattr(v, "__module__", None) == mod.__name__
                 and (inspect.isfunction(v) or inspect.isclass(v))]
    for name in names:
        obj = getattr(mod, name, None)
        if obj is not None and (inspect.isfunction(obj) or inspect.isclass(obj)):
            if getattr(obj, "__module__", mod.__name__) == mod.__name__:
                yield name, obj


def render() -> str:
    parts = [HEADER]
    for modname in public_modules():
        mod = importlib.import_module(modname)
        parts.append(f"## `{modname}`\n")
        doc = inspect.getdoc(mod)
        if doc:
            parts.append("```text\n" + doc.strip() + "\n```\n")
        for name, obj in _members(mod):
            try:
                sig = str(inspect.signature(obj))
            except (TypeError, ValueError):
                sig = "(...)"
            kind = "class" if inspect.isclass(obj) else "def"
            parts.append(f"**`{kind} {name}{sig}`**\n")
            summ = _summary(obj)
            if summ:
                parts.append("```text\n" + summ + "\n```\n")
    return "\n".join(parts)


def main(argv=None) -> int:
    out = Path(__file__).resolve().parents[1] / "docs" / "api.md"
    out.write_text(render())
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
