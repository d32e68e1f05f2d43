"""The networkx projection of the store."""

from __future__ import annotations

import networkx as nx

from foresight.analysis.projection import project
from foresight.store.base import Store

SCAN = "https://w3id.org/foresight/id/scan/oversight-board-review"


def test_projection_has_typed_nodes_and_the_pathway_edges(examples_store: Store) -> None:
    graph = project(examples_store)
    kinds = nx.get_node_attributes(graph, "type")
    assert sum(1 for kind in kinds.values() if kind == "Scan") == 10
    assert sum(1 for kind in kinds.values() if kind == "Signal") == 34
    signal = f"{SCAN}/signal/statutory-oversight-boards"
    assert graph.nodes[signal]["label"] == "Statutory Oversight Boards"
    assert graph.nodes[signal]["scan"] == SCAN
    relations = {data["relation"] for _, _, data in graph.out_edges(signal, data=True)}
    assert {"hasShift", "hasOutlook", "fromScan", "mitigates"} <= relations
    force = f"{signal}/driving-force"
    shift = f"{signal}/shift"
    outlook = f"{signal}/outlook"
    assert nx.has_path(graph, force, outlook)
    assert nx.shortest_path(graph, force, outlook) in ([force, signal, outlook], [force, signal, shift, outlook])


def test_curated_links_join_technology_to_issue(examples_store: Store) -> None:
    graph = project(examples_store)
    technology = f"{SCAN}/technology/live-facial-recognition"
    issue = f"{SCAN}/issue/chilling-effect-on-free-expression"
    items = graph.subgraph(n for n, kind in graph.nodes(data="type") if kind != "Scan")
    path = nx.shortest_path(items, technology, issue)
    assert [graph.nodes[n]["type"] for n in path] == ["Technology", "Behavior", "Behavior", "Issue"]
