"""Samples for hand audits, written as TSV files to label: hops of ``paths``, and concepts (over-merging).

    python benchmarks/audit.py STORE OUT_DIR [--hops 50] [--concepts 30] [--seed 7]

* ``hops.tsv``: ``--hops`` hops drawn at random (``--seed``) from the pathways ``paths A B -k 5 --max-hops 3``
  finds for every pair of ``tests/data/topic-pairs.tsv``, each distinct hop once: its two ends (label and
  kind), the relation and whether the hop walks it forward, the method, the evidence, and the scan files the
  evidence is in, with an empty ``right`` column to fill in (yes/no) and a ``why`` column.
* ``concepts.tsv``: ``--concepts`` concepts gathering two or more distinct wordings, drawn at random, each
  with its kind, label and every wording (``|``-separated), with an empty ``over_merged`` column
  (yes: some wording names another concept) and ``why``.
* with ``--steep N``, ``steep.tsv``: N concepts of the tagged kinds drawn at random, with kind, label and
  description and an empty ``categories`` column to fill blind; ``steep-key.tsv`` holds the tags
  :mod:`foresight.analytics.steep` gave them, to compare with afterwards.

The sample depends only on the store and the seed. The figures come from the labels, not from this script.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store")
    parser.add_argument("out", type=Path)
    parser.add_argument("--pairs", type=Path, default=ROOT / "tests" / "data" / "topic-pairs.tsv")
    parser.add_argument("--hops", type=int, default=50)
    parser.add_argument("--concepts", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--steep", type=int, default=0, help="also sample this many concepts to tag with STEEP")
    args = parser.parse_args(argv)
    from foresight.analysis.paths import k_best_paths
    from foresight.analysis.resolve import resolve_names
    from foresight.derived import views
    from foresight.errors import ForesightError
    from foresight.store import open_store

    store = open_store(args.store, read_only=True)
    index = views(store).index("concepts")
    with args.pairs.open(encoding="utf-8", newline="") as handle:
        pairs = list(csv.DictReader(handle, delimiter="\t"))
    hops: dict[tuple[str, str, str], dict[str, str]] = {}
    for pair in pairs:
        try:
            starts = resolve_names(index, pair["a"]).nodes  # type: ignore[arg-type]
            ends = resolve_names(index, pair["b"]).nodes  # type: ignore[arg-type]
        except ForesightError:
            continue
        graph = index.subgraph(index.between(index.ids(starts), index.ids(ends), 3), full=False)
        for pathway in k_best_paths(graph, starts, ends, k=5, max_hops=3):
            for hop in pathway.hops:
                start, end = (hop.source, hop.target) if graph.has_edge(hop.source, hop.target) else (
                    hop.target, hop.source)
                data = graph.edges[start, end]
                scans = data.get("evidence_scans") or [data.get("scan")]
                files = [str(graph.graph["scans"].get(scan, {}).get("file") or scan) for scan in scans[:5] if scan]
                key = (hop.source, hop.relation, hop.target)
                if key in hops or (hop.target, hop.relation, hop.source) in hops:
                    continue
                node = graph.nodes
                hops[key] = {
                    "from": str(node[hop.source].get("label")), "from_kind": str(node[hop.source].get("type")),
                    "relation": hop.relation, "forward": "yes" if hop.forward else "no (walked against the link)",
                    "to": str(node[hop.target].get("label")), "to_kind": str(node[hop.target].get("type")),
                    "method": hop.method, "evidence": hop.evidence, "files": " ".join(files),
                    "right": "", "why": ""}
    rng = random.Random(args.seed)
    chosen = rng.sample(sorted(hops), min(args.hops, len(hops)))
    args.out.mkdir(parents=True, exist_ok=True)
    with (args.out / "hops.tsv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["n", *next(iter(hops.values()))], delimiter="\t")
        writer.writeheader()
        for number, key in enumerate(chosen, start=1):
            writer.writerow({"n": number, **hops[key]})
    concept_set = index.concept_set()
    merged = sorted(c.iri for c in concept_set.concepts.values() if c.alt_labels)
    picked = rng.sample(merged, min(args.concepts, len(merged)))
    with (args.out / "concepts.tsv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t")
        writer.writerow(["n", "kind", "label", "wordings", "articles", "over_merged", "why"])
        for number, iri in enumerate(picked, start=1):
            concept = concept_set.concepts[iri]
            writer.writerow([number, concept.kind, concept.label, " | ".join([concept.label, *concept.alt_labels]),
                             len(concept.articles), "", ""])
    print(f"{len(hops)} distinct hops from {len(pairs)} topic pairs; wrote {len(chosen)} to {args.out / 'hops.tsv'}; "
          f"{len(picked)} of {len(merged)} merged concepts to {args.out / 'concepts.tsv'}")
    if args.steep:
        steep_sample(index, views(store).vectors(), args.out, args.steep, rng)
    return 0


def steep_sample(index, vectors, out: Path, count: int, rng: random.Random) -> None:  # type: ignore[no-untyped-def]
    """``steep.tsv``: concepts to label with their STEEP categories, blind; ``steep-key.tsv``: the tags given."""
    from foresight.analytics.steep import TAGGED_KINDS, tag_concepts

    concepts = index.concept_texts(list(TAGGED_KINDS))
    tags = tag_concepts([(label, description) for _, _, label, description, _ in concepts], vectors)
    picked = sorted(rng.sample(range(len(concepts)), min(count, len(concepts))))
    with (out / "steep.tsv").open("w", encoding="utf-8", newline="") as handle, \
            (out / "steep-key.tsv").open("w", encoding="utf-8", newline="") as key:
        writer, keys = csv.writer(handle, delimiter="\t"), csv.writer(key, delimiter="\t")
        writer.writerow(["n", "kind", "label", "description", "categories", "why"])
        keys.writerow(["n", "iri", "category", "second", "method"])
        for number, position in enumerate(picked, start=1):
            iri, kind, label, description, _ = concepts[position]
            writer.writerow([number, kind, label, " ".join(str(description or "").split()), "", ""])
            tag = tags[position]
            keys.writerow([number, iri, tag.category or "", tag.second or "", tag.method])
    print(f"{len(picked)} concepts to tag to {out / 'steep.tsv'} (the tags given: {out / 'steep-key.tsv'})")


if __name__ == "__main__":
    sys.exit(main())
