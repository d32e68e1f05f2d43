"""Stores, looked up by the form of the location the user gives.

* a directory path (the default ``.foresight/store`` under the current directory):
  an embedded Oxigraph store on disk;
* ``memory:``: an in-memory Oxigraph store (tests, notebooks);
* ``rdflib:``: an in-memory rdflib Dataset with rdflib's own SPARQL engine (the
  baseline foresight is measured against; slow beyond small graphs);
* an ``http(s)://`` SPARQL endpoint, or the name of one in the config file: a
  remote server (Virtuoso, GraphDB, Fuseki, Neptune; see :mod:`foresight.store.config`).

The location comes from ``--store``, else the ``FORESIGHT_STORE`` environment
variable, else the default.
"""

from __future__ import annotations

import os
from pathlib import Path

from foresight.errors import PluginNotFoundError
from foresight.store.base import SelectResult, Store

__all__ = ["DEFAULT_STORE", "SelectResult", "Store", "open_store", "store_location"]

DEFAULT_STORE = Path(".foresight") / "store"


def store_location(location: str | Path | None = None) -> str:
    """The store location to use: the one given, else ``$FORESIGHT_STORE``, else the default."""
    if location:
        return str(location)
    return os.environ.get("FORESIGHT_STORE") or str(DEFAULT_STORE)


def open_store(location: str | Path | None = None, *, read_only: bool = False) -> Store:
    """Open the store at ``location`` (see :func:`store_location`).

    Args:
        location: a directory, ``memory:``, an http(s) SPARQL endpoint, a store named in the
            config file, or ``None`` for the configured default.
        read_only: open for reading only; fails clearly when no store exists yet.

    Raises:
        StoreError: the store cannot be opened.
        PluginNotFoundError: the location names a kind of store foresight lacks.
    """
    spec = store_location(location)
    if spec == "rdflib:":
        from foresight.store.rdflibstore import RdflibStore

        return RdflibStore()
    if spec in {"memory:", ":memory:"}:
        from foresight.store.oxigraph import OxigraphStore

        return OxigraphStore(None)
    from foresight.store.config import resolve

    endpoint = resolve(spec)
    if endpoint is not None:
        from foresight.store.sparql import SparqlStore

        return SparqlStore(endpoint)
    if "://" in spec:
        scheme = spec.split("://", 1)[0]
        raise PluginNotFoundError(
            f"no store registered for {scheme}:// locations; use a directory, 'memory:' or an http(s) SPARQL endpoint"
        )
    from foresight.store.oxigraph import OxigraphStore

    return OxigraphStore(spec, read_only=read_only)
