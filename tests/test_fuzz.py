"""Fuzzing ingest with mutated real scans: every file is stored, warned about or refused on its own.

Hypothesis mutates the real scans of ``../shared/corpus/scans`` and the examples (read in place) and hands each
mutant to :func:`foresight.ingest.ingest` beside an untouched scan. Whatever the mutant holds, the run must end
normally, the untouched scan must be stored, and anything said about the mutant must be a
:class:`~foresight.errors.ForesightError` naming its file. The budget is fixed for CI
(``FORESIGHT_FUZZ_EXAMPLES``, 120 by default, the same examples every run); for a long run, raise it and set
``FORESIGHT_FUZZ_RANDOM=1`` for fresh examples.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foresight.errors import ForesightError
from foresight.ingest import ingest
from foresight.store import open_store
from tests.conftest import EXAMPLES, SCANS, scan_node

BUDGET = int(os.environ.get("FORESIGHT_FUZZ_EXAMPLES", "120"))
ANCHOR = EXAMPLES / "22cf86c375f090ade13d41dc0601c1de.md"


def _seeds() -> list[Path]:
    found = sorted(p for p in EXAMPLES.iterdir() if p.suffix in (".md", ".yaml") and p != ANCHOR)
    if SCANS.is_dir():
        found += sorted(SCANS.glob("*.md"))[:12]
    else:
        print(f"the scan corpus is not at {SCANS}; fuzzing the examples only")
    return found


SEEDS = _seeds()

# what scans have broken foresight with: numbers, separators, escapes, markup and YAML structure
_NASTY = st.sampled_from([
    "inf", "-inf", "nan", "1e999", "9" * 400, "0x1F", "|", "||", "|:--|", "\n## Signals\n", "\n## Issues\n",
    "\x0c", "\u2028", "\u2029", "\x85", "\x1b[2J", "\x1b]0;title\x07", "\x00", "\ufeff", "\r", "\t", "%zz",
    "http://example.org/a%zz", "<script>", "\"", "\\", "{", "}", "[", "]", "&a [*a, *a]", "!!python/object:x",
    ".inf", "2026-05-10 12:30:00", "~", "---\n", "? ", ": ", "- ", "#", "__", "**", "[x](y)", "é", "你好", "🙂",
])
_TEXT = st.one_of(_NASTY, st.text(max_size=60), st.text(alphabet=st.characters(codec="utf-8"), max_size=30))


@st.composite
def mutants(draw: st.DrawFn) -> tuple[str, bytes]:
    seed = draw(st.sampled_from(SEEDS))
    text = seed.read_text(encoding="utf-8")
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        position = draw(st.integers(min_value=0, max_value=len(text)))
        action = draw(st.sampled_from(["insert", "delete", "duplicate", "replace-number"]))
        if action == "insert":
            text = text[:position] + draw(_TEXT) + text[position:]
        elif action == "delete":
            text = text[:position] + text[position + draw(st.integers(min_value=1, max_value=200)):]
        elif action == "duplicate":
            span = text[position:position + draw(st.integers(min_value=1, max_value=400))]
            text = text[:position] + span + span + text[position:]
        else:
            digit = next((i for i in range(position, len(text)) if text[i].isdigit()), None)
            if digit is not None:
                text = text[:digit] + draw(_NASTY) + text[digit + 1:]
    data = text.encode("utf-8", errors="surrogatepass")
    if draw(st.booleans()) and data:  # sometimes not even UTF-8
        cut = draw(st.integers(min_value=0, max_value=len(data) - 1))
        data = data[:cut] + bytes([draw(st.integers(min_value=0x80, max_value=0xFF))]) + data[cut:]
    return seed.suffix, data


@settings(max_examples=BUDGET, deadline=None, derandomize="FORESIGHT_FUZZ_RANDOM" not in os.environ,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(mutant=mutants())
def test_a_mutated_scan_is_stored_warned_or_refused_alone(tmp_path_factory: pytest.TempPathFactory,
                                                          mutant: tuple[str, bytes]) -> None:
    suffix, data = mutant
    folder = tmp_path_factory.mktemp("fuzz")
    bad = folder / f"mutant{suffix}"
    bad.write_bytes(data)
    with open_store("memory:") as store:
        report = ingest(store, [ANCHOR, bad])  # must not raise, whatever the mutant holds
        assert report.files == 2
        assert report.written + report.unchanged + report.failed == 2
        assert scan_node(ANCHOR, graph=True) in store.scan_digests()
        for error in report.errors:
            assert isinstance(error, ForesightError) and str(error).startswith(str(bad))
        for warning in report.warnings:
            assert str(warning).startswith((str(bad), str(ANCHOR)))
        buffer = io.BytesIO()
        store.dump(buffer, "nquads")  # what was stored can be exported
