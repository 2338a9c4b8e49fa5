"""Result object, proof helpers and the registry of all derivations.

A derivation is *verified* when every identity it claims reduces to exactly zero in SymPy AND
every deliberately wrong variant it builds (flipped sign, missing factor, wrong parity, or a
printed formula of the paper that is wrong) is proved non-zero. A derivation whose wrong
variant "verifies" is itself reported failed, so nothing passes vacuously.

Non-zero is proved by exact evaluation at a rational point (a non-zero exact value there is a
proof that the expression is not identically zero).
"""
from __future__ import annotations

import importlib
import random
import time
from dataclasses import asdict, dataclass, field

import sympy as sp

from lrtheory.io.expressions import as_sympy  # never parses a string (unlike sympify)

__all__ = [
    "Check", "DerivationResult", "Derivation", "Recorder", "DERIVATIONS",
    "is_zero", "nonzero_witness", "run", "run_all", "get",
]


def is_zero(expr) -> bool:
    """True if SymPy reduces ``expr`` to exactly zero.

    ``expr`` may be a scalar, a matrix (every entry), or a dict of Kubo coefficients from
    :func:`lrtheory.symbolic.lindhard.kubo_coefficients` (every coefficient).
    """
    if isinstance(expr, dict):
        return all(is_zero(v) for v in expr.values())
    if isinstance(expr, sp.MatrixBase):
        return all(is_zero(e) for e in expr)
    expr = as_sympy(expr)
    if expr == 0:
        return True
    for step in (sp.expand, lambda e: sp.expand(sp.together(e)), sp.simplify,
                 lambda e: sp.expand(sp.simplify(e.rewrite(sp.exp)))):
        expr = step(expr)
        if expr == 0:
            return True
    return False


def _rational_point(symbols, seed: int = 7):
    rnd = random.Random(seed)
    point = {}
    for s in sorted(symbols, key=str):
        v = sp.Rational(rnd.randint(2, 29), rnd.randint(3, 31))
        if not s.is_positive and rnd.random() < 0.5:
            v = -v
        point[s] = v
    return point


def nonzero_witness(expr, tries: int = 3):
    """Return a substitution at which ``expr`` is exactly non-zero, or None.

    A non-None return value proves that ``expr`` is not identically zero.
    """
    if isinstance(expr, (dict, sp.MatrixBase)):
        for e in (expr.values() if isinstance(expr, dict) else expr):
            w = nonzero_witness(e, tries)
            if w is not None:
                return w
        return None
    expr = as_sympy(expr)
    for seed in range(tries):
        point = _rational_point(expr.free_symbols, seed + 7)
        try:
            val = sp.nsimplify(sp.simplify(sp.expand(expr.subs(point).doit())))
        except (ZeroDivisionError, ValueError):  # pragma: no cover - pole hit
            continue
        if val.is_zero is False or (val.is_number and val != 0 and val.is_finite):
            return point
    return None


@dataclass
class Check:
    """One identity (``expect_zero=True``) or one wrong variant (``expect_zero=False``)."""

    name: str
    residual: str
    expect_zero: bool
    passed: bool


@dataclass
class DerivationResult:
    """What a derivation returns.

    Attributes
    ----------
    label : str
        Registry key, e.g. ``"eq22"``.
    equation : str
        Paper equations covered, e.g. ``"Eq. 22-23, S1-S6"``.
    statement : str
        The (corrected where needed) statement proved.
    residual : str
        ``"0"`` when every identity reduced to zero, else the offending residuals.
    verified : bool
        All identities zero and all wrong variants non-zero.
    wrong_variant_failed : bool
        Every wrong variant was proved non-zero (i.e. was correctly reported not verified).
    seconds : float
        Wall time of the derivation.
    cpu_seconds : float
        CPU time of this process during the derivation (insensitive to other jobs on the
        machine: the derivations are single-threaded SymPy).
    checks : list of Check
    findings : list of str
        Discrepancies with the printed paper, with the settled statement.
    error : str
        Exception text if the derivation crashed (then ``verified`` is False).
    """

    label: str
    equation: str
    statement: str
    residual: str = ""
    verified: bool = False
    wrong_variant_failed: bool = False
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    checks: list = field(default_factory=list)
    findings: list = field(default_factory=list)
    error: str = ""

    def to_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        lines = [f"[{'VERIFIED' if self.verified else 'FAILED'}] {self.label} ({self.equation})"
                 f"  {self.seconds:.2f} s",
                 f"  statement: {self.statement}"]
        for c in self.checks:
            kind = "identity" if c.expect_zero else "wrong variant"
            ok = "ok" if c.passed else "FAIL"
            lines.append(f"  - {kind:13s} {ok:4s} {c.name}: residual = {c.residual}")
        for f in self.findings:
            lines.append(f"  * finding: {f}")
        if self.error:
            lines.append(f"  ! error: {self.error}")
        return "\n".join(lines)


class Recorder:
    """Collect identities, wrong variants and findings; build the DerivationResult."""

    def __init__(self, label: str, equation: str, statement: str):
        self.result = DerivationResult(label, equation, statement)
        self._t0 = time.perf_counter()

    def identity(self, name: str, residual) -> bool:
        """Record an identity: passes if ``residual`` reduces to exactly zero."""
        ok = is_zero(residual)
        shown = "0" if ok else _short(residual if isinstance(residual, (dict, sp.MatrixBase))
                                      else sp.expand(residual))
        self.result.checks.append(Check(name, shown, True, ok))
        return ok

    def wrong(self, name: str, residual) -> bool:
        """Record a wrong variant: passes (is rejected) if ``residual`` is provably non-zero."""
        ok = nonzero_witness(residual) is not None  # an exact non-zero value is a proof
        self.result.checks.append(Check(name, _short(residual), False, ok))
        return ok

    def finding(self, text: str) -> None:
        self.result.findings.append(text)

    def done(self) -> DerivationResult:
        r = self.result
        ids = [c for c in r.checks if c.expect_zero]
        wrongs = [c for c in r.checks if not c.expect_zero]
        r.wrong_variant_failed = bool(wrongs) and all(c.passed for c in wrongs)
        bad = [c for c in ids if not c.passed]
        r.residual = "0" if not bad else "; ".join(f"{c.name}: {c.residual}" for c in bad)
        r.verified = bool(ids) and not bad and r.wrong_variant_failed
        r.seconds = time.perf_counter() - self._t0
        return r


def _short(expr, n: int = 160) -> str:
    if isinstance(expr, dict):
        expr = {str(k[:2] if isinstance(k, tuple) else k): v
                for k, v in expr.items() if v != 0}
    s = str(expr)
    return s if len(s) <= n else s[: n - 3] + "..."


@dataclass(frozen=True)
class Derivation:
    """Registry record: ``module`` (under lrtheory.derivations) exposes ``derive()``.

    A user's derivation file (``lrtheory verify --path DIR``, :mod:`lrtheory.derivations.user`)
    has ``path`` set: the file the user named, loaded as a module by
    :func:`lrtheory.derivations.user.load_file`, and ``module`` is its stem.
    """

    label: str
    equation: str
    summary: str
    module: str
    function: str = "derive"
    path: str | None = None

    def load(self):
        if self.path is not None:
            from lrtheory.derivations.user import load_file

            return getattr(load_file(self.path), self.function)
        mod = importlib.import_module(f"lrtheory.derivations.{self.module}")
        return getattr(mod, self.function)


#: All derivations, in paper order. Tests may append/replace entries (monkeypatch).
DERIVATIONS: list[Derivation] = [
    Derivation("eq26", "Eq. 18, S8, Eq. 26", "Lindhard factor: Re/Im split, eta->0 "
               "principal part and -i pi delta", "eq26_lindhard"),
    Derivation("eq22", "Eq. 19, 22-23, S1-S6", "microscopic reciprocity "
               "chi_AB = lA lB chi_BA for TR-paired states", "eq22_reciprocity"),
    Derivation("eq24", "Eq. 24, S7-S10", "TR decomposition into Re/Im of A_ab B_ba",
               "eq24_decomposition"),
    Derivation("eq27", "Eq. 25-27", "static TR-odd response: principal part cancels "
               "(no-dissipation no-accumulation)", "eq27_static_tr_odd"),
    Derivation("eq28", "Eq. 28, S11-S14", "Fermi-surface (relaxation-time) form and its sign",
               "eq28_fermi_surface"),
    Derivation("eq29", "Eq. 29", "static TR-even response 2P sum f_a Re/(e_a-e_b)",
               "eq29_static_tr_even"),
    Derivation("eq32", "Eq. 31-32", "static response without TR", "eq32_no_tr"),
    Derivation("eq33", "Eq. 33", "-i(w+i eta) chi_AB = -i<[A,B]> + chi_{dA/dt,B}",
               "eq33_identity"),
    Derivation("eq41", "Eq. 37-41, S25-S31", "net torque = e eta chi_{O,r}(0).E -> Eq. 41",
               "eq41_net_torque"),
    Derivation("eq57", "Eq. 57, S52-S55", "ribbon OMM m_nl: printed diagonal = self-rotation "
               "+ 2 x centre of mass, printed off-diagonal gauge dependent; covariant form",
               "eq57_ribbon_omm"),
    Derivation("s24", "S19-S24", "Berry-curvature form of Eq. 29; O = 1 gives Omega_n",
               "s24_berry_curvature"),
    Derivation("s18", "S15-S18", "Edelstein effect of the Rashba gas", "s18_edelstein"),
    Derivation("w1", "kernel W1", "overflow-free (f_a-f_b)/(e_a-e_b) and its limit f'(e)",
               "kernel_w1"),
    Derivation("two_band", "kernel two-band", "closed-form S24 curvature of d.sigma and the "
               "interband metric (no diagonalization)", "kernel_two_band"),
]


def get(label: str, registry=None) -> Derivation:
    reg = DERIVATIONS if registry is None else registry
    for d in reg:
        if d.label == label:
            return d
    from lrtheory.errors import LrtheoryError

    raise LrtheoryError(f"unknown derivation {label!r}; known: {[d.label for d in reg]}")


def run(d: Derivation) -> DerivationResult:
    """Run one derivation; a crash becomes a failed result carrying the error text."""
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        res = d.load()()
        if not isinstance(res, DerivationResult):
            raise TypeError(f"{d.module}.{d.function} returned {type(res).__name__}")
    except Exception as exc:  # noqa: BLE001 - reported, never swallowed silently
        where = f"{d.path}: " if d.path else ""
        res = DerivationResult(d.label, d.equation, d.summary, verified=False,
                               error=f"{where}{type(exc).__name__}: {exc}")
    res.seconds = time.perf_counter() - t0
    res.cpu_seconds = time.process_time() - c0
    return res


def run_all(only=None, registry=None) -> list[DerivationResult]:
    """Run the derivations (all, or those whose label is in ``only``)."""
    reg = DERIVATIONS if registry is None else registry
    if only:
        selected = [get(lbl, reg) for lbl in only]
    else:
        selected = list(reg)
    return [run(d) for d in selected]
