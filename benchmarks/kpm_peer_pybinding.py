"""lrtheory.kpm against pybinding's KPM on the same system, side by side (issue #16 item 3).

Runs in the benchmark-only venv (pybinding-dev from PyPI):
    cd <worktree> && PYTHONPATH=. nice -n 5 /work/venvs/pybinding/bin/python \
        benchmarks/kpm_peer_pybinding.py [n1 n2 n_moments n_vectors]
The model is lrtheory's Haldane model (t2 = 0.1, phi = pi/2, delta = 0.2); pybinding's lattice
is built from the very same hopping list. Same open flake, same spectral window (pybinding's
energy_range = lrtheory's rescaling), same number of Jackson moments (pybinding derives
N = pi a / broadening), same number of random vectors (different random numbers: the values
agree within the stochastic errors). Timings interleaved, repeated, in one process, with the
load stated. Writes benchmarks/kpm_peer.json.
"""
import json
import os
import sys
import time

import numpy as np
import pybinding as pb

from lrtheory import kpm
from lrtheory.conventions import ELECTRON_CHARGE
from lrtheory.models.haldane import haldane


def pb_model(model, n1, n2, double=True, periodic=True):
    lat = pb.Lattice(a1=model.lattice_vectors[0], a2=model.lattice_vectors[1])
    names = [f"s{i}" for i in range(model.n_orbitals)]
    for nm, p, e in zip(names, model.positions, model.onsite):
        lat.add_one_sublattice(nm, p, float(e))
    for h in model.hoppings:
        lat.add_one_hopping(list(h.R), names[h.i], names[h.j], complex(h.t))
    extra = [pb.force_double_precision()] if double else []  # pybinding's default: single
    torus = pb.translational_symmetry(a1=float(n1), a2=float(n2))  # |a1| = |a2| = 1
    return pb.Model(lat, pb.primitive(a1=n1, a2=n2), *([torus] if periodic else []), *extra)


def main(n1=100, n2=100, n_moments=256, n_vectors=4, repeat=3):
    model = haldane(t2=0.1, phi=np.pi / 2, delta=0.2)
    sample = kpm.supercell(model, (n1, n2))  # torus: periodic along a1 and a2
    sc = kpm.spectral_bounds(sample.hamiltonian)
    pm = pb_model(model, n1, n2)
    assert pm.hamiltonian.shape[0] == sample.n_orbitals
    # same matrix up to the orbital order: compare spectra moments Tr H^2, Tr H^4
    for p in (2, 4):
        a = (sample.hamiltonian ** p).diagonal().sum().real
        b = (pm.hamiltonian ** p).diagonal().sum().real
        assert abs(a - b) < 1e-8 * abs(a), (p, a, b)
    rng = (sc.center - sc.half_width, sc.center + sc.half_width)
    broadening = np.pi * sc.half_width / n_moments  # pybinding: N = pi a / broadening
    E = np.linspace(-3.0, 3.0, 61)
    out = {"n_orbitals": sample.n_orbitals, "n_moments_requested": n_moments,
           "n_vectors": n_vectors,
           "load_before": os.getloadavg(), "energy": E.tolist(), "times": {"lrtheory": [],
                                                                           "pybinding": []}}
    import re

    n_pb = None
    for rep in range(repeat):  # interleaved: pybinding, then lrtheory with pybinding's N
        t = time.perf_counter()
        k = pb.kpm(pm, energy_range=rng, kernel=pb.jackson_kernel(), num_threads=1, silent=True)
        theirs = k.calc_dos(E, broadening, num_random=n_vectors)
        out["times"]["pybinding"].append(time.perf_counter() - t)
        n_pb = int(re.search(r"(\d+) @", k.report(shortform=True)).group(1))
        t = time.perf_counter()
        ours = kpm.density_of_states(sample, E, n_moments=n_pb, n_vectors=n_vectors,
                                     seed=rep, vectors_per_chunk=n_vectors)
        out["times"]["lrtheory"].append(time.perf_counter() - t)
    out["pybinding_report"] = k.report(shortform=True)
    out["n_moments_used"] = n_pb  # pybinding rounds pi a / broadening up to its own N
    t = time.perf_counter()  # pybinding's default single precision, for information
    k1 = pb.kpm(pb_model(model, n1, n2, double=False), energy_range=rng,
                kernel=pb.jackson_kernel(), num_threads=1, silent=True)
    single = np.asarray(k1.calc_dos(E, broadening, num_random=n_vectors).data) / sample.n_orbitals
    out["times"]["pybinding_single_precision"] = time.perf_counter() - t
    out["dos_pybinding_single"] = single.tolist()
    d_ours = ours.values["dos"]
    d_pb = np.asarray(theirs.data) / sample.n_orbitals  # pybinding: states per energy, total
    out.update(dos_lrtheory=d_ours.tolist(), dos_error=ours.error["dos"].tolist(),
               dos_pybinding=d_pb.tolist())
    # the exact answer of both: the same Jackson expansion on the exact eigenvalues (the torus
    # of n1 x n2 cells is the Bloch model on the n1 x n2 k-grid)
    from lrtheory.kpm import chebyshev as cb

    k1, k2 = np.meshgrid(np.arange(n1) / n1, np.arange(n2) / n2, indexing="ij")
    recip = 2 * np.pi * np.linalg.inv(model.lattice_vectors).T
    kc = np.stack([k1.ravel(), k2.ravel()], 1) @ recip
    ev = np.linalg.eigvalsh(model.hamiltonian(kc)).ravel()
    ex = (cb.chebyshev_T(n_pb, sc.to_unit(ev)).sum(0)
          @ cb.delta_coefficients(n_pb, sc.to_unit(E), cb.kernel_factors(n_pb))
          / (ev.size * sc.half_width))
    out["dos_exact_same_expansion"] = ex.tolist()
    for name, d in (("lrtheory", d_ours), ("pybinding", d_pb), ("pybinding_single", single)):
        out[f"dos_rms_deviation_{name}"] = float(np.sqrt(np.mean((d - ex) ** 2)) / ex.max())
    # Hall conductivity (Kubo-Bastin, Garcia et al. 2015, in both codes) on an OPEN flake:
    # pybinding builds v from positions, which is wrong across periodic boundaries
    nh = 64
    flake = kpm.supercell(model, (8, 8), periodic=False)
    scf = kpm.spectral_bounds(flake.hamiltonian)
    pf = pb_model(model, 8, 8, periodic=False)
    ef = np.array([-1.5, 0.0, 1.5])
    t = time.perf_counter()
    kf = pb.kpm(pf, energy_range=(scf.center - scf.half_width, scf.center + scf.half_width),
                kernel=pb.jackson_kernel(), num_threads=1, silent=True)
    s_pb = kf.calc_conductivity(ef, np.pi * scf.half_width / nh, temperature=0.0,
                                direction="xy", volume=flake.volume, num_random=1500,
                                num_points=2000)
    th_pb = time.perf_counter() - t
    nf = int(re.search(r"(\d+) @", kf.report(shortform=True)).group(1))
    t = time.perf_counter()
    hall = kpm.hall_conductivity(flake, ef, n_moments=nf, n_vectors=128, operator="charge",
                                 margin=scf.margin, vectors_per_chunk=16)
    th_ours = time.perf_counter() - t
    from lrtheory.kpm import exact  # the same expansion, exact trace (no stochastic error)

    A, B = kpm.current_operator(flake, "charge", 0), flake.velocity[1]
    sc_h = kpm.spectral_bounds(flake.hamiltonian, margin=scf.margin)
    ex_h = (ELECTRON_CHARGE  # the field's charge (docs/kpm.md); the factor is explained in
            * cb.bastin_sigma(exact.bastin_moments(flake, A, B, nf, sc_h),  # kpm_peer_hall*
                              cb.kernel_factors(nf), sc_h.to_unit(ef))
            / (sc_h.half_width ** 2 * flake.volume))
    out["hall"] = {"ef": ef.tolist(), "n_moments": nf, "sample": "open 8 x 8 flake",
                   "lrtheory_exact_trace": ex_h.tolist(),
                   "ratio_pybinding_to_exact_trace": (np.asarray(s_pb.data) / ex_h).tolist(),
                   "lrtheory_charge_current": hall.values["sigma"].tolist(),
                   "lrtheory_error": hall.error["sigma"].tolist(), "lrtheory_vectors": 128,
                   "pybinding": np.asarray(s_pb.data).tolist(), "pybinding_vectors": 1500,
                   "ratio": (np.asarray(s_pb.data) / hall.values["sigma"]).tolist(),
                   "seconds": {"lrtheory": th_ours, "pybinding": th_pb}}
    out["load_after"] = os.getloadavg()
    print(json.dumps(out, indent=1)[:3000])
    with open(os.path.join(os.path.dirname(__file__), "kpm_peer.json"), "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main(*(int(x) for x in sys.argv[1:]))
