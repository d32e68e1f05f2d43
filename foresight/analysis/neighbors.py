"""What surrounds a node: its neighbours by relation, with evidence, and its source scans."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from foresight.analysis.paths import evidence
from foresight.errors import ForesightError

if TYPE_CHECKING:
    import networkx as nx


@dataclass(frozen=True)
class Neighbor:
    """A node ``distance`` hops away, reached from ``via`` over ``relation``.

    ``forward`` is True when the link points from ``via`` to the node.
    """

    node: str
    distance: int
    via: str
    relation: str
    forward: bool
    score: float
    evidence: str


@dataclass(frozen=True)
class Details:
    """One node as ``foresight show`` prints it."""

    node: str
    type: str
    label: str
    description: str | None
    relevancy: int | None
    scan: dict[str, Any]
    line: int | None
    relations: dict[str, list[Neighbor]] = field(default_factory=dict)
    #: for a concept: what each of its rows says, with the row's scan (title, date, url) under ``scan``
    texts: list[dict[str, Any]] = field(default_factory=list)
    alt_labels: list[str] = field(default_factory=list)


def _step(graph: nx.DiGraph[str], node: str) -> Iterable[tuple[str, bool]]:
    return itertools.chain(((n, True) for n in graph.successors(node)), ((n, False) for n in graph.predecessors(node)))


def _neighbor(graph: nx.DiGraph[str], via: str, other: str, forward: bool, distance: int) -> Neighbor:
    start, end = (via, other) if forward else (other, via)
    data = graph.edges[start, end]
    return Neighbor(other, distance, via, str(data["relation"]), forward, float(data.get("score", 0.5)),
                    evidence(graph, start, end))


def neighbors(graph: nx.DiGraph[str], nodes: Iterable[str], depth: int = 1) -> list[Neighbor]:
    """The nodes within ``depth`` hops of any of ``nodes``, links walked both ways.

    Each is listed once, at its shortest distance, with the hop that reached it.

    Raises:
        ForesightError: ``depth`` below 1.

    Example:
        >>> import networkx as nx
        >>> g = nx.DiGraph(scans={})
        >>> g.add_edge("a", "b", relation="enables", score=0.9, evidence="e")
        >>> g.add_edge("b", "c", relation="raises", score=0.9, evidence="e")
        >>> [(n.node, n.distance) for n in neighbors(g, ["c"], depth=2)]
        [('b', 1), ('a', 2)]
    """
    if depth < 1:
        raise ForesightError("neighbors: --depth must be at least 1")
    seen = set(nodes)
    frontier = sorted(seen)
    found: list[Neighbor] = []
    for distance in range(1, depth + 1):
        following = []
        for node in frontier:
            for other, forward in _step(graph, node):
                if other not in seen:
                    seen.add(other)
                    following.append(other)
                    found.append(_neighbor(graph, node, other, forward, distance))
        frontier = following
    return found


def describe(graph: nx.DiGraph[str], nodes: Iterable[str]) -> list[Details]:
    """Each node's type, text, relevancy, source scan and neighbours grouped by relation.

    Relations are named from the node's side: ``enables`` for links it starts,
    ``enabled by`` (the relation followed by ``←``) for links that end at it.
    """
    scans = graph.graph.get("scans", {})
    result = []
    for node in nodes:
        data = graph.nodes[node]
        relations: dict[str, list[Neighbor]] = {}
        for other, forward in _step(graph, node):
            hop = _neighbor(graph, node, other, forward, 1)
            name = hop.relation if forward else f"{hop.relation} ←"
            relations.setdefault(name, []).append(hop)
        for hops in relations.values():
            hops.sort(key=lambda h: (-h.score, str(graph.nodes[h.node].get("label")), h.node))
        scan_iri = data.get("scan")
        scan = {"iri": scan_iri, **scans.get(scan_iri, {})}
        texts = [{**text, "scan": {"iri": text.get("scan"), **scans.get(text.get("scan"), {})}}
                 for text in data.get("texts") or ()]
        texts.sort(key=lambda text: (text["scan"].get("date") or "", text["row"]))
        result.append(Details(node, str(data.get("type")), str(data.get("label")), data.get("description"),
                              data.get("relevancy"), scan, data.get("line"), dict(sorted(relations.items())),
                              texts, list(data.get("alt_labels") or ())))
    return result
