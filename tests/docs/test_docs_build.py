"""The documentation builds with ``mkdocs build --strict`` (broken links, missing nav pages,
unresolved cross-references and unparsable docstrings fail), the generated API reference
covers every public module and renders equations and cross-references, the site loads
nothing remote, and the CLI reference generator runs. The build needs the ``test`` extra
(mkdocs, mkdocstrings, pymdown-extensions)."""
from __future__ import annotations

import importlib
import pkgutil
import re
import sys
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.timeout(600)
def test_mkdocs_build_strict(built_site):
    """The site builds in strict mode (the fixture asserts it) with every nav page; the
    build also executes the gallery (examples/gallery/_mkdocs_hook.py: every script runs;
    the build fails if one fails, tests/docs/test_gallery.py): ~40 s of the build on 2 cores."""
    assert (built_site / "own-model" / "index.html").exists()
    assert (built_site / "api" / "responses" / "index.html").exists()
    gallery = built_site / "gallery"
    assert (gallery / "index.html").exists()
    assert (gallery / "01_paper_figures" / "fig2.png").exists()
    assert (gallery / "06_labelled_arrays" / "labelled.png").exists()
    assert (gallery / "07_disordered_rashba" / "disordered_rashba.png").exists()


def test_cli_reference_generator_covers_every_command():
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        import gen_cli_docs
    finally:
        sys.path.pop(0)
    from lrtheory.cli.main import COMMANDS

    text = gen_cli_docs.render()
    for name in COMMANDS:
        assert f"## lrtheory {name.removeprefix('cmd_')}" in text


#: modules the API pages leave out (the CLI's commands: docs/cli.md is their reference)
API_SKIP = ("lrtheory.cli.cmd_", "lrtheory.cli.main")
DIRECTIVE = re.compile(r"^::: ([\w.]+)\s*$", re.M)


def public_modules() -> list[str]:
    """Every module of the package whose dotted name has no ``_`` part, except ``API_SKIP``."""
    import lrtheory

    names = ["lrtheory"]
    for info in pkgutil.walk_packages(lrtheory.__path__, "lrtheory."):
        if not any(p.startswith("_") for p in info.name.split(".")) \
                and not info.name.startswith(API_SKIP):
            names.append(info.name)
    return sorted(names)


def api_pages() -> dict[str, list[str]]:
    """``{page file name: modules rendered on it (its ::: lines)}`` of docs/api/."""
    return {p.name: DIRECTIVE.findall(p.read_text(encoding="utf-8"))
            for p in sorted((ROOT / "docs" / "api").glob("*.md"))}


def test_api_pages_cover_every_module_once():
    """The generated API reference documents every public module on exactly one page, and
    every module has a docstring (the numpydoc habit of STYLE.md)."""
    mods = public_modules()
    assert len(mods) > 20
    placed: dict[str, list[str]] = {}
    for page, names in api_pages().items():
        for m in names:
            placed.setdefault(m, []).append(page)
    missing = [m for m in mods if m not in placed]
    twice = {m: p for m, p in placed.items() if len(p) > 1}
    unknown = [m for m in placed if m not in mods]
    assert not missing, f"public modules on no page of docs/api/: {missing}"
    assert not twice, f"modules on more than one API page: {twice}"
    assert not unknown, f"API pages name modules that are not public modules: {unknown}"
    with warnings.catch_warnings():     # deprecated shim modules warn on import
        warnings.simplefilter("ignore", DeprecationWarning)
        no_doc = [m for m in mods if not (importlib.import_module(m).__doc__ or "").strip()]
    assert not no_doc, f"modules without a docstring: {no_doc}"


def test_api_pages_follow_the_groups_of_all():
    """Each group of ``lrtheory.__all__`` (lrtheory._GROUPS) has its page, which links every
    name of the group to its documentation (or names it, for ``lrtheory.derivations``, which
    lives in the derivations/ folder)."""
    import lrtheory

    text = {p.stem: p.read_text(encoding="utf-8") for p in (ROOT / "docs" / "api").glob("*.md")}
    heads = {stem: t.splitlines()[0] for stem, t in text.items()}
    for group, names in lrtheory._GROUPS.items():
        pages = [s for s, t in text.items() if f"the group *{group}* of" in t]
        assert len(pages) == 1, (group, pages)
        page = text[pages[0]]
        for name, module in names.items():
            target = f"lrtheory.{name}" if module == "." else f"{module}.{name}"
            assert f"[`{name}`][{target}]" in page or (name == "derivations"
                                                      and f"`{name}`" in page), \
                f"docs/api/{pages[0]}.md ({heads[pages[0]]}) does not link {name} -> {target}"


@pytest.mark.timeout(600)
def test_api_pages_render_docstrings_equations_and_links(built_site):
    """On the built responses page: every module and public function has its anchor, the
    numpydoc sections are rendered (a parameters table), the docstrings' ``:math:`` roles and
    ``.. math::`` blocks became arithmatex spans (no reST role left), and ``:func:`` roles
    became links to the anchors of other objects."""
    html = (built_site / "api" / "responses" / "index.html").read_text(encoding="utf-8")
    for anchor in ("lrtheory.response.hall", "lrtheory.response.hall.hall_conductivity",
                   "lrtheory.response.density.ribbon_accumulation"):
        assert f'id="{anchor}"' in html, anchor
    assert "Parameters:" in html and "<table" in html
    assert html.count('class="arithmatex"') > 10
    assert '<div class="arithmatex">' in html      # a display equation (.. math::)
    for role in (":math:`", ":func:`", ":class:`", ":mod:`", ".. math::"):
        assert role not in html, role
    # a cross-reference to another page of the API reference, made from a :class: role
    assert re.search(r'href="\.\./[\w/]*#lrtheory\.[\w.]+"', html)


@pytest.mark.timeout(600)
def test_built_site_loads_nothing_remote(built_site):
    """No page pulls a script, a style sheet, a font or an image from the network (the site
    works offline: KaTeX and its fonts are served from assets/katex)."""
    remote = re.compile(r'<(script|link|img)\b[^>]*\b(src|href)="(https?:)?//', re.I)
    bad = [str(p.relative_to(built_site)) for p in built_site.rglob("*.html")
           if remote.search(p.read_text(encoding="utf-8"))]
    assert not bad, f"pages that load remote resources: {bad[:5]}"
    css = (built_site / "assets" / "katex" / "katex.min.css").read_text(encoding="utf-8")
    fonts = set(re.findall(r"url\((fonts/[\w-]+\.woff2)\)", css))
    assert len(fonts) == 20
    assert all((built_site / "assets" / "katex" / f).exists() for f in fonts)


def test_griffe_extension_converts_roles():
    """docs/_ext/griffe_rst.py on the real package (loaded statically, as mkdocs does): math
    roles and directives become arithmatex input, resolvable roles become autorefs links to
    rendered objects (also relative and ``~``-shortened ones), and a role whose target does
    not exist or is not rendered (private, or a CLI command module) falls back to plain code
    instead of a dangling reference that would fail the strict build."""
    griffe = pytest.importorskip("griffe")
    sys.path.insert(0, str(ROOT / "docs" / "_ext"))
    try:
        import griffe_rst
    finally:
        sys.path.pop(0)
    pkg = griffe.load("lrtheory", search_paths=[str(ROOT)], resolve_aliases=False)
    where = pkg["response"]["hall"]
    conv = griffe_rst.convert
    assert conv(r"a :math:`\Omega_n` b", where) == r"a $\Omega_n$ b"
    assert conv("x\n\n.. math:: a = b\n   + c\n\ny", where) == "x\n\n$$\na = b\n+ c\n$$\n\ny"
    assert conv(":func:`hall_conductivity`", where) == \
        "[`hall_conductivity()`][lrtheory.response.hall.hall_conductivity]"
    assert conv(":class:`~lrtheory.result.Result`", where) == "[`Result`][lrtheory.result.Result]"
    assert conv(":func:`~lrtheory.response.hall.\n    hall_conductivity`", where) == \
        "[`hall_conductivity()`][lrtheory.response.hall.hall_conductivity]"  # wrapped role
    assert conv(":mod:`lrtheory.conventions`", where) == \
        "[`lrtheory.conventions`][lrtheory.conventions]"
    # counter-examples: no such object, a private module, a module the API pages skip
    assert conv(":func:`no_such_function`", where) == "`no_such_function()`"
    assert conv(":mod:`lrtheory._compat`", where) == "`lrtheory._compat`"
    assert conv(":mod:`lrtheory.cli.cmd_hall`", where) == "`lrtheory.cli.cmd_hall`"


def test_ci_runs_the_readme_test_command():
    """.ci/run runs exactly the README's test command (install of Chromium and of the test
    extras included), and that command makes a missing browser a failure in CI."""
    command = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"\n    {command}\n" in readme
    assert "LRTHEORY_REQUIRE_BROWSER=1" in command and "chromium-driver" in command
