"""Analysis benchmark: projection build, ``paths`` and ``pathways`` latency, and a 2,000-node map.

Usage::

    python benchmarks/paths.py [--count 10000] [--bulk ../shared/corpus/bulk] [--skip-generated]
                               [--skip-replicated] [--seed 0]

For the real bulk scans (a copy of them, so that one can be edited), for a
generated corpus of ``--count`` scans, and for the bulk scans copied round under
new file names (so new scan ids) up to ``--count`` scans, each in an on-disk store
of its own:

1. the projection, ``views(store).rows()`` (:mod:`foresight.derived`), built three
   ways, each in a fresh process that opens the store read-only: right after the
   ingest (from the projection pieces ingest left in
   ``<store>.cache/derived/pieces.sqlite``), cold (``<store>.cache/derived``
   deleted, every piece read back from the store), and after one scan file was
   edited and re-ingested;
2. ``paths`` latency, answered as ``foresight paths --rows`` answers it: name
   resolution on the row index (``views(store).index("rows")``, built on demand in
   ``rows.sqlite``; its build is timed apart), the nodes that can lie between, loaded
   as a small graph, and the 5 best pathways of at most 5 hops on it; for pairs of a
   technology and an issue of one scan, and for the names most scans repeat;
3. ``pathways`` latency, as ``foresight pathways --rows`` answers it from the same
   index: change pathways for the words driving forces use most, and unfiltered;
4. rendering a 2,000-node focus map (picked on the whole row graph) to HTML, and
   the time until headless Chromium has drawn it (when ``/usr/bin/chromium`` is there).

The label index of earlier versions (``label_index``, kept inside the graph) is gone:
names are looked up in the row index, so its build time takes that figure's place.

Every measured phase runs in a fresh process (multiprocessing ``spawn``), so each
peak RSS is that phase's own. Stores, caches, the corpora and the map live in a
temporary directory that is removed at the end; nothing is written into the
repository. The exit status is 0 whether targets are met or not (these are
figures, not tests), and when ``../shared`` is absent.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter, deque
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import DEFAULT_BULK, generate_corpus
from ingest import _dir_mb, _peak_rss_mb, edit_one_description, phase_ingest, run_in_fresh_process, verdict

TARGET_PROJECTION_SECONDS = 5.0
TARGET_QUERY_SECONDS = 1.0
TARGET_RENDER_SECONDS = 3.0
TARGET_READY_SECONDS = 3.0
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]

SAME_SCAN_PAIRS = 16
FREQUENT_LABELS = 2  # the 2 most frequent technology names x the 2 most frequent issue names
K, MAX_HOPS = 5, 5
DRIVER_WORDS, DRIVER_PHRASES = 8, 2
PATHWAYS_LIMIT = 20
MAP_NODES = 2000
MAX_FOCUS_DEPTH = 4
PAGE_OPENINGS = 3

Result = dict[str, Any]


# -- phases (each runs in its own process) ---------------------------------------------------


def derived_folder(store: Any) -> Path | None:
    """Where :mod:`foresight.derived` keeps the store's derived data (``<store>.cache/derived``); ``None`` in memory."""
    folder = store.cache_dir()
    return Path(folder) / "derived" if folder is not None else None


def derived_files(store: Any) -> dict[str, float]:
    """The files of the store's derived folder (pieces, indexes) and their sizes in MB."""
    folder = derived_folder(store)
    if folder is None or not folder.is_dir():
        return {}
    return {path.name: path.stat().st_size / 1e6 for path in sorted(folder.glob("*.sqlite")) if path.is_file()}


def phase_project(store_dir: str) -> Result:
    """Open the store read-only and build the row graph, ``views(store).rows()``; timed, the open apart.

    Returns:
        Seconds to open and to project, nodes, edges, scans, whether ``pieces.sqlite``
        was there before, the derived folder's files after, and this process's peak RSS.
    """
    import networkx  # noqa: F401  (imported before the clock starts, as a CLI run would have)

    from foresight.derived import views
    from foresight.store import open_store

    start = time.perf_counter()
    store = open_store(store_dir, read_only=True)
    opened = time.perf_counter()
    folder = derived_folder(store)
    cached = folder is not None and (folder / "pieces.sqlite").is_file()
    graph = views(store).rows()
    projected = time.perf_counter()
    files = derived_files(store)
    store.close()
    return {
        "open_seconds": opened - start,
        "seconds": projected - opened,
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "scans": len(graph.graph.get("scans", {})),
        "cached": cached,
        "derived": str(folder) if folder is not None else None,
        "files": files,
        "derived_mb": sum(files.values()),
        "rss_mb": _peak_rss_mb(),
    }


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def _by_frequency(graph: Any, kind: str | None) -> list[tuple[str, int]]:
    """Labels of nodes of one type (any type for ``None``), most nodes first, each in its commonest spelling."""
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    for _, data in graph.nodes(data=True):
        if kind is None or data.get("type") == kind:
            label = str(data.get("label", ""))
            key = _key(label)
            if key:
                counts[key] += 1
                spellings.setdefault(key, Counter())[label] += 1
    return [(spellings[key].most_common(1)[0][0], count)
            for key, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def _pairs(graph: Any, seed: int) -> list[tuple[str, str, str]]:
    """(technology, issue, how picked): same-scan pairs picked with ``seed``, then the most frequent names."""
    by_scan: dict[str, dict[str, list[str]]] = {}
    for _, data in graph.nodes(data=True):
        if data.get("type") in ("Technology", "Issue") and data.get("scan"):
            by_scan.setdefault(data["scan"], {}).setdefault(data["type"], []).append(str(data["label"]))
    rng = random.Random(seed)
    candidates = sorted(scan for scan, kinds in by_scan.items() if len(kinds) == 2)
    pairs = []
    for scan in rng.sample(candidates, min(SAME_SCAN_PAIRS, len(candidates))):
        kinds = by_scan[scan]
        pairs.append((rng.choice(sorted(kinds["Technology"])), rng.choice(sorted(kinds["Issue"])), "same scan"))
    technologies = _by_frequency(graph, "Technology")[:FREQUENT_LABELS]
    issues = _by_frequency(graph, "Issue")[:FREQUENT_LABELS]
    for technology, _ in technologies:
        for issue, _ in issues:
            pairs.append((technology, issue, "frequent"))
    return pairs


def _drivers(graph: Any) -> list[str]:
    """The content words (and adjacent pairs of them) that most driving forces use."""
    from foresight.text import content_terms, tokens

    words: Counter[str] = Counter()
    phrases: Counter[str] = Counter()
    for _, data in graph.nodes(data=True):
        if data.get("type") != "DrivingForce":
            continue
        found = tokens(str(data.get("label", "")))
        content = content_terms(found)
        words.update(content)
        phrases.update({f"{a} {b}" for a, b in itertools.pairwise(found) if a in content and b in content})
    ranked = sorted(words.items(), key=lambda item: (-item[1], item[0]))
    chosen = [word for word, _ in ranked[:DRIVER_WORDS]]
    chosen += [phrase for phrase, _ in sorted(phrases.items(), key=lambda item: (-item[1], item[0]))[:DRIVER_PHRASES]]
    return chosen


def _bfs_order(graph: Any, seeds: list[str]) -> list[str]:
    """The nodes reachable from ``seeds`` (links walked both ways), seeds first, then by distance."""
    seen = set(seeds)
    order = list(seeds)
    queue = deque(seeds)
    while queue:
        node = queue.popleft()
        for other in sorted(set(graph.successors(node)) | set(graph.predecessors(node))):
            if other not in seen:
                seen.add(other)
                order.append(other)
                queue.append(other)
    return order


def _focus_map(graph: Any) -> tuple[Any, Result]:
    """A subgraph of :data:`MAP_NODES` nodes around the most frequent names, and how it was picked."""
    from foresight.analysis.resolve import GraphNames
    from foresight.analysis.subgraphs import focus

    names = GraphNames(graph)
    labels = _by_frequency(graph, None)
    sub, seeds, depth, used = None, [], 0, 0
    while used < len(labels) and (sub is None or sub.number_of_nodes() < MAP_NODES):
        # more seed names by half each round: the graph falls apart into small pieces (one scan at most)
        used = min(len(labels), max(used + 1, used * 3 // 2))
        seeds = sorted({node for label, _ in labels[:used] for node, _ in names.named(_key(label))})
        for depth in range(1, MAX_FOCUS_DEPTH + 1):
            sub = focus(graph, seeds, depth=depth)
            if sub.number_of_nodes() >= MAP_NODES:
                break
    assert sub is not None
    around = sub.number_of_nodes()
    keep = _bfs_order(sub, seeds)[:MAP_NODES]
    cut = graph.subgraph(keep).copy()
    return cut, {
        "seed_labels": [label for label, _ in labels[:used]],
        "seeds": len(seeds),
        "depth": depth,
        "focus_nodes": around,
    }


def _summary(times: list[float]) -> Result:
    ordered = sorted(times)
    if not ordered:
        return {"count": 0, "p50": 0.0, "p95": 0.0, "max": 0.0}
    # nearest rank: the smallest time at least 95 % of the queries do not exceed
    rank = max(1, -(-95 * len(ordered) // 100))
    return {"count": len(ordered), "p50": statistics.median(ordered), "p95": ordered[rank - 1], "max": ordered[-1]}


def index_paths(index: Any, source: str, target: str, k: int = K, max_hops: int = MAX_HOPS) -> tuple[int, int, int]:
    """What ``foresight paths`` does on an index: resolve both names, load the nodes between, find the k best.

    Returns:
        The nodes each name stands for, and the pathways found.
    """
    from foresight.analysis.paths import k_best_paths
    from foresight.analysis.resolve import resolve_names

    starts = resolve_names(index, source).nodes
    ends = resolve_names(index, target).nodes
    graph = index.subgraph(index.between(index.ids(starts), index.ids(ends), max_hops), full=False)
    return len(starts), len(ends), len(k_best_paths(graph, starts, ends, k=k, max_hops=max_hops))


def index_pathways(index: Any, limit: int, driver: str | None = None, theme: str | None = None,
                   keyword: str | None = None) -> int:
    """What ``foresight pathways`` does on an index: pick the candidate signals, load their surroundings, rank."""
    from foresight.search import pathway_chains

    return len(pathway_chains(index, driver=driver, theme=theme, keyword=keyword, limit=limit)[1])


def phase_analysis(store_dir: str, html_path: str, seed: int) -> Result:
    """Project once and build the row index, then time ``paths`` and ``pathways`` queries and render a 2,000-node map.

    The queries go through the row index, as the commands' ``--rows`` do; the projection
    is only used to pick the query terms and the map. The map is written to
    ``html_path`` for the browser phase.
    """
    import networkx  # noqa: F401
    import rapidfuzz  # noqa: F401

    from foresight.analysis.layout import layout_positions
    from foresight.derived import views
    from foresight.export.html import render_html
    from foresight.store import open_store

    store = open_store(store_dir, read_only=True)
    derived = views(store)
    folder = derived_folder(store)
    index_before = folder is not None and (folder / "rows.sqlite").is_file()
    start = time.perf_counter()
    graph = derived.rows()
    projection = time.perf_counter() - start
    start = time.perf_counter()
    index = derived.index("rows")
    indexing = time.perf_counter() - start

    queries = []
    for technology, issue, how in _pairs(graph, seed):
        start = time.perf_counter()
        sources, targets, found = index_paths(index, technology, issue)
        queries.append({"from": technology, "to": issue, "how": how, "sources": sources,
                        "targets": targets, "pathways": found, "seconds": time.perf_counter() - start})

    drivers: list[tuple[str, dict[str, str | None]]] = [(word, {"driver": word}) for word in _drivers(graph)]
    scans = graph.graph.get("scans", {})
    themes = Counter(theme for scan in scans.values() for theme in scan.get("themes", []))
    keywords = Counter(keyword for scan in scans.values() for keyword in scan.get("keywords", []))
    drivers.append(("(no filter)", {}))
    if themes:
        theme = min(themes, key=lambda name: (-themes[name], name))
        drivers.append((f"theme={theme}", {"theme": theme}))
    if keywords:
        keyword = min(keywords, key=lambda name: (-keywords[name], name))
        drivers.append((f"keyword={keyword}", {"keyword": keyword}))
    chains = []
    for name, options in drivers:
        start = time.perf_counter()
        found_chains = index_pathways(index, PATHWAYS_LIMIT, **options)
        chains.append({"query": name, "chains": found_chains, "seconds": time.perf_counter() - start})

    start = time.perf_counter()
    sub, picked = _focus_map(graph)
    picking = time.perf_counter() - start
    start = time.perf_counter()
    page = render_html(sub, title="benchmark focus map")
    rendering = time.perf_counter() - start
    start = time.perf_counter()
    layout_positions(sub)
    layout = time.perf_counter() - start
    Path(html_path).write_text(page, encoding="utf-8")
    files = derived_files(store)
    store.close()
    return {
        "projection_seconds": projection,
        "index_seconds": indexing,
        "index_built": not index_before,
        "index_mb": files.get("rows.sqlite", 0.0),
        "paths": queries,
        "pathways": chains,
        "themes": len(themes),
        "keywords": len(keywords),
        "map": {**picked, "nodes": sub.number_of_nodes(), "edges": sub.number_of_edges(),
                "pick_seconds": picking, "render_seconds": rendering, "layout_seconds": layout,
                "html_mb": len(page.encode("utf-8")) / 1e6},
        "rss_mb": _peak_rss_mb(),
    }


def phase_browser(html_path: str, openings: int) -> Result:
    """Open the map ``openings`` times in headless Chromium, each in a new context, until it has drawn.

    Times run from just before navigation until ``window.foresightReady`` is true
    (polled every 10 ms), as the browser tests in ``tests/export/test_html.py`` do.
    """
    from playwright.sync_api import sync_playwright

    url = Path(html_path).as_uri()
    times: list[float] = []
    loaded: list[float] = []
    errors: list[str] = []
    drawn = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for _ in range(openings):
                context = browser.new_context(viewport={"width": 1280, "height": 800})
                page = context.new_page()
                page.on("pageerror", lambda error: errors.append(str(error)))
                start = time.perf_counter()
                page.goto(url)
                while not page.evaluate("window.foresightReady === true"):
                    if time.perf_counter() - start > 60:
                        errors.append("the map never finished drawing (60 s)")
                        break
                    time.sleep(0.01)
                times.append(time.perf_counter() - start)
                loaded.append(float(page.evaluate(
                    "performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd")) / 1000)
                drawn = int(page.evaluate("window.foresightNodes.length"))
                context.close()
        finally:
            browser.close()
    return {"times": times, "dom_loaded": loaded, "drawn": drawn, "errors": errors}


# -- one corpus ------------------------------------------------------------------------------


def replicate(source_dir: Path, target_dir: Path, count: int) -> list[Path]:
    """Copy the scans of ``source_dir`` round, under new names, until there are ``count`` of them.

    A scan's id is its file name, so each copy is a scan of its own with the rows,
    and so the links, of a real scan. The generated corpus draws each scan's rows
    from all bulk scans at random, and rows that far apart are rarely linked: its
    projection has almost no inferred links, and no pathway between two names.
    """
    sources = sorted(source_dir.glob("*.md"))
    target_dir.mkdir(parents=True)
    copies = []
    for number in range(count):
        source = sources[number % len(sources)]
        round_ = number // len(sources)
        copy = target_dir / (source.name if round_ == 0 else f"{source.stem}-r{round_}.md")
        shutil.copyfile(source, copy)
        copies.append(copy)
    return copies


def _editable(paths: list[Path]) -> Path:
    """The middle file whose Concerns table has a row to edit."""
    ordered = sorted(paths)
    for path in ordered[len(ordered) // 2:] + ordered[: len(ordered) // 2]:
        lines = path.read_text(encoding="utf-8").split("\n")
        if "## Concerns" in lines and sum(
                1 for line in lines[lines.index("## Concerns"):] if line.startswith("|")) >= 3:
            return path
    raise ValueError("no scan with a Concerns row to edit")


def measure(name: str, work: Path, sources: Path, seed: int) -> Result:
    """Every figure for one corpus: ingest, projections, queries, map, browser."""
    store_dir = str(work / f"{name}-store")
    figures: Result = {"name": name}
    print(f"[{name}] ingesting {sources} into a fresh store ...", flush=True)
    figures["ingest"] = run_in_fresh_process(phase_ingest, store_dir, [str(sources)])

    print(f"[{name}] projecting after the ingest (pieces.sqlite) ...", flush=True)
    figures["after_ingest"] = run_in_fresh_process(phase_project, store_dir)

    derived = figures["after_ingest"]["derived"]
    if derived:  # the derived data only: the store's generation file beside it is the store's, not a cache
        shutil.rmtree(derived, ignore_errors=True)
    print(f"[{name}] projecting cold (derived data deleted, read from the store) ...", flush=True)
    figures["cold"] = run_in_fresh_process(phase_project, store_dir)

    changed = _editable(list(sources.glob("*.md")))
    edit_one_description(changed)
    print(f"[{name}] re-ingesting one changed scan ({changed.name}) and projecting ...", flush=True)
    figures["changed_file"] = changed.name
    figures["reingest"] = run_in_fresh_process(phase_ingest, store_dir, [str(changed)])
    figures["after_change"] = run_in_fresh_process(phase_project, store_dir)

    html_path = str(work / f"{name}-map.html")
    print(f"[{name}] paths, pathways and the 2,000-node map ...", flush=True)
    figures["analysis"] = run_in_fresh_process(phase_analysis, store_dir, html_path, seed)
    if CHROMIUM.is_file():
        print(f"[{name}] opening the map in headless Chromium ...", flush=True)
        try:
            figures["browser"] = run_in_fresh_process(phase_browser, html_path, PAGE_OPENINGS)
        except Exception as error:  # a broken browser install is a figure missing, not a crash
            figures["browser"] = {"failed": f"{type(error).__name__}: {error}"}
    return figures


# -- printing --------------------------------------------------------------------------------


def _row(figure: str, value: str, target: str = "", result: str = "", detail: str = "") -> str:
    return f"{figure:<42}{value:>10}  {target:<9}{result:<6}{detail}".rstrip()


def print_corpus(figures: Result) -> None:
    """One table for one corpus: each figure, its target and PASS or MISS, and what it counted."""
    ingest, analysis = figures["ingest"], figures["analysis"]
    print()
    print(f"== {figures['name']}: {ingest['written']:,} scans, {ingest['quads']:,} quads, "
          f"store {ingest['store_mb']:,.0f} MB ==")
    print(_row("figure", "value", "target", "", "detail"))
    print("-" * 118)
    print(_row("ingest, fresh store (open..close)", f"{ingest['seconds']:.1f} s", "", "",
               f"{ingest['written']:,} scans, {ingest['failed']} failed; peak RSS {ingest['rss_mb']:,.0f} MB"))

    target = f"<= {TARGET_PROJECTION_SECONDS:g} s"
    for key, title in (("after_ingest", "projection after ingest (pieces.sqlite)"),
                       ("cold", "projection cold (no derived data)"),
                       ("after_change", "projection after one scan changed")):
        result = figures[key]
        ok = result["seconds"] <= TARGET_PROJECTION_SECONDS
        print(_row(title, f"{result['seconds']:.2f} s", target, verdict(ok),
                   f"{result['nodes']:,} nodes, {result['edges']:,} edges; peak RSS {result['rss_mb']:,.0f} MB; "
                   f"open {result['open_seconds']:.2f} s; pieces.sqlite {'found' if result['cached'] else 'absent'}, "
                   f"{result['derived_mb']:,.1f} MB after"))
        if key == "cold":
            reingest = figures["reingest"]
            print(_row("  re-ingest of the changed scan", f"{reingest['seconds']:.2f} s", "", "",
                       f"{figures['changed_file']}: {reingest['written']} written; "
                       f"peak RSS {reingest['rss_mb']:,.0f} MB"))

    queries = analysis["paths"]
    paths = _summary([query["seconds"] for query in queries])
    target = f"<= {TARGET_QUERY_SECONDS:g} s"
    found = sum(1 for query in queries if query["pathways"])
    slowest = max(queries, key=lambda query: query["seconds"]) if queries else None
    print(_row("row index (rows.sqlite)", f"{analysis['index_seconds']:.2f} s", "", "",
               f"{'built' if analysis['index_built'] else 'opened'} in the query process before the first query "
               f"(as a first --rows question would), {analysis['index_mb']:,.1f} MB; the projection it was built "
               f"from took {analysis['projection_seconds']:.2f} s in this process"))
    print(_row(f"paths, {paths['count']} queries: p50", f"{paths['p50']:.3f} s", target,
               verdict(paths["p50"] <= TARGET_QUERY_SECONDS),
               f"on the row index: resolve_names x2, between, subgraph, k_best_paths(k={K}, max_hops={MAX_HOPS})"))
    print(_row("  p95", f"{paths['p95']:.3f} s", target, verdict(paths["p95"] <= TARGET_QUERY_SECONDS)))
    print(_row("  max", f"{paths['max']:.3f} s", target, verdict(paths["max"] <= TARGET_QUERY_SECONDS),
               f"{slowest['from']!r} -> {slowest['to']!r} ({slowest['sources']} x {slowest['targets']} nodes, "
               f"{slowest['how']})" if slowest else ""))
    same = [query for query in queries if query["how"] == "same scan"]
    frequent = [query for query in queries if query["how"] == "frequent"]
    print(_row("  pairs with >= 1 pathway", f"{found} / {len(queries)}", "", "",
               f"same scan {sum(1 for q in same if q['pathways'])} / {len(same)}, "
               f"frequent names {sum(1 for q in frequent if q['pathways'])} / {len(frequent)}"))
    for query in frequent:
        print(_row("", "", "", "",
                   f"{query['seconds']:.3f} s  {query['from']!r} ({query['sources']}) -> {query['to']!r} "
                   f"({query['targets']}): {query['pathways']} pathways"))

    chains = analysis["pathways"]
    pathways = _summary([chain["seconds"] for chain in chains])
    slowest = max(chains, key=lambda chain: chain["seconds"]) if chains else None
    print(_row(f"pathways, {pathways['count']} queries: p50", f"{pathways['p50']:.3f} s", target,
               verdict(pathways["p50"] <= TARGET_QUERY_SECONDS),
               f"on the row index, change_pathways(limit={PATHWAYS_LIMIT}): "
               + ", ".join(chain["query"] for chain in chains)))
    print(_row("  p95", f"{pathways['p95']:.3f} s", target, verdict(pathways["p95"] <= TARGET_QUERY_SECONDS)))
    print(_row("  max", f"{pathways['max']:.3f} s", target, verdict(pathways["max"] <= TARGET_QUERY_SECONDS),
               f"{slowest['query']!r}, {slowest['chains']} chains" if slowest else ""))
    if not analysis["themes"] or not analysis["keywords"]:
        print(_row("", "", "", "", f"(the scans have {analysis['themes']} themes and {analysis['keywords']} "
                                   "keywords: no theme or keyword query for those)"))

    picked = analysis["map"]
    print(_row(f"render_html, {picked['nodes']:,}-node focus", f"{picked['render_seconds']:.2f} s",
               f"<= {TARGET_RENDER_SECONDS:g} s", verdict(picked["render_seconds"] <= TARGET_RENDER_SECONDS),
               f"{picked['edges']:,} edges, {picked['html_mb']:.1f} MB of HTML; layout alone "
               f"{picked['layout_seconds']:.2f} s"))
    seeds = ", ".join(repr(label) for label in picked["seed_labels"][:4])
    more = f" and {len(picked['seed_labels']) - 4} more" if len(picked["seed_labels"]) > 4 else ""
    print(_row("  focus picked", f"{picked['pick_seconds']:.2f} s", "", "",
               f"{picked['seeds']} nodes named {seeds}{more}, depth {picked['depth']}: "
               f"{picked['focus_nodes']:,} nodes, first {picked['nodes']:,} in BFS order kept"))
    print(_row("  peak RSS of the query process", f"{analysis['rss_mb']:,.0f} MB"))

    browser = figures.get("browser")
    target = f"<= {TARGET_READY_SECONDS:g} s"
    if browser is None:
        print(_row("page ready in headless Chromium", "-", target, "", f"no browser at {CHROMIUM}"))
    elif "failed" in browser:
        print(_row("page ready in headless Chromium", "-", target, "", browser["failed"][:120]))
    else:
        times = browser["times"]
        median = statistics.median(times)
        ok = median <= TARGET_READY_SECONDS and not browser["errors"] and browser["drawn"] == picked["nodes"]
        print(_row(f"page ready in headless Chromium, median of {len(times)}", f"{median:.2f} s", target,
                   verdict(ok),
                   f"first {times[0]:.2f} s, max {max(times):.2f} s; DOMContentLoaded "
                   f"{statistics.median(browser['dom_loaded']):.2f} s; {browser['drawn']:,} nodes in the page"
                   + (f"; errors: {browser['errors'][:2]}" if browser["errors"] else "")))


# -- main ------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description="foresight projection, paths, pathways and map benchmark")
    parser.add_argument("--count", type=int, default=10_000, help="generated scans (default 10000)")
    parser.add_argument(
        "--bulk", type=Path, default=DEFAULT_BULK, help=f"directory of bulk scans (default {DEFAULT_BULK})"
    )
    parser.add_argument("--skip-generated", action="store_true",
                        help="only the bulk scans (neither the generated nor the replicated corpus)")
    parser.add_argument("--skip-replicated", action="store_true",
                        help="leave out the bulk scans copied round up to --count")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of the generated corpus and of the query pairs (default 0)")
    args = parser.parse_args(argv)

    bulk: Path = args.bulk
    if not bulk.is_dir() or not any(bulk.glob("*.md")):
        print(f"benchmark skipped: no bulk scans at {bulk} (../shared/corpus beside the project is needed)")
        return 0

    import networkx
    import pyoxigraph

    print(
        f"foresight analysis benchmark, {date.today().isoformat()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, pyoxigraph {pyoxigraph.__version__}, networkx {networkx.__version__}"
    )
    print(f"bulk: {bulk.resolve()}")
    print()
    corpora: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="foresight-bench-") as tmp:
        work = Path(tmp)
        # a copy, so that one scan can be edited without touching ../shared
        copy = work / "bulk"
        shutil.copytree(bulk, copy, ignore=shutil.ignore_patterns(".*"))
        corpora.append(measure("bulk", work, copy, args.seed))

        if not args.skip_generated:
            corpus_dir = work / "generated"
            print(f"generating {args.count:,} scans ...", flush=True)
            paths = generate_corpus(corpus_dir, args.count, bulk, args.seed)
            corpora.append(measure(f"generated {len(paths):,}", work, corpus_dir, args.seed))
        if not args.skip_generated and not args.skip_replicated:
            corpus_dir = work / "replicated"
            paths = replicate(bulk, corpus_dir, args.count)
            corpora.append(measure(f"bulk replicated to {len(paths):,}", work, corpus_dir, args.seed))
        disk = _dir_mb(work)

    for figures in corpora:
        print_corpus(figures)
    print()
    print(f"temporary files at their largest: {disk:,.0f} MB (removed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
