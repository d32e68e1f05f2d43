"""Writing files so that an interruption never leaves half of one behind; SQLite files of derived data."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from foresight.errors import ForesightError, StoreError


def atomic_write(path: str | Path, write: Callable[[IO[bytes]], object]) -> Path:
    """Call ``write`` on a temporary file beside ``path``, then rename it to ``path``.

    The file gets the permissions the umask gives a new file (``mkstemp`` alone would
    make it private), since maps and exports are documents to share.

    Raises:
        StoreError: the folder of ``path`` does not exist.
    """
    target = Path(path)
    folder = target.parent
    if not folder.is_dir():
        raise StoreError(f"{target}: the folder {folder} does not exist")
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.")
    except OSError as error:
        raise StoreError(f"{target}: cannot write here ({error.strerror}); nothing was changed") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, target)
    except OSError as error:  # a full disk, say: the file that was there is kept
        Path(temporary).unlink(missing_ok=True)
        raise StoreError(f"{target}: writing failed ({error.strerror}); the file that was there is kept") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


class CacheTable:
    """One table of derived data in SQLite: a file beside a store, or memory for a store in memory.

    A file of another layout (other columns) or damaged (not a database) is started again; a
    file that cannot be opened at all gives no connection, and the caller does without.
    """

    def __init__(self, path: Path | None, table: str, columns: str) -> None:
        self.path = path
        self.table = table
        self.columns = columns  # the column definitions, as CREATE TABLE takes them
        self._memory = self._connect(":memory:") if path is None else None

    def _connect(self, where: str) -> sqlite3.Connection:
        connection = sqlite3.connect(where, timeout=30, check_same_thread=False)
        names = tuple(row[1] for row in connection.execute(f"PRAGMA table_info({self.table})"))
        wanted = tuple(column.split()[0] for column in self.columns.split(","))
        if names and names != wanted:  # written by another version: start again
            with connection:
                connection.execute(f"DROP TABLE {self.table}")
        connection.execute(f"CREATE TABLE IF NOT EXISTS {self.table}({self.columns})")
        return connection

    @contextlib.contextmanager
    def connection(self) -> Iterator[sqlite3.Connection | None]:
        """A connection for one use (closed after it), or ``None`` when the file cannot be had."""
        if self._memory is not None:
            yield self._memory
            return
        assert self.path is not None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                connection = self._connect(str(self.path))
            except sqlite3.DatabaseError:  # not a database (damaged): derived data, so start it again
                self.path.unlink(missing_ok=True)
                connection = self._connect(str(self.path))
        except (OSError, sqlite3.Error):
            yield None
            return
        try:
            yield connection
        finally:
            connection.close()


#: the formats a chart is written in, by the file's extension
CHART_FORMATS = (".png", ".svg")


def chart_path(path: str | Path) -> Path:
    """The path of a chart to write, checked: a .png or .svg file.

    Raises:
        ForesightError: another extension.
    """
    target = Path(path)
    if target.suffix.lower() not in CHART_FORMATS:
        raise ForesightError(f"{target}: a chart is written as .png or .svg")
    return target


def save_figure(figure: object, path: str | Path) -> Path:
    """Write a matplotlib figure (its own Agg canvas: the user's backend is never touched) as PNG or SVG, by the
    file's extension, atomically."""
    target = chart_path(path)
    fmt = target.suffix.lower().lstrip(".")
    return atomic_write(target, lambda stream: figure.savefig(stream, format=fmt))  # type: ignore[attr-defined]
