"""Influence between topics and concepts, from hand-made links with known answers."""

from __future__ import annotations

from foresight.analytics.influence import (
    cib_scores,
    cross_impact_cells,
    cross_impact_rows,
    influence_matrix,
    topic_members,
)
from foresight.derived.topics import Topic


def _topic(iri: str, members: list[str], broader: list[str] | None = None) -> Topic:
    return Topic(iri, (iri,), iri, members=members, broader=broader or [])


def test_a_topic_holds_the_concepts_of_its_narrower_topics_at_any_depth() -> None:
    topics = {t.iri: t for t in (_topic("ai", ["c-ai"]), _topic("genai", ["c-gen"], ["ai"]),
                                 _topic("genai-art", ["c-art"], ["genai"]), _topic("privacy", ["c-priv"]))}
    members = topic_members(topics)
    assert members["ai"] == {"c-ai", "c-gen", "c-art"}
    assert members["genai"] == {"c-gen", "c-art"} and members["privacy"] == {"c-priv"}


def test_links_count_by_support_between_groups_never_within_one() -> None:
    members = {"ai": {"c-ai", "c-gen"}, "genai": {"c-gen"}, "privacy": {"c-priv"}}
    edges = [("c-gen", "c-priv", "raises", 4, ["s1", "s2"]),   # genai (and so ai) raises privacy
             ("c-ai", "c-gen", "enables", 2, ["s3"]),         # inside ai: no influence of ai on genai either
             ("c-priv", "c-ai", "mitigates", 1, ["s4"])]      # a safeguard: counted, and kept as mitigation
    groups = [("ai", "AI"), ("genai", "Generative AI"), ("privacy", "Privacy")]
    found = influence_matrix(edges, groups, members)
    assert found.weights.tolist() == [[0, 0, 4], [0, 0, 4], [1, 0, 0]]
    assert found.mitigating.tolist() == [[0, 0, 0], [0, 0, 0], [1, 0, 0]]
    assert found.signed.tolist() == [[0, 0, 4], [0, 0, 4], [-1, 0, 0]]
    assert found.evidence[0, 2] == {"relations": {"raises": 4}, "scans": ["s1", "s2"]}


def test_cross_impact_cells_on_the_cib_scale() -> None:
    members = {"a": {"ca"}, "b": {"cb"}, "c": {"cc"}}
    edges = [("ca", "cb", "drives", 6, ["s1"]), ("cb", "cc", "mitigates", 2, ["s2"]), ("cc", "ca", "raises", 1, ["s3"])]
    found = influence_matrix(edges, [("a", "A"), ("b", "B"), ("c", "C")], members)
    assert cib_scores(found.signed).tolist() == [[0, 3, 0], [0, 0, -1], [1, 0, 0]]
    assert cross_impact_rows(found) == [["impact of \\ on", "A", "B", "C"], ["A", "", "6", "0"],
                                        ["B", "0", "", "-2"], ["C", "1", "0", ""]]
    assert cross_impact_rows(found, scaled=True)[2] == ["B", "0", "", "-1"]
    cells = {(c["from"], c["to"]): c for c in cross_impact_cells(found)}
    assert cells["B", "C"] == {"from": "B", "to": "C", "from_iri": "b", "to_iri": "c", "support": 2.0,
                               "mitigating": 2.0, "net": -2.0, "cib": -1,
                               "relations": {"mitigates": 2}, "scans": ["s2"]}
