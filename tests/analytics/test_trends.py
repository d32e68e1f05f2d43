"""Trends: the Mann-Kendall test and the rate test on series with a known answer."""

from __future__ import annotations

import math
import random

from foresight.analytics.trends import mann_kendall, periods_between, rate_test, share_series


def test_a_rising_series_is_found_with_its_slope() -> None:
    rng = random.Random(3)
    series = [0.02 + 0.004 * month + rng.gauss(0, 0.006) for month in range(24)]
    trend = mann_kendall(series)
    assert trend.direction == "rising" and trend.p < 0.001
    assert 0.003 < trend.slope < 0.005  # Sen's slope near the true 0.004 a month
    assert mann_kendall([-v for v in series]).direction == "falling"


def test_noise_without_a_trend_is_flat_about_as_often_as_the_level_says() -> None:
    # 400 series of pure noise: a test at the 5 % level calls about 5 % of them a trend
    rng = random.Random(11)
    found = sum(mann_kendall([rng.random() for _ in range(20)]).direction != "flat" for _ in range(400))
    assert 5 <= found <= 40, found


def test_the_statistic_agrees_with_kendalls_tau_against_time() -> None:
    from scipy.stats import kendalltau

    rng = random.Random(5)
    series = [rng.random() + 0.01 * i for i in range(30)]
    trend = mann_kendall(series)
    tau = kendalltau(range(30), series).statistic
    assert math.isclose(trend.tau, tau, abs_tol=1e-9)
    assert trend.s == round(tau * 30 * 29 / 2)


def test_ties_shrink_the_variance_and_a_constant_series_has_no_trend() -> None:
    assert mann_kendall([0, 0, 0, 0, 0, 0]).p == 1.0
    tied = mann_kendall([0, 0, 0, 1, 1, 1, 2, 2, 2])
    untied = mann_kendall([0, 0.1, 0.2, 1, 1.1, 1.2, 2, 2.1, 2.2])
    assert tied.s < untied.s and tied.direction == untied.direction == "rising"


def test_the_rate_test_is_the_exact_binomial_tail() -> None:
    # 12 articles in the recent window, 2 before, windows of equal size: P(X >= 12) for X ~ Bin(14, 1/2)
    test = rate_test(12, 100, 2, 100)
    assert math.isclose(test.p, (91 + 14 + 1) / 2**14)
    assert math.isclose(test.ratio, 6.0)
    # the same counts in a recent window three times as large are no rise at all
    assert rate_test(12, 300, 2, 50).p > 0.5
    assert rate_test(3, 100, 0, 100).ratio == math.inf
    assert rate_test(0, 0, 0, 10).p == 1.0


def test_shares_and_periods() -> None:
    assert periods_between("2024-12-30", "2025-07-01", "quarter") == ["2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3"]
    points = share_series({"2025-01": 3}, {"2025-01": 12, "2025-02": 4}, ["2025-01", "2025-02"])
    assert [(p.count, p.total, p.share) for p in points] == [(3, 12, 0.25), (0, 4, 0.0)]


def test_months_add_up_to_quarters() -> None:
    from foresight.analytics.trends import regroup

    counts = [("2024-11", 1), ("2024-12", 0), ("2025-01", 2), ("2025-02", 0), ("2025-03", 1), ("2025-04", 4)]
    totals = {"2024-11": 10, "2025-01": 5, "2025-03": 5, "2025-04": 8, "2025-09": 3}
    grouped, grouped_totals = regroup(counts, totals, "quarter")
    assert grouped == [("2024-Q4", 1), ("2025-Q1", 3), ("2025-Q2", 4)]
    assert grouped_totals == {"2024-Q4": 10, "2025-Q1": 10, "2025-Q2": 8, "2025-Q3": 3}
    assert regroup(counts, totals, "month") == (counts, totals)


def test_timelines_of_a_topic_and_a_steep_category_by_quarter(real_dir) -> None:  # type: ignore[no-untyped-def]
    import json

    from tests.conftest import cli

    (topic,) = json.loads(cli(real_dir, "timeline", "AI", "--topic", "--by", "quarter", "-f", "json").stdout)
    record = json.loads(cli(real_dir, "topics", "AI", "-f", "json").stdout)
    assert topic["kind"] == "Topic" and topic["by"] == "quarter"
    assert all(len(q) == 7 and q[4:6] == "-Q" for q in topic["months"])
    assert sum(topic["months"].values()) == sum(record["months"].values())  # every dated article, once
    assert all(topic["months"][q] <= topic["totals"].get(q, 0) for q in topic["months"])
    (legal,) = json.loads(cli(real_dir, "timeline", "--steep", "legal", "-f", "json").stdout)
    steep = json.loads(cli(real_dir, "steep", "-f", "json").stdout)
    by_year = next(c for c in steep["categories"] if c["category"] == "legal")["by_year"]
    assert sum(legal["months"].values()) == sum(by_year.values()) > 0  # the same articles steep counts
    assert legal["trend"]["direction"] in ("rising", "falling", "flat")
    table = cli(real_dir, "timeline", "--steep", "legal", "--by", "quarter")
    assert table.exit_code == 0 and "Mann-Kendall on the quarterly shares" in table.stdout
    assert cli(real_dir, "timeline", "AI", "--steep", "legal").exit_code == 1
    assert cli(real_dir, "timeline", "AI", "--by", "week").exit_code == 1
