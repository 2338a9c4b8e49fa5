"""Golden outputs on disk and their comparison (used by record.py and test_golden.py).

A case returns a (nested) dict of outputs. :func:`flatten` turns it into ``{"a/b": value}``
with every number (scalar, list, array; real, complex, int or bool) as a numpy array and
every text (str, None, lists of str) as JSON-able text. Arrays go to ``golden.npz``
(key ``"<case>|<output>"``), texts and the provenance to ``golden.json``.

Comparison (:func:`compare`): numeric arrays pass when the shapes agree and
``max|new - old| <= RTOL * max(1, max|old|)`` (NaN must stay NaN at the same places);
integer and bool arrays must be equal; texts must be equal. Outputs that are new (not in
the golden data) are ignored: new outputs cannot move old numbers.
"""
from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np

#: the "no number moves" tolerance of issue #14
RTOL = 1e-12

#: outputs whose rounding error is amplified by a small level spacing: ``{case: (output
#: prefix, energy-scale output, gap output)}``. A band-resolved Berry curvature is a sum of
#: ``|v_nm|^2 / (e_n - e_m)^2`` terms, and the eigenvectors of a pair split by ``gap`` are
#: fixed by LAPACK only to ``eps * |H| / gap``, so a different (equally correct) rounding
#: path moves it by up to ``RTOL * |H| / gap`` relative (GaAs: Kramers pairs split by
#: 6.8e-6 eV at |H| = 16 eV, factor 2.3e6; observed 1.2e-9 relative between two LAPACK
#: call paths, i.e. 1e-12 * 1200). These outputs get ``RTOL * |H| / gap`` instead of RTOL.
ILL_CONDITIONED = {"io/gaas_wannier90": ("curvature/", "energies", "min_gap")}
NPZ = "golden.npz"
JSON = "golden.json"


def _is_text(v) -> bool:
    if v is None or isinstance(v, str):
        return True
    if isinstance(v, (list, tuple)) and v and all(isinstance(x, str) or x is None for x in v):
        return True
    return False


def flatten(out, prefix: str = "") -> tuple[dict, dict]:
    """``(arrays, texts)`` of a nested dict of outputs (keys joined by ``/``)."""
    arrays, texts = {}, {}
    for key, val in out.items():
        name = f"{prefix}{key}"
        if isinstance(val, dict):
            a, t = flatten(val, name + "/")
            arrays.update(a)
            texts.update(t)
        elif _is_text(val):
            texts[name] = list(val) if isinstance(val, tuple) else val
        elif isinstance(val, (list, tuple)) and any(
                isinstance(x, (dict, list, tuple, str)) or x is None for x in val):
            # a list of records or a mixed list: one entry per index
            a, t = flatten({str(i): x for i, x in enumerate(val)}, name + "/")
            arrays.update(a)
            texts.update(t)
        else:
            arr = np.asarray(val)
            if arr.dtype == object or arr.dtype.kind in "US":
                raise TypeError(f"output {name!r} is neither numbers nor text: {arr.dtype}")
            arrays[name] = arr
    return arrays, texts


def run_case(func) -> tuple[dict, dict]:
    """Run one case with every warning silenced (convergence warnings of tiny grids,
    DeprecationWarnings of moved modules) and flatten its outputs."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return flatten(func())


def save(folder, results: dict, provenance: dict) -> None:
    """Write ``{case: (arrays, texts)}`` into ``folder/golden.npz`` and ``golden.json``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    arrays, doc = {}, {"provenance": provenance, "cases": {}}
    for case, (arr, txt) in sorted(results.items()):
        for key, val in arr.items():
            arrays[f"{case}|{key}"] = val
        doc["cases"][case] = {"arrays": sorted(arr), "texts": txt}
    np.savez_compressed(folder / NPZ, **arrays)
    (folder / JSON).write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n")


def load(folder) -> tuple[dict, dict]:
    """``({case: (arrays, texts)}, provenance)`` from :func:`save`'s files."""
    folder = Path(folder)
    doc = json.loads((folder / JSON).read_text())
    out = {}
    with np.load(folder / NPZ, allow_pickle=False) as z:
        for case, entry in doc["cases"].items():
            out[case] = ({k: z[f"{case}|{k}"] for k in entry["arrays"]}, entry["texts"])
    return out, doc["provenance"]


def deviation(old: np.ndarray, new: np.ndarray) -> tuple[float, float]:
    """``(max|new - old|, allowed)`` for two numeric arrays of the same shape; NaN and inf
    entries must stay the same (else the deviation is inf)."""
    kind = complex if old.dtype.kind == "c" or new.dtype.kind == "c" else float
    o = np.asarray(old, kind).reshape(-1)
    n = np.asarray(new, kind).reshape(-1)
    fin_o, fin_n = np.isfinite(o), np.isfinite(n)
    if np.any(fin_o != fin_n):
        return float("inf"), 0.0
    nonfin = ~fin_o
    same = (np.isnan(o[nonfin]) & np.isnan(n[nonfin])) | (o[nonfin] == n[nonfin])
    if not np.all(same):
        return float("inf"), 0.0
    if not fin_o.any():
        return 0.0, 0.0
    dev = float(np.max(np.abs(n[fin_o] - o[fin_o])))
    return dev, RTOL * max(1.0, float(np.max(np.abs(o[fin_o]))))


def _condition(case: str, key: str, golden: dict) -> float:
    """``|H| / gap`` from the golden outputs for the ill-conditioned outputs, else 1."""
    spec = ILL_CONDITIONED.get(case)
    if spec is None or not key.startswith(spec[0]):
        return 1.0
    scale = float(np.max(np.abs(golden[spec[1]])))
    return max(1.0, scale / float(golden[spec[2]]))


def compare(case: str, old: tuple[dict, dict], new: tuple[dict, dict]) -> list[str]:
    """Problems (empty list: the case agrees), one line each, naming case and output."""
    (oa, ot), (na, nt) = old, new
    problems = []
    for key, o in oa.items():
        if key not in na:
            where = "as text" if key in nt else "any more"
            problems.append(f"{case}: output {key!r} is not computed {where}")
            continue
        n = np.asarray(na[key])
        if n.shape != o.shape:
            problems.append(f"{case}: output {key!r} has shape {n.shape}, golden {o.shape}")
            continue
        if o.dtype.kind in "biu" and n.dtype.kind in "biu":
            if not np.array_equal(o, n):
                diff = o.reshape(-1) != n.reshape(-1)
                i = int(np.argmax(diff))
                problems.append(f"{case}: output {key!r}: {int(diff.sum())} of {o.size} "
                                f"integer/bool entries differ (first: golden "
                                f"{o.reshape(-1)[i]!r}, now {n.reshape(-1)[i]!r})")
            continue
        if n.dtype.kind not in "biufc":
            problems.append(f"{case}: output {key!r} is {n.dtype}, golden {o.dtype}")
            continue
        dev, allowed = deviation(o, n)
        cond = _condition(case, key, oa)
        allowed *= cond
        if not dev <= allowed:
            problems.append(f"{case}: output {key!r}: max|new - old| = {dev:.3e} > "
                            f"{allowed:.3e} (= {RTOL:g} * max(1, max|old|)"
                            + (f" * {cond:.3g} (|H|/gap)" if cond != 1.0 else "") + ")")
    for key, o in ot.items():
        if key not in nt:
            where = "as numbers" if key in na else "any more"
            problems.append(f"{case}: text output {key!r} is not computed {where}")
        elif nt[key] != o:
            problems.append(f"{case}: text output {key!r} = {nt[key]!r}, golden {o!r}")
    return problems
