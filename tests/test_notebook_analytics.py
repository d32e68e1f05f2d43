"""notebooks/analytics.ipynb runs from start to end on the real scans and shows each analysis."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import cell_text, run_notebook

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "analytics.ipynb"


@pytest.fixture(scope="module")
def executed(real_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The notebook run once on the store of the 200 real scans (FORESIGHT_NOTEBOOK_STORE), its cells by id.

    Without that variable it reads the bulk corpus, which costs minutes to ingest the first time: the tests point
    it at the real scans' store the other tests share."""
    return run_notebook(NOTEBOOK, tmp_path_factory.mktemp("jupyter"), {"FORESIGHT_NOTEBOOK_STORE": str(real_dir)},
                        timeout=300)


def _rows(page: str) -> list[list[str]]:
    return [re.findall(r"<t[dh]>(.*?)</t[dh]>", row, re.DOTALL) for row in re.findall(r"<tr>(.*?)</tr>", page)]


def test_notebook_is_committed_without_outputs() -> None:
    for cell in nbformat.read(NOTEBOOK, as_version=4).cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, f"cell {cell.id} holds outputs"


def test_every_cell_runs_without_errors_or_warnings(executed: dict[str, Any]) -> None:
    for cell_id, cell in executed.items():
        if cell.cell_type == "code":
            assert cell.execution_count is not None, f"cell {cell_id} did not run"
            assert not [o for o in cell.outputs if o.output_type == "error"], f"cell {cell_id} failed"
            assert not [o.text for o in cell.outputs if o.get("name") == "stderr"], f"cell {cell_id} wrote to stderr"


def test_it_reads_the_store_it_is_given(executed: dict[str, Any], real_dir: Path) -> None:
    assert re.match(r"\d+ dated articles, [\d,]+ concepts \([\d,]+ named in 3\+ articles\), from store",
                    cell_text(executed["load"]))


def test_steep_counts_every_category_by_year(executed: dict[str, Any]) -> None:
    header, *rows = _rows(cell_text(executed["steep"]))
    assert header[:3] == ["category", "articles", "share"] and all(re.fullmatch(r"\d{4}", y) for y in header[3:])
    assert [row[0] for row in rows] == ["social", "technological", "economic", "environmental", "political", "legal",
                                        "values"]
    for row in rows:  # a year's articles are some of all the articles
        assert all(int(cell) <= int(row[1]) for cell in row[3:])


def test_trends_micmac_axes_and_the_rest_show_results(executed: dict[str, Any]) -> None:
    assert len(re.findall(r"articles, \d+ months; (?:rising|falling|flat) \(tau", cell_text(executed["trend"]))) == 3
    emerging = cell_text(executed["emerging"])
    assert "rate before" in emerging or emerging.startswith("nothing emerging:")
    quadrants = [row[5] for row in _rows(cell_text(executed["micmac"]))[1:]]
    assert quadrants and set(quadrants) <= {"influential", "relay", "dependent", "autonomous"}
    assert any(o.output_type == "display_data" and "image/png" in o.data for o in executed["micmac"].outputs)
    cross = _rows(cell_text(executed["cross"]))
    assert cross[0][0] == "impact of \\ on" and all(cell in {"", "-3", "-2", "-1", "0", "1", "2", "3"}
                                                      for row in cross[1:] for cell in row[1:])
    assert re.match(r"1\. .+ x .+ \(score", cell_text(executed["axes"]))
    assert len(_rows(cell_text(executed["central"]))) == 11
    assert re.search(r"^\d{4}: .+ \(\d+ topics, new\)", cell_text(executed["central"]), re.MULTILINE)
    assert re.fullmatch(r"[\d,]+ elements, [\d,]+ connections\n", cell_text(executed["kumu"]))
