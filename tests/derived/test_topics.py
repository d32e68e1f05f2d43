"""Topics above concepts, and their associations across articles, on the real scans."""

from __future__ import annotations

import math
import re

import pytest

from foresight.analysis.paths import k_best_paths
from foresight.analysis.resolve import resolve
from foresight.derived.articles import editions
from foresight.derived.conceptgraph import concept_graph
from foresight.derived.concepts import build_concepts
from foresight.derived.projection import project
from foresight.derived.topics import (
    MAX_EVIDENCE,
    MIN_ARTICLES,
    MIN_LIFT,
    MIN_SUPPORT,
    _expand,
    build_topics,
    core,
    thresholds,
    wording_terms,
)
from foresight.store.base import Store
from foresight.text import holds_run


@pytest.mark.parametrize(("name", "topic"), [
    ("Rise of Deepfakes", "deepfake"), ("Deepfake Technology", "deepfake technology"),
    ("Growing Data Privacy Concerns", "data privacy"), ("Artificial Intelligence (AI) Regulation", "ai regulation"),
    ("Job Displacement due to AI", None),
    ("Growing Concerns over Job Displacement", "job displacement"), ("Ethical Concerns", None), ("Challenges", None),
    ("Increased Awareness of Privacy", "awareness of privacy"), ("Privacy", "privacy"), ("AI", "ai"),
])
def test_the_core_of_a_name_is_its_wording_without_kind_and_trend_words(name: str, topic: str | None) -> None:
    terms = wording_terms(name)[0]
    span = core(terms)
    assert (" ".join(terms[span[0]:span[1]]) if span else None) == topic


@pytest.fixture(scope="module")
def bulk_topics(bulk_store: Store):  # type: ignore[no-untyped-def]
    graph = project(bulk_store)
    concept_set = build_concepts(graph)
    return graph, concept_set


def test_every_topic_is_named_in_five_articles_and_held_by_its_members(bulk_topics) -> None:  # type: ignore[no-untyped-def]
    graph, concept_set = bulk_topics
    topics = concept_set.topics
    print(f"{len(topics.topics)} topics, {len(topics.associations)} associations over "
          f"{len(concept_set.concepts)} concepts")
    assert len(topics.topics) > 500
    concepts = concept_set.concepts
    scans = graph.graph["scans"]
    dated = {e.article for scan, e in concept_set.editions.items() if e.counts and scans[scan].get("date")}
    holding: dict[tuple[str, ...], set[str]] = {}
    for concept in concepts.values():
        for text in (concept.label, *concept.alt_labels):
            terms = wording_terms(text)[0]
            for key in {tuple(terms[i:j]) for i in range(len(terms)) for j in range(i + 1, min(len(terms), i + 4) + 1)}:
                holding.setdefault(key, set()).update(concept.articles)
            expanded = list(_expand(tuple(terms)))
            for key in {tuple(expanded[i:j]) for i in range(len(expanded))
                        for j in range(i + 1, min(len(expanded), i + 4) + 1)}:
                holding.setdefault(key, set()).update(concept.articles)
    for topic in topics.topics.values():
        assert len(topic.articles) >= MIN_ARTICLES
        for member in topic.members:
            concept = concepts[member]
            wordings = [list(_expand(tuple(wording_terms(text)[0]))) for text in (concept.label, *concept.alt_labels)]
            assert any(holds_run(terms, _expand(topic.key)) for terms in wordings), (topic.label, concept.label)
        # its articles are those where a concept's wording holds its words
        assert topic.articles <= holding[topic.key] | holding.get(_expand(topic.key), set())
        # by month: each article once, at the date of its scan that counts
        assert sum(topic.months.values()) == len(topic.articles & dated)


def test_topics_count_articles_not_copies(bulk_topics) -> None:  # type: ignore[no-untyped-def]
    graph, concept_set = bulk_topics
    found = editions(graph.graph["scans"])
    counted = {edition.article for edition in found.values()}
    for topic in concept_set.topics.topics.values():
        assert topic.articles <= counted


def test_a_narrower_topic_holds_the_words_of_the_broader(bulk_topics) -> None:  # type: ignore[no-untyped-def]
    _, concept_set = bulk_topics
    topics = concept_set.topics.topics
    pairs = [(topic, topics[iri]) for topic in topics.values() for iri in topic.broader]
    assert len(pairs) > 100
    for narrow, broad in pairs:
        assert holds_run(list(_expand(narrow.key)), _expand(broad.key)) and broad.key != narrow.key
    by_key = {t.key: t for t in topics.values()}
    assert by_key[("ai",)].iri in by_key[("genai",)].broader  # GenAI, Generative AI: under AI
    assert by_key[("ai",)].iri in by_key[("genai", "tool")].broader or by_key[("genai",)].iri in by_key[
        ("genai", "tool")].broader


def test_associations_are_named_together_more_than_chance(bulk_topics) -> None:  # type: ignore[no-untyped-def]
    graph, concept_set = bulk_topics
    topics = concept_set.topics
    articles = set().union(*(t.articles for t in topics.topics.values()))
    assert len(topics.associations) > 1000
    for association in topics.associations[::50]:
        a, b = topics.topics[association.a], topics.topics[association.b]
        both = a.articles & b.articles
        # named together: by different wordings, so within the articles naming both
        assert association.support <= len(both) and association.support >= MIN_SUPPORT
        assert {concept_set.editions[scan].article for scan in association.scans} <= both
        lift = len(articles) * association.support / (len(a.articles) * len(b.articles))
        assert math.isclose(association.lift, lift, rel_tol=1e-3) and lift >= MIN_LIFT
        assert len(association.scans) == min(association.support, MAX_EVIDENCE)
        assert all(graph.graph["scans"][scan] for scan in association.scans)
        # not a topic and one above it
        assert a.iri not in b.broader and b.iri not in a.broader


def test_paths_between_two_topics_walk_their_association_with_its_articles(bulk_topics) -> None:  # type: ignore[no-untyped-def]
    graph, concept_set = bulk_topics
    view = concept_graph(graph, concept_set)
    found = k_best_paths(view, resolve(view, "deepfakes"), resolve(view, "misinformation"), k=3, max_hops=3)
    assert found
    hops = [hop for pathway in found for hop in pathway.hops if hop.relation == "coOccursWith"]
    assert hops, [[h.relation for h in p.hops] for p in found]
    hop = hops[0]
    assert hop.forward and hop.method == "co-occurrence" and "named together in" in hop.evidence
    start, end = (hop.source, hop.target) if view.has_edge(hop.source, hop.target) else (hop.target, hop.source)
    data = view.edges[start, end]
    assert data["support"] >= MIN_SUPPORT and len(data["evidence_scans"]) == min(data["support"], MAX_EVIDENCE)
    # the articles it rests on name both topics, each through a concept of its own
    for scan in data["evidence_scans"][:5]:
        labels = [" ".join(wording_terms(view.nodes[n]["label"])[0]) for n in view if
                  scan in (view.nodes[n].get("scan_list") or ())]
        assert any("deepfake" in label for label in labels) and any("misinformation" in label for label in labels)


def test_in_a_small_corpus_two_articles_make_a_topic(examples_store: Store) -> None:
    graph = project(examples_store)
    concept_set = build_concepts(graph)
    topics = build_topics(concept_set.concepts, concept_set.editions, graph.graph["scans"])
    least, support = thresholds(10)
    assert (least, support) == (2, 2)
    assert topics.topics and all(len(t.articles) >= least for t in topics.topics.values())
    assert any(len(t.articles) < MIN_ARTICLES for t in topics.topics.values())
    assert all(x.support >= support for x in topics.associations)


def test_a_concept_under_a_topic_names_the_wording_that_holds_its_words(bulk_topics) -> None:  # type: ignore[no-untyped-def]
    # bug: "Artificial Intelligence (AI)" was said to hold the words of "AI Tools" (its other wording "AI Tools"
    # does)
    graph, concept_set = bulk_topics
    view = concept_graph(graph, concept_set)
    checked = 0
    for concept, held in list(concept_set.topics.of_concept.items())[::40]:
        if concept not in view:
            continue
        for iri in held:
            evidence = view.edges[concept, iri]["evidence"]
            wording = re.match(r"the name '(.*)' holds the words of the topic '", evidence).group(1)  # type: ignore[union-attr]
            assert wording in {view.nodes[concept]["label"], *view.nodes[concept]["alt_labels"]}
            topic_words = _expand(concept_set.topics.topics[iri].key)
            assert holds_run(list(_expand(tuple(wording_terms(wording)[0]))), topic_words)
            checked += 1
    assert checked > 100
