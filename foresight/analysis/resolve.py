"""Find the nodes a user means by a name, an IRI, a topic phrase, or a near miss of a name.

One resolver serves every command: :func:`resolve_names` decides, over any
:class:`Names` (an index beside the store, or :class:`GraphNames` over a graph in
memory), and says when it took something other than what was typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from foresight.errors import ForesightError, UnknownNodeError
from foresight.text import name_key, stem_key

if TYPE_CHECKING:
    import networkx as nx

#: A fuzzy match at least this good (0-100, rapidfuzz WRatio) is taken without asking.
ACCEPT_SCORE = 92.0
#: How many names a topic phrase may stand for before the user is asked to narrow it.
MAX_TOPIC_NAMES = 1000


class Names(Protocol):
    """What the resolver asks of a set of named nodes."""

    def has_node(self, iri: str) -> bool: ...
    def node_type(self, iri: str) -> str | None: ...
    def named(self, key: str, column: str = "key") -> list[tuple[str, str]]: ...
    def names_holding(self, key: str) -> list[str]: ...
    def name_keys(self) -> list[str]: ...
    def display(self, key: str) -> str: ...


class GraphNames:
    """:class:`Names` over a graph in memory (built on each call; nothing is kept in the graph)."""

    def __init__(self, graph: nx.DiGraph[str]) -> None:
        self.graph = graph
        self.by_key: dict[str, list[tuple[str, str]]] = {}
        self.by_stem: dict[str, list[tuple[str, str]]] = {}
        self.labels: dict[str, str] = {}
        for node, data in graph.nodes(data=True):
            kind = str(data.get("type"))
            for label in {str(data.get("label", node)), *(data.get("alt_labels") or ())}:
                key = name_key(label)
                self.labels.setdefault(key, label)
                self.by_key.setdefault(key, []).append((node, kind))
                self.by_stem.setdefault(stem_key(label), []).append((node, kind))

    def has_node(self, iri: str) -> bool:
        return iri in self.graph

    def node_type(self, iri: str) -> str | None:
        kind = self.graph.nodes[iri].get("type") if iri in self.graph else None
        return str(kind) if kind is not None else None

    def named(self, key: str, column: str = "key") -> list[tuple[str, str]]:
        return sorted(set((self.by_key if column == "key" else self.by_stem).get(key, [])))

    def names_holding(self, key: str) -> list[str]:
        return [label for label in self.by_key if key in label]

    def name_keys(self) -> list[str]:
        return list(self.by_key)

    def display(self, key: str) -> str:
        return self.labels.get(key, key)


def _phrase(key: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(key) + r"(?!\w)")


@dataclass(frozen=True)
class Resolved:
    """The nodes a text stands for, and what the user should be told when they are not exactly what was typed."""

    nodes: list[str]
    note: str | None = None


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


def resolve_names(names: Names, text: str, types: Iterable[str] | None = None) -> Resolved:
    """The nodes ``text`` stands for.

    Tried in order: a node IRI; names equal to the text (case and spacing ignored);
    names equal to it word for word once stemmed (``protest`` finds ``Protests``); the
    one name holding the text; a topic phrase, standing for every name that holds it
    as whole words; the best fuzzy match when it is close enough
    (:data:`ACCEPT_SCORE`). Otherwise nothing is guessed.

    Raises:
        UnknownNodeError: nothing close enough; the message lists what the user may have meant.
    """
    wanted = set(types) if types else None

    def keep(found: Iterable[tuple[str, str]]) -> list[str]:
        return sorted({node for node, kind in found if wanted is None or kind in wanted})

    def keys_of(keys: Iterable[str]) -> list[str]:
        return sorted(key for key in keys if keep(names.named(key)))

    text = text.strip()
    if not text:
        raise UnknownNodeError("give a node name or IRI")
    if names.has_node(text):
        kind = names.node_type(text)
        return Resolved(keep([(text, kind or "")]))
    key = name_key(text)
    exact = keep(names.named(key))
    if exact:
        # the topic of that wording too, however it is hyphenated or pluralised ("AI-Generated Images")
        topics = keep((node, kind) for node, kind in names.named(stem_key(text), "stem") if kind == "Topic")
        return Resolved(sorted(set(exact) | set(topics)))
    stemmed = keep(names.named(stem_key(text), "stem"))
    if stemmed:
        return Resolved(stemmed)
    holding = keys_of(names.names_holding(key))
    if len(holding) == 1:
        return Resolved(keep(names.named(holding[0])), f"using {names.display(holding[0])!r} for {text!r}")
    kinds = f" of type {', '.join(sorted(wanted))}" if wanted else ""
    phrase = _phrase(key)  # a topic: the names that hold the text as whole words
    topic = [name for name in holding if phrase.search(name)]
    if len(topic) > 1:
        if len(topic) > MAX_TOPIC_NAMES:
            shown = "; ".join(repr(names.display(n)) for n in sorted(topic, key=len)[:5])
            raise UnknownNodeError(f"{text!r} is part of {len(topic)} names{kinds}; say which, or add words: {shown}")
        found = sorted({node for name in topic for node in keep(names.named(name))})
        shown = "; ".join(repr(names.display(n)) for n in sorted(topic, key=len)[:3])
        more = f" and {len(topic) - 3} more" if len(topic) > 3 else ""
        return Resolved(found, f"{text!r} stands for the {len(topic)} names holding it: {shown}{more}")
    suggestions = _closest(names, key, wanted)
    if suggestions and suggestions[0][1] >= ACCEPT_SCORE and (
            len(suggestions) == 1 or suggestions[1][1] < suggestions[0][1]):
        chosen = suggestions[0][0]
        return Resolved(keep(names.named(chosen)), f"using {names.display(chosen)!r} for {text!r}")
    if holding:
        shown = "; ".join(repr(names.display(n)) for n in sorted(holding, key=len)[:5])
        raise UnknownNodeError(f"{text!r} is part of {len(holding)} names{kinds}; say which: {shown}")
    if suggestions:
        shown = "; ".join(repr(names.display(label)) for label, _ in suggestions[:5])
        raise UnknownNodeError(f"no node named {text!r}{kinds}; did you mean: {shown}?")
    raise UnknownNodeError(f"no node named {text!r}{kinds}")


def resolve(graph: nx.DiGraph[str], text: str, types: Iterable[str] | None = None) -> list[str]:
    """The nodes of ``graph`` that ``text`` names (see :func:`resolve_names`).

    Example:
        >>> import networkx as nx
        >>> graph = nx.DiGraph()
        >>> graph.add_node("x:1", label="Live Facial Recognition", type="Technology")
        >>> resolve(graph, "live facial recognition")
        ['x:1']
    """
    return resolve_names(GraphNames(graph), text, types).nodes


def suggest(names: Names, text: str, limit: int = 5) -> list[str]:
    """Names close to ``text``, best first (for a search that found nothing)."""
    return [label for label, _ in _closest(names, name_key(text), None)[:limit]]


def _closest(names: Names, key: str, wanted: set[str] | None) -> list[tuple[str, float]]:
    from rapidfuzz import fuzz, process

    choices: dict[str, Any] = {label: label for label in names.name_keys()}
    found = process.extract(key, choices, scorer=fuzz.WRatio, limit=20, score_cutoff=60)
    result = []
    for _, score, label in found:
        if wanted is None or any(kind in wanted for _, kind in names.named(label)):
            result.append((label, float(score)))
    return result[:5]
