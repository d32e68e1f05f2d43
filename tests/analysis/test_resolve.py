"""Names, IRIs and near misses resolved to nodes."""

from __future__ import annotations

import pytest

from foresight.analysis.resolve import GraphNames, check_types, resolve, resolve_names
from foresight.derived.projection import project
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


def test_a_topic_phrase_stands_for_every_name_holding_it(examples_store: Store) -> None:
    graph = project(examples_store)
    found = resolve_names(GraphNames(graph), "facial recognition")
    labels = {graph.nodes[n]["label"] for n in found.nodes}
    assert "Live Facial Recognition" in labels and len(labels) > 2
    assert all("facial recognition" in label.casefold() for label in labels)
    assert found.note is not None and "stands for the" in found.note
    assert resolve(graph, "Watchlist Inflat") == resolve(graph, "Watchlist Inflation")  # the one name holding it
    with pytest.raises(UnknownNodeError, match=r"is part of .* names; say which"):
        resolve(graph, "recog")  # inside words only: no topic


def test_plural_and_endings_do_not_matter_and_a_correction_is_said(examples_store: Store) -> None:
    graph = project(examples_store)
    names = GraphNames(graph)
    assert resolve_names(names, "Live Facial Recognitions").nodes == resolve(graph, "Live Facial Recognition")
    corrected = resolve_names(names, "Live Facial Recogniton")
    assert corrected.nodes == resolve(graph, "Live Facial Recognition")
    assert corrected.note == "using 'Live Facial Recognition' for 'Live Facial Recogniton'"


def test_type_names_are_checked() -> None:
    assert check_types(["behavior", " Issue"], ["Behavior", "Issue"]) == ["Behavior", "Issue"]
    with pytest.raises(ForesightError, match="unknown type 'Gadget'"):
        check_types(["Gadget"], ["Behavior"])
