"""The one table of export formats: every store writes every RDF format in it, the CLI offers all of it."""

from __future__ import annotations

import io

import pytest
import rdflib

from foresight.errors import PluginNotFoundError, QueryError
from foresight.formats import DATASET_FORMATS, FORMAT_NAMES, RDF_FORMATS, TRIPLE_FORMATS, format_named
from foresight.ingest import ingest
from foresight.store import open_store
from tests.conftest import TEST_DATA


@pytest.mark.parametrize("location", ["memory:", "rdflib:"])
def test_every_store_writes_every_rdf_format(location: str) -> None:
    with open_store(location) as store:
        ingest(store, [TEST_DATA / "mini.md"])
        quads = store.triple_count()
        for fmt in RDF_FORMATS:
            stream = io.BytesIO()
            store.dump(stream, fmt)
            rdflib_format = rdflib.util.guess_format("file" + format_named(fmt).extension)
            if fmt in DATASET_FORMATS:
                dataset = rdflib.Dataset()
                dataset.parse(data=stream.getvalue(), format=rdflib_format)
                default = rdflib.graph.DATASET_DEFAULT_GRAPH_ID
                assert sum(len(graph) for graph in dataset.graphs() if graph.identifier != default) == quads, fmt
            else:
                graph = rdflib.Graph()
                graph.parse(data=stream.getvalue(), format=rdflib_format)
                assert 0 < len(graph) <= quads, fmt


def test_a_store_refuses_a_graph_format() -> None:
    with open_store("memory:") as store, pytest.raises(QueryError, match="unknown export format 'graphml'"):
        store.dump(io.BytesIO(), "graphml")


def test_an_unknown_format_names_the_known_ones() -> None:
    with pytest.raises(PluginNotFoundError, match="use one of turtle, trig"):
        format_named("n3")


def test_the_kinds_split_the_rdf_formats() -> None:
    assert sorted(DATASET_FORMATS + TRIPLE_FORMATS) == sorted(RDF_FORMATS)


def test_the_cli_offers_every_format() -> None:
    from foresight.cli import ExportFormat

    assert [member.value for member in ExportFormat] == list(FORMAT_NAMES)
