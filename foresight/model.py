"""The domain model of a signal scan: frozen dataclasses, no I/O.

A *scan* is one document per source article. It lists the *signals* of change the
article shows (each with the *shift* from one state to another, a 10-year *outlook*
and the *driving force* behind it) and the *concerns*, *behaviors*, *technologies*
and *issues* it raises, plus keywords, themes, a category and the article link.

Readers turn files into :class:`Scan` objects; :mod:`foresight.mapping` turns those
into RDF. Nothing here knows about files or RDF.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class ItemKind(StrEnum):
    """The kinds of row a scan lists besides its signals."""

    CONCERN = "concern"
    BEHAVIOR = "behavior"
    TECHNOLOGY = "technology"
    ISSUE = "issue"

    @property
    def section(self) -> str:
        """The section title these rows appear under in a markdown scan."""
        return {"concern": "Concerns", "behavior": "Behaviors", "technology": "Technologies",
                "issue": "Issues"}[self.value]


@dataclass(frozen=True)
class Shift:
    """A change from one state to another, as the scan words it.

    ``from_state`` and ``to_state`` are filled when the text has a *from … to …*
    form; otherwise only ``text`` is kept.
    """

    text: str
    from_state: str | None = None
    to_state: str | None = None


_SHIFT_PATTERNS = (
    # "Shifting from X to Y", "From X to Y", "Transition from X towards Y"
    re.compile(r"\bfrom\s+(?P<from>.+?)\s+(?:to|towards|toward|into)\s+(?P<to>.+)", re.IGNORECASE | re.DOTALL),
    # "X → Y", "X -> Y"
    re.compile(r"^(?P<from>.+?)\s*(?:→|->|=>)\s*(?P<to>.+)$", re.DOTALL),
)


def parse_shift(text: str) -> Shift:
    """Split a change text into its from-state and to-state when it has that form.

    >>> parse_shift("Shifting from traditional policing to data-driven crime prediction.")
    Shift(text='Shifting from traditional policing to data-driven crime prediction.', \
from_state='traditional policing', to_state='data-driven crime prediction')
    >>> parse_shift("Growing reliance on drones.").from_state is None
    True
    """
    cleaned = text.strip()
    for pattern in _SHIFT_PATTERNS:
        match = pattern.search(cleaned)
        if match:
            before = match.group("from").strip(" ,;:")
            after = match.group("to").strip().rstrip(".;").strip()
            if before and after:
                return Shift(cleaned, before, after)
    return Shift(cleaned)


@dataclass(frozen=True)
class Signal:
    """A signal of change, with what drives it, the shift it shows and where it leads."""

    name: str
    description: str | None = None
    change: Shift | None = None
    outlook: str | None = None
    driving_force: str | None = None
    relevancy: int | None = None
    line: int | None = None


@dataclass(frozen=True)
class Item:
    """A concern, behavior, technology or issue row of a scan.

    Older technology tables have no name column: ``name`` is then ``None`` and the
    description carries the text.
    """

    kind: ItemKind
    name: str | None
    description: str | None = None
    relevancy: int | None = None
    line: int | None = None

    @property
    def label(self) -> str:
        """A short human label: the name, else the start of the description."""
        if self.name:
            return self.name
        return short_label(self.description or "")


@dataclass(frozen=True)
class Link:
    """An explicit link an analyst drew between two rows of a scan."""

    source: str
    relation: str
    target: str
    note: str | None = None
    line: int | None = None


LINK_RELATIONS = ("drives", "enables", "raises", "mitigates", "relatedTo")


@dataclass(frozen=True)
class ClosestScan:
    """An article the scan generator listed as closest to this scan's article, by its corpus id."""

    article_id: str
    title: str | None = None


@dataclass(frozen=True)
class Scan:
    """One signal scan, as read from one file."""

    id: str
    title: str
    url: str | None = None
    page_id: str | None = None
    page_date: date | None = None
    page_url: str | None = None
    summary: str | None = None
    keywords: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    category: str | None = None
    scan_type: str | None = None
    signals: tuple[Signal, ...] = ()
    items: tuple[Item, ...] = ()
    closest: tuple[ClosestScan, ...] = ()
    links: tuple[Link, ...] = ()
    source_file: str | None = None
    digest: str | None = field(default=None, compare=False)

    @property
    def body_digest(self) -> str | None:
        """A digest of what the scan says (its rows), blind to case, spacing, order, title, link and date.

        Two scans of one article, copied under two links or dates, have the same body digest;
        ``None`` for a scan with no rows.
        """
        parts = [f"signal\0{s.name}\0{s.description}\0{s.change.text if s.change else ''}\0{s.outlook}\0"
                 f"{s.driving_force}" for s in self.signals]
        parts += [f"{item.kind.value}\0{item.name}\0{item.description}" for item in self.items]
        if not parts:
            return None
        body = "\n".join(sorted(" ".join(part.casefold().split()) for part in parts))
        return hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()[:32]

    @property
    def corpus_id(self) -> str | None:
        """The id the scan corpus gives this scan's article (see :func:`corpus_id`)."""
        return corpus_id(self.url) if self.url else None

    def items_of(self, kind: ItemKind) -> tuple[Item, ...]:
        """The rows of one kind, in file order."""
        return tuple(item for item in self.items if item.kind is kind)


def scan_id(source: str, text: str) -> str:
    """A scan's id: where its content comes from, and a digest of that content.

    ``source`` is the article's corpus id (or a YAML scan's own ``id``, or, with
    neither, the file's name); the digest is of the text with its line endings made
    alike. Two different files never share an id; the same file read from another
    path, or with other line endings, keeps its id.

    >>> scan_id("5aeb96", "# T\\r\\n") == scan_id("5aeb96", "# T\\n")
    True
    >>> scan_id("5aeb9641eb6b5fc2822af63965423717", "# T\\n")
    '5aeb9641eb6b5fc2822af63965423717-4321893dc18b'
    """
    body = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").strip()
    return f"{source}-{hashlib.sha256(body.encode('utf-8', 'surrogatepass')).hexdigest()[:SCAN_DIGEST_LENGTH]}"


#: Hex digits of the content digest that end a scan id.
SCAN_DIGEST_LENGTH = 12


def scan_source(scan_id: str) -> str | None:
    """The source part of a scan id made by :func:`scan_id` (``None`` for an id of another form)."""
    source, dash, digest = scan_id.rpartition("-")
    if dash and len(digest) == SCAN_DIGEST_LENGTH and all(c in "0123456789abcdef" for c in digest):
        return source
    return None


def corpus_id(url: str) -> str:
    """The corpus id of an article: the MD5 of Python's repr of the URL's UTF-8 bytes.

    >>> corpus_id("https://www.theguardian.com/world/article/2024/aug/01/argentina-ai-predicting-future-crimes-citizen-rights")
    '5aeb9641eb6b5fc2822af63965423717'
    """
    return hashlib.md5(repr(url.encode("utf-8")).encode("ascii")).hexdigest()


def short_label(text: str, limit: int = 60) -> str:
    """Cut a long text at a word boundary for use as a label.

    >>> short_label("Using AI and machine-learning algorithms to analyze historical crime data.", 30)
    'Using AI and machine-learning…'
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text.rstrip(".")
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + "…"
