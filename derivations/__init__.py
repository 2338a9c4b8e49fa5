"""Self-checking derivations of the paper's results (importable as lrtheory.derivations)."""
