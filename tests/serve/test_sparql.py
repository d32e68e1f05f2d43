"""The SPARQL 1.1 Protocol endpoint of ``foresight serve``, queried by real clients over loopback: rdflib's
SPARQLStore, SPARQLWrapper and foresight's own SPARQL store; then the protocol's corners (methods, negotiation,
updates refused, errors, limits, a query cancelled)."""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

import pytest
import rdflib

from tests.conftest import cli
from tests.serve.conftest import Server

CONCEPTS = "SELECT ?c ?label WHERE { ?c a skos:Concept ; skos:prefLabel ?label } ORDER BY ?c"
FULL_CONCEPTS = ("PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
                 "SELECT ?c ?label WHERE { ?c a skos:Concept ; skos:prefLabel ?label } ORDER BY ?c")
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def local_answer(store: Path, query: str) -> list[dict[str, str]]:
    result = cli(store, "sparql", query, "-f", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    return [{name: value["value"] for name, value in binding.items()} for binding in document["results"]["bindings"]]


def test_rdflib_sparqlstore_reads_the_endpoint(served: Server, examples_dir: Path) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(query_endpoint=served.url + "/sparql")
    dataset = rdflib.Dataset(store=store, default_union=True)
    rows = list(dataset.query(FULL_CONCEPTS))
    expected = local_answer(examples_dir, CONCEPTS)
    assert len(rows) == len(expected) > 100
    assert [str(row[1]) for row in rows] == [row["label"] for row in expected]
    assert dataset.query("ASK { ?s a <https://w3id.org/foresight/ontology#Signal> }").askAnswer is True
    graph = dataset.query("CONSTRUCT { ?c <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } WHERE "
                          "{ ?c a <http://www.w3.org/2004/02/skos/core#Concept> ; "
                          "<http://www.w3.org/2004/02/skos/core#prefLabel> ?l }").graph
    assert len(graph) == len(expected)  # an RDF/XML answer, as rdflib asks for one
    store.close()


def test_sparqlwrapper_gets_every_format(served: Server, examples_dir: Path) -> None:
    from SPARQLWrapper import CSV, JSON, POST, TSV, TURTLE, XML, SPARQLWrapper

    expected = local_answer(examples_dir, CONCEPTS)
    wrapper = SPARQLWrapper(served.url + "/sparql")
    wrapper.setQuery(FULL_CONCEPTS)
    wrapper.setReturnFormat(JSON)
    found = wrapper.query().convert()
    assert [b["label"]["value"] for b in found["results"]["bindings"]] == [row["label"] for row in expected]
    wrapper.setMethod(POST)  # a form
    assert len(wrapper.query().convert()["results"]["bindings"]) == len(expected)
    wrapper.setReturnFormat(XML)
    document = wrapper.query().convert()
    assert len(document.getElementsByTagName("result")) == len(expected)
    wrapper.setReturnFormat(CSV)
    rows = list(csv.reader(io.StringIO(wrapper.query().convert().decode("utf-8"))))
    assert rows[0] == ["c", "label"] and len(rows) == len(expected) + 1
    wrapper.setReturnFormat(TSV)
    assert wrapper.query().convert().decode("utf-8").splitlines()[0] == "?c\t?label"
    wrapper.setQuery("CONSTRUCT { ?c a ?t } WHERE { ?c a ?t } LIMIT 5")
    wrapper.setReturnFormat(TURTLE)
    graph = rdflib.Graph().parse(data=wrapper.query().convert().decode("utf-8"), format="turtle")
    assert len(graph) == 5


def test_foresight_reads_its_own_endpoint(served: Server, examples_dir: Path) -> None:
    """foresight's SPARQL store pointed at the endpoint answers saved queries as the embedded store does."""
    remote = served.url + "/sparql"
    for name in ("top-keywords", "scans-by-month", "signals-by-driving-force"):
        here = cli(examples_dir, "sparql", name, "-f", "json")
        there = cli(remote, "sparql", name, "-f", "json")
        assert there.exit_code == 0, there.output
        assert json.loads(there.stdout) == json.loads(here.stdout), name
    from foresight.store import open_store

    with open_store(remote, read_only=True) as store:
        store.check()  # queries see the named graphs, through the union
        graph = store.query("DESCRIBE <https://w3id.org/foresight/id/concept/technologies/live-facial-recognition>")
        assert len(graph) > 3


def test_methods_negotiation_and_graphs(served: Server) -> None:
    endpoint = "/sparql"
    by_get = served.get(endpoint, params={"query": CONCEPTS})
    by_form = served.post(endpoint, data={"query": CONCEPTS})
    by_body = served.post(endpoint, data=CONCEPTS.encode(), headers={"Content-Type": "application/sparql-query"})
    assert by_get.status_code == by_form.status_code == by_body.status_code == 200
    assert by_get.headers["content-type"].startswith("application/sparql-results+json")
    assert by_get.json() == by_form.json() == by_body.json()
    for accept, media in [("application/sparql-results+xml", "application/sparql-results+xml"),
                          ("text/csv;q=0.9, text/tab-separated-values", "text/tab-separated-values"),
                          ("application/json", "application/sparql-results+json"),
                          ("text/html;q=0.9, */*;q=0.1", "application/sparql-results+json")]:
        answer = served.get(endpoint, params={"query": CONCEPTS}, headers={"Accept": accept})
        assert answer.status_code == 200 and answer.headers["content-type"].startswith(media), accept
    construct = "CONSTRUCT { ?c a skos:Concept } WHERE { ?c a skos:Concept } LIMIT 7"
    for accept, fmt in [("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld")]:
        answer = served.get(endpoint, params={"query": construct}, headers={"Accept": accept})
        assert answer.headers["content-type"].startswith(accept)
        assert len(rdflib.Graph().parse(data=answer.text, format=fmt)) == 7, accept
    refused = served.get(endpoint, params={"query": construct}, headers={"Accept": "text/csv"})
    assert refused.status_code == 406 and "text/turtle" in refused.text
    assert served.get(endpoint, params={"query": construct, "format": "nt"}).headers["content-type"].startswith(
        "application/n-triples")
    # the default graph is the union of all graphs; default-graph-uri narrows it to one scan's graph
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    graphs = served.get(endpoint, params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s a fs:Scan } }"}).json()
    one = graphs["results"]["bindings"][0]["g"]["value"]
    union = int(served.get(endpoint, params={"query": count}).json()["results"]["bindings"][0]["n"]["value"])
    narrow = int(served.get(endpoint, params={"query": count, "default-graph-uri": one}).json()
                 ["results"]["bindings"][0]["n"]["value"])
    assert 0 < narrow < union


def test_updates_and_bad_queries_are_refused(served: Server) -> None:
    endpoint = "/sparql"
    before = served.get(endpoint, params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}).json()
    for response in (
            served.post(endpoint, data={"update": "DROP ALL"}),
            served.post(endpoint, data=b"CLEAR ALL", headers={"Content-Type": "application/sparql-update"}),
            served.get(endpoint, params={"query": "PREFIX x: <http://x/>\nINSERT DATA { x:a x:b x:c }"}),
            served.post(endpoint, data={"query": "# a comment\nDELETE WHERE { ?s ?p ?o }"})):
        assert response.status_code == 403, response.text
        assert "read-only" in response.text
    assert served.get(endpoint, params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}).json() == before
    bad = served.get(endpoint, params={"query": "SELEC ?x WHERE"})
    assert bad.status_code == 400 and "not valid SPARQL" in bad.text
    assert served.get(endpoint).status_code == 400  # no query
    assert served.get(endpoint, params=[("query", CONCEPTS), ("query", CONCEPTS)]).status_code == 400
    service = served.get(endpoint, params={"query": "SELECT * WHERE { SERVICE <http://example.org/sparql> "
                                                    "{ ?s ?p ?o } }"})
    assert service.status_code == 403
    typed = served.post(endpoint, data=b"{}", headers={"Content-Type": "application/json"})
    assert typed.status_code == 415


def test_limits_hold_and_a_long_query_is_cancelled(served: Server) -> None:
    endpoint = "/sparql"
    huge = served.post(endpoint, data=b"SELECT * WHERE { ?s ?p ?o } # " + b"x" * 300_000,
                       headers={"Content-Type": "application/sparql-query"})
    assert huge.status_code == 413
    big = served.get(endpoint, params={"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"})
    assert big.status_code == 413 and "larger than 1 MB" in big.text
    started = time.monotonic()
    slow = served.get(endpoint, params={"query": SLOW})
    took = time.monotonic() - started
    assert slow.status_code == 503 and "cancelled" in slow.text
    assert took < 10, f"the cancelled query held the client {took:.1f} s against a 2 s limit"
    # the server goes on answering, the worker replaced
    for _ in range(3):
        assert served.get(endpoint, params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True
    assert served.process.poll() is None


def test_a_browser_gets_the_query_page(served: Server) -> None:
    page = served.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml"})
    assert page.status_code == 200 and 'data-page="queries"' in page.text
    saved = served.get("/api/queries").json()
    assert {query["name"] for query in saved} >= {"top-keywords", "scans-by-month"}
    assert all(query["query"].strip() for query in saved)


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "text/csv"])
def test_scan_text_comes_back_as_data(served: Server, accept: str) -> None:
    """The scan of HTML and script: its text is returned as it is, in a data format, never as a page."""
    answer = served.get("/sparql", params={"query": "SELECT ?l WHERE { ?s a fs:Signal ; rdfs:label ?l . "
                                                    "FILTER(CONTAINS(?l, 'onerror')) }"}, headers={"Accept": accept})
    assert answer.status_code == 200 and "<img src=x onerror=alert(1)>" in answer.text
    assert not answer.headers["content-type"].startswith("text/html")
    assert answer.headers["x-content-type-options"] == "nosniff"
