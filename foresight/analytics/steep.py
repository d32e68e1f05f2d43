"""STEEP(LE)+V counts: the tags of :mod:`foresight.steep`, stored with the concepts, summed by category and year,
and lifted from concepts to topics."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from foresight.steep import (
    CATEGORIES,
    EXEMPLARS,
    LEXICON,
    SECOND,
    TAGGED_KINDS,
    Tag,
    described_text,
    lexicon_hits,
    tag_concepts,
    tag_texts,
)

if TYPE_CHECKING:
    import numpy as np

    from foresight.derived.index import GraphIndex

__all__ = ["CATEGORIES", "EXEMPLARS", "LEXICON", "TAGGED_KINDS", "SteepSummary", "Tag",
           "category_counts", "concept_steep", "described_text", "lexicon_hits", "steep_summary", "tag_concepts",
           "tag_texts", "topic_categories", "topic_steep"]


def category_counts(tags: Iterable[tuple[str | None, Iterable[str]]]) -> Counter[str]:
    """Distinct articles per category, from (category, articles) pairs."""
    articles: dict[str, set[str]] = {}
    for category, named in tags:
        if category:
            articles.setdefault(category, set()).update(named)
    return Counter({category: len(found) for category, found in articles.items()})


@dataclass
class SteepSummary:
    """Tags of concepts and what they add up to: distinct articles per category, and per category and year."""

    #: each concept's categories, first and close second (empty: untagged)
    tags: dict[str, list[str]]
    concepts: Counter[str]
    articles: Counter[str]
    by_year: dict[str, Counter[str]]
    total_articles: int
    untagged: int


def steep_summary(concepts: Sequence[tuple[str, str, str, str | None, Sequence[str]]],
                  article_months: Mapping[str, str],
                  vectors: Callable[[Sequence[str]], np.ndarray] | None = None,
                  tags: Mapping[str, Sequence[str]] | None = None) -> SteepSummary:
    """Tag concepts ((IRI, kind, label, description, articles) each: :func:`tag_concepts`, or their categories
    as ``tags`` gives them, first and close second) and count them by category."""
    if tags is None:
        made = tag_concepts([(label, description) for _, _, label, description, _ in concepts], vectors)
        tags = {iri: [c for c in (tag.category, tag.second) if c] for (iri, *_), tag in zip(concepts, made,
                                                                                              strict=True)}
    listed = [list(tags.get(iri, ())) for iri, *_ in concepts]
    counted = Counter(found[0] for found in listed if found)
    by_year: dict[str, dict[str, set[str]]] = {}
    for (*_, articles), found in zip(concepts, listed, strict=True):
        for category in found:
            for article in articles:
                month = article_months.get(article)
                if month:
                    by_year.setdefault(category, {}).setdefault(month[:4], set()).add(article)
    yearly = {c: Counter({year: len(held) for year, held in years.items()}) for c, years in by_year.items()}
    named = category_counts((category, articles) for (*_, articles), found in zip(concepts, listed, strict=True)
                            for category in found)
    return SteepSummary({iri: found for (iri, *_), found in zip(concepts, listed, strict=True)}, counted, named,
                        yearly, len(article_months), sum(1 for found in listed if not found))





def concept_steep(index: GraphIndex) -> dict[str, list[str]]:
    """The STEEP categories (first, and a close second) of every concept of the tagged kinds, by IRI: made when
    the concepts are built (:func:`foresight.derived.concepts.steep_tags`) and stored with them, in the concepts
    graph as ``fs:steepCategory`` and in the index."""
    return index.steep_tags()


def topic_steep(members: Mapping[str, set[str]], tags: Mapping[str, Sequence[str]],
                articles: Mapping[str, int]) -> dict[str, list[str]]:
    """Each topic's STEEP categories: the one its concepts carry most, weighted by their articles, and a second
    from :data:`SECOND` of it (``members``: topic -> its concepts, narrower topics' too; ``articles``: concept ->
    articles naming it).

    >>> topic_steep({"t": {"a", "b", "c"}}, {"a": ["legal"], "b": ["legal", "values"], "c": ["values"]},
    ...             {"a": 1, "b": 1, "c": 1})
    {'t': ['legal', 'values']}
    """
    found: dict[str, list[str]] = {}
    for topic, concepts in members.items():
        weight: Counter[str] = Counter()
        for concept in concepts:
            for category in tags.get(concept, ()):
                weight[category] += articles.get(concept, 1)
        if not weight:
            continue
        ranked = sorted(weight, key=lambda c: (-weight[c], CATEGORIES.index(c)))
        found[topic] = [ranked[0], *(c for c in ranked[1:2] if weight[c] >= SECOND * weight[ranked[0]])]
    return found


def topic_categories(index: GraphIndex) -> dict[str, list[str]]:
    """Every topic's STEEP categories (:func:`topic_steep` over :func:`concept_steep`)."""
    from foresight.analytics.influence import topic_members

    return topic_steep(topic_members(index.topic_tree()), concept_steep(index),
                       index.article_counts(list(TAGGED_KINDS)))
