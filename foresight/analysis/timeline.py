"""Recurrence over time: how many scans name a concept each month, and which concepts are emerging."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from foresight.errors import ForesightError, UnknownNodeError
from foresight.files import chart_path, save_figure

if TYPE_CHECKING:
    from foresight.derived.concepts import Concept, ConceptSet


def month_range(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` (``YYYY-MM``), both included.

    >>> month_range("2024-11", "2025-02")
    ['2024-11', '2024-12', '2025-01', '2025-02']
    """
    year, month = int(first[:4]), int(first[5:7])
    end = (int(last[:4]), int(last[5:7]))
    months = []
    while (year, month) <= end:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def monthly(concept: Concept) -> list[tuple[str, int]]:
    """Scans naming the concept in each month from its first to its last, months without any included."""
    if not concept.months:
        return []
    months = sorted(concept.months)
    return [(month, concept.months.get(month, 0)) for month in month_range(months[0], months[-1])]


def recent_months(last: str, months: int) -> list[str]:
    """The ``months`` months ending with ``last`` and the ``months`` before them (what emergence compares).

    >>> recent_months("2025-02", 2)
    ['2024-11', '2024-12', '2025-01', '2025-02']
    """
    year, month = int(last[:4]), int(last[5:7])
    index = year * 12 + month - 1
    return sorted(f"{(index - i) // 12:04d}-{(index - i) % 12 + 1:02d}" for i in range(2 * months))


@dataclass(frozen=True)
class Emerging:
    """A concept's recent growth: scans in the last ``months`` months against the months before."""

    concept: Concept
    recent: int
    before: int
    growth: float


def latest_month(concept_set: ConceptSet) -> str | None:
    """The latest month any scan is dated in (the reference for "recent", not today's date)."""
    months = [month for concept in concept_set.concepts.values() for month in concept.months]
    return max(months) if months else None


def emerging(concept_set: ConceptSet, *, months: int = 6, kinds: Iterable[str] | None = None,
             until: str | None = None, limit: int = 20, min_recent: int = 2) -> list[Emerging]:
    """The concepts growing fastest: most scans in the last ``months`` months compared with the months before.

    Growth is ``(recent - before) / months`` scans a month, where ``before`` counts the
    same number of months just earlier; ties go to the concept with more recent scans.

    Args:
        concept_set: the concepts (:func:`foresight.derived.concepts.build_concepts`).
        months: the length of the recent window.
        kinds: only concepts of these kinds.
        until: the last month of the recent window (default: the latest month in the data).
        limit: how many to return.
        min_recent: leave out concepts with fewer recent scans than this.

    Raises:
        ForesightError: ``months`` below 1.
    """
    if months < 1:
        raise ForesightError("timeline: --months must be at least 1")
    end = until or latest_month(concept_set)
    if end is None:
        return []
    year, month = int(end[:4]), int(end[5:7])
    index = year * 12 + month - 1

    def shifted(offset: int) -> str:
        value = index - offset
        return f"{value // 12:04d}-{value % 12 + 1:02d}"

    recent_months = {shifted(i) for i in range(months)}
    before_months = {shifted(i) for i in range(months, 2 * months)}
    wanted = set(kinds) if kinds else None
    found = []
    for concept in concept_set.concepts.values():
        if wanted is not None and concept.kind not in wanted:
            continue
        recent = sum(n for m, n in concept.months.items() if m in recent_months)
        if recent < min_recent:
            continue
        before = sum(n for m, n in concept.months.items() if m in before_months)
        found.append(Emerging(concept, recent, before, round((recent - before) / months, 3)))
    found.sort(key=lambda e: (-e.growth, -e.recent, e.concept.label.casefold(), e.concept.iri))
    return found[:limit]


def find_concepts(concept_set: ConceptSet, text: str, kinds: Iterable[str] | None = None) -> list[Concept]:
    """The concepts a user names: by IRI, by any of their wordings (case ignored), or the clear closest wording.

    Raises:
        UnknownNodeError: nothing close enough; the message suggests wordings.
    """
    from rapidfuzz import fuzz, process

    wanted = set(kinds) if kinds else None
    pool = [c for c in concept_set.concepts.values() if wanted is None or c.kind in wanted]
    key = " ".join(text.casefold().split())
    exact = [c for c in pool if c.iri == text or key in {" ".join(w.casefold().split())
                                                          for w in (c.label, *c.alt_labels)}]
    if exact:
        return sorted(exact, key=lambda c: (-len(c.scans), c.iri))
    wordings = {w: c for c in pool for w in (c.label, *c.alt_labels)}
    found = process.extract(text, list(wordings), scorer=fuzz.WRatio, limit=5, score_cutoff=60)
    if found and found[0][1] >= 92 and (len(found) == 1 or found[1][1] < found[0][1]):
        return [wordings[found[0][0]]]
    if found:
        shown = "; ".join(repr(label) for label, _, _ in found)
        raise UnknownNodeError(f"no concept named {text!r}; did you mean: {shown}?")
    raise UnknownNodeError(f"no concept named {text!r}")


def chart(series: dict[str, list[tuple[str, float]]], path: str | Path, title: str = "", ylabel: str = "scans"
          ) -> Path:
    """Draw a value per month (articles, or their share) for one or more concepts as a PNG or SVG (by the file's
    extension).

    Raises:
        ForesightError: an extension other than .png or .svg.
    """
    target = chart_path(path)
    # A figure of its own with an Agg canvas, no pyplot: the user's backend (a notebook's, say) stays as it is.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    months = sorted({m for points in series.values() for m, _ in points})
    everything = month_range(months[0], months[-1]) if months else []
    figure = Figure(figsize=(10, 4.5), dpi=110)
    FigureCanvasAgg(figure)
    axes = figure.subplots()
    if len(series) == 1:
        [(label, points)] = series.items()
        counts = dict(points)
        axes.bar(range(len(everything)), [counts.get(m, 0) for m in everything], color="#3e6fa8", label=label)
    else:
        for label, points in series.items():
            counts = dict(points)
            axes.plot(range(len(everything)), [counts.get(m, 0) for m in everything], marker="o", markersize=3,
                      label=label)
    step = max(1, len(everything) // 12)
    axes.set_xticks(range(0, len(everything), step), everything[::step], rotation=45, ha="right")
    axes.set_ylabel(ylabel)
    if all(float(value).is_integer() for points in series.values() for _, value in points):
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title(title)
    axes.legend(loc="upper left", fontsize="small")
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    return save_figure(figure, target)
