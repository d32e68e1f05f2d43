"""The wheel holds every subpackage: pyproject.toml lists packages by hand (the ontology is mapped in from the
top of the repository), so a new subpackage left off the list would import from a checkout but not once installed."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_subpackage_is_in_the_wheel() -> None:
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts) for init in (ROOT / "foresight").rglob("__init__.py")
    }
    assert on_disk, "no packages found under foresight/"
    missing = sorted(on_disk - listed)
    assert not missing, f"subpackages missing from [tool.setuptools] packages in pyproject.toml: {missing}"
    assert "foresight.ontology" in listed
