"""``lrtheory verify``: run every derivation and print a status table."""
from __future__ import annotations


def add_parser(sub):
    p = sub.add_parser("verify", help="run every symbolic derivation and report its status")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=run)
    return p


def run(args) -> int:  # placeholder until the derivation registry lands
    from lrtheory.derivations import registry  # noqa: F401

    return 0
