"""Communities of topics year by year, and how they change from one year to the next.

For each year, the :data:`TOP` topics named in the most of that year's articles (at least ``min_articles``)
are linked when they are
named together in at least two of them and more often than chance would give (lift above 1: shared articles
times all the year's articles, over the product of each topic's). The links are weighted by the articles
shared, and split into communities by Louvain modularity (:func:`networkx.community.louvain_communities`,
with a fixed seed so a run can be repeated). A community is named by its most connected topic.

Year to year, each community is matched to the communities of the year before with which it shares the most
topics (Jaccard of the two sets, over the topics that take part in both years, so that topics coming and going
do not hide a community that goes on). It *continues* one (Jaccard ≥ :data:`SAME`), or is *new*; two or more of
the year before continuing into one have *merged*; one continuing into two or more has *split*; one of the
year before that nothing continues has *faded*.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx

#: the Jaccard overlap from which a community continues one of the year before
SAME = 0.2
#: articles two topics must share in a year to be linked
MIN_SHARED = 2
#: the topics of a year that take part: those named in the most of its articles (communities of thousands of
#: topics are read by nobody, and cost a minute at 10,000 scans)
TOP = 400
SEED = 13


@dataclass
class Community:
    """A community of topics in one year."""

    year: str
    number: int
    name: str
    members: list[str]  # topic IRIs, the most connected first
    labels: list[str]
    articles: int
    #: how it came from the year before: new, continues, merged (from several) or split (from one of several)
    change: str = "new"
    #: the communities of the year before it comes from, with their Jaccard overlap
    sources: list[tuple[str, float]] = field(default_factory=list)


def year_graph(topic_articles: Mapping[str, set[str]], total: int, *, min_articles: int = 3,
               min_shared: int = MIN_SHARED) -> nx.Graph[str]:
    """The topics of one year (``topic_articles``: topic -> that year's articles naming it; ``total``: all
    the year's articles) linked by shared articles, where the sharing beats chance.

    Example:
        >>> g = year_graph({"a": {"1", "2", "3"}, "b": {"1", "2", "3"}, "c": {"4", "5", "6"}}, 10)
        >>> sorted(g.edges(data="weight")), sorted(g)
        ([('a', 'b', 3)], ['a', 'b', 'c'])
    """
    import networkx as nx
    import numpy as np
    from scipy import sparse

    kept = sorted(topic for topic, articles in topic_articles.items() if len(articles) >= min_articles)
    graph: nx.Graph[str] = nx.Graph()
    graph.add_nodes_from(kept)
    if len(kept) < 2:
        return graph
    # the topics x articles incidence; its product with itself counts the articles each pair shares
    articles = sorted({article for topic in kept for article in topic_articles[topic]})
    column = {article: number for number, article in enumerate(articles)}
    rows = [number for number, topic in enumerate(kept) for _ in topic_articles[topic]]
    columns = [column[article] for topic in kept for article in topic_articles[topic]]
    incidence = sparse.csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, columns)),
                                  shape=(len(kept), len(articles)))
    shared = sparse.triu(incidence @ incidence.T, k=1).tocoo()
    sizes = np.asarray(incidence.sum(axis=1)).ravel()
    for first, second, count in sorted(zip(shared.row.tolist(), shared.col.tolist(), shared.data.tolist(),
                                           strict=True)):
        if count >= min_shared and count * total > sizes[first] * sizes[second]:
            graph.add_edge(kept[first], kept[second], weight=int(count))
    return graph


def communities_of(graph: nx.Graph[str], labels: Mapping[str, str], year: str, articles: Mapping[str, set[str]],
                   *, resolution: float = 1.0, seed: int = SEED) -> list[Community]:
    """The Louvain communities of one year's graph with two topics or more, the largest first."""
    import networkx as nx

    linked = graph.subgraph([node for node in graph if graph.degree(node)])
    if linked.number_of_edges() == 0:
        return []
    found = nx.community.louvain_communities(linked, weight="weight", resolution=resolution, seed=seed)
    strength = dict(linked.degree(weight="weight"))
    made = []
    for group in found:
        if len(group) < 2:
            continue
        members = sorted(group, key=lambda topic: (-strength[topic], labels.get(topic, topic)))
        named = set().union(*(articles[topic] for topic in members))
        made.append(Community(year, 0, labels.get(members[0], members[0]), members,
                              [labels.get(topic, topic) for topic in members], len(named)))
    made.sort(key=lambda c: (-len(c.members), -c.articles, c.name))
    for number, community in enumerate(made, start=1):
        community.number = number
    return made


def jaccard(first: Iterable[str], second: Iterable[str]) -> float:
    """Shared over all, of two sets (0 for two empty ones)."""
    left, right = set(first), set(second)
    return len(left & right) / len(left | right) if left | right else 0.0


def link_years(before: Sequence[Community], after: Sequence[Community], *, same: float = SAME) -> list[str]:
    """Set how each community of ``after`` came from those of ``before`` (its ``change`` and ``sources``),
    and return the names of the communities of ``before`` that nothing continues (faded).

    Communities are compared on the topics that take part in both years: a topic named in one year only says
    nothing of whether a community went on."""
    both = set().union(*(c.members for c in before)) & set().union(*(c.members for c in after)) \
        if before and after else set()
    successors: dict[int, list[int]] = {}
    for j, community in enumerate(after):
        kept = both.intersection(community.members)
        overlaps = sorted(((jaccard(kept, both.intersection(old.members)), i) for i, old in enumerate(before)),
                          reverse=True)
        sources = [(i, overlap) for overlap, i in overlaps if overlap >= same]
        community.sources = [(f"{before[i].year} #{before[i].number} {before[i].name}", round(overlap, 3))
                             for i, overlap in sources]
        community.change = "new" if not sources else ("merged" if len(sources) > 1 else "continues")
        for i, _ in sources:
            successors.setdefault(i, []).append(j)
    for following in successors.values():
        if len(following) > 1:
            for j in following:
                if after[j].change == "continues":
                    after[j].change = "split"
    return [f"{old.year} #{old.number} {old.name}" for i, old in enumerate(before) if i not in successors]


def yearly_communities(topic_articles: Mapping[str, set[str]], labels: Mapping[str, str],
                       article_months: Mapping[str, str], *, min_articles: int = 3, resolution: float = 1.0,
                       seed: int = SEED, top: int = TOP) -> tuple[dict[str, list[Community]], dict[str, list[str]]]:
    """The communities of each year (topic -> articles over all years; each article's month), and for each
    year the communities of the year before that faded. Each year takes part with its ``top`` topics named in
    the most of its articles."""
    years = sorted({month[:4] for month in article_months.values()})
    by_year: dict[str, list[Community]] = {}
    faded: dict[str, list[str]] = {}
    previous: list[Community] = []
    for year in years:
        in_year = {article for article, month in article_months.items() if month.startswith(year)}
        articles = {topic: held & in_year for topic, held in topic_articles.items()}
        leading = sorted((topic for topic, held in articles.items() if len(held) >= min_articles),
                         key=lambda topic: (-len(articles[topic]), topic))[:top]
        articles = {topic: articles[topic] for topic in leading}
        graph = year_graph(articles, len(in_year), min_articles=min_articles)
        found = communities_of(graph, labels, year, articles, resolution=resolution, seed=seed)
        if previous or found:
            faded[year] = link_years(previous, found)
        by_year[year] = found
        previous = found
    return by_year, faded
