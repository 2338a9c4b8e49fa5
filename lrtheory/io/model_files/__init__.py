r"""Model files: tight-binding hopping lists in TOML or JSON (schema in docs/own-model.md).

A model file gives lattice vectors, orbitals with positions (and on-site energies),
hoppings ``<i, cell 0| H |j, cell R> = t`` (each bond once; the Hermitian conjugate is added),
named parameters with defaults, and optionally a time-reversal declaration. Every number may
be an expression in the parameters (``"-t0"``, ``"t2*exp(I*phi)"``, ``"sqrt(3)/2"``), parsed
by :func:`lrtheory.io.expressions.parse` (a syntax-tree whitelist with resource limits; user text
is never evaluated as code) and required to evaluate to a finite number once the parameters
are substituted.

The result is a :class:`~lrtheory.models.tightbinding.TightBindingModel`, so it uses the
atomic-position Bloch convention (paper Eq. S48) with the positions written in the file.

Example (TOML)::

    name = "Haldane"
    lattice = [[1, 0], ["1/2", "sqrt(3)/2"]]
    time_reversal = "auto"

    [parameters]
    t0 = 1.0
    t2 = 0.06
    phi = "pi/2"
    delta = 0.5

    [[orbitals]]
    name = "A"
    position = [0, 0]
    onsite = "delta"

    [[orbitals]]
    name = "B"
    position = ["1/2", "sqrt(3)/6"]
    onsite = "-delta"

    [[hoppings]]
    from = "A"
    to = "B"
    R = [0, 0]
    t = "-t0"

Every error raises :class:`~lrtheory.errors.InputFileError` (or ``ModelError`` for a bad
parameter) naming the file, the key or entry (``hoppings[3].t``) and, where it can be found,
the line.

The reading of files (:mod:`~lrtheory.io.model_files.reading`: schema, decoding, line
numbers, expression wrappers) and the building of models
(:mod:`~lrtheory.io.model_files.build`) are submodules; every public name is re-exported here.
"""
from lrtheory.io.model_files.build import load_model_file, model_from_dict
from lrtheory.io.model_files.reading import (SCHEMA, decode_text, evaluate_expression,
                                             parse_expression, read_text_file)

__all__ = ["load_model_file", "model_from_dict", "parse_expression", "evaluate_expression",
           "read_text_file", "decode_text", "SCHEMA"]
