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
    (both,) = tag_texts(["Climate litigation"])
    assert (both.category, both.second) == ("environmental", "legal")
    # a technology word is the setting beside another domain's word: "regulation of AI" is legal first, and
    # technological only as a close second (a technology word counts 0.75)
    (setting,) = tag_texts(["Regulation of AI"])
    assert (setting.category, setting.second) == ("legal", "technological")
    (plain,) = tag_texts(["Court rulings on AI"])
    assert (plain.category, plain.second) == ("legal", None)
    (none,) = tag_texts(["Tugboat Operations"])
    assert none.category is None and none.method == "none"


def test_every_category_has_a_lexicon_and_counts_are_by_distinct_article() -> None:
    assert set(LEXICON) == set(CATEGORIES) and all(LEXICON.values())
    counts = category_counts([("social", ["a1", "a2"]), ("social", ["a2", "a3"]), ("legal", ["a1"]), (None, ["a9"])])
    assert counts == {"social": 3, "legal": 1}


def test_exemplars_tag_what_the_lexicon_cannot() -> None:
    from tests.conftest import semantic_or_skip

    semantic_or_skip()
    from foresight.derived.embeddings import EmbeddingCache, encoder

    encode = encoder()
    assert encode is not None
    cache = EmbeddingCache(None)
    tags = tag_texts(["Coral reef bleaching", "Shareholder returns of chipmakers"],
                     vectors=lambda texts: cache.vectors(texts, encode))
    assert tags[0].category == "environmental" and tags[0].method == "exemplars"
    assert tags[1].category in ("economic", "technological")


def test_the_summary_counts_articles_once_per_category_and_year() -> None:
    from foresight.analytics.steep import steep_summary

    concepts = [("c1", "Issue", "Carbon emissions", None, ["a1", "a2"]),
                ("c2", "Issue", "Climate adaptation", None, ["a2", "a3"]),
                ("c3", "Issue", "Climate litigation", None, ["a3"]),
                ("c4", "Signal", "Tugboat operations", None, ["a4"])]
    months = {"a1": "2024-03", "a2": "2024-07", "a3": "2025-01", "a4": "2025-02"}
    summary = steep_summary(concepts, months)
    assert summary.articles["environmental"] == 3  # a1, a2, a3: a2 once though two concepts name it
    assert summary.by_year["environmental"] == {"2024": 2, "2025": 1}
    assert summary.articles["legal"] == 1  # a close second counts too
    assert summary.concepts["environmental"] == 3 and summary.untagged == 1 and summary.total_articles == 4


def test_steep_on_the_real_scans(real_dir) -> None:  # type: ignore[no-untyped-def]
    import json

    from tests.conftest import cli

    result = cli(real_dir, "steep", "-f", "json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    print("STEEP of the real scans:", [(c["category"], c["articles"]) for c in found["categories"]])
    assert [c["category"] for c in found["categories"]] == list(CATEGORIES)
    assert all(0 <= c["articles"] <= found["articles"] for c in found["categories"])
    assert all(sum(c["by_year"].values()) <= c["articles"] for c in found["categories"])  # dated ones, once
    assert max(c["articles"] for c in found["categories"]) > 0
    forces = cli(real_dir, "steep", "--type", "DrivingForce", "-f", "csv")
    assert forces.exit_code == 0 and forces.stdout.splitlines()[0].startswith("category,concepts,articles,share")
    assert len(forces.stdout.splitlines()) == 1 + len(CATEGORIES)


def test_steep_filters_agree_across_commands(real_dir) -> None:  # type: ignore[no-untyped-def]
    import json

    from tests.conftest import cli

    def listed(*args: str) -> list[dict]:  # type: ignore[type-arg]
        result = cli(real_dir, *args, "-f", "json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)  # type: ignore[no-any-return]

    every = {c["iri"] for c in listed("concepts", "--type", "DrivingForce,Issue,Concern,Technology,Behavior,Signal",
                                      "-n", "100000")}
    by_category = {c: {r["iri"] for r in listed("concepts", "--steep", c, "-n", "100000")} for c in CATEGORIES}
    assert all(found <= every for found in by_category.values())
    tagged = set().union(*by_category.values())
    assert len(tagged) > 0.5 * len(every)
    # a concept counts for one category, or two when the second is close
    assert all(sum(iri in found for found in by_category.values()) <= 2 for iri in tagged)
    # the variables of micmac --steep are the recurring force topics of that category, in the order topics gives
    forces = [t["label"] for t in listed("topics", "--kind", "DrivingForce", "--steep", "technological", "-n", "5")]
    assert forces and {r["concept"] for r in listed("micmac", "--steep", "technological", "--top", "5")} == set(forces)
    # the tags are stored with the concepts: SPARQL finds the same concepts through fs:steepCategory
    query = ("SELECT ?c WHERE { ?c fs:steepCategory <https://w3id.org/foresight/id/steep/legal> ; skos:inScheme ?s }")
    stored = cli(real_dir, "sparql", query, "-f", "csv")
    assert stored.exit_code == 0, stored.output
    assert set(stored.stdout.split()[1:]) == by_category["legal"]
    bad = cli(real_dir, "emerging", "--steep", "cultural")
    assert bad.exit_code == 1 and "--steep is one of social" in bad.output
