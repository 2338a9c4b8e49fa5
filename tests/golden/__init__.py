"""Golden outputs of the public functions and CLI commands (issue #14: no number moves)."""
