"""A load test of ``foresight serve``: concurrent clients on loopback for a fixed time, p50/p95 per route.

    python benchmarks/serve_load.py --store STORE [--clients 50] [--seconds 30] [--think 0.5]
    python benchmarks/serve_load.py --count 10000          # builds the bulk scans replicated to 10,000 first

``foresight serve`` is started on a free loopback port over the store (built first, in a temporary folder, from
``../shared/corpus/bulk`` copied round to ``--count`` scans, when no ``--store`` is given: about 20 minutes at
10,000 scans). Then ``--clients`` clients (asyncio and httpx, one process) each send requests one after another
until ``--seconds`` have passed, waiting a random 0 to 2 × ``--think`` seconds between two (a person reading the
answer; 0: none at all, the server's throughput alone). Each request is drawn from:

* **page**: one of the five pages, or one of its static files (30 %);
* **search**: ``/api/search`` for a word of the store's concept names (the words of 5,000 of them, read from
  ``/sparql`` first: thousands of different searches, so that most are asked for the first time) (35 %);
* **pathways**: ``/api/paths``, at most 3 hops, between the two topics of a pair of
  ``tests/data/topic-pairs.tsv`` or between two of those concept names, half and half (15 %);
* **sparql**: one of the saved queries (``ontology/queries``), POSTed to ``/sparql`` (20 %).

It prints, per route, the requests, the median and 95th percentile latency, the slowest, and the errors (a
status other than 2xx, or no answer). Targets on 2 cores: p95 ≤ 300 ms for pages and searches, ≤ 1 s for
pathways, no errors. The client shares the machine's cores with the server, so the figures are conservative.
Figures, not a test: the exit status is 0; without ``../shared`` and ``--store`` it says so and stops.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

BULK = ROOT.parent / "shared" / "corpus" / "bulk"
WEIGHTS = {"page": 0.30, "search": 0.35, "pathways": 0.15, "sparql": 0.20}
PAGES = ["/", "/concept?name=artificial+intelligence", "/paths", "/map", "/queries", "/static/app.js",
         "/static/app.css"]
TARGETS = {"page": 0.3, "search": 0.3, "pathways": 1.0, "sparql": None}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def topic_pairs() -> list[tuple[str, str]]:
    with (ROOT / "tests" / "data" / "topic-pairs.tsv").open(encoding="utf-8") as handle:
        return [(row["a"], row["b"]) for row in csv.DictReader(handle, delimiter="\t")]


def saved_queries() -> list[str]:
    return [path.read_text(encoding="utf-8") for path in sorted((ROOT / "ontology" / "queries").glob("*.rq"))]


def build_store(count: int, folder: Path) -> Path:
    from paths import replicate

    scans = folder / "scans"
    replicate(BULK, scans, count)
    store = folder / "store"
    print(f"ingesting {count:,} scans (the bulk scans copied round) ...", flush=True)
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "foresight.cli", "--store", str(store), "ingest", str(scans)], check=True,
                   stdout=subprocess.DEVNULL)
    print(f"  built in {time.monotonic() - started:.0f} s", flush=True)
    return store


async def client(http: object, base: str, until: float, think: float, rng: random.Random,
                 pairs: list[tuple[str, str]], names: list[str], queries: list[str], seen: dict[str, list[float]],
                 errors: dict[str, list[str]]) -> None:
    import httpx

    assert isinstance(http, httpx.AsyncClient)
    words = sorted({word.strip("()'\",.:").casefold() for name in names for word in name.split()
                    if len(word.strip("()'\",.:")) > 3})
    routes, weights = zip(*WEIGHTS.items(), strict=True)
    while time.monotonic() < until:
        route = rng.choices(routes, weights)[0]
        started = time.monotonic()
        try:
            if route == "page":
                response = await http.get(base + rng.choice(PAGES))
            elif route == "search":
                response = await http.get(base + "/api/search", params={"q": rng.choice(words)})
            elif route == "pathways":
                a, b = rng.choice(pairs) if rng.random() < 0.5 else rng.sample(names, 2)
                response = await http.get(base + "/api/paths", params={"from": a, "to": b, "max_hops": 3})
            else:
                response = await http.post(base + "/sparql", content=rng.choice(queries).encode(),
                                           headers={"Content-Type": "application/sparql-query",
                                                    "Accept": "application/sparql-results+json"})
            took = time.monotonic() - started
            if response.status_code >= 300 and not (route == "pathways" and response.status_code == 404):
                errors[route].append(f"{response.status_code}: {response.text[:120]}")
        except httpx.HTTPError as error:
            took = time.monotonic() - started
            errors[route].append(type(error).__name__)
        seen[route].append(took)
        if think:
            await asyncio.sleep(rng.uniform(0, 2 * think))


async def load(base: str, clients: int, seconds: float, think: float) -> tuple[dict[str, list[float]],
                                                                               dict[str, list[str]]]:
    import httpx

    pairs, queries = topic_pairs(), saved_queries()
    found = httpx.post(base + "/sparql", timeout=120, headers={"Accept": "application/sparql-results+json"},
                       data={"query": "SELECT ?l WHERE { ?c a skos:Concept ; skos:prefLabel ?l } LIMIT 5000"})
    names = [row["l"]["value"] for row in found.json()["results"]["bindings"]]
    seen: dict[str, list[float]] = {route: [] for route in WEIGHTS}
    errors: dict[str, list[str]] = {route: [] for route in WEIGHTS}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=60, limits=limits) as http:
        until = time.monotonic() + seconds
        await asyncio.gather(*(client(http, base, until, think, random.Random(number), pairs, names, queries, seen,
                                      errors) for number in range(clients)))
    return seen, errors


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, help="an existing store (else one is built from the bulk scans)")
    parser.add_argument("--count", type=int, default=10_000, help="scans in the store built (default 10,000)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--think", type=float, default=0.5, help="mean seconds a client waits between requests")
    arguments = parser.parse_args()
    if arguments.store is None and not BULK.is_dir():
        print(f"no --store and no bulk scans at {BULK}: nothing to load; skipped")
        return 0
    with tempfile.TemporaryDirectory() as folder:
        store = arguments.store or build_store(arguments.count, Path(folder))
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = Path(folder) / "serve.log"
        with log.open("wb") as handle:
            server = subprocess.Popen([sys.executable, "-m", "foresight.cli", "--store", str(store), "serve",
                                       "--port", str(port)], stdout=handle, stderr=subprocess.STDOUT)
            try:
                import requests

                started = time.monotonic()
                while True:
                    try:
                        if requests.get(base + "/api/status", timeout=120).ok:
                            break
                    except requests.ConnectionError:
                        if server.poll() is not None or time.monotonic() - started > 300:
                            print(log.read_text(), file=sys.stderr)
                            return 0
                        time.sleep(0.3)
                print(f"foresight serve on {store}: first answer after {time.monotonic() - started:.1f} s; "
                      f"{arguments.clients} clients for {arguments.seconds:g} s, think time mean "
                      f"{arguments.think:g} s, {os.cpu_count()} cores", flush=True)
                seen, errors = asyncio.run(load(base, arguments.clients, arguments.seconds, arguments.think))
            finally:
                server.terminate()
                try:
                    server.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    server.kill()
    total = sum(len(values) for values in seen.values())
    print(f"\n{total:,} requests, {total / arguments.seconds:.0f} per second, "
          f"{sum(len(e) for e in errors.values())} errors\n")
    print(f"{'route':<10} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'errors':>6}  target p95")
    for route, values in seen.items():
        if not values:
            continue
        target = TARGETS[route]
        p95 = percentile(values, 0.95)
        verdict = "" if target is None else f"≤ {target * 1000:.0f} ms: {'PASS' if p95 <= target else 'MISS'}"
        print(f"{route:<10} {len(values):>8} {1000 * statistics.median(values):>8.0f} {1000 * p95:>8.0f} "
              f"{1000 * max(values):>8.0f} {len(errors[route]):>6}  {verdict}")
    for route, found in errors.items():
        for message in sorted(set(found))[:5]:
            print(f"  {route} error: {message}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
