"""Read signal scans written by hand in YAML.

The schema (documented in ``docs/yaml-scans.md``) is the markdown model plus
explicit links between rows::

    title: Oversight board reviews live facial recognition
    url: https://news.example.org/...
    page_date: 2026-05-10
    keywords: [surveillance, facial recognition]
    signals:
      - name: Live Facial Recognition Pilots
        change: From targeted checks to continuous scanning of crowds.
        outlook: In 10 years, ...
        driving_force: ...
        relevancy: 4
    behaviors: [{name: Public Self-Censorship, description: ...}]
    links:
      - {from: Live Facial Recognition, relation: enables, to: Public Self-Censorship}

Every warning carries the line it is about.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml as pyyaml

from foresight.errors import ScanFormatError
from foresight.model import (
    LINK_RELATIONS,
    ClosestScan,
    Item,
    ItemKind,
    Link,
    Scan,
    Shift,
    Signal,
    corpus_id,
    parse_shift,
    scan_id,
)
from foresight.readers.base import (
    ReadResult,
    ScanWarning,
    clean_text,
    limit,
    parse_page_date,
    parse_relevancy,
    read_text,
)
from foresight.vocab import is_safe_iri

_TOP_KEYS = {
    "id", "title", "url", "page_date", "page_id", "page_url", "summary", "keywords", "themes",
    "category", "type", "signals", "concerns", "behaviors", "technologies", "issues", "closest", "links",
}
_SIGNAL_KEYS = {"name", "description", "change", "shift", "outlook", "10-year", "driving_force",
                "driving-force", "relevancy"}
_ITEM_KEYS = {"name", "description", "relevancy"}
_LINK_KEYS = {"from", "relation", "to", "note"}
_SECTION_KINDS = {kind.section.lower(): kind for kind in ItemKind}


class _Lined(dict[str, Any]):
    """A YAML mapping that remembers the line it starts on and the line of each key."""

    line: int = 0
    key_lines: dict[str, int]


class _TooComplex(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


class _LineLoader(pyyaml.SafeLoader):
    """PyYAML's safe loader, with line numbers kept and bounds on nesting and aliases."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0
        self.aliases = 0
        self.max_depth = limit(_MAX_DEPTH_ENV, 50)
        self.max_aliases = limit(_MAX_ALIASES_ENV, 50)

    def compose_node(self, parent: pyyaml.Node | None, index: Any) -> pyyaml.Node | None:
        line = self.peek_event().start_mark.line + 1  # type: ignore[no-untyped-call]
        if self.check_event(pyyaml.AliasEvent):
            self.aliases += 1
            if self.aliases > self.max_aliases:  # a billion laughs: a few lines standing for billions of values
                raise _TooComplex(line, f"more than {self.max_aliases:,} YAML aliases (*name); real scans use none "
                                        f"(set {_MAX_ALIASES_ENV} to raise it)")
        self.depth += 1
        try:
            if self.depth > self.max_depth:
                raise _TooComplex(line, f"YAML nested more than {self.max_depth} deep; real scans nest 3 "
                                        f"(set {_MAX_DEPTH_ENV} to raise it)")
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


_MAX_DEPTH_ENV = "FORESIGHT_MAX_YAML_DEPTH"
_MAX_ALIASES_ENV = "FORESIGHT_MAX_YAML_ALIASES"


def _construct_mapping(loader: _LineLoader, node: pyyaml.MappingNode) -> _Lined:
    mapping = _Lined({str(key): value for key, value in loader.construct_mapping(node, deep=True).items()})
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {str(key.value): key.start_mark.line + 1 for key, _ in node.value}
    return mapping


_LineLoader.add_constructor(pyyaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class _Reader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.warnings: list[ScanWarning] = []
        self.rows = 0
        self.skipped = 0

    def warn(self, line: int | None, message: str) -> None:
        self.warnings.append(ScanWarning(str(self.path), line, message))

    def text(self, mapping: _Lined, key: str, where: str) -> str | None:
        value = mapping.get(key)
        if value is None:
            return None
        if isinstance(value, (dict, list)):
            self.warn(mapping.key_lines.get(key, mapping.line), f"{where}: {key!r} should be text; ignored")
            return None
        text = self.clean(str(value).strip(), mapping.key_lines.get(key, mapping.line), f"{where}: {key!r}")
        return text or None

    def clean(self, text: str, line: int | None, where: str) -> str:
        """Text without what an export cannot carry (YAML escapes can make controls and lone surrogates)."""
        cleaned, removed = clean_text(text)
        if removed:
            self.warn(line, f"{where}: {removed} control character(s) an export cannot carry were removed")
        return cleaned

    def check_keys(self, mapping: _Lined, allowed: set[str], where: str) -> None:
        for key in mapping:
            if key not in allowed:
                self.warn(mapping.key_lines.get(str(key), mapping.line), f"{where}: unknown field {key!r}, ignored")

    def strings(self, doc: _Lined, key: str) -> tuple[str, ...]:
        value = doc.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or any(isinstance(entry, (dict, list)) for entry in value):
            self.warn(doc.key_lines.get(key, doc.line), f"{key!r} should be a list of texts; ignored")
            return ()
        line = doc.key_lines.get(key, doc.line)
        cleaned = (self.clean(str(entry).strip(), line, repr(key)) for entry in value)
        return tuple(entry for entry in cleaned if entry)

    def entries(self, doc: _Lined, key: str) -> list[_Lined]:
        value = doc.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.warn(doc.key_lines.get(key, doc.line), f"{key!r} should be a list; ignored")
            return []
        entries = []
        for entry in value:
            if isinstance(entry, str):  # a bare name is a row with a name only
                lined = _Lined(name=entry)
                lined.line = doc.key_lines.get(key, doc.line)
                lined.key_lines = {}
                entries.append(lined)
            elif isinstance(entry, _Lined):
                entries.append(entry)
            else:
                self.warn(doc.key_lines.get(key, doc.line), f"{key!r}: entry {entry!r} is not a mapping; skipped")
                self.skipped += 1
        return entries

    def relevancy(self, entry: _Lined, where: str) -> int | None:
        value, problem = parse_relevancy(entry.get("relevancy"))
        if problem:
            self.warn(entry.key_lines.get("relevancy", entry.line), f"{where}: {problem}")
        return value

    def signal(self, entry: _Lined) -> Signal | None:
        self.check_keys(entry, _SIGNAL_KEYS, "signal")
        name = self.text(entry, "name", "signal")
        description = self.text(entry, "description", "signal")
        if not name and not description:
            self.warn(entry.line, "signal has neither name nor description; skipped")
            self.skipped += 1
            return None
        change: Shift | None = None
        shift = entry.get("shift")
        if isinstance(shift, dict):
            before, after = shift.get("from"), shift.get("to")
            text = self.text(entry, "change", "signal") or f"From {before} to {after}."
            change = Shift(text, str(before).strip() if before else None, str(after).strip() if after else None)
        elif shift is not None:
            self.warn(entry.key_lines.get("shift", entry.line), "signal: 'shift' should be {from: …, to: …}")
        if change is None:
            change_text = self.text(entry, "change", "signal")
            change = parse_shift(change_text) if change_text else None
        return Signal(
            name=name or description or "",
            description=description,
            change=change,
            outlook=self.text(entry, "outlook", "signal") or self.text(entry, "10-year", "signal"),
            driving_force=self.text(entry, "driving_force", "signal") or self.text(entry, "driving-force", "signal"),
            relevancy=self.relevancy(entry, "signal"),
            line=entry.line,
        )

    def read(self, text: str, digest: str) -> ReadResult:
        try:
            doc = pyyaml.load(text, Loader=_LineLoader)
        except pyyaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line = mark.line + 1 if mark else None
            raise ScanFormatError(self.path, line, f"invalid YAML: {error.problem or error}") from None
        except pyyaml.YAMLError as error:
            raise ScanFormatError(self.path, None, f"invalid YAML: {error}") from None
        except _TooComplex as error:
            raise ScanFormatError(self.path, error.line, str(error)) from None
        except RecursionError:
            raise ScanFormatError(self.path, None, "YAML nested too deeply for a scan") from None
        except ValueError as error:  # an integer of more digits than Python converts, say
            raise ScanFormatError(self.path, None, f"invalid YAML value: {str(error).splitlines()[0]}") from None
        if not isinstance(doc, _Lined):
            raise ScanFormatError(self.path, 1, "a YAML scan is a mapping with at least a 'title'")
        self.check_keys(doc, _TOP_KEYS, "scan")
        title = self.text(doc, "title", "scan")
        if not title:
            raise ScanFormatError(self.path, doc.line, "the scan has no 'title'")
        url = self.text(doc, "url", "scan")
        if not url:
            self.warn(doc.line, "no 'url': the scan has no source article")

        page_date: date | None = None
        raw_date = doc.get("page_date")
        page_id = self.text(doc, "page_id", "scan")
        if isinstance(raw_date, datetime):  # a time of day says nothing more here: its day
            raw_date = raw_date.date()
        if isinstance(raw_date, date):
            page_date = raw_date
            page_id = page_id or raw_date.strftime("%Y%m%d")
        elif raw_date is not None:
            page_id = page_id or str(raw_date).replace("-", "")
        if page_id and page_date is None:
            page_date, problem = parse_page_date(page_id)
            if problem:
                self.warn(doc.key_lines.get("page_date", doc.line), problem)
        elif page_date is not None and page_date > date.today():
            self.warn(doc.key_lines.get("page_date", doc.line),
                      f"page date {page_date.isoformat()} is in the future; kept as page id only")
            page_date = None

        signals = []
        for entry in self.entries(doc, "signals"):
            signal = self.signal(entry)
            if signal is not None:
                signals.append(signal)
                self.rows += 1
        items = []
        for section, kind in _SECTION_KINDS.items():
            for entry in self.entries(doc, section):
                self.check_keys(entry, _ITEM_KEYS, kind.value)
                name = self.text(entry, "name", kind.value)
                description = self.text(entry, "description", kind.value)
                if not name and not description:
                    self.warn(entry.line, f"{kind.value} has neither name nor description; skipped")
                    self.skipped += 1
                    continue
                items.append(Item(kind, name, description, self.relevancy(entry, kind.value), entry.line))
                self.rows += 1

        links = self.links(doc, signals, items)
        given = self.text(doc, "id", "scan")
        source = given or (corpus_id(url) if url else self.path.stem)
        scan = Scan(
            id=scan_id(source, text),
            title=title,
            url=url,
            page_id=page_id,
            page_date=page_date,
            page_url=self.text(doc, "page_url", "scan"),
            summary=self.text(doc, "summary", "scan"),
            keywords=self.strings(doc, "keywords"),
            themes=self.strings(doc, "themes"),
            category=self.text(doc, "category", "scan"),
            scan_type=self.text(doc, "type", "scan"),
            signals=tuple(signals),
            items=tuple(items),
            closest=tuple(ClosestScan(target) for target in self.strings(doc, "closest")
                          if target not in {given, source}),
            links=tuple(links),
            source_file=self.path.name,
            digest=digest,
        )
        return ReadResult(scan, self.warnings, self.rows, self.skipped)

    def links(self, doc: _Lined, signals: list[Signal], items: list[Item]) -> list[Link]:
        """Check each link's ends name exactly one row, and write them as ``kind:name``."""
        names: dict[str, list[str]] = {}
        for signal in signals:
            names.setdefault(signal.name.casefold(), []).append(f"signal:{signal.name}")
        for item in items:
            names.setdefault(item.label.casefold(), []).append(f"{item.kind.value}:{item.label}")
        known_kinds = {"signal"} | {kind.value for kind in ItemKind}

        def resolve(text: str, line: int) -> str | None:
            if text.startswith(("http://", "https://", "urn:")):
                if is_safe_iri(text):
                    return text
                self.warn(line, f"link end {text!r} is not a valid IRI; link skipped")
                return None
            kind, sep, rest = text.partition(":")
            if sep and kind.strip().lower() in known_kinds:
                wanted = f"{kind.strip().lower()}:{rest.strip()}".casefold()
                found = [ref for refs in names.values() for ref in refs if ref.casefold() == wanted]
            else:
                found = names.get(text.casefold(), [])
            if len(found) == 1:
                return found[0]
            if not found:
                self.warn(line, f"link end {text!r} names no row of this scan; link skipped")
            else:
                self.warn(line, f"link end {text!r} is ambiguous ({', '.join(found)}); write it as "
                          "'kind:name'; link skipped")
            return None

        links = []
        for entry in self.entries(doc, "links"):
            self.check_keys(entry, _LINK_KEYS, "link")
            source, relation, target = (self.text(entry, key, "link") for key in ("from", "relation", "to"))
            if not (source and relation and target):
                self.warn(entry.line, "a link needs 'from', 'relation' and 'to'; link skipped")
                continue
            if relation not in LINK_RELATIONS:
                self.warn(entry.key_lines.get("relation", entry.line),
                          f"unknown relation {relation!r} (use one of {', '.join(LINK_RELATIONS)}); link skipped")
                continue
            source_ref = resolve(source, entry.key_lines.get("from", entry.line))
            target_ref = resolve(target, entry.key_lines.get("to", entry.line))
            if source_ref and target_ref:
                links.append(Link(source_ref, relation, target_ref, self.text(entry, "note", "link"), entry.line))
        return links


def read_yaml(path: str | Path) -> ReadResult:
    """Read one YAML signal scan.

    Raises:
        ScanFormatError: the file is not valid YAML or has no title.
    """
    path = Path(path)
    text, digest = read_text(path)
    return _Reader(path).read(text, digest)
