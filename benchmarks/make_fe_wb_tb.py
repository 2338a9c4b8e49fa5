"""bcc Fe ``_tb.dat`` with the full position matrix, written by WannierBerri's own writer from
WannierBerri's test data (repository wannier-berri/wannier-berri, GPL-2.0,
``tests/data/Fe_Wannier90``: Fe.chk, Fe.eig, Fe.mmn (untar Fe.mmn.tar.gz), Fe.win; not
shipped with lrtheory). Run in the WannierBerri venv (benchmarks/wberri_full.py)::

    /work/venvs/wberri/bin/python benchmarks/make_fe_wb_tb.py SRC/Fe OUT/Fe_wb_tb.dat

``System_w90(berry=True, symmetrize=False)``: H(R) and A(R) = <0m|r|Rn> from the checkpoint
and the overlaps (Marzari-Vanderbilt finite differences, made Hermitian by WannierBerri),
on WannierBerri's MDRS-expanded R set (3 x 3 x 3 mp grid; ndegen 1), written in Wannier90's
convention (centres on the R = 0 diagonal) by ``system_tb.write_tb_file``.
"""
import sys
import warnings

import numpy as np

warnings.simplefilter("ignore")
import wannierberri as wb  # noqa: E402
from wannierberri.system.system_tb import write_tb_file  # noqa: E402
from wannierberri.w90files import WannierData  # noqa: E402

if len(sys.argv) != 3:
    raise SystemExit(__doc__.split("\n\n")[1])
wd = WannierData.from_w90_files(seedname=sys.argv[1], files=["chk", "eig", "mmn", "win"],
                                readnnkp=False)
system = wb.system.System_w90(wandata=wd, berry=True, symmetrize=False)
AA = system.get_R_mat("AA")
print("max |A(R) - A(-R)^+| =", np.abs(AA - system.rvec.conj_XX_R(AA)).max(), "Angstrom;",
      system.rvec.nRvec, "R vectors; WannierBerri", wb.__version__)
write_tb_file(system, tb_file=sys.argv[2])
