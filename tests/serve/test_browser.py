"""Debian's Chromium, driven by Playwright, against ``foresight serve`` on loopback: search, open a profile, find a
pathway, expand a node on the map, filter, move the time slider, export a PNG; every page without console errors,
without requests off the server, and with scan text shown as text."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from foresight.derived.embeddings import mode
from tests.serve.conftest import Server

LFR = "https://w3id.org/foresight/id/concept/technologies/live-facial-recognition"


@dataclass
class Watched:
    """A page, and what it did that it should not: console errors, page errors, dialogs, requests off the server."""

    page: Any
    base: str
    errors: list[str] = field(default_factory=list)
    off_server: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def clean(self) -> None:
        assert self.errors == [], self.errors
        assert self.off_server == [], self.off_server
        assert self.dialogs == [], self.dialogs


def until(page: Any, predicate: str, *args: Any, seconds: float = 20) -> None:
    """Wait until ``predicate`` (a JavaScript function) is true in the page: polled with ``evaluate``, since
    Playwright's ``wait_for_function`` evaluates a string, which the pages' content security policy forbids."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(predicate, *args):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {seconds} s: {predicate}")
        page.wait_for_timeout(100)


@pytest.fixture
def watched(browser: Any, served: Server, tmp_path: Path) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 820}, accept_downloads=True)
    page = context.new_page()
    seen = Watched(page, served.url)

    def console(message: Any) -> None:
        if message.type in {"error", "warning"}:
            seen.errors.append(f"{message.type}: {message.text}")

    def request(route: Any) -> None:
        url = route.request.url
        if url.startswith(served.url) or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            seen.off_server.append(url)
            route.abort()

    def dialog(box: Any) -> None:
        seen.dialogs.append(box.message)
        box.dismiss()

    page.on("console", console)
    page.on("pageerror", lambda error: seen.errors.append(f"page error: {error}"))
    page.on("dialog", dialog)
    context.route("**/*", request)
    yield seen
    context.close()


def test_search_then_a_profile(watched: Watched) -> None:
    page = watched.page
    page.goto(watched.base + "/")
    page.fill("#search", "live facial")
    page.wait_for_selector("#results li a")
    assert "Live Facial Recognition" in page.inner_text("#results")
    assert "q=live+facial" in page.url or "q=live%20facial" in page.url  # the state is in the URL
    page.click("#results li a >> text=Live Facial Recognition")
    page.wait_for_selector("#articles blockquote")
    assert page.inner_text("h1") == "Live Facial Recognition"
    quotes = page.locator("#articles blockquote")
    assert quotes.count() >= 3
    assert "line" in quotes.first.inner_text() and page.locator("#articles a[href^='https://']").count() >= 3
    assert page.locator("svg.chart rect").count() >= 3  # the timeline
    assert "topic" in page.inner_text("#tags")
    # the lexicon alone finds no category here
    assert "STEEP" in page.inner_text("#tags") or mode().startswith("lexical")
    watched.clean()


def test_a_pathway_with_its_evidence(watched: Watched) -> None:
    page = watched.page
    page.goto(watched.base + "/paths")
    page.fill("#from", "Live Facial Recognition")
    page.fill("#to", "Chilling Effect on Free Expression")
    page.select_option("#max-hops", "3")
    page.click("#paths-form button")
    page.wait_for_selector(".pathway")
    first = page.locator(".pathway").first.inner_text()
    assert "Live Facial Recognition" in first and "Chilling Effect on Free Expression" in first
    assert page.locator(".pathway").first.locator(".evidence").count() >= 2
    assert "max_hops=3" in page.url and "from=Live" in page.url
    page.reload()  # a bookmarked view comes back
    page.wait_for_selector(".pathway")
    assert page.input_value("#to") == "Chilling Effect on Free Expression"
    watched.clean()


def test_the_map_expands_filters_slides_and_exports(watched: Watched, tmp_path: Path) -> None:
    page = watched.page
    page.goto(watched.base + "/map?focus=" + quote(LFR))
    until(page, "() => window.foresightMap && window.foresightMap.nodes.length > 1")
    until(page, "() => document.querySelector('#counts').textContent.includes('nodes')")
    until(page, "() => window.foresightMap.settled")  # laid out, still and fitted
    # every node shown lies inside the canvas once fitted
    inside = page.evaluate("""() => { const m = window.foresightMap; const box = m.network.body.container
        .getBoundingClientRect(); return Object.values(m.network.getPositions()).every((p) => {
          const d = m.network.canvasToDOM(p); return d.x >= 0 && d.y >= 0 && d.x <= box.width && d.y <= box.height; });
        }""")
    assert inside
    # labels keep one size on screen, at the fitted zoom and zoomed in
    on_screen = "() => window.foresightMap.labelSize * window.foresightMap.network.getScale()"
    assert abs(page.evaluate(on_screen) - 13) < 1.5
    page.evaluate("() => window.foresightMap.network.moveTo({ scale: 2 * window.foresightMap.network.getScale() })")
    page.evaluate("() => window.foresightMap.network.emit('zoom', {})")
    assert abs(page.evaluate(on_screen) - 13) < 1.5
    # labels that stay readable: by default the largest nodes and the focus are named, the rest on hover
    named = "() => window.foresightMap.nodes.get().filter((n) => n.label.trim()).length"
    total = page.evaluate("window.foresightMap.nodes.length")
    assert 0 < page.evaluate(named) <= min(total, 41)
    page.select_option("#labels", "all")
    assert page.evaluate(named) == total and "labels=all" in page.url
    page.select_option("#labels", "auto")
    before = page.evaluate("window.foresightMap.nodes.length")
    # expand: click a neighbour that is no focus
    # the neighbour with the most links not yet on the map
    other = page.evaluate("""() => { const m = window.foresightMap; const held = {};
        for (const e of m.edges.get()) { held[e.from] = (held[e.from] || 0) + 1; held[e.to] = (held[e.to] || 0) + 1; }
        const more = (n) => n.degree - (held[n.id] || 0);
        return m.nodes.get().filter((n) => !n.focus).sort((a, b) => more(b) - more(a))[0].id; }""")
    box = page.locator("#network canvas").bounding_box()
    dom = page.evaluate("""(iri) => window.foresightMap.network.canvasToDOM(
        window.foresightMap.network.getPosition(iri))""", other)
    page.mouse.click(box["x"] + dom["x"], box["y"] + dom["y"])
    until(page, "(iri) => window.foresightMap.state.expand.includes(iri)", other)
    until(page, "(n) => window.foresightMap.nodes.length > n", before)
    assert "expand=" in page.url
    # filter a type out: the count drops and the view is fitted again
    shown = page.inner_text("#counts")
    page.locator("#type-filters input[value='Topic']").uncheck()
    until(page, "(text) => document.querySelector('#counts').textContent !== text", shown)
    assert "hide=Topic" in page.url
    hidden = page.evaluate("window.foresightMap.nodes.get().filter((n) => n.type === 'Topic').length")
    assert hidden > 0 and f"of {page.evaluate('window.foresightMap.nodes.length')}" in page.inner_text("#counts")
    # the time slider: back to the first month shows fewer nodes
    shown = page.inner_text("#counts")
    until(page, "() => window.foresightMap.settled")
    places = page.evaluate("() => window.foresightMap.network.getPositions()")
    page.eval_on_selector("#time", "(s) => { s.value = '0'; s.dispatchEvent(new Event('input')); }")
    until(page, "(text) => document.querySelector('#counts').textContent !== text", shown)
    assert "until=" in page.url
    gone = set(places) - set(page.evaluate("() => Object.keys(window.foresightMap.network.getPositions())"))
    assert gone
    # ... and forward again: the nodes come back where they were
    page.eval_on_selector("#time", "(s) => { s.value = s.max; s.dispatchEvent(new Event('input')); }")
    until(page, "() => window.foresightMap.settled")
    back = page.evaluate("() => window.foresightMap.network.getPositions()")
    assert all(abs(back[n]["x"] - places[n]["x"]) < 1 and abs(back[n]["y"] - places[n]["y"]) < 1 for n in gone)
    page.eval_on_selector("#time", "(s) => { s.value = '0'; s.dispatchEvent(new Event('input')); }")
    # colour by STEEP: the legend follows
    page.select_option("#color-by", "steep")
    assert "color=steep" in page.url
    # PNG export
    with page.expect_download() as download:
        page.click("#export-png")
    saved = tmp_path / "map.png"
    download.value.save_as(saved)
    assert saved.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and saved.stat().st_size > 5_000
    href = page.get_attribute("#export-html", "href")
    assert href and href.startswith("/export/map.html?") and "focus=" in href
    watched.clean()


def test_sparql_page_runs_a_saved_query(watched: Watched) -> None:
    page = watched.page
    page.goto(watched.base + "/queries")
    page.wait_for_selector("#saved li a")
    page.click("#saved li a >> text=top-keywords")
    page.click("#sparql-form button")
    page.wait_for_selector("#sparql-table tbody tr")
    assert page.locator("#sparql-table tbody tr").count() > 3
    watched.clean()


def test_scan_markup_stays_text(watched: Watched) -> None:
    """The scan of HTML and script, searched, profiled and mapped: its markup shows as text and never runs."""
    page = watched.page
    page.goto(watched.base + "/?q=onerror")
    page.wait_for_selector("#results li a")
    assert "<img src=x onerror=alert(1)>" in page.inner_text("#results")
    page.click("#results li a")
    page.wait_for_selector("h1")
    assert "<img src=x onerror=alert(1)>" in page.inner_text("h1")
    assert page.evaluate("document.querySelectorAll('main img, main iframe, main svg:not(.chart)').length") == 0
    iri = page.evaluate("new URLSearchParams(location.search).get('iri')")
    page.goto(watched.base + "/map?focus=" + quote(iri))
    until(page, "() => window.foresightMap && window.foresightMap.nodes.length > 0")
    assert page.evaluate("window.__xssTitle || window.__xssScript || window.__xssSvg || null") is None
    watched.clean()


def test_the_analytics_page(watched: Watched) -> None:
    page = watched.page
    page.goto(watched.base + "/analytics")
    for table in ("#steep-table", "#micmac-table", "#centrality-table"):
        page.wait_for_selector(f"{table} tbody tr")
    assert page.locator("#steep-table tbody tr").count() == 7  # the seven categories
    page.wait_for_selector("#emerging-out[data-state=done] p")
    page.select_option("#top", "10")
    until(page, """() => document.querySelector('#micmac-out').dataset.state === 'done' &&
        document.querySelectorAll('#micmac-table tbody tr').length <= 10""")
    assert "top=10" in page.url
    # cross-impact, scenario axes and communities
    page.wait_for_selector("#cross-impact-table tbody tr")
    rows = page.locator("#cross-impact-table tbody tr").count()
    assert rows >= 2 and page.locator("#cross-impact-table thead th").count() == rows + 1
    assert page.locator("#cross-impact-table td.ci-self").count() == rows
    page.wait_for_selector("#axes-out[data-state=done]")
    assert page.locator("#axes-table tbody tr, #axes-none").count() >= 1
    # ten example scans: no topic is in three of a year's articles; in one, communities form
    page.wait_for_selector("#communities-out[data-state=done] #communities-none")
    asked = page.evaluate("performance.getEntriesByType('resource').length")
    page.select_option("#community-min", "1")
    page.wait_for_selector("#communities-out[data-state=done] details[open] table tbody tr")
    assert "cmin=1" in page.url
    # the picker asked again for the communities alone
    again = page.evaluate(f"performance.getEntriesByType('resource').slice({asked}).map((e) => e.name)")
    assert again and all("part=communities" in name for name in again)
    page.locator("#micmac-table tbody a").first.click()
    page.wait_for_selector("h1")
    assert "/concept?iri=" in page.url
    watched.clean()
