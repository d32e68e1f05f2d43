"""Backend parity: the embedded store and a real SPARQL server give the same answers on the same data.

The same scans (the examples, plus the 25 real corpus scans and the seed when
../shared is beside the project) are ingested into an on-disk Oxigraph store and into
the Virtuoso that .ci/run starts; then every saved query, the projection, the
concepts, and the CLI's paths, pathways, concepts, timeline, show, neighbors,
search, stats, validate, render and export are run on both and compared: results,
not counts.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from foresight.cli import app
from foresight.derived.concepts import concepts_for, refresh_concepts
from foresight.derived.projection import project
from foresight.ingest import ingest
from foresight.resources import saved_queries
from foresight.store import open_store
from foresight.store.base import Store
from foresight.store.config import Endpoint
from foresight.store.sparql import SparqlStore
from tests.conftest import EXAMPLES, SCANS, SEED
from tests.store.conftest import clear

runner = CliRunner()


def _sources() -> list[Path]:
    if SCANS.is_dir() and SEED.is_file():
        return [SCANS, SEED, EXAMPLES]
    print("the scan corpus is not beside the project; comparing the stores on the examples only")
    return [EXAMPLES]


@pytest.fixture(scope="module")
def pair(endpoint: Endpoint, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Store, SparqlStore]]:
    """(embedded store folder, embedded store read-only, remote store), both holding the same scans and concepts."""
    folder = tmp_path_factory.mktemp("parity") / "store"
    remote = SparqlStore(endpoint)
    clear(remote)
    with open_store(folder) as embedded:
        first = ingest(embedded, _sources())
        refresh_concepts(embedded)
    second = ingest(remote, _sources())
    refresh_concepts(remote)
    assert first.ok and second.ok
    assert (first.written, first.rows, first.triples) == (second.written, second.rows, second.triples)
    with open_store(folder, read_only=True) as embedded:
        yield folder, embedded, remote
    remote.close()


def _quads(store: Store) -> set[ox.Quad]:
    import io

    stream = io.BytesIO()
    store.dump(stream, "nquads")
    return set(ox.parse(stream.getvalue(), ox.RdfFormat.N_QUADS))


def _normal(value: Any) -> Any:
    return round(value, 6) if isinstance(value, float) else value


def _rows(store: Store, text: str) -> list[tuple[Any, ...]]:
    return sorted((tuple(_normal(v) for v in row) for row in store.select(text).values()), key=repr)


def test_both_stores_hold_the_same_quads(pair: tuple[Path, Store, SparqlStore]) -> None:
    _, embedded, remote = pair
    mine, theirs = _quads(embedded), _quads(remote)
    assert len(mine) > 5000
    assert mine == theirs
    assert embedded.triple_count() == remote.triple_count() == len(mine)


def test_digests_and_graphs_agree(pair: tuple[Path, Store, SparqlStore]) -> None:
    _, embedded, remote = pair
    assert embedded.digests() == remote.digests()
    assert embedded.graph_names() == remote.graph_names()
    assert embedded.count_graphs() == remote.count_graphs() >= 10
    assert embedded.fingerprint() == remote.fingerprint()


@pytest.mark.parametrize("name", sorted(saved_queries()))
def test_every_saved_query_gives_the_same_rows(pair: tuple[Path, Store, SparqlStore], name: str) -> None:
    _, embedded, remote = pair
    text = saved_queries()[name].read_text(encoding="utf-8")
    mine = _rows(embedded, text)
    assert mine, f"{name} returns no rows"
    assert mine == _rows(remote, text)


def test_projection_agrees_from_the_cache_and_read_back_cold(
        pair: tuple[Path, Store, SparqlStore], endpoint: Endpoint, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    _, embedded, remote = pair
    mine = project(embedded)
    for graph in (project(remote), _cold(endpoint, tmp_path, monkeypatch)):
        assert dict(graph.nodes(data=True)) == dict(mine.nodes(data=True))
        assert {(a, b): d for a, b, d in graph.edges(data=True)} == {(a, b): d for a, b, d in mine.edges(data=True)}
        assert graph.graph["scans"] == mine.graph["scans"]


def _cold(endpoint: Endpoint, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The projection of a fresh connection with an empty cache: every piece read back from the server."""
    monkeypatch.setenv("FORESIGHT_CACHE_DIR", str(tmp_path / "empty-cache"))
    with SparqlStore(endpoint) as fresh:
        return project(fresh)


def test_concepts_agree(pair: tuple[Path, Store, SparqlStore]) -> None:
    _, embedded, remote = pair
    mine, theirs = concepts_for(embedded), concepts_for(remote)

    def summary(concepts: Any) -> list[tuple[Any, ...]]:
        return sorted((c.iri, c.kind, c.label, tuple(sorted(c.alt_labels)), tuple(sorted(c.rows)),
                       tuple(sorted(c.scans)), sorted(c.months.items()), c.first, c.last)
                      for c in concepts.concepts.values())

    assert summary(mine) == summary(theirs)
    assert len(mine.concepts) > 200


def _cli(location: str, *args: str) -> str:
    result = runner.invoke(app, ["--store", location, *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def logged_in(endpoint: Endpoint, monkeypatch: pytest.MonkeyPatch) -> str:
    """The server's URL for ``--store``, with its credentials in the environment as a user would set them."""
    for variable, value in (("FORESIGHT_STORE_USER", endpoint.user), ("FORESIGHT_STORE_PASSWORD", endpoint.password),
                            ("FORESIGHT_STORE_AUTH", endpoint.auth)):
        if value:
            monkeypatch.setenv(variable, value)
    return endpoint.query


CLI_QUESTIONS = [
    ["paths", "Live Facial Recognition", "Chilling Effect on Free Expression", "--format", "json"],
    ["paths", "Live Facial Recognition", "Chilling Effect on Free Expression", "--rows", "-k", "3", "--format", "json"],
    ["pathways", "--driver", "surveillance", "--format", "json"],
    ["pathways", "--theme", "privacy", "--rows", "--format", "json"],
    ["concepts", "--min-scans", "2", "--format", "json"],
    ["concepts", "--review", "--format", "json"],
    ["timeline", "Live Facial Recognition", "--format", "json"],
    ["timeline", "--emerging", "--months", "6", "--format", "json"],
    ["show", "Live Facial Recognition", "--format", "json"],
    ["neighbors", "Live Facial Recognition", "--depth", "2", "--format", "json"],
    ["search", "facial recognition", "--format", "json"],
    ["stats", "--json"],
    ["sparql", "ontology/queries/top-keywords.rq", "--format", "json"],
    ["validate"],
]


@pytest.mark.parametrize("args", CLI_QUESTIONS, ids=lambda args: " ".join(args[:2]))
def test_cli_answers_the_same_on_both_stores(pair: tuple[Path, Store, SparqlStore], logged_in: str,
                                             args: list[str]) -> None:
    folder, _, _ = pair
    mine = _cli(str(folder), *args)
    theirs = _cli(logged_in, *args)
    if "--format" in args or "--json" in args:
        mine_doc, theirs_doc = json.loads(mine), json.loads(theirs)
        if args[0] in {"sparql", "search"}:  # rows in the server's order where the query leaves ties
            mine_doc, theirs_doc = (sorted(map(json.dumps, doc)) if isinstance(doc, list) else doc
                                    for doc in (mine_doc, theirs_doc))
        if args[0] == "stats":
            mine_doc.pop("store", None)
            theirs_doc.pop("store", None)
        assert mine_doc == theirs_doc
        assert mine_doc
    else:
        assert mine == theirs


def test_render_and_export_are_the_same_files(pair: tuple[Path, Store, SparqlStore], logged_in: str,
                                              tmp_path: Path) -> None:
    folder, _, _ = pair
    for name, location in (("embedded", str(folder)), ("remote", logged_in)):
        _cli(location, "render", "-o", str(tmp_path / f"{name}.html"))
        _cli(location, "render", "--focus", "Live Facial Recognition", "--depth", "2",
             "-o", str(tmp_path / f"{name}-focus.html"))
        _cli(location, "export", "-f", "trig", "-o", str(tmp_path / f"{name}.trig"))
        _cli(location, "export", "-f", "graphml", "-o", str(tmp_path / f"{name}.graphml"))
    for suffix in (".html", "-focus.html", ".graphml"):
        assert (tmp_path / f"embedded{suffix}").read_bytes() == (tmp_path / f"remote{suffix}").read_bytes()
    datasets = [set(ox.parse((tmp_path / f"{name}.trig").read_bytes(), ox.RdfFormat.TRIG))
                for name in ("embedded", "remote")]
    assert datasets[0] == datasets[1] and len(datasets[0]) > 5000


def test_re_ingest_is_idempotent_on_the_server(pair: tuple[Path, Store, SparqlStore], logged_in: str,
                                               tmp_path: Path) -> None:
    _, embedded, remote = pair
    before = remote.triple_count()
    output = _cli(logged_in, "ingest", *map(str, _sources()))
    assert " 0 scans written" in output.replace(":", " ")
    assert remote.triple_count() == before
    # a rewritten scan replaces exactly its own graph
    original = EXAMPLES / "0d8fb8a6ba61ad220e3dd682c76c2cd5.md"
    changed = tmp_path / original.name
    changed.write_text(original.read_text(encoding="utf-8"), encoding="utf-8")
    report = ingest(remote, [changed], force=True)
    assert report.written == 1 and remote.triple_count() == before
    assert _quads(remote) == _quads(embedded)


def test_the_readme_server_commands_run_against_the_server(endpoint: Endpoint, monkeypatch: pytest.MonkeyPatch) -> None:
    import re
    import shlex

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```shell\n(.*?)```", readme, flags=re.S)
    assert blocks, "the README shows how to use a SPARQL server"
    lines = [line.removeprefix("$ ").strip() for line in blocks[0].splitlines()]
    assert any(line.startswith("export FORESIGHT_STORE=http") for line in lines)
    remote = SparqlStore(endpoint)
    clear(remote)
    monkeypatch.setenv("FORESIGHT_STORE", endpoint.query)
    for variable, value in (("FORESIGHT_STORE_USER", endpoint.user), ("FORESIGHT_STORE_PASSWORD", endpoint.password),
                            ("FORESIGHT_STORE_AUTH", endpoint.auth)):
        if value:
            monkeypatch.setenv(variable, value)
    commands = [shlex.split(line)[1:] for line in lines if line.startswith("foresight ")]
    assert len(commands) == 3
    outputs = []
    for words in commands:
        result = runner.invoke(app, words)
        assert result.exit_code == 0, (words, result.output)
        outputs.append(result.output)
    assert outputs[0].startswith("10 files: 10 scans written")
    assert "Public Self-Censorship" in outputs[1]
    assert "Live Facial Recognition" in outputs[2]
    assert remote.count_graphs() == 10
