"""The parts of the projection a map shows: around a node, along pathways, or what a CONSTRUCT query returns."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from foresight.analysis.neighbors import neighbors
from foresight.analysis.paths import Pathway

if TYPE_CHECKING:
    import networkx as nx
    import rdflib


def focus(graph: nx.DiGraph[str], nodes: Iterable[str], depth: int = 1) -> nx.DiGraph[str]:
    """The nodes within ``depth`` hops of ``nodes`` and every edge between them.

    Example:
        >>> import networkx as nx
        >>> g = nx.DiGraph(scans={})
        >>> g.add_edge("a", "b", relation="enables", score=1.0, evidence="e")
        >>> g.add_edge("b", "c", relation="raises", score=1.0, evidence="e")
        >>> sorted(focus(g, ["a"], depth=1))
        ['a', 'b']
    """
    start = list(nodes)
    keep = set(start) | {n.node for n in neighbors(graph, start, depth)}
    view = graph.subgraph(keep).copy()
    view.graph["focus"] = start
    return view


def along(graph: nx.DiGraph[str], pathways: Iterable[Pathway]) -> nx.DiGraph[str]:
    """The nodes and hops of some pathways (repeats in other scans included)."""
    view = graph.__class__()
    view.graph.update(graph.graph)
    for pathway in pathways:
        for nodes in (pathway.nodes, *pathway.repeats):
            for node in nodes:
                view.add_node(node, **graph.nodes[node])
            for a, b in itertools.pairwise(nodes):
                start, end = (a, b) if graph.has_edge(a, b) else (b, a)
                view.add_edge(start, end, **graph.edges[start, end])
    return view


_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
_DESCRIPTION = "http://purl.org/dc/terms/description"
_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _local(iri: str) -> str:
    return iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1] or iri


def from_rdf(graph: nx.DiGraph[str], triples: rdflib.Graph) -> nx.DiGraph[str]:
    """A map of the triples a SPARQL CONSTRUCT returned.

    Resources become nodes (with the projection's attributes when the projection
    knows them), triples between resources become edges named by their predicate;
    ``rdfs:label``, ``skos:prefLabel`` and ``dcterms:description`` literals label and
    describe the nodes, and ``rdf:type`` gives the type of nodes the projection
    does not know. Other literals are left out.
    """
    import networkx as nx
    from rdflib import Literal

    view: nx.DiGraph[str] = nx.DiGraph()
    view.graph.update(graph.graph)
    extra: dict[str, dict[str, Any]] = {}

    def node(term: Any) -> str:
        key = str(term)
        if key not in view:
            attrs = dict(graph.nodes[key]) if key in graph else {
                "type": "Resource", "label": _local(key), "description": None, "relevancy": None, "scan": None}
            view.add_node(key, **attrs)
        return key

    for s, p, o in triples:
        subject = node(s)
        predicate = str(p)
        if isinstance(o, Literal):
            if predicate in (_LABEL, _PREF_LABEL):
                extra.setdefault(subject, {})["label"] = str(o)
            elif predicate == _DESCRIPTION:
                extra.setdefault(subject, {})["description"] = str(o)
            continue
        if predicate == _TYPE:
            extra.setdefault(subject, {}).setdefault("type", _local(str(o)))
            continue
        view.add_edge(subject, node(o), relation=_local(predicate), score=1.0, method="sparql",
                      evidence=f"returned by the query as <{predicate}>")
    for key, attrs in extra.items():
        for name, value in attrs.items():
            if key not in graph or name != "type":
                view.nodes[key][name] = value
    return view
