"""Make docs/img/map.png: the interactive map of the example scans, as headless Chromium shows it.

Run from the repository root with the dev dependencies installed::

    python docs/make_screenshot.py

It ingests ``data/examples`` into an in-memory store, renders the map with
:func:`foresight.export.html.write_html`, opens it in Debian's Chromium (through
Playwright's Python package) with every network request refused, zooms to the scan
with curated links, hovers one node for its tooltip and saves a 1400x900 screenshot.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
sys.path.insert(0, str(ROOT))
from foresight.readers import read_scan  # noqa: E402
from foresight.vocab import scan_iri  # noqa: E402

SCAN = scan_iri(read_scan(ROOT / "data" / "examples" / "oversight-board-review.yaml").scan.id)
FOCUS = f"{SCAN}/signal/statutory-oversight-boards"
HOVER = f"{SCAN}/concern/watchlist-inflation"


def main() -> int:
    """Write the screenshot; the exit status is 1 when the page logged an error or asked the network."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "img" / "map.png")
    parser.add_argument("--chromium", default=CHROMIUM)
    arguments = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from playwright.sync_api import sync_playwright

    from foresight.derived.projection import project
    from foresight.export.html import write_html
    from foresight.ingest import ingest
    from foresight.store import open_store

    with open_store("memory:") as store:
        ingest(store, [ROOT / "data" / "examples"])
        graph = project(store)
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        page_file = Path(folder) / "map.html"
        write_html(graph, page_file, title="foresight map: the example scans", focus=FOCUS)
        browser = playwright.chromium.launch(
            executable_path=arguments.chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 900}, device_scale_factor=1)
        page.route("http*://**/*", lambda route: (problems.append(route.request.url), route.abort()))
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.goto(page_file.as_uri())
        while not page.evaluate("window.foresightReady === true"):
            time.sleep(0.02)
        page.evaluate("id => window.foresightNetwork.focus(id, {scale: 0.7, animation: false})", FOCUS)
        page.wait_for_timeout(300)
        point = page.evaluate(
            """id => {
                const network = window.foresightNetwork;
                const dom = network.canvasToDOM(network.getPositions([id])[id]);
                const box = document.getElementById("map").getBoundingClientRect();
                return [box.left + dom.x, box.top + dom.y];
            }""",
            HOVER,
        )
        page.mouse.move(point[0], point[1])
        page.wait_for_function("!document.getElementById('tooltip').hidden")
        arguments.output.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(arguments.output))
        browser.close()
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    print(f"wrote {arguments.output} ({graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
