"""The equation registry (lrtheory.equations): every name in it resolves, every test it cites
exists, every equation docs/derivations.md mentions has a record, the generated index is current.

The expectations are read from the repository (docs, derivations/registry.py, the test files),
never from the registry itself, so a stale or mistyped record fails here.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from lrtheory import equations as E
from lrtheory.derivations import registry as dreg

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
DERIV_MD = DOCS / "derivations.md"


def _doc_text_outside_index() -> str:
    text = DERIV_MD.read_text(encoding="utf-8")
    a, b = text.find(E.BEGIN_MARKER), text.find(E.END_MARKER)
    assert 0 <= a < b, "equation index markers missing in docs/derivations.md"
    return text[:a] + text[b:]


def _mentioned_labels(text: str) -> set:
    """Every paper equation the prose names: 'Eq. 24', 'Eqs. (37)-(43)', 'Eq. 38 -> 39',
    'Eq. 24, 31', 'S32-S34', 'S7-S10', ... (ranges expanded). Independent of the registry."""
    found = set()
    for m in re.finditer(r"Eqs?\.\s*\(?\d+\)?(?:\s*(?:-|->|/|,)\s*(?:Eq\.\s*)?\(?\d+\)?)*", text):
        s = m.group(0)
        parts = re.split(r"\s*(,|->|/|-)\s*", re.sub(r"Eqs?\.\s*", "", s))
        nums = [int(p.strip("() ")) for p in parts[::2]]
        seps = parts[1::2]
        found.update(f"Eq. {n}" for n in nums)
        for (a, b), sep in zip(zip(nums, nums[1:]), seps):
            if sep == "-":
                found.update(f"Eq. {n}" for n in range(a, b + 1))
    for m in re.finditer(r"\bS(\d{1,2})(?:\s*-\s*S?(\d{1,2}))?\b", text):
        a = int(m.group(1))
        b = int(m.group(2)) if m.group(2) else a
        found.update(f"S{n}" for n in range(a, b + 1))
    return found


def test_mention_parser_sees_known_forms():
    got = _mentioned_labels("Eqs. (37)-(43); Eq. 24, 31; Eq. 38 -> 39; S32-S34; (S14); "
                            "Eq. (8)/(11)")
    assert {"Eq. 37", "Eq. 40", "Eq. 43", "Eq. 24", "Eq. 31", "Eq. 38", "Eq. 39", "S32",
            "S33", "S34", "S14", "Eq. 8", "Eq. 11"} <= got
    assert "Eq. 25" not in got and "Eq. 32" not in got and "S35" not in got


def test_every_equation_in_derivations_md_has_a_record():
    mentioned = _mentioned_labels(_doc_text_outside_index())
    assert len(mentioned) > 60  # the page names about 90 equations; a broken parser finds few
    missing = sorted(lbl for lbl in mentioned if lbl not in E._INDEX)
    assert not missing, f"no registry record for {missing}"
    for lbl in mentioned:  # and the public lookup answers with the canonical spelling
        assert lbl in E.lookup(lbl).covers


def test_each_label_has_exactly_one_record_and_records_are_in_paper_order():
    seen = {}
    for eq in E.EQUATIONS:
        assert eq.label in eq.covers
        for lbl in eq.covers:
            assert lbl not in seen, f"{lbl} in {seen.get(lbl)} and {eq.label}"
            seen[lbl] = eq.label
    key = [(eq.label.startswith("S"), int(re.sub(r"\D", "", eq.label))) for eq in E.EQUATIONS]
    assert key == sorted(key)


def test_every_record_is_complete():
    for eq in E.EQUATIONS:
        assert eq.statement and "\n" not in eq.statement, eq.label
        assert eq.reading in E.READINGS, eq.label
        assert eq.tests, f"{eq.label}: no test"
        assert eq.docs, f"{eq.label}: no docs anchor"
        if eq.reading == "corrected" and not eq.findings:
            pytest.fail(f"{eq.label}: corrected without a finding")


KERNELS = sorted({k.path for eq in E.EQUATIONS for k in eq.kernels})


@pytest.mark.parametrize("path", KERNELS)
def test_every_kernel_path_resolves(path):
    """Import + getattr, at test time (colleagues move functions: a moved function's old path
    must still work through its shim; the command then names the new home)."""
    obj, home = E.resolve_kernel(path)
    assert callable(obj), path
    # the registry names each kernel's home, not an alias or shim left behind by a move
    assert home == path, f"{path} now lives at {home}: update lrtheory/_equation_table.py"
    doc = (obj.__doc__ or "").lstrip().lower()
    assert not doc.startswith("deprecated"), f"{path} is a deprecated alias"


def test_kernel_forms_are_tagged():
    for eq in E.EQUATIONS:
        for k in eq.kernels:
            assert k.form in E.FORMS
    # Eq. 57: the printed formula and the corrected (gauge-covariant) one are different
    # functions, each tagged (issue #14: the corrected kernel shares its name with a bulk one)
    forms = {k.path.rsplit(".", 1)[1]: k.form for k in E.lookup(57).kernels}
    assert forms["paper_omm_eq57"] == "as printed"
    assert forms["omm_matrix"] == "corrected"


def _test_functions(path: Path) -> set:
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            names.update(f"{node.name}::{n.name}" for n in node.body
                         if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)))
    return names


TESTS = sorted({t for eq in E.EQUATIONS for t in eq.tests})


@pytest.mark.parametrize("node", TESTS)
def test_every_cited_test_exists(node):
    file, _, name = node.partition("::")
    path = ROOT / file
    assert path.is_file(), f"{file} does not exist"
    if not name:
        return
    name, _, param = name.partition("[")
    assert name in _test_functions(path), f"{node}: no such test function"
    if param:  # the parametrized derivation tests run one case per registry label
        assert file == "tests/symbolic/test_derivations.py"
        assert param.rstrip("]") in {d.label for d in dreg.DERIVATIONS}


def test_derivation_labels_exist_and_every_derivation_is_linked():
    labels = {d.label for d in dreg.DERIVATIONS}
    used = {lbl for eq in E.EQUATIONS for lbl in eq.derivations}
    assert used <= labels, used - labels
    assert labels <= used, f"derivations no equation record names: {labels - used}"
    for d in dreg.DERIVATIONS:  # the module named by the registry is a real file
        assert (ROOT / "derivations" / f"{d.module}.py").is_file()


def test_missing_derivation_is_said_and_eq57_has_one():
    for eq in E.EQUATIONS:
        said = "no derivation yet" in eq.status
        assert said == (not eq.derivations and eq.reading != "definition"), eq.label
    eq = E.lookup("57")  # issue #14: Eq. 57 had no registered derivation; now eq57
    assert eq.derivations == ("eq57",) and 8 in eq.findings


def _slug(heading: str) -> str:
    """Python-Markdown's default toc slug (what MkDocs uses for anchors)."""
    s = re.sub(r"[^\w\s-]", "", heading).strip().lower()
    return re.sub(r"[-\s]+", "-", s)


def test_docs_anchors_exist():
    for eq in E.EQUATIONS:
        for ref in eq.docs:
            page, _, anchor = ref.partition("#")
            text = (DOCS / page).read_text(encoding="utf-8")
            slugs = {_slug(h) for h in re.findall(r"^#+\s+(.+?)\s*$", text, re.M)}
            assert anchor in slugs, f"{eq.label}: {ref} is not a heading anchor"


def test_findings_match_the_table_of_derivations_md():
    text = DERIV_MD.read_text(encoding="utf-8")
    section = text.split("## The findings at a glance", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| (\d+) \| ([^|]+) \|", section, re.M)
    assert [int(n) for n, _ in rows] == sorted(E.FINDINGS)
    for n, paper in rows:
        assert E.FINDINGS[int(n)][0] == paper.strip()
    cited = {n for eq in E.EQUATIONS for n in eq.findings}
    assert cited <= set(E.FINDINGS)


def test_generated_index_is_current():
    assert E.update_docs(DERIV_MD, write=False), (
        "docs/derivations.md equation index is stale: run python -m lrtheory.equations --write")


def test_update_docs_rewrites_between_markers_only(tmp_path):
    page = tmp_path / "d.md"
    page.write_text(f"before\n{E.BEGIN_MARKER}\nSTALE-ROW-7f3\n{E.END_MARKER}\nafter\n")
    assert E.update_docs(page) is False
    text = page.read_text()
    assert text.startswith("before\n") and text.endswith("after\n") and "STALE-ROW-7f3" not in text
    assert "| Eq. 57 |" in text
    assert E.update_docs(page) is True  # idempotent
    (tmp_path / "e.md").write_text("no markers")
    with pytest.raises(E.LrtheoryError, match="markers"):
        E.update_docs(tmp_path / "e.md")


@pytest.mark.parametrize("text,label", [
    ("57", "Eq. 57"), ("eq57", "Eq. 57"), ("Eq. 57", "Eq. 57"), ("eq. (57)", "Eq. 57"),
    ("(57)", "Eq. 57"), ("  EQ 57 ", "Eq. 57"), ("S18", "S18"), ("s18", "S18"),
    ("(S18)", "S18"), ("Eq. S18", "S18"), ("eqs. 24", "Eq. 24"), (24, "Eq. 24"),
])
def test_canonical_label_spellings(text, label):
    assert E.canonical_label(text) == label


@pytest.mark.parametrize("text", [
    "", "  ", "x", "57a", "5 7", "S", "eq.", "57; import os", "__import__('os')",
    "1e2", "-57", "57.0", "Eq. 24-25", "1" * 200, "é57", None, 57.0, True, ["57"],
])
def test_bad_labels_are_one_line_typed_errors(text):
    with pytest.raises(E.UnknownEquationError) as info:
        E.lookup(text)
    assert isinstance(info.value, E.LrtheoryError)
    assert "\n" not in str(info.value) and len(str(info.value)) < 300


def test_unknown_equation_lists_close_matches():
    with pytest.raises(E.UnknownEquationError, match=r"Eq\. 59.*Eq\. 58"):
        E.lookup(59)
    with pytest.raises(E.UnknownEquationError, match=r"S56.*S55"):
        E.lookup("S56")
    with pytest.raises(E.UnknownEquationError, match=r"Eq\. 0.*Eq\. 1"):
        E.lookup("0")


def test_expand_labels():
    assert E.expand_labels(["Eq. 37-39", "S25-S27", "S2"]) == (
        "Eq. 37", "Eq. 38", "Eq. 39", "S25", "S26", "S27", "S2")
    for bad in ("Eq. 39-37", "eq 3", "S2-Eq. 3"):
        with pytest.raises(ValueError):
            E.expand_labels([bad])


def test_registry_answers_for_every_equation_of_the_paper():
    """The paper numbers Eqs. (1)-(58) in the main text and (S1)-(S55) in the appendices:
    every one has a record (most are grouped with the equation they lead to)."""
    paper = {f"Eq. {n}" for n in range(1, 59)} | {f"S{n}" for n in range(1, 56)}
    assert set(E._INDEX) == paper


def test_resolve_kernel_follows_a_shim(tmp_path, monkeypatch):
    """A function moved to a new module, its old path a shim that warns on import: the old
    path still resolves (no warning escapes) and names the new home; `where` shows it."""
    import sys
    import warnings

    name = f"_lrt_shim_{abs(hash(tmp_path)) % 10**8}"
    (tmp_path / f"{name}.py").write_text(
        "import warnings\n"
        "warnings.warn('moved to lrtheory.equations', DeprecationWarning, stacklevel=2)\n"
        "from lrtheory.equations import lookup as old_lookup  # noqa: F401\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, name, raising=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        obj, home = E.resolve_kernel(f"{name}.old_lookup")
    assert obj is E.lookup and home == "lrtheory.equations.lookup"
    from lrtheory.cli.cmd_where import _kernel

    shown = _kernel(E.Kernel(f"{name}.old_lookup", "corrected"))
    assert shown["defined_in"] == "lrtheory.equations.lookup"
    missing = _kernel(E.Kernel(f"{name}.gone", "corrected"))
    assert "does not import" in missing["error"]  # a stale path is reported, not a crash
    monkeypatch.delitem(sys.modules, name, raising=False)


def test_resolve_kernel_class_member():
    obj, home = E.resolve_kernel("lrtheory.equations.Kernel.parse")
    assert obj == E.Kernel.parse and home == "lrtheory.equations.Kernel.parse"


def test_every_finding_is_cited_by_a_record():
    cited = {n for eq in E.EQUATIONS for n in eq.findings}
    assert cited == set(E.FINDINGS)
    assert E.finding_number("finding 8") == 8 and E.finding_number("Finding #12") == 12
    assert E.finding_number("8") is None and E.finding_number("finding x") is None
    last = max(E.FINDINGS)
    with pytest.raises(E.UnknownEquationError, match=f"numbered 1-{last}"):
        E.for_finding(last + 1)
