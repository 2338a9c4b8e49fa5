"""Model files (TOML/JSON hopping lists and matrices): equivalence with the built-in Haldane
model, schema validation messages, and the safe expression parser.

Expected values: the reference is lrtheory.models.haldane.haldane (an independent
construction of the same Eq. 53 model); agreement to rounding (TOL: same arithmetic up to
summation order, ~1e-15 per entry).
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from lrtheory.errors import InputFileError, LrtheoryError, ModelError, SymmetryError
from lrtheory.models.haldane import haldane
from lrtheory.io.model_files import evaluate_expression, load_model_file, parse_expression
from lrtheory.models.protocol import BlochModel
from tests.tolerances import TOL

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PARAM_SETS = [
    dict(t0=1.0, t2=0.06, phi=np.pi / 2, delta=0.5),   # trivial, TR broken (paper Fig. 3a)
    dict(t0=1.0, t2=0.06, phi=np.pi / 2, delta=0.0),   # topological (Fig. 3c)
    dict(t0=0.7, t2=0.13, phi=0.4, delta=-0.3),        # generic phase
    dict(t0=1.0, t2=0.0, phi=np.pi / 2, delta=0.5),    # gapped graphene, TR invariant
]


def _eig_and_velocity(model, k):
    e, U = np.linalg.eigh(model.hamiltonian(k))
    v = np.einsum("kni,kanm,kmj->kaij", U.conj(), model.velocity(k), U)
    return e, np.abs(v) ** 2  # |v_mn|^2 is gauge invariant for non-degenerate bands


@pytest.mark.parametrize("fname", ["haldane.toml", "haldane.json"])
@pytest.mark.parametrize("p", PARAM_SETS)
def test_file_matches_builtin_haldane(fname, p, rng):
    model = load_model_file(EXAMPLES / fname, p)
    ref = haldane(**p)
    assert isinstance(model, BlochModel)
    k = rng.uniform(-2 * np.pi, 2 * np.pi, size=(64, 2))
    # same hopping list and positions -> identical H(k) and dH/dk in the same gauge
    np.testing.assert_allclose(model.hamiltonian(k), ref.hamiltonian(k), **TOL)
    np.testing.assert_allclose(model.velocity(k), ref.velocity(k), **TOL)
    np.testing.assert_allclose(model.positions, ref.positions, **TOL)
    e, v2 = _eig_and_velocity(model, k)
    e0, v20 = _eig_and_velocity(ref, k)
    np.testing.assert_allclose(e, e0, **TOL)
    np.testing.assert_allclose(v2, v20, **TOL)
    # TR declared exactly when the built-in model declares it (t2 = 0 here)
    assert (model.time_reversal is None) == (ref.time_reversal is None)


def test_toml_and_json_examples_agree():
    a = load_model_file(EXAMPLES / "haldane.toml")
    b = load_model_file(EXAMPLES / "haldane.json")
    assert a.params == b.params
    assert a.hoppings == b.hoppings


def test_reduced_coordinates_equal_cartesian(tmp_path, rng):
    doc = json.loads((EXAMPLES / "haldane.json").read_text())
    lat = haldane().lattice_vectors
    doc["coordinates"] = "reduced"
    red = np.array([[0, 0], [0.5, 0.5 / np.sqrt(3)]]) @ np.linalg.inv(lat)
    doc["orbitals"][1]["position"] = red[1].tolist()
    f = tmp_path / "red.json"
    f.write_text(json.dumps(doc))
    k = rng.normal(size=(10, 2))
    np.testing.assert_allclose(load_model_file(f).hamiltonian(k),
                               load_model_file(EXAMPLES / "haldane.json").hamiltonian(k), **TOL)


def _write(tmp_path, text, name="m.toml"):
    f = tmp_path / name
    f.write_text(text)
    return f


HEAD = 'lattice = [[1, 0], [0, 1]]\n[parameters]\nt = 1.0\n[[orbitals]]\nposition = [0, 0]\n'


@pytest.mark.parametrize("body, match", [
    ("[[hoppings]]\nfrom = 0\nto = 0\nR = [1, 0]\nt = \"t*x\"\n",
     r"hoppings\[0\]\.t \(line 10\): unknown name\(s\) \['x'\]"),
    ("[[hoppings]]\nfrom = 0\nto = 0\nR = [1, 0]\namp = 1\n",
     r"hoppings\[0\]\.amp \(line 10\): unknown key 'amp'"),
    ("[[hoppings]]\nfrom = 0\nto = 3\nR = [1, 0]\nt = 1\n",
     r"hoppings\[0\]\.to \(line 8\): orbital index 3 outside 0..0"),
    ("[[hoppings]]\nfrom = 0\nto = 0\nR = [1]\nt = 1\n",
     r"hoppings\[0\]\.R \(line 9\): must be 2 integers"),
    ("[[hoppings]]\nfrom = 0\nto = 0\nR = [1, 0]\nt = 1\n"
     "[[hoppings]]\nfrom = 0\nto = 0\nR = [-1, 0]\nt = 1\n",
     r"hoppings\[1\] \(line 11\): the bond .* already given by hoppings\[0\]"),
    ("[[hoppings]]\nfrom = 0\nto = 0\nR = [0, 0]\nt = 1\n", r"use the orbital's 'onsite'"),
    ("[[hoppings]]\nfrom = 0\nto = 0\nR = [1, 0]\nt = \"__import__('os')\"\n",
     r"hoppings\[0\]\.t \(line 10\): '__import__' is not an allowed function"),
    ("[[hoppings]]\nfrom = 0\nto = 0\nR = [1, 0]\nt = \"t.real\"\n",
     r"attribute access is not allowed in an expression: 't\.real'"),
    ("[[hoppings]]\nfrom = 0\nto = 0\nR = [1, 0]\nt = \"1/0\"\n", r"division by zero in '1/0'"),
    ("[[hoppings]]\nfrom = 0\nto = 0\nR = [1, 0]\nt = \"9**9**9\"\n",
     r"hoppings\[0\]\.t \(line 10\): power '9\*\*9\*\*9': \|exponent\| .* exceeds the limit 1000"),
    ("[[hoppings]]\nfrom = 0\nto = \"Z\"\nR = [1, 0]\nt = 1\n", r"unknown orbital 'Z'"),
])
def test_schema_errors_name_entry_and_line(tmp_path, body, match):
    f = _write(tmp_path, HEAD + body)
    with pytest.raises(InputFileError, match=match):
        load_model_file(f)


def test_malformed_files(tmp_path):
    with pytest.raises(InputFileError, match=r"malformed TOML.*line 2"):
        load_model_file(_write(tmp_path, "lattice = [[1, 0]\nname = 'x'\n"))
    with pytest.raises(InputFileError, match=r"malformed JSON.*line 2"):
        load_model_file(_write(tmp_path, '{"lattice": [[1, 0]],\n "orbitals": [}', "m.json"))
    with pytest.raises(InputFileError, match=r"missing required key 'orbitals'"):
        load_model_file(_write(tmp_path, "lattice = [[1, 0]]\n"))
    with pytest.raises(InputFileError, match=r"unknown key 'lattise'"):
        load_model_file(_write(tmp_path, "lattise = [[1, 0]]\n"))
    with pytest.raises(InputFileError, match=r"onsite .* must be real"):
        load_model_file(_write(tmp_path, "lattice = [[1]]\n[[orbitals]]\nposition = [0]\n"
                                         "onsite = \"I\"\n"))
    with pytest.raises(InputFileError, match=r"unknown model file type"):
        load_model_file(_write(tmp_path, "", "m.yaml"))


def test_json_entry_line_numbers(tmp_path):
    doc = json.loads((EXAMPLES / "haldane.json").read_text())
    doc["hoppings"][2]["t"] = "-t0*q"
    f = tmp_path / "h.json"
    f.write_text(json.dumps(doc, indent=1))
    line = next(n for n, s in enumerate(f.read_text().splitlines(), 1) if "t0*q" in s)
    with pytest.raises(InputFileError, match=rf"hoppings\[2\]\.t \(line {line}\)"):
        load_model_file(f)


def test_parameters_override_and_unknown():
    m = load_model_file(EXAMPLES / "haldane.toml", {"t2": "0.1", "phi": "pi/3"})
    assert m.params["t2"] == 0.1 and m.params["phi"] == pytest.approx(np.pi / 3, rel=1e-15)
    with pytest.raises(ModelError, match=r"unknown parameter\(s\) \['t3'\].*declares"):
        load_model_file(EXAMPLES / "haldane.toml", {"t3": 1})


def test_time_reversal_declarations(tmp_path):
    text = (EXAMPLES / "haldane.toml").read_text()
    forced = _write(tmp_path, text.replace('time_reversal = "auto"', "time_reversal = true"))
    with pytest.raises(SymmetryError, match="not a symmetry"):
        load_model_file(forced)                      # t2 e^{i phi}, phi = pi/2 breaks TR
    m = load_model_file(forced, {"t2": 0})           # gapped graphene: Theta = K holds
    np.testing.assert_array_equal(m.time_reversal, np.eye(2))
    assert load_model_file(EXAMPLES / "haldane.toml", {"phi": 0}).time_reversal is not None


def test_expression_parser_is_restricted():
    assert evaluate_expression("t2*exp(I*phi)", {"t2": 2.0, "phi": np.pi / 2}) == \
        pytest.approx(2j, abs=1e-15)
    assert evaluate_expression("sqrt(3)/2", {}, real=True) == pytest.approx(np.sqrt(3) / 2)
    assert evaluate_expression("2^3", {}, real=True) == 8.0
    for bad in ["__import__('os').system('true')", "open('x')", "lambda: 1", "[1, 2]",
                "a.b", "exec", "Symbol('x')", "eval"]:
        with pytest.raises(InputFileError):
            evaluate_expression(bad, {"a": 1.0})
    with pytest.raises(InputFileError, match="unknown name"):
        parse_expression("t0 + t9", ["t0"])
    with pytest.raises(InputFileError, match="not a number or expression|expected a number"):
        parse_expression(True)


def test_matrix_model_file(tmp_path, rng):
    """'hamiltonian' matrix files give SymPy models; QWZ bands are +-|d(k)| (closed form)."""
    m = load_model_file(EXAMPLES / "qwz.toml", {"m": -1.2})
    k = rng.uniform(-np.pi, np.pi, size=(30, 2))
    d = np.stack([np.sin(k[:, 0]), np.sin(k[:, 1]), -1.2 + np.cos(k).sum(1)], 1)
    np.testing.assert_allclose(np.linalg.eigvalsh(m.hamiltonian(k))[:, 1],
                               np.linalg.norm(d, axis=1), **TOL)
    nh = _write(tmp_path, 'lattice = [[1, 0], [0, 1]]\nhamiltonian = [["0", "kx"], ["0", "0"]]\n')
    with pytest.raises(ModelError, match=r"not Hermitian: H\[0,1\]"):
        load_model_file(nh)
    with pytest.raises(LrtheoryError, match="cannot be combined"):
        load_model_file(_write(tmp_path, 'hamiltonian = [["1"]]\n' + HEAD))
