"""Concepts benchmark: merging rows across scans into concepts, writing them, refreshing them.

Usage::

    python benchmarks/merge.py [--count 10000] [--bulk ../shared/corpus/bulk] [--skip-generated]
                               [--skip-replicated] [--seed 0]

For the real bulk scans, for a generated corpus of ``--count`` scans, and for the
bulk scans copied round under new file names up to ``--count`` scans (the
``replicate`` of ``paths.py``), each ingested with :func:`foresight.ingest.ingest`
(which does not build concepts) into an on-disk store of its own:

1. the merge: ``build_concepts(views(store).rows())`` (:mod:`foresight.derived`) in a
   process that opens the store read-only; the projection (from the pieces ingest
   left in ``<store>.cache/derived/pieces.sqlite``) is timed apart, the merge is the
   figure with the target. Concepts, concepts named in 3 and in 10 or more scans,
   likely merges left for review, and the rows merged into a concept worded more
   than one way;
2. the write: ``write_concepts(store, concept_set, marker)`` on the store opened
   read-write, with no concepts graph there yet (the projection and the merge are
   done again first, untimed in the figure): the quads of the concepts graph and the
   size of their N-Quads text. The marker names content no store has (as a graph
   written by another tool or an older version would), so that the refresh below
   cannot trust the graph;
3. ``refresh_concepts(store)`` and then ``views(store).index("concepts")``, what
   ``foresight ingest`` leaves ready (``refresh_views``): once in a process with no
   concept index (``<store>.cache/derived/concepts.sqlite`` deleted first), which
   merges, compares the graph read back with the concepts, writes the difference in
   one transaction and builds the concept index; then again in another fresh
   process, which should find the graph's marker equal (nothing written) and read
   the concepts back from the concept index instead of merging.

Dropped with the pickle caches: the size of ``<store>.cache/concepts-*.pickle`` and
whether the second call found it. The sizes shown are those of the files in
``<store>.cache/derived/`` (``pieces.sqlite`` and ``concepts.sqlite``).

For the bulk scans the 10 concepts named in most scans are listed, with their
wordings, so that a reader can judge the merges.

Every measured phase runs in a fresh process (multiprocessing ``spawn``), so each
peak RSS is that phase's own. Stores, caches and corpora live in a temporary
directory that is removed at the end; nothing is written into the repository. The
exit status is 0 whether targets are met or not (these are figures, not tests),
and when ``../shared`` is absent.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from commands import library_state, warn_if_changed
from corpus import DEFAULT_BULK, generate_corpus
from ingest import _dir_mb, _peak_rss_mb, phase_ingest, run_in_fresh_process, verdict
from paths import derived_files, replicate

ROOT = Path(__file__).resolve().parent.parent
TARGET_MERGE_SECONDS = 60.0
TARGET_AT_SCANS = 10_000
TOP = 10
WORDINGS_SHOWN = 3

Result = dict[str, Any]


# -- phases (each runs in its own process) ---------------------------------------------------


def _concept_figures(concept_set: Any) -> Result:
    """What a reader needs to judge a concept set: counts, by kind, and the concepts most scans name."""
    from foresight.derived.concepts import summary

    concepts = list(concept_set.concepts.values())
    worded = [concept for concept in concepts if concept.alt_labels]
    top = []
    for concept in summary(concept_set)[:TOP]:
        top.append({"kind": concept.kind, "label": concept.label, "scans": len(concept.scans),
                    "rows": len(concept.rows), "wordings": 1 + len(concept.alt_labels),
                    "also": concept.alt_labels[:WORDINGS_SHOWN]})
    return {
        "concepts": len(concepts),
        "by_kind": dict(sorted(Counter(concept.kind for concept in concepts).items())),
        "rows": len(concept_set.of_row),
        "recurring_3": sum(1 for concept in concepts if len(concept.scans) >= 3),
        "recurring_10": sum(1 for concept in concepts if len(concept.scans) >= 10),
        "review": len(concept_set.review),
        "worded_concepts": len(worded),
        "worded_rows": sum(len(concept.rows) for concept in worded),
        "matches": Counter(match.relation for match in concept_set.matches),
        "top": top,
    }


def phase_merge(store_dir: str) -> Result:
    """Open the store read-only, project it, and merge its rows into concepts; both timed apart.

    Returns:
        Seconds to project and to merge, the peak RSS after each, nodes, and the
        figures of :func:`_concept_figures`.
    """
    import networkx  # noqa: F401  (imported before the clock starts, as a CLI run would have)
    import rapidfuzz  # noqa: F401

    from foresight.derived import views
    from foresight.derived.concepts import build_concepts
    from foresight.store import open_store

    store = open_store(store_dir, read_only=True)
    start = time.perf_counter()
    graph = views(store).rows()
    projected = time.perf_counter()
    projected_rss = _peak_rss_mb()
    concept_set = build_concepts(graph)
    merged = time.perf_counter()
    rss = _peak_rss_mb()
    store.close()
    return {
        "projection_seconds": projected - start,
        "projection_rss_mb": projected_rss,
        "seconds": merged - projected,
        "nodes": graph.number_of_nodes(),
        "rss_mb": rss,
        **_concept_figures(concept_set),
    }


#: The key the write phase marks the concepts graph with: no store's content has it.
FOREIGN_KEY = "written-by-benchmarks-merge"


def phase_write(store_dir: str) -> Result:
    """Open the store read-write, project and merge (untimed), then time ``write_concepts``.

    The N-Quads text is built once more afterwards, to time it alone and count its lines.

    Returns:
        Seconds of the write and of the close, quads written and found in the concepts
        graph, the text's size, the peak RSS before and after the write.
    """
    import networkx  # noqa: F401
    import pyoxigraph as ox
    import rapidfuzz  # noqa: F401

    from foresight.derived import views
    from foresight.derived.concepts import (
        CONCEPTS_GRAPH,
        build_concepts,
        concepts_marker,
        concepts_nquads,
        write_concepts,
    )
    from foresight.store import open_store
    from foresight.store.oxigraph import OxigraphStore

    start = time.perf_counter()
    store = open_store(store_dir)
    assert isinstance(store, OxigraphStore)
    opened = time.perf_counter()
    concept_set = build_concepts(views(store).rows())
    prepared = time.perf_counter()
    before_rss = _peak_rss_mb()
    marker = concepts_marker(FOREIGN_KEY)
    lines = write_concepts(store, concept_set, marker)
    written = time.perf_counter()
    rss = _peak_rss_mb()
    # counting walks the graph's index: not part of the write
    stored = sum(1 for _ in store.bulk_quads().quads_for_pattern(None, None, None, ox.NamedNode(CONCEPTS_GRAPH)))
    closing = time.perf_counter()
    store.close()
    closed = time.perf_counter()
    text_start = time.perf_counter()
    text = concepts_nquads(concept_set, marker=marker)
    text_seconds = time.perf_counter() - text_start
    return {
        "open_seconds": opened - start,
        "prepare_seconds": prepared - opened,
        "seconds": written - prepared,
        "close_seconds": closed - closing,
        "text_seconds": text_seconds,
        "written": lines,
        "quads": len(text.splitlines()),
        "stored": stored,
        "text_mb": len(text.encode("utf-8")) / 1e6,
        "before_rss_mb": before_rss,
        "rss_mb": rss,
        "store_mb": _dir_mb(Path(store_dir)),
    }


def phase_refresh(store_dir: str) -> Result:
    """Open the store read-write, ``refresh_concepts(store)``, then the concept index; timed from open to close.

    What ``foresight ingest`` leaves ready after writing scans (``refresh_views``), without
    its check of the marker beforehand, so that ``refresh_concepts`` runs every time. The
    parts are wrapped (in this process only) to time them apart and to see whether the
    merge ran, whether the graph was written (and how many lines), and whether the
    concept index was built or found true.
    """
    import networkx  # noqa: F401
    import rapidfuzz  # noqa: F401

    import foresight.derived as derived
    from foresight.derived import concepts, views
    from foresight.store import open_store

    timings = dict.fromkeys(("content_key", "concepts", "build_concepts", "write_concepts", "build_index"), 0.0)
    calls: dict[str, list[Any]] = {name: [] for name in timings}

    def timed(name: str, function: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                result = function(*args, **kwargs)
                calls[name].append(result if name == "write_concepts" else True)
                return result
            finally:
                timings[name] += time.perf_counter() - start
        return wrapper

    # the names as the callers look them up: refresh_concepts calls write_concepts from its module,
    # the views call build_concepts, piece_hashes (the content key) and build_index from foresight.derived
    concepts.write_concepts = timed("write_concepts", concepts.write_concepts)
    derived.build_concepts = timed("build_concepts", derived.build_concepts)
    derived.piece_hashes = timed("content_key", derived.piece_hashes)
    derived.build_index = timed("build_index", derived.build_index)
    derived.Views.concepts = timed("concepts", derived.Views.concepts)

    start = time.perf_counter()
    store = open_store(store_dir)
    opened = time.perf_counter()
    before = derived_files(store)
    concept_set = concepts.refresh_concepts(store)
    refreshed = time.perf_counter()
    parts = dict(timings)  # the parts of refresh_concepts alone
    index = views(store).index("concepts")
    summary = index.summary()  # what refresh_views hands back to the ingest command
    indexed = time.perf_counter()
    after = derived_files(store)
    store.close()
    closed = time.perf_counter()
    return {
        "seconds": closed - start,
        "open_seconds": opened - start,
        "refresh_seconds": refreshed - opened,
        "index_seconds": indexed - refreshed,
        "close_seconds": closed - indexed,
        "key_seconds": parts["content_key"],
        "concepts_seconds": parts["concepts"],
        "build_seconds": parts["build_concepts"],
        "write_seconds": parts["write_concepts"],
        "index_build_seconds": timings["build_index"],
        "built": bool(calls["build_concepts"]),
        "written": calls["write_concepts"][0] if calls["write_concepts"] else None,
        "index_built": bool(calls["build_index"]),
        "files_before": before,
        "files_after": after,
        "derived_mb": sum(after.values()),
        "concepts": len(concept_set.concepts),
        "indexed_concepts": summary.concepts,
        "rss_mb": _peak_rss_mb(),
    }


# -- one corpus ------------------------------------------------------------------------------


def measure(name: str, work: Path, sources: Path) -> Result:
    """Every figure for one corpus: ingest, merge, write, refresh twice."""
    store_dir = work / f"{name}-store"
    figures: Result = {"name": name}
    print(f"[{name}] ingesting {sources} into a fresh store ...", flush=True)
    figures["ingest"] = run_in_fresh_process(phase_ingest, str(store_dir), [str(sources)])
    print(f"[{name}] merging rows into concepts (read-only) ...", flush=True)
    figures["merge"] = run_in_fresh_process(phase_merge, str(store_dir))
    print(f"[{name}] writing the concepts graph ...", flush=True)
    figures["write"] = run_in_fresh_process(phase_write, str(store_dir))
    # the first refresh must find no concept index (nothing above built one; make sure)
    cache_dir = store_dir.with_name(store_dir.name + ".cache")
    for old in ("concepts.sqlite", "rows.sqlite"):
        (cache_dir / "derived" / old).unlink(missing_ok=True)
    print(f"[{name}] refresh_concepts, first call (no concept index) ...", flush=True)
    figures["refresh_first"] = run_in_fresh_process(phase_refresh, str(store_dir))
    print(f"[{name}] refresh_concepts, second call (a new process) ...", flush=True)
    figures["refresh_second"] = run_in_fresh_process(phase_refresh, str(store_dir))
    figures["disk_mb"] = _dir_mb(work)
    # this corpus's store is done with: free the disk for the next one
    shutil.rmtree(store_dir, ignore_errors=True)
    shutil.rmtree(cache_dir, ignore_errors=True)
    return figures


# -- printing --------------------------------------------------------------------------------


def _row(figure: str, value: str, target: str = "", result: str = "", detail: str = "") -> str:
    return f"{figure:<42}{value:>10}  {target:<9}{result:<6}{detail}".rstrip()


def _files(files: dict[str, float]) -> str:
    """The derived folder's files and sizes, for one line."""
    return ", ".join(f"{name} {size:,.1f} MB" for name, size in files.items()) or "none"


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "-"


def print_corpus(figures: Result) -> None:
    """One table for one corpus: each figure, its target and PASS or MISS, and what it counted."""
    ingest, merge, write = figures["ingest"], figures["merge"], figures["write"]
    print()
    print(f"== {figures['name']}: {ingest['written']:,} scans, {ingest['quads']:,} quads, "
          f"store {ingest['store_mb']:,.0f} MB ==")
    print(_row("figure", "value", "target", "", "detail"))
    print("-" * 118)
    print(_row("ingest, fresh store (open..close)", f"{ingest['seconds']:.1f} s", "", "",
               f"{ingest['written']:,} scans, {ingest['failed']} failed; peak RSS {ingest['rss_mb']:,.0f} MB; "
               "no concepts built"))
    print(_row("projection (pieces.sqlite)", f"{merge['projection_seconds']:.2f} s", "", "",
               f"{merge['nodes']:,} nodes; peak RSS so far {merge['projection_rss_mb']:,.0f} MB"))
    ok = merge["seconds"] <= TARGET_MERGE_SECONDS
    scale = "" if ingest["written"] >= TARGET_AT_SCANS else f"; the target is for {TARGET_AT_SCANS:,} scans"
    print(_row("merge: build_concepts", f"{merge['seconds']:.2f} s", f"<= {TARGET_MERGE_SECONDS:g} s", verdict(ok),
               f"{merge['rows']:,} rows; peak RSS {merge['rss_mb']:,.0f} MB (projection included){scale}"))
    print(_row("  concepts", f"{merge['concepts']:,}", "", "",
               ", ".join(f"{kind} {count:,}" for kind, count in merge["by_kind"].items())))
    print(_row("  named in >= 3 scans", f"{merge['recurring_3']:,}"))
    print(_row("  named in >= 10 scans", f"{merge['recurring_10']:,}"))
    print(_row("  likely merges left for review", f"{merge['review']:,}", "", "",
               f"{merge['matches'].get('closeMatch', 0):,} rows given a skos:closeMatch"))
    print(_row("  rows in a concept of > 1 wording", f"{merge['worded_rows']:,}", "", "",
               f"{_share(merge['worded_rows'], merge['rows'])} of the rows, in {merge['worded_concepts']:,} "
               f"concepts; {merge['matches'].get('exactMatch', 0):,} rows merged on other terms than "
               "their concept's (fs:Link)"))
    print(_row("write_concepts (read-write store)", f"{write['seconds']:.2f} s", "", "",
               f"{write['written']:,} quads written ({write['quads']:,} lines of N-Quads), {write['stored']:,} in "
               f"the concepts graph after; peak RSS {write['rss_mb']:,.0f} MB ({write['before_rss_mb']:,.0f} before "
               "the write)"))
    print(_row("  of which concepts_nquads alone", f"{write['text_seconds']:.2f} s", "", "",
               f"{write['text_mb']:,.0f} MB of N-Quads text; the rest is the store's bulk load (no graph before)"))
    print(_row("  open / project+merge / close", f"{write['open_seconds']:.2f} s", "", "",
               f"project + build_concepts before it {write['prepare_seconds']:.2f} s; close "
               f"{write['close_seconds']:.2f} s; store {write['store_mb']:,.0f} MB after"))
    for key, title in (("refresh_first", "refresh_concepts, first call"),
                       ("refresh_second", "refresh_concepts, second call")):
        refresh = figures[key]
        source = "merged" if refresh["built"] else "read back from the concept index"
        written = ("write_concepts not called (marker equal)" if refresh["written"] is None else
                   f"write_concepts {refresh['write_seconds']:.2f} s ({refresh['written']:,} lines)")
        print(_row(f"{title} (open..close)", f"{refresh['seconds']:.2f} s", "", "",
                   f"refresh_concepts {refresh['refresh_seconds']:.2f} s: content key {refresh['key_seconds']:.2f} s, "
                   f"concepts {refresh['concepts_seconds']:.2f} s ({source}; build_concepts "
                   f"{refresh['build_seconds']:.2f} s), {written}"))
        index = "built" if refresh["index_built"] else "found true"
        print(_row("", "", "", "",
                   f"then index('concepts') {refresh['index_seconds']:.2f} s ({index}); open "
                   f"{refresh['open_seconds']:.2f} s, close {refresh['close_seconds']:.2f} s; {refresh['concepts']:,} "
                   f"concepts; peak RSS {refresh['rss_mb']:,.0f} MB"))
        print(_row("", "", "", "",
                   f"derived/ before: {_files(refresh['files_before'])}; after: {_files(refresh['files_after'])}"))
    second = figures["refresh_second"]
    kept = "concepts.sqlite" in second["files_before"]
    quiet = not second["built"] and second["written"] is None and not second["index_built"] and kept
    print(_row("  second call: no merge, nothing written", "yes" if quiet else "NO"))


def print_top(figures: Result) -> None:
    """The concepts most scans name, with how they were worded."""
    print()
    print(f"{figures['name']}: the {TOP} concepts named in most scans")
    print(f"{'kind':<13}{'concept':<44}{'scans':>6}{'rows':>6}{'wordings':>10}  also worded")
    print("-" * 118)
    for concept in figures["merge"]["top"]:
        also = "; ".join(concept["also"])
        if concept["wordings"] - 1 > len(concept["also"]):
            also += f"; +{concept['wordings'] - 1 - len(concept['also'])} more"
        print(f"{concept['kind']:<13}{concept['label'][:43]:<44}{concept['scans']:>6,}{concept['rows']:>6,}"
              f"{concept['wordings']:>10,}  {also}"[:160].rstrip())


# -- main ------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description="foresight concepts (merge across scans) benchmark")
    parser.add_argument("--count", type=int, default=10_000, help="generated and replicated scans (default 10000)")
    parser.add_argument(
        "--bulk", type=Path, default=DEFAULT_BULK, help=f"directory of bulk scans (default {DEFAULT_BULK})"
    )
    parser.add_argument("--skip-generated", action="store_true",
                        help="only the bulk scans (neither the generated nor the replicated corpus)")
    parser.add_argument("--skip-replicated", action="store_true",
                        help="leave out the bulk scans copied round up to --count")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated corpus (default 0)")
    args = parser.parse_args(argv)

    bulk: Path = args.bulk
    if not bulk.is_dir() or not any(bulk.glob("*.md")):
        print(f"benchmark skipped: no bulk scans at {bulk} (../shared/corpus beside the project is needed)")
        return 0

    import networkx
    import pyoxigraph
    import rapidfuzz

    print(
        f"foresight concepts benchmark, {date.today().isoformat()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, pyoxigraph {pyoxigraph.__version__}, networkx {networkx.__version__}, "
        f"rapidfuzz {rapidfuzz.__version__}"
    )
    print(f"bulk: {bulk.resolve()}")
    state = library_state()
    print(f"library: {state}")
    print()
    corpora: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="foresight-bench-") as tmp:
        work = Path(tmp)
        corpora.append(measure("bulk", work, bulk))
        if not args.skip_generated:
            corpus_dir = work / "generated"
            print(f"generating {args.count:,} scans ...", flush=True)
            paths = generate_corpus(corpus_dir, args.count, bulk, args.seed)
            corpora.append(measure(f"generated {len(paths):,}", work, corpus_dir))
            shutil.rmtree(corpus_dir, ignore_errors=True)
        if not args.skip_generated and not args.skip_replicated:
            corpus_dir = work / "replicated"
            paths = replicate(bulk, corpus_dir, args.count)
            corpora.append(measure(f"bulk replicated to {len(paths):,}", work, corpus_dir))
        disk = max(figures["disk_mb"] for figures in corpora)

    for figures in corpora:
        print_corpus(figures)
    print_top(corpora[0])
    print()
    print(f"temporary files at their largest: {disk:,.0f} MB (removed; each store is removed once measured)")
    warn_if_changed(state)
    return 0


if __name__ == "__main__":
    sys.exit(main())
