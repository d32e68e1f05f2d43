"""The examples in the docstrings run, and give what they show."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import foresight
from tests.conftest import ROOT

MODULES = ["foresight", *sorted(
    info.name for info in pkgutil.walk_packages(foresight.__path__, prefix="foresight.")
    if not info.name.endswith("__main__")
)]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # examples name the bundled data/ by its path in the project
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed"
