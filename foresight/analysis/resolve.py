"""Find the nodes a user means by a name, an IRI, or a near miss of a name."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from foresight.analysis.projection import paused_gc
from foresight.errors import ForesightError, UnknownNodeError

if TYPE_CHECKING:
    import networkx as nx

#: A fuzzy match at least this good (0-100, rapidfuzz WRatio) is taken without asking.
ACCEPT_SCORE = 92.0


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def label_index(graph: nx.DiGraph) -> dict[str, list[str]]:
    """Nodes by their casefolded, whitespace-normalised label (built once per graph)."""
    index: dict[str, list[str]] | None = graph.graph.get("_label_index")
    if index is None:
        # group by the label as written first: names recur across scans, so fewer labels to normalise
        by_label: dict[str, list[str]] = {}
        index = {}
        with paused_gc():
            for node, data in graph.nodes(data=True):
                by_label.setdefault(data.get("label", node), []).append(node)
                for other in data.get("alt_labels") or ():  # concepts answer to every wording
                    by_label.setdefault(other, []).append(node)
            for label, nodes in by_label.items():
                known = index.setdefault(_key(str(label)), [])
                known.extend(n for n in nodes if n not in known)
        graph.graph["_label_index"] = index
    return index


def check_types(types: Iterable[str] | None, known: Iterable[str]) -> list[str] | None:
    """The type names given, checked against the known ones (case-insensitive).

    Raises:
        ForesightError: a name that is no type.
    """
    if not types:
        return None
    by_key = {name.casefold(): name for name in known}
    result = []
    for name in types:
        found = by_key.get(name.strip().casefold())
        if found is None:
            raise ForesightError(f"unknown type {name.strip()!r}; use one of {', '.join(sorted(by_key.values()))}")
        result.append(found)
    return result


def resolve(graph: nx.DiGraph, text: str, types: Iterable[str] | None = None) -> list[str]:
    """The nodes ``text`` names: an IRI, every node with that label, or the closest label.

    Tried in order: a node IRI; labels equal to the text (case and spacing ignored);
    if exactly one label contains the text, that label; the best fuzzy match when
    it is close enough (:data:`ACCEPT_SCORE`). Otherwise nothing is guessed.

    Args:
        graph: the projection.
        text: a name or IRI.
        types: keep only nodes of these types.

    Returns:
        The matching nodes (several when scans repeat a name), sorted.

    Raises:
        UnknownNodeError: nothing close enough; the message lists what the user may have meant.

    Example:
        >>> import networkx as nx
        >>> graph = nx.DiGraph()
        >>> graph.add_node("x:1", label="Live Facial Recognition", type="Technology")
        >>> resolve(graph, "live facial recognition")
        ['x:1']
    """
    wanted = set(types) if types else None

    def keep(nodes: Iterable[str]) -> list[str]:
        return sorted(n for n in nodes if wanted is None or graph.nodes[n].get("type") in wanted)

    text = text.strip()
    if not text:
        raise UnknownNodeError("give a node name or IRI")
    if text in graph:
        return keep([text])
    index = label_index(graph)
    key = _key(text)
    exact = keep(index.get(key, []))
    if exact:
        return exact
    containing = [label for label in index if key in label and keep(index[label])]
    if len(containing) == 1:
        return keep(index[containing[0]])
    suggestions = _closest(graph, index, key, wanted)
    if suggestions and suggestions[0][1] >= ACCEPT_SCORE and (
            len(suggestions) == 1 or suggestions[1][1] < suggestions[0][1]):
        return keep(index[_key(suggestions[0][0])])
    kinds = f" of type {', '.join(sorted(wanted))}" if wanted else ""
    if containing:
        names = sorted(containing, key=len)[:5]
        shown = "; ".join(repr(_display(graph, index, n)) for n in names)
        raise UnknownNodeError(f"{text!r} is part of {len(containing)} names{kinds}; say which: {shown}")
    if suggestions:
        shown = "; ".join(repr(label) for label, _ in suggestions[:5])
        raise UnknownNodeError(f"no node named {text!r}{kinds}; did you mean: {shown}?")
    raise UnknownNodeError(f"no node named {text!r}{kinds}")


def _display(graph: nx.DiGraph, index: dict[str, list[str]], key: str) -> str:
    return str(graph.nodes[index[key][0]]["label"])


def _closest(graph: nx.DiGraph, index: dict[str, list[str]], key: str,
             wanted: set[str] | None) -> list[tuple[str, float]]:
    from rapidfuzz import fuzz, process

    choices: dict[str, Any] = {
        label: label for label, nodes in index.items()
        if wanted is None or any(graph.nodes[n].get("type") in wanted for n in nodes)
    }
    found = process.extract(key, choices, scorer=fuzz.WRatio, limit=5, score_cutoff=60)
    return [(_display(graph, index, label), float(score)) for _, score, label in found]
