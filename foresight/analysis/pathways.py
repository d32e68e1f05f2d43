"""Change pathways: driving force -> signal -> shift -> outlook, ranked.

Every signal row of a scan is one chain: the force that drives the signal, the
shift it shows (from one state to another) and the outlook it leads to, plus the
issues and concerns the signal is linked to. Over concepts, a chain is still told
in one scan (the newest naming the signal, or, with a driver, naming both it and the
force): its force, shift, outlook and issues are those of that scan, never
another's. :func:`change_pathways` lists those chains, filtered by the driving
force's words, or by a theme or keyword of the scan, and ranks them.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from foresight.text import content_terms, newest_stamp, tokens

if TYPE_CHECKING:
    from collections.abc import Mapping

    import networkx as nx

T = TypeVar("T")

#: How close (0-100) a driving force must be to the --driver text: every word of the text must be in the
#: force's wording, or a near spelling of one (rapidfuzz ratio), on average at least this close.
DRIVER_CUTOFF = 85.0


@dataclass(frozen=True)
class Chain:
    """One change pathway: driving force -> signal -> shift -> outlook, with the issues the signal raises."""

    signal: str
    driving_force: str | None
    shift: str | None
    outlook: str | None
    raises: tuple[str, ...]
    relevancy: int | None
    scan: str | None
    match: float


def _matches(text: str, values: list[str]) -> bool:
    wanted = " ".join(text.casefold().split())
    return any(wanted == value.casefold() or wanted in value.casefold() for value in values)


def change_pathways(graph: nx.DiGraph[str], *, driver: str | None = None, theme: str | None = None,
                    keyword: str | None = None, limit: int = 20) -> list[Chain]:
    """The driving force -> signal -> shift -> outlook chains, best first.

    Args:
        graph: the projection.
        driver: keep chains whose driving force matches these words (fuzzy, see :data:`DRIVER_CUTOFF`).
        theme: keep chains from scans with a theme containing this text.
        keyword: keep chains from scans with a keyword containing this text.
        limit: how many chains.

    Returns:
        Chains ranked by how well the driving force matches (with ``driver``), then by
        the signal's relevancy, then by how many issues the signal raises, newest scan first.

    Example:
        >>> import networkx as nx
        >>> g = nx.DiGraph(scans={})
        >>> g.add_node("f", type="DrivingForce", label="Cheap drones")
        >>> g.add_node("s", type="Signal", label="Aerial watch", relevancy=4, scan=None)
        >>> g.add_edge("f", "s", relation="drives")
        >>> [c.signal for c in change_pathways(g, driver="drones")]
        ['s']
    """
    import heapq

    scans = graph.graph.get("scans", {})
    types = {node: str(kind) for node, kind in graph.nodes(data="type")}
    matcher = _DriverMatcher(graph, driver, types) if driver else None
    candidates = []
    nodes = graph.nodes
    succ, pred = graph.succ, graph.pred

    def newest(pool: set[str]) -> str | None:
        return max(pool, key=lambda scan: (str(scans.get(scan, {}).get("date") or ""), scan), default=None)

    for signal in [node for node, kind in types.items() if kind == "Signal"]:
        data = nodes[signal]
        # a row has one scan; a concept (see conceptgraph) many
        own = _scans_of(graph, signal)
        metas = [scans.get(scan, {}) for scan in own]
        if theme and not any(_matches(theme, meta.get("themes", [])) for meta in metas):
            continue
        if keyword and not any(_matches(keyword, meta.get("keywords", [])) for meta in metas):
            continue
        forces = [s for s in pred[signal] if types[s] == "DrivingForce"]
        match = 100.0
        if matcher is not None:
            scored = sorted(((matcher.score(f), f) for f in forces), key=lambda pair: (-pair[0], pair[1]))
            match, force = scored[0] if scored else (0.0, None)
            if match < DRIVER_CUTOFF:
                continue
            told = newest(own & _scans_of(graph, force)) if force else newest(own)
        else:
            # the chain is told in one scan, the newest naming the signal: its force, shift and outlook
            told = newest(own)
            forces = [f for f in forces if told in _scans_of(graph, f)] or ([] if told else forces)
            force = min(forces, key=lambda f: (-(nodes[f].get("scans") or 1), f)) if forces else None
        raised = sum(1 for other in itertools.chain(succ[signal], pred[signal]) if types[other] in _RAISED)
        stamp = newest_stamp(meta.get("date") for meta in metas)
        candidates.append(((-round(match, 1), -(data.get("relevancy") or 0), -raised, -stamp, signal), force, told))
    chains = []
    for (key, force, told) in heapq.nsmallest(limit, candidates):
        signal = key[-1]

        shift = next((n for n in _all(graph, signal, "hasShift") if _in_scan(graph, n, told)), None)
        outlook = next((n for n in _all(graph, shift, "leadsTo") if _in_scan(graph, n, told)), None) if shift \
            else None
        outlook = outlook or next((n for n in _all(graph, signal, "hasOutlook") if _in_scan(graph, n, told)), None)
        raises = tuple(sorted({other for other in itertools.chain(graph.successors(signal),
                                                                  graph.predecessors(signal))
                               if nodes[other].get("type") in _RAISED and _in_scan(graph, other, told)}))
        chains.append(Chain(signal, force, shift, outlook, raises, nodes[signal].get("relevancy"), told, -key[0]))
    return chains


def _scans_of(graph: nx.DiGraph[str], node: str) -> set[str]:
    """The scans naming a node: a row's own, a concept's every one."""
    data = graph.nodes[node]
    return set(data.get("scan_list") or ([data["scan"]] if data.get("scan") else []))


def _in_scan(graph: nx.DiGraph[str], node: str, scan: str | None) -> bool:
    return scan is None or scan in _scans_of(graph, node)


def _all(graph: nx.DiGraph[str], node: str, relation: str) -> list[str]:
    return sorted(str(target) for _, target, data in graph.out_edges(node, data=True)
                  if data.get("relation") == relation)


_RAISED = ("Issue", "Concern")


class _DriverMatcher:
    """Scores driving forces against a user's words, with near spellings found once per query.

    Each query looks its words up in the vocabulary of the driving forces' names
    (rapidfuzz, in C) instead of comparing every name.
    """

    def __init__(self, graph: nx.DiGraph[str], driver: str, types: dict[str, str]) -> None:
        self.words = {node: frozenset(tokens(str(graph.nodes[node].get("label", ""))))
                      for node, kind in types.items() if kind == "DrivingForce"}
        vocabulary: set[str] = set().union(*self.words.values()) if self.words else set()
        self.variants = _variants(content_terms(tokens(driver)) or set(tokens(driver)), vocabulary)

    def score(self, force: str) -> float:
        return _score(self.variants, self.words.get(force, frozenset()))


def driver_variants(driver: str, vocabulary: set[str]) -> set[str]:
    """The words of ``vocabulary`` that spell a word of ``driver``, or nearly (what a driving force must hold)."""
    return {word for near in _variants(content_terms(tokens(driver)) or set(tokens(driver)), vocabulary)
            for word in near}


def matching_forces(driver: str, force_words: Mapping[T, frozenset[str]], vocabulary: set[str]) -> set[T]:
    """The driving forces (given by the words of their names) that ``--driver`` keeps: the same test as
    :func:`change_pathways` makes, so a caller can pick the forces before loading any graph.

    >>> sorted(matching_forces("court rulings", {1: frozenset({"court", "ruling"}), 2: frozenset({"court"})},
    ...                        {"court", "ruling"}))
    [1]
    """
    variants = _variants(content_terms(tokens(driver)) or set(tokens(driver)), vocabulary)
    return {force for force, words in force_words.items() if _score(variants, words) >= DRIVER_CUTOFF}


def _variants(words: set[str], vocabulary: set[str]) -> list[dict[str, float]]:
    """For each word: the words of the vocabulary that spell it, or nearly, with how nearly (0-100)."""
    from rapidfuzz import fuzz, process

    return [{word: 100.0} | {other: float(score) for other, score, _ in process.extract(
                word, vocabulary, scorer=fuzz.ratio, score_cutoff=DRIVER_CUTOFF * 0.8, limit=None)
             if other != word}
            for word in sorted(words)]


def _score(variants: list[dict[str, float]], present: frozenset[str] | set[str]) -> float:
    if not variants:
        return 0.0
    return sum(max((near[word] for word in present if word in near), default=0.0)
               for near in variants) / len(variants)


def word_match(words: set[str], text: str) -> float:
    """How well a text holds every one of ``words`` (stemmed): 100 when all are there, less for near spellings.

    >>> word_match({"protest"}, "Police interest in identifying agitators at protests.")
    100.0
    >>> word_match({"protest"}, "Data protection case law.") < DRIVER_CUTOFF
    True
    """
    present = set(tokens(text))
    return _score(_variants(words, present), present)
