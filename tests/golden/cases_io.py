"""Golden cases of model files, Wannier90 files, figures and every CLI command; registered
in :data:`tests.golden.cases.CASES`.

CLI commands run in-process (``lrtheory.cli.main.main(argv)``) in a fresh temporary folder;
their ``--out`` files (or ``--json`` output) are parsed. Provenance (time, versions, command
line, paths, file hashes, timings) is left out: only data and the result summary count.
"""
from __future__ import annotations

import contextlib
import io
import json
import tarfile
import tempfile
from pathlib import Path

import numpy as np

from tests.golden.api import A
from tests.golden.common import HALDANE, bloch, kpts, min_gap, thin

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
GAAS = ROOT.parent / "shared" / "data" / "GaAs_Wannier90" / "GaAs_tb.dat.tar.gz"
#: metadata keys that are provenance, not results (dropped from CLI outputs)
PROVENANCE = {"lrtheory_version", "created", "python", "numpy", "command_line", "argv",
              "seconds", "total_seconds", "time", "sha", "sha256", "git", "version", "path",
              "paths", "png", "npz", "out", "file", "files", "model_file", "model_sha256",
              "hostname", "platform", "elapsed", "workers"}
#: the cheap derivations of ``lrtheory verify`` (the full run takes ~13 s)
VERIFY_CHEAP = ("eq24", "eq28", "eq29", "eq32", "w1", "two_band")


def _strip(obj):
    """``obj`` without provenance keys (recursively); absolute paths -> file names."""
    if isinstance(obj, dict):
        return {k: _strip(v) for k, v in obj.items() if k not in PROVENANCE}
    if isinstance(obj, list):
        return [_strip(v) for v in obj]
    if isinstance(obj, str) and obj.startswith("/"):  # a path: only its file name counts
        return Path(obj).name
    return obj


def _jsonable_tree(obj):
    """Lists of numbers -> arrays; dicts keep their keys; mixed lists -> indexed dicts."""
    if isinstance(obj, dict):
        return {k: _jsonable_tree(v) for k, v in obj.items()}
    if isinstance(obj, list):
        if all(isinstance(v, str) or v is None for v in obj) and obj:
            return obj
        try:
            arr = np.asarray(obj)
            if arr.dtype.kind in "biufc":
                return arr
        except ValueError:
            pass
        return {str(i): _jsonable_tree(v) for i, v in enumerate(obj)}
    if isinstance(obj, bool):
        return int(obj)
    return obj


def _read_out(path: Path) -> dict:
    """Data and result summary of a CLI output file (.npz or .json)."""
    if path.suffix == ".npz":
        with np.load(path, allow_pickle=False) as z:
            data = {k: z[k] for k in z.files if k != "meta"}
            meta = json.loads(str(z["meta"])) if "meta" in z.files else {}
        data = {k: (v.tolist() if v.dtype.kind in "US" else v) for k, v in data.items()}
    else:
        doc = json.loads(path.read_text())
        data, meta = doc.get("data", {}), doc.get("meta", {})
    keep = {k: meta[k] for k in ("summary", "parameters", "settings") if k in meta}
    return {"data": _jsonable_tree(_strip(data)), "meta": _jsonable_tree(_strip(keep))}


def cli(*argv, out: str | None = None, stdout_json: bool = False, read: tuple = ()) -> dict:
    """Run ``lrtheory ARGV`` in a temporary folder (``{tmp}`` in ARGV is that folder);
    return the exit status and the parsed outputs: the ``--out`` file ``out``, stdout as
    JSON (``stdout_json``) and the files ``read`` the command wrote into the folder."""
    with tempfile.TemporaryDirectory(prefix="lrt-golden-") as tmp:
        args = [a.replace("{tmp}", tmp) for a in argv]
        if out:
            args += ["--out", str(Path(tmp) / out)]
        buf, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(err):
            status = A("cli_main")(args)
        res = {"status": status}
        if status != 0:
            last = (err.getvalue().strip().splitlines() or ["(no message)"])[-1]
            raise RuntimeError(f"lrtheory {' '.join(argv)} exited with status {status}: {last}")
        if out:
            res.update(_read_out(Path(tmp) / out))
        for name in read:
            res[name] = _read_out(Path(tmp) / name)
        if stdout_json:
            res["stdout"] = _jsonable_tree(_strip(json.loads(buf.getvalue())))
        return res


# -- model files and Wannier90 -----------------------------------------------------------------
def case_model_files():
    out = {}
    k = kpts(4, 2)
    for name in ("haldane.toml", "haldane.json", "haldane_sympy.toml", "qwz.toml"):
        m = A("load_model_file")(EXAMPLES / name)
        out[name] = {**bloch(m, k), "positions": m.positions, "name": m.name,
                     "params": {p: float(v) for p, v in m.params.items()},
                     "tr_declared": int(getattr(m, "time_reversal", None) is not None)}
    m = A("load_model_file")(EXAMPLES / "haldane.toml", {"t2": 0.0, "delta": "1/3"})
    out["haldane.toml_t2_0"] = {**bloch(m, k), "tr": np.asarray(m.time_reversal)}
    m = A("load_model_file")(EXAMPLES / "qwz.toml", {"m": 1.5})
    out["qwz.toml_m1.5"] = bloch(m, k)
    out["expression"] = A("evaluate_expression")("t2*exp(I*phi) + sqrt(3)/2",
                                                 {"t2": 0.1, "phi": 0.7})
    for name in ("haldane", "gapped-graphene"):
        out[f"builtin_{name}"] = bloch(A("cli_load_model")(name, {"delta": 0.3}), k)
    return out


DEG = {(1, 0, 0): 2, (-1, 0, 0): 2, (0, 1, 0): 4, (0, -1, 0): 4, (1, -1, 0): 4, (-1, 1, 0): 4}
LAT3_2D = np.array([[1.0, 0, 0], [0.5, np.sqrt(3) / 2, 0], [0, 0, 10.0]])


def case_wannier90_round_trip():
    src = A("haldane")(**HALDANE)
    weyl = A("layered_haldane")(tz=0.15, c=1.5, weyl=True, t2=0.1, delta=0.2)
    out = {}
    with tempfile.TemporaryDirectory(prefix="lrt-golden-") as tmp:
        t = Path(tmp)
        A("write_hr_dat")(src, t / "h_hr.dat", degeneracy=DEG)
        m = A("load_wannier90")(t / "h", lattice_vectors=LAT3_2D, positions=np.c_[
            src.positions, np.zeros(2)])
        out["hr_2d"] = {**bloch(m, kpts(4, 2)), "dim": m.dim, "positions": m.positions}
        d = A("read_hr_dat")(t / "h_hr.dat")
        out["hr_data"] = {"R": d.R, "ndegen": d.ndegen, "H": d.hopping_matrices(),
                          "num_wann": d.num_wann}
        A("write_tb_dat")(weyl, t / "w_tb.dat", degeneracy=DEG)
        m = A("load_wannier90")(t / "w_tb.dat")
        out["tb_3d"] = {**bloch(m, kpts(4, 3)), "dim": m.dim, "positions": m.positions,
                        "lattice_vectors": m.lattice_vectors}
        A("write_centres_xyz")(weyl, t / "w_centres.xyz")
        out["centres"] = A("read_centres_xyz")(t / "w_centres.xyz", weyl.n_orbitals)
        out["file_text"] = (t / "h_hr.dat").read_text().splitlines()[1:]
    return out


def case_gaas():
    """GaAs from Wannier90 (../shared/data); skipped (pytest) where absent."""
    if not GAAS.exists():
        import pytest

        pytest.skip(f"{GAAS} not present (a checkout without ../shared)")
    with tempfile.TemporaryDirectory(prefix="lrt-golden-") as tmp:
        with tarfile.open(GAAS) as tf:
            tf.extract("GaAs_tb.dat", tmp, filter="data")
        m = A("load_wannier90")(Path(tmp) / "GaAs_tb.dat")
        k = kpts(3, 3, scale=1.0)
        es = A("Eigensystem").compute(m, k)
        # no BZ-grid sum here: the grid holds Gamma, where the Kramers pairs of this file are
        # split only by its printed precision, and the curvature sums are ill-conditioned
        curv = {b: A("generalized_berry_curvature")(es, None, b=b, c=c, model=m)
                for b, c in ((0, 1), (1, 2), (2, 0))}
        bands = cli("bands", "--model", str(Path(tmp) / "GaAs_tb.dat"), "--nk", "12",
                    "--path", "[0,0,0]-[0.5,0,0]-[0.5,0.5,0]", out="b.npz")
        return {**bloch(m, k), "dim": m.dim, "positions": m.positions,
                "lattice_vectors": m.lattice_vectors, "n_hoppings": len(m.hoppings),
                "velocity_diag": np.real(np.einsum("kcnn->kcn", es.velocity)),
                "min_gap": min_gap(es),
                "curvature": {str(b): v for b, v in curv.items()}, "cli_bands": bands}


# -- figures and the command line ---------------------------------------------------------
#: figure arrays (k, band) of single-band values, gauge dependent where bands are degenerate
_BAND_VALUES = ("m_self", "m_covariant", "m_paper_diag")


def figure_clean(data: dict) -> dict:
    """Figure data without gauge-dependent numbers, thinned: the printed-route profiles
    (``paper_*``: Eq. 57 as printed depends on the gauge at the ribbon's degenerate k points,
    and its random gauge on the chunking) are dropped; single-band values are NaN where the
    band is degenerate with a neighbour (|e_n - e_n+-1| < 1e-6 t0)."""
    out = {}
    for key, val in data.items():
        if "paper_" in key and not key.endswith("m_paper_diag"):
            continue
        val = np.asarray(val)
        pre = next((key[: -len(s)] for s in _BAND_VALUES if key.endswith(s)), None)
        if pre is not None and f"{pre}energies" in data:
            e = np.asarray(data[f"{pre}energies"])
            gap = np.diff(e, axis=-1) < 1e-6
            deg = np.zeros(e.shape, bool)
            deg[..., :-1] |= gap
            deg[..., 1:] |= gap
            val = np.where(deg, np.nan, val)
        out[key] = thin(val, 600)
    return out


def case_figure_data():
    out = {}
    for n in (1, 3):
        data, params = A("figure_data")(n, nk=16)
        out[f"fig{n}"] = {"data": figure_clean(data),
                          "params": _jsonable_tree(_strip(params))}
    return out


def case_cli_bands():
    return {"bulk": cli("bands", "--nk", "40", "--param", "t2=0.1", "--param", "phi=0.7",
                        out="b.npz"),
            "ribbon": cli("bands", "--width", "4", "--nk", "30", out="b.json"),
            "path": cli("bands", "--path", "[0,0]-[0.5,0]-[1/3,1/3]-[0,0]", "--nk", "25",
                        "--model", "gapped-graphene", out="b.npz"),
            "file": cli("bands", "--model", str(EXAMPLES / "qwz.toml"), "--nk", "20",
                        "--filling", "1", out="b.npz"),
            "json": cli("bands", "--nk", "12", "--json", stdout_json=True)}


def case_cli_hall():
    return {"charge": cli("hall", "--nk", "16", "--n-ef", "11", "--param", "t2=0.1",
                          out="h.npz"),
            "orbital": cli("hall", "--nk", "12", "--n-ef", "7", "--model", "gapped-graphene",
                           "--operator", "orbital", "--ef-min", "-2", "--ef-max", "2",
                           out="h.json"),
            "T_sos": cli("hall", "--nk", "12", "--n-ef", "5", "--temperature", "0.05",
                         "--method", "sum-over-states", out="h.npz")}


def case_cli_accumulate():
    return {"omm": cli("accumulate", "--width", "4", "--ef", "0.3", "--nk", "64",
                       "--param", "t2=0.1", out="a.npz"),
            "charge_T": cli("accumulate", "--width", "4", "--ef", "0.1", "--nk", "64",
                            "--operator", "charge", "--temperature", "0.05", out="a.json"),
            "exact": cli("accumulate", "--width", "4", "--ef", "0.3", "--nk", "64",
                         "--fermi-surface", "exact", "--operator", "current", out="a.npz"),
            "file": cli("accumulate", "--model", str(EXAMPLES / "haldane_sympy.toml"),
                        "--width", "3", "--ef", "1.5", "--nk", "32", "--operator", "jy",
                        out="a.npz")}


def case_cli_symmetry():
    return {"haldane": cli("symmetry", out="s.json"),
            "gapped": cli("symmetry", "--model", "gapped-graphene", "--width", "4",
                          out="s.npz"),
            "json": cli("symmetry", "--param", "t2=0", "--json", stdout_json=True)}


def case_cli_flake():
    return {"default": cli("flake", "--nx", "3", "--ny", "3", out="f.npz"),
            "tr": cli("flake", "--nx", "3", "--ny", "2", "--t2", "0", "--eta", "0.05",
                      "--temperature", "0.01", "--ef", "0.2", out="f.json")}


def case_cli_verify():
    args = ["verify", "--quiet"]
    for label in VERIFY_CHEAP:
        args += ["--only", label]
    res = cli(*args, "--json", stdout_json=True)
    res["list"] = cli("verify", "--list")["status"]
    return res


def case_cli_figure():
    res = cli("figure", "2", "--nk", "16", "--quiet", "--out", "{tmp}", "--json",
              stdout_json=True, read=("fig2.npz",))
    res["fig2.npz"]["data"] = figure_clean(res["fig2.npz"]["data"])
    return res


IO_CASES = {
    "io/model_files": case_model_files,
    "io/wannier90_round_trip": case_wannier90_round_trip,
    "io/gaas_wannier90": case_gaas,
    "plots/figure_data": case_figure_data,
    "cli/bands": case_cli_bands,
    "cli/hall": case_cli_hall,
    "cli/accumulate": case_cli_accumulate,
    "cli/symmetry": case_cli_symmetry,
    "cli/flake": case_cli_flake,
    "cli/verify": case_cli_verify,
    "cli/figure": case_cli_figure,
}
