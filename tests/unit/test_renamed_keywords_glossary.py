"""Second round of glossary renames (issue #14 item 5, docs/conventions.md glossary): ``ef`` for
``mu`` in the kernels and continuum models, ``operator`` for ``op`` in response.berry and
bands.eigensystem, ``eigensystem`` for ``es``/``eig``. For every renamed keyword: the new name
works and moves the number (it is really passed on), the old name gives bit-identical numbers
with exactly one DeprecationWarning that points at the caller, and both at once is one typed
one-line error."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

from lrtheory.bands import eigensystem as be
from lrtheory.bands.eigensystem import Eigensystem
from lrtheory.errors import ConventionError
from lrtheory.finite import system as fsys
from lrtheory.finite.examples import haldane_flake
from lrtheory.kernels import lindhard as kl
from lrtheory.kernels import occupation as ko
from lrtheory.models import continuum
from lrtheory.models.continuum import RashbaGas
from lrtheory.models.haldane import haldane
from lrtheory.response import berry, bulk_omm, density, omm
from tests.unit.test_renamed_keywords import _deprecated  # one rename-warning check

E = np.linspace(-1.0, 1.0, 7)
R = RashbaGas(m=1.0, alpha=0.3)


def _same(a, b):
    """Bit-identical values (arrays, tuples of arrays, dicts of arrays, scalars)."""
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        for key in a:
            _same(a[key], b[key])
    elif isinstance(a, tuple):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
    else:
        np.testing.assert_array_equal(a, b)


def _differs(a, b) -> bool:
    if isinstance(a, dict):
        return any(_differs(a[key], b[key]) for key in a)
    if isinstance(a, tuple):
        return len(a) != len(b) or any(_differs(x, y) for x, y in zip(a, b))
    return np.shape(a) != np.shape(b) or not np.array_equal(a, b)


# ------------------------------------------------------------------ ef for mu

EF_CASES = [
    ("fermi", lambda **kw: ko.fermi(E, temperature=0.1, **kw)),
    ("fermi_derivative", lambda **kw: ko.fermi_derivative(E, temperature=0.1, **kw)),
    ("occupation", lambda **kw: kl.occupation(E, temperature=0.1, **kw)),
    ("fermi_surface_weight", lambda **kw: kl.fermi_surface_weight(E, temperature=0.1, **kw)),
    ("divided_difference", lambda **kw: kl.divided_difference(E, E[::-1], temperature=0.1, **kw)),
    ("principal_interband", lambda **kw: kl.principal_interband(E, E[::-1], **kw)),
    ("fermi_crossings", lambda **kw: continuum.fermi_crossings(R, k_max=3.0, n_theta=8, **kw)),
    ("ContinuumModel.fermi_crossings", lambda **kw: R.fermi_crossings(k_max=3.0, n_theta=8, **kw)),
    ("RashbaGas.fermi_circles", lambda **kw: R.fermi_circles(**kw)),
]


@pytest.mark.parametrize("name, call", EF_CASES, ids=[c[0] for c in EF_CASES])
def test_ef_replaces_mu(name, call):
    new = call(ef=0.3)
    _same(_deprecated(lambda: call(mu=0.3), "mu"), new)
    assert _differs(new, call(ef=0.55)), "ef is not passed on"
    with pytest.raises(ConventionError, match="'mu'.*'ef'") as info:
        call(ef=0.3, mu=0.3)
    assert "\n" not in str(info.value)


def test_kernels_positional_ef_unchanged():
    np.testing.assert_array_equal(ko.fermi(E, 0.3, 0.1), ko.fermi(E, ef=0.3, temperature=0.1))
    with pytest.raises(ConventionError):
        ko.fermi(E, 0.3, mu=0.3)  # ef given positionally and by its old name


# ------------------------------------------- operator for op, eigensystem for eig / es

K2 = np.array([[0.1, 0.2], [0.3, -0.1], [1.2, 0.4]])
HAL = haldane(t2=0.1, phi=0.7, delta=0.3)
EIG = Eigensystem.compute(HAL, K2)
SZ = np.diag([1.0, -1.0]).astype(complex)
RIB = haldane(t2=0.06, delta=0.3).ribbon(4)
RES = Eigensystem.compute(RIB, RIB.k_grid(12))
Y = omm.ribbon_position(RIB, RES)
M = omm.omm_matrix(RIB, RES, offdiagonal=False)
RM = density.response_matrices(RES, 0.2, temperature=0.05)["intraband"]
A_DIAG = np.linspace(-0.2, 0.3, RES.energies.size).reshape(RES.energies.shape)
OTHER = Eigensystem.compute(HAL, K2 + 0.37)
# two degenerate bands at every k: block averages differ from the plain values
DEGENERATE = Eigensystem(K2, np.zeros((3, 2)), np.broadcast_to(np.eye(2), (3, 2, 2)),
                         np.zeros((3, 2, 2, 2)))
SITE_OPS = density.ribbon_site_operators(RIB, RES.k)
OTHER_RIB = Eigensystem.compute(RIB, RIB.k_grid(12) + 0.21)

# (name, call taking the renamed keyword, old keyword, new keyword, value, another value)
KEYWORD_CASES = [
    ("berry.is_number_operator", lambda **kw: berry.is_number_operator(**kw),
     "op", "operator", None, SZ),
    ("berry.band_operator op", lambda **kw: berry.band_operator(EIG, **kw),
     "op", "operator", SZ, "charge"),
    ("berry.band_operator eig", lambda **kw: berry.band_operator(operator=SZ, **kw),
     "eig", "eigensystem", EIG, OTHER),
    ("berry.generalized_berry_curvature op",
     lambda **kw: berry.generalized_berry_curvature(EIG, **kw), "op", "operator", SZ, None),
    ("berry.generalized_berry_curvature eig",
     lambda **kw: berry.generalized_berry_curvature(operator=SZ, **kw),
     "eig", "eigensystem", EIG, OTHER),
    ("berry.berry_curvature", lambda **kw: berry.berry_curvature(**kw),
     "eig", "eigensystem", EIG, OTHER),
    ("berry.uses_two_band_closed_form", lambda **kw: berry.uses_two_band_closed_form(HAL, **kw),
     "op", "operator", "charge", SZ),
    ("berry.bands_and_curvature", lambda **kw: berry.bands_and_curvature(HAL, K2, **kw),
     "op", "operator", SZ, "charge"),
    ("bands.to_band_basis", lambda **kw: be.to_band_basis(EIG.states, **kw),
     "op", "operator", SZ, np.eye(2)),
    ("Eigensystem.operator", lambda **kw: EIG.operator(**kw), "op", "operator", SZ, np.eye(2)),
    ("bulk_omm.bulk_omm_matrix", lambda **kw: bulk_omm.bulk_omm_matrix(**kw),
     "eig", "eigensystem", EIG, OTHER),
    ("bulk_omm.band_omm", lambda **kw: bulk_omm.band_omm(**kw), "eig", "eigensystem", EIG, OTHER),
    ("bulk_omm.block_average_diagonal",
     lambda **kw: bulk_omm.block_average_diagonal(values=np.tile([1.0, 2.0], (3, 1)), **kw),
     "eig", "eigensystem", EIG, DEGENERATE),
    ("omm.ribbon_position", lambda **kw: omm.ribbon_position(RIB, **kw),
     "es", "eigensystem", RES, OTHER_RIB),
    ("omm.ribbon_vy", lambda **kw: omm.ribbon_vy(Y=Y, **kw), "es", "eigensystem", RES, OTHER_RIB),
    ("omm.state_centres", lambda **kw: omm.state_centres(RIB, **kw),
     "es", "eigensystem", RES, OTHER_RIB),
    ("omm.omm_matrix", lambda **kw: omm.omm_matrix(RIB, **kw), "es", "eigensystem", RES, OTHER_RIB),
    ("omm.omm_diagonal_parts", lambda **kw: omm.omm_diagonal_parts(RIB, **kw),
     "es", "eigensystem", RES, OTHER_RIB),
    ("omm.paper_omm_eq57", lambda **kw: omm.paper_omm_eq57(RIB, a_diag=A_DIAG, **kw),
     "es", "eigensystem", RES, OTHER_RIB),
    ("omm.paper_density_response",
     lambda **kw: omm.paper_density_response(RIB, m=M, R=RM, **kw),
     "es", "eigensystem", RES, OTHER_RIB),
    ("omm.bulk_omm", lambda **kw: omm.bulk_omm(**kw), "es", "eigensystem", EIG, OTHER),
    ("omm.bulk_berry_curvature", lambda **kw: omm.bulk_berry_curvature(**kw),
     "es", "eigensystem", EIG, OTHER),
    ("density.occupation_weights",
     lambda **kw: density.occupation_weights(ef=0.2, temperature=0.05, eta=0.1, **kw),
     "es", "eigensystem", RES, OTHER_RIB),
    ("density.response_matrices",
     lambda **kw: density.response_matrices(ef=0.2, temperature=0.05, **kw),
     "es", "eigensystem", RES, OTHER_RIB),
    ("density.to_orbital", lambda **kw: density.to_orbital(R=RM, **kw),
     "es", "eigensystem", RES, OTHER_RIB),
    ("density.site_traces",
     lambda **kw: density.site_traces(density.to_orbital(RES, RM), **kw), "ops", "operators",
     SITE_OPS, {key: 2 * val for key, val in SITE_OPS.items()}),
]


@pytest.mark.parametrize("name, call, old, new, value, other", KEYWORD_CASES,
                         ids=[c[0] for c in KEYWORD_CASES])
def test_new_keyword_works_old_keyword_same_numbers(name, call, old, new, value, other):
    result = call(**{new: value})
    _same(_deprecated(lambda: call(**{old: value}), old), result)
    assert _differs(result, call(**{new: other})), f"{new} is not passed on"
    with pytest.raises(ConventionError, match=f"'{old}'.*'{new}'") as info:
        call(**{new: value, old: value})
    assert "\n" not in str(info.value)


def test_deprecated_bulk_omm_matrix_alias_still_points_at_the_caller():
    with pytest.warns(DeprecationWarning) as caught:
        bulk_omm.omm_matrix(EIG)
    assert all(w.filename == __file__ for w in caught)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        old = bulk_omm.omm_matrix(eig=EIG)
    assert len(caught) == 2 and all(w.filename == __file__ for w in caught)
    np.testing.assert_array_equal(old, bulk_omm.bulk_omm_matrix(EIG))


def test_finite_random_gauge_takes_eigensystem():
    s = haldane_flake(2, 2, t2=0.1)
    eig = s.eigensystem
    new = fsys.random_gauge(eigensystem=eig, rng=np.random.default_rng(3))
    old = _deprecated(lambda: fsys.random_gauge(eig=eig, rng=np.random.default_rng(3)), "eig")
    np.testing.assert_array_equal(new.states, old.states)
    np.testing.assert_array_equal(new.energies, eig.energies)
    assert not np.allclose(new.states, eig.states)  # a new gauge, so the call did something
    with pytest.raises(ConventionError):
        fsys.random_gauge(eig, np.random.default_rng(3), eig=eig)
