"""Trends in shares of articles: series by month or quarter, and tests of whether a share rises or falls.

What an analyst counts is the *share* of the articles of a period that name something, not the raw count: a
corpus that doubles doubles every raw count. The functions here work on plain numbers, so they can be checked
on series with a known answer; :mod:`foresight.analytics` applies them to concepts, topics and STEEP
categories.

* :func:`mann_kendall`: the Mann-Kendall test for a monotonic trend (ties corrected), with Sen's slope.
* :func:`rate_test`: whether a rate of articles in a recent window is above the rate before it (an exact
  conditional binomial test, the usual test for two Poisson rates).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

PERIODS = ("month", "quarter", "year")


def period_of(day: str, period: str = "month") -> str:
    """The period a date (``YYYY-MM-DD`` or ``YYYY-MM``) falls in.

    >>> period_of("2025-05-17"), period_of("2025-05-17", "quarter"), period_of("2025-05", "year")
    ('2025-05', '2025-Q2', '2025')
    """
    if period == "month":
        return day[:7]
    if period == "quarter":
        return f"{day[:4]}-Q{(int(day[5:7]) - 1) // 3 + 1}"
    if period == "year":
        return day[:4]
    raise ValueError(f"no period {period!r}: use one of {', '.join(PERIODS)}")


def periods_between(first: str, last: str, period: str = "month") -> list[str]:
    """Every period from the one of ``first`` to the one of ``last``, both included (dates or periods).

    >>> periods_between("2024-11-03", "2025-02-01")
    ['2024-11', '2024-12', '2025-01', '2025-02']
    >>> periods_between("2024-11", "2025-04", "quarter")
    ['2024-Q4', '2025-Q1', '2025-Q2']
    """
    year, month = int(first[:4]), int(first[5:7]) if len(first) >= 7 else 1
    end = (int(last[:4]), int(last[5:7]) if len(last) >= 7 else 12)
    found: list[str] = []
    while (year, month) <= end:
        label = period_of(f"{year:04d}-{month:02d}", period)
        if not found or found[-1] != label:
            found.append(label)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


@dataclass(frozen=True)
class Point:
    """One period of a share series: articles naming the item, of all articles of the period."""

    period: str
    count: int
    total: int

    @property
    def share(self) -> float:
        return self.count / self.total if self.total else 0.0


def regroup(counts: Sequence[tuple[str, int]], totals: Mapping[str, int], period: str = "month"
            ) -> tuple[list[tuple[str, int]], dict[str, int]]:
    """Monthly counts and totals added up by ``period``, every period from the first month's to the last's.

    >>> regroup([("2025-02", 1), ("2025-03", 2), ("2025-04", 0)], {"2025-02": 5, "2025-04": 4}, "quarter")
    ([('2025-Q1', 3), ('2025-Q2', 0)], {'2025-Q1': 5, '2025-Q2': 4})
    """
    if period == "month" or not counts:
        return list(counts), dict(totals)
    added: Counter[str] = Counter()
    for month, count in counts:
        added[period_of(month, period)] += count
    grouped: Counter[str] = Counter()
    for month, total in totals.items():
        grouped[period_of(month, period)] += total
    periods = periods_between(counts[0][0], counts[-1][0], period)
    return [(p, added.get(p, 0)) for p in periods], dict(grouped)


def share_series(counts: Mapping[str, int], totals: Mapping[str, int], periods: Sequence[str]) -> list[Point]:
    """The share of articles of each period (in ``periods``) that name the item.

    >>> [round(p.share, 2) for p in share_series({"a": 1, "b": 3}, {"a": 10, "b": 10, "c": 5}, ["a", "b", "c"])]
    [0.1, 0.3, 0.0]
    """
    return [Point(period, int(counts.get(period, 0)), int(totals.get(period, 0))) for period in periods]


@dataclass(frozen=True)
class Trend:
    """The Mann-Kendall test of a series: S, its Z and two-sided p, Kendall's tau, and Sen's slope (per period)."""

    n: int
    s: int
    z: float
    p: float
    tau: float
    slope: float

    @property
    def direction(self) -> str:
        """``rising``, ``falling`` or ``flat`` (no trend at the 5 % level)."""
        if self.p >= 0.05 or self.s == 0:
            return "flat"
        return "rising" if self.s > 0 else "falling"


def _normal_sf(z: float) -> float:
    return 0.5 * math.erfc(z / math.sqrt(2))


def mann_kendall(values: Sequence[float]) -> Trend:
    """The Mann-Kendall trend test, with the variance corrected for ties, and Sen's slope.

    >>> trend = mann_kendall([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    >>> trend.s, round(trend.tau, 2), trend.direction, trend.slope
    (45, 1.0, 'rising', 1.0)
    >>> mann_kendall([3, 3, 3, 3]).direction
    'flat'
    """
    x = [float(v) for v in values]
    n = len(x)
    if n < 3:
        return Trend(n, 0, 0.0, 1.0, 0.0, 0.0)
    s = 0
    slopes: list[float] = []
    for i in range(n - 1):
        for j in range(i + 1, n):
            difference = x[j] - x[i]
            s += (difference > 0) - (difference < 0)
            slopes.append(difference / (j - i))
    ties: dict[float, int] = {}
    for value in x:
        ties[value] = ties.get(value, 0) + 1
    variance = (n * (n - 1) * (2 * n + 5) - sum(t * (t - 1) * (2 * t + 5) for t in ties.values())) / 18
    # the continuity correction moves S one step towards 0
    z = 0.0 if variance <= 0 or s == 0 else (s - (1 if s > 0 else -1)) / math.sqrt(variance)
    p = min(1.0, 2 * _normal_sf(abs(z)))
    slopes.sort()
    middle = len(slopes) // 2
    slope = slopes[middle] if len(slopes) % 2 else (slopes[middle - 1] + slopes[middle]) / 2
    return Trend(n, s, z, p, s / (n * (n - 1) / 2), slope)


@dataclass(frozen=True)
class RateTest:
    """Articles naming an item in a recent window against the window before: counts, totals, the ratio of their
    rates, and the one-sided p of "the recent rate is higher" (exact, conditional on the two counts' sum)."""

    recent: int
    recent_total: int
    before: int
    before_total: int
    ratio: float
    p: float


def rate_test(recent: int, recent_total: int, before: int, before_total: int) -> RateTest:
    """Whether ``recent`` of ``recent_total`` articles is a higher rate than ``before`` of ``before_total``.

    Given the ``recent + before`` articles naming the item, under an unchanged rate each falls in the recent
    window with probability ``recent_total / (recent_total + before_total)``; the p-value is the binomial upper
    tail at ``recent``. ``ratio`` is the rate ratio (infinite when nothing came before).

    >>> test = rate_test(12, 100, 2, 100)
    >>> round(test.ratio, 1), test.p < 0.01
    (6.0, True)
    >>> rate_test(5, 100, 5, 100).p > 0.5
    True
    """
    from scipy.stats import binom

    both = recent + before
    if recent_total <= 0 or before_total <= 0 or both == 0:
        return RateTest(recent, recent_total, before, before_total, math.nan, 1.0)
    share = recent_total / (recent_total + before_total)
    p = float(binom.sf(recent - 1, both, share))
    ratio = math.inf if before == 0 else (recent / recent_total) / (before / before_total)
    return RateTest(recent, recent_total, before, before_total, ratio, min(1.0, p))


@dataclass(frozen=True)
class ShareTrend:
    """A series of an item's articles by month with its trend, of the shares or (``of="counts"``) the counts."""

    points: list[Point]
    trend: Trend
    of: str


def share_trend(counts: Sequence[tuple[str, int]], totals: Mapping[str, int], *, of: str = "shares") -> ShareTrend:
    """The points of ``counts`` ((month, articles) each) against ``totals``, and the Mann-Kendall trend of their
    shares (a month without any article says nothing of a share: left out) or, ``of="counts"``, of the counts.

    >>> found = share_trend([("2025-01", 1), ("2025-02", 0), ("2025-03", 3)], {"2025-01": 10, "2025-03": 10})
    >>> [p.share for p in found.points], found.trend.n
    ([0.1, 0.0, 0.3], 2)
    """
    points = share_series(dict(counts), totals, [month for month, _ in counts])
    values = [p.count for p in points] if of == "counts" else [p.share for p in points if p.total]
    return ShareTrend(points, mann_kendall(values), of)
