"""The YAML reader: the example scan, its links, and mistakes reported with lines."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from foresight.errors import ScanFormatError
from foresight.model import ItemKind
from foresight.readers.yaml import read_yaml
from tests.conftest import EXAMPLES

YAML_SCAN = EXAMPLES / "oversight-board-review.yaml"


def test_example_yaml_scan() -> None:
    result = read_yaml(YAML_SCAN)
    scan = result.scan
    assert scan.id.startswith("oversight-board-review-")  # the YAML id, and a digest of the content
    assert scan.page_date == date(2026, 5, 10)
    assert len(scan.signals) == 3
    assert [len(scan.items_of(kind)) for kind in ItemKind] == [2, 3, 3, 3]
    assert len(scan.closest) == 5
    assert result.warnings == []


def test_links_resolve_to_rows_of_the_scan() -> None:
    links = read_yaml(YAML_SCAN).scan.links
    assert len(links) == 7
    assert {link.relation for link in links} == {"drives", "enables", "raises", "mitigates", "relatedTo"}
    first = links[0]
    assert (first.source, first.relation, first.target) == (
        "technology:Live Facial Recognition", "enables", "behavior:Deployment Near Assemblies")
    assert first.note


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bad_links_and_fields_are_reported_with_lines(tmp_path: Path) -> None:
    path = _write(tmp_path, """title: T
url: https://example.org/t
page_date: 2025-02-03
colour: red
behaviors:
  - name: Hiding
issues:
  - name: Fear
    relevancy: 7
links:
  - {from: Hiding, relation: causes, to: Fear}
  - {from: Nothing, relation: raises, to: Fear}
  - {from: Hiding, relation: raises, to: Fear}
""")
    result = read_yaml(path)
    found = [(w.line, w.message) for w in result.warnings]
    assert (4, "scan: unknown field 'colour', ignored") in found
    assert any(line == 9 and "outside 1-5" in message for line, message in found)
    assert any(line == 11 and "unknown relation 'causes'" in message for line, message in found)
    assert any(line == 12 and "names no row" in message for line, message in found)
    assert [(link.source, link.target) for link in result.scan.links] == [("behavior:Hiding", "issue:Fear")]


def test_ambiguous_link_end_needs_a_kind(tmp_path: Path) -> None:
    path = _write(tmp_path, """title: T
signals: [{name: Drift}]
issues: [{name: Drift}]
links:
  - {from: Drift, relation: relatedTo, to: "issue:Drift"}
  - {from: "signal:Drift", relation: relatedTo, to: "issue:Drift"}
""")
    result = read_yaml(path)
    assert any(w.line == 5 and "ambiguous" in w.message for w in result.warnings)
    assert [(link.source, link.target) for link in result.scan.links] == [("signal:Drift", "issue:Drift")]


def test_shift_can_be_given_as_from_and_to(tmp_path: Path) -> None:
    path = _write(tmp_path, "title: T\nsignals:\n  - name: S\n    shift: {from: paper, to: screens}\n")
    change = read_yaml(path).scan.signals[0].change
    assert change is not None and (change.from_state, change.to_state) == ("paper", "screens")


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("title: [unclosed\n", 2, "invalid YAML"),
        ("- just\n- a list\n", 1, "a YAML scan is a mapping"),
        ("summary: no title\n", 1, "no 'title'"),
    ],
)
def test_invalid_yaml_is_one_clear_error(tmp_path: Path, text: str, line: int, reason: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ScanFormatError) as caught:
        read_yaml(path)
    assert caught.value.line == line
    assert reason in str(caught.value)


def _laughs(levels: int) -> str:
    lines = ["title: laughs", "url: https://example.org/laughs", 'a0: &a0 ["lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, levels + 1)]
    return "\n".join([*lines, f"keywords: *a{levels}"]) + "\n"


def test_a_billion_laughs_is_refused_at_the_alias_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # bug: a billion-laughs YAML hit MemoryError
    path = tmp_path / "laughs.yaml"
    path.write_text(_laughs(9), encoding="utf-8")  # 5 * 10**9 values from 91 aliases
    with pytest.raises(ScanFormatError, match=r"laughs.yaml:9: more than 50 YAML aliases .*FORESIGHT_MAX_YAML_ALIASES"):
        read_yaml(path)
    monkeypatch.setenv("FORESIGHT_MAX_YAML_ALIASES", "1000")
    result = read_yaml(path)  # allowed, the aliases stay shared: nothing is expanded
    assert result.scan.keywords == ()
    assert any("'keywords' should be a list of texts" in warning.message for warning in result.warnings)


def test_nesting_is_bounded_and_the_bound_can_be_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("title: deep\nextra: " + "[" * 60 + "]" * 60 + "\n", encoding="utf-8")
    with pytest.raises(ScanFormatError, match=r"deep.yaml:2: YAML nested more than 50 deep.*FORESIGHT_MAX_YAML_DEPTH"):
        read_yaml(path)
    monkeypatch.setenv("FORESIGHT_MAX_YAML_DEPTH", "100")
    assert any("unknown field 'extra'" in w.message for w in read_yaml(path).warnings)
