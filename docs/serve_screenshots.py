"""Make docs/img/serve-*.png: each page of ``foresight serve`` on the example scans, as headless Chromium shows it.

Run from the repository root with the dev dependencies installed::

    python docs/serve_screenshots.py [--output-dir docs/img]

It ingests ``data/examples`` into a store in a temporary folder, starts ``foresight serve`` on a free loopback
port, opens each page in Debian's Chromium (through Playwright's Python package) with every request off the
server refused, and saves a 1400x900 screenshot of each: search, a concept's profile, the pathway finder, the map
and the SPARQL page. The exit status is 1 when a page logged an error or asked for anything off the server.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import requests

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
FOCUS = "https://w3id.org/foresight/id/concept/technologies/live-facial-recognition"
PAGES = [
    ("serve-search.png", "/?q=facial", "#results li"),
    ("serve-concept.png", f"/concept?iri={quote(FOCUS)}", "#articles blockquote"),
    ("serve-paths.png", "/paths?from=Live+Facial+Recognition&to=Chilling+Effect+on+Free+Expression&max_hops=3",
     ".pathway"),
    ("serve-map.png", f"/map?focus={quote(FOCUS)}&hops=2", "#counts"),
    ("serve-sparql.png", "/queries", "#saved li"),
    ("serve-analytics.png", "/analytics", "#micmac-table tbody tr"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main() -> int:
    """Write the screenshots; 1 when a page logged an error or asked for anything off the server."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output-dir", type=Path, default=ROOT / "docs" / "img")
    parser.add_argument("--chromium", default=CHROMIUM)
    arguments = parser.parse_args()
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "store"
        command = [sys.executable, "-m", "foresight.cli", "--store", str(store)]
        subprocess.run([*command, "ingest", str(ROOT / "data" / "examples")], check=True, capture_output=True)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([*command, "serve", "--port", str(port)], stderr=subprocess.DEVNULL)
        try:
            for _ in range(300):
                try:
                    if requests.get(base + "/api/status", timeout=5).ok:
                        break
                except requests.ConnectionError:
                    time.sleep(0.2)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=arguments.chromium, args=[
                    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update"])
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                page.on("console", lambda m: problems.append(m.text) if m.type in {"error", "warning"} else None)
                page.on("pageerror", lambda error: problems.append(str(error)))

                def route(handle: object) -> None:
                    url = handle.request.url  # type: ignore[attr-defined]
                    if url.startswith(base) or url.startswith(("data:", "blob:")):
                        handle.continue_()  # type: ignore[attr-defined]
                    else:
                        problems.append(f"off the server: {url}")
                        handle.abort()  # type: ignore[attr-defined]

                page.route("**/*", route)
                arguments.output_dir.mkdir(parents=True, exist_ok=True)
                for name, path, ready in PAGES:
                    page.goto(base + path)
                    page.wait_for_selector(ready)
                    page.wait_for_timeout(2500 if "map" in name else 300)  # the map settles its layout
                    page.screenshot(path=str(arguments.output_dir / name))
                    print(f"wrote {arguments.output_dir / name}")
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=15)
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
