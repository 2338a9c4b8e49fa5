"""The catalogue of bad inputs and faults (issue #13, "Done when"): one :class:`Case` per row.

A case is either a command line (``argv``, run as ``lrtheory.cli.main.main(argv)``) or a
Python call (``call(tmp_path)``), after the ``files`` are written into a fresh temporary
folder that is also the working directory. Expectations:

``error``
    the CLI exits non-zero with one line ``lrtheory CMD: error: ...`` on stderr (argparse's
    usage block may precede it), or the call raises a subclass of ``LrtheoryError`` whose
    message is one line; ``match`` (a regex, searched case-insensitively) must name the
    problem, ``not_match`` must not appear.
``ok``
    must succeed (exit 0 / return) with no NaN in the output or the returned result; ``check``
    (``check(result_or_stdout, tmp_path) -> problem or None``) may test the answer.
``either``
    a refusal (as for ``error``) or a success (as for ``ok``) are both acceptable; used where
    the issue asks for "refused or a result whose status says so".
``external``
    a process/signal fault that needs real processes; checked by the test named in ``node``
    (colleague-owned tests), listed here so that docs/reliability.md is complete.

Every case, whatever its expectation, must not print a traceback, must end within
``timeout`` seconds, must not create the ``MARKER`` file (attack strings try to) and must not
leave processes behind. Families are generated systematically (every numeric option x every
bad value, every model-file type x every kind of damage, every output option x every bad
target); hand-written cases follow.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
EXAMPLES = REPO / "examples"

#: name of the file attack strings try to create (in the case's working directory)
MARKER = "MARKER"

ATTACK_SYSTEM = "__import__('os').system('touch MARKER')"
ATTACK_OPEN = "open('MARKER','w').write('x')"
ATTACK_EVAL = "eval(\"__import__('os').system('touch MARKER')\")"
ATTACK_LAMBDA = "(lambda: __import__('os').system('touch MARKER'))()"
ATTACK_ATTR = "().__class__.__base__.__subclasses__()"
ATTACKS = {"system": ATTACK_SYSTEM, "open": ATTACK_OPEN, "eval": ATTACK_EVAL,
           "lambda": ATTACK_LAMBDA, "dunder": ATTACK_ATTR}


@dataclass(frozen=True)
class Case:
    """One row of the catalogue (see the module docstring)."""

    id: str
    category: str
    description: str
    argv: tuple[str, ...] | None = None
    call: Callable[[Path], Any] | None = None
    #: how a Python call is shown in the docs table (e.g. ``ribbon(2.5)``)
    shown: str = ""
    #: files to create first: name -> text (str) or content (bytes); a name ending in "/" is a
    #: folder
    files: tuple[tuple[str, str | bytes], ...] = ()
    expect: str = "error"  # error | ok | either | external
    match: str | None = None
    not_match: str | None = None
    check: Callable[[Any, Path], str | None] | None = None
    timeout: float = 20.0
    #: external cases: the pytest node id that checks the fault
    node: str | None = None
    #: False if the message depends on the machine (memory, timing): docs compare ids only
    deterministic: bool = True

    def input_text(self) -> str:
        if self.argv is not None:
            import shlex

            return "lrtheory " + " ".join(shlex.quote(a) for a in self.argv)
        if self.expect == "external":
            return self.shown or self.description
        return self.shown or getattr(self.call, "__name__", "?")


CASES: list[Case] = []


def add(*cases: Case) -> None:
    CASES.extend(cases)


def _files(**named) -> tuple:
    return tuple(named.items())


def _text(path: Path) -> str:
    return path.read_text()


HALDANE_TOML = _text(EXAMPLES / "haldane.toml")
HALDANE_JSON = _text(EXAMPLES / "haldane.json")
SYMPY_TOML = _text(EXAMPLES / "haldane_sympy.toml")
QWZ_TOML = _text(EXAMPLES / "qwz.toml")
W90_TB = _text(DATA / "sq_tb.dat")
W90_HR = _text(DATA / "sq_hr.dat")
JUNK = bytes(range(256)) * 4 + b"\x89PNG\r\n\x1a\n\xff\xfe\x00\x00"

# -- small, fast, valid base command lines (every numeric case varies one option) ------------
BASE = {
    # TR-invariant gapped graphene: sigma_xy = 0 exactly on any grid, so nk = 8 is converged
    "hall": ["hall", "--model", "gapped-graphene", "--nk", "8", "--n-ef", "3"],
    "accumulate": ["accumulate", "--width", "2", "--nk", "16"],
    "bands": ["bands", "--nk", "10"],
    "flake": ["flake", "--nx", "2", "--ny", "2"],
    "symmetry": ["symmetry", "--width", "2"],
    "figure": ["figure", "1"],
}

#: bad values tried for every numeric option: label -> text
BAD_NUMBERS = {
    "nan": "nan", "inf": "inf", "-inf": "-inf", "1e400": "1e400", "abc": "abc", "empty": "",
    "1/0": "1/0", "9**9**9": "9**9**9", "attack": ATTACK_SYSTEM, "open": ATTACK_OPEN,
}

#: numeric options per subcommand: option -> (regex naming it, extra domain-specific bad values)
NUMERIC_OPTIONS = {
    "hall": {
        "--nk": ("nk", {"0": "0", "-8": "-8", "odd 7": "7", "2": "2", "2.5": "2.5"}),
        "--ef-min": ("ef.min", {}),
        "--ef-max": ("ef.max", {}),
        "--n-ef": ("n.ef", {"0": "0", "-1": "-1", "2.5": "2.5"}),
        "--temperature": ("temperature", {"-1": "-1"}),
        "--tol": ("tol", {"-1": "-1", "0": "0"}),
        "--workers": ("workers", {"0": "0", "-1": "-1", "2.5": "2.5"}),
    },
    "accumulate": {
        "--width": ("width", {"0": "0", "-3": "-3", "2.5": "2.5"}),
        "--ef": ("ef", {}),
        "--nk": ("nk", {"0": "0", "-16": "-16", "2": "2"}),
        "--temperature": ("temperature", {"-1": "-1"}),
        "--smearing": ("smearing", {"0": "0", "-0.02": "-0.02"}),
        "--tol": ("tol", {"-1": "-1"}),
        "--workers": ("workers", {"0": "0", "-2": "-2"}),
    },
    "bands": {
        "--nk": ("nk", {"0": "0", "1": "1", "-5": "-5"}),
        "--filling": ("filling", {"-1": "-1", "3": "3"}),
        "--width": ("width", {"0": "0", "2.5": "2.5"}),
    },
    "flake": {
        "--nx": ("nx", {"0": "0", "-2": "-2"}),
        "--ny": ("ny", {"0": "0"}),
        "--t0": ("t0", {}),
        "--t2": ("t2", {}),
        "--phi": ("phi", {}),
        "--delta": ("delta", {}),
        "--ef": ("ef", {}),
        "--eta": ("eta", {"0": "0", "-1e-3": "-1e-3"}),
        "--temperature": ("temperature", {"-1": "-1"}),
    },
    "symmetry": {"--width": ("width", {"0": "0", "2.5": "2.5"})},
    "figure": {"--nk": ("nk", {"0": "0", "4": "4"})},
}


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.*/+-]+", "_", text).strip("_") or "x"


def _numeric_family() -> None:
    for cmd, options in NUMERIC_OPTIONS.items():
        for opt, (rx, extra) in options.items():
            base = [a for a in BASE[cmd]]
            if opt in base:  # drop the base value of the option under test
                i = base.index(opt)
                del base[i:i + 2]
            for label, val in {**BAD_NUMBERS, **extra}.items():
                add(Case(
                    id=f"cli-{cmd}-{opt.lstrip('-')}-{_slug(label)}",
                    category="cli-number",
                    description=f"{cmd} {opt} = {label}",
                    argv=tuple(base + [f"{opt}={val}"]),
                    match=rx,
                    not_match=r"<lambda>",
                ))


_numeric_family()

# -- --param values ----------------------------------------------------------------------------
PARAM_VALUES = {
    **{k: v for k, v in BAD_NUMBERS.items()},
    "eval": ATTACK_EVAL, "lambda": ATTACK_LAMBDA, "dunder": ATTACK_ATTR,
    "self-reference": "t2", "deep nesting": "(" * 400 + "1" + ")" * 400,
    "24 KB": "+".join(["1"] * 12000), "complex": "1+2*I", "python complex": "2j",
    "10**400": "10**400", "exp(1000)": "exp(1000)", "log(0)": "log(0)",
    "string": "'0.1'", "list": "[0.1]", "comparison": "1<2",
}


def _param_family() -> None:
    for cmd in ("bands", "hall", "accumulate", "symmetry"):
        base = BASE[cmd] if cmd != "hall" else ["hall", "--nk", "8", "--n-ef", "3"]
        for label, val in PARAM_VALUES.items():
            if cmd != "bands" and label not in ("nan", "attack", "9**9**9", "abc", "1/0",
                                                  "open", "24 KB"):
                continue
            add(Case(
                id=f"cli-{cmd}-param-{_slug(label)}", category="cli-param",
                description=f"{cmd} --param t2={label}",
                argv=tuple(base + ["--param", f"t2={val}"]), match=r"t2",
                            ))
    for label, item, rx in (
            ("no =", "t2", r"key=value"), ("empty key", "=1", r"param"),
            ("unknown name", "bogus=1", r"bogus"), ("attack key", ATTACK_SYSTEM + "=1", r"param|unknown"),
            ("double =", "t2=1=2", r"t2"), ("empty item", "", r"key=value|param")):
        add(Case(id=f"cli-bands-param-{_slug(label)}", category="cli-param",
                 description=f"bands --param {label}", argv=tuple(BASE["bands"] + ["--param", item]),
                 match=rx))
    for label, val in (("pi/2", "pi/2"), ("sqrt(3)*0.06", "sqrt(3)*0.06"), ("-0.1", "-0.1"),
                       ("1e-3", "1e-3"), ("0", "0"), ("2^-2", "2^-2"), ("spaces", " 0.1 ")):
        add(Case(id=f"cli-bands-param-ok-{_slug(label)}", category="cli-param",
                 description=f"bands --param t2={label} (valid)", expect="ok",
                 argv=tuple(BASE["bands"] + ["--param", f"t2={val}"])))
    add(Case(id="cli-bands-param-t0-1e308", category="cli-param",
             description="t0 = 1e308: energies overflow (issue s3: overflow warnings, no gap line)",
             argv=tuple(BASE["bands"] + ["--param", "t0=1e308"]), expect="either",
             check=lambda out, tmp: None if "gap" in out else "no gap line printed"))


_param_family()

# -- --path ------------------------------------------------------------------------------------
PATHS = {
    "attack in point": ("[0,0]-[" + ATTACK_SYSTEM + ",0.5]", r"k-point|path"),
    "open in point": ("[0,0]-[" + ATTACK_OPEN + ",0.5]", r"k-point|path"),
    "1/0 in point": ("[0,0]-[1/0,0]", r"k-point|path"),
    "nan in point": ("[0,0]-[nan,0]", r"k-point|path"),
    "9**9**9 in point": ("[0,0]-[9**9**9,0]", r"k-point|path"),
    "one point": ("G", r"two points"),
    "empty": ("", r"path"),
    "double dash": ("G--K", r"empty point|path"),
    "unknown point": ("G-Q", r"unknown k-point 'Q'"),
    "1 coordinate": ("[0,0]-[0.5]", r"coordinates"),
    "3 coordinates": ("[0,0]-[0.5,0,0]", r"coordinates"),
    "repeated point": ("[0,0]-[0,0]", r"repeats"),
    "unbalanced bracket": ("[0,0-[0.5,0]", r"path|k-point"),
    "nested brackets": ("[[0,0]]-[0.5,0]", r"path|k-point"),
    "square names on hexagonal": ("G-X-M", r"X"),
}


def _path_family() -> None:
    for label, (spec, rx) in PATHS.items():
        add(Case(id=f"cli-bands-path-{_slug(label)}", category="cli-path",
                 description=f"bands --path: {label}",
                 argv=tuple(BASE["bands"] + [f"--path={spec}"]), match=rx))
    for label, spec in (("named", "G-M-K-G"), ("reduced", "[0,0]-[0.5,0]-[1/3,1/3]-[0,0]"),
                        ("expressions", "[0,0]-[sqrt(3)/4,0]"), ("K'", "K-K'"),
                        ("2000 segments", "-".join(["G", "K"] * 1000))):
        add(Case(id=f"cli-bands-path-ok-{_slug(label)}", category="cli-path",
                 description=f"bands --path: {label} (valid)", expect="ok",
                 argv=tuple(BASE["bands"] + [f"--path={spec}"])))


_path_family()

# -- model files -------------------------------------------------------------------------------


def _toml_replace(old: str, new: str, text: str = HALDANE_TOML) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


TOML_T = 't = "-t0"'
ONE_D_TOML = ('name = "chain"\nlattice = [[1]]\n[parameters]\nt = 1.0\n[[orbitals]]\nposition = [0]\n'
              '[[hoppings]]\nfrom = 0\nto = 0\nR = [1]\nt = "-t"\n')
THREE_D_TOML = ('name = "cubic"\nlattice = [[1,0,0],[0,1,0],[0,0,1]]\n[[orbitals]]\nposition = [0,0,0]\n'
                '[[hoppings]]\nfrom = 0\nto = 0\nR = [1,0,0]\nt = -1\n'
                '[[hoppings]]\nfrom = 0\nto = 0\nR = [0,1,0]\nt = -1\n'
                '[[hoppings]]\nfrom = 0\nto = 0\nR = [0,0,1]\nt = -1\n')

TOML_BAD = {
    # label: (content, regex)
    "binary junk": (JUNK, r"not a text file"),
    "empty": ("", r"missing required key|lattice"),
    "truncated": (HALDANE_TOML[: len(HALDANE_TOML) // 2] + '\nt = "t2*exp(I*', r"malformed TOML"),
    "NUL byte": (HALDANE_TOML.replace("name = ", "name\x00 = ", 1), r"not a text file|0x00"),
    "latin-1 comment": (("# caf\xe9\n" + HALDANE_TOML).encode("latin-1"), r"not a text file|0xe9"),
    "lattice string": (_toml_replace('lattice = [[1, 0], ["1/2", "sqrt(3)/2"]]', 'lattice = "abc"'),
                       r"lattice"),
    "lattice dependent": (_toml_replace('lattice = [[1, 0], ["1/2", "sqrt(3)/2"]]',
                                        'lattice = [[1, 0], [2, 0]]'), r"lattice"),
    "lattice ragged": (_toml_replace('lattice = [[1, 0], ["1/2", "sqrt(3)/2"]]',
                                     'lattice = [[1, 0], [1]]'), r"lattice"),
    "lattice 4D": (_toml_replace('lattice = [[1, 0], ["1/2", "sqrt(3)/2"]]',
                                 'lattice = [[1, 0, 0, 0]]'), r"lattice"),
    "orbitals number": (HALDANE_TOML.split("[[orbitals]]")[0].replace(
        'time_reversal = "auto"', 'time_reversal = "auto"\norbitals = 3'), r"orbitals"),
    "position string": (_toml_replace("position = [0, 0]", 'position = "x"'), r"position"),
    "position 3 components": (_toml_replace("position = [0, 0]", "position = [0, 0, 0]"), r"position"),
    "R fractional": (_toml_replace("R = [0, 0]", "R = [0.5, 0]"), r"\bR\b"),
    "R wrong length": (_toml_replace("R = [0, 0]", "R = [0]"), r"\bR\b"),
    "R boolean": (_toml_replace("R = [0, 0]", "R = [true, 0]"), r"\bR\b"),
    "t list": (_toml_replace(TOML_T, "t = [1, 2]"), r"hoppings\[0\]\.t"),
    "t boolean": (_toml_replace(TOML_T, "t = true"), r"hoppings\[0\]\.t"),
    "t table": (_toml_replace(TOML_T, "t = {re = 1}"), r"hoppings\[0\]\.t"),
    "unknown top-level key": ("colour = 'red'\n" + HALDANE_TOML, r"unknown key 'colour'"),
    "unknown orbital key": (_toml_replace('name = "A"', 'name = "A"\nspin = 1'), r"unknown key 'spin'"),
    "unknown hopping key": (_toml_replace(TOML_T, TOML_T + "\nweight = 2"), r"unknown key 'weight'"),
    "unknown orbital name": (_toml_replace('to = "B"', 'to = "C"'), r"\bC\b|orbital"),
    "orbital index out of range": (_toml_replace('to = "B"', "to = 7"), r"7|orbital"),
    "missing t": (_toml_replace(TOML_T, ""), r"missing 't'"),
    "duplicate bond": (HALDANE_TOML + '\n[[hoppings]]\nfrom = "B"\nto = "A"\nR = [0, 0]\nt = "-t0"\n',
                       r"already given|once"),
    "on-site hopping": (HALDANE_TOML + '\n[[hoppings]]\nfrom = "A"\nto = "A"\nR = [0, 0]\nt = 1\n',
                        r"itself|onsite"),
    "complex onsite": (_toml_replace('onsite = "delta"', 'onsite = "delta + I"'), r"onsite|real"),
    "1/0 in t": (_toml_replace(TOML_T, 't = "1/0"'), r"hoppings\[0\]\.t"),
    "1/(t0-1) at t0=1": (_toml_replace(TOML_T, 't = "1/(t0-1)"'), r"hoppings\[0\]\.t"),
    "log(0) in onsite": (_toml_replace('onsite = "delta"', 'onsite = "log(0)"'), r"onsite"),
    "9**9**9 in t": (_toml_replace(TOML_T, 't = "9**9**9"'), r"hoppings\[0\]\.t"),
    "t0**99999999": (_toml_replace(TOML_T, 't = "t0**99999999"'), r"hoppings\[0\]\.t"),
    "exp(exp(100))": (_toml_replace(TOML_T, 't = "exp(exp(100))"'), r"hoppings\[0\]\.t"),
    "huge expression": (_toml_replace(TOML_T, 't = "' + "+".join(["t0"] * 20000) + '"'),
                        r"hoppings\[0\]\.t"),
    "deep nesting": (_toml_replace(TOML_T, 't = "' + "(" * 2000 + "t0" + ")" * 2000 + '"'),
                     r"hoppings\[0\]\.t"),
    "unknown symbol": (_toml_replace(TOML_T, 't = "-t3"'), r"t3"),
    "attack in t": (_toml_replace(TOML_T, f't = "{ATTACK_SYSTEM}"'), r"hoppings\[0\]\.t"),
    "open in position": (_toml_replace("position = [0, 0]", f'position = ["{ATTACK_OPEN}", 0]'),
                         r"position"),
    "eval in onsite": (_toml_replace('onsite = "delta"', "onsite = " + json.dumps(ATTACK_EVAL)),
                       r"onsite"),
    "lambda in parameter": (_toml_replace("t2 = 0.06", f't2 = "{ATTACK_LAMBDA}"'), r"t2"),
    "dunder in lattice": (_toml_replace('"sqrt(3)/2"', f'"{ATTACK_ATTR}"'), r"lattice"),
    "parameter named pi": (_toml_replace("t2 = 0.06", "pi = 3"), r"pi"),
    "parameter named kx": (_toml_replace("t2 = 0.06", "t2 = 0.06\nkx = 1"), r"kx"),
    "parameter nan": (_toml_replace("t2 = 0.06", "t2 = nan"), r"t2"),
    "parameter inf": (_toml_replace("t2 = 0.06", "t2 = inf"), r"t2"),
    "parameter complex": (_toml_replace("t2 = 0.06", 't2 = "I"'), r"t2"),
    "parameters not a table": (HALDANE_TOML.replace("[parameters]\n", "parameters = 5\n[params]\n"),
                               r"parameters|unknown key"),
    "integer of 5000 digits": (_toml_replace("t2 = 0.06", "t2 = " + "9" * 5000), r"malformed|t2|digits"),
    "coordinates polar": (_toml_replace('coordinates = "cartesian"', 'coordinates = "polar"'),
                          r"coordinates"),
    "time_reversal true but broken": (_toml_replace('time_reversal = "auto"', "time_reversal = true"),
                                      r"time.reversal"),
    "time_reversal wrong shape": (_toml_replace('time_reversal = "auto"', "time_reversal = [[1]]"),
                                  r"time.reversal"),
    "time_reversal not unitary": (_toml_replace('time_reversal = "auto"',
                                                "time_reversal = [[1, 0], [0, 2]]"), r"time.reversal|unitary"),
    "time_reversal string": (_toml_replace('time_reversal = "auto"', 'time_reversal = "yes"'),
                             r"time.reversal"),
    "hamiltonian and orbitals": (_toml_replace('time_reversal = "auto"',
                                               'time_reversal = "auto"\nhamiltonian = [["0"]]'),
                                 r"hamiltonian"),
}


def _model_file_family() -> None:
    for label, (content, rx) in TOML_BAD.items():
        add(Case(id=f"file-toml-{_slug(label)}", category="model-file-toml",
                 description=f"TOML hopping list: {label}",
                 argv=tuple(BASE["bands"] + ["--model", "m.toml"]),
                 files=_files(**{"m.toml": content}), match=rx))
    # JSON: the same damage, in JSON spelling
    base = json.loads(HALDANE_JSON)

    def variant(fn):
        d = json.loads(HALDANE_JSON)
        fn(d)
        return json.dumps(d, indent=1)

    def setp(path, value):
        def fn(d):
            obj = d
            for p in path[:-1]:
                obj = obj[p]
            obj[path[-1]] = value
        return fn

    json_bad = {
        "binary junk": (JUNK, r"not a text file"),
        "empty": ("", r"malformed JSON"),
        "truncated": (HALDANE_JSON[: len(HALDANE_JSON) // 2], r"malformed JSON"),
        "top-level list": ("[1, 2, 3]", r"top level|object"),
        "top-level string": ('"haldane"', r"top level|object"),
        "deep nesting": ("[" * 100000 + "]" * 100000, r"malformed JSON|nested|top level"),
        "NaN literal": (HALDANE_JSON.replace('"t0": 1.0', '"t0": NaN'), r"t0"),
        "Infinity literal": (HALDANE_JSON.replace('"t0": 1.0', '"t0": Infinity'), r"t0"),
        "1e400 number": (HALDANE_JSON.replace('"t0": 1.0', '"t0": 1e400'), r"t0"),
        "null parameter": (variant(setp(["parameters", "t2"], None)), r"t2"),
        "lattice null": (variant(setp(["lattice"], None)), r"lattice"),
        "orbitals object": (variant(setp(["orbitals"], {"A": [0, 0]})), r"orbitals"),
        "hoppings object": (variant(setp(["hoppings"], {"t": 1})), r"hoppings"),
        "R string": (variant(setp(["hoppings", 0, "R"], "0,0")), r"\bR\b"),
        "t null": (variant(setp(["hoppings", 0, "t"], None)), r"hoppings\[0\]\.t"),
        "unknown key": (variant(setp(["spin"], 1)), r"unknown key 'spin'"),
        "1/0 in t": (variant(setp(["hoppings", 0, "t"], "1/0")), r"hoppings\[0\]\.t"),
        "9**9**9 in t": (variant(setp(["hoppings", 0, "t"], "9**9**9")), r"hoppings\[0\]\.t"),
        "huge expression": (variant(setp(["hoppings", 0, "t"], "+".join(["t0"] * 20000))),
                            r"hoppings\[0\]\.t"),
        "attack in t": (variant(setp(["hoppings", 0, "t"], ATTACK_SYSTEM)), r"hoppings\[0\]\.t"),
        "open in onsite": (variant(setp(["orbitals", 0, "onsite"], ATTACK_OPEN)), r"onsite"),
        "attack in parameter": (variant(setp(["parameters", "phi"], ATTACK_EVAL)), r"phi"),
        "integer of 5000 digits": (HALDANE_JSON.replace('"t0": 1.0', '"t0": ' + "9" * 5000),
                                   r"malformed JSON|digits|t0"),
        "duplicate bond": (variant(lambda d: d["hoppings"].append(
            {"from": "B", "to": "A", "R": [0, 0], "t": "-t0"})), r"already given|once"),
    }
    for label, (content, rx) in json_bad.items():
        add(Case(id=f"file-json-{_slug(label)}", category="model-file-json",
                 description=f"JSON hopping list: {label}",
                 argv=tuple(BASE["bands"] + ["--model", "m.json"]),
                 files=_files(**{"m.json": content}), match=rx))
    del base

    # SymPy matrix (hamiltonian = [[...]]) files
    QH = QWZ_TOML
    H00 = '"m + cos(kx) + cos(ky)"'
    H01 = '"sin(kx) - I*sin(ky)"'

    def q(old, new):
        assert old in QH, old
        return QH.replace(old, new, 1)

    sympy_bad = {
        "binary junk": (JUNK, r"not a text file"),
        "not square": (q('["sin(kx) + I*sin(ky)",   "-m - cos(kx) - cos(ky)"],', '["0"],'),
                       r"hamiltonian|square"),
        "empty matrix": (re.sub(r"hamiltonian = \[.*?\n\]", "hamiltonian = []", QH, flags=re.S),
                         r"hamiltonian"),
        "non-Hermitian": (q(H01, '"sin(kx) + I*sin(ky)"'), r"Hermitian"),
        "non-Hermitian constant": (q(H01, '"1"'), r"Hermitian"),
        "1/0 entry": (q(H00, '"1/0"'), r"hamiltonian.*\[0\]\[0\]"),
        "1/(m+1) at m=-1": (q(H00, '"1/(m+1)"'), r"hamiltonian.*\[0\]\[0\]|finite|division"),
        "9**9**9 entry": (q(H00, '"9**9**9"'), r"hamiltonian"),
        "kx**9999999": (q(H00, '"kx**9999999"'), r"hamiltonian"),
        "huge entry": (q(H00, '"' + "+".join(["cos(kx)"] * 5000) + '"'), r"hamiltonian"),
        "deep nesting": (q(H00, '"' + "cos(" * 500 + "kx" + ")" * 500 + '"'), r"hamiltonian"),
        "unknown symbol kq": (q(H00, '"m + cos(kq)"'), r"kq"),
        "attack entry": (q(H00, f'"{ATTACK_SYSTEM}"'), r"hamiltonian"),
        "open entry": (q(H00, f'"{ATTACK_OPEN}"'), r"hamiltonian"),
        "lambda entry": (q(H00, f'"{ATTACK_LAMBDA}"'), r"hamiltonian"),
        "dunder entry": (q(H00, f'"{ATTACK_ATTR}"'), r"hamiltonian"),
        "entry list": (q(H00, '["1"]'), r"hamiltonian"),
        "entry boolean": (q(H00, "true"), r"hamiltonian"),
        "nan entry": (q(H00, '"nan"'), r"hamiltonian"),
        "positions wrong length": (q("positions = [[0, 0], [0, 0]]", "positions = [[0, 0]]"),
                                   r"positions"),
        "time_reversal not unitary": (q('time_reversal = "auto"', "time_reversal = [[2, 0], [0, 1]]"),
                                      r"time.reversal|unitary|symmetry"),
        "hamiltonian plus hoppings": (QH + "\n[[hoppings]]\nfrom = 0\nto = 1\nt = 1\n",
                                      r"hoppings"),
        "parameter attack": (q("m = -1.0", f'm = "{ATTACK_SYSTEM}"'), r"\bm\b"),
    }
    for label, (content, rx) in sympy_bad.items():
        add(Case(id=f"file-sympy-{_slug(label)}", category="model-file-sympy",
                 description=f"H(k) matrix file: {label}",
                 argv=tuple(BASE["bands"] + ["--model", "m.toml"]),
                 files=_files(**{"m.toml": content}), match=rx))

    # valid model files and edge cases that must work
    ok_files = {
        "haldane.toml as shipped": ("m.toml", HALDANE_TOML, []),
        "haldane.json as shipped": ("m.json", HALDANE_JSON, []),
        "haldane_sympy.toml as shipped": ("m.toml", SYMPY_TOML, []),
        "qwz.toml with --param m=1": ("m.toml", QWZ_TOML, ["--param", "m=1"]),
        "UTF-8 BOM": ("m.toml", "\ufeff" + HALDANE_TOML, []),
        "CRLF line ends": ("m.toml", HALDANE_TOML.replace("\n", "\r\n"), []),
        "upper-case suffix .TOML": ("M.TOML", HALDANE_TOML, []),
        "UTF-8 comment": ("m.toml", "# café, Δ = 0.5\n" + HALDANE_TOML, []),
        "1D chain": ("m.toml", ONE_D_TOML, []),
        "file parameter override": ("m.toml", HALDANE_TOML, ["--param", "delta=pi/10"]),
        "Wannier90 _tb.dat": ("sq_tb.dat", W90_TB, []),
        # the name is a label (data): the model loads and the attack never runs
        "attack string as the model name": ("m.toml", _toml_replace(
            'name = "Haldane"', f'name = "{ATTACK_SYSTEM}"'), []),
    }
    for label, (name, content, extra) in ok_files.items():
        add(Case(id=f"file-ok-{_slug(label)}", category="model-file-valid",
                 description=f"valid model file: {label}", expect="ok",
                 argv=tuple(BASE["bands"] + ["--model", name] + extra),
                 files=_files(**{name: content})))


_model_file_family()

# -- Wannier90 files ---------------------------------------------------------------------------


def _w90_lines(text: str, i: int, new: str) -> str:
    lines = text.splitlines()
    lines[i] = new
    return "\n".join(lines) + "\n"


W90_BAD = {
    "binary junk _hr.dat": ("x_hr.dat", JUNK, r"not a text file"),
    "binary junk _tb.dat": ("x_tb.dat", JUNK, r"not a text file"),
    "empty _tb.dat": ("x_tb.dat", "", r"x_tb.dat"),
    "truncated _tb.dat": ("x_tb.dat", W90_TB[: len(W90_TB) // 2], r"x_tb.dat"),
    "num_wann abc": ("x_tb.dat", _w90_lines(W90_TB, 4, "abc"), r"line 5|num_wann"),
    "num_wann -2": ("x_tb.dat", _w90_lines(W90_TB, 4, "-2"), r"line 5|num_wann"),
    "num_wann 10**9": ("x_tb.dat", _w90_lines(W90_TB, 4, "1000000000"), r"x_tb.dat"),
    "nrpts 0": ("x_tb.dat", _w90_lines(W90_TB, 5, "0"), r"x_tb.dat"),
    "ndegen 0": ("x_tb.dat", _w90_lines(W90_TB, 6, "    0    1    1    1    1"), r"degen|line 7"),
    "nan in H": ("x_tb.dat", W90_TB.replace("5.00000000000000000e-01", "nan", 1), r"x_tb.dat"),
    "inf in H": ("x_tb.dat", W90_TB.replace("5.00000000000000000e-01", "inf", 1), r"x_tb.dat"),
    "1e400 in H": ("x_tb.dat", W90_TB.replace("5.00000000000000000e-01", "1e400", 1), r"x_tb.dat"),
    "non-Hermitian": ("x_tb.dat", W90_TB.replace(
        "    1    2   -1.00000000000000000e+00", "    1    2   -3.00000000000000000e+00", 1),
        r"Hermitian|conjugate"),
    "lattice text": ("x_tb.dat", _w90_lines(W90_TB, 1, "a b c"), r"line 2|lattice"),
    "attack in number": ("x_tb.dat", W90_TB.replace("5.00000000000000000e-01", ATTACK_SYSTEM, 1),
                         r"x_tb.dat"),
    "hr without lattice": ("x_hr.dat", W90_HR, r"lattice|_tb.dat"),
    "truncated _hr.dat": ("x_hr.dat", W90_HR[: len(W90_HR) // 2], r"x_hr.dat"),
}


def _w90_family() -> None:
    for label, (name, content, rx) in W90_BAD.items():
        add(Case(id=f"file-w90-{_slug(label)}", category="model-file-wannier90",
                 description=f"Wannier90 file: {label}",
                 argv=tuple(BASE["bands"] + ["--model", name]),
                 files=_files(**{name: content}), match=rx))
    add(Case(id="file-w90-param", category="model-file-wannier90",
             description="--param with a Wannier90 model (it has no parameters)",
             argv=tuple(BASE["bands"] + ["--model", "sq_tb.dat", "--param", "t2=1"]),
             files=_files(**{"sq_tb.dat": W90_TB}), match=r"param"))
    add(Case(id="file-w90-hr-with-tb", category="model-file-wannier90",
             description="seedname_hr.dat with seedname_tb.dat beside it (valid)", expect="ok",
             argv=tuple(BASE["bands"] + ["--model", "sq_hr.dat"]),
             files=_files(**{"sq_hr.dat": W90_HR, "sq_tb.dat": W90_TB})))


_w90_family()

# -- model argument itself ---------------------------------------------------------------------
for _label, _arg, _rx, _files_ in (
        ("unknown name", "nope", r"unknown model 'nope'", ()),
        ("empty", "", r"--model is empty", ()),
        ("missing file", "missing.toml", r"missing.toml: no such file", ()),
        ("directory", "d.toml", r"d.toml", (("d.toml/", ""),)),
        ("unknown suffix", "m.yaml", r"m.yaml|file type", (("m.yaml", "a: 1\n"),)),
        ("no suffix", "model", r"model", (("model", HALDANE_TOML),)),
        ("plain .dat", "x.dat", r"x.dat|file type", (("x.dat", "1 2 3\n"),)),
        ("attack as name", ATTACK_SYSTEM, r"unknown model|no such file", ())):
    add(Case(id=f"cli-model-{_slug(_label)}", category="cli-model",
             description=f"--model: {_label}", argv=tuple(BASE["bands"] + ["--model", _arg]),
             files=_files_, match=_rx))

# -- output paths ------------------------------------------------------------------------------
OUTPUT_CMDS = {
    "bands": BASE["bands"],
    "hall": BASE["hall"],
    "accumulate": BASE["accumulate"],
    "flake": BASE["flake"],
}


def _nothing_written(*names):
    def check(_out, tmp: Path):
        left = [n for n in names if (tmp / n).exists() and (tmp / n).is_file()]
        return f"left {left} behind after the error" if left else None
    return check


def _output_family() -> None:
    for cmd, base in OUTPUT_CMDS.items():
        rows = {
            "out unwritable /proc/1/x.npz": (["--out", "/proc/1/x.npz"], r"/proc/1", ()),
            "out onto a directory": (["--out", "d"], r"\bd\b|directory|folder", (("d/", ""),)),
            "out unknown suffix .txt": (["--out", "r.txt"], r"\.txt|suffix|type", ()),
            "out missing folder": (["--out", "nofolder/r.npz"], r"nofolder", ()),
            "out empty name": (["--out="], r"out", ()),
            "plot unwritable /proc/1/x.png": (["--plot", "/proc/1/x.png"], r"/proc/1", ()),
            "plot onto a directory": (["--plot", "d"], r"\bd\b|directory|folder", (("d/", ""),)),
            "plot unknown suffix .txt": (["--plot", "p.txt"], r"\.txt|suffix|type", ()),
            "plot unknown suffix .xyz": (["--plot", "p.xyz"], r"\.xyz|suffix|type", ()),
            # no suffix is both a result and a plot format: refused either way, nothing written
            "plot same path as out": (["--out", "r.npz", "--plot", "r.npz"],
                                      r"same|unknown file type", ()),
            "plot no suffix": (["--plot", "plotfile"], r"plotfile|suffix|type", ()),
        }
        for label, (extra, rx, files) in rows.items():
            add(Case(id=f"out-{cmd}-{_slug(label)}", category="output-path",
                     description=f"{cmd}: {label}", argv=tuple(base + extra), files=files,
                     match=rx, check=_nothing_written("r.npz", "r.txt", "p.txt", "p.xyz",
                                                      "plotfile")))
    for label, extra, files, rx in (
            ("onto a plain file", ["--out", "f"], (("f", "x"),), r"\bf\b|file|folder"),
            ("unwritable folder /proc/1/figs", ["--out", "/proc/1/figs"], (), r"/proc/1"),
            ("empty", ["--out="], (), r"out")):
        add(Case(id=f"out-figure-{_slug(label)}", category="output-path",
                 description=f"figure --out {label}", argv=("figure", "1", *extra), files=files,
                 match=rx))
    for cmd in ("bands", "flake"):
        add(Case(id=f"out-{cmd}-ok-json-png", category="output-path",
                 description=f"{cmd}: --out r.json --plot p.png (valid)", expect="ok",
                 argv=tuple(OUTPUT_CMDS[cmd] + ["--out", "r.json", "--plot", "p.png"]),
                 check=lambda out, tmp: None if (tmp / "r.json").is_file() and
                 (tmp / "p.png").is_file() else "r.json or p.png not written"))
    add(Case(id="out-bands-ok-pdf", category="output-path",
             description="bands --plot p.pdf (a matplotlib format, valid)", expect="ok",
             argv=tuple(BASE["bands"] + ["--plot", "p.pdf"])))
    add(Case(id="out-bands-ok-overwrite", category="output-path",
             description="bands --out onto an existing result file (overwritten, valid)",
             expect="ok", argv=tuple(BASE["bands"] + ["--out", "r.npz"]),
             files=(("r.npz", b"old"),)))


_output_family()


# -- metadata of results (issue s4) ------------------------------------------------------------
def _meta_check(*needles, sha_of=None):
    def check(_out, tmp: Path):
        text = (tmp / "r.json").read_text()
        missing = [n for n in needles if n not in text]
        if sha_of is not None:
            import hashlib

            h = hashlib.sha256((tmp / sha_of).read_bytes()).hexdigest()
            if h not in text:
                missing.append(f"sha256 of {sha_of}")
        return f"result metadata lacks {missing}" if missing else None
    return check


add(
    Case(id="meta-hall-builtin-parameters", category="metadata",
         description="hall --out on the built-in model stores every parameter in effect",
         expect="ok", argv=("hall", "--nk", "8", "--n-ef", "3", "--tol", "10", "--out", "r.json"),
         check=_meta_check('"t2"', '"delta"', '"t0"', '"phi"')),
    Case(id="meta-accumulate-parameters", category="metadata",
         description="accumulate --out stores all parameters, not only the overridden ones",
         expect="ok", argv=tuple(BASE["accumulate"] + ["--tol", "10", "--param", "t2=0.1",
                                                      "--out", "r.json"]),
         check=_meta_check('"delta"', '"t0"', '"phi"')),
    Case(id="meta-file-sha256", category="metadata",
         description="bands --out on a model file stores the file's sha256 and the command line",
         expect="ok", argv=tuple(BASE["bands"] + ["--model", "m.toml", "--out", "r.json"]),
         files=(("m.toml", HALDANE_TOML),), check=_meta_check("m.toml", sha_of="m.toml")),
)


# -- newcomer items (issue s6) -----------------------------------------------------------------
def _ef_window_check(out, tmp):
    m = re.search(r"points in \[([-0-9.e+]+), ([-0-9.e+]+)\]", out)
    if not m:
        return "no 'points in [a, b]' line"
    lo, hi = float(m.group(1)), float(m.group(2))
    return None if lo <= -6 and hi >= 6 else f"E_F window [{lo}, {hi}] cuts bands in [-6.1, 6.1]"


add(
    Case(id="new-accumulate-1d-file", category="newcomer",
         description="accumulate on a 1D model file: one line naming the dimension",
         argv=("accumulate", "--model", "m.toml", "--nk", "16"), files=(("m.toml", ONE_D_TOML),),
         expect="either", not_match=r"Python|\.ribbon\(", match=r"1D|dimension|2D|ribbon"),
    Case(id="new-accumulate-3d-file", category="newcomer",
         description="accumulate on a 3D model file: one line naming the dimension",
         argv=("accumulate", "--model", "m.toml", "--nk", "16"), files=(("m.toml", THREE_D_TOML),),
         not_match=r"Python|\.ribbon\(", match=r"3D|dimension|2D"),
    Case(id="new-flake-eta-nan-message", category="newcomer",
         description="flake --eta nan names eta, not '<lambda>'",
         argv=("flake", "--nx", "2", "--ny", "2", "--eta", "nan"), match=r"eta",
         not_match=r"<lambda>"),
    Case(id="new-long-expression-message", category="newcomer",
         description="an over-long expression names the limit and is not echoed back",
         argv=tuple(BASE["bands"] + ["--param", "t2=" + "+".join(["0"] * 12000)]),
         match=r"long|length|characters|limit|nodes"),
    Case(id="new-hall-ef-window", category="newcomer",
         description="hall's E_F window defaults to the band range (t0 = 2: bands in [-6.1, 6.1])",
         expect="ok", argv=("hall", "--model", "gapped-graphene", "--param", "t0=2", "--nk", "8",
                            "--n-ef", "5"), check=_ef_window_check),
    Case(id="new-verify-help", category="newcomer", description="verify --help exits 0",
         expect="ok", argv=("verify", "--help")),
    Case(id="new-unknown-command", category="newcomer", description="unknown subcommand",
         argv=("frobnicate",), match=r"frobnicate|invalid choice"),
    Case(id="new-unknown-option", category="newcomer", description="unknown option",
         argv=("bands", "--nkk", "10"), match=r"--nkk|unrecognized"),
    Case(id="new-operator-spin", category="newcomer",
         description="accumulate --operator spin on a spinless model",
         argv=tuple(BASE["accumulate"] + ["--operator", "spin"]), match=r"spin"),
    Case(id="new-scheduler-bogus", category="cli-number",
         description="accumulate --scheduler without a scheme",
         argv=tuple(BASE["accumulate"] + ["--scheduler", "localhost"]), match=r"scheduler"),
    Case(id="new-hall-efmax-below-efmin", category="cli-number",
         description="hall --ef-min 1 --ef-max -1",
         argv=tuple(BASE["hall"] + ["--ef-min=1", "--ef-max=-1"]), match=r"ef.max|ef.min"),
    Case(id="new-hall-nk-100000", category="cli-number",
         description="hall --nk 100000: fits in memory now, refused with a timed run-time "
                     "estimate over --max-hours (was MemoryError)",
         argv=("hall", "--nk", "100000", "--n-ef", "3"), match=r"estimated .* h .*--max-hours",
         deterministic=False),
    Case(id="new-exact-with-temperature", category="cli-number",
         description="accumulate --fermi-surface exact at T > 0",
         argv=tuple(BASE["accumulate"] + ["--fermi-surface", "exact", "--temperature", "0.1"]),
         match=r"exact|T = 0|temperature"),
)

# -- valid numeric edge cases (legal physics) --------------------------------------------------
add(
    Case(id="range-accumulate-ef-above-bands", category="numeric-range",
         description="accumulate --ef 10 (above every band: a filled-band insulator, zero)",
         expect="ok", argv=tuple(BASE["accumulate"] + ["--ef", "10", "--tol", "10"])),
    Case(id="range-accumulate-ef-below-bands", category="numeric-range",
         description="accumulate --ef -10 (below every band: empty, zero)", expect="ok",
         argv=tuple(BASE["accumulate"] + ["--ef=-10", "--tol", "10"])),
    Case(id="range-accumulate-ef-1e300", category="numeric-range",
         description="accumulate --ef 1e300 (issue: zeros without comment)", expect="either",
         argv=tuple(BASE["accumulate"] + ["--ef", "1e300", "--tol", "10"])),
    Case(id="range-hall-wide-window", category="numeric-range",
         description="hall --ef-min -100 --ef-max 100 (outside the bands: 0)", expect="ok",
         argv=tuple(BASE["hall"] + ["--ef-min=-100", "--ef-max=100"])),
    Case(id="range-hall-single-ef", category="numeric-range",
         description="hall --n-ef 1 --ef-min 0 --ef-max 0", expect="ok",
         argv=("hall", "--model", "gapped-graphene", "--nk", "8", "--n-ef", "1", "--ef-min=0",
               "--ef-max=0")),
    Case(id="range-hall-high-temperature", category="numeric-range",
         description="hall --temperature 100 (very hot, still finite)", expect="ok",
         argv=tuple(BASE["hall"] + ["--temperature", "100"])),
    Case(id="range-flake-1x1", category="numeric-range", description="flake --nx 1 --ny 1",
         expect="ok", argv=("flake", "--nx", "1", "--ny", "1")),
    Case(id="range-flake-ef-outside", category="numeric-range",
         description="flake --ef 50 (all states filled)", expect="either",
         argv=("flake", "--nx", "2", "--ny", "2", "--ef", "50")),
    Case(id="range-flake-tiny-eta", category="numeric-range", description="flake --eta 1e-12",
         expect="ok", argv=("flake", "--nx", "2", "--ny", "2", "--eta", "1e-12")),
    Case(id="range-bands-t2-zero", category="numeric-range",
         description="bands --param t2=0 --param delta=0 (gapless graphene)", expect="ok",
         argv=tuple(BASE["bands"] + ["--param", "t2=0", "--param", "delta=0"])),
    Case(id="range-bands-filling-0", category="numeric-range",
         description="bands --filling 0 (no gap to report)", expect="ok",
         argv=tuple(BASE["bands"] + ["--filling", "0"])),
    Case(id="range-bands-width-1", category="numeric-range",
         description="bands --width 1 (narrowest ribbon)", expect="ok",
         argv=tuple(BASE["bands"] + ["--width", "1"])),
    Case(id="range-symmetry-width-1", category="numeric-range", description="symmetry --width 1",
         expect="ok", argv=("symmetry", "--width", "1")),
    Case(id="range-accumulate-workers-auto", category="numeric-range",
         description="accumulate --workers auto", expect="ok",
         argv=tuple(BASE["accumulate"] + ["--workers", "auto", "--tol", "10"])),
    Case(id="range-accumulate-exact", category="numeric-range",
         description="accumulate --fermi-surface exact at E_F = 1.5 (valid)", expect="ok",
         argv=tuple(BASE["accumulate"] + ["--fermi-surface", "exact", "--ef", "1.5", "--tol",
                                          "10"])),
)


# -- Python API --------------------------------------------------------------------------------
def _haldane(**kw):
    from lrtheory.models.haldane import haldane

    return haldane(**kw)


def _gg():
    return _haldane(t2=0.0, delta=0.5)


def _rib(width=2, **kw):
    return _haldane(t2=0.06, delta=0.5, **kw).ribbon(width)


def _hall(**kw):
    from lrtheory.response.hall import hall_conductivity

    model = kw.pop("model", None) or _gg()
    ef = kw.pop("ef", [0.0])
    kw.setdefault("nk", 8)
    return hall_conductivity(model, ef, **kw)


def _chern(**kw):
    from lrtheory.response.hall import chern_numbers

    model = kw.pop("model", None) or _haldane(t2=0.06, delta=0.5)
    return chern_numbers(model, **kw)


def _acc(**kw):
    from lrtheory.response.density import ribbon_accumulation

    model = kw.pop("model") if "model" in kw else _rib()
    ef = kw.pop("ef", 0.5)
    kw.setdefault("nk", 16)
    return ribbon_accumulation(model, ef, **kw)


def _py(id, shown, fn, match=None, expect="error", category="python-api", check=None, **kw):
    add(Case(id=id, category=category, description=shown, call=fn, shown=shown, match=match,
             expect=expect, check=check, **kw))


NAN = float("nan")
INF = float("inf")

_BAD_PY_NUMBERS = {"'abc'": "abc", "'0.5'": "0.5", "nan": NAN, "inf": INF, "None": None,
                   "[]": [], "1+2j": 1 + 2j, "object()": object()}

for _lab, _v in _BAD_PY_NUMBERS.items():
    _py(f"py-hall-ef-{_slug(_lab)}", f"hall_conductivity(model, ef={_lab})",
        lambda tmp, v=_v: _hall(ef=v), r"ef")
    _py(f"py-acc-ef-{_slug(_lab)}", f"ribbon_accumulation(rib, ef={_lab})",
        lambda tmp, v=_v: _acc(ef=v), r"ef")

for _lab, _v, _rx in (("0", 0, r"nk"), ("3", 3, r"nk"), ("7 (odd)", 7, r"nk|even"),
                      ("2.5", 2.5, r"nk"), ("'8'", "8", r"nk"), ("None", None, r"nk"),
                      ("nan", NAN, r"nk"), ("-8", -8, r"nk"), ("True", True, r"nk")):
    _py(f"py-hall-nk-{_slug(_lab)}", f"hall_conductivity(model, 0.0, nk={_lab})",
        lambda tmp, v=_v: _hall(nk=v), _rx)

for _lab, _v in (("0", 0), ("-1", -1), ("2.5", 2.5), ("'2'", "2"), ("True", True),
                 ("'many'", "many")):
    _py(f"py-hall-workers-{_slug(_lab)}", f"hall_conductivity(model, 0.0, workers={_lab})",
        lambda tmp, v=_v: _hall(workers=v), r"workers")
    _py(f"py-acc-workers-{_slug(_lab)}", f"ribbon_accumulation(rib, 0.5, workers={_lab})",
        lambda tmp, v=_v: _acc(workers=v), r"workers")

for _name, _vals in (("temperature", {"-1": -1, "nan": NAN, "'hot'": "hot"}),
                     ("operator", {"'bogus'": "bogus", "42": 42}),
                     ("method", {"'bogus'": "bogus"}),
                     ("b", {"2": 2, "-1": -1}),
                     ("chunk_size", {"0": 0, "-5": -5}),
                     ("degen_tol", {"-1": -1, "nan": NAN})):
    for _lab, _v in _vals.items():
        _py(f"py-hall-{_name}-{_slug(_lab)}", f"hall_conductivity(model, 0.0, {_name}={_lab})",
            lambda tmp, n=_name, v=_v: _hall(**{n: v}), _name if _name != "operator" else
            r"operator|bogus|42")

for _name, _vals in (("nk", {"0": 0, "2": 2, "'16'": "16", "2.5": 2.5, "None": None}),
                     ("temperature", {"-1": -1, "nan": NAN}),
                     ("smearing", {"0": 0, "-1": -1, "nan": NAN, "inf": INF}),
                     ("eta", {"0": 0, "-1": -1, "nan": NAN}),
                     ("fermi_surface", {"'bogus'": "bogus"}),
                     ("degen_tol", {"-1": -1})):
    for _lab, _v in _vals.items():
        _py(f"py-acc-{_name}-{_slug(_lab)}", f"ribbon_accumulation(rib, 0.5, {_name}={_lab})",
            lambda tmp, n=_name, v=_v: _acc(**{n: v}), _name)

_py("py-acc-bulk-model", "ribbon_accumulation(haldane(), 0.5) (a bulk model, not a ribbon)",
    lambda tmp: _acc(model=_haldane()), r"ribbon")
_py("py-acc-model-none", "ribbon_accumulation(None, 0.5)", lambda tmp: _acc(model=None), r"ribbon|model")
_py("py-acc-exact-T", "ribbon_accumulation(rib, 0.5, fermi_surface='exact', temperature=0.1)",
    lambda tmp: _acc(fermi_surface="exact", temperature=0.1), r"exact|temperature")

# chern numbers on coarse grids: refused, or a result whose status says so
for _nk in (2, 3, 4, 7):
    _py(f"py-chern-nk-{_nk}", f"chern_numbers(haldane(t2=0.06, delta=0.5), nk={_nk})",
        lambda tmp, n=_nk: _chern(nk=n), r"nk|grid|converged")


def _chern_status_check(res, tmp):
    status = str(getattr(res, "status", ""))
    return None if status and status != "converged" else f"coarse-grid sums with status {status!r}"


_py("py-chern-nk-8-not-strict", "chern_numbers(haldane(t2=0.06, delta=0.5), nk=8, strict=False)",
    lambda tmp: _chern(nk=8, strict=False), expect="either", check=_chern_status_check)
for _lab, _v in (("-1", -1), ("nan", NAN), ("0", 0)):
    _py(f"py-chern-tol-{_slug(_lab)}", f"chern_numbers(model, nk=8, tol={_lab})",
        lambda tmp, v=_v: _chern(nk=8, tol=v), r"tol")


def _chern_ok(res, tmp):
    import numpy as np

    c = np.asarray(getattr(res, "integer", getattr(res, "value", None)))
    return None if c.size == 2 and abs(abs(c[0]) - 1) < 1e-6 else f"Chern numbers {c}, expected +-1"


_py("py-chern-ok", "chern_numbers(haldane(t2=0.3, delta=0), nk=24) (converged: C = +-1)",
    lambda tmp: _chern(model=_haldane(t2=0.3, delta=0.0), nk=24), expect="ok", check=_chern_ok)

# model constructors
for _lab, _kw, _rx in (("bogus=1", dict(bogus=1), r"bogus"), ("t0='abc'", dict(t0="abc"), r"t0"),
                       ("t0=nan", dict(t0=NAN), r"t0"), ("t2=inf", dict(t2=INF), r"t2"),
                       ("phi=None", dict(phi=None), r"phi"), ("delta=[1, 2]", dict(delta=[1, 2]), r"delta"),
                       ("t0=1+1j", dict(t0=1 + 1j), r"t0")):
    _py(f"py-haldane-{_slug(_lab)}", f"haldane({_lab})", lambda tmp, kw=_kw: _haldane(**kw), _rx)

for _lab, _v, _rx in (("2.5", 2.5, r"width|integer"), ("'3'", "3", r"width|integer"),
                      ("0", 0, r"width"), ("-1", -1, r"width"), ("None", None, r"width"),
                      ("nan", NAN, r"width"), ("True", True, r"width|integer")):
    _py(f"py-ribbon-{_slug(_lab)}", f"haldane().ribbon({_lab})",
        lambda tmp, v=_v: _haldane().ribbon(v), _rx)
_py("py-ribbon-numpy-int", "haldane().ribbon(np.int64(3)) (valid)",
    lambda tmp: _haldane().ribbon(__import__("numpy").int64(3)), expect="ok")
_py("py-ribbon-of-ribbon", "haldane().ribbon(3).ribbon(3) (a ribbon is 1D)",
    lambda tmp: _haldane().ribbon(3).ribbon(3), r"2D|dim")


def _load(arg, **kw):
    from lrtheory.io.model_files import load_model_file

    return load_model_file(arg, **kw)


for _lab, _v, _rx, _fs in (
        ("None", None, r"path", ()), ("123", 123, r"path", ()), ("b'm.toml'", b"m.toml", r"path", ()),
        ("['m.toml']", ["m.toml"], r"path", ()), ("'missing.toml'", "missing.toml", r"missing", ()),
        ("'' (empty)", "", r"file|path|type", ()), ("a folder 'd.toml'", "d.toml", r"d.toml", (("d.toml/", ""),)),
        ("'m.yaml'", "m.yaml", r"yaml|type", (("m.yaml", "x: 1"),))):
    _py(f"py-load-{_slug(_lab)}", f"load_model_file({_lab})", lambda tmp, v=_v: _load(v), _rx,
        files=_fs)
for _lab, _params, _rx in (("{'bogus': 1}", {"bogus": 1}, r"bogus"),
                           ("{'t2': 'abc'}", {"t2": "abc"}, r"t2"),
                           ("{'t2': nan}", {"t2": NAN}, r"t2"),
                           ("{'t2': attack}", {"t2": ATTACK_SYSTEM}, r"t2"),
                           ("{'t2': None}", {"t2": None}, r"t2")):
    _py(f"py-load-params-{_slug(_lab)}", f"load_model_file('m.toml', params={_lab})",
        lambda tmp, p=_params: _load("m.toml", params=p), _rx, files=(("m.toml", HALDANE_TOML),))
_py("py-load-ok", "load_model_file('m.toml', params={'t2': 'pi/100'}) (valid)",
    lambda tmp: _load("m.toml", params={"t2": "pi/100"}), expect="ok",
    files=(("m.toml", HALDANE_TOML),))


def _w90(name, **kw):
    from lrtheory.io.wannier90 import load_wannier90

    return load_wannier90(name, **kw)


for _lab, (_name, _content, _rx) in list(W90_BAD.items())[:8]:
    _py(f"py-w90-{_slug(_lab)}", f"load_wannier90('{_name}') on {_lab}",
        lambda tmp, n=_name: _w90(n), _rx, category="model-file-wannier90",
        files=((_name, _content),))
_py("py-w90-missing", "load_wannier90('nothing') (no files)", lambda tmp: _w90("nothing"),
    r"nothing", category="model-file-wannier90")


def _tb(**kw):
    import numpy as np

    from lrtheory.models.tightbinding import Hopping, TightBindingModel

    args = dict(lattice_vectors=np.eye(2), positions=np.zeros((1, 2)),
                hoppings=[Hopping(0, 0, (1, 0), -1.0)])
    args.update(kw)
    return TightBindingModel(**args)


_py("py-tb-nan-hopping", "TightBindingModel(..., hoppings=[(0, 0, (1, 0), nan)])",
    lambda tmp: _tb(hoppings=[(0, 0, (1, 0), NAN)]), r"nan|finite|hopping")
_py("py-tb-orbital-out-of-range", "TightBindingModel(..., hoppings=[(0, 3, (1, 0), 1)])",
    lambda tmp: _tb(hoppings=[(0, 3, (1, 0), 1.0)]), r"orbital")
_py("py-tb-positions-shape", "TightBindingModel(lattice 2D, positions 3D)",
    lambda tmp: _tb(positions=__import__("numpy").zeros((1, 3))), r"dimensional|positions")
_py("py-tb-lattice-nan", "TightBindingModel(lattice_vectors=[[nan, 0], [0, 1]])",
    lambda tmp: _tb(lattice_vectors=[[NAN, 0], [0, 1]]), r"lattice")
_py("py-tb-complex-onsite", "TightBindingModel(..., onsite=[1j])",
    lambda tmp: _tb(onsite=__import__("numpy").array([1j])), r"onsite")
_py("py-tb-time-reversal-shape", "TightBindingModel(..., time_reversal=eye(3)) for 1 orbital",
    lambda tmp: _tb(time_reversal=__import__("numpy").eye(3)), r"time.reversal|shape",
    expect="error")


def _sympy_strings(tmp):
    from lrtheory.models.sympy_model import SympyBlochModel

    return SympyBlochModel([[ATTACK_SYSTEM]], {})


_py("py-sympy-string-matrix", "SympyBlochModel([[attack string]])", _sympy_strings,
    r"string|text|expression")


def _pythtb_bad(tmp):
    from lrtheory.io.pythtb import from_pythtb

    return from_pythtb(object())


_py("py-pythtb-not-a-model", "from_pythtb(object())", _pythtb_bad, r"pythtb|PythTB")


def _kmap(tmp, workers):
    import numpy as np

    from lrtheory.parallel import kmap_reduce

    return kmap_reduce(np.sum, np.zeros((4, 1)), workers=workers)


for _lab, _v in (("0", 0), ("-1", -1), ("2.5", 2.5), ("'4'", "4")):
    _py(f"py-kmap-workers-{_slug(_lab)}", f"kmap_reduce(f, k, workers={_lab})",
        lambda tmp, v=_v: _kmap(tmp, v), r"workers")


def _fermi_points(**kw):
    from lrtheory.response.fermi_points import find_fermi_points

    return find_fermi_points(_rib(), kw.pop("ef", 0.5), **kw)


for _lab, _v in (("nan", NAN), ("'0.5'", "0.5"), ("inf", INF)):
    _py(f"py-fermi-points-ef-{_slug(_lab)}", f"find_fermi_points(rib, ef={_lab})",
        lambda tmp, v=_v: _fermi_points(ef=v), r"ef")


# the exact Fermi-point route at a band crossing on a grid point (issue s3). W = 20: the two
# edge bands cross at E = 0, k = pi to rounding (|E| ~ 4e-17 there); a narrow ribbon (W = 4)
# has a hybridization gap of +-2e-4 at k = pi, where a zero intraband part is the right answer
def _exact_crossing(tmp):
    from lrtheory.response.density import ribbon_accumulation

    rib = _haldane(t2=0.06, delta=0.0).ribbon(20)
    at = ribbon_accumulation(rib, 0.0, nk=64, fermi_surface="exact", convergence=False)
    beside = ribbon_accumulation(rib, 1e-6, nk=64, fermi_surface="exact", convergence=False)
    return at, beside


def _equals_the_limit_beside(res, tmp):
    """The crossing is continuous in E_F: at E_F = 0 the result must be the E_F = 1e-6 one to
    O(1e-6) (the Fermi points move by 1e-6/|v|, |v| ~ 0.1-1), and not zero."""
    import numpy as np

    at, beside = (np.asarray(r.get("intraband", "omm")) for r in res)
    scale = np.abs(beside).max()
    if scale == 0:
        return "reference beside the crossing is zero: the case does not test the crossing"
    dev = np.abs(at - beside).max() / scale
    return None if dev < 1e-4 else f"E_F on the crossing differs from beside it by {dev:.2g}"


_py("py-exact-crossing-on-grid", "ribbon_accumulation(haldane(t2=0.06, delta=0).ribbon(20), 0.0, "
    "nk=64, fermi_surface='exact'): edge bands cross at E = 0, k = pi, a grid point; must equal "
    "the result at E_F = 1e-6",
    _exact_crossing, expect="either", check=_equals_the_limit_beside,
    match=r"crossing|degenera|gauge|Fermi",
    category="silent-wrong-answer")


def _acc_ef_nan_zero(tmp):
    return _acc(ef=NAN)


_py("py-acc-ef-nan-not-zeros", "ribbon_accumulation(rib, ef=nan) (was: all zeros)",
    _acc_ef_nan_zero, r"ef", category="silent-wrong-answer")

# -- processes and signals: checked by real-process tests (colleague-owned) --------------------
_PROC = "tests/numeric/test_processes.py::"
for _id, _desc, _node in (
        ("proc-sigterm", "SIGTERM to the CLI during a k-sum with workers: exits, no orphans",
         "test_sigterm_cleans_up_like_ctrl_c"),
        ("proc-kill-9", "kill -9 of the parent: workers and fork server die with it",
         "test_kill_9_of_the_parent_takes_the_workers_and_fork_server_along"),
        ("proc-no-main-guard", "a script without `if __name__ == '__main__':` calling a k-sum "
         "with workers=2", "test_script_without_main_guard_runs_with_workers"),
        ("proc-unguarded-function", "a function defined in an unguarded script, sent to workers",
         "test_function_defined_in_an_unguarded_script_is_one_clear_error"),
        ("proc-umask", "result files honour the umask (were 0600)",
         "test_result_files_honour_the_umask"),
        ("proc-dask-not-a-scheduler", "--scheduler tcp://HOST:PORT where something that is not "
         "Dask answers (was ArrayMemoryError 3.07 EiB)", "test_scheduler_that_is_not_dask_is_one_line"),
        ("proc-dask-connection", "--scheduler connection problems (refused, bad address)",
         "test_scheduler_connection_problems_are_one_line"),
        ("proc-dask-ctrl-c", "Ctrl-C on a Dask run: one line (was 68 lines)",
         "test_ctrl_c_on_a_dask_run_prints_one_line")):
    add(Case(id=_id, category="process", description=_desc, expect="external",
             node=_PROC + _node, shown=_desc))


def _unique() -> None:
    seen = set()
    for c in CASES:
        assert c.id not in seen, f"duplicate case id {c.id}"
        seen.add(c.id)
        assert (c.argv is None) != (c.call is None) or c.expect == "external", c.id


_unique()
BY_ID = {c.id: c for c in CASES}
