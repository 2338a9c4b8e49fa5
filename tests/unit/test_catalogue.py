"""The catalogue of built-in models (lrtheory.models.catalogue, issue #14): data that the CLI
reads; the built models are checked against closed forms, not against the code's output."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from lrtheory.cli import common
from lrtheory.errors import ModelError
from lrtheory.models.catalogue import CATALOGUE, BuiltinModel, builtin_model, gapped_graphene

#: nearest-neighbour bonds A -> B of the Haldane model (lattice constant 1, bond 1/sqrt 3)
DELTAS = np.array([[0.5, 0.5 / math.sqrt(3)], [-0.5, 0.5 / math.sqrt(3)],
                   [0.0, -1 / math.sqrt(3)]])


def _graphene_bands(k, t0, delta):
    """``+-sqrt(delta^2 + t0^2 |sum_n exp(i k.delta_n)|^2)`` (Eq. S45), by hand."""
    g = np.exp(1j * np.asarray(k) @ DELTAS.T).sum(-1)
    e = np.sqrt(delta**2 + t0**2 * np.abs(g) ** 2)
    return np.stack([-e, e], -1)


def test_the_catalogue_lists_the_cli_models_with_their_defaults():
    assert list(CATALOGUE) == ["haldane", "gapped-graphene"]
    assert dict(CATALOGUE["haldane"].defaults) == {"t0": 1.0, "t2": 0.06, "phi": math.pi / 2,
                                                   "delta": 0.5}
    assert dict(CATALOGUE["gapped-graphene"].defaults) == {"t0": 1.0, "delta": 0.5}
    for name, entry in CATALOGUE.items():
        assert isinstance(entry, BuiltinModel) and entry.name == name
        assert entry.description and "\n" not in entry.description


def test_entries_are_read_only():
    with pytest.raises(TypeError):
        CATALOGUE["x"] = CATALOGUE["haldane"]  # type: ignore[index]
    with pytest.raises(TypeError):
        CATALOGUE["haldane"].defaults["t2"] = 0.0  # type: ignore[index]
    with pytest.raises(AttributeError):
        CATALOGUE["haldane"].name = "other"  # type: ignore[misc]


def test_gapped_graphene_has_the_closed_form_bands_and_time_reversal():
    m = builtin_model("gapped-graphene", t0=1.3, delta=0.4)
    rng = np.random.default_rng(3)
    k = rng.uniform(-4, 4, size=(20, 2))
    e = np.linalg.eigvalsh(m.hamiltonian(k))
    np.testing.assert_allclose(e, _graphene_bands(k, 1.3, 0.4), atol=1e-12)
    # at Gamma |sum exp| = 3: E = +-sqrt(delta^2 + 9 t0^2)
    np.testing.assert_allclose(np.linalg.eigvalsh(m.hamiltonian(np.zeros(2))),
                               [-math.sqrt(0.16 + 9 * 1.69), math.sqrt(0.16 + 9 * 1.69)])
    assert m.time_reversal is not None and m.time_reversal.deviation(m) < 1e-12


def test_gapped_graphene_defaults_and_unknown_parameters():
    m = gapped_graphene()
    assert (m.params["t0"], m.params["t2"], m.params["delta"]) == (1.0, 0.0, 0.5)
    with pytest.raises(ModelError, match=r"unknown gapped-graphene parameter\(s\) \['t2'\]"):
        gapped_graphene(t2=0.1)
    with pytest.raises(ModelError, match=r"unknown parameter\(s\) \['t2'\] for model "
                                         r"'gapped-graphene'; known: \['delta', 't0'\]"):
        builtin_model("gapped-graphene", t2=0.1)
    with pytest.raises(ModelError, match=r"unknown built-in model 'graphene': use one of "
                                         r"\['gapped-graphene', 'haldane'\]"):
        builtin_model("graphene")


def test_haldane_entry_defaults_are_the_cli_defaults():
    m = builtin_model("haldane")
    assert m.params == {"t0": 1.0, "t2": 0.06, "phi": math.pi / 2, "delta": 0.5}
    assert builtin_model("haldane", t2=0.0).time_reversal is not None
    assert builtin_model("haldane").time_reversal is None  # t2 sin(phi) != 0 breaks TR


def test_the_cli_reads_the_catalogue():
    assert list(common.BUILTIN_MODELS) == list(CATALOGUE)
    for name, (builder, defaults, text) in common.BUILTIN_MODELS.items():
        assert builder is CATALOGUE[name].builder
        assert defaults == dict(CATALOGUE[name].defaults) and text == CATALOGUE[name].description
    a = common.load_model("gapped-graphene", {"delta": 0.25})
    b = builtin_model("gapped-graphene", delta=0.25)
    k = np.array([[0.3, -1.1], [2.0, 0.5]])
    assert np.array_equal(a.hamiltonian(k), b.hamiltonian(k))
    with pytest.raises(ModelError, match=r"unknown parameter\(s\) \['t2'\] for model "
                                         r"'gapped-graphene'"):
        common.load_model("gapped-graphene", {"t2": 0.1})


def test_gapped_graphene_is_not_defined_in_the_cli():
    """The model exists in the catalogue, not as a private constructor of cli/common.py."""
    src = Path(common.__file__).read_text(encoding="utf-8")
    assert "gapped" not in src and "def _haldane" not in src
