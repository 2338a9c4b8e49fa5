"""``lrtheory where``: derivation, kernels, tests, findings and docs of a paper equation.

Looks the equation up in the registry :mod:`lrtheory.equations` (the one place where code is
tagged with the equation it implements). EQUATION is a number (main text), an S-number
(supplement) or the label as printed: ``57``, ``S18``, ``eq. 24``, ``Eq. (38)``. An equation
that no record covers is one line on stderr naming the closest ones, exit status 2.
"""
from __future__ import annotations

import json
import sys

from lrtheory.cli._subcommand import subcommand_docs, subparser
from lrtheory.cli.common import add_output_args

EXAMPLES = """examples:
  lrtheory where 57                    # the ribbon OMM matrix m_nl (printed and corrected)
  lrtheory where S18                   # the Edelstein result of the Rashba gas
  lrtheory where eq. 24                # any spelling of the label: 24, eq24, Eq. (24)
  lrtheory where 24 41                 # several equations
  lrtheory where --list                # every equation the registry answers for
  lrtheory where --kernel omm_matrix   # which equations a function implements
  lrtheory where finding 8             # a finding of docs/derivations.md and its equations
  lrtheory where 33 --json             # machine-readable
  lrtheory where 57 --out eq57.json    # the same, written to a file with the command line
"""


@subcommand_docs
def add_parser(sub):
    """Register the ``where`` subcommand: its options, help with examples, and ``func``.

    %(add_parser)s
    """
    p = subparser(sub, "where", "show derivation, kernels and tests of a paper equation",
                  __doc__.split("\n\n", 1)[1] if __doc__ else None, EXAMPLES)
    p.add_argument("equation", nargs="*", metavar="EQUATION",
                   help="57, S18, 'eq. 24', ... (several allowed)")
    p.add_argument("--list", action="store_true", help="list every record and exit")
    p.add_argument("--kernel", metavar="NAME",
                   help="list the equations a function implements (name or dotted path)")
    add_output_args(p, plot=False)
    p.set_defaults(func=run)
    return p


def _records(words):
    """The records asked for: the words joined as one label, else each word a label."""
    from lrtheory.equations import UnknownEquationError, canonical_label, lookup

    if not words:
        raise UnknownEquationError("name an equation, e.g. lrtheory where 57 (or --list)")
    try:
        return [(canonical_label(" ".join(words)), lookup(" ".join(words)))]
    except UnknownEquationError as joined:
        if len(words) == 1:
            raise
        try:
            return [(canonical_label(w), lookup(w)) for w in words]
        except UnknownEquationError:
            raise joined from None


def _derivation(label):
    """(label, module file, summary) of a registered derivation, or a note if unknown."""
    from lrtheory.derivations import registry

    try:
        d = registry.get(label)
    except Exception:  # noqa: BLE001 - a stale label is reported, not a crash
        return {"label": label, "module": None, "summary": "not in derivations/registry.py"}
    return {"label": d.label, "module": f"derivations/{d.module}.py", "summary": d.summary,
            "equation": d.equation}


def _kernel(k):
    from lrtheory.equations import resolve_kernel

    out = {"path": k.path, "form": k.form}
    try:
        _, home = resolve_kernel(k.path)
    except (ImportError, AttributeError) as exc:
        out["error"] = f"does not import ({type(exc).__name__}: {exc})"
    else:
        if home != k.path:
            out["defined_in"] = home
    return out


def describe(eq, asked: str | None = None) -> dict:
    """Everything ``where`` prints about one record, as a dict (also the --json payload).

    Parameters
    ----------
    eq : Equation
        A record of :data:`lrtheory.equations.EQUATIONS`.
    asked : str, optional
        The canonical label that was looked up (default: the record's own).

    Returns
    -------
    dict
        ``asked``, ``label``, ``covers``, ``statement``, ``status``, ``findings``,
        ``derivations``, ``kernels``, ``tests``, ``docs``.
    """
    from lrtheory.equations import FINDINGS

    return {
        "asked": asked or eq.label, "label": eq.label, "covers": eq.covers_text,
        "statement": eq.statement,
        "status": eq.status,
        "findings": [{"number": n, "paper": FINDINGS[n][0], "text": FINDINGS[n][1]}
                     for n in eq.findings],
        "derivations": [_derivation(lbl) for lbl in eq.derivations],
        "kernels": [_kernel(k) for k in eq.kernels],
        "tests": list(eq.tests),
        "docs": [f"docs/{d}" for d in eq.docs],
    }


def _format_record(d: dict) -> str:
    """The text block of one record.

    Parameters
    ----------
    d : dict
        From :func:`describe`.

    Returns
    -------
    str
        Several lines: statement, status, findings, derivations, kernels, tests, docs.
    """
    pad = "              "
    head = d["label"] if d["asked"] == d["label"] else f"{d['asked']}: see {d['label']}"
    lines = [f"{head}  (this entry covers {d['covers']})",
             f"  statement:  {d['statement']}",
             f"  status:     {d['status']}"]
    for f in d["findings"]:
        lines.append(f"  finding {f['number']}:{' ' if f['number'] >= 10 else '  '}"
                     f"[{f['paper']}] {f['text']}")
    if d["derivations"]:
        for i, dv in enumerate(d["derivations"]):
            head = "  derivation: " if i == 0 else pad
            where = dv["module"] or "?"
            lines.append(f"{head}{dv['label']} ({where}): {dv['summary']}; "
                         f"run: lrtheory verify --only {dv['label']}")
    else:
        lines.append("  derivation: none registered (no derivation yet)")
    if d["kernels"]:
        for i, k in enumerate(d["kernels"]):
            head = "  kernels:    " if i == 0 else pad
            note = f"  [{k['form']}]"
            if "defined_in" in k:
                note += f"  (now defined in {k['defined_in']})"
            if "error" in k:
                note += f"  ({k['error']})"
            lines.append(f"{head}{k['path']}{note}")
    else:
        lines.append("  kernels:    none (not implemented as a function of its own)")
    for i, t in enumerate(d["tests"] or ["none"]):
        lines.append(("  tests:      " if i == 0 else pad) + t)
    for i, doc in enumerate(d["docs"]):
        lines.append(("  docs:       " if i == 0 else pad) + doc)
    return "\n".join(lines)


def _save(args, labels, payload) -> None:
    """``--out``: the records shown (labels + the --json payload) with the run metadata."""
    if getattr(args, "out", None):
        from lrtheory.cli.common import run_metadata, save_with_metadata

        save_with_metadata(args.out, {"labels": list(labels)},
                           run_metadata(args, model_arg=None, params={}),
                           result=json.loads(json.dumps(payload, default=str)))


def _print(text: str, out) -> int:
    """Print; a closed pipe (``lrtheory where --list | head``) ends quietly with status 0."""
    try:
        print(text, file=out)
        out.flush()
    except BrokenPipeError:
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def _by_kernel(args, name, out, as_json: bool) -> int:
    from lrtheory.equations import UnknownEquationError, for_kernel

    found = for_kernel(name)
    if not found:
        raise UnknownEquationError(f"no equation record names a kernel {name!r} "
                                   "(lrtheory where --list shows all records)")
    payload = [describe(eq) for eq in found]
    _save(args, [eq.label for eq in found], payload)
    if as_json:
        return _print(json.dumps(payload, indent=2), out)
    lines = []
    for eq in found:
        forms = sorted({k.form for k in eq.kernels if ("." + k.path).endswith("." + name)})
        lines.append(f"{eq.label:7s} [{', '.join(forms)}]  {eq.statement}")
    return _print("\n".join(lines), out)


def _by_finding(args, number, out, as_json: bool) -> int:
    from lrtheory.equations import FINDINGS, for_finding

    found = for_finding(number)
    paper, text = FINDINGS[number]
    payload = {"finding": number, "paper": paper, "text": text,
               "equations": [describe(eq) for eq in found]}
    _save(args, [eq.label for eq in found], payload)
    if as_json:
        return _print(json.dumps(payload, indent=2), out)
    lines = [f"finding {number} [{paper}]: {text}", "  docs: docs/derivations.md"
             "#the-findings-at-a-glance"]
    lines += [f"  {eq.label:7s} {eq.status}: {eq.statement}" for eq in found]
    return _print("\n".join(lines), out)


def run(args, out=None) -> int:
    """Run ``lrtheory where`` (derivation, kernels and tests of a paper equation).

    Parameters
    ----------
    args : argparse.Namespace
        The parsed options.
    out : file, optional
        Where the text goes (default ``sys.stdout``).

    Returns
    -------
    int
        Exit status (0: found).
    """
    from lrtheory.equations import EQUATIONS, finding_number

    out = out or sys.stdout
    number = finding_number(" ".join(args.equation)) if args.equation else None
    if number is not None and not getattr(args, "kernel", None) and not args.list:
        return _by_finding(args, number, out, args.json)
    if getattr(args, "kernel", None) is not None:
        if args.equation or args.list:
            from lrtheory.equations import UnknownEquationError

            raise UnknownEquationError("--kernel takes no EQUATION and no --list")
        return _by_kernel(args, args.kernel, out, args.json)
    if getattr(args, "list", False):
        rows = [{"label": e.label, "covers": e.covers_text, "status": e.status,
                 "statement": e.statement} for e in EQUATIONS]
        _save(args, [e.label for e in EQUATIONS], rows)
        if args.json:
            return _print(json.dumps(rows, indent=2), out)
        w1 = max(len(e.covers_text) for e in EQUATIONS)
        w2 = max(len(e.status) for e in EQUATIONS)
        return _print("\n".join(f"{e.label:7s} {e.covers_text:{w1}s}  {e.status:{w2}s}  "
                                f"{e.statement}" for e in EQUATIONS), out)
    described = [describe(eq, asked) for asked, eq in _records(args.equation)]
    payload = described if len(described) > 1 else described[0]
    _save(args, [d["label"] for d in described], payload)
    if args.json:
        return _print(json.dumps(payload, indent=2), out)
    return _print("\n\n".join(_format_record(d) for d in described), out)
