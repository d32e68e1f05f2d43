"""What every reader returns, and the checks every reader shares."""

from __future__ import annotations

import hashlib
import math
import os
import re
import stat
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from foresight.errors import ScanFormatError
from foresight.model import Scan
from foresight.versions import FORMAT_VERSION


@dataclass(frozen=True)
class ScanWarning:
    """Something in a scan file that was recovered, skipped or ignored."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


@dataclass
class ReadResult:
    """A scan read from one file, with what the reader had to say about it.

    ``rows`` counts the table rows (or list entries, for YAML) that became nodes;
    ``skipped_rows`` those reported as broken and left out.
    """

    scan: Scan
    warnings: list[ScanWarning] = field(default_factory=list)
    rows: int = 0
    skipped_rows: int = 0


_MAX_BYTES_ENV = "FORESIGHT_MAX_SCAN_BYTES"
_MAX_ROWS_ENV = "FORESIGHT_MAX_SCAN_ROWS"


def max_bytes() -> int:
    """The largest scan file read: 5 MB unless ``FORESIGHT_MAX_SCAN_BYTES`` says otherwise."""
    return limit(_MAX_BYTES_ENV, 5_000_000)


def max_rows() -> int:
    """The most table rows a scan may hold: 1,000 unless ``FORESIGHT_MAX_SCAN_ROWS`` says otherwise.

    Rows of one scan are compared pairwise for links, so the cost grows with the square of
    the rows; real scans hold tens.
    """
    return limit(_MAX_ROWS_ENV, 1_000)


def limit(name: str, default: int) -> int:
    """A positive whole number from the environment variable ``name``, else ``default``."""
    text = os.environ.get(name, "").strip()
    return int(text) if text.isdigit() and int(text) > 0 else default


def check_rows(path: Path, rows: int) -> None:
    """Refuse a scan of more rows than :func:`max_rows`.

    Raises:
        ScanFormatError: the count, the limit and how to raise it.
    """
    limit = max_rows()
    if rows > limit:
        raise ScanFormatError(path, None, f"{rows:,} table rows, more than the {limit:,} a scan may hold "
                                          f"(real scans hold tens; set {_MAX_ROWS_ENV} to raise it)")


def read_text(path: Path) -> tuple[str, str]:
    """Read a scan file as UTF-8 text and return it with its content digest.

    Raises:
        ScanFormatError: the file is missing, empty, binary or not UTF-8.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ScanFormatError(path, None, "no such file") from None
    except OSError as error:
        raise ScanFormatError(path, None, f"cannot be read ({error.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise ScanFormatError(path, None, "is a directory, not a scan file")
    if not stat.S_ISREG(info.st_mode):  # a named pipe or a device would block the run, or never end
        raise ScanFormatError(path, None, "not a regular file (a pipe, socket or device); not read")
    limit = max_bytes()
    if info.st_size > limit:
        raise ScanFormatError(path, None, f"{info.st_size:,} bytes, more than the {limit:,} a scan may have "
                                          f"(real scans are tens of kilobytes; set {_MAX_BYTES_ENV} to raise it)")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ScanFormatError(path, None, "no such file") from None
    except IsADirectoryError:
        raise ScanFormatError(path, None, "is a directory, not a scan file") from None
    except OSError as error:
        raise ScanFormatError(path, None, f"cannot be read ({error.strerror})") from None
    if not data.strip():
        raise ScanFormatError(path, None, "empty file, no scan in it")
    if b"\x00" in data[:8192]:
        raise ScanFormatError(path, None, "binary file, not a text signal scan")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ScanFormatError(
            path, line, f"not UTF-8 text (byte 0x{data[error.start]:02x}); save the file as UTF-8"
        ) from None
    digest = hashlib.sha256(FORMAT_VERSION.encode() + b"\0" + data).hexdigest()
    return text.lstrip("\ufeff"), digest


# What XML 1.0 and N-Quads cannot carry: C0 controls but tab, newline and return; lone surrogates; U+FFFE/FFFF.
_UNCARRIABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> tuple[str, int]:
    """``text`` without the characters an export cannot carry (controls, lone surrogates), and how many went.

    >>> clean_text("a\\x1b[31mb\\ud800c")
    ('a[31mbc', 2)
    """
    return _UNCARRIABLE.subn("", text)


_PAGE_ID = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:[a-z]|-[\w-]+)?$")


def parse_page_date(page_id: str, today: date | None = None) -> tuple[date | None, str | None]:
    """Turn a page id such as ``20250323d`` or ``20251231-a-yearly-review`` into a date.

    Returns:
        The date, or ``None`` with the reason when the id is no possible date
        (not a calendar date, or later than today).

    >>> parse_page_date("20250323d", date(2026, 1, 1))
    (datetime.date(2025, 3, 23), None)
    >>> parse_page_date("20251231-a-yearly-review", date(2026, 1, 1))
    (datetime.date(2025, 12, 31), None)
    >>> parse_page_date("20290911", date(2026, 1, 1))[1]
    'page date 2029-09-11 is in the future; kept as page id only'
    """
    match = _PAGE_ID.match(page_id)
    if not match:
        return None, f"page id {page_id!r} is not a YYYYMMDD date; kept as page id only"
    year, month, day = (int(part) for part in match.groups())
    try:
        when = date(year, month, day)
    except ValueError:
        return None, f"page date {page_id!r} is not a calendar date; kept as page id only"
    if when > (today or date.today()):
        return None, f"page date {when.isoformat()} is in the future; kept as page id only"
    return when, None


def parse_relevancy(raw: str | int | float | None) -> tuple[int | None, str | None]:
    """Read a relevancy cell: an integer 1–5, or ``nan``/blank for none.

    >>> parse_relevancy("4"), parse_relevancy("nan"), parse_relevancy("4.0")
    ((4, None), (None, None), (4, None))
    >>> parse_relevancy("high")[1]
    "relevancy 'high' is not a number 1-5; left out"
    >>> parse_relevancy("inf")[1], parse_relevancy(float("nan"))[0]
    ("relevancy 'inf' is outside 1-5; left out", None)
    """
    if raw is None or isinstance(raw, bool):
        return None, None
    text = str(raw).strip()
    if text.lower() in {"", "nan", "none", "null", "-", "n/a"}:
        return None, None
    shown = text if len(text) <= 40 else text[:37] + "..."
    if len(text) > 40:  # no relevancy needs more; a float of 5,000 digits is infinite
        return None, f"relevancy {shown!r} is not a number 1-5; left out"
    try:
        number = float(text)
    except ValueError:
        return None, f"relevancy {shown!r} is not a number 1-5; left out"
    if not math.isfinite(number) or not 1 <= number <= 5 or number != int(number):
        return None, f"relevancy {shown!r} is outside 1-5; left out"
    return int(number), None
