"""The merger itself on the blind gold sets: are the two names of a pair in one concept of a store?

    python benchmarks/gold.py STORE        # a store holding the bulk scans (or any scans the pairs name)

For every pair of ``tests/data/merge-pairs.tsv`` (names; the lexical merger was tuned on it: a development
set) and ``tests/data/concept-pairs.tsv`` (all kinds, blind, ``dev`` and ``held-out`` apart; shifts are not
merged, so left out) whose two wordings are both in the store, the pair counts as merged when one concept of
its kind has both wordings. Precision and recall of "merged" against the label ``same``, with 95 % Wilson
intervals, per set and over all. Run it once with the semantic extra and once with ``FORESIGHT_SEMANTIC=off``
(each builds its own concepts). Figures, not a test: exit status 0.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from semantic import wilson  # noqa: E402

sys.path.insert(0, str(ROOT))

KINDS = {"signal": "Signal", "concern": "Concern", "behavior": "Behavior", "technology": "Technology",
         "issue": "Issue", "driving-force": "DrivingForce", "outlook": "Outlook"}


def line(name: str, found: list[tuple[bool, bool]], total: int) -> str:
    tp = sum(1 for merged, same in found if merged and same)
    fp = sum(1 for merged, same in found if merged and not same)
    fn = sum(1 for merged, same in found if not merged and same)
    (pl, ph), (rl, rh) = wilson(tp, tp + fp), wilson(tp, tp + fn)
    return (f"{name:<24} pairs {len(found)}/{total}  P {tp / max(1, tp + fp):.2f} [{pl:.2f}, {ph:.2f}]  "
            f"R {tp / max(1, tp + fn):.2f} [{rl:.2f}, {rh:.2f}]  (tp {tp}, fp {fp}, fn {fn})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store")
    args = parser.parse_args(argv)
    from foresight.derived import views
    from foresight.derived.embeddings import mode
    from foresight.store import open_store
    from tests.conftest import TEST_DATA, gold_pairs

    store = open_store(args.store, read_only=True)
    concept_set = views(store).index("concepts").concept_set()
    wordings: dict[tuple[str, str], set[str]] = {}
    for concept in concept_set.concepts.values():
        for text in (concept.label, *concept.alt_labels):
            wordings.setdefault((concept.kind, " ".join(text.split()).casefold()), set()).add(concept.iri)
    rows = []
    with (TEST_DATA / "merge-pairs.tsv").open(encoding="utf-8") as handle:
        rows += [("merge-pairs (dev)", r["kind"], r["a"], r["b"], r["label"])
                 for r in csv.DictReader(handle, delimiter="\t")]
    rows += [(f"concept-pairs {r['split']}", r["kind"], r["a_text"], r["b_text"], r["label"]) for r in gold_pairs()]
    groups: dict[str, tuple[list[tuple[bool, bool]], int]] = {}
    for group, kind, a, b, label in rows:
        if kind not in KINDS:
            continue
        found, total = groups.get(group, ([], 0))
        left = wordings.get((KINDS[kind], " ".join(a.split()).casefold()))
        right = wordings.get((KINDS[kind], " ".join(b.split()).casefold()))
        if left and right:
            found.append((bool(left & right), label == "same"))
        groups[group] = (found, total + 1)
    print(f"matching: {mode()}")
    everything: list[tuple[bool, bool]] = []
    for group, (found, total) in sorted(groups.items()):
        print(line(group, found, total))
        everything += found
    print(line("all", everything, sum(total for _, total in groups.values())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
