"""bind_variables: the VALUES block lands in the WHERE clause of every query form, never in a CONSTRUCT template.

Each query is bound as text (what the SPARQL-server store sends, and what the embedded
store falls back to) and run on the examples in an in-memory store.
"""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from foresight.errors import QueryError
from foresight.store.base import SelectResult, Store, bind_variables
from foresight.vocab import FS, RDF, RDFS
from tests.conftest import OVERSIGHT, scan_node

SCAN = URIRef(scan_node(OVERSIGHT))
LABEL = Literal("Live Facial Recognition")
FROM_SCAN = URIRef(FS + "fromScan")


def answer(store: Store, sparql: str, bindings: dict[str, Node]) -> Graph:
    result = store.query(bind_variables(sparql, bindings))
    assert isinstance(result, Graph), bind_variables(sparql, bindings)
    return result


@pytest.mark.parametrize("sparql", [
    "CONSTRUCT { ?s fs:fromScan ?scan } WHERE { ?s a fs:Issue ; fs:fromScan ?scan }",
    "CONSTRUCT { ?s fs:fromScan ?scan } { ?s a fs:Issue ; fs:fromScan ?scan }",  # WHERE is optional
    "construct {\n  ?s fs:fromScan ?scan .\n}\nwhere {\n  ?s a fs:Issue ; fs:fromScan ?scan .\n}\nLIMIT 10",
    # braces in a comment, a string and an IRI's fragment are not the WHERE clause's
    "# CONSTRUCT { ?x ?y ?z } {\nPREFIX ask: <https://w3id.org/foresight/ontology#>\n"
    "CONSTRUCT { ?s ask:fromScan ?scan } WHERE { ?s a <https://w3id.org/foresight/ontology#Issue> ; "
    "fs:fromScan ?scan FILTER(?scan != \"{ not a group }\") }",
])
def test_a_bound_construct_restricts_its_pattern_not_its_template(examples_store: Store, sparql: str) -> None:
    graph = answer(examples_store, sparql, {"scan": SCAN})
    assert len(graph) == 3
    assert set(graph.objects(None, FROM_SCAN)) == {SCAN}
    native = examples_store.query(sparql, {"scan": SCAN})
    assert isinstance(native, Graph) and set(native) == set(graph)


def test_the_short_construct_form_is_bound_as_the_long_one(examples_store: Store) -> None:
    sparql = "CONSTRUCT WHERE { ?s a fs:Issue ; fs:fromScan ?scan }"
    bound = bind_variables(sparql, {"scan": SCAN})
    assert bound.startswith("CONSTRUCT { ?s a fs:Issue ; fs:fromScan ?scan } WHERE { VALUES (?scan)")
    graph = answer(examples_store, sparql, {"scan": SCAN})
    assert len(graph) == 6  # three issues: their type and their scan
    assert set(graph.objects(None, FROM_SCAN)) == {SCAN}
    assert set(graph.objects(None, URIRef(RDF + "type"))) == {URIRef(FS + "Issue")}


def test_a_bound_construct_with_two_variables(examples_store: Store) -> None:
    sparql = "CONSTRUCT { ?s rdfs:label ?label ; fs:fromScan ?scan } WHERE { ?s rdfs:label ?label ; fs:fromScan ?scan }"
    graph = answer(examples_store, sparql, {"scan": SCAN, "label": LABEL})
    subjects = set(graph.subjects())
    assert subjects == {URIRef(SCAN + "/technology/live-facial-recognition")}
    assert len(graph) == 2


def test_a_bound_describe_where(examples_store: Store) -> None:
    graph = answer(examples_store, "DESCRIBE ?s WHERE { ?s rdfs:label ?label }", {"label": LABEL})
    named = {row[0] for row in examples_store.select("SELECT ?s WHERE { ?s rdfs:label ?label }", {"label": LABEL}).rows}
    assert len(named) == 5
    assert set(graph.subjects()) == named
    assert set(graph.objects(None, URIRef(RDFS + "label"))) == {LABEL}


@pytest.mark.parametrize(("label", "expected"), [(LABEL, True), (Literal("Nothing like it"), False)])
def test_a_bound_ask(examples_store: Store, label: Literal, expected: bool) -> None:
    assert examples_store.query(bind_variables("ASK { ?s rdfs:label ?label }", {"label": label})) is expected


@pytest.mark.parametrize("sparql", [
    "SELECT ?s { ?s rdfs:label ?label }",  # no WHERE keyword
    "SELECT ?s (EXISTS { ?s fs:relevancy ?r } AS ?rated) WHERE { ?s rdfs:label ?label }",  # a group in the projection
    "SELECT ?s WHERE { SELECT ?s ?label WHERE { ?s rdfs:label ?label } }",  # a sub-select is the whole group
])
def test_a_bound_select(examples_store: Store, sparql: str) -> None:
    result = examples_store.query(bind_variables(sparql, {"label": LABEL}))
    assert isinstance(result, SelectResult)
    assert len(result) == 5


def test_a_sub_select_is_restricted_by_what_it_projects(examples_store: Store) -> None:
    sparql = ("SELECT ?scan ?n WHERE { SELECT ?scan (COUNT(*) AS ?n) "
              "WHERE { ?s a fs:Issue ; fs:fromScan ?scan } GROUP BY ?scan }")
    result = examples_store.query(bind_variables(sparql, {"scan": SCAN}))
    assert isinstance(result, SelectResult)
    assert result.values() == [(str(SCAN), 3)]


def test_a_query_without_a_where_clause_cannot_be_bound() -> None:
    with pytest.raises(QueryError, match="no WHERE clause"):
        bind_variables("DESCRIBE ?s", {"s": SCAN})
