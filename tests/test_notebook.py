"""notebooks/explore.ipynb runs from start to end and shows what it says it shows."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import cell_text, run_notebook

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "explore.ipynb"


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The notebook run once in notebooks/, its cells by id."""
    return run_notebook(NOTEBOOK, tmp_path_factory.mktemp("jupyter"))


def test_notebook_is_committed_without_outputs() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, f"cell {cell.id} holds outputs"


def test_no_cell_errors(executed: dict[str, Any]) -> None:
    for cell_id, cell in executed.items():
        if cell.cell_type == "code":
            assert cell.execution_count is not None, f"cell {cell_id} did not run"
            errors = [output for output in cell.outputs if output.output_type == "error"]
            assert not errors, f"cell {cell_id}: {errors}"
            # a warning in a tour is a reader's first worry: none may reach the page
            stderr = [output.text for output in cell.outputs if output.get("name") == "stderr"]
            assert not stderr, f"cell {cell_id} wrote to stderr: {stderr}"


def test_ingest_reads_every_example_scan(executed: dict[str, Any]) -> None:
    text = cell_text(executed["ingest"])
    assert re.match(r"10 scans, \d+ rows, \d+ triples, 0 warnings, 0 failed", text)


def test_sparql_table_has_rows(executed: dict[str, Any]) -> None:
    page = cell_text(executed["sparql-table"])
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.DOTALL)
    assert len(rows) == 1 + 8
    assert "Commercial Social Media Surveillance" in rows[1]


def test_bound_query_finds_every_scan_naming_the_technology(executed: dict[str, Any]) -> None:
    page = cell_text(executed["sparql-bound"])
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.DOTALL)
    assert len(rows) == 1 + 5
    assert "2023-03-20" in rows[1] and "2026-07-14" in rows[-1]


def test_change_pathways_follow_fear(executed: dict[str, Any]) -> None:
    text = cell_text(executed["change-pathways"])
    assert "Protest Participation Decline" in text
    assert "driving force: Fear of consequences from employers, universities or the state." in text


def test_best_paths_go_through_self_censorship_with_evidence(executed: dict[str, Any]) -> None:
    text = cell_text(executed["k-best-paths"])
    assert text.startswith("1. 2 hops")
    assert "-enables-> Public Self-Censorship [Behavior]" in text
    assert "curated 1.00: Staying away from rallies is the observable form of the chilling effect." in text
    assert len(re.findall(r"^\d\. ", text, re.MULTILINE)) == 3


def test_map_is_an_iframe_holding_the_vis_data(executed: dict[str, Any]) -> None:
    page = cell_text(executed["map"])
    found = re.search(r'<iframe srcdoc="([^"]*)" sandbox="allow-scripts ', page)
    assert found, "no sandboxed iframe with a srcdoc"
    inner = html.unescape(found.group(1))
    assert inner.startswith("<!DOCTYPE html>")
    data = re.search(r'<script type="application/json" id="foresight-data">(.*?)</script>', inner, re.DOTALL)
    assert data, "no vis data in the srcdoc"
    payload = json.loads(data.group(1))
    labels = {node["label"] for node in payload["nodes"]}
    assert "Public Self-Censorship" in labels and "Chilling Effect on Free Expression" in labels
    assert payload["focus"] in payload["details"]
    assert "vis.Network" in inner
