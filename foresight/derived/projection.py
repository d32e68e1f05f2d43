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
graph's content digest: ingest hands over the pieces of the scans it writes, and a
graph whose piece is missing or stale (written by another tool, changed by a SPARQL
update, cache deleted) is read back from the store. The pieces are kept in
``pieces.sqlite`` in the store's derived folder (see :mod:`foresight.derived`).
"""

from __future__ import annotations

import contextlib
import gc
import json
import re
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foresight.files import CacheTable
from foresight.store.base import Store, plain_literal
from foresight.versions import PROJECTION_VERSION
from foresight.vocab import DCTERMS, FS, ITEM_TYPES, PROV, RDF, RDFS, SCHEMA, SKOS

if TYPE_CHECKING:
    import networkx as nx


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
    FS + "sourceFile", DCTERMS + "subject", FS + "theme", SKOS + "altLabel", FS + "bodyDigest",
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
                "article": str(article) if article else None, "body": values.get(FS + "bodyDigest"),
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
    body, datatype, _ = literal_parts(term)
    return plain_literal(body, datatype)


def literal_parts(term: str) -> tuple[str, str | None, str | None]:
    """An N-Triples literal's text, datatype IRI and language tag.

    >>> literal_parts(r'"say \\"hi\\""@en'), literal_parts('"4"^^<http://www.w3.org/2001/XMLSchema#integer>')
    (('say "hi"', None, 'en'), ('4', 'http://www.w3.org/2001/XMLSchema#integer', None))
    """
    end = term.rfind('"')
    body = term[1:end]
    if "\\" in body:
        body = _ESCAPE.sub(_unescape, body)
    rest = term[end + 1:]
    if rest.startswith("^^<"):
        return body, rest[3:-1], None
    return body, None, rest[1:] if rest.startswith("@") else None


# ----- the pieces cache ---------------------------------------------------------------------------
#
# Pieces live in one SQLite file in the store's derived folder, one row per scan graph with the graph's
# digest and the store's "unscoped" token when the piece was saved. A piece counts only while both still
# hold: a rewritten scan has a new digest, and a SPARQL update (which may change any graph) changes the
# token. A lost or damaged file costs a re-read from the store, never a wrong graph.

#: Up to this many graphs to read back, one query each; more, one pass per predicate over the whole store.
FEW_GRAPHS = 50


class PieceCache:
    """The projection pieces of a store's scan graphs, in SQLite (a file, or memory for a store in memory)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        # without it (a file that cannot be had), pieces are read back from the store
        self._table = CacheTable(path, "pieces", "graph TEXT PRIMARY KEY, digest TEXT, unscoped TEXT, "
                                 "version TEXT, hash TEXT, body TEXT")
        self._connection = self._table.connection

    def _rows(self, columns: str) -> list[tuple[Any, ...]]:
        with self._connection() as connection:
            if connection is None:
                return []
            try:
                return connection.execute(f"SELECT graph, digest, unscoped, version, {columns} FROM pieces").fetchall()
            except sqlite3.Error:
                return []

    def load(self, digests: Mapping[str, str], unscoped: str) -> dict[str, Piece]:
        """The cached pieces still true of the graphs with these digests."""
        found: dict[str, Piece] = {}
        rows = self._rows("body")
        with paused_gc():
            for graph, digest, token, version, body in rows:
                if digests.get(graph) == digest and token == unscoped and version == PROJECTION_VERSION:
                    nodes, edges, scans = json.loads(body)
                    found[graph] = Piece(nodes, edges, scans)
        return found

    def load_some(self, digests: Mapping[str, str], unscoped: str) -> dict[str, Piece]:
        """The cached pieces of just the graphs named in ``digests``, when still true of them."""
        found: dict[str, Piece] = {}
        with self._connection() as connection:
            if connection is None:
                return found
            for graph, digest in digests.items():
                try:
                    row = connection.execute("SELECT unscoped, version, body FROM pieces WHERE graph = ? AND "
                                             "digest = ?", (graph, digest)).fetchone()
                except sqlite3.Error:
                    return found
                if row and row[0] == unscoped and row[1] == PROJECTION_VERSION:
                    nodes, edges, scans = json.loads(row[2])
                    found[graph] = Piece(nodes, edges, scans)
        return found

    def hashes(self, digests: Mapping[str, str], unscoped: str) -> dict[str, str]:
        """The content hash of each cached piece still true of its graph (see :func:`piece_hash`)."""
        return {graph: str(content) for graph, digest, token, version, content in self._rows("hash")
                if digests.get(graph) == digest and token == unscoped and version == PROJECTION_VERSION}

    def save(self, pieces: Mapping[str, tuple[str, Piece]], unscoped: str) -> None:
        """Keep the pieces of some graphs (by graph IRI, with the digest they were made from)."""
        if not pieces:
            return
        rows = [(graph, digest, unscoped, PROJECTION_VERSION, piece_hash(piece),
                 json.dumps([piece.nodes, piece.edges, piece.scans], ensure_ascii=False, separators=(",", ":")))
                for graph, (digest, piece) in pieces.items()]
        with self._connection() as connection:
            if connection is None:
                return
            with contextlib.suppress(sqlite3.Error), connection:
                connection.executemany("INSERT OR REPLACE INTO pieces VALUES (?, ?, ?, ?, ?, ?)", rows)

    def prune(self, keep: Iterable[str]) -> None:
        """Forget the pieces of graphs no longer in the store."""
        wanted = set(keep)
        with self._connection() as connection:
            if connection is None:
                return
            with contextlib.suppress(sqlite3.Error), connection:
                gone = [(g,) for (g,) in connection.execute("SELECT graph FROM pieces") if g not in wanted]
                connection.executemany("DELETE FROM pieces WHERE graph = ?", gone)


def piece_hash(piece: Piece) -> str:
    """A digest of what a piece says, the same however it was made (from ingest or read back) and in any order."""
    import hashlib

    def canonical(items: Iterable[Any]) -> list[str]:
        return sorted(json.dumps(item, ensure_ascii=False, sort_keys=True) for item in items)

    text = json.dumps([canonical(piece.nodes), canonical(piece.edges), canonical(sorted(piece.scans.items()))],
                      ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _read_back(store: Store, cache: PieceCache, digests: Mapping[str, str], unscoped: str,
               missing: list[str]) -> dict[str, Piece]:
    """The pieces of some graphs read back from the store, kept in the cache (and stale ones pruned)."""
    read = read_pieces(store, missing)
    fresh = {graph: (digests[graph], read.get(graph, Piece())) for graph in missing}
    cache.save(fresh, unscoped)
    cache.prune(digests)
    return {graph: piece for graph, (_, piece) in fresh.items()}


def piece_hashes(store: Store, cache: PieceCache, digests: Mapping[str, str] | None = None) -> dict[str, str]:
    """The content hash of every scan graph's piece, reading back (and caching) the pieces missing; ``digests``:
    the store's scan digests, when at hand."""
    digests = dict(digests) if digests is not None else store.scan_digests()
    unscoped = store.generation().unscoped
    hashes = cache.hashes(digests, unscoped)
    missing = [graph for graph in digests if graph not in hashes]
    if missing:
        read = _read_back(store, cache, digests, unscoped, missing)
        hashes.update({graph: piece_hash(piece) for graph, piece in read.items()})
    return {graph: hashes[graph] for graph in digests}


def project_store(store: Store, cache: PieceCache) -> nx.DiGraph[str]:
    """The projection of ``store``, from cached pieces where they still hold, the rest read back."""
    digests = store.scan_digests()
    unscoped = store.generation().unscoped
    held = cache.load(digests, unscoped)
    missing = [graph for graph in digests if graph not in held]
    if missing:
        held.update(_read_back(store, cache, digests, unscoped, missing))
    return assemble(held[graph] for graph in sorted(digests))


def project(store: Store) -> nx.DiGraph[str]:
    """The store's items and their relations as a directed graph (the row level of :mod:`foresight.derived`).

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

    The graph is a copy: change it freely; it is rebuilt from the store when the store changes.

    Example:
        >>> from foresight.ingest import ingest
        >>> from foresight.store import open_store
        >>> store = open_store("memory:")
        >>> _ = ingest(store, ["data/examples"])
        >>> graph = project(store)
        >>> signal = next(node for node, label in graph.nodes(data="label") if label == "Statutory Oversight Boards")
        >>> graph.nodes[signal]["type"], graph.nodes[signal]["relevancy"]
        ('Signal', 5)
    """
    from foresight.derived import views

    return views(store).rows()


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


def assemble(pieces: Iterable[Piece]) -> nx.DiGraph[str]:
    """One graph from the pieces of many scans; one edge per ordered pair of nodes, the strongest."""
    import networkx as nx

    graph: nx.DiGraph[str] = nx.DiGraph()
    scans: dict[str, dict[str, Any]] = {}
    best: dict[tuple[str, str], EdgeRow] = {}
    # Hundreds of thousands of nodes: fill the adjacency dicts networkx documents for subclasses
    # (node -> attributes, node -> successor -> edge attributes, the same for predecessors)
    # directly, which is twice as fast as add_nodes_from and gives the same graph. (The stubs leave them out.)
    node_attrs: dict[str, dict[str, Any]] = graph._node  # type: ignore[attr-defined]
    successors: dict[str, dict[str, dict[str, Any]]] = graph._succ  # type: ignore[attr-defined]
    predecessors: dict[str, dict[str, dict[str, Any]]] = graph._pred  # type: ignore[attr-defined]
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
