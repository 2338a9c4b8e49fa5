"""Writing results to disk: atomically, with parameters and the lrtheory version.

``save_result(path, arrays, params)`` writes ``.npz`` (arrays + a JSON ``meta`` entry) or
``.json`` (arrays as nested lists). The file is written to a temporary name in the same
folder and renamed, so a reader never sees half a file. :class:`lrtheory.result.Result`
objects are written by the same function (:func:`save_result_record`: arrays under
``values.<name>``, ``coords.<name>``, ``error.<name>``, ``subgrid.<name>``; the other fields
in ``meta["result"]``) and read back by :func:`load_result_record`.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import tempfile
import threading
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from lrtheory import __version__
from lrtheory.errors import LrtheoryError

__all__ = ["metadata", "save_result", "load_result", "atomic_write_bytes", "save_result_record",
           "load_result_record"]


def metadata(params: Mapping[str, Any] | None = None, **extra: Any) -> dict:
    """Provenance block stored with every result.

    Parameters
    ----------
    params : mapping, optional
        Run parameters (stored under ``parameters``).
    **extra : Any
        Further JSON-serialisable entries.

    Returns
    -------
    dict
        ``lrtheory_version``, ``created`` (UTC), ``python``, ``numpy``, ``parameters`` and
        the ``extra`` entries (JSON-serialisable).
    """
    meta = {
        "lrtheory_version": __version__,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "parameters": _jsonable(dict(params or {})),
    }
    meta.update(_jsonable(extra))
    return meta


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, Mapping):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _jsonable(obj.tolist())
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.floating,)):
        return float(obj)
    if isinstance(obj, (complex, np.complexfloating)):
        return {"real": float(obj.real), "imag": float(obj.imag)}
    if isinstance(obj, Path):
        return str(obj)
    return obj


#: serializes the set-and-restore fallback of :func:`_current_umask` between threads
_UMASK_LOCK = threading.Lock()


def _current_umask() -> int:
    """The process umask, read without changing it where the OS allows (Linux >= 4.7:
    /proc/self/status); else set and restored at once under a lock."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _UMASK_LOCK:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename.

    Parameters
    ----------
    path : str or os.PathLike
        Target file.
    data : bytes
        Content.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.exists():
        raise LrtheoryError(f"cannot write {path}: folder {folder} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:  # unwritable folder, not a folder, disk full, ...
        raise LrtheoryError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        # mkstemp creates the file 0600 whatever the umask; a result file gets the mode any
        # new file of this user gets (0644 under the usual umask 022)
        os.fchmod(fd, 0o666 & ~_current_umask())
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        if isinstance(exc, OSError):  # e.g. the target is a directory: one typed line
            raise LrtheoryError(f"cannot write {path}: {exc.strerror or exc}") from None
        raise
    return path


def save_result(
    path: str | os.PathLike,
    arrays: Mapping[str, Any],
    params: Mapping[str, Any] | None = None,
    **extra: Any,
) -> Path:
    """Save named arrays plus provenance to ``.npz`` or ``.json`` (chosen by suffix).

    Parameters
    ----------
    path : str or os.PathLike
        ``.npz`` or ``.json`` target (written atomically).
    arrays : mapping of str to array_like
        Named arrays (units are the caller's: say them in ``params``).
    params : mapping, optional
        Parameters stored in the metadata.
    **extra : Any
        Further metadata entries.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    import io

    path = Path(path)
    meta = metadata(params, **extra)
    if path.suffix == ".npz":
        buf = io.BytesIO()
        np.savez(buf, meta=np.array(json.dumps(meta)), **{k: np.asarray(v) for k, v in arrays.items()})
        return atomic_write_bytes(path, buf.getvalue())
    if path.suffix == ".json":
        doc = {"meta": meta, "data": _jsonable({k: np.asarray(v) for k, v in arrays.items()})}
        return atomic_write_bytes(path, json.dumps(doc, indent=1).encode())
    raise LrtheoryError(f"unknown result format {path.suffix!r} for {path}: use .npz or .json")


def load_result(path: str | os.PathLike) -> tuple[dict, dict]:
    """Inverse of :func:`save_result`: returns ``(arrays, meta)``.

    Parameters
    ----------
    path : str or os.PathLike
        A file written by :func:`save_result`.

    Returns
    -------
    tuple of dict
        ``(arrays, meta)``: named ndarrays and the metadata.
    """
    path = Path(path)
    if path.suffix == ".npz":
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            return {k: z[k] for k in z.files if k != "meta"}, meta
    doc = json.loads(path.read_text())
    return {k: np.asarray(v) for k, v in doc["data"].items()}, doc["meta"]


#: the array-valued fields of a Result, in file key order (``<field>.<name>``)
_RECORD_ARRAYS = ("values", "coords", "error", "subgrid")
#: the other fields of a Result, stored in ``meta["result"]``
_RECORD_META = ("quantity", "units", "settings", "model", "status", "provenance")
#: suffix of the imaginary part of a complex array in a .json file (JSON has no complex)
_IMAG = "@imag"


def save_result_record(path: str | os.PathLike, result) -> Path:
    """Write a :class:`lrtheory.result.Result` with :func:`save_result` (atomic).

    ``.npz`` keeps every array exactly (complex included); ``.json`` writes complex arrays as
    their real part plus a ``<key>@imag`` array. Inverse: :func:`load_result_record`.

    Parameters
    ----------
    path : str or os.PathLike
        ``.npz`` or ``.json`` target.
    result : lrtheory.result.Result
        The result.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    path = Path(path)
    arrays = {}
    for group in _RECORD_ARRAYS:
        for name, arr in getattr(result, group).items():
            key, arr = f"{group}.{name}", np.asarray(arr)
            if path.suffix == ".json" and np.iscomplexobj(arr):
                arrays[key], arrays[key + _IMAG] = arr.real, arr.imag
            else:
                arrays[key] = arr
    record = _as_text_if_needed({name: getattr(result, name) for name in _RECORD_META})
    return save_result(path, arrays, _as_text_if_needed(result.model.get("params", {})),
                       result=record)


def _as_text_if_needed(obj: Any) -> Any:
    """JSON-ready copy of ``obj``: what JSON cannot hold (a callable operator, an object)
    becomes its ``repr`` text, so saving a result never fails on a setting."""
    obj = _jsonable(obj)
    if isinstance(obj, dict):
        return {k: _as_text_if_needed(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_as_text_if_needed(v) for v in obj]
    if obj is None or isinstance(obj, (str, bool, int, float)):
        return obj
    return repr(obj)


def load_result_record(path: str | os.PathLike) -> dict:
    """The Result fields (a dict for ``Result(**fields)``) of a file written by
    :func:`save_result_record`; one typed line if the file is not such a record.

    Parameters
    ----------
    path : str or os.PathLike
        A file written by :func:`save_result_record`.

    Returns
    -------
    dict
        The Result fields.
    """
    path = Path(path)
    try:
        arrays, meta = load_result(path)
    except (OSError, ValueError, KeyError) as exc:
        raise LrtheoryError(f"cannot read result {path}: {exc}") from None
    record = meta.get("result") if isinstance(meta, dict) else None
    if not isinstance(record, dict) or not isinstance(record.get("quantity"), str):
        raise LrtheoryError(f"{path} is not a saved lrtheory Result (no meta['result'] record)")
    out = {name: record.get(name, {}) for name in _RECORD_META}
    out["status"] = record.get("status", "not checked")
    for group in _RECORD_ARRAYS:
        out[group] = {}
    for key, arr in arrays.items():
        if key.endswith(_IMAG):
            continue
        group, _, name = key.partition(".")
        if group in _RECORD_ARRAYS and name:
            imag = arrays.get(key + _IMAG)
            out[group][name] = arr if imag is None else arr + 1j * imag
    return out
