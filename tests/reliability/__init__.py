"""Reliability catalogue (issue #13): bad inputs and faults, run by tests, rendered into
docs/reliability.md (``python -m tests.reliability.render``)."""
