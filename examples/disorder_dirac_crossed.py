"""Crossed (X, Psi) diagrams of the massive Dirac anomalous Hall effect, checked with exact
disorder averages (docs/disorder.md, "Crossed diagrams"): the Fermi-level (Streda I, RA) Hall
conductivity of L x L tori of a lattice massive Dirac model (`lattice_dirac`, B = 0.35) with
Gaussian on-site disorder, against the Born + ladder (non-crossing) value on the same momenta.

Parameters are chosen so that the SCBA-renormalized band has half gap m* = 0.5 and Fermi energy
e* = 1.0 (e*/m* = 2, where the non-crossing and the crossed results of Ado et al. differ most
in the extrinsic part) at every disorder strength gamma: the bare (m, e_F) are solved from the
bulk SCBA self-energy (Re Sigma renormalizes m by up to 30 % on the lattice). Every realization
draws its own supercell twist q; its ladder reference is the SCBA + ladder bubble on the grid
of the sample's momenta at that twist (`twisted_model`, nk = L), with the same eta added.
Exact route: `greenwood_conductivity` with a stochastic trace (32 random-phase vectors, sparse
LU); the standard error over realizations contains the trace noise.

Run: ``python examples/disorder_dirac_crossed.py run OUT.npz MINUTES`` (appends realizations
round-robin over (gamma, L) until the time is up; resumable) and
``python examples/disorder_dirac_crossed.py report OUT.npz [PNG]`` (the table and figure of
docs/disorder.md); ``python examples/disorder_dirac_crossed.py selfenergy`` (the exact
single-particle self-energy against the SCBA: plane waves of the upper band, L = 96, 6
realizations, 2-3 min)."""
import sys
import time

import numpy as np

from lrtheory.disorder.born_response import born_self_energy
from lrtheory.disorder.diagrams import WhiteNoise
from lrtheory.disorder.exact import greenwood_conductivity
from lrtheory.disorder.hall_vertex import dirac_hall_closed_forms, hall_vertex_conductivity
from lrtheory.disorder.samples import build_sample, disorder, lattice_dirac, twisted_model

B, M_STAR, E_STAR, ETA, N_VEC = 0.35, 0.5, 1.0, 0.004, 32
GAMMAS, SIZES = (0.05, 0.1), (64, 128)
E2H = 2 * np.pi                                   # e^2/hbar -> e^2/h


def bare_parameters(gamma, nk=512):
    """Bare (m, e_F) whose bulk SCBA band has half gap M_STAR and energy E_STAR; the
    self-energy (2, 2)."""
    m, ef = M_STAR, E_STAR
    for _ in range(6):
        sig = born_self_energy(lattice_dirac(m, B), ef, WhiteNoise(gamma, sites=(0, 0)), nk=nk)
        s0, sz = (sig[0, 0] + sig[1, 1]) / 2, (sig[0, 0] - sig[1, 1]) / 2
        m, ef = m + M_STAR - (m + sz.real), ef + E_STAR - (ef - s0.real)
    return m, ef, sig


def hall(t):
    return E2H * 0.5 * (t[0, 1] - t[1, 0])


def ladder_same_momenta(model, ef, noise, L, q):
    mq = twisted_model(model, q)
    sig = born_self_energy(mq, ef, noise, nk=L) - 1j * ETA * np.eye(2)
    o = hall_vertex_conductivity(mq, ef, noise, nk=L, sigma=sig)
    return hall(o["bare"]), hall(o["dressed"]), E2H * o["dressed"][0, 0]


def run(out, minutes, seed=2015):
    try:
        rows = list(np.load(out)["rows"])
    except FileNotFoundError:
        rows = []
    setup = {g: bare_parameters(g) for g in GAMMAS}
    clean = {}
    t_end = time.time() + 60 * minutes
    while time.time() < t_end:
        for gi, g in enumerate(GAMMAS):
            for li, L in enumerate(SIZES):
                m, ef, _ = setup[g]
                model = lattice_dirac(m, B)
                if L not in clean or clean[L][0] != m:
                    clean[L] = (m, build_sample(model, (L, L), periodic=(True, True),
                                                n_internal=2))
                r = sum(1 for x in rows if x[0] == g and x[1] == L)
                rng = np.random.default_rng(np.random.SeedSequence([seed, gi, li, r]))
                q = rng.random(2) * 2 * np.pi / L
                s = disorder(clean[L][1], "gaussian", np.sqrt(g), rng)
                t0 = time.time()
                ex = greenwood_conductivity(s, eta=ETA, ef=ef, k=q, n_vectors=N_VEC, rng=rng)
                lb, ld, lxx = ladder_same_momenta(model, ef, WhiteNoise(g, sites=(0, 0)), L, q)
                rows.append((g, L, r, E2H * ex["hall"], E2H * ex["hall_sem"],
                             E2H * ex["sigma"][0, 0], lb, ld, lxx, time.time() - t0))
                print(f"gamma={g} L={L} r={r}: exact {rows[-1][3]:+.3f} +- {rows[-1][4]:.3f}  "
                      f"ladder {ld:+.3f}  bare {lb:+.3f}  xx {rows[-1][5]:.2f}/{lxx:.2f}  "
                      f"({rows[-1][9]:.1f} s)", flush=True)
        np.savez(out, rows=np.array(rows))


def report(out, png=None):
    rows = np.load(out)["rows"]
    cf = {k: E2H * v for k, v in dirac_hall_closed_forms(E_STAR, M_STAR).items()}
    print(f"continuum (e*/m* = 2), e^2/h: intrinsic {cf['intrinsic']:.3f}, ladder "
          f"{cf['ladder']:.3f}, with X+Psi {cf['with_crossed']:.3f}; X+Psi = "
          f"{cf['with_crossed'] - cf['ladder']:+.3f}")
    table = []
    for g in GAMMAS:
        m, ef, sig = bare_parameters(g)
        noise = WhiteNoise(g, sites=(0, 0))
        model = lattice_dirac(m, B)
        bulk = hall_vertex_conductivity(model, ef, noise, nk=1024, sigma=sig - 1j * ETA * np.eye(2))
        g0 = -(sig[0, 0] + sig[1, 1]).imag / 2
        scal = np.diag(np.diag(sig).real) - 1j * (g0 + ETA) * np.eye(2)
        intr = hall_vertex_conductivity(model, ef, noise, nk=1024, sigma=scal)
        for L in SIZES:
            x = rows[(rows[:, 0] == g) & (rows[:, 1] == L)]
            if len(x) < 2:
                continue
            n = len(x)
            d = x[:, 3] - x[:, 7]
            sem = lambda a: a.std(ddof=1) / np.sqrt(n)  # noqa: E731
            table.append((g, L, n, x[:, 3].mean(), sem(x[:, 3]), x[:, 7].mean(), x[:, 6].mean(),
                          d.mean(), sem(d), hall(bulk["dressed"]), hall(intr["bare"]),
                          x[:, 5].mean(), x[:, 8].mean(), m, ef, g0))
            t = table[-1]
            lat = (t[9] - t[10]) / (cf["ladder"] - cf["intrinsic"])
            print(f"| {g} | {L} | {n} | {m:.3f}, {ef:.3f} | {1 / (2 * g0):.1f} | "
                  f"{t[3]:+.3f} +- {t[4]:.3f} | {t[5]:+.3f} | {t[6]:+.3f} | "
                  f"{t[7]:+.3f} +- {t[8]:.3f} | {t[9]:+.3f} | {t[10]:+.3f} | "
                  f"{t[11]:.2f} / {t[12]:.2f} | {(cf['with_crossed'] - cf['ladder']) * lat:+.2f} |")
    if png and table:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        t = np.array(table)
        fig, ax = plt.subplots(figsize=(5.4, 3.6))
        for i, L in enumerate(SIZES):
            s = t[t[:, 1] == L]
            ax.errorbar(s[:, 0] + 0.004 * (i - 0.5), s[:, 7], s[:, 8], fmt="o", capsize=3,
                        label=f"exact - ladder (same momenta), L = {L}")
        ax.axhline(0, color="C2", ls="--", label="ladder complete (non-crossing)")
        ax.axhline(cf["with_crossed"] - cf["ladder"], color="C3", ls="-",
                   label="X + Psi (Ado et al., continuum)")
        # the same scaled by the lattice/continuum ratio of the ladder's extrinsic part
        scale = (t[:, 9] - t[:, 10]) / (cf["ladder"] - cf["intrinsic"])
        ax.plot(t[:, 0], (cf["with_crossed"] - cf["ladder"]) * scale, "x", color="C3", ms=9,
                label="X + Psi x (lattice / continuum ladder extrinsic)")
        ax.set_xlabel(r"$\gamma$ ($t_0^2 a^2$)")
        ax.set_ylabel(r"$\Delta\sigma_{xy}$ ($e^2/h$)")
        ax.set_title(r"lattice massive Dirac, $\epsilon^*/m^* = 2$, Gaussian disorder")
        ax.legend(fontsize=7)
        fig.tight_layout()
        fig.savefig(png, dpi=110)


def self_energy(L=96, n_real=6, ef=0.95, eta=0.005, gammas=(0.01, 0.03, 0.1)):
    """Disorder-averaged <k|G^R|k> of upper-band plane waves |k> of lattice_dirac(0.5, B) on an
    L x L torus (sparse LU), as ``Sigma_eff = e_F - E_k - 1/<G_kk>`` against the bulk SCBA
    self-energy projected on the same spinor (both with eta), averaged over 0.6 <= k <= 1."""
    import scipy.sparse as sps
    from scipy.sparse.linalg import splu

    model = lattice_dirac(0.5, B)
    clean = build_sample(model, (L, L), periodic=(True, True), n_internal=2)
    ks = [np.array([2 * np.pi * j / L, 0.0]) for j in
          range(int(0.6 * L / (2 * np.pi)), int(L / (2 * np.pi)) + 1)]
    spinors = [np.linalg.eigh(model.hamiltonian(k[None])[0]) for k in ks]
    waves = [(np.exp(1j * clean.positions @ k)[:, None] / L * u[:, 1][None, :]).reshape(-1)
             for k, (_, u) in zip(ks, spinors)]
    for g in gammas:
        noise = WhiteNoise(g, sites=(0, 0))
        sig = born_self_energy(model, ef, noise, nk=512) - 1j * eta * np.eye(2)
        gkk = []
        for r in range(n_real):
            s = disorder(clean, "gaussian", np.sqrt(g), np.random.default_rng(r))
            n = s.n_states
            h = sps.coo_matrix((s.amplitudes, (s.rows, s.cols)), shape=(n, n)).tocsc()
            lu = splu(((ef + 1j * eta) * sps.identity(n, format="csc") - h).tocsc())
            gkk.append([w.conj() @ lu.solve(w) for w in waves])
        ex = np.mean([ef - e[1] - 1 / gk for (e, _), gk in zip(spinors, np.mean(gkk, 0))])
        sc = np.mean([u[:, 1].conj() @ sig @ u[:, 1] for _, u in spinors])
        print(f"| {g} | {ex.real:+.4f} | {sc.real:+.4f} | {-ex.imag - eta:.4f} | "
              f"{-sc.imag - eta:.4f} |", flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "selfenergy":
        self_energy()
    elif sys.argv[1] == "run":
        run(sys.argv[2], float(sys.argv[3]))
    else:
        report(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)
