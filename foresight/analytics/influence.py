"""Influence between groups of concepts, from the evidence-backed relations of the concept graph.

The variables of a structural analysis are groups of concepts: a topic (every concept under it, its narrower
topics' too), or a single concept. One group influences another through the links that run from a concept of
the first to a concept of the second, in the relations that say one thing acts on another
(:data:`INFLUENCE`). A link counts by its support (the scans whose rows give it). Mitigation counts as
influence too, by its size; its sign is kept apart (:attr:`InfluenceMatrix.mitigating`), so a cross-impact
matrix can say "restrains" where the evidence does.

Co-mentions (``coOccursWith``, ``relatedTo``) are not influence and never count.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

    from foresight.derived.topics import Topic

#: the relations that say one concept acts on another (``mitigates`` with a negative sign)
INFLUENCE = ("drives", "enables", "raises", "leadsTo", "mitigates")
NEGATIVE = frozenset({"mitigates"})
#: evidence scans kept for each cell
EVIDENCE = 5


@dataclass
class InfluenceMatrix:
    """Influence between variables: ``weights[i, j]`` is the support of the links from variable ``i`` to
    ``j`` (mitigation included), ``mitigating[i, j]`` the part of it that mitigates."""

    names: list[str]
    iris: list[str]
    weights: np.ndarray
    mitigating: np.ndarray
    #: (i, j) -> the relations counted and a few scans of their evidence
    evidence: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)

    @property
    def signed(self) -> np.ndarray:
        """Support that drives, enables, raises or leads to, minus support that mitigates."""
        found: np.ndarray = self.weights - 2 * self.mitigating
        return found


def topic_members(topics: Mapping[str, Topic]) -> dict[str, set[str]]:
    """Every concept under each topic: its own members and those of the topics narrower than it, at any depth."""
    narrower: dict[str, set[str]] = {}
    for topic in topics.values():
        for broader in topic.broader:
            narrower.setdefault(broader, set()).add(topic.iri)
    found: dict[str, set[str]] = {}

    def under(iri: str, seen: set[str]) -> set[str]:
        if iri in found:
            return found[iri]
        members = set(topics[iri].members) if iri in topics else set()
        for child in sorted(narrower.get(iri, ())):
            if child not in seen:
                members |= under(child, seen | {child})
        found[iri] = members
        return members

    for iri in topics:
        under(iri, {iri})
    return found


def influence_matrix(edges: Iterable[tuple[str, str, str, int, Sequence[str]]], groups: Sequence[tuple[str, str]],
                     members: Mapping[str, set[str]]) -> InfluenceMatrix:
    """The influence matrix of ``groups`` ((IRI, name) each; ``members[iri]`` its concepts) from ``edges``
    ((source, target, relation, support, evidence scans) of concepts).

    A link counts for the pair (i, j) when its source is in group i and not in j, and its target in j and not in
    i: a link inside one group is no influence of the group on itself, and topics nest ("AI" holds "generative
    AI"), so a link from a concept of both to one of "AI" alone is influence within "AI", not of "generative AI"
    on "AI". A link whose ends lie in several groups counts for each pair that passes.

    Example:
        >>> edges = [("f1", "s1", "drives", 3, ["scan-a"]), ("t1", "c1", "mitigates", 2, ["scan-b"])]
        >>> groups = [("A", "force topic"), ("B", "signal topic")]
        >>> found = influence_matrix(edges, groups, {"A": {"f1", "t1"}, "B": {"s1", "c1"}})
        >>> found.weights.tolist(), found.mitigating.tolist(), found.signed.tolist()
        ([[0.0, 5.0], [0.0, 0.0]], [[0.0, 2.0], [0.0, 0.0]], [[0.0, 1.0], [0.0, 0.0]])
    """
    import numpy as np

    size = len(groups)
    of_concept: dict[str, list[int]] = {}
    for number, (iri, _) in enumerate(groups):
        for concept in members.get(iri, ()):
            of_concept.setdefault(concept, []).append(number)
    weights = np.zeros((size, size))
    mitigating = np.zeros((size, size))
    evidence: dict[tuple[int, int], dict[str, Any]] = {}
    for source, target, relation, support, scans in edges:
        sources, targets = of_concept.get(source, []), of_concept.get(target, [])
        for i in sources:
            for j in targets:
                if i == j or j in sources or i in targets:  # inside one group, or two that share the concept
                    continue
                weights[i, j] += support
                if relation in NEGATIVE:
                    mitigating[i, j] += support
                cell = evidence.setdefault((i, j), {"relations": {}, "scans": []})
                cell["relations"][relation] = cell["relations"].get(relation, 0) + support
                for scan in scans:
                    if len(cell["scans"]) < EVIDENCE and scan not in cell["scans"]:
                        cell["scans"].append(scan)
    return InfluenceMatrix([name for _, name in groups], [iri for iri, _ in groups], weights, mitigating, evidence)


#: the strongest judgement of a cross-impact balance matrix (CIB cells run from -3 to +3)
CIB_SCALE = 3


def cib_scores(signed: np.ndarray, scale: int = CIB_SCALE) -> np.ndarray:
    """Net supports on the integer scale of cross-impact balances: each cell's sign times its size in
    ``scale`` steps of the largest absolute cell, rounded up (any evidence is at least 1); 0 stays 0.

    >>> import numpy as np
    >>> cib_scores(np.array([[0.0, 6.0], [-1.0, 2.0]])).tolist()
    [[0, 3], [-1, 1]]
    """
    import numpy as np

    top = float(np.abs(signed).max()) if signed.size else 0.0
    if top == 0.0:
        return np.zeros(signed.shape, dtype=int)
    found: np.ndarray = (np.sign(signed) * np.ceil(np.abs(signed) * scale / top)).astype(int)
    return found


def cross_impact_rows(matrix: InfluenceMatrix, *, scaled: bool = False) -> list[list[str]]:
    """The cross-impact matrix as CSV rows: a header of the variables, then one row per variable (what it acts
    on along the row), each cell the net support (drives, enables, raises, leads to, minus mitigates) or, with
    ``scaled``, its :func:`cib_scores`; the diagonal left empty."""
    values = cib_scores(matrix.signed) if scaled else matrix.signed
    rows = [["impact of \\ on", *matrix.names]]
    for i, name in enumerate(matrix.names):
        rows.append([name, *("" if i == j else f"{values[i, j]:g}" for j in range(len(matrix.names)))])
    return rows


def cross_impact_cells(matrix: InfluenceMatrix) -> list[dict[str, Any]]:
    """Every non-empty cell of the cross-impact matrix with its evidence: from, to, support, the part that
    mitigates, the net support, its CIB score, the relations counted and a few scans."""
    scores = cib_scores(matrix.signed)
    cells = []
    for (i, j), found in sorted(matrix.evidence.items()):
        cells.append({"from": matrix.names[i], "to": matrix.names[j], "from_iri": matrix.iris[i],
                      "to_iri": matrix.iris[j], "support": float(matrix.weights[i, j]),
                      "mitigating": float(matrix.mitigating[i, j]), "net": float(matrix.signed[i, j]),
                      "cib": int(scores[i, j]), "relations": dict(sorted(found["relations"].items())),
                      "scans": list(found["scans"])})
    return cells
