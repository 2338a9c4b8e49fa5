"""The golden cases: ONE table ``CASES`` (case name -> callable returning its outputs), used
by ``python -m tests.golden.record`` (writes tests/golden/data) and tests/golden/test_golden.py
(recomputes and compares).

Every callable takes no argument and returns a (nested) dict of numbers and texts
(:func:`tests.golden.store.flatten`). Only gauge-invariant outputs: energies, orbital-basis
matrices (H, V, operators), band-diagonal quantities of non-degenerate bands (velocities,
Berry curvature, OMM), traces, responses; never raw eigenvectors. Inputs are small and fixed
(seeded generators). Functions are found through :func:`tests.golden.api.A` (the one table
of import paths). The CLI and file-based cases live in :mod:`tests.golden.cases_io`.
"""
from __future__ import annotations

import numpy as np

from tests.golden.api import A

from tests.golden.common import GAPPED, HALDANE, NK, W, bloch, kpts, min_gap, thin  # noqa: F401


def eig_outputs(model, k) -> dict:
    """Band quantities of :class:`Eigensystem` that do not depend on the gauge."""
    es = A("Eigensystem").compute(model, k)
    sz = np.diag(np.tile([1.0, -1.0], model.n_orbitals // 2))
    return {"energies": es.energies, "n_bands": es.n_bands,
            "velocity_diag": np.real(np.einsum("kcnn->kcn", es.velocity)),
            "energy_differences": es.energy_differences(), "degenerate": es.degenerate(),
            "has_degenerate_bands": es.has_degenerate_bands,
            "inverse_gap_squared": es.inverse_gap_squared, "min_gap": min_gap(es),
            "abs_berry_connection": np.abs(es.berry_connection()),
            "abs_velocity": np.abs(es.velocity),
            "operator_sigma_z_diag": np.real(np.einsum("knn->kn", es.operator(sz)))}


def ribbon_outputs(model, k) -> dict:
    """Gauge-invariant ribbon band quantities (positions, centres, OMM diagonals)."""
    es = A("Eigensystem").compute(model, k)
    Y = A("ribbon_position")(model, es)
    m = A("ribbon_omm_matrix")(model, es, origin=(0.2, -0.1))
    m57 = A("paper_omm_eq57")(model, es, np.zeros_like(es.energies))
    return {"ribbon_position_diag": np.real(np.einsum("knn->kn", Y)),
            "abs_ribbon_position": np.abs(Y), "abs_ribbon_vy": np.abs(A("ribbon_vy")(es, Y)),
            "state_centres": A("state_centres")(model, es),
            "omm_diagonal_parts": A("omm_diagonal_parts")(model, es, origin_y=0.3),
            "omm_matrix_diag": np.real(np.einsum("knn->kn", m)), "abs_omm_matrix": np.abs(m),
            "paper_omm_eq57_diag": np.real(np.einsum("knn->kn", m57)),
            "paper_omm_eq57_abs": np.abs(m57)}


def curvature_outputs(model, k, ops=()) -> dict:
    """Berry curvature, generalized curvature and OMM of non-degenerate bands."""
    es = A("Eigensystem").compute(model, k)
    mm = A("bulk_omm_matrix")(es)
    out = {"berry_curvature": A("berry_curvature")(es),
           "bulk_berry_curvature": A("bulk_berry_curvature")(es),
           "bulk_omm": A("bulk_omm")(es), "band_omm": A("band_omm")(es),
           "band_omm_q2": A("band_omm")(es, charge=2.0, block_average=False),
           "bulk_omm_matrix_diag": np.real(np.einsum("knn->kn", mm)),
           "abs_bulk_omm_matrix": np.abs(mm)}
    for name, op in ops:
        if not isinstance(op, np.ndarray):  # at 555daf3 a matrix op fails in op == "number"
            gbc = A("generalized_berry_curvature")
            out[f"gbc_{name}_xy"] = gbc(es, op, b=0, c=1, model=model)
            out[f"gbc_{name}_yx"] = gbc(es, op, b=1, c=0, model=model)
        O = A("band_operator")(es, op, model)
        out[f"band_operator_{name}_diag"] = np.real(np.einsum("knn->kn", O))
        out[f"block_trace_product_{name}"] = A("block_trace_product")(es, O)
    return out


# -- models --------------------------------------------------------------------------------
def case_haldane_model():
    m = A("haldane")(**HALDANE)
    k = kpts(6, 2)
    return {**bloch(m, k), "energy_bound": m.energy_bound, "positions": m.positions,
            "lattice_vectors": m.lattice_vectors, "reciprocal_vectors": m.reciprocal_vectors,
            "k_grid_4": m.k_grid(4), "k_grid_3x5_shift": m.k_grid((3, 5), shift=True),
            "bulk_bands": A("haldane_bulk_bands")(k, **HALDANE),
            "phase_boundary": A("phase_boundary")(0.1, 0.7),
            "moved": bloch(m.move_orbital(1, (1, -1)), k)["H"],
            "with_positions": bloch(m.with_positions(m.positions + [[0.1, 0.0], [0.0, 0.2]]),
                                    k)["V"],
            "flake": dict(zip(("H", "positions"), m.flake(2, 3)))}


def case_hand_made_models():
    """TightBindingModel built from hopping lists (square lattice, 3D cubic, 1D chain)."""
    TB, Hop = A("TightBindingModel"), A("Hopping")
    sq = TB([[1.0, 0.0], [0.0, 1.0]], [[0.0, 0.0], [0.5, 0.3]],
            [Hop(0, 1, (0, 0), -1.0), Hop(0, 1, (-1, 0), -0.7 + 0.2j), (1, 0, (0, 1), 0.3j),
             (0, 0, (1, 0), 0.15), (1, 1, (1, 1), -0.05 + 0.05j)], [0.4, -0.4], name="square")
    cub = TB(np.eye(3), [[0.0, 0.0, 0.0]], [(0, 0, (1, 0, 0), -1.0), (0, 0, (0, 1, 0), -0.8),
                                           (0, 0, (0, 0, 1), -0.5)], name="cubic")
    chain = TB([[2.0]], [[0.0], [0.8]], [(0, 1, (0,), -1.0), (1, 0, (1,), -0.6)], [0.1, -0.1],
               time_reversal=np.eye(2), name="SSH")
    return {"square": {**bloch(sq, kpts(5, 2)), "energy_bound": sq.energy_bound,
                       "ribbon": bloch(sq.ribbon(3, periodic=1), kpts(3, 1)),
                       "ribbon_y": sq.ribbon(3, periodic=1).transverse_positions()},
            "cubic": {**bloch(cub, kpts(4, 3)), "energy_bound": cub.energy_bound,
                      "k_grid": cub.k_grid((2, 3, 2))},
            "chain": {**bloch(chain, kpts(4, 1)), "energy_bound": chain.energy_bound,
                      "tr": np.asarray(getattr(chain.time_reversal, "U", chain.time_reversal)),
                      "k_grid": chain.k_grid(5, shift=True)}}


def case_haldane_ribbon():
    rib = A("haldane")(**HALDANE).ribbon(W)
    rib1 = A("haldane")(**HALDANE).ribbon(3, periodic=1, center=False)
    k = kpts(5, 1)
    return {"zigzag": {**bloch(rib, k), "y": rib.transverse_positions(),
                       "positions": rib.positions, "energy_bound": rib.energy_bound,
                       "k_grid": rib.k_grid(8), "name": rib.name},
            "periodic1": {**bloch(rib1, k), "y": rib1.transverse_positions(),
                          "positions": rib1.positions}}


def case_layered_haldane():
    m = A("layered_haldane")(tz=0.15, c=1.5, weyl=True, t2=0.1, delta=0.2)
    m2 = A("layered_haldane")(tz=0.2, c=2.0, weyl=False, **HALDANE)
    return {"weyl": bloch(m, kpts(4, 3)), "plain": bloch(m2, kpts(4, 3, seed=5))}


def _qwz(m: float):
    import sympy as sp

    kx, ky, mm = sp.symbols("kx ky m", real=True)
    d = [sp.sin(kx), sp.sin(ky), mm + sp.cos(kx) + sp.cos(ky)]
    H = sp.Matrix([[d[2], d[0] - sp.I * d[1]], [d[0] + sp.I * d[1], -d[2]]])
    # examples/own_model_sympy.py build()
    return A("SympyBlochModel")(H, {"m": m}, lattice_vectors=[[1, 0], [0, 1]],
                                positions=[[0, 0], [0, 0]], name="QWZ")


def case_sympy_model():
    model = _qwz(-1.0)
    k = kpts(5, 2)
    tb = model.to_tight_binding()
    tb2 = A("to_tight_binding")(model.with_params(m=1.5))
    bonds = A("canonical_bonds")(tb)
    kp, kdist, ticks, labels = A("k_path")(model, "G-X-M-G", 30)
    return {**bloch(model, k), "with_params": bloch(model.with_params(m=3.0), k)["H"],
            "reciprocal_vectors": model.reciprocal_vectors, "k_grid": model.k_grid(3),
            "tb": bloch(tb, k), "tb_m15": bloch(tb2, k)["H"],
            "bonds_keys": np.array([[i, j, *R] for (i, j, R) in sorted(bonds)]),
            "bonds_values": np.array([bonds[key] for key in sorted(bonds)]),
            "k_path": {"k": kp, "kdist": kdist, "ticks": ticks, "labels": list(labels)},
            "chern": A("chern_numbers")(model, nk=12, strict=False).value}


def case_continuum_models():
    out = {}
    for name, m in (("rashba", A("RashbaGas")(m=1.0, alpha=0.3)),
                    ("dirac", A("MassiveDirac")(v=1.0, delta=0.2, valley=-1))):
        out[name] = {**bloch(m, kpts(5, 2, scale=1.5)), "positions": m.positions}
        kc, band, w = m.fermi_crossings(0.5, k_max=3.0, n_theta=8, n_r=50)
        out[name]["fermi_crossings"] = {"k": kc, "band": band, "w": w}
    k, w = A("RashbaGas").polar_grid(2.0, 6, 5, k_min=0.1)
    out["polar_grid"] = {"k": k, "w": w}
    out["rashba"]["fermi_circles"] = A("RashbaGas")(m=1.3, alpha=0.2).fermi_circles(0.4)
    out["rashba"]["spin"] = A("RashbaGas")().spin
    out["rashba"]["time_reversal"] = np.asarray(A("RashbaGas")().time_reversal)
    return out


def case_random_models():
    rm = A("random_models")
    rng = np.random.default_rng(7)
    out = {"positions": rm.random_positions(4, rng), "hermitian": rm.random_hermitian(3, rng),
           "real_symmetric": rm.random_real_symmetric(3, rng),
           "spin_major": rm.spin_major_to_site_major(3),
           "kramers": rm.random_kramers_hermitian(2, rng),
           }
    for name, s in (("tr_invariant", rm.random_tr_invariant(3, rng, spinful=True)),
                    ("tr_broken", rm.random_tr_broken(3, rng)),
                    ("gapped", rm.random_gapped(4, rng, kind="spinful", gap=0.5))):
        out[name] = {"H": s.hamiltonian, "positions": s.positions}
    for kind in ("spinless", "spinful"):
        s = rm.random_system(kind, 3, rng)
        out[f"system_{kind}"] = {"H": s.hamiltonian, "positions": s.positions,
                                 "energies": np.linalg.eigvalsh(s.hamiltonian)}
        out[f"tr_operator_{kind}"] = rm.random_tr_operator(s, rng, -1)
    return out


def case_kernels():
    e = np.linspace(-1.0, 1.0, 9)
    ea, eb = e[:, None], e[None, :] + 0.013
    fa = A("fermi")(ea, 0.1, 0.05)
    fb = A("fermi")(eb, 0.1, 0.05)
    out = {"fermi_T0": A("fermi")(e, 0.1, 0.0), "fermi_T": A("fermi")(e, 0.1, 0.05),
           "fermi_derivative": A("fermi_derivative")(e, 0.1, 0.05),
           "divided_difference": A("divided_difference")(ea, eb, 0.1, 0.05),
           "principal_interband": A("principal_interband")(ea, eb, 0.1, 0.05),
           "principal_interband_T0": A("principal_interband")(ea, eb, 0.1, 0.0),
           "fermi_surface_weight": A("fermi_surface_weight")(e, 0.1, 0.05)}
    ks = A("lindhard_kernels")
    out["lindhard"] = ks["lindhard"](fa, fb, ea, eb, 0.02, 0.03)
    out["lindhard_re"] = ks["lindhard_re"](fa, fb, ea, eb, 0.02, 0.03)
    out["lindhard_im"] = ks["lindhard_im"](fa, fb, ea, eb, 0.02, 0.03)
    m = A("haldane")(**HALDANE)
    k = kpts(6, 2)
    H, dH = A("hamiltonian_and_velocity")(m, k)
    en, om = A("two_band_bands_and_curvature")(H, dH[:, 0], dH[:, 1], 1e-9)
    out["two_band"] = {"energies": en, "curvature": om}
    out["two_band_ohc"] = A("two_band_orbital_hall_curvature")(H, dH, 0, 1, 1e-9, -1.0)
    return out


# -- bands -----------------------------------------------------------------------------------
HALDANE_OPS = (("number", None), ("charge", "charge"), ("orbital", "orbital"),
               ("sigma_z", np.diag([1.0, -1.0])))
SPIN_OPS = (("spin_x", "spin_x"), ("spin_y", "spin_y"), ("spin_z", "spin_z"))


def case_bands_haldane_eig():
    return eig_outputs(A("haldane")(**HALDANE), kpts(6, 2))


def case_bands_haldane_curvature():
    m = A("haldane")(**HALDANE)
    return {**curvature_outputs(m, kpts(6, 2), HALDANE_OPS),
            "fhs_chern": A("fhs_chern")(m, 12, 1),
            "reciprocal_vectors": A("berry_reciprocal_vectors")(m)}


def case_bands_rashba_eig():
    return eig_outputs(A("RashbaGas")(m=1.0, alpha=0.3), kpts(5, 2, scale=1.5))


def case_bands_rashba_curvature():
    return curvature_outputs(A("RashbaGas")(m=1.0, alpha=0.3), kpts(5, 2, scale=1.5), SPIN_OPS)


def case_bands_ribbon_eig():
    return eig_outputs(A("haldane")(**HALDANE).ribbon(W), kpts(5, 1))


def case_bands_ribbon_omm():
    return ribbon_outputs(A("haldane")(**HALDANE).ribbon(W), kpts(5, 1))


from tests.golden.cases_response import RESPONSE_CASES  # noqa: E402
from tests.golden.cases_io import IO_CASES  # noqa: E402
from tests.golden.cases_extra import EXTRA_CASES  # noqa: E402

#: case name -> callable (the one table)
CASES = {
    "models/haldane": case_haldane_model,
    "models/haldane_ribbon": case_haldane_ribbon,
    "models/hand_made": case_hand_made_models,
    "models/layered_haldane": case_layered_haldane,
    "models/sympy_qwz": case_sympy_model,
    "models/continuum": case_continuum_models,
    "models/random_models": case_random_models,
    "kernels": case_kernels,
    "bands/haldane_eigensystem": case_bands_haldane_eig,
    "bands/haldane_curvature": case_bands_haldane_curvature,
    "bands/rashba_eigensystem": case_bands_rashba_eig,
    "bands/rashba_curvature": case_bands_rashba_curvature,
    "bands/ribbon_eigensystem": case_bands_ribbon_eig,
    "bands/ribbon_omm": case_bands_ribbon_omm,
    **RESPONSE_CASES,
    **IO_CASES,
    **EXTRA_CASES,
}
