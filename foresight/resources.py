"""Where the ontology, the SHACL shapes and the saved queries are found.

They live in ``ontology/`` at the top of the repository, installed as the
``foresight.ontology`` package so that an installed foresight carries them.
"""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path


def _file(name: str) -> Path:
    return Path(str(resources.files("foresight.ontology").joinpath(name)))


def ontology_path() -> Path:
    """The foresight ontology (``ontology/foresight.ttl``)."""
    return _file("foresight.ttl")


def shapes_path() -> Path:
    """The SHACL shapes for what the mapping produces (``ontology/shapes.ttl``)."""
    return _file("shapes.ttl")


def saved_queries() -> dict[str, Path]:
    """The cookbook queries in ``ontology/queries/``, by name (file name without ``.rq``)."""
    folder = _file("queries")
    return {path.stem: path for path in sorted(folder.glob("*.rq"))}


def ontology_text() -> tuple[str, str]:
    """The ontology's Turtle text and its digest."""
    data = ontology_path().read_bytes()
    return data.decode("utf-8"), hashlib.sha256(data).hexdigest()
