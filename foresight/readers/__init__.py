"""Scan readers, looked up by name or by file extension.

Each reader is a function ``read(path) -> ReadResult`` in its own module, imported
only when first used.
"""

from __future__ import annotations

import glob
import importlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from foresight.errors import PluginNotFoundError, ScanFormatError
from foresight.readers.base import ReadResult, ScanWarning, check_rows

__all__ = ["READERS", "ReadResult", "ScanWarning", "find_scan_files", "read_scan", "reader_for"]

READERS: dict[str, str] = {
    "markdown": "foresight.readers.markdown:read_markdown",
    "yaml": "foresight.readers.yaml:read_yaml",
}
EXTENSIONS: dict[str, str] = {".md": "markdown", ".markdown": "markdown", ".txt": "markdown",
                              ".yaml": "yaml", ".yml": "yaml"}


def reader_for(name: str) -> Callable[[Path], ReadResult]:
    """The reader registered under ``name`` (``markdown``, ``yaml``)."""
    try:
        module_name, _, function = READERS[name].partition(":")
    except KeyError:
        raise PluginNotFoundError(
            f"no reader registered for {name!r}; known readers: {', '.join(sorted(READERS))}"
        ) from None
    reader: Callable[[Path], ReadResult] = getattr(importlib.import_module(module_name), function)
    return reader


def read_scan(path: str | Path, reader: str | None = None) -> ReadResult:
    """Read one scan file with the reader for its extension (or the one named).

    Raises:
        ScanFormatError: the file cannot be read as a scan.
    """
    path = Path(path)
    name = reader or EXTENSIONS.get(path.suffix.lower())
    if name is None:
        raise ScanFormatError(
            path, None, f"unknown scan file type {path.suffix or '(none)'!r}; expected .md or .yaml"
        )
    result = reader_for(name)(path)
    check_rows(path, result.rows + result.skipped_rows)
    return result


def find_scan_files(sources: Iterable[str | Path]) -> Iterator[Path]:
    """Expand files, directories (recursively) and glob patterns into scan files.

    Files named explicitly are yielded whatever their extension, so that a wrong
    file gets a clear message instead of being passed over in silence.

    Raises:
        ScanFormatError: a source names nothing.
    """
    seen: set[Path] = set()
    for source in sources:
        text = str(source)
        path = Path(text)
        if path.is_dir():
            candidates = sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in EXTENSIONS and not p.name.startswith(".")
                and p.name.lower() != "readme.md"
            )
        elif path.exists():
            candidates = [path]
        elif glob.has_magic(text):
            candidates = sorted(Path(match) for match in glob.glob(text, recursive=True) if Path(match).is_file())
            if not candidates:
                raise ScanFormatError(text, None, "the pattern matches no file")
        else:
            raise ScanFormatError(text, None, "no such file or directory")
        for candidate in candidates:
            key = candidate.resolve()
            if key not in seen:
                seen.add(key)
                yield candidate
