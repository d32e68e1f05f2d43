"""Articles, not copies: scans of one article count once, by the newest."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from foresight.derived.articles import copies, editions
from foresight.derived.projection import project
from foresight.ingest import ingest, refresh_views
from foresight.store import open_store
from foresight.store.base import Store
from tests.conftest import SCANS, SURVEY, need_corpus
from tests.conftest import cli as run


def test_copies_of_one_body_under_other_links_are_one_article(bulk_store: Store) -> None:
    # bug: the same article scanned again counted as another scan and topped the "recurring" rankings
    found = editions(project(bulk_store).graph["scans"])
    superseded, articles = copies(found)
    assert (superseded, articles) == (12, 11)
    groups: dict[str, list[str]] = {}
    for scan, edition in found.items():
        groups.setdefault(edition.article, []).append(scan)
    for members in (m for m in groups.values() if len(m) > 1):
        assert sum(found[scan].counts for scan in members) == 1  # the newest alone counts


def test_an_older_scan_of_the_same_link_is_a_revision_in_the_concepts_graph(tmp_path: Path) -> None:
    need_corpus()
    newer, older = SCANS / "5aeb9641eb6b5fc2822af63965423717.md", SCANS / "1_5aeb9641eb6b5fc2822af63965423717.md"
    with open_store(tmp_path / "store") as store:
        ingest(store, [newer, older])
        summary = refresh_views(store)
        assert summary is not None and (summary.superseded, summary.superseded_articles) == (1, 1)
        rows = store.select("SELECT ?new ?old WHERE { ?new prov:wasRevisionOf ?old }").values()
        scans = {str(scan) for (scan,) in store.select("SELECT ?s WHERE { ?s a fs:Scan }").values()}
    (new, old), = rows  # one revision link between the two (same page date: the scan IRI breaks the tie)
    assert {str(new), str(old)} == scans


def test_concepts_and_stats_count_distinct_articles(tmp_path: Path) -> None:
    folder = tmp_path / "scans"
    folder.mkdir()
    shutil.copy(SURVEY, folder)
    copy = folder / "copy.md"  # the same rows under another link and title: a copy of the article
    copy.write_text(SURVEY.read_text(encoding="utf-8").replace(
        "https://research.example.org/2026/01/survey-self-censorship-camera-districts",
        "https://mirror.example.org/survey").replace("# __", "# __Copy: ", 1), encoding="utf-8")
    store = tmp_path / "store"
    result = run(store, "ingest", str(folder))
    assert result.exit_code == 0 and "1 scans are copies or older revisions of 1 articles" in result.stdout
    concepts = json.loads(run(store, "concepts", "--type", "Behavior", "-f", "json").stdout)
    public = next(c for c in concepts if c["label"] == "Public Self-Censorship")
    assert (public["scans"], public["articles"]) == (2, 1)
    figures = json.loads(run(store, "stats", "--json").stdout)
    assert figures["counts"]["Scan"] == 2 and figures["superseded_scans"] == 1
    assert all(entry["articles"] == 1 for entry in figures["top"]["keywords"])
