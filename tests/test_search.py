"""Search over names and descriptions."""

from __future__ import annotations

import pytest

from foresight.errors import ForesightError
from foresight.search import search
from foresight.store.base import Store


def test_exact_names_rank_first(examples_store: Store) -> None:
    matches = search(examples_store, "live facial recognition", ["Technology"], limit=10)
    assert [m.label for m in matches[:5]] == ["Live Facial Recognition"] * 5
    assert all(m.score == 3.0 for m in matches[:5])
    assert all(m.type == "Technology" for m in matches)


def test_descriptions_match_after_names(examples_store: Store) -> None:
    matches = search(examples_store, "self-censorship")
    scores = [m.score for m in matches]
    assert scores == sorted(scores, reverse=True)
    assert any(m.score == 1.0 for m in matches)
    assert {m.type for m in matches} >= {"Behavior", "Issue"}


def test_search_text_is_bound_not_pasted(examples_store: Store) -> None:
    assert search(examples_store, '") || true || CONTAINS("') == []


def test_unknown_type_is_reported(examples_store: Store) -> None:
    with pytest.raises(ForesightError, match="unknown type 'Gadget'"):
        search(examples_store, "x", ["Gadget"])


def test_scans_are_found_by_title(examples_store: Store) -> None:
    matches = search(examples_store, "riverton council", ["Scan"])
    assert [m.type for m in matches] == ["Scan"]
    assert matches[0].label.startswith("Riverton Council Bans")


def test_every_word_must_match_in_any_order_and_ending(examples_store: Store) -> None:
    both = search(examples_store, "recognition protest")
    assert both, "a name or description holding both words"
    for match in both:
        assert "recogni" in match.label.casefold() or match.score == 1.0
    assert search(examples_store, "protests recognition") and {m.node for m in both} == {
        m.node for m in search(examples_store, "protests recognition")}
    assert not search(examples_store, "recognition zebra")


@pytest.mark.parametrize(("source", "target", "k"), [
    ("Live Facial Recognition", "Chilling Effect on Free Expression", 5),
    ("Facial Recognition Watchlists", "Chilling Effect on Free Expression", 3), ("surveillance", "human rights", 8)])
def test_best_paths_loads_hop_by_hop_and_finds_what_the_whole_graph_gives(examples_store: Store, source: str,
                                                                          target: str, k: int) -> None:
    from foresight.analysis.paths import k_best_paths
    from foresight.analysis.resolve import resolve_names
    from foresight.derived import views
    from foresight.search import best_paths

    index = views(examples_store).index("concepts")
    starts, ends = resolve_names(index, source).nodes, resolve_names(index, target).nodes
    ends = [n for n in ends if n not in starts] or ends
    graph, found = best_paths(index, starts, ends, k=k, max_hops=5)
    whole = k_best_paths(index.whole(), starts, ends, k=k, max_hops=5)
    assert whole and [p.cost for p in found] == [p.cost for p in whole]
    assert graph.number_of_nodes() <= index.node_count()
