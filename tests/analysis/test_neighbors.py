"""Neighbours by depth, and a node's details for `show`."""

from __future__ import annotations

import networkx as nx

from foresight.analysis.neighbors import describe, neighbors
from foresight.analysis.paths import k_best_paths
from foresight.analysis.resolve import resolve
from foresight.analysis.subgraphs import along, focus, from_rdf
from foresight.derived.projection import project
from foresight.store.base import Store


def test_neighbors_match_breadth_first_distances(examples_store: Store) -> None:
    graph = project(examples_store)
    start = resolve(graph, "Deployment Near Assemblies")
    found = neighbors(graph, start, depth=3)
    expected = nx.single_source_shortest_path_length(graph.to_undirected(as_view=True), start[0], cutoff=3)
    assert {n.node: n.distance for n in found} == {n: d for n, d in expected.items() if d > 0}
    assert all(n.evidence for n in found)


def test_describe_groups_relations_from_the_nodes_side(examples_store: Store) -> None:
    graph = project(examples_store)
    [details] = describe(graph, resolve(graph, "Deployment Near Assemblies"))
    assert details.type == "Behavior" and details.relevancy == 4
    assert details.scan["title"].startswith("Oversight Board") and details.scan["date"] == "2026-05-10"
    assert {"drives", "enables ←"} <= set(details.relations)
    assert details.relations["enables ←"][0].evidence.startswith("Mobile camera vans")


def test_subgraphs_for_maps(examples_store: Store) -> None:
    graph = project(examples_store)
    start = resolve(graph, "Deployment Near Assemblies")
    near = focus(graph, start, depth=1)
    assert set(near) == set(start) | {n.node for n in neighbors(graph, start, 1)}
    assert near.graph["scans"] and near.graph["focus"] == start
    found = k_best_paths(graph, resolve(graph, "Live Facial Recognition"),
                         resolve(graph, "Chilling Effect on Free Expression"), k=2)
    view = along(graph, found)
    assert all(node in view for p in found for node in p.nodes)
    assert view.number_of_nodes() < 20
    constructed = examples_store.query(
        "CONSTRUCT { ?t fs:enables ?b . ?t rdfs:label ?l } "
        "WHERE { ?t a fs:Technology ; fs:enables ?b ; rdfs:label ?l }")
    mapped = from_rdf(graph, constructed)  # type: ignore[arg-type]
    assert mapped.number_of_edges() >= 3
    assert all(data["relation"] == "enables" for _, _, data in mapped.edges(data=True))
    assert {mapped.nodes[n]["type"] for n in mapped} <= {"Technology", "Behavior", "Signal"}
