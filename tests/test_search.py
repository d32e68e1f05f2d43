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
