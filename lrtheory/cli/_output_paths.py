"""Output paths of a parsed command line, validated before any computation (issue #13,
section 2): ``--out`` (a result file, or a folder for ``figure``) and ``--plot`` (a file
matplotlib writes). Private: its names are public through :mod:`lrtheory.cli.common`.
"""
from __future__ import annotations

from lrtheory.errors import ConventionError

__all__ = ["RESULT_SUFFIXES", "check_output_paths", "plot_suffixes"]

#: result formats written by :func:`lrtheory.io.results.save_result`
RESULT_SUFFIXES = (".npz", ".json")


def plot_suffixes() -> tuple[str, ...]:
    """File suffixes matplotlib can write (``.png``, ``.pdf``, ``.svg``, ...).

    Returns
    -------
    tuple of str
        Lower-case suffixes with the dot, sorted.
    """
    try:
        from matplotlib.backend_bases import FigureCanvasBase

        return tuple(sorted("." + s for s in FigureCanvasBase.get_supported_filetypes()))
    except Exception:  # noqa: BLE001 - matplotlib missing: the usual raster/vector formats
        return (".eps", ".jpeg", ".jpg", ".pdf", ".png", ".ps", ".svg", ".svgz", ".tif",
                ".tiff", ".webp")


def _check_folder(folder, flag: str, text: str) -> None:
    import os
    from pathlib import Path

    folder = Path(folder)
    if not folder.exists():
        raise ConventionError(f"{flag} {text}: folder {folder} does not exist")
    if not folder.is_dir():
        raise ConventionError(f"{flag} {text}: {folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ConventionError(f"{flag} {text}: folder {folder} is not writable")


def _check_file(text, flag: str, suffixes) -> "Path":
    from pathlib import Path

    path = Path(text)  # an empty name is refused by check_output_paths
    if path.is_dir():
        raise ConventionError(f"{flag} {text}: is a directory (give a file name)")
    suffix = path.suffix.lower()
    if suffix not in suffixes:
        raise ConventionError(f"{flag} {text}: unknown file type {path.suffix or '(none)'!r}; "
                              f"use one of {', '.join(suffixes)}")
    _check_folder(path.parent if str(path.parent) else ".", flag, text)
    return path


def check_output_paths(args) -> None:
    """Validate every output path of a parsed command line before anything is computed.

    ``--out FILE``: ``.npz``/``.json``; ``--plot FILE``: a suffix matplotlib writes; with
    ``args.out_is_dir`` (``figure``) ``--out`` is a folder, created if missing. Each file's
    folder must exist and be writable, a file target must not be a directory, and two outputs
    must not be the same file; else :class:`~lrtheory.errors.ConventionError` (one line).

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line (``out``, ``plot``, ``out_is_dir``).
    """
    from pathlib import Path

    out, plot = getattr(args, "out", None), getattr(args, "plot", None)
    paths = {}
    for flag, value in (("--out", out), ("--plot", plot)):
        if value is not None and not str(value).strip():
            folder = flag == "--out" and getattr(args, "out_is_dir", False)
            what = "folder" if folder else "file name"
            raise ConventionError(f"{flag} is empty: give a {what}")
    if out is not None:
        if getattr(args, "out_is_dir", False):
            d = Path(out)
            if d.exists() and not d.is_dir():
                raise ConventionError(f"--out {out}: is a file, not a folder")
            anc = d
            while not anc.exists():  # the nearest existing ancestor must be a writable folder
                anc = anc.parent
            _check_folder(anc, "--out", out)
        else:
            paths["--out"] = _check_file(out, "--out", RESULT_SUFFIXES)
    if plot is not None:
        paths["--plot"] = _check_file(plot, "--plot", getattr(args, "plot_suffixes", None)
                                      or plot_suffixes())
    if len(paths) == 2 and paths["--out"].resolve() == paths["--plot"].resolve():
        raise ConventionError(f"--out and --plot name the same file {out!r}: give two names")
