"""Answers looked up in the store's index: rows and scans by their words, change pathways by their force."""

from __future__ import annotations

from typing import TYPE_CHECKING

from foresight.errors import ForesightError
from foresight.vocab import ITEM_TYPES

if TYPE_CHECKING:
    import networkx as nx

    from foresight.analysis.paths import Pathway
    from foresight.analysis.pathways import Chain
    from foresight.derived.index import GraphIndex, TextMatch
    from foresight.store.base import Store

#: What search looks in: every scan item, and scans by their title.
SEARCH_TYPES = (*ITEM_TYPES, "Scan")


def check_search(text: str, types: list[str] | None) -> list[str] | None:
    """The type names of a search, checked.

    Raises:
        ForesightError: an unknown type name, or empty text.
    """
    if not " ".join(text.split()):
        raise ForesightError("search: give some text to look for")
    unknown = [name for name in types or () if name not in SEARCH_TYPES]
    if unknown:
        raise ForesightError(f"search: unknown type {unknown[0]!r}; use one of {', '.join(SEARCH_TYPES)}")
    return types


def search(store: Store, text: str, types: list[str] | None = None, limit: int = 20) -> list[TextMatch]:
    """Rank the rows and scans whose name or description holds every word of ``text``.

    Words match whatever their case and ending (``protest`` finds ``Protests``), and
    a word may be the start of a longer one. A name equal to the text ranks first,
    then names holding it as a phrase, then names holding all its words, then
    descriptions; ties go to the more relevant row, then by name. The text is bound
    into the index query, never pasted.

    Args:
        store: the store (its search index is built when missing or stale).
        text: the words to look for.
        types: fs: class names to keep (``Signal``, ``Issue``, ``Scan``, …); all by default.
        limit: how many matches to return.

    Raises:
        ForesightError: an unknown type name, or empty text.
    """
    from foresight.derived import views

    chosen = check_search(text, types) or list(SEARCH_TYPES)
    return views(store).index("concepts").search(text, chosen, limit)


def pathway_chains(index: GraphIndex, *, driver: str | None = None, theme: str | None = None,
                   keyword: str | None = None, limit: int = 20) -> tuple[nx.DiGraph[str], list[Chain]]:
    """The change pathways :func:`foresight.analysis.pathways.change_pathways` ranks, read from an index.

    Only what can rank is loaded: with ``driver``, the signals of the driving forces it
    keeps (picked from the index's words first), else the best-ranked signals; then their
    surroundings, with every attribute (the scans naming each node: a chain is told in one).

    Returns:
        The graph the chains were ranked on (for their labels and scans) and the chains.
    """
    from foresight.analysis.pathways import change_pathways, driver_variants, matching_forces

    signals = None
    if driver:
        vocabulary = index.force_vocabulary()
        forces = index.force_words(driver_variants(driver, vocabulary))
        signals = index.signals_driven_by(matching_forces(driver, forces, vocabulary))
    candidates = index.chain_candidates(signals=signals, theme=theme, keyword=keyword,
                                        limit=None if driver else limit)
    # every attribute: a chain over concepts is told in one scan, so the scans naming each node are needed
    graph = index.subgraph(index.chain_surroundings(candidates), full=True)
    return graph, change_pathways(graph, driver=driver, theme=theme, keyword=keyword, limit=limit)


def best_paths(index: GraphIndex, starts: list[str], ends: list[str], *, k: int = 5, max_hops: int = 5,
               via: list[str] | None = None) -> tuple[nx.DiGraph[str], list[Pathway]]:
    """The pathways :func:`foresight.analysis.paths.k_best_paths` finds between two sets of nodes, read from an
    index: only the nodes that can lie on a pathway are loaded, one more hop at a time.

    Every hop costs at least 1, so once ``k`` pathways of at most ``h`` hops are found and the dearest costs no
    more than ``h + 1``, no longer pathway can rank among them: the search stops there, and a graph where topics
    put most nodes within five hops of each other is not loaded whole.

    Returns:
        The graph the pathways were found on (for their labels and scans) and the pathways.
    """
    from foresight.analysis.paths import k_best_paths

    if k < 1 or max_hops < 1:
        raise ForesightError("paths: -k and --max-hops must be at least 1")
    source_ids, target_ids = index.ids(starts), index.ids(ends)
    graph = None
    found: list[Pathway] = []
    for hops in range(1, max_hops + 1):
        graph = index.subgraph(index.between(source_ids, target_ids, hops), full=False)
        found = k_best_paths(graph, starts, ends, k=k, max_hops=hops, via=via)
        if len(found) >= k and max(pathway.cost for pathway in found) <= hops + 1:
            break
    assert graph is not None
    return graph, found
