"""Derived data with one owner: kept true by the store's generation, on disk as data, never half there.

Each test named for a bug reproduced on the commit before foresight/derived existed.
"""

from __future__ import annotations

import json
import pickle
import sqlite3
from pathlib import Path

import pytest

from foresight.derived import views
from foresight.derived.concepts import (
    CONCEPTS_GRAPH,
    INCOMPLETE,
    Overrides,
    build_concepts,
    concepts_marker,
    refresh_concepts,
)
from foresight.derived.projection import project
from foresight.ingest import ingest, refresh_views
from foresight.store import open_store
from tests.conftest import EXAMPLES, SCANS, TEST_DATA, cli, need_corpus, spy_concept_writes


def test_every_write_changes_the_generation_and_another_process_sees_it(tmp_path: Path) -> None:
    with open_store(tmp_path / "store") as store:
        first = store.generation()
        ingest(store, [TEST_DATA / "mini.md"])
        second = store.generation()
        assert second.generation != first.generation and second.unscoped == first.unscoped  # named its graphs
        store.update("INSERT DATA { GRAPH <https://w3id.org/foresight/id/graph/x> { <a:b> <a:c> <a:d> } }")
        third = store.generation()
        assert third.unscoped != second.unscoped  # an update may have changed any graph
    with open_store(tmp_path / "store", read_only=True) as reader:
        assert reader.generation() == third


def test_concepts_rebuild_writes_the_marker_the_next_ingest_diffs_from(
        store_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # bug: `concepts --rebuild` wrote the marker "merger 6", so the next ingest replaced the whole graph
    assert cli(store_dir, "concepts", "--rebuild").exit_code == 0
    with open_store(store_dir, read_only=True) as store:
        assert store.digest_of(CONCEPTS_GRAPH) == concepts_marker(views(store).content_key())
    calls = spy_concept_writes(monkeypatch)
    assert cli(store_dir, "ingest", str(TEST_DATA / "mini.md")).exit_code == 0
    assert [diff for diff, _ in calls] == [True]


def test_every_command_honours_the_overrides(store_dir: Path, tmp_path: Path) -> None:
    # bug: show, paths, neighbors, pathways and render ignored FORESIGHT_OVERRIDES while concepts honoured it
    rules = tmp_path / "rules.yaml"
    rules.write_text("rename: [{kind: behavior, name: Public Self-Censorship, to: Staying Silent}]\n")
    env = {"FORESIGHT_OVERRIDES": str(rules)}
    listed = json.loads(cli(store_dir, "concepts", "--type", "Behavior", "-f", "json", "-n", "100", env=env).stdout)
    assert "Staying Silent" in {c["label"] for c in listed}
    shown = cli(store_dir, "show", "Staying Silent", "-f", "json", env=env)
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)[0]["label"] == "Staying Silent"
    for args in (["neighbors", "Staying Silent"], ["timeline", "Staying Silent"],
                 ["paths", "Live Facial Recognition", "Staying Silent"],
                 ["render", "--focus", "Staying Silent", "-o", str(tmp_path / "map.html")]):
        result = cli(store_dir, *args, env=env)
        assert result.exit_code == 0, (args, result.output)
    assert "Staying Silent" in (tmp_path / "map.html").read_text(encoding="utf-8")
    assert cli(store_dir, "show", "Staying Silent").exit_code == 1  # without the rules, no such name


def test_a_never_rule_takes_the_pair_out_of_review(tmp_path: Path) -> None:
    # bug: a never: rule did not remove the pair from `concepts --review`, even after --rebuild
    need_corpus()
    store_dir = tmp_path / "store"
    assert cli(store_dir, "ingest", str(SCANS)).exit_code == 0
    before = json.loads(cli(store_dir, "concepts", "--review", "-f", "json", "-n", "1000").stdout)
    assert before, "the examples have merges to review"
    pair = before[0]
    rules = tmp_path / "rules.yaml"
    rules.write_text(f"never: [{{kind: {pair['kind']}, names: [{json.dumps(pair['a'])}, {json.dumps(pair['b'])}]}}]\n")
    after = json.loads(cli(store_dir, "concepts", "--review", "-f", "json", "-n", "1000", "--overrides",
                           str(rules)).stdout)
    assert (pair["a"], pair["b"]) not in {(p["a"], p["b"]) for p in after}
    assert len(after) == len(before) - 1
    assert cli(store_dir, "concepts", "--rebuild", "--overrides", str(rules)).exit_code == 0
    again = json.loads(cli(store_dir, "concepts", "--review", "-f", "json", "-n", "1000", "--overrides",
                           str(rules)).stdout)
    assert again == after


def test_a_never_rule_keeps_a_same_pair_apart_without_reviewing_it(corpus_store) -> None:  # type: ignore[no-untyped-def]
    graph = project(corpus_store[0])
    merged = build_concepts(graph)
    concept = next(c for c in merged.concepts.values() if c.alt_labels and c.kind not in ("Keyword", "Theme"))
    names = [concept.label, concept.alt_labels[0]]
    apart = build_concepts(graph, Overrides(never=[(concept.kind, names)]))
    iris = {apart.of_row[row] for row in concept.rows}
    assert len(iris) > 1
    assert not any({a.iri, b.iri} <= iris for a, b, _ in apart.review)


def test_an_ingest_cut_short_after_the_scans_is_repaired_by_the_next_one(store_dir: Path) -> None:
    # bug: killed after the scan graphs were written, the store had no concepts graph; the same ingest
    # again said "0 scans written, 10 unchanged" and repaired nothing
    with open_store(store_dir) as store:
        expected = store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{CONCEPTS_GRAPH}> {{ ?s ?p ?o }} }}")
        store.replace_graphs([CONCEPTS_GRAPH], "")  # what a kill before the concepts were written leaves
    again = cli(store_dir, "ingest", str(EXAMPLES))
    assert again.exit_code == 0 and "0 scans written, 10 unchanged" in again.stdout
    with open_store(store_dir, read_only=True) as store:
        count = store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{CONCEPTS_GRAPH}> {{ ?s ?p ?o }} }}")
        assert count.values() == expected.values()
    rows = cli(store_dir, "sparql", "technologies-across-scans", "-f", "json")
    assert rows.exit_code == 0 and json.loads(rows.stdout)["results"]["bindings"]


def test_a_concepts_graph_marked_incomplete_is_written_again_whole(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # what a server write cut short leaves: the graph marked incomplete, part of it changed
    with open_store(tmp_path / "store") as store:
        ingest(store, [EXAMPLES])
        refresh_concepts(store)
        whole = store.select(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{CONCEPTS_GRAPH}> {{ ?s ?p ?o }} }}").rows
        marker = store.digest_of(CONCEPTS_GRAPH)
        assert marker is not None
        ghost = f"<{CONCEPTS_GRAPH}/ghost> <https://w3id.org/foresight/ontology#rank> \"1\" <{CONCEPTS_GRAPH}> .\n"
        store.apply_changes(deletes=f"<{CONCEPTS_GRAPH}> <https://w3id.org/foresight/ontology#contentDigest> "
                            f"\"{marker}\" <{CONCEPTS_GRAPH}> .\n",
                            inserts=ghost + f"<{CONCEPTS_GRAPH}> <https://w3id.org/foresight/ontology#contentDigest>"
                            f" \"{INCOMPLETE}\" <{CONCEPTS_GRAPH}> .\n")
        calls = spy_concept_writes(monkeypatch)
        refresh_concepts(store)
        assert [diff for diff, _ in calls] == [False]
        after = store.select(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{CONCEPTS_GRAPH}> {{ ?s ?p ?o }} }}").rows
        assert sorted(map(str, after)) == sorted(map(str, whole))


def test_the_concepts_graph_is_written_in_one_transaction(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # bug: the whole-graph write dropped the graph, then wrote it in chunks: readers saw it vanish
    from foresight.store.oxigraph import OxigraphStore

    updates: list[str] = []
    original = OxigraphStore._update
    monkeypatch.setattr(OxigraphStore, "_update", lambda self, text: (updates.append(text), original(self, text))[1])
    with open_store(tmp_path / "store") as store:
        ingest(store, [EXAMPLES])
        refresh_concepts(store)  # the first concepts graph: nothing there before
        first = store.select(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{CONCEPTS_GRAPH}> {{ ?s ?p ?o }} }}").rows
        ingest(store, [TEST_DATA / "mini.md"])
        updates.clear()
        refresh_concepts(store)  # the concepts it holds are known: the difference, in one update
        assert len(updates) == 1 and "DELETE DATA" in updates[0] and "INSERT DATA" in updates[0]
    (tmp_path / "store.cache" / "derived" / "concepts.sqlite").unlink(missing_ok=True)
    with open_store(tmp_path / "store") as store:  # another process, nothing known: read back, one update
        store.replace_graphs([next(iter(sorted(store.scan_digests())))], "")
        updates.clear()
        refresh_concepts(store)
        assert len(updates) == 1 and "DROP" not in updates[0]
        assert len(store.select(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{CONCEPTS_GRAPH}> {{ ?s ?p ?o }} }}").rows) \
            < len(first)


def test_a_reader_racing_a_compaction_tries_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # bug: ~3 % of reads during an ingest died with "Corruption ... .sst: No such file" from Store.read_only
    import pyoxigraph as ox

    from foresight.store import oxigraph

    with open_store(tmp_path / "store") as store:
        ingest(store, [TEST_DATA / "mini.md"])
    real = ox.Store.read_only
    failures = iter([RuntimeError("Corruption: IO error: No such file or directory: 000037.sst")] * 2)

    class Flaky:
        @staticmethod
        def read_only(path: str) -> ox.Store:
            failure = next(failures, None)
            if failure is not None:
                raise failure
            return real(path)

    monkeypatch.setattr(oxigraph.ox, "Store", Flaky)
    with oxigraph.OxigraphStore(tmp_path / "store", read_only=True) as reader:
        assert reader.scan_digests()


def test_commands_on_a_store_without_scans_answer_in_one_line(tmp_path: Path) -> None:
    # bug: paths and show on a store with no scans failed on a missing cache folder
    empty = tmp_path / "nothing"
    empty.mkdir()
    assert cli(tmp_path / "store", "ingest", str(empty)).exit_code == 0
    for args in (["show", "x"], ["paths", "a", "b"], ["neighbors", "x"], ["timeline", "x"], ["topics", "x"]):
        result = cli(tmp_path / "store", *args)
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert result.output.startswith("error: no ")
    for args in (["concepts"], ["search", "x"], ["pathways"], ["topics"], ["topics", "--kind", "DrivingForce"]):
        assert cli(tmp_path / "store", *args).exit_code == 0


def test_the_folder_above_a_store_is_named_not_opened(store_dir: Path) -> None:
    result = cli(store_dir.parent, "show", "x")
    assert result.exit_code == 1
    assert f"holds a store in {store_dir.name}/; use --store {store_dir}" in result.output


def test_nothing_beside_the_store_is_code(store_dir: Path, tmp_path: Path) -> None:
    # bug: pickles beside the store were loaded with pickle.load: a store folder from someone else ran code
    cache = store_dir.with_name(store_dir.name + ".cache")
    planted = tmp_path / "ran"

    class Payload:
        def __reduce__(self):  # type: ignore[no-untyped-def]
            return (Path.touch, (planted,))

    for name in ("concepts-0000.pickle", "pieces/00000000-1-abcd.pickle", "derived/pieces.pickle"):
        (cache / name).parent.mkdir(parents=True, exist_ok=True)
        (cache / name).write_bytes(pickle.dumps(Payload()))
    for args in (["show", "Live Facial Recognition"], ["concepts"], ["paths", "Live Facial Recognition",
                                                                    "Chilling Effect on Free Expression"]):
        assert cli(store_dir, *args).exit_code == 0
    assert not planted.exists()
    for path in (cache / "derived").glob("*.sqlite"):
        assert path.read_bytes()[:16] == b"SQLite format 3\x00"


def test_an_index_follows_a_write_by_another_process(store_dir: Path) -> None:
    before = json.loads(cli(store_dir, "concepts", "-f", "json", "-n", "1000").stdout)
    with open_store(store_dir) as store:  # another process: a library user with their own store object
        ingest(store, [TEST_DATA / "mini.md"])
    after = json.loads(cli(store_dir, "concepts", "-f", "json", "-n", "1000").stdout)
    assert len(after) > len(before)
    assert "Aerial Watch" in {c["label"] for c in after}


def test_ingest_leaves_the_index_ready_and_a_reader_trusts_it_at_once(store_dir: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from foresight.store.oxigraph import OxigraphStore

    index = store_dir.with_name(store_dir.name + ".cache") / "derived" / "concepts.sqlite"
    built = index.stat().st_mtime_ns
    with open_store(store_dir, read_only=True) as store:
        generation = store.generation().generation
    with sqlite3.connect(index) as db:
        assert dict(db.execute("SELECT name, value FROM meta"))["generation"] == generation
    # the first question after an ingest reads no digest: the generation says the index is true
    monkeypatch.setattr(OxigraphStore, "scan_digests", lambda self: pytest.fail("read the digests"))
    assert cli(store_dir, "show", "Live Facial Recognition").exit_code == 0
    assert index.stat().st_mtime_ns == built


def test_an_index_made_by_another_merger_or_mode_is_rebuilt_at_the_same_generation(
        store_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # bug: a new MERGER_VERSION, or FORESIGHT_SEMANTIC=off after a semantic ingest, was answered from the old
    # index, which the generation said was true
    import foresight.derived

    index = store_dir.with_name(store_dir.name + ".cache") / "derived" / "concepts.sqlite"
    with sqlite3.connect(index) as db:
        made_by = dict(db.execute("SELECT name, value FROM meta"))["versions"]
    assert made_by == foresight.derived._versions()
    monkeypatch.setattr(foresight.derived, "_versions", lambda: made_by + " and then some")
    assert cli(store_dir, "show", "Live Facial Recognition").exit_code == 0
    with sqlite3.connect(index) as db:
        assert dict(db.execute("SELECT name, value FROM meta"))["versions"] == made_by + " and then some"


def test_refresh_views_repairs_a_lost_index(store_dir: Path) -> None:
    index = store_dir.with_name(store_dir.name + ".cache") / "derived" / "concepts.sqlite"
    index.unlink()
    with open_store(store_dir) as store:
        refresh_views(store)
    assert index.is_file()


def test_a_rebuild_of_an_unchanged_store_writes_nothing(store_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the graph read back is compared in canonical form: "0.630"^^xsd:decimal comes back as "0.63"
    calls = spy_concept_writes(monkeypatch)
    assert cli(store_dir, "concepts", "--rebuild").exit_code == 0
    assert calls == [(False, 0)]
