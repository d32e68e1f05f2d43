"""Timeline charts: drawn on a figure of their own, the user's matplotlib backend left as it was."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import matplotlib
import pytest

from foresight.analysis.timeline import chart
from foresight.errors import ForesightError

SERIES = {"Live Facial Recognition": [("2024-11", 2), ("2025-01", 1)], "Drones": [("2024-12", 3)]}


@pytest.fixture
def pdf_backend() -> Iterator[None]:
    """The pdf backend chosen, as a user would (not Agg, so a switch to Agg would show); restored after."""
    previous = matplotlib.rcParams["backend"]
    matplotlib.use("pdf")
    yield
    matplotlib.use(previous)


@pytest.mark.parametrize("name", ["chart.png", "chart.svg"])
@pytest.mark.usefixtures("pdf_backend")
def test_chart_keeps_the_users_backend(tmp_path: Path, name: str) -> None:
    written = chart(SERIES, tmp_path / name, title="scans per month")
    assert matplotlib.get_backend() == "pdf"
    assert written.stat().st_size > 0
    if name.endswith(".png"):
        assert written.read_bytes().startswith(b"\x89PNG")
    else:
        assert "<svg" in written.read_text(encoding="utf-8")


def test_chart_needs_no_pyplot(tmp_path: Path) -> None:
    # pyplot keeps global figures and settles on a backend when imported: a chart needs neither (a fresh
    # process, since reading the backend setting, as the test above does, imports pyplot)
    code = ("import sys; from foresight.analysis.timeline import chart; "
            f"chart({{'Drones': [('2024-12', 3)]}}, {str(tmp_path / 'one.svg')!r}); "
            "print('matplotlib.pyplot' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
    assert (tmp_path / "one.svg").stat().st_size > 0


def test_chart_is_png_or_svg(tmp_path: Path) -> None:
    with pytest.raises(ForesightError, match=r"\.png or \.svg"):
        chart(SERIES, tmp_path / "chart.pdf")
