"""Every derivation verifies, and every deliberately wrong variant is rejected.

Source of truth: each derivation's identities must reduce to exactly 0 in SymPy; a wrong
variant must be proved non-zero (exact value at a rational point). No tolerances involved.
"""
from __future__ import annotations

import pytest

from lrtheory.derivations import registry as reg

LABELS = [d.label for d in reg.DERIVATIONS]
#: the first test pays for the module fixture (every derivation, ~25 CPU s): 213 s of wall
#: time at load 12 and over the default 300 s at load 14 were measured on the shared 2-core
#: machine (2026-12-07); the CPU budget itself is test_whole_run_is_fast's
pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def results():
    return {r.label: r for r in reg.run_all()}


@pytest.mark.parametrize("label", LABELS)
def test_derivation_verifies(results, label):
    r = results[label]
    assert not r.error, r.error
    assert r.verified, str(r)
    assert r.residual == "0"
    ids = [c for c in r.checks if c.expect_zero]
    assert ids and all(c.passed and c.residual == "0" for c in ids)


@pytest.mark.parametrize("label", LABELS)
def test_wrong_variants_fail(results, label):
    r = results[label]
    wrongs = [c for c in r.checks if not c.expect_zero]
    assert wrongs, f"{label} has no wrong variant: it could pass vacuously"
    assert r.wrong_variant_failed
    assert all(c.passed and c.residual != "0" for c in wrongs)


def test_whole_run_is_fast(results):
    # budget of the verify command: < 60 s on an idle core (aim < 30 s). CPU time, not wall
    # time: the derivations are single-threaded, and wall time under other jobs (load 13 seen
    # on the 2-core CI machine) measured the machine, not the derivations (70-84 s failures)
    assert sum(r.cpu_seconds for r in results.values()) < 60


def test_wrong_variant_that_verifies_fails_the_derivation():
    rec = reg.Recorder("x", "none", "a derivation whose 'wrong' variant is in fact zero")
    rec.identity("1 - 1 = 0", 1 - 1)
    rec.wrong("0 claimed non-zero", 0)
    r = rec.done()
    assert not r.verified and not r.wrong_variant_failed


def test_nonzero_residual_fails_the_derivation():
    import sympy as sp

    x = sp.Symbol("x", real=True)
    rec = reg.Recorder("y", "none", "x = x + 1 (false)")
    rec.identity("x - (x + 1)", x - (x + 1))
    rec.wrong("x", x)
    r = rec.done()
    assert not r.verified and r.residual != "0"


def test_findings_recorded(results):
    # the paper discrepancies found by the derivations are reported (docs/derivations.md)
    assert any("minus sign" in f for f in results["eq28"].findings)
    assert any("twice" in f for f in results["s18"].findings)
    assert any("omega + i eta" in f for f in results["eq33"].findings)


def test_crashing_derivation_is_reported_failed():
    d = reg.Derivation("boom", "none", "crashes", "registry", function="no_such_function")
    (r,) = reg.run_all(registry=[d])
    assert not r.verified and "AttributeError" in r.error
