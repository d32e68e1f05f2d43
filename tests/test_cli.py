"""The CLI: every command documented, README commands run, user mistakes are one line."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from typer.testing import CliRunner

from foresight.cli import app
from tests.conftest import EXAMPLES, ROOT, SCANS, SURVEY, need_corpus, scan_node
from tests.conftest import cli as run

runner = CliRunner()
README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(command.name or command.callback.__name__ for command in app.registered_commands)  # type: ignore[union-attr]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example_and_is_in_the_readme(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Example: foresight " + command in " ".join(result.output.split())
    assert f"foresight {command}" in README


def test_help_is_fast_and_imports_nothing_heavy() -> None:
    code = ("import sys, foresight.cli; heavy = {'rdflib', 'pyoxigraph', 'pyshacl', 'networkx', 'pyvis'} "
            "& set(sys.modules); print(sorted(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _readme_commands() -> list[list[str]]:
    commands = []
    for block in re.findall(r"```(?:console|bash)\n(.*?)```", README, flags=re.S):
        for line in block.splitlines():
            line = line.removeprefix("$ ").strip()
            for part in line.split("&&"):
                words = shlex.split(part.strip())
                if words and words[0] == "foresight" and words[1:2] != ["serve"]:  # serve runs until stopped:
                    commands.append(words[1:])  # tests/serve/test_app.py starts the README's serve commands
    return commands


def test_readme_shows_the_two_setup_commands_and_ci_runs_the_test_command() -> None:
    blocks = re.findall(r"```bash\n(.*?)```", README, flags=re.S)
    assert "pip install -e" in blocks[0] and "foresight ingest data/examples" in blocks[0]
    test_command = blocks[1].strip().split("&&")[-1].strip()
    assert test_command == "python -m pytest"
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


#: files README commands write: written to a temporary folder instead
_WRITTEN = (".ttl", ".html", ".graphml", ".gexf", ".png", ".svg", ".json", ".csv")


def test_every_readme_command_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    commands = _readme_commands()
    assert len(commands) >= 8
    monkeypatch.chdir(ROOT)
    store = tmp_path / "store"
    outputs = []
    for words in commands:
        words = [str(tmp_path / w) if w.endswith(_WRITTEN) else w for w in words]
        result = run(store, *words)
        assert result.exit_code == 0, (words, result.output)
        outputs.append(result.output)
    ingests = [out for words, out in zip(commands, outputs, strict=True) if words[0] == "ingest"]
    assert ingests[0].startswith("10 files: 10 scans written")
    assert all("0 scans written, 10 unchanged" in out for out in ingests[1:])
    # the outputs the README shows are the outputs the commands give
    for words, out in zip(commands, outputs, strict=True):
        if words[0] == "ingest" or (words[0] == "sparql" and "csv" in words):
            assert out.strip().splitlines()[0] in README
    assert rdflib.Graph().parse(tmp_path / "examples.ttl", format="turtle")


def test_ingest_reports_bad_file_and_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"\x00\x00binary")
    result = run(tmp_path / "store", "ingest", str(EXAMPLES), str(bad))
    assert result.exit_code == 1
    assert f"error: {bad}: binary file, not a text signal scan" in " ".join(result.output.split())
    assert "10 scans written" in result.output
    assert "Traceback" not in result.output


def test_sparql_formats(store_dir: Path) -> None:
    query = "SELECT ?k WHERE { ?c a fs:Keyword ; skos:prefLabel ?k } ORDER BY ?k LIMIT 2"
    as_json = json.loads(run(store_dir, "sparql", query, "--format", "json").output)
    assert as_json["head"]["vars"] == ["k"] and len(as_json["results"]["bindings"]) == 2
    as_csv = run(store_dir, "sparql", query, "-f", "csv").output.splitlines()
    assert as_csv[0] == "k" and len(as_csv) == 3
    as_tsv = run(store_dir, "sparql", query, "-f", "tsv").output.splitlines()
    assert as_tsv[0] == "?k" and as_tsv[1].startswith('"')
    assert run(store_dir, "sparql", "ASK { ?s a fs:Signal }").output.strip() == "true"
    construct = run(store_dir, "sparql", "CONSTRUCT { ?s a fs:Issue } WHERE { ?s a fs:Issue }", "-f", "nt")
    assert len(rdflib.Graph().parse(data=construct.output, format="nt")) == 30


def test_sparql_query_from_file_and_stdin(store_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "q.rq"
    path.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s a fs:Scan }", encoding="utf-8")
    assert run(store_dir, "sparql", str(path), "-f", "csv").output.splitlines()[1] == "10"
    result = run(store_dir, "sparql", "-", "-f", "csv", input="ASK { ?s a fs:Scan }")
    assert result.output.strip() == "true"


def test_sparql_is_read_only_unless_update(store_dir: Path) -> None:
    refused = run(store_dir, "sparql", "DELETE WHERE { ?s fs:relevancy ?r }")
    assert refused.exit_code == 1 and "pass --update" in refused.output
    done = run(store_dir, "sparql", "--update", "DELETE WHERE { GRAPH ?g { ?s fs:relevancy ?r } }")
    assert done.exit_code == 0
    assert run(store_dir, "sparql", "ASK { ?s fs:relevancy ?r }").output.strip() == "false"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sparql", "SELECT ?s WHERE {"], "error: invalid SPARQL"),
        (["sparql", "missing.rq"], "error: missing.rq: no such query file"),
        (["sparql", "CONSTRUCT WHERE { ?s a fs:Scan }", "-f", "csv"], "is for SELECT/ASK"),
        (["export", "-o", "/nonexistent/dir/out.ttl"], "does not exist"),
    ],
)
def test_user_mistakes_are_one_line_and_exit_1(store_dir: Path, args: list[str], message: str) -> None:
    result = run(store_dir, *args)
    assert result.exit_code == 1
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_reading_a_missing_store_says_what_to_do(tmp_path: Path) -> None:
    result = run(tmp_path / "nothing", "stats")
    assert result.exit_code == 1
    assert "run 'foresight ingest PATH' first" in result.output


@pytest.mark.parametrize(("fmt", "kind"), [("turtle", "turtle"), ("nt", "nt"), ("xml", "xml"),
                                           ("trig", "trig"), ("nquads", "nquads"), ("jsonld", "json-ld")])
def test_export_formats_parse_back(store_dir: Path, tmp_path: Path, fmt: str, kind: str) -> None:
    out = tmp_path / f"out.{fmt}"
    assert run(store_dir, "export", "--format", fmt, "-o", str(out)).exit_code == 0
    dataset = rdflib.Dataset()
    dataset.parse(out, format=kind)
    scan_graphs = {str(g.identifier) for g in dataset.graphs() if "/graph/scan/" in str(g.identifier)}
    triples = sum(1 for _ in dataset.quads((None, None, None, None)))
    assert triples > 2000
    if fmt in {"trig", "nquads", "jsonld"}:
        assert len(scan_graphs) == 10
    else:
        assert scan_graphs == set()


def test_stats_json(store_dir: Path) -> None:
    figures = json.loads(run(store_dir, "stats", "--json").output)
    assert figures["counts"]["Scan"] == 10
    assert figures["counts"]["Signal"] == 34
    assert figures["top"]["keywords"][0] == {"label": "surveillance", "articles": 9}
    assert figures["page_dates"] == {"first": "2023-03-20", "last": "2026-07-14"}


def test_validate_fails_on_a_broken_graph(store_dir: Path) -> None:
    assert run(store_dir, "validate").exit_code == 0
    broken = "INSERT DATA { GRAPH fsid:graph\\/scan\\/x { fsid:x a fs:Issue ; fs:relevancy 9 } }"
    assert run(store_dir, "sparql", "--update", broken).exit_code == 0
    result = run(store_dir, "validate")
    assert result.exit_code == 1
    assert "violations" in result.output


# ----- pathways, neighbours and maps ---------------------------------------------------------------


def test_paths_from_a_technology_to_an_issue_show_evidence_for_every_hop(store_dir: Path) -> None:
    result = run(store_dir, "paths", "Live Facial Recognition", "Chilling Effect on Free Expression", "-f", "json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found and found[0]["nodes"][0]["type"] == "Technology" and found[0]["nodes"][-1]["type"] == "Issue"
    assert all(hop["evidence"] and hop["relation"] for pathway in found for hop in pathway["hops"])
    assert [p["cost"] for p in found] == sorted(p["cost"] for p in found)
    table = run(store_dir, "paths", "live facial recognition", "chilling effect on free expression", "-k", "1")
    assert table.exit_code == 0
    assert "-enables-> Public Self-Censorship [Behavior]" in table.output
    assert "1 pathways" in table.output


def test_paths_via_and_max_hops_restrict_the_pathways(store_dir: Path) -> None:
    via = json.loads(run(store_dir, "paths", "Live Facial Recognition", "Chilling Effect on Free Expression",
                         "--via", "Behavior", "-k", "10", "-f", "json").output)
    assert via and all(node["type"] == "Behavior" for p in via for node in p["nodes"][1:-1])
    short = json.loads(run(store_dir, "paths", "Live Facial Recognition", "Chilling Effect on Free Expression",
                           "--max-hops", "2", "-k", "10", "-f", "json").output)
    assert short and all(len(p["hops"]) <= 2 for p in short)


def test_a_misspelt_name_is_corrected_or_answered_with_did_you_mean(store_dir: Path) -> None:
    close = run(store_dir, "paths", "Live Facial Recogniton", "Chilling Efect on Free Expression", "-f", "json")
    assert close.exit_code == 0 and json.loads(close.stdout)
    assert "using 'Live Facial Recognition' for 'Live Facial Recogniton'" in close.stderr
    far = run(store_dir, "show", "facial recogn watch")
    assert far.exit_code == 1
    assert "did you mean" in far.output and "Traceback" not in far.output
    bad_type = run(store_dir, "paths", "a", "b", "--via", "Gadget")
    assert bad_type.exit_code == 1 and "unknown type 'Gadget'" in bad_type.output


def test_pathways_by_driver_list_force_signal_shift_outlook_chains(store_dir: Path) -> None:
    chains = json.loads(run(store_dir, "pathways", "--driver", "court rulings", "-f", "json").output)
    assert chains
    first = chains[0]
    assert "court rulings" in first["driving_force"]
    assert first["signal"] == "Statutory Oversight Boards"
    assert first["shift"].startswith("From self-regulation") and first["outlook"].startswith("In 10 years")
    assert "Watchlist Inflation" in first["raises"]
    themed = json.loads(run(store_dir, "pathways", "--theme", "public security", "-n", "50", "-f", "json").output)
    assert themed and all(c["relevancy"] is None or 1 <= c["relevancy"] <= 5 for c in themed)
    relevancies = [c["relevancy"] or 0 for c in themed]
    assert relevancies == sorted(relevancies, reverse=True)
    assert run(store_dir, "pathways", "--keyword", "no such keyword", "-f", "json").output.strip() == "[]"


def test_show_gives_text_relevancy_neighbours_with_evidence_and_sources(store_dir: Path) -> None:
    shown = json.loads(run(store_dir, "show", "Public Self-Censorship", "--rows", "-f", "json").output)
    assert len(shown) >= 3  # a row in each of several scans
    survey = next(d for d in shown if "1328adec" in d["iri"])
    assert survey["type"] == "Behavior" and survey["relevancy"] == 5
    assert survey["scan"]["date"] == "2026-01-26" and survey["scan"]["article"].startswith("https://")
    assert survey["line"] and survey["scan"]["file"] == "1328adec02ad8e20036bac1cfd123475.md"
    assert "raises" in survey["relations"] and "enables ←" in survey["relations"]
    hops = [other["hop"] for others in survey["relations"].values() for other in others]
    assert all(hop["evidence"] and hop["scan"]["date"] == "2026-01-26" for hop in hops)
    table = run(store_dir, "show", "Public Self-Censorship", "--type", "Behavior", "--rows")
    assert "Survey Finds Residents" in table.output and "2026-01-26" in table.output


def test_show_a_concept_gathers_what_each_scan_says(store_dir: Path) -> None:
    shown = json.loads(run(store_dir, "show", "Public Self-Censorship", "-f", "json").output)
    # the concept, and the topic of that wording (three articles name it)
    [concept] = [record for record in shown if record["type"] == "Behavior"]
    assert [record["type"] for record in shown if record is not concept] == ["Topic"]
    assert concept["iri"].endswith("/concept/behaviors/public-self-censorship")
    dates = [text["scan"]["date"] for text in concept["texts"]]
    assert len(dates) == 3 and dates == sorted(dates) and "2026-01-26" in dates
    assert all(text["scan"]["article"].startswith("https://") and text["description"] for text in concept["texts"])
    raises = concept["relations"]["raises"]
    assert raises[0]["label"] == "Chilling Effect on Free Expression" and raises[0]["hop"]["evidence"].startswith("in ")
    # the concepts view names the scan of every hop's evidence, with its date and article
    assert all(other["hop"]["scan"]["article"].startswith("https://")
               for others in concept["relations"].values() for other in others)
    table = run(store_dir, "show", "Public Self-Censorship")
    assert "named in 3 scans" in table.output and "Survey Finds Residents" in table.output


def test_neighbors_by_depth(store_dir: Path) -> None:
    one = json.loads(run(store_dir, "neighbors", "Deployment Near Assemblies", "-f", "json").output)
    two = json.loads(run(store_dir, "neighbors", "Deployment Near Assemblies", "--depth", "2", "-f", "json").output)
    assert {n["distance"] for n in one} == {1} and {n["distance"] for n in two} == {1, 2}
    assert {n["iri"] for n in one} < {n["iri"] for n in two}
    assert "Chilling Effect on Free Expression" in {n["label"] for n in two if n["distance"] == 2}


def test_render_whole_graph_focus_paths_and_construct(store_dir: Path, tmp_path: Path) -> None:
    pages = {}
    for name, args in {
        "all": [],
        "focus": ["--focus", "Public Self-Censorship", "--depth", "1"],
        "paths": ["--from", "Live Facial Recognition", "--to", "Chilling Effect on Free Expression"],
        "sparql": ["--sparql", "CONSTRUCT { ?t fs:enables ?b . ?t rdfs:label ?l } WHERE { ?t fs:enables ?b ; "
                   "rdfs:label ?l }"],
    }.items():
        out = tmp_path / f"{name}.html"
        result = run(store_dir, "render", "-o", str(out), *args)
        assert result.exit_code == 0, result.output
        pages[name] = out.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)=["']https?://""", pages[name])
    sizes = {name: int(re.search(r"(\d+) nodes", run(store_dir, "render", "-o", str(tmp_path / "x.html"),
                                                        *args).output).group(1))  # type: ignore[union-attr]
             for name, args in {"all": [], "focus": ["--focus", "Public Self-Censorship", "--depth", "1"]}.items()}
    assert sizes["focus"] < sizes["all"]
    assert "Live Facial Recognition" in pages["sparql"]
    too_big = run(store_dir, "render", "-o", str(tmp_path / "big.html"), "--max-nodes", "10")
    assert too_big.exit_code == 1 and "--focus" in too_big.output
    both = run(store_dir, "render", "--focus", "x", "--sparql", "y")
    assert both.exit_code == 1 and "choose one" in both.output


def test_sparql_update_refreshes_the_projection(store_dir: Path) -> None:
    before = json.loads(run(store_dir, "show", "Route Avoidance", "--rows", "-f", "json").output)
    assert before
    update = run(store_dir, "sparql", "--update",
                 "DELETE { GRAPH ?g { ?s rdfs:label \"Route Avoidance\" } } "
                 "INSERT { GRAPH ?g { ?s rdfs:label \"Detours Around Cameras\" } } "
                 "WHERE { GRAPH ?g { ?s rdfs:label \"Route Avoidance\" } }")
    assert update.exit_code == 0, update.output
    after = json.loads(run(store_dir, "show", "Detours Around Cameras", "--rows", "-f", "json").output)
    assert [d["iri"] for d in after] == [d["iri"] for d in before]
    [concept] = json.loads(run(store_dir, "show", "Detours Around Cameras", "-f", "json").output)
    assert concept["label"] == "Detours Around Cameras"  # the concepts were rebuilt too


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_pathway_graph_exports_for_gephi(store_dir: Path, tmp_path: Path, fmt: str) -> None:
    import networkx as nx

    out = tmp_path / f"g.{fmt}"
    result = run(store_dir, "export", "--format", fmt, "-o", str(out))
    assert result.exit_code == 0, result.output
    graph = nx.read_graphml(out) if fmt == "graphml" else nx.read_gexf(out)
    survey = scan_node(SURVEY)
    technology, behavior = f"{survey}/technology/live-facial-recognition", f"{survey}/behavior/public-self-censorship"
    assert graph.nodes[behavior]["type"] == "Behavior" and int(graph.nodes[behavior]["relevancy"]) == 5
    assert graph.nodes[behavior]["scan_date"] == "2026-01-26"
    edge = graph.edges[technology, behavior]
    assert edge["relation"] == "enables" and edge["method"] == "name-mention" and "names" in edge["evidence"]
    assert graph.number_of_nodes() == 248


def test_readme_python_example_runs(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    [code] = re.findall(r"```python\n(.*?)```", README, flags=re.S)
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {}
    exec(compile(code, "README.md", "exec"), namespace)
    printed = capsys.readouterr().out
    assert "Live Facial Recognition enables Public Self-Censorship" in printed
    assert namespace["chains"] and namespace["rows"]


def test_concepts_and_review_and_timeline(store_dir: Path, tmp_path: Path) -> None:
    listed = json.loads(run(store_dir, "concepts", "--type", "Technology", "--min-scans", "2", "-f", "json").output)
    assert listed[0]["label"] == "Live Facial Recognition" and listed[0]["scans"] == 5
    assert listed[0]["first"] == "2023-03-20" and sum(listed[0]["months"].values()) == 5
    assert all(c["kind"] == "Technology" and c["scans"] >= 2 for c in listed)
    assert run(store_dir, "concepts", "--review", "-f", "json").exit_code == 0
    shown = json.loads(run(store_dir, "timeline", "live facial recognition", "-f", "json").output)
    assert shown[0]["months"]["2023-03"] == 1 and shown[0]["months"]["2023-04"] == 0
    # by default a month's share of all its articles, and the Mann-Kendall trend of those shares
    for month, count in shown[0]["months"].items():
        total = shown[0]["totals"][month]
        assert shown[0]["shares"][month] == (round(count / total, 4) if total else None)
    assert shown[0]["trend"]["of"] == "shares" and shown[0]["trend"]["direction"] in ("rising", "falling", "flat")
    assert shown[0]["trend"]["months"] == sum(1 for total in shown[0]["totals"].values() if total)
    counted = json.loads(run(store_dir, "timeline", "live facial recognition", "--counts", "-f", "json").output)
    assert counted[0]["trend"]["of"] == "counts" and counted[0]["months"] == shown[0]["months"]
    table = " ".join(run(store_dir, "timeline", "Live Facial Recognition").output.split())
    assert "(Mann-Kendall on the monthly shares, p = " in table and "1 of 1 100.0 %" in table
    assert "2023-04 no articles" in table
    chart = tmp_path / "lfr.svg"
    assert run(store_dir, "timeline", "Live Facial Recognition", "--chart", str(chart)).exit_code == 0
    assert chart.read_text(encoding="utf-8").lstrip().startswith("<?xml") and "<svg" in chart.read_text()
    rising = json.loads(run(store_dir, "timeline", "--emerging", "--months", "12", "--type", "Technology,Issue",
                            "-f", "json").output)
    assert rising[0]["label"] == "Live Facial Recognition" and rising[0]["recent"] == 3
    growth = [r["growth_per_month"] for r in rising]
    assert growth == sorted(growth, reverse=True)
    missing = run(store_dir, "timeline", "live facial recogntion zzz")
    assert missing.exit_code == 1 and "did you mean" in missing.output
    assert run(store_dir, "timeline").exit_code == 1


# ----- one output layer ---------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ["search", "facial recognition"], ["concepts"], ["concepts", "--review"], ["pathways"],
    ["neighbors", "Deployment Near Assemblies"], ["timeline", "--emerging", "--months", "12"],
    ["timeline", "Live Facial Recognition"], ["paths", "Live Facial Recognition", "Chilling Effect on Free Expression"],
    ["show", "Public Self-Censorship"], ["queries"]])
def test_every_listing_command_writes_table_json_and_csv(store_dir: Path, args: list[str]) -> None:
    import csv
    import io

    as_json = run(store_dir, *args, "--format", "json")
    assert as_json.exit_code == 0, as_json.output
    records = json.loads(as_json.stdout)
    as_csv = run(store_dir, *args, "--format", "csv")
    assert as_csv.exit_code == 0, as_csv.output
    table = list(csv.reader(io.StringIO(as_csv.stdout)))
    assert table and all(len(row) == len(table[0]) for row in table)
    assert len(table) >= 2 if records else len(table) == 1
    assert run(store_dir, *args).exit_code == 0


def _scans_named(value: object) -> list[dict]:  # type: ignore[type-arg]
    """Every scan reference in a JSON answer (an object with iri, title, date and article)."""
    found = []
    if isinstance(value, dict):
        if {"iri", "title", "date", "article"} <= set(value):
            found.append(value)
        for item in value.values():
            found += _scans_named(item)
    elif isinstance(value, list):
        for item in value:
            found += _scans_named(item)
    return found


@pytest.mark.parametrize("args", [
    ["pathways"], ["paths", "Live Facial Recognition", "Chilling Effect on Free Expression"],
    ["neighbors", "Deployment Near Assemblies"], ["show", "Public Self-Censorship"], ["search", "self-censorship"],
    ["pathways", "--rows"]])
def test_every_row_and_hop_names_its_scan_date_and_article(store_dir: Path, args: list[str]) -> None:
    # bug: the concepts view of pathways gave "scan": null
    records = json.loads(run(store_dir, *args, "--format", "json").stdout)
    assert records
    refs = _scans_named(records)
    assert refs and all(ref["date"] and ref["article"].startswith("https://") for ref in refs)
    if args[0] == "pathways":
        assert all(record["scan"] for record in records)
    if args[0] == "paths":
        assert all(hop["scan"] for record in records for hop in record["hops"])
    if args[0] == "neighbors":
        assert all(record["hop"]["scan"] for record in records)


def test_saved_queries_are_listed_and_a_misspelt_name_says_so(store_dir: Path) -> None:
    listed = json.loads(run(store_dir, "queries", "-f", "json").stdout)
    assert {"top-keywords", "scan-links"} <= {q["name"] for q in listed}
    assert all(q["form"] == "SELECT" and q["description"] for q in listed)
    wrong = run(store_dir, "sparql", "top-keywordz")
    assert wrong.exit_code == 1
    assert "no saved query named 'top-keywordz'; did you mean top-keywords?" in wrong.output


def test_an_unknown_prefix_is_named(store_dir: Path) -> None:
    result = run(store_dir, "sparql", "SELECT ?s WHERE { ?s foo:bar ?o }")
    assert result.exit_code == 1 and "unknown prefix foo:" in result.output


def test_version() -> None:
    from importlib.metadata import version

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"foresight {version('foresight')}"


def test_topic_phrases_that_both_name_a_node_walk_through_it(store_dir: Path) -> None:
    # "facial recognition" and "live facial" both name Live Facial Recognition: no 0-hop pathway
    result = run(store_dir, "paths", "facial recognition", "chilling effect", "-f", "json")
    assert result.exit_code == 0, result.output
    assert all(len(p["hops"]) >= 1 for p in json.loads(result.stdout))
    both = run(store_dir, "paths", "facial recognition", "recognition", "-f", "json")
    assert both.exit_code == 0 and "hold both" in both.stderr
    assert all(len(p["hops"]) >= 1 for p in json.loads(both.stdout))


def test_service_is_refused_unless_allowed_and_a_failing_one_is_one_line(store_dir: Path) -> None:
    # bug: SERVICE in sparql or render --sparql made a request, and a failing one printed a traceback
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    for args in (["sparql", query], ["render", "--sparql", "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE "
                                                "<http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "-o", "x.html"]):
        refused = run(store_dir, *args)
        assert refused.exit_code == 1 and "pass --allow-service" in refused.output
    allowed = run(store_dir, "sparql", "--allow-service", query)
    assert allowed.exit_code == 1 and "Traceback" not in allowed.output and allowed.output.startswith("error:")


def test_escape_sequences_in_a_store_never_reach_the_terminal(tmp_path: Path) -> None:
    # bug: scan text with escape sequences was printed raw by show, search and the sparql table
    store = tmp_path / "store"
    assert run(store, "ingest", str(EXAMPLES)).exit_code == 0
    hostile = "Hostile\x1b]0;retitled\x07\x1b[2J Row"
    scan = scan_node(SURVEY)
    update = (f'INSERT DATA {{ GRAPH <{scan_node(SURVEY, graph=True)}> {{ '
              f'<{scan}/issue/h> a fs:Issue ; fs:fromScan <{scan}> ; rdfs:label "%s" }} }}'
              % hostile.replace("\x1b", "\\u001b").replace("\x07", "\\u0007"))
    assert run(store, "sparql", "--update", update).exit_code == 0
    for args in (["sparql", "SELECT ?l WHERE { ?s a fs:Issue ; rdfs:label ?l }"],
                 ["sparql", "SELECT ?l WHERE { ?s a fs:Issue ; rdfs:label ?l }", "-f", "csv"],
                 ["search", "hostile"], ["search", "hostile", "-f", "csv"]):
        result = run(store, *args)
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout
        assert "Hostile" in result.stdout.replace("│", "").replace(" ", "").replace("\n", "") or \
            "Hostile" in result.stdout


def test_remove_drops_a_scan_and_its_concepts_follow(store_dir: Path, tmp_path: Path) -> None:
    # bug: scans could not be removed; a deleted file's graph stayed
    scan = EXAMPLES / "1328adec02ad8e20036bac1cfd123475.md"
    before = json.loads(run(store_dir, "concepts", "--type", "Behavior", "-f", "json", "-n", "500").stdout)
    public = next(c for c in before if c["label"] == "Public Self-Censorship")
    result = run(store_dir, "remove", str(scan))
    assert result.exit_code == 0 and "1 scans removed" in result.stdout
    after = json.loads(run(store_dir, "concepts", "--type", "Behavior", "-f", "json", "-n", "500").stdout)
    assert next(c for c in after if c["label"] == "Public Self-Censorship")["scans"] == public["scans"] - 1
    assert run(store_dir, "remove", str(scan)).exit_code == 1  # nothing left to remove
    again = run(store_dir, "ingest", str(EXAMPLES))
    assert "1 scans written, 9 unchanged" in again.stdout


def test_a_scan_graph_dropped_by_hand_leaves_no_stale_concepts(store_dir: Path) -> None:
    # bug: DROP GRAPH by hand left 672 stale concept quads that ingest never refreshed
    count = ("SELECT (COUNT(*) AS ?n) WHERE { GRAPH fsid:graph\\/concepts { ?s ?p ?o "
             f"FILTER(STRSTARTS(STR(?s), '{scan_node(SURVEY)}')) }} }}")
    def stale() -> int:
        answer = json.loads(run(store_dir, "sparql", count, "-f", "json").stdout)
        return int(answer["results"]["bindings"][0]["n"]["value"])

    def scans_naming(label: str) -> int:
        concepts = json.loads(run(store_dir, "concepts", "--type", "Behavior", "-f", "json", "-n", "500").stdout)
        return int(next(concept["scans"] for concept in concepts if concept["label"] == label))

    assert stale() > 0
    before = scans_naming("Public Self-Censorship")
    result = run(store_dir, "sparql", "--update", f"DROP GRAPH <{scan_node(SURVEY, graph=True)}>")
    assert result.exit_code == 0, result.output
    assert stale() == 0
    assert scans_naming("Public Self-Censorship") == before - 1


def test_remove_by_article_id_drops_every_scan_of_that_article(store_dir: Path, tmp_path: Path) -> None:
    other = tmp_path / "second-look.md"  # another scan of the survey's article, under another name
    other.write_text(SURVEY.read_text(encoding="utf-8").replace("Route Avoidance", "Detour Taking"),
                     encoding="utf-8")
    assert "1 scans written" in run(store_dir, "ingest", str(other)).stdout
    assert json.loads(run(store_dir, "stats", "--json").stdout)["counts"]["Scan"] == 11
    result = run(store_dir, "remove", SURVEY.stem)
    assert result.exit_code == 0 and "2 scans removed" in result.stdout
    assert json.loads(run(store_dir, "stats", "--json").stdout)["counts"]["Scan"] == 9


def test_ingest_prune_makes_the_store_hold_exactly_the_scans_given(store_dir: Path, tmp_path: Path) -> None:
    # bug: renaming 10 files gave 320 scans for 310 files
    folder = tmp_path / "fewer"
    folder.mkdir()
    for path in sorted(EXAMPLES.glob("*.md"))[:4]:
        shutil.copy(path, folder)
    result = run(store_dir, "ingest", str(folder), "--prune")
    assert result.exit_code == 0 and "6 scans removed" in result.stdout
    assert json.loads(run(store_dir, "stats", "--json").stdout)["counts"]["Scan"] == 4
    (folder / "broken.md").write_bytes(b"\x00\x01binary")
    refused = run(store_dir, "ingest", str(folder), str(EXAMPLES), "--prune")
    assert refused.exit_code == 1 and "not pruning" in refused.output


def test_exporting_into_a_folder_that_cannot_be_written_is_one_line(store_dir: Path, tmp_path: Path) -> None:
    # bug: exporting or rendering into an unwritable folder (or onto a full disk) gave a traceback
    import os

    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "map.html").write_text("the old map", encoding="utf-8")
    os.chmod(locked, 0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as a user who writes any folder (root): nothing to test")
        for args in (["export", "--format", "turtle", "-o", str(locked / "x.ttl")],
                     ["render", "-o", str(locked / "map.html")]):
            result = run(store_dir, *args)
            assert result.exit_code == 1 and "Traceback" not in result.output and "cannot write" in result.output
        assert (locked / "map.html").read_text(encoding="utf-8") == "the old map"
    finally:
        os.chmod(locked, 0o755)


def test_a_write_that_fails_midway_keeps_the_old_file(tmp_path: Path) -> None:
    from foresight.errors import StoreError
    from foresight.files import atomic_write

    target = tmp_path / "export.ttl"
    target.write_text("the old export", encoding="utf-8")

    def full_disk(stream):  # type: ignore[no-untyped-def]
        stream.write(b"half")
        raise OSError(28, "No space left on device")

    with pytest.raises(StoreError, match=r"No space left on device.*the file that was there is kept"):
        atomic_write(target, full_disk)
    assert target.read_text(encoding="utf-8") == "the old export"
    assert [p.name for p in tmp_path.iterdir()] == ["export.ttl"]


def test_an_export_that_would_not_parse_fails_and_writes_nothing(tmp_path: Path) -> None:
    # bug: control characters the store held broke export --format xml|graphml|gexf, with exit 0
    store = tmp_path / "store"
    assert run(store, "ingest", str(EXAMPLES)).exit_code == 0
    scan = scan_node(SURVEY)
    update = (f'INSERT DATA {{ GRAPH <{scan_node(SURVEY, graph=True)}> {{ '
              f'<{scan}/issue/h> a fs:Issue ; fs:fromScan <{scan}> ; rdfs:label "Bell\\u0007 Row" }} }}')
    assert run(store, "sparql", "--update", update).exit_code == 0
    refused = run(store, "export", "--format", "xml", "-o", str(tmp_path / "all.rdf"))
    assert refused.exit_code == 1 and "would not parse" in refused.output and not (tmp_path / "all.rdf").exists()
    for fmt in ("graphml", "gexf"):  # the pathway graph leaves such characters out
        written = run(store, "export", "--format", fmt, "-o", str(tmp_path / f"all.{fmt}"))
        assert written.exit_code == 0, written.output
        import xml.dom.minidom

        assert "Bell Row" in xml.dom.minidom.parse(str(tmp_path / f"all.{fmt}")).toxml()


def test_a_review_file_decides_merges_and_a_rejected_pair_leaves_the_list(tmp_path: Path) -> None:
    need_corpus()
    import csv

    store, rules, review = tmp_path / "store", tmp_path / "overrides.yaml", tmp_path / "review.csv"
    rules.write_text("# our rules\nrename: []\n", encoding="utf-8")
    assert run(store, "ingest", str(SCANS)).exit_code == 0
    listed = run(store, "concepts", "--review", "-n", "50", "-f", "csv", "--overrides", str(rules))
    rows = list(csv.DictReader(listed.stdout.splitlines()))
    assert len(rows) >= 4 and rows[0]["decision"] == ""
    impact = [int(r["a articles"]) + int(r["b articles"]) for r in rows]
    assert impact == sorted(impact, reverse=True)  # the pairs changing most articles first
    rows[0]["decision"], rows[1]["decision"] = "reject", "accept"
    with review.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    decided = run(store, "concepts", "--decide", str(review), "--overrides", str(rules))
    assert decided.exit_code == 0 and f"1 merges accepted, 1 rejected, {len(rows) - 2} left undecided" in decided.stdout
    assert rules.read_text(encoding="utf-8").startswith("# our rules\nrename: []\n---\n")  # kept as it was
    after = list(csv.DictReader(run(store, "concepts", "--review", "-n", "50", "-f", "csv", "--overrides",
                                    str(rules)).stdout.splitlines()))
    pairs = {(r["a"], r["b"]) for r in after}
    assert (rows[0]["a"], rows[0]["b"]) not in pairs and (rows[1]["a"], rows[1]["b"]) not in pairs
    assert len(after) == len(rows) - 2
    again = run(store, "concepts", "--decide", str(review), "--reject-all", "--overrides", str(rules))
    assert f"1 merges accepted, {len(rows) - 1} rejected, 0 left undecided" in again.stdout
    from foresight.derived.concepts import load_overrides

    held = load_overrides(rules)
    decided_pairs = [(kind, frozenset(names)) for kind, names in held.merge + held.never]
    assert len(decided_pairs) == len(set(decided_pairs)) == len(rows)  # each pair once: none written twice
    bad = tmp_path / "bad.csv"
    bad.write_text("kind,a,b,decision\nIssue,X,Y,maybe\n", encoding="utf-8")
    refused = run(store, "concepts", "--decide", str(bad), "--overrides", str(rules))
    assert refused.exit_code == 1 and f"{bad}:2: decision 'maybe' is neither accept" in refused.output


def test_topics_list_one_topic_and_the_recurring_forces(store_dir: Path) -> None:
    listed = json.loads(run(store_dir, "topics", "--min-articles", "1", "-f", "json").stdout)
    assert listed and [t["articles"] for t in listed] == sorted((t["articles"] for t in listed), reverse=True)
    assert all(sum(t["months"].values()) <= t["articles"] for t in listed)
    facial = json.loads(run(store_dir, "topics", "Facial Recognition", "-f", "json").stdout)
    assert facial["label"].casefold() == "facial recognition" and facial["articles"] >= 5
    assert "Live Facial Recognition" in {t["label"] for t in facial["narrower"]}
    assert {"Keyword", "Technology"} <= {c["kind"] for c in facial["concepts"]}
    table = run(store_dir, "topics", "facial recognition").stdout
    assert "narrower: Live Facial Recognition" in table and "by month:" in table
    forces = json.loads(run(store_dir, "topics", "--kind", "Outlook", "--min-articles", "1", "-f", "json").stdout)
    assert [t["kind_articles"] for t in forces] == sorted((t["kind_articles"] for t in forces), reverse=True)
    unknown = run(store_dir, "topics", "quantum gravity")
    assert unknown.exit_code == 1 and "no topic named 'quantum gravity'" in unknown.output


def test_topics_of_real_scans_are_associated_and_walkable(real_dir: Path) -> None:
    listed = json.loads(run(real_dir, "topics", "-n", "15", "-f", "json").stdout)
    print("top topics of the real scans:", [(t["label"], t["articles"]) for t in listed])
    assert len(listed) == 15 and all(t["articles"] >= 5 for t in listed)
    # a topic with associations: the paths between it and its strongest associate walk the association
    for topic in listed:
        record = json.loads(run(real_dir, "topics", topic["label"], "-f", "json").stdout)
        if record["associated"]:
            break
    else:
        pytest.fail("no topic of the real scans is associated with another")
    other = record["associated"][0]
    assert other["support"] >= 3 and other["lift"] >= 1.5 and other["evidence"]
    assert all(ref["title"] and ref["article"].startswith("http") for ref in other["evidence"])
    found = json.loads(run(real_dir, "paths", record["iri"], other["iri"], "-f", "json").stdout)
    hop = found[0]["hops"][0]
    assert len(found[0]["hops"]) == 1 and hop["relation"] == "coOccursWith" and hop["method"] == "co-occurrence"
    assert hop["support"] == other["support"] and len(hop["evidence_scans"]) == min(other["support"], 50)
    assert all(ref["title"] and ref["article"] for ref in hop["evidence_scans"])  # some real scans have no date
