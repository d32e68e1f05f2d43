"""Summary figures of a store: what is in the graph, at a glance."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from foresight.store.base import Store
from foresight.vocab import COUNTED_TYPES, FS, ONTOLOGY_GRAPH


@dataclass
class Stats:
    """Counts by type, the most used keywords, themes and categories, the page-date range."""

    counts: dict[str, int] = field(default_factory=dict)
    top: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    first_date: date | None = None
    last_date: date | None = None
    triples: int = 0
    #: scans that do not count: copies and older revisions of an article scanned again
    superseded: int = 0


def graph_stats(store: Store, top: int = 10) -> Stats:
    """Count what the store holds.

    Args:
        store: the store.
        top: how many keywords, themes and categories to list.
    """
    stats = Stats(triples=store.triple_count())
    found = dict(store.select(
        "SELECT ?type (COUNT(DISTINCT ?node) AS ?n) WHERE { GRAPH ?g { ?node a ?type } "
        f"FILTER(STRSTARTS(STR(?type), STR(fs:))) FILTER(?g != <{ONTOLOGY_GRAPH}>) }} GROUP BY ?type"
    ).values())
    stats.counts = {name: int(found.get(FS + name, 0)) for name in COUNTED_TYPES}
    for name, predicate in (("keywords", "dcterms:subject"), ("themes", "fs:theme"), ("categories", "fs:category")):
        rows = store.select(
            # distinct articles: a scan another scan revises (the concepts graph says so) does not count
            f"SELECT ?label (COUNT(DISTINCT ?scan) AS ?n) WHERE {{ ?scan a fs:Scan ; {predicate} ?c . "
            "?c skos:prefLabel ?label FILTER NOT EXISTS { ?newer prov:wasRevisionOf ?scan } } "
            "GROUP BY ?c ?label ORDER BY DESC(?n) ?label LIMIT " + str(int(top))
        ).values()
        stats.top[name] = [(str(label), int(n)) for label, n in rows]
    stats.superseded = int(store.select(
        "SELECT (COUNT(DISTINCT ?scan) AS ?n) WHERE { ?newer prov:wasRevisionOf ?scan }").values()[0][0])
    span = store.select("SELECT (MIN(?d) AS ?first) (MAX(?d) AS ?last) WHERE { ?scan fs:pageDate ?d }").values()
    if span and span[0][0] is not None:
        stats.first_date, stats.last_date = span[0]
    return stats
