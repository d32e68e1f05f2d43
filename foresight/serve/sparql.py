"""The SPARQL 1.1 Protocol endpoint of ``foresight serve``: read-only, negotiated, each query in a worker process.

A query arrives by GET (``?query=``), by POST of a form (``query=``) or by POST of ``application/sparql-query``,
with optional ``default-graph-uri`` and ``named-graph-uri``. Without them, the default graph is the union of all
graphs and foresight's prefixes are declared, as with ``foresight sparql``. The answer's format is negotiated by
``Accept`` (:data:`FORMATS`); an update, in any of its forms, gets 403.

Queries run in a small pool of worker processes, each holding the store open read-only (Oxigraph cannot stop a
query once it runs): a query still running after the time limit is cancelled by ending its worker, which is
replaced, and the client gets a clear error; the server itself never waits on it. A result larger than the
size limit is refused rather than cut, so a client never takes a partial answer for a whole one.
"""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import queue
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from foresight.errors import ForesightError

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.context import SpawnProcess

#: media types by kind of result, the first of each the default: (media type, pyoxigraph format name)
FORMATS: dict[str, tuple[tuple[str, str], ...]] = {
    "solutions": (("application/sparql-results+json", "JSON"), ("application/sparql-results+xml", "XML"),
                  ("text/csv", "CSV"), ("text/tab-separated-values", "TSV"),
                  ("application/json", "JSON"), ("application/xml", "XML")),
    "triples": (("text/turtle", "TURTLE"), ("application/n-triples", "N_TRIPLES"),
                ("application/ld+json", "JSON_LD"), ("application/rdf+xml", "RDF_XML"), ("text/plain", "N_TRIPLES")),
}
FORMATS["boolean"] = FORMATS["solutions"]
#: what a reply in an alias type is sent as (``application/json`` asked, SPARQL JSON results sent)
SENT_AS = {"application/json": "application/sparql-results+json",
           "application/xml": "application/sparql-results+xml", "text/plain": "application/n-triples"}
#: how much lower a query worker's priority is than the server's: SPARQL over the whole store can take seconds
#: of both cores, and a person clicking through pages should not wait behind it
WORKER_NICENESS = 10
#: the ``format=`` parameter's short names, for a link typed by hand
SHORT_NAMES = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
               "csv": "text/csv", "tsv": "text/tab-separated-values", "turtle": "text/turtle", "ttl": "text/turtle",
               "nt": "application/n-triples", "ntriples": "application/n-triples", "jsonld": "application/ld+json",
               "rdfxml": "application/rdf+xml"}


class QueryRefused(ForesightError):
    """A query the endpoint will not answer: ``status`` is the HTTP status to send."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Limits:
    """What one request may take: seconds of query time, bytes of result and of request, worker processes."""

    query_seconds: float = 10.0
    result_bytes: int = 16 * 1024 * 1024
    request_bytes: int = 256 * 1024
    workers: int = 2


@dataclass(frozen=True)
class QueryRequest:
    """A query as the protocol gives it."""

    query: str
    accept: str = ""
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class QueryAnswer:
    media_type: str
    body: bytes
    kind: str


def preferences(accept: str) -> list[tuple[str, float]]:
    """The media types of an ``Accept`` header, most wanted first (by q, then the more specific, then in order).

    >>> preferences("text/csv;q=0.5, application/sparql-results+json, */*;q=0.1")
    [('application/sparql-results+json', 1.0), ('text/csv', 0.5), ('*/*', 0.1)]
    """
    found: list[tuple[float, int, int, str]] = []
    for order, part in enumerate(accept.split(",")):
        fields = [piece.strip() for piece in part.split(";")]
        media = fields[0].lower()
        if not media or "/" not in media:
            continue
        q = 1.0
        for parameter in fields[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        specific = 0 if media == "*/*" else 1 if media.endswith("/*") else 2
        found.append((-q, -specific, order, media))
    return [(media, -q) for q, _, _, media in sorted(found) if q < 0]


def choose(accept: str, kind: str) -> tuple[str, str] | None:
    """The media type to answer a result of ``kind`` in and its pyoxigraph format, by ``Accept`` (no header: the
    default of that kind); ``None`` when nothing acceptable can be made.

    >>> choose("application/sparql-results+xml", "solutions")
    ('application/sparql-results+xml', 'XML')
    >>> choose("text/turtle", "solutions") is None
    True
    >>> choose("", "triples")
    ('text/turtle', 'TURTLE')
    """
    offered = FORMATS[kind]
    wanted = preferences(accept) if accept.strip() else [("*/*", 1.0)]
    for media, _ in wanted:
        for name, fmt in offered:
            if media == name or media == "*/*" or (media.endswith("/*") and name.startswith(media[:-1])):
                return SENT_AS.get(name, name), fmt
    return None


# ----- the worker processes ------------------------------------------------------------------------------


class _Capped(io.RawIOBase):
    """A byte sink that refuses to grow past ``limit`` bytes."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.size += len(chunk)
        if self.size > self.limit:
            raise OSError("result too large")
        self.parts.append(chunk)
        return len(chunk)


def _serve_queries(connection: Connection, location: str, limit: int) -> None:
    """A worker: answer each request from ``connection`` over the store at ``location``, opened read-only and
    opened again when the store's generation moves; pyoxigraph only, never code from the store folder."""
    import os

    import pyoxigraph as ox

    from foresight.store.oxigraph import _open_read_only

    with contextlib.suppress(OSError, AttributeError):
        os.nice(WORKER_NICENESS)  # a long query yields the cores to pages and searches
    from foresight.vocab import PREFIXES

    store: Any = None
    opened_at: str | None = None
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return
        generation, request = message
        try:
            if store is None or generation != opened_at:
                from pathlib import Path

                store = _open_read_only(Path(location))
                opened_at = generation
            connection.send(("ok", _answer(ox, store, PREFIXES, request, limit)))
        except QueryRefused as refused:
            connection.send(("refused", (refused.status, str(refused))))
        except SyntaxError as error:
            connection.send(("refused", (400, f"the query is not valid SPARQL: {error}")))
        except Exception as error:  # the store's own failure: said, and the worker goes on
            connection.send(("refused", (500, f"the query failed: {type(error).__name__}: {error}")))


def _answer(ox: Any, store: Any, prefixes: dict[str, str], request: QueryRequest, limit: int) -> QueryAnswer:
    options: dict[str, Any] = {"prefixes": prefixes}
    if request.default_graphs:
        options["default_graph"] = [ox.NamedNode(iri) for iri in request.default_graphs]
    else:
        options["use_default_graph_as_union"] = True
    if request.named_graphs:
        options["named_graphs"] = [ox.NamedNode(iri) for iri in request.named_graphs]
    result = store.query(request.query, **options)
    kind = ("solutions" if isinstance(result, ox.QuerySolutions) else
            "boolean" if isinstance(result, ox.QueryBoolean) else "triples")
    chosen = choose(request.accept, kind)
    if chosen is None:
        offered = ", ".join(name for name, _ in FORMATS[kind] if name not in SENT_AS)
        raise QueryRefused(406, f"cannot answer this query in {request.accept!r}; it can be answered in {offered}")
    media, fmt = chosen
    sink = _Capped(limit)
    rdf = kind == "triples"
    try:
        result.serialize(sink, getattr(ox.RdfFormat if rdf else ox.QueryResultsFormat, fmt))
    except OSError:
        if sink.size > limit:
            raise QueryRefused(413, f"the result is larger than {limit // (1024 * 1024) or 1} MB, the server's "
                                    "limit; add LIMIT or narrow the query") from None
        raise
    return QueryAnswer(media, b"".join(sink.parts), kind)


class QueryPool:
    """Worker processes answering queries, each cancelled by ending its process when it outlives the limit."""

    def __init__(self, location: str, limits: Limits) -> None:
        self.location = location
        self.limits = limits
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._workers: list[_Worker] = []
        self._closed = False
        for _ in range(max(1, limits.workers)):
            self._add()

    def _add(self) -> None:
        worker = _Worker(self._context, self.location, self.limits.result_bytes)
        with self._lock:
            self._workers.append(worker)
        self._idle.put(worker)

    def run(self, request: QueryRequest, generation: str) -> QueryAnswer:
        """Answer one query (blocking: call it from a thread).

        Raises:
            QueryRefused: the query is refused, failed, timed out (cancelled) or found every worker busy.
        """
        started = time.monotonic()
        try:
            worker = self._idle.get(timeout=self.limits.query_seconds)
        except queue.Empty:
            raise QueryRefused(503, f"every query worker stayed busy for {self.limits.query_seconds:g} s; "
                                    "try again in a moment") from None
        left = max(0.1, self.limits.query_seconds - (time.monotonic() - started))
        try:
            status, payload = worker.ask((generation, request), left)
        except TimeoutError:
            self._replace(worker)
            raise QueryRefused(503, f"the query ran longer than {self.limits.query_seconds:g} s, the server's "
                                    "limit, and was cancelled; add LIMIT or narrow it") from None
        except (EOFError, OSError, BrokenPipeError):
            self._replace(worker)
            raise QueryRefused(500, "the query worker stopped; the query was not answered") from None
        self._idle.put(worker)
        if status == "ok":
            answer: QueryAnswer = payload
            return answer
        code, message = payload
        raise QueryRefused(int(code), str(message))

    def _replace(self, worker: _Worker) -> None:
        worker.stop()
        with self._lock:
            if worker in self._workers:
                self._workers.remove(worker)
            closed = self._closed
        if not closed:
            self._add()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers, self._workers = self._workers, []
        for worker in workers:
            worker.stop()


@dataclass
class _Worker:
    context: Any
    location: str
    limit: int
    process: SpawnProcess = field(init=False)
    connection: Connection = field(init=False)

    def __post_init__(self) -> None:
        ours, theirs = self.context.Pipe()
        self.connection = ours
        self.process = self.context.Process(target=_serve_queries, args=(theirs, self.location, self.limit),
                                            daemon=True, name="foresight-sparql")
        self.process.start()
        theirs.close()

    def ask(self, message: tuple[str, QueryRequest], seconds: float) -> tuple[str, Any]:
        self.connection.send(message)
        if not self.connection.poll(seconds):
            raise TimeoutError
        answer: tuple[str, Any] = self.connection.recv()
        return answer

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.connection.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)


def read_request(method: str, content_type: str, params: Sequence[tuple[str, str]], body: bytes,
                 accept: str) -> QueryRequest:
    """The query of one protocol request: from the URL's parameters (GET), a form or a ``sparql-query`` body
    (POST). ``format=`` in the URL stands in for ``Accept``.

    Raises:
        QueryRefused: no query, an update (403), or a body of another type (415).
    """
    from urllib.parse import parse_qsl

    from foresight.store.base import is_update, uses_service

    media = content_type.split(";")[0].strip().lower()
    fields = list(params)
    text: str | None = None
    if method == "POST":
        if media == "application/x-www-form-urlencoded":
            fields += parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True)
        elif media == "application/sparql-query":
            text = body.decode("utf-8", errors="replace")
        elif media == "application/sparql-update":
            raise QueryRefused(403, "this endpoint is read-only: SPARQL updates are refused")
        else:
            raise QueryRefused(415, f"a POST must be application/x-www-form-urlencoded or application/sparql-query, "
                                    f"not {media or 'untyped'}")
    names = {name for name, _ in fields}
    if "update" in names:
        raise QueryRefused(403, "this endpoint is read-only: SPARQL updates are refused")
    if text is None:
        queries = [value for name, value in fields if name == "query"]
        if len(queries) != 1:
            raise QueryRefused(400, "give one SPARQL query in the 'query' parameter" if not queries else
                               "give one 'query' parameter, not several")
        text = queries[0]
    if is_update(text):
        raise QueryRefused(403, "this endpoint is read-only: SPARQL updates are refused")
    if uses_service(text):
        raise QueryRefused(403, "queries may not call other endpoints (SERVICE) from this server")
    shorthand = [value for name, value in fields if name == "format"]
    if shorthand:
        accept = SHORT_NAMES.get(shorthand[0].lower(), shorthand[0])
    return QueryRequest(text, accept, tuple(value for name, value in fields if name == "default-graph-uri"),
                        tuple(value for name, value in fields if name == "named-graph-uri"))
