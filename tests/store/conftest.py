"""A real SPARQL server for the store tests: the Virtuoso that .ci/run starts on loopback.

Tests that need it take the ``endpoint`` fixture. Without ``FORESIGHT_TEST_SPARQL`` they
skip, saying why, except under CI, where a missing server is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from foresight.store.config import Endpoint
from foresight.store.sparql import SparqlStore


def _endpoint(upload: str = "update") -> Endpoint:
    url = os.environ.get("FORESIGHT_TEST_SPARQL")
    if not url:
        reason = "no SPARQL server: set FORESIGHT_TEST_SPARQL (.ci/run starts Virtuoso with .ci/virtuoso); skipping"
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but FORESIGHT_TEST_SPARQL is not set: .ci/run should have started Virtuoso")
        print(reason)
        pytest.skip(reason)
    return Endpoint(query=url, gsp=os.environ.get("FORESIGHT_TEST_SPARQL_GSP"),
                    user=os.environ.get("FORESIGHT_TEST_SPARQL_USER"),
                    password=os.environ.get("FORESIGHT_TEST_SPARQL_PASSWORD"),
                    auth=os.environ.get("FORESIGHT_TEST_SPARQL_AUTH", "digest"), upload=upload)


def clear(store: SparqlStore) -> None:
    """Drop every graph foresight wrote on the server (and only those)."""
    store.replace_graphs(sorted(store.graph_names()), "")
    assert not store.graph_names()


@pytest.fixture(scope="session")
def endpoint() -> Endpoint:
    return _endpoint()


@pytest.fixture(scope="session", autouse=True)
def _cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Remote stores keep their local cache in a temporary folder, not the user's home."""
    folder = tmp_path_factory.mktemp("foresight-cache")
    previous = os.environ.get("FORESIGHT_CACHE_DIR")
    os.environ["FORESIGHT_CACHE_DIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("FORESIGHT_CACHE_DIR", None)
    else:
        os.environ["FORESIGHT_CACHE_DIR"] = previous


@pytest.fixture
def remote(endpoint: Endpoint) -> Iterator[SparqlStore]:
    """The server, emptied of foresight's graphs."""
    store = SparqlStore(endpoint)
    clear(store)
    yield store
    store.close()

