"""Shared fixtures: the real corpus (read in place), the example data, stores."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from foresight.derived.concepts import refresh_concepts
from foresight.ingest import ingest
from foresight.store import open_store
from foresight.store.base import Store

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "data" / "examples"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
SCANS = CORPUS / "scans"
BULK = CORPUS / "bulk"
REAL = CORPUS / "real"
SEED = SHARED / "seeds" / "000_e251099c2744807b.txt"
SEED_ARTICLE = SHARED / "seeds" / "001_b671387d92c4b85d.txt"
TEST_DATA = Path(__file__).resolve().parent / "data"


def pytest_report_header() -> str:
    """Say which matching the run used: the tests run with and without the semantic extra."""
    from foresight.derived.embeddings import mode

    return f"foresight matching: {mode()}"


def semantic_or_skip() -> None:
    """Skip, saying why, when semantic similarity is off in this run."""
    from foresight.derived.embeddings import mode, semantic_enabled

    if not semantic_enabled():
        pytest.skip(f"matching is {mode()}: this test needs the semantic extra")


def scan_node(path: Path, graph: bool = False) -> str:
    """The IRI of the scan read from ``path`` (or of its graph): ids hold a digest of the content."""
    from foresight.readers import read_scan
    from foresight.vocab import scan_graph_iri, scan_iri

    scan_id = read_scan(path).scan.id
    return scan_graph_iri(scan_id) if graph else scan_iri(scan_id)


SURVEY = EXAMPLES / "1328adec02ad8e20036bac1cfd123475.md"
OVERSIGHT = EXAMPLES / "oversight-board-review.yaml"


GOLD_SENTENCE_KINDS = {"driving-force": "driving_force", "shift": "change", "outlook": "outlook"}


def gold_pairs() -> list[dict[str, str]]:
    """The second gold set (``tests/data/concept-pairs.tsv``), sentences read from the corpus in place."""
    import csv

    from foresight.readers import read_scan

    need_corpus()
    with (TEST_DATA / "concept-pairs.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    scans: dict[str, object] = {}
    for row in rows:
        for side in ("a", "b"):
            if row["kind"] in GOLD_SENTENCE_KINDS:
                file, line, _ = row[side].rsplit(":", 2)
                if file not in scans:
                    scans[file] = read_scan(CORPUS / file).scan
                signal = next(s for s in scans[file].signals if s.line == int(line))  # type: ignore[attr-defined]
                value = getattr(signal, GOLD_SENTENCE_KINDS[row["kind"]])
                row[side + "_text"] = value.text if row["kind"] == "shift" else value
            else:
                row[side + "_text"] = row[side]
    return rows


def need_corpus() -> None:
    """Skip, saying why, when ../shared is not beside the project."""
    if not SCANS.is_dir() or not SEED.is_file():
        reason = f"the scan corpus is not at {CORPUS} (../shared beside the project); skipping"
        print(reason)
        pytest.skip(reason)


def spy_concept_writes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[bool, int]]:
    """Record each write of a concepts graph: (written as a difference, lines written)."""
    from foresight.derived import concepts

    calls: list[tuple[bool, int]] = []
    original = concepts.write_concepts

    def spy(store, concept_set, marker=None, previous=None) -> int:  # type: ignore[no-untyped-def]
        written = original(store, concept_set, marker, previous)
        calls.append((previous is not None, written))
        return written

    monkeypatch.setattr(concepts, "write_concepts", spy)
    return calls


def cli(store: Path | str, *args: str, input: str | None = None, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    """Run a foresight command on the store at ``store``, in this process (typer's test runner)."""
    from typer.testing import CliRunner

    from foresight.cli import app

    return CliRunner().invoke(app, ["--store", str(store), *args], input=input, env=env)


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    """A store on disk holding the examples, ingested by the command line."""
    result = cli(tmp_path / "store", "ingest", str(EXAMPLES))
    assert result.exit_code == 0, result.output
    return tmp_path / "store"


@pytest.fixture
def store() -> Iterator[Store]:
    with open_store("memory:") as memory:
        yield memory


@pytest.fixture(scope="session")
def corpus_store() -> Iterator[tuple[Store, object]]:
    """The 25 real scans, both seeds' scan and the examples, ingested once, with their concepts (as the CLI does)."""
    need_corpus()
    with open_store("memory:") as memory:
        report = ingest(memory, [SCANS, SEED, EXAMPLES])
        refresh_concepts(memory)
        yield memory, report


@pytest.fixture(scope="session")
def real_store() -> Iterator[tuple[Store, object]]:
    """The 200 real scans of ``corpus/real``, ingested once, with their concepts (as the CLI does)."""
    need_corpus()
    with open_store("memory:") as memory:
        report = ingest(memory, [REAL])
        refresh_concepts(memory)
        yield memory, report


@pytest.fixture(scope="session")
def real_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 200 real scans (keywords, themes, categories), ingested by the command line into a store on disk."""
    need_corpus()
    store = tmp_path_factory.mktemp("real") / "store"
    result = cli(store, "ingest", str(REAL))
    assert result.exit_code == 0, result.output
    return store


@pytest.fixture(scope="session")
def examples_store() -> Iterator[Store]:
    with open_store("memory:") as memory:
        ingest(memory, [EXAMPLES])
        yield memory


@pytest.fixture(scope="session")
def bulk_store() -> Iterator[Store]:
    """The 1,591 bulk scans, ingested once (about 8 s)."""
    if not BULK.is_dir():
        need_corpus()
    with open_store("memory:") as memory:
        ingest(memory, [BULK])
        yield memory


def run_notebook(path: Path, kernels: Path, env: dict[str, str] | None = None,
                 timeout: int = 120) -> dict[str, Any]:
    """Run a notebook from start to end in its folder, with the ``python3`` kernel of this interpreter (a
    kernelspec of our own in ``kernels``, first on JUPYTER_PATH, whatever the user or system has installed) and
    ``env`` set; its cells by id."""
    import nbclient
    import nbformat

    spec = kernels / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (foresight tests)",
        "language": "python",
    }), encoding="utf-8")
    notebook = nbformat.read(path, as_version=4)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(kernels))
        for name, value in (env or {}).items():
            patch.setenv(name, value)
        client = nbclient.NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                                         resources={"metadata": {"path": str(path.parent)}})
        client.execute()
    return {cell.id: cell for cell in notebook.cells}


def cell_text(cell: Any) -> str:
    """Everything a code cell printed or displayed, as text (HTML outputs as their HTML)."""
    parts = []
    for output in cell.outputs:
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type in ("display_data", "execute_result"):
            parts.append(output.data.get("text/html") or output.data.get("text/plain", ""))
    return "".join(parts)


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright (the map and serve tests); one per test module, so that
    Playwright's event loop is gone before another module (the notebooks) runs its own."""
    if not CHROMIUM.is_file():
        reason = f"no Chromium at {CHROMIUM} (install Debian's chromium); skipping the browser tests"
        print(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        yield chromium
        chromium.close()
