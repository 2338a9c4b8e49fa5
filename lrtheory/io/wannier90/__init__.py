r"""Wannier90 tight-binding models: read ``seedname_hr.dat`` (+ ``_centres.xyz``) or
``seedname_tb.dat`` into a :class:`~lrtheory.models.tightbinding.TightBindingModel`, and write
them (for tests and benchmarks).

File formats (Wannier90 3.x, ``hamiltonian_write_hr`` / ``hamiltonian_write_tb``):

``seedname_hr.dat``::

    header line (date)
    num_wann
    nrpts
    ndegen(1) ... ndegen(nrpts)          (15 per line)
    R1 R2 R3  m  n  Re H_mn(R)  Im H_mn(R)   (nrpts * num_wann**2 lines, m fastest)

``seedname_tb.dat``: header, the three lattice vectors (rows, Angstrom), ``num_wann``,
``nrpts``, the ``ndegen`` list, then for each R a line ``R1 R2 R3`` followed by
``num_wann**2`` lines ``m n Re Im`` (the Hamiltonian), then the same blocks for the position
matrix elements ``m n Re x Im x Re y Im y Re z Im z`` (Angstrom).

``seedname_centres.xyz``: an xyz file whose first ``num_wann`` entries (symbol ``X``) are the
Wannier centres (Cartesian, Angstrom), followed by the atoms.

Conventions
-----------
Wannier90 writes ``H_mn(R) = <m, 0|H|n, R>`` on the Wigner-Seitz supercell of the k-grid
with degeneracies ``ndegen(R)``; the hopping is ``H_mn(R) / ndegen(R)``. This is the same
real-space meaning as lrtheory's ``Hopping(i=m, j=n, R, t)``. Our Bloch Hamiltonian puts the
orbital positions in the phase (atomic-position convention, paper Eq. S48)::

    H_ij(k) = sum_R t_ij(R) exp(i k.(R.A + r_j - r_i))

with ``r_j`` the Wannier centres. Two readings (``interpolation=``):

* ``'tight-binding'`` (default): the position operator is taken diagonal, ``<m0|r|nR> = r_m
  delta_mn delta_R0``; from ``_tb.dat`` only the diagonal R = 0 position elements are used
  (as orbital positions).
* ``'full'``: every position matrix element of ``_tb.dat`` enters through
  :meth:`Wannier90Model.position_matrix` (the "internal" Berry connection of Wannier
  interpolation, Wang et al. PRB 74, 195118 (2006)); responses use the velocity
  ``-i[r, H]`` and, for the Berry curvature, the Wannier-space term
  (docs/wannier-interpolation.md). Wannier90's position elements are Hermitian only to the
  accuracy of its finite differences; the Hermitian part is kept.

MDRS (``use_ws_distance``): ``seedname_wsvec.dat`` is applied when present; ``mdrs=True,
mp_grid=...`` computes the shifts (:mod:`lrtheory.io.wannier90.mdrs`).

A Wannier90 run itself (``seedname.chk`` or ``.chk.fmt``, ``.eig`` and ``.spn``) is read by
:func:`~lrtheory.io.wannier90.run.load_wannier90_run` (file formats:
:mod:`~lrtheory.io.wannier90.run_files`): the same model built from the U matrices, with
the spin operator ``S(k)`` of the run (``Wannier90Model.spin_operator``).

Each pair ``(m, n, R)`` / ``(n, m, -R)`` appears in the file; the reader checks
``H(-R) = H(R)^dagger`` (within ``herm_tol``), keeps one bond per pair (the average of the
two entries, identical to either one when the file is exactly Hermitian), on-site energies
from ``R = 0, m = n`` (real within ``herm_tol``).

Units: those of the file (energies in eV, lengths in Angstrom, k in 1/Angstrom); responses
of the resulting model are in the same units (e.g. a 3D Hall conductivity in e^2/(hbar A)).

The reader (:mod:`~lrtheory.io.wannier90.read`), the conversion to a model
(:mod:`~lrtheory.io.wannier90.convert`), the model (:mod:`~lrtheory.io.wannier90.model`,
Fourier sums in :mod:`~lrtheory.io.wannier90.fourier`), MDRS
(:mod:`~lrtheory.io.wannier90.mdrs`) and the writers (:mod:`~lrtheory.io.wannier90.write`)
are submodules; every name is re-exported here.
"""
from lrtheory.io.wannier90.convert import load_wannier90, model_from_hr
from lrtheory.io.wannier90.model import Wannier90Model, real_space_hamiltonian
from lrtheory.io.wannier90.read import HrData, read_centres_xyz, read_hr_dat, read_tb_dat
from lrtheory.io.wannier90.run import load_wannier90_run
from lrtheory.io.wannier90.run_files import Checkpoint, read_chk, read_eig, read_spn
from lrtheory.io.wannier90.write import (write_centres_xyz, write_hr_dat, write_tb_dat,
                                         write_tb_data)

__all__ = [
    "Wannier90Model",
    "HrData",
    "read_hr_dat",
    "read_tb_dat",
    "read_centres_xyz",
    "model_from_hr",
    "load_wannier90",
    "load_wannier90_run",
    "Checkpoint",
    "read_chk",
    "read_eig",
    "read_spn",
    "write_hr_dat",
    "write_tb_dat",
    "write_tb_data",
    "write_centres_xyz",
    "real_space_hamiltonian",
]
