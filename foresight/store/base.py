"""The store interface every backend implements.

A store is an RDF dataset with SPARQL 1.1 query and update, holding one named graph
per scan. Results come back as rdflib terms, so rdflib stays the interchange API
whatever the backend; a remote SPARQL endpoint is one more implementation of this
class, not a special case in the callers.
"""

from __future__ import annotations

import contextlib
import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Union

from foresight.errors import QueryError, StoreError
from foresight.formats import RDF_FORMATS, Format, format_named
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


def dump_format(fmt: str) -> Format:
    """The RDF format named ``fmt``, one a store can dump (see :mod:`foresight.formats`).

    Raises:
        QueryError: no RDF format has that name.
    """
    if fmt not in RDF_FORMATS:
        raise QueryError(f"unknown export format {fmt!r}; use one of {', '.join(RDF_FORMATS)}")
    return format_named(fmt)


_UPDATE_WORDS = re.compile(
    r"^\s*(?:(?:PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*"
    r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
    re.IGNORECASE,
)


_STRINGS_AND_IRIS = re.compile(r'<[^<>"{}|^`\\\s]*>|"""(?:.|\n)*?"""|\'\'\'(?:.|\n)*?\'\'\'|"(?:[^"\\\n]|\\.)*"'
                               r"|'(?:[^'\\\n]|\\.)*'|#[^\n]*")
_PREFIXED = re.compile(r"(?<![\w:.?$-])([A-Za-z][\w.-]*)?:(?=[\w%\\]|[\s;,.)\]}])")
_DECLARED = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE)


def unknown_prefixes(sparql: str) -> list[str]:
    """The prefixes a SPARQL text uses without declaring them (foresight's own count as declared).

    >>> unknown_prefixes("PREFIX ex: <http://e.org/> SELECT * WHERE { ?s ex:p fs:Signal ; foo:bar 'a:b' }")
    ['foo']
    """
    text = _STRINGS_AND_IRIS.sub(" ", sparql)
    declared = set(PREFIXES) | {name or "" for name in _DECLARED.findall(text)}
    found: list[str] = []
    for name in _PREFIXED.findall(text):
        if (name or "") not in declared and name not in found:
            found.append(name)
    return found


_SERVICE = re.compile(r"\bSERVICE\b", re.IGNORECASE)


def uses_service(sparql: str) -> bool:
    """Whether a query calls another endpoint (``SERVICE``), strings, IRIs and comments aside.

    >>> uses_service("SELECT * WHERE { SERVICE <http://x.org/sparql> { ?s ?p ?o } }"), uses_service("# SERVICE")
    (True, False)
    """
    return bool(_SERVICE.search(_STRINGS_AND_IRIS.sub(" ", sparql)))


def syntax_message(sparql: str, detail: str) -> str:
    """What is wrong with a query, naming an undeclared prefix when that is the cause."""
    unknown = unknown_prefixes(sparql)
    if unknown:
        known = ", ".join(f"{name}:" for name in sorted(PREFIXES))
        return (f"unknown prefix {unknown[0]}: (declare it with PREFIX {unknown[0]}: <...>; "
                f"foresight declares {known})")
    return detail


def is_update(sparql: str) -> bool:
    """Whether a SPARQL text is an update rather than a query (comments ignored)."""
    text = "\n".join(line for line in sparql.splitlines() if not line.lstrip().startswith("#"))
    return bool(_UPDATE_WORDS.match(text))


@dataclass(frozen=True)
class StoreState:
    """Where a store stands: a token changed by every write, and one changed by unscoped writes."""

    generation: str
    unscoped: str


class Store(ABC):
    """An RDF dataset with SPARQL 1.1, one named graph per scan.

    Every write goes through :meth:`update`, :meth:`replace_graphs` or
    :meth:`delete_quads`, which change the store's :meth:`generation` before and after
    writing; backends implement the ``_``-prefixed halves.
    """

    _state: StoreState = StoreState("none", "none")
    #: opened for reading only: every write is refused
    read_only: bool = False
    #: whether a query may call another endpoint over the network (SPARQL ``SERVICE``)
    allow_service: bool = False

    def check_query(self, sparql: str) -> None:
        """Refuse what a query may not do here: call another endpoint unless :attr:`allow_service` is set.

        Raises:
            QueryError: the query uses SERVICE.
        """
        if not self.allow_service and uses_service(sparql):
            raise QueryError("the query calls another endpoint (SERVICE), which reaches the network; "
                             "pass --allow-service to allow it")

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

    def update(self, sparql: str) -> None:
        """Run a SPARQL update, as one transaction.

        An update may change any graph, so everything derived from the store is
        rebuilt afterwards, the projection's per-scan pieces included.

        Raises:
            QueryError: the update is invalid.
        """
        self.check_query(sparql)
        self._changing(scoped=False)
        try:
            self._update(sparql)
        finally:
            self._changing(scoped=False)

    def replace_graphs(self, graphs: Sequence[str], nquads: str, markers: str = "") -> None:
        """Drop the named graphs listed, then add the N-Quads given, then the markers.

        Backends may write ``nquads`` in several steps for speed; ``markers`` (the
        scans' content digests) are written last, in one transaction, so a graph
        with its marker is always complete.
        """
        known = self._known_count()
        delta = self._count_change(graphs, nquads + markers, "") if known is not None else None
        self._changing(scoped=True)
        try:
            self._replace_graphs(graphs, nquads, markers)
        finally:
            self._changing(scoped=True)
        if known is not None and delta is not None:
            self._remember_count(known + delta)

    def delete_quads(self, nquads: str) -> None:
        """Remove the quads given as N-Quads (as foresight writes them); quads not in the store are ignored."""
        scoped = not any(graph.startswith(SCAN_GRAPH_PREFIX) for graph in group_quads(nquads))
        self._changing(scoped=scoped)
        try:
            self._delete_quads(nquads)
        finally:
            self._changing(scoped=scoped)

    def apply_changes(self, *, drop: Sequence[str] = (), deletes: str = "", inserts: str = "",
                      incomplete: tuple[str, str] = ("", "")) -> None:
        """Drop some graphs, delete some quads, add others (N-Quads), all in one transaction.

        Readers see the store before or after, never between. A store that cannot do
        it in one transaction (a SPARQL server limits the size of a request) first
        swaps the marker line ``incomplete[0]`` for ``incomplete[1]``, so that a write
        cut short is seen for what it is and redone.
        """
        graphs = set(drop) | set(group_quads(deletes)) | set(group_quads(inserts))
        scoped = not any(graph.startswith(SCAN_GRAPH_PREFIX) for graph in graphs)
        known = self._known_count()
        delta = self._count_change(drop, inserts, deletes) if known is not None else None
        self._changing(scoped=scoped)
        try:
            self._apply_changes(drop, deletes, inserts, incomplete)
        finally:
            self._changing(scoped=scoped)
        if known is not None and delta is not None:
            self._remember_count(known + delta)

    def _apply_changes(self, drop: Sequence[str], deletes: str, inserts: str, incomplete: tuple[str, str]) -> None:
        parts = [f"DROP SILENT GRAPH <{graph}>" for graph in drop]
        for operation, text in (("DELETE DATA", deletes), ("INSERT DATA", inserts)):
            body = sparql_quad_data(text)
            if body:
                parts.append(f"{operation} {{\n{body}}}")
        if parts:
            self._update(" ;\n".join(parts))

    def graph_lines(self, graph: str) -> Iterator[str]:
        """A named graph's quads as canonical N-Quads lines (see :func:`canonical_lines`), a batch at a time."""
        import pyoxigraph as ox
        from rdflib import URIRef

        from foresight.store.oxigraph import from_rdflib

        rows = self.select("SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": URIRef(graph)}).rows
        name = ox.NamedNode(graph)
        quads = [ox.Quad(from_rdflib(s), from_rdflib(p), from_rdflib(o), name)  # type: ignore[arg-type]
                 for s, p, o in rows if s is not None and p is not None and o is not None]
        for start in range(0, len(quads), _LINES_AT_ONCE):
            yield from _lines(quads[start:start + _LINES_AT_ONCE])

    @abstractmethod
    def _update(self, sparql: str) -> None:
        """Run a SPARQL update (the backend's part of :meth:`update`)."""

    @abstractmethod
    def _replace_graphs(self, graphs: Sequence[str], nquads: str, markers: str) -> None:
        """Replace graphs (the backend's part of :meth:`replace_graphs`)."""

    def _delete_quads(self, nquads: str) -> None:
        body = sparql_quad_data(nquads)
        if body:
            self._update("DELETE DATA {\n" + body + "}")

    # ----- the store's generation: what derived data is checked against ---------------------------

    def generation(self) -> StoreState:
        """The store's state tokens, changed before and after every write.

        ``generation`` changes on every write; ``unscoped`` only on writes that may have
        changed any scan graph (a SPARQL update), as opposed to writes that name the
        graphs they replace. The tokens live with the store (a file in its cache folder
        for a store on disk or on a server), so another process sees a change at once.
        """
        path = self._state_file()
        if path is None:
            return self._state
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            return StoreState("none", "none")
        generation, _, unscoped = text.strip().partition(" ")
        return StoreState(generation or "none", unscoped or "none")

    def _changing(self, *, scoped: bool) -> None:
        import os

        if self.read_only:
            raise StoreError(f"{self.location}: the store is open read-only")

        state = self.generation()
        token = os.urandom(8).hex()
        new = StoreState(token, state.unscoped if scoped else token)
        path = self._state_file()
        if path is None:
            self._state = new
            return
        from foresight.files import atomic_write

        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, lambda stream: stream.write(f"{new.generation} {new.unscoped}\n".encode()))
        except OSError as error:
            raise StoreError(f"{self.location}: cannot record the store's change ({error})") from None

    def _state_file(self) -> Path | None:
        folder = self.cache_dir()
        return folder / "generation" if folder is not None else None

    # The quad count, kept beside the store for the generation it was true at: counting a big store takes
    # seconds, and a write that knows how many quads it adds and removes keeps the count true. Any other write
    # changes the generation, and the next count is made again.

    def _known_count(self) -> int | None:
        """The number of quads, when kept for the store's current generation."""
        folder = self.cache_dir()
        if folder is None:
            return None
        try:
            generation, _, count = (folder / "quads").read_text(encoding="utf-8").strip().partition(" ")
        except OSError:
            return None
        return int(count) if generation == self.generation().generation and count.isdigit() else None

    def _remember_count(self, count: int) -> None:
        folder = self.cache_dir()
        if folder is None or self.read_only:
            return
        from foresight.files import atomic_write

        with contextlib.suppress(OSError):
            atomic_write(folder / "quads", lambda stream: stream.write(
                f"{self.generation().generation} {count}\n".encode()))

    def _count_change(self, drop: Sequence[str], inserts: str, deletes: str) -> int | None:
        """How many quads a write will add (negative: remove), or ``None`` when a backend cannot tell cheaply."""
        return None

    @abstractmethod
    def graph_names(self) -> set[str]:
        """The IRIs of all named graphs in the store."""

    @abstractmethod
    def dump(self, output: IO[bytes], fmt: str) -> None:
        """Write the whole dataset in one of the RDF formats (:data:`foresight.formats.RDF_FORMATS`).

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

    @property
    def memo(self) -> dict[str, Any]:
        """Where :mod:`foresight.derived` keeps what it derived from this store object; nothing else uses it."""
        held: dict[str, Any] | None = self.__dict__.get("_memo")
        if held is None:
            held = self.__dict__["_memo"] = {}
        return held

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


#: Quads turned into canonical lines at once (bounded memory on a big graph).
_LINES_AT_ONCE = 50_000


def canonical_lines(nquads: str) -> list[str]:
    """N-Quads lines as a store gives them back, so that two spellings of one quad compare equal.

    They pass through an Oxigraph store in memory, which writes literals in their canonical
    form (``"0.630"^^xsd:decimal`` comes back as ``"0.63"``), as the store on disk does.
    """
    import pyoxigraph as ox

    held = ox.Store()
    held.extend(ox.parse(nquads, ox.RdfFormat.N_QUADS))
    return _lines(list(held))


def _lines(quads: list[Any]) -> list[str]:
    import pyoxigraph as ox

    text = (ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"").decode("utf-8")
    return [line + "\n" for line in text.splitlines() if line]


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

    from foresight.vocab import iri, is_safe_iri, literal

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
    pattern before any grouping, unlike a trailing VALUES clause. Every query form
    works: the block goes into the pattern of ``SELECT … { … }``, ``ASK { … }``,
    ``DESCRIBE … WHERE { … }`` and ``CONSTRUCT { template } WHERE { … }``, never into a
    CONSTRUCT's template; the short ``CONSTRUCT WHERE { … }`` is written out in full first.

    >>> from rdflib import Literal
    >>> bind_variables("CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s rdfs:label ?l }", {"l": Literal("Drones")})
    'CONSTRUCT { ?s rdfs:label ?l } WHERE { VALUES (?l) { ("Drones") }  ?s rdfs:label ?l }'
    >>> bind_variables("CONSTRUCT WHERE { ?s rdfs:label ?l }", {"l": Literal("Drones")})
    'CONSTRUCT { ?s rdfs:label ?l } WHERE { VALUES (?l) { ("Drones") }  ?s rdfs:label ?l }'

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
    text = _STRINGS_AND_IRIS.sub(lambda match: " " * len(match.group()), sparql)  # the same positions, no literals
    form = _QUERY_FORM.search(text)
    if form is None:
        raise QueryError("cannot bind variables: not a SELECT, CONSTRUCT, ASK or DESCRIBE query")
    opening = _brace_after(text, form.end())
    if opening < 0:
        raise QueryError("cannot bind variables: the query has no WHERE clause")
    if form.group(1).upper() == "CONSTRUCT":
        if _WHERE.search(text, form.end(), opening):
            # CONSTRUCT WHERE { T } is CONSTRUCT { T } WHERE { T }; only the second may hold VALUES
            close = _closing_brace(text, opening)
            template = sparql[opening : close + 1]
            sparql = sparql[: form.end()] + " " + template + sparql[form.end() :]
            text = text[: form.end()] + " " + text[opening : close + 1] + text[form.end() :]
            opening += len(template) + 1
        else:
            opening = _brace_after(text, _closing_brace(text, opening) + 1)
            if opening < 0:
                raise QueryError("cannot bind variables: the query has no WHERE clause")
    close = _closing_brace(text, opening)
    if _SUB_SELECT.match(text, opening + 1):
        # WHERE { SELECT … }: a sub-select is the whole group; VALUES goes beside it, in a group of its own
        return sparql[: opening + 1] + block + "{" + sparql[opening + 1 : close] + "}" + sparql[close:]
    return sparql[: opening + 1] + block + sparql[opening + 1 :]


# A query form's keyword, or WHERE, as a word (not part of a prefixed name or a variable).
_QUERY_FORM = re.compile(r"(?<![\w:?$])(SELECT|CONSTRUCT|DESCRIBE|ASK)(?![\w:])", re.IGNORECASE)
_WHERE = re.compile(r"(?<![\w:?$])WHERE(?![\w:])", re.IGNORECASE)
_SUB_SELECT = re.compile(r"\s*SELECT(?![\w:])", re.IGNORECASE)


def _brace_after(text: str, start: int) -> int:
    """Index of the first '{' from ``start`` outside parentheses (a SELECT's ``(EXISTS { … } AS ?x)``), or -1."""
    depth = 0
    for index in range(start, len(text)):
        char = text[index]
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif char == "{" and depth == 0:
            return index
    return -1


def _closing_brace(text: str, opening: int) -> int:
    """Index of the '}' that closes the '{' at ``opening``.

    Raises:
        QueryError: the braces do not balance.
    """
    depth = 0
    for index in range(opening, len(text)):
        if text[index] == "{":
            depth += 1
        elif text[index] == "}":
            depth -= 1
            if depth == 0:
                return index
    raise QueryError("cannot bind variables: a '{' in the query is never closed")
