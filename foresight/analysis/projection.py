"""Project the RDF store onto a networkx graph: typed nodes, weighted edges.

The projection keeps what pathway algorithms walk over. Nodes are the scan items
(signals, driving forces, shifts, outlooks, concerns, behaviors, technologies,
issues); edges are the change-pathway structure inside a signal row (driving force
-drives-> signal -hasShift-> shift -leadsTo-> outlook, signal -hasOutlook-> outlook)
and every qualified ``fs:Link`` (curated or inferred) with its score, method and
evidence. Scans are not nodes, so that no path takes a shortcut through "same
scan"; their title, date, article link, keywords and themes are kept in
``graph.graph["scans"]``.

Why pieces: reading half a million labels back out of an on-disk store costs
seconds, while ingest already holds every scan's triples in memory. So the
projection is assembled from one small *piece* per scan graph, cached by the
graph's content digest: ingest hands over the pieces of the scans it writes
(:func:`remember`), and a graph whose piece is missing or stale (written by another
tool, changed by a SPARQL update, cache deleted) is read back from the store. The
assembled graph is kept for the process until the store's digests change. On-disk
stores keep their pieces in segments under ``<store>.cache/pieces/``.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import re
import weakref
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foresight.files import atomic_write
from foresight.store.base import Store, plain_literal
from foresight.vocab import DCTERMS, FS, PROV, RDF, RDFS, SCHEMA, SKOS

if TYPE_CHECKING:
    import networkx as nx

#: Bump when what a piece holds changes, so cached pieces are rebuilt.
PROJECTION_VERSION = "2"

ITEM_TYPES = ("Signal", "DrivingForce", "Shift", "Outlook", "Concern", "Behavior", "Technology", "Issue")
#: The edges inside one signal row, from driving force to outlook.
STRUCTURE_RELATIONS = ("drives", "hasShift", "leadsTo", "hasOutlook")

Value = str | int | float
PlainTriple = tuple[str, str, Value]


NodeRow = tuple[str, str, str, str | None, int | None, str | None, int | None]
EdgeRow = tuple[str, str, str, float, str, str | None, str | None]


@dataclass
class Piece:
    """What one scan graph adds to the projection, as plain tuples (cheap to pickle and load).

    ``nodes``: (iri, type, label, description, relevancy, scan, line);
    ``edges``: (source, target, relation, score, method, evidence, link IRI);
    ``scans``: scan IRI -> title, date, url, page_url, file, keywords, themes.
    """

    nodes: list[NodeRow] = field(default_factory=list)
    edges: list[EdgeRow] = field(default_factory=list)
    scans: dict[str, dict[str, Any]] = field(default_factory=dict)


# The predicates a piece is made of; nothing else is read back from the store.
_TYPE = RDF + "type"
_LABEL = RDFS + "label"
_PREDICATES = (
    _TYPE, _LABEL, DCTERMS + "description", FS + "relevancy", FS + "fromScan", FS + "sourceLine",
    FS + "drives", FS + "hasShift", FS + "leadsTo", FS + "hasOutlook",
    FS + "linkSource", FS + "linkRelation", FS + "linkTarget", FS + "score", FS + "method", FS + "evidence",
    DCTERMS + "title", FS + "pageDate", PROV + "wasDerivedFrom", SCHEMA + "url", FS + "pageUrl",
    FS + "sourceFile", DCTERMS + "subject", FS + "theme", SKOS + "altLabel",
)
_ENCODED_PREDICATES = frozenset(f"<{p}>" for p in _PREDICATES)
# Reading a whole store back costs about 12 microseconds a row: leave out what the graph implies.
_READ_BACK = tuple(p for p in _PREDICATES if p != FS + "fromScan")
_ITEM_CLASSES = {FS + name: name for name in ITEM_TYPES}


def piece_from_triples(triples: Iterable[PlainTriple]) -> Piece:
    """The projection piece of one scan graph, from its triples as plain values.

    IRIs and literals are plain strings, integers and decimals Python numbers (what
    :meth:`~foresight.store.base.Store.select_plain` returns).
    """
    props: dict[str, dict[str, Any]] = {}
    multi: dict[tuple[str, str], list[Value]] = {}
    kinds: dict[str, str] = {}
    for s, p, o in triples:
        if p == _TYPE:
            kinds[s] = str(o).removeprefix(FS)
        elif p in (DCTERMS + "subject", FS + "theme", SKOS + "altLabel"):
            multi.setdefault((s, p), []).append(o)
        else:
            props.setdefault(s, {})[p] = o
    piece = Piece()
    # every item of a scan graph is from the graph's one scan: a piece read back without fs:fromScan uses it
    own_scan = next((node for node, kind in kinds.items() if kind == "Scan"), None)
    for node, kind in kinds.items():
        values = props.get(node, {})
        if FS + kind in _ITEM_CLASSES and _LABEL in values:
            relevancy = values.get(FS + "relevancy")
            line = values.get(FS + "sourceLine")
            description = values.get(DCTERMS + "description")
            scan = values.get(FS + "fromScan", own_scan)
            piece.nodes.append((node, _ITEM_CLASSES[FS + kind], str(values[_LABEL]),
                                str(description) if description is not None else None,
                                relevancy if isinstance(relevancy, int) else None,
                                str(scan) if scan is not None else None, line if isinstance(line, int) else None))
            for relation in STRUCTURE_RELATIONS:
                target = values.get(FS + relation)
                if target is not None and (relation != "drives" or kind == "DrivingForce"):
                    piece.edges.append((node, str(target), relation, 1.0, "structure", None, None))
        elif kind == "Link":
            score = values.get(FS + "score")
            relation = str(values.get(FS + "linkRelation", FS + "linkedTo")).removeprefix(FS)
            evidence = values.get(FS + "evidence")
            if FS + "linkSource" in values and FS + "linkTarget" in values:
                piece.edges.append((str(values[FS + "linkSource"]), str(values[FS + "linkTarget"]), relation,
                                    float(score) if isinstance(score, (int, float)) else 0.5,
                                    str(values.get(FS + "method", "unknown")),
                                    str(evidence) if evidence is not None else None, node))
        elif kind == "Scan":
            article = values.get(PROV + "wasDerivedFrom")
            day = values.get(FS + "pageDate")
            piece.scans[node] = {
                "title": values.get(DCTERMS + "title", node), "date": str(day) if day else None,
                "url": props.get(str(article), {}).get(SCHEMA + "url") if article else None,
                "page_url": values.get(FS + "pageUrl"), "file": values.get(FS + "sourceFile"),
                "keywords": _labels(multi.get((node, DCTERMS + "subject"), []), multi),
                "themes": _labels(multi.get((node, FS + "theme"), []), multi),
            }
    return piece


def piece_from_nt(triples: Iterable[tuple[str, str, str]]) -> Piece:
    """The projection piece of one scan graph, from its triples as N-Triples terms (what mapping makes)."""
    wanted = _ENCODED_PREDICATES
    # subjects and predicates are IRIs: only objects need decoding
    return piece_from_triples((s[1:-1], p[1:-1], decode_nt(o)) for s, p, o in triples if p in wanted)


def _labels(concepts: list[Value], multi: Mapping[tuple[str, str], list[Value]]) -> list[str]:
    labels = []
    for concept in concepts:
        names = multi.get((str(concept), SKOS + "altLabel"))
        labels.append(str(names[0]) if names else str(concept).rsplit("/", 1)[-1])
    return sorted(labels)


_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)
_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1) or match.group(2)
    return chr(int(code, 16)) if code else _ESCAPES.get(match.group(3), match.group(3))


def decode_nt(term: str) -> Value:
    """An N-Triples term (as :mod:`foresight.mapping` writes them) as a plain value.

    >>> decode_nt('<https://x.org/a>'), decode_nt('"4"^^<http://www.w3.org/2001/XMLSchema#integer>')
    ('https://x.org/a', 4)
    >>> decode_nt(r'"say \\"hi\\"\\n"@en')
    'say "hi"\\n'
    """
    if term.startswith("<"):
        return term[1:-1]
    end = term.rfind('"')
    body = term[1:end]
    if "\\" in body:
        body = _ESCAPE.sub(_unescape, body)
    rest = term[end + 1:]
    return plain_literal(body, rest[3:-1] if rest.startswith("^^<") else None)


# ----- caching ---------------------------------------------------------------------------------
#
# On disk the pieces are a folder of segments, <store>.cache/pieces/<sequence>-<nonce>.pickle, each a
# {graph: (digest, piece)} dict. An ingest adds one small segment with the scans it wrote (re-ingesting one
# scan writes one piece, not the whole cache); reading takes the segments in order, later ones winning;
# when there are many, the projection merges them into one. A piece counts only while its digest is the
# graph's digest in the store, so a lost, stale or half-written segment costs a re-read, never a wrong graph.

#: Up to this many graphs to read back, one query each; more, one pass per predicate over the whole store.
FEW_GRAPHS = 50
#: Merge the segments into one when there are more than this many.
MAX_SEGMENTS = 16


@dataclass
class _Held:
    """What is cached for one store: pieces by graph, and the last graph assembled."""

    pieces: dict[str, tuple[str, Piece]] = field(default_factory=dict)
    loaded: bool = False
    segments: list[Path] = field(default_factory=list)
    graph: Any = None
    digests: dict[str, str] | None = None


_held: weakref.WeakKeyDictionary[Store, _Held] = weakref.WeakKeyDictionary()


def _holder(store: Store, *, load: bool = True) -> _Held:
    held = _held.get(store)
    if held is None:
        held = _held[store] = _Held()
    if load and not held.loaded:
        held.loaded = True
        folder = cache_path(store)
        if folder is not None:
            held.segments = _segments(folder)
            with paused_gc():
                for segment in held.segments:
                    held.pieces.update(_read_segment(segment))
    return held


def cache_path(store: Store) -> Path | None:
    """The folder where the pieces of a store are cached: ``pieces`` in the store's cache folder.

    ``<store>.cache/pieces`` for an on-disk store, a per-endpoint folder under
    ``~/.cache/foresight`` for a remote one, ``None`` in memory.
    """
    folder = store.cache_dir()
    return folder / "pieces" if folder is not None else None


def _sequence(path: Path) -> int:
    head = path.name.split("-", 1)[0]
    return int(head) if head.isdigit() else -1


def _segments(folder: Path) -> list[Path]:
    try:
        found = [path for path in folder.glob("*.pickle") if _sequence(path) >= 0]
    except OSError:
        return []
    return sorted(found, key=lambda path: (_sequence(path), path.name))


def _read_segment(path: Path) -> dict[str, tuple[str, Piece]]:
    try:
        with path.open("rb") as stream:
            version, pieces = pickle.load(stream)
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, ImportError):
        return {}
    return pieces if version == PROJECTION_VERSION and isinstance(pieces, dict) else {}


def _write_segment(folder: Path, pieces: Mapping[str, tuple[str, Piece]]) -> Path | None:
    """Add a segment after the existing ones; ``None`` when it cannot be written (read-only folder, full disk)."""
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        existing = _segments(folder)
        sequence = _sequence(existing[-1]) + 1 if existing else 0
        target = folder / f"{sequence:08d}-{os.getpid()}-{os.urandom(4).hex()}.pickle"
        return atomic_write(target, lambda stream: pickle.dump(
            (PROJECTION_VERSION, dict(pieces)), stream, protocol=pickle.HIGHEST_PROTOCOL))
    return None


def remember(store: Store, pieces: Mapping[str, tuple[str, Piece]]) -> None:
    """Cache the pieces of scan graphs just written, by graph IRI with the graph's digest.

    Called by ingest, which has every scan's triples in hand; saves reading them back.
    Writes one new segment; the cache already on disk is not read.
    """
    if not pieces:
        return
    held = _holder(store, load=False)
    folder = cache_path(store)
    if folder is None:
        held.loaded = True  # nothing on disk (a store in memory): the pieces held here are the cache
    if held.loaded:
        held.pieces.update(pieces)
    held.graph = None
    if folder is not None:
        segment = _write_segment(folder, pieces)
        if segment is not None and held.loaded:
            held.segments.append(segment)


def forget(store: Store) -> None:
    """Drop every cached piece of the store, and what was derived from them.

    For changes the digests do not show, like a SPARQL update.
    """
    held = _holder(store, load=False)
    held.pieces.clear()
    held.loaded = True
    held.graph = None
    folder = cache_path(store)
    if folder is not None:
        for segment in _segments(folder):
            segment.unlink(missing_ok=True)
        # what is derived from the pieces goes too (the concepts across scans)
        for derived in folder.parent.glob("*.pickle"):
            derived.unlink(missing_ok=True)
    held.segments = []


def _compact(store: Store, held: _Held, digests: Mapping[str, str], wrote: dict[str, tuple[str, Piece]]) -> None:
    """Save what was read back from the store; merge the segments when they are many or mostly stale."""
    folder = cache_path(store)
    if folder is None:
        return
    if len(held.segments) + bool(wrote) <= MAX_SEGMENTS:
        if wrote:
            segment = _write_segment(folder, wrote)
            if segment is not None:
                held.segments.append(segment)
        return
    merged = {graph: held.pieces[graph] for graph in digests if graph in held.pieces}
    segment = _write_segment(folder, merged)
    if segment is None:
        return
    for old in held.segments:
        old.unlink(missing_ok=True)
    held.segments = [segment]


def project(store: Store) -> nx.DiGraph:
    """The store's items and their relations as a directed graph, rebuilt when the store changes.

    Node attributes: ``type`` (the fs: class name), ``label``, ``description`` (or
    ``None``), ``relevancy`` (int or ``None``), ``scan`` (the IRI of the item's scan)
    and ``line`` (its line in the scan file, or ``None``).

    Edge attributes: ``relation`` (the fs: property name), ``score`` (0-1; 1 for the
    structure of a signal row and for curated links), ``method`` (``structure``,
    ``curated``, ``name-mention``, ``shared-terms``, ...), ``evidence`` (words, or
    ``None`` for structure) and ``link`` (the IRI of the qualified fs:Link, or
    ``None``). One edge per ordered pair of nodes: the strongest.

    ``graph.graph["scans"]`` maps each scan IRI to its ``title``, ``date`` (ISO text
    or ``None``), ``url`` (the article), ``page_url``, ``file``, ``keywords`` and
    ``themes``.

    Example:
        >>> from foresight.ingest import ingest
        >>> from foresight.store import open_store
        >>> store = open_store("memory:")
        >>> _ = ingest(store, ["data/examples"])
        >>> graph = project(store)
        >>> signal = "https://w3id.org/foresight/id/scan/oversight-board-review/signal/statutory-oversight-boards"
        >>> graph.nodes[signal]["type"], graph.nodes[signal]["relevancy"]
        ('Signal', 5)
    """
    digests = store.scan_digests()
    held = _holder(store)
    if held.graph is not None and held.digests == digests:
        return held.graph
    missing = [graph for graph, digest in digests.items()
               if graph not in held.pieces or held.pieces[graph][0] != digest]
    wrote: dict[str, tuple[str, Piece]] = {}
    if missing:
        read = read_pieces(store, missing)
        for graph in missing:
            wrote[graph] = held.pieces[graph] = (digests[graph], read.get(graph, Piece()))
    for graph in [graph for graph in held.pieces if graph not in digests]:
        del held.pieces[graph]
    _compact(store, held, digests, wrote)
    held.graph = assemble(piece for _, piece in (held.pieces[g] for g in sorted(digests)))
    held.digests = digests
    return held.graph


def read_pieces(store: Store, graphs: list[str]) -> dict[str, Piece]:
    """Read the pieces of some scan graphs back from the store."""
    from rdflib import URIRef

    by_graph: dict[str, list[PlainTriple]] = {}
    if len(graphs) > FEW_GRAPHS:
        # one pass per predicate over the whole store: index scans, no joins
        wanted = set(graphs)
        for predicate in _READ_BACK:
            for g, s, o in store.select_plain(f"SELECT ?g ?s ?o WHERE {{ GRAPH ?g {{ ?s <{predicate}> ?o }} }}"):
                if g in wanted:
                    by_graph.setdefault(g, []).append((s, predicate, o))
    else:
        predicates = " ".join(f"<{p}>" for p in _PREDICATES)
        for graph in graphs:
            rows = store.select_plain(
                f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {predicates} }} GRAPH ?g {{ ?s ?p ?o }} }}",
                {"g": URIRef(graph)})
            by_graph[graph] = [(s, p, o) for s, p, o in rows]
    return {graph: piece_from_triples(triples) for graph, triples in by_graph.items()}


def assemble(pieces: Iterable[Piece]) -> nx.DiGraph:
    """One graph from the pieces of many scans; one edge per ordered pair of nodes, the strongest."""
    import networkx as nx

    graph = nx.DiGraph()
    scans: dict[str, dict[str, Any]] = {}
    best: dict[tuple[str, str], EdgeRow] = {}
    # Hundreds of thousands of nodes: fill the adjacency dicts networkx documents for subclasses
    # (node -> attributes, node -> successor -> edge attributes, the same for predecessors)
    # directly, which is twice as fast as add_nodes_from and gives the same graph.
    node_attrs, successors, predecessors = graph._node, graph._succ, graph._pred
    with paused_gc():
        for piece in pieces:
            for node, kind, label, description, relevancy, scan, line in piece.nodes:
                node_attrs[node] = {"type": kind, "label": label, "description": description,
                                    "relevancy": relevancy, "scan": scan, "line": line}
                successors[node] = {}
                predecessors[node] = {}
            for edge in piece.edges:
                key = (edge[0], edge[1])
                held = best.get(key)
                if held is None or edge[3] > held[3]:
                    best[key] = edge
            scans.update(piece.scans)
        for source, target, relation, score, method, evidence, link in best.values():
            if source in node_attrs and target in node_attrs:
                data = {"relation": relation, "score": score, "method": method, "evidence": evidence, "link": link}
                successors[source][target] = data
                predecessors[target][source] = data
    graph.graph["scans"] = scans
    return graph


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while millions of acyclic objects are made (it would rescan them all)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
