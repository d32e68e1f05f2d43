"""One exception root for everything foresight raises on purpose.

The CLI catches :class:`ForesightError` in one place and prints ``str(error)`` as a
single line on stderr, so every message here must make sense on its own.
"""

from __future__ import annotations

from pathlib import Path


class ForesightError(Exception):
    """Base class of all errors foresight reports to its users."""


class ScanFormatError(ForesightError):
    """A scan file cannot be read.

    Args:
        path: the file.
        line: 1-based line number, or ``None`` when the problem is the whole file.
        reason: what is wrong, in the user's terms.
    """

    def __init__(self, path: str | Path, line: int | None, reason: str) -> None:
        self.path = str(path)
        self.line = line
        self.reason = reason
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {reason}")


class StoreError(ForesightError):
    """The store cannot be opened, read or written."""


class QueryError(ForesightError):
    """A SPARQL query or update is invalid or not allowed."""


class UnknownNodeError(ForesightError):
    """A node named by the user is not in the graph."""


class PluginNotFoundError(ForesightError):
    """No reader, exporter or store is registered under a name."""
