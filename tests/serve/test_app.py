"""The pages and JSON API of ``foresight serve``, against the real server on loopback: what each answers on the
examples and the real scans, read against what the CLI says; then hosts, the token, headers and bad input."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
import requests

from foresight.derived.embeddings import mode
from tests.conftest import EXAMPLES, cli
from tests.serve.conftest import Server

LFR = "https://w3id.org/foresight/id/concept/technologies/live-facial-recognition"


def test_pages_are_the_shell_with_strict_headers(served: Server) -> None:
    for path, name in [("/", "search"), ("/concept", "concept"), ("/paths", "paths"), ("/map", "map"),
                       ("/queries", "queries"), ("/analytics", "analytics")]:
        page = served.get(path)
        assert page.status_code == 200 and f'data-page="{name}"' in page.text
        policy = page.headers["content-security-policy"]
        assert "default-src 'none'" in policy and "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert page.headers["x-frame-options"] == "DENY"
        assert "http" not in page.text.replace("http-equiv", "")  # nothing off the server
    assert "vis-network.min.js" in served.get("/map").text
    script = served.get("/static/vendor/vis-network.min.js")
    assert script.status_code == 200 and len(script.content) > 100_000  # from the installed pyvis package
    assert served.get("/static/app.js").status_code == 200
    assert served.get("/static/../app.py").status_code == 404


def test_search_finds_concepts_as_the_cli_does(served: Server, examples_dir: Path) -> None:
    found = served.get("/api/search", params={"q": "facial recognition"}).json()
    labels = [m["label"] for m in found["matches"]]
    assert "Live Facial Recognition" in labels
    assert all(m["iri"].startswith("https://w3id.org/foresight/id/concept/") for m in found["matches"]
               if m["type"] != "Topic")
    assert len(labels) == len(set(m["iri"] for m in found["matches"]))  # each concept once
    # every row the CLI's search finds belongs to a concept listed here (or beyond the limit)
    rows = json.loads(cli(examples_dir, "search", "facial recognition", "-f", "json", "-n", "5").stdout)
    assert {r["label"] for r in rows} & ({m["matched"] for m in found["matches"]} | set(labels))
    near = served.get("/api/search", params={"q": "facial recogniton"}).json()
    assert near["matches"] == [] and any("facial recognition" in s.casefold() for s in near["suggestions"])
    assert served.get("/api/search", params={"q": ""}).json()["matches"] == []


def test_a_profile_shows_every_article_and_its_neighbours(served: Server, examples_dir: Path) -> None:
    record = served.get("/api/concept", params={"iri": LFR}).json()["nodes"][0]
    shown = json.loads(cli(examples_dir, "show", LFR, "-f", "json").stdout)[0]
    assert record["label"] == shown["label"] == "Live Facial Recognition"
    assert [t["scan"]["iri"] for t in record["texts"]] == [t["scan"]["iri"] for t in shown["texts"]]
    assert len(record["texts"]) == record["articles"] >= 3
    for text in record["texts"]:  # quote, date, link, file and line of each article
        assert text["description"] and text["scan"]["date"] and text["scan"]["article"].startswith("https://")
        assert text["scan"]["file"] and text["line"]
    assert record["relations"].keys() == shown["relations"].keys()
    assert sum(record["months"].values()) == len(record["texts"])
    assert record["first"] <= record["last"]
    assert [t["label"] for t in record["topics"]]
    # its STEEP tags are those stored with it (the lexicon alone finds none for this name and description)
    stored = cli(examples_dir, "sparql", f"SELECT ?s WHERE {{ <{LFR}> fs:steepCategory/skos:prefLabel ?s }}", "-f",
                 "csv").stdout.split()[1:]
    assert sorted(record["steep"]) == sorted(stored) and (record["steep"] or mode().startswith("lexical"))
    by_name = served.get("/api/concept", params={"name": "live facial recognition"}).json()
    assert LFR in {node["iri"] for node in by_name["nodes"]}
    missing = served.get("/api/concept", params={"name": "no such thing at all"})
    assert missing.status_code == 404 and "no node named" in missing.json()["error"]


def test_pathways_carry_evidence_on_every_hop(served: Server, examples_dir: Path) -> None:
    found = served.get("/api/paths", params={"from": "Live Facial Recognition",
                                             "to": "Chilling Effect on Free Expression", "max_hops": 3}).json()
    cli_found = json.loads(cli(examples_dir, "paths", "Live Facial Recognition",
                               "Chilling Effect on Free Expression", "--max-hops", "3", "-f", "json").stdout)
    assert [p["nodes"][-1]["label"] for p in found["pathways"]] == [p["nodes"][-1]["label"] for p in cli_found]
    assert [[h["relation"] for h in p["hops"]] for p in found["pathways"]] == [
        [h["relation"] for h in p["hops"]] for p in cli_found]
    assert found["pathways"] and all(h["evidence"] and (h["scan"] or h.get("evidence_scans"))
                                     for p in found["pathways"] for h in p["hops"])
    via = served.get("/api/paths", params={"from": "Live Facial Recognition", "to": "Chilling Effect on Free "
                                           "Expression", "via": "Behavior"}).json()
    assert all(n["type"] == "Behavior" for p in via["pathways"] for n in p["nodes"][1:-1])
    bad = served.get("/api/paths", params={"from": "Live Facial Recognition", "to": "x", "max_hops": "9"})
    assert bad.status_code == 400 and "max_hops" in bad.json()["error"]
    assert served.get("/api/paths", params={"from": "a"}).status_code == 400
    assert served.get("/api/paths", params={"from": "Live Facial Recognition", "to": "z",
                                            "via": "Nonsense"}).status_code in {400, 404}


def test_a_map_neighbourhood_grows_with_hops(served: Server) -> None:
    one = served.get("/api/graph", params={"focus": LFR, "hops": 1}).json()
    two = served.get("/api/graph", params={"focus": LFR, "hops": 2}).json()
    assert 1 < one["shown"] < two["shown"]
    ids = {node["id"] for node in one["nodes"]}
    assert LFR in ids and all(edge["from"] in ids and edge["to"] in ids for edge in one["edges"])
    focus = next(node for node in one["nodes"] if node["id"] == LFR)
    assert focus["focus"] and focus["distance"] == 0 and focus["articles"] >= 3
    assert focus["steep"] or mode().startswith("lexical")
    assert all(node["distance"] <= 1 for node in one["nodes"])
    capped = served.get("/api/graph", params={"focus": LFR, "hops": 3, "limit": 10}).json()
    assert capped["shown"] == 10 < capped["within"]
    assert all(n["distance"] <= min(m["distance"] for m in capped["nodes"] if not m["focus"]) + 1
               for n in capped["nodes"])  # the nearest first
    exported = served.get("/export/map.html", params={"focus": LFR, "hops": 1})
    assert exported.status_code == 200 and "vis.Network" in exported.text
    assert "attachment" in exported.headers["content-disposition"]
    assert served.get("/api/graph").status_code == 400
    assert served.get("/api/graph", params={"focus": "https://nowhere.example/x"}).status_code == 404


def test_scan_text_is_data_in_every_answer(served: Server) -> None:
    """The scan of HTML and script: the API returns its text as JSON strings; no page ever holds it."""
    found = served.get("/api/search", params={"q": "onerror"}).json()
    assert any("<img src=x onerror=alert(1)>" in m["label"] for m in found["matches"])
    iri = next(m["iri"] for m in found["matches"] if "<img" in m["label"])
    record = served.get("/api/concept", params={"iri": iri})
    assert record.headers["content-type"] == "application/json"
    assert "<img src=x onerror=alert(1)>" in record.json()["nodes"][0]["label"]
    for path in ("/", "/concept", "/map"):
        assert "onerror" not in served.get(path, params={"iri": iri, "focus": iri}).text


def test_only_loopback_names_are_answered(served: Server) -> None:
    host = served.url.split("//")[1]
    assert requests.get(served.url + "/", headers={"Host": "evil.example"}, timeout=10).status_code == 421
    assert requests.get(served.url + "/", headers={"Host": f"localhost:{host.split(':')[1]}"},
                        timeout=10).status_code == 200


def test_an_idle_connection_outlives_the_clients_own_keep_alive(served: Server) -> None:
    """A client that keeps connections 5 s (httpx, and uvicorn's default) may send on one idle that long: the
    server must not be closing it at that moment (the load test lost a request or two a run to that race)."""
    import http.client
    import time

    host, port = served.url.split("//")[1].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        for wait in (0.0, 6.0):
            time.sleep(wait)
            connection.request("GET", "/api/status")
            answer = connection.getresponse()
            assert answer.status == 200 and json.loads(answer.read())["concepts"] > 0
            assert connection.sock is not None  # the same connection both times: nothing reconnected
    finally:
        connection.close()


def test_another_host_needs_a_token(examples_dir: Path, serve_store: Callable[..., Server]) -> None:
    refused = cli(examples_dir, "serve", "--host", "0.0.0.0", env={"FORESIGHT_SERVE_TOKEN": ""})
    assert refused.exit_code == 1 and "--token" in refused.output
    server = serve_store(examples_dir, token="s3cret-token")
    assert requests.get(server.url + "/api/status", timeout=10).status_code == 401
    assert requests.get(server.url + "/api/status", headers={"Authorization": "Bearer wrong"},
                        timeout=10).status_code == 401
    assert requests.get(server.url + "/api/status", headers={"Authorization": "Bearer s3cret-token"},
                        timeout=10).status_code == 200
    session = requests.Session()
    first = session.get(server.url + "/?token=s3cret-token", timeout=10)
    assert first.status_code == 200 and "HttpOnly" in first.headers["set-cookie"]
    assert session.get(server.url + "/api/status", timeout=10).status_code == 200  # the cookie carries it
    assert requests.post(server.url + "/sparql", data={"query": "ASK {?s ?p ?o}"}, timeout=10).status_code == 401


def test_no_store_is_one_clear_error(tmp_path: Path) -> None:
    result = cli(tmp_path / "nothing", "serve")
    assert result.exit_code == 1 and "no store here yet" in result.output
    assert cli(tmp_path / "nothing", "serve", "--port", "0").exit_code == 1


def test_the_server_follows_an_ingest(tmp_path: Path, serve_store: Callable[..., Server]) -> None:
    """A scan ingested by another process while the server runs shows at the next request."""
    scans = tmp_path / "scans"
    scans.mkdir()
    files = sorted(p for p in EXAMPLES.iterdir() if p.suffix == ".md")
    for path in files[:-1]:
        shutil.copy(path, scans / path.name)
    store = tmp_path / "store"
    assert cli(store, "ingest", str(scans)).exit_code == 0
    server = serve_store(store)
    before = server.get("/api/status").json()
    asked = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a fs:Scan }"
    count = int(server.get("/sparql", params={"query": asked}).json()["results"]["bindings"][0]["n"]["value"])
    assert cli(store, "ingest", str(files[-1])).exit_code == 0
    after = server.get("/api/status").json()
    assert after["generation"] != before["generation"] and after["loads"] == before["loads"] + 1
    again = int(server.get("/sparql", params={"query": asked}).json()["results"]["bindings"][0]["n"]["value"])
    assert again == count + 1


@pytest.mark.corpus
def test_the_real_scans_answer_an_analysts_questions(real_dir: Path, serve_store: Callable[..., Server]) -> None:
    """On the 200 real scans: a topic phrase as a pathway end, a profile with its articles, a map of a hub."""
    server = serve_store(real_dir)
    found = server.get("/api/search", params={"q": "deepfake"}).json()["matches"]
    assert found and any("deepfake" in m["label"].casefold() for m in found)
    record = server.get("/api/concept", params={"iri": found[0]["iri"]}).json()["nodes"][0]
    assert record["texts"] or record["scan"]
    ways = server.get("/api/paths", params={"from": "generative AI", "to": "misinformation",
                                            "max_hops": 3}).json()
    assert ways["pathways"], ways
    for pathway in ways["pathways"]:
        assert all(h["evidence"] for h in pathway["hops"])
    hub = next(m for m in server.get("/api/search", params={"q": "artificial intelligence"}).json()["matches"])
    mapped = server.get("/api/graph", params={"focus": hub["iri"], "hops": 2}).json()
    assert mapped["shown"] <= 250 and mapped["within"] >= mapped["shown"]
    print(f"real scans: {len(found)} matches for 'deepfake'; {len(ways['pathways'])} pathways generative AI → "
          f"misinformation; map of {hub['label']!r}: {mapped['shown']} of {mapped['within']} nodes within 2 hops; "
          f"{quote(hub['iri'])}")


def test_the_readme_serve_commands_answer(examples_dir: Path, serve_store: Callable[..., Server]) -> None:
    """Each ``foresight serve`` the README shows, started as shown (on a free port instead of its own)."""
    import re
    import shlex

    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = [shlex.split(line.removeprefix("$ "))[2:] for block in re.findall(r"```console\n(.*?)```", readme,
                                                                                flags=re.S)
             for line in block.splitlines() if line.startswith("$ foresight serve")]
    assert shown
    for options in shown:
        options = [word for number, word in enumerate(options)
                   if word != "--port" and (number == 0 or options[number - 1] != "--port")]
        server = serve_store(examples_dir, *options)
        assert server.get("/").status_code == 200
        assert server.get("/sparql", params={"query": "ASK { ?s a fs:Scan }"}).json()["boolean"] is True


@pytest.mark.corpus
def test_analytics_answer_as_the_commands_do(real_dir: Path, serve_store: Callable[..., Server]) -> None:
    """The analytics page's data on the 200 real scans: STEEP, emerging, MICMAC, centrality, cross-impact, scenario
    axes and communities, read against the JSON of the same commands."""
    server = serve_store(real_dir)
    steep = server.get("/api/analytics", params={"part": "steep"}).json()
    assert steep["categories"] == json.loads(cli(real_dir, "steep", "-f", "json").stdout)["categories"]
    emerging = server.get("/api/analytics", params={"part": "emerging", "months": 12, "level": "topics",
                                                    "top": 10}).json()
    from_cli = cli(real_dir, "emerging", "--months", "12", "--level", "topics", "-n", "10", "-f", "json")
    assert [r["iri"] for r in emerging["records"]] == [r["iri"] for r in json.loads(from_cli.stdout or "[]")]
    assert emerging["records"] or emerging["empty_because"]
    micmac = server.get("/api/analytics", params={"part": "micmac", "top": 12}).json()
    assert [(r["concept"], r["quadrant"]) for r in micmac["records"]] == [
        (r["concept"], r["quadrant"]) for r in json.loads(cli(real_dir, "micmac", "--top", "12", "-f", "json").stdout)]
    central = server.get("/api/analytics", params={"part": "centrality", "top": 10}).json()
    assert [r["topic"] for r in central["records"]] == [
        r["topic"] for r in json.loads(cli(real_dir, "centrality", "-n", "10", "-f", "json").stdout)]
    crossed = server.get("/api/analytics", params={"part": "cross-impact", "top": 10}).json()
    from_cli = json.loads(cli(real_dir, "cross-impact", "--top", "10", "-f", "json").stdout)
    assert crossed == from_cli and len(crossed["variables"]) == 10
    # the page's matrix holds every cell the command lists, row acting on column
    place = {v["concept"]: number for number, v in enumerate(crossed["variables"])}
    assert crossed["cells"] and all(crossed["net"][place[c["from"]]][place[c["to"]]] == c["net"] and
                                    crossed["cib"][place[c["from"]]][place[c["to"]]] == c["cib"]
                                    for c in crossed["cells"])
    assert all(crossed["net"][i][i] is None for i in range(10))
    axes = server.get("/api/analytics", params={"part": "axes", "top": 12}).json()
    assert axes == json.loads(cli(real_dir, "axes", "--top", "12", "-f", "json").stdout)
    communities = server.get("/api/analytics", params={"part": "communities"}).json()
    assert communities == json.loads(cli(real_dir, "communities", "-f", "json").stdout)
    assert communities["communities"] and all(len(c["iris"]) == len(c["topics"]) == c["size"]
                                              for c in communities["communities"])
    assert server.get("/api/analytics", params={"part": "nonsense"}).status_code == 400
    assert server.get("/api/analytics", params={"part": "micmac", "steep": "cosmic"}).status_code == 400
