"""Films: layer-resolved accumulations in a slab, from a Wannier90 file

A 3D tight-binding model is cut into an N-layer film along a Miller direction
(`lrtheory.models.slabs.slab`) and the static response to an in-plane field is resolved
layer by layer (`lrtheory.response.slab.slab_accumulation`: charge, currents, the
orbital-moment lever-arm density `n_m(z) = (q/2) z (e_z x j)`, and any on-site operator such
as spin), split into the intraband (per `tau`) and interband parts of Eq. 55. Theory and
conventions: [Films (slabs)](../slabs.md).

**Part 1, a small file (always runs).** The polar cubic Rashba model
(`lrtheory.models.cubic.cubic_rashba`) is written to a Wannier90 `_hr.dat` with lrtheory's
writer, read back with `load_wannier90`, and cut into (001) films of 8 to 32 layers. The
spin accumulation `S_y` under `E_x` (the Edelstein effect; intraband, per `tau`) is large at
the surfaces and bulk-like inside; the middle layer converges **exponentially** in N to the
bulk value computed here independently (a plain-numpy Boltzmann sum over the bulk 3D
Brillouin zone, same in-plane grid, 256 points along `k_z`). Checks: interior against bulk
to 1e-8 at N = 32; the total charge of the film (a conserved density) is zero; the
interband spin, forbidden by time reversal, is zero.

**Part 2, GaAs (when the project's shared data is present).** The GaAs `_tb.dat` (16
spinor Wannier functions) cut into a film with the cubic (001) surface: the Miller indices
refer to the model's own reciprocal vectors, and for this fcc basis the cubic `[001]` is
`b_1 + b_2`, i.e. `(1, 1, 0)`. E_F = 7.0 eV (0.7 eV into the valence band: a p-doped
film), T = 0.05 eV, `nk = 8` (coarse: a picture, not converged numbers). Checks: the film
keeps the file's time reversal (`e(k) = e(-k)`), so the intraband charge vanishes in every
layer and the interband (TR-odd) currents are small against the intraband ones. Spin is
not shown for GaAs: the Wannier basis of a spinor calculation is not spin-diagonal (the
spin matrix needs the `.spn` file).
"""
import os
import tarfile
import tempfile
from pathlib import Path

import numpy as np

from lrtheory.io.wannier90 import load_wannier90, write_hr_dat
from lrtheory.models.cubic import SPIN_HALF, cubic_rashba
from lrtheory.models.slabs import frame_vector_operator, slab
from lrtheory.plots.slab import plot_slab_profiles
from lrtheory.response.slab import slab_accumulation

OUT = Path(os.environ.get("LRTHEORY_GALLERY_OUT", "."))
EF, TEMP, NK = -3.0, 0.5, 8

# -- part 1: a small model written to _hr.dat and read back --------------------------------
with tempfile.TemporaryDirectory() as tmp:
    write_hr_dat(cubic_rashba(alpha=0.5), Path(tmp) / "rashba_hr.dat")
    model = load_wannier90(Path(tmp) / "rashba_hr.dat", lattice_vectors=np.eye(3),
                           positions=np.zeros((2, 3)))


def bulk_edelstein(m, nk, nkz=256):
    """Intraband S_y per volume of the bulk: sum_k f'(e_n) <S_y>_n <v_x>_n (plain numpy)."""
    g = (np.arange(nk) + 0.5) * 2 * np.pi / nk      # the film's shifted in-plane grid
    gz = np.arange(nkz) * 2 * np.pi / nkz
    k = np.stack(np.meshgrid(g, g, gz, indexing="ij"), -1).reshape(-1, 3)
    H, V = m.hamiltonian_and_velocity(k)
    e, U = np.linalg.eigh(H)
    x = np.abs(e - EF) / TEMP
    fp = -np.exp(-x) / (TEMP * (1 + np.exp(-x)) ** 2)
    vx = np.einsum("kin,kij,kjn->kn", U.conj(), V[:, 0], U).real
    sy = np.einsum("kin,ij,kjn->kn", U.conj(), SPIN_HALF[1], U).real
    return float((fp * sy * vx).sum() / len(k))


sy_bulk = bulk_edelstein(model, NK)
print(f"bulk S_y per volume (per tau, per unit E_x): {sy_bulk:.10f}")
for N in (8, 16, 32):
    film = slab(model, N, (0, 0, 1))
    S = frame_vector_operator(film, SPIN_HALF)
    res = slab_accumulation(film, EF, nk=NK, temperature=TEMP, operators={"Sy": S[1]})
    sy = res.layer_profile("intraband", "Sy")
    dev = abs(sy[N // 2] / sy_bulk - 1)
    print(f"N = {N:2d}: surface layer {sy[0]:.6f}, middle layer {sy[N // 2]:.10f} "
          f"(relative deviation from bulk {dev:.1e}); total charge "
          f"{res.total('intraband', 'charge'):+.1e}; max |interband S_y| "
          f"{np.abs(res.layer_profile('interband', 'Sy')).max():.1e}")
    if abs(res.total("intraband", "charge")) > 1e-12 or \
            np.abs(res.layer_profile("interband", "Sy")).max() > 1e-12:
        raise SystemExit("charge sum rule or time-reversal zero violated")
if dev > 1e-8:
    raise SystemExit(f"the interior of the 32-layer film is not bulk-like: {dev:.1e}")
plot_slab_profiles(OUT / "slab_rashba_profiles.png", res, ["Sy", "jx", "omm_y"],
                   bulk={"Sy": sy_bulk},
                   title="cubic Rashba film, 32 layers (001), E || x, T = 0.5 t")

# -- part 2: GaAs from Wannier90 -----------------------------------------------------------
DATA = Path(os.environ.get("LRTHEORY_GAAS_DIR") or Path(__file__).resolve().parents[2].parent
            / "shared" / "data" / "GaAs_Wannier90")
ARCHIVE = DATA / "GaAs_tb.dat.tar.gz"
if not ARCHIVE.exists():
    print(f"note: {ARCHIVE} is not here (the project's shared data); part 2 skipped.")
    raise SystemExit(0)
with tempfile.TemporaryDirectory() as tmp:
    with tarfile.open(ARCHIVE) as tf:
        tf.extract("GaAs_tb.dat", tmp, filter="data")
    gaas = load_wannier90(Path(tmp) / "GaAs_tb.dat")
film = slab(gaas, 8, (1, 1, 0))  # the cubic (001) surface of this fcc basis
print(film.name, "| normal:", np.round(film.frame[2], 6), "| d =", round(film.cut.spacing, 4),
      "A |", film.cut.terminations)
k = np.array([[0.3, 0.2], [0.5, -0.3]])
tr_split = np.abs(np.linalg.eigvalsh(film.hamiltonian(k))
                  - np.linalg.eigvalsh(film.hamiltonian(-k))).max()
res = slab_accumulation(film, 7.0, nk=8, temperature=0.05, degen_tol=1e-4)
jx = res.layer_profile("intraband", "jx")
ratio = max(np.abs(res.layer_profile("interband", q)).max() for q in ("jx", "jy")) \
    / np.abs(jx).max()
print(f"e(k) - e(-k): {tr_split:.1e} eV; intraband j_x per layer (A^-2 eV A per tau per "
      f"unit E): {np.round(jx, 4)}")
print(f"max |intraband charge| {np.abs(res.layer_profile('intraband', 'charge')).max():.1e}; "
      f"interband/intraband currents {ratio:.1e}")
if tr_split > 1e-8 or np.abs(res.layer_profile("intraband", "charge")).max() > 1e-6 \
        or ratio > 1e-3:
    raise SystemExit("the GaAs film breaks time reversal beyond the file's precision")
plot_slab_profiles(OUT / "slab_gaas_profiles.png", res, ["jx", "omm_y"],
                   title="GaAs film (Wannier90), 8 layers, cubic (001), E_F = 7.0 eV")
