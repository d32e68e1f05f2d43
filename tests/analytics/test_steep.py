"""STEEP tags on names with a known category."""

from __future__ import annotations

from foresight.analytics.steep import CATEGORIES, LEXICON, category_counts, lexicon_hits, tag_texts

KNOWN = {
    "Carbon Emissions from Data Centers": "environmental",
    "Copyright Lawsuits against AI Companies": "legal",
    "Inflation and Wage Stagnation": "economic",
    "Youth Mental Health Crisis": "social",
    "Election Interference": "political",
    "Quantum Computing": "technological",
    "Erosion of Trust in Institutions": "values",
}


def test_names_with_a_clear_domain_get_it_from_the_lexicon() -> None:
    tags = tag_texts(list(KNOWN))
    assert [t.category for t in tags] == list(KNOWN.values())
    assert all(t.method == "lexicon" for t in tags)


def test_a_phrase_counts_once_and_hides_its_words() -> None:
    # "climate change" is one environmental phrase, not also a social "change"; "social media" one social phrase
    assert lexicon_hits("climate change") == {"environmental": 1}
    assert lexicon_hits("social media platforms") == {"social": 1, "technological": 1}


def test_a_close_second_category_is_kept_and_nothing_is_no_tag() -> None:
    (both,) = tag_texts(["Robotics companies"])
    assert {both.category, both.second} == {"technological", "economic"}
    (none,) = tag_texts(["Tugboat Operations"])
    assert none.category is None and none.method == "none"


def test_every_category_has_a_lexicon_and_counts_are_by_distinct_article() -> None:
    assert set(LEXICON) == set(CATEGORIES) and all(LEXICON.values())
    counts = category_counts([("social", ["a1", "a2"]), ("social", ["a2", "a3"]), ("legal", ["a1"]), (None, ["a9"])])
    assert counts == {"social": 3, "legal": 1}


def test_prototypes_tag_what_the_lexicon_cannot() -> None:
    from tests.conftest import semantic_or_skip

    semantic_or_skip()
    from foresight.derived.embeddings import EmbeddingCache, encoder

    encode = encoder()
    assert encode is not None
    cache = EmbeddingCache(None)
    tags = tag_texts(["Coral reef bleaching", "Shareholder returns of chipmakers"],
                     vectors=lambda texts: cache.vectors(texts, encode))
    assert tags[0].category == "environmental" and tags[0].method == "prototypes"
    assert tags[1].category in ("economic", "technological")
