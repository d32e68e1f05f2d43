"""Find nodes by their names and descriptions."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Literal

from foresight.analysis.projection import ITEM_TYPES
from foresight.errors import ForesightError
from foresight.store.base import Store
from foresight.vocab import FS

#: What search looks in: every scan item, and scans by their title.
SEARCH_TYPES = (*ITEM_TYPES, "Scan")


@dataclass(frozen=True)
class Match:
    """A node whose label or description holds the searched text."""

    node: str
    type: str
    label: str
    score: float
    relevancy: int | None
    scan: str | None


def search(store: Store, text: str, types: list[str] | None = None, limit: int = 20) -> list[Match]:
    """Rank nodes whose label or description contains ``text`` (case-insensitive).

    A label equal to the text ranks first, then labels containing it, then
    descriptions containing it; ties go to the more relevant node, then by label.

    Args:
        store: the store.
        text: the words to look for; bound into the query, never pasted.
        types: fs: class names to keep (``Signal``, ``Issue``, …); all item types by default.
        limit: how many matches to return.

    Raises:
        ForesightError: an unknown type name, or empty text.
    """
    needle = " ".join(text.split()).lower()
    if not needle:
        raise ForesightError("search: give some text to look for")
    wanted = types or list(SEARCH_TYPES)
    unknown = [name for name in wanted if name not in SEARCH_TYPES]
    if unknown:
        raise ForesightError(f"search: unknown type {unknown[0]!r}; use one of {', '.join(SEARCH_TYPES)}")
    values = " ".join(f"fs:{name}" for name in wanted)
    rows = store.select(f"""
        SELECT ?node ?type ?label ?description ?relevancy ?scan WHERE {{
          VALUES ?type {{ {values} }}
          ?node a ?type .
          {{ ?node rdfs:label ?label }} UNION {{ ?node dcterms:title ?label }}
          OPTIONAL {{ ?node dcterms:description ?description }}
          OPTIONAL {{ ?node fs:relevancy ?relevancy }}
          OPTIONAL {{ ?node fs:fromScan ?scan }}
          FILTER(CONTAINS(LCASE(STR(?label)), ?needle) || CONTAINS(LCASE(STR(COALESCE(?description, ""))), ?needle))
        }}""", {"needle": Literal(needle)}).values()
    best: dict[str, Match] = {}
    for node, kind, label, description, relevancy, scan in rows:
        lowered = str(label).lower()
        score = 3.0 if lowered == needle else 2.0 if needle in lowered else 1.0
        if description and needle in str(description).lower() and score < 2.0:
            score = 1.0
        match = Match(node, kind.removeprefix(FS), str(label), score,
                      int(relevancy) if relevancy is not None else None, scan)
        if node not in best or match.score > best[node].score:
            best[node] = match
    ranked = sorted(best.values(), key=lambda m: (-m.score, -(m.relevancy or 0), m.label, m.node))
    return ranked[:limit]
