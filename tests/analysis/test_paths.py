"""k best pathways between two sets of nodes."""

from __future__ import annotations

import itertools

import networkx as nx
import pytest

from foresight.analysis.paths import SYMMETRIC, evidence, k_best_paths
from foresight.analysis.resolve import resolve
from foresight.derived.projection import project
from foresight.errors import ForesightError
from foresight.store.base import Store
from tests.conftest import OVERSIGHT, scan_node


def test_technology_to_issue_pathways_on_the_examples(examples_store: Store) -> None:
    graph = project(examples_store)
    found = k_best_paths(graph, resolve(graph, "Live Facial Recognition"),
                         resolve(graph, "Chilling Effect on Free Expression"), k=5)
    assert len(found) >= 3
    best = found[0]
    assert [graph.nodes[n]["type"] for n in best.nodes] == ["Technology", "Behavior", "Issue"]
    assert [h.relation for h in best.hops] == ["enables", "raises"]
    assert best.repeats  # the same two-hop pathway is worded alike in other scans
    assert all(h.evidence for p in found for h in p.hops)
    assert [p.cost for p in found] == sorted(p.cost for p in found)
    # each pathway is a real walk over the graph's links
    for pathway in found:
        for hop in pathway.hops:
            if hop.relation in SYMMETRIC:  # no direction: stored either way
                assert graph.has_edge(hop.source, hop.target) or graph.has_edge(hop.target, hop.source)
            else:
                assert graph.has_edge(hop.source, hop.target) if hop.forward else graph.has_edge(hop.target,
                                                                                                  hop.source)


def test_via_and_max_hops(examples_store: Store) -> None:
    graph = project(examples_store)
    starts = resolve(graph, "Live Facial Recognition")
    ends = resolve(graph, "Chilling Effect on Free Expression")
    for pathway in k_best_paths(graph, starts, ends, k=10, via=["Behavior"]):
        assert all(graph.nodes[n]["type"] == "Behavior" for n in pathway.nodes[1:-1])
    assert all(len(p.hops) <= 2 for p in k_best_paths(graph, starts, ends, k=10, max_hops=2))
    assert k_best_paths(graph, starts, ends, max_hops=1) == []
    with pytest.raises(ForesightError):
        k_best_paths(graph, starts, ends, k=0)


def test_pathways_on_the_real_scans_match_networkx_shortest_paths(corpus_store: tuple[Store, object]) -> None:
    store, _ = corpus_store
    graph = project(store)
    undirected = graph.to_undirected(as_view=True)
    by_scan: dict[str, dict[str, list[str]]] = {}
    for node, data in graph.nodes(data=True):
        by_scan.setdefault(data["scan"], {}).setdefault(data["type"], []).append(node)
    pairs = [pair for kinds in by_scan.values()
             for pair in itertools.product(sorted(kinds.get("Technology", [])), sorted(kinds.get("Issue", [])))]
    checked = 0
    for technology, issue in pairs[::3]:
        found = k_best_paths(graph, [technology], [issue], k=3, max_hops=4)
        try:
            shortest = nx.shortest_path_length(undirected, technology, issue)
        except nx.NetworkXNoPath:
            shortest = None
        if shortest is None or shortest > 4:
            assert found == []
        else:
            checked += 1
            assert found and min(len(p.hops) for p in found) == shortest
            assert all(p.nodes[0] == technology and p.nodes[-1] == issue for p in found)
    assert checked > 10


def test_structure_edges_cite_their_row(examples_store: Store) -> None:
    graph = project(examples_store)
    signal = scan_node(OVERSIGHT) + "/signal/statutory-oversight-boards"
    cited = evidence(graph, f"{signal}/driving-force", signal)
    assert cited == "same signal row (oversight-board-review.yaml, line 20)"


def _link(graph, a: str, b: str, relation: str) -> None:  # type: ignore[no-untyped-def]
    graph.add_edge(a, b, relation=relation, score=0.9, method="name-mention", evidence=f"{a} {relation} {b}")


def test_a_hop_against_its_link_costs_more_and_says_so() -> None:
    # bug: 79% of found paths held a reversed hop ("A and B both raise X" walked as a chain)
    import networkx as nx

    graph: nx.DiGraph[str] = nx.DiGraph()
    _link(graph, "A", "X", "raises")
    _link(graph, "B", "X", "raises")  # A and B both raise X: linked, not a chain
    _link(graph, "A", "Y", "enables")
    _link(graph, "Y", "B", "enables")  # a chain from A to B
    found = k_best_paths(graph, ["A"], ["B"], k=2)
    assert [list(p.nodes) for p in found] == [["A", "Y", "B"], ["A", "X", "B"]]
    chain, common = found
    assert all(hop.forward for hop in chain.hops) and not common.hops[1].forward
    assert common.cost > chain.cost and common.strength < chain.strength
    # a symmetric relation has no direction to go against
    _link(graph, "C", "A", "coOccursWith")
    [back] = k_best_paths(graph, ["A"], ["C"], k=1)
    assert back.hops[0].forward and back.strength == 0.9


def test_a_hub_on_the_way_costs_more() -> None:
    import networkx as nx

    graph: nx.DiGraph[str] = nx.DiGraph()
    for middle in ("hub", "quiet"):
        _link(graph, "A", middle, "relatedTo")
        _link(graph, middle, "B", "relatedTo")
    for number in range(500):  # the hub is linked to everything
        _link(graph, "hub", f"n{number}", "relatedTo")
    found = k_best_paths(graph, ["A"], ["B"], k=2)
    assert [p.nodes[1] for p in found] == ["quiet", "hub"]
    assert found[1].strength < found[0].strength
    # the degree a part of a graph carries (from the whole graph's index) counts, not the part's own
    part = graph.subgraph(["A", "B", "hub", "quiet"]).copy()
    part.nodes["hub"]["degree"] = 502
    assert [p.nodes[1] for p in k_best_paths(part, ["A"], ["B"], k=2)] == ["quiet", "hub"]
