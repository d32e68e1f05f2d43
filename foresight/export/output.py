"""One output layer: commands hand plain records to :func:`emit`, which prints them as a table, JSON or CSV.

A record is what the command's JSON holds (documented in ``docs/json.md``); the
table and CSV show chosen columns of it. Anything that names a scan carries the
same object, from :func:`scan_ref`: ``iri``, ``title``, ``date``, ``article`` (the
link of the article it was made from) and ``file``.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any

#: The formats every listing command takes.
FORMATS = ("table", "json", "csv")


@dataclass(frozen=True)
class Column:
    """A column of a table or CSV: its header and how to get its cell from a record."""

    header: str
    value: Callable[[Mapping[str, Any]], Any]


def field(name: str, header: str | None = None) -> Column:
    """A column showing one field of the record."""
    return Column(header or name.replace("_", " "), lambda record: record.get(name))


def scan_ref(scans: Mapping[str, Mapping[str, Any]], scan: str | None) -> dict[str, Any] | None:
    """A scan as every command's JSON shows it (``None`` for no scan).

    >>> scan_ref({"s": {"title": "T", "date": "2024-01-31", "url": "https://a.org/x", "file": "s.md"}}, "s")
    {'iri': 's', 'title': 'T', 'date': '2024-01-31', 'article': 'https://a.org/x', 'file': 's.md'}
    """
    if not scan:
        return None
    meta = scans.get(scan, {})
    return {"iri": scan, "title": meta.get("title"), "date": meta.get("date"), "article": meta.get("url"),
            "file": meta.get("file")}


def where(ref: Mapping[str, Any] | None) -> str:
    """A scan in a few words: its title (else its IRI) and page date.

    >>> where({"iri": "s", "title": "Drones at rallies", "date": "2024-01-31"})
    'Drones at rallies · 2024-01-31'
    """
    if not ref:
        return ""
    return " · ".join(str(part) for part in (ref.get("title") or ref["iri"], ref.get("date")) if part)


_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    """Text with control characters removed, so that no escape sequence from a scan reaches the terminal.

    >>> terminal_safe("Drones\x1b]0;pwned\x07 at rallies")
    'Drones]0;pwned at rallies'
    """
    return _CONTROLS.sub("", text)


def plain(value: Any) -> str:
    """A cell as text: lists joined with "; ", nothing for ``None``, no control characters."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple, set)):
        return "; ".join(plain(item) for item in value)
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1000 else f"{value:.0f}"
    return terminal_safe(str(value))


def to_json(records: Any) -> str:
    return json.dumps(records, indent=1, ensure_ascii=False, default=str)


def to_csv(records: Iterable[Mapping[str, Any]], columns: Sequence[Column]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([column.header for column in columns])
    for record in records:
        writer.writerow([plain(column.value(record)) for column in columns])
    return buffer.getvalue()


def emit(records: Sequence[Mapping[str, Any]], columns: Sequence[Column], fmt: str, *,
         caption: str | None = None, stream: IO[str] | None = None) -> None:
    """Print records as a table (with ``caption``), JSON (the records whole) or CSV (the columns)."""
    out = stream or sys.stdout
    if fmt == "json":
        out.write(to_json(list(records)) + "\n")
        return
    if fmt == "csv":
        out.write(to_csv(records, columns))
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(caption=caption, caption_justify="left")
    for column in columns:
        table.add_column(column.header, overflow="fold")
    for record in records:
        table.add_row(*(escape(plain(column.value(record))) for column in columns))
    Console(file=out, highlight=False, soft_wrap=True).print(table)
