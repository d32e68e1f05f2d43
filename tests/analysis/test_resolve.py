"""Names, IRIs and near misses resolved to nodes."""

from __future__ import annotations

import pytest

from foresight.analysis.projection import project
from foresight.analysis.resolve import check_types, resolve
from foresight.errors import ForesightError, UnknownNodeError
from foresight.store.base import Store


def test_a_name_stands_for_every_node_with_it(examples_store: Store) -> None:
    graph = project(examples_store)
    nodes = resolve(graph, "  live   FACIAL recognition ")
    assert len(nodes) == 5 and {graph.nodes[n]["label"] for n in nodes} == {"Live Facial Recognition"}
    assert resolve(graph, nodes[0]) == [nodes[0]]
    with pytest.raises(UnknownNodeError):
        resolve(graph, "Public Self-Censorship", ["Technology"])


def test_a_close_misspelling_is_corrected_and_a_far_one_suggests(examples_store: Store) -> None:
    graph = project(examples_store)
    assert resolve(graph, "Live Facial Recogniton") == resolve(graph, "Live Facial Recognition")
    with pytest.raises(UnknownNodeError, match=r"did you mean: .*Facial"):
        resolve(graph, "facial recogntion watch")


def test_a_part_of_several_names_asks_which(examples_store: Store) -> None:
    graph = project(examples_store)
    with pytest.raises(UnknownNodeError, match=r"is part of .* names; say which"):
        resolve(graph, "facial recognition")
    assert resolve(graph, "Watchlist Inflat") == resolve(graph, "Watchlist Inflation")  # the one name holding it


def test_type_names_are_checked() -> None:
    assert check_types(["behavior", " Issue"], ["Behavior", "Issue"]) == ["Behavior", "Issue"]
    with pytest.raises(ForesightError, match="unknown type 'Gadget'"):
        check_types(["Gadget"], ["Behavior"])
