"""What every reader shares: bounds on what a scan file may be, and the text a scan may carry."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from foresight.errors import ScanFormatError
from foresight.readers import read_scan
from foresight.readers.markdown import read_markdown, section_name, split_title
from tests.conftest import EXAMPLES

SOURCE = EXAMPLES / "1328adec02ad8e20036bac1cfd123475.md"


def test_a_4000_character_line_is_read_as_text(tmp_path: Path) -> None:
    # bug: "# T\n## a<4000 spaces> b" took 45 s, growing with the cube of the line (regex backtracking)
    path = tmp_path / "long.md"
    path.write_text("# T\n## a" + " " * 4000 + " b\n", encoding="utf-8")
    result = read_markdown(path)
    assert result.scan.title == "T"
    assert any("unknown section" in str(w) for w in result.warnings)
    assert split_title("# a" + " " * 4000 + "b") == ("a" + " " * 4000 + "b", "")
    assert section_name("## a" + " " * 4000 + "b ##") == "a" + " " * 4000 + "b"


def test_a_1_mb_cell_is_read(tmp_path: Path) -> None:
    path = tmp_path / SOURCE.name
    path.write_text(SOURCE.read_text(encoding="utf-8").replace("Researchers are quantifying", "x" * 1_000_000, 1),
                    encoding="utf-8")
    result = read_markdown(path)
    assert any(len(signal.description or "") > 1_000_000 for signal in result.scan.signals)


def test_a_scan_of_16000_rows_is_refused_with_the_limit_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # bug: one scan of 16k rows took 227 s and 1.44 GB (rows are linked pairwise)
    monkeypatch.setenv("FORESIGHT_MAX_SCAN_BYTES", "20000000")
    text = SOURCE.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| Measured"))
    path = tmp_path / SOURCE.name
    path.write_text(text.replace(row, "\n".join([row] * 16000)), encoding="utf-8")
    with pytest.raises(ScanFormatError, match=r"16,0\d\d table rows, more than the 1,000 .*FORESIGHT_MAX_SCAN_ROWS"):
        read_scan(path)
    monkeypatch.setenv("FORESIGHT_MAX_SCAN_ROWS", "20000")
    assert read_scan(path).rows > 16000


def test_a_file_bigger_than_the_limit_is_refused_before_it_is_read(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORESIGHT_MAX_SCAN_BYTES", "1000")
    with pytest.raises(ScanFormatError, match=r"more than the 1,000 a scan may have .*FORESIGHT_MAX_SCAN_BYTES"):
        read_scan(SOURCE)


def test_a_6_gb_file_in_the_folder_is_refused_without_being_read(tmp_path: Path) -> None:
    # bug: a 6 GB file in the folder crashed the run
    from foresight.ingest import ingest
    from foresight.store import open_store

    huge = tmp_path / "huge.md"
    with huge.open("wb") as handle:
        handle.truncate(6 * 1024**3)  # sparse: 6 GB long, nothing on disk
    (tmp_path / SOURCE.name).write_bytes(SOURCE.read_bytes())
    with open_store("memory:") as store:
        report = ingest(store, [tmp_path])
    assert report.written == 1 and len(report.errors) == 1
    assert str(report.errors[0]).startswith(f"{huge}: 6,442,450,944 bytes, more than the 5,000,000")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_refused_not_waited_on(tmp_path: Path) -> None:
    # bug: a FIFO named on the command line hung the run
    pipe = tmp_path / "scan.md"
    os.mkfifo(pipe)
    with pytest.raises(ScanFormatError, match="not a regular file"):
        read_scan(pipe)
