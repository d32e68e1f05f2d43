"""The store interface every backend implements.

A store is an RDF dataset with SPARQL 1.1 query and update, holding one named graph
per scan. Results come back as rdflib terms, so rdflib stays the interchange API
whatever the backend; a remote SPARQL endpoint is one more implementation of this
class, not a special case in the callers.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Union

from foresight.errors import QueryError, StoreError
from foresight.vocab import PREFIXES, SCAN_GRAPH_PREFIX

if TYPE_CHECKING:
    import rdflib
    from rdflib.term import Node


@dataclass
class SelectResult:
    """The solutions of a SELECT query: variable names and rows of rdflib terms."""

    variables: list[str]
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)

    def values(self) -> list[tuple[Any, ...]]:
        """The rows with literals as Python values and IRIs as strings."""
        return [tuple(_python_value(term) for term in row) for row in self.rows]

    def dicts(self) -> list[dict[str, Any]]:
        """The rows as ``{variable: python value}``, unbound variables left out."""
        return [
            {name: _python_value(term) for name, term in zip(self.variables, row, strict=True) if term is not None}
            for row in self.rows
        ]


def _python_value(term: Node | None) -> Any:
    if term is None:
        return None
    from rdflib import Literal

    if isinstance(term, Literal):
        value = term.toPython()
        return value if value is not None else str(term)
    return str(term)


_NUMERIC = {"http://www.w3.org/2001/XMLSchema#integer": int, "http://www.w3.org/2001/XMLSchema#decimal": float,
            "http://www.w3.org/2001/XMLSchema#double": float, "http://www.w3.org/2001/XMLSchema#float": float}


def plain_literal(value: str, datatype: str | None) -> str | int | float:
    """A literal's lexical value as str, or as int/float for the numeric XSD types it can be read as."""
    convert = _NUMERIC.get(datatype or "")
    if convert is not None:
        try:
            number: int | float = convert(value)
        except ValueError:
            return value
        return number
    return value


def _plain_value(term: Node | None) -> Any:
    if term is None:
        return None
    from rdflib import Literal

    if isinstance(term, Literal):
        return plain_literal(str(term), str(term.datatype) if term.datatype else None)
    return str(term)


QueryResult = Union[SelectResult, bool, "rdflib.Graph"]

DATASET_FORMATS = {"trig", "nquads", "jsonld"}
TRIPLE_FORMATS = {"turtle", "nt", "xml"}
EXPORT_FORMATS = ("turtle", "trig", "nquads", "nt", "jsonld", "xml")

_UPDATE_WORDS = re.compile(
    r"^\s*(?:(?:PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*"
    r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
    re.IGNORECASE,
)


def is_update(sparql: str) -> bool:
    """Whether a SPARQL text is an update rather than a query (comments ignored)."""
    text = "\n".join(line for line in sparql.splitlines() if not line.lstrip().startswith("#"))
    return bool(_UPDATE_WORDS.match(text))


class Store(ABC):
    """An RDF dataset with SPARQL 1.1, one named graph per scan."""

    #: where the store lives, for messages
    location: str = ""
    #: the most scans ingest writes in one store transaction
    batch_scans: int = 500

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @abstractmethod
    def close(self) -> None:
        """Release the store."""

    @abstractmethod
    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        """Run a SPARQL query over the union of all graphs.

        Args:
            sparql: the query; foresight's prefixes (``fs:``, ``skos:``, …) are predeclared.
            bindings: values for variables, bound by the engine, never pasted into the text.

        Returns:
            A :class:`SelectResult` for SELECT, a bool for ASK, an rdflib Graph for
            CONSTRUCT and DESCRIBE.

        Raises:
            QueryError: the query is invalid, or is an update.
        """

    @abstractmethod
    def update(self, sparql: str) -> None:
        """Run a SPARQL update, as one transaction.

        Raises:
            QueryError: the update is invalid.
        """

    @abstractmethod
    def replace_graphs(self, graphs: Sequence[str], nquads: str, markers: str = "") -> None:
        """Drop the named graphs listed, then add the N-Quads given, then the markers.

        Backends may write ``nquads`` in several steps for speed; ``markers`` (the
        scans' content digests) are written last, in one transaction, so a graph
        with its marker is always complete.
        """

    def delete_quads(self, nquads: str) -> None:
        """Remove the quads given as N-Quads (as foresight writes them); quads not in the store are ignored."""
        body = sparql_quad_data(nquads)
        if body:
            self.update("DELETE DATA {\n" + body + "}")

    @abstractmethod
    def graph_names(self) -> set[str]:
        """The IRIs of all named graphs in the store."""

    @abstractmethod
    def dump(self, output: IO[bytes], fmt: str) -> None:
        """Write the whole dataset in one of :data:`EXPORT_FORMATS`.

        Dataset formats (trig, nquads, jsonld) keep the named graphs; triple formats
        (turtle, nt, xml) write the union of all graphs.
        """

    @abstractmethod
    def triple_count(self) -> int:
        """The number of quads in the store."""

    def check(self) -> None:
        """Fail clearly when the store cannot answer as foresight needs; a no-op for embedded stores.

        Raises:
            StoreError: what is wrong, and what to change.
        """
        return None

    def cache_dir(self) -> Path | None:
        """A local folder for what foresight derives from the store (projection pieces, concepts).

        ``None`` when nothing should be kept on disk (in-memory stores).
        """
        return None

    def select(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> SelectResult:
        """Run a SELECT query (see :meth:`query`)."""
        result = self.query(sparql, bindings)
        if not isinstance(result, SelectResult):
            raise QueryError("expected a SELECT query")
        return result

    def select_plain(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> list[tuple[Any, ...]]:
        """Run a SELECT query and return plain rows: IRIs and literals as ``str``, numbers as int or float.

        Cheaper than :meth:`select` on large results; backends override it with a
        path that skips building rdflib terms.
        """
        return [tuple(_plain_value(term) for term in row) for row in self.select(sparql, bindings).rows]

    def fingerprint(self) -> str:
        """A digest of the store's content: changes whenever a scan graph is written or dropped.

        Derived data (projections, caches) keyed by it are rebuilt when the store changes.
        """
        import hashlib

        state = hashlib.sha256()
        for graph, digest in sorted(self.digests().items()):
            state.update(f"{graph}\t{digest}\n".encode())
        state.update(str(self.triple_count()).encode())
        return state.hexdigest()

    def digests(self) -> dict[str, str]:
        """The content digest recorded in each graph (scans and the ontology), by graph IRI."""
        result = self.select("SELECT ?g ?digest WHERE { GRAPH ?g { ?s fs:contentDigest ?digest } }")
        return {str(g): str(d) for g, d in result.rows}

    def digest_of(self, graph: str) -> str | None:
        """The content digest recorded in one graph, if any."""
        from rdflib import URIRef

        result = self.select("SELECT ?g ?digest WHERE { GRAPH ?g { ?s fs:contentDigest ?digest } }",
                             {"g": URIRef(graph)})
        return str(result.rows[0][1]) if result.rows else None

    def has_graph(self, graph: str) -> bool:
        """Whether a named graph holds anything."""
        from rdflib import URIRef

        return bool(self.query("ASK { GRAPH ?g { ?s ?p ?o } }", {"g": URIRef(graph)}))

    def scan_digests(self) -> dict[str, str]:
        """The content digest recorded for each scan graph, by graph IRI."""
        return {graph: digest for graph, digest in self.digests().items() if graph.startswith(SCAN_GRAPH_PREFIX)}

    def count_graphs(self, prefix: str = SCAN_GRAPH_PREFIX) -> int:
        """How many named graphs start with ``prefix``."""
        from rdflib import Literal

        result = self.select(
            "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), ?prefix)) }",
            {"prefix": Literal(prefix)},
        )
        return int(result.values()[0][0])


def split_quad(line: str) -> tuple[str, str]:
    """An N-Quads line, as foresight writes them, split into its triple (``s p o .``) and its graph IRI.

    Raises:
        StoreError: the line is not ``s p o <graph> .``.
    """
    body = line.rstrip()
    head, _, graph = body[:-2].rstrip().rpartition(" <") if body.endswith(" .") else ("", "", "")
    if not head or not graph.endswith(">"):
        raise StoreError(f"not an N-Quads line with a graph: {body[:80]!r}")
    return head + " .\n", graph[:-1]


def group_quads(nquads: str) -> dict[str, list[str]]:
    """N-Quads lines grouped by graph IRI, as triples."""
    by_graph: dict[str, list[str]] = {}
    for line in nquads.splitlines():
        if line.strip():
            triple, graph = split_quad(line)
            by_graph.setdefault(graph, []).append(triple)
    return by_graph


def sparql_quad_data(nquads: str) -> str:
    """N-Quads as the quad data of a SPARQL ``INSERT DATA`` / ``DELETE DATA`` (``GRAPH <g> { … }`` blocks)."""
    return "".join(f"GRAPH <{graph}> {{\n{''.join(triples)}}}\n" for graph, triples in group_quads(nquads).items())


def prefixed_graph() -> rdflib.Graph:
    """An empty rdflib Graph with foresight's prefixes bound (for CONSTRUCT answers and exports)."""
    import rdflib

    graph = rdflib.Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def encode_term(term: Node) -> str:
    """A term as SPARQL/N-Triples text, escaped so that no value can change the query.

    Raises:
        QueryError: an IRI with characters an IRI cannot hold, or an unsupported term.
    """
    from rdflib import BNode, Literal, URIRef

    from foresight.mapping import iri, literal
    from foresight.vocab import is_safe_iri

    if isinstance(term, URIRef):
        if not is_safe_iri(str(term)):
            raise QueryError(f"cannot bind {str(term)!r}: not a valid IRI")
        return iri(str(term))
    if isinstance(term, Literal):
        if term.language:
            if not re.fullmatch(r"[A-Za-z]+(-[A-Za-z0-9]+)*", term.language):
                raise QueryError(f"cannot bind a literal with language tag {term.language!r}")
            return literal(str(term)) + "@" + term.language
        if term.datatype:
            if not is_safe_iri(str(term.datatype)):
                raise QueryError(f"cannot bind a literal with datatype {str(term.datatype)!r}")
            return literal(str(term), str(term.datatype))
        return literal(str(term))
    if isinstance(term, BNode):
        raise QueryError("cannot bind a blank node")
    raise QueryError(f"cannot bind {term!r}")


def bind_variables(sparql: str, bindings: Mapping[str, Node]) -> str:
    """Bind variables by an inline VALUES block at the start of the WHERE clause.

    The values are encoded as RDF terms (escaped), never pasted as text, so a value
    cannot change the query. Placed inside the WHERE clause, the block restricts the
    pattern before any grouping, unlike a trailing VALUES clause.

    Raises:
        QueryError: a variable name or value that cannot be bound, or no WHERE clause.
    """
    if not bindings:
        return sparql
    names = list(bindings)
    for name in names:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryError(f"invalid variable name {name!r}")
    row = " ".join(encode_term(bindings[name]) for name in names)
    block = " VALUES (" + " ".join("?" + name for name in names) + ") { (" + row + ") } "
    position = _first_brace(sparql)
    if position < 0:
        raise QueryError("cannot bind variables: the query has no WHERE clause")
    return sparql[: position + 1] + block + sparql[position + 1 :]


def _first_brace(sparql: str) -> int:
    """Index of the first '{' that is not inside a comment or an IRI."""
    index, length = 0, len(sparql)
    while index < length:
        char = sparql[index]
        if char == "#":
            newline = sparql.find("\n", index)
            index = length if newline < 0 else newline
        elif char == "<":
            close = sparql.find(">", index)
            index = length if close < 0 else close
        elif char == "{":
            return index
        index += 1
    return -1
