"""The RDF mapping: golden graph, stable IRIs, escaping."""

from __future__ import annotations

import rdflib
from rdflib.compare import isomorphic

from foresight.mapping import map_scan, scan_to_rdflib
from foresight.model import Item, ItemKind, Scan, Signal, parse_shift
from foresight.readers import read_scan
from foresight.vocab import literal
from tests.conftest import TEST_DATA


def test_mini_scan_maps_to_the_golden_graph() -> None:
    graph = scan_to_rdflib(read_scan(TEST_DATA / "mini.md").scan)
    golden = rdflib.Graph().parse(TEST_DATA / "mini.ttl", format="turtle")
    assert isomorphic(graph, golden)


def test_same_scan_twice_gives_identical_triples() -> None:
    scan = read_scan(TEST_DATA / "mini.md").scan
    assert map_scan(scan).triples == map_scan(scan).triples


def test_rows_with_the_same_name_get_distinct_iris() -> None:
    scan = Scan(id="s", title="t", items=(Item(ItemKind.ISSUE, "Drift"), Item(ItemKind.ISSUE, "Drift")))
    subjects = {s for s, p, o in map_scan(scan).triples if o.endswith("#Issue>")}
    assert len(subjects) == 2


def test_untrusted_text_cannot_break_out_of_a_literal() -> None:
    nasty = 'x" . <http://evil> <http://evil> "y\n\\'
    scan = Scan(id="s", title=nasty, signals=(Signal(nasty, description=nasty),))
    graph = rdflib.Graph().parse(data=map_scan(scan).ntriples(), format="nt")
    titles = list(graph.objects(None, rdflib.URIRef("http://purl.org/dc/terms/title")))
    assert titles == [rdflib.Literal(nasty)]
    assert rdflib.URIRef("http://evil") not in set(graph.subjects()) | set(graph.predicates())


def test_literal_escaping() -> None:
    assert literal('a"b\\c\nd') == '"a\\"b\\\\c\\nd"'
    assert literal(3) == '"3"^^<http://www.w3.org/2001/XMLSchema#integer>'


def test_shift_forms() -> None:
    assert parse_shift("Moving from minimal surveillance to extensive monitoring.").to_state == "extensive monitoring"
    assert parse_shift("paper -> screens").from_state == "paper"
    whole = parse_shift("Understanding that wealth can heighten risks.")
    assert (whole.from_state, whole.to_state) == (None, None)
