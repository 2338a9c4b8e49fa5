"""blas_single_thread: one BLAS thread inside for every loaded BLAS, limits restored after,
and the library scan cached while no module is imported (it was paid per k-chunk)."""
import sys

import numpy as np
import pytest

threadpoolctl = pytest.importorskip("threadpoolctl")

from lrtheory.parallel import _runtime, blas_single_thread  # noqa: E402


def _blas_threads():
    return [d["num_threads"] for d in threadpoolctl.threadpool_info() if d["user_api"] == "blas"]


def test_limits_every_blas_and_restores():
    import scipy.linalg  # noqa: F401  (scipy's own OpenBLAS, if it ships one)

    before = _blas_threads()
    with blas_single_thread():
        inside = _blas_threads()
        np.linalg.eigh(np.eye(4))
    assert inside and all(n == 1 for n in inside)
    assert _blas_threads() == before


def test_scan_cached_until_a_module_is_imported(monkeypatch):
    with blas_single_thread():
        pass
    first = _runtime._CONTROLLER
    with blas_single_thread():
        pass
    assert _runtime._CONTROLLER is first  # no new module: the same controller
    monkeypatch.setitem(sys.modules, "lrtheory_fake_new_module", object())
    with blas_single_thread():
        pass
    assert _runtime._CONTROLLER is not first  # a new import: scanned again
