"""Worked finite example: Haldane flake (Eq. 53, S41 vectors), OMM density response to E_x.

Expected behaviour and its sources:
* the flake built here from the S41 vectors and the Bloch builder's flake
  (lrtheory.models.haldane, written independently) have the same spectrum;
* t2 = 0 (TR invariant gapped graphene), E_F = 0 in the gap 2 Delta: the OMM density response
  is linear in eta (no-dissipation no-accumulation, Eq. 27) and its undergap part vanishes;
* t2 != 0, phi = pi/2 (TR broken, trivial and Chern phases): finite as eta -> 0 (Eq. 32);
* the total induced charge vanishes (charge conservation);
* origin of the OMM: shifting it by R0 changes delta n_m(i) by -(q/2)(R0 x delta j(i))_z.
"""
from __future__ import annotations

import json

import numpy as np
import pytest

from lrtheory.cli.main import main
from lrtheory.conventions import ELECTRON_CHARGE
from lrtheory.errors import ModelError
from lrtheory.finite import observables as obs
from lrtheory.finite import response as R
from lrtheory.finite.examples import haldane_flake, honeycomb_flake

ETA = 1e-2


@pytest.mark.parametrize("t2", [0.0, 0.06, 0.2])
def test_flake_matches_bloch_builder_spectrum(t2):
    from lrtheory.models.haldane import haldane

    s = haldane_flake(4, 3, t2=t2, delta=0.5)
    h, _ = haldane(t2=t2, delta=0.5).flake(4, 3)
    np.testing.assert_allclose(s.eigensystem.energies, np.linalg.eigvalsh(h), atol=1e-12)


def test_flake_geometry():
    pos, sub = honeycomb_flake(3, 2)
    d = np.linalg.norm(pos[:, None] - pos[None], axis=-1)
    nn = np.isclose(d, 1 / np.sqrt(3))
    assert np.all(sub[np.nonzero(nn)[0]] != sub[np.nonzero(nn)[1]])  # NN bonds join A and B
    with pytest.raises(ModelError, match="positive integer"):
        honeycomb_flake(0, 2)


def _omm(s, eta, origin=None):
    return R.density_accumulation(s, obs.orbital_moment(s, origin), [1.0, 0.0], eta=eta)


def test_tr_invariant_flake_omm_vanishes_linearly():
    s = haldane_flake(5, 5, t2=0.0, delta=0.5)
    assert s.is_tr_invariant
    a, b = _omm(s, ETA), _omm(s, ETA / 2)
    # gap = 2 Delta = 1: exponent 1 up to O(eta^2/gap^2) = 1e-4
    assert abs(np.log2(np.linalg.norm(a) / np.linalg.norm(b)) - 1.0) < 1e-3
    under = R.density_accumulation(s, obs.orbital_moment(s), [1.0, 0.0], eta=ETA,
                                   part="undergap")
    assert np.abs(under).max() < 1e-12


@pytest.mark.parametrize("t2", [0.06, 0.2])  # trivial (Delta > 3 sqrt3 t2) and Chern phase
def test_tr_broken_flake_omm_finite(t2):
    s = haldane_flake(5, 5, t2=t2, delta=0.5)
    a, b = _omm(s, 1e-4), _omm(s, 5e-5)
    assert abs(np.log2(np.linalg.norm(a) / np.linalg.norm(b))) < 0.01
    assert np.abs(a).max() > 1e-3
    charge = R.density_accumulation(s, ELECTRON_CHARGE * np.eye(s.n_states), [1.0, 0.0], eta=1e-4)
    assert abs(charge.sum()) < 1e-12 * max(1.0, np.abs(charge).sum())


def test_flake_omm_origin_dependence_is_the_current_lever_arm():
    s = haldane_flake(4, 4, t2=0.1, delta=0.3)
    r0 = np.array([1.3, -0.7])
    j = R.density_accumulation(s, obs.velocity(s), [1.0, 0.0], eta=ETA)  # (2, Ns)
    expected = _omm(s, ETA) - (ELECTRON_CHARGE / 2) * (r0[0] * j[1] - r0[1] * j[0])
    np.testing.assert_allclose(_omm(s, ETA, r0), expected, rtol=0, atol=1e-12)


def test_cli_flake(tmp_path, capsys):
    out = tmp_path / "r.npz"
    png = tmp_path / "m.png"
    assert main(["flake", "--nx", "3", "--ny", "3", "--t2", "0", "--out", str(out),
                 "--plot", str(png), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)["summary"]
    assert summary["tr_invariant"] and abs(summary["eta_exponent"] - 1) < 1e-2
    assert png.stat().st_size > 1000
    from lrtheory.io.results import load_result

    arrays, meta = load_result(out)
    assert arrays["omm"].shape == (18,)
    assert meta["parameters"]["t2"] == 0.0
    assert main(["flake", "--eta", "0"]) == 2  # one-line error, not a traceback
    assert "eta" in capsys.readouterr().err
