"""``lrtheory bands``: output files, plot, JSON summary, ribbons, and the gap of the Haldane
model against its closed form.

Expected gap: at the valleys K, K' the Haldane bands (paper Eq. 54 at phi = pi/2,
beta_K = -+3 sqrt(3)/2, gamma_K = 0) are e = +-|Delta -+ 3 sqrt(3) t2|, and the path
G-K-M-K'-G passes through both, so the gap along it is 2 min_pm |Delta +- 3 sqrt(3) t2|
(both valleys are band extrema for these parameters; the rounding of the sampled path is
exact because K and K' are path nodes).
"""
from __future__ import annotations

import json

import numpy as np
import pytest

from lrtheory import __version__
from lrtheory.models.lattice import k_path, named_points
from lrtheory.cli.main import main
from lrtheory.io.results import load_result
from lrtheory.models.haldane import haldane
from tests.tolerances import TOL


def run_json(capsys, *argv):
    assert main(["bands", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("t2, delta", [(0.06, 0.5), (0.1, 0.2), (0.05, 0.0)])
def test_haldane_gap_matches_closed_form(capsys, t2, delta):
    s = run_json(capsys, "--param", f"t2={t2}", "--param", f"delta={delta}", "--nk", "90")
    expected = 2 * min(abs(delta - 3 * np.sqrt(3) * t2), abs(delta + 3 * np.sqrt(3) * t2))
    assert s["gap_along_path"] == pytest.approx(expected, rel=1e-10, abs=1e-12)
    assert s["time_reversal_declared"] is False
    assert s["path"] == "G-K-M-K'-G"


def test_named_points_hexagonal():
    """|K| = 4 pi / 3 and |M| = 2 pi / sqrt(3) for a = 1 (hexagonal BZ geometry)."""
    lat = haldane().lattice_vectors
    b = 2 * np.pi * np.linalg.inv(lat).T
    pts = named_points(lat)
    assert np.linalg.norm(pts["K"] @ b) == pytest.approx(4 * np.pi / 3, rel=1e-14)
    assert np.linalg.norm(pts["K'"] @ b) == pytest.approx(4 * np.pi / 3, rel=1e-14)
    assert np.linalg.norm(pts["M"] @ b) == pytest.approx(2 * np.pi / np.sqrt(3), rel=1e-14)
    # K' is the other valley: K + K' is a reciprocal lattice vector
    s = pts["K"] + pts["K'"]
    np.testing.assert_allclose(s, np.round(s), **TOL)


def test_path_nodes_and_custom_points():
    model = haldane()
    k, d, ticks, labels = k_path(model, "[0,0]-[0.5,-0.5]-K", 50)
    assert labels == ["[0,0]", "[0.5,-0.5]", "K"]
    np.testing.assert_allclose(k[0], 0.0, **TOL)
    np.testing.assert_allclose(np.diff(d) > 0, True)
    assert d[-1] == pytest.approx(ticks[-1])


def test_outputs_npz_json_png(tmp_path, capsys):
    npz, js, png = tmp_path / "b.npz", tmp_path / "b.json", tmp_path / "b.png"
    assert main(["bands", "--model", "gapped-graphene", "--param", "delta=0.3", "--nk", "40",
                 "--out", str(npz), "--plot", str(png)]) == 0
    out = capsys.readouterr().out
    assert "time reversal: declared" in out and "gap at filling 1/2" in out
    arrays, meta = load_result(npz)
    assert meta["lrtheory_version"] == __version__
    assert meta["parameters"]["delta"] == 0.3 and meta["command"] == "bands"
    # gapped graphene (S45): e = +-sqrt(t0^2 |gamma|^2 + Delta^2), so |e| >= Delta everywhere
    assert np.abs(arrays["energies"]).min() >= 0.3 - 1e-12
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert main(["bands", "--nk", "20", "--out", str(js)]) == 0
    arrays, meta = load_result(js)
    assert arrays["energies"].shape == (arrays["k"].shape[0], 2)


def test_ribbon_bands(capsys):
    """Ribbon of W cells: 2W bands; TR-invariant gapped graphene keeps the bulk gap 2 Delta
    at half filling up to finite-size effects (zigzag edge states of gapped graphene stay
    inside the bulk bands' range here, so the gap can only shrink)."""
    s = run_json(capsys, "--model", "gapped-graphene", "--width", "6", "--nk", "61")
    assert s["n_bands"] == 12 and s["dim"] == 1 and s["width"] == 6
    assert 0 < s["gap_along_path"] <= 2 * 0.5 + 1e-12
    assert s["time_reversal_declared"] is True


def test_model_file_and_sympy_file(capsys):
    from pathlib import Path

    ex = Path(__file__).resolve().parents[2] / "examples"
    a = run_json(capsys, "--model", str(ex / "haldane.toml"), "--nk", "60")
    b = run_json(capsys, "--nk", "60")
    assert a["gap_along_path"] == pytest.approx(b["gap_along_path"], rel=1e-10, abs=1e-12)
    q = run_json(capsys, "--model", str(ex / "qwz.toml"), "--param", "m=-1", "--nk", "60")
    assert q["path"] == "G-X-M-G"
    # |d|^2 = sin^2 kx + sin^2 ky + (m + cos kx + cos ky)^2 = 1 on G-X (m = -1), >= 1 elsewhere
    assert q["gap_along_path"] == pytest.approx(2.0, rel=1e-10)


def test_ribbon_of_a_sympy_matrix_file(capsys):
    """A model typed as an H(k) matrix is converted to hoppings for --width: its ribbon gap
    equals the built-in Haldane ribbon's (same hoppings, exact Fourier recovery)."""
    from pathlib import Path

    ex = Path(__file__).resolve().parents[2] / "examples"
    a = run_json(capsys, "--model", str(ex / "haldane_sympy.toml"), "--width", "6", "--nk", "41")
    b = run_json(capsys, "--model", "haldane", "--width", "6", "--nk", "41")
    assert a["n_bands"] == b["n_bands"] == 12
    assert a["gap_along_path"] == pytest.approx(b["gap_along_path"], rel=1e-10, abs=1e-12)
