"""The web app of ``foresight serve`` (Starlette): pages, their JSON API, the map's data and the SPARQL endpoint.

Routes:

* pages (static HTML, filled by ``static/app.js`` from the API): ``/`` (search as you type), ``/concept``
  (a concept's profile), ``/paths`` (the pathway finder), ``/map`` (the map), ``/sparql`` opened in a browser
  (the query page); each page keeps its state in its URL;
* the API, JSON: ``/api/search``, ``/api/concept``, ``/api/paths``, ``/api/graph`` (a neighbourhood for the
  map), ``/api/queries`` (the saved queries), ``/api/status``; ``/export/map.html``: the current map view as the
  same offline single-file HTML as ``foresight render``;
* ``/sparql``: the SPARQL 1.1 Protocol (:mod:`foresight.serve.sparql`).

Every answer carries a strict content security policy (scripts, styles, images and connections from this server
only) and refuses to be framed. Bound to loopback, the app answers only requests addressed to a loopback name (a
web page elsewhere cannot reach it by DNS rebinding); on another host it needs the token, given as a bearer token,
or once as ``?token=`` which then sets a cookie.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from foresight.errors import ForesightError, UnknownNodeError
from foresight.serve import LOOPBACK
from foresight.serve.sparql import Limits, QueryPool, QueryRefused, read_request

if TYPE_CHECKING:
    import numpy as np
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

    from foresight.derived import Views
    from foresight.derived.concepts import Overrides
    from foresight.derived.index import GraphIndex
    from foresight.store.base import Store

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

HERE = Path(__file__).resolve().parent
#: the pages: path, then the page's name and title; each is the same shell, which ``static/app.js`` fills
PAGES = {"/": ("search", "search"), "/concept": ("concept", "concept"), "/paths": ("paths", "pathways"),
         "/map": ("map", "map"), "/queries": ("queries", "SPARQL"), "/analytics": ("analytics", "analytics")}
#: what the map page loads besides: vis-network, from the pyvis package
_MAP_HEAD = '<link rel="stylesheet" href="/static/vendor/vis-network.css">'
_MAP_SCRIPT = '<script src="/static/vendor/vis-network.min.js"></script>\n'
#: the content security policy of every answer: nothing from anywhere but this server, nothing inline
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; "
       "font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
#: the most nodes a map neighbourhood holds (the nearest first)
MAP_NODES = 250
TOKEN_COOKIE = "foresight_token"
#: threads reading the index (each with its own connection): one for quick answers and one for slow ones; the
#: work is Python's, under one interpreter lock, so more threads only interleave it (the load test's search p95
#: at 10,000 scans: 180-200 ms with one each, 310-350 ms with two, 180-410 ms with four in one pool)
INDEX_THREADS = 1
#: ... for quick answers (searches, the status) and for the slower ones (profiles, pathways, maps), apart: a search
#: typed never waits in line behind a pathway
QUICK = frozenset({"/api/search", "/api/status"})
#: the analyses of the analytics page, in its order
ANALYSES = ("steep", "emerging", "micmac", "centrality", "cross-impact", "axes", "communities")
#: answers kept, most recently asked last
ANSWERS_KEPT = 2048


def page_html(path: str) -> str:
    """The HTML of a page (:data:`PAGES`): the shell with its name, title and scripts; no data from the store."""
    name, title = PAGES[path]
    shell = (HERE / "pages" / "shell.html").read_text(encoding="utf-8")
    return (shell.replace("{title}", title).replace("{page}", name)
            .replace("{head}", _MAP_HEAD if name == "map" else "")
            .replace("{scripts}", (_MAP_SCRIPT if name == "map" else "") + '<script src="/static/app.js"></script>'))


class Answers:
    """The last ``size`` answers, by what was asked and the store's generation (least recently asked dropped)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._held: OrderedDict[Any, tuple[int, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> tuple[int, bytes] | None:
        with self._lock:
            found = self._held.get(key)
            if found is not None:
                self._held.move_to_end(key)
            return found

    def put(self, key: Any, answer: tuple[int, bytes]) -> None:
        with self._lock:
            self._held[key] = answer
            while len(self._held) > self.size:
                self._held.popitem(last=False)


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True)
class Settings:
    """How the app serves: the store, the curator's overrides, the host it is bound to, its token and limits."""

    store: str
    overrides: Path | None = None
    host: str = "127.0.0.1"
    port: int = 8080
    token: str | None = None
    limits: Limits = field(default_factory=Limits)


class Explorer:
    """The store and what is derived from it, loaded once and again when the store's generation changes.

    Each serving thread reads the concepts index through its own read-only connection."""

    def __init__(self, location: str, overrides: Overrides) -> None:
        from foresight.store import open_store

        self.location = location
        self.overrides = overrides
        self._lock = threading.Lock()
        self._local = threading.local()
        self._store: Store = open_store(location, read_only=True)
        folder = self._store.cache_dir()
        self._state = folder / "generation" if folder is not None else None
        self._views: Views | None = None
        self.generation = ""
        self.loaded = 0

    def current_generation(self) -> str:
        """The store's generation now: a small file read, never waiting on a reload."""
        if self._state is None:
            return self._store.generation().generation
        try:
            return self._state.read_text(encoding="utf-8").strip().partition(" ")[0] or "none"
        except OSError:
            return "none"

    def _fresh(self) -> Views:
        with self._lock:
            generation = self.current_generation()
            if self._views is None or generation != self.generation:
                from foresight.derived import Views
                from foresight.store import open_store

                self._store.close()  # a store open read-only sees the data of when it was opened
                self._store = open_store(self.location, read_only=True)
                views = Views(self._store, self.overrides)
                views.index("concepts")  # built now if it is missing or stale
                self._views, self.generation = views, generation
                self.loaded += 1
            return self._views

    def views(self) -> Views:
        """The derived views as of the store's current generation."""
        return self._fresh()

    def index(self) -> GraphIndex:
        """The concepts index as of the store's current generation, for this thread."""
        from foresight.derived.index import GraphIndex

        views = self._fresh()
        held = getattr(self._local, "held", None)
        if held is not None and held[0] == self.generation:
            index: GraphIndex = held[1]
            return index
        if held is not None:
            held[1].close()
        opened = GraphIndex.open(views.folder / "concepts.sqlite", "concepts") if views.folder is not None else None
        index = opened if opened is not None else views.index("concepts")
        self._local.held = (self.generation, index)
        return index

    def close(self) -> None:
        with self._lock:
            self._store.close()


# ----- the JSON API ---------------------------------------------------------------------------------------------


def _one(request: Request, name: str, default: str | None = None) -> str | None:
    value = request.query_params.get(name)
    return value if value not in (None, "") else default


def _number(request: Request, name: str, default: int, low: int, high: int) -> int:
    text = _one(request, name)
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        raise ForesightError(f"{name} must be a whole number, not {text!r}") from None
    if not low <= value <= high:
        raise ForesightError(f"{name} must be between {low} and {high}")
    return value


def search_records(index: GraphIndex, text: str, types: list[str] | None, limit: int) -> dict[str, Any]:
    """What the search box shows: the concepts (and topics) whose rows' names or descriptions hold the text, each
    once, with the row that matched best and its scan; names close to the text when nothing matched."""
    from foresight.analysis.resolve import suggest
    from foresight.export.output import scan_ref
    from foresight.search import SEARCH_TYPES, check_search

    wanted = check_search(text, types) or [kind for kind in SEARCH_TYPES if kind != "Scan"]
    matches = index.search(text, wanted, limit * 4)
    owners = index.nodes_of_rows(m.node for m in matches)
    scans = index.scans(m.scan for m in matches if m.scan)
    found: dict[str, dict[str, Any]] = {}
    for m in matches:
        iri, kind, label = owners.get(m.node, (m.node, m.type, m.label))
        if iri in found:
            found[iri]["rows"] += 1
            continue
        found[iri] = {"iri": iri, "type": kind, "label": label, "matched": m.label, "score": m.score,
                      "relevancy": m.relevancy, "rows": 1, "scan": scan_ref(scans, m.scan)}
        if len(found) == limit:
            break
    return {"query": text, "matches": list(found.values()), "suggestions": suggest(index, text) if not matches else []}


def concept_records(index: GraphIndex, text: str) -> dict[str, Any]:
    """A concept's profile: every article naming it, its wordings, its neighbours by relation with evidence, its
    months, topics and STEEP categories (one record per node the text names)."""
    from foresight.analysis.neighbors import describe
    from foresight.analysis.resolve import resolve_names
    from foresight.explore import profile_records

    found = resolve_names(index, text)
    nodes = found.nodes[:10]
    graph = index.subgraph(index.ball(index.ids(nodes), 1), full=index.ids(nodes))
    records = profile_records(graph, describe(graph, nodes))
    concepts = {c.iri: c for c in index.concepts_by_iri(nodes)}
    steep = index.steep_tags(nodes)
    for record in records:
        concept = concepts.get(record["iri"])
        record["months"] = dict(sorted(concept.months.items())) if concept else {}
        record["articles"] = len(concept.articles) if concept else None
        record["first"], record["last"] = (concept.first, concept.last) if concept else (None, None)
        record["topics"] = [other for other in record["relations"].get("broader", [])
                            if other.get("type") == "Topic"]
        record["steep"] = steep.get(record["iri"], [])
    return {"query": text, "note": found.note, "count": len(found.nodes), "nodes": records}


def path_records(index: GraphIndex, source: str, target: str, k: int, max_hops: int,
                 via: list[str] | None) -> dict[str, Any]:
    """The pathway finder's answer: the ends each phrase stood for and the k best pathways, each hop with its
    evidence (the CLI's ``paths``)."""
    from foresight.analysis.resolve import resolve_names
    from foresight.explore import apart, pathway_records
    from foresight.search import best_paths

    starts, ends = resolve_names(index, source), resolve_names(index, target)
    first, last, note = apart(index, starts.nodes, ends.nodes)
    graph, found = best_paths(index, first, last, k=k, max_hops=max_hops, via=via)
    notes = [text for text in (starts.note, ends.note, note) if text]
    return {"from": source, "to": target, "max_hops": max_hops, "notes": notes,
            "pathways": pathway_records(graph, found)}


def graph_records(index: GraphIndex, focus: list[str], hops: int, limit: int = MAP_NODES) -> dict[str, Any]:
    """A neighbourhood for the map: the nodes within ``hops`` of the focus (the nearest ``limit``, then the most
    linked), and every link among them, with what the map colours, sizes and filters by."""
    ids = index.ids(focus)
    if not ids:
        raise UnknownNodeError("nothing to map: the focus names no node")
    chosen, distance, within = nearest(index, ids, hops, limit)
    graph = index.subgraph(chosen, full=False)
    iris = list(graph.nodes)
    concepts = {c.iri: c for c in index.concepts_by_iri(iris)}
    steep = index.steep_tags(iris)
    topics: dict[str, list[str]] = {}
    for source, target, data in graph.edges(data=True):
        if data.get("relation") == "broader" and graph.nodes[target].get("type") == "Topic":
            topics.setdefault(source, []).append(str(graph.nodes[target].get("label")))
    distance_of = {iri: int(distance[number]) for iri, number in zip(iris, index.ids(iris), strict=True)}
    from foresight.explore import scan_of

    nodes = []
    for iri, data in graph.nodes(data=True):
        concept = concepts.get(iri)
        nodes.append({
            "id": iri, "label": data.get("label"), "type": data.get("type"),
            "articles": len(concept.articles) if concept else int(data.get("scans") or 1),
            "first": concept.first if concept else None, "last": concept.last if concept else None,
            "steep": next(iter(steep.get(iri) or ()), None),
            "topic": next(iter(topics.get(iri) or ()), None), "degree": int(data.get("degree") or 0),
            "distance": distance_of.get(iri, -1), "focus": iri in focus,
        })
    edges = [{"from": source, "to": target, "relation": data.get("relation"), "score": data.get("score"),
              "method": data.get("method"), "evidence": data.get("evidence"),
              "support": data.get("support"), "scan": scan_of(graph, data.get("scan"))}
             for source, target, data in graph.edges(data=True)]
    return {"focus": focus, "hops": hops, "shown": len(nodes), "within": within, "nodes": nodes, "edges": edges}


def nearest(index: GraphIndex, ids: list[int], hops: int, limit: int) -> tuple[list[int], np.ndarray, int]:
    """The ``limit`` nodes within ``hops`` of ``ids`` that a map shows: the nearest first, then the most linked;
    with every node's distance (-1 beyond ``hops``) and how many were within reach."""
    import numpy as np

    distance = index.distances(ids, hops)
    near = np.flatnonzero(distance >= 0)
    indptr, _ = index.adjacency()
    order = np.lexsort((-(indptr[near + 1] - indptr[near]), distance[near]))
    return [int(n) for n in near[order][:limit]], distance, int(near.size)


def analytics_records(explorer: Explorer, part: str, *, months: int, level: str, top: int, steep: str | None,
                      min_articles: int = 3) -> dict[str, Any]:
    """One analysis of the analytics page (:data:`ANALYSES`), as ``foresight steep``, ``emerging``, ``micmac``,
    ``centrality``, ``cross-impact``, ``axes`` and ``communities`` give it in JSON."""
    from foresight.explore import emerging_records, steep_records

    index = explorer.index()
    if steep is not None:
        from foresight.analytics.steep import CATEGORIES

        if steep not in CATEGORIES:
            raise ForesightError(f"steep must be one of {', '.join(CATEGORIES)}")
    if part == "steep":
        return steep_records(index)
    if part == "emerging":
        found = emerging_records(index, months=months, level=level, steep=steep, limit=top)
        return {"months": months, "level": level, "window": found.window, "passed": found.passed,
                "records": found.records, "empty_because": found.empty_because}
    if part == "micmac":
        from foresight.analytics.structural import micmac_records, structural_analysis

        structure = structural_analysis(index, top=top, steep=steep)
        return {"what": structure.what, "stable": structure.result.stable, "power": structure.result.power,
                "records": micmac_records(structure)}
    if part == "centrality":
        from foresight.analytics.centrality import central_topics

        central, total = central_topics(index, steep=steep, limit=top, kept=explorer.views().kept)
        return {"total": total, "records": [{"topic": c.label, "iri": c.iri, "pagerank": c.pagerank,
                                             "pagerank_rank": c.pagerank_rank, "degree": c.degree,
                                             "articles": c.articles, "kind_articles": c.driving_force_articles}
                                            for c in central]}
    if part == "cross-impact":
        from foresight.explore import cross_impact_records

        return cross_impact_records(index, top=min(top, 30), steep=steep)
    if part == "axes":
        from foresight.explore import axes_records

        return axes_records(index, explorer.views().vectors(), top=top, steep=steep)
    if part == "communities":
        from foresight.explore import communities_records

        return communities_records(index, min_articles=min_articles)
    raise ForesightError(f"part must be one of {', '.join(ANALYSES)}, not {part!r}")


# ----- the app ---------------------------------------------------------------------------------------------------


def create_app(settings: Settings) -> ASGIApp:
    """The app serving ``settings.store``, behind :func:`guarded`."""
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import HTMLResponse, JSONResponse, Response
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    from foresight.derived.concepts import load_overrides

    explorer = Explorer(settings.store, load_overrides(settings.overrides))
    holder: dict[str, QueryPool] = {}

    def pool() -> QueryPool:
        if "pool" not in holder:
            holder["pool"] = QueryPool(store_folder(settings.store), settings.limits)
        return holder["pool"]

    # the index is read by threads of our own, each with its own connection to it; answers are kept by
    # what was asked and the store's generation, so a repeated question (a search typed again, a page reloaded)
    # costs nothing, and an ingest makes them all new
    quick = ThreadPoolExecutor(max_workers=INDEX_THREADS, thread_name_prefix="foresight-quick")
    workers = ThreadPoolExecutor(max_workers=INDEX_THREADS, thread_name_prefix="foresight-index")
    kept = Answers(ANSWERS_KEPT)

    def settle(compute: Callable[[], Any]) -> tuple[int, bytes]:
        try:
            return 200, _json_bytes(compute())
        except UnknownNodeError as error:
            return 404, _json_bytes({"error": str(error)})
        except ForesightError as error:
            return 400, _json_bytes({"error": str(error)})

    async def answer(request: Request, compute: Callable[[], Any]) -> Response:
        key = (request.url.path, explorer.current_generation(), tuple(sorted(request.query_params.multi_items())))
        found = kept.get(key)
        if found is None:
            found = await asyncio.get_running_loop().run_in_executor(
                quick if request.url.path in QUICK else workers, settle, compute)
            kept.put(key, found)
        return Response(found[1], status_code=found[0], media_type="application/json")

    pages = {path: page_html(path) for path in PAGES}

    def page(request: Request) -> Response:
        return HTMLResponse(pages[request.url.path])

    async def api_search(request: Request) -> Response:
        text = _one(request, "q", "") or ""
        types = [t.strip() for t in (_one(request, "type") or "").split(",") if t.strip()] or None
        if not text.strip():
            return JSONResponse({"query": text, "matches": [], "suggestions": []})
        return await answer(request, lambda: search_records(explorer.index(), text, types,
                                                            _number(request, "limit", 12, 1, 100)))

    async def api_concept(request: Request) -> Response:
        text = _one(request, "iri") or _one(request, "name")
        if not text:
            return JSONResponse({"error": "give iri= or name="}, status_code=400)
        return await answer(request, lambda: concept_records(explorer.index(), text))

    async def api_paths(request: Request) -> Response:
        source, target = _one(request, "from"), _one(request, "to")
        if not source or not target:
            return JSONResponse({"error": "give from= and to="}, status_code=400)
        via = [t.strip() for t in (_one(request, "via") or "").split(",") if t.strip()] or None

        def compute() -> dict[str, Any]:
            from foresight.analysis.resolve import check_types
            from foresight.vocab import ITEM_TYPES

            return path_records(explorer.index(), source, target, _number(request, "k", 5, 1, 20),
                                _number(request, "max_hops", 4, 1, 6), check_types(via, ITEM_TYPES))
        return await answer(request, compute)

    async def api_graph(request: Request) -> Response:
        focus = request.query_params.getlist("focus")
        if not focus:
            return JSONResponse({"error": "give focus= (a node's IRI)"}, status_code=400)
        return await answer(request, lambda: graph_records(explorer.index(), focus, _number(request, "hops", 1, 1, 3),
                                                           _number(request, "limit", MAP_NODES, 10, 1000)))

    def api_queries(request: Request) -> Response:
        from foresight.resources import saved_queries

        found = []
        for name, path in sorted(saved_queries().items()):
            text = path.read_text(encoding="utf-8")
            about = " ".join(line.lstrip("# ").strip() for line in text.splitlines()[:3] if line.startswith("#"))
            found.append({"name": name, "about": about, "query": text})
        return JSONResponse(found)

    async def api_analytics(request: Request) -> Response:
        return await answer(request, lambda: analytics_records(
            explorer, _one(request, "part", "steep") or "steep", months=_number(request, "months", 12, 1, 120),
            level=_one(request, "level", "topics") or "topics", top=_number(request, "top", 20, 2, 100),
            steep=_one(request, "steep"), min_articles=_number(request, "min_articles", 3, 1, 1000)))

    async def api_status(request: Request) -> Response:
        def compute() -> dict[str, Any]:
            index = explorer.index()
            summary = index.summary()
            return {"generation": explorer.generation, "loads": explorer.loaded, "concepts": summary.concepts,
                    "recurring": summary.recurring, "nodes": index.node_count()}
        code, body = await asyncio.get_running_loop().run_in_executor(quick, settle, compute)
        return Response(body, status_code=code, media_type="application/json")

    def export_map(request: Request) -> Response:
        focus = request.query_params.getlist("focus")
        if not focus:
            return JSONResponse({"error": "give focus="}, status_code=400)

        def compute() -> str:
            from foresight.export.html import render_html

            index = explorer.index()
            hops = _number(request, "hops", 1, 1, 3)
            ids = index.ids(focus)
            graph = index.subgraph(nearest(index, ids, hops, MAP_NODES * 4)[0] if ids else [], full=False)
            types = {t for t in (request.query_params.get("types") or "").split(",") if t}
            if types:
                graph = graph.subgraph([n for n, d in graph.nodes(data=True)
                                        if d.get("type") in types or n in focus]).copy()
            return render_html(graph, title=f"foresight map: {graph.nodes[focus[0]].get('label', focus[0])}"
                               if focus[0] in graph else "foresight map")
        try:
            html = compute()  # a synchronous route: Starlette runs it in a worker thread
        except ForesightError as error:
            return JSONResponse({"error": str(error)}, status_code=400)
        return Response(html, media_type="text/html; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="foresight-map.html"'})

    async def sparql(request: Request) -> Response:
        accept = request.headers.get("accept", "")
        params = list(request.query_params.multi_items())
        if request.method == "GET" and not any(name == "query" for name, _ in params) and "text/html" in accept:
            return HTMLResponse(pages["/queries"])
        body: bytes | None = b""
        if request.method == "POST":
            body = await _limited_body(request, settings.limits.request_bytes)
            if body is None:
                return _plain(413, f"the request is larger than {settings.limits.request_bytes // 1024} KB")
        try:
            query = read_request(request.method, request.headers.get("content-type", ""), params, body or b"", accept)
            generation = explorer.current_generation()
            found = await run_in_threadpool(pool().run, query, generation)
        except QueryRefused as refused:
            return _plain(refused.status, str(refused))
        return Response(found.body, media_type=found.media_type, headers={"Vary": "Accept"})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # ready before the first request: the derived data loaded, each index thread's connection open with the
        # graph's adjacency read, the query workers started
        together = threading.Barrier(INDEX_THREADS)

        def warm() -> None:
            explorer.index().adjacency()
            with contextlib.suppress(threading.BrokenBarrierError):
                together.wait(timeout=60)  # so that every thread of the pool takes one

        loop = asyncio.get_running_loop()
        for executor in (quick, workers):
            together.reset()
            await asyncio.gather(*(loop.run_in_executor(executor, warm) for _ in range(INDEX_THREADS)))
        await loop.run_in_executor(workers, pool)
        yield
        if "pool" in holder:
            holder["pool"].close()
        for executor in (quick, workers):
            executor.shutdown(wait=False, cancel_futures=True)
        explorer.close()

    vendor = _vis_folder()
    routes = [Route(path, page) for path in PAGES] + [
        Route("/api/search", api_search), Route("/api/concept", api_concept), Route("/api/paths", api_paths),
        Route("/api/graph", api_graph), Route("/api/queries", api_queries), Route("/api/analytics", api_analytics),
        Route("/api/status", api_status),
        Route("/export/map.html", export_map), Route("/sparql", sparql, methods=["GET", "POST"]),
        Mount("/static/vendor", StaticFiles(directory=vendor), name="vendor"),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.explorer = explorer
    return guarded(app, settings)


def _plain(status: int, message: str) -> Response:
    from starlette.responses import PlainTextResponse

    return PlainTextResponse(message + "\n", status_code=status)


async def _limited_body(request: Request, limit: int) -> bytes | None:
    """The request's body, or ``None`` once it passes ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        return None
    parts: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        parts.append(chunk)
    return b"".join(parts)


def store_folder(location: str) -> str:
    """The folder of an embedded store: the only kind whose queries the endpoint's workers can run."""
    from foresight.errors import StoreError
    from foresight.store import store_location

    spec = store_location(location or None)
    if spec in {"memory:", ":memory:", "rdflib:"} or "://" in spec:
        raise StoreError(f"{spec}: foresight serve works on a store folder on this machine; a remote endpoint is "
                         "queried directly")
    if not Path(spec).is_dir():
        raise StoreError(f"{spec}: no store here yet; ingest scans first (foresight ingest DIR)")
    return spec


def _vis_folder() -> Path:
    """vis-network's script and stylesheet, as the installed pyvis package ships them."""
    import pyvis

    folders = sorted((Path(pyvis.__file__).parent / "lib").glob("vis-*"))
    if not folders:
        raise ForesightError("the installed pyvis package holds no vis-network files")
    return folders[-1]


# ----- around every request: hosts, token, headers -------------------------------------------------------------


def guarded(app: ASGIApp, settings: Settings) -> ASGIApp:
    """``app`` behind the host check, the token check and the security headers."""
    loopback = settings.host in LOOPBACK
    hosts = {f"{name}:{settings.port}" for name in ("127.0.0.1", "localhost", "[::1]")} | {
        "127.0.0.1", "localhost", "[::1]"}

    async def guard(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        headers = {key.decode("latin-1").lower(): value.decode("latin-1") for key, value in scope["headers"]}
        if loopback and headers.get("host", "").lower() not in hosts:
            await _refuse(send, 421, "this server answers requests addressed to the loopback interface only")
            return
        cookie = None
        if settings.token:
            given = _token_of(headers, scope.get("query_string", b""))
            if given is None or not hmac.compare_digest(given.encode(), settings.token.encode()):
                await _refuse(send, 401, "a token is needed: Authorization: Bearer TOKEN, or ?token=TOKEN once")
                return
            if "token=" in scope.get("query_string", b"").decode("latin-1"):
                cookie = f"{TOKEN_COOKIE}={settings.token}; HttpOnly; SameSite=Strict; Path=/"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
                         (b"referrer-policy", b"no-referrer"), (b"x-frame-options", b"DENY"),
                         (b"cross-origin-resource-policy", b"same-origin")]
                if cookie:
                    extra.append((b"set-cookie", cookie.encode("latin-1")))
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await app(scope, receive, send_with_headers)

    return guard


def _token_of(headers: dict[str, str], query_string: bytes) -> str | None:
    auth = headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    for part in headers.get("cookie", "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == TOKEN_COOKIE:
            return value
    given = parse_qs(query_string.decode("latin-1")).get("token")
    return given[0] if given else None


async def _refuse(send: Send, status: int, message: str) -> None:
    body = json.dumps({"error": message}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"content-security-policy", CSP.encode())]})
    await send({"type": "http.response.body", "body": body})
