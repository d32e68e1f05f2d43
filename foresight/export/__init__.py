"""Exporters, looked up by format name (the formats are listed in :mod:`foresight.formats`).

Two families, one registry:

* RDF formats come from the store itself (``turtle``, ``trig``, ``nquads``, ``nt``,
  ``jsonld``, ``xml``): the whole dataset, named graphs kept where the format can;
* graph formats write the networkx projection (:mod:`foresight.derived.projection`):
  ``graphml`` and ``gexf`` for Gephi, yEd or Cytoscape, ``html`` for the interactive map
  (:mod:`foresight.export.html`).

Query results have their own writers in :mod:`.results`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from foresight.errors import StoreError
from foresight.files import atomic_write
from foresight.formats import format_named
from foresight.store.base import Store

if TYPE_CHECKING:
    import networkx as nx


def check_format(fmt: str) -> str:
    """The format name if foresight can export it (see :mod:`foresight.formats`).

    Raises:
        PluginNotFoundError: no exporter has that name.
    """
    return format_named(fmt).name


def export(store: Store, fmt: str, output: str | Path | IO[bytes], *, level: str = "rows", min_articles: int = 1,
           overrides: Any = None) -> None:
    """Write the store's dataset (RDF formats) or a graph (graph formats) in ``fmt``.

    The graph formats write the row level (the projection: every item of every scan) or, with ``level=
    "concepts"``, the concept level: the concepts and topics named in ``min_articles`` articles or more, each
    with its STEEP categories, topics, articles and first and last seen, and the links among them with their
    support and evidence (:meth:`foresight.derived.index.GraphIndex.concept_level`). ``overrides`` are the
    curator's rules the concepts are built with.

    Writing to a path goes through a temporary file renamed at the end, so an
    interrupted export never leaves half a file behind.

    Raises:
        PluginNotFoundError: an unknown format.
        StoreError: the folder of ``output`` does not exist, or a level the format cannot write.
    """
    spec = format_named(fmt)
    if level not in ("rows", "concepts"):
        raise StoreError(f"no level {level!r}: rows or concepts")
    if spec.is_rdf and level != "rows":
        raise StoreError(f"{fmt} is an RDF format: it writes the whole dataset, concepts included; --level is for "
                         "the graph formats")
    if not spec.is_rdf:
        if level == "concepts":
            graph = concept_graph(store, min_articles=min_articles, overrides=overrides)
        else:
            from foresight.derived.projection import project

            graph = project(store)

        def write(stream: IO[bytes]) -> None:
            _GRAPH_WRITERS[fmt](graph, stream)
    else:
        def write(stream: IO[bytes]) -> None:
            store.dump(stream, fmt)
    if fmt in _XML_FORMATS:
        plain_write = write

        def write(stream: IO[bytes]) -> None:  # checked as it is written: what is stored may not be XML text
            checked = _CheckedXml(stream, fmt)
            plain_write(checked)  # type: ignore[arg-type]
            checked.close()

    if not isinstance(output, (str, Path)):
        write(output)
        return
    atomic_write(output, write)


#: Formats written as XML, whose output is parsed as it is written.
_XML_FORMATS = {"xml", "graphml", "gexf"}


class _CheckedXml:
    """A byte stream that feeds what is written to an XML parser, so an export that would not parse fails."""

    def __init__(self, stream: IO[bytes], fmt: str) -> None:
        from xml.parsers import expat

        self.stream = stream
        self.fmt = fmt
        self.parser = expat.ParserCreate()

    def write(self, data: bytes | bytearray | memoryview) -> int:
        self._feed(bytes(data), False)
        return self.stream.write(data)

    def flush(self) -> None:
        self.stream.flush()

    def close(self) -> None:
        self._feed(b"", True)

    def _feed(self, data: bytes, final: bool) -> None:
        from xml.parsers import expat

        try:
            self.parser.Parse(data, final)
        except expat.ExpatError as error:
            raise StoreError(f"the {self.fmt} export would not parse (line {error.lineno}: "
                             f"{expat.ErrorString(error.code)}): the store holds text XML cannot carry, such "
                             "as a control character put there by a SPARQL update; nothing was written") from None


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(value: Any) -> Any:
    """A value GraphML and GEXF can carry: text without the characters XML 1.0 forbids."""
    if isinstance(value, str):
        return _NOT_XML.sub("", value)
    if isinstance(value, (list, tuple)):
        return "; ".join(str(_xml_safe(item)) for item in value)
    if isinstance(value, dict):
        return str(value)
    return value


def plain_graph(graph: nx.DiGraph[str]) -> nx.DiGraph[str]:
    """A copy of a projection that GraphML and GEXF can hold: no ``None`` values, no private graph data.

    Missing values are left out of a node's or edge's attributes; the scans'
    titles and dates become node attributes (``scan_title``, ``scan_date``).
    """
    import networkx as nx

    scans = graph.graph.get("scans", {})
    plain: nx.DiGraph[str] = nx.DiGraph()
    for node, data in graph.nodes(data=True):
        attrs: dict[str, Any] = {key: _xml_safe(value) for key, value in data.items() if value is not None}
        scan = scans.get(data.get("scan"), {})
        for key in ("title", "date", "url"):
            if scan.get(key):
                attrs[f"scan_{key}"] = scan[key]
        plain.add_node(node, **attrs)
    for source, target, data in graph.edges(data=True):
        plain.add_edge(source, target, **{key: _xml_safe(value) for key, value in data.items() if value is not None})
    return plain


def concept_graph(store: Store, *, min_articles: int = 1, overrides: Any = None) -> nx.DiGraph[str]:
    """The concept level of ``store`` as a plain graph, each concept with its STEEP categories as they are stored
    (``steep``: the first, and a second when it is close)."""
    from foresight.derived import views

    index = (views(store, overrides) if overrides is not None else views(store)).index("concepts")
    graph = index.concept_level(min_articles)
    for node, categories in index.steep_tags(graph).items():
        graph.nodes[node]["steep"] = categories
    return graph


def _graphml(graph: nx.DiGraph[str], stream: IO[bytes]) -> None:
    import networkx as nx

    nx.write_graphml(plain_graph(graph), stream, encoding="utf-8")


def _gexf(graph: nx.DiGraph[str], stream: IO[bytes]) -> None:
    import networkx as nx

    nx.write_gexf(plain_graph(graph), stream, encoding="utf-8")


def _html(graph: nx.DiGraph[str], stream: IO[bytes]) -> None:
    from foresight.export.html import render_html

    stream.write(render_html(graph).encode("utf-8"))


#: relations that go both ways, drawn without an arrow in Kumu
_UNDIRECTED = {"coOccursWith", "relatedTo", "sameAs", "closeMatch"}


def kumu_blueprint(graph: nx.DiGraph[str]) -> dict[str, Any]:
    """A graph as a Kumu blueprint: ``elements`` (label, type, description and the other attributes; labels
    made unique by adding the type, then a number, where two nodes share one) and ``connections`` (from, to,
    type, direction, strength and the other attributes). Scans' titles and dates come with the row level."""
    scans = graph.graph.get("scans", {})
    labels: dict[str, str] = {}
    taken: dict[str, int] = {}
    for node, data in graph.nodes(data=True):
        label = " ".join(str(data.get("label") or node).split())
        if label.casefold() in taken:
            label = f"{label} ({data.get('type', 'node')})"
        while label.casefold() in taken:
            taken[label.casefold()] += 1
            label = f"{label} {taken[label.casefold()]}"
        taken[label.casefold()] = 1
        labels[node] = label
    elements = []
    for node, data in graph.nodes(data=True):
        element: dict[str, Any] = {"label": labels[node], "type": data.get("type"), "iri": node}
        for key, value in data.items():
            if key in ("label", "type", "texts", "rows", "scan_list") or value in (None, [], ""):
                continue
            name = {"first": "first seen", "last": "last seen", "steep": "STEEP", "alt_labels": "other wordings",
                    "articles": "articles"}.get(key, key)
            element[name] = value
        scan = scans.get(data.get("scan"), {})
        for key in ("title", "date", "url"):
            if scan.get(key):
                element[f"scan {key}"] = scan[key]
        elements.append(element)
    connections = []
    for source, target, data in graph.edges(data=True):
        relation = data.get("relation")
        connection: dict[str, Any] = {"from": labels[source], "to": labels[target], "type": relation,
                                      "direction": "undirected" if relation in _UNDIRECTED else "directed"}
        if data.get("support") is not None:
            connection["strength"] = data["support"]
        for key in ("score", "method", "evidence", "scans", "scan"):
            if data.get(key) not in (None, [], ""):
                connection[key] = data[key]
        connections.append(connection)
    return {"elements": elements, "connections": connections}


def _kumu(graph: nx.DiGraph[str], stream: IO[bytes]) -> None:
    import json

    stream.write(json.dumps(kumu_blueprint(graph), ensure_ascii=False, indent=1, default=str).encode("utf-8"))
    stream.write(b"\n")


_GRAPH_WRITERS: dict[str, Callable[[nx.DiGraph[str], IO[bytes]], None]] = {
    "graphml": _graphml, "gexf": _gexf, "html": _html, "kumu": _kumu}
