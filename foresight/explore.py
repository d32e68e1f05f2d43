"""What foresight shows of a node, a pathway and a topic, and of the analyses a page shows too (emerging, STEEP,
cross-impact, scenario axes, communities), as plain data: the records of ``show``, ``paths``, ``topics NAME``,
``emerging``, ``steep``, ``cross-impact``, ``axes`` and ``communities`` in JSON, and of the pages of
``foresight serve``, made in one place.

Every scan appears the same way (:func:`foresight.export.output.scan_ref`: IRI, title, page date, article link and
file); every hop says its relation, which way it was walked, its score, method and evidence, and, for an
association, its support and the articles naming both ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from foresight.analytics.axes import MIN_OUTLOOKS
from foresight.analytics.communities import TOP as COMMUNITY_TOPICS
from foresight.errors import ForesightError, UnknownNodeError
from foresight.export.output import scan_ref

if TYPE_CHECKING:
    import networkx as nx

    from foresight.analysis.neighbors import Details
    from foresight.analysis.paths import Pathway
    from foresight.analytics.axes import Vectors
    from foresight.derived.index import GraphIndex

    Graph = nx.DiGraph[str]


def scan_of(graph: Graph, scan: str | None) -> dict[str, Any] | None:
    """A scan of the graph as every record shows it (``None`` for no scan)."""
    return scan_ref(graph.graph.get("scans", {}), scan)


def node_record(graph: Graph, node: str) -> dict[str, Any]:
    """A node: IRI, type, label, relevancy, how many scans name it and its scan."""
    data = graph.nodes[node]
    return {"iri": node, "type": data.get("type"), "label": data.get("label"), "relevancy": data.get("relevancy"),
            "scans": data.get("scans", 1), "scan": scan_of(graph, data.get("scan"))}


def stored_edge(graph: Graph, start: str, end: str) -> tuple[str, str]:
    """The link between two nodes as the graph holds it (a symmetric link may be walked from its other end)."""
    return (start, end) if graph.has_edge(start, end) else (end, start)


def edge_scan(graph: Graph, start: str, end: str) -> str | None:
    """The scan an edge's evidence comes from (a concept edge says it; a row edge is its rows' scan)."""
    start, end = stored_edge(graph, start, end)
    scan = graph.edges[start, end].get("scan") or graph.nodes[start].get("scan")
    return str(scan) if scan else None


def hop_record(graph: Graph, source: str, target: str, forward: bool, relation: str, score: float, method: str,
               evidence: str) -> dict[str, Any]:
    """One hop walked from ``source`` to ``target`` (``forward``: the way the link points), with its evidence."""
    start, end = (source, target) if forward else (target, source)
    found = {"from": source, "to": target, "relation": relation, "forward": forward, "score": score,
             "method": method, "evidence": evidence, "scan": scan_of(graph, edge_scan(graph, start, end))}
    data = graph.edges[stored_edge(graph, start, end)]
    if data.get("evidence_scans"):  # an association: the articles naming both ends
        found["support"] = data.get("support")
        found["lift"] = data.get("lift")
        found["evidence_scans"] = [scan_of(graph, scan) for scan in data["evidence_scans"]]
    return found


def pathway_scans(graph: Graph, pathway: Pathway) -> list[str]:
    """The scans a pathway's evidence comes from, in hop order."""
    scans: list[str] = []
    for hop in pathway.hops:
        start, end = (hop.source, hop.target) if hop.forward else (hop.target, hop.source)
        scan = edge_scan(graph, start, end)
        if scan and scan not in scans:
            scans.append(scan)
    return scans


def pathway_records(graph: Graph, found: Sequence[Pathway]) -> list[dict[str, Any]]:
    """The pathways, best first: rank, cost, strength, nodes, hops with evidence, scans and repeats."""
    return [{
        "rank": rank, "cost": p.cost, "strength": p.strength,
        "nodes": [node_record(graph, n) for n in p.nodes],
        "hops": [hop_record(graph, h.source, h.target, h.forward, h.relation, h.score, h.method, h.evidence)
                 for h in p.hops],
        "scans": [scan_of(graph, scan) for scan in pathway_scans(graph, p)],
        "repeats": [list(nodes) for nodes in p.repeats],
    } for rank, p in enumerate(found, start=1)]


def profile_records(graph: Graph, details: Sequence[Details]) -> list[dict[str, Any]]:
    """Everything about each node described (:func:`foresight.analysis.neighbors.describe`): its text in every
    scan naming it, other wordings, and its neighbours by relation, each hop with its evidence."""
    return [{
        "iri": d.node, "type": d.type, "label": d.label, "description": d.description, "relevancy": d.relevancy,
        "line": d.line, "scan": scan_of(graph, d.scan.get("iri")), "alt_labels": d.alt_labels,
        "texts": [{**{k: v for k, v in text.items() if k != "scan"},
                   "scan": scan_of(graph, text["scan"].get("iri"))} for text in d.texts],
        "relations": {name: [{**node_record(graph, h.node), "hop": hop_record(
            graph, d.node, h.node, h.forward, h.relation, h.score, "", h.evidence)} for h in hops]
            for name, hops in d.relations.items()},
    } for d in details]


def apart(index: GraphIndex, starts: list[str], ends: list[str]) -> tuple[list[str], list[str], str | None]:
    """Two topic phrases may both name a node: it is walked through rather than taken as an end; returns the ends
    and a note saying so (``None`` when nothing was held by both).

    When one phrase's names all hold the other too, they stay the ends and the other loses them.
    """
    common = set(starts) & set(ends)
    if not common or common == set(starts) == set(ends):
        return starts, ends, None
    labels = sorted(str(index.label(node)) for node in common)
    held = "1 name holds" if len(common) == 1 else f"{len(common)} names hold"
    note = f"{held} both: {'; '.join(labels[:3])}{' …' if len(labels) > 3 else ''} (pathways run through them)"
    if set(starts) - common and set(ends) - common:
        return [n for n in starts if n not in common], [n for n in ends if n not in common], note
    if set(ends) - common:
        return starts, [n for n in ends if n not in common], note
    return [n for n in starts if n not in common], ends, note


def topic_record(index: GraphIndex, text: str, limit: int) -> dict[str, Any]:
    """Everything about one topic, as plain data.

    Raises:
        UnknownNodeError: no topic has that name, or it is part of several.
    """
    found, named = index.topics_named(text)
    if not found:
        raise UnknownNodeError(f"no topic named {text!r}; list them with 'foresight topics'")
    if not named and len(found) > 1:
        shown = "; ".join(repr(t.label) for t in found[:5])
        raise UnknownNodeError(f"{text!r} is part of {len(found)} topics; say which: {shown}")
    chosen = found[0]
    members = index.concepts_by_iri(chosen.members)
    members.sort(key=lambda c: (-len(c.articles), c.label.casefold(), c.iri))
    narrower = index.narrower_topics(chosen.iri)
    associated = index.topic_associations(chosen.iri)
    labels = {t.iri: t.label for t in index.topics_by_iri({*chosen.broader, *(a[0] for a in associated)})}
    scans = index.scans({scan for _, _, _, held in associated[:limit] for scan in held[:3]})

    def ref(scan: str) -> dict[str, Any]:
        return scan_ref(scans, scan) or {"iri": scan}

    return {
        "iri": chosen.iri, "label": chosen.label, "articles": len(chosen.articles), "first": chosen.first,
        "last": chosen.last, "months": dict(sorted(chosen.months.items())), "kinds": dict(sorted(chosen.kinds.items())),
        "broader": [{"iri": b, "label": labels.get(b, b)} for b in chosen.broader],
        "narrower": [{"iri": t.iri, "label": t.label, "articles": len(t.articles)} for t in narrower[:limit]],
        "narrower_count": len(narrower),
        "concepts": [{"iri": c.iri, "kind": c.kind, "label": c.label, "articles": len(c.articles)}
                     for c in members[:limit]],
        "concept_count": len(members),
        "associated": [{"iri": other, "label": labels.get(other, other), "support": support, "lift": lift,
                        "evidence": [ref(scan) for scan in held[:3]], "evidence_count": len(held)}
                       for other, support, lift, held in associated[:limit]],
    }


@dataclass(frozen=True)
class EmergingAnswer:
    """What ``emerging`` found: its records (best first, ``limit`` of them), how many passed, the window, and why
    nothing passed when nothing did."""

    records: list[dict[str, Any]]
    passed: int
    window: list[str]
    empty_because: str | None


def emerging_records(index: GraphIndex, *, months: int = 6, level: str = "concepts", kinds: list[str] | None = None,
                     min_articles: int = 3, significance: float = 0.05, steep: str | None = None,
                     limit: int = 15) -> EmergingAnswer:
    """Emerging concepts (or topics) and weak signals in the last ``months`` (:mod:`foresight.analytics.emerging`),
    as the records ``foresight emerging`` prints.

    Raises:
        ForesightError: ``months`` below 1, or ``level`` neither concepts nor topics.
    """
    from foresight.analysis.timeline import recent_months
    from foresight.analytics.emerging import Item, explain_empty, find_emerging
    from foresight.analytics.steep import concept_steep, topic_categories

    if months < 1:
        raise ForesightError("emerging: --months must be at least 1")
    if level not in ("concepts", "topics"):
        raise ForesightError(f"emerging: --level is concepts or topics, not {level!r}")
    totals = index.articles_by_month()
    latest = max(totals, default=None)
    window = recent_months(latest, months)[months:] if latest else []
    if level == "topics":
        every, _ = index.topic_list(1, index.node_count())  # without the associations topic_set() reads
        items = [Item(t.iri, t.label, "Topic", t.months) for t in every]
        tagged = topic_categories(index) if steep is not None else None
    else:
        relevancy = index.relevancies()
        items = [Item(c.iri, c.label, c.kind, c.months, relevancy.get(c.iri))
                 for c in (index.concepts_in_months(window, kinds) if window else [])]
        tagged = concept_steep(index) if steep is not None else None
    if tagged is not None:
        items = [item for item in items if steep in tagged.get(item.iri, ())]
    found = find_emerging(items, totals, window, min_support=min_articles, significance=significance) if window else []
    why = None
    if not found:
        why = explain_empty(items, totals, window, min_support=min_articles, significance=significance) \
            if window else "the store holds no dated articles"
    records = [{"concept": e.item.label, "iri": e.item.iri, "kind": e.item.kind, "score": e.score,
                "category": e.category, "recent": e.test.recent, "recent_total": e.test.recent_total,
                "before": e.test.before, "before_total": e.test.before_total,
                "ratio": None if e.test.ratio == float("inf") else round(e.test.ratio, 3),
                "p": float(f"{e.test.p:.3g}"), "q": float(f"{e.q:.3g}"), "first": e.first,
                "relevancy": e.item.relevancy, "why": e.why}
               for e in found[:limit]]
    return EmergingAnswer(records, len(found), window, why)


def steep_records(index: GraphIndex, kinds: list[str] | None = None) -> dict[str, Any]:
    """The STEEP counts ``foresight steep`` prints: per category the concepts, the articles raising it, their share
    of all dated articles and the articles each year."""
    from foresight.analytics.steep import CATEGORIES, TAGGED_KINDS, concept_steep, steep_summary

    kinds = kinds or list(TAGGED_KINDS)
    summary = steep_summary(index.concept_texts(kinds), index.article_months(), tags=concept_steep(index))
    years = sorted({year for counts in summary.by_year.values() for year in counts})
    categories = [{"category": c, "concepts": summary.concepts.get(c, 0), "articles": summary.articles.get(c, 0),
                   "share": round(summary.articles.get(c, 0) / summary.total_articles, 4)
                   if summary.total_articles else 0.0,
                   "by_year": {year: summary.by_year[c][year] if c in summary.by_year else 0 for year in years}}
                  for c in CATEGORIES]
    return {"categories": categories, "articles": summary.total_articles, "concepts": len(summary.tags),
            "untagged": summary.untagged, "kinds": kinds, "years": years}


def cross_impact_records(index: GraphIndex, *, top: int = 20, topic: str | None = None, kind: str = "DrivingForce",
                         steep: str | None = None) -> dict[str, Any]:
    """The cross-impact matrix of ``foresight cross-impact --format json``: what the variables are, each with its
    IRI, and every non-empty cell with its net support, CIB score, relations and scans; plus the whole matrix of
    net support and of CIB scores, row acting on column, for a page to draw."""
    from foresight.analytics.influence import cib_scores, cross_impact_cells
    from foresight.analytics.structural import structural_analysis

    structure = structural_analysis(index, top=top, topic=topic, kind=kind, steep=steep)
    matrix = structure.matrix
    scores = cib_scores(matrix.signed)
    size = len(matrix.names)
    return {"what": structure.what,
            "variables": [{"concept": name, "iri": iri} for name, iri in zip(matrix.names, matrix.iris, strict=True)],
            "cells": cross_impact_cells(matrix),
            "net": [[None if i == j else float(matrix.signed[i, j]) for j in range(size)] for i in range(size)],
            "cib": [[None if i == j else int(scores[i, j]) for j in range(size)] for i in range(size)]}


def axes_records(index: GraphIndex, vectors: Vectors | None, *, top: int = 20, kind: str = "DrivingForce",
                 min_outlooks: int = MIN_OUTLOOKS, pairs: int = 5, steep: str | None = None) -> dict[str, Any]:
    """The scenario axes of ``foresight axes --format json``: what was considered, the axes by impact x
    uncertainty with their poles, and the best pairs for a 2x2; ``contradicting`` says whether any two outlooks
    of these forces contradict at all (else their uncertainty cannot be told apart)."""
    from foresight.analytics.axes import axis_record, pair_record, scenario_axes

    found, best, what = scenario_axes(index, vectors, top=top, kind=kind, min_outlooks=min_outlooks, pairs=pairs,
                                      steep=steep)
    return {"considered": what, "axes": [axis_record(axis) for axis in found],
            "pairs": [pair_record(pair) for pair in best],
            "contradicting": any(axis.contradicting for axis in found)}


def communities_records(index: GraphIndex, *, min_articles: int = 3, resolution: float = 1.0,
                        top: int = COMMUNITY_TOPICS) -> dict[str, Any]:
    """The yearly communities of topics of ``foresight communities --format json``: each year's communities (name,
    size, articles, how they came from the year before, their topics most connected first, with their IRIs), and
    under each year the communities of the year before that nothing continues (faded)."""
    from foresight.analytics.communities import yearly_communities

    topics = index.topic_articles(min_articles)
    by_year, faded = yearly_communities({iri: articles for iri, (_, articles) in topics.items()},
                                        {iri: label for iri, (label, _) in topics.items()}, index.article_months(),
                                        min_articles=min_articles, resolution=resolution, top=top)
    records = [{"year": c.year, "number": c.number, "community": c.name, "size": len(c.members),
                "articles": c.articles, "change": c.change,
                "from": [{"community": name, "jaccard": overlap} for name, overlap in c.sources],
                "topics": c.labels, "iris": c.members} for year in sorted(by_year) for c in by_year[year]]
    return {"communities": records,
            "faded": [{"year": year, "community": name} for year in sorted(faded) for name in faded[year]]}
