"""Centrality of topics: PageRank and sampled betweenness on hand-made graphs with known answers, then
``foresight centrality`` on the real scans, kept beside the store."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import networkx as nx
import pytest

from foresight.analytics.centrality import betweenness, pagerank, ranks, topic_graph, topic_weights
from tests.conftest import cli


def test_pagerank_goes_where_the_links_lead() -> None:
    # three topics point at a hub; the hub points back at one of them
    nodes, weights = topic_weights([(name, [f"c-{name}"]) for name in ("hub", "a", "b", "c")], [],
                                   [(f"c-{name}", "c-hub", "drives", 1, []) for name in ("a", "b", "c")] +
                                   [("c-hub", "c-a", "raises", 1, [])])
    found = pagerank(nodes, weights)
    assert sum(found.values()) == pytest.approx(1.0)
    assert max(found, key=found.__getitem__) == "hub"
    assert found["a"] > found["b"] == pytest.approx(found["c"])
    # co-mentions are no influence: relatedTo is left out
    assert topic_graph([("x", ["cx"]), ("y", ["cy"])], [], [("cx", "cy", "relatedTo", 5, [])]).number_of_edges() == 0


def test_pagerank_is_networkx_pagerank_with_dangling_nodes_and_weights() -> None:
    import random

    rng = random.Random(5)
    nodes = [f"t{n}" for n in range(60)]
    weights = {(a, b): rng.randint(1, 9) for a in nodes[:50] for b in rng.sample(nodes, 3) if a != b}
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from(nodes)  # the last ten have no links out
    graph.add_weighted_edges_from((a, b, w) for (a, b), w in weights.items())
    expected = nx.pagerank(graph, alpha=0.85, weight="weight", tol=1e-12, max_iter=1000)
    found = pagerank(nodes, weights, tol=1e-12, max_iter=1000)
    assert all(abs(found[node] - expected[node]) < 1e-9 for node in nodes)


def test_betweenness_of_a_chain_and_its_sample() -> None:
    chain = {("a", "b"): 1, ("b", "c"): 1, ("c", "d"): 2, ("e", "d"): 1}  # a link's direction does not matter
    exact = betweenness(["a", "b", "c", "d", "e"], chain, samples=100)  # more samples than nodes: exact
    assert exact == pytest.approx({"a": 0.0, "b": 0.5, "c": 4 / 6, "d": 0.5, "e": 0.0})
    line = list(range(60))
    steps = {(str(n), str(n + 1)): 1 for n in line[:-1]}
    sampled = betweenness([str(n) for n in line], steps, samples=20, seed=1)
    assert sampled == betweenness([str(n) for n in line], steps, samples=20, seed=1)  # a seed makes it repeatable
    assert sampled["0"] == 0.0 and int(max(sampled, key=sampled.__getitem__)) in range(20, 40)
    assert ranks({"a": 0.5, "b": 0.9, "c": 0.5}) == {"b": 1, "a": 2, "c": 2}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_betweenness_is_networkx_betweenness(seed: int) -> None:
    """The batched Brandes gives networkx's figures, exact and sampled (the same sources, the same rescaling), on
    graphs with several shortest paths, links both ways, isolated nodes and more than one component."""
    import random

    rng = random.Random(seed)
    nodes = [f"t{n}" for n in range(150)]
    weights = {(a, b): rng.randint(1, 5) for a in nodes[:130] for b in rng.sample(nodes[:130], 2) if a != b}
    weights.update({(b, a): 1 for a, b in list(weights)[:40]})
    weights.update({("t140", "t141"): 1, ("t141", "t142"): 1})  # a component of its own; t143… stand alone
    graph: nx.Graph[str] = nx.Graph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from(weights)
    for samples in (len(nodes), 40, 2):
        expected = nx.betweenness_centrality(graph, k=None if samples == len(nodes) else samples,
                                             normalized=True, seed=seed)
        found = betweenness(nodes, weights, samples=samples, seed=seed, batch=16)
        assert max(abs(found[node] - expected[node]) for node in nodes) < 1e-12
        assert max(found.values()) > 0


def test_centrality_of_the_real_scans_is_kept(real_dir: Path) -> None:
    result = cli(real_dir, "centrality", "--betweenness", "--samples", "60", "-n", "10", "-f", "json")
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert len(records) == 10
    values = [r["pagerank"] for r in records]
    assert values == sorted(values, reverse=True)
    assert all(r["kind_articles"] >= 1 and r["degree"] >= 0 and 0 <= r["betweenness"] <= 1 for r in records)
    print("most central forces of the real scans:", [(r["topic"], r["pagerank"], r["betweenness"]) for r in records])
    kept = real_dir.parent / "store.cache" / "derived" / "results.sqlite"
    connection = sqlite3.connect(kept)
    names = sorted(key.split(" ", 1)[1] for (key,) in connection.execute("SELECT key FROM results"))
    connection.close()
    # what this test asked for is kept (other tests on the same store may have kept more samples)
    assert {"topic-betweenness 1 60 13", "topic-pagerank 2"} <= set(names)
    assert all(name.startswith(("topic-betweenness 1 ", "topic-pagerank 2")) for name in names)
    assert json.loads(cli(real_dir, "centrality", "--betweenness", "--samples", "60", "-n", "10",
                          "-f", "json").stdout) == records  # read back from what was kept
    every = json.loads(cli(real_dir, "centrality", "--kind", "all", "-n", "100000", "-f", "json").stdout)
    assert sum(r["pagerank"] for r in every) == pytest.approx(1.0, abs=1e-3)
    assert len(every) > len(records)
    assert cli(real_dir, "centrality", "--samples", "0").exit_code == 1
