"""A graph's index beside the store: nodes, edges, names and texts in SQLite, adjacency as arrays.

An index answers what a command asks without loading the graph: the nodes a name
stands for, the nodes within some hops of others (over the adjacency, held as two
numpy arrays in CSR form), the nodes that can lie on a short pathway between two
sets, and then just those nodes and their edges as a small networkx graph for the
pure algorithms of :mod:`foresight.analysis`. Everything is data (SQLite rows, JSON
text, raw integer arrays): opening an index runs no code from the file.

Node ids follow the graph's node order and edges its edge order, so a subgraph
loaded from the index lists neighbours in the same order as the whole graph does,
and the algorithms give the same answers on either.

An index is written to a temporary file and renamed into place, so a reader sees
the old index or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foresight.text import name_key, newest_stamp, stem, stem_key, tokens
from foresight.versions import INDEX_VERSION

if TYPE_CHECKING:
    import networkx as nx
    import numpy as np

    from foresight.derived.concepts import Concept, ConceptSet
    from foresight.derived.topics import Topic, TopicSet

_SCHEMA = """
CREATE TABLE meta(name TEXT PRIMARY KEY, value TEXT);
CREATE TABLE blobs(name TEXT PRIMARY KEY, data BLOB);
CREATE TABLE nodes(id INTEGER PRIMARY KEY, iri TEXT NOT NULL, type TEXT, label TEXT, relevancy INTEGER, scan TEXT,
                   line INTEGER, scans INTEGER, description TEXT, data TEXT);
CREATE TABLE edges(id INTEGER PRIMARY KEY, src INTEGER, dst INTEGER, relation TEXT, score REAL, method TEXT,
                   evidence TEXT, scan TEXT, data TEXT);
CREATE TABLE names(key TEXT, stem TEXT, node INTEGER, label TEXT);
CREATE TABLE scans(iri TEXT PRIMARY KEY, data TEXT);
CREATE TABLE chains(signal INTEGER PRIMARY KEY, relevancy INTEGER, raised INTEGER, stamp INTEGER, iri TEXT);
CREATE TABLE signal_scans(signal INTEGER, scan TEXT);
CREATE TABLE scan_terms(scan TEXT, field TEXT, value TEXT);
CREATE TABLE force_words(word TEXT, force INTEGER);
CREATE TABLE concepts(id INTEGER PRIMARY KEY, iri TEXT, kind TEXT, label TEXT, fold TEXT, alt_labels TEXT,
                      rows TEXT, scans TEXT, months TEXT, first TEXT, last TEXT, nscans INTEGER, nrows INTEGER,
                      articles TEXT, narticles INTEGER);
CREATE TABLE concept_names(key TEXT, stem TEXT, concept INTEGER);
CREATE TABLE concept_months(concept INTEGER, month TEXT, count INTEGER);
CREATE TABLE concept_steep(concept INTEGER, category TEXT);
CREATE TABLE editions(scan TEXT PRIMARY KEY, article TEXT, counts INTEGER, revision_of TEXT);
CREATE TABLE matches(row TEXT, concept TEXT, relation TEXT, score REAL, method TEXT, evidence TEXT);
CREATE TABLE review(position INTEGER PRIMARY KEY, a TEXT, b TEXT, kind TEXT, score REAL, method TEXT, evidence TEXT);
CREATE TABLE topics(id INTEGER PRIMARY KEY, iri TEXT, label TEXT, fold TEXT, key TEXT, members TEXT, broader TEXT,
                    articles TEXT, narticles INTEGER, months TEXT, first TEXT, last TEXT, kinds TEXT,
                    alt_labels TEXT);
CREATE TABLE topic_kinds(topic INTEGER, kind TEXT, articles INTEGER);
CREATE TABLE associations(a TEXT, b TEXT, support INTEGER, lift REAL, scans TEXT);
CREATE TABLE concept_keys(kind TEXT, key TEXT, concept INTEGER, wording TEXT, root INTEGER);
CREATE TABLE term_weights(kind TEXT, term TEXT, weight REAL);
CREATE TABLE row_nodes(row TEXT PRIMARY KEY, node INTEGER);
CREATE TABLE key_blocks(kind TEXT, term TEXT, key INTEGER);
CREATE VIRTUAL TABLE texts USING fts5(label, description, node UNINDEXED, type UNINDEXED, relevancy UNINDEXED,
                                      scan UNINDEXED, tokenize='porter unicode61 remove_diacritics 2');
"""

_INDEXES = """
CREATE UNIQUE INDEX nodes_iri ON nodes(iri);
CREATE INDEX edges_src ON edges(src);
CREATE INDEX edges_dst ON edges(dst);
CREATE INDEX names_key ON names(key);
CREATE INDEX names_stem ON names(stem);
CREATE INDEX chains_rank ON chains(relevancy DESC, raised DESC, stamp DESC, iri);
CREATE INDEX signal_scans_scan ON signal_scans(scan);
CREATE INDEX force_words_word ON force_words(word);
CREATE INDEX concepts_iri ON concepts(iri);
CREATE INDEX concepts_rank ON concepts(narticles DESC, nrows DESC, fold, iri);
CREATE INDEX concept_names_key ON concept_names(key);
CREATE INDEX concept_names_stem ON concept_names(stem);
CREATE INDEX concept_months_month ON concept_months(month);
CREATE INDEX topics_iri ON topics(iri);
CREATE INDEX topics_rank ON topics(narticles DESC, fold, iri);
CREATE INDEX topic_kinds_rank ON topic_kinds(kind, articles DESC, topic);
CREATE INDEX associations_a ON associations(a);
CREATE INDEX associations_b ON associations(b);
CREATE INDEX associations_ab ON associations(a, b);
CREATE INDEX concept_keys_key ON concept_keys(kind, key);
CREATE INDEX concept_keys_concept ON concept_keys(concept);
CREATE INDEX term_weights_term ON term_weights(kind, term);
CREATE INDEX key_blocks_term ON key_blocks(kind, term);
CREATE INDEX edges_pair ON edges(src, dst);
CREATE INDEX concept_names_concept ON concept_names(concept);
CREATE INDEX names_node ON names(node);
CREATE INDEX topic_kinds_topic ON topic_kinds(topic, kind);
CREATE INDEX concept_months_concept ON concept_months(concept);
CREATE INDEX concept_steep_concept ON concept_steep(concept);
CREATE INDEX concepts_kind_rank ON concepts(kind, narticles DESC, fold, iri);
CREATE INDEX force_words_force ON force_words(force);
CREATE INDEX signal_scans_signal ON signal_scans(signal);
"""

_RAISED = ("Issue", "Concern")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=list)


# ----- building -----------------------------------------------------------------------------------


def build_index(path: Path | None, graph: nx.DiGraph[str], *, level: str, key: str, generation: str,
                concept_set: ConceptSet | None = None, rules: str = "", versions: str = "") -> GraphIndex:
    """Write the index of ``graph`` (and of ``concept_set``, at the concepts level) and open it.

    Args:
        path: the index file; ``None`` keeps it in memory (stores in memory).
        graph: the projection or the concept graph.
        level: ``rows`` or ``concepts``.
        key: what the graph was built from (the store's content and the overrides), checked on open.
        generation: the store's generation when the graph was built.
        concept_set: the concepts, kept so that timelines, listings and review need not rebuild them.
        rules: a digest of the overrides the graph was built under (a reader with others rebuilds).
        versions: what made it (merger and projection versions, matching mode; a reader with others rebuilds).
    """
    import numpy as np

    if path is None:
        connection = sqlite3.connect(":memory:", check_same_thread=False)
        _fill(connection, graph, level, (key, generation, rules, versions), concept_set, np)
        return GraphIndex(connection, level, None)
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}")
    try:
        connection = sqlite3.connect(str(temporary))
        try:
            connection.execute("PRAGMA journal_mode=OFF")
            connection.execute("PRAGMA synchronous=OFF")
            _fill(connection, graph, level, (key, generation, rules, versions), concept_set, np)
        finally:
            connection.close()
        with open(temporary, "rb+") as stream:
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    opened = GraphIndex.open(path, level)
    if opened is None:  # pragma: no cover - written just now
        raise OSError(f"{path}: cannot read the index just written")
    return opened


def _remove_leftovers(path: Path) -> None:
    """Remove the half-written indexes of builds that were killed (their process is gone)."""
    for leftover in path.parent.glob(f".{path.name}.*"):
        pid = leftover.name[len(path.name) + 2:].split(".", 1)[0]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            leftover.unlink(missing_ok=True)
        except OSError:
            pass


def _fill(connection: sqlite3.Connection, graph: nx.DiGraph[str], level: str, stamps: tuple[str, str, str, str],
          concept_set: ConceptSet | None, np: Any) -> None:
    key, generation, rules, versions = stamps
    connection.executescript(_SCHEMA)
    scans: dict[str, dict[str, Any]] = graph.graph.get("scans", {})
    ids = {node: number for number, node in enumerate(graph)}
    with connection:
        connection.executemany("INSERT INTO meta VALUES (?, ?)", [
            ("version", INDEX_VERSION), ("level", level), ("key", key), ("generation", generation), ("rules", rules),
            ("versions", versions),
            ("nodes", str(len(ids))), ("edges", str(graph.number_of_edges()))])
        connection.executemany("INSERT INTO nodes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (
            (ids[node], node, data.get("type"), data.get("label"), data.get("relevancy"), data.get("scan"),
             data.get("line"), data.get("scans", 1), data.get("description"), _json(data))
            for node, data in graph.nodes(data=True)))
        edge_rows = [(ids[source], ids[target], data.get("relation"), data.get("score"), data.get("method"),
                      data.get("evidence"), data.get("scan"), _json(data))
                     for source, target, data in graph.edges(data=True)]
        connection.executemany("INSERT INTO edges(src, dst, relation, score, method, evidence, scan, data) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", edge_rows)
        connection.executemany("INSERT INTO names VALUES (?, ?, ?, ?)", _names(graph, ids))
        connection.executemany("INSERT INTO scans VALUES (?, ?)", ((iri, _json(meta)) for iri, meta in scans.items()))
        _fill_chains(connection, graph, ids, scans)
        if concept_set is not None:
            _fill_concepts(connection, concept_set)
            _fill_texts(connection, concept_set, graph, scans)
            # where each row went: its concept's node, or its own (a shift)
            connection.executemany("INSERT OR IGNORE INTO row_nodes VALUES (?, ?)", (
                (row, ids[node]) for node, rows in graph.nodes(data="rows") for row in rows or ()))
        # the adjacency, links walked both ways, as CSR arrays: neighbours of node i are
        # indices[indptr[i]:indptr[i + 1]]
        count = len(ids)
        if edge_rows:
            pairs = np.array([(row[0], row[1]) for row in edge_rows], dtype=np.int64)
            both = np.concatenate([pairs, pairs[:, ::-1]])
            both = np.unique(both, axis=0)
            indices = both[:, 1].astype(np.int32)
            indptr = np.zeros(count + 1, dtype=np.int64)
            np.add.at(indptr, both[:, 0] + 1, 1)
            indptr = np.cumsum(indptr)
        else:
            indices = np.zeros(0, dtype=np.int32)
            indptr = np.zeros(count + 1, dtype=np.int64)
        connection.executemany("INSERT INTO blobs VALUES (?, ?)", [
            ("indptr", indptr.astype("<i8").tobytes()), ("indices", indices.astype("<i4").tobytes())])
    connection.executescript(_INDEXES)
    connection.execute("ANALYZE")


def _names(graph: nx.DiGraph[str], ids: dict[str, int]) -> Iterator[tuple[str, str, int, str]]:
    stems: dict[str, str] = {}
    for node, data in graph.nodes(data=True):
        for label in {str(data.get("label", node)), *(data.get("alt_labels") or ())}:
            if label not in stems:
                stems[label] = stem_key(label)
            yield name_key(label), stems[label], ids[node], label


def _fill_chains(connection: sqlite3.Connection, graph: nx.DiGraph[str], ids: dict[str, int],
                 scans: dict[str, dict[str, Any]]) -> None:
    """What ranks a change pathway, per signal (as :func:`foresight.analysis.pathways.change_pathways` ranks)."""
    nodes = graph.nodes
    rows = []
    signal_scans = []
    words = []
    for node, data in graph.nodes(data=True):
        kind = data.get("type")
        if kind == "DrivingForce":
            words += [(word, ids[node]) for word in set(tokens(str(data.get("label", ""))))]
        if kind != "Signal":
            continue
        own = data.get("scan_list") or ([data["scan"]] if data.get("scan") else [])
        raised = sum(1 for other in (*graph.successors(node), *graph.predecessors(node))
                     if nodes[other].get("type") in _RAISED)
        stamp = newest_stamp(scans.get(scan, {}).get("date") for scan in own)
        rows.append((ids[node], data.get("relevancy") or 0, raised, stamp, node))
        signal_scans += [(ids[node], scan) for scan in own]
    connection.executemany("INSERT INTO chains VALUES (?, ?, ?, ?, ?)", rows)
    connection.executemany("INSERT INTO signal_scans VALUES (?, ?)", signal_scans)
    connection.executemany("INSERT INTO force_words VALUES (?, ?)", words)
    connection.executemany("INSERT INTO scan_terms VALUES (?, ?, ?)", (
        (scan, field, name_key(value)) for scan, meta in scans.items() for field in ("themes", "keywords")
        for value in meta.get(field) or ()))


def _fill_concepts(connection: sqlite3.Connection, concept_set: ConceptSet) -> None:
    numbers = {iri: number for number, iri in enumerate(concept_set.concepts)}
    connection.executemany("INSERT INTO concepts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (
        (numbers[c.iri], c.iri, c.kind, c.label, c.label.casefold(), _json(c.alt_labels), _json(c.rows),
         _json(sorted(c.scans)), _json(dict(c.months)), c.first, c.last, len(c.scans), len(c.rows),
         _json(sorted(c.articles)), len(c.articles))
        for c in concept_set.concepts.values()))
    connection.executemany("INSERT INTO concept_names VALUES (?, ?, ?)", (
        (name_key(label), stem_key(label), numbers[c.iri])
        for c in concept_set.concepts.values() for label in {c.label, *c.alt_labels}))
    connection.executemany("INSERT INTO editions VALUES (?, ?, ?, ?)", (
        (scan, e.article, int(e.counts), e.revision_of) for scan, e in concept_set.editions.items()))
    connection.executemany("INSERT INTO concept_months VALUES (?, ?, ?)", (
        (numbers[c.iri], month, count) for c in concept_set.concepts.values() for month, count in c.months.items()))
    connection.executemany("INSERT INTO concept_steep VALUES (?, ?)", (
        (numbers[iri], category) for iri, categories in concept_set.steep.items() if iri in numbers
        for category in categories))
    connection.executemany("INSERT INTO matches VALUES (?, ?, ?, ?, ?, ?)", (
        (m.row, m.concept, m.relation, m.score, m.method, m.evidence) for m in concept_set.matches))
    connection.executemany("INSERT INTO review VALUES (?, ?, ?, ?, ?, ?, ?)", (
        (position, a.iri, b.iri, a.kind, v.score, v.method, v.evidence)
        for position, (a, b, v) in enumerate(concept_set.review)))
    topics = concept_set.topics.topics
    connection.executemany("INSERT INTO topics VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (
        (number, t.iri, t.label, t.label.casefold(), " ".join(t.key), _json(t.members), _json(t.broader),
         _json(sorted(t.articles)), len(t.articles), _json(dict(t.months)), t.first, t.last, _json(dict(t.kinds)),
         _json(t.alt_labels))
        for number, t in enumerate(topics.values())))
    connection.executemany("INSERT INTO topic_kinds VALUES (?, ?, ?)", (
        (number, kind, count) for number, t in enumerate(topics.values()) for kind, count in t.kinds.items()))
    connection.executemany("INSERT INTO associations VALUES (?, ?, ?, ?, ?)", (
        (x.a, x.b, x.support, x.lift, _json(x.scans)) for x in concept_set.topics.associations))
    from foresight.merging import key_blocks

    keys = [(kind, key, numbers[iri], wording, root) for (kind, key), (iri, wording, root) in concept_set.keys.items()
            if iri in numbers]
    connection.executemany("INSERT INTO concept_keys(rowid, kind, key, concept, wording, root) VALUES "
                           "(?, ?, ?, ?, ?, ?)", ((number, kind, _json(list(key)), concept, wording, int(root))
                                                  for number, (kind, key, concept, wording, root) in enumerate(keys)))
    connection.executemany("INSERT INTO key_blocks VALUES (?, ?, ?)", (
        (kind, term, number) for number, (kind, key, _, _, _) in enumerate(keys) if kind in concept_set.weights
        for term in key_blocks(key, concept_set.weights[kind])))
    connection.execute("INSERT INTO meta VALUES ('topic_articles', ?)", (str(len(
        {article for topic in topics.values() for article in topic.articles})),))
    connection.executemany("INSERT INTO term_weights VALUES (?, ?, ?)", (
        (kind, term, value) for kind, weight in concept_set.weights.items()
        for term, value in (*weight.weights.items(), ("", weight.default))))


def _fill_texts(connection: sqlite3.Connection, concept_set: ConceptSet, graph: nx.DiGraph[str],
                scans: dict[str, dict[str, Any]]) -> None:
    """Every row's name and description, and every scan's title, for search."""
    rows: list[tuple[Any, ...]] = []
    for _, data in graph.nodes(data=True):
        for text in data.get("texts") or [{"row": None, **data}]:
            node = text.get("row")
            if node is None:
                continue
            rows.append((text.get("label"), text.get("description"), node, data.get("type"), text.get("relevancy"),
                         text.get("scan")))
    seen = {row[2] for row in rows}
    for node, data in graph.nodes(data=True):  # rows that are not merged (shifts) are their own nodes
        if node not in seen and not data.get("texts"):
            rows.append((data.get("label"), data.get("description"), node, data.get("type"), data.get("relevancy"),
                         data.get("scan")))
    rows += [(meta.get("title") or iri, None, iri, "Scan", None, iri) for iri, meta in scans.items()]
    connection.executemany("INSERT INTO texts VALUES (?, ?, ?, ?, ?, ?)", rows)


# ----- reading ------------------------------------------------------------------------------------


@dataclass
class ConceptSummary:
    """What the concepts come to: how many, how many named in 3 or more articles, how many merges to review."""

    concepts: int
    recurring: int
    review: int
    #: scans that do not count (copies, older revisions), and of how many articles
    superseded: int = 0
    superseded_articles: int = 0
    #: how the derived data was brought up to date: "in place", or "in full: <why>"; empty when it was
    built: str = ""


@dataclass(frozen=True)
class TextMatch:
    """A row (or scan) whose name or description holds the words searched for."""

    node: str
    type: str
    label: str
    score: float
    relevancy: int | None
    scan: str | None


class GraphIndex:
    """An open index (see the module docstring); cheap to open, answers from disk."""

    def __init__(self, connection: sqlite3.Connection, level: str, path: Path | None) -> None:
        self.connection = connection
        self.level = level
        self.path = path
        self._adjacency: tuple[np.ndarray, np.ndarray] | None = None

    @classmethod
    def open(cls, path: Path, level: str) -> GraphIndex | None:
        """Open the index at ``path`` read-only; ``None`` when it is missing, damaged or of another version."""
        if not path.is_file():
            return None
        try:
            connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            meta = dict(connection.execute("SELECT name, value FROM meta").fetchall())
        except sqlite3.Error:
            return None
        if meta.get("version") != INDEX_VERSION or meta.get("level") != level:
            connection.close()
            return None
        return cls(connection, level, path)

    def close(self) -> None:
        self.connection.close()

    def meta(self, name: str) -> str | None:
        row = self.connection.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return str(row[0]) if row else None

    @property
    def key(self) -> str | None:
        return self.meta("key")

    def node_count(self) -> int:
        return int(self.meta("nodes") or 0)

    # ----- nodes and names ------------------------------------------------------------------------

    def ids(self, iris: Iterable[str]) -> list[int]:
        """The ids of the nodes with these IRIs (those the index knows), in the order given."""
        found = []
        for iri in iris:
            row = self.connection.execute("SELECT id FROM nodes WHERE iri = ?", (iri,)).fetchone()
            if row:
                found.append(int(row[0]))
        return found

    def _one(self, sql: str, *args: Any) -> Any:
        row = self.connection.execute(sql, args).fetchone()
        return row[0] if row else None

    def has_node(self, iri: str) -> bool:
        return self._one("SELECT 1 FROM nodes WHERE iri = ?", iri) is not None

    def label(self, iri: str) -> str | None:
        value = self._one("SELECT label FROM nodes WHERE iri = ?", iri)
        return str(value) if value is not None else None

    def labels(self, iris: Iterable[str]) -> dict[str, str]:
        """The labels of some nodes, by IRI (those the index does not hold are left out)."""
        wanted = sorted(set(iris))
        found: dict[str, str] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            found.update((str(iri), str(label)) for iri, label in self.connection.execute(
                f"SELECT iri, label FROM nodes WHERE iri IN ({','.join('?' * len(chunk))})", chunk))
        return found

    def node_type(self, iri: str) -> str | None:
        value = self._one("SELECT type FROM nodes WHERE iri = ?", iri)
        return str(value) if value is not None else None

    def named(self, key: str, column: str = "key") -> list[tuple[str, str]]:
        """(IRI, type) of the nodes with a name whose key (or stem key) is ``key``, by IRI."""
        assert column in ("key", "stem")
        rows = self.connection.execute(
            f"SELECT DISTINCT nodes.iri, nodes.type FROM names JOIN nodes ON nodes.id = names.node "
            f"WHERE names.{column} = ? ORDER BY nodes.iri", (key,)).fetchall()
        return [(str(iri), str(kind)) for iri, kind in rows]

    def names_holding(self, key: str) -> list[str]:
        """The name keys that hold ``key`` anywhere."""
        rows = self.connection.execute("SELECT DISTINCT key FROM names WHERE instr(key, ?) > 0", (key,)).fetchall()
        return [str(found) for (found,) in rows]

    def name_keys(self) -> list[str]:
        return [str(key) for (key,) in self.connection.execute("SELECT DISTINCT key FROM names")]

    def display(self, key: str) -> str:
        return str(self._one("SELECT label FROM names WHERE key = ? ORDER BY node LIMIT 1", key) or key)

    # ----- neighbourhoods ---------------------------------------------------------------------------

    def adjacency(self) -> tuple[np.ndarray, np.ndarray]:
        """The CSR arrays (indptr, indices) of the graph with links walked both ways."""
        if self._adjacency is None:
            import numpy as np

            blobs = dict(self.connection.execute("SELECT name, data FROM blobs").fetchall())
            self._adjacency = (np.frombuffer(blobs["indptr"], dtype="<i8"),
                               np.frombuffer(blobs["indices"], dtype="<i4"))
        return self._adjacency

    def distances(self, starts: Sequence[int], limit: int) -> np.ndarray:
        """Hops from the nearest start to every node (-1 beyond ``limit``), links walked both ways."""
        import numpy as np

        indptr, indices = self.adjacency()
        distance = np.full(len(indptr) - 1, -1, dtype=np.int32)
        frontier = np.unique(np.asarray(starts, dtype=np.int64))
        distance[frontier] = 0
        for depth in range(1, limit + 1):
            if not frontier.size:
                break
            low, high = indptr[frontier], indptr[frontier + 1]
            lengths = high - low
            total = int(lengths.sum())
            if not total:
                break
            offsets = np.repeat(low - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
            reached = np.unique(indices[offsets])
            reached = reached[distance[reached] < 0]
            distance[reached] = depth
            frontier = reached.astype(np.int64)
        return distance

    def ball(self, starts: Sequence[int], depth: int) -> list[int]:
        """The nodes within ``depth`` hops of ``starts``."""
        import numpy as np

        return [int(n) for n in np.flatnonzero(self.distances(starts, depth) >= 0)]

    def between(self, sources: Sequence[int], targets: Sequence[int], max_hops: int) -> list[int]:
        """The nodes that can lie on a walk of at most ``max_hops`` from a source to a target."""
        import numpy as np

        from_sources = self.distances(sources, max_hops)
        from_targets = self.distances(targets, max_hops)
        near = (from_sources >= 0) & (from_targets >= 0) & (from_sources + from_targets <= max_hops)
        return [int(n) for n in np.flatnonzero(near)]

    def subgraph(self, ids: Iterable[int], full: bool | Iterable[int] = True) -> nx.DiGraph[str]:
        """The nodes given and every edge between them, with the scans they name, as a networkx graph.

        Args:
            ids: the nodes.
            full: every attribute of every node and edge (``True``), or only what pathways are
                walked, shown and mapped with (``False``: ``type``, ``label``, ``description``,
                ``relevancy``, ``scan``, ``line`` and ``scans`` of a node; ``relation``, ``score``, ``method``,
                ``evidence`` and ``scan`` of an edge), or every attribute of the nodes listed
                only. Loading only those is several times faster on a big neighbourhood.
        """
        import networkx as nx

        wanted = sorted(set(ids))
        whole = set(wanted) if full is True else set() if full is False else set(full)
        graph: nx.DiGraph[str] = nx.DiGraph()
        graph.graph["level"] = self.level
        scans: set[str] = set()
        with self._temporary_ids(wanted, whole) as table:
            rows = self.connection.execute(
                f"SELECT nodes.id, nodes.iri, nodes.type, nodes.label, nodes.relevancy, nodes.scan, nodes.line, "
                f"nodes.scans, nodes.description, CASE WHEN {table}.full THEN nodes.data END FROM {table} "
                f"CROSS JOIN nodes ON nodes.id = {table}.id ORDER BY nodes.id", ())
            # how many links each node has in the whole graph (a part of it may hold only a few): what makes a hub
            indptr, _ = self.adjacency()
            for number, iri, kind, label, relevancy, scan, line, count, description, data in rows:
                if data is not None:
                    attrs = json.loads(data)
                    scans |= _scans_of(attrs)
                    graph.add_node(iri, **attrs)
                else:
                    graph.add_node(iri, type=kind, label=label, relevancy=relevancy, scan=scan, line=line,
                                   scans=count, description=description)
                    if scan:
                        scans.add(scan)
                graph.nodes[iri]["degree"] = int(indptr[number + 1] - indptr[number])
            # an association's supporting scans are its evidence: always loaded
            light = ("edges.relation, edges.score, edges.method, edges.evidence, edges.scan, "
                     "CASE WHEN edges.method = 'co-occurrence' THEN edges.data END")
            detail = "edges.relation, edges.score, edges.method, edges.evidence, edges.scan, edges.data"
            for source, target, relation, score, method, evidence, scan, data in self.connection.execute(
                    # from the wanted nodes to their edges (CROSS JOIN keeps SQLite from scanning every edge)
                    f"SELECT a.iri, b.iri, {detail if full is True else light} FROM {table} s "
                    f"CROSS JOIN edges ON edges.src = s.id CROSS JOIN {table} t ON t.id = edges.dst "
                    f"CROSS JOIN nodes a ON a.id = edges.src CROSS JOIN nodes b ON b.id = edges.dst "
                    f"ORDER BY edges.id"):
                if data is not None:
                    attrs = json.loads(data)
                    scans.update(attrs.get("evidence_scans") or ())
                    graph.add_edge(source, target, **attrs)
                else:
                    graph.add_edge(source, target, relation=relation, score=score, method=method,
                                   evidence=evidence, scan=scan)
                if scan:
                    scans.add(scan)
        graph.graph["scans"] = self.scans(scans)
        return graph

    def whole(self) -> nx.DiGraph[str]:
        """The whole graph (for exports and the library; commands load only what they need)."""
        return self.subgraph(range(self.node_count()))

    @contextlib.contextmanager
    def _temporary_ids(self, ids: list[int], whole: set[int] | None = None) -> Iterator[str]:
        name = f"wanted_{os.urandom(4).hex()}"
        self.connection.execute(f"CREATE TEMP TABLE {name}(id INTEGER PRIMARY KEY, full INTEGER)")
        try:
            self.connection.executemany(f"INSERT INTO {name} VALUES (?, ?)",
                                        ((n, whole is None or n in whole) for n in ids))
            yield name
        finally:
            self.connection.execute(f"DROP TABLE {name}")

    def scans(self, iris: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Title, date, article link, file, keywords and themes of some scans."""
        wanted = sorted(set(iris))
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            rows = self.connection.execute(
                f"SELECT iri, data FROM scans WHERE iri IN ({','.join('?' * len(chunk))})", chunk)
            found.update((str(iri), json.loads(data)) for iri, data in rows)
        return dict(sorted(found.items()))

    # ----- change pathways --------------------------------------------------------------------------

    def chain_candidates(self, *, signals: list[int] | None, theme: str | None, keyword: str | None,
                         limit: int | None) -> list[int]:
        """Signals that can rank among the chains asked for, best ranked first (``limit``: the best only)."""
        clauses, args = [], []
        if signals is not None:
            clauses.append(f"signal IN ({','.join(str(int(s)) for s in signals) or 'NULL'})")
        for field, value in (("themes", theme), ("keywords", keyword)):
            if value:
                clauses.append("signal IN (SELECT signal FROM signal_scans JOIN scan_terms ON scan_terms.scan = "
                               "signal_scans.scan WHERE field = ? AND instr(value, ?) > 0)")
                args += [field, name_key(value)]
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        tail = f"LIMIT {int(limit)}" if limit is not None else ""
        rows = self.connection.execute(
            f"SELECT signal FROM chains {where} ORDER BY relevancy DESC, raised DESC, stamp DESC, iri {tail}", args)
        return [int(signal) for (signal,) in rows]

    def force_vocabulary(self) -> set[str]:
        return {str(word) for (word,) in self.connection.execute("SELECT DISTINCT word FROM force_words")}

    def force_words(self, words: Iterable[str]) -> dict[int, frozenset[str]]:
        """The driving forces whose name holds any of ``words``, with all the words of each name."""
        chosen = sorted(set(words))
        if not chosen:
            return {}
        rows = self.connection.execute(
            f"SELECT force, word FROM force_words WHERE force IN (SELECT force FROM force_words WHERE word IN "
            f"({','.join('?' * len(chosen))}))", chosen)
        found: dict[int, set[str]] = {}
        for force, word in rows:
            found.setdefault(int(force), set()).add(str(word))
        return {force: frozenset(held) for force, held in found.items()}

    def signals_driven_by(self, forces: Iterable[int]) -> list[int]:
        """The signals these driving forces drive."""
        listed = ",".join(str(int(force)) for force in forces) or "NULL"
        rows = self.connection.execute(
            f"SELECT DISTINCT edges.dst FROM edges CROSS JOIN nodes ON nodes.id = edges.dst "
            f"WHERE edges.src IN ({listed}) AND edges.relation = 'drives' AND nodes.type = 'Signal'")
        return sorted(int(signal) for (signal,) in rows)

    def chain_surroundings(self, signals: Sequence[int]) -> list[int]:
        """The signals with their neighbours, and what their shifts lead to: all a chain is made of."""
        near = self.ball(signals, 1)
        listed = ",".join(str(int(n)) for n in near) or "NULL"
        shifts = [int(n) for (n,) in self.connection.execute(
            f"SELECT id FROM nodes WHERE type = 'Shift' AND id IN ({listed})")]
        return sorted(set(near) | set(self.ball(shifts, 1)))

    # ----- concepts ---------------------------------------------------------------------------------

    def _concept(self, row: Sequence[Any]) -> Concept:
        from foresight.derived.concepts import Concept

        iri, kind, label, alt_labels, rows, scans, months, first, last, articles = row
        return Concept(iri, kind, label, json.loads(alt_labels), json.loads(rows), set(json.loads(scans)),
                       Counter(json.loads(months)), first, last, set(json.loads(articles)))

    _CONCEPT = "SELECT iri, kind, label, alt_labels, rows, scans, months, first, last, articles FROM concepts"

    def summary(self) -> ConceptSummary:
        """How many concepts, how many named in 3 or more articles, how many merges left for review, how many
        scans do not count."""
        return ConceptSummary(int(self._one("SELECT COUNT(*) FROM concepts")),
                              int(self._one("SELECT COUNT(*) FROM concepts WHERE narticles >= 3")),
                              int(self._one("SELECT COUNT(*) FROM review")),
                              int(self._one("SELECT COUNT(*) FROM editions WHERE counts = 0")),
                              int(self._one("SELECT COUNT(DISTINCT article) FROM editions WHERE counts = 0")))

    def concept_list(self, kinds: list[str] | None, min_articles: int, limit: int) -> tuple[list[Concept], int]:
        """The concepts named in the most articles (as :func:`foresight.derived.concepts.summary` orders them)."""
        clause, args = self._kinds(kinds)
        where = f"WHERE narticles >= ? {('AND ' + clause) if clause else ''}"
        total = int(self._one(f"SELECT COUNT(*) FROM concepts {where}", min_articles, *args))
        rows = self.connection.execute(f"{self._CONCEPT} {where} ORDER BY narticles DESC, nrows DESC, fold, iri "
                                       f"LIMIT ?", (min_articles, *args, limit)).fetchall()
        return [self._concept(row) for row in rows], total

    @staticmethod
    def _kinds(kinds: list[str] | None) -> tuple[str, list[str]]:
        if not kinds:
            return "", []
        return f"kind IN ({','.join('?' * len(kinds))})", list(kinds)

    def concepts_by_iri(self, iris: Iterable[str]) -> list[Concept]:
        found = []
        for iri in iris:
            row = self.connection.execute(f"{self._CONCEPT} WHERE iri = ?", (iri,)).fetchone()
            if row:
                found.append(self._concept(row))
        return found

    def concept_name_keys(self, kinds: list[str] | None) -> dict[str, str]:
        """Every wording of a concept (of these kinds), by its key, with one concept IRI that has it."""
        clause, args = self._kinds(kinds)
        rows = self.connection.execute(
            "SELECT concept_names.key, concepts.iri FROM concept_names JOIN concepts ON concepts.id = "
            f"concept_names.concept {('WHERE ' + clause) if clause else ''} ORDER BY concepts.id", args)
        found: dict[str, str] = {}
        for key, iri in rows:
            found.setdefault(str(key), str(iri))
        return found

    def latest_month(self) -> str | None:
        value = self._one("SELECT MAX(month) FROM concept_months")
        return str(value) if value else None

    def concepts_in_months(self, months: Iterable[str], kinds: list[str] | None) -> list[Concept]:
        chosen = sorted(set(months))
        clause, args = self._kinds(kinds)
        rows = self.connection.execute(
            f"{self._CONCEPT} WHERE id IN (SELECT concept FROM concept_months WHERE month IN "
            f"({','.join('?' * len(chosen))})) {('AND ' + clause) if clause else ''}", (*chosen, *args)).fetchall()
        return [self._concept(row) for row in rows]

    def review(self, kinds: list[str] | None, limit: int | None = None) -> tuple[list[tuple[Any, ...]], int]:
        """The merges left for review: (concept a, concept b, score, method, evidence), in review order."""
        clause, args = self._kinds(kinds)
        where = f"WHERE {clause}" if clause else ""
        total = int(self._one(f"SELECT COUNT(*) FROM review {where}", *args))
        tail = f"LIMIT {int(limit)}" if limit is not None else ""
        rows = self.connection.execute(f"SELECT a, b, score, method, evidence FROM review {where} "
                                       f"ORDER BY position {tail}", args).fetchall()
        concepts = {c.iri: c for c in self.concepts_by_iri({row[0] for row in rows} | {row[1] for row in rows})}
        return [(concepts[a], concepts[b], score, method, evidence) for a, b, score, method, evidence in rows], total

    def concept_set(self) -> ConceptSet:
        """Every concept, match and review entry, as :func:`foresight.derived.concepts.build_concepts` made them."""
        from foresight.derived.articles import Edition
        from foresight.derived.concepts import ConceptSet, Match
        from foresight.merging import Verdict

        concepts = {c.iri: c for c in (self._concept(row) for row in
                                       self.connection.execute(f"{self._CONCEPT} ORDER BY id"))}
        of_row = {row: c.iri for c in concepts.values() for row in c.rows}
        matches = [Match(*row) for row in self.connection.execute(
            "SELECT row, concept, relation, score, method, evidence FROM matches ORDER BY rowid")]
        review = [(concepts[a], concepts[b], Verdict(score, method, evidence)) for a, b, score, method, evidence in
                  self.connection.execute("SELECT a, b, score, method, evidence FROM review ORDER BY position")]
        found = {scan: Edition(article, bool(counts), revision_of) for scan, article, counts, revision_of in
                 self.connection.execute("SELECT scan, article, counts, revision_of FROM editions")}
        return ConceptSet(concepts, of_row, matches, review, found, self.topic_set(), steep={
            iri: tuple(categories) for iri, categories in self.steep_tags().items()})

    def steep_tags(self, iris: Iterable[str] | None = None) -> dict[str, list[str]]:
        """The STEEP(LE)+V categories of the tagged concepts (or of those of ``iris``), first and close second."""
        found: dict[str, list[str]] = {}
        query = ("SELECT c.iri, s.category FROM concept_steep s CROSS JOIN concepts c ON c.id = s.concept")
        if iris is None:
            rows: Iterable[tuple[Any, Any]] = self.connection.execute(f"{query} ORDER BY s.rowid")
        else:
            wanted = sorted(set(iris))
            rows = [row for start in range(0, len(wanted), 500) for row in self.connection.execute(
                f"{query} WHERE c.iri IN ({','.join('?' * len(wanted[start:start + 500]))}) ORDER BY s.rowid",
                wanted[start:start + 500])]
        for iri, category in rows:
            found.setdefault(str(iri), []).append(str(category))
        return found

    # ----- topics -----------------------------------------------------------------------------------

    _TOPIC_COLUMNS = ("iri", "key", "label", "members", "broader", "articles", "months", "first", "last", "kinds",
                      "alt_labels")
    _TOPIC = f"SELECT {', '.join(_TOPIC_COLUMNS)} FROM topics"

    @staticmethod
    def _topic(row: Sequence[Any]) -> Topic:
        from foresight.derived.topics import Topic

        iri, key, label, members, broader, articles, months, first, last, kinds, alt_labels = row
        return Topic(iri, tuple(key.split()), label, json.loads(members), json.loads(broader),
                     set(json.loads(articles)), Counter(json.loads(months)), first, last, Counter(json.loads(kinds)),
                     json.loads(alt_labels))

    def topic_set(self) -> TopicSet:
        """The topics and associations, as :func:`foresight.derived.topics.build_topics` made them."""
        from foresight.derived.topics import Association, TopicSet

        topics = {t.iri: t for t in (self._topic(row) for row in
                                     self.connection.execute(f"{self._TOPIC} ORDER BY id"))}
        of_concept: dict[str, list[str]] = {}
        for topic in topics.values():
            for member in topic.members:
                of_concept.setdefault(member, []).append(topic.iri)
        found = [Association(a, b, support, lift, tuple(json.loads(scans))) for a, b, support, lift, scans in
                 self.connection.execute("SELECT a, b, support, lift, scans FROM associations ORDER BY rowid")]
        return TopicSet(topics, {iri: sorted(held) for iri, held in of_concept.items()}, found)

    def topic_tree(self) -> dict[str, Topic]:
        """Every topic with its label, own members and broader topics only (no articles, months or kinds): what
        :func:`foresight.analytics.influence.topic_members` needs, read without the rest."""
        from foresight.derived.topics import Topic

        return {str(iri): Topic(str(iri), (), str(label), json.loads(members), json.loads(broader))
                for iri, label, members, broader in self.connection.execute(
                    "SELECT iri, label, members, broader FROM topics ORDER BY id")}

    def topic_articles(self, min_articles: int = 1) -> dict[str, tuple[str, set[str]]]:
        """Every topic named in ``min_articles`` articles or more: its label and its articles."""
        return {str(iri): (str(label), set(json.loads(articles))) for iri, label, articles in self.connection.execute(
            "SELECT iri, label, articles FROM topics WHERE narticles >= ? ORDER BY id", (min_articles,))}

    def association_pairs(self) -> list[tuple[str, str, int]]:
        """Every association between topics: (a, b, support), without its evidence."""
        return [(str(a), str(b), int(support)) for a, b, support in
                self.connection.execute("SELECT a, b, support FROM associations ORDER BY rowid")]

    def topic_counts(self, kind: str | None = None) -> list[tuple[str, str, int, int]]:
        """Every topic (with ``kind``: that the rows of that kind hold): IRI, label, articles, and the articles
        whose rows of ``kind`` hold it (all its articles without ``kind``)."""
        if kind:
            rows = self.connection.execute(
                "SELECT t.iri, t.label, t.narticles, k.articles FROM topic_kinds k CROSS JOIN topics t "
                "ON t.id = k.topic WHERE k.kind = ? AND k.articles >= 1 ORDER BY t.id", (kind,))
        else:
            rows = self.connection.execute("SELECT iri, label, narticles, narticles FROM topics ORDER BY id")
        return [(str(iri), str(label), int(articles), int(held)) for iri, label, articles, held in rows]

    def topic_list(self, min_articles: int, limit: int, kind: str | None = None) -> tuple[list[Topic], int]:
        """The topics named in the most articles, most first; with ``kind``, those the rows of that kind
        (driving forces, say) of the most articles hold."""
        if kind:
            total = int(self._one("SELECT COUNT(*) FROM topic_kinds WHERE kind = ? AND articles >= ?", kind,
                                  min_articles))
            rows = self.connection.execute(
                f"SELECT {', '.join('t.' + column for column in self._TOPIC_COLUMNS)} "
                "FROM topic_kinds k CROSS JOIN topics t ON t.id = k.topic WHERE k.kind = ? AND k.articles >= ? "
                "ORDER BY k.articles DESC, t.narticles DESC, t.fold, t.iri LIMIT ?",
                (kind, min_articles, limit)).fetchall()
        else:
            total = int(self._one("SELECT COUNT(*) FROM topics WHERE narticles >= ?", min_articles))
            rows = self.connection.execute(f"{self._TOPIC} WHERE narticles >= ? ORDER BY narticles DESC, fold, iri "
                                           "LIMIT ?", (min_articles, limit)).fetchall()
        return [self._topic(row) for row in rows], total

    def topics_named(self, text: str) -> tuple[list[Topic], bool]:
        """The topics with ``text`` as a wording (case and plurals ignored), most named first, and ``True``; or
        else those whose label holds it, and ``False``."""
        for column, key in (("key", name_key(text)), ("stem", stem_key(text))):
            iris = [iri for iri, kind in self.named(key, column) if kind == "Topic"]
            if iris:
                return sorted(self.topics_by_iri(iris), key=lambda t: (-len(t.articles), t.iri)), True
        rows = self.connection.execute(f"{self._TOPIC} WHERE instr(fold, ?) > 0 ORDER BY narticles DESC LIMIT 20",
                                       (name_key(text),)).fetchall()
        return [self._topic(row) for row in rows], False

    def topics_by_iri(self, iris: Iterable[str]) -> list[Topic]:
        found = []
        for iri in sorted(set(iris)):
            row = self.connection.execute(f"{self._TOPIC} WHERE iri = ?", (iri,)).fetchone()
            if row:
                found.append(self._topic(row))
        return found

    def narrower_topics(self, iri: str) -> list[Topic]:
        """The topics directly under one, most named first."""
        rows = self.connection.execute(f"{self._TOPIC} WHERE instr(broader, ?) > 0 ORDER BY narticles DESC, fold",
                                       (json.dumps(iri),)).fetchall()
        return [topic for topic in (self._topic(row) for row in rows) if iri in topic.broader]

    def topic_associations(self, iri: str) -> list[tuple[str, int, float, list[str]]]:
        """The topics associated with one: (other topic, support, lift, evidence scans), strongest first."""
        rows = self.connection.execute(
            "SELECT b, support, lift, scans FROM associations WHERE a = ? UNION ALL "
            "SELECT a, support, lift, scans FROM associations WHERE b = ?", (iri, iri)).fetchall()
        found = [(str(other), int(support), float(lift), json.loads(scans)) for other, support, lift, scans in rows]
        return sorted(found, key=lambda x: (-x[1] * x[2], x[0]))

    def articles_by_month(self) -> Counter[str]:
        """How many articles each month holds (see :meth:`article_months`); undated articles are left out."""
        return Counter(self.article_months().values())

    def article_months(self) -> dict[str, str]:
        """Each dated article's month (its newest scan's date, as concepts count them)."""
        found: dict[str, str] = {}
        for article, data in self.connection.execute(
                "SELECT e.article, s.data FROM editions e CROSS JOIN scans s ON s.iri = e.scan WHERE e.counts = 1"):
            day = json.loads(data).get("date") if data else None
            if day:
                found[str(article)] = str(day)[:7]
        return found

    def article_counts(self, kinds: list[str] | None = None) -> dict[str, int]:
        """In how many articles each concept (of ``kinds``) is named."""
        clause, args = self._kinds(kinds)
        return {str(iri): int(count) for iri, count in self.connection.execute(
            f"SELECT iri, narticles FROM concepts {('WHERE ' + clause) if clause else ''}", args)}

    def concept_texts(self, kinds: list[str] | None = None) -> list[tuple[str, str, str, str | None, list[str]]]:
        """Every concept (of ``kinds``): IRI, kind, label, the description its node shows, and its articles."""
        clause, args = self._kinds(kinds)
        rows = self.connection.execute(
            "SELECT c.iri, c.kind, c.label, n.description, c.articles FROM concepts c LEFT JOIN nodes n ON n.iri = "
            f"c.iri {('WHERE c.' + clause) if clause else ''} ORDER BY c.id", args).fetchall()
        return [(str(iri), str(kind), str(label), description, json.loads(articles) if articles else [])
                for iri, kind, label, description, articles in rows]

    def relevancies(self) -> dict[str, int]:
        """The highest relevancy of each concept's rows (concepts without any are left out)."""
        return {str(iri): int(value) for iri, value in self.connection.execute(
            "SELECT iri, relevancy FROM nodes WHERE relevancy IS NOT NULL AND type != 'Topic'")}

    def relation_edges(self, relations: Iterable[str]) -> list[tuple[str, str, str, int, list[str]]]:
        """The links of these relations between concepts: (source IRI, target IRI, relation, support, the
        scans of its evidence), in the index's order."""
        wanted = sorted(set(relations))
        rows = self.connection.execute(
            "SELECT a.iri, b.iri, e.relation, e.data FROM edges e CROSS JOIN nodes a ON a.id = e.src "
            f"CROSS JOIN nodes b ON b.id = e.dst WHERE e.relation IN ({', '.join('?' * len(wanted))}) ORDER BY e.id",
            wanted).fetchall()
        found = []
        for source, target, relation, data in rows:
            values = json.loads(data) if data else {}
            scans = values.get("scans") or ([values["scan"]] if values.get("scan") else [])
            found.append((str(source), str(target), str(relation), int(values.get("support") or 1), list(scans)))
        return found

    def concept_level(self, min_articles: int = 1) -> nx.DiGraph[str]:
        """The concepts and topics named in ``min_articles`` articles or more, and every link among them, as a
        plain graph for property-graph exports: on a node its type (kind), label, other wordings, description, articles,
        first and last seen, and its topics (the labels of those it is narrower than); on an edge its relation,
        score, method, support, evidence and up to 5 of its scans."""
        import networkx as nx

        graph: nx.DiGraph[str] = nx.DiGraph()
        for iri, kind, label, alt_labels, narticles, first, last, description in self.connection.execute(
                "SELECT c.iri, c.kind, c.label, c.alt_labels, c.narticles, c.first, c.last, n.description "
                "FROM concepts c LEFT JOIN nodes n ON n.iri = c.iri WHERE c.narticles >= ? ORDER BY c.id",
                (min_articles,)):
            graph.add_node(str(iri), type=str(kind), label=str(label), alt_labels=json.loads(alt_labels or "[]"),
                           description=description, articles=int(narticles), first=first, last=last)
        for iri, label, alt_labels, narticles, first, last in self.connection.execute(
                "SELECT iri, label, alt_labels, narticles, first, last FROM topics WHERE narticles >= ? ORDER BY id",
                (min_articles,)):
            graph.add_node(str(iri), type="Topic", label=str(label), alt_labels=json.loads(alt_labels or "[]"),
                           description=None, articles=int(narticles), first=first, last=last)
        for source, target, relation, score, method, evidence, data in self.connection.execute(
                "SELECT a.iri, b.iri, e.relation, e.score, e.method, e.evidence, e.data FROM edges e "
                "CROSS JOIN nodes a ON a.id = e.src CROSS JOIN nodes b ON b.id = e.dst ORDER BY e.id"):
            if source not in graph or target not in graph:
                continue
            values = json.loads(data) if data else {}
            scans = values.get("evidence_scans") or values.get("scans") or (
                [values["scan"]] if values.get("scan") else [])
            graph.add_edge(str(source), str(target), relation=str(relation), score=score, method=method,
                           evidence=evidence, support=int(values.get("support") or 1), scans=list(scans)[:5])
        labels = {node: data["label"] for node, data in graph.nodes(data=True)}
        for source, target, data in graph.edges(data=True):
            if data["relation"] == "broader" and graph.nodes[target]["type"] == "Topic":
                graph.nodes[source].setdefault("topics", []).append(labels[target])
        return graph

    # ----- search -----------------------------------------------------------------------------------

    def nodes_of_rows(self, rows: Iterable[str]) -> dict[str, tuple[str, str, str]]:
        """The node each row is part of (its concept, at the concepts level): IRI, type and label, by row IRI."""
        found: dict[str, tuple[str, str, str]] = {}
        for row in set(rows):
            hit = self.connection.execute(
                "SELECT nodes.iri, nodes.type, nodes.label FROM row_nodes "
                "CROSS JOIN nodes ON nodes.id = row_nodes.node WHERE row_nodes.row = ?", (row,)).fetchone()
            if hit:
                found[row] = (str(hit[0]), str(hit[1]), str(hit[2]))
        return found

    def search(self, text: str, types: Sequence[str], limit: int) -> list[TextMatch]:
        """Rows and scans whose name or description holds every word of ``text`` (stems and prefixes too).

        A name equal to the text ranks first, then names holding it as a phrase, then
        names holding all its words, then descriptions; ties go to the more relevant.
        """
        words = [word for word in re.findall(r"\w+", text.casefold())]
        if not words:
            return []
        query = " AND ".join('"' + word.replace('"', '""') + '"*' for word in words)
        needle = name_key(text)
        marks = ",".join("?" * len(types))
        best: dict[str, TextMatch] = {}
        stems = [stem(word) for word in words]
        rows = self.connection.execute(
            f"SELECT node, type, label, relevancy, scan FROM texts WHERE texts MATCH ? AND type IN ({marks})",
            (query, *types))
        scored: dict[str, float] = {}  # by label: many rows share one wording
        for node, kind, label, relevancy, scan in rows:
            score = scored.get(label)
            if score is None:
                lowered = name_key(str(label))
                held = tokens(str(label))
                in_label = all(any(word.startswith(s) for word in held) for s in stems)
                score = scored[label] = 3.0 if lowered == needle else 2.0 if needle in lowered else 1.5 if in_label \
                    else 1.0
            match = TextMatch(str(node), str(kind), str(label), score,
                              int(relevancy) if relevancy is not None else None, scan)
            if node not in best or score > best[node].score:
                best[node] = match
        ranked = sorted(best.values(), key=lambda m: (-m.score, -(m.relevancy or 0), m.label, m.node))
        return ranked[:limit]


def _scans_of(attrs: dict[str, Any]) -> set[str]:
    found = set(attrs.get("scan_list") or ())
    if attrs.get("scan"):
        found.add(attrs["scan"])
    for text in attrs.get("texts") or ():
        if text.get("scan"):
            found.add(text["scan"])
    return found


class ConceptNames:
    """The names of an index's concepts (keywords and themes too), for the resolver."""

    def __init__(self, index: GraphIndex, kinds: list[str] | None = None) -> None:
        self.index = index
        self.kinds = kinds
        clause, args = GraphIndex._kinds(kinds)
        self._where = f"AND concepts.{clause}" if clause else ""
        self._args = args

    def has_node(self, iri: str) -> bool:
        return self.index._one("SELECT 1 FROM concepts WHERE iri = ?", iri) is not None

    def node_type(self, iri: str) -> str | None:
        value = self.index._one("SELECT kind FROM concepts WHERE iri = ?", iri)
        return str(value) if value is not None else None

    def named(self, key: str, column: str = "key") -> list[tuple[str, str]]:
        assert column in ("key", "stem")
        rows = self.index.connection.execute(
            f"SELECT DISTINCT concepts.iri, concepts.kind FROM concept_names JOIN concepts ON concepts.id = "
            f"concept_names.concept WHERE concept_names.{column} = ? {self._where} ORDER BY concepts.iri",
            (key, *self._args))
        return [(str(iri), str(kind)) for iri, kind in rows]

    def names_holding(self, key: str) -> list[str]:
        rows = self.index.connection.execute("SELECT DISTINCT key FROM concept_names WHERE instr(key, ?) > 0", (key,))
        return [str(found) for (found,) in rows]

    def name_keys(self) -> list[str]:
        return list(self.index.concept_name_keys(self.kinds))

    def display(self, key: str) -> str:
        value = self.index._one(
            "SELECT concepts.label FROM concept_names JOIN concepts ON concepts.id = concept_names.concept "
            "WHERE concept_names.key = ? ORDER BY concepts.narticles DESC LIMIT 1", key)
        return str(value) if value is not None else key
