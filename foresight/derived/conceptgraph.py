"""The projection seen through concepts: one node per concept, so pathways cross scans.

Each row of the projection is replaced by its concept (rows of kinds that are not
merged, like shifts, stay themselves). An edge between two concepts stands for
every row edge between their rows: it keeps the strongest one's relation, score
and evidence, says which scan that evidence is from, and counts the scans that
show the link (``support``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from foresight.derived.projection import paused_gc
from foresight.derived.topics import holding_wording

if TYPE_CHECKING:
    import networkx as nx

    from foresight.derived.concepts import Concept, ConceptSet
    from foresight.derived.topics import Association, Topic


def concept_graph(graph: nx.DiGraph[str], concept_set: ConceptSet) -> nx.DiGraph[str]:
    """Contract the rows of ``graph`` into their concepts.

    Concept nodes have ``type`` (the rows' kind), ``label`` (the preferred wording),
    ``alt_labels``, ``description`` and ``relevancy`` (of the most relevant row),
    ``scan`` (``None``: a concept has many), ``scan_list`` (its scans), ``scans`` (how
    many), ``rows`` and ``texts`` (each row's scan, wording, description, relevancy and
    line). Edges have ``relation``, ``score``, ``method``, ``evidence``
    (prefixed by the scan it comes from), ``scan`` (that scan), ``support`` (scans
    showing the link) and ``rows`` (the row edge the evidence is from).

    Example:
        >>> import networkx as nx
        >>> from foresight.derived.concepts import build_concepts
        >>> g = nx.DiGraph(scans={})
        >>> for n, scan in (("a1", "s1"), ("a2", "s2")):
        ...     g.add_node(n, type="Technology", label="Drones", scan=scan, relevancy=3)
        >>> g.add_node("b", type="Issue", label="Privacy", scan="s2", relevancy=4)
        >>> g.add_edge("a2", "b", relation="raises", score=0.9, method="name-mention", evidence="e")
        >>> merged = concept_graph(g, build_concepts(g))
        >>> sorted(merged.nodes[n]["label"] for n in merged if merged.nodes[n]["type"] != "Topic")
        ['Drones', 'Privacy']
    """
    import networkx as nx

    scans = graph.graph.get("scans", {})
    view: nx.DiGraph[str] = nx.DiGraph()
    view.graph.update({key: value for key, value in graph.graph.items() if not key.startswith("_")})
    view.graph["level"] = "concepts"
    of_row = concept_set.of_row
    # one lookup per row: going through graph.nodes[n] for every attribute was most of the time
    # (iter(): the stubs type the data view as a set of nodes, not of (node, data) pairs)
    node_data: dict[str, dict[str, Any]] = dict(iter(graph.nodes(data=True)))
    with paused_gc():
        for concept in concept_set.concepts.values():
            if concept.rows[0] not in node_data:  # keywords and themes describe scans: on the map through topics
                view.add_node(concept.iri, **concept_node(concept, []))
                continue
            view.add_node(concept.iri, **concept_node(concept, [row_text(n, node_data[n]) for n in concept.rows]))
        for node, data in node_data.items():
            if node not in of_row:
                view.add_node(node, **row_node(node, data))
        support: dict[tuple[str, str], set[str]] = {}
        edge_data: dict[tuple[str, str], dict[str, Any]] = {}  # the view's own attribute dicts, updated in place
        for source, target, data in graph.edges(data=True):
            start, end = of_row.get(source, source), of_row.get(target, target)
            if start == end:
                continue
            scan = node_data[source].get("scan")
            support.setdefault((start, end), set()).add(scan or "")
            held = edge_data.get((start, end))
            if held is None or data.get("score", 0) > held["score"]:
                view.add_edge(start, end, **row_edge(graph, source, target, data))
                edge_data[start, end] = view.edges[start, end]
        for key, seen in support.items():
            edge_data[key]["support"] = len(seen)
        _add_topics(view, concept_set, scans)
    return view


def row_text(node: str, data: dict[str, Any]) -> dict[str, Any]:
    """What a concept node keeps of one of its rows: scan, wording, description, relevancy and line."""
    return {"row": node, "scan": data.get("scan"), "label": data.get("label"), "description": data.get("description"),
            "relevancy": data.get("relevancy"), "line": data.get("line")}


def concept_node(concept: Concept, texts: list[dict[str, Any]]) -> dict[str, Any]:
    """A concept's node attributes, from its rows' texts (none for keywords and themes, which describe scans)."""
    if not texts:
        return {"type": concept.kind, "label": concept.label, "alt_labels": concept.alt_labels, "description": None,
                "relevancy": None, "scan": None, "scan_list": sorted(concept.scans), "scans": len(concept.scans),
                "rows": [], "texts": [], "line": None}
    best = max(texts, key=lambda text: (text.get("relevancy") or 0, bool(text.get("description")), text["row"]))
    return {"type": concept.kind, "label": concept.label, "alt_labels": concept.alt_labels,
            "description": best.get("description"),
            "relevancy": max((t["relevancy"] for t in texts if isinstance(t["relevancy"], int)), default=None),
            "scan": None, "scan_list": sorted(concept.scans), "scans": len(concept.scans), "rows": concept.rows,
            "texts": texts, "line": None}


def row_node(node: str, data: dict[str, Any]) -> dict[str, Any]:
    """The node of a row that is no concept's (a shift): the row itself."""
    return {**data, "scan_list": [data["scan"]] if data.get("scan") else [], "scans": 1, "rows": [node]}


def row_edge(graph: nx.DiGraph[str], source: str, target: str, data: dict[str, Any]) -> dict[str, Any]:
    """The attributes of the edge between two concepts that a row edge gives (``support`` aside)."""
    scans = graph.graph.get("scans", {})
    scan = graph.nodes[source].get("scan")
    where = scans.get(scan, {})
    source_name = where.get("title") or scan or "a scan"
    dated = f" ({where['date']})" if where.get("date") else ""
    evidence = data.get("evidence") or _structure(graph, source)
    return {"relation": data["relation"], "score": data.get("score", 0.5), "method": data.get("method", ""),
            "evidence": f"in {source_name}{dated}: {evidence}", "link": data.get("link"), "rows": (source, target),
            "scan": scan}


#: how many supporting articles an association's evidence names by title (the JSON lists them all)
_SHOWN = 3


def newest_scan(scan_list: Iterable[str], scans: Mapping[str, Mapping[str, Any]]) -> str | None:
    """The newest of some scans (by page date, then IRI): where a wording can be read."""
    return max(scan_list, key=lambda scan: (str(scans.get(scan, {}).get("date") or ""), scan), default=None)


def topic_node(topic: Topic) -> dict[str, Any]:
    return {"type": "Topic", "label": topic.label, "alt_labels": topic.alt_labels,
            "description": f"a topic named in {len(topic.articles)} articles", "relevancy": None, "scan": None,
            "scan_list": [], "scans": len(topic.articles), "rows": [], "texts": [], "line": None,
            "first": topic.first, "last": topic.last}


def member_edge(data: Mapping[str, Any], topic: Topic, scans: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The ``broader`` edge from a concept (its node attributes) to one of its topics."""
    wording = holding_wording([data["label"], *(data.get("alt_labels") or ())], topic.key) or data["label"]
    return {"relation": "broader", "score": 0.9, "method": "topic-words",
            "evidence": f"the name '{wording}' holds the words of the topic '{topic.label}'",
            "scan": newest_scan(data.get("scan_list") or [], scans), "support": data.get("scans", 1)}


def topic_edge(topic: Topic, broader: Topic, counting: Mapping[str, str],
               scans: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The ``broader`` edge from a topic to a topic inside its words."""
    # the newest scan naming the narrower topic: where its wording can be read
    named = max((counting.get(article, article) for article in topic.articles),
                key=lambda scan: (str(scans.get(scan, {}).get("date") or ""), scan), default=None)
    return {"relation": "broader", "score": 0.9, "method": "topic-words",
            "evidence": f"the topic '{topic.label}' holds the words of the topic '{broader.label}'", "scan": named,
            "support": len(topic.articles)}


def association_edge(association: Association, scans: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The ``coOccursWith`` edge of an association, its evidence naming the newest supporting articles."""
    named = []
    for scan in association.scans[:_SHOWN]:
        where = scans.get(scan, {})
        dated = f" ({where['date']})" if where.get("date") else ""
        named.append(f"{where.get('title') or scan}{dated}")
    more = association.support - len(named)  # the evidence keeps 50 scans; the support counts every article
    evidence = (f"named together in {association.support} articles, {association.lift:.1f} times what chance "
                f"would give (PMI {association.pmi:.2f}): {'; '.join(named)}"
                f"{f'; and {more} more' if more > 0 else ''}")
    return {"relation": "coOccursWith", "score": association.score, "method": "co-occurrence", "evidence": evidence,
            "scan": association.scans[0], "support": association.support, "lift": association.lift,
            "pmi": association.pmi, "evidence_scans": list(association.scans)}


def _add_topics(view: nx.DiGraph[str], concept_set: ConceptSet, scans: dict[str, dict[str, Any]]) -> None:
    """Topics as nodes: each concept under its most specific topics, each topic under the topics inside its
    words (``broader``), and topics named together across articles associated (``coOccursWith``)."""
    topics = concept_set.topics
    for topic in topics.topics.values():
        view.add_node(topic.iri, **topic_node(topic))
    for concept, held in topics.of_concept.items():
        if concept not in view:
            continue
        data = view.nodes[concept]
        for iri in held:
            view.add_edge(concept, iri, **member_edge(data, topics.topics[iri], scans))
    counting = {edition.article: scan for scan, edition in concept_set.editions.items() if edition.counts}
    for topic in topics.topics.values():
        for iri in topic.broader:
            view.add_edge(topic.iri, iri, **topic_edge(topic, topics.topics[iri], counting, scans))
    for association in topics.associations:
        view.add_edge(association.a, association.b, **association_edge(association, scans))


def _structure(graph: nx.DiGraph[str], node: str) -> str:
    data = graph.nodes[node]
    scan = graph.graph.get("scans", {}).get(data.get("scan"), {})
    where = scan.get("file") or "the scan"
    line = f", line {data['line']}" if data.get("line") else ""
    return f"same signal row ({where}{line})"
