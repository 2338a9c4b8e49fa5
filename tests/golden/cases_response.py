"""Golden cases of the responses (ribbons, bulk Hall, torques, Fermi surface) and of finite
systems and symmetry reports; registered in :data:`tests.golden.cases.CASES`."""
from __future__ import annotations

import numpy as np

from tests.golden.api import A
from tests.golden.common import HALDANE, NK, W

RASHBA_Q = dict(k_max=3.0, n_r=40, n_theta=12)


def _acc(res) -> dict:
    """Profiles of a RibbonAccumulation and the convergence numbers of profiles that are
    not zero by symmetry (a ratio of rounding noise is not a stable number)."""
    conv = {k: v for k, v in res.convergence.items()
            if np.max(np.abs(res.profiles[k])) > 1e-8}
    params = {k: v for k, v in res.params.items() if k != "omm_convention"}
    return {"y": res.y, "profiles": dict(res.profiles), "nk": res.nk, "convergence": conv,
            "params": params, "get_interband_omm": res.get("interband", "omm")}


def _grid_label(r):
    """``nk``; before issue #14 a continuum result's ``nk`` held its grid label (``n_r`` of
    the polar grid, ``n_theta`` on Fermi lines), now None with the label in ``settings``."""
    if r.nk is not None:
        return r.nk
    return r.settings["n_theta" if r.settings.get("grid") == "fermi lines" else "n_r"]


def _kint(r) -> dict:
    return {"value": r.value, "nk": _grid_label(r), "change_on_doubling": r.change_on_doubling,
            "error_estimate": r.error_estimate, "info": dict(r.info)}


def _ribbon(**kw):
    return A("haldane")(**{**HALDANE, **kw}).ribbon(W)


# -- ribbons ---------------------------------------------------------------------------------
def case_ribbon_accumulation():
    rib = _ribbon()
    ra = A("ribbon_accumulation")
    out = {"metal_eta": _acc(ra(rib, 0.3, nk=NK, eta=0.05)),
           "metal_T": _acc(ra(rib, 0.3, nk=NK, temperature=0.05, eta=0.1)),
           "gap": _acc(ra(_ribbon(t2=0.0, delta=0.5), 0.0, nk=NK)),
           "tr_metal": _acc(ra(_ribbon(t2=0.0, delta=0.5), 1.5, nk=NK, smearing=0.05,
                               convergence=False)),
           "exact": _acc(ra(rib, 0.3, nk=NK, fermi_surface="exact", eta=0.05)),
           "chunked": _acc(ra(rib, -0.4, nk=NK, chunk_size=7)),
           "above_bands": _acc(ra(rib, 10.0, nk=16))}
    y = rib.transverse_positions()
    s, a = A("symmetric_antisymmetric")(y, out["metal_eta"]["profiles"]["interband_omm"])
    out["symmetric_antisymmetric"] = {"sym": s, "anti": a}
    return out


def case_ribbon_internals():
    rib = _ribbon()
    k = np.random.default_rng(3).uniform(-3, 3, size=(5, 1))
    es = A("Eigensystem").compute(rib, k)
    out = {}
    for name, kw in (("T0", {}), ("T", dict(temperature=0.05, eta=0.1))):
        w = A("occupation_weights")(es, 0.3, **kw)
        R = A("response_matrices")(es, 0.3, **kw)
        ops = A("ribbon_site_operators")(rib, k)
        out[name] = {"weights_diag": {p: np.real(np.einsum("knn->kn", v)) for p, v in w.items()},
                     "abs_weights": {p: np.abs(v) for p, v in w.items()}}
        Ro = {p: A("to_orbital")(es, v) for p, v in R.items()}
        out[name]["R_orbital"] = Ro
        out[name]["site_traces"] = {p: A("site_traces")(v, ops) for p, v in Ro.items()}
        m = A("paper_omm_eq57")(rib, es, np.zeros_like(es.energies))
        out[name]["paper_density_response"] = {
            p: A("paper_density_response")(rib, es, m, v) for p, v in R.items()}
    out["site_operators"] = A("ribbon_site_operators")(rib, k)
    return out


def case_fermi_points():
    rib = _ribbon()
    pts = A("find_fermi_points")(rib, 0.3, nk=NK)
    order = np.lexsort((pts.band, pts.k))
    out = {"k": pts.k[order], "band": pts.band[order], "direction": pts.direction[order],
           "velocity": pts.velocity[order], "block": pts.block[order], "period": pts.period,
           "branch": pts.branch[order], "n": len(pts)}
    out["profiles"] = A("fermi_point_profiles")(rib, 0.3, nk=NK)
    out["profiles_points"] = A("fermi_point_profiles")(rib, 0.3, nk=NK, points=pts)
    out["profiles_gauge"] = A("fermi_point_profiles")(
        rib, 0.3, nk=NK, randomize_gauge=np.random.default_rng(11))
    out["profiles_insulator"] = A("fermi_point_profiles")(_ribbon(t2=0.0, delta=0.5), 0.0,
                                                          nk=32)
    return out


def case_paper_route():
    rib = _ribbon()
    f = A("paper_route_profiles")
    # the random gauge is drawn per chunk (seeded by its first k): its interband part
    # depends on the chunking (gauge-dependent printed Eq. 57), the intraband part does not
    rand = f(rib, 0.3, nk=NK, gauge="random", seed=4)
    return {"parallel": f(rib, 0.3, nk=NK), "random_intraband": rand["intraband"],
            "T": f(rib, 0.3, nk=NK, temperature=0.05)}


# -- bulk ------------------------------------------------------------------------------------
def _curve(c) -> dict:
    return {"ef": c.ef, "sigma": c.sigma, "sigma_half": c.sigma_half, "nk": c.nk,
            "temperature": c.temperature, "operator": c.operator, "b": c.b, "c": c.c,
            "band_chern": c.band_chern, "band_chern_half": c.band_chern_half,
            "change_on_doubling": c.change_on_doubling, "current": c.current}


def case_hall_conductivity():
    m = A("haldane")(**HALDANE)
    ef = np.linspace(-3.2, 3.2, 9)
    hc = A("hall_conductivity")
    out = {}
    for op in ("charge", None, "orbital"):
        out[f"op_{op}"] = _curve(hc(m, ef, nk=16, operator=op))
    out["charge_T"] = _curve(hc(m, ef, nk=16, temperature=0.1))
    out["sos"] = _curve(hc(m, ef, nk=16, method="sum-over-states", b=1, c=0))
    charge = hc(m, ef, nk=16)
    out["sigma_e2h"] = charge.sigma_e2h
    ch = charge.chern(tol=0.05)
    out["curve_chern"] = {"value": ch.value, "integer": ch.integer, "distance": ch.distance,
                          "status": ch.status}
    ch = A("chern_numbers")(m, 16, strict=False)
    out["chern"] = {**_kint(ch), "integer": ch.integer, "distance": ch.distance,
                    "status": ch.status}
    k, half, area = A("bz_grid")(m, 6)
    out["bz_grid"] = {"k": k, "half": half, "area": area}
    e = np.random.default_rng(2).normal(size=(7, 3))
    w = np.random.default_rng(3).normal(size=(7, 3))
    out["occupied_sums"] = A("occupied_sums")(e, w, np.array([-0.5, 0.0, 0.4]), 0.05)
    return out


def case_hall_tensor():
    m = A("layered_haldane")(tz=0.15, c=1.5, weyl=True, t2=0.1, delta=0.2)
    ef = np.array([-0.3, 0.0, 0.25])
    ht = A("hall_tensor")
    out = {}
    for op in (None, "charge", "orbital"):
        t = ht(m, ef, nk=(6, 6, 4), operator=op)
        out[f"op_{op}"] = {"ef": t.ef, "sigma": t.sigma, "nk": np.array(t.nk),
                           "operator": t.operator}
    out["e2h"] = ht(m, ef, nk=4, operator="charge", temperature=0.05).sigma_e2h
    k, vol = A("bz_grid_nd")(m, (2, 3, 2))
    out["bz_grid_nd"] = {"k": k, "volume": vol}
    return out


def case_torques():
    R = A("RashbaGas")(m=1.0, alpha=0.3)
    D = A("MassiveDirac")(v=1.0, delta=0.2)
    hal = A("haldane")(t2=0.1, phi=0.7, delta=0.3)
    out = {"rashba": {
        "external": _kint(A("external_torque")(R, "spin_y", 0.5, temperature=0.05, **RASHBA_Q)),
        "external_sea": _kint(A("external_torque_sea")(R, "spin_y", 0.5, temperature=0.05,
                                                       **RASHBA_Q)),
        "net": _kint(A("net_torque")(R, "spin_y", 0.5, eta=0.1, tau=5.0, temperature=0.05,
                                     **RASHBA_Q)),
        "density": _kint(A("density_response")(R, "spin_x", 0.5, eta=0.1, temperature=0.05,
                                               **RASHBA_Q)),
        "proper": _kint(A("proper_current")(R, "spin_z", 0.5, temperature=0.05, **RASHBA_Q))}}
    out["dirac"] = {
        "density": _kint(A("density_response")(D, "orbital", 0.5, eta=0.1, temperature=0.05,
                                               **RASHBA_Q)),
        "proper": _kint(A("proper_current")(D, "orbital", 0.5, temperature=0.05, **RASHBA_Q))}
    out["haldane"] = {
        "proper": _kint(A("proper_current")(hal, "orbital", 1.2, temperature=0.05, nk=12)),
        "external": _kint(A("external_torque")(hal, "orbital", 1.2, temperature=0.05, nk=12)),
        "net": _kint(A("net_torque")(hal, np.diag([1.0, -1.0]), 1.2, eta=0.1,
                                     temperature=0.05, nk=12))}
    return out


def case_fermi_surface():
    R = A("RashbaGas")(m=1.0, alpha=0.3)
    hal = A("haldane")(**HALDANE)
    kw, label = A("quadrature")(R, k_max=2.0, n_r=6, n_theta=4)
    kw2, label2 = A("quadrature")(hal, nk=8)
    fsd = A("fermi_surface_density")
    return {"rashba": _kint(fsd(R, "spin_y", 0.5, tau=2.0, temperature=0.05, **RASHBA_Q)),
            "rashba_T0": _kint(A("fermi_surface_continuum")(R, "spin_y", 0.5, tau=2.0,
                                                            k_max=3.0, n_theta=16, n_r=60)),
            "haldane_orbital": _kint(fsd(hal, "orbital", 0.6, tau=1.0, temperature=0.05,
                                         nk=12)),
            "quadrature_continuum": {"kw": kw, "label": label},
            "quadrature_lattice": {"kw": kw2, "label": label2}}


# -- finite systems --------------------------------------------------------------------------
def _hermitian(n, rng):
    a = rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n))
    return (a + a.conj().T) / 2


def case_finite():
    fr, obs = A("finite_response"), A("finite_observables")
    out = {}
    for name, kw in (("broken", dict(t2=0.1, phi=0.7, delta=0.2)),
                     ("tr", dict(t2=0.0, delta=0.5))):
        s = A("haldane_flake")(3, 2, **kw)
        rng = np.random.default_rng(21)
        n = s.n_states
        a = np.stack([_hermitian(n, rng) for _ in range(2)])
        b = np.stack([_hermitian(n, rng) for _ in range(3)])
        o = _hermitian(n, rng)
        E = np.array([0.6, -0.8])
        p = dict(eta=0.05, temperature=0.02, ef=0.1)
        e = s.eigensystem.energies
        out[name] = {
            "H": s.hamiltonian, "positions": s.positions, "energies": e,
            "occupations": fr.occupations(e, 0.02, 0.1),
            "lindhard": {part: fr.lindhard(e, eta=0.05, omega=0.01, temperature=0.02, ef=0.1,
                                           part=part) for part in fr.PARTS},
            "response": {part: fr.response(s, a, b, omega=0.01, part=part, **p)
                         for part in fr.PARTS},
            "expectation": fr.expectation(s, a, temperature=0.02, ef=0.1),
            "commutator_expectation": fr.commutator_expectation(s, a, b, temperature=0.02),
            "site_density_response": fr.site_density_response(s, o, **p),
            "site_density_response_probe": fr.site_density_response(s, None, b, **p),
            "density_accumulation": fr.density_accumulation(s, o, E, **p),
            "density_accumulation_omega": fr.density_accumulation(s, None, omega=0.02, **p),
            "accumulation_parts": fr.accumulation_parts(s, obs.orbital_moment(s), **p),
            "torque_accumulation": fr.torque_accumulation(s, o, E, **p),
            "net_torque": fr.net_torque(s, o, E, **p),
            "net_torque_omega": fr.net_torque(s, o, E, omega=0.03, **p)}
        out[name]["observables"] = {
            "position": obs.position(s), "velocity": obs.velocity(s),
            "orbital_moment": obs.orbital_moment(s), "omm_density": obs.omm_density(s),
            "current_density": obs.current_density(s), "charge_density": obs.charge_density(s),
            "current_divergence": obs.current_divergence(s, o),
            "torque_density": obs.torque_density(s, o),
            "torque_dipole_density": obs.torque_dipole_density(s, o),
            "omm_density_split": list(obs.omm_density_split(s)),
            "site_projectors": obs.site_projectors(s)}
    return out


# -- symmetry --------------------------------------------------------------------------------
def _symmetries(model, width=W) -> dict:
    rib = model.ribbon(width)
    syms = A("find_ribbon_symmetries")(rib)
    out = {"names": [s.name for s in syms] or ["none"]}
    for s in syms:
        rules = A("consequences")(s)
        out[s.name] = {"rx": s.rx, "ry": s.ry, "antiunitary": int(s.antiunitary),
                       "sign": s.sign, "tx": s.tx, "k_map": s.k_map, "matrix": s.matrix(),
                       "check": s.check(rib, np.array([[0.3], [1.1]])),
                       "rules": {d: {p: A("describe")(r) for p, r in v.items()}
                                 for d, v in rules.items()}}
    rep = A("symmetry_report")(model, syms)
    out["report"] = rep
    out["tr_deviation"] = A("time_reversal_deviation")(model)
    out["tr_deviation_ribbon"] = A("time_reversal_deviation")(rib, n_k=3, seed=2)
    return out


def case_symmetry():
    h = A("haldane")
    return {"haldane": _symmetries(h(**HALDANE)),
            "haldane_phi_half_pi": _symmetries(h(t2=0.06, delta=0.5)),
            "gapped_graphene": _symmetries(h(t2=0.0, delta=0.5)),
            "graphene": _symmetries(h(t2=0.0, delta=0.0), width=3),
            "haldane_topological": _symmetries(h(t2=0.06, delta=0.0), width=3)}


RESPONSE_CASES = {
    "response/ribbon_accumulation": case_ribbon_accumulation,
    "response/ribbon_internals": case_ribbon_internals,
    "response/fermi_points": case_fermi_points,
    "response/paper_route": case_paper_route,
    "response/hall_conductivity": case_hall_conductivity,
    "response/hall_tensor": case_hall_tensor,
    "response/torques": case_torques,
    "response/fermi_surface": case_fermi_surface,
    "finite/haldane_flake": case_finite,
    "symmetry/reports": case_symmetry,
}
