"""Reading model files: the key schema, text decoding, TOML/JSON parsing, line numbers
for error messages and the expression wrappers (see :mod:`lrtheory.io.model_files`)."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Mapping

from lrtheory.errors import ExpressionError, InputFileError

__all__ = ["SCHEMA", "parse_expression", "evaluate_expression", "read_text_file", "decode_text"]

#: allowed keys: top level, orbitals[i], hoppings[i] (with a one-line description each)
SCHEMA: dict[str, dict[str, str]] = {
    "top": {
        "name": "model label (string, optional)",
        "description": "free text (optional)",
        "lattice": "lattice vectors, list of dim vectors of d_space numbers/expressions "
                   "(required; units of a)",
        "coordinates": "'cartesian' (default) or 'reduced': how orbital positions are given",
        "parameters": "table name -> default value (number or expression), optional",
        "orbitals": "list of orbitals (required)",
        "hoppings": "list of hoppings (each bond once; the conjugate is added)",
        "time_reversal": "false (default), true (spinless Theta = K), 'auto' (declare "
                         "Theta = K if H(-k) = H(k)^* numerically), or a unitary matrix U",
        "hamiltonian": "instead of orbitals/hoppings: the Bloch matrix H(k) as a list of rows "
                       "of expressions in kx, ky, kz and the parameters",
        "positions": "with 'hamiltonian': optional orbital positions (Cartesian), only if H(k) "
                     "is written in the atomic-position convention",
        "dim": "with 'hamiltonian' and no 'lattice': number of periodic directions",
    },
    "orbitals": {
        "name": "label used by hoppings (optional; default: the index)",
        "position": "position in the unit cell (d_space numbers/expressions)",
        "onsite": "on-site energy (real number or expression; default 0)",
    },
    "hoppings": {
        "from": "orbital i (name or 0-based index)",
        "to": "orbital j (name or 0-based index), in cell R",
        "R": "cell offset of orbital j in lattice-vector units (dim integers)",
        "t": "amplitude <i, 0|H|j, R> (number or expression, may be complex)",
    },
}

def parse_expression(text: Any, params: Mapping[str, Any] = (), *, where: str = "value",
                     allowed_symbols: Mapping[str, Any] | None = None):
    """Parse a number or an expression string into a SymPy expression, safely.

    A thin wrapper of :func:`lrtheory.io.expressions.parse` (grammar and limits there) that
    raises :class:`~lrtheory.errors.InputFileError` with the location ``where``.

    Parameters
    ----------
    text : str, int or float
        ``"-t0"``, ``"t2*exp(I*phi)"``, ``"sqrt(3)/2"``, ``0.5`` ...
    params : iterable of str
        Parameter names that may appear (as real symbols).
    where : str
        Location used in error messages (``"hoppings[2].t"``).
    allowed_symbols : mapping, optional
        Extra symbols (e.g. ``kx``) that may appear.

    Returns
    -------
    sympy.Expr
        The expression (no string is ever eval'd).
    """
    from lrtheory.io.expressions import parse

    try:
        import sympy as sp

        symbols = {str(p): sp.Symbol(str(p), real=True) for p in params}
        symbols.update(allowed_symbols or {})
        return parse(text, symbols, where=where)
    except ExpressionError as exc:
        raise InputFileError(str(exc)) from None


def evaluate_expression(text: Any, values: Mapping[str, float], *, where: str = "value",
                        real: bool = False) -> complex | float:
    """Parse ``text`` and evaluate it with the parameter ``values`` to a Python number.

    A thin wrapper of :func:`lrtheory.io.expressions.evaluate`. Raises
    :class:`~lrtheory.errors.InputFileError` if the text is not an allowed expression or the
    result is not a finite number (or, with ``real``, has a non-zero imaginary part).

    Parameters
    ----------
    text : str, int or float
        Number or expression.
    values : mapping of str to float
        Parameter values (t0 for energies, radians for phases).
    where : str
        Location used in error messages.
    real : bool
        Require a real result.

    Returns
    -------
    complex or float
        The value.
    """
    from lrtheory.io.expressions import evaluate

    try:
        return evaluate(text, values, where=where, real=real)
    except ExpressionError as exc:
        raise InputFileError(str(exc)) from None


def read_text_file(path, what: str = "file") -> str:
    """The UTF-8 text of ``path``; binary content raises one line naming the first bad byte.

    Raises
    ------
    InputFileError
        ``"PATH: not a text file (byte 0x.. at offset N is not UTF-8)"``, a NUL byte, or the
        operating system's reason when the file cannot be read.

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    what : str
        What the file is, for the message.

    Returns
    -------
    str
        The text.
    """
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputFileError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    return decode_text(data, path)


def decode_text(data: bytes, path) -> str:
    """Decode ``data`` (the bytes of ``path``) as UTF-8 (a BOM is dropped), or raise one line.

    Parameters
    ----------
    data : bytes
        File content.
    path : str or os.PathLike
        Its path, for the message.

    Returns
    -------
    str
        The text (``InputFileError`` on non-UTF-8 bytes or NUL).
    """
    skip = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        text = data[skip:].decode("utf-8")
    except UnicodeDecodeError as exc:
        off = exc.start + skip
        raise InputFileError(f"{path}: not a text file (byte 0x{data[off]:02x} at offset {off} "
                             "is not UTF-8)") from None
    nul = text.find("\x00")
    if nul >= 0:
        off = len(text[:nul].encode("utf-8")) + skip
        raise InputFileError(f"{path}: not a text file (byte 0x00 at offset {off})")
    return text


# -- locating entries in the file text (for line numbers in error messages) --------------------
class Locator:
    def __init__(self, text: str, fmt: str, path: str):
        self.lines = text.splitlines()
        self.fmt = fmt
        self.path = path

    def _header_lines(self, section: str) -> list[int]:
        pat = re.compile(rf"^\s*\[\[\s*{re.escape(section)}\s*\]\]")
        return [n for n, line in enumerate(self.lines) if pat.match(line)]

    def line(self, section: str | None = None, index: int | None = None,
             key: str | None = None) -> int | None:
        """1-based line of ``section[index].key`` (best effort) or None."""
        start, stop = 0, len(self.lines)
        if section is not None and index is not None and self.fmt == "toml":
            heads = self._header_lines(section)
            if index < len(heads):
                start = heads[index]
                stop = next((n for n in range(start + 1, len(self.lines))
                             if self.lines[n].lstrip().startswith("[")), len(self.lines))
                if key is None:
                    return start + 1
        elif section is not None and self.fmt == "json":
            # n-th object after the section key: count lines that open an object
            sec = next((n for n, line in enumerate(self.lines) if f'"{section}"' in line), None)
            if sec is None:
                return None
            if index is None:
                return sec + 1
            count = -1
            for n in range(sec, len(self.lines)):
                count += self.lines[n].count("{")
                if count >= index and "{" in self.lines[n]:
                    start = n
                    break
            else:
                return None
            depth, stop = 0, len(self.lines)
            for n in range(start, len(self.lines)):
                depth += self.lines[n].count("{") - self.lines[n].count("}")
                if depth <= 0:
                    stop = n + 1
                    break
            if key is None:
                return start + 1
        elif section is not None:
            key = key or section
        if key is None:
            return None
        pat = (re.compile(rf'"{re.escape(key)}"\s*:') if self.fmt == "json"
               else re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*="))
        for n in range(start, stop):
            if pat.search(self.lines[n]):
                return n + 1
        return start + 1 if section is not None and index is not None else None

    def where(self, section=None, index=None, key=None) -> str:
        label = section or ""
        if index is not None:
            label += f"[{index}]"
        if key is not None:
            label += f".{key}" if label else key
        n = self.line(section, index, key)
        return f"{self.path}: {label}" + (f" (line {n})" if n else "")


def read_model_text(path: Path) -> tuple[dict, str, str]:
    suffix = path.suffix.lower()
    if suffix not in (".toml", ".json"):
        raise InputFileError(f"{path}: unknown model file type {path.suffix!r}: use .toml or "
                             ".json")
    if path.exists() and not path.is_file():
        raise InputFileError(f"cannot read model file {path}: not a regular file")
    text = read_text_file(path, "model file")
    if suffix == ".toml":
        import tomllib

        try:
            return tomllib.loads(text), text, "toml"
        except tomllib.TOMLDecodeError as exc:
            raise InputFileError(f"{path}: malformed TOML: {exc}") from None
        except (ValueError, RecursionError) as exc:  # an integer of > 4300 digits, deep nesting
            raise InputFileError(f"{path}: malformed TOML: {_one_line(exc)}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputFileError(f"{path}: malformed JSON: {exc.msg} (line {exc.lineno}, "
                             f"column {exc.colno})") from None
    except (ValueError, RecursionError) as exc:  # an integer of > 4300 digits, deep nesting
        raise InputFileError(f"{path}: malformed JSON: {_one_line(exc)}") from None
    if not isinstance(data, dict):
        raise InputFileError(f"{path}: the top level must be an object")
    return data, text, "json"


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
