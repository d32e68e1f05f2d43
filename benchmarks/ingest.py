"""Ingest benchmark: real bulk scans, a generated 10,000-scan corpus, and re-ingest.

Usage::

    python benchmarks/ingest.py [--count 10000] [--bulk ../shared/corpus/bulk] [--skip-generated]

Every measured phase runs in a fresh process (multiprocessing ``spawn``), so each
peak RSS is that phase's own. Stores and the generated corpus live in a temporary
directory that is removed at the end; nothing is written into the repository.
The figures are printed to stdout; the exit status is 0 whether targets are met
or not (these are figures, not tests), and when ``../shared`` is absent.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from multiprocessing import get_context
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import DEFAULT_BULK, generate_corpus

TARGET_SCANS_PER_SECOND = 300.0
TARGET_ONE_SCAN_SECONDS = 0.5
EDIT = " Edited by the benchmark."
REPEATS = 3

Result = dict[str, Any]


# -- phases (each runs in its own process) ---------------------------------------------------


def _peak_rss_mb() -> float:
    """This process's peak resident set size in MB (ru_maxrss is in KiB on Linux)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _dir_mb(directory: Path, pattern: str = "*") -> float:
    """The sum of the sizes of the files under ``directory`` matching ``pattern``, in MB."""
    return sum(path.stat().st_size for path in directory.rglob(pattern) if path.is_file()) / 1e6


def phase_ingest(store_dir: str, sources: list[str]) -> Result:
    """Open the store, ingest ``sources``, close; timed from open to close, counting left out.

    Args:
        store_dir: the store directory (created when missing).
        sources: files or directories to ingest.

    Returns:
        The ingest report's counts, the store's quad count, the time, the store's
        size on disk and this process's peak RSS.
    """
    from foresight.ingest import ingest
    from foresight.store import open_store

    start = time.perf_counter()
    store = open_store(store_dir)
    report = ingest(store, sources)
    # counting walks a whole index (0.5 s for 3 million quads): not part of the ingest time
    counting = time.perf_counter()
    quads = store.triple_count()
    counting = time.perf_counter() - counting
    store.close()
    seconds = time.perf_counter() - start - counting
    return {
        "files": report.files,
        "written": report.written,
        "unchanged": report.unchanged,
        "failed": report.failed,
        "rows": report.rows,
        "triples": report.triples,
        "warnings": len(report.warnings),
        "quads": quads,
        "seconds": seconds,
        "store_mb": _dir_mb(Path(store_dir)),
        # RocksDB write-ahead logs (NNNNNN.log) left behind by the close
        "wal_mb": _dir_mb(Path(store_dir), "*.log"),
        "rss_mb": _peak_rss_mb(),
    }


def phase_counts(store_dir: str, graphs: list[str]) -> Result:
    """Count the store's quads, and the quads of each graph named.

    Returns:
        ``{"quads": total, "graphs": {graph: count}}``.
    """
    import pyoxigraph as ox

    from foresight.store import open_store
    from foresight.store.oxigraph import OxigraphStore

    store = open_store(store_dir, read_only=True)
    assert isinstance(store, OxigraphStore)
    raw = store.bulk_quads()
    counts = {
        graph: sum(1 for _ in raw.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
        for graph in graphs
    }
    total = store.triple_count()
    store.close()
    return {"quads": total, "graphs": counts}


def run_in_fresh_process(function: Callable[..., Result], *args: Any) -> Result:
    """Run ``function(*args)`` in a new spawned process and return its result."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


# -- helpers ---------------------------------------------------------------------------------


def edit_one_description(path: Path, section: str = "Concerns") -> str:
    """Append a sentence to the description cell of the first row of ``section``.

    Returns:
        The new description.

    Raises:
        ValueError: the file has no such row.
    """
    lines = path.read_text(encoding="utf-8").split("\n")
    start = lines.index(f"## {section}")
    rows = [index for index in range(start + 1, len(lines)) if lines[index].startswith("|")]
    if len(rows) < 3:
        raise ValueError(f"{path}: no data row in {section}")
    cells = lines[rows[2]].split("|")
    cells[2] = f" {cells[2].strip()}{EDIT} "
    lines[rows[2]] = "|".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")
    return cells[2].strip()


def verdict(ok: bool) -> str:
    """PASS or MISS."""
    return "PASS" if ok else "MISS"


def print_ingest_table(columns: list[tuple[str, Result]]) -> None:
    """Print the ingest figures, one column per phase."""

    def rate(result: Result, key: str) -> float:
        return float(result[key]) / result["seconds"] if result["seconds"] else 0.0

    metrics: list[tuple[str, Callable[[Result], str]]] = [
        ("scans ingested", lambda r: f"{r['written']:,}"),
        ("scans failed", lambda r: f"{r['failed']:,}"),
        ("table rows", lambda r: f"{r['rows']:,}"),
        ("reader warnings", lambda r: f"{r['warnings']:,}"),
        ("triples written", lambda r: f"{r['triples']:,}"),
        ("quads in store", lambda r: f"{r['quads']:,}"),
        ("seconds (open..close)", lambda r: f"{r['seconds']:.1f}"),
        ("scans/s", lambda r: f"{rate(r, 'written'):,.0f}"),
        ("triples/s", lambda r: f"{rate(r, 'triples'):,.0f}"),
        ("store size on disk MB", lambda r: f"{r['store_mb']:,.1f}"),
        ("  of which WAL (*.log) MB", lambda r: f"{r['wal_mb']:,.1f}"),
        ("peak RSS MB", lambda r: f"{r['rss_mb']:,.0f}"),
        (
            f"target >= {TARGET_SCANS_PER_SECOND:.0f} scans/s",
            lambda r: verdict(rate(r, "written") >= TARGET_SCANS_PER_SECOND),
        ),
    ]
    width = max(len(name) for name, _ in metrics) + 2
    print("".ljust(width) + "".join(title.rjust(18) for title, _ in columns))
    print("-" * (width + 18 * len(columns)))
    for name, show in metrics:
        print(name.ljust(width) + "".join(show(result).rjust(18) for _, result in columns))


# -- main ------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description="foresight ingest benchmark")
    parser.add_argument("--count", type=int, default=10_000, help="generated scans (default 10000)")
    parser.add_argument(
        "--bulk", type=Path, default=DEFAULT_BULK, help=f"directory of bulk scans (default {DEFAULT_BULK})"
    )
    parser.add_argument("--skip-generated", action="store_true", help="only ingest the bulk scans")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated corpus (default 0)")
    args = parser.parse_args(argv)

    bulk: Path = args.bulk
    if not bulk.is_dir() or not any(bulk.glob("*.md")):
        print(f"benchmark skipped: no bulk scans at {bulk} (../shared/corpus beside the project is needed)")
        return 0

    import pyoxigraph

    print(
        f"foresight ingest benchmark, {date.today().isoformat()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, pyoxigraph {pyoxigraph.__version__}"
    )
    print(f"bulk: {bulk.resolve()}")
    print()
    columns: list[tuple[str, Result]] = []
    with tempfile.TemporaryDirectory(prefix="foresight-bench-") as tmp:
        work = Path(tmp)
        print("ingesting the bulk scans into a fresh store ...", flush=True)
        columns.append(("bulk", run_in_fresh_process(phase_ingest, str(work / "bulk-store"), [str(bulk)])))

        if args.skip_generated:
            print()
            print_ingest_table(columns)
            return 0

        corpus_dir = work / "generated"
        print(f"generating {args.count:,} scans ...", flush=True)
        start = time.perf_counter()
        paths = generate_corpus(corpus_dir, args.count, bulk, args.seed)
        generation = time.perf_counter() - start
        corpus_mb = _dir_mb(corpus_dir)

        store_dir = str(work / "generated-store")
        print(f"ingesting the {len(paths):,} generated scans into a fresh store ...", flush=True)
        generated = run_in_fresh_process(phase_ingest, store_dir, [str(corpus_dir)])
        columns.append((f"generated {len(paths):,}", generated))

        from foresight.vocab import VOCABULARY_GRAPH, scan_graph_iri

        changed = sorted(paths)[len(paths) // 2]
        graph = scan_graph_iri(changed.stem)
        watched = [graph, VOCABULARY_GRAPH]
        before = run_in_fresh_process(phase_counts, store_dir, watched)
        edit_one_description(changed)
        print("re-ingesting one changed scan ...", flush=True)
        one = run_in_fresh_process(phase_ingest, store_dir, [str(changed)])
        after = run_in_fresh_process(phase_counts, store_dir, watched)
        # again, now that the store has been reopened once since the big ingest
        repeats = []
        for _ in range(REPEATS):
            edit_one_description(changed)
            repeats.append(run_in_fresh_process(phase_ingest, store_dir, [str(changed)]))
        print("re-ingesting the unchanged directory ...", flush=True)
        noop = run_in_fresh_process(phase_ingest, store_dir, [str(corpus_dir)])

    print()
    print_ingest_table(columns)
    print()
    print(
        f"generation of {len(paths):,} scans: {generation:.1f} s ({corpus_mb:.1f} MB on disk; "
        "not counted in ingest time)"
    )
    print()

    old_graph, new_graph = before["graphs"][graph], after["graphs"][graph]
    vocabulary_delta = after["graphs"][VOCABULARY_GRAPH] - before["graphs"][VOCABULARY_GRAPH]
    expected = before["quads"] - old_graph + new_graph + vocabulary_delta
    replaced = after["quads"] == expected and after["quads"] - before["quads"] != new_graph
    one_ok = one["seconds"] < TARGET_ONE_SCAN_SECONDS and one["written"] == 1
    print(f"re-ingest of one changed scan ({changed.name}, into the {len(paths):,}-scan store)")
    print(
        f"  seconds (open..close)        {one['seconds']:.3f}   target < {TARGET_ONE_SCAN_SECONDS} s   "
        f"{verdict(one_ok)}"
    )
    times = sorted(result["seconds"] for result in repeats)
    median = statistics.median(times)
    again_ok = median < TARGET_ONE_SCAN_SECONDS and all(r["written"] == 1 for r in repeats)
    print(
        f"  edited again, {REPEATS} runs, median {median:.3f}   target < {TARGET_ONE_SCAN_SECONDS} s   "
        f"{verdict(again_ok)}   (min {times[0]:.3f}, max {times[-1]:.3f}; store reopened before)"
    )
    print(f"  scans written / failed       {one['written']} / {one['failed']}")
    print(f"  peak RSS MB                  {one['rss_mb']:,.0f}")
    print(f"  quads before                 {before['quads']:,}")
    print(f"  scan graph before / after    {old_graph:,} / {new_graph:,}")
    print(f"  vocabulary graph change      {vocabulary_delta:+,}")
    print(
        f"  quads after                  {after['quads']:,}  (expected before - old graph + new graph "
        f"+ vocabulary change = {expected:,})"
    )
    print(f"  old graph replaced           {'yes' if replaced else 'NO'}")
    print()
    noop_ok = (
        noop["written"] == 0 and noop["unchanged"] == len(paths) and noop["quads"] == repeats[-1]["quads"]
    )
    print(f"re-ingest of the unchanged {len(paths):,}-scan directory (idempotent no-op)")
    print(
        f"  seconds (open..close)        {noop['seconds']:.1f}   "
        f"({noop['unchanged'] / noop['seconds'] if noop['seconds'] else 0:,.0f} scans/s checked)"
    )
    print(f"  written / unchanged / failed {noop['written']:,} / {noop['unchanged']:,} / {noop['failed']:,}")
    print(f"  peak RSS MB                  {noop['rss_mb']:,.0f}")
    print(f"  store untouched              {'yes' if noop_ok else 'NO'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
