"""Fortran unformatted records (lrtheory/io/wannier90/fortran_io.py) built byte by byte from
the record layout gfortran documents ("GNU Fortran: File format of unformatted sequential
files"): each record is ``marker payload marker`` with 4-byte integer markers in the file's
byte order; a record over 2 GiB is split into sub-records, the leading marker of every
sub-record but the last negative and the trailing marker of every sub-record but the first
negative. Independent of lrtheory's writer (which writes little-endian records only)."""
from __future__ import annotations

import numpy as np
import pytest

from lrtheory.errors import InputFileError
from lrtheory.io.wannier90.fortran_io import Records, Tokens, is_unformatted


def _record(payload: bytes, order: str) -> bytes:
    m = np.array([len(payload)], order + "i4").tobytes()
    return m + payload + m


@pytest.mark.parametrize("order", ["<", ">"])
def test_records_in_either_byte_order(order):
    """The same values written big- and little-endian read back equal, as native arrays
    (a non-native dtype would be wrong for code that views or hands the raw buffer on)."""
    ints = np.array([3, -7, 11], order + "i4")
    z = np.array([1.5 - 2j, -0.25 + 4j])
    reals = np.array([1.0, 2.0 ** -30, -3.5e7], order + "f8")
    zbytes = np.stack([z.real, z.imag], -1).astype(order + "f8").tobytes()
    data = _record(ints.tobytes(), order) + _record(reals.tobytes(), order) + _record(
        zbytes, order) + _record(b"  header text ", order)
    r = Records("f", data)
    assert r.order == order
    a = r.array("ints", "i4", 3)
    np.testing.assert_array_equal(a, [3, -7, 11])
    b = r.array("reals", "f8")
    np.testing.assert_array_equal(b, [1.0, 2.0 ** -30, -3.5e7])
    assert a.dtype.isnative and b.dtype.isnative
    c = r.complex("z", 2)
    np.testing.assert_array_equal(c, z)
    assert r.text("header") == "header text"
    r.end()
    assert is_unformatted(data, 12)


def test_gfortran_subrecords_are_joined():
    """A 12-byte record split 8 + 4: markers (-8, 8) then (4, -4); then a plain record."""
    x = np.arange(3, dtype="<f4").tobytes()
    lead = np.array([-8], "<i4").tobytes() + x[:8] + np.array([8], "<i4").tobytes()
    last = np.array([4], "<i4").tobytes() + x[8:] + np.array([-4], "<i4").tobytes()
    data = lead + last + _record(np.array([5], "<i4").tobytes(), "<")
    r = Records("f", data)
    np.testing.assert_array_equal(r.array("x", "f4", 3), [0.0, 1.0, 2.0])
    np.testing.assert_array_equal(r.array("n", "i4", 1), [5])
    r.end()
    # counter-example: markers that do not close their payload are refused, naming the record
    bad = lead[:-4] + np.array([9], "<i4").tobytes() + last
    with pytest.raises(InputFileError, match="record 1"):
        Records("f", bad).raw("x")


def test_token_line_numbers():
    """Tokens report the line a bad value is on (lines counted from ``first_line``)."""
    t = Tokens("t.txt", ["1 2", "", "3 x 5"], 10)
    np.testing.assert_array_equal(t.take(2, "a"), [1.0, 2.0])
    with pytest.raises(InputFileError, match=r"t\.txt, line 12: 'x' is not a number"):
        t.take(3, "b")
    t = Tokens("t.txt", ["1 2.5"], 1)
    with pytest.raises(InputFileError, match="line 1: '2.5' is not an integer"):
        t.take(2, "n", int)
    t = Tokens("t.txt", ["1.0D+00 -2.5d-1"], 1)
    np.testing.assert_array_equal(t.take(2, "fortran doubles"), [1.0, -0.25])


def test_trailing_data_and_format_detection():
    """Bytes after the last record, or values after the last token, make the file
    inconsistent (one line naming it); a file is unformatted when it starts with a record of
    the expected length or with any record its trailing marker closes (docstring), and text
    is not."""
    data = _record(np.array([1, 2], "<i4").tobytes(), "<")
    r = Records("f.chk", data + b"\x00\x00")
    r.array("n", "i4", 2)
    with pytest.raises(InputFileError, match="2 bytes after the last expected record"):
        r.end()
    t = Tokens("t.txt", ["1 2 3"], 1)
    t.take(2, "a")
    with pytest.raises(InputFileError, match="1 values after the last expected one"):
        t.end()
    assert is_unformatted(data, 8)                      # the expected first record
    assert is_unformatted(data + data, 33)              # another length, closed by its marker
    assert not is_unformatted(b"  written on  1Dec2026\n 4 6\n", 33)
