"""The k best pathways between two sets of nodes, each hop with its relation and evidence.

A pathway may walk a link against its direction (a technology *enables* a behavior
whether you start from the technology or from the behavior); each hop says which
way it goes. Pathways are ranked by cost: every hop costs 1, plus what the link
lacks in score, plus a little for each less relevant node on the way, so short
pathways over strong links between relevant rows come first.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from foresight.errors import ForesightError

if TYPE_CHECKING:
    import networkx as nx

_SOURCE = "\0source"
_TARGET = "\0target"


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


def hop_cost(graph: nx.DiGraph[str], source: str, target: str, data: dict[str, Any]) -> float:
    """The cost of one hop: 1, plus what the link lacks in score, plus the relevancy cost of both ends."""
    return 1.0 + (1.0 - float(data.get("score", 0.5))) + 0.5 * (
        relevancy_cost(graph, source) + relevancy_cost(graph, target))


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
    return Hop(source, target, str(data["relation"]), forward, float(data.get("score", 0.5)),
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
    search: nx.Graph[str] = nx.Graph()
    for u, v, data in graph.subgraph(keep).edges(data=True):
        cost = hop_cost(graph, u, v, data)
        if not search.has_edge(u, v) or search.edges[u, v]["cost"] > cost:
            search.add_edge(u, v, cost=cost)
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
                strength *= hop.score
            found[wording] = Pathway(nodes, hops, round(cost, 4), round(strength, 4))
    except nx.NetworkXNoPath:
        pass
    return list(found.values())
