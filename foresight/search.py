"""Answers looked up in the store's index: rows and scans by their words, change pathways by their force."""

from __future__ import annotations

from typing import TYPE_CHECKING

from foresight.errors import ForesightError
from foresight.vocab import ITEM_TYPES

if TYPE_CHECKING:
    import networkx as nx

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
