"""The SPARQL-server store against a real Virtuoso: uploads, resuming, credentials, errors, bindings."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterator, Sequence
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import Literal, URIRef
from typer.testing import CliRunner

from foresight.cli import app
from foresight.errors import QueryError, StoreError
from foresight.ingest import ingest
from foresight.store import open_store
from foresight.store.base import Store
from foresight.store.config import Endpoint
from foresight.store.sparql import SparqlStore
from foresight.vocab import FS
from tests.conftest import EXAMPLES, OVERSIGHT, scan_node, spy_concept_writes
from tests.store.conftest import clear

runner = CliRunner()
SECRET = "Not-The-Password-7f3a"


def _quads(store: Store) -> set[ox.Quad]:
    stream = io.BytesIO()
    store.dump(stream, "nquads")
    return set(ox.parse(stream.getvalue(), ox.RdfFormat.N_QUADS))


@pytest.fixture(scope="module")
def expected() -> set[ox.Quad]:
    """The examples as the embedded store holds them."""
    with open_store("memory:") as memory:
        ingest(memory, [EXAMPLES])
        return _quads(memory)


class _CutShort(SparqlStore):
    """A connection that drops after a few uploads, half-way through a batch (as a killed process would)."""

    def __init__(self, endpoint: Endpoint, calls: int) -> None:
        super().__init__(endpoint)
        self.calls = calls

    def replace_graphs(self, graphs: Sequence[str], nquads: str, markers: str = "") -> None:
        self.calls -= 1
        if self.calls < 0:
            lines = nquads.splitlines(keepends=True)
            super().replace_graphs(graphs, "".join(lines[: len(lines) // 2]))  # bodies half written, no markers
            raise StoreError(f"{self.location}: cannot reach the SPARQL endpoint for the upload (ConnectionError)")
        super().replace_graphs(graphs, nquads, markers)


def test_an_interrupted_bulk_load_resumes_without_duplicates(remote: SparqlStore, endpoint: Endpoint,
                                                             expected: set[ox.Quad]) -> None:
    with pytest.raises(StoreError, match="cannot reach"):
        ingest(_CutShort(endpoint, calls=3), [EXAMPLES], batch_size=2)
    loaded = remote.scan_digests()
    assert 0 < len(loaded) < 10  # some scans landed whole, the rest did not
    done: list[tuple[int, int]] = []
    landed: list[int] = []
    report = ingest(remote, [EXAMPLES], batch_size=2, progress=lambda n, total, path: done.append((n, total)),
                    stored=landed.append)
    assert report.ok and report.unchanged == len(loaded) and report.written == 10 - len(loaded)
    assert done[-1] == (10, 10)
    # the scans safely stored, batch by batch, up to every scan written
    assert landed == sorted(landed) and landed[-1] == report.written and len(landed) == -(-report.written // 2)
    assert _quads(remote) == expected


def test_graph_store_protocol_upload_gives_the_same_graphs(remote: SparqlStore, endpoint: Endpoint,
                                                           expected: set[ox.Quad]) -> None:
    if not endpoint.gsp:
        pytest.skip("no Graph Store Protocol URL (FORESIGHT_TEST_SPARQL_GSP)")
    with SparqlStore(dataclasses.replace(endpoint, upload="gsp", batch_triples=150)) as store:
        report = ingest(store, [EXAMPLES])
        assert report.written == 10
        assert _quads(store) == expected
        assert ingest(store, [EXAMPLES]).unchanged == 10


def test_small_upload_batches_split_graphs_across_requests(remote: SparqlStore, endpoint: Endpoint,
                                                           expected: set[ox.Quad]) -> None:
    with SparqlStore(dataclasses.replace(endpoint, batch_triples=37)) as store:
        ingest(store, [EXAMPLES])
        assert _quads(store) == expected


def test_a_wrong_password_is_refused_and_never_echoed(endpoint: Endpoint, monkeypatch: pytest.MonkeyPatch) -> None:
    if not endpoint.user:
        pytest.skip("the test server has no login")
    wrong = dataclasses.replace(endpoint, password=SECRET)
    assert SECRET not in repr(wrong)
    with SparqlStore(wrong) as store, pytest.raises(StoreError, match="refused") as caught:
        store.triple_count()
    assert SECRET not in str(caught.value)
    monkeypatch.setenv("FORESIGHT_STORE_USER", endpoint.user)
    monkeypatch.setenv("FORESIGHT_STORE_PASSWORD", SECRET)
    monkeypatch.setenv("FORESIGHT_STORE_AUTH", endpoint.auth)
    result = runner.invoke(app, ["--store", endpoint.query, "stats"])
    assert result.exit_code == 1
    assert "refused" in result.output and SECRET not in result.output
    assert len(result.output.strip().splitlines()) <= 3


def test_credentials_in_the_url_are_refused_without_repeating_them() -> None:
    with pytest.raises(StoreError, match="credentials") as caught:
        open_store(f"http://analyst:{SECRET}@127.0.0.1:8890/sparql")
    assert SECRET not in str(caught.value) and "analyst" not in str(caught.value)
    result = runner.invoke(app, ["--store", f"https://analyst:{SECRET}@example.org/sparql", "stats"])
    assert result.exit_code == 1 and SECRET not in result.output


def test_a_named_store_in_the_config_file(remote: SparqlStore, endpoint: Endpoint, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config.yaml"
    lines = ["stores:", "  team:", f"    query: {endpoint.query}", f"    auth: {endpoint.auth}"]
    if endpoint.user:
        lines += [f"    user: {endpoint.user}", "    password_env: TEAM_STORE_PASSWORD"]
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv("FORESIGHT_CONFIG", str(config))
    monkeypatch.setenv("TEAM_STORE_PASSWORD", endpoint.password or "")
    for variable in ("FORESIGHT_STORE_USER", "FORESIGHT_STORE_PASSWORD", "FORESIGHT_STORE_AUTH"):
        monkeypatch.delenv(variable, raising=False)
    result = runner.invoke(app, ["--store", "team", "ingest", str(EXAMPLES), "--no-concepts"])
    assert result.exit_code == 0, result.output
    assert "10 scans written" in result.output
    assert remote.count_graphs() == 10
    if endpoint.user:
        monkeypatch.delenv("TEAM_STORE_PASSWORD")
        result = runner.invoke(app, ["--store", "team", "stats"])
        assert result.exit_code == 1 and "TEAM_STORE_PASSWORD is not set" in result.output


def test_bound_values_are_never_pasted_into_the_query(remote: SparqlStore) -> None:
    ingest(remote, [EXAMPLES])
    query = "SELECT ?s WHERE { ?s rdfs:label ?label }"
    hostile = Literal('x" } ; DROP ALL ; SELECT * WHERE { ?s ?p "')
    assert remote.select(query, {"label": hostile}).rows == []
    found = remote.select(query, {"label": Literal("Live Facial Recognition")}).rows
    assert found and all(isinstance(row[0], URIRef) for row in found)
    with pytest.raises(QueryError):
        remote.select(query, {"s": URIRef("http://x> } ; DROP ALL ; <y")})
    assert remote.count_graphs() == 10


def test_bound_construct_queries_restrict_their_pattern_on_the_server(remote: SparqlStore) -> None:
    # the server gets the bindings as a VALUES block: in the WHERE clause, never in the template
    ingest(remote, [EXAMPLES])
    scan = URIRef(scan_node(OVERSIGHT))
    for sparql, size in (("CONSTRUCT { ?s fs:fromScan ?scan } WHERE { ?s a fs:Issue ; fs:fromScan ?scan }", 3),
                         ("CONSTRUCT WHERE { ?s a fs:Issue ; fs:fromScan ?scan }", 6)):
        graph = remote.query(sparql, {"scan": scan})
        assert isinstance(graph, rdflib.Graph)
        assert len(graph) == size, sparql
        assert set(graph.objects(None, URIRef(FS + "fromScan"))) == {scan}


def test_query_and_update_errors_are_one_clear_line(remote: SparqlStore) -> None:
    with pytest.raises(QueryError, match="failed"):
        remote.query("SELECT ?s WHERE { ?s ?p }")
    with pytest.raises(QueryError, match="not a query"):
        remote.query("DROP ALL")
    with pytest.raises(QueryError):
        remote.update("INSERT DATA { <urn:a> <urn:b> }")


def test_sparql_update_from_the_cli_changes_the_server(remote: SparqlStore, endpoint: Endpoint,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from foresight.ingest import refresh_views

    ingest(remote, [EXAMPLES])
    refresh_views(remote)  # as the CLI's ingest leaves it: the update then changes only what it says
    if endpoint.user:
        monkeypatch.setenv("FORESIGHT_STORE_USER", endpoint.user)
        monkeypatch.setenv("FORESIGHT_STORE_PASSWORD", endpoint.password or "")
        monkeypatch.setenv("FORESIGHT_STORE_AUTH", endpoint.auth)
    before = remote.triple_count()
    update = ("INSERT DATA { GRAPH <https://w3id.org/foresight/id/graph/notes> "
              "{ <https://w3id.org/foresight/id/note/1> rdfs:label \"a note\" } }")
    result = runner.invoke(app, ["--store", endpoint.query, "sparql", "--update", update])
    assert result.exit_code == 0, result.output
    assert remote.triple_count() == before + 1
    clear(remote)


def test_an_unreachable_server_is_one_message(tmp_path: Path) -> None:
    with SparqlStore(Endpoint(query="http://127.0.0.1:9/sparql", timeout=2)) as store, \
            pytest.raises(StoreError, match="cannot reach the SPARQL endpoint") as caught:
        store.triple_count()
    assert "127.0.0.1:9/sparql" in str(caught.value)


@pytest.fixture
def capped_server(tmp_path: Path) -> Iterator[Endpoint]:
    """A second, throwaway Virtuoso that cuts every result at 50 rows (as a default install cuts at 10,000)."""
    import os
    import shutil
    import subprocess

    if shutil.which("virtuoso-t") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but virtuoso-t is not installed")
        pytest.skip("virtuoso-t is not installed")
    script = Path(__file__).resolve().parents[2] / ".ci" / "virtuoso"
    env = {**os.environ, "VIRTUOSO_MAX_ROWS": "50", "VIRTUOSO_PORT": "1112", "VIRTUOSO_HTTP_PORT": "8891"}
    subprocess.run(["bash", str(script), "start", str(tmp_path / "db")], env=env, check=True, capture_output=True)
    try:
        yield Endpoint(query="http://127.0.0.1:8891/sparql-auth", user="dba", password="dba", auth="digest")
    finally:
        subprocess.run(["bash", str(script), "stop", str(tmp_path / "db")], env=env, check=False)


def test_a_result_cut_short_by_the_server_is_an_error_not_a_silent_loss(capped_server: Endpoint) -> None:
    with SparqlStore(capped_server) as store:
        ingest(store, [EXAMPLES])
        assert len(store.select("SELECT ?g WHERE { GRAPH ?g { ?s fs:contentDigest ?d } }")) == 11
        with pytest.raises(StoreError, match="cut the result at 50 rows"):
            store.select("SELECT ?s ?label WHERE { ?s rdfs:label ?label }")


def test_a_server_whose_default_graph_is_not_the_union_is_reported(remote: SparqlStore, endpoint: Endpoint,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    ingest(remote, [EXAMPLES])
    # the protocol's default-graph-uri makes the default graph one (empty) graph, as a Fuseki
    # without unionDefaultGraph would answer
    narrowed = endpoint.query + "?default-graph-uri=urn:x-foresight:empty"
    if endpoint.user:
        monkeypatch.setenv("FORESIGHT_STORE_USER", endpoint.user)
        monkeypatch.setenv("FORESIGHT_STORE_PASSWORD", endpoint.password or "")
        monkeypatch.setenv("FORESIGHT_STORE_AUTH", endpoint.auth)
    result = runner.invoke(app, ["--store", narrowed, "stats"])
    assert result.exit_code == 1
    assert "queries do not see the named graphs" in result.output
    assert "default-graph-uri" not in result.output  # the location is shown without its query string


def test_concepts_refresh_writes_only_the_difference_on_the_server(remote: SparqlStore, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from foresight.derived.concepts import CONCEPTS_GRAPH, refresh_concepts

    calls = spy_concept_writes(monkeypatch)

    def concepts_graph(store: Store) -> set[tuple[str, ...]]:
        rows = store.select(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{CONCEPTS_GRAPH}> {{ ?s ?p ?o }} }}").rows
        return {tuple(term.n3() for term in row if term is not None) for row in rows}

    first = tmp_path / "first"
    first.mkdir()
    for path in sorted(EXAMPLES.glob("*.md"))[:-1]:
        shutil.copy(path, first)
    ingest(remote, [first])
    refresh_concepts(remote)
    ingest(remote, [EXAMPLES])
    refresh_concepts(remote)  # the concepts of the first scans are cached: only the difference goes over
    with open_store("memory:") as memory:
        ingest(memory, [EXAMPLES])
        refresh_concepts(memory)
        assert concepts_graph(remote) == concepts_graph(memory)
        assert remote.digest_of(CONCEPTS_GRAPH) == memory.digest_of(CONCEPTS_GRAPH)
    assert [diff for diff, _ in calls[:2]] == [False, True]


def test_another_client_sees_a_write_through_the_generation_on_the_server(remote: SparqlStore,
                                                                          endpoint: Endpoint) -> None:
    from foresight.derived import views
    from foresight.store.sparql import STATE_GRAPH
    from tests.conftest import TEST_DATA

    ingest(remote, [EXAMPLES])
    other = SparqlStore(endpoint)  # another machine, with its own cache folder and no shared file
    try:
        before = views(other).index("concepts").summary().concepts
        seen = other.generation()
        ingest(remote, [TEST_DATA / "mini.md"])
        assert other.generation() != seen
        assert views(other).index("concepts").summary().concepts > before
    finally:
        other.close()
    assert STATE_GRAPH not in remote.graph_names()  # the state is never exported or counted


def test_an_unknown_prefix_is_named_by_the_server_store_too(remote: SparqlStore) -> None:
    with pytest.raises(QueryError, match="unknown prefix foo:"):
        remote.query("SELECT ?s WHERE { ?s foo:bar ?o }")
