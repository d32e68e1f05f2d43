"""Change pathways: driving force -> signal -> shift -> outlook, ranked.

Every signal row of a scan is one chain: the force that drives the signal, the
shift it shows (from one state to another) and the outlook it leads to, plus the
issues and concerns the signal is linked to. :func:`change_pathways` lists those
chains, filtered by the driving force's words, or by a theme or keyword of the
scan, and ranks them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from foresight.text import content_terms, tokens

if TYPE_CHECKING:
    import networkx as nx

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


def _first(graph: nx.DiGraph, node: str, relation: str) -> str | None:
    for _, target, kind in graph.out_edges(node, data="relation"):
        if kind == relation:
            return str(target)
    return None


def _matches(text: str, values: list[str]) -> bool:
    wanted = " ".join(text.casefold().split())
    return any(wanted == value.casefold() or wanted in value.casefold() for value in values)


def change_pathways(graph: nx.DiGraph, *, driver: str | None = None, theme: str | None = None,
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
    scans = graph.graph.get("scans", {})
    wanted = content_terms(tokens(driver)) or set(tokens(driver)) if driver else None
    chains = []
    for signal, data in graph.nodes(data=True):
        if data.get("type") != "Signal":
            continue
        scan = data.get("scan")
        meta = scans.get(scan, {})
        if theme and not _matches(theme, meta.get("themes", [])):
            continue
        if keyword and not _matches(keyword, meta.get("keywords", [])):
            continue
        force = next((s for s, _, kind in graph.in_edges(signal, data="relation")
                      if kind == "drives" and graph.nodes[s].get("type") == "DrivingForce"), None)
        match = 100.0
        if wanted is not None:
            if force is None:
                continue
            match = word_match(wanted, str(graph.nodes[force]["label"]))
            if match < DRIVER_CUTOFF:
                continue
        shift = _first(graph, signal, "hasShift")
        outlook = (_first(graph, shift, "leadsTo") if shift else None) or _first(graph, signal, "hasOutlook")
        raises = tuple(sorted(
            other for other in set(graph.successors(signal)) | set(graph.predecessors(signal))
            if graph.nodes[other].get("type") in ("Issue", "Concern")))
        chains.append(Chain(signal, force, shift, outlook, raises, data.get("relevancy"), scan, round(match, 1)))
    chains.sort(key=lambda c: (-c.match, -(c.relevancy or 0), -len(c.raises),
                               _negated(scans.get(c.scan, {}).get("date")), c.signal))
    return chains[:limit]


def word_match(words: set[str], text: str) -> float:
    """How well a text holds every one of ``words`` (stemmed): 100 when all are there, less for near spellings.

    >>> word_match({"protest"}, "Police interest in identifying agitators at protests.")
    100.0
    >>> word_match({"protest"}, "Data protection case law.") < DRIVER_CUTOFF
    True
    """
    from rapidfuzz import fuzz

    present = set(tokens(text))
    if not words:
        return 0.0
    scores = [100.0 if word in present else max((fuzz.ratio(word, other) for other in present), default=0.0)
              for word in words]
    return sum(scores) / len(scores)


def _negated(day: str | None) -> str:
    """A sort key that puts later ISO dates first and undated last."""
    if not day:
        return "~"
    return "".join(chr(ord("9") - ord(c) + ord("0")) if c.isdigit() else c for c in day)
