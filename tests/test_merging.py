"""Which names across scans are the same concept: measured on a hand-labelled pair set."""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from foresight.derived.projection import project
from foresight.merging import LIKELY, SAME, TermWeights, compare, name_terms, narrows, reversed_roles
from foresight.store.base import Store
from tests.conftest import TEST_DATA

PAIRS = TEST_DATA / "merge-pairs.tsv"


def _pairs() -> list[dict[str, str]]:
    with PAIRS.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream, delimiter="\t"))


def test_the_pair_set_is_large_balanced_and_hard() -> None:
    pairs = _pairs()
    assert len(pairs) >= 300
    labels = Counter(row["label"] for row in pairs)
    assert 0.4 <= labels["same"] / len(pairs) <= 0.6
    assert sum(row["hard"] == "yes" for row in pairs) >= len(pairs) / 2
    assert set(Counter(row["kind"] for row in pairs)) == {"signal", "concern", "behavior", "technology", "issue"}


def test_merge_decisions_reach_the_precision_and_recall_targets(bulk_store: Store) -> None:
    graph = project(bulk_store)
    weights = {
        kind.lower(): TermWeights.of(name_terms(label) for _, label in graph.nodes(data="label")
                                     if graph.nodes[_]["type"] == kind)
        for kind in ("Signal", "Concern", "Behavior", "Technology", "Issue")
    }
    counts: Counter[str] = Counter()
    hard: Counter[str] = Counter()
    for row in _pairs():
        verdict = compare(name_terms(row["a"]), name_terms(row["b"]), weights[row["kind"]])
        outcome = ("t" if verdict.same == (row["label"] == "same") else "f") + ("p" if verdict.same else "n")
        counts[outcome] += 1
        if row["hard"] == "yes":
            hard[outcome] += 1
    precision = counts["tp"] / (counts["tp"] + counts["fp"])
    recall = counts["tp"] / (counts["tp"] + counts["fn"])
    hard_precision = hard["tp"] / (hard["tp"] + hard["fp"])
    hard_recall = hard["tp"] / (hard["tp"] + hard["fn"])
    print(f"merge decisions on {sum(counts.values())} labelled pairs: precision {precision:.3f}, recall "
          f"{recall:.3f}; on the {sum(hard.values())} hard ones: precision {hard_precision:.3f}, "
          f"recall {hard_recall:.3f} ({dict(counts)})")
    assert precision >= 0.9
    assert recall >= 0.7


@pytest.mark.parametrize(("a", "b", "same"), [
    ("Increased Surveillance", "Surveillance Expansion", True),
    ("GenAI", "Generative AI", True),
    ("BIM (Building Information Modeling)", "Building Information Modeling", True),
    ("Technological Dependence", "Reliance on Technology", True),
    ("Gamification of News", "Gamification of Risk", False),
    ("Data Privacy Concerns", "Data Security Concerns", False),
    ("Climate Change Adaptation", "Climate Change Mitigation", False),
    # over-merges a blind check of bulk concepts found (docs/semantic.md), and what must still merge
    ("Security Risks", "Software Security Risks", False),  # a name's first kind word narrows it
    ("Job Role Evolution", "Emergence of New Job Roles", False),  # "new" carries the claim
    ("Health Inequalities", "Healthcare Inequality", False),  # a compound is no form of its first word
    ("Lack of Regulation on A.I. Usage", "Lack of Regulation on AI Usage", True),
    ("Assistive Technology Advancements", "Advancements in Assistive Technology", True),
    ("Technological Dependence", "Technology Dependence", True),
])
def test_names(a: str, b: str, same: bool) -> None:
    weights = TermWeights.of([name_terms(a), name_terms(b)])
    assert compare(name_terms(a), name_terms(b), weights).same is same
    assert LIKELY < SAME


@pytest.mark.parametrize(("a", "b", "swapped"), [
    ("AI in talent acquisition", "Talent Acquisition in AI", True),
    ("AI Integration in Education", "Education on AI Interaction", True),
    ("Impact of Isolation on Mental Health", "Mental Health Impact of Isolation", False),  # "of" swaps nothing
    ("Labor Impacts of AI", "Impact of AI on Labor", False),
    ("AI in Copyright Law", "AI and copyright laws", False),
])
def test_swapped_roles(a: str, b: str, swapped: bool) -> None:
    assert reversed_roles(a, b) is swapped
    assert reversed_roles(b, a) is swapped


@pytest.mark.parametrize(("longer", "shorter", "narrower"), [
    ("Data Overload in Intelligence", "Data Overload", True),
    ("Environmental Impact of Battery Disposal", "Environmental Impact", True),
    ("Erosion of Privacy Rights", "Privacy Erosion", False),  # what it adds sits beside a shared term
    ("Talent Shortage for AI Implementation", "Talent Shortage in AI", False),
])
def test_a_field_narrows_a_name(longer: str, shorter: str, narrower: bool) -> None:
    assert narrows(longer, name_terms(shorter)) is narrower


def test_wordings_differ_in_markers_only_or_in_what_they_name() -> None:
    from foresight.merging import marked_only, name_form

    def same(a: str, b: str) -> bool:
        return marked_only(name_form(a), name_form(b))

    assert same("Security Risks", "Security risks")
    assert same("Potential for Geopolitical Tensions", "Geopolitical Tensions")
    assert same("Sustainable Urban Development", "Sustainability in Urban Development")
    assert same("A.I. Chatbots", "Artificial Intelligence Chatbots")
    assert same("AI Partnerships", "AI Collaboration")  # synonyms
    assert not same("AI Training Systems", "AI Training Platforms")
    assert not same("Long-term Energy Solutions", "Long-term Energy Strategy Tools")
    assert not same("Adaptation to Technological Change", "Adaptation to Technological Needs")
