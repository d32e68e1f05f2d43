"""Map a :class:`~foresight.model.Scan` to RDF terms of the foresight ontology.

The output is one named graph per scan, as N-Triples-encoded terms: cheap to build
(ingest writes thousands of scans a second) and loadable by any RDF library.
:func:`scan_to_rdflib` gives the same graph as an :class:`rdflib.Graph`.

What a scan becomes (``fs:`` is the foresight ontology)::

    <scan>  a fs:Scan ; dcterms:title ; fs:pageDate ; prov:wasDerivedFrom <article> ;
            dcterms:subject <keyword> ; fs:theme <theme> ; fs:category <category> ; ...
    <article> a fs:Article ; schema:url "…"^^xsd:anyURI .
    <signal> a fs:Signal ; rdfs:label ; fs:relevancy ; fs:fromScan <scan> ;
             fs:hasShift <shift> ; fs:hasOutlook <outlook> .
    <force>  a fs:DrivingForce ; fs:drives <signal> .
    <shift>  a fs:Shift ; fs:fromState ; fs:toState ; fs:leadsTo <outlook> .
    <issue>  a fs:Issue ; rdfs:label ; dcterms:description ; fs:fromScan <scan> .
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from foresight.linking import infer_links
from foresight.model import Item, Scan, Signal
from foresight.vocab import (
    DCTERMS,
    FS,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SCHEMES,
    SKOS,
    XSD,
    article_iri,
    concept_iri,
    iri,
    literal,
    scan_graph_iri,
    scan_iri,
    slug,
)

if TYPE_CHECKING:
    import rdflib

Triple = tuple[str, str, str]
Emit = Callable[[Triple], None]


A = iri(RDF + "type")
LABEL = iri(RDFS + "label")
DESCRIPTION = iri(DCTERMS + "description")
FROM_SCAN = iri(FS + "fromScan")
SOURCE_LINE = iri(FS + "sourceLine")
RELEVANCY = iri(FS + "relevancy")
DIGEST = iri(FS + "contentDigest")

_ITEM_CLASS = {"concern": "Concern", "behavior": "Behavior", "technology": "Technology", "issue": "Issue"}


@dataclass(frozen=True)
class ScanGraph:
    """The RDF of one scan: the named graph's IRI and its triples."""

    graph: str
    scan: str
    triples: tuple[Triple, ...]

    def nquads(self) -> str:
        """The graph as N-Quads text."""
        graph = iri(self.graph)
        return "".join(f"{s} {p} {o} {graph} .\n" for s, p, o in self.triples)

    def split_nquads(self) -> tuple[str, str]:
        """The graph as N-Quads, split into its body and its completion marker.

        The marker is the scan's content digest. Written last, it tells a complete
        graph from one a crash cut short.
        """
        graph = iri(self.graph)
        body: list[str] = []
        marker: list[str] = []
        for s, p, o in self.triples:
            (marker if p == DIGEST else body).append(f"{s} {p} {o} {graph} .\n")
        return "".join(body), "".join(marker)

    def ntriples(self) -> str:
        """The graph as N-Triples text (the graph name dropped)."""
        return "".join(f"{s} {p} {o} .\n" for s, p, o in self.triples)


class _Minter:
    """Hands out one IRI per row, unique inside the scan, stable across runs."""

    def __init__(self, scan_node: str) -> None:
        self.base = scan_node
        self.used: set[str] = set()
        #: the last number tried after each stem (a name repeated n times costs n tries, not n squared)
        self.last: dict[str, int] = {}

    def __call__(self, kind: str, text: str) -> str:
        stem = f"{self.base}/{kind}/{slug(text)}"
        candidate, number = stem, self.last.get(stem, 1)
        if number > 1:
            candidate = f"{stem}-{number}"
        while candidate in self.used:
            number += 1
            candidate = f"{stem}-{number}"
        self.used.add(candidate)
        self.last[stem] = number
        return candidate


def map_scan(scan: Scan) -> ScanGraph:
    """The named graph of one scan.

    >>> from foresight.model import Scan, Signal, parse_shift
    >>> graph = map_scan(Scan(id="demo", title="Demo", signals=(Signal("Drones", change=parse_shift("From a to b")),)))
    >>> graph.graph
    'https://w3id.org/foresight/id/graph/scan/demo'
    >>> sum(1 for _, p, _ in graph.triples if p.endswith('#fromState>'))
    1
    """
    scan_node = scan_iri(scan.id)
    s = iri(scan_node)
    out: list[Triple] = []
    add = out.append

    add((s, A, iri(FS + "Scan")))
    add((s, iri(DCTERMS + "title"), literal(scan.title)))
    add((s, iri(DCTERMS + "identifier"), literal(scan.id)))
    if scan.source_file:
        add((s, iri(FS + "sourceFile"), literal(scan.source_file)))
    if scan.digest:
        add((s, DIGEST, literal(scan.digest)))
    if scan.body_digest:
        add((s, iri(FS + "bodyDigest"), literal(scan.body_digest)))
    if scan.page_id:
        add((s, iri(FS + "pageId"), literal(scan.page_id)))
    if scan.page_date:
        add((s, iri(FS + "pageDate"), literal(scan.page_date.isoformat(), XSD + "date")))
    if scan.page_url:
        add((s, iri(FS + "pageUrl"), literal(scan.page_url, XSD + "anyURI")))
    if scan.summary:
        add((s, iri(DCTERMS + "abstract"), literal(scan.summary)))
    if scan.url:
        article_id = scan.corpus_id
        assert article_id is not None
        article = iri(article_iri(article_id))
        add((s, iri(PROV + "wasDerivedFrom"), article))
        add((article, A, iri(FS + "Article")))
        add((article, iri(SCHEMA + "url"), literal(scan.url, XSD + "anyURI")))
        add((article, iri(FS + "corpusId"), literal(article_id)))

    def concept(cls: str, text: str, predicate: str) -> None:
        node = iri(concept_iri(cls, text))
        add((s, iri(predicate), node))
        add((node, A, iri(FS + cls)))
        add((node, iri(SKOS + "altLabel"), literal(" ".join(text.split()))))
        add((node, iri(SKOS + "inScheme"), iri(SCHEMES[cls])))

    for keyword in scan.keywords:
        concept("Keyword", keyword, DCTERMS + "subject")
    for theme in scan.themes:
        concept("Theme", theme, FS + "theme")
    if scan.category:
        concept("Category", scan.category, FS + "category")
    if scan.scan_type:
        concept("ScanType", scan.scan_type, FS + "scanType")
    for closest in scan.closest:
        add((s, iri(FS + "closestTo"), iri(article_iri(closest.article_id))))

    mint = _Minter(scan_node)
    refs: dict[str, str] = {}
    nodes: list[str] = []
    for signal in scan.signals:
        node = _map_signal(signal, s, mint, add)
        refs.setdefault(f"signal:{signal.name}".casefold(), node)
        nodes.append(node)
    for item in scan.items:
        node = _map_item(item, s, mint, add)
        refs.setdefault(f"{item.kind.value}:{item.label}".casefold(), node)
        nodes.append(node)

    curated: set[frozenset[str]] = set()
    for number, link in enumerate(scan.links, start=1):
        source = refs.get(link.source.casefold(), link.source)
        target = refs.get(link.target.casefold(), link.target)
        curated.add(frozenset((source, target)))
        _map_link(f"{scan_node}/link/{number}", source, link.relation, target, 1.0, "curated", link.note, s,
                  link.line, add)
    for found in infer_links(scan):
        source, target = nodes[found.source], nodes[found.target]
        if frozenset((source, target)) in curated:
            continue  # the analyst's word on this pair stands
        _map_link(f"{scan_node}/link/{found.method}/{found.source + 1}-{found.target + 1}", source, found.relation,
                  target, found.score, found.method, found.evidence, s, None, add)

    return ScanGraph(scan_graph_iri(scan.id), scan_node, tuple(out))


def _map_link(link_iri: str, source: str, relation_name: str, target: str, score: float, method: str,
              evidence: str | None, scan: str, line: int | None, emit: Emit) -> None:
    """A link as a direct triple and, qualified, as an fs:Link carrying its score, method and evidence."""
    relation = iri(FS + relation_name)
    emit((iri(source), relation, iri(target)))
    node = iri(link_iri)
    emit((node, A, iri(FS + "Link")))
    emit((node, iri(FS + "linkSource"), iri(source)))
    emit((node, iri(FS + "linkRelation"), relation))
    emit((node, iri(FS + "linkTarget"), iri(target)))
    emit((node, iri(FS + "score"), literal(f"{score:.3f}", XSD + "decimal")))
    emit((node, iri(FS + "method"), literal(method)))
    if evidence:
        emit((node, iri(FS + "evidence"), literal(evidence)))
    _provenance(node, scan, line, emit)


def _provenance(node: str, scan: str, line: int | None, emit: Emit) -> None:
    emit((node, FROM_SCAN, scan))
    if line:
        emit((node, SOURCE_LINE, literal(line)))


def _map_signal(signal: Signal, scan: str, mint: _Minter, emit: Emit) -> str:
    node_iri = mint("signal", signal.name)
    node = iri(node_iri)
    emit((node, A, iri(FS + "Signal")))
    emit((node, LABEL, literal(signal.name)))
    if signal.description:
        emit((node, DESCRIPTION, literal(signal.description)))
    if signal.relevancy is not None:
        emit((node, RELEVANCY, literal(signal.relevancy)))
    _provenance(node, scan, signal.line, emit)
    outlook = None
    if signal.outlook:
        outlook = iri(node_iri + "/outlook")
        emit((outlook, A, iri(FS + "Outlook")))
        emit((outlook, LABEL, literal(signal.outlook)))
        emit((outlook, iri(FS + "horizonYears"), literal(10)))
        emit((node, iri(FS + "hasOutlook"), outlook))
        _provenance(outlook, scan, signal.line, emit)
    if signal.change:
        shift = iri(node_iri + "/shift")
        emit((shift, A, iri(FS + "Shift")))
        emit((shift, LABEL, literal(signal.change.text)))
        if signal.change.from_state:
            emit((shift, iri(FS + "fromState"), literal(signal.change.from_state)))
        if signal.change.to_state:
            emit((shift, iri(FS + "toState"), literal(signal.change.to_state)))
        emit((node, iri(FS + "hasShift"), shift))
        if outlook:
            emit((shift, iri(FS + "leadsTo"), outlook))
        _provenance(shift, scan, signal.line, emit)
    if signal.driving_force:
        force = iri(node_iri + "/driving-force")
        emit((force, A, iri(FS + "DrivingForce")))
        emit((force, LABEL, literal(signal.driving_force)))
        emit((force, iri(FS + "drives"), node))
        _provenance(force, scan, signal.line, emit)
    return node_iri


def _map_item(item: Item, scan: str, mint: _Minter, emit: Emit) -> str:
    node_iri = mint(item.kind.value, item.label)
    node = iri(node_iri)
    emit((node, A, iri(FS + _ITEM_CLASS[item.kind.value])))
    emit((node, LABEL, literal(item.label)))
    if item.description:
        emit((node, DESCRIPTION, literal(item.description)))
    if item.relevancy is not None:
        emit((node, RELEVANCY, literal(item.relevancy)))
    _provenance(node, scan, item.line, emit)
    return node_iri


def scan_to_rdflib(scan: Scan) -> rdflib.Graph:
    """The graph of one scan as an :class:`rdflib.Graph` (rdflib is the interchange API)."""
    import rdflib

    graph = rdflib.Graph(identifier=rdflib.URIRef(scan_graph_iri(scan.id)))
    graph.parse(data=map_scan(scan).ntriples(), format="nt")
    return graph
