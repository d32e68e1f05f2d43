"""Centrality of topics, driving forces first: PageRank, and betweenness from a sample of sources.

The graph is that of the topics: two topics are linked when

* they are **associated**: named together in more articles than chance would give (the concept graph's
  co-occurrence links, weighted by their support, both ways); or
* one **influences** the other: an evidence-backed link (``drives``, ``enables``, ``raises``, ``leadsTo``,
  ``mitigates``) runs from a concept under the first to a concept under the second (weighted by its support,
  one way). A concept counts under its most specific topics only, so that "AI" does not gather every link of
  "generative AI".

**PageRank** (damping 0.85, weights as given) says which topics the links lead to most, directly or through
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


def topic_graph(topics: Iterable[tuple[str, Sequence[str]]],
                associations: Iterable[tuple[str, str, int]],
                edges: Iterable[tuple[str, str, str, int, Sequence[str]]]) -> nx.DiGraph[str]:
    """The graph of topics ((IRI, its own member concepts) each): associations ((a, b, support) each) both
    ways, and influence links between concepts ((source, target, relation, support, scans), as
    :meth:`GraphIndex.relation_edges` gives them) lifted to the concepts' topics, one way.

    Example:
        >>> g = topic_graph([("ai", ["c1"]), ("jobs", ["c2"])], [("ai", "jobs", 3)], [("c1", "c2", "raises", 2, [])])
        >>> sorted(g.edges(data="weight"))
        [('ai', 'jobs', 5), ('jobs', 'ai', 3)]
    """
    import networkx as nx

    graph: nx.DiGraph[str] = nx.DiGraph()
    of_concept: dict[str, list[str]] = {}
    for iri, members in topics:
        graph.add_node(iri)
        for member in members:
            of_concept.setdefault(member, []).append(iri)
    weights: Counter[tuple[str, str]] = Counter()
    for a, b, support in associations:
        weights[a, b] += support
        weights[b, a] += support
    for source, target, relation, support, _ in edges:
        if relation in INFLUENCE:
            for first in of_concept.get(source, ()):
                for second in of_concept.get(target, ()):
                    weights[first, second] += support
    graph.add_weighted_edges_from((a, b, weight) for (a, b), weight in weights.items()
                                  if a != b and a in graph and b in graph)
    return graph


def pagerank(graph: nx.DiGraph[str]) -> dict[str, float]:
    """PageRank of every node (weighted; :data:`DAMPING`), summing to 1."""
    import networkx as nx

    if graph.number_of_nodes() == 0:
        return {}
    found: dict[str, float] = nx.pagerank(graph, alpha=DAMPING, weight="weight", tol=1e-10, max_iter=500)
    return found


def betweenness(graph: nx.DiGraph[str], samples: int = SAMPLES, seed: int = SEED) -> dict[str, float]:
    """Betweenness of every node, estimated from ``samples`` sources (all of them when the graph is smaller),
    over the links taken both ways, unweighted, normalised."""
    import networkx as nx

    plain = nx.Graph(graph.to_undirected(as_view=True))
    size = plain.number_of_nodes()
    if size < 3:
        return dict.fromkeys(plain, 0.0)
    found: dict[str, float] = nx.betweenness_centrality(plain, k=min(samples, size) if samples < size else None,
                                                        normalized=True, seed=seed)
    return found


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
    graph_parts: dict[str, nx.DiGraph[str]] = {}

    def graph() -> nx.DiGraph[str]:
        if "graph" not in graph_parts:
            graph_parts["graph"] = topic_graph(((iri, topic.members) for iri, topic in index.topic_tree().items()),
                                               index.association_pairs(), index.relation_edges(INFLUENCE))
        return graph_parts["graph"]

    def keep(name: str, compute: Any) -> Any:
        return kept(name, compute) if kept is not None else compute()

    found = dict(keep("topic-pagerank 1", lambda: {"pagerank": pagerank(graph()),
                                                   "degree": dict(graph().to_undirected(as_view=True).degree())}))
    if samples:
        found["betweenness"] = keep(f"topic-betweenness 1 {samples} {seed}", lambda: betweenness(graph(), samples,
                                                                                                seed))
    return found


def central_topics(index: GraphIndex, *, kind: str | None = "DrivingForce", samples: int | None = None,
                   seed: int = SEED, kept: Any = None, limit: int = 20, steep: str | None = None,
                   categories: Mapping[str, Sequence[str]] | None = None) -> tuple[list[Centrality], int]:
    """The ``limit`` topics of highest PageRank among those that rows of ``kind`` hold (all topics with
    ``None``; with ``steep``, those of that category in ``categories``), and how many there were."""
    values = topic_centrality(index, samples=samples, seed=seed, kept=kept)
    rank_of = ranks(values["pagerank"])
    between = values.get("betweenness")
    between_rank = ranks(between) if between else {}
    held = categories or {}
    chosen = [row for row in index.topic_counts(kind) if steep is None or steep in held.get(row[0], ())]
    chosen.sort(key=lambda row: (-values["pagerank"].get(row[0], 0.0), -row[2], row[1]))
    found = [Centrality(iri, label, articles, kind_articles, values["pagerank"].get(iri, 0.0),
                        rank_of.get(iri, len(rank_of)), int(values["degree"].get(iri, 0)),
                        between.get(iri) if between else None, between_rank.get(iri) if between else None)
             for iri, label, articles, kind_articles in chosen[:limit]]
    return found, len(chosen)
