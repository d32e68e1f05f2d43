"""Scenario axes: directions of outlooks, contradictions, scores and pairs on hand-made data with known answers,
then ``foresight axes`` on the real scans."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from foresight.analytics.axes import (
    PRIOR_PAIRS,
    Axis,
    axis_pairs,
    contradictions,
    direction,
    dispersion,
    force_outlooks,
    main_clause,
    outlook_links,
    rank_axes,
)
from tests.conftest import cli


def test_an_outlook_goes_the_way_its_main_clause_says() -> None:
    assert direction("In 10 years, public trust in AI governance could significantly increase") == 1
    assert direction("In 10 years, public trust in AI may decline if firms fail to show benefits") == -1
    # the side effect after the comma does not turn the outlook around
    assert main_clause("By 2034, a European AI ecosystem may emerge, reducing duplication") == \
        "a European AI ecosystem may emerge"
    assert direction("A European AI ecosystem may emerge, reducing duplication") == 0
    assert direction("More jobs and fewer hours") == 0  # one each way: no direction


def test_only_alike_outlooks_that_go_opposite_ways_contradict() -> None:
    matrix = np.array([[1.0, 0.0, 0.0], [0.9, 0.1, 0.0], [0.8, 0.0, 0.2], [0.0, 0.0, 1.0]])
    # rows 0-2 speak of one thing; row 3 of another (and goes down, but is not comparable to any)
    comparable, opposite, pole = contradictions(matrix, [1, -1, 1, -1], 0.6)
    assert (comparable, opposite) == (3, 2)  # (0,1) and (1,2) contradict, (0,2) agree
    assert pole == (0, 1)  # the most alike of the two contradicting pairs
    assert contradictions(matrix, [1, 0, 1, -1], 0.6)[:2] == (1, 0)
    assert dispersion(matrix[:1]) == 0.0 and dispersion(np.eye(3)) > 0.4


def test_scores_are_impact_times_shrunk_contradiction_share() -> None:
    outlooks = {
        "split": [("Remote work will increase across offices", "s1"), ("Remote work will decline across offices", "s2"),
                  ("Remote work may grow across offices and homes", "s3"), ("Landlords may lower prices", "s4"),
                  ("Commuting patterns change", "s5")],
        "settled": [("Solar power will grow in cities", "s6"), ("Solar power will expand in cities", "s7"),
                    ("Solar power may increase in cities", "s8"), ("Grid storage is built", "s9"),
                    ("Utilities adapt", "s10")],
        "thin": [("Robots will increase", "s11")],
    }
    axes = rank_axes([("split", "Remote work", {"a1", "a2"}, 2.0), ("settled", "Solar", {"a3"}, 4.0),
                      ("thin", "Robots", {"a4"}, 8.0)], outlooks, None)
    by = {axis.iri: axis for axis in axes}
    assert (by["split"].comparable, by["split"].contradicting) == (3, 2)
    assert (by["settled"].comparable, by["settled"].contradicting) == (3, 0)
    overall = 2 / 6
    assert by["split"].uncertainty == (2 + PRIOR_PAIRS * overall) / (3 + PRIOR_PAIRS)
    assert by["settled"].uncertainty == (0 + PRIOR_PAIRS * overall) / (3 + PRIOR_PAIRS)
    # too few outlooks: no uncertainty, no score, however influential
    assert by["thin"].uncertainty is None and by["thin"].score == 0.0 and by["thin"].impact_scaled == 1.0
    assert by["split"].score == 0.25 * 1.0 and by["settled"].score == 0.5 * by["settled"].uncertainty_scaled
    assert [pole for pole, _ in by["split"].poles] == ["Remote work will decline across offices",
                                                      "Remote work will increase across offices"]
    assert by["settled"].poles == []


def test_pairs_prefer_axes_that_share_few_articles_and_skip_nested_ones() -> None:
    axes = [Axis("ai", "AI", {"1", "2", "3"}, 1, 0.5, 9, score=1.0),
            Axis("genai", "Generative AI", {"1", "2"}, 1, 0.5, 9, score=0.9),
            Axis("climate", "Climate", {"3", "4"}, 1, 0.5, 9, score=0.5)]
    found = axis_pairs(axes, lambda a, b: {a, b} == {"ai", "genai"})
    assert [(p.first.name, p.second.name) for p in found] == [("Generative AI", "Climate"), ("AI", "Climate")]
    assert found[0].overlap == 0.0 and found[1].overlap == 0.25


def test_a_force_has_the_outlooks_of_the_signals_it_drives_in_the_same_scan() -> None:
    edges = [("f", "s", "drives", 2, ["scan-1", "scan-2"]), ("s", "o1", "hasOutlook", 1, ["scan-1"]),
             ("s", "o2", "hasOutlook", 1, ["scan-3"]), ("g", "s", "drives", 1, ["scan-3"])]
    assert force_outlooks({"f"}, outlook_links(edges)) == {("o1", "scan-1")}  # o2: a scan f does not drive s in


def test_axes_of_the_real_scans(real_dir: Path) -> None:
    result = cli(real_dir, "axes", "--top", "10", "--pairs", "3", "-f", "json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    forces = json.loads(cli(real_dir, "topics", "--kind", "DrivingForce", "-n", "10", "-f", "json").stdout)
    assert {a["concept"] for a in found["axes"]} == {t["label"] for t in forces}
    scores = [a["score"] for a in found["axes"]]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0
    top = max(a["uncertainty"] or 0 for a in found["axes"])
    for axis in found["axes"]:  # impact x uncertainty, each scaled by the largest (the JSON rounds them)
        assert abs(axis["uncertainty_scaled"] - (axis["uncertainty"] or 0) / top) < 2e-3
        assert abs(axis["score"] - axis["impact_scaled"] * axis["uncertainty_scaled"]) < 2e-3
        assert axis["contradicting_pairs"] <= axis["comparable_pairs"]
        assert len(axis["poles"]) in (0, 2)
    print("axes of the real scans:", [(a["concept"], a["score"], a["contradicting_pairs"], a["comparable_pairs"])
                                      for a in found["axes"]])
    assert 0 < len(found["pairs"]) <= 3
    for pair in found["pairs"]:
        assert pair["first"] != pair["second"] and 0 <= pair["overlap"] < 1
    table = cli(real_dir, "axes", "--top", "10")
    assert table.exit_code == 0 and "best pairs for a 2x2" in table.stdout
    assert cli(real_dir, "axes", "--top", "1").exit_code == 1
