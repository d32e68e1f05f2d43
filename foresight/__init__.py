"""Turn horizon-scanning signal scans into an ontology-backed policy-foresight knowledge graph.

The layers, from the bottom up, are listed in ``docs/architecture.md``: readers turn
scan files into the domain model (:mod:`foresight.model`), :mod:`foresight.mapping`
turns that into RDF for a store (:mod:`foresight.store`), :mod:`foresight.derived`
keeps what is computed from the store, :mod:`foresight.analysis` answers questions
over it and :mod:`foresight.export` writes it out. :mod:`foresight.cli` is the
command line on top.

Importing this package imports nothing else, so that ``foresight --help`` stays fast:
``__version__`` is read from the installed package's metadata when first asked for.

>>> import foresight
>>> isinstance(foresight.__version__, str)
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    __version__: str


def __getattr__(name: str) -> str:
    # importlib.metadata pulls in email, zipfile and csv (about 20 ms): only when asked.
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version(__name__)
    except PackageNotFoundError:  # run from a source tree that was never installed
        found = "0+unknown"
    globals()["__version__"] = found
    return found
