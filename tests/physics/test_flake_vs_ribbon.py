"""Independent cross-check: a long flake (exact eigenstates, literal operators) vs the ribbon.

Flake: H from ``model.flake(n1, W)``, x and y diagonal, v = i[H, r], m_z = (q/4)({x, v_y} -
{y, v_x}), n_m(i) = {m_z, P_i}/2 (Eq. 52), static Kubo response to E_x at T = 0 and eta -> 0
(Eq. 17-21; insulating case, E_F = 0 in the gap of the trivial phase): no Bloch formula is
used. In the middle column the site responses must approach the ribbon prediction as n1 grows.
"""
import numpy as np

from lrtheory.models.haldane import haldane
from lrtheory.parallel import blas_single_thread
from lrtheory.response.density import ribbon_accumulation
from lrtheory.response.ribbon_paper import paper_route_profiles

Q = -1.0
W = 6


def _flake_response(model, n1):
    H, pos = model.flake(n1, W)
    x, y = pos[:, 0].copy(), pos[:, 1] - 0.5 * (pos[:, 1].max() + pos[:, 1].min())
    e, U = np.linalg.eigh(H)
    f = (e < 0).astype(float)
    assert np.min(np.abs(e)) > 0.1  # insulating flake: E_F = 0 in a gap
    de = e[:, None] - e[None, :]
    L = np.where(np.abs(de) > 1e-9, (f[:, None] - f[None, :]) / np.where(np.abs(de) > 1e-9,
                                                                         de, 1.0), 0.0)
    Xb = np.conj(U.T) @ (x[:, None] * U)
    R = U @ (L.T * Xb) @ np.conj(U.T)  # delta <A> = Tr(A R) for H_E = H + e E x, E = e = 1
    idx = np.array([((n1 // 2) * W + c2) * 2 + mu for c2 in range(W) for mu in range(2)])
    x0 = x[idx].mean()
    X, Y = np.diag(x - x0), np.diag(y)
    vx, vy = 1j * (H @ X - X @ H), 1j * (H @ Y - Y @ H)
    mz = (Q / 4) * (X @ vy + vy @ X - Y @ vx - vx @ Y)
    site = lambda A: np.einsum("ij,ji->i", A, R).real  # <{A, P_i}/2> response
    out = dict(charge=np.diag(R).real, jx=site(vx), jy=site(vy), omm=site(mz), x=x - x0, y=y)
    # exact operator identity for point orbitals: n_m(i) = (q/2)(x_i j_y(i) - y_i j_x(i))
    np.testing.assert_allclose(out["omm"], (Q / 2) * (out["x"] * out["jy"] - y * out["jx"]),
                               atol=1e-13)
    return {key: val[idx] for key, val in out.items()}


def test_flake_middle_approaches_ribbon():
    model = haldane(t2=0.06, delta=0.5)
    rib = model.ribbon(W)
    acc = ribbon_accumulation(rib, 0.0, nk=512, convergence=False)
    pred = {q: acc.get("interband", q) + acc.get("intraband", q) for q in ("charge", "jx", "jy")}
    errs = []
    with blas_single_thread():
        for n1 in (12, 48):
            fl = _flake_response(model, n1)
            np.testing.assert_allclose(fl["y"], acc.y, atol=1e-12)
            # literal OMM with the x-origin at the observation column: ribbon prediction
            # (q/2)(x_i jy - y jx) with x_i the in-column offsets
            omm_pred = (Q / 2) * (fl["x"] * pred["jy"] - acc.y * pred["jx"])
            err = max(np.abs(fl[q] - pred[q]).max() for q in pred)
            err = max(err, np.abs(fl["omm"] - omm_pred).max())
            errs.append(err)
    scale = np.abs(pred["jy"]).max()
    # Source: exponential localisation in a gapped system: the end effects decay with the
    # distance n1/2 to the flake ends; measured max deviation 4.3e-3 (n1 = 12) -> 1.2e-7 (n1 = 48), i.e. 2.5e-5 of
    # the largest response (jy, 4.6e-3).
    assert errs[1] < 1e-4 * scale
    assert errs[1] < 1e-3 * errs[0]
    # the printed Eq. 57 route in a generic gauge does not reproduce the flake
    paper = paper_route_profiles(rib, 0.0, nk=512, gauge="random")["interband"]
    flake_local = (Q / 2) * (-acc.y * fl["jx"])  # x from the observation point
    assert np.abs(paper - flake_local).max() > 1e3 * errs[1]


def _flake_response_eta(model, n1, ef, temperature, eta):
    """Exact Kubo at finite eta on the flake (literal x, v = i[H, r], m_z; Eq. 17-18)."""
    from lrtheory.kernels.occupation import fermi

    H, pos = model.flake(n1, W)
    x, y = pos[:, 0].copy(), pos[:, 1] - 0.5 * (pos[:, 1].max() + pos[:, 1].min())
    e, U = np.linalg.eigh(H)
    f = fermi(e, ef, temperature)
    L = (f[:, None] - f[None, :]) / (e[:, None] - e[None, :] + 1j * eta)
    Xb = np.conj(U.T) @ (x[:, None] * U)
    R = U @ (L.T * Xb) @ np.conj(U.T)  # chi_{A,x} = Tr(A R); R not Hermitian at finite eta
    idx = np.array([((n1 // 2) * W + c2) * 2 + mu for c2 in range(W) for mu in range(2)])
    X, Y = np.diag(x - x[idx].mean()), np.diag(y)
    vx, vy = 1j * (H @ X - X @ H), 1j * (H @ Y - Y @ H)
    mz = (Q / 4) * (X @ vy + vy @ X - Y @ vx - vx @ Y)
    # response of {A, P_i}/2 = ((A R)_ii + (R A)_ii)/2: real for Hermitian A (pairs (a,b),
    # (b,a) of the Lindhard sum are complex conjugates)
    site = lambda A: 0.5 * (np.einsum("ij,ji->i", A, R) + np.einsum("ij,ji->i", R, A))
    out = dict(charge=np.diag(R), jx=site(vx), jy=site(vy), omm=site(mz), x=x - x[idx].mean())
    assert max(np.abs(v[idx].imag).max() for k, v in out.items() if k != "x") < 1e-12
    return {key: val[idx].real for key, val in out.items()}


def test_metallic_flake_approaches_ribbon_at_finite_eta():
    """Metal (gapped graphene, E_F = 1.5 t0 in the conduction band, T = 0.05, eta = 0.3):
    the flake's middle column approaches the ribbon's exact finite-eta response
    (`ribbon_accumulation(..., eta=...)`, part "eta"; intraband + interband of Eq. 55 without
    the eta -> 0 limit) once eta exceeds the level spacing and the ends are a few v/eta away.
    Measured: max deviation 2.5e-2 (n1 = 16) -> 3.5e-6 (n1 = 64) against a response 0.27."""
    model = haldane(t2=0.0, delta=0.5)
    ef, T, eta = 1.5, 0.05, 0.3
    acc = ribbon_accumulation(model.ribbon(W), ef, nk=2048, temperature=T, eta=eta,
                              convergence=False)
    pred = {q: acc.profiles[f"eta_{q}"] for q in ("charge", "jx", "jy")}
    errs = []
    with blas_single_thread():
        for n1 in (16, 64):
            fl = _flake_response_eta(model, n1, ef, T, eta)
            err = max(np.abs(fl[q] - pred[q]).max() for q in pred)
            omm_pred = (Q / 2) * (fl["x"] * pred["jy"] - acc.y * pred["jx"])
            errs.append(max(err, np.abs(fl["omm"] - omm_pred).max()))
    scale = np.abs(pred["jx"]).max()
    assert errs[1] < 1e-4 * scale
    assert errs[1] < 1e-2 * errs[0]
