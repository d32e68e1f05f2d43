"""Add a few new scans to the derived data in place, instead of building it again.

A full build (:func:`foresight.derived.concepts.build_concepts`, the concept graph and its
index) costs time in proportion to the store: about 30 s for 1,600 scans, 95 s for 10,000.
When an ingest only adds new articles to a store whose derived data is up to date, this
module changes only what the new scans touch, in the concepts index and in the store's
concepts graph, in about a second:

* **Concepts.** Each new row joins the concept of its name key (with the semantic extra, the sense
  of the key that holds its wording or whose rows' descriptions it is near, as
  :func:`foresight.derived.concepts._split_senses` decides; one that would start a sense of its own
  builds in full); else, for names, the concept
  whose key the merger's own comparison (:func:`foresight.merging.compare`, with the term
  weights of the last full build) calls the same within the row's blocks; else, for driving
  forces and outlooks with the semantic extra, the concept of the nearest sentence that passes
  the same thresholds and the group's centroid; else it is a new concept. Counts, months, first
  and last seen, wordings and the preferred wording follow.
* **Topics and associations.** The topics the new wordings hold gain the new article (by
  month and by kind of row); concepts join their most specific topics; each association of
  two topics the new article names apart gains it as support, with its lift computed again;
  so does every other association of a topic that grew, when its lift moves by 1 % or more
  (:data:`LIFT_MOVES`).
* **The concept graph.** Concept nodes, the new rows' links between concepts (support,
  strongest evidence), topic and association links, names, texts for search, chains, and the
  adjacency, patched for the nodes whose links changed.
* **The store's concepts graph.** The units of what changed, and fs:rank where it moved.

A store of fewer than :data:`SMALLEST` articles always builds in full. What waits for the next full
build, which every ingest runs once more than :data:`SHARE` of the articles (at least :data:`LEAST`)
were added this way since the last one, or ``foresight concepts --rebuild``: topics that did not
exist, associations that did not exist, lifts that moved by less than 1 % (and the articles' growth,
a factor (N+1)/N an article), a sentence near both a stored concept and a new one joining only the
nearer (a full build may join all three), new pairs for review by meaning, and a concept's IRI when
its preferred wording changes.

Everything else builds in full: a scan of an article already stored (a revision, a copy), a
new row whose name would join two concepts or swaps roles with a stored wording, an override
naming a new row, a concept a curator renamed, scans removed or changed, another merger, index
or matching mode, and any failure (the index's transaction rolls back; a store already written
is marked incomplete, so the full build reads its concepts graph back).
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foresight.derived.articles import Edition
from foresight.derived.conceptgraph import (
    association_edge,
    concept_node,
    member_edge,
    row_edge,
    row_node,
    row_text,
    topic_edge,
    topic_node,
)
from foresight.derived.index import GraphIndex, _json
from foresight.derived.topics import MAX_EVIDENCE, Association, Topic, _apart, _expand, _held, _inside, wording_terms
from foresight.text import name_key, newest_stamp, stem_key, tokens
from foresight.versions import INDEX_VERSION

if TYPE_CHECKING:
    import networkx as nx
    import numpy as np

    from foresight.derived import Views
    from foresight.derived.concepts import Concept
    from foresight.merging import TermWeights
    from foresight.store.base import Store

#: a store of fewer articles builds in full (in seconds, and exactly)
SMALLEST = 500
#: a full build once the scans added in place since the last one pass this share of the articles ...
SHARE = 0.02
#: ... or this many, whichever is more
LEAST = 20


#: the lift of an association the new articles do not name is computed again when it moves by this share
LIFT_MOVES = 0.01


class FullBuild(Exception):
    """Why these scans cannot be added in place (a full build follows)."""


@dataclass
class _Change:
    """What one run adds: new rows by concept, new concepts, matches, review pairs."""

    #: concept index id (existing) or negative number (new) -> its new rows (node, wording, scan)
    rows: dict[int, list[tuple[str, str, str]]] = field(default_factory=dict)
    #: new concepts: negative number -> (kind, first key, first wording)
    new: dict[int, tuple[str, tuple[str, ...], str]] = field(default_factory=dict)
    #: new keys: (kind, key, concept number, wording)
    keys: list[tuple[str, tuple[str, ...], int, str]] = field(default_factory=list)
    #: (row, concept number, relation, score, method, evidence)
    matches: list[tuple[str, int, str, float, str, str]] = field(default_factory=list)
    #: (concept number, concept number, kind, score, method, evidence)
    review: list[tuple[int, int, str, float, str, str]] = field(default_factory=list)
    #: vocabulary rows seen again: concept id -> (scan, the wording it uses)
    scans_only: dict[int, set[tuple[str, str]]] = field(default_factory=dict)


def add_scans(derived: Views, added: Sequence[str]) -> str | None:
    """Add the scan graphs ``added`` (just written, all new articles) to the derived data in place.

    Returns:
        ``None`` when done; else why a full build is needed (nothing was changed then).
    """
    from foresight.derived.projection import assemble

    store = derived.store
    if derived.folder is None or not added:
        return "a store in memory" if derived.folder is None else "nothing added"
    path = derived.folder / "concepts.sqlite"
    if not path.exists():
        return "no concepts index yet"
    chosen = sorted(set(added))
    digests, hashes = derived.scan_state()
    if any(graph not in hashes for graph in chosen):
        return "a scan graph added is not in the store"
    before = derived.key_of({graph: content for graph, content in hashes.items() if graph not in set(chosen)})
    after = derived.key_of(hashes)
    connection = sqlite3.connect(str(path), timeout=10)
    try:
        meta = dict(connection.execute("SELECT name, value FROM meta").fetchall())
        from foresight.derived import _versions
        from foresight.derived.concepts import CONCEPTS_GRAPH, concepts_marker

        if (meta.get("version") != INDEX_VERSION or meta.get("key") != before or meta.get("versions") != _versions()
                or meta.get("rules") != derived._rules_digest):
            return "the concepts index is not that of the store before these scans"
        if store.digest_of(CONCEPTS_GRAPH) != concepts_marker(before):
            return "the concepts graph is not that of the store before these scans"
        articles = int(connection.execute("SELECT COUNT(DISTINCT article) FROM editions").fetchone()[0])
        if articles < SMALLEST:
            return f"a store of {articles} articles (a full build takes a few seconds)"
        since = int(meta.get("added") or 0) + len(chosen)
        if since > max(LEAST, SHARE * articles):
            return f"{since} scans added since the last full build"
        pieces = derived.pieces.load_some({graph: digests[graph] for graph in chosen}, store.generation().unscoped)
        if len(pieces) != len(chosen):
            return "the projection of a scan added is not at hand"
        graph = assemble(pieces[name] for name in chosen)
        adder = _Adder(derived, connection, graph, meta)
        try:
            adder.run(before, after, len(chosen))
        except FullBuild as reason:
            connection.rollback()
            return str(reason)
        except Exception as error:  # whatever it was, the full build that follows is the reference
            connection.rollback()
            if adder.store_written:  # the store is ahead of the index: have the full build read the graph back
                _mark_incomplete(store, after)
            return f"adding in place failed ({type(error).__name__}: {error})"
    finally:
        connection.close()
    derived.forget(after)
    return None


def _mark_incomplete(store: Store, key: str) -> None:
    """Mark the store's concepts graph incomplete, so that the next build compares it line by line."""
    from foresight.derived.concepts import INCOMPLETE, _marker_line, concepts_marker

    store.apply_changes(deletes=_marker_line(concepts_marker(key)), inserts=_marker_line(INCOMPLETE))


def unindexed(derived: Views) -> list[str]:
    """The scan graphs in the store that the concepts index lacks, when it lacks nothing else (an ingest cut short
    between writing scans and adding them)."""
    from foresight.vocab import ID, SCAN_GRAPH_PREFIX

    if derived.folder is None or not (derived.folder / "concepts.sqlite").exists():
        return []
    try:
        connection = sqlite3.connect(f"file:{derived.folder / 'concepts.sqlite'}?mode=ro", uri=True)
        try:
            indexed = {str(scan).replace(ID + "scan/", SCAN_GRAPH_PREFIX, 1)
                       for (scan,) in connection.execute("SELECT scan FROM editions")}
        finally:
            connection.close()
    except sqlite3.Error:
        return []
    present = set(derived.store.scan_digests())
    return sorted(present - indexed) if indexed <= present else []


class _Adder:
    """One in-place addition: reads what it needs from the index, writes the changes in one transaction."""

    def __init__(self, derived: Views, connection: sqlite3.Connection, graph: nx.DiGraph[str],
                 meta: Mapping[str, str]) -> None:
        self.derived = derived
        self.db = connection
        #: the index's own readers, over the connection being written
        self.index = GraphIndex(connection, "concepts", None)
        self.graph = graph
        self.meta = meta
        self.scans: dict[str, dict[str, Any]] = graph.graph.get("scans", {})
        # (iter(): the stubs type the data view as a set of nodes, not of (node, data) pairs)
        self.rows_data: dict[str, dict[str, Any]] = dict(iter(graph.nodes(data=True)))
        self.by_kind = self._new_rows()
        self.change = _Change()
        self._weights: dict[str, TermWeights] = {}
        #: whether the store's concepts graph was changed (the index must then follow, or be built again)
        self.store_written = False
        #: the nodes whose links changed (their neighbours in the adjacency are read again)
        self.ends: set[int] = set()
        #: each sentence kind's stored keys: their concepts, wordings and vectors (read when first needed)
        self._sentences: dict[str, tuple[list[int], list[str], np.ndarray]] = {}
        #: concept IRIs given in this run
        self._iris: set[str] = set()

    # ----- reading ----------------------------------------------------------------------------------

    def one(self, sql: str, *args: Any) -> Any:
        row = self.db.execute(sql, args).fetchone()
        return row[0] if row else None

    def weights(self, kind: str) -> TermWeights:
        from foresight.merging import TermWeights

        if kind not in self._weights:
            rows = dict(self.db.execute("SELECT term, weight FROM term_weights WHERE kind = ?", (kind,)).fetchall())
            default = rows.pop("", None)
            self._weights[kind] = TermWeights(rows, default if default is not None else TermWeights().default)
        return self._weights[kind]

    # ----- the run ----------------------------------------------------------------------------------

    def run(self, before: str, after: str, count: int) -> None:
        found = self._editions()
        self._check_overrides()
        self._assign()
        self._write(found, before, after, count)

    def _editions(self) -> dict[str, Edition]:
        """The new scans as editions of new articles; a scan of a stored article builds in full."""
        stored_articles: set[str] = set()
        stored_bodies: set[str] = set()
        for (data,) in self.db.execute("SELECT data FROM scans"):
            meta = json.loads(data)
            if meta.get("article"):
                stored_articles.add(str(meta["article"]))
            if meta.get("body"):
                stored_bodies.add(str(meta["body"]))
        found: dict[str, Edition] = {}
        seen: set[str] = set()
        for scan, meta in sorted(self.scans.items()):
            article, body = str(meta.get("article") or scan), str(meta.get("body") or "")
            if article in stored_articles or (body and body in stored_bodies) or article in seen or (
                    body and body in seen):
                raise FullBuild("a scan added is of an article already stored")
            seen |= {article, body} - {""}
            found[scan] = Edition(article, True, None)
        return found

    def _check_overrides(self) -> None:
        from foresight.merging import name_terms

        overrides = self.derived.overrides
        named = {(kind, name_terms(name)) for kind, names in (*overrides.merge, *overrides.never)
                 for name in names} | {(kind, name_terms(name)) for kind, name, _ in overrides.rename}
        if any((kind, name_terms(label)) in named for kind, rows in self.by_kind.items() for _, label, _ in rows):
            raise FullBuild("an override names a row added")

    def _new_rows(self) -> dict[str, list[tuple[str, str, str]]]:
        """The new rows by kind, as (row, wording, scan); a keyword or theme is a row of the scan using it."""
        from foresight.derived.concepts import VOCABULARY_KINDS
        from foresight.vocab import CONCEPT_KINDS, concept_iri

        by_kind: dict[str, list[tuple[str, str, str]]] = {}
        for node, data in sorted(self.rows_data.items()):
            kind = data.get("type")
            if kind in CONCEPT_KINDS:
                by_kind.setdefault(str(kind), []).append((node, " ".join(str(data.get("label", "")).split()),
                                                          str(data.get("scan"))))
        for kind, field_name in VOCABULARY_KINDS.items():
            for scan, meta in sorted(self.scans.items()):
                for label in meta.get(field_name) or ():
                    by_kind.setdefault(kind, []).append((concept_iri(kind, label), " ".join(label.split()), scan))
        return by_kind

    # ----- concepts -----------------------------------------------------------------------------------

    def _assign(self) -> None:
        """Give each new row its concept (see the module docstring)."""
        from foresight.derived.concepts import SENTENCE_KINDS, VOCABULARY_KINDS
        from foresight.merging import name_terms, reversed_roles

        by_kind = self.by_kind
        vectors = self.derived.vectors()
        if vectors is not None:  # the new sentences embedded at once (each then read from the cache)
            vectors(sorted({label for kind in SENTENCE_KINDS for _, label, _ in by_kind.get(kind, [])}))
        for kind in sorted(by_kind):
            taken: dict[tuple[str, ...], int] = {}  # keys given a concept in this run
            worded: dict[tuple[str, ...], list[str]] = {}
            for node, label, scan in by_kind[kind]:
                key = name_terms(label)
                number = taken.get(key)
                for other in worded.get(key, []):
                    if reversed_roles(label, other):
                        raise FullBuild(f"'{label}' swaps the roles of '{other}'")
                worded.setdefault(key, []).append(label)
                if number is None:
                    number = self._concept_of(kind, key, node, label,
                                              vectors if kind not in VOCABULARY_KINDS else None)
                    taken[key] = number
                if kind in VOCABULARY_KINDS and number >= 0 and self.one(
                        "SELECT 1 FROM concepts WHERE id = ? AND rows LIKE ?", number, f'%"{node}"%'):
                    self.change.scans_only.setdefault(number, set()).add((scan, label))  # a keyword used again
                    continue
                held = self.change.rows.setdefault(number, [])
                if kind in VOCABULARY_KINDS and any(row == node for row, _, _ in held):
                    self.change.scans_only.setdefault(number, set()).add((scan, label))
                    continue
                held.append((node, label, scan))

    def _concept_of(self, kind: str, key: tuple[str, ...], node: str, label: str, vectors: Any) -> int:
        """The concept (index id, or a new negative number) a new row of name key ``key`` joins."""
        from foresight.derived.concepts import SENTENCE_KINDS
        from foresight.merging import LIKELY, SENSE_MARK, compare, reversed_roles

        text = _json(list(key))
        row = self.db.execute("SELECT concept, root FROM concept_keys WHERE kind = ? AND key = ?",
                              (kind, text)).fetchone()
        senses: list[int] = []  # the concepts of the key's other senses (concepts._split_senses)
        for other, concept in self.db.execute("SELECT key, concept FROM concept_keys WHERE kind = ? AND key > ? AND "
                                              "key < ? ORDER BY key", (kind, text[:-1] + ',"\\u0000',
                                                                       text[:-1] + ',"\\u0001')):
            if not str(json.loads(other)[-1]).startswith(SENSE_MARK):
                raise FullBuild(f"'{label}' has the terms of names kept apart by their roles")
            senses.append(int(concept))
        if row is not None:
            concept = int(row[0])
            stored = self.db.execute("SELECT label, alt_labels FROM concepts WHERE id = ?", (concept,)).fetchone()
            for wording in (stored[0], *json.loads(stored[1])) if stored else ():
                if reversed_roles(label, wording):
                    raise FullBuild(f"'{label}' swaps the roles of '{wording}'")
            if vectors is not None and kind not in SENTENCE_KINDS:
                sense = self._sense_of(key, [concept, *senses], node, label, vectors)
                if sense != concept:
                    return sense
            if not row[1]:
                root = self.one("SELECT key FROM concept_keys WHERE concept = ? AND root = 1", concept)
                if root is not None:
                    verdict = compare(key, tuple(json.loads(root)), self.weights(kind))
                    self.change.matches.append((node, concept, "exactMatch", verdict.score,
                                                verdict.method if verdict.same else "fuzzy-name, through a closer "
                                                "wording", verdict.evidence))
            return concept
        if kind in SENTENCE_KINDS:
            joined = self._nearest_sentence(kind, label, vectors) if vectors is not None else None
            ours = self._nearest_new_sentence(kind, label, vectors) if vectors is not None else None
            if joined is not None and ours is not None:
                # near a stored sentence and one of this run's: it joins the nearer (a full build may join all three
                # when their centroids stay close)
                joined = max(joined, ours, key=lambda found: found[1])
            joined = joined or ours
            if joined is not None:
                concept, cosine, partner = joined
                from foresight.derived.embeddings import MODEL

                self.change.matches.append((node, concept, "exactMatch", cosine, "semantic",
                                            f"cosine {cosine:.2f} with '{partner}' ({MODEL})"))
                self.change.keys.append((kind, key, concept, label))
                return concept
            return self._new_concept(kind, key, label)
        same: dict[int, tuple[float, str, str]] = {}
        likely: dict[int, tuple[float, str, str]] = {}
        weight = self.weights(kind)
        run_keys = [(other, number, wording) for k, other, number, wording in self.change.keys if k == kind]
        for other, concept, wording in [*self._candidates(kind, key, weight), *run_keys]:
            verdict = compare(key, other, weight)
            if verdict.score < LIKELY:
                continue
            from foresight.derived.concepts import LIKELY_SCOPED, _scope
            from foresight.merging import Pair, Verdict

            scope = _scope(Pair(key, other, verdict), {key: {label}, other: {wording}}) if verdict.same else None
            if verdict.same and scope is None:
                if verdict.score > same.get(concept, (-1.0, "", ""))[0]:
                    same[concept] = (verdict.score, verdict.method, verdict.evidence)
            else:
                score = min(verdict.score, LIKELY_SCOPED) if scope else verdict.score
                evidence = f"{verdict.evidence}; {scope}" if scope else verdict.evidence
                if score > likely.get(concept, (-1.0, "", ""))[0]:
                    likely[concept] = (score, Verdict(score, verdict.method, evidence).method, evidence)
        if len(same) > 1:
            raise FullBuild(f"'{label}' would join {len(same)} concepts into one")
        if same:
            concept, (score, method, evidence) = next(iter(same.items()))
            self.change.matches.append((node, concept, "exactMatch", score, method, evidence))
            self.change.keys.append((kind, key, concept, label))
            return concept
        number = self._new_concept(kind, key, label)
        for concept, (score, method, evidence) in sorted(likely.items(), key=lambda item: -item[1][0]):
            self.change.review.append((number, concept, kind, score, method, evidence))
            self.change.matches.append((node, concept, "closeMatch", score, method, evidence))
        return number

    def _sense_of(self, key: tuple[str, ...], concepts: list[int], node: str, label: str, vectors: Any) -> int:
        """Which sense of a stored key (``concepts``: the first sense's concept, then the others') a new row
        joins, as :func:`foresight.derived.concepts._split_senses` would put it: the sense holding its wording;
        else the nearest whose rows' "name: description" centroid it reaches (``SENSE_SAME``, or
        ``MARKED_SAME`` when it differs from one of the sense's wordings in markers only); an undescribed row
        joins the first. Builds in full when it would start a sense of its own."""
        from foresight.derived.concepts import DESCRIBED_ROWS, SENSE_SAME, described, sense_floor
        from foresight.merging import name_form, name_terms

        mine = described(label, self.rows_data[node].get("description"))
        form = name_form(label)
        forms: list[dict[tuple[str, ...], list[str]]] = []
        for concept in concepts:
            data = self.one("SELECT n.data FROM nodes n JOIN concepts c ON n.iri = c.iri WHERE c.id = ?", concept)
            by_form: dict[tuple[str, ...], list[str]] = {}
            for text in sorted((json.loads(data).get("texts") or []) if data else [], key=lambda t: str(t["row"])):
                wording = " ".join(str(text.get("label") or "").split())
                if name_terms(wording) != key:
                    continue
                kept = by_form.setdefault(name_form(wording), [])
                row_text = described(wording, text.get("description"))
                if row_text and len(kept) < DESCRIBED_ROWS:
                    kept.append(row_text)
            if form in by_form:
                return concept
            forms.append(by_form)
        if mine is None:
            return concepts[0]
        import numpy as np

        stored = [text for by_form in forms for texts in by_form.values() for text in texts]
        matrix = vectors([*stored, mine]) if stored else None
        best, nearest, chosen, start = -2.0, -2.0, None, 0
        for concept, by_form in zip(concepts, forms, strict=True):
            count = sum(len(texts) for texts in by_form.values())
            floor = sense_floor(form, by_form)
            if count and matrix is not None:
                centre = matrix[start:start + count].sum(axis=0)
                cosine = float(matrix[-1] @ centre) / float(np.linalg.norm(centre))
            else:
                cosine = 1.0 if floor < SENSE_SAME or concept == concepts[0] else -2.0
            start += count
            nearest = max(nearest, cosine)
            if cosine >= floor and cosine > best:
                best, chosen = cosine, concept
        if chosen is None:
            raise FullBuild(f"'{label}' may name another sense of its terms (its description's cosine {nearest:.2f}"
                            " at best)")
        return chosen

    def _candidates(self, kind: str, key: tuple[str, ...], weight: TermWeights
                    ) -> list[tuple[tuple[str, ...], int, str]]:
        """The stored keys sharing a blocking term with ``key`` (as :func:`foresight.merging.candidate_pairs`)."""
        from foresight.merging import MAX_BLOCK, key_blocks

        found: dict[int, tuple[tuple[str, ...], int, str]] = {}
        for term in key_blocks(key, weight):
            if int(self.one("SELECT COUNT(*) FROM key_blocks WHERE kind = ? AND term = ?", kind, term)) >= MAX_BLOCK:
                continue
            for number, other, concept, wording in self.db.execute(
                    "SELECT k.rowid, k.key, k.concept, k.wording FROM key_blocks b CROSS JOIN concept_keys k "
                    "ON k.rowid = b.key WHERE b.kind = ? AND b.term = ?", (kind, term)):
                found[int(number)] = (tuple(json.loads(other)), int(concept), str(wording))
        return [found[number] for number in sorted(found)]

    def _nearest_sentence(self, kind: str, label: str, vectors: Any) -> tuple[int, float, str] | None:
        """The concept of the stored sentence nearest ``label``, when it passes the merger's thresholds."""
        import numpy as np

        from foresight.derived.concepts import sentence_thresholds

        if kind not in self._sentences:
            rows = self.db.execute("SELECT rowid, concept, wording FROM concept_keys WHERE kind = ? ORDER BY rowid",
                                   (kind,)).fetchall()
            concepts, texts = [int(row[1]) for row in rows], [str(row[2]) for row in rows]
            matrix = kept_vectors(self.db, kind, [int(row[0]) for row in rows])
            if matrix is None:
                matrix = vectors(texts) if texts else np.zeros((0, 384), np.float32)
            self._sentences[kind] = (concepts, texts, matrix)
        concepts, texts, matrix = self._sentences[kind]
        if not texts:
            return None
        vector = vectors([label])[0]
        cosines = matrix @ vector
        best = int(np.argmax(cosines))
        same, group = sentence_thresholds(kind)
        if float(cosines[best]) < same:
            return None
        members = [number for number, concept in enumerate(concepts) if concept == concepts[best]]
        centre = matrix[members].astype(np.float64).sum(axis=0)
        if float(centre @ vector) / float(np.linalg.norm(centre)) < group:
            return None
        return concepts[best], round(float(cosines[best]), 4), texts[best]

    def _keep_sentences(self) -> None:
        """Keep the sentence vectors with the keys just added (the next addition reads them from the index)."""
        for kind, (_, texts, matrix) in self._sentences.items():
            rowids = [int(row[0]) for row in self.db.execute("SELECT rowid FROM concept_keys WHERE kind = ? "
                                                             "ORDER BY rowid", (kind,))]
            new = [(wording, number) for k, _, number, wording in self.change.keys if k == kind]
            if len(rowids) != len(texts) + len(new):
                continue
            import numpy as np

            vectors = self.derived.vectors()
            extra = vectors([wording for wording, _ in new]) if new and vectors is not None else None
            whole = np.concatenate([matrix, extra]) if extra is not None else matrix
            keep_vectors(self.db, kind, rowids, whole)

    def _nearest_new_sentence(self, kind: str, label: str, vectors: Any) -> tuple[int, float, str] | None:
        """The new concept of this run whose sentence is nearest ``label``, when it passes the thresholds."""
        from foresight.derived.concepts import sentence_thresholds

        ours = [(number, wording) for k, _, number, wording in self.change.keys if k == kind]
        if not ours:
            return None
        matrix = vectors([wording for _, wording in ours])
        vector = vectors([label])[0]
        cosines = matrix @ vector
        best = int(cosines.argmax())
        if float(cosines[best]) < sentence_thresholds(kind)[0]:
            return None
        return ours[best][0], round(float(cosines[best]), 4), ours[best][1]

    def _new_concept(self, kind: str, key: tuple[str, ...], label: str) -> int:
        number = -1 - len(self.change.new)
        self.change.new[number] = (kind, key, label)
        self.change.keys.append((kind, key, number, label))
        return number

    # ----- writing ------------------------------------------------------------------------------------

    def _write(self, found: dict[str, Edition], before: str, after: str, count: int) -> None:

        db = self.db
        old: dict[int, Concept] = {}
        concepts: dict[int, Concept] = {}
        ids: dict[int, int] = {}  # concept number -> concepts.id
        touched = sorted(set(self.change.rows) | set(self.change.scans_only))
        for number in touched:
            if number >= 0:
                old[number] = self.index._concept(db.execute(f"{GraphIndex._CONCEPT} WHERE id = ?",
                                                             (number,)).fetchone())
                ids[number] = number
        next_concept = int(self.one("SELECT COALESCE(MAX(id), -1) FROM concepts")) + 1
        for number in sorted(self.change.new, reverse=True):
            ids[number] = next_concept
            next_concept += 1
        # node data of the touched concepts (their rows' texts) and the new rows' texts
        node_of_concept: dict[int, int] = {}
        node_data: dict[int, dict[str, Any]] = {}
        for number in touched:
            if number in old:
                node = self.one("SELECT id FROM nodes WHERE iri = ?", old[number].iri)
                if node is not None:
                    node_of_concept[number] = int(node)
                    node_data[int(node)] = json.loads(self.one("SELECT data FROM nodes WHERE id = ?", node))
        dates = {scan: meta.get("date") for scan, meta in self.scans.items()}
        for number in touched:
            concepts[number] = self._updated(number, old.get(number), node_data.get(node_of_concept.get(number, -1)),
                                             found, dates)
        # the concepts table and its companions (fs:rank as it stood first: the store's units say it)
        self.ranked_before = self._ranked(sorted({c.kind for c in concepts.values()}))
        self._write_concepts(concepts, old, ids, found)
        # topics and associations
        topic_change = self._topics(concepts, ids, found, dates)
        # the concept graph
        self._write_graph(concepts, ids, node_of_concept, node_data, topic_change, old)
        steep = self._steep(concepts, old, ids)
        # the store's concepts graph, then the index's stamp
        self._keep_sentences()
        db.execute("UPDATE meta SET value = ? WHERE name = 'key'", (after,))
        db.execute("DELETE FROM meta WHERE name = 'added'")
        db.execute("INSERT INTO meta VALUES ('added', ?)", (str(int(self.meta.get("added") or 0) + count),))
        # everything that can fail is done: the store's transaction, then the index's (held open till now)
        self._write_store(concepts, old, ids, topic_change, found, before, after, steep)
        self.store_written = True
        db.execute("UPDATE meta SET value = ? WHERE name = 'generation'",
                   (self.derived.store.generation().generation,))
        db.commit()

    def _updated(self, number: int, concept: Concept | None, data: dict[str, Any] | None,
                 found: Mapping[str, Edition], dates: Mapping[str, Any]) -> Concept:
        """The concept with its new rows: wordings, preferred wording, scans, articles, months."""
        from foresight.derived.concepts import Concept
        from foresight.vocab import CONCEPT_KINDS, ID, slug

        new_rows = self.change.rows.get(number, [])
        if concept is None:
            kind, _, label = self.change.new[number]
            concept = Concept("", kind, label, [], [])
        wordings: Counter[str] = Counter()
        if data is not None and data.get("texts"):
            wordings.update(" ".join(str(text.get("label") or "").split()) for text in data["texts"])
        elif concept.rows:
            wordings.update([concept.label, *concept.alt_labels])
        wordings.update(label for _, label, _ in new_rows)
        preferred = min(wordings, key=lambda w: (-wordings[w], len(w), w))
        if concept.label in self._renamed():
            raise FullBuild(f"'{concept.label}' is a curator's name")
        scans = set(concept.scans) | {scan for _, _, scan in new_rows} | {
            scan for scan, _ in self.change.scans_only.get(number, set())}
        added = {scan for scan in scans - concept.scans}
        articles = set(concept.articles) | {found[scan].article for scan in added if scan in found}
        months = Counter(concept.months)
        days = [day for day in (concept.first, concept.last) if day]
        for scan in sorted(added):
            if dates.get(scan):
                months[str(dates[scan])[:7]] += 1
                days.append(str(dates[scan]))
        iri = concept.iri
        if not iri:
            stem_iri = f"{ID}concept/{CONCEPT_KINDS[concept.kind]}/{slug(preferred)}"
            iri, suffix = stem_iri, 1
            while self.one("SELECT 1 FROM concepts WHERE iri = ?", iri) or iri in self._iris:
                suffix += 1
                iri = f"{stem_iri}-{suffix}"
            self._iris.add(iri)
        return Concept(iri, concept.kind, preferred, sorted(w for w in wordings if w != preferred),
                       sorted([*concept.rows, *(row for row, _, _ in new_rows)]), scans, months,
                       min(days) if days else None, max(days) if days else None, articles)

    def _renamed(self) -> set[str]:
        return {to for _, _, to in self.derived.overrides.rename}

    def _write_concepts(self, concepts: Mapping[int, Concept], old: Mapping[int, Concept], ids: Mapping[int, int],
                        found: Mapping[str, Edition]) -> None:
        db = self.db
        for number, c in concepts.items():
            values = (c.iri, c.kind, c.label, c.label.casefold(), _json(c.alt_labels), _json(c.rows),
                      _json(sorted(c.scans)), _json(dict(sorted(c.months.items()))), c.first, c.last, len(c.scans),
                      len(c.rows),
                      _json(sorted(c.articles)), len(c.articles))
            if number in old:
                db.execute("UPDATE concepts SET iri = ?, kind = ?, label = ?, fold = ?, alt_labels = ?, rows = ?, "
                           "scans = ?, months = ?, first = ?, last = ?, nscans = ?, nrows = ?, articles = ?, "
                           "narticles = ? WHERE id = ?", (*values, number))
            else:
                db.execute("INSERT INTO concepts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           (ids[number], *values))
            db.execute("DELETE FROM concept_names WHERE concept = ?", (ids[number],))
            db.executemany("INSERT INTO concept_names VALUES (?, ?, ?)", [
                (name_key(label), stem_key(label), ids[number]) for label in {c.label, *c.alt_labels}])
            db.execute("DELETE FROM concept_months WHERE concept = ?", (ids[number],))
            db.executemany("INSERT INTO concept_months VALUES (?, ?, ?)",
                           [(ids[number], month, value) for month, value in c.months.items()])
        db.executemany("INSERT INTO editions VALUES (?, ?, ?, ?)",
                       [(scan, e.article, int(e.counts), e.revision_of) for scan, e in sorted(found.items())])
        iri_of = {number: concepts[number].iri for number in concepts}
        db.executemany("INSERT INTO matches VALUES (?, ?, ?, ?, ?, ?)", [
            (row, iri_of.get(number) or self.one("SELECT iri FROM concepts WHERE id = ?", ids.get(number, number)),
             relation, score, method, evidence) for row, number, relation, score, method, evidence in
            self.change.matches])
        position = int(self.one("SELECT COALESCE(MAX(position), -1) FROM review")) + 1
        for a, b, kind, score, method, evidence in self.change.review:
            left = iri_of.get(a) or self.one("SELECT iri FROM concepts WHERE id = ?", ids.get(a, a))
            right = iri_of.get(b) or self.one("SELECT iri FROM concepts WHERE id = ?", ids.get(b, b))
            db.execute("INSERT INTO review VALUES (?, ?, ?, ?, ?, ?, ?)", (position, left, right, kind, score, method,
                                                                           evidence))
            position += 1
        from foresight.merging import key_blocks

        for kind, key, number, wording in self.change.keys:
            db.execute("INSERT INTO concept_keys(kind, key, concept, wording, root) VALUES (?, ?, ?, ?, ?)",
                       (kind, _json(list(key)), ids.get(number, number), wording, int(number < 0)))
            rowid = db.execute("SELECT last_insert_rowid()").fetchone()[0]
            if self.one("SELECT 1 FROM term_weights WHERE kind = ? LIMIT 1", kind):
                db.executemany("INSERT INTO key_blocks VALUES (?, ?, ?)",
                               [(kind, term, rowid) for term in key_blocks(key, self.weights(kind))])

    # ----- topics ---------------------------------------------------------------------------------------

    def _topics(self, concepts: Mapping[int, Concept], ids: Mapping[int, int], found: Mapping[str, Edition],
                dates: Mapping[str, Any]) -> _TopicChange:
        """The topics the new wordings name, the concepts' topics, and the associations the new articles touch."""
        db = self.db
        keys = {tuple(str(key).split()): str(iri) for iri, key in db.execute("SELECT iri, key FROM topics")}
        change = _TopicChange()
        named_by: dict[tuple[str, str], set[tuple[str, str]]] = {}  # (article, topic) -> (concept, wording)
        by_kind: dict[tuple[str, str], set[str]] = {}
        for number, concept in concepts.items():
            # the new rows' wordings, and a keyword used again in its own wording
            used = [(scan, label) for _, label, scan in self.change.rows.get(number, [])]
            for scan, text in [*used, *sorted(self.change.scans_only.get(number, set()))]:
                edition = found.get(scan)
                if edition is None:
                    continue
                for key in _held(wording_terms(text)[0], keys):
                    named_by.setdefault((edition.article, keys[key]), set()).add((concept.iri, text))
                    by_kind.setdefault((keys[key], concept.kind), set()).add(edition.article)
        touched = sorted({topic for _, topic in named_by})
        for iri in touched:
            change.before[iri] = self._topic(iri)
        # each concept touched under its most specific topics
        for concept in concepts.values():
            held: set[tuple[str, ...]] = set()
            for text in (concept.label, *concept.alt_labels):
                held |= _held(wording_terms(text)[0], keys)
            expanded = {key: _expand(key) for key in held}
            specific = sorted(keys[k] for k in held if not any(_inside(expanded[k], expanded[o]) for o in held))
            previous = sorted(str(iri) for (iri,) in db.execute(
                "SELECT t.iri FROM nodes c CROSS JOIN edges e ON e.src = c.id CROSS JOIN nodes t ON t.id = e.dst "
                "WHERE c.iri = ? AND e.relation = 'broader' AND t.type = 'Topic'", (concept.iri,)))
            change.of_concept_before[concept.iri] = previous
            change.of_concept[concept.iri] = specific
            for iri in set(previous) ^ set(specific):
                if iri not in change.before:
                    change.before[iri] = self._topic(iri)
        after = {iri: _copy_topic(topic) for iri, topic in change.before.items()}
        for (article, iri), _ in named_by.items():
            topic = after[iri]
            if article not in topic.articles:
                topic.articles.add(article)
                scan = next(s for s, e in found.items() if e.article == article)
                day = dates.get(scan)
                if day:
                    topic.months[str(day)[:7]] += 1
                    topic.first = min(filter(None, (topic.first, str(day))))
                    topic.last = max(filter(None, (topic.last, str(day))))
        for (iri, kind), articles in by_kind.items():
            after[iri].kinds[kind] += len(articles)
        for member, specific in change.of_concept.items():
            for iri in set(change.of_concept_before[member]) - set(specific):
                after[iri].members = [m for m in after[iri].members if m != member]
            for iri in set(specific) - set(change.of_concept_before[member]):
                after[iri].members = sorted({*after[iri].members, member})
        change.after = after
        for iri, topic in after.items():
            number = self.one("SELECT id FROM topics WHERE iri = ?", iri)
            db.execute("UPDATE topics SET members = ?, articles = ?, narticles = ?, months = ?, first = ?, last = ?, "
                       "kinds = ? WHERE id = ?", (_json(topic.members), _json(sorted(topic.articles)),
                                                  len(topic.articles), _json(dict(sorted(topic.months.items()))),
                                                  topic.first,
                                                  topic.last, _json(dict(topic.kinds)), number))
            db.execute("DELETE FROM topic_kinds WHERE topic = ?", (number,))
            db.executemany("INSERT INTO topic_kinds VALUES (?, ?, ?)",
                           [(number, kind, value) for kind, value in topic.kinds.items()])
        def size(iri: str) -> int:
            """A topic's articles now."""
            return len(after[iri].articles) if iri in after else int(self.one(
                "SELECT narticles FROM topics WHERE iri = ?", iri))

        # associations: each stored pair the new articles name apart gains support
        total = int(self.meta.get("topic_articles") or 0)
        articles_named = {article for article, _ in named_by}
        total += len(articles_named)
        counting = {e.article: scan for scan, e in found.items()}
        for article in sorted(articles_named):
            named = sorted(topic for (a, topic) in named_by if a == article)
            for i, a in enumerate(named):
                for b in named[i + 1:]:
                    if not _apart(_numbers(named_by[article, a]), _numbers(named_by[article, b])):
                        continue
                    row = db.execute("SELECT rowid, support, lift, scans FROM associations WHERE a = ? AND b = ?",
                                     (a, b)).fetchone()
                    if row is None:
                        continue
                    rowid, support, lift, scans = row
                    stored = Association(a, b, int(support), float(lift), tuple(json.loads(scans)))
                    change.associations_before.setdefault(rowid, stored)
                    current = change.associations.get(rowid, stored)
                    evidence = self._newest_first([*current.scans, counting[article]])[:MAX_EVIDENCE]
                    sizes = size(a) * size(b)
                    lift = round(total * (current.support + 1) / sizes, 3) if sizes else current.lift
                    change.associations[rowid] = Association(a, b, current.support + 1, lift, tuple(evidence))
        # and every other association of a topic whose articles changed: its lift, again
        sized = {iri for iri, topic in after.items() if len(topic.articles) != len(change.before[iri].articles)}
        for iri in sorted(sized):
            for rowid, a, b, support, lift, scans in db.execute(
                    "SELECT rowid, a, b, support, lift, scans FROM associations WHERE a = ? OR b = ?", (iri, iri)
                    ).fetchall():
                if rowid in change.associations:
                    continue
                sizes = size(a) * size(b)
                again = round(total * int(support) / sizes, 3) if sizes else float(lift)
                if abs(again - float(lift)) < LIFT_MOVES * float(lift):
                    continue  # a big topic grown by an article: left for the next full build
                stored = Association(a, b, int(support), float(lift), tuple(json.loads(scans)))
                change.associations_before[rowid] = stored
                change.associations[rowid] = Association(a, b, stored.support, again, stored.scans)
        for rowid, association in change.associations.items():
            db.execute("UPDATE associations SET support = ?, lift = ?, scans = ? WHERE rowid = ?",
                       (association.support, association.lift, _json(association.scans), rowid))
        db.execute("DELETE FROM meta WHERE name = 'topic_articles'")
        db.execute("INSERT INTO meta VALUES ('topic_articles', ?)", (str(total),))
        return change

    def _topic(self, iri: str) -> Topic:
        return self.index.topics_by_iri([iri])[0]

    def _newest_first(self, scans: Iterable[str]) -> list[str]:
        """Scans newest first (page date, then IRI), as an association's evidence lists them."""
        def day(scan: str) -> str:
            if scan in self.scans:
                return str(self.scans[scan].get("date") or "")
            data = self.one("SELECT data FROM scans WHERE iri = ?", scan)
            return str(json.loads(data).get("date") or "") if data else ""

        return sorted(set(scans), key=lambda scan: (day(scan), scan), reverse=True)

    # ----- the concept graph ------------------------------------------------------------------------------

    def _write_graph(self, concepts: Mapping[int, Concept], ids: Mapping[int, int], node_of_concept: dict[int, int],
                     node_data: dict[int, dict[str, Any]], topics: _TopicChange,
                     old_concepts: Mapping[int, Concept]) -> None:
        db = self.db
        graph = self.graph
        next_node = int(self.one("SELECT COALESCE(MAX(id), -1) FROM nodes")) + 1
        node_of_row: dict[str, int] = {}
        changed_nodes: dict[int, dict[str, Any]] = {}
        for number, concept in concepts.items():
            data = node_data.get(node_of_concept.get(number, -1))
            texts = list(data.get("texts") or []) if data else []
            texts += [row_text(row, graph.nodes[row]) for row, _, _ in self.change.rows.get(number, [])
                      if row in graph]
            texts.sort(key=lambda text: str(text["row"]))  # in the order of the concept's rows
            attrs = concept_node(concept, texts if concept.kind not in ("Keyword", "Theme") else [])
            if number not in node_of_concept:
                node_of_concept[number] = next_node
                next_node += 1
            changed_nodes[node_of_concept[number]] = {"iri": concept.iri, **attrs}
            for row in concept.rows:
                node_of_row[row] = node_of_concept[number]
        of_row = {row: number for number, rows in self.change.rows.items() for row, _, _ in rows}
        for row_iri, row_data in sorted(self.rows_data.items()):
            if row_iri not in of_row and row_data.get("type") not in ("Keyword", "Theme"):
                node_of_row[row_iri] = next_node
                changed_nodes[next_node] = {"iri": row_iri, **row_node(row_iri, row_data)}
                next_node += 1
        for node, attrs in changed_nodes.items():
            values = (attrs["iri"], attrs.get("type"), attrs.get("label"), attrs.get("relevancy"), attrs.get("scan"),
                      attrs.get("line"), attrs.get("scans", 1), attrs.get("description"),
                      _json({k: v for k, v in attrs.items() if k != "iri"}))
            db.execute("INSERT OR REPLACE INTO nodes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (node, *values))
            db.execute("DELETE FROM names WHERE node = ?", (node,))
            db.executemany("INSERT INTO names VALUES (?, ?, ?, ?)", [
                (name_key(label), stem_key(label), node, label)
                for label in {str(attrs.get("label") or attrs["iri"]), *(attrs.get("alt_labels") or ())}])
            db.executemany("INSERT OR REPLACE INTO row_nodes VALUES (?, ?)",
                           [(row, node) for row in attrs.get("rows") or ()])
            if attrs.get("type") == "DrivingForce":
                db.execute("DELETE FROM force_words WHERE force = ?", (node,))
                db.executemany("INSERT INTO force_words VALUES (?, ?)",
                               [(word, node) for word in set(tokens(str(attrs.get("label", ""))))])
        # the new rows' links, between the nodes their rows are in
        support: dict[tuple[int, int], set[str]] = {}
        best: dict[tuple[int, int], dict[str, Any]] = {}
        for source, target, data in graph.edges(data=True):
            start = node_of_row[source] if source in node_of_row else self.one(
                "SELECT node FROM row_nodes WHERE row = ?", source)
            end = node_of_row[target] if target in node_of_row else self.one(
                "SELECT node FROM row_nodes WHERE row = ?", target)
            if start is None or end is None or start == end:
                continue
            support.setdefault((start, end), set()).add(str(graph.nodes[source].get("scan") or ""))
            held = best.get((start, end))
            if held is None or data.get("score", 0) > held["score"]:
                best[start, end] = row_edge(graph, source, target, data)
        touched_nodes = set(changed_nodes)
        for (start, end), attrs in best.items():
            row = db.execute("SELECT id, data FROM edges WHERE src = ? AND dst = ?", (start, end)).fetchone()
            if row is None:
                attrs = {**attrs, "support": len(support[start, end])}
                self._insert_edge(start, end, attrs)
            else:
                held = json.loads(row[1])
                count = int(held.get("support", 1)) + len(support[start, end])
                # the strongest row link; on a tie, the scan a full build meets first (scans in IRI order)
                stronger = attrs["score"] > held.get("score", 0) or (
                    attrs["score"] == held.get("score", 0) and str(attrs.get("scan")) < str(held.get("scan")))
                attrs = {**attrs, "support": count} if stronger else {**held, "support": count}
                self._update_edge(int(row[0]), attrs)
            touched_nodes |= {start, end}
        # topics: nodes, the concepts' broader links, the topics' broader links, associations
        for iri, topic in topics.after.items():
            node = self.one("SELECT id FROM nodes WHERE iri = ?", iri)
            if node is None:
                continue
            attrs = topic_node(topic)
            db.execute("UPDATE nodes SET scans = ?, description = ?, data = ? WHERE id = ?",
                       (attrs["scans"], attrs["description"], _json(attrs), node))
            for broader in topic.broader:
                target = self.one("SELECT id FROM nodes WHERE iri = ?", broader)
                row = db.execute("SELECT id, scan FROM edges WHERE src = ? AND dst = ?", (node, target)).fetchone()
                if row is None:
                    continue
                # the newest scan naming the narrower topic: the one named so far, or a new one
                candidates = [scan for scan in (row[1], *self._new_scans(topic)) if scan]
                counting = {scan: scan for scan in candidates}
                shown = Topic(topic.iri, topic.key, topic.label, articles=set(candidates))
                attrs = topic_edge(shown, self._topic(broader), counting, self._scan_metas(candidates))
                self._update_edge(int(row[0]), {**attrs, "support": len(topic.articles)})
        for number, concept in concepts.items():
            own = node_of_concept[number]
            attrs = changed_nodes[own]
            gone = db.execute("SELECT e.id, e.dst, e.scan FROM edges e CROSS JOIN nodes n ON n.id = e.dst WHERE "
                              "e.src = ? AND e.relation = 'broader' AND n.type = 'Topic'", (own,)).fetchall()
            db.executemany("DELETE FROM edges WHERE id = ?", [(edge,) for edge, _, _ in gone])
            self.ends |= {own, *(int(end) for _, end, _ in gone)}
            # the newest scan naming the concept: the one its topic links named so far, or a new one (not every scan
            # of a concept named in thousands)
            newest = {str(scan) for _, _, scan in gone if scan} | (set(attrs.get("scan_list") or []) - concept_scans(
                old_concepts.get(number)))
            if not gone:
                newest = set(attrs.get("scan_list") or [])
            named = {**attrs, "scan_list": sorted(newest)}
            scans = self._scan_metas(newest)
            for iri in topics.of_concept.get(concept.iri, []):
                topic = topics.after.get(iri) or self._topic(iri)
                target = self.one("SELECT id FROM nodes WHERE iri = ?", iri)
                self._insert_edge(own, int(target), member_edge(named, topic, scans))
                touched_nodes.add(int(target))
        for association in topics.associations.values():
            start = self.one("SELECT id FROM nodes WHERE iri = ?", association.a)
            end = self.one("SELECT id FROM nodes WHERE iri = ?", association.b)
            row = db.execute("SELECT id FROM edges WHERE src = ? AND dst = ?", (start, end)).fetchone()
            if row is not None:
                self._update_edge(int(row[0]), association_edge(association, self._scan_metas(association.scans)))
        # scans, texts for search, chains
        db.executemany("INSERT OR REPLACE INTO scans VALUES (?, ?)",
                       [(iri, _json(meta)) for iri, meta in sorted(self.scans.items())])
        db.executemany("INSERT INTO scan_terms VALUES (?, ?, ?)", [
            (scan, field_name, name_key(value)) for scan, meta in sorted(self.scans.items())
            for field_name in ("themes", "keywords") for value in meta.get(field_name) or ()])
        texts = [(values.get("label"), values.get("description"), row, values.get("type"), values.get("relevancy"),
                  values.get("scan")) for row, values in sorted(self.rows_data.items())]
        texts += [(meta.get("title") or iri, None, iri, "Scan", None, iri) for iri, meta in sorted(self.scans.items())]
        # a new keyword or theme is a node with no rows: found by its own label
        texts += [(attrs.get("label"), None, attrs["iri"], attrs.get("type"), None, None)
                  for number, own in node_of_concept.items() if number < 0
                  for attrs in (changed_nodes[own],) if not attrs.get("texts")]
        db.executemany("INSERT INTO texts VALUES (?, ?, ?, ?, ?, ?)", texts)
        self._chains(touched_nodes)
        self._adjacency()

    def _new_scans(self, topic: Topic) -> list[str]:
        """The new scans naming a topic (those of its articles that are new)."""
        return [scan for scan, meta in self.scans.items() if str(meta.get("article") or scan) in topic.articles]

    def _scan_metas(self, scans: Iterable[str]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for scan in scans:
            if scan in self.scans:
                found[scan] = self.scans[scan]
            else:
                data = self.one("SELECT data FROM scans WHERE iri = ?", scan)
                if data:
                    found[scan] = json.loads(data)
        return found

    def _insert_edge(self, start: int, end: int, attrs: Mapping[str, Any]) -> None:
        self.ends |= {start, end}
        self.db.execute("INSERT INTO edges(src, dst, relation, score, method, evidence, scan, data) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (start, end, attrs.get("relation"), attrs.get("score"),
                                                            attrs.get("method"), attrs.get("evidence"),
                                                            attrs.get("scan"), _json(attrs)))

    def _update_edge(self, edge: int, attrs: Mapping[str, Any]) -> None:
        self.db.execute("UPDATE edges SET relation = ?, score = ?, method = ?, evidence = ?, scan = ?, data = ? "
                        "WHERE id = ?", (attrs.get("relation"), attrs.get("score"), attrs.get("method"),
                                         attrs.get("evidence"), attrs.get("scan"), _json(attrs), edge))

    def _chains(self, nodes: set[int]) -> None:
        """What ranks a change pathway, for the signals among ``nodes`` (see :func:`foresight.derived.index._fill`)."""
        from foresight.derived.index import _RAISED

        db = self.db
        for node in sorted(nodes):
            row = db.execute("SELECT iri, type, relevancy, data FROM nodes WHERE id = ?", (node,)).fetchone()
            if row is None or row[1] != "Signal":
                continue
            iri, _, relevancy, data = row
            marks = ",".join("?" * len(_RAISED))
            raised = int(self.one(f"SELECT COUNT(*) FROM edges e CROSS JOIN nodes n ON n.id = e.dst WHERE e.src = ? "
                                  f"AND n.type IN ({marks})", node, *_RAISED)) + int(self.one(
                f"SELECT COUNT(*) FROM edges e CROSS JOIN nodes n ON n.id = e.src WHERE e.dst = ? "
                f"AND n.type IN ({marks})", node, *_RAISED))
            own = json.loads(data).get("scan_list") or []
            stamp = newest_stamp(str(meta.get("date") or "") or None for meta in self._scan_metas(own).values())
            db.execute("INSERT OR REPLACE INTO chains VALUES (?, ?, ?, ?, ?)", (node, relevancy or 0, raised, stamp,
                                                                                 iri))
            db.execute("DELETE FROM signal_scans WHERE signal = ?", (node,))
            db.executemany("INSERT INTO signal_scans VALUES (?, ?)", [(node, scan) for scan in own])

    def _adjacency(self) -> None:
        """The CSR arrays with the neighbours of the nodes whose links changed read again (as the full build makes
        them: each link both ways, neighbours in order)."""
        import numpy as np

        db = self.db
        count = int(self.one("SELECT COALESCE(MAX(id), -1) FROM nodes")) + 1
        blobs = dict(db.execute("SELECT name, data FROM blobs WHERE name IN ('indptr', 'indices')").fetchall())
        indptr = np.frombuffer(blobs["indptr"], dtype="<i8")
        indices = np.frombuffer(blobs["indices"], dtype="<i4")
        old = len(indptr) - 1
        counts = np.zeros(count, dtype=np.int64)
        counts[:old] = np.diff(indptr)
        fresh: dict[int, np.ndarray] = {}
        for node in sorted(self.ends):
            found = [int(other) for (other,) in db.execute(
                "SELECT dst FROM edges WHERE src = ? UNION SELECT src FROM edges WHERE dst = ?", (node, node))]
            fresh[node] = np.array(sorted(set(found)), dtype=np.int32)
            counts[node] = len(fresh[node])
        new_indptr = np.zeros(count + 1, dtype=np.int64)
        new_indptr[1:] = np.cumsum(counts)
        new_indices = np.empty(int(new_indptr[-1]), dtype=np.int32)
        if len(indices):
            owner = np.repeat(np.arange(old, dtype=np.int64), np.diff(indptr))
            keep = np.ones(old, dtype=bool)
            keep[[node for node in fresh if node < old]] = False
            kept = keep[owner]
            position = new_indptr[owner] + (np.arange(len(indices), dtype=np.int64) - indptr[owner])
            new_indices[position[kept]] = indices[kept]
        for node, neighbours in fresh.items():
            new_indices[new_indptr[node]:new_indptr[node + 1]] = neighbours
        db.executemany("INSERT OR REPLACE INTO blobs VALUES (?, ?)", [
            ("indptr", new_indptr.astype("<i8").tobytes()), ("indices", new_indices.astype("<i4").tobytes())])
        edges = int(self.one("SELECT COUNT(*) FROM edges"))
        db.execute("UPDATE meta SET value = ? WHERE name = 'nodes'", (str(count),))
        db.execute("UPDATE meta SET value = ? WHERE name = 'edges'", (str(edges),))

    # ----- the store -------------------------------------------------------------------------------------

    def _steep(self, concepts: Mapping[int, Concept], old: Mapping[int, Concept], ids: Mapping[int, int]
               ) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
        """The STEEP categories of the touched concepts before and after (from their names and the descriptions
        their nodes show now), written to the index; as the full build makes them."""
        from foresight.derived.concepts import steep_tags

        before = {iri: tuple(found) for iri, found in self.index.steep_tags(c.iri for c in old.values()).items()}
        wanted = [c.iri for c in concepts.values()]
        descriptions = {str(iri): description for start in range(0, len(wanted), 500)
                        for iri, description in self.db.execute(
                            f"SELECT iri, description FROM nodes WHERE iri IN "
                            f"({','.join('?' * len(wanted[start:start + 500]))})", wanted[start:start + 500])}
        after = steep_tags(concepts.values(), lambda c: descriptions.get(c.iri), self.derived.vectors())
        for number, concept in concepts.items():
            self.db.execute("DELETE FROM concept_steep WHERE concept = ?", (ids[number],))
            self.db.executemany("INSERT INTO concept_steep VALUES (?, ?)",
                                [(ids[number], category) for category in after.get(concept.iri, ())])
        return before, after

    def _write_store(self, concepts: Mapping[int, Concept], old: Mapping[int, Concept], ids: Mapping[int, int],
                     topics: _TopicChange, found: Mapping[str, Edition], before: str, after: str,
                     steep: tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]) -> None:
        """Rewrite the units of the store's concepts graph that changed, with its marker, in one transaction."""
        from foresight.derived.concepts import (
            INCOMPLETE,
            ConceptSet,
            Match,
            _marker_line,
            _units,
            concepts_marker,
        )
        from foresight.derived.topics import TopicSet

        kinds = sorted({c.kind for c in concepts.values()})
        ranked_before = self.ranked_before
        # the concepts table holds the new state now: the ranks after, and any concept whose rank moved
        ranked_after = self._ranked(kinds)
        moved = {iri for iri in set(ranked_before) | set(ranked_after)
                 if ranked_before.get(iri) != ranked_after.get(iri)}
        extra = [iri for iri in sorted(moved) if iri not in {c.iri for c in concepts.values()}]
        unchanged = {c.iri: c for c in self.index.concepts_by_iri(extra)}
        held = {iri: tuple(found) for iri, found in self.index.steep_tags(unchanged).items()}
        old_set = ConceptSet({**{c.iri: c for c in old.values()}, **unchanged}, {}, [], [], {},
                             TopicSet(topics.before, topics.of_concept_before,
                                      list(topics.associations_before.values())), steep={**held, **steep[0]})
        iri_of = {number: c.iri for number, c in concepts.items()}
        matches = [Match(row, iri_of.get(number) or str(self.one("SELECT iri FROM concepts WHERE id = ?",
                                                                  ids.get(number, number))),
                         relation, score, method, evidence)
                   for row, number, relation, score, method, evidence in self.change.matches]
        new_set = ConceptSet({**{c.iri: c for c in concepts.values()}, **unchanged}, {}, matches, [], dict(found),
                             TopicSet(topics.after, topics.of_concept, list(topics.associations.values())),
                             steep={**held, **steep[1]})
        old_lines = {line for _, lines in _units(old_set, None, ranked_before) for line in lines}
        new_lines = {line for _, lines in _units(new_set, None, ranked_after) for line in lines}
        store = self.derived.store
        deletes = [*sorted(old_lines - new_lines), _marker_line(concepts_marker(before))]
        inserts = [*sorted(new_lines - old_lines), _marker_line(concepts_marker(after))]
        store.apply_changes(deletes="".join(deletes), inserts="".join(inserts),
                            incomplete=(_marker_line(concepts_marker(before)), _marker_line(INCOMPLETE)))

    def _ranked(self, kinds: Sequence[str]) -> dict[str, int]:
        from foresight.derived.concepts import RANKED

        found: dict[str, int] = {}
        for kind in kinds:
            rows = self.db.execute("SELECT iri FROM concepts WHERE kind = ? ORDER BY narticles DESC, fold, iri "
                                   "LIMIT ?", (kind, RANKED)).fetchall()
            found.update({str(iri): number for number, (iri,) in enumerate(rows, start=1)})
        return found



@dataclass
class _TopicChange:
    before: dict[str, Topic] = field(default_factory=dict)
    after: dict[str, Topic] = field(default_factory=dict)
    of_concept_before: dict[str, list[str]] = field(default_factory=dict)
    of_concept: dict[str, list[str]] = field(default_factory=dict)
    associations_before: dict[int, Association] = field(default_factory=dict)
    associations: dict[int, Association] = field(default_factory=dict)


def _copy_topic(topic: Topic) -> Topic:
    return Topic(topic.iri, topic.key, topic.label, list(topic.members), list(topic.broader), set(topic.articles),
                 Counter(topic.months), topic.first, topic.last, Counter(topic.kinds), list(topic.alt_labels))


def _numbers(named: set[tuple[str, str]]) -> set[int]:
    """Wordings as numbers, for :func:`foresight.derived.topics._apart`."""
    return {hash(item) for item in named}


def keep_vectors(connection: sqlite3.Connection, kind: str, rowids: Sequence[int], matrix: np.ndarray) -> None:
    """Keep the vectors of a kind's sentence keys (rows of ``concept_keys``) in the index, as float16 arrays."""
    import numpy as np

    connection.executemany("INSERT OR REPLACE INTO blobs VALUES (?, ?)", [
        (f"sentence-keys:{kind}", np.asarray(rowids, dtype="<i8").tobytes()),
        (f"sentence-vectors:{kind}", np.asarray(matrix, dtype="<f2").tobytes())])


def kept_vectors(connection: sqlite3.Connection, kind: str, rowids: Sequence[int]) -> np.ndarray | None:
    """The vectors kept for a kind's sentence keys, when kept for exactly these keys (data only, never code)."""
    import numpy as np

    keys = connection.execute("SELECT data FROM blobs WHERE name = ?", (f"sentence-keys:{kind}",)).fetchone()
    data = connection.execute("SELECT data FROM blobs WHERE name = ?", (f"sentence-vectors:{kind}",)).fetchone()
    if keys is None or data is None:
        return None
    kept = np.frombuffer(keys[0], dtype="<i8")
    if len(kept) != len(rowids) or not np.array_equal(kept, np.asarray(rowids, dtype=np.int64)):
        return None
    matrix = np.frombuffer(data[0], dtype="<f2")
    if matrix.size != len(rowids) * 384:
        return None
    return matrix.reshape(len(rowids), 384).astype(np.float32)


def keep_sentence_vectors(path: Path, vectors: Callable[[Sequence[str]], np.ndarray]) -> None:
    """After a full build: keep the vectors of the sentence keys in the concepts index ``path``."""
    from foresight.derived.concepts import SENTENCE_KINDS

    connection = sqlite3.connect(str(path), timeout=10)
    try:
        with connection:
            for kind in SENTENCE_KINDS:
                rows = connection.execute("SELECT rowid, wording FROM concept_keys WHERE kind = ? ORDER BY rowid",
                                          (kind,)).fetchall()
                if rows:
                    keep_vectors(connection, kind, [int(row[0]) for row in rows], vectors([row[1] for row in rows]))
    finally:
        connection.close()


def concept_scans(concept: Concept | None) -> set[str]:
    return set(concept.scans) if concept is not None else set()
