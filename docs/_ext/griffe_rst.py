"""Griffe extension: turn the reStructuredText roles of lrtheory's numpydoc docstrings into
the Markdown that mkdocstrings renders (used by mkdocs.yml, ``extensions:`` of the python
handler; not part of the package).

The docstrings follow STYLE.md (numpydoc, Sphinx roles), which ``help()`` and IDEs read as
they are. mkdocstrings' numpy parser splits the sections (Parameters, Returns, ...) but
leaves the text of each section to Markdown, where reST roles would show verbatim. Before
parsing, every docstring is rewritten once:

* ``:math:`x``` -> ``$x$`` and a ``.. math::`` directive (content on the same line and/or
  the indented lines below) -> a ``$$ ... $$`` block; pymdown-extensions' arithmatex then
  emits the spans that docs/assets/math.js typesets with the vendored KaTeX;
* ``:func:`f```, ``:class:``, ``:mod:``, ``:meth:``, ``:attr:``, ``:data:``, ``:exc:``,
  ``:obj:`` -> an autorefs cross-reference ``[`f`][lrtheory.module.f]`` when the target
  resolves (absolutely, in the enclosing class or module, its package, or ``lrtheory``)
  to an object that the API pages render (public path, has a docstring, its module not
  in ``SKIP``); otherwise plain code ``` `f` ```, so ``mkdocs build --strict`` never
  meets a dangling reference. A leading ``~`` shows the last component only, as in Sphinx.
"""
from __future__ import annotations

import re

import griffe

#: modules that the API pages leave out (the CLI has its own page, docs/cli.md)
SKIP = ("lrtheory.cli.cmd_", "lrtheory.cli.main")

_ROLE = re.compile(r":(math|func|class|mod|meth|attr|data|exc|obj):`([^`]+)`")
_DIRECTIVE = re.compile(r"^(?P<indent>[ \t]*)\.\. math::[ \t]*(?P<rest>.*)$")


def _math_blocks(text: str) -> str:
    """``.. math::`` directives -> ``$$`` blocks at the directive's indentation."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        m = _DIRECTIVE.match(lines[i])
        if not m:
            out.append(lines[i])
            i += 1
            continue
        indent = m["indent"]
        body = [m["rest"].strip()] if m["rest"].strip() else []
        i += 1
        while i < len(lines):
            line = lines[i]
            if line.strip() and len(line) - len(line.lstrip()) <= len(indent):
                break
            if line.strip():
                body.append(line.strip())
            i += 1
        out += [f"{indent}$$", *(indent + b for b in body), f"{indent}$$", ""]
    return "\n".join(out)


def _rendered(obj: griffe.Object) -> bool:
    """Whether the API pages render ``obj`` (so that an anchor for it exists)."""
    path = obj.canonical_path
    if not path.startswith("lrtheory") or path.startswith(SKIP):
        return False
    if any(part.startswith("_") for part in path.split(".")[1:]):
        return False
    return obj.is_module or bool(obj.docstring and obj.docstring.value.strip())


def _resolve(name: str, where: griffe.Object) -> griffe.Object | None:
    """The object that a role's target names, seen from the docstring of ``where``."""
    scopes: list[str] = [""]
    node: griffe.Object | None = where
    while node is not None:
        scopes.append(node.path + ".")
        node = node.parent
    scopes.append("lrtheory.")
    modules = where.package.modules_collection
    for scope in scopes:
        path = scope + name
        root, _, rest = path.partition(".")
        if root not in modules:
            continue
        try:
            obj = modules[root]
            for part in rest.split(".") if rest else []:
                obj = obj.get_member(part)
            return obj.final_target if obj.is_alias else obj
        except (KeyError, AttributeError, ValueError, griffe.AliasResolutionError,
                griffe.CyclicAliasError):    # ValueError: an empty part ("a..b", "a.")
            continue
    return None


def convert(text: str, where: griffe.Object) -> str:
    """The Markdown form of one docstring of ``where``."""
    text = _math_blocks(text)

    def role(m: re.Match) -> str:
        kind, target = m[1], m[2].strip()
        if kind == "math":
            return f"${target}$"
        short = target.startswith("~")
        target = re.sub(r"\s+", "", target.lstrip("~")).rstrip("()")  # a role may wrap
        shown = target.rsplit(".", 1)[-1] if short else target
        if kind in ("func", "meth"):
            shown += "()"
        obj = _resolve(target, where)
        if obj is not None and _rendered(obj):
            return f"[`{shown}`][{obj.canonical_path}]"
        return f"`{shown}`"

    return _ROLE.sub(role, text)


class RstRoles(griffe.Extension):
    """Rewrite every docstring of the loaded package once it is complete (so that
    cross-references to any module resolve)."""

    def on_package(self, *, pkg: griffe.Module, **kwargs) -> None:
        seen: set[int] = set()

        def walk(obj: griffe.Object) -> None:
            if id(obj) in seen:
                return
            seen.add(id(obj))
            if obj.docstring is not None:
                obj.docstring.value = convert(obj.docstring.value, obj)
            for member in obj.members.values():
                if not member.is_alias:
                    walk(member)

        walk(pkg)
