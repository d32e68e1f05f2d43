"""Validation a scan graph at a time: the same verdicts as pySHACL, bounded by the graph, scans named."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

from foresight.ingest import ingest
from foresight.store import open_store
from foresight.validate import UnsupportedShapeError, compile_shapes, validate_store
from foresight.vocab import SCAN_GRAPH_PREFIX
from tests.conftest import EXAMPLES, OVERSIGHT, SURVEY, scan_node
from tests.conftest import cli as run

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")

# One breakage of each kind the shapes check, each inside one scan graph.
BROKEN = """
INSERT DATA {{ GRAPH <{graph}> {{
  <{scan}> dcterms:title "A second title" ; fs:pageDate "last spring"^^xsd:date ; fs:closestTo "not an IRI" .
  <{scan}/issue/bad> a fs:Issue ; fs:fromScan <{scan}> ; fs:relevancy 9 ; fs:sourceLine 0 .
  <{scan}/signal/lone> a fs:Signal ; rdfs:label "" ; fs:fromScan <{scan}> ; fs:hasShift <{scan}/issue/bad> .
  <{scan}/force/a> a fs:DrivingForce ; rdfs:label "A" ; fs:fromScan <{scan}> ; fs:drives <{scan}/signal/lone> .
  <{scan}/force/b> a fs:DrivingForce ; rdfs:label "B" ; fs:fromScan <{scan}> ; fs:drives <{scan}/signal/lone> .
  <{scan}/link/x> a fs:Link ; fs:linkSource <{scan}/force/a> ; fs:score 2.5 ; fs:method "hand" .
  <https://w3id.org/foresight/id/article/zz> a fs:Article ; fs:corpusId "not-an-md5" .
  <https://w3id.org/foresight/id/keywords/orphan> a fs:Keyword .
}} }}
"""


def _pyshacl_findings(store) -> set[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    """(focus, path, component) of every pySHACL result over the union of the graphs."""
    import pyshacl

    from foresight.resources import ontology_path, shapes_path

    data = store.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } "
                       "FILTER(?g != <https://w3id.org/foresight/id/graph/ontology>) }")
    _, results, _ = pyshacl.validate(data, shacl_graph=rdflib.Graph().parse(shapes_path()),
                                     ont_graph=rdflib.Graph().parse(ontology_path()), inference="none")
    found = set()
    for result in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        path = results.value(result, SH.resultPath)
        inverse = results.value(path, SH.inversePath) if isinstance(path, rdflib.BNode) else None
        label = ("^" + results.qname(inverse)) if inverse is not None else results.qname(path)
        component = str(results.value(result, SH.sourceConstraintComponent)).removeprefix(str(SH))
        found.add((str(results.value(result, SH.focusNode)), label, component.removesuffix("ConstraintComponent")))
    return found


def test_each_kind_of_breakage_is_found_as_pyshacl_finds_it(tmp_path: Path) -> None:
    with open_store(tmp_path / "store") as store:
        ingest(store, [EXAMPLES])
        assert validate_store(store).conforms
        scan = scan_node(SURVEY)
        store.update(BROKEN.format(graph=scan_node(SURVEY, graph=True), scan=scan))
        report = validate_store(store)
        theirs = _pyshacl_findings(store)
    ours = {(v.focus, v.path, v.component) for found in report.failing.values() for v in found}
    assert not report.conforms and report.violations == len(ours)
    assert len(ours) >= 15 and ours == theirs
    # every kind the shapes use was exercised
    assert {component for _, _, component in ours} >= {
        "MinCount", "MaxCount", "Datatype", "Class", "NodeKind", "MinLength", "Pattern", "MinInclusive",
        "MaxInclusive", "QualifiedMaxCount"}
    assert set(report.failing) == {scan_node(SURVEY, graph=True)}  # the scan that fails, and only it
    assert report.files[scan_node(SURVEY, graph=True)] == SURVEY.name


def test_a_scan_is_judged_by_its_own_graph(tmp_path: Path) -> None:
    # a scan graph that leans on another scan's triples fails on its own, as a per-scan check must
    with open_store(tmp_path / "store") as store:
        ingest(store, [EXAMPLES])
        survey, oversight = scan_node(SURVEY), scan_node(OVERSIGHT, graph=True)
        store.update(f"INSERT DATA {{ GRAPH <{oversight}> {{ <{survey}/issue/x> a fs:Issue ; rdfs:label \"X\" ; "
                     f"fs:fromScan <{survey}> }} }}")
        report = validate_store(store)
    assert set(report.failing) == {oversight}
    (violation,) = report.failing[oversight]
    assert (violation.path, violation.component) == ("fs:fromScan", "Class")


def test_the_cli_names_the_scans_that_fail_and_exits_1(store_dir: Path) -> None:
    result = run(store_dir, "validate")
    assert result.exit_code == 0 and "conforms: 12 graphs checked" in result.stdout
    graph = scan_node(SURVEY, graph=True)
    update = f'INSERT DATA {{ GRAPH <{graph}> {{ <{scan_node(SURVEY)}/issue/bad> a fs:Issue ; fs:relevancy 9 }} }}'
    assert run(store_dir, "sparql", "--update", update).exit_code == 0
    result = run(store_dir, "validate")
    assert result.exit_code == 1
    scan_id = graph.removeprefix(SCAN_GRAPH_PREFIX)
    assert f"scan {scan_id} (from {SURVEY.name})" in result.stdout
    assert "value 9 of fs:relevancy is more than 5" in result.stdout
    assert "3 violations in 1 graphs" in result.output
    reference = run(store_dir, "validate", "--engine", "pyshacl")
    assert reference.exit_code == 1 and "Results (3)" in reference.stdout


def test_a_shape_beyond_the_checks_is_refused_by_name() -> None:
    shapes = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix fs: <https://w3id.org/foresight/ontology#> .
    fs:S a sh:NodeShape ; sh:targetClass fs:Scan ; sh:or ( [ sh:path fs:a ; sh:minCount 1 ] ) ."""
    with pytest.raises(UnsupportedShapeError, match="sh:or"):
        compile_shapes(shapes)
    assert len(compile_shapes()) >= 8  # the shapes foresight ships are all checked
