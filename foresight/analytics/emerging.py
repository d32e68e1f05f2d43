"""Emerging items and weak signals: what is named in a growing share of articles, with the evidence for it.

An item (a concept or a topic) is *emerging* when the share of articles naming it in the recent window is
higher than its share before, by a rate test that passes a significance floor (:func:`rate_test`), and it
is named in enough recent articles to matter (a minimum support). Among those:

* *new*: first seen inside the window (nothing before; the test then asks whether its recent count could be
  chance at its overall rate);
* *weak signal*: rising but still rare (named in few articles overall);
* the rest: growing.

Each result says why it passed, in numbers. When nothing passes, :func:`explain_empty` says what the window
held and where the candidates fell short, rather than printing an empty table.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from foresight.analytics.trends import RateTest, rate_test

#: a result must pass this one-sided p
SIGNIFICANCE = 0.05
#: ... and be named in at least this many articles of the window
MIN_SUPPORT = 3
#: an item named in at most this many articles in all is a weak signal when it rises
WEAK = 10


@dataclass(frozen=True)
class Item:
    """Something that can emerge: its articles by month (one date an article), and its rows' highest relevancy."""

    iri: str
    label: str
    kind: str
    months: Mapping[str, int]
    relevancy: float | None = None


@dataclass(frozen=True)
class Emerging:
    """An item that passed: its score (-log10 p), category, rate test, q, first month and why."""

    item: Item
    score: float
    category: str
    test: RateTest
    #: the Benjamini-Hochberg q over every candidate tested (the false discovery rate at which it would pass)
    q: float
    first: str
    why: str


def q_values(p_values: Sequence[float]) -> list[float]:
    """Benjamini-Hochberg adjusted p-values, in the order given.

    >>> [round(q, 3) for q in q_values([0.01, 0.04, 0.03, 0.5])]
    [0.04, 0.053, 0.053, 0.5]
    """
    size = len(p_values)
    order = sorted(range(size), key=lambda i: p_values[i])
    found = [1.0] * size
    smallest = 1.0
    for rank in range(size, 0, -1):
        i = order[rank - 1]
        smallest = min(smallest, p_values[i] * size / rank)
        found[i] = smallest
    return found


def _share(count: int, total: int) -> str:
    return f"{count} of {total:,} articles ({100 * count / total:.1f} %)" if total else f"{count} articles"


def _window_totals(totals: Mapping[str, int], window: Sequence[str]) -> tuple[int, int]:
    """All articles in the window, and before it."""
    start = min(window)
    return (sum(totals.get(month, 0) for month in set(window)),
            sum(count for month, count in totals.items() if month < start))


def _split(item: Item, window: Sequence[str]) -> tuple[int, int]:
    """The item's articles in the window, and before it."""
    start, recent_months = min(window), set(window)
    return (sum(count for month, count in item.months.items() if month in recent_months),
            sum(count for month, count in item.months.items() if month < start))


def find_emerging(items: Iterable[Item], totals: Mapping[str, int], window: Sequence[str], *,
                  min_support: int = MIN_SUPPORT, significance: float = SIGNIFICANCE,
                  weak: int = WEAK) -> list[Emerging]:
    """The items whose share of articles rose in ``window`` (months) against every month before it.

    Args:
        items: the candidates.
        totals: articles of each month (all of them, not only those naming an item).
        window: the recent months.
        min_support: the fewest articles in the window.
        significance: the one-sided p a rise must pass.
        weak: named in at most this many articles in all, a rising item is a weak signal.

    Returns:
        The emerging items, the strongest evidence first (score: -log10 p; ties by rate ratio, then label).
    """
    recent_total, before_total = _window_totals(totals, window)
    tested: list[tuple[Item, RateTest]] = []
    for item in items:
        recent, before = _split(item, window)
        if recent < min_support or not item.months:
            continue
        tested.append((item, rate_test(recent, recent_total, before, before_total)))
    adjusted = q_values([test.p for _, test in tested])
    found: list[Emerging] = []
    for (item, test), q in zip(tested, adjusted, strict=True):
        if test.p > significance:
            continue
        recent, before, rate_ratio, p = test.recent, test.before, test.ratio, test.p
        first = min(item.months)
        overall = sum(item.months.values())
        category = "new" if before == 0 else ("weak signal" if overall <= weak else "growing")
        ratio = "a rate not seen before" if math.isinf(rate_ratio) else f"{rate_ratio:.1f}× the rate before"
        why = (f"{_share(recent, recent_total)} in the last {len(window)} months against "
               f"{_share(before, before_total)} before: {ratio}, p = {p:.2g} (q = {q:.2g} over {len(tested)} "
               "tested)")
        if category == "new":
            why += f"; first seen {first}"
        elif category == "weak signal":
            why += f"; {overall} articles in all"
        if item.relevancy is not None:
            why += f"; relevancy up to {item.relevancy:g}"
        found.append(Emerging(item, round(-math.log10(max(p, 1e-300)), 2), category, test, q, first, why))
    found.sort(key=lambda e: (-e.score, -(e.test.ratio if not math.isinf(e.test.ratio) else 1e9),
                              e.item.label.casefold()))
    return found


def explain_empty(items: Iterable[Item], totals: Mapping[str, int], window: Sequence[str], *,
                  min_support: int = MIN_SUPPORT, significance: float = SIGNIFICANCE) -> str:
    """Why nothing emerged: what the window held, how many candidates had the support, the closest one."""
    recent_total, before_total = _window_totals(totals, window)
    if not recent_total:
        latest = max(totals, default=None)
        return (f"no articles dated {min(window)} to {max(window)}" +
                (f"; the latest are of {latest}" if latest else "; the store holds no dated articles"))
    if not before_total:
        return (f"every dated article falls in the window ({min(window)} to {max(window)}): nothing before it to "
                "compare with; try a shorter --months")
    named = 0
    supported: list[tuple[float, str]] = []
    for item in items:
        recent, before = _split(item, window)
        if not recent:
            continue
        named += 1
        if recent >= min_support:
            supported.append((rate_test(recent, recent_total, before, before_total).p, item.label))
    text = (f"the last {len(window)} months ({min(window)} to {max(window)}) held {recent_total:,} articles against "
            f"{before_total:,} before; {named:,} items were named in them, {len(supported):,} in {min_support} "
            f"articles or more")
    if supported:
        p, label = min(supported)
        text += f"; none rose at p <= {significance:g} (the closest: {label}, p = {p:.2g})"
    return text
