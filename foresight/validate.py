"""SHACL validation of the store against ``ontology/shapes.ttl``."""

from __future__ import annotations

from dataclasses import dataclass

from foresight.resources import ontology_path, shapes_path
from foresight.store.base import Store
from foresight.vocab import GRAPH_PREFIX, ONTOLOGY_GRAPH


@dataclass
class ValidationReport:
    """The outcome of a SHACL validation."""

    conforms: bool
    violations: int
    text: str


def validate_store(store: Store) -> ValidationReport:
    """Validate every scan graph and the vocabulary graph against the SHACL shapes.

    The data graph is the union of all graphs but the ontology's; the ontology is
    given to the validator as the ontology graph.
    """
    import pyshacl
    import rdflib

    data = store.query(
        "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER(STRSTARTS(STR(?g), "{GRAPH_PREFIX}") && ?g != <{ONTOLOGY_GRAPH}>) }}'
    )
    assert isinstance(data, rdflib.Graph)
    shapes = rdflib.Graph().parse(shapes_path(), format="turtle")
    ontology = rdflib.Graph().parse(ontology_path(), format="turtle")
    conforms, report_graph, text = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none", allow_warnings=True
    )
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    violations = sum(1 for _ in report_graph.subjects(rdflib.RDF.type, sh.ValidationResult))
    return ValidationReport(bool(conforms), violations, str(text))
