"""Structural analysis of the store: which variables, their influence matrix, MICMAC, as plain records.

The variables are either the recurring forces (the topics that the rows of a kind, driving forces by default,
of the most articles hold) or the system around one topic: it and the topics associated with it (named
together in more articles than chance), the strongest first. :func:`structural_analysis`
reads the concept index once and returns everything a command or a notebook shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from foresight.analytics.influence import INFLUENCE, InfluenceMatrix, influence_matrix, topic_members
from foresight.analytics.micmac import Micmac, micmac
from foresight.errors import ForesightError, UnknownNodeError

if TYPE_CHECKING:
    from foresight.derived.index import GraphIndex


#: the strongest influences of each variable listed with their evidence
INFLUENCES_SHOWN = 5


@dataclass
class Structure:
    """The variables chosen, what they are, their influence matrix and its MICMAC."""

    what: str
    matrix: InfluenceMatrix
    result: Micmac
    #: the concepts under each topic (narrower topics' too)
    members: dict[str, set[str]]


def choose_variables(index: GraphIndex, *, top: int = 20, topic: str | None = None, kind: str = "DrivingForce",
                     steep: str | None = None) -> tuple[list[tuple[str, str]], dict[str, set[str]], str]:
    """The variables ((IRI, name) each), the concepts of each, and a phrase saying what they are.

    With ``steep``, the recurring topics of that STEEP category only (:func:`foresight.analytics.steep.
    topic_categories`)."""
    if topic is None:
        if steep is not None:
            from foresight.analytics.steep import topic_categories

            held = topic_categories(index)
            every, _ = index.topic_list(1, index.node_count(), kind)
            shown = [t for t in every if steep in held.get(t.iri, ())][:top]
            what = f"the {len(shown)} recurring {kind} topics tagged {steep}"
        else:
            shown, _ = index.topic_list(1, top, kind)
            what = f"the {len(shown)} recurring {kind} topics"
        members = topic_members(index.topic_tree())
        return [(t.iri, t.label) for t in shown], members, what
    found, _ = index.topics_named(topic)
    if not found:
        raise UnknownNodeError(f"no topic named {topic!r}; list them with 'foresight topics'")
    chosen = found[0]
    # the system around a topic: it and the topics named with it in the most articles, the strongest first
    around = [iri for iri, *_ in index.topic_associations(chosen.iri)][:max(0, top - 1)]
    associated = len(around)
    members = topic_members(index.topic_tree())
    if len(around) < top - 1:
        # too few associations (a small corpus, where most topics go with most others): then the topics named
        # with it in the most articles, neither inside it nor holding it
        mine = members.get(chosen.iri, set())
        shared = sorted(((len(articles & chosen.articles), iri) for iri, (_, articles) in
                         index.topic_articles().items()
                         if iri != chosen.iri and iri not in around and articles & chosen.articles and not (
                             mine and members.get(iri) and (members[iri] <= mine or mine <= members[iri]))),
                        key=lambda pair: (-pair[0], pair[1]))
        around += [iri for _, iri in shared][:top - 1 - len(around)]
    topics = {t.iri: t for t in index.topics_by_iri(around)}
    groups = [(chosen.iri, chosen.label), *((iri, topics[iri].label) for iri in around if iri in topics)]
    what = f"'{chosen.label}' and the {associated} topics most associated with it"
    if len(groups) - 1 > associated:
        what += f" and {len(groups) - 1 - associated} named with it most"
    return groups, members, what


def structural_analysis(index: GraphIndex, *, top: int = 20, topic: str | None = None, kind: str = "DrivingForce",
                        steep: str | None = None) -> Structure:
    """MICMAC of the chosen variables (:func:`choose_variables`) over the concept graph's influence links."""
    groups, members, what = choose_variables(index, top=top, topic=topic, kind=kind, steep=steep)
    if len(groups) < 2:
        raise ForesightError(f"{what}: a structural analysis needs two variables or more")
    matrix = influence_matrix(index.relation_edges(INFLUENCE), groups, members)
    return Structure(what, matrix, micmac(matrix.weights, matrix.names), members)


def micmac_records(structure: Structure) -> list[dict[str, Any]]:
    """One record a variable, most indirectly influential first (the JSON of ``foresight micmac``)."""
    matrix = structure.matrix
    records = []
    for number, variable in enumerate(structure.result.variables):
        records.append({
            "concept": variable.name, "iri": matrix.iris[number],
            "influence": variable.influence, "dependence": variable.dependence,
            "indirect_influence": round(variable.indirect_influence, 3),
            "indirect_dependence": round(variable.indirect_dependence, 3),
            "quadrant": variable.quadrant, "direct_quadrant": variable.direct_quadrant,
            "influence_rank": variable.influence_rank, "indirect_influence_rank": variable.indirect_influence_rank,
            "dependence_rank": variable.dependence_rank,
            "indirect_dependence_rank": variable.indirect_dependence_rank,
            "mitigating_out": float(matrix.mitigating[number].sum()),
            "mitigating_in": float(matrix.mitigating[:, number].sum()),
            "influences": [{"concept": matrix.names[other], "support": float(matrix.weights[number, other]),
                            "relations": dict(sorted(matrix.evidence[number, other]["relations"].items())),
                            "scans": list(matrix.evidence[number, other]["scans"])}
                           for other in sorted(range(len(matrix.names)), key=lambda j: (-matrix.weights[number, j], j))
                           if matrix.weights[number, other] > 0][:INFLUENCES_SHOWN],
        })
    records.sort(key=lambda r: (r["indirect_influence_rank"], r["concept"]))
    return records
