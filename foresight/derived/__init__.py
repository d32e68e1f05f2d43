"""Everything computed from the store, with one owner: the row graph, concepts, concept graph, indexes.

:func:`views` gives the :class:`Views` of a store under a curator's overrides. They
are held by the store object (never in a module global, never inside a graph handed
to a user) and checked against the store's generation, which every write changes
(:meth:`~foresight.store.base.Store.generation`): nothing else invalidates anything.

On disk, in ``derived/`` in the store's cache folder (``<store>.cache/derived`` beside
an embedded store):

* ``pieces.sqlite``: each scan graph's projection piece (see
  :mod:`foresight.derived.projection`), so the row graph need not be read back;
* ``rows.sqlite`` and ``concepts.sqlite``: the index of the row graph and of the
  concept graph (:mod:`foresight.derived.index`), with the concepts themselves, the
  names, the texts for search and the adjacency for pathways;
* ``embeddings.sqlite``: sentence vectors (:mod:`foresight.derived.embeddings`);
* ``results.sqlite``: analyses costly enough to keep (centrality), as JSON under the content key
  they were computed from (:meth:`Views.kept`).

All of it is data (SQLite, JSON, integer arrays), never code; each index is written
under a temporary name and renamed into place, so readers see the old one or the
new one. An index records the content it was built from (a digest of what each scan
graph says, the overrides and the versions in :mod:`foresight.versions`) and the
generation it was last found true at: a reader at the same generation trusts it at
once; at another, it compares the content key and rebuilds on a mismatch. The
concepts graph in the store carries the same key in its marker.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
from typing import TYPE_CHECKING

from foresight.derived.concepts import ConceptSet, Overrides, Vectors, build_concepts, overrides_key
from foresight.derived.embeddings import EmbeddingCache, encoder, mode
from foresight.derived.index import GraphIndex, build_index
from foresight.derived.projection import Piece, PieceCache, piece_hashes, project_store
from foresight.files import CacheTable
from foresight.versions import MERGER_VERSION, PROJECTION_VERSION

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

    import networkx as nx

    from foresight.store.base import Store

__all__ = ["LEVELS", "Views", "views"]

#: The graphs commands work on: each scan's own rows, or rows merged into concepts across scans.
LEVELS = ("rows", "concepts")


def _versions() -> str:
    """What the derived views are made by: the merger, the projection, and the matching mode (the semantic extra
    on or off merges differently). An index made by others is rebuilt, even at the store's generation."""
    return f"{MERGER_VERSION} {PROJECTION_VERSION} {mode()}"


def views(store: Store, overrides: Overrides | None = None) -> Views:
    """The derived views of ``store`` under ``overrides``, held by the store object."""
    rules = overrides or Overrides()
    held = store.memo.get("views")
    if not isinstance(held, Views) or held.rules_key != overrides_key(rules):
        held = Views(store, rules)
        store.memo["views"] = held
    return held


class Views:
    """What is derived from one store under one set of overrides; built on first use, then kept."""

    def __init__(self, store: Store, overrides: Overrides) -> None:
        self.store = store
        self.overrides = overrides
        self.rules_key = overrides_key(overrides)
        self._rules_digest = hashlib.sha256(self.rules_key.encode()).hexdigest()
        folder = store.cache_dir()
        self.folder = folder / "derived" if folder is not None else None
        self.pieces = PieceCache(self.folder / "pieces.sqlite" if self.folder is not None else None)
        self.embeddings = EmbeddingCache(self.folder / "embeddings.sqlite" if self.folder is not None else None)
        self.results = CacheTable(self.folder / "results.sqlite" if self.folder is not None else None, "results",
                                  "key TEXT PRIMARY KEY, data TEXT")
        self._generation: str | None = None
        self._key: str | None = None
        self._rows: nx.DiGraph[str] | None = None
        self._concepts: ConceptSet | None = None
        self._indexes: dict[str, GraphIndex] = {}
        self._previous: tuple[str, ConceptSet] | None = None
        self._hashed: tuple[str, dict[str, str], dict[str, str]] | None = None
        #: told (texts embedded, texts to embed) while texts are embedded: a command's progress bar
        self.embedding_progress: Callable[[int, int], None] | None = None

    # ----- freshness ----------------------------------------------------------------------------------

    def _check(self) -> str:
        """The store's generation; what this process derived is dropped when the store's content changed."""
        generation = self.store.generation().generation
        if generation != self._generation:
            self._generation = generation
            if self._rows is not None or self._concepts is not None or self._indexes:
                key = self._content_key()
                if key != self._key:
                    if self._concepts is not None and self._key is not None:
                        self._previous = (self._key, self._concepts)
                    self._rows = None
                    self._concepts = None
                    self._indexes = {}
                self._key = key
            else:
                self._key = None  # computed when asked: a fresh process may not need it
        return generation

    def content_key(self) -> str:
        """What the views are built from, as a digest: the versions, the overrides and what every scan graph says."""
        self._check()
        if self._key is None:
            self._key = self._content_key()
        return self._key

    def _content_key(self) -> str:
        return self.key_of(self.scan_state()[1])

    def scan_state(self) -> tuple[dict[str, str], dict[str, str]]:
        """The store's scan digests and their pieces' hashes, by graph IRI; kept for the generation they were
        read at (a content key and an addition in place read them once)."""
        generation = self.store.generation().generation
        if self._hashed is None or self._hashed[0] != generation:
            digests = self.store.scan_digests()
            self._hashed = (generation, digests, piece_hashes(self.store, self.pieces, digests))
        return self._hashed[1], self._hashed[2]

    def key_of(self, hashes: Mapping[str, str]) -> str:
        """The content key of scan graphs with these piece hashes (by graph IRI)."""
        # what the rows say (a digest of each scan graph's piece), not where they came from: the same
        # scans give the same key on any store, and a SPARQL update that changed rows changes it
        # the matching mode too: switching the semantic extra on or off merges differently
        state = hashlib.sha256(f"{_versions()}\n{self.rules_key}\n".encode())
        for graph, content in sorted(hashes.items()):
            state.update(f"{graph}\t{content}\n".encode())
        return state.hexdigest()

    # ----- the views ------------------------------------------------------------------------------------

    def rows(self) -> nx.DiGraph[str]:
        """The row graph (the projection of every scan graph); a copy the caller may change."""
        return self._rows_graph().copy()

    def _rows_graph(self) -> nx.DiGraph[str]:
        self._check()
        if self._rows is None:
            self._rows = project_store(self.store, self.pieces)
        return self._rows

    def concepts(self) -> ConceptSet:
        """The concepts of every row under the overrides."""
        self._check()
        if self._concepts is None:
            index = self._indexes.get("concepts") or self._open("concepts")
            if index is not None and index.key == self.content_key():  # the key covers the overrides
                self._concepts = index.concept_set()  # read back: several times faster than merging again
            else:
                self._concepts = build_concepts(self._rows_graph(), self.overrides, vectors=self.vectors())
        return self._concepts

    def rebuild_concepts(self) -> ConceptSet:
        """Merge the rows into concepts again, whatever is kept."""
        self._check()
        self._concepts = build_concepts(self._rows_graph(), self.overrides, vectors=self.vectors())
        return self._concepts

    def vectors(self) -> Vectors | None:
        """Sentence vectors of texts, kept beside the store; ``None`` when matching is lexical."""
        encode = encoder()
        if encode is None:
            return None
        return lambda texts: self.embeddings.vectors(texts, encode, self.embedding_progress)

    def kept(self, name: str, compute: Callable[[], Any]) -> Any:
        """What ``compute`` returns (JSON data) for the concepts of this content of the store, computed once and
        kept in ``results.sqlite`` under the content key and ``name`` (which says what, and with which
        parameters); results of any other content are dropped when a new one is kept. Kept results are read
        back as JSON: data, never code."""
        import json

        prefix = f"{self.index('concepts').key} "
        key = prefix + name
        with self.results.connection() as connection:
            row = connection.execute("SELECT data FROM results WHERE key = ?", (key,)).fetchone() \
                if connection else None
        if row is not None:
            return json.loads(row[0])
        value = compute()
        with self.results.connection() as connection:
            if connection:
                with connection:
                    connection.execute("DELETE FROM results WHERE substr(key, 1, ?) != ?", (len(prefix), prefix))
                    connection.execute("INSERT OR REPLACE INTO results VALUES (?, ?)", (key, json.dumps(value)))
        return value

    def graph(self, level: str) -> nx.DiGraph[str]:
        """The whole graph of a level (``rows`` or ``concepts``), for exports and the library."""
        return self.index(level).whole()

    def stored_concepts(self, key: str) -> ConceptSet | None:
        """The concepts built from content ``key``, if this process or the index on disk still holds them."""
        if self._previous is not None and self._previous[0] == key:
            return self._previous[1]
        if self._key == key and self._concepts is not None:
            return self._concepts
        index = self._open("concepts")
        if index is None or index.key != key:
            return None
        return index.concept_set()

    def index(self, level: str) -> GraphIndex:
        """The index of a level, built when missing or stale."""
        if level not in LEVELS:
            raise ValueError(f"no level {level!r}")
        generation = self._check()
        held = self._indexes.get(level)
        if held is not None:
            return held
        opened = self._open(level)
        if opened is not None:
            if (opened.meta("generation") == generation and opened.meta("rules") == self._rules_digest
                    and opened.meta("versions") == _versions() and self._key in (None, opened.key)):
                self._key = opened.key  # found true at this very generation
                self._indexes[level] = opened
                return opened
            if opened.key == self.content_key():
                self._mark(level, generation)
                self._indexes[level] = opened
                return opened
            opened.close()
        return self.build(level, generation)

    def _open(self, level: str) -> GraphIndex | None:
        if self.folder is None:
            return None
        return GraphIndex.open(self.folder / f"{level}.sqlite", level)

    def _mark(self, level: str, generation: str) -> None:
        """Record that the index on disk was found true at ``generation`` (the next reader trusts it at once)."""
        if self.folder is None:
            return
        with contextlib.suppress(sqlite3.Error, OSError):
            connection = sqlite3.connect(str(self.folder / f"{level}.sqlite"), timeout=1)
            try:
                with connection:
                    connection.execute("UPDATE meta SET value = ? WHERE name = 'generation'", (generation,))
            finally:
                connection.close()

    def build(self, level: str, generation: str | None = None) -> GraphIndex:
        """Build and keep the index of a level (ingest calls it, so the first question pays nothing)."""
        generation = generation or self._check()
        key = self.content_key()
        if level == "concepts":
            from foresight.derived.conceptgraph import concept_graph

            concept_set: ConceptSet | None = self.concepts()
            assert concept_set is not None
            graph = concept_graph(self._rows_graph(), concept_set)
        else:
            concept_set = None
            graph = self._rows_graph()
        path = self.folder / f"{level}.sqlite" if self.folder is not None else None
        try:
            index = build_index(path, graph, level=level, key=key, generation=generation, concept_set=concept_set,
                                rules=self._rules_digest, versions=_versions())
        except (OSError, sqlite3.Error):
            # a folder we cannot write (someone else's store, a full disk): keep it in memory
            index = build_index(None, graph, level=level, key=key, generation=generation, concept_set=concept_set,
                                rules=self._rules_digest, versions=_versions())
        vectors = self.vectors()
        if level == "concepts" and path is not None and index.path == path and vectors is not None:
            from foresight.derived.incremental import keep_sentence_vectors

            with contextlib.suppress(sqlite3.Error, OSError):  # kept for adding scans in place; else made then
                keep_sentence_vectors(path, vectors)
        self._indexes[level] = index
        return index

    def forget(self, key: str | None = None) -> None:
        """Drop what this process holds: the files beside the store were changed in place (to content ``key``)."""
        for index in self._indexes.values():
            index.close()
        self._indexes = {}
        self._rows = None
        self._concepts = None
        self._previous = None
        self._generation = self.store.generation().generation if key is not None else None
        self._key = key

    def remember(self, pieces: Mapping[str, tuple[str, Piece]]) -> None:
        """Keep the projection pieces of scan graphs just written (ingest has their triples in hand)."""
        self.pieces.save(pieces, self.store.generation().unscoped)
