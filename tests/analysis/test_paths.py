"""k best pathways between two sets of nodes."""

from __future__ import annotations

import itertools

import networkx as nx
import pytest

from foresight.analysis.paths import evidence, k_best_paths
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
            assert graph.has_edge(hop.source, hop.target) if hop.forward else graph.has_edge(hop.target, hop.source)


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
