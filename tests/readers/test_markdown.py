"""The markdown reader on the real corpus and on its known traps."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from foresight.errors import ScanFormatError
from foresight.model import ItemKind, corpus_id
from foresight.readers.markdown import read_markdown
from tests.conftest import SCANS, SEED, need_corpus


def _scan(name: str):  # type: ignore[no-untyped-def]
    need_corpus()
    return read_markdown(SCANS / name)


def test_seed_scan_has_every_part() -> None:
    need_corpus()
    result = read_markdown(SEED)
    scan = result.scan
    assert scan.title.startswith("Argentina's AI Security Unit")
    assert scan.page_date == date(2024, 9, 1)
    assert scan.page_id == "20240901"
    assert scan.url is not None and scan.url.startswith("https://www.theguardian.com/world/article/2024/aug/01/")
    assert len(scan.signals) == 5
    assert all(s.driving_force and s.outlook and s.change for s in scan.signals)
    assert [len(scan.items_of(kind)) for kind in ItemKind] == [0, 7, 5, 7]
    assert scan.keywords == ("Argentina", "Javier Milei", "surveillance", "facial recognition", "security forces")
    assert scan.themes == ("artificial intelligence", "crime prediction", "human rights")
    assert (scan.category, scan.scan_type) == ("politics", "news")
    assert result.warnings == []


def test_shift_is_split_into_from_and_to_states() -> None:
    need_corpus()
    signal = read_markdown(SEED).scan.signals[0]
    assert signal.change is not None
    assert signal.change.from_state == "traditional policing"
    assert signal.change.to_state == "data-driven crime prediction methods"


def test_corpus_id_is_md5_of_the_external_link() -> None:
    scan = _scan("5aeb9641eb6b5fc2822af63965423717.md").scan
    assert scan.corpus_id == "5aeb9641eb6b5fc2822af63965423717" == corpus_id(scan.url or "")


def test_old_layout_reads_signals_and_closest() -> None:
    scan = _scan("1_5aeb9641eb6b5fc2822af63965423717.md").scan
    assert scan.page_date == date(2024, 9, 1)
    assert len(scan.signals) == 1
    signal = scan.signals[0]
    assert signal.name == "Argentina plans to use AI for crime prediction"
    assert signal.driving_force == "Far-right government's agenda to tackle crime"
    assert signal.outlook == "AI integration in crime prevention"
    assert signal.change is not None and signal.change.to_state == "AI crime prediction"
    assert signal.relevancy is None
    assert len(scan.closest) == 5
    assert len(scan.keywords) == 10


def test_impossible_page_date_is_a_warning() -> None:
    result = _scan("001b195bbddec8fb0193b668a70aa883.md")
    assert result.scan.page_date is None
    assert result.scan.page_id == "20290911"
    assert any(w.line == 1 and "2029-09-11" in w.message for w in result.warnings)


def test_page_date_with_d_suffix() -> None:
    scan = _scan("9b642aee67b2341d5b1597cbf199fa56.md").scan
    assert scan.page_id == "20250323d"
    assert scan.page_date == date(2025, 3, 23)


def test_pipe_inside_cell_keeps_row() -> None:
    result = _scan("78cbf4c846d2549699dc09df3ae30ad4.md")
    names = [s.name for s in result.scan.signals]
    assert len(names) == 5
    first = result.scan.signals[0]
    assert first.description == "Archives of PoC||GTFO indicate a growing focus on preserving digital culture."
    assert first.relevancy == 4
    assert sum("recovered" in w.message for w in result.warnings) == 4


def test_broken_generator_row_is_reported_with_its_line() -> None:
    result = _scan("cd4f6f65b2486d56699138cd2270044d.md")
    broken = [w for w in result.warnings if "broken generator row" in w.message]
    assert [(w.line, w.message.split(":")[0]) for w in broken] == [(45, "Signals")]
    assert "Reconceptualization of Risk Assessment" not in [s.name for s in result.scan.signals]
    assert result.skipped_rows == 1


def test_row_split_in_two_by_the_generator_is_joined() -> None:
    result = _scan("9c40a9b5a4dad7aac779378af2e76969.md")
    behaviors = result.scan.items_of(ItemKind.BEHAVIOR)
    joined = [b for b in behaviors if b.name == "Cultural commentary on technology"]
    assert len(joined) == 1
    assert joined[0].description is not None and joined[0].description.startswith("The coining of derogatory")
    assert "description" not in [b.name for b in behaviors]


def test_technologies_without_name_column_get_a_label() -> None:
    need_corpus()
    technologies = read_markdown(SEED).scan.items_of(ItemKind.TECHNOLOGY)
    assert all(t.name is None and t.description for t in technologies)
    assert technologies[0].label.startswith("Using AI and machine-learning")
    assert [t.relevancy for t in technologies] == [5, 5, 4, 4, 4]


def test_french_scan_and_long_link() -> None:
    scan = _scan("da98601c0f6c1c94ef66d98bc8806aca.md").scan
    assert "Intelligence Artificielle" in scan.title
    assert scan.url is not None and len(scan.url) == 421
    assert scan.corpus_id == "da98601c0f6c1c94ef66d98bc8806aca"


@pytest.mark.parametrize("path", sorted(SCANS.glob("*.md")) if SCANS.is_dir() else [], ids=lambda p: p.name)
def test_every_corpus_table_row_is_read_or_reported(path: Path) -> None:
    result = read_markdown(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    table_rows = sum(1 for line in lines if line.startswith("|")) - 2 * sum(
        1 for i, line in enumerate(lines) if line.startswith("|") and i + 1 < len(lines)
        and lines[i + 1].startswith("|:")
    )
    assert result.rows + result.skipped_rows == table_rows


def _write(tmp_path: Path, text: str, name: str = "scan.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


HEADER = "# __A test scan__, (from page [20250101](https://kghosh.substack.com/p/20250101).)\n\n" \
         "__[External link](https://example.org/a)__\n\n"


def test_unknown_section_and_column_are_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER + "## Wildcards\n\n* x\n\n## Issues\n\n| name | description | colour |\n"
                  "|:--|:--|:--|\n| Drift | Something drifts | red |\n")
    result = read_markdown(path)
    messages = [(w.line, w.message) for w in result.warnings]
    assert (5, "unknown section 'Wildcards', ignored") in messages
    assert (11, "Issues: unknown column 'colour', ignored") in messages
    assert [i.name for i in result.scan.items] == ["Drift"]


def test_truncated_table_row_is_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER + "## Issues\n\n| name | description | relevancy |\n|:--|:--|--:|\n"
                  "| Drift | Something drifts | 4 |\n| Cut | off here")
    result = read_markdown(path)
    assert [i.name for i in result.scan.items] == ["Drift"]
    assert any(w.line == 10 and "truncated row" in w.message for w in result.warnings)


def test_pipe_without_spaces_is_recovered(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER + "## Issues\n\n| name | description |\n|:--|:--|\n| A||B | C |\n")
    result = read_markdown(path)
    assert [(i.name, i.description) for i in result.scan.items] == [("A||B", "C")]


def test_pipe_that_cannot_be_placed_is_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER + "## Issues\n\n| name | description |\n|:--|:--|\n| A | B | C |\n| D | E |\n")
    result = read_markdown(path)
    assert [i.name for i in result.scan.items] == ["D"]
    assert any(w.line == 9 and "cannot be split safely" in w.message for w in result.warnings)


def test_relevancy_outside_range_is_left_out(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER + "## Issues\n\n| name | description | relevancy |\n|:--|:--|--:|\n"
                  "| A | a | 9 |\n| B | b | nan |\n| C | c |  |\n| D | d | 3.0 |\n")
    result = read_markdown(path)
    assert [i.relevancy for i in result.scan.items] == [None, None, None, 3]
    assert [w.line for w in result.warnings] == [9]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        ("# __Caf\u00e9__\n".encode("latin-1"), "not UTF-8"),
        (b"just some text\n", "no title line"),
    ],
)
def test_unreadable_files_raise_one_clear_error(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.md"
    path.write_bytes(content)
    with pytest.raises(ScanFormatError) as caught:
        read_markdown(path)
    assert str(caught.value).startswith(str(path))
    assert reason in str(caught.value)


@pytest.mark.parametrize("separator", ["\x0c", "\u2028", "\x1c", "\x85"], ids=["form-feed", "u2028", "fs", "nel"])
def test_a_line_separator_inside_a_cell_drops_no_row_and_shifts_no_line(tmp_path: Path, separator: str) -> None:
    from tests.conftest import EXAMPLES

    source = EXAMPLES / "1328adec02ad8e20036bac1cfd123475.md"
    text = source.read_text(encoding="utf-8")
    target = tmp_path / source.name
    target.write_text(text.replace("Researchers are quantifying", f"Researchers{separator} are quantifying", 1),
                      encoding="utf-8")
    before, after = read_markdown(source), read_markdown(target)
    assert after.rows == before.rows and after.skipped_rows == before.skipped_rows
    def lines(scan):  # type: ignore[no-untyped-def]
        return {item.label: item.line for item in scan.items} | {signal.name: signal.line for signal in scan.signals}

    assert lines(after.scan) == lines(before.scan)


def test_control_characters_are_removed_with_a_warning(tmp_path: Path) -> None:
    from tests.conftest import EXAMPLES

    source = EXAMPLES / "1328adec02ad8e20036bac1cfd123475.md"
    target = tmp_path / source.name
    target.write_text(source.read_text(encoding="utf-8").replace("Measured Chilling", "Measured\x1b[2J\x07 Chilling"),
                      encoding="utf-8")
    result = read_markdown(target)
    assert any(signal.name == "Measured[2J Chilling Effects" for signal in result.scan.signals)
    assert any("control character(s)" in str(warning) for warning in result.warnings)


def test_a_second_signals_section_is_left_out_not_read_as_rows(tmp_path: Path) -> None:
    # bug: a second "## Signals" turned its header and |:--| lines into signals named "name" and ":--"
    from tests.conftest import EXAMPLES

    source = EXAMPLES / "1328adec02ad8e20036bac1cfd123475.md"
    text = source.read_text(encoding="utf-8")
    start = text.index("## Signals")
    section = text[start:text.index("## Concerns")]
    target = tmp_path / source.name
    target.write_text(text + "\n" + section, encoding="utf-8")
    before, after = read_markdown(source), read_markdown(target)
    assert [s.name for s in after.scan.signals] == [s.name for s in before.scan.signals]
    assert not {"name", ":--"} & {s.name for s in after.scan.signals}
    assert any("appears a second time; this one is left out" in str(w) for w in after.warnings)


def _with_keywords(tmp_path: Path, entries: list[str]) -> Path:
    path = tmp_path / "k.md"
    path.write_text("# __Spelled__, (from page [20250101](https://kghosh.substack.com/p/20250101).)\n\n"
                    "__[External link](https://example.org/spelled)__\n\n## Keywords\n\n"
                    + "\n".join(f"* {entry}" for entry in entries) + "\n\n## Themes\n\n* spelling\n",
                    encoding="utf-8")
    return path


def test_a_list_spelled_one_character_per_entry_is_joined_and_split_at_commas(tmp_path: Path) -> None:
    result = read_markdown(_with_keywords(tmp_path, list("C++, wage theft,  AI")))
    assert result.scan.keywords == ("C++", "wage theft", "AI")
    (warning,) = result.warnings
    assert (warning.line, warning.message) == (7, "Keywords: listed one character per line; read as 3 "
                                                  "comma-separated entries")


def test_single_letter_keywords_that_spell_nothing_stay_as_they_are(tmp_path: Path) -> None:
    result = read_markdown(_with_keywords(tmp_path, ["C", "R", "D", "Go"]))
    assert result.scan.keywords == ("C", "R", "D", "Go") and result.warnings == []
    result = read_markdown(_with_keywords(tmp_path, ["C", "R", "D", "F"]))  # no comma or space: four languages
    assert result.scan.keywords == ("C", "R", "D", "F") and result.warnings == []
