"""Scenario axes: the forces that matter most and whose futures are least settled, and the pairs of them that
can span a 2×2 scenario matrix.

The classic way to build scenario axes is to rank the driving forces by *impact* and by *uncertainty* and to
take two forces high on both and independent of each other. Here both come from the evidence:

* **impact** is a force's indirect influence in the MICMAC of the forces considered (:mod:`.micmac`): how much
  of the system's influence, direct and passed on, starts from it;
* **uncertainty** is how much the 10-year outlooks of its scans disagree: the outlooks of the signals its
  driving-force rows drive (same scan). Two outlooks are *comparable* when they speak of the same thing (sentence
  vectors at cosine :data:`SAME_SUBJECT` or more) and both say which way it goes (more or less, rise or decline:
  :data:`UP`, :data:`DOWN`); they *contradict* when they go opposite ways ("public trust in AI governance could
  significantly increase" against "public trust in AI may decline"). Uncertainty is the share of comparable
  pairs that contradict, shrunk towards the share over all candidates by :data:`PRIOR_PAIRS` pairs, so a force
  with two comparable pairs does not top the list by chance. The most alike pair that contradicts is the axis'
  two *poles*: what the axis would run between. How widely the outlooks spread (their dispersion around their
  mean direction) is given beside it; it grows with the breadth of a force more than with its uncertainty, so it
  is not scored.

Each is scaled by the largest among the candidates, and a candidate's score is their product. A *pair* of axes
scores the product of its two scores times how little the two share: one minus the Jaccard overlap of their
articles, because two axes that always come together do not span four scenarios. Nested topics ("AI" and
"generative AI") never pair.

Without the semantic extra, the outlooks are compared as bags of stemmed words (TF-IDF), which says less.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from foresight.text import stem, tokens

if TYPE_CHECKING:
    import numpy as np

    from foresight.derived.index import GraphIndex

Vectors = Callable[[list[str]], "np.ndarray"]

#: the fewest outlooks a force needs for its dispersion to be measured
MIN_OUTLOOKS = 5
#: outlooks compared pairwise, at most
COMPARED = 400
#: two outlooks speak of the same thing from this cosine on (sentence vectors; word vectors use the second)
SAME_SUBJECT = (0.6, 0.2)
#: the pairs listed that one axis may be part of
PAIRS_PER_AXIS = 2
#: comparable pairs the shrinkage towards the overall share of contradictions counts as
PRIOR_PAIRS = 10


def _stems(words: str) -> frozenset[str]:
    return frozenset(stem(word) for word in words.split())


#: word stems that say a thing grows, spreads or strengthens ...
UP = _stems("increase increased increasing increasingly rise rising grow growing growth more expand expanded "
            "expansion boost surge widespread mainstream adopt adoption improve improved enhance enhanced higher "
            "greater accelerate dominate thrive flourish strengthen gain")
#: ... and those that say it shrinks, weakens or is held back
DOWN = _stems("decline declining decrease decreased fall less fewer reduce reduced reducing shrink drop lower erode "
              "erosion loss lose diminish diminished obsolete struggle ban banned restrict restricted limit limited "
              "resist resistance backlash weaken fade abandon")


@dataclass
class Axis:
    """One candidate axis: a recurring force, how much it drives the system and how open its outlooks are."""

    iri: str
    name: str
    articles: set[str]
    impact: float
    uncertainty: float | None
    outlooks: int
    score: float = 0.0
    #: comparable pairs of outlooks (same subject, both with a direction) and those that contradict
    comparable: int = 0
    contradicting: int = 0
    #: how widely the outlooks spread (:func:`dispersion`)
    spread: float | None = None
    #: the two most alike outlooks that contradict: (text, scan) each
    poles: list[tuple[str, str]] = field(default_factory=list)
    #: the impact and uncertainty scaled by the largest of the candidates
    impact_scaled: float = 0.0
    uncertainty_scaled: float = 0.0


@dataclass(frozen=True)
class AxisPair:
    """Two axes for a 2×2 scenario matrix."""

    first: Axis
    second: Axis
    overlap: float
    score: float


def dispersion(matrix: np.ndarray) -> float:
    """One minus the mean cosine of the rows of ``matrix`` to their mean direction: 0 when they all point one
    way, towards 1 as they spread.

    >>> import numpy as np
    >>> round(dispersion(np.array([[1.0, 0.0], [2.0, 0.0]])), 3), round(dispersion(np.eye(2)), 3)
    (0.0, 0.293)
    """
    import numpy as np

    rows = matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
    centre = rows.sum(axis=0)
    size = float(np.linalg.norm(centre))
    if size == 0.0:
        return 1.0
    return float(1.0 - (rows @ (centre / size)).mean())


_LEAD = re.compile(r"^\s*(?:(?:in|within|over|by)\s+(?:the\s+next\s+|a\s+|the\s+)?(?:\d+|ten|a)?\s*"
                   r"(?:years?|decades?|\d{4})|in\s+the\s+(?:future|long\s+term))\s*,?\s*", re.IGNORECASE)


def main_clause(text: str) -> str:
    """An outlook's main clause: up to its first comma, semicolon or dash, after a leading time phrase ("In 10
    years,"). What follows ("..., reducing duplication") is often a side effect, not the outlook's direction.

    >>> main_clause("In a decade, road construction may be automated, reducing labor needs")
    'road construction may be automated'
    """
    return re.split(r"[,;:]| - | -- ", _LEAD.sub("", text), maxsplit=1)[0].strip()


def direction(text: str) -> int:
    """Which way an outlook's main clause (:func:`main_clause`) says things go: 1 more, -1 less, 0 neither or
    both as much.

    >>> direction("Public trust in AI may decline"), direction("Adoption could increase"), direction("AI tools")
    (-1, 1, 0)
    """
    words = [stem(word) for word in tokens(main_clause(text))]
    up, down = sum(word in UP for word in words), sum(word in DOWN for word in words)
    return (up > down) - (down > up)


def contradictions(matrix: np.ndarray, directions: Sequence[int],
                   same: float) -> tuple[int, int, tuple[int, int] | None]:
    """Among the rows of ``matrix`` (outlook vectors, with their :func:`direction`), the comparable pairs (cosine
    from ``same`` on, both with a direction), those that go opposite ways, and the most alike of these."""
    import numpy as np

    if len(matrix) < 2:
        return 0, 0, None
    rows = matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
    cosines = rows @ rows.T
    signs = np.asarray(directions)
    first, second = np.triu_indices(len(rows), 1)
    alike = cosines[first, second]
    comparable = (alike >= same) & (signs[first] != 0) & (signs[second] != 0)
    opposite = comparable & (signs[first] != signs[second])
    if not opposite.any():
        return int(comparable.sum()), 0, None
    best = int(np.argmax(np.where(opposite, alike, -2.0)))
    return int(comparable.sum()), int(opposite.sum()), (int(first[best]), int(second[best]))


def word_vectors(texts: list[str]) -> np.ndarray:
    """TF-IDF vectors of stemmed content words, hashed into a fixed width: what outlooks are compared by
    without the semantic extra."""
    import zlib

    import numpy as np

    from foresight.text import content_terms

    width = 4096
    bags = [content_terms(tokens(text)) for text in texts]
    seen = Counter(term for bag in bags for term in bag)
    matrix = np.zeros((len(texts), width))
    for row, bag in enumerate(bags):
        for term in bag:
            matrix[row, zlib.crc32(term.encode()) % width] += math.log((1 + len(texts)) / (1 + seen[term])) + 1.0
    return matrix


Links = dict[str, list[tuple[str, frozenset[str]]]]


def outlook_links(edges: Iterable[tuple[str, str, str, int, Sequence[str]]]) -> tuple[Links, Links]:
    """The ``drives`` links by their source and the ``hasOutlook`` links by their signal, each target with the
    scans of its evidence (from :meth:`GraphIndex.relation_edges`)."""
    drives: Links = {}
    outlooks: Links = {}
    for source, target, relation, _, scans in edges:
        if relation == "drives":
            drives.setdefault(source, []).append((target, frozenset(scans)))
        elif relation == "hasOutlook":
            outlooks.setdefault(source, []).append((target, frozenset(scans)))
    return drives, outlooks


def force_outlooks(members: Iterable[str], links: tuple[Links, Links]) -> set[tuple[str, str]]:
    """The outlooks of the signals that these driving-force concepts drive in the same scan: (outlook concept,
    scan) each, from :func:`outlook_links`."""
    drives, outlooks = links
    driven: dict[str, set[str]] = {}  # signal -> scans in which a member drives it
    for member in members:
        for signal, scans in drives.get(member, ()):
            driven.setdefault(signal, set()).update(scans)
    found: set[tuple[str, str]] = set()
    for signal, driving in driven.items():
        for outlook, held in outlooks.get(signal, ()):
            found.update((outlook, scan) for scan in held & driving)
    return found


def rank_axes(candidates: Sequence[tuple[str, str, set[str], float]], outlooks: Mapping[str, Sequence[tuple[str, str]]],
              vectors: Vectors | None, *, min_outlooks: int = MIN_OUTLOOKS) -> list[Axis]:
    """Score each candidate ((IRI, name, articles, impact) each) by its impact and how much its outlooks
    (``outlooks[iri]``: (text, scan) each) contradict each other, the highest score first.

    A candidate with fewer than ``min_outlooks`` distinct outlooks has no uncertainty and a score of 0."""
    import numpy as np

    texts = sorted({text for found in outlooks.values() for text, _ in found})
    where = {text: number for number, text in enumerate(texts)}
    matrix = (vectors(texts) if vectors is not None else word_vectors(texts)) if texts else np.zeros((0, 1))
    same = SAME_SUBJECT[0] if vectors is not None else SAME_SUBJECT[1]
    axes = []
    for iri, name, articles, impact in candidates:
        unique = sorted({text: scan for text, scan in outlooks.get(iri, ())}.items())
        axis = Axis(iri, name, articles, impact, None, len(unique))
        if axis.outlooks >= min_outlooks:
            compared = unique[:COMPARED]
            rows = np.asarray(matrix[[where[text] for text, _ in compared]], dtype=float)
            axis.spread = dispersion(rows)
            axis.comparable, axis.contradicting, pole = contradictions(
                rows, [direction(text) for text, _ in compared], same)
            if pole is not None:
                axis.poles = [compared[pole[0]], compared[pole[1]]]
        axes.append(axis)
    measured = [a for a in axes if a.spread is not None]
    overall = sum(a.contradicting for a in measured) / max(1, sum(a.comparable for a in measured))
    for axis in measured:
        axis.uncertainty = (axis.contradicting + PRIOR_PAIRS * overall) / (axis.comparable + PRIOR_PAIRS)
    top_impact = max((a.impact for a in axes), default=0.0)
    top_uncertainty = max((a.uncertainty or 0.0 for a in axes), default=0.0)
    for axis in axes:
        axis.impact_scaled = axis.impact / top_impact if top_impact > 0 else 0.0
        axis.uncertainty_scaled = (axis.uncertainty or 0.0) / top_uncertainty if top_uncertainty > 0 else 0.0
        axis.score = axis.impact_scaled * axis.uncertainty_scaled
    axes.sort(key=lambda a: (-a.score, -len(a.articles), a.name))
    return axes


def axis_pairs(axes: Sequence[Axis], nested: Callable[[str, str], bool], limit: int = 5) -> list[AxisPair]:
    """The best pairs of axes for a 2×2: both scoring high and sharing few articles; nested topics never pair,
    and no axis is in more than :data:`PAIRS_PER_AXIS` of them.

    >>> a = Axis("a", "A", {"1", "2"}, 1.0, 0.5, 9, score=1.0)
    >>> b = Axis("b", "B", {"2", "3"}, 1.0, 0.5, 9, score=0.8)
    >>> c = Axis("c", "C", {"1", "2"}, 1.0, 0.5, 9, score=0.9)
    >>> [(p.first.name, p.second.name, round(p.score, 3)) for p in axis_pairs([a, b, c], lambda x, y: False)]
    [('A', 'B', 0.533), ('B', 'C', 0.48), ('A', 'C', 0.0)]
    >>> [p.first.name + p.second.name for p in axis_pairs([a, b, c], lambda x, y: x + y == 'ab')]
    ['BC', 'AC']
    """
    found = []
    for i, first in enumerate(axes):
        for second in axes[i + 1:]:
            if nested(first.iri, second.iri):
                continue
            union = len(first.articles | second.articles)
            overlap = len(first.articles & second.articles) / union if union else 0.0
            found.append(AxisPair(first, second, overlap, first.score * second.score * (1.0 - overlap)))
    found.sort(key=lambda p: (-p.score, p.overlap, p.first.name, p.second.name))
    shown: list[AxisPair] = []
    used: Counter[str] = Counter()
    for pair in found:  # each axis in at most PAIRS_PER_AXIS of the pairs shown, so the list is not one axis
        if used[pair.first.iri] < PAIRS_PER_AXIS and used[pair.second.iri] < PAIRS_PER_AXIS:
            shown.append(pair)
            used.update([pair.first.iri, pair.second.iri])
    return shown[:limit]


def scenario_axes(index: GraphIndex, vectors: Vectors | None, *, top: int = 20, kind: str = "DrivingForce",
                  min_outlooks: int = MIN_OUTLOOKS, pairs: int = 5, steep: str | None = None,
                  ) -> tuple[list[Axis], list[AxisPair], str]:
    """The candidate axes (the ``top`` recurring topics of rows of ``kind``, scored) and their best pairs, with
    a phrase saying what was considered."""
    from foresight.analytics.structural import structural_analysis

    structure = structural_analysis(index, top=top, kind=kind, steep=steep)
    matrix, result, members = structure.matrix, structure.result, structure.members
    # only driving forces drive signals: the drives links of a topic's concepts are its forces'
    links = outlook_links(index.relation_edges(["drives", "hasOutlook"]))
    found = {iri: force_outlooks(members.get(iri, set()), links) for iri in matrix.iris}
    labels = index.labels({outlook for held in found.values() for outlook, _ in held})
    outlooks = {iri: [(labels[outlook], scan) for outlook, scan in sorted(held) if outlook in labels]
                for iri, held in found.items()}
    impact = {variable.name: variable.indirect_influence for variable in result.variables}
    topics = {t.iri: t for t in index.topics_by_iri(matrix.iris)}
    candidates = [(iri, name, set(topics[iri].articles) if iri in topics else set(), impact.get(name, 0.0))
                  for iri, name in zip(matrix.iris, matrix.names, strict=True)]
    axes = rank_axes(candidates, outlooks, vectors, min_outlooks=min_outlooks)

    def nested(a: str, b: str) -> bool:
        left, right = members.get(a, set()), members.get(b, set())
        return bool(left) and bool(right) and (left <= right or right <= left)

    return axes, axis_pairs(axes, nested, pairs), structure.what


def axis_record(axis: Axis) -> dict[str, Any]:
    """An axis as plain data (the JSON of ``foresight axes``)."""
    return {"concept": axis.name, "iri": axis.iri, "score": round(axis.score, 4),
            "impact": round(axis.impact, 3), "impact_scaled": round(axis.impact_scaled, 3),
            "uncertainty": None if axis.uncertainty is None else round(axis.uncertainty, 6),
            "uncertainty_scaled": round(axis.uncertainty_scaled, 3), "outlooks": axis.outlooks,
            "comparable_pairs": axis.comparable, "contradicting_pairs": axis.contradicting,
            "spread": None if axis.spread is None else round(axis.spread, 4),
            "articles": len(axis.articles),
            "poles": [{"outlook": text, "scan": scan} for text, scan in axis.poles]}


def pair_record(pair: AxisPair) -> dict[str, Any]:
    """A pair of axes as plain data, with the poles of each."""
    return {"first": pair.first.name, "second": pair.second.name, "score": round(pair.score, 4),
            "overlap": round(pair.overlap, 3),
            "poles": {axis.name: axis_record(axis)["poles"] for axis in (pair.first, pair.second)}}
