"""New scans added to the derived data in place: what a full build gives, but for what waits for it."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REAL, cli, need_corpus

FIRST = 40  # real scans in the store before the additions
ADDED = 3  # real scans then added one at a time


def _index(store: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{store}.cache/derived/concepts.sqlite?mode=ro", uri=True)


@pytest.fixture(autouse=True, scope="module")
def small_stores_too() -> Iterator[None]:
    """Stores of a few dozen scans build in full (in a second); here they are added to in place like big ones."""
    from foresight.derived import incremental

    kept = incremental.SMALLEST
    incremental.SMALLEST = 0
    yield
    incremental.SMALLEST = kept


@pytest.fixture(scope="module")
def grown(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[str]]]:
    """A store of the first real scans, then three more added one by one; with the output of each addition."""
    need_corpus()
    files = sorted(REAL.glob("*.md"))[:FIRST + ADDED]
    store = tmp_path_factory.mktemp("grown") / "store"
    result = cli(store, "ingest", *map(str, files[:FIRST]))
    assert result.exit_code == 0, result.output
    outputs = []
    for path in files[FIRST:]:
        result = cli(store, "ingest", str(path))
        assert result.exit_code == 0, result.output
        outputs.append(" ".join(result.output.split()))
    yield store, outputs


@pytest.fixture(scope="module")
def rebuilt(grown: tuple[Path, list[str]], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same store with its concepts index built in full from the same scans."""
    store, _ = grown
    copy = tmp_path_factory.mktemp("rebuilt") / "store"
    shutil.copytree(store, copy)
    shutil.copytree(store.with_name("store.cache"), copy.with_name("store.cache"))
    (copy.with_name("store.cache") / "derived" / "concepts.sqlite").unlink()
    result = cli(copy, "topics", "-n", "1")
    assert result.exit_code == 0, result.output
    return copy


def test_each_new_article_is_added_in_place(grown: tuple[Path, list[str]]) -> None:
    _, outputs = grown
    for output in outputs:
        assert "1 scans written" in output
        assert "concepts updated in place" in output, output
    store, _ = grown
    with _index(store) as index:
        assert dict(index.execute("SELECT name, value FROM meta"))["added"] == str(ADDED)


def _groups(index: sqlite3.Connection) -> tuple[dict[frozenset[str], tuple[object, ...]], dict[str, str]]:
    """Each concept as the set of its rows, with what it says; and each concept IRI's label."""
    found = {}
    labels = {}
    for iri, kind, label, alt_labels, rows, articles, months, first, last in index.execute(
            "SELECT iri, kind, label, alt_labels, rows, narticles, months, first, last FROM concepts"):
        found[frozenset(json.loads(rows))] = (kind, label, tuple(json.loads(alt_labels)), articles,
                                              json.loads(months), first, last)
        labels[iri] = label
    return found, labels


def test_concepts_added_in_place_are_those_of_a_full_build(grown: tuple[Path, list[str]], rebuilt: Path) -> None:
    store, _ = grown
    with _index(store) as in_place, _index(rebuilt) as full:
        mine, _ = _groups(in_place)
        theirs, _ = _groups(full)
        # every row in the same concept, and every concept with the same wordings, counts, months and dates
        assert set(mine) == set(theirs)
        assert mine == theirs
        # topics that existed: the same articles, months and kinds of row
        topics = {iri: (n, json.loads(m), json.loads(k)) for iri, n, m, k in
                  full.execute("SELECT iri, narticles, months, kinds FROM topics")}
        kept = {iri: (n, json.loads(m), json.loads(k)) for iri, n, m, k in
                in_place.execute("SELECT iri, narticles, months, kinds FROM topics")}
        assert set(kept) <= set(topics)
        assert all(kept[iri] == topics[iri] for iri in kept)
        # associations that exist in both: the same support, and a lift off by at most what the module says
        # waits for a full build (1 %, and the articles' growth: 3 in 43 here)
        theirs_links = {(a, b): (s, lift) for a, b, s, lift in full.execute("SELECT a, b, support, lift FROM "
                                                                            "associations")}
        mine_links = {(a, b): (s, lift) for a, b, s, lift in in_place.execute("SELECT a, b, support, lift FROM "
                                                                              "associations")}
        both = set(mine_links) & set(theirs_links)
        print(f"associations: {len(both)} in both, {len(mine_links) - len(both)} only in place, "
              f"{len(theirs_links) - len(both)} only in the full build (new, or past another's 20 strongest)")
        assert both and all(mine_links[pair][0] == theirs_links[pair][0] for pair in both)
        slack = 0.01 + ADDED / FIRST
        assert all(abs(mine_links[pair][1] - theirs_links[pair][1]) <= slack * theirs_links[pair][1] for pair in both)
        # the concept graph: the same rows' links between the same concepts
        edges = defaultdict(set)
        for db, name in ((in_place, "in place"), (full, "full")):
            for relation, a, b in db.execute("SELECT e.relation, s.label, t.label FROM edges e CROSS JOIN nodes s "
                                             "ON s.id = e.src CROSS JOIN nodes t ON t.id = e.dst WHERE s.type != "
                                             "'Topic' AND t.type != 'Topic'"):
                edges[name].add((relation, a, b))
        assert edges["in place"] == edges["full"]


def test_the_store_holds_what_the_index_holds(grown: tuple[Path, list[str]]) -> None:
    from foresight.derived import views
    from foresight.derived.concepts import CONCEPTS_GRAPH, concepts_marker, concepts_nquads_chunks
    from foresight.store import open_store
    from foresight.store.base import canonical_lines

    store_path, _ = grown
    with open_store(str(store_path), read_only=True) as store:
        derived = views(store)
        concept_set = derived.index("concepts").concept_set()
        wanted: set[str] = set()
        for chunk in concepts_nquads_chunks(concept_set, marker=concepts_marker(derived.content_key())):
            wanted |= set(canonical_lines(chunk))
        assert set(store.graph_lines(CONCEPTS_GRAPH)) == wanted


def test_questions_after_an_addition_find_the_new_scan(grown: tuple[Path, list[str]]) -> None:
    store, _ = grown
    newest = sorted(REAL.glob("*.md"))[FIRST + ADDED - 1]
    with _index(store) as index:
        scan = next(iri for (iri, data) in index.execute("SELECT iri, data FROM scans")
                    if json.loads(data).get("file") == newest.name)
        signal = index.execute("SELECT n.label FROM nodes n CROSS JOIN signal_scans s ON s.signal = n.id "
                               "WHERE s.scan = ?", (scan,)).fetchone()[0]
    result = cli(store, "concepts", "-t", "Signal", "-n", "2000", "-f", "json")
    assert result.exit_code == 0, result.output
    assert signal in {record["label"] for record in json.loads(result.output)}
    result = cli(store, "search", signal, "-f", "json")  # the search index holds the new rows too
    assert result.exit_code == 0, result.output
    assert signal in result.output


def test_a_rebuild_builds_in_full_what_was_added_in_place(grown: tuple[Path, list[str]], rebuilt: Path,
                                                          tmp_path: Path) -> None:
    store, _ = grown
    copy = tmp_path / "store"
    shutil.copytree(store, copy)
    shutil.copytree(store.with_name("store.cache"), copy.with_name("store.cache"))
    result = cli(copy, "concepts", "--rebuild", "-n", "1")
    assert result.exit_code == 0, result.output
    with _index(copy) as again, _index(rebuilt) as full:
        assert "added" not in dict(again.execute("SELECT name, value FROM meta"))
        topics = "SELECT iri, narticles FROM topics ORDER BY iri"
        assert again.execute(topics).fetchall() == full.execute(topics).fetchall()
    test_the_store_holds_what_the_index_holds((copy, []))


def _revised(text: str) -> str:
    """A scan's text with one word added to its first table row: the same article, other content."""
    lines = text.splitlines()
    for number, line in enumerate(lines):
        cells = line.split("|")
        if line.startswith("|") and len(cells) > 3 and not set(cells[1].strip()) <= set("-: ") and number > 0 and (
                set(lines[number - 1].replace("|", "").strip()) <= set("-: ")):
            cells[1] = f"{cells[1].rstrip()} again "
            lines[number] = "|".join(cells)
            return "\n".join(lines) + "\n"
    raise AssertionError("no table row")


def test_a_new_version_of_a_stored_article_builds_in_full(tmp_path: Path) -> None:
    need_corpus()
    files = sorted(REAL.glob("*.md"))[:6]
    store = tmp_path / "store"
    assert cli(store, "ingest", *map(str, files[:5])).exit_code == 0
    result = cli(store, "ingest", str(files[5]))
    assert "concepts updated in place" in " ".join(result.output.split())
    # the same article scanned again, with a row worded otherwise: a revision, which changes what counts
    again = tmp_path / "again.md"
    again.write_text(_revised(files[0].read_text(encoding="utf-8")), encoding="utf-8")
    result = cli(store, "ingest", str(again))
    output = " ".join(result.output.split())
    assert result.exit_code == 0, output
    assert "1 scans written" in output
    assert "concepts updated in full: a scan added is of an article already stored" in output
    assert "1 scans are copies or older revisions of 1 articles" in output


def test_an_override_naming_a_new_row_builds_in_full(tmp_path: Path) -> None:
    need_corpus()
    from foresight.readers import read_scan

    files = sorted(REAL.glob("*.md"))[:6]
    name = read_scan(files[5]).scan.signals[0].name
    overrides = tmp_path / "overrides.yaml"
    overrides.write_text(f"never:\n  - kind: Signal\n    names: [{json.dumps(name)}, \"Nothing Else\"]\n",
                         encoding="utf-8")
    store = tmp_path / "store"
    assert cli(store, "ingest", *map(str, files[:5]), "--overrides", str(overrides)).exit_code == 0
    result = cli(store, "ingest", str(files[5]), "--overrides", str(overrides))
    output = " ".join(result.output.split())
    assert result.exit_code == 0, output
    assert "concepts updated in full: an override names a row added" in output


def test_a_failure_half_way_leaves_nothing_half_done(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    need_corpus()
    from foresight.derived import incremental

    files = sorted(REAL.glob("*.md"))[:6]
    store = tmp_path / "store"
    assert cli(store, "ingest", *map(str, files[:5])).exit_code == 0

    def broken(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(incremental._Adder, "_write_graph", broken)
    result = cli(store, "ingest", str(files[5]))
    output = " ".join(result.output.split())
    assert result.exit_code == 0, output
    assert "in full: adding in place failed (OperationalError: disk I/O error)" in output
    monkeypatch.undo()
    # what the full build left is whole: the index is that of every scan, and agrees with the store
    with _index(store) as index:
        assert int(index.execute("SELECT COUNT(*) FROM editions").fetchone()[0]) == 6
    result = cli(store, "topics", "-n", "3")
    assert result.exit_code == 0, result.output


def test_scans_written_without_their_concepts_are_added_in_place_later(tmp_path: Path) -> None:
    # what an ingest cut short between the scans and their concepts leaves, or ingest --no-concepts
    need_corpus()
    files = sorted(REAL.glob("*.md"))[:6]
    store = tmp_path / "store"
    assert cli(store, "ingest", *map(str, files[:5])).exit_code == 0
    assert cli(store, "ingest", str(files[5]), "--no-concepts").exit_code == 0
    result = cli(store, "ingest", str(files[5]))
    output = " ".join(result.output.split())
    assert result.exit_code == 0, output
    assert "0 scans written, 1 unchanged" in output
    assert "concepts updated in place" in output
    result = cli(store, "ingest", str(files[5]))  # nothing left to do
    assert "concepts updated" not in " ".join(result.output.split())


def _scan(folder: Path, name: str, url: str, issue: str) -> Path:
    """A small scan of our own: one signal and one issue."""
    path = folder / f"{name}.md"
    path.write_text(f"""# __{name}__, (from page [20260105](https://kghosh.substack.com/p/20260105).)

__[External link]({url})__

## Signals

| name | description | change | 10-year | driving-force | relevancy |
|:--|:--|:--|:--|:--|--:|
| Harbour Robots {name} | Robots unload ships. | From crews to robots. | In 10 years, ports run alone. | Costs. | 3 |

## Issues

| name | description | relevancy |
|:--|:--|--:|
| {issue} | What the article worries about. | 4 |
""", encoding="utf-8")
    return path


def test_new_rows_that_are_one_concept_are_one_even_when_added_together(tmp_path: Path) -> None:
    need_corpus()
    files = sorted(REAL.glob("*.md"))[:5]
    store = tmp_path / "store"
    assert cli(store, "ingest", *map(str, files)).exit_code == 0
    # two spellings of one issue the store has never seen, in two new articles ingested at once
    first = _scan(tmp_path, "a", "https://news.example.org/a", "Organisational Resilience of Quayside Cooperatives")
    second = _scan(tmp_path, "b", "https://news.example.org/b", "Organizational Resilience of Quayside Cooperatives")
    result = cli(store, "ingest", str(first), str(second))
    output = " ".join(result.output.split())
    assert result.exit_code == 0, output
    assert "concepts updated in place" in output
    result = cli(store, "concepts", "-t", "Issue", "-n", "5000", "-f", "json")
    found = [r for r in json.loads(result.output) if "Quayside" in r["label"]]
    assert len(found) == 1 and found[0]["articles"] == 2, found


def test_a_name_swapping_the_roles_of_any_stored_wording_builds_in_full(tmp_path: Path) -> None:
    need_corpus()
    files = sorted(REAL.glob("*.md"))[:5]
    store = tmp_path / "store"
    assert cli(store, "ingest", *map(str, files)).exit_code == 0
    # stored: one concept worded two ways with the same terms; new: a name swapping the roles of one of them
    assert cli(store, "ingest", str(_scan(tmp_path, "a", "https://news.example.org/a",
                                          "Robots in Port Labour"))).exit_code == 0
    assert cli(store, "ingest", str(_scan(tmp_path, "b", "https://news.example.org/b",
                                          "Robots and Port Labour"))).exit_code == 0
    result = cli(store, "ingest", str(_scan(tmp_path, "c", "https://news.example.org/c", "Port Labour in Robots")))
    output = " ".join(result.output.split())
    assert result.exit_code == 0, output
    assert "in full: 'Port Labour in Robots' swaps the roles of 'Robots in Port Labour'" in output


def _technology_scan(folder: Path, name: str, technology: str, description: str) -> Path:
    """A small scan of our own naming one technology."""
    path = folder / f"{name}.md"
    path.write_text(f"""# __{name}__, (from page [20260105](https://kghosh.substack.com/p/20260105).)

__[External link](https://news.example.org/{name})__

## Technologies

| name | description | relevancy |
|:--|:--|--:|
| {technology} | {description} | 4 |
""", encoding="utf-8")
    return path


def test_a_new_wording_joins_the_sense_its_description_is_near_or_builds_in_full(tmp_path: Path) -> None:
    from tests.conftest import BULK, semantic_or_skip
    from tests.derived.test_concepts import SENSES

    semantic_or_skip()
    store = tmp_path / "store"
    assert cli(store, "ingest", *(str(BULK / f"{name}.md") for name in SENSES)).exit_code == 0

    def concept_of(wording: str) -> dict[str, object]:
        listed = json.loads(cli(store, "concepts", "-t", "Technology", "-n", "5000", "-f", "json").stdout)
        (found,) = [c for c in listed if wording in (c["label"], *c["alt_labels"])]
        return found

    assert concept_of("AI Training Systems")["iri"] != concept_of("AI Training Platforms")["iri"]
    # a wording the retraining sense holds joins it, in place
    again = cli(store, "ingest", str(_technology_scan(tmp_path, "a", "AI Training Platforms",
                                                      "Courses that retrain warehouse staff whose jobs AI automates.")))
    assert "concepts updated in place" in " ".join(again.output.split()), again.output
    assert concept_of("AI Training Platforms")["articles"] == 2
    # a new wording whose description is about training models joins the other sense
    tools = cli(store, "ingest", str(_technology_scan(
        tmp_path, "b", "AI Training Tools",
        "Systems that train AI models on existing artworks to generate game art and assets.")))
    assert "concepts updated in place" in " ".join(tools.output.split()), tools.output
    assert concept_of("AI Training Tools")["iri"] == concept_of("AI Training Systems")["iri"]
    # one about neither would start a sense of its own: a full build decides
    unrelated = "Municipal tender for resurfacing two rural roads with asphalt before the winter rains."
    other = cli(store, "ingest", str(_technology_scan(tmp_path, "c", "AI Training Solutions", unrelated)))
    assert "in full: 'AI Training Solutions' may name another sense of its terms" in " ".join(other.output.split())


def test_steep_categories_added_in_place_are_those_of_a_full_build(grown: tuple[Path, list[str]],
                                                                   rebuilt: Path) -> None:
    store, _ = grown
    # concepts compared by their rows: an IRI made in place may differ from the full build's (its slug)
    query = ("SELECT c.rows, s.category FROM concept_steep s CROSS JOIN concepts c ON c.id = s.concept "
             "ORDER BY s.rowid")

    def tags(index: sqlite3.Connection) -> dict[tuple[str, ...], list[str]]:
        found: dict[tuple[str, ...], list[str]] = {}
        for rows, category in index.execute(query):
            found.setdefault(tuple(sorted(json.loads(rows))), []).append(category)
        return found

    with _index(store) as grown_index, _index(rebuilt) as full:
        added, built = tags(grown_index), tags(full)
    assert added and added == built
    added = [category for found in added.values() for category in found]
    # the store holds them as fs:steepCategory, each category a concept of the steep scheme
    counted = cli(store, "sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?c fs:steepCategory ?s . ?s skos:inScheme "
                                   "<https://w3id.org/foresight/id/scheme/steep> }", "-f", "csv")
    assert counted.exit_code == 0 and counted.stdout.splitlines()[1] == str(len(added))
