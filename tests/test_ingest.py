"""Ingest: every row reaches the store, re-ingest is idempotent, bad files stay alone."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
import rdflib
from rdflib import Literal, URIRef

from foresight.ingest import ingest
from foresight.readers.markdown import read_markdown
from foresight.store import open_store
from foresight.store.base import Store
from tests.conftest import EXAMPLES, OVERSIGHT, REAL, SCANS, SEED, SURVEY, need_corpus, scan_node

SECTION_CLASS = {"Signals": "Signal", "Concerns": "Concern", "Behaviors": "Behavior",
                 "Technologies": "Technology", "Issues": "Issue"}


def _rows_per_section(path: Path) -> dict[str, int]:
    """Count table rows per section straight from the file, independently of the reader."""
    counts: dict[str, int] = {}
    section = None
    lines = path.read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        heading = re.match(r"^## (\w+)", line)
        if heading:
            section = heading.group(1)
            continue
        if section in SECTION_CLASS and line.startswith("|"):
            is_header = index + 1 < len(lines) and lines[index + 1].startswith("|:")
            if not is_header and not line.startswith("|:"):
                counts[section] = counts.get(section, 0) + 1
    return counts


def _count(store: Store, path: Path, cls: str) -> int:
    result = store.select(
        f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a fs:{cls} ; fs:fromScan ?scan }}",
        {"scan": URIRef(scan_node(path))},
    )
    return int(result.values()[0][0])


def _every_row_stored_or_reported(store: Store, files: list[Path]) -> None:
    for path in files:
        warnings = read_markdown(path).warnings
        for section, rows in _rows_per_section(path).items():
            reported = [w for w in warnings if w.message.startswith(f"{section}:")
                        and ("skipped" in w.message or "joined" in w.message)]
            assert all(w.line for w in reported), (path.name, section)  # each reported with file:line
            assert _count(store, path, SECTION_CLASS[section]) == rows - len(reported), (path.name, section)


def test_every_table_row_of_the_corpus_is_in_the_store(corpus_store) -> None:  # type: ignore[no-untyped-def]
    store, report = corpus_store
    assert report.errors == []
    files = [*sorted(SCANS.glob("*.md")), SEED]
    assert len(files) == 26
    _every_row_stored_or_reported(store, files)


def test_every_table_row_of_the_real_scans_is_stored_or_reported(real_store) -> None:  # type: ignore[no-untyped-def]
    store, report = real_store
    files = sorted(REAL.glob("*.md"))
    assert len(files) == 200 and report.errors == [] and report.written == 200
    _every_row_stored_or_reported(store, files)


def test_the_real_scans_give_at_most_one_warning_per_file_and_section(real_store) -> None:  # type: ignore[no-untyped-def]
    # bug: 235 warnings, one per letter of the keywords listed one character per line
    _, report = real_store
    places = [(warning.path, warning.message.partition(":")[0] if ":" in warning.message[:20] else "header")
              for warning in report.warnings]
    assert len(places) == len(set(places)) and len(places) <= 40
    assert not any("list entry" in warning.message for warning in report.warnings)


def test_keywords_listed_one_character_per_line_are_read_as_words(real_store) -> None:  # type: ignore[no-untyped-def]
    # bug: twelve files held their keywords as one character per entry; the letters became keywords
    h1b = read_markdown(REAL / "24bfe5adba3549d63e2f61f6d5c398fd.md")
    assert h1b.scan.keywords[:3] == ("H-1B", "wage theft", "high tech")
    assert h1b.scan.themes == ("H-1B", "wage theft", "high tech", "immigration", "capitalism")
    assert [w.line for w in h1b.warnings if w.message.startswith("Keywords:")] == [9]
    store, _ = real_store
    from foresight.stats import graph_stats

    top = graph_stats(store, top=10).top
    for kind in ("keywords", "themes"):
        labels = [label for label, _ in top[kind]]
        assert len(labels) == 10 and all(len(label) > 1 and any(c.isalpha() for c in label) for label in labels)
    assert top["keywords"][0] == ("AI", 25)


def test_odd_page_ids_are_kept_and_dated_only_when_real() -> None:
    need_corpus()
    dates = {}
    for path in sorted(REAL.glob("*.md")):
        scan = read_markdown(path).scan
        dates[scan.page_id] = scan.page_date
    assert str(dates["20251231-a-yearly-review"]) == "2025-12-31"
    assert str(dates["20040714"]) == "2004-07-14"
    assert dates["20290911"] is None and dates["1938.0"] is None  # a future date, a float: ids only


def test_seed_scan_in_the_store(corpus_store) -> None:  # type: ignore[no-untyped-def]
    store, _ = corpus_store
    scan = URIRef(scan_node(SEED))
    counts = {cls: _count(store, SEED, cls)
              for cls in ("Signal", "DrivingForce", "Shift", "Outlook", "Behavior", "Technology", "Issue")}
    assert counts == {"Signal": 5, "DrivingForce": 5, "Shift": 5, "Outlook": 5, "Behavior": 7,
                      "Technology": 5, "Issue": 7}
    chains = store.select("""SELECT ?signal ?force ?from ?to ?outlook WHERE {
        ?s a fs:Signal ; fs:fromScan ?scan ; rdfs:label ?signal ; fs:hasShift ?shift ; fs:hasOutlook ?o .
        ?f fs:drives ?s ; rdfs:label ?force . ?shift fs:fromState ?from ; fs:toState ?to ; fs:leadsTo ?o .
        ?o rdfs:label ?outlook }""", {"scan": scan})
    assert len(chains) == 5
    facts = store.select("""SELECT ?date ?url ?category ?type
        (COUNT(DISTINCT ?k) AS ?keywords) (COUNT(DISTINCT ?t) AS ?themes) WHERE {
        ?scan fs:pageDate ?date ; prov:wasDerivedFrom/schema:url ?url ;
              fs:category/skos:prefLabel ?category ; fs:scanType/skos:prefLabel ?type ;
              dcterms:subject ?k ; fs:theme ?t } GROUP BY ?date ?url ?category ?type""", {"scan": scan})
    (date, url, category, kind, keywords, themes), = facts.values()
    assert str(date) == "2024-09-01"
    assert url == ("https://www.theguardian.com/world/article/2024/aug/01/"
                   "argentina-ai-predicting-future-crimes-citizen-rights")
    assert (category, kind, keywords, themes) == ("politics", "news", 5, 3)


def test_reingesting_the_same_directory_changes_nothing(tmp_path: Path) -> None:
    with open_store(tmp_path / "store") as store:
        first = ingest(store, [EXAMPLES])
        count = store.triple_count()
        second = ingest(store, [EXAMPLES])
        assert (first.written, second.written, second.unchanged) == (10, 0, 10)
        assert store.triple_count() == count
        forced = ingest(store, [EXAMPLES], force=True)
        assert forced.written == 10
        assert store.triple_count() == count


def _graphs(store: Store) -> dict[str, set[tuple[str, str, str]]]:
    rows = store.select("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }").rows
    graphs: dict[str, set[tuple[str, str, str]]] = {}
    for g, s, p, o in rows:
        graphs.setdefault(str(g), set()).add((s.n3(), p.n3(), o.n3()))  # type: ignore[union-attr]
    return graphs


@pytest.mark.parametrize("few", [True, False], ids=["looked-up-one-by-one", "looked-up-at-once"])
def test_editing_one_file_replaces_only_its_graph(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, few: bool) -> None:
    import foresight.ingest as ingest_module

    monkeypatch.setattr(ingest_module, "_FEW_FILES", 64 if few else 0)
    folder = tmp_path / "scans"
    shutil.copytree(EXAMPLES, folder)
    with open_store("memory:") as store:
        ingest(store, [folder])
        before = _graphs(store)
        edited = folder / "1328adec02ad8e20036bac1cfd123475.md"
        edited.write_text(edited.read_text(encoding="utf-8").replace("Route Avoidance", "Detour Taking"),
                          encoding="utf-8")
        report = ingest(store, [folder])
        after = _graphs(store)
    assert (report.written, report.unchanged) == (1, 9)
    changed = {g for g in before.keys() | after.keys() if before.get(g) != after.get(g)}
    old, new = scan_node(SURVEY, graph=True), scan_node(edited, graph=True)
    assert old != new and changed == {old, new} and old not in after  # the edit replaced its scan, nothing else
    assert report.replaced == [old]
    graph = after[new]
    labels = {o for _, p, o in graph if p.endswith("#label>")}
    assert '"Detour Taking"' in labels and '"Route Avoidance"' not in labels


def test_same_input_gives_same_iris_in_two_stores() -> None:
    graphs = []
    for _ in range(2):
        with open_store("memory:") as store:
            ingest(store, [EXAMPLES])
            graphs.append(_graphs(store))
    assert graphs[0] == graphs[1]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("binary.md", b"\x00\x01\x02\x03binary\x00", "binary file"),
        ("empty.md", b"", "empty file"),
        ("latin1.md", "# __Caf\u00e9 soci\u00e9t\u00e9__\n".encode("latin-1"), "not UTF-8"),
        ("notes.pdf", b"%PDF-1.4", "unknown scan file type"),
    ],
)
def test_bad_file_among_good_ones(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    folder = tmp_path / "scans"
    shutil.copytree(EXAMPLES, folder)
    bad = folder / name
    bad.write_bytes(content)
    with open_store("memory:") as store:
        report = ingest(store, [folder, bad])
        assert report.written == 10
        assert len(report.errors) == 1
        assert str(report.errors[0]).startswith(str(bad))
        assert reason in str(report.errors[0])
        assert store.count_graphs() == 10


def test_truncated_table_keeps_the_rows_before_the_cut(tmp_path: Path) -> None:
    need_corpus()
    text = SEED.read_text(encoding="utf-8")
    cut = text[: text.index("| Potential for Discrimination") + 40]
    path = tmp_path / "truncated.md"
    path.write_text(cut, encoding="utf-8")
    with open_store("memory:") as store:
        report = ingest(store, [path])
        assert report.written == 1
        assert any(w.message.startswith("Issues: truncated row") for w in report.warnings)
        assert _count(store, path, "Issue") == 2
        assert _count(store, path, "Behavior") == 7


def test_strict_turns_warnings_into_errors() -> None:
    need_corpus()
    with open_store("memory:") as store:
        report = ingest(store, [SCANS / "cd4f6f65b2486d56699138cd2270044d.md", SEED], strict=True)
        assert report.written == 1
        assert len(report.errors) == 1
        assert "cd4f6f65b2486d56699138cd2270044d.md:45" in str(report.errors[0])


def test_the_same_scan_in_two_folders_is_read_once(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        shutil.copy(EXAMPLES / "oversight-board-review.yaml", tmp_path / folder / f"{folder}.yaml")
    with open_store("memory:") as store:
        report = ingest(store, [tmp_path])
        assert store.count_graphs() == 1
    assert (report.written, report.unchanged, report.errors) == (1, 1, [])
    assert str(report.warnings[-1]) == f"{tmp_path / 'b' / 'b.yaml'}: the same scan as {tmp_path / 'a' / 'a.yaml'}, " \
        "which was read already"


def test_two_versions_of_one_scan_file_in_one_run_are_a_conflict_naming_both(tmp_path: Path) -> None:
    first, second = tmp_path / "a" / SURVEY.name, tmp_path / "b" / SURVEY.name
    for path in (first, second):
        path.parent.mkdir()
    shutil.copy(SURVEY, first)
    second.write_text(SURVEY.read_text(encoding="utf-8").replace("Route Avoidance", "Detour Taking"),
                      encoding="utf-8")
    with open_store("memory:") as store:
        report = ingest(store, [tmp_path])
    assert report.written == 1 and len(report.errors) == 1
    message = str(report.errors[0])
    assert message.startswith(str(second)) and str(first) in message and "another version" in message


def test_missing_source_is_reported_and_others_ingested(tmp_path: Path) -> None:
    with open_store("memory:") as store:
        report = ingest(store, [tmp_path / "nowhere", EXAMPLES / "*.yaml"])
    assert report.written == 1
    assert "no such file or directory" in str(report.errors[0])


def test_concepts_get_one_preferred_label(examples_store: Store) -> None:
    rows = examples_store.select(
        "SELECT ?c (COUNT(DISTINCT ?l) AS ?n) WHERE { ?c a fs:Keyword . ?c skos:prefLabel ?l } GROUP BY ?c").values()
    assert rows and all(n == 1 for _, n in rows)
    label = examples_store.select("SELECT ?l WHERE { ?c skos:prefLabel ?l }",
                                  {"c": URIRef("https://w3id.org/foresight/id/keywords/surveillance")})
    assert label.values() == [("surveillance",)]
    assert Literal("surveillance") in {row[0] for row in label.rows}


def test_the_article_seed_is_no_scan_and_says_so() -> None:
    need_corpus()
    from tests.conftest import SEED_ARTICLE

    with open_store("memory:") as store:
        report = ingest(store, [SEED_ARTICLE, SEED])
    assert report.written == 1
    assert str(report.errors[0]) == f"{SEED_ARTICLE}:1: no title line: a scan starts with " \
        "'# __Title__, (from page [YYYYMMDD](…).)'"


def test_a_crash_mid_ingest_leaves_the_store_consistent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import foresight.ingest as ingest_module

    real_map = ingest_module.map_scan
    calls = {"n": 0}

    def crashing_map(scan):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 6:
            raise KeyboardInterrupt  # the run itself is stopped: not one scan's fault
        return real_map(scan)

    with open_store(tmp_path / "s") as store:
        ingest(store, [EXAMPLES / "74e7cd4d1babd809f07897db07558ba4.md"])
        monkeypatch.setattr(ingest_module, "map_scan", crashing_map)
        with pytest.raises(KeyboardInterrupt):
            ingest(store, [EXAMPLES], force=True, batch_size=2)
        monkeypatch.setattr(ingest_module, "map_scan", real_map)
    with open_store(tmp_path / "s") as store:
        # whole batches only: every scan graph present is complete, none half-written
        digests = store.scan_digests()
        for graph in digests:
            count = store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
                                 {"g": URIRef(graph)}).values()[0][0]
            assert count > 100
        report = ingest(store, [EXAMPLES])
        assert report.errors == []
        assert store.count_graphs() == 10


def test_a_scan_that_breaks_foresight_is_reported_and_the_others_are_stored(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import foresight.ingest as ingest_module

    real_map = ingest_module.map_scan

    def failing_map(scan):  # type: ignore[no-untyped-def]
        if scan.id.startswith("74e7cd4d1babd809f07897db07558ba4-"):
            raise OverflowError("cannot convert float infinity to integer")
        return real_map(scan)

    monkeypatch.setattr(ingest_module, "map_scan", failing_map)
    with open_store("memory:") as store:
        report = ingest(store, [EXAMPLES])
    assert report.written == 9 and report.failed == 1
    assert str(report.errors[0]).startswith(str(EXAMPLES / "74e7cd4d1babd809f07897db07558ba4.md"))
    assert "OverflowError" in str(report.errors[0])


_GOOD_MD = EXAMPLES / "1328adec02ad8e20036bac1cfd123475.md"
_GOOD_YAML = EXAMPLES / "oversight-board-review.yaml"


def _mutated(tmp_path: Path, name: str, source: Path, old: str, new: str) -> Path:
    text = source.read_text(encoding="utf-8")
    assert old in text
    target = tmp_path / f"{name}{source.suffix}"
    text = text.replace(old, new, 1)
    if source.suffix == ".yaml":
        text = text.replace("id: oversight-board-review", f"id: {name}")
    target.write_text(text, encoding="utf-8")
    return target


@pytest.mark.parametrize(("name", "source", "old", "new", "outcome"), [
    ("relevancy-inf", _GOOD_MD, "|           5 |", "|         inf |", "warned"),
    ("relevancy-1e999", _GOOD_MD, "|           5 |", "|       1e999 |", "warned"),
    ("relevancy-5000-digits", _GOOD_MD, "|           5 |", "| " + "9" * 5000 + " |", "warned"),
    ("yaml-relevancy-inf", _GOOD_YAML, "relevancy: 5", "relevancy: .inf", "warned"),
    ("yaml-datetime-page-date", _GOOD_YAML, "page_date: 2026-05-10", "page_date: 2026-05-10 12:30:00", "stored"),
    ("yaml-surrogate-and-escapes", _GOOD_YAML, 'title: "Oversight', 'title: "\\ud800 \\x1b]0;retitled\\x07 Oversight',
     "warned"),
    ("yaml-nested-6000-deep", _GOOD_YAML, "category: politics", "category: politics\nextra: " + "[" * 6000 + "]" * 6000,
     "rejected"),
    ("yaml-5000-digit-integer", _GOOD_YAML, "relevancy: 5", "relevancy: " + "9" * 5000, "rejected"),
])
def test_one_bad_scan_never_stops_the_others(tmp_path: Path, name: str, source: Path, old: str, new: str,
                                            outcome: str) -> None:
    # each of these aborted a whole ingest with a traceback
    bad = _mutated(tmp_path, name, source, old, new)
    with open_store("memory:") as store:
        report = ingest(store, [EXAMPLES / "22cf86c375f090ade13d41dc0601c1de.md", bad])
        assert report.written == (1 if outcome == "rejected" else 2)
        if outcome == "rejected":
            assert len(report.errors) == 1 and str(report.errors[0]).startswith(str(bad))
        elif outcome == "warned":
            assert not report.errors and any(str(w).startswith(str(bad)) for w in report.warnings)
        else:
            assert not report.errors
        buffer = io.BytesIO()
        store.dump(buffer, "xml")  # every export still parses
        rdflib.Graph().parse(data=buffer.getvalue(), format="xml")


def test_a_scan_the_store_would_refuse_is_refused_alone(tmp_path: Path) -> None:
    from foresight.errors import ScanFormatError
    from foresight.ingest import check_nquads

    with pytest.raises(ScanFormatError, match="cannot be stored"):
        check_nquads(tmp_path / "x.md", '<http://example.org/a%zz b> <http://e.org/p> "x" <http://e.org/g> .\n')


def test_an_unreadable_folder_is_a_warning_and_an_error_with_strict(tmp_path: Path) -> None:
    # bug: a chmod-000 subfolder was skipped with exit 0 and not a word
    import os

    folder = tmp_path / "scans"
    (folder / "locked").mkdir(parents=True)
    shutil.copy(EXAMPLES / "22cf86c375f090ade13d41dc0601c1de.md", folder)
    shutil.copy(EXAMPLES / "1328adec02ad8e20036bac1cfd123475.md", folder / "locked")
    os.chmod(folder / "locked", 0)
    try:
        if os.access(folder / "locked", os.R_OK):
            pytest.skip("running as a user who reads any folder (root): nothing to test")
        with open_store("memory:") as store:
            report = ingest(store, [folder])
            assert report.written == 1 and any("locked" in str(w) and "not read" in str(w)
                                               for w in report.warnings)
            strict = ingest(store, [folder], strict=True)
            assert strict.errors and "not read" in str(strict.errors[0])
    finally:
        os.chmod(folder / "locked", 0o755)


def test_a_link_back_up_the_tree_is_walked_once(tmp_path: Path) -> None:
    # bug: ** over a symlink loop hung the run
    folder = tmp_path / "scans"
    folder.mkdir()
    shutil.copy(EXAMPLES / "22cf86c375f090ade13d41dc0601c1de.md", folder)
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    with open_store("memory:") as store:
        assert ingest(store, [folder]).written == 1
        assert ingest(store, [str(folder) + "/**/*.md"]).unchanged == 1


def test_a_pattern_does_not_pick_up_a_readme(tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "22cf86c375f090ade13d41dc0601c1de.md", tmp_path)
    (tmp_path / "README.md").write_text("# About these scans\n\nNotes.\n", encoding="utf-8")
    with open_store("memory:") as store:
        report = ingest(store, [str(tmp_path / "*.md")])
        assert report.files == 1 and report.written == 1 and not report.errors


def test_a_file_of_the_same_name_from_another_article_does_not_overwrite_a_scan(tmp_path: Path) -> None:
    # bug: A/report.md and a different B/report.md ingested in two runs left only B
    source = EXAMPLES / "1328adec02ad8e20036bac1cfd123475.md"
    first, second = tmp_path / "A" / "report.md", tmp_path / "B" / "report.md"
    first.parent.mkdir()
    second.parent.mkdir()
    shutil.copy(source, first)
    text = source.read_text(encoding="utf-8")
    second.write_text(text.replace("https://research.example.org/2026/01/survey-self-censorship-camera-districts",
                                   "https://other.example.org/a-different-article").replace(
                                       "Measured Chilling Effects", "Another Signal"), encoding="utf-8")
    for few in (True, False):
        import foresight.ingest as ingest_module

        with open_store("memory:") as store:
            original = ingest_module._FEW_FILES
            ingest_module._FEW_FILES = 64 if few else 0
            try:
                assert ingest(store, [first]).written == 1
                report = ingest(store, [second])
            finally:
                ingest_module._FEW_FILES = original
            # the id comes from the article and the content, not the file name: both scans stay
            assert (report.written, report.errors, report.replaced) == (1, [], [])
            assert store.count_graphs() == 2
            labels = {label for (label,) in store.select("SELECT ?l WHERE { ?s a fs:Signal ; rdfs:label ?l }").values()}
            assert {"Measured Chilling Effects", "Another Signal"} <= labels
    with open_store("memory:") as store:  # the same file from a new path is the same scan
        ingest(store, [first])
        moved = tmp_path / "C" / "report.md"
        moved.parent.mkdir()
        shutil.copy(first, moved)
        assert ingest(store, [moved]).unchanged == 1


def test_the_keywords_c_c_sharp_and_c_plus_plus_stay_three_concepts(tmp_path: Path) -> None:
    # bug: keywords C, C# and C++ became one concept ("c"), and their names one merger term
    from foresight.merging import same_concept

    scan = tmp_path / "languages.yaml"
    scan.write_text(OVERSIGHT.read_text(encoding="utf-8").replace(
        "keywords: [surveillance,", "keywords: [C, 'C#', C++, cpp, surveillance,"), encoding="utf-8")
    with open_store("memory:") as store:
        assert ingest(store, [scan]).errors == []
        labels = store.select("SELECT ?label WHERE { ?k a fs:Keyword ; skos:prefLabel ?label }").values()
    keywords = {str(label) for (label,) in labels}
    assert {"C", "C#"} <= keywords and ({"C++", "cpp"} & keywords)  # C++ and cpp are one spelling
    assert len(keywords & {"C", "C#", "C++", "cpp"}) == 3
    assert not same_concept("C#", "C++").same and not same_concept("C", "C#").same
