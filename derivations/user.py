"""A user's own derivations: ``lrtheory verify --path DIR`` (issue #17, docs/own-derivation.md).

A *derivation file* is a Python file that defines ``derive()`` returning a
:class:`~lrtheory.derivations.registry.DerivationResult` (build it with
:class:`~lrtheory.derivations.registry.Recorder`: identities that must reduce to zero,
wrong variants that must be proved non-zero), and optionally

* ``LABEL`` (default: the file's stem), the name used by ``--only``;
* ``EQUATION`` (default ``"user"``), what it covers;
* ``SUMMARY`` (default: the first line of the module docstring).

``--path`` names a folder (every ``*.py`` in it whose name does not start with ``_``, in
name order; sub-folders are not searched) or one file. While a file is loaded its folder is
importable, so helpers shared by several derivations can live in ``_name.py`` beside them
(import them at the top of the file). **Loading a file runs it**: that is
what the user asked for by naming it, and nothing else is ever run (no string is
evaluated, no folder is searched that was not named). Every problem with a file (missing,
not Python, a syntax error, an exception while importing, no ``derive``, a label used
twice) is one :class:`~lrtheory.errors.LrtheoryError` line that names the file; an
exception *inside* ``derive()`` makes that derivation FAILED with the file in its error.
"""
from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path

from lrtheory.derivations.registry import Derivation
from lrtheory.errors import LrtheoryError

__all__ = ["discover", "load_file", "derivation_files"]

#: resolved path -> loaded module (each file runs once per process)
_LOADED: dict[str, object] = {}


def derivation_files(path) -> list[Path]:
    """The derivation files of ``path`` (a folder or one ``.py`` file).

    Parameters
    ----------
    path : str or os.PathLike
        A folder (its ``*.py`` files not starting with ``_``, sorted by name) or a ``.py``
        file.

    Returns
    -------
    list of pathlib.Path
        The files, at least one.

    Raises
    ------
    LrtheoryError
        Missing path, a file that is not ``.py``, or a folder without derivation files.
    """
    p = Path(path)
    if not p.exists():
        raise LrtheoryError(f"verify --path: {p}: no such folder or file")
    if p.is_file():
        if p.suffix != ".py":
            raise LrtheoryError(f"verify --path: {p}: a derivation file must end in .py")
        return [p]
    files = sorted(f for f in p.glob("*.py") if not f.name.startswith("_") and f.is_file())
    if not files:
        raise LrtheoryError(f"verify --path: {p}: no derivation files (*.py not starting "
                            "with '_') in this folder")
    return files


def load_file(path):
    """Import the derivation file ``path`` as a module (once per process) and return it.

    Parameters
    ----------
    path : str or os.PathLike
        A ``.py`` file the user named.

    Returns
    -------
    module
        The loaded module; it has a callable ``derive``.

    Raises
    ------
    LrtheoryError
        One line naming the file: syntax error (with its line), an exception while
        importing, or no callable ``derive``.
    """
    p = Path(path).resolve()
    key = str(p)
    if key in _LOADED:
        return _LOADED[key]
    # a private module name per file: two users' files with one stem cannot collide
    name = f"lrtheory_user_derivation_{p.stem}_{hashlib.sha1(key.encode()).hexdigest()[:8]}"
    spec = importlib.util.spec_from_file_location(name, p)
    if spec is None or spec.loader is None:  # pragma: no cover - a .py path always has one
        raise LrtheoryError(f"{path}: cannot be loaded as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and pickling look the module up by name
    # while it runs, the file's folder is importable (helpers in `_name.py` beside it)
    sys.path.insert(0, str(p.parent))
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        sys.modules.pop(name, None)
        raise LrtheoryError(f"{path}:{exc.lineno}: syntax error: {exc.msg}") from None
    except Exception as exc:  # noqa: BLE001 - the user's code: reported as one line
        sys.modules.pop(name, None)
        raise LrtheoryError(f"{path}: error while loading: {type(exc).__name__}: {exc}") from None
    finally:
        sys.path.remove(str(p.parent))
    if not callable(getattr(module, "derive", None)):
        sys.modules.pop(name, None)
        raise LrtheoryError(f"{path}: defines no function derive() (a derivation file must "
                            "define derive() returning Recorder(...).done())")
    _LOADED[key] = module
    return module


def _first_line(text) -> str:
    lines = [ln.strip() for ln in (text or "").strip().splitlines()]
    return lines[0] if lines else ""


def discover(paths, taken=()) -> list[Derivation]:
    """Registry records of the derivation files under ``paths`` (each file is loaded).

    Parameters
    ----------
    paths : sequence of str or os.PathLike
        Folders or files (``lrtheory verify --path``, repeatable).
    taken : iterable of str
        Labels already in use (the built-in ones): a user file may not reuse them.

    Returns
    -------
    list of Derivation
        One per file, with ``path`` set, in the order of ``paths`` then file name.

    Raises
    ------
    LrtheoryError
        Any problem of a path or file (see :func:`derivation_files`, :func:`load_file`), or
        a label used twice.
    """
    seen = {lbl: "a built-in derivation" for lbl in taken}
    out = []
    for path in paths:
        for f in derivation_files(path):
            if any(d.path == str(f.resolve()) for d in out):
                continue  # a file named twice (folder and file) runs once
            mod = load_file(f)
            label = getattr(mod, "LABEL", f.stem)
            if not isinstance(label, str) or not label.strip():
                raise LrtheoryError(f"{f}: LABEL must be a non-empty string, got {label!r}")
            if label in seen:
                raise LrtheoryError(f"{f}: label {label!r} is already used by {seen[label]}; "
                                    "set another LABEL in the file")
            seen[label] = str(f)
            out.append(Derivation(label, str(getattr(mod, "EQUATION", "user")),
                                  str(getattr(mod, "SUMMARY", "") or _first_line(mod.__doc__)),
                                  f.stem, path=str(f.resolve())))
    return out
