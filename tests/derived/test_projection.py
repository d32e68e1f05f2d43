"""The networkx projection of the store: typed nodes, weighted edges, cached pieces."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import networkx as nx
import pytest

from foresight.derived import projection
from foresight.derived.projection import project, read_pieces
from foresight.ingest import ingest
from foresight.store import open_store
from foresight.store.base import Store
from tests.conftest import EXAMPLES, OVERSIGHT, SURVEY, TEST_DATA, scan_node

SCAN = scan_node(OVERSIGHT)


def test_projection_has_typed_nodes_and_the_pathway_edges(examples_store: Store) -> None:
    graph = project(examples_store)
    kinds = nx.get_node_attributes(graph, "type")
    assert sum(1 for kind in kinds.values() if kind == "Signal") == 34
    assert sum(1 for kind in kinds.values() if kind == "DrivingForce") == 34
    assert "Scan" not in kinds.values()
    signal = f"{SCAN}/signal/statutory-oversight-boards"
    assert graph.nodes[signal]["label"] == "Statutory Oversight Boards"
    assert graph.nodes[signal]["scan"] == SCAN
    assert graph.nodes[signal]["relevancy"] == 5
    relations = {data["relation"] for _, _, data in graph.out_edges(signal, data=True)}
    assert {"hasShift", "hasOutlook", "mitigates"} <= relations
    force, shift, outlook = f"{signal}/driving-force", f"{signal}/shift", f"{signal}/outlook"
    assert nx.shortest_path(graph, force, outlook) in ([force, signal, outlook], [force, signal, shift, outlook])
    assert graph.edges[force, signal] == {"relation": "drives", "score": 1.0, "method": "structure",
                                          "evidence": None, "link": None}
    scan = graph.graph["scans"][SCAN]
    assert scan["date"] == "2026-05-10"
    assert scan["url"] == "https://oversight.example.org/reports/2026/annual-review-live-facial-recognition"
    assert "watchlists" in scan["keywords"] and "public security" in scan["themes"]


def test_curated_and_inferred_links_carry_score_method_and_evidence(examples_store: Store) -> None:
    graph = project(examples_store)
    technology = f"{SCAN}/technology/live-facial-recognition"
    behavior = f"{SCAN}/behavior/deployment-near-assemblies"
    curated = graph.edges[technology, behavior]
    assert (curated["relation"], curated["method"], curated["score"]) == ("enables", "curated", 1.0)
    assert curated["evidence"].startswith("Mobile camera vans")
    assert curated["link"] == f"{SCAN}/link/1"
    survey = scan_node(SURVEY)
    found = graph.edges[f"{survey}/technology/live-facial-recognition", f"{survey}/behavior/public-self-censorship"]
    assert (found["relation"], found["method"]) == ("enables", "name-mention")
    assert "Live Facial Recognition" in found["evidence"]
    methods = {data["method"] for _, _, data in graph.edges(data=True)}
    assert {"structure", "curated", "name-mention", "shared-terms"} <= methods


def test_pieces_from_ingest_equal_pieces_read_back_from_the_store(examples_store: Store) -> None:
    graph = project(examples_store)
    read = read_pieces(examples_store, sorted(examples_store.scan_digests()))
    nodes = {node for piece in read.values() for node, *_ in piece.nodes}
    assert nodes == set(graph.nodes)
    edges = {(s, t) for piece in read.values() for s, t, *_ in piece.edges}
    assert set(graph.edges) <= edges


def _pieces(location: Path) -> dict[str, tuple[str, str]]:
    """The pieces cached beside an on-disk store: graph -> (digest, unscoped token)."""
    with sqlite3.connect(location.with_name(location.name + ".cache") / "derived" / "pieces.sqlite") as db:
        return {graph: (digest, token) for graph, digest, token in db.execute("SELECT graph, digest, unscoped "
                                                                                "FROM pieces")}


def test_projection_is_rebuilt_when_the_store_changes(tmp_path: Path) -> None:
    location = tmp_path / "store"
    with open_store(location) as store:
        ingest(store, [EXAMPLES])
        before = project(store)
        assert len(_pieces(location)) == 10  # ingest handed its pieces over
        ingest(store, [TEST_DATA / "mini.md"])
        assert len(_pieces(location)) == 11
        after = project(store)
        assert after.number_of_nodes() > before.number_of_nodes()
        assert any(label == "Aerial Watch" for _, label in after.nodes(data="label"))
    # a new process: the pieces come from the cache beside the store, and match the store
    with open_store(location, read_only=True) as store:
        again = project(store)
        assert set(again.nodes) == set(after.nodes) and set(again.edges) == set(after.edges)


def test_a_graph_handed_out_is_the_callers_own(examples_store: Store) -> None:
    graph = project(examples_store)
    graph.remove_nodes_from(list(graph))
    graph.graph["mine"] = True
    again = project(examples_store)
    assert again.number_of_nodes() > 100 and "mine" not in again.graph


def test_projection_follows_a_sparql_update_that_keeps_the_digests(tmp_path: Path) -> None:
    # a SPARQL update changes graphs without changing their digests: the projection must still follow it
    location = tmp_path / "store"
    with open_store(location) as store:
        ingest(store, [EXAMPLES])
        issues = sum(1 for _, kind in project(store).nodes(data="type") if kind == "Issue")
        assert issues == 30
        store.update("DELETE WHERE { GRAPH ?g { ?issue a fs:Issue ; ?p ?o } }")
        assert not any(kind == "Issue" for _, kind in project(store).nodes(data="type"))
    with open_store(location, read_only=True) as store:  # and so does another process
        assert not any(kind == "Issue" for _, kind in project(store).nodes(data="type"))


@pytest.mark.parametrize("few", [50, 0], ids=["graph by graph", "predicate by predicate"])
def test_a_lost_cache_is_rebuilt_from_the_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, few: int) -> None:
    monkeypatch.setattr(projection, "FEW_GRAPHS", few)
    location = tmp_path / "store"
    with open_store(location) as store:
        ingest(store, [EXAMPLES])
        expected = project(store)
    (location.with_name("store.cache") / "derived" / "pieces.sqlite").unlink()
    with open_store(location) as store:
        rebuilt = project(store)
        assert dict(rebuilt.nodes(data=True)) == dict(expected.nodes(data=True))
        assert sorted(rebuilt.edges(data=True)) == sorted(expected.edges(data=True))
        assert rebuilt.graph["scans"] == expected.graph["scans"]
    assert len(_pieces(location)) == 10  # what was read back is kept


def test_a_damaged_cache_is_read_back_not_trusted(tmp_path: Path) -> None:
    location = tmp_path / "store"
    with open_store(location) as store:
        ingest(store, [EXAMPLES])
        expected = project(store)
    (location.with_name("store.cache") / "derived" / "pieces.sqlite").write_bytes(b"\x80\x04not sqlite at all")
    with open_store(location, read_only=True) as store:
        assert set(project(store).nodes) == set(expected.nodes)


def test_a_big_ingest_hands_its_pieces_over_in_lots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import foresight.ingest as ingest_module

    monkeypatch.setattr(ingest_module, "_PIECES_AT_ONCE", 3)
    location = tmp_path / "store"
    with open_store(location) as store:
        ingest(store, [EXAMPLES], batch_size=2)
        assert len(_pieces(location)) == 10
    with open_store(location, read_only=True) as store:
        cached = project(store)
    (location.with_name("store.cache") / "derived" / "pieces.sqlite").unlink()
    with open_store(location, read_only=True) as store:
        cold = project(store)
        assert dict(cached.nodes(data=True)) == dict(cold.nodes(data=True))
        assert sorted(cached.edges(data=True)) == sorted(cold.edges(data=True))
        assert len(cached.graph["scans"]) == 10


def test_a_pieces_file_of_another_layout_is_started_again(tmp_path: Path) -> None:
    location = tmp_path / "store"
    folder = tmp_path / "store.cache" / "derived"
    folder.mkdir(parents=True)
    with sqlite3.connect(folder / "pieces.sqlite") as db:  # an older layout, without the content hash
        db.execute("CREATE TABLE pieces(graph TEXT PRIMARY KEY, digest TEXT, unscoped TEXT, version TEXT, body TEXT)")
    with open_store(location) as store:
        ingest(store, [EXAMPLES])
    assert len(_pieces(location)) == 10
