"""Emerging items on hand-made months with known answers, and ``foresight emerging`` on the real scans."""

from __future__ import annotations

import json
import math
from pathlib import Path

from foresight.analytics.emerging import Item, explain_empty, find_emerging, q_values
from tests.conftest import cli

MONTHS = [f"2025-{m:02d}" for m in range(1, 13)]
TOTALS = dict.fromkeys(MONTHS, 100)  # 100 articles a month
WINDOW = MONTHS[-3:]


def test_a_rise_in_share_emerges_and_a_flat_share_does_not() -> None:
    rising = Item("r", "Rising", "Issue", {**dict.fromkeys(MONTHS[:9], 1), **dict.fromkeys(WINDOW, 6)})
    flat = Item("f", "Flat", "Issue", dict.fromkeys(MONTHS, 5))
    new = Item("n", "New", "Technology", dict.fromkeys(WINDOW, 2))
    rare = Item("w", "Rare", "Concern", {MONTHS[0]: 1, **dict.fromkeys(WINDOW, 2)})
    found = {e.item.iri: e for e in find_emerging([rising, flat, new, rare], TOTALS, WINDOW)}
    assert set(found) == {"r", "n", "w"}
    assert found["r"].category == "growing" and math.isclose(found["r"].test.ratio, 6.0)
    assert found["n"].category == "new" and "first seen 2025-10" in found["n"].why
    assert found["w"].category == "weak signal" and found["w"].test.before == 1
    # 18 of the 300 recent articles against 9 of 900 before: the exact tail of Bin(27, 1/4) at 18
    from scipy.stats import binom

    assert math.isclose(found["r"].test.p, float(binom.sf(17, 27, 0.25)))
    assert "18 of 300 articles (6.0 %) in the last 3 months against 9 of 900 articles (1.0 %) before" in found["r"].why


def test_a_growing_corpus_is_no_growth_of_an_item() -> None:
    # twice as many articles in the window, and twice as many naming the item: the same share
    totals = {**TOTALS, **dict.fromkeys(WINDOW, 200)}
    steady = Item("s", "Steady", "Issue", {**dict.fromkeys(MONTHS[:9], 5), **dict.fromkeys(WINDOW, 10)})
    assert find_emerging([steady], totals, WINDOW) == []
    assert "none rose at p <= 0.05 (the closest: Steady" in explain_empty([steady], totals, WINDOW)


def test_an_empty_result_says_why() -> None:
    few = Item("x", "Few", "Issue", {WINDOW[0]: 1})
    assert "1 items were named in them, 0 in 3 articles or more" in explain_empty([few], TOTALS, WINDOW)
    assert explain_empty([few], TOTALS, ["2030-01"]).startswith("no articles dated 2030-01")
    assert "nothing before it" in explain_empty([few], {m: 5 for m in WINDOW}, WINDOW)


def test_q_values_are_monotone_in_p_and_never_below_it() -> None:
    ps = [0.001, 0.2, 0.01, 0.04, 0.03, 0.9]
    qs = q_values(ps)
    assert all(q >= p for p, q in zip(ps, qs, strict=True))
    ordered = [q for _, q in sorted(zip(ps, qs, strict=True))]
    assert ordered == sorted(ordered)


def test_emerging_on_the_real_scans(real_dir: Path) -> None:
    result = cli(real_dir, "emerging", "--level", "topics", "--months", "6", "-f", "json")
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    print("emerging topics of the real scans:", [(r["concept"], r["category"], r["p"]) for r in records])
    for record in records:
        assert {"concept", "score", "why"} <= set(record) and record["p"] <= 0.05 and record["recent"] >= 3
    assert [r["score"] for r in records] == sorted((r["score"] for r in records), reverse=True)
    # a window with nothing in it says so, on stderr, and the JSON is an empty list
    empty = cli(real_dir, "emerging", "--months", "1", "--min-articles", "1000", "-f", "json")
    assert empty.exit_code == 0 and json.loads(empty.stdout) == []
    assert "nothing emerging: the last 1 months" in " ".join(empty.output.split())
