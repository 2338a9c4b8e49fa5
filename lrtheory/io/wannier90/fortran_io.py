"""Low-level input/output of Fortran files for the Wannier90 run readers
(:mod:`lrtheory.io.wannier90.run_files`): sequential unformatted records (4-byte markers,
either byte order, gfortran's sub-records over 2 GiB) read and written with their record
numbers, and formatted text as a stream of tokens with their line numbers, so that every
error names the record or the line."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from lrtheory.errors import InputFileError

__all__ = ["Records", "Tokens", "read_bytes", "is_unformatted", "text_lines",
           "write_records"]


# -- unformatted Fortran records ---------------------------------------------------------------


class Records:
    """Sequential Fortran records of a file (4-byte markers, either byte order, gfortran
    sub-records), each read with its 1-based record number for error messages."""

    def __init__(self, path, data: bytes):
        self.path, self.data, self.pos, self.number = str(path), data, 0, 0
        self.order = "<"
        if len(data) >= 4:
            n = int(np.frombuffer(data[:4], "<i4")[0])
            if not 0 < abs(n) <= len(data):
                self.order = ">"

    def err(self, what: str, msg: str) -> InputFileError:
        return InputFileError(f"{self.path}, record {self.number} ({what}): {msg}")

    def _marker(self, what: str) -> int:
        if self.pos + 4 > len(self.data):
            raise self.err(what, "file ends early (truncated file?)")
        n = int(np.frombuffer(self.data[self.pos:self.pos + 4], self.order + "i4")[0])
        self.pos += 4
        return n

    def raw(self, what: str) -> bytes:
        """The next record's payload (sub-records joined)."""
        self.number += 1
        parts = []
        while True:
            n = self._marker(what)
            size = abs(n)
            if self.pos + size + 4 > len(self.data):
                raise self.err(what, f"file ends early: the record marker says {size} bytes, "
                                     f"{max(len(self.data) - self.pos, 0)} remain (truncated?)")
            parts.append(self.data[self.pos:self.pos + size])
            self.pos += size
            end = self._marker(what)
            if abs(end) != size:
                raise self.err(what, f"record markers {n} and {end} differ: not a Fortran "
                                     "unformatted file, or a corrupted one")
            if n >= 0:  # gfortran: a negative leading marker means "continued"
                return b"".join(parts)

    def array(self, what: str, dtype: str, count: int | None = None) -> np.ndarray:
        """The next record as ``count`` values of ``dtype`` (any count when None)."""
        payload = self.raw(what)
        dt = np.dtype(self.order + dtype)
        if count is not None and len(payload) != count * dt.itemsize:
            raise self.err(what, f"expected {count} values ({count * dt.itemsize} bytes), the "
                                 f"record has {len(payload)} bytes: inconsistent file")
        if len(payload) % dt.itemsize:
            raise self.err(what, f"{len(payload)} bytes is not a whole number of {dtype} values")
        return np.frombuffer(payload, dt).astype(dt.newbyteorder("="))

    def complex(self, what: str, count: int) -> np.ndarray:
        a = self.array(what, "f8", 2 * count)
        return a[0::2] + 1j * a[1::2]

    def text(self, what: str) -> str:
        return self.raw(what).decode("ascii", "replace").strip()

    def end(self):
        if self.pos != len(self.data):
            raise InputFileError(f"{self.path}: {len(self.data) - self.pos} bytes after the last "
                                 f"expected record (record {self.number}): inconsistent file")


# -- formatted text as a token stream --------------------------------------------------------


class Tokens:
    """Whitespace-separated tokens of a text file after its first ``skip`` lines, with the
    line of every token for error messages."""

    def __init__(self, path, lines: list[str], first_line: int):
        self.path = str(path)
        split = [s.split() for s in lines]
        self.tok = [t for s in split for t in s]
        self.cum = np.cumsum([len(s) for s in split])
        self.first, self.pos = first_line, 0

    def line_of(self, i: int) -> int:
        return self.first + int(np.searchsorted(self.cum, i, side="right"))

    def err(self, i: int, msg: str) -> InputFileError:
        return InputFileError(f"{self.path}, line {self.line_of(i)}: {msg}")

    def take(self, n: int, what: str, kind=float) -> np.ndarray:
        if self.pos + n > len(self.tok):
            last = self.first + len(self.cum) - 1
            raise InputFileError(f"{self.path}, line {last}: file ends early: expected {n} values "
                                 f"of {what}, {len(self.tok) - self.pos} remain (truncated?)")
        chunk = self.tok[self.pos:self.pos + n]
        try:
            out = np.array(chunk, dtype=float)
        except ValueError:  # Fortran's 1.0D+00, or not a number
            chunk = [x.replace("D", "E").replace("d", "e") for x in chunk]
            bad = next((i for i, x in enumerate(chunk) if not _is_float(x)), None)
            if bad is not None:
                raise self.err(self.pos + bad, f"{chunk[bad]!r} is not a number ({what})") from None
            out = np.array(chunk, dtype=float)
        if kind is int and np.any(out != np.round(out)):
            bad = int(np.nonzero(out != np.round(out))[0][0])
            raise self.err(self.pos + bad, f"{chunk[bad]!r} is not an integer ({what})")
        self.pos += n
        return out.astype(int) if kind is int else out

    def word(self, what: str) -> str:
        if self.pos >= len(self.tok):
            raise InputFileError(f"{self.path}: file ends early: expected {what}")
        self.pos += 1
        return self.tok[self.pos - 1]

    def end(self):
        if self.pos != len(self.tok):
            raise self.err(self.pos, f"{len(self.tok) - self.pos} values after the last expected "
                                     "one: inconsistent file")


def _is_float(t: str) -> bool:
    try:
        float(t)
        return True
    except ValueError:
        return False


def read_bytes(path) -> bytes:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not data:
        raise InputFileError(f"{path}: the file is empty")
    return data


def is_unformatted(data: bytes, first_record: int) -> bool:
    """True when the file starts with a Fortran record of ``first_record`` bytes or of one
    that its trailing marker closes (a text file starts with printable characters)."""
    for order in ("<", ">"):
        n = int(np.frombuffer(data[:4], order + "i4")[0]) if len(data) >= 4 else -1
        if 0 < n <= len(data) - 8 and (n == first_record or data[4 + n:8 + n] == data[:4]):
            return True
    return False


def text_lines(path, data: bytes) -> list[str]:
    try:
        return data.decode("ascii").splitlines()
    except UnicodeDecodeError as exc:
        raise InputFileError(f"{path}: neither a Fortran unformatted file nor text (byte "
                             f"{exc.start} is not ASCII)") from None


def write_records(path, records) -> Path:
    """Write sequential Fortran unformatted records (little endian, 4-byte markers).

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    records : iterable of bytes or ndarray
        The payloads, in order (arrays are written as their bytes, C order: give
        Fortran-ordered data already flattened).

    Returns
    -------
    Path
        The file written.
    """
    path = Path(path)
    with open(path, "wb") as fh:
        for r in records:
            b = r if isinstance(r, bytes) else np.ascontiguousarray(r).tobytes()
            m = np.array([len(b)], "<i4").tobytes()
            fh.write(m + b + m)
    return path
