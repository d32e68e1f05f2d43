"""Communities of topics by year on hand-made articles with known answers, then ``foresight communities`` on the
real scans."""

from __future__ import annotations

import json
from pathlib import Path

from foresight.analytics.communities import Community, link_years, year_graph, yearly_communities
from tests.conftest import cli


def _articles(groups: dict[str, list[str]], count: int, prefix: str) -> dict[str, set[str]]:
    """Every topic of a group named in the same ``count`` articles of that group."""
    return {topic: {f"{prefix}-{group}-{n}" for n in range(count)}
            for group, topics in groups.items() for topic in topics}


def test_two_themes_make_two_communities_and_go_on() -> None:
    groups = {"energy": ["solar", "grid", "storage"], "work": ["jobs", "skills", "automation"]}
    articles = _articles(groups, 4, "2024") | {t: a | b for (t, a), b in zip(
        _articles(groups, 4, "2024").items(), _articles(groups, 4, "2025").values(), strict=True)}
    months = {article: f"{article[:4]}-03" for held in articles.values() for article in held}
    labels = {topic: topic.title() for topic in articles}
    by_year, faded = yearly_communities(articles, labels, months)
    for year in ("2024", "2025"):
        assert sorted(sorted(c.members) for c in by_year[year]) == [["automation", "jobs", "skills"],
                                                                     ["grid", "solar", "storage"]]
    assert all(c.change == "new" for c in by_year["2024"])
    assert all(c.change == "continues" and c.sources[0][1] == 1.0 for c in by_year["2025"])
    assert faded == {"2024": [], "2025": []}


def test_chance_and_thin_topics_make_no_link() -> None:
    # a topic in every article goes with everything by chance: no lift, no link
    graph = year_graph({"everywhere": {"1", "2", "3", "4"}, "a": {"1", "2"}, "rare": {"1"}}, 4, min_articles=2)
    assert sorted(graph) == ["a", "everywhere"] and graph.number_of_edges() == 0


def test_merges_splits_and_fades() -> None:
    def community(year: str, number: int, members: list[str]) -> Community:
        return Community(year, number, members[0], members, members, 3)

    before = [community("2024", 1, ["a", "b", "c", "d"]), community("2024", 2, ["e", "f"]),
              community("2024", 3, ["g", "h"])]
    after = [community("2025", 1, ["a", "b", "e", "f"]), community("2025", 2, ["c", "d"]),
             community("2025", 3, ["x", "g"])]
    faded = link_years(before, after)
    assert [c.change for c in after] == ["merged", "split", "continues"]
    assert after[0].sources == [("2024 #2 e", 0.5), ("2024 #1 a", 0.333)]
    # x takes part in 2025 only: g alone is what the third community shares with the year before
    assert after[2].sources == [("2024 #3 g", 1.0)]
    assert faded == []
    assert link_years(before, [community("2025", 1, ["z", "y"])]) == ["2024 #1 a", "2024 #2 e", "2024 #3 g"]


def test_communities_of_the_real_scans(real_dir: Path) -> None:
    result = cli(real_dir, "communities", "--min-articles", "2", "-f", "json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    communities = found["communities"]
    assert communities
    for year in {c["year"] for c in communities}:
        in_year = [c for c in communities if c["year"] == year]
        topics = [topic for c in in_year for topic in c["topics"]]
        assert len(topics) == len(set(topics))  # a topic is in one community a year
        assert [c["number"] for c in in_year] == list(range(1, len(in_year) + 1))
    assert all(c["size"] == len(c["topics"]) >= 2 and c["articles"] >= 2 for c in communities)
    assert {c["change"] for c in communities} <= {"new", "continues", "merged", "split"}
    print("communities of the real scans:", [(c["year"], c["community"], c["size"], c["change"])
                                             for c in communities])
    table = cli(real_dir, "communities", "--min-articles", "2")
    assert table.exit_code == 0 and "communities of the 400 topics named in the most of each year" in table.stdout
    assert cli(real_dir, "communities", "--resolution", "0").exit_code == 1
