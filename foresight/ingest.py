"""Ingest scan files into a store: read, map, and replace each scan's named graph.

Re-ingest is idempotent: each scan graph records the digest of the bytes it was
read from, so an unchanged file is skipped and a changed one replaces exactly its
own graph. One bad file is reported and never stops the others.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from foresight.derived import views
from foresight.derived.concepts import Overrides
from foresight.derived.index import ConceptSummary
from foresight.derived.projection import Piece, piece_from_nt
from foresight.errors import ForesightError, ScanFormatError
from foresight.mapping import map_scan
from foresight.model import corpus_id, scan_source
from foresight.readers import ScanWarning, find_scan_files, read_scan
from foresight.resources import ontology_text
from foresight.store.base import Store
from foresight.vocab import (
    FS,
    ID,
    ONTOLOGY_GRAPH,
    RDF,
    SCAN_GRAPH_PREFIX,
    SCHEME_NAMES,
    SCHEMES,
    SKOS,
    VOCABULARY_GRAPH,
    iri,
    literal,
    scan_graph_iri,
    scan_id_of_graph,
)

Progress = Callable[[int, int, Path], None]

_FEW_FILES = 64
#: Projection pieces are handed to the cache in lots of about this many scans.
_PIECES_AT_ONCE = 5000
_MIN_BATCH = 50


@dataclass
class IngestReport:
    """What one ingest run did."""

    files: int = 0
    written: int = 0
    unchanged: int = 0
    failed: int = 0
    rows: int = 0
    skipped_rows: int = 0
    triples: int = 0
    warnings: list[ScanWarning] = field(default_factory=list)
    errors: list[ForesightError] = field(default_factory=list)
    written_ids: list[str] = field(default_factory=list)
    #: every scan read in this run (written or unchanged)
    read_ids: list[str] = field(default_factory=list)
    #: scans removed because their files are gone (``prune``)
    removed: list[str] = field(default_factory=list)
    #: scan graphs replaced by the new version of their file
    replaced: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every file was ingested (or was already up to date)."""
        return not self.errors


def ingest(
    store: Store,
    sources: Iterable[str | Path],
    *,
    strict: bool = False,
    force: bool = False,
    batch_size: int | None = None,
    progress: Progress | None = None,
    stored: Callable[[int], None] | None = None,
) -> IngestReport:
    """Read scan files and write each one's graph into ``store``.

    Args:
        store: where to write.
        sources: files, directories (read recursively) and glob patterns.
        strict: treat a scan with warnings as an error and leave it out.
        force: rewrite scans even when their file has not changed.
        batch_size: scans written per store transaction (default: a tenth of the files, at least
            50 and at most the store's ``batch_scans``).
        progress: called after each file is read, with (done, total, path).
        stored: called each time a batch is safely in the store, with the number of
            scans written so far (on a remote store, writing lags behind reading).

    Returns:
        A report of files, rows, triples, warnings and errors. Errors are
        collected, not raised, so one broken scan never stops the others.

    Example:
        >>> from foresight.store import open_store
        >>> store = open_store("memory:")
        >>> ingest(store, ["data/examples"]).written >= 9
        True
    """
    report = IngestReport()
    files: list[Path] = []
    found: set[Path] = set()
    unread: list[ScanWarning] = []
    for source in sources:
        try:
            for path in find_scan_files([source], unread):
                key = path.resolve()
                if key not in found:  # named twice, read once
                    found.add(key)
                    files.append(path)
        except ScanFormatError as error:
            report.errors.append(error)
            report.failed += 1
    for problem in unread:  # a folder that cannot be read: a warning, an error with --strict
        if strict:
            report.errors.append(ScanFormatError(problem.path, None, f"{problem.message} (--strict)"))
            report.failed += 1
        else:
            report.warnings.append(problem)
    report.files = len(files)
    batch_size = batch_size or default_batch_size(store, len(files))
    # Few files: look each scan up on its own (a re-ingest of one scan into a big
    # store stays fast). Many: fetch every digest and graph name once.
    few = len(files) <= _FEW_FILES
    existing = {} if few else store.digests()
    # a graph present without its digest was cut short by a crash: rewrite it
    present = set() if few else store.graph_names()
    # the source and file name of each stored scan: a changed file replaces the scan it gave before
    origins: dict[str, tuple[frozenset[str], str]] = {} if few else stored_sources(store)
    # (source, file name) -> the file that gave it in this run
    files_read: dict[tuple[str, str], Path] = {}
    _ensure_ontology(store, store.digest_of(ONTOLOGY_GRAPH))
    seen_ids: dict[str, Path] = {}
    replace: list[str] = []
    batch: list[str] = []
    markers: list[str] = []
    pieces: dict[str, tuple[str, Piece]] = {}

    # The store writes one batch in a background thread while this thread reads and
    # maps the next: Oxigraph releases the GIL while loading, so both cores work.
    writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="foresight-ingest")
    pending: list[tuple[Future[None], int]] = []

    def flush() -> None:
        if pending:
            future, count = pending.pop()
            future.result()  # one batch in flight at most; re-raises write errors
            if stored:
                stored(count)
        if batch or replace:
            pending.append((writer.submit(store.replace_graphs, list(replace), "".join(batch), "".join(markers)),
                            report.written))
            batch.clear()
            markers.clear()
            replace.clear()

    for done, path in enumerate(files, start=1):
        try:
            result = read_scan(path)
            scan = result.scan
            if scan.id in seen_ids:
                # the same content from another path: the same scan, read once
                report.warnings.append(ScanWarning(str(path), None, f"the same scan as {seen_ids[scan.id]}, "
                                                                    "which was read already"))
                report.unchanged += 1
                continue
            origin = (scan_source(scan.id) or scan.id, scan.source_file or "")
            if origin in files_read:
                raise ScanFormatError(path, None, f"{files_read[origin]} is another version of the same scan "
                                                  f"(same article {origin[0]}, same file name, other content); "
                                                  "ingest one of them, or rename one")
            if strict and result.warnings:
                first = result.warnings[0]
                raise ScanFormatError(path, first.line, f"{first.message} (--strict)")
            graph_iri = scan_graph_iri(scan.id)
            previous = store.digest_of(graph_iri) if few else existing.get(graph_iri)
            # what this file gave before it changed: the same source and file name under another id
            held = stored_sources(store, scan.source_file or "") if few else origins
            earlier = [name for name, (came, file) in held.items()
                       if origin[0] in came and file == origin[1] and name != graph_iri]
            prepared = None
            if previous is None or previous != scan.digest or force:
                graph = map_scan(scan)
                body, marker = graph.split_nquads()
                check_nquads(path, body)
                prepared = (graph, body, marker)
        except ScanFormatError as error:
            report.errors.append(error)
            report.failed += 1
        except Exception as error:  # one scan never stops the others, whatever it holds
            report.errors.append(ScanFormatError(path, None, f"cannot be read: {type(error).__name__}: "
                                                             f"{str(error).splitlines()[0] if str(error) else ''}"))
            report.failed += 1
        else:
            seen_ids[scan.id] = path
            files_read[origin] = path
            report.read_ids.append(scan.id)
            report.warnings.extend(result.warnings)
            report.rows += result.rows
            report.skipped_rows += result.skipped_rows
            replace.extend(earlier)
            report.replaced.extend(earlier)
            if prepared is None:
                report.unchanged += 1
            else:
                graph, body, marker = prepared
                if (store.has_graph(graph_iri) if few else graph_iri in present):
                    replace.append(graph.graph)
                batch.append(body)
                markers.append(marker)
                report.written += 1
                report.triples += len(graph.triples)
                report.written_ids.append(scan.id)
                if scan.digest:
                    pieces[graph.graph] = (scan.digest, piece_from_nt(graph.triples))
                if len(batch) >= batch_size:
                    flush()
                    if len(pieces) >= _PIECES_AT_ONCE:
                        # hand the pieces over now: a 50,000-scan ingest need not hold them all
                        views(store).remember(pieces)
                        pieces.clear()
        if progress:
            progress(done, len(files), path)
    try:
        flush()
        flush()
    finally:
        writer.shutdown(wait=True)
    if report.written or report.replaced:
        refresh_vocabulary(store)
        # the projection's pieces of the scans just written, so the row graph need not be read back
        views(store).remember(pieces)
    return report


def stored_sources(store: Store, file: str | None = None) -> dict[str, tuple[frozenset[str], str]]:
    """Where each stored scan (or each read from a file of the name given) came from, by graph IRI.

    The source is the article (or YAML id) its scan id names, and the file is the name of
    the file it was read from. A scan stored before ids held a digest has two: its article's
    corpus id and its old id (a YAML scan's own ``id``).
    """
    from rdflib import Literal

    query = ("SELECT ?g ?file ?url WHERE { GRAPH ?g { ?scan a fs:Scan ; fs:sourceFile ?file . "
             "OPTIONAL { ?scan prov:wasDerivedFrom/schema:url ?url } } }")
    rows = store.select(query, {"file": Literal(file)} if file is not None else None).values()
    found: dict[str, tuple[frozenset[str], str]] = {}
    for graph, name, url in rows:
        scan = scan_id_of_graph(str(graph))
        source = scan_source(scan)
        sources = {source} if source else {scan} | ({corpus_id(str(url))} if url is not None else set())
        found[str(graph)] = (frozenset(sources), str(name))
    return found


def remove_scans(store: Store, graphs: Iterable[str]) -> list[str]:
    """Drop scan graphs from the store; returns the graphs dropped.

    What was derived from them follows the store's generation; the concepts and
    vocabulary graphs are brought up to date by :func:`refresh_views`.
    """
    chosen = sorted({graph for graph in graphs if graph.startswith(SCAN_GRAPH_PREFIX)})
    if chosen:
        store.replace_graphs(chosen, "")
    return chosen


def find_scans(store: Store, names: Iterable[str]) -> tuple[list[str], list[str]]:
    """The scan graphs that names stand for, and the names that stand for none.

    A name is a scan file (read for its scan id), a scan id, the source its ids begin with
    (an article's corpus id: every scan of that article), a scan or scan-graph IRI, or the
    file name a scan was read from (``fs:sourceFile``, for a file since deleted).
    """
    from rdflib import Literal

    present = store.scan_digests()
    by_source: dict[str, set[str]] = {}
    for graph in present:
        source = scan_source(scan_id_of_graph(graph))
        if source:
            by_source.setdefault(source, set()).add(graph)
    found: list[str] = []
    missing: list[str] = []
    for name in names:
        graphs: set[str] = set()
        path = Path(name)
        if path.is_file():
            with contextlib.suppress(ForesightError):  # unreadable: the other ways of naming it may still do
                graphs.add(scan_graph_iri(read_scan(path).scan.id))
        for candidate in (name, scan_graph_iri(name),
                          name.replace(ID + "scan/", SCAN_GRAPH_PREFIX, 1) if name.startswith(ID + "scan/") else ""):
            if candidate in present:
                graphs.add(candidate)
        graphs |= by_source.get(name, set())
        if not graphs:
            rows = store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?scan fs:sourceFile ?file } }",
                                {"file": Literal(path.name)}).values()
            graphs |= {str(graph) for (graph,) in rows if str(graph) in present}
        graphs &= set(present)
        if graphs:
            found += sorted(graphs)
        else:
            missing.append(name)
    return found, missing


def refresh_views(store: Store, overrides: Overrides | None = None, *, concepts: bool = True,
                  added: Iterable[str] = ()) -> ConceptSummary | None:
    """Make every view of the store true of its scans, so that the next question pays nothing.

    Scans just added as new articles (``added``, by scan id) go into the derived data in place
    when they can (:mod:`foresight.derived.incremental`). Otherwise: checks the concepts graph's
    marker against what the scans say (a run cut short leaves it stale even when every scan is
    unchanged) and rewrites the vocabulary and concepts graphs when it differs; then builds the
    concept index when it is stale.

    Returns:
        What the concepts come to, or ``None`` with ``concepts=False`` (nothing is checked then).
        Its ``built`` says how: in place, or in full and why.
    """
    from foresight.derived.concepts import CONCEPTS_GRAPH, concepts_marker, refresh_concepts

    if not concepts:
        return None
    derived = views(store, overrides)
    built = ""  # nothing to do
    stale = store.digest_of(CONCEPTS_GRAPH) != concepts_marker(derived.content_key())
    if stale:
        from foresight.derived.incremental import add_scans, unindexed

        # the scans just written; else those a run cut short wrote without the concepts following
        graphs = [scan_graph_iri(scan) for scan in added] or unindexed(derived)
        reason = add_scans(derived, graphs) if graphs else "not only scans added"
        stale = reason is not None
        built = "in place" if reason is None else f"in full: {reason}"
    if stale:
        refresh_vocabulary(store)
        refresh_concepts(store, overrides)
    summary = derived.index("concepts").summary()
    summary.built = built
    return summary


def check_nquads(path: Path, body: str) -> None:
    """Refuse a scan whose graph the store would not take (an IRI it cannot parse, say) before it joins a batch.

    The store writes big batches leniently, trusting foresight's own text; a scan that
    slipped something past the readers would otherwise fail its whole batch, or be
    stored and break every later export.

    Raises:
        ScanFormatError: what the store objects to, naming the file.
    """
    import pyoxigraph as ox

    try:
        for _ in ox.parse(body, ox.RdfFormat.N_QUADS):
            pass
    except SyntaxError as error:
        raise ScanFormatError(path, None, f"cannot be stored: {str(error).splitlines()[0]}") from None


def default_batch_size(store: Store, files: int) -> int:
    """Scans ingest writes at once: a tenth of the run, at least 50, at most the store's ``batch_scans``.

    Writing a batch overlaps the reading of the next, but the last batch is written
    alone: small batches keep that tail short in a small run.

    >>> from foresight.store import open_store
    >>> [default_batch_size(open_store("memory:"), n) for n in (20, 1000, 50000)]
    [50, 100, 500]
    """
    return max(_MIN_BATCH, min(store.batch_scans, files // 10))


def _ensure_ontology(store: Store, loaded: str | None) -> None:
    """Load the ontology into its own graph, once per ontology version."""
    import pyoxigraph as ox

    text, digest = ontology_text()
    if loaded == digest:
        return
    graph = ox.NamedNode(ONTOLOGY_GRAPH)
    quads = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in ox.parse(text, ox.RdfFormat.TURTLE)]
    quads.append(ox.Quad(graph, ox.NamedNode(FS + "contentDigest"), ox.Literal(digest), graph))
    store.replace_graphs([ONTOLOGY_GRAPH], (ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"").decode("utf-8"))


def refresh_vocabulary(store: Store) -> None:
    """Give every keyword, theme, category and scan type one ``skos:prefLabel``.

    Scans word the same concept differently ("Surveillance", "surveillance"); each
    scan graph keeps its wording as ``skos:altLabel``, and the vocabulary graph
    holds the preferred label: the wording most scans use, ties broken by text.
    Only scan graphs count (the concepts graph has altLabels of its own).
    """
    result = store.select(
        "SELECT ?concept ?label (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?concept skos:altLabel ?label } "
        f'FILTER(STRSTARTS(STR(?g), "{SCAN_GRAPH_PREFIX}")) }} GROUP BY ?concept ?label'
    )
    best: dict[str, tuple[int, str]] = {}
    for concept, label, count in result.values():
        candidate = (-int(count), str(label))
        if concept not in best or candidate < best[concept]:
            best[concept] = candidate
    lines = []
    graph = iri(VOCABULARY_GRAPH)
    for cls, scheme in SCHEMES.items():
        lines.append(f"{iri(scheme)} {iri(RDF + 'type')} {iri(SKOS + 'ConceptScheme')} {graph} .\n")
        lines.append(f"{iri(scheme)} {iri(SKOS + 'prefLabel')} {literal(SCHEME_NAMES[cls])} {graph} .\n")
    for concept, (_, label) in sorted(best.items()):
        lines.append(f"{iri(concept)} {iri(SKOS + 'prefLabel')} {literal(label)} {graph} .\n")
    store.replace_graphs([VOCABULARY_GRAPH], "".join(lines))
