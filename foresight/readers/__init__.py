"""Scan readers, looked up by name or by file extension.

Each reader is a function ``read(path) -> ReadResult`` in its own module, imported
only when first used.
"""

from __future__ import annotations

import fnmatch
import glob
import importlib
import re
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


def find_scan_files(sources: Iterable[str | Path], problems: list[ScanWarning] | None = None) -> Iterator[Path]:
    """Expand files, directories (recursively) and glob patterns into scan files.

    Files named explicitly are yielded whatever their extension, so that a wrong
    file gets a clear message instead of being passed over in silence. Folders are
    walked following symbolic links, each folder once (a link back up the tree is no
    loop); a folder that cannot be read is added to ``problems`` rather than passed over.
    A ``README.md`` in a folder or matched by a pattern is documentation, not a scan.

    Raises:
        ScanFormatError: a source names nothing.
    """
    seen: set[Path] = set()
    for source in sources:
        text = str(source)
        path = Path(text)
        if path.is_dir():
            candidates = sorted(p for p in _walk(path, problems) if _is_scan_name(p))
        elif path.exists() or path.is_symlink():
            candidates = [path]
        elif glob.has_magic(text):
            root, pattern = _glob_root(text)
            candidates = sorted(p for p in _walk(root, problems) if pattern.fullmatch(_relative(p, root))
                                and _is_scan_name(p, suffix_known=False))
            if not candidates:
                raise ScanFormatError(text, None, "the pattern matches no file")
        else:
            raise ScanFormatError(text, None, "no such file or directory")
        for candidate in candidates:
            key = candidate.resolve()
            if key not in seen:
                seen.add(key)
                yield candidate


def _is_scan_name(path: Path, *, suffix_known: bool = True) -> bool:
    return ((not suffix_known or path.suffix.lower() in EXTENSIONS) and not path.name.startswith(".")
            and path.name.lower() != "readme.md")


def _walk(root: Path, problems: list[ScanWarning] | None) -> Iterator[Path]:
    """Every regular file under ``root``, each folder visited once (links followed, loops cut)."""
    import os
    import stat

    visited: set[tuple[int, int]] = set()
    pending = [root]
    while pending:
        folder = pending.pop()
        try:
            info = folder.stat()
            key = (info.st_dev, info.st_ino)
            if key in visited:
                continue
            visited.add(key)
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as error:
            if problems is not None:
                problems.append(ScanWarning(str(folder), None, f"folder not read ({error.strerror}); "
                                                               "its scans are left out"))
            continue
        for entry in entries:
            try:
                mode = entry.stat().st_mode  # follows links
            except OSError:
                continue  # a dangling link
            if stat.S_ISDIR(mode):
                pending.append(Path(entry.path))
            elif stat.S_ISREG(mode):
                yield Path(entry.path)


def _glob_root(pattern: str) -> tuple[Path, re.Pattern[str]]:
    """The folder a glob pattern starts from, and the rest of the pattern as a regular expression."""
    parts = Path(pattern).parts
    fixed = 0
    while fixed < len(parts) - 1 and not glob.has_magic(parts[fixed]):
        fixed += 1
    root = Path(*parts[:fixed]) if fixed else Path(".")
    rest: list[str] = []
    for part in parts[fixed:]:
        if part == "**":
            rest.append("(?:.*/)?")
            continue
        piece = fnmatch.translate(part).removeprefix("(?s:").removesuffix(")\\Z")
        rest.append(piece.replace(".*", "[^/]*").replace("(?s:", "(?:") + "/")
    regex = "".join(rest).removesuffix("/")
    return root, re.compile(regex, re.DOTALL)


def _relative(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if root != Path(".") else path.as_posix()
