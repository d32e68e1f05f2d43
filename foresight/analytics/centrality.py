"""Centrality of topics, driving forces first: PageRank, and betweenness from a sample of sources.

The graph is that of the topics: two topics are linked when

* they are **associated**: named together in more articles than chance would give (the concept graph's
  co-occurrence links, weighted by their support, both ways); or
* one **influences** the other: an evidence-backed link (``drives``, ``enables``, ``raises``, ``leadsTo``,
  ``mitigates``) runs from a concept under the first to a concept under the second (weighted by its support,
  one way). A concept counts under its most specific topics only, so that "AI" does not gather every link of
  "generative AI".

**PageRank** (damping 0.85, weights as given; the power iteration on a sparse matrix) says which topics the
links lead to most, directly or through
others. **Betweenness** says which topics lie on the shortest paths between others: the brokers between
themes. Exact betweenness costs a shortest-path search from every topic; it is estimated from
``samples`` sources drawn with a fixed seed (Brandes' pivots, as :func:`networkx.betweenness_centrality` does
with ``k``), over links taken both ways and unweighted, and normalised to [0, 1]. It is opt-in, and kept beside
the store with the sample size and seed, so the second call costs nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from foresight.analytics.influence import INFLUENCE

if TYPE_CHECKING:
    import networkx as nx

    from foresight.derived.index import GraphIndex

#: PageRank's damping factor (the chance of following a link rather than jumping anywhere)
DAMPING = 0.85
#: sources sampled for betweenness, by default; the seed makes a sample repeatable
SAMPLES = 200
SEED = 13


@dataclass(frozen=True)
class Centrality:
    """How central one topic is."""

    iri: str
    label: str
    articles: int
    driving_force_articles: int
    pagerank: float
    pagerank_rank: int
    degree: int
    betweenness: float | None = None
    betweenness_rank: int | None = None


def topic_weights(topics: Iterable[tuple[str, Sequence[str]]], associations: Iterable[tuple[str, str, int]],
                  edges: Iterable[tuple[str, str, str, int, Sequence[str]]],
                  ) -> tuple[list[str], Counter[tuple[str, str]]]:
    """The topics ((IRI, its own member concepts) each) and the weight of every link between two of them:
    associations ((a, b, support) each) both ways, and influence links between concepts ((source, target,
    relation, support, scans), as :meth:`GraphIndex.relation_edges` gives them) lifted to the concepts' topics,
    one way."""
    nodes: list[str] = []
    of_concept: dict[str, list[str]] = {}
    for iri, members in topics:
        nodes.append(iri)
        for member in members:
            of_concept.setdefault(member, []).append(iri)
    known = set(nodes)
    weights: Counter[tuple[str, str]] = Counter()
    for a, b, support in associations:
        weights[a, b] += support
        weights[b, a] += support
    for source, target, relation, support, _ in edges:
        if relation in INFLUENCE:
            for first in of_concept.get(source, ()):
                for second in of_concept.get(target, ()):
                    weights[first, second] += support
    for pair in [pair for pair in weights if pair[0] == pair[1] or pair[0] not in known or pair[1] not in known]:
        del weights[pair]
    return nodes, weights


def topic_graph(topics: Iterable[tuple[str, Sequence[str]]],
                associations: Iterable[tuple[str, str, int]],
                edges: Iterable[tuple[str, str, str, int, Sequence[str]]]) -> nx.DiGraph[str]:
    """The graph of :func:`topic_weights`.

    Example:
        >>> g = topic_graph([("ai", ["c1"]), ("jobs", ["c2"])], [("ai", "jobs", 3)], [("c1", "c2", "raises", 2, [])])
        >>> sorted(g.edges(data="weight"))
        [('ai', 'jobs', 5), ('jobs', 'ai', 3)]
    """
    return weighted_graph(*topic_weights(topics, associations, edges))


def weighted_graph(nodes: Sequence[str], weights: Mapping[tuple[str, str], float]) -> nx.DiGraph[str]:
    """The nodes and weighted links as a networkx graph."""
    import networkx as nx

    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from(nodes)
    graph.add_weighted_edges_from((a, b, weight) for (a, b), weight in weights.items())
    return graph


def pagerank(nodes: Sequence[str], weights: Mapping[tuple[str, str], float], *, tol: float = 1e-10,
             max_iter: int = 500) -> dict[str, float]:
    """PageRank of every node (links weighted; :data:`DAMPING`; a node without links out spreads its share
    over all), summing to 1: the power iteration, on a sparse matrix.

    >>> found = pagerank(["a", "b", "c"], {("a", "b"): 1, ("c", "b"): 1})
    >>> max(found, key=found.get), round(sum(found.values()), 6)
    ('b', 1.0)
    """
    import numpy as np
    from scipy import sparse

    size = len(nodes)
    if size == 0:
        return {}
    position = {node: number for number, node in enumerate(nodes)}
    pairs = list(weights.items())
    rows = np.array([position[a] for (a, _), _ in pairs], dtype=np.int64)
    columns = np.array([position[b] for (_, b), _ in pairs], dtype=np.int64)
    values = np.array([float(weight) for _, weight in pairs])
    matrix = sparse.csr_matrix((values, (rows, columns)), shape=(size, size))
    out = np.asarray(matrix.sum(axis=1)).ravel()
    dangling = out == 0
    scale = sparse.diags(np.where(dangling, 0.0, 1.0 / np.where(dangling, 1.0, out)))
    step = (scale @ matrix).T.tocsr()  # column-stochastic but for the dangling nodes
    rank = np.full(size, 1.0 / size)
    for _ in range(max_iter):
        following = DAMPING * (step @ rank + rank[dangling].sum() / size) + (1 - DAMPING) / size
        done = float(np.abs(following - rank).sum()) < size * tol
        rank = following
        if done:
            break
    return {node: float(rank[number]) for node, number in position.items()}


def degrees(nodes: Sequence[str], weights: Mapping[tuple[str, str], float]) -> dict[str, int]:
    """How many other nodes each node is linked with, either way."""
    neighbours: dict[str, set[str]] = {node: set() for node in nodes}
    for a, b in weights:
        neighbours[a].add(b)
        neighbours[b].add(a)
    return {node: len(found) for node, found in neighbours.items()}


def betweenness(nodes: Sequence[str], weights: Mapping[tuple[str, str], float], samples: int = SAMPLES,
                seed: int = SEED, *, batch: int = 64) -> dict[str, float]:
    """Betweenness of every node, estimated from ``samples`` sources (all of them when the graph is smaller),
    over the links taken both ways, unweighted, normalised: the same figures as
    :func:`networkx.betweenness_centrality` with ``k=samples`` and ``seed`` (the same sources, drawn by
    ``random.Random(seed).sample`` from ``nodes`` in order, and its rescaling).

    Brandes' algorithm, with ``batch`` sources at a time as the columns of dense matrices: each breadth-first
    level, forward (path counts) and back (dependencies), is one sparse product with the adjacency matrix.

    >>> chain = {("a", "b"): 1, ("b", "c"): 1, ("c", "d"): 1}
    >>> {node: round(value, 3) for node, value in betweenness(["a", "b", "c", "d"], chain).items()}
    {'a': 0.0, 'b': 0.667, 'c': 0.667, 'd': 0.0}
    """
    import random

    import numpy as np
    from scipy import sparse

    size = len(nodes)
    if size < 3:
        return dict.fromkeys(nodes, 0.0)
    position = {node: number for number, node in enumerate(nodes)}
    pairs = [(position[a], position[b]) for a, b in weights if a != b]
    ends = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    adjacency = sparse.csr_matrix((np.ones(2 * len(ends)), (np.concatenate([ends[:, 0], ends[:, 1]]),
                                                               np.concatenate([ends[:, 1], ends[:, 0]]))),
                                  shape=(size, size))
    adjacency.data[:] = 1.0  # a pair linked both ways is one undirected link
    sampled = samples < size
    sources = ([position[node] for node in random.Random(seed).sample(list(nodes), samples)] if sampled
               else list(range(size)))
    total = np.zeros(size)
    for start in range(0, len(sources), batch):
        chunk = np.array(sources[start:start + batch])
        columns = np.arange(len(chunk))
        depth = np.full((size, len(chunk)), -1, dtype=np.int32)
        paths = np.zeros((size, len(chunk)))
        depth[chunk, columns] = 0
        paths[chunk, columns] = 1.0
        level = 0
        while True:  # forward: the number of shortest paths from each source to each node
            reached = adjacency @ np.where(depth == level, paths, 0.0)
            new = (depth < 0) & (reached > 0)
            if not new.any():
                break
            level += 1
            depth[new] = level
            paths[new] = reached[new]
        dependency = np.zeros((size, len(chunk)))
        for deeper in range(level, 0, -1):  # back: each node's share of the paths through it
            share = adjacency @ np.where(depth == deeper, (1.0 + dependency) / np.where(paths > 0, paths, 1.0), 0.0)
            above = depth == deeper - 1
            dependency[above] += paths[above] * share[above]
        dependency[chunk, columns] = 0.0  # a source is no node between
        total += dependency.sum(axis=1)
    between = size - 1  # the pairs (s, t), s != t, that a node v other than t can lie between
    if sampled:
        scale = np.full(size, 1.0 / (samples * (between - 1)))
        scale[sources] = 1.0 / ((samples - 1) * (between - 1)) if samples > 1 else float("nan")
    else:
        scale = np.full(size, 1.0 / (between * (between - 1)))
    return {node: float(total[number] * scale[number]) for node, number in position.items()}


def ranks(values: Mapping[str, float]) -> dict[str, int]:
    """1 for the largest value, 2 for the next, ...; ties share the better rank."""
    ordered = sorted(values.values(), reverse=True)
    first: dict[float, int] = {}
    for place, value in enumerate(ordered, start=1):
        first.setdefault(value, place)
    return {key: first[value] for key, value in values.items()}


def topic_centrality(index: GraphIndex, *, samples: int | None = None, seed: int = SEED,
                     kept: Any = None) -> dict[str, dict[str, float]]:
    """PageRank (and, with ``samples``, betweenness) of every topic of the concept index, as plain data:
    ``{"pagerank": {iri: value}, "betweenness": {iri: value}, "degree": {iri: n}}``.

    ``kept(name, compute)``, when given, keeps what ``compute`` returns under ``name`` beside the store
    (:meth:`foresight.derived.Views.kept`), so each is computed once per content of the store."""
    parts: dict[str, tuple[list[str], Counter[tuple[str, str]]]] = {}

    def weighted() -> tuple[list[str], Counter[tuple[str, str]]]:
        if "weights" not in parts:
            parts["weights"] = topic_weights(((iri, topic.members) for iri, topic in index.topic_tree().items()),
                                             index.association_pairs(), index.relation_edges(INFLUENCE))
        return parts["weights"]

    def keep(name: str, compute: Any) -> Any:
        return kept(name, compute) if kept is not None else compute()

    found = dict(keep("topic-pagerank 2", lambda: {"pagerank": pagerank(*weighted()), "degree": degrees(*weighted())}))
    if samples:
        found["betweenness"] = keep(f"topic-betweenness 1 {samples} {seed}",
                                    lambda: betweenness(*weighted(), samples, seed))
    return found


def central_topics(index: GraphIndex, *, kind: str | None = "DrivingForce", samples: int | None = None,
                   seed: int = SEED, kept: Any = None, limit: int = 20, steep: str | None = None,
                   ) -> tuple[list[Centrality], int]:
    """The ``limit`` topics of highest PageRank among those that rows of ``kind`` hold (all topics with
    ``None``; with ``steep``, those of that STEEP category), and how many there were."""
    values = topic_centrality(index, samples=samples, seed=seed, kept=kept)
    rank_of = ranks(values["pagerank"])
    between = values.get("betweenness")
    between_rank = ranks(between) if between else {}
    if steep is not None:
        from foresight.analytics.steep import topic_categories

        held = topic_categories(index)
    chosen = [row for row in index.topic_counts(kind) if steep is None or steep in held.get(row[0], ())]
    chosen.sort(key=lambda row: (-values["pagerank"].get(row[0], 0.0), -row[2], row[1]))
    found = [Centrality(iri, label, articles, kind_articles, values["pagerank"].get(iri, 0.0),
                        rank_of.get(iri, len(rank_of)), int(values["degree"].get(iri, 0)),
                        between.get(iri) if between else None, between_rank.get(iri) if between else None)
             for iri, label, articles, kind_articles in chosen[:limit]]
    return found, len(chosen)
