"""Read signal scans written in the generator's markdown layout.

Both layouts of the corpus are understood:

* old: ``# __Title__, from ([YYYYMMDD](page).)`` then Summary, Keywords, Themes,
  Signals (``Signal|Change|10y horizon|Driving force``) and Closest;
* new: ``# __Title__, (from page [YYYYMMDD](page).)`` then Keywords, Themes, Other
  (Category, Type), Summary, Signals (``name|description|change|10-year|
  driving-force|relevancy``), Concerns, Behaviors, Technologies and Issues.

The reader never gives up on a whole file for one bad row: rows it cannot make
sense of are reported with their line number and left out, unknown sections and
columns are reported and ignored.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from foresight.errors import ScanFormatError
from foresight.model import ClosestScan, Item, ItemKind, Scan, Signal, corpus_id, parse_shift, scan_id
from foresight.readers.base import ReadResult, ScanWarning, clean_text, parse_page_date, parse_relevancy, read_text

_PAGE_LINK = re.compile(r"\[(?P<page>[^\]]+)\]\((?P<url>[^)\s]*)\)")
_EXTERNAL = re.compile(r"^_*\[External link\]\((?P<url>.*)\)_*\s*$", re.IGNORECASE)
_BULLET = re.compile(r"^[*+-]\s+(?P<text>.*)$")
_CLOSEST = re.compile(r"^\[(?P<title>.*)\]\((?P<id>[^)\s]+)\)\s*$")
_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")
_SPACED_PIPE = re.compile(r"(?<=\s)\|(?=\s)")

def split_title(line: str) -> tuple[str, str] | None:
    """The title of a ``# `` line and what follows it (``, (from page [YYYYMMDD](…).)``), in linear time.

    Reads what ``^#\\s+(?:__(?P<title>.+)__|(?P<plain>.+?))\\s*(?P<rest>,.*)?$`` would, without the
    backtracking that made a 4,000-character line take 45 s.

    >>> split_title("# __Drones at Rallies__, (from page [20250323d](https://x.org/p).)")
    ('Drones at Rallies', ', (from page [20250323d](https://x.org/p).)')
    >>> split_title("# Plain title, more"), split_title("#no space")
    (('Plain title', ', more'), None)
    """
    if not line.startswith("#") or len(line) < 2 or not line[1].isspace():
        return None
    content = line[1:].lstrip()
    if not content:
        return ("", "") if len(line) > 2 else None  # only spaces: an empty title, as the pattern reads it
    # after[k]: where the text from k on goes on after its spaces; the rest may be empty or start with ","
    size = len(content)
    after = [size] * (size + 1)
    for k in range(size - 1, -1, -1):
        after[k] = after[k + 1] if content[k].isspace() else k

    def ends(k: int) -> bool:
        return after[k] == size or content[after[k]] == ","

    if content.startswith("__"):
        for j in range(size - 2, 2, -1):  # the last "__" that leaves a title and a valid rest
            if content[j:j + 2] == "__" and ends(j + 2):
                return content[2:j].strip(), content[after[j + 2]:]
    for m in range(1, size + 1):  # the shortest title that leaves a valid rest
        if ends(m):
            return content[:m].strip(), content[after[m]:]
    raise AssertionError("unreachable: the whole line is a title")  # pragma: no cover


def section_name(line: str) -> str | None:
    """The name of a ``## Section`` line (stripped), or ``None``, in linear time (trailing ``#`` left out).

    >>> section_name("## Signals ##"), section_name("##Signals"), section_name("### Sub")
    ('Signals', None, 'Sub')
    """
    if not line.startswith("##") or len(line) < 3 or not line[2].isspace():
        return None if not line.startswith("###") else section_name(line[1:])
    body = line[2:].strip()
    if not body:
        return None
    name = body.rstrip("#").rstrip()
    return name or body[:1]


KNOWN_SECTIONS = (
    "Keywords", "Themes", "Other", "Summary", "Signals", "Closest", *(kind.section for kind in ItemKind)
)

# Column titles as the generator wrote them, by the field they fill.
_SIGNAL_COLUMNS = {
    "name": "name", "signal": "name",
    "description": "description",
    "change": "change",
    "10-year": "outlook", "10y horizon": "outlook", "10-year horizon": "outlook", "outlook": "outlook",
    "driving-force": "driving_force", "driving force": "driving_force",
    "relevancy": "relevancy",
}
_ITEM_COLUMNS = {"name": "name", "description": "description", "relevancy": "relevancy", "src": "src"}


@dataclass
class _Row:
    line: int
    cells: dict[str, str]


class _Reader:
    def __init__(self, path: Path, text: str, source_text: str) -> None:
        self.path = path
        self.source_text = source_text  # the file's text as read, which the scan id digests
        # lines end at a newline only: str.splitlines() also breaks at form feeds, U+2028 and other
        # separators a cell may hold, which dropped rows and shifted every later line number
        self.lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self.warnings: list[ScanWarning] = []
        self.rows = 0
        self.skipped = 0

    def warn(self, line: int | None, message: str) -> None:
        self.warnings.append(ScanWarning(str(self.path), line, message))

    # -- sections ---------------------------------------------------------------------------
    def split_sections(self) -> tuple[list[tuple[int, str]], dict[str, list[tuple[int, str]]]]:
        preamble: list[tuple[int, str]] = []
        sections: dict[str, list[tuple[int, str]]] = {}
        current: list[tuple[int, str]] = preamble
        for number, raw in enumerate(self.lines, start=1):
            found = section_name(raw.strip())
            if found is not None and not raw.startswith("###"):
                name = found.strip().strip("_*")
                canonical = next((known for known in KNOWN_SECTIONS if known.lower() == name.lower()), None)
                if canonical is None:
                    self.warn(number, f"unknown section {name!r}, ignored")
                    current = []
                elif canonical in sections:
                    # a second table under the same heading: its header and separator lines were read as
                    # rows named "name" and ":--"; the section is refused, the first one kept
                    self.warn(number, f"section {canonical!r} appears a second time; this one is left out")
                    current = []
                else:
                    current = sections.setdefault(canonical, [])
                continue
            current.append((number, raw))
        return preamble, sections

    # -- header -----------------------------------------------------------------------------
    def read_header(self, preamble: list[tuple[int, str]]) -> dict[str, str | None]:
        content = [(number, line.strip()) for number, line in preamble if line.strip()]
        if not content or not content[0][1].startswith("# "):
            first = content[0][0] if content else 1
            raise ScanFormatError(
                self.path, first, "no title line: a scan starts with '# __Title__, (from page [YYYYMMDD](…).)'"
            )
        number, title_line = content[0]
        split = split_title(title_line)
        assert split is not None  # any '# ' line is a title
        title, rest = split
        header: dict[str, str | None] = {"title": title, "page_id": None, "page_url": None, "url": None}
        page = _PAGE_LINK.search(rest)
        if page:
            header["page_id"] = page.group("page").strip()
            header["page_url"] = page.group("url").strip() or None
        elif rest.strip(" ,"):
            self.warn(number, "title line has no page link '[YYYYMMDD](…)'; page date unknown")
        for other_number, line in content[1:]:
            external = _EXTERNAL.match(line)
            if external:
                header["url"] = external.group("url").strip() or None
            else:
                self.warn(other_number, f"unexpected text before the first section, ignored: {line[:60]!r}")
        return header

    # -- lists ------------------------------------------------------------------------------
    def bullets(self, section: str, lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
        spelled = self.spelled_out(section, lines)
        if spelled is not None:
            return spelled
        found = []
        for number, raw in lines:
            line = raw.strip()
            if not line:
                continue
            match = _BULLET.match(line)
            if match and match.group("text").strip():
                found.append((number, match.group("text").strip()))
            else:
                self.warn(number, f"{section}: expected a '* ' list entry, ignored: {line[:60]!r}")
        return found

    def spelled_out(self, section: str, lines: list[tuple[int, str]]) -> list[tuple[int, str]] | None:
        """A list written one character per entry (``* H``, ``* -``, ``* 1``, ``* B``, ``* ,``, …), read back.

        Some generated scans hold their keywords as one comma-separated text listed letter by
        letter, spaces included. When every entry is one character and they spell commas or
        spaces, the letters are joined and split at the commas, each entry keeping the line of
        its first letter; ``None`` for any other list.
        """
        entries = [(number, raw) for number, raw in lines if raw.strip()]
        if len(entries) < 4 or any(len(raw) != 3 or raw[:2] not in {"* ", "- ", "+ "} for _, raw in entries):
            return None
        letters = [(number, raw[2]) for number, raw in entries]
        if not any(letter in ", " for _, letter in letters):
            return None
        found: list[tuple[int, str]] = []
        start, word = None, ""
        for number, letter in [*letters, (0, ",")]:
            if letter == ",":
                if word.strip():
                    found.append((start or number, " ".join(word.split())))
                start, word = None, ""
            else:
                if start is None and letter != " ":
                    start = number
                word += letter
        self.warn(entries[0][0], f"{section}: listed one character per line; read as {len(found)} "
                                 "comma-separated entries")
        return found

    # -- tables -----------------------------------------------------------------------------
    def table(self, section: str, lines: list[tuple[int, str]], columns: dict[str, str]) -> list[_Row]:
        body = [(number, raw.strip()) for number, raw in lines if raw.strip()]
        table = [(number, line) for number, line in body if line.startswith("|")]
        for number, line in body:
            if not line.startswith("|"):
                self.warn(number, f"{section}: text outside the table, ignored: {line[:60]!r}")
        if not table:
            if body:
                self.warn(body[0][0], f"{section}: no table found")
            return []
        header_line, header = table[0]
        titles = [cell.strip() for cell in _split_simple(header)]
        fields: list[str | None] = []
        for title in titles:
            field_name = columns.get(title.lower())
            if field_name is None:
                self.warn(header_line, f"{section}: unknown column {title!r}, ignored")
            fields.append(field_name)
        if "name" not in fields and "description" not in fields:
            self.warn(header_line, f"{section}: table has neither a name nor a description column; skipped")
            self.skipped += max(0, len(table) - 2)
            return []
        data = table[1:]
        separator: str | None = None
        if data and _SEPARATOR.match(data[0][1]):
            separator = data[0][1]
            data = data[1:]
        else:
            self.warn(header_line + 1, f"{section}: table header has no |---| separator line")
        rows: list[_Row] = []
        for number, line in data:
            cells = self.split_row(section, number, line, len(titles), separator)
            if cells is None:
                self.skipped += 1
                continue
            values = {f: c for f, c in zip(fields, cells, strict=True) if f is not None}
            rows.append(_Row(number, values))
        return self.mend_broken_rows(section, rows, set(columns))

    def split_row(self, section: str, number: int, line: str, width: int, separator: str | None) -> list[str] | None:
        cells = _split_simple(line)
        if len(cells) == width:
            return [cell.strip() for cell in cells]
        if len(cells) > width:
            # A '|' inside a cell. The generator pads every cell to its column's
            # width, so the separator line shows where the real column borders are.
            recovered = _split_at_borders(line, separator) if separator else None
            if recovered is None or len(recovered) != width:
                spaced = _SPACED_PIPE.split(_strip_outer(line))
                recovered = spaced if len(spaced) == width else None
            if recovered is not None:
                self.warn(number, f"{section}: a '|' inside a cell; row recovered from the column borders")
                return [cell.strip() for cell in recovered]
            self.warn(
                number,
                f"{section}: row has {len(cells)} cells for {width} columns (a '|' inside a cell?) "
                "and cannot be split safely; row skipped",
            )
            return None
        self.warn(number, f"{section}: truncated row, {len(cells)} cells for {width} columns; row skipped")
        return None

    def mend_broken_rows(self, section: str, rows: list[_Row], column_titles: set[str]) -> list[_Row]:
        """Drop the generator's broken rows; rejoin one that was split in two.

        A broken row has a name ending in ',' and nothing else. When the next row's
        name is only a column title ('description'), the generator cut one row in
        two: the name comes from the first half, the rest from the second.
        """
        mended: list[_Row] = []
        index = 0
        while index < len(rows):
            row = rows[index]
            others = [value for key, value in row.cells.items() if key != "name"]
            name = row.cells.get("name", "")
            if name.endswith(",") and all(value.lower() in {"", "nan"} for value in others):
                follower = rows[index + 1] if index + 1 < len(rows) else None
                if follower is not None and follower.cells.get("name", "").lower() in column_titles:
                    follower.cells["name"] = name.rstrip(", ")
                    self.warn(row.line, f"{section}: row {name!r} was split over lines {row.line}-"
                              f"{follower.line} by the generator; joined")
                    mended.append(_Row(row.line, follower.cells))
                    self.skipped += 1  # two file rows, one node
                    index += 2
                    continue
                self.warn(row.line, f"{section}: broken generator row {name!r} with empty cells; row skipped")
                self.skipped += 1
                index += 1
                continue
            if not any(row.cells.values()):
                self.warn(row.line, f"{section}: empty row; skipped")
                self.skipped += 1
                index += 1
                continue
            mended.append(row)
            index += 1
        return mended

    def relevancy(self, row: _Row, section: str) -> int | None:
        value, problem = parse_relevancy(row.cells.get("relevancy"))
        if problem:
            self.warn(row.line, f"{section}: {problem}")
        return value

    # -- whole file ---------------------------------------------------------------------------
    def read(self, digest: str) -> ReadResult:
        preamble, sections = self.split_sections()
        header = self.read_header(preamble)
        title_line = next((n for n, line in preamble if line.strip()), 1)
        page_date = None
        if header["page_id"]:
            page_date, problem = parse_page_date(header["page_id"])
            if problem:
                self.warn(title_line, problem)
        if not header["url"]:
            self.warn(None, "no External link: the scan has no source article")

        other: dict[str, str] = {}
        for number, entry in self.bullets("Other", sections.get("Other", [])):
            key, sep, value = entry.partition(":")
            if sep and key.strip().lower() in {"category", "type"}:
                other[key.strip().lower()] = value.strip()
            else:
                self.warn(number, f"Other: unknown entry {entry[:40]!r}, ignored")

        summary_lines = [line.strip() for _, line in sections.get("Summary", [])]
        summary = _without_stray_fence("\n".join(summary_lines).strip()) or None

        signals = self.signals(sections.get("Signals", []))
        items: list[Item] = []
        for kind in ItemKind:
            for row in self.table(kind.section, sections.get(kind.section, []), _ITEM_COLUMNS):
                name = row.cells.get("name") or None
                description = row.cells.get("description") or None
                items.append(Item(kind, name, description, self.relevancy(row, kind.section), row.line))
                self.rows += 1

        # the scan's id: its article and a digest of its content, never the file name alone
        identity = scan_id(corpus_id(header["url"]) if header["url"] else self.path.stem, self.source_text)
        closest = []
        seen = {self.path.stem}
        for number, entry in self.bullets("Closest", sections.get("Closest", [])):
            match = _CLOSEST.match(entry)
            if not match:
                self.warn(number, f"Closest: expected '[title](scan id)', ignored: {entry[:60]!r}")
                continue
            target = match.group("id").strip()
            # the generator sometimes lists the scan itself, or one scan twice
            if target in seen or (header["url"] and target == corpus_id(header["url"])):
                continue
            seen.add(target)
            closest.append(ClosestScan(target, match.group("title").strip() or None))

        scan = Scan(
            id=identity,
            title=header["title"] or self.path.stem,
            url=header["url"],
            page_id=header["page_id"],
            page_date=page_date,
            page_url=header["page_url"],
            summary=summary,
            keywords=tuple(_unique(text for _, text in self.bullets("Keywords", sections.get("Keywords", [])))),
            themes=tuple(_unique(text for _, text in self.bullets("Themes", sections.get("Themes", [])))),
            category=other.get("category") or None,
            scan_type=other.get("type") or None,
            signals=tuple(signals),
            items=tuple(items),
            closest=tuple(closest),
            source_file=self.path.name,
            digest=digest,
        )
        return ReadResult(scan, self.warnings, self.rows, self.skipped)

    def signals(self, lines: list[tuple[int, str]]) -> list[Signal]:
        signals = []
        for row in self.table("Signals", lines, _SIGNAL_COLUMNS):
            name = row.cells.get("name", "")
            description = row.cells.get("description") or None
            if not name:
                if not description:
                    self.warn(row.line, "Signals: row has no name and no description; skipped")
                    self.skipped += 1
                    continue
                name = description
            change = row.cells.get("change")
            signals.append(
                Signal(
                    name=name,
                    description=description,
                    change=parse_shift(change) if change and change.lower() != "nan" else None,
                    outlook=_present(row.cells.get("outlook")),
                    driving_force=_present(row.cells.get("driving_force")),
                    relevancy=self.relevancy(row, "Signals"),
                    line=row.line,
                )
            )
            self.rows += 1
        return signals


def _without_stray_fence(text: str) -> str:
    """A summary without the lone code fence some generated scans end (or start) it with.

    >>> _without_stray_fence("Remote exams match in-person ones. ```")
    'Remote exams match in-person ones.'
    >>> _without_stray_fence("Run ```make``` first.")
    'Run ```make``` first.'
    """
    if text.count("```") % 2 == 1:
        if text.endswith("```"):
            return text[:-3].rstrip()
        if text.startswith("```"):
            return text[3:].lstrip()
    return text


def _present(value: str | None) -> str | None:
    if value is None or value.strip().lower() in {"", "nan"}:
        return None
    return value.strip()


def _unique(values: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for value in values:
        key = " ".join(value.split()).casefold()
        if key not in seen:
            seen.add(key)
            out.append(value)
    return out


def _strip_outer(line: str) -> str:
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|"):
        line = line[:-1]
    return line


def _split_simple(line: str) -> list[str]:
    return _strip_outer(line).split("|")


def _split_at_borders(line: str, separator: str) -> list[str] | None:
    """Split a row at the column borders of its table's separator line, if they line up."""
    line = line.strip()
    if len(line) != len(separator):
        return None
    borders = [index for index, char in enumerate(separator) if char == "|"]
    if any(line[index] != "|" for index in borders):
        return None
    return [line[start + 1 : end] for start, end in itertools.pairwise(borders)]


def read_markdown(path: str | Path) -> ReadResult:
    """Read one markdown signal scan.

    Args:
        path: the ``.md`` file; the scan id is its article's corpus id (its file name when it has no link) and
            a digest of its content.

    Returns:
        The scan with the warnings met on the way.

    Raises:
        ScanFormatError: the file is not a readable scan at all.
    """
    path = Path(path)
    text, digest = read_text(path)
    cleaned, removed = clean_text(text)
    result = _Reader(path, cleaned, text).read(digest)
    if removed:
        result.warnings.insert(0, ScanWarning(str(path), None, f"{removed} control character(s) an export cannot "
                                                               "carry were removed"))
    return result
