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

from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

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


def export(store: Store, fmt: str, output: str | Path | IO[bytes]) -> None:
    """Write the store's dataset (RDF formats) or its projection (graph formats) in ``fmt``.

    Writing to a path goes through a temporary file renamed at the end, so an
    interrupted export never leaves half a file behind.

    Raises:
        PluginNotFoundError: an unknown format.
        StoreError: the folder of ``output`` does not exist.
    """
    if not format_named(fmt).is_rdf:
        from foresight.derived.projection import project

        graph = project(store)

        def write(stream: IO[bytes]) -> None:
            _GRAPH_WRITERS[fmt](graph, stream)
    else:
        def write(stream: IO[bytes]) -> None:
            store.dump(stream, fmt)
    if not isinstance(output, (str, Path)):
        write(output)
        return
    atomic_write(output, write)


def plain_graph(graph: nx.DiGraph[str]) -> nx.DiGraph[str]:
    """A copy of a projection that GraphML and GEXF can hold: no ``None`` values, no private graph data.

    Missing values are left out of a node's or edge's attributes; the scans'
    titles and dates become node attributes (``scan_title``, ``scan_date``).
    """
    import networkx as nx

    scans = graph.graph.get("scans", {})
    plain: nx.DiGraph[str] = nx.DiGraph()
    for node, data in graph.nodes(data=True):
        attrs: dict[str, Any] = {key: value for key, value in data.items() if value is not None}
        scan = scans.get(data.get("scan"), {})
        for key in ("title", "date", "url"):
            if scan.get(key):
                attrs[f"scan_{key}"] = scan[key]
        plain.add_node(node, **attrs)
    for source, target, data in graph.edges(data=True):
        plain.add_edge(source, target, **{key: value for key, value in data.items() if value is not None})
    return plain


def _graphml(graph: nx.DiGraph[str], stream: IO[bytes]) -> None:
    import networkx as nx

    nx.write_graphml(plain_graph(graph), stream, encoding="utf-8")


def _gexf(graph: nx.DiGraph[str], stream: IO[bytes]) -> None:
    import networkx as nx

    nx.write_gexf(plain_graph(graph), stream, encoding="utf-8")


def _html(graph: nx.DiGraph[str], stream: IO[bytes]) -> None:
    from foresight.export.html import render_html

    stream.write(render_html(graph).encode("utf-8"))


_GRAPH_WRITERS: dict[str, Callable[[nx.DiGraph[str], IO[bytes]], None]] = {
    "graphml": _graphml, "gexf": _gexf, "html": _html}
