"""The force-directed layout: repeatable, components apart, edges about one spacing long, any hashable nodes."""

from __future__ import annotations

import itertools
import math
import statistics

import networkx as nx

from foresight.analysis.layout import layout_positions


def _boxes(graph: nx.Graph[int], positions: dict[int, tuple[float, float]]) -> list[tuple[float, ...]]:
    boxes = []
    for component in nx.connected_components(graph):
        xs = [positions[node][0] for node in component]
        ys = [positions[node][1] for node in component]
        boxes.append((min(xs), min(ys), max(xs), max(ys)))
    return boxes


def test_layout_is_repeatable_and_keeps_components_apart() -> None:
    graph = nx.disjoint_union_all([nx.path_graph(5), nx.cycle_graph(40), nx.star_graph(6), nx.empty_graph(3)])
    first = layout_positions(graph)
    assert first == layout_positions(graph)
    assert set(first) == set(graph)
    boxes = _boxes(graph, first)
    for number, (left, top, right, bottom) in enumerate(boxes):
        for other_left, other_top, other_right, other_bottom in boxes[number + 1:]:
            assert right < other_left or other_right < left or bottom < other_top or other_bottom < top


def test_an_empty_graph_has_no_positions() -> None:
    assert layout_positions(nx.DiGraph()) == {}


def test_edge_direction_is_ignored() -> None:
    directed = nx.DiGraph([("a", "b"), ("c", "b"), ("c", "d")])
    assert layout_positions(directed) == layout_positions(directed.to_undirected())


def test_the_seed_picks_the_start_and_the_spacing_scales() -> None:
    graph = nx.cycle_graph(12)
    assert layout_positions(graph, seed=1) != layout_positions(graph, seed=2)
    small, large = layout_positions(graph, spacing=10), layout_positions(graph, spacing=20)
    assert all(math.isclose(2 * small[n][0], large[n][0]) and math.isclose(2 * small[n][1], large[n][1])
               for n in graph)


def test_a_large_component_keeps_edges_short_and_nodes_apart() -> None:
    # more than 150 nodes: far pairs repel through the density grid, near ones exactly
    graph = nx.grid_2d_graph(15, 15)  # nodes are (row, column) tuples
    positions = layout_positions(graph, spacing=1.0)
    assert set(positions) == set(graph)
    assert all(math.isfinite(x) and math.isfinite(y) for x, y in positions.values())
    edges = statistics.median(math.dist(positions[a], positions[b]) for a, b in graph.edges())
    pairs = statistics.median(math.dist(positions[a], positions[b]) for a, b in itertools.combinations(graph, 2))
    assert 0.5 < edges < pairs / 4  # neighbours sit close, the rest spread out
    assert math.dist(positions[(0, 0)], positions[(14, 14)]) > 10 * edges  # opposite corners far apart
