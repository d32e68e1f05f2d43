"""How connected the concept graph is, on a store: components, topic-pair pathways, recurring forces.

    python benchmarks/connectivity.py STORE [--pairs tests/data/topic-pairs.tsv] [--max-hops 3] [--json OUT]

Prints, for the store's concept graph (built when missing, as any command would):

* the largest connected component's share of the concepts named in 2 or more articles
  (links walked both ways; topics and their associations count as links);
* for each topic pair of ``tests/data/topic-pairs.tsv`` (co-mentioned in 5+ articles, listed
  blind: see ``tests/data/README.md``), whether ``paths A B --max-hops 3`` finds a pathway
  with evidence on every hop, the hops and the relations it walks; the share found, with a
  95 % Wilson interval;
* the 20 topics that the driving forces of the most articles hold (the recurring forces),
  and the fewest articles among them.

The figures are for reading: the script exits 0 whatever they are.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from semantic import wilson  # noqa: E402


def components(index: object) -> dict[str, float]:
    import numpy as np
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

    indptr, indices = index.adjacency()  # type: ignore[attr-defined]
    count = len(indptr) - 1
    matrix = sparse.csr_matrix((np.ones(len(indices), dtype=np.int8), indices, indptr), shape=(count, count))
    _, labels = connected_components(matrix, directed=False)
    named = [int(node) for (node,) in index.connection.execute(  # type: ignore[attr-defined]
        "SELECT nodes.id FROM nodes JOIN concepts ON concepts.iri = nodes.iri WHERE concepts.narticles >= 2")]
    if not named:
        return {"concepts_2plus": 0, "largest_share": 0.0}
    sizes = np.bincount(labels[named])
    return {"concepts_2plus": len(named), "largest_share": round(float(sizes.max()) / len(named), 4),
            "components_2plus": int((sizes > 0).sum()), "nodes": count,
            "components_all": int(labels.max()) + 1}


def pathways(index: object, pairs: list[dict[str, str]], max_hops: int) -> list[dict[str, object]]:
    from foresight.analysis.paths import k_best_paths
    from foresight.analysis.resolve import resolve_names
    from foresight.errors import ForesightError

    results = []
    for pair in pairs:
        record: dict[str, object] = {"a": pair["a"], "b": pair["b"], "articles": int(pair["articles"]),
                                     "source": pair.get("source", "")}
        try:
            starts = resolve_names(index, pair["a"]).nodes  # type: ignore[arg-type]
            ends = resolve_names(index, pair["b"]).nodes  # type: ignore[arg-type]
        except ForesightError as error:
            record.update(found=False, reason=str(error))
            results.append(record)
            continue
        common = set(starts) & set(ends)
        starts = [n for n in starts if n not in common] or starts
        ends = [n for n in ends if n not in common] or ends
        started = time.perf_counter()
        graph = index.subgraph(index.between(index.ids(starts), index.ids(ends), max_hops),  # type: ignore
                               full=False)
        found = k_best_paths(graph, starts, ends, k=1, max_hops=max_hops)
        record["seconds"] = round(time.perf_counter() - started, 3)
        if not found:
            record.update(found=False, reason="no pathway")
        else:
            best = found[0]
            record.update(found=all(hop.evidence for hop in best.hops), hops=len(best.hops),
                          relations=[hop.relation + ("" if hop.forward else " (against)") for hop in best.hops],
                          nodes=[graph.nodes[n].get("label") for n in best.nodes])
        results.append(record)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store")
    parser.add_argument("--pairs", type=Path, default=ROOT / "tests" / "data" / "topic-pairs.tsv")
    parser.add_argument("--max-hops", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write every figure and pathway here")
    args = parser.parse_args(argv)
    from foresight.derived import views
    from foresight.store import open_store

    store = open_store(args.store, read_only=True)
    started = time.perf_counter()
    index = views(store).index("concepts")
    print(f"concept index ready in {time.perf_counter() - started:.1f} s")
    figures: dict[str, object] = {"components": components(index)}
    share = figures["components"]["largest_share"]  # type: ignore[index]
    print(f"largest component: {share:.1%} of {figures['components']['concepts_2plus']} concepts "  # type: ignore
          f"named in 2+ articles")
    with args.pairs.open(encoding="utf-8", newline="") as handle:
        pairs = list(csv.DictReader(handle, delimiter="\t"))
    results = pathways(index, pairs, args.max_hops)
    for source in sorted({str(r["source"]) for r in results}):
        chosen = [r for r in results if r["source"] == source]
        hits = sum(1 for r in chosen if r["found"])
        low, high = wilson(hits, len(chosen))
        print(f"topic pairs ({source}): {hits}/{len(chosen)} = {hits / len(chosen):.0%} have a pathway of "
              f"<= {args.max_hops} hops with evidence on every hop (95% CI {low:.0%}-{high:.0%})")
    for r in results:
        mark = "ok " if r["found"] else "-- "
        path = " | ".join(str(x) for x in r.get("relations", [])) or str(r.get("reason", ""))
        print(f"  {mark}{r['a']} ~ {r['b']} ({r['articles']} articles): {r.get('hops', '-')} hops: {path}")
    topics, _ = index.topic_list(1, 20, "DrivingForce")
    counts = [t.kinds.get("DrivingForce", 0) for t in topics]
    print(f"top 20 recurring driving forces (topics): fewest articles {min(counts) if counts else 0}")
    for topic in topics:
        print(f"  {topic.kinds.get('DrivingForce', 0):4d}  {topic.label}")
    figures["pathways"] = results
    figures["forces"] = [{"label": t.label, "articles": t.kinds.get("DrivingForce", 0)} for t in topics]
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
