"""Tolerance tiers (rtol, atol), one place for the whole suite (import: tests.tolerances).

TOL: exact identities in double precision on small matrices (rounding ~ 1e-14 * condition).
TOL_NUMERIC: sums over k-grids or many states (accumulated rounding).
TOL_WEAK: checks limited by convergence (k-grid, eta -> 0, finite size).
"""
TOL = dict(rtol=1e-10, atol=1e-12)
TOL_NUMERIC = dict(rtol=1e-8, atol=1e-10)
TOL_WEAK = dict(rtol=1e-3, atol=1e-6)
