"""A remote SPARQL 1.1 server as the store: Virtuoso, GraphDB, Fuseki, Neptune, ...

foresight talks to it over the SPARQL 1.1 Protocol (queries and updates) and,
optionally, the Graph Store Protocol (uploads). Each scan is one named graph, as in
the embedded store, so re-ingest replaces exactly its own graph. The server must
answer queries without ``FROM`` over the union of its named graphs (Virtuoso,
GraphDB and Neptune do by default; Fuseki with ``tdb2:unionDefaultGraph true``);
:meth:`SparqlStore.check` says so plainly when it does not.

Credentials come only from the environment or the config file (see
:mod:`foresight.store.config`); they are never put in a URL, a log line or a message.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from foresight.errors import QueryError, StoreError
from foresight.store.base import (
    QueryResult,
    SelectResult,
    Store,
    StoreState,
    bind_variables,
    group_quads,
    is_update,
    plain_literal,
    prefixed_graph,
    sparql_quad_data,
    syntax_message,
    unknown_prefixes,
)
from foresight.store.config import Endpoint
from foresight.vocab import FS, GRAPH_PREFIX, PREFIXES

if TYPE_CHECKING:
    import rdflib
    import requests
    from rdflib.term import Node

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RESULTS_JSON = "application/sparql-results+json"
_GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9"
#: Requests that fail on the way (connection reset, server busy) are sent again this many times.
_ATTEMPTS = 3
#: HTTP statuses worth a second try: the server was busy or restarting, not the request wrong.
_TRANSIENT = {429, 502, 503, 504}

_FORM = re.compile(
    r"^\s*(?:(?:PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_DECLARED = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE)


#: The graph holding the store's generation on the server (never exported or counted).
STATE_GRAPH = GRAPH_PREFIX + "state"

def query_form(sparql: str) -> str:
    """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``: the form of a query (comments ignored)."""
    text = "\n".join(line for line in sparql.splitlines() if not line.lstrip().startswith("#"))
    match = _FORM.match(text)
    if not match:
        raise QueryError("invalid SPARQL: expected SELECT, ASK, CONSTRUCT or DESCRIBE")
    return match.group(1).upper()


def with_prefixes(sparql: str) -> str:
    """The query with foresight's prefixes declared, except those it declares itself."""
    declared = {match.group(1) or "" for match in _DECLARED.finditer(sparql)}
    head = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items() if name not in declared)
    return head + sparql


def _term(binding: Mapping[str, str]) -> Node:
    """An rdflib term from one SPARQL JSON results binding."""
    from rdflib import BNode, Literal, URIRef

    kind, value = binding.get("type"), binding.get("value", "")
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    language = binding.get("xml:lang")
    if language:
        return Literal(value, lang=language)
    datatype = binding.get("datatype")
    if datatype and datatype != _XSD_STRING:
        return Literal(value, datatype=URIRef(datatype))
    return Literal(value)


def _plain(binding: Mapping[str, str] | None) -> Any:
    if binding is None:
        return None
    if binding.get("type") in {"literal", "typed-literal"}:
        return plain_literal(binding.get("value", ""), binding.get("datatype"))
    return binding.get("value", "")


class SparqlStore(Store):
    """A SPARQL 1.1 endpoint, with the scans in named graphs under ``https://w3id.org/foresight/id/graph/``.

    Args:
        endpoint: where to send queries, updates and uploads, and how to log in.
    """

    #: Scans written per upload batch: small enough that an interrupted bulk load loses little.
    batch_scans = 100

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        self.location = endpoint.display
        self._local = threading.local()

    # ----- the generation, kept on the server: every client sees every client's writes ----------

    def generation(self) -> StoreState:
        rows = self.select_plain(
            f"SELECT ?state WHERE {{ GRAPH <{STATE_GRAPH}> {{ <{STATE_GRAPH}> <{FS}generation> ?state }} }}")
        if not rows:
            return StoreState("none", "none")
        generation, _, unscoped = str(rows[0][0]).partition(" ")
        return StoreState(generation or "none", unscoped or "none")

    def _changing(self, *, scoped: bool) -> None:
        import os

        state = self.generation()
        token = os.urandom(8).hex()
        text = f"{token} {state.unscoped if scoped else token}"
        self._update(f"DELETE WHERE {{ GRAPH <{STATE_GRAPH}> {{ <{STATE_GRAPH}> <{FS}generation> ?state }} }} ;\n"
                     f"INSERT DATA {{ GRAPH <{STATE_GRAPH}> {{ <{STATE_GRAPH}> <{FS}generation> \"{text}\" }} }}")

    # ----- HTTP ------------------------------------------------------------------------------

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            import requests

            session = requests.Session()
            session.auth = self.endpoint.requests_auth()
            session.headers["User-Agent"] = "foresight"
            session.trust_env = False  # no proxy or .netrc credentials picked up behind the user's back
            self._local.session = session
        return session

    def _send(self, method: str, url: str, *, what: str, **kwargs: Any) -> requests.Response:
        """Send a request; retry transient failures; turn failures into one clear, credential-free message."""
        import requests

        kwargs.setdefault("timeout", self.endpoint.timeout)
        kwargs.setdefault("verify", self.endpoint.verify)
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                response = self._session().request(method, url, **kwargs)
            except requests.RequestException as error:
                if attempt < _ATTEMPTS:
                    time.sleep(0.5 * attempt)
                    continue
                raise StoreError(f"{self.location}: cannot reach the SPARQL endpoint for {what} "
                                 f"({type(error).__name__})") from None
            if response.status_code in _TRANSIENT and attempt < _ATTEMPTS:
                time.sleep(0.5 * attempt)
                continue
            if response.status_code in {401, 403}:
                raise StoreError(f"{self.location}: the endpoint refused {what} (HTTP {response.status_code}); "
                                 "check the user and password set in FORESIGHT_STORE_USER/FORESIGHT_STORE_PASSWORD "
                                 "or the config file, and that the user may read and write")
            if response.status_code >= 400:
                message = _redacted(_server_message(response), self.endpoint)
                if response.status_code < 500 or "SPARQL" in message or "SP0" in message:
                    raise QueryError(f"{what} failed: {message}")
                raise StoreError(f"{self.location}: {what} failed (HTTP {response.status_code}: {message})")
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    def _post_query(self, text: str, accept: str) -> requests.Response:
        try:
            response = self._send("POST", self.endpoint.query, what="the query",
                                  data={"query": with_prefixes(text)}, headers={"Accept": accept})
        except QueryError as error:
            if unknown_prefixes(text):  # the server's words for it vary: name the prefix
                raise QueryError(f"the query failed: {syntax_message(text, str(error))}") from None
            raise
        capped = response.headers.get("X-SPARQL-MaxRows")
        if capped:
            raise StoreError(f"{self.location}: the server cut the result at {capped} rows; raise its limit "
                             "(Virtuoso: ResultSetMaxRows in the [SPARQL] section of virtuoso.ini)")
        return response

    # ----- Store -----------------------------------------------------------------------------

    def close(self) -> None:
        session = getattr(self._local, "session", None)
        if session is not None:
            session.close()
            self._local.session = None

    def check(self) -> None:
        """Fail clearly when the endpoint is unreachable or does not query the union of its graphs.

        Raises:
            StoreError: the endpoint cannot be reached, refuses the credentials, or
                answers queries without ``FROM`` from its default graph only.
        """
        in_graphs = self.query("ASK { GRAPH ?g { ?s fs:contentDigest ?d } }")
        in_union = self.query("ASK { ?s fs:contentDigest ?d }")
        if in_graphs and not in_union:
            raise StoreError(f"{self.location}: queries do not see the named graphs; configure the server so the "
                             "default graph is the union of all graphs (Fuseki: tdb2:unionDefaultGraph true)")

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        self.check_query(sparql)
        if is_update(sparql):
            raise QueryError("this is a SPARQL update, not a query; pass --update to change the store")
        form = query_form(sparql)
        text = bind_variables(sparql, bindings) if bindings else sparql
        if form in {"CONSTRUCT", "DESCRIBE"}:
            return self._graph(self._post_query(text, _GRAPH_ACCEPT))
        document = self._json(self._post_query(text, _RESULTS_JSON))
        if form == "ASK":
            return _boolean(document)
        variables = list(document.get("head", {}).get("vars", []))
        rows = [tuple(_term(solution[name]) if name in solution else None for name in variables)
                for solution in document.get("results", {}).get("bindings", [])]
        return SelectResult(variables, rows)

    def select_plain(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> list[tuple[Any, ...]]:
        if is_update(sparql) or query_form(sparql) != "SELECT":
            raise QueryError("expected a SELECT query")
        text = bind_variables(sparql, bindings) if bindings else sparql
        document = self._json(self._post_query(text, _RESULTS_JSON))
        variables = list(document.get("head", {}).get("vars", []))
        return [tuple(_plain(solution.get(name)) for name in variables)
                for solution in document.get("results", {}).get("bindings", [])]

    def _json(self, response: requests.Response) -> dict[str, Any]:
        try:
            document = json.loads(response.content)
        except ValueError:
            raise StoreError(f"{self.location}: the endpoint did not answer with SPARQL JSON results "
                             f"(got {response.headers.get('Content-Type', 'no content type')})") from None
        if not isinstance(document, dict):
            raise StoreError(f"{self.location}: unexpected SPARQL JSON results")
        return document

    def _graph(self, response: requests.Response) -> rdflib.Graph:
        graph = prefixed_graph()
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip()
        fmt = "turtle" if content_type == "text/turtle" else "nt"
        try:
            graph.parse(data=response.content.decode("utf-8"), format=fmt)
        except Exception as error:  # rdflib raises many kinds; all mean a reply we cannot read
            raise StoreError(f"{self.location}: cannot read the graph the endpoint returned ({content_type}: "
                             f"{type(error).__name__})") from None
        return graph

    def _update(self, sparql: str) -> None:
        self._send("POST", self.endpoint.update_url, what="the update", data={"update": with_prefixes(sparql)})

    def _replace_graphs(self, graphs: Sequence[str], nquads: str, markers: str) -> None:
        # Drop first, then the bodies, then the markers: a graph with its marker is
        # always complete, and one without (a run cut short) is dropped and written
        # again by the next ingest. Dropping and inserting are idempotent, so a
        # request retried after a lost reply changes nothing.
        for start in range(0, len(graphs), 100):
            chunk = graphs[start:start + 100]
            self._update(";\n".join(f"DROP SILENT GRAPH <{graph}>" for graph in chunk))
        self._upload(nquads, gsp=self.endpoint.upload == "gsp")
        self._upload(markers, gsp=False)

    def _apply_changes(self, drop: Sequence[str], deletes: str, inserts: str, incomplete: tuple[str, str]) -> None:
        # a server takes a few thousand triples a request: mark the graph incomplete, change it
        # request by request, then remove the mark (the new marker is among the inserts)
        old, mark = incomplete
        if old:
            self._delete_quads(old)
        if mark:
            self._upload(mark, gsp=False)
        for start in range(0, len(drop), 100):
            self._update(";\n".join(f"DROP SILENT GRAPH <{graph}>" for graph in drop[start:start + 100]))
        self._delete_quads(deletes)
        self._upload(inserts, gsp=False)
        if mark:
            self._delete_quads(mark)

    def _upload(self, nquads: str, *, gsp: bool) -> None:
        if not nquads:
            return
        if gsp:
            for graph, triples in group_quads(nquads).items():
                for start in range(0, len(triples), self.endpoint.batch_triples):
                    self._send("POST", self.endpoint.gsp_url, what="the upload", params={"graph": graph},
                               data="".join(triples[start:start + self.endpoint.batch_triples]).encode("utf-8"),
                               headers={"Content-Type": "text/turtle; charset=utf-8"})
            return
        for body in _quad_data(nquads, self.endpoint.batch_triples):
            # INSERT DATA may not hold blank nodes on some servers (Virtuoso); the template form may
            insert = "INSERT {\n" + body + "} WHERE {}" if "_:" in body else "INSERT DATA {\n" + body + "}"
            self._send("POST", self.endpoint.update_url, what="the upload", data={"update": insert})

    def _delete_quads(self, nquads: str) -> None:
        for body in _quad_data(nquads, self.endpoint.batch_triples):
            self._send("POST", self.endpoint.update_url, what="the update",
                       data={"update": "DELETE DATA {\n" + body + "}"})

    def graph_names(self) -> set[str]:
        rows = self.select_plain(
            f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{GRAPH_PREFIX}") '
            f'&& ?g != <{STATE_GRAPH}>) }}')
        return {str(row[0]) for row in rows}

    def has_graph(self, graph: str) -> bool:
        return bool(self.query(f"ASK {{ GRAPH <{_checked(graph)}> {{ ?s ?p ?o }} }}"))

    def digests(self) -> dict[str, str]:
        rows = self.select_plain(f"SELECT ?g ?digest WHERE {{ GRAPH ?g {{ ?s <{FS}contentDigest> ?digest }} }}")
        return {str(g): str(d) for g, d in rows if str(g).startswith(GRAPH_PREFIX)}

    def digest_of(self, graph: str) -> str | None:
        rows = self.select_plain(
            f"SELECT ?digest WHERE {{ GRAPH <{_checked(graph)}> {{ ?s <{FS}contentDigest> ?digest }} }}")
        return str(rows[0][0]) if rows else None

    def triple_count(self) -> int:
        rows = self.select_plain(
            f'SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{GRAPH_PREFIX}") '
            f'&& ?g != <{STATE_GRAPH}>) }}')
        return int(rows[0][0]) if rows else 0

    def dump(self, output: IO[bytes], fmt: str) -> None:
        """Read foresight's graphs from the server, a few at a time, and write them in ``fmt``.

        The dataset passes through an in-memory Oxigraph store, so the output is the
        same as the embedded store's for the same data.
        """
        import pyoxigraph as ox

        from foresight.store.oxigraph import OxigraphStore, from_rdflib

        local = OxigraphStore(None)
        names = sorted(self.graph_names())
        for start in range(0, len(names), 50):
            values = " ".join(f"<{_checked(name)}>" for name in names[start:start + 50])
            text = f"SELECT ?g ?s ?p ?o WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
            document = self._json(self._post_query(text, _RESULTS_JSON))
            quads = []
            for solution in document.get("results", {}).get("bindings", []):
                terms: list[Any] = [from_rdflib(_term(solution[name])) for name in ("s", "p", "o", "g")]
                quads.append(ox.Quad(terms[0], terms[1], terms[2], terms[3]))
            local.bulk_quads().extend(quads)
        local.dump(output, fmt)

    def cache_dir(self) -> Path | None:
        return self.endpoint.cache_dir()


def _checked(graph: str) -> str:
    from foresight.vocab import is_safe_iri

    if not is_safe_iri(graph):
        raise QueryError(f"not a valid graph IRI: {graph!r}")
    return graph


def _boolean(document: Mapping[str, Any]) -> bool:
    if "boolean" in document:
        return bool(document["boolean"])
    # Virtuoso answers ASK in JSON as a one-column table named __ASK_RETVAL, empty for false
    bindings = document.get("results", {}).get("bindings", [])
    if not bindings:
        return False
    first: Mapping[str, str] = next(iter(bindings[0].values()), {})
    value = first.get("value", "0")
    return str(value) not in {"0", "false"}


def _quad_data(nquads: str, batch: int) -> Iterator[str]:
    """The quad data of ``INSERT DATA`` / ``DELETE DATA`` requests of at most ``batch`` triples each
    (servers refuse one huge request)."""
    lines = [line for line in nquads.splitlines(keepends=True) if line.strip()]
    for start in range(0, len(lines), batch):
        yield sparql_quad_data("".join(lines[start:start + batch]))


_AUTHORIZATION = re.compile(r"(?i)((?:proxy-)?authorization\s*[:=]\s*)(?:\w+\s+)?[^\s,;\"']+")


def _redacted(message: str, endpoint: Endpoint) -> str:
    """A server's message without credentials, should the server echo the request's headers back.

    >>> _redacted("got Authorization: Basic ZGJhOmRiYQ== from you", Endpoint("http://x/sparql", password="dba"))
    'got Authorization: [hidden] from you'
    """
    import base64

    text = _AUTHORIZATION.sub(r"\1[hidden]", message)
    secrets = [endpoint.password or ""]
    if endpoint.password:
        pair = f"{endpoint.user or ''}:{endpoint.password}".encode()
        secrets.append(base64.b64encode(pair).decode())
    for secret in secrets:
        if len(secret) >= 3:
            text = text.replace(secret, "[hidden]")
    return text


def _server_message(response: requests.Response) -> str:
    """The first informative line of an error reply, short, without the query echoed back."""
    text = response.text or response.reason or ""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines:
        if not line.startswith("<") and not line.upper().startswith("SPARQL QUERY"):
            return line[:300]
    return (lines[0][:300] if lines else f"HTTP {response.status_code}")
