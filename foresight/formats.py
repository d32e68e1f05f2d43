"""The export formats, listed once: each name with its kind and its file extension.

Everything else is derived from :data:`FORMATS`: what a store can dump, what
:mod:`foresight.export` writes from the projection, the choices of the command line's
``--format``, and each backend's own name for a format (looked up by the extension:
``ttl`` is Oxigraph's ``RdfFormat.TURTLE`` and rdflib's ``"turtle"``).

Kinds:

* ``dataset``: an RDF dataset format; the store writes one named graph per scan;
* ``triples``: an RDF graph format; the store writes the union of all its graphs;
* ``graph``: a property-graph format, written from the networkx projection (the row level) or the concept
  level.

>>> format_named("turtle")
Format(name='turtle', kind='triples', extension='.ttl')
>>> DATASET_FORMATS
('trig', 'nquads', 'jsonld')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from foresight.errors import PluginNotFoundError

Kind = Literal["dataset", "triples", "graph"]


@dataclass(frozen=True)
class Format:
    """One export format: its name on the command line, its kind, the extension of its files."""

    name: str
    kind: Kind
    extension: str

    @property
    def is_rdf(self) -> bool:
        """Whether the store writes it (an RDF format), rather than the projection."""
        return self.kind != "graph"


FORMATS: tuple[Format, ...] = (
    Format("turtle", "triples", ".ttl"),
    Format("trig", "dataset", ".trig"),
    Format("nquads", "dataset", ".nq"),
    Format("nt", "triples", ".nt"),
    Format("jsonld", "dataset", ".jsonld"),
    Format("xml", "triples", ".rdf"),
    Format("graphml", "graph", ".graphml"),
    Format("gexf", "graph", ".gexf"),
    Format("html", "graph", ".html"),
    Format("kumu", "graph", ".json"),
)

#: Every format's name, in the order above.
FORMAT_NAMES = tuple(spec.name for spec in FORMATS)
#: The RDF formats a store dumps.
RDF_FORMATS = tuple(spec.name for spec in FORMATS if spec.is_rdf)
DATASET_FORMATS = tuple(spec.name for spec in FORMATS if spec.kind == "dataset")
TRIPLE_FORMATS = tuple(spec.name for spec in FORMATS if spec.kind == "triples")
#: The formats written from the networkx projection.
GRAPH_FORMATS = tuple(spec.name for spec in FORMATS if spec.kind == "graph")
FILE_EXTENSIONS = {spec.name: spec.extension for spec in FORMATS}

_BY_NAME = {spec.name: spec for spec in FORMATS}


def format_named(name: str) -> Format:
    """The export format called ``name``.

    Raises:
        PluginNotFoundError: no format has that name.
    """
    try:
        return _BY_NAME[name]
    except KeyError:
        raise PluginNotFoundError(
            f"no exporter registered for {name!r}; use one of {', '.join(FORMAT_NAMES)}") from None
