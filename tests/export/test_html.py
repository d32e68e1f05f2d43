"""The interactive HTML map: self-contained, escaped, and working in real headless Chromium."""

from __future__ import annotations

import base64
import hashlib
import os
import random
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from foresight.derived.projection import project
from foresight.errors import ForesightError, StoreError, UnknownNodeError
from foresight.export.html import (
    FALLBACK_COLOURS,
    TYPE_COLOURS,
    node_colours,
    node_sizes,
    render_html,
    script_json,
    write_html,
)
from foresight.ingest import ingest
from foresight.store import open_store
from foresight.store.base import Store
from tests.conftest import EXAMPLES, TEST_DATA

ID = "https://w3id.org/foresight/id/"
SCAN = f"{ID}scan/xss"
PAYLOAD = "<img src=x onerror=alert(1)>"
# Payloads that would set these globals if any of them ran.
FLAGS = ("__xssFlag", "__xssScript", "__xssSvg", "__xssTitle", "__xssEvidence")


# -- graphs -------------------------------------------------------------------------------------

def _scan(title: str = "Drones over a march", url: str | None = "https://news.example.org/drones") -> dict[str, Any]:
    return {"title": title, "date": "2024-02-18", "url": url, "page_url": "https://kghosh.substack.com/p/20240218",
            "keywords": ["drones"], "themes": ["public security"]}


def small_graph() -> nx.DiGraph:
    """One signal row and a curated link, as the projection builds them."""
    graph = nx.DiGraph(scans={SCAN: _scan()})
    rows = [("force", "DrivingForce", "Cheap drones", 3), ("signal", "Signal", "Aerial Watch", 5),
            ("shift", "Shift", "From patrols to the sky", None), ("outlook", "Outlook", "Drones are routine", 2),
            ("issue", "Issue", "Chilling Effect", 4)]
    for key, kind, label, relevancy in rows:
        graph.add_node(f"{ID}{key}", type=kind, label=label, description=f"About {label.lower()}.",
                       relevancy=relevancy, scan=SCAN)
    for source, target, relation in [("force", "signal", "drives"), ("signal", "shift", "hasShift"),
                                     ("shift", "outlook", "leadsTo"), ("signal", "outlook", "hasOutlook")]:
        graph.add_edge(f"{ID}{source}", f"{ID}{target}", relation=relation, score=1.0, method="structure",
                       evidence=None)
    graph.add_edge(f"{ID}signal", f"{ID}issue", relation="raises", score=0.8, method="curated",
                   evidence="Marchers stay home.")
    return graph


def injection_graph() -> nx.DiGraph:
    """Every text field carries markup or script, and the article link is a javascript: URL."""
    graph = nx.DiGraph(scans={SCAN: _scan("<script>window.__xssTitle = 1</script>", "javascript:alert(2)")})
    graph.add_node(f"{ID}img", type="Signal", label=PAYLOAD, relevancy=5, scan=SCAN,
                   description="</script><script>window.__xssScript = 1</script>\u2028\u2029 & <!-- -->")
    graph.add_node(f"{ID}flag", type="Concern", label='<img src=x onerror="window.__xssFlag = 1">', relevancy=4,
                   scan=SCAN, description='<svg onload="window.__xssSvg = 1">')
    graph.add_node(f"{ID}odd", type="<b>Odd</b>", label="</style><style>body{display:none}</style>", relevancy=None,
                   scan=None, description=None)
    graph.add_edge(f"{ID}img", f"{ID}flag", relation="<i>raises</i>", score=0.4, method="name-mention",
                   evidence='<img src=x onerror="window.__xssEvidence = 1">')
    graph.add_edge(f"{ID}flag", f"{ID}odd", relation="relatedTo", score=0.2, method="shared-terms", evidence=None)
    return graph


def random_graph(nodes: int, edges: int, seed: int = 1) -> nx.DiGraph:
    """A random graph with the projection's attributes (for size and speed)."""
    shape = nx.gnm_random_graph(nodes, edges, seed=seed, directed=True)
    draw = random.Random(seed)
    scans = {f"{ID}scan/{number}": _scan(f"Scan {number}") for number in range(50)}
    graph = nx.DiGraph(scans=scans)
    kinds = [*TYPE_COLOURS, "Novelty"]
    for node in shape:
        graph.add_node(f"{ID}n{node}", type=draw.choice(kinds), label=f"Node {node}", description="words " * 12,
                       relevancy=draw.choice([None, 1, 2, 3, 4, 5]), scan=f"{ID}scan/{node % 50}")
    for source, target in shape.edges():
        graph.add_edge(f"{ID}n{source}", f"{ID}n{target}", relation=draw.choice(["drives", "leadsTo", "relatedTo"]),
                       score=draw.random(), method=draw.choice(["structure", "curated", "shared-terms"]),
                       evidence="shared terms")
    return graph


# -- the page as text -----------------------------------------------------------------------------

def test_page_loads_nothing_from_the_network() -> None:
    page = render_html(small_graph())
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.IGNORECASE)
    assert not re.search(r"url\(\s*['\"]?\s*(?:https?:)?//|@import|<link\b|sourceMappingURL", page, re.IGNORECASE)
    assert "default-src 'none'" in page
    assert "vis.Network" in page


def test_every_inline_script_is_allowed_by_hash_and_nothing_else() -> None:
    page = render_html(small_graph())
    policy = re.search(r"script-src ([^;]*);", page)
    assert policy is not None
    scripts = re.findall(r"<script>(.*?)</script>", page, re.DOTALL)
    assert len(scripts) == 2
    expected = {"'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
                for body in scripts}
    assert set(policy.group(1).split()) == expected


def test_scan_text_cannot_end_the_data_block() -> None:
    page = render_html(injection_graph())
    # The only closing tags are the page's own: data, vis-network, the page script.
    assert len(re.findall(r"</script", page, re.IGNORECASE)) == 3
    assert len(re.findall(r"</style", page, re.IGNORECASE)) == 2
    assert "<img" not in page and "<svg" not in page and "\u2028" not in page and "\u2029" not in page
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in page
    # The title goes into the head as escaped text.
    titled = render_html(small_graph(), title="</title><script>alert(1)</script>")
    assert "<title>&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>" in titled


def test_script_json_escapes_what_html_would_read() -> None:
    text = script_json({"a": "</script>&\u2028\u2029"})
    assert text == '{"a": "\\u003c/script\\u003e\\u0026\\u2028\\u2029"}'


def test_only_web_addresses_become_links() -> None:
    page = render_html(injection_graph())
    assert "javascript:" not in page.split('id="foresight-data">', 1)[1].split("</script>", 1)[0]


def test_a_graph_above_the_node_limit_says_how_to_narrow_it() -> None:
    with pytest.raises(ForesightError) as raised:
        render_html(small_graph(), max_nodes=4)
    message = str(raised.value)
    assert "5 nodes" in message and "4" in message
    assert "--focus NODE --depth N" in message and "--max-nodes" in message
    assert render_html(small_graph(), max_nodes=5)


def test_focus_must_be_a_node_and_size_by_a_known_measure() -> None:
    with pytest.raises(UnknownNodeError):
        render_html(small_graph(), focus=f"{ID}nowhere")
    with pytest.raises(ForesightError, match="cannot size nodes by 'weight'"):
        render_html(small_graph(), size_by="weight")


def test_sizes_follow_relevancy_degree_or_scans() -> None:
    graph = small_graph()
    by_relevancy = node_sizes(graph, "relevancy")
    assert by_relevancy[f"{ID}signal"] > by_relevancy[f"{ID}force"] > by_relevancy[f"{ID}outlook"]
    assert by_relevancy[f"{ID}shift"] == min(by_relevancy.values())
    by_degree = node_sizes(graph, "degree")
    assert by_degree[f"{ID}signal"] == max(by_degree.values())
    graph.nodes[f"{ID}issue"]["scans"] = 9
    by_scans = node_sizes(graph, "scans")
    assert by_scans[f"{ID}issue"] == max(by_scans.values()) > by_scans[f"{ID}signal"]


def test_unknown_types_get_their_own_colour_then_grey() -> None:
    colours = node_colours(["Signal", "Concept", "Zeta", "Alpha", *[f"T{n}" for n in range(6)]])
    assert colours["Signal"] == TYPE_COLOURS["Signal"] and colours["Concept"] == TYPE_COLOURS["Concept"]
    assert colours["Alpha"] == FALLBACK_COLOURS[0]
    assert len(set(colours.values())) == 2 + len(FALLBACK_COLOURS) + 1


def test_two_thousand_nodes_render_in_well_under_three_seconds() -> None:
    graph = random_graph(2000, 4000)
    render_html(nx.DiGraph(random_graph(20, 30)))  # imports and first-call costs
    start = time.perf_counter()
    render_html(graph)
    assert time.perf_counter() - start < 3.0  # about 0.5 s on a 2-core CI machine


def test_write_html_replaces_the_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "map.html"
    target.write_text("old", encoding="utf-8")
    write_html(small_graph(), target, title="drones")
    assert "<title>drones</title>" in target.read_text(encoding="utf-8")
    assert [path.name for path in tmp_path.iterdir()] == ["map.html"]
    umask = os.umask(0o022)
    try:
        write_html(small_graph(), target, title="drones")
    finally:
        os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o644
    with pytest.raises(StoreError, match="does not exist"):
        write_html(small_graph(), tmp_path / "missing" / "map.html")
    with pytest.raises(ForesightError):
        write_html(small_graph(), target, max_nodes=1)
    assert "<title>drones</title>" in target.read_text(encoding="utf-8")
    assert [path.name for path in tmp_path.iterdir()] == ["map.html"]


# -- the page in Chromium ---------------------------------------------------------------------------

@dataclass
class Opened:
    """A map open in a browser page, with everything it tried to do."""

    page: Any
    url: str
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def check_clean(self) -> None:
        """No request but the file itself, no console error, no dialog."""
        assert self.requests == [self.url]
        assert self.blocked == []
        assert self.errors == []
        assert self.dialogs == []

    def count(self, collection: str) -> int:
        return int(self.page.evaluate(f"window.{collection}.length"))


@pytest.fixture
def open_map(browser: Any, tmp_path: Path) -> Iterator[Any]:
    """Write a graph's map and open it from a file:// URL with the network blocked and watched."""
    contexts: list[Any] = []

    def opener(graph: nx.DiGraph, *, csp: bool = False, **options: Any) -> Opened:
        """Open the map; ``csp=False`` turns the page's Content-Security-Policy off, so the
        injection tests show that escaping alone keeps scan text inert (and Playwright's
        ``wait_for_function`` may evaluate its predicate)."""
        path = tmp_path / f"map{len(contexts)}.html"
        write_html(graph, path, **options)
        context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=not csp)
        contexts.append(context)
        page = context.new_page()
        opened = Opened(page, path.as_uri())

        def route(route: Any) -> None:
            if route.request.url.startswith(("http:", "https:")):
                opened.blocked.append(route.request.url)
                route.abort()
            else:
                route.continue_()

        def dialog(dialog: Any) -> None:
            opened.dialogs.append(dialog.message)
            dialog.dismiss()

        page.route("**/*", route)
        page.on("request", lambda request: opened.requests.append(request.url))
        page.on("console", lambda message: opened.errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: opened.errors.append(str(error)))
        page.on("dialog", dialog)
        start = time.perf_counter()
        page.goto(opened.url)
        while not page.evaluate("window.foresightReady === true"):
            assert time.perf_counter() - start < 15, "the map never finished drawing"
            time.sleep(0.01)
        opened.seconds = time.perf_counter() - start
        return opened

    yield opener
    for context in contexts:
        context.close()


def _node_on_screen(opened: Opened, node: str) -> tuple[float, float]:
    point = opened.page.evaluate(
        """id => {
            const network = window.foresightNetwork;
            const dom = network.canvasToDOM(network.getPositions([id])[id]);
            const box = document.getElementById("map").getBoundingClientRect();
            return [box.left + dom.x, box.top + dom.y];
        }""",
        node,
    )
    return float(point[0]), float(point[1])


def _check_injection_inert(opened: Opened, graph: nx.DiGraph) -> None:
    """Nothing ran, no element came out of the data, and the labels are in the DataSet as written."""
    page = opened.page
    opened.check_clean()
    assert page.evaluate(f"[{', '.join(f'window.{flag}' for flag in FLAGS)}]") == [None] * len(FLAGS)
    assert page.evaluate("document.querySelectorAll('img, svg, iframe, b, i, style:not(head style)').length") == 0
    labels = page.evaluate("window.foresightNodes.map(node => node.label)")
    assert sorted(labels) == sorted(data["label"] for _, data in graph.nodes(data=True))


def test_the_content_security_policy_runs_the_page_and_nothing_else(open_map: Any) -> None:
    opened = open_map(small_graph(), csp=True)
    opened.check_clean()
    page = opened.page
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<img src=x onerror=\"window.__probe = 1\">')")
    page.wait_for_timeout(200)
    assert page.evaluate("window.__probe") is None
    assert any("Content Security Policy" in error for error in opened.errors)


def test_map_shows_every_node_and_edge(open_map: Any) -> None:
    graph = small_graph()
    opened = open_map(graph)
    opened.check_clean()
    assert opened.count("foresightNodes") == graph.number_of_nodes()
    assert opened.count("foresightEdges") == graph.number_of_edges()
    page = opened.page
    assert page.evaluate("window.foresightNetwork.getSelectedNodes()") == []
    legend = page.inner_text("#legend")
    assert "Driving force" in legend and "curated" in legend and "size: relevancy" in legend
    assert page.inner_text("#summary") == "5 of 5 nodes · 5 links"


def test_hover_shows_the_node_and_click_links_the_source_article(open_map: Any) -> None:
    opened = open_map(small_graph())
    page = opened.page
    page.mouse.move(*_node_on_screen(opened, f"{ID}signal"))
    page.wait_for_selector("#tooltip:not([hidden])")
    tooltip = page.inner_text("#tooltip")
    for text in ("Signal", "Aerial Watch", "About aerial watch.", "relevancy 5/5", "Drones over a march",
                 "2024-02-18", "https://news.example.org/drones"):
        assert text in tooltip
    page.mouse.click(*_node_on_screen(opened, f"{ID}signal"))
    page.wait_for_selector("#details:not([hidden])")
    links = page.eval_on_selector_all("#details a", "links => links.map(link => [link.textContent, link.href])")
    assert links == [["source article", "https://news.example.org/drones"],
                     ["scan page", "https://kghosh.substack.com/p/20240218"]]
    opened.check_clean()


def test_injection_renders_as_text(open_map: Any) -> None:
    graph = injection_graph()
    opened = open_map(graph)
    page = opened.page
    _check_injection_inert(opened, graph)
    assert page.evaluate(f"window.foresightNodes.get({f'{ID}img'!r}).label") == PAYLOAD
    assert page.evaluate(f"window.foresightFind({PAYLOAD!r})") == f"{ID}img"
    page.wait_for_selector("#details:not([hidden])")
    assert PAYLOAD in page.inner_text("#details")
    assert "&lt;img src=x onerror=alert(1)&gt;" in page.inner_html("#details")
    # The article's javascript: address is no link; the scan page is.
    assert page.eval_on_selector_all("#details a", "links => links.map(link => link.textContent)") == ["scan page"]
    page.mouse.move(*_node_on_screen(opened, f"{ID}img"))
    page.wait_for_selector("#tooltip:not([hidden])")
    assert PAYLOAD in page.inner_text("#tooltip")
    assert "</script><script>window.__xssScript = 1</script>" in page.inner_text("#tooltip")
    # The edge's tooltip, halfway along it.
    start, end = _node_on_screen(opened, f"{ID}img"), _node_on_screen(opened, f"{ID}flag")
    page.mouse.move(0, 0)
    page.mouse.move((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
    page.wait_for_function("document.getElementById('tooltip').textContent.includes('name-mention')")
    assert '<img src=x onerror="window.__xssEvidence = 1">' in page.inner_text("#tooltip")
    assert "<b>Odd</b>" in page.inner_text("#legend")
    _check_injection_inert(opened, graph)


def test_search_box_selects_and_zooms_to_a_node(open_map: Any) -> None:
    opened = open_map(random_graph(300, 400))
    page = opened.page
    before = page.evaluate("window.foresightNetwork.getScale()")
    page.fill("#search", "node 123")
    page.press("#search", "Enter")
    page.wait_for_function("window.foresightNetwork.getSelectedNodes().length === 1")
    assert page.evaluate("window.foresightNetwork.getSelectedNodes()") == [f"{ID}n123"]
    assert "1 match" in page.inner_text("#search-status")
    assert "Node 123" in page.inner_text("#details")
    page.wait_for_function("window.foresightNetwork.getScale() >= 1.19", timeout=5_000)
    assert page.evaluate("window.foresightNetwork.getScale()") > before
    page.wait_for_timeout(500)  # the zoom animation ends
    x, y = _node_on_screen(opened, f"{ID}n123")
    box = page.evaluate("(() => { const b = document.getElementById('map').getBoundingClientRect();"
                        " return [b.left + b.width / 2, b.top + b.height / 2]; })()")
    assert abs(x - box[0]) < 5 and abs(y - box[1]) < 5
    # Enter again goes on to the next of several matches.
    page.fill("#search", "node 12")
    page.press("#search", "Enter")
    page.wait_for_function("document.getElementById('search-status').textContent.startsWith('1 of')")
    page.press("#search", "Enter")
    page.wait_for_function("document.getElementById('search-status').textContent.startsWith('2 of')")
    page.fill("#search", "no such node")
    page.press("#search", "Enter")
    page.wait_for_function("document.getElementById('search-status').textContent === 'no visible node matches'")
    opened.check_clean()


def test_type_filter_hides_and_shows_nodes_and_their_edges(open_map: Any) -> None:
    graph = small_graph()
    opened = open_map(graph)
    page = opened.page
    page.click("#legend input[data-type='Signal']")
    hidden = page.evaluate("window.foresightNodes.get({filter: node => node.hidden}).map(node => node.id)")
    assert hidden == [f"{ID}signal"]
    edges = page.evaluate("window.foresightEdges.get({filter: edge => edge.hidden}).length")
    assert edges == sum(1 for edge in graph.edges() if f"{ID}signal" in edge)
    assert page.inner_text("#summary").startswith("4 of 5 nodes")
    page.fill("#search", "Aerial Watch")
    page.press("#search", "Enter")
    page.wait_for_function("document.getElementById('search-status').textContent === 'no visible node matches'")
    page.click("#legend input[data-type='Signal']")
    assert page.evaluate("window.foresightNodes.get({filter: node => node.hidden}).length") == 0
    assert page.evaluate("window.foresightEdges.get({filter: edge => edge.hidden}).length") == 0
    page.click("#legend button:text('none')")
    assert page.inner_text("#summary").startswith("0 of 5 nodes")
    opened.check_clean()


def test_focus_opens_on_the_node(open_map: Any) -> None:
    opened = open_map(small_graph(), focus=f"{ID}outlook", size_by="degree")
    page = opened.page
    assert page.evaluate("window.foresightNetwork.getSelectedNodes()") == [f"{ID}outlook"]
    assert "Drones are routine" in page.inner_text("#details")
    assert "size: number of links" in page.inner_text("#legend")
    opened.check_clean()


def test_two_thousand_nodes_are_drawn_within_three_seconds(open_map: Any) -> None:
    graph = random_graph(2000, 4000)
    opened = open_map(graph)
    assert opened.seconds < 3.0
    assert opened.count("foresightNodes") == 2000
    assert opened.count("foresightEdges") == 4000
    opened.check_clean()


# -- scans all the way to the browser ---------------------------------------------------------------

@pytest.fixture(scope="module")
def examples_and_xss() -> Iterator[Store]:
    with open_store("memory:") as store:
        report = ingest(store, [EXAMPLES, TEST_DATA / "xss-scan.md"])
        assert not report.errors
        yield store


def test_a_script_injection_scan_renders_as_text_end_to_end(open_map: Any, examples_and_xss: Store) -> None:
    graph = project(examples_and_xss)
    signal = next(node for node, label in graph.nodes(data="label") if label == PAYLOAD)
    opened = open_map(graph, title="examples and an injection scan")
    assert opened.count("foresightNodes") == graph.number_of_nodes()
    assert opened.count("foresightEdges") == graph.number_of_edges()
    _check_injection_inert(opened, graph)
    page = opened.page
    assert page.evaluate(f"window.foresightNodes.get({signal!r}).label") == PAYLOAD
    page.evaluate(f"window.foresightFind({PAYLOAD!r})")
    page.wait_for_selector("#details:not([hidden])")
    details = page.inner_text("#details")
    assert PAYLOAD in details and "window.__xssTitle = 1" in details
    # The article link is javascript:, so only the scan page is a link.
    assert page.eval_on_selector_all("#details a", "links => links.map(link => link.href)") == [
        "https://kghosh.substack.com/p/20250301"
    ]
    _check_injection_inert(opened, graph)


@pytest.mark.corpus
def test_the_real_corpus_renders_cleanly(open_map: Any, corpus_store: tuple[Store, object]) -> None:
    store, _ = corpus_store
    graph = project(store)
    assert graph.number_of_nodes() > 500
    opened = open_map(graph, title="corpus")
    assert opened.count("foresightNodes") == graph.number_of_nodes()
    assert opened.count("foresightEdges") == graph.number_of_edges()
    opened.check_clean()
    labels = opened.page.evaluate("window.foresightNodes.map(node => node.label)")
    assert sorted(labels) == sorted(label for _, label in graph.nodes(data="label"))
