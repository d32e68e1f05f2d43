"""Articles, not copies: which scans are of one article, and which of them counts.

Scans are of one article when they give the same article link, or say the same thing (the
same body digest: the same rows, whatever their title, link or date). Of the scans of one
article only the newest counts (latest page date, then scan IRI): an older scan is a
revision it replaces (``prov:wasRevisionOf``), and a copy scanned again adds nothing.
Recurrence, emergence and ranking count distinct articles through :func:`editions`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Edition:
    """One scan as a version of its article."""

    #: the article it is of: the smallest article IRI among the scans of that article (else the scan IRI)
    article: str
    #: whether it is the newest scan of its article, the one that counts
    counts: bool
    #: the next older scan of the same article, if any
    revision_of: str | None = None


def editions(scans: Mapping[str, Mapping[str, Any]]) -> dict[str, Edition]:
    """Each scan (by IRI) as an edition of its article, from the scans' metadata.

    ``scans`` maps a scan IRI to what the projection knows of it: ``article`` (the article
    IRI), ``body`` (the body digest) and ``date``.

    >>> found = editions({"s1": {"article": "a1", "body": "x", "date": "2024-01-01"},
    ...                   "s2": {"article": "a2", "body": "x", "date": "2025-01-01"},
    ...                   "s3": {"article": "a1", "body": "y", "date": "2023-01-01"},
    ...                   "s4": {"article": "a4", "body": "z", "date": None}})
    >>> [(scan, e.article, e.counts, e.revision_of) for scan, e in sorted(found.items())]
    [('s1', 'a1', False, 's3'), ('s2', 'a1', True, 's1'), ('s3', 'a1', False, None), ('s4', 'a4', True, None)]
    """
    parent = {scan: scan for scan in scans}

    def find(scan: str) -> str:
        while parent[scan] != scan:
            parent[scan] = parent[parent[scan]]
            scan = parent[scan]
        return scan

    first_with: dict[tuple[str, str], str] = {}
    for scan in sorted(scans):
        meta = scans[scan]
        for field in ("article", "body"):
            value = meta.get(field)
            if value:
                other = first_with.setdefault((field, str(value)), scan)
                if other != scan:
                    parent[find(scan)] = find(other)
    groups: dict[str, list[str]] = {}
    for scan in scans:
        groups.setdefault(find(scan), []).append(scan)
    found: dict[str, Edition] = {}
    for members in groups.values():
        ordered = sorted(members, key=lambda scan: (str(scans[scan].get("date") or ""), scan))
        articles = [str(scans[scan]["article"]) for scan in members if scans[scan].get("article")]
        article = min(articles) if articles else min(members)
        for number, scan in enumerate(ordered):
            found[scan] = Edition(article, number == len(ordered) - 1, ordered[number - 1] if number else None)
    return found


def copies(found: Mapping[str, Edition]) -> tuple[int, int]:
    """How many scans do not count (older revisions and copies), and of how many articles."""
    superseded = [edition for edition in found.values() if not edition.counts]
    return len(superseded), len({edition.article for edition in superseded})
