"""Charge, valley and orbital Hall conductivities of the Haldane model and gapped graphene with
Anderson (on-site) disorder: SCBA + ladder on the BZ grid, the two-valley Dirac limit and the
exact disorder average on tori. Writes docs/img/disorder_haldane.png and prints the tables of
docs/disorder.md.

1. Dirac limit: gapped graphene (Delta = 0.1), Sigma = -i diag(0.01, 0.006) on both sides,
   nk = 512: relative deviation of the lattice valley and orbital Hall conductivities from the
   two massive Dirac valleys, against (k_F a)^2.
2. Curves against e_F (gamma = 0.3, SCBA, nk = 192): Haldane (t2 = 0.1, phi = pi/2,
   Delta = 0.2) and gapped graphene (Delta = 0.3); for gapped graphene the two massive Dirac
   valleys with the lattice's self-energy (where the lattice takes over).
3. Exact: L = 24 tori (1152 states), eta = 0.03, twists 0 and (b1 + b2)/2L, 16 realizations,
   against SCBA (+ eta) on the same momenta and in the bulk (nk = 192).

Run: ``python examples/disorder_haldane.py [out.png]`` (about 10 min on 2 loaded cores).
"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from lrtheory.disorder.born_response import born_self_energy  # noqa: E402
from lrtheory.disorder.diagrams import WhiteNoise  # noqa: E402
from lrtheory.disorder.hall_vertex import hall_vertex_conductivity  # noqa: E402
from lrtheory.disorder.lattice_hall import (dirac_limit_hall, exact_hall_average,  # noqa: E402
                                            honeycomb_vertex_hall)
from lrtheory.disorder.samples import twisted_model  # noqa: E402
from lrtheory.models.haldane import haldane, valley_operator  # noqa: E402


def hall(t):
    return 0.5 * (t[0, 1] - t[1, 0])


A_CELL = np.sqrt(3) / 2
part = sys.argv[2] if len(sys.argv) > 2 else "123"

if "1" in part:
    print("1. Dirac limit, gapped graphene Delta = 0.1, Sigma = -i diag(0.01, 0.006), nk = 512")
    print("| e_F | (k_F a)^2 | valley: lattice | two valleys | rel. dev. | orbital: lattice | "
          "two valleys | rel. dev. |")
    sig, noise, d = -1j * np.diag([0.01, 0.006]), WhiteNoise(0.1, (0, 1)), 0.1
    for ef in (0.15, 0.25, 0.4):
        lat = honeycomb_vertex_hall(haldane(delta=d), ef, noise, nk=512, sigma=sig,
                                    operators=("valley", "orbital"))
        ref = dirac_limit_hall(ef, sig, noise, delta=d, operators=("valley", "orbital"))
        kf2 = (ef**2 - d**2) / 0.75
        row = [f"{ef}", f"{kf2:.4f}"]
        for op in ("valley", "orbital"):
            a, b = hall(lat[op]["dressed"]), hall(ref[op]["dressed"])
            row += [f"{a:.5f}", f"{b:.5f}", f"{(a - b) / b:+.2e}"]
        print("| " + " | ".join(row) + " |", flush=True)

fig, axes = plt.subplots(1, 2, figsize=(10, 4))
if "2" in part:
    g, nk = 0.3, 192
    noise = WhiteNoise(g, (0, 1))
    for ax, (label, model, efs) in zip(axes, (
            ("gapped graphene, $\\Delta = 0.3$", haldane(delta=0.3), np.linspace(0.45, 2.0, 8)),
            ("Haldane, $t_2 = 0.1$, $\\phi = \\pi/2$, $\\Delta = 0.2$",
             haldane(t2=0.1, phi=np.pi / 2, delta=0.2), np.linspace(0.9, 2.0, 6)))):
        curves = {op: [] for op in ("charge", "valley", "orbital")}
        dirac = {op: [] for op in ("valley", "orbital")}
        for ef in efs:
            r = honeycomb_vertex_hall(model, ef, noise, nk=nk)
            assert np.max(np.abs(r["vertex"])) < 1e-12          # no ladder (C3)
            for op in curves:
                curves[op].append(hall(r[op]["dressed"]))
            if model.params["t2"] == 0:     # the two Dirac valleys with the lattice's Sigma
                ref = dirac_limit_hall(ef, r["sigma"], noise, delta=model.params["delta"],
                                       operators=("valley", "orbital"))
                for op in dirac:
                    dirac[op].append(hall(ref[op]["dressed"]))
            print(label, f"e_F = {ef:.3f}", {op: round(curves[op][-1], 5) for op in curves},
                  {op: round(v[-1], 5) for op, v in dirac.items() if v},
                  "Sigma", np.round(np.diag(r["sigma"]), 4), "max change on doubling",
                  max(abs(hall(r[op]["change_on_doubling"])) for op in curves), flush=True)
        for op, style in (("charge", "o-"), ("valley", "s-"), ("orbital", "^-")):
            ax.plot(efs, curves[op], style, label=f"{op} (SCBA, no ladder)")
        for op, style in (("valley", "k--"), ("orbital", "k:")):
            if dirac[op]:
                ax.plot(efs, dirac[op], style, lw=1, label=f"{op}, two Dirac valleys, same $\\Sigma$")
        ax.axhline(0, color="0.7", lw=0.5)
        ax.set_xlabel("$e_F$ ($t_0$)")
        ax.set_title(label, fontsize=10)
    axes[0].set_ylabel("RA Hall conductivity ($e^2/\\hbar$, $e/\\hbar$, $e[m]/\\hbar$)")
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    out = sys.argv[1] if len(sys.argv) > 1 else "docs/img/disorder_haldane.png"
    fig.savefig(out, dpi=110)
    print("wrote", out)

if "3" in part:
    print("3. Exact (L = 24, eta = 0.03, 16 realizations) against SCBA, Haldane t2 = 0.1, "
          "phi = pi/2, Delta = 0.2, e_F = 1 (charge) and gapped graphene Delta = 0.3 (valley)")
    print("| model | gamma | W | tau_Born | quantity | exact | SCBA same k | dev (SEM) | "
          "SCBA bulk | clean same k (eta only) |")
    L, eta, ef, nr = 24, 0.03, 1.0, 16
    for name, model, op in (("Haldane", haldane(t2=0.1, phi=np.pi / 2, delta=0.2), "charge"),
                            ("gapped graphene", haldane(delta=0.3), "valley")):
        B = 2 * np.pi * np.linalg.inv(model.lattice_vectors).T
        twists = np.array([[0.0, 0.0], (B[0] + B[1]) / (2 * L)])
        for g in (0.1, 0.2):
            noise, W = WhiteNoise(g, (0, 1)), np.sqrt(12 * g / A_CELL)
            same, clean = [], []
            for q in twists:
                mq = twisted_model(model, q)
                s = born_self_energy(mq, ef, noise, nk=L) - 1j * eta * np.eye(2)
                o = "charge" if op == "charge" else (lambda k, q=q: valley_operator(k + q))
                same.append(hall(hall_vertex_conductivity(mq, ef, noise, nk=L, sigma=s,
                                                          operator=o)["dressed"]))
                clean.append(hall(hall_vertex_conductivity(mq, ef, noise, nk=L,
                                                           sigma=-1j * eta * np.eye(2),
                                                           operator=o)["dressed"]))
            sb = born_self_energy(model, ef, noise, nk=192)
            bulk = honeycomb_vertex_hall(model, ef, noise, nk=192, sigma=sb - 1j * eta * np.eye(2),
                                         operators=(op,))
            ex = exact_hall_average(model, L, W, ef, eta, n_realizations=nr, seed=7,
                                    twists=twists, operators=(op,))
            sem = 0.5 * np.hypot(ex[op + "_sem"][0, 1], ex[op + "_sem"][1, 0])
            mean, dia = hall(ex[op]), np.mean(same)
            print(f"| {name} | {g} | {W:.3f} | {bulk['tau_born']:.2f} | {op} Hall | "
                  f"{mean:.4f} +- {sem:.4f} | {dia:.4f} | {(mean - dia) / sem:+.1f} | "
                  f"{hall(bulk[op]['dressed']):.4f} | {np.mean(clean):.4f} |", flush=True)
