"""Equations as data: paper equation -> statement, derivation, kernels, tests, docs.

The one place where code is tagged with the paper equation it implements (corrected or as
printed). The records live in :mod:`lrtheory._equation_table` (data only); this module
parses equation labels, looks records up, resolves kernel paths on request and renders the
equation index of docs/derivations.md. ``lrtheory where 57`` prints one record.

Nothing here imports physics code at import time: kernels are dotted paths, imported only
by :func:`resolve_kernel`. User text is matched by one regular expression, never evaluated.

Command line::

    python -m lrtheory.equations --markdown   # print the equation index (Markdown)
    python -m lrtheory.equations --write      # rewrite it in docs/derivations.md
    python -m lrtheory.equations --check      # exit 1 if docs/derivations.md is stale
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from lrtheory._equation_table import FINDINGS, RECORDS
from lrtheory.errors import LrtheoryError

__all__ = [
    "Equation", "Kernel", "EQUATIONS", "FINDINGS", "UnknownEquationError",
    "READINGS", "FORMS", "LrtheoryError",
    "canonical_label", "expand_labels", "lookup", "for_kernel", "for_finding",
    "finding_number", "close_matches", "resolve_kernel",
    "markdown_table", "update_docs", "BEGIN_MARKER", "END_MARKER",
]

#: Readings of a printed equation (``Equation.reading``).
READINGS = ("as printed", "corrected", "definition", "not used as printed")
#: Forms a kernel can compute (``Kernel.form``).
FORMS = ("as printed", "corrected")

BEGIN_MARKER = ("<!-- BEGIN equation index: generated from lrtheory/_equation_table.py by "
                "`python -m lrtheory.equations --write`; do not edit by hand -->")
END_MARKER = "<!-- END equation index -->"

_MAX_QUERY = 40  # characters; longer text is refused before any matching
_LABEL = re.compile(r"^\s*(?:eqs?\s*\.?\s*)?\(?\s*(s?)\s*(\d{1,3})\s*\)?\s*$", re.IGNORECASE)
_ITEM = re.compile(r"^(Eq\. |S)(\d{1,3})(?:-S?(\d{1,3}))?$")


class UnknownEquationError(LrtheoryError):
    """An equation label that no record covers, or text that is not an equation label."""


@dataclass(frozen=True)
class Kernel:
    """A function that implements an equation: dotted import path and the form it computes.

    Parameters
    ----------
    path : str
        Dotted import path of the function.
    form : str
        The form it computes, one of ``FORMS`` (``"as printed"``, ``"corrected"``, ...).
    """

    path: str
    form: str

    @classmethod
    def parse(cls, text: str, default_form: str) -> "Kernel":
        """A kernel from its registry text ``"dotted.path"`` or ``"dotted.path [form]"``.

        Parameters
        ----------
        text : str
            The registry entry.
        default_form : str
            The form when ``text`` names none.

        Returns
        -------
        Kernel
            The parsed kernel (ValueError for an unknown form).
        """
        path, _, rest = text.partition(" [")
        form = rest.rstrip("]") if rest else default_form
        if form not in FORMS:
            raise ValueError(f"kernel {path}: form must be one of {FORMS}, got {form!r}")
        return cls(path, form)



@dataclass(frozen=True)
class Equation:
    """One record of the registry.

    Attributes
    ----------
    label : str
        Canonical label of the record, ``"Eq. 57"`` or ``"S18"``.
    covers : tuple of str
        Every canonical label this record answers for (ranges expanded).
    statement : str
        One line: what the equation says (corrected where the reading is "corrected").
    reading : str
        ``"as printed"`` (verified as printed), ``"corrected"`` (see ``findings``),
        ``"definition"`` or ``"not used as printed"``.
    findings : tuple of int
        Numbers of "The findings at a glance" in docs/derivations.md.
    derivations : tuple of str
        Labels of ``lrtheory.derivations.registry.DERIVATIONS`` that prove it.
    kernels : tuple of Kernel
        Functions implementing it, by dotted path, with the form each one computes.
    tests : tuple of str
        Test files or node ids (relative to the repository root).
    docs : tuple of str
        ``page#anchor`` under docs/.
    ranges : tuple of str
        The covered ranges as written in the record (``"Eq. 37-41"``).
    """

    label: str
    covers: tuple
    statement: str
    reading: str
    findings: tuple = ()
    derivations: tuple = ()
    kernels: tuple = ()
    tests: tuple = ()
    docs: tuple = ()
    ranges: tuple = field(default=(), compare=False)

    @property
    def status(self) -> str:
        """One line: the reading, the findings, and whether a derivation is registered."""
        s = self.reading
        if self.findings:
            nums = ", ".join(str(n) for n in self.findings)
            s += f": finding {nums}" if self.reading == "corrected" else f"; see finding {nums}"
        if not self.derivations and self.reading != "definition":
            s += "; no derivation yet"
        return s

    @property
    def covers_text(self) -> str:
        """The covered labels as written in the table (``Eq. 37-41, S25-S31``)."""
        return ", ".join(self.ranges)


def expand_labels(items) -> tuple:
    """``("Eq. 37-39", "S2")`` -> ``("Eq. 37", "Eq. 38", "Eq. 39", "S2")``.

    Parameters
    ----------
    items : iterable of str
        Labels or ranges ``"Eq. 37-39"``, ``"S25-S31"``.

    Returns
    -------
    tuple of str
        Every label of the ranges, in order (ValueError for a malformed range).
    """
    out = []
    for item in items:
        m = _ITEM.match(item)
        if not m:
            raise ValueError(f"bad equation range {item!r} (write 'Eq. 37-41' or 'S25-S31')")
        prefix, a = m.group(1), int(m.group(2))
        b = int(m.group(3)) if m.group(3) else a
        if b < a:
            raise ValueError(f"bad equation range {item!r}")
        out.extend(f"{prefix}{n}" for n in range(a, b + 1))
    return tuple(out)


def _build(records) -> tuple:
    eqs = []
    for r in records:
        r = dict(r)
        reading = r["reading"]
        if reading not in READINGS:
            raise ValueError(f"{r['label']}: reading must be one of {READINGS}")
        default = "as printed" if reading in ("as printed", "definition") else "corrected"
        ranges = tuple(r.pop("covers"))
        r["kernels"] = tuple(Kernel.parse(k, default) for k in r.get("kernels", ()))
        eqs.append(Equation(covers=expand_labels(ranges), ranges=ranges, **r))
    return tuple(eqs)


#: The registry, in paper order.
EQUATIONS: tuple = _build(RECORDS)
_INDEX = {lbl: eq for eq in EQUATIONS for lbl in eq.covers}


def canonical_label(text) -> str:
    """``"57"``, ``"eq. 57"``, ``"Eq. (57)"``, ``"(57)"`` -> ``"Eq. 57"``; ``"s18"`` -> ``"S18"``.

    Parameters
    ----------
    text : str or int
        A label in any accepted spelling, or an equation number.

    Returns
    -------
    str
        The canonical label, ``"Eq. N"`` or ``"SN"``.

    Raises
    ------
    UnknownEquationError
        If ``text`` is not a string of that form (one line, at most 40 characters).
    """
    if isinstance(text, int) and not isinstance(text, bool) and 0 <= text < 1000:
        text = str(text)
    if not isinstance(text, str):
        raise UnknownEquationError(f"an equation label is text or a number, got "
                                   f"{type(text).__name__}")
    if len(text) > _MAX_QUERY:
        raise UnknownEquationError(f"not an equation label (longer than {_MAX_QUERY} "
                                   "characters); write e.g. 57, S18 or 'eq. 24'")
    m = _LABEL.match(text)
    if not m:
        shown = " ".join(text.split())
        raise UnknownEquationError(f"not an equation label: {shown!r}; write e.g. 57, S18 or "
                                   "'eq. 24' (lrtheory where --list shows all)")
    number = int(m.group(2))
    return f"S{number}" if m.group(1) else f"Eq. {number}"


def _number(label: str) -> tuple:
    return (label.startswith("S"), int(re.sub(r"\D", "", label)))


def close_matches(label: str, n: int = 3) -> list:
    """Covered labels nearest to ``label``: same series by number, else by spelling.

    Parameters
    ----------
    label : str
        A canonical label.
    n : int
        At most this many matches.

    Returns
    -------
    list of str
        The nearest covered labels.
    """
    series, number = _number(label)
    same = [lbl for lbl in _INDEX if _number(lbl)[0] == series]
    if same:
        same.sort(key=lambda lbl: (abs(_number(lbl)[1] - number), _number(lbl)[1]))
        return same[:n]
    return difflib.get_close_matches(label, list(_INDEX), n=n)


def lookup(text) -> Equation:
    """The record that answers for an equation label (any spelling :func:`canonical_label`
    accepts).

    Parameters
    ----------
    text : str or int
        An equation label.

    Returns
    -------
    Equation
        The record covering it.

    Raises
    ------
    UnknownEquationError
        Not a label, or a label no record covers (the message lists close matches).
    """
    label = canonical_label(text)
    try:
        return _INDEX[label]
    except KeyError:
        near = ", ".join(close_matches(label))
        raise UnknownEquationError(f"no entry for {label} in the equation registry; close "
                                   f"matches: {near} (lrtheory where --list shows all)") from None


_FINDING = re.compile(r"^\s*finding\s*#?\s*(\d{1,3})\s*$", re.IGNORECASE)


def finding_number(text):
    """``"finding 8"`` -> 8; None if ``text`` is not of that form.

    Parameters
    ----------
    text : str
        A query such as ``"finding 8"``.

    Returns
    -------
    int or None
        The finding number.
    """
    m = _FINDING.match(text) if isinstance(text, str) and len(text) <= _MAX_QUERY else None
    return int(m.group(1)) if m else None


def for_finding(number: int) -> list:
    """The records that cite finding ``number`` of docs/derivations.md.

    Parameters
    ----------
    number : int
        A finding number.

    Returns
    -------
    list of Equation
        The records citing it.

    Raises
    ------
    UnknownEquationError
        If there is no such finding.
    """
    if number not in FINDINGS:
        raise UnknownEquationError(f"no finding {number}: the findings are numbered "
                                   f"1-{max(FINDINGS)} (docs/derivations.md)")
    return [eq for eq in EQUATIONS if number in eq.findings]


def for_kernel(name) -> list:
    """The records whose kernels include a function called ``name`` (its last dotted part,
    or a longer dotted tail such as ``"omm.omm_matrix"``); [] if none. ``name`` is compared
    as text, never imported or evaluated.

    Parameters
    ----------
    name : str
        A function name or dotted tail.

    Returns
    -------
    list of Equation
        The records with a matching kernel.
    """
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z_][\w.]{0,120}", name):
        raise UnknownEquationError("a kernel name is a Python identifier or dotted path, "
                                   f"e.g. omm_matrix; got {str(name)[:40]!r}")
    tail = "." + name.lstrip(".")
    return [eq for eq in EQUATIONS if any(("." + k.path).endswith(tail) for k in eq.kernels)]


def resolve_kernel(path: str):
    """Import a kernel by dotted path: ``(object, where)``, ``where`` being the module that
    defines it now (differs from ``path`` when a function moved and ``path`` is a shim or an
    alias). Raises ImportError/AttributeError if the path does not resolve.

    Parameters
    ----------
    path : str
        Dotted path of a function, class or class member.

    Returns
    -------
    tuple
        ``(object, where)``: the imported object and its defining ``module.qualname``.
    """
    import importlib
    import warnings

    module, _, name = path.rpartition(".")
    with warnings.catch_warnings():  # a shim's DeprecationWarning: the path still works
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            obj = getattr(importlib.import_module(module), name)
        except ModuleNotFoundError:  # a class member: lrtheory.models.x.Class.method
            owner_mod, _, owner = module.rpartition(".")
            obj = getattr(getattr(importlib.import_module(owner_mod), owner), name)
    home = getattr(obj, "__module__", module)
    qual = getattr(obj, "__qualname__", name)
    return obj, f"{home}.{qual}"


# -- Markdown ---------------------------------------------------------------------------------
def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _short_kernel(k: Kernel, eq: Equation) -> str:
    path = k.path[len("lrtheory."):] if k.path.startswith("lrtheory.") else k.path
    printed = k.form == "as printed" and eq.reading not in ("as printed", "definition")
    return f"`{path}`" + (" (printed)" if printed else "")


def _short_test(t: str) -> str:
    return "`" + t.split("::")[0].replace("tests/", "", 1) + "`"


def markdown_table() -> str:
    """The equation index of docs/derivations.md (Markdown, no markers).

    Returns
    -------
    str
        The Markdown table, one row per record.
    """
    lines = ["| equation | covers | statement | status | derivation | kernels | tests |",
             "|---|---|---|---|---|---|---|"]
    for eq in EQUATIONS:
        tests = list(dict.fromkeys(_short_test(t) for t in eq.tests))
        lines.append("| " + " | ".join(_cell(c) for c in (
            eq.label, eq.covers_text, eq.statement, eq.status,
            ", ".join(f"`{d}`" for d in eq.derivations) or "none",
            ", ".join(_short_kernel(k, eq) for k in eq.kernels) or "none",
            ", ".join(tests) or "none")) + " |")
    return "\n".join(lines) + "\n"


def _docs_block() -> str:
    return (f"{BEGIN_MARKER}\n\n{markdown_table()}\n{END_MARKER}")


def update_docs(path, *, write: bool = True) -> bool:
    """Replace the text between the markers of ``path`` by :func:`markdown_table`.

    Raises :class:`LrtheoryError` if the markers are missing.

    Parameters
    ----------
    path : str or Path
        The Markdown page (docs/derivations.md).
    write : bool
        Rewrite the file when it is stale (False: only check).

    Returns
    -------
    bool
        True if the file was current.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    start, end = text.find(BEGIN_MARKER), text.find(END_MARKER)
    if start < 0 or end < start:
        raise LrtheoryError(f"{path}: equation index markers not found")
    new = text[:start] + _docs_block() + text[end + len(END_MARKER):]
    if write and new != text:
        path.write_text(new, encoding="utf-8")
    return new == text


def _main(argv=None) -> int:
    import argparse
    import sys

    p = argparse.ArgumentParser(prog="python -m lrtheory.equations",
                                description="render the equation index of docs/derivations.md")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--markdown", action="store_true", help="print the table")
    g.add_argument("--write", action="store_true", help="rewrite it in docs/derivations.md")
    g.add_argument("--check", action="store_true", help="exit 1 if docs/derivations.md is stale")
    p.add_argument("--docs", default=str(Path(__file__).resolve().parents[1] / "docs"
                                         / "derivations.md"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.markdown:
        sys.stdout.write(markdown_table())
        return 0
    current = update_docs(args.docs, write=args.write)
    if args.check and not current:
        print(f"{args.docs}: equation index is stale; run python -m lrtheory.equations --write",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(_main())
