"""The blind gold sets in tests/data: complete, readable from the corpus, and split for honest figures."""

from __future__ import annotations

import csv
from collections import Counter

from tests.conftest import TEST_DATA, gold_pairs

LABELS = {"same", "broader", "narrower", "related", "different"}


def test_the_second_gold_set_resolves_against_the_corpus_and_has_every_kind() -> None:
    rows = gold_pairs()
    assert len(rows) >= 470
    assert all(row["a_text"] and row["b_text"] and row["a_text"] != row["b_text"] for row in rows)
    assert {row["label"] for row in rows} == LABELS
    kinds = Counter(row["kind"] for row in rows)
    assert kinds["driving-force"] >= 100 and kinds["outlook"] >= 50 and len(kinds) == 10
    pairs = [frozenset((row["kind"], row["a_text"].casefold(), row["b_text"].casefold())) for row in rows]
    assert len(pairs) == len(set(pairs))  # no pair twice
    splits = Counter(row["split"] for row in rows)
    assert set(splits) == {"dev", "held-out"} and min(splits.values()) >= 0.4 * len(rows)


def test_both_sets_together_hold_at_least_600_pairs() -> None:
    total = 0
    for name in ("merge-pairs.tsv", "concept-pairs.tsv"):
        with (TEST_DATA / name).open(encoding="utf-8") as handle:
            total += sum(1 for _ in csv.DictReader(handle, delimiter="\t"))
    assert total >= 600
