"""Semantic similarity: what embedding the corpus costs, and what cosine buys on the blind gold sets.

Usage::

    python benchmarks/semantic.py [--corpus ../shared/corpus] [--kinds names,sentences] [--skip-build]

1. **Build**: every distinct row name (signals, concerns, behaviors, technologies, issues) and every
   driving force, shift and outlook of ``bulk/`` is embedded into an empty
   :class:`~foresight.derived.embeddings.EmbeddingCache` (cold), then asked for again (warm):
   texts, seconds, texts a second, peak RSS of this process and the cache file's size.
2. **Gold sets**: precision and recall of "the same concept" on ``tests/data/merge-pairs.tsv``
   (names; the lexical merger was tuned on it, so it is a development set) and on
   ``tests/data/concept-pairs.tsv`` (all kinds, blind, ``dev`` and ``held-out`` reported apart),
   with 95 % Wilson intervals, for the lexical merger, cosine alone and the rules combining them.

Figures, not a test: exit status 0 whatever they are; without the ``semantic`` extra or
``../shared`` it says so and stops.
"""

from __future__ import annotations

import argparse
import csv
import math
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SENTENCES = ("driving-force", "shift", "outlook")
Pair = dict[str, object]


def wilson(hits: int, total: int, z: float = 1.96) -> tuple[float, float]:
    """The 95 % Wilson score interval of a proportion."""
    if total == 0:
        return math.nan, math.nan
    p = hits / total
    scale = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / scale
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / scale
    return centre - half, centre + half


def corpus_texts(corpus: Path) -> list[str]:
    from foresight.readers import read_scan

    texts: set[str] = set()
    for path in sorted((corpus / "bulk").glob("*.md")):
        scan = read_scan(path).scan
        for signal in scan.signals:
            texts.update(t for t in (signal.name, signal.driving_force, signal.outlook,
                                     signal.change.text if signal.change else None) if t)
        texts.update(item.name for item in scan.items if item.name)
    return sorted(texts)


def build(corpus: Path) -> None:
    from foresight.derived.embeddings import EmbeddingCache, encoder

    encode = encoder()
    assert encode is not None
    texts = corpus_texts(corpus)
    with tempfile.TemporaryDirectory(prefix="foresight-embeddings-") as work:
        path = Path(work) / "embeddings.sqlite"
        cache = EmbeddingCache(path)
        start = time.perf_counter()
        encode.encode(["warm the model up"])
        load = time.perf_counter() - start
        start = time.perf_counter()
        cache.vectors(texts, encode)
        cold = time.perf_counter() - start
        start = time.perf_counter()
        cache.vectors(texts, encode)
        warm = time.perf_counter() - start
        size = path.stat().st_size / 1e6
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"build: {len(texts):,} distinct texts of bulk; model load {load:.1f} s; cold {cold:.1f} s "
          f"({len(texts) / cold:.0f} texts/s); warm {warm:.2f} s; cache {size:.1f} MB; peak RSS {peak:.0f} MB")


def gold() -> list[Pair]:
    from tests.conftest import TEST_DATA, gold_pairs

    rows: list[Pair] = []
    with (TEST_DATA / "merge-pairs.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            rows.append({"set": "merge-pairs (dev)", "kind": row["kind"], "a": row["a"], "b": row["b"],
                         "label": row["label"]})
    for row in gold_pairs():
        rows.append({"set": f"concept-pairs {row['split']}", "kind": row["kind"], "a": row["a_text"],
                     "b": row["b_text"], "label": row["label"]})
    return rows


def features(rows: list[Pair]) -> None:
    from foresight.derived.embeddings import EmbeddingCache, encoder
    from foresight.merging import compare, name_terms, weights_for

    encode = encoder()
    assert encode is not None
    texts = sorted({str(r["a"]) for r in rows} | {str(r["b"]) for r in rows})
    vectors = dict(zip(texts, EmbeddingCache(None).vectors(texts, encode), strict=True))
    weights = weights_for(texts)
    for row in rows:
        a, b = name_terms(str(row["a"])), name_terms(str(row["b"]))
        row["lexical"] = compare(a, b, weights).same
        row["cosine"] = float(vectors[str(row["a"])] @ vectors[str(row["b"])])
        left, right = set(a), set(b)
        row["jaccard"] = len(left & right) / max(1, len(left | right))
        row["contained"] = left < right or right < left


RULES: dict[str, Callable[[Pair], bool]] = {
    "lexical merger": lambda r: bool(r["lexical"]),
    "cosine >= 0.83": lambda r: float(r["cosine"]) >= 0.83,  # type: ignore[arg-type]
    "lexical or cosine >= 0.85": lambda r: bool(r["lexical"]) or float(r["cosine"]) >= 0.85,  # type: ignore[arg-type]
    "lexical or cosine >= 0.88 or (cosine >= 0.8, jaccard >= 0.34, neither contains the other)":
        lambda r: bool(r["lexical"]) or float(r["cosine"]) >= 0.88 or (  # type: ignore[arg-type]
            float(r["cosine"]) >= 0.8 and float(r["jaccard"]) >= 0.34 and not r["contained"]),  # type: ignore[arg-type]
}


def report(rows: list[Pair]) -> None:
    groups = sorted({str(r["set"]) for r in rows})
    for name, rule in RULES.items():
        print(name)
        for group in groups:
            for part, chosen in (("all", None), ("sentences", True), ("names", False)):
                selected = [r for r in rows if r["set"] == group
                            and (chosen is None or (r["kind"] in SENTENCES) == chosen)]
                if not selected or (group.startswith("merge") and part != "all"):
                    continue
                tp = sum(1 for r in selected if rule(r) and r["label"] == "same")
                fp = sum(1 for r in selected if rule(r) and r["label"] != "same")
                fn = sum(1 for r in selected if not rule(r) and r["label"] == "same")
                p_low, p_high = wilson(tp, tp + fp)
                r_low, r_high = wilson(tp, tp + fn)
                precision = tp / (tp + fp) if tp + fp else math.nan
                recall = tp / (tp + fn) if tp + fn else math.nan
                print(f"  {group:<24} {part:<9} P {precision:.2f} [{p_low:.2f}, {p_high:.2f}]  "
                      f"R {recall:.2f} [{r_low:.2f}, {r_high:.2f}]  (tp {tp}, fp {fp}, fn {fn})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--skip-build", action="store_true", help="Only the gold-set figures.")
    args = parser.parse_args(argv)
    from foresight.derived.embeddings import mode, semantic_enabled

    if not semantic_enabled():
        print(f"skipped: matching is {mode()}")
        return 0
    if not args.corpus.is_dir():
        print(f"skipped: {args.corpus} is absent")
        return 0
    if not args.skip_build:
        build(args.corpus)
    rows = gold()
    features(rows)
    report(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
