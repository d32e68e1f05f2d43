"""The ontology declares every term the mapping uses; the corpus conforms to the shapes."""

from __future__ import annotations

import rdflib
from rdflib.namespace import OWL, RDF, RDFS

from foresight.resources import ontology_path, saved_queries, shapes_path
from foresight.store.base import SelectResult
from foresight.validate import validate_store

ONTOLOGY = rdflib.Graph().parse(ontology_path(), format="turtle")
DECLARED = {s for s in ONTOLOGY.subjects(RDF.type, None)}


def test_every_class_and_property_of_ours_has_label_and_comment() -> None:
    ours = [s for s in DECLARED if str(s).startswith("https://w3id.org/foresight/ontology#")]
    assert len(ours) > 40
    for term in ours:
        assert ONTOLOGY.value(term, RDFS.label) is not None, term
        assert ONTOLOGY.value(term, RDFS.comment) is not None, term


def test_every_term_the_mapping_uses_is_declared(corpus_store) -> None:  # type: ignore[no-untyped-def]
    store, _ = corpus_store
    used = store.select("""SELECT DISTINCT ?term WHERE {
        { GRAPH ?g { ?s ?term ?o } } UNION { GRAPH ?g { ?s a ?term } }
        FILTER(?g != fsid:graph\\/ontology) }""")
    terms = {rdflib.URIRef(str(row[0])) for row in used.rows} - {RDF.type}
    assert len(terms) > 30
    missing = sorted(str(term) for term in terms if term not in DECLARED)
    assert missing == []


def test_corpus_conforms_to_the_shapes(corpus_store) -> None:  # type: ignore[no-untyped-def]
    store, _ = corpus_store
    report = validate_store(store)
    assert report.conforms, report.text
    assert report.violations == 0


def test_shapes_target_our_classes() -> None:
    shapes = rdflib.Graph().parse(shapes_path(), format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    targets = set(shapes.objects(None, sh.targetClass))
    for name in ("Scan", "Article", "Signal", "DrivingForce", "Shift", "Outlook", "Concern", "Behavior",
                 "Technology", "Issue", "Keyword", "Theme", "Link"):
        assert rdflib.URIRef("https://w3id.org/foresight/ontology#" + name) in targets
    assert (None, RDF.type, OWL.Ontology) in ONTOLOGY


def test_saved_queries_run_on_the_corpus(corpus_store) -> None:  # type: ignore[no-untyped-def]
    store, _ = corpus_store
    queries = saved_queries()
    assert len(queries) >= 5
    for name, path in queries.items():
        result = store.query(path.read_text(encoding="utf-8"))
        assert isinstance(result, SelectResult), name
        assert len(result) > 0, name


def test_the_real_scans_conform_to_the_shapes(real_store) -> None:  # type: ignore[no-untyped-def]
    store, _ = real_store
    report = validate_store(store)
    assert report.conforms, report.text
    assert report.graphs >= 202  # the 200 scans, the vocabulary and the concepts
