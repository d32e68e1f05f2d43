"""Generate a synthetic scan corpus shaped like the bulk scans, for benchmarks.

The bulk scans (``../shared/corpus/bulk``) are third-party text: the generated
files are assembled from their table rows at run time, written to a directory the
caller gives (a temporary one in the benchmarks), and never kept in the repository.

Each generated scan:

* takes its per-section row counts from one bulk scan picked at random, so the
  corpus has the bulk files' joint row-count distribution (including the few
  scans without a Technologies table);
* fills each section with rows sampled, without repetition inside the scan, from
  all the bulk rows of that section, re-padded into one aligned table the way the
  generator writes them (a row with a ``|`` inside a cell is kept as it was);
* has the bulk title line, External link and section layout, a page date drawn
  between 2023-01-01 and 2026-10-31, and a fresh id: the corpus MD5 of the
  synthetic URL ``https://example.org/generated/<n>`` (see
  :func:`foresight.model.corpus_id`), which is also its External link.

The output depends only on the bulk files and the seed.

Usage::

    python benchmarks/corpus.py OUT_DIR --count 1000 [--bulk ../shared/corpus/bulk] [--seed 0]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from foresight.model import corpus_id

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BULK = ROOT.parent / "shared" / "corpus" / "bulk"

SECTIONS = ("Signals", "Concerns", "Behaviors", "Technologies", "Issues")
FIRST_DAY = date(2023, 1, 1)
LAST_DAY = date(2026, 10, 31)
URL_PATTERN = "https://example.org/generated/{n}"


@dataclass
class SectionPool:
    """Every data row of one section across the bulk files, with the table's columns.

    Attributes:
        titles: the column titles, from the first table met.
        right: indexes of the right-aligned (numeric) columns, from its separator line.
        rows: the data rows as raw lines, in file order.
    """

    titles: list[str] = field(default_factory=list)
    right: set[int] = field(default_factory=set)
    rows: list[str] = field(default_factory=list)


@dataclass
class BulkSample:
    """What generation needs from the bulk files.

    Attributes:
        pools: the rows of each section.
        shapes: for each bulk file, its sections in order with their row counts.
    """

    pools: dict[str, SectionPool]
    shapes: list[tuple[tuple[str, int], ...]]


def _cells(line: str) -> list[str]:
    """The cells of a table line, split at every ``|`` (outer pipes dropped)."""
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|"):
        text = text[:-1]
    return text.split("|")


def _tables(path: Path) -> list[tuple[str, list[str]]]:
    """The tables of the known sections of one scan file, in file order, as raw lines."""
    tables: list[tuple[str, list[str]]] = []
    current: list[str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            name = line[3:].strip()
            current = [] if name in SECTIONS else None
            if current is not None:
                tables.append((name, current))
        elif current is not None and line.startswith("|"):
            current.append(line)
    # a table needs its header and separator lines
    return [(name, lines) for name, lines in tables if len(lines) >= 2]


def load_bulk(source_dir: Path) -> BulkSample:
    """Parse the bulk files once: collect each section's rows and each file's shape.

    Args:
        source_dir: the directory of bulk ``.md`` scans.

    Returns:
        The row pools and per-file shapes.

    Raises:
        FileNotFoundError: ``source_dir`` holds no ``.md`` file.
    """
    files = sorted(source_dir.glob("*.md"))
    if not files:
        raise FileNotFoundError(f"no .md scans in {source_dir}")
    pools = {name: SectionPool() for name in SECTIONS}
    shapes: list[tuple[tuple[str, int], ...]] = []
    for path in files:
        shape: list[tuple[str, int]] = []
        for section, table in _tables(path):
            pool = pools[section]
            if not pool.titles:
                pool.titles = [cell.strip() for cell in _cells(table[0])]
                pool.right = {
                    index
                    for index, cell in enumerate(_cells(table[1]))
                    if cell.strip().endswith(":") and not cell.strip().startswith(":")
                }
            pool.rows.extend(table[2:])
            shape.append((section, len(table) - 2))
        shapes.append(tuple(shape))
    return BulkSample(pools, shapes)


def render_table(pool: SectionPool, rows: list[str]) -> list[str]:
    """Lay rows out as one aligned pipe table, as the scan generator does.

    Args:
        pool: gives the column titles and alignment.
        rows: raw data lines; those that do not split into one cell per column
            (a ``|`` inside a cell) are kept verbatim.

    Returns:
        The header, separator and row lines.
    """
    width = len(pool.titles)
    split: list[list[str] | str] = []
    for row in rows:
        cells = [cell.strip() for cell in _cells(row)]
        split.append(cells if len(cells) == width else row)
    widths = []
    for index, title in enumerate(pool.titles):
        values = [len(cells[index]) for cells in split if isinstance(cells, list)]
        # numeric columns get two more places for their title, like tabulate's
        minimum = len(title) + (2 if index in pool.right else 0)
        widths.append(max([minimum, *values]))

    def line(cells: list[str]) -> str:
        parts = [
            cell.rjust(size) if index in pool.right else cell.ljust(size)
            for index, (cell, size) in enumerate(zip(cells, widths, strict=True))
        ]
        return "| " + " | ".join(parts) + " |"

    separator = (
        "|"
        + "|".join(
            "-" * (size + 1) + ":" if index in pool.right else ":" + "-" * (size + 1)
            for index, size in enumerate(widths)
        )
        + "|"
    )
    body = [cells if isinstance(cells, str) else line(cells) for cells in split]
    return [line(pool.titles), separator, *body]


def render_scan(scan_id: str, url: str, page_day: date, tables: list[tuple[str, list[str]]]) -> str:
    """The text of one scan in the bulk layout (title, External link, tables)."""
    page = page_day.strftime("%Y%m%d")
    head = (
        f"# __Scan {scan_id}__, (from page [{page}](https://kghosh.substack.com/p/{page}).)\n\n"
        f"__[External link]({url})__\n\n\n"
    )
    body = "\n\n".join(f"## {name}\n\n" + "\n".join(lines) for name, lines in tables)
    return head + body + "\n"


def generate_corpus(target_dir: Path, count: int, source_dir: Path, seed: int = 0) -> list[Path]:
    """Write ``count`` scans shaped like the bulk scans in ``source_dir``.

    Args:
        target_dir: where to write ``<id>.md`` files (created when missing); use
            a temporary directory, never one inside the repository.
        count: how many scans to write.
        source_dir: the bulk scans to sample rows and shapes from.
        seed: the random seed; the same seed gives the same files.

    Returns:
        The paths written, in generation order.

    Raises:
        ValueError: ``target_dir`` is inside the repository.
        FileNotFoundError: ``source_dir`` holds no scans.
    """
    target_dir = Path(target_dir)
    if target_dir.resolve().is_relative_to(ROOT):
        raise ValueError(f"{target_dir}: generated scans hold third-party text; write them outside {ROOT}")
    sample = load_bulk(Path(source_dir))
    rng = random.Random(seed)
    span = (LAST_DAY - FIRST_DAY).days + 1
    target_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for n in range(1, count + 1):
        url = URL_PATTERN.format(n=n)
        scan_id = corpus_id(url)
        shape = rng.choice(sample.shapes)
        page_day = FIRST_DAY + timedelta(days=rng.randrange(span))
        tables = []
        for name, rows in shape:
            pool = sample.pools[name]
            tables.append((name, render_table(pool, rng.sample(pool.rows, min(rows, len(pool.rows))))))
        path = target_dir / f"{scan_id}.md"
        path.write_text(render_scan(scan_id, url, page_day, tables), encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """Command line: generate a corpus into OUT_DIR."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path, help="directory to write the scans to (outside the repository)")
    parser.add_argument("--count", type=int, default=1000, help="number of scans (default 1000)")
    parser.add_argument(
        "--bulk", type=Path, default=DEFAULT_BULK, help=f"directory of bulk scans (default {DEFAULT_BULK})"
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        paths = generate_corpus(args.out_dir, args.count, args.bulk, args.seed)
    except (ValueError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"wrote {len(paths)} scans to {args.out_dir} in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
