"""Writing results to disk: atomically, with parameters and the lrtheory version.

``save_result(path, arrays, params)`` writes ``.npz`` (arrays + a JSON ``meta`` entry) or
``.json`` (arrays as nested lists). The file is written to a temporary name in the same
folder and renamed, so a reader never sees half a file.
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

__all__ = ["metadata", "save_result", "load_result", "atomic_write_bytes"]


def metadata(params: Mapping[str, Any] | None = None, **extra: Any) -> dict:
    """Provenance block stored with every result."""
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
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename."""
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
    """Save named arrays plus provenance to ``.npz`` or ``.json`` (chosen by suffix)."""
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
    """Inverse of :func:`save_result`: returns ``(arrays, meta)``."""
    path = Path(path)
    if path.suffix == ".npz":
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            return {k: z[k] for k in z.files if k != "meta"}, meta
    doc = json.loads(path.read_text())
    return {k: np.asarray(v) for k, v in doc["data"].items()}, doc["meta"]
