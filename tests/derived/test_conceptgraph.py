"""Pathways over concepts cross scans."""

from __future__ import annotations

from foresight.analysis.paths import k_best_paths
from foresight.analysis.resolve import resolve
from foresight.derived.conceptgraph import concept_graph
from foresight.derived.concepts import build_concepts
from foresight.derived.projection import project
from foresight.store.base import Store


def _scans_of(view, pathway) -> list[str]:  # type: ignore[no-untyped-def]
    """The scan each hop's evidence comes from (edges carry the row edge they stand for)."""
    found = []
    for hop in pathway.hops:
        start, end = (hop.source, hop.target) if hop.forward else (hop.target, hop.source)
        source_row, _ = view.edges[start, end]["rows"]
        found.append(source_row.split("/scan/")[1].split("/")[0])
    return found


def test_a_pathway_crosses_scans_through_a_merged_concept(examples_store: Store) -> None:
    rows = project(examples_store)
    view = concept_graph(rows, build_concepts(rows))
    found = k_best_paths(view, resolve(view, "Live Facial Recognition"),
                         resolve(view, "Chilling Effect on Free Expression"), k=3)
    assert found
    best = found[0]
    assert [view.nodes[n]["label"] for n in best.nodes] == [
        "Live Facial Recognition", "Public Self-Censorship", "Chilling Effect on Free Expression"]
    middle = view.nodes[best.nodes[1]]
    assert middle["scans"] == 3  # one concept for the behavior three scans name
    scans = _scans_of(view, best)
    assert len(set(scans)) == 2, scans  # the first hop's evidence is from one scan, the second's from another
    assert all(hop.evidence.startswith("in ") for hop in best.hops)


def test_concept_edges_count_their_support(corpus_store: tuple[Store, object]) -> None:
    store, _ = corpus_store
    rows = project(store)
    view = concept_graph(rows, build_concepts(rows))
    # rows merged into concepts: fewer nodes (keywords, themes and topics come on top)
    merged = [n for n, data in view.nodes(data=True) if data["type"] not in ("Keyword", "Theme", "Topic")]
    assert len(merged) < rows.number_of_nodes()
    supported = [data["support"] for _, _, data in view.edges(data=True)]
    assert max(supported) >= 2 and min(supported) >= 1
    named = resolve(view, "Live Facial Recognition")
    technology = [node for node in named if view.nodes[node]["type"] == "Technology"]
    assert len(technology) == 1 and view.nodes[technology[0]]["scans"] >= 5
    # and the topic of that wording, above the concept
    topic = [node for node in named if view.nodes[node]["type"] == "Topic"]
    assert len(topic) == 1 and view.has_edge(technology[0], topic[0])
