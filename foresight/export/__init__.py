"""Exporters, looked up by format name.

RDF formats come from the store itself (``turtle``, ``trig``, ``nquads``, ``nt``,
``jsonld``, ``xml``); query results have their own writers in :mod:`.results`.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import IO

from foresight.errors import PluginNotFoundError, StoreError
from foresight.store.base import EXPORT_FORMATS, Store

FILE_EXTENSIONS = {"turtle": ".ttl", "trig": ".trig", "nquads": ".nq", "nt": ".nt", "jsonld": ".jsonld",
                   "xml": ".rdf"}


def check_format(fmt: str) -> str:
    """The format name if foresight can export it.

    Raises:
        PluginNotFoundError: no exporter has that name.
    """
    if fmt not in EXPORT_FORMATS:
        raise PluginNotFoundError(f"no exporter registered for {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
    return fmt


def export(store: Store, fmt: str, output: str | Path | IO[bytes]) -> None:
    """Write the store's dataset in ``fmt`` to a file path or binary stream.

    Writing to a path goes through a temporary file renamed at the end, so an
    interrupted export never leaves half a file behind.
    """
    check_format(fmt)
    if not isinstance(output, (str, Path)):
        store.dump(output, fmt)
        return
    target = Path(output)
    if target.parent and not target.parent.exists():
        raise StoreError(f"{target}: the folder {target.parent} does not exist")
    handle, temporary = tempfile.mkstemp(dir=target.parent or Path("."), prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            store.dump(stream, fmt)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
