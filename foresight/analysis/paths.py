"""The k best pathways between two sets of nodes, each hop with its relation and evidence.

A pathway may walk a link against its direction (a technology *enables* a behavior
whether you start from the technology or from the behavior); each hop says which
way it goes, and a hop against its link costs more (:data:`AGAINST_COST`): "A raises X,
B raises X" links A and B, but it is not a chain from A to B. Symmetric relations
(``relatedTo``, ``coOccursWith``) have no direction to go against.

Pathways are ranked by cost: every hop costs 1, plus what the link lacks in score,
plus a little for each less relevant node on the way, plus what passing through a hub
costs (a node linked to hundreds, like the topic *AI*, joins everything to everything
and so says little; :func:`hub_cost`). A pathway's strength is the product of its
links' scores, lowered for each hop against its link and each hub passed through.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from foresight.errors import ForesightError

if TYPE_CHECKING:
    import networkx as nx

_SOURCE = "\0source"
_TARGET = "\0target"

#: relations with no direction: walking them either way is the same
SYMMETRIC = frozenset({"relatedTo", "coOccursWith"})
#: what walking a link against its direction adds to a hop's cost ...
AGAINST_COST = 0.3
#: ... and the factor it puts on a pathway's strength
AGAINST_FACTOR = 0.8


@dataclass(frozen=True)
class Hop:
    """One step of a pathway: from ``source`` to ``target`` over ``relation``.

    ``forward`` is False when the step walks the link against its direction (the
    graph holds ``target -relation-> source``).
    """

    source: str
    target: str
    relation: str
    forward: bool
    score: float
    method: str
    evidence: str


@dataclass(frozen=True)
class Pathway:
    """A pathway: its nodes in order, its hops, its cost (lower is better) and its strength (product of scores).

    ``repeats`` holds the nodes of pathways worded the same way in other scans (same
    labels, same relations): one pathway, seen again.
    """

    nodes: tuple[str, ...]
    hops: tuple[Hop, ...]
    cost: float
    strength: float
    repeats: tuple[tuple[str, ...], ...] = ()


def relevancy_cost(graph: nx.DiGraph[str], node: str) -> float:
    """What passing through a node costs for its relevancy: 0 for 5, 0.4 for 1 (0.2 when unknown)."""
    relevancy = graph.nodes[node].get("relevancy")
    return 0.1 * (5 - relevancy) if isinstance(relevancy, int) else 0.2


def hub_cost(graph: nx.DiGraph[str], node: str) -> float:
    """What passing through a node costs for how many links it has (``degree``, over the whole graph, when the
    graph is a part of one): 0 up to 10 links, then 0.3 for each tenfold more (0.6 at 1,000).

    >>> import networkx as nx
    >>> g = nx.DiGraph(); g.add_node("hub", degree=1000); g.add_node("leaf", degree=2)
    >>> round(hub_cost(g, "hub"), 2), hub_cost(g, "leaf")
    (0.6, 0.0)
    """
    degree = graph.nodes[node].get("degree")
    if not isinstance(degree, int):
        degree = graph.degree(node)
    return 0.3 * math.log10(degree / 10) if degree > 10 else 0.0


def hub_factor(graph: nx.DiGraph[str], node: str) -> float:
    """The factor passing through a node puts on a pathway's strength: 1 for a node of 10 links or fewer, 0.5 for
    one of 10,000."""
    return 1.0 / (1.0 + hub_cost(graph, node) / 0.9)


def hop_cost(graph: nx.DiGraph[str], source: str, target: str, data: dict[str, Any]) -> float:
    """The cost of one hop: 1, plus what the link lacks in score, plus the relevancy and hub costs of both ends
    (half each: a node inside a pathway is passed into and out of)."""
    return 1.0 + (1.0 - float(data.get("score", 0.5))) + 0.5 * (
        relevancy_cost(graph, source) + relevancy_cost(graph, target) + hub_cost(graph, source)
        + hub_cost(graph, target))


def evidence(graph: nx.DiGraph[str], source: str, target: str) -> str:
    """Why the edge ``source -> target`` holds, in words a user can check against the scan."""
    data = graph.edges[source, target]
    if data.get("evidence"):
        return str(data["evidence"])
    node = graph.nodes[source]
    scans = graph.graph.get("scans", {})
    scan = scans.get(node.get("scan"), {})
    where = scan.get("file") or scan.get("title") or node.get("scan") or "the scan"
    line = f", line {node['line']}" if node.get("line") else ""
    if data.get("method") == "structure":
        return f"same signal row ({where}{line})"
    return f"{data.get('method', 'link')} in {where}{line}"


def _hop(graph: nx.DiGraph[str], source: str, target: str) -> Hop:
    forward = graph.has_edge(source, target)
    start, end = (source, target) if forward else (target, source)
    data = graph.edges[start, end]
    relation = str(data["relation"])
    # a symmetric relation reads the same both ways: never "against"
    return Hop(source, target, relation, forward or relation in SYMMETRIC, float(data.get("score", 0.5)),
               str(data.get("method", "")), evidence(graph, start, end))


def _distances(graph: nx.DiGraph[str], starts: Iterable[str], limit: int, allowed: set[str] | None) -> dict[str, int]:
    """Hops from the nearest start to each node within ``limit``, links walked both ways."""
    distance = dict.fromkeys(starts, 0)
    frontier = list(distance)
    for depth in range(1, limit + 1):
        following = []
        for node in frontier:
            for other in itertools.chain(graph.successors(node), graph.predecessors(node)):
                if other not in distance:
                    distance[other] = depth
                    if allowed is None or other in allowed:
                        following.append(other)
        frontier = following
    return distance


def k_best_paths(graph: nx.DiGraph[str], sources: Iterable[str], targets: Iterable[str], *, k: int = 5,
                 max_hops: int = 5, via: Iterable[str] | None = None) -> list[Pathway]:
    """The ``k`` cheapest simple pathways from any source to any target.

    Args:
        graph: the projection (:func:`foresight.derived.projection.project`).
        sources: nodes to start from (all the nodes a name resolved to).
        targets: nodes to end at.
        k: how many pathways.
        max_hops: the longest pathway, in hops.
        via: if given, the types the nodes between the two ends must have (e.g. ``["Behavior"]``).

    Returns:
        Pathways by increasing cost, then fewer hops; empty when none exists within ``max_hops``.

    Raises:
        ForesightError: ``k`` or ``max_hops`` below 1.

    Example:
        >>> import networkx as nx
        >>> g = nx.DiGraph()
        >>> g.add_edge("tech", "behavior", relation="enables", score=0.9, method="name-mention", evidence="e1")
        >>> g.add_edge("behavior", "issue", relation="raises", score=0.9, method="name-mention", evidence="e2")
        >>> [h.relation for h in k_best_paths(g, ["tech"], ["issue"])[0].hops]
        ['enables', 'raises']
    """
    import networkx as nx

    if k < 1 or max_hops < 1:
        raise ForesightError("paths: -k and --max-hops must be at least 1")
    sources = [s for s in sources if s in graph]
    targets = [t for t in targets if t in graph]
    ends = set(sources) | set(targets)
    allowed = None
    if via:
        kinds = set(via)
        allowed = {n for n, data in graph.nodes(data=True) if data.get("type") in kinds} | ends
    # Only nodes that can lie on a pathway short enough: near both ends at once.
    from_sources = _distances(graph, sources, max_hops, allowed)
    from_targets = _distances(graph, targets, max_hops, allowed)
    keep = {n for n, d in from_sources.items() if n in from_targets and d + from_targets[n] <= max_hops}
    if allowed is not None:
        keep &= allowed
    search: nx.DiGraph[str] = nx.DiGraph()
    for u, v, data in graph.subgraph(keep).edges(data=True):
        cost = hop_cost(graph, u, v, data)
        against = cost + (0.0 if data.get("relation") in SYMMETRIC else AGAINST_COST)
        for start, end, value in ((u, v, cost), (v, u, against)):
            if not search.has_edge(start, end) or search.edges[start, end]["cost"] > value:
                search.add_edge(start, end, cost=value)
    for node in sources:
        if node in keep:
            search.add_edge(_SOURCE, node, cost=0.0)
    for node in targets:
        if node in keep:
            search.add_edge(node, _TARGET, cost=0.0)
    if _SOURCE not in search or _TARGET not in search:
        return []
    found: dict[tuple[str, ...], Pathway] = {}
    try:
        candidates = nx.shortest_simple_paths(search, _SOURCE, _TARGET, weight="cost")
        for tried, walk in enumerate(candidates):
            nodes = tuple(walk[1:-1])
            if tried > 50 * k or len(found) >= k:
                break
            # a pathway that runs through another start or end is a longer copy of a shorter one
            if len(nodes) - 1 > max_hops or any(n in ends for n in nodes[1:-1]):
                continue
            hops = tuple(_hop(graph, a, b) for a, b in itertools.pairwise(nodes))
            wording = tuple(" ".join(str(graph.nodes[n].get("label", n)).casefold().split()) for n in nodes) + tuple(
                f"{hop.relation}{'>' if hop.forward else '<'}" for hop in hops)
            if wording in found:
                held = found[wording]
                found[wording] = Pathway(held.nodes, held.hops, held.cost, held.strength, (*held.repeats, nodes))
                continue
            cost = sum(search.edges[a, b]["cost"] for a, b in itertools.pairwise(nodes))
            strength = 1.0
            for hop in hops:
                strength *= hop.score * (AGAINST_FACTOR if not hop.forward and hop.relation not in SYMMETRIC
                                         else 1.0)
            for node in nodes[1:-1]:
                strength *= hub_factor(graph, node)
            found[wording] = Pathway(nodes, hops, round(cost, 4), round(strength, 4))
    except nx.NetworkXNoPath:
        pass
    return list(found.values())
