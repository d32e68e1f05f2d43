"""The plain-rdflib baseline store runs the same pipeline as the embedded store, with the same answers."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from foresight.derived.concepts import refresh_concepts
from foresight.ingest import ingest
from foresight.resources import saved_queries
from foresight.store import open_store
from foresight.store.base import Store
from tests.conftest import EXAMPLES


@pytest.fixture(scope="module")
def both() -> Iterator[tuple[Store, Store]]:
    with open_store("memory:") as embedded, open_store("rdflib:") as baseline:
        for store in (embedded, baseline):
            assert ingest(store, [EXAMPLES]).written == 10
            refresh_concepts(store)
        yield embedded, baseline


def _rows(store: Store, text: str) -> list[tuple[Any, ...]]:
    def normal(value: Any) -> Any:  # rdflib keeps a decimal's lexical form ("1.000"), Oxigraph its value
        return round(float(value), 6) if isinstance(value, float | Decimal) else value

    return sorted((tuple(normal(value) for value in row) for row in store.select(text).values()), key=repr)


def test_the_same_graphs(both: tuple[Store, Store]) -> None:
    embedded, baseline = both
    assert embedded.digests() == baseline.digests()
    assert embedded.graph_names() == baseline.graph_names()
    assert embedded.triple_count() == baseline.triple_count() > 5000


@pytest.mark.parametrize("name", sorted(saved_queries()))
def test_saved_queries_agree(both: tuple[Store, Store], name: str) -> None:
    embedded, baseline = both
    text = saved_queries()[name].read_text(encoding="utf-8")
    assert _rows(embedded, text) == _rows(baseline, text)
