"""The Oxigraph store: persistence, bindings, read-only access, query errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from foresight.errors import QueryError, StoreError
from foresight.ingest import ingest
from foresight.store import open_store
from foresight.store.base import Store, bind_variables
from tests.conftest import EXAMPLES, OVERSIGHT, scan_node


def test_store_persists_on_disk(tmp_path: Path) -> None:
    with open_store(tmp_path / "s") as store:
        ingest(store, [EXAMPLES])
        count = store.triple_count()
    with open_store(tmp_path / "s", read_only=True) as store:
        assert store.triple_count() == count
        assert store.count_graphs() == 10


def test_environment_variable_picks_the_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORESIGHT_STORE", str(tmp_path / "env-store"))
    with open_store() as store:
        assert store.location == str(tmp_path / "env-store")
    assert (tmp_path / "env-store").is_dir()


def test_read_only_store_refuses_writes(tmp_path: Path) -> None:
    open_store(tmp_path / "s").close()
    with open_store(tmp_path / "s", read_only=True) as store, pytest.raises(StoreError):
        store.update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")


def test_bound_values_are_never_pasted(examples_store: Store) -> None:
    query = "SELECT ?s WHERE { ?s rdfs:label ?label }"
    injection = Literal('x" } UNION { ?s ?p ?o } #')
    assert examples_store.select(query, {"label": injection}).rows == []
    found = examples_store.select(query, {"label": Literal("Live Facial Recognition")})
    assert len(found) == 5


def test_binding_an_unprojected_variable_restricts_before_grouping(examples_store: Store) -> None:
    query = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a fs:Issue ; fs:fromScan ?scan }"
    scan = URIRef(scan_node(OVERSIGHT))
    assert examples_store.select(query, {"scan": scan}).values() == [(3,)]


def test_bad_iri_cannot_be_bound() -> None:
    with pytest.raises(QueryError):
        bind_variables("SELECT * WHERE { ?s ?p ?o }", {"s": URIRef("http://x> } ; DROP ALL ; <y")})


def test_update_is_refused_by_query(examples_store: Store) -> None:
    with pytest.raises(QueryError, match="update"):
        examples_store.query("DROP ALL")


def test_invalid_query_is_a_query_error(examples_store: Store) -> None:
    with pytest.raises(QueryError, match="invalid SPARQL"):
        examples_store.query("SELECT WHERE")


def test_unknown_store_scheme() -> None:
    from foresight.errors import PluginNotFoundError

    with pytest.raises(PluginNotFoundError, match="no store registered"):
        open_store("ftp://example.org/sparql")
