"""Canonical concepts: the rows of many scans that name the same thing, as one SKOS concept.

:func:`build_concepts` groups the rows of each kind (signals, concerns, behaviors,
technologies, issues, driving forces, outlooks) whose names :mod:`foresight.merging`
finds to be the same, applies a curator's overrides, and counts each concept's
scans over time. :func:`write_concepts` stores the result as the concepts graph,
so SPARQL sees concepts, their labels, members and counts::

    <concept> a skos:Concept, fs:Concept ; skos:inScheme <scheme/issues> ; fs:conceptOf fs:Issue ;
              skos:prefLabel "…" ; skos:altLabel "…" ; fs:scanCount 3 ; fs:firstSeen "2024-01-02"^^xsd:date ;
              fs:lastSeen … ; fs:monthlyCount [ fs:month "2024-01" ; fs:monthScanCount 2 ] .
    <row> skos:exactMatch <concept> .        # every row: the concept it belongs to
    <row> skos:closeMatch <other concept> .  # likely the same, left for a curator to decide
    <link> a fs:Link ; fs:linkSource <row> ; fs:linkRelation skos:exactMatch|skos:closeMatch ;
           fs:linkTarget <concept> ; fs:score ; fs:method ; fs:evidence .   # for every non-trivial match

The result depends only on the rows and the overrides: the same store gives the
same concepts and IRIs on every rebuild.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foresight.derived.articles import Edition, editions
from foresight.derived.embeddings import MODEL
from foresight.derived.topics import Association, Topic, TopicSet, build_topics
from foresight.errors import ForesightError
from foresight.merging import (
    SENSE_MARK,
    Pair,
    TermWeights,
    Verdict,
    candidate_pairs,
    compare,
    marked_only,
    name_form,
    name_terms,
    narrows,
    reversed_roles,
    roles,
)
from foresight.steep import CATEGORIES as STEEP_CATEGORIES
from foresight.versions import MERGER_VERSION
from foresight.vocab import CONCEPT_KINDS, GRAPH_PREFIX, ID, concept_iri, slug

if TYPE_CHECKING:
    import networkx as nx
    import numpy as np

    from foresight.store.base import Store

CONCEPTS_GRAPH = GRAPH_PREFIX + "concepts"
#: Kinds whose "rows" are the scans' vocabulary (a keyword or theme of the scans), not projection nodes.
VOCABULARY_KINDS = {"Keyword": "keywords", "Theme": "themes"}


@dataclass
class Concept:
    """One concept: the rows that name it, their wordings, and when scans mention it."""

    iri: str
    kind: str
    label: str
    alt_labels: list[str]
    rows: list[str]
    scans: set[str] = field(default_factory=set)
    months: Counter[str] = field(default_factory=Counter)
    first: str | None = None
    last: str | None = None
    #: the distinct articles that name it, through the newest scan of each (what recurrence counts)
    articles: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Match:
    """A row matched to a concept: exactly (a member) or closely (to review), with why."""

    row: str
    concept: str
    relation: str
    score: float
    method: str
    evidence: str


@dataclass
class ConceptSet:
    """Every concept, the concept of every row, the non-trivial matches and the merges left for review."""

    concepts: dict[str, Concept]
    of_row: dict[str, str]
    matches: list[Match]
    review: list[tuple[Concept, Concept, Verdict]]
    #: each scan as an edition of its article (which scans count, which revise which)
    editions: dict[str, Edition] = field(default_factory=dict)
    #: the topics above the concepts and the associations between them (:mod:`foresight.derived.topics`)
    topics: TopicSet = field(default_factory=TopicSet)
    #: each name key of each kind (kind, key): its concept, the wording embedded for it, and whether it is the
    #: key its concept's other keys were compared with (what :mod:`foresight.derived.incremental` matches against)
    keys: dict[tuple[str, tuple[str, ...]], tuple[str, str, bool]] = field(default_factory=dict)
    #: the term weights each kind's names were compared with
    weights: dict[str, TermWeights] = field(default_factory=dict)
    #: each tagged concept's STEEP(LE)+V categories, first and close second (:mod:`foresight.steep`)
    steep: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass
class Overrides:
    """A curator's decisions, applied on every rebuild: merge these, never merge those, rename.

    Each rule names rows by their kind and their names (any wording of the concept).
    """

    merge: list[tuple[str, list[str]]] = field(default_factory=list)
    never: list[tuple[str, list[str]]] = field(default_factory=list)
    rename: list[tuple[str, str, str]] = field(default_factory=list)
    source: str | None = None


def load_overrides(path: str | Path | None) -> Overrides:
    """Read an overrides YAML file; a missing file is no overrides.

    The format::

        merge:   [{kind: issue, names: ["Data Privacy Concerns", "Privacy Concerns"]}]
        never:   [{kind: concern, names: ["Job Displacement", "Job Creation"]}]
        rename:  [{kind: technology, name: "Generative AI", to: "Generative Artificial Intelligence"}]

    Raises:
        ForesightError: the file is not YAML of that form; the message names the file and the entry.
    """
    if path is None or not Path(path).is_file():
        return Overrides()
    import yaml

    where = str(path)
    try:
        # several YAML documents (``---``) add up: decisions from a review file are appended as one
        documents = [doc or {} for doc in yaml.safe_load_all(Path(path).read_text(encoding="utf-8"))]
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise ForesightError(f"{where}: not a YAML overrides file ({str(error).splitlines()[0]})") from None
    overrides = Overrides(source=where)
    counted = {"merge": 0, "never": 0, "rename": 0}
    for data in documents:
        if not isinstance(data, dict):
            raise ForesightError(f"{where}: expected a mapping with merge, never and rename lists")
        unknown = set(data) - {"merge", "never", "rename"}
        if unknown:
            raise ForesightError(f"{where}: unknown section {sorted(unknown)[0]!r}; use merge, never and rename")
        for section in ("merge", "never"):
            for entry in data.get(section) or []:
                counted[section] += 1
                number = counted[section]
                kind = _kind(entry, where, section, number)
                names = entry.get("names")
                if not isinstance(names, list) or len(names) < 2 or not all(isinstance(n, str) for n in names):
                    raise ForesightError(f"{where}: {section} entry {number}: give 'names' as a list of two or more "
                                         "names")
                getattr(overrides, section).append((kind, names))
        for entry in data.get("rename") or []:
            counted["rename"] += 1
            kind = _kind(entry, where, "rename", counted["rename"])
            if not isinstance(entry.get("name"), str) or not isinstance(entry.get("to"), str):
                raise ForesightError(f"{where}: rename entry {counted['rename']}: give 'name' and 'to'")
            overrides.rename.append((kind, entry["name"], entry["to"]))
    return overrides


#: what a review file's ``decision`` column may say
ACCEPT = frozenset({"accept", "merge", "same", "yes", "y"})
REJECT = frozenset({"reject", "never", "different", "no", "n"})


@dataclass
class Decisions:
    """What a curator decided in a review file."""

    merge: list[tuple[str, list[str]]] = field(default_factory=list)
    never: list[tuple[str, list[str]]] = field(default_factory=list)
    undecided: int = 0


def read_decisions(path: Path, default: str | None = None) -> Decisions:
    """The decisions of a review file: the CSV ``concepts --review --format csv`` writes, ``decision`` filled in.

    Args:
        path: the file; columns ``kind``, ``a``, ``b`` and ``decision`` (accept/merge/yes or reject/never/no).
        default: ``accept`` or ``reject`` for every row whose decision is blank (a whole file at once).

    Raises:
        ForesightError: a missing column, or a decision that is neither, named with its line.
    """
    import csv

    found = Decisions()
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = {"kind", "a", "b"} - set(reader.fieldnames or ())
            if missing:
                raise ForesightError(f"{path}: not a review file (no {', '.join(sorted(missing))} column); write one "
                                     "with 'foresight concepts --review --format csv'")
            for number, row in enumerate(reader, start=2):
                said = (row.get("decision") or default or "").strip().casefold()
                if not said:
                    found.undecided += 1
                    continue
                if said not in ACCEPT | REJECT:
                    raise ForesightError(f"{path}:{number}: decision {row.get('decision')!r} is neither accept "
                                         "(merge, yes) nor reject (never, no)")
                kind = _kind({"kind": row["kind"]}, str(path), "review", number)
                (found.merge if said in ACCEPT else found.never).append((kind, [row["a"], row["b"]]))
    except (OSError, UnicodeDecodeError) as error:
        raise ForesightError(f"{path}: cannot be read ({error})") from None
    return found


def append_decisions(path: Path, decisions: Decisions) -> None:
    """Add decisions to an overrides file as one more YAML document; what the file held stays as it was.

    A decision the file holds already (the same kind and names, in any order) is not written twice.
    """
    import yaml

    held = load_overrides(path)
    document: dict[str, list[dict[str, Any]]] = {}
    for section in ("merge", "never"):
        known = {(kind, frozenset(names)) for kind, names in getattr(held, section)}
        entries = [{"kind": kind, "names": names} for kind, names in getattr(decisions, section)
                   if (kind, frozenset(names)) not in known]
        if entries:
            document[section] = entries
    if not document:
        return
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=1000)
    before = path.read_text(encoding="utf-8") if path.is_file() else ""
    joint = "" if not before.strip() else ("\n" if not before.endswith("\n") else "") + "---\n"
    from foresight.files import atomic_write

    atomic_write(path, lambda handle: handle.write((before + joint + "# decided from a review file\n" + text)
                                                   .encode("utf-8")))


def _kind(entry: Any, where: str, section: str, number: int) -> str:
    by_key = {name.casefold(): name for name in CONCEPT_KINDS} | {
        "driving force": "DrivingForce", "driving-force": "DrivingForce"}
    if not isinstance(entry, dict) or not isinstance(entry.get("kind"), str):
        raise ForesightError(f"{where}: {section} entry {number}: give a 'kind' (issue, concern, ...)")
    kind = by_key.get(entry["kind"].strip().casefold())
    if kind is None:
        raise ForesightError(f"{where}: {section} entry {number}: unknown kind {entry['kind']!r}; use one of "
                             f"{', '.join(k.lower() for k in CONCEPT_KINDS)}")
    return kind


def _key_wordings(keys: list[tuple[str, ...]], label_of: Mapping[str, str],
                  key_of: Mapping[str, tuple[str, ...]]) -> list[str]:
    """One wording for each key (that of its first row), the text embedded for it."""
    wording: dict[tuple[str, ...], str] = {}
    for node, key in sorted(key_of.items()):
        wording.setdefault(key, " ".join(label_of[node].split()))
    return [wording[key] for key in keys]


def _merge_sentences(kind: str, keys: list[tuple[str, ...]], texts: list[str], groups: _Groups,
                     vectors: Vectors) -> dict[tuple[str, ...], tuple[float, str]]:
    """Join the groups of sentences that say the same thing; returns, for each key joined, its cosine and partner."""
    import numpy as np

    matrix = vectors(texts)
    total = {key: matrix[number].astype(np.float64) for number, key in enumerate(keys)}
    joined: dict[tuple[str, ...], tuple[float, str]] = {}
    same, group = sentence_thresholds(kind)
    for cosine, i, j in similar_sentences(matrix, same):
        a, b = groups.find(keys[i]), groups.find(keys[j])
        if a == b:
            continue
        centre_a, centre_b = total[a] / np.linalg.norm(total[a]), total[b] / np.linalg.norm(total[b])
        if float(centre_a @ centre_b) < group or not groups.union(a, b):
            continue
        root = groups.find(a)
        total[root] = total[a] + total[b]
        joined.setdefault(keys[i], (cosine, texts[j]))
        joined.setdefault(keys[j], (cosine, texts[i]))
    return joined


#: the rows of each wording whose descriptions are embedded to tell senses apart, at most
DESCRIBED_ROWS = 5


#: wordings of one key (the same terms) stay one concept only when their rows' "name: description" embeddings
#: reach this cosine (the semantic extra); below it a wording is a sense of its own, left for review ...
SENSE_SAME = 0.6
#: ... or this one, when the wordings differ only in words that mark a kind, stance or trend
#: (:data:`foresight.merging.MARKERS`: "Engagement Trends" of diamond buyers is not "Impact on Engagement" with
#: AI content)
MARKED_SAME = 0.4


def described(label: str, description: str | None) -> str | None:
    """What is embedded of a row to tell senses apart: "name: description", spaces tidied; ``None`` without a
    description."""
    about = " ".join(str(description or "").split())
    return f"{' '.join(label.split())}: {about}" if about else None


def sense_floor(form: tuple[str, ...], forms: Iterable[tuple[str, ...]]) -> float:
    """The cosine a wording of form ``form`` must reach to join a sense of these wordings' forms."""
    return MARKED_SAME if any(marked_only(form, other) for other in forms) else SENSE_SAME


def _split_senses(rows: list[tuple[str, str]], key_of: dict[str, tuple[str, ...]], graph: nx.DiGraph[str],
                  vectors: Vectors) -> tuple[dict[tuple[str, ...], set[str]], list[Pair]]:
    """Wordings that share a key but whose rows describe different things get keys of their own ("AI Training
    Systems" for training models, "AI Training Platforms" for retraining workers); returns every key's wordings,
    and a pair for review of each new key with its first sense.

    The wordings of a key, most rows first, join the sense whose centroid is nearest from :data:`SENSE_SAME` on,
    else start one; a wording without descriptions joins the first sense."""
    import numpy as np

    forms: dict[tuple[str, ...], dict[tuple[str, ...], list[str]]] = {}
    for node, label in rows:
        forms.setdefault(key_of[node], {}).setdefault(name_form(label), []).append(node)
    texts: list[str] = []
    where: dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[int, int]] = {}
    label_of = dict(rows)
    for key, by_form in sorted(forms.items()):
        if len(by_form) < 2:
            continue
        for form, nodes in sorted(by_form.items()):
            start = len(texts)
            for node in sorted(nodes):
                text = described(label_of[node], graph.nodes[node].get("description"))
                if text:
                    texts.append(text)
                    if len(texts) - start == DESCRIBED_ROWS:
                        break
            where[key, form] = (start, len(texts))
    matrix = vectors(texts) if texts else None
    pairs: list[Pair] = []
    for key, by_form in sorted(forms.items()):
        if len(by_form) < 2 or matrix is None:
            continue
        senses: list[tuple[np.ndarray | None, list[tuple[str, ...]]]] = []
        for form in sorted(by_form, key=lambda f: (-len(by_form[f]), f)):
            start, end = where[key, form]
            if start == end:  # nothing to compare: the first sense
                if not senses:
                    senses.append((None, []))
                senses[0][1].append(form)
                continue
            total = matrix[start:end].sum(axis=0)
            centre = total / np.linalg.norm(total)
            # the nearest sense it may join: from SENSE_SAME on, or from MARKED_SAME when it differs from one of
            # the sense's wordings in markers only (a sense of undescribed wordings takes it on markers alone)
            best, nearest = -2.0, -1
            for number, (sense_total, members) in enumerate(senses):
                floor = sense_floor(form, members)
                if sense_total is None:
                    cosine, floor = (1.0, 0.0) if floor == MARKED_SAME else (-2.0, 1.0)
                else:
                    cosine = float(centre @ sense_total) / float(np.linalg.norm(sense_total))
                if cosine >= floor and cosine > best:
                    best, nearest = cosine, number
            if nearest >= 0:
                sense_total, members = senses[nearest]
                senses[nearest] = (total if sense_total is None else total + sense_total, [*members, form])
            elif senses and senses[0][0] is None:
                senses[0] = (total, [*senses[0][1], form])
            else:
                senses.append((total, [form]))
        first, first_total = " ".join(label_of[min(by_form[senses[0][1][0]])].split()), senses[0][0]
        for number, (total, members) in enumerate(senses[1:], start=2):
            assert total is not None and first_total is not None  # a second sense is made only against a first
            sense = (*key, f"{SENSE_MARK}{number}")
            for form in members:
                for node in by_form[form]:
                    key_of[node] = sense
            cosine = float(total @ first_total) / float(np.linalg.norm(total) * np.linalg.norm(first_total))
            wording = " ".join(label_of[min(by_form[members[0]])].split())
            pairs.append(Pair(sense, key, Verdict(LIKELY_SCOPED, "fuzzy-name", (
                f"'{wording}' has the terms of '{first}', but their rows' descriptions differ (cosine "
                f"{cosine:.2f}, {MODEL})"))))
    wordings: dict[tuple[str, ...], set[str]] = {}
    for node, key in key_of.items():
        wordings.setdefault(key, set()).add(" ".join(label_of[node].split()))
    return wordings, pairs


def _likely_names(keys: list[tuple[str, ...]], texts: list[str], groups: _Groups, vectors: Vectors) -> list[Pair]:
    """Names that likely mean the same (see :data:`NAME_SAME`, :data:`NAME_NEAR`) and were not merged: left for
    review, closest first, never merged by themselves."""
    found: list[Pair] = []
    for cosine, i, j in similar_sentences(vectors(texts), NAME_NEAR):
        left, right = set(keys[i]), set(keys[j])
        if cosine < NAME_SAME and (left <= right or right <= left or len(left & right) < 0.34 * len(left | right)):
            continue
        if groups.find(keys[i]) != groups.find(keys[j]):
            found.append(Pair(keys[i], keys[j], Verdict(cosine, "semantic", f"cosine {cosine:.2f} of "
                                                                           f"'{texts[i]}' and '{texts[j]}' ({MODEL})")))
    return found


class _Groups:
    """Union-find over name keys, refusing unions a curator forbade."""

    def __init__(self, keys: Iterable[tuple[str, ...]], apart: list[set[tuple[str, ...]]]) -> None:
        self.parent = {key: key for key in keys}
        self.members = {key: {key} for key in self.parent} if apart else {}
        self.apart = apart

    def find(self, key: tuple[str, ...]) -> tuple[str, ...]:
        root = key
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[key] != root:
            self.parent[key], key = root, self.parent[key]
        return root

    def union(self, a: tuple[str, ...], b: tuple[str, ...]) -> bool:
        """Join the groups of ``a`` and ``b``; False when a never-merge rule keeps them apart."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        low, high = sorted((ra, rb))
        if self.apart:
            left, right = self.members[low], self.members[high]
            if any(group & left and group & right for group in self.apart):
                return False
            left |= self.members.pop(high)
        self.parent[high] = low  # the smaller key is the root: the same groups give the same roots
        return True

    def kept_apart(self, a: tuple[str, ...], b: tuple[str, ...]) -> bool:
        """Whether a never-merge rule keeps the groups of ``a`` and ``b`` apart."""
        if not self.apart:
            return False
        left, right = self.members[self.find(a)], self.members[self.find(b)]
        return any(group & left and group & right for group in self.apart)


def _split_reversed(key_of: dict[str, tuple[str, ...]], label_of: Mapping[str, str]
                    ) -> dict[tuple[str, ...], set[str]]:
    """Rows whose names have the same terms but swap head and object ("AI in Talent Acquisition", "Talent
    Acquisition in AI") get a key for each object; returns the wordings of every key."""
    wordings: dict[tuple[str, ...], set[str]] = {}
    nodes_of: dict[tuple[str, ...], list[str]] = {}
    for node, key in key_of.items():
        wordings.setdefault(key, set()).add(" ".join(label_of[node].split()))
        nodes_of.setdefault(key, []).append(node)
    for key, texts in list(wordings.items()):
        if len(texts) < 2:
            continue
        ordered = sorted(texts)
        if not any(reversed_roles(a, b) for i, a in enumerate(ordered) for b in ordered[i + 1:]):
            continue
        split = {text: roles(text) for text in ordered}
        del wordings[key]
        for node in nodes_of[key]:
            text = " ".join(label_of[node].split())
            found = split[text]
            new_key = key if found is None else (*key, "\0for " + " ".join(sorted(found.object)))
            key_of[node] = new_key
            wordings.setdefault(new_key, set()).add(text)
    return wordings


#: a containing pair the terms call the same but the wordings show to be narrower or reversed: left for review
#: at this score, under :data:`~foresight.merging.SAME`
LIKELY_SCOPED = 0.8


def _scope(pair: Pair, wordings_of: Mapping[tuple[str, ...], set[str]]) -> str | None:
    """Why two keys the terms call the same are not: one's every wording narrows the other to a field, or some
    wordings swap head and object; ``None`` when nothing says so."""
    left, right = set(pair.a), set(pair.b)
    for longer, shorter in ((pair.a, pair.b), (pair.b, pair.a)):
        if set(shorter) < set(longer) and all(narrows(text, shorter) for text in wordings_of.get(longer, ())):
            example = min(wordings_of[longer])
            added = sorted(t for t in set(longer) - set(shorter) if not t.startswith("\0"))
            return f"'{example}' narrows it to {', '.join(added)}"
    if left & right:
        for a in sorted(wordings_of.get(pair.a, ())):
            for b in sorted(wordings_of.get(pair.b, ())):
                if reversed_roles(a, b):
                    return f"'{a}' and '{b}' swap head and object"
    return None


def _wording(name: str) -> str:
    return " ".join(name.casefold().split())


def _rule_key(name: str, names: list[str]) -> tuple[str, ...]:
    """The key a never-merge rule uses for a name: its terms, or its wording when the rule's names share terms."""
    key = name_terms(name)
    if sum(1 for other in names if name_terms(other) == key) > 1:
        return (*key, "\0" + _wording(name))
    return key


def _split_identical(key_of: dict[str, tuple[str, ...]], label_of: Mapping[str, str],
                     apart_names: list[list[str]]) -> None:
    """Rows a never-merge rule keeps apart although their names have the same terms get keys of their own."""
    for names in apart_names:
        for name in names:
            key = _rule_key(name, names)
            if key != name_terms(name):
                wording = _wording(name)
                for node, label in label_of.items():
                    if _wording(label) == wording:
                        key_of[node] = key


#: sentence vectors of texts (unit length, a row each), when matching is semantic
Vectors = Callable[[Sequence[str]], "np.ndarray"]
#: the kinds whose rows are sentences: merged by meaning when vectors are at hand, else on equal terms only
SENTENCE_KINDS = ("DrivingForce", "Outlook")
#: two sentences are one concept from this cosine on (all-MiniLM-L6-v2; precision 1.00 [0.72, 1.00] on the
#: held-out sentences of tests/data/concept-pairs.tsv at 0.83, see docs/semantic.md) ...
SENTENCE_SAME = 0.85
#: ... and a group takes another only while their centroids stay this close (no chaining through middlemen)
SENTENCE_GROUP = 0.83
#: outlooks need more: two predictions on one topic read alike while they foresee different outcomes (a hand
#: check found 2 of 30 merged concepts to be such outlooks at 0.85; docs/semantic.md)
OUTLOOK_SAME, OUTLOOK_GROUP = 0.9, 0.88


def sentence_thresholds(kind: str) -> tuple[float, float]:
    """The cosine from which two sentences of ``kind`` are one concept, and that their groups' centroids keep."""
    return (OUTLOOK_SAME, OUTLOOK_GROUP) if kind == "Outlook" else (SENTENCE_SAME, SENTENCE_GROUP)


_NEIGHBOURS = 10


#: names (signals, concerns, behaviors, technologies, issues, keywords, themes) are likely one concept, with the
#: semantic extra, from this cosine on, ...
NAME_SAME = 0.88
#: ... or from this one when they share a third of their terms and neither name's terms hold the other's (a name
#: adding a field or an object to another is narrower, not the same). Likely only: they go to review, since
#: merged they over-merged 14 of 30 sampled concepts (docs/semantic.md)
NAME_NEAR = 0.8


def similar_sentences(matrix: np.ndarray, threshold: float = SENTENCE_SAME) -> list[tuple[float, int, int]]:
    """Pairs of rows of ``matrix`` (unit vectors; i < j) among each other's nearest neighbours with cosine at
    least ``threshold``, closest first; computed a block of rows at a time, so memory stays small."""
    import numpy as np

    count = len(matrix)
    if count < 2:
        return []
    found: set[tuple[float, int, int]] = set()
    neighbours = min(_NEIGHBOURS, count - 1)
    for start in range(0, count, 1024):
        block = matrix[start:start + 1024] @ matrix.T
        for offset, row in enumerate(block):
            i = start + offset
            row[i] = -1.0
            for j in np.argpartition(-row, neighbours - 1)[:neighbours]:
                cosine = float(row[j])
                if cosine >= threshold:
                    found.add((round(cosine, 4), min(i, int(j)), max(i, int(j))))
    return sorted(found, key=lambda pair: (-pair[0], pair[1], pair[2]))


def build_concepts(graph: nx.DiGraph[str], overrides: Overrides | None = None,
                   kinds: Iterable[str] = CONCEPT_KINDS, vectors: Vectors | None = None) -> ConceptSet:
    """Group the rows of the projection into concepts.

    Args:
        graph: the projection (:func:`foresight.derived.projection.project`).
        overrides: a curator's merges, separations and renames.
        kinds: the row types to merge.
        vectors: sentence vectors (the semantic extra): driving forces and outlooks then merge by
            meaning; without them, only on equal terms.

    Returns:
        The concepts with their rows, wordings and counts by month.
    """
    overrides = overrides or Overrides()
    scans = graph.graph.get("scans", {})
    found = editions(scans)
    concepts: dict[str, Concept] = {}
    of_row: dict[str, str] = {}
    matches: list[Match] = []
    review: list[tuple[Concept, Concept, Verdict]] = []
    wording_articles: dict[str, dict[str, set[str]]] = {}
    all_keys: dict[tuple[str, tuple[str, ...]], tuple[str, str, bool]] = {}
    all_weights: dict[str, TermWeights] = {}
    rows_by_kind: dict[str, list[tuple[str, str]]] = {}
    wanted = set(kinds)
    for node, data in graph.nodes(data=True):
        kind = data.get("type")
        if kind in CONCEPT_KINDS and kind in wanted:
            rows_by_kind.setdefault(kind, []).append((node, str(data.get("label", ""))))
    # keywords and themes: each distinct one (as the store keys it) is a row, mentioned by the scans using it
    scans_of_row: dict[str, set[str]] = {}
    for kind, field_name in VOCABULARY_KINDS.items():
        if kind not in wanted:
            continue
        labels: dict[str, str] = {}
        for scan, meta in sorted(scans.items()):
            for label in meta.get(field_name) or ():
                row = concept_iri(kind, label)
                labels.setdefault(row, label)
                scans_of_row.setdefault(row, set()).add(scan)
        if labels:
            rows_by_kind[kind] = sorted(labels.items())
    for kind in sorted(rows_by_kind):
        rows = sorted(rows_by_kind[kind])
        key_of = {node: name_terms(label) for node, label in rows}
        apart_names = [names for k, names in overrides.never if k == kind]
        _split_identical(key_of, dict(rows), apart_names)
        wordings_of = _split_reversed(key_of, dict(rows))
        senses: list[Pair] = []
        if vectors is not None and kind not in SENTENCE_KINDS and kind not in VOCABULARY_KINDS:
            wordings_of, senses = _split_senses(rows, key_of, graph, vectors)
        counts = Counter(key_of.values())
        keys = sorted(counts)
        weight = TermWeights.of(counts.elements())
        all_weights[kind] = weight
        # one wording for each key (its first row's): what is embedded for it, and what the index keeps
        texts = _key_wordings(keys, dict(rows), key_of)
        key_text = dict(zip(keys, texts, strict=True))
        # a curator's merge names wordings: each stands for its rows' key (a sense of its own included)
        key_of_wording = {_wording(label): key_of[node] for node, label in rows}
        user_merge = [[key_of_wording.get(_wording(n), name_terms(n)) for n in names]
                      for k, names in overrides.merge if k == kind]
        curated = {key for names in user_merge for key in names}
        apart = [{_rule_key(n, names) for n in names} for names in apart_names]
        groups = _Groups(keys, apart)
        for names in user_merge:
            for other in names[1:]:
                if names[0] in groups.parent and other in groups.parent:
                    groups.union(names[0], other)
        # long sentences (driving forces, outlooks) merge by meaning when vectors are at hand, else only
        # when their terms are equal
        pairs = candidate_pairs(keys, weight) if kind not in SENTENCE_KINDS else []
        semantic: dict[tuple[str, ...], tuple[float, str]] = {}
        if kind in SENTENCE_KINDS and vectors is not None and len(keys) > 1:
            semantic = _merge_sentences(kind, keys, texts, groups, vectors)
        likely: list[Pair] = list(senses)
        for pair in pairs:
            # a pair a never-merge rule keeps apart is decided: neither merged nor left for review
            if pair.verdict.same:
                scope = _scope(pair, wordings_of)
                if scope is None:
                    groups.union(pair.a, pair.b)
                else:
                    likely.append(Pair(pair.a, pair.b, Verdict(min(pair.verdict.score, LIKELY_SCOPED), "fuzzy-name",
                                                                 f"{pair.verdict.evidence}; {scope}")))
            else:
                likely.append(pair)
        if kind not in SENTENCE_KINDS and vectors is not None and len(keys) > 1:
            # by meaning, names are only likely the same: merged, a sample of 30 concepts over-merged 14
            # (docs/semantic.md), so a curator decides
            likely += _likely_names(keys, texts, groups, vectors)
        members: dict[tuple[str, ...], list[str]] = {}
        for node, _ in rows:
            members.setdefault(groups.find(key_of[node]), []).append(node)
        label_of = dict(rows)
        renames = {name_terms(name): to for k, name, to in overrides.rename if k == kind}
        root_concept: dict[tuple[str, ...], Concept] = {}
        used: set[str] = set()
        for root in sorted(members):
            nodes = members[root]
            wordings = Counter(" ".join(label_of[n].split()) for n in nodes)
            preferred = min(wordings, key=lambda w: (-wordings[w], len(w), w))
            for key in {key_of[n] for n in nodes}:
                if key in renames:
                    preferred = renames[key]
            stem_iri = f"{ID}concept/{CONCEPT_KINDS[kind]}/{slug(preferred)}"
            iri, number = stem_iri, 1
            while iri in used:
                number += 1
                iri = f"{stem_iri}-{number}"
            used.add(iri)
            concept = Concept(iri, kind, preferred, sorted(w for w in wordings if w != preferred), sorted(nodes))
            for node in nodes:
                of_row[node] = iri
                if node in scans_of_row:
                    concept.scans |= scans_of_row[node]
                elif scan := graph.nodes[node].get("scan"):
                    concept.scans.add(scan)
                if key_of[node] in semantic and key_of[node] != root:
                    cosine, partner = semantic[key_of[node]]
                    matches.append(Match(node, iri, "exactMatch", cosine, "semantic",
                                         f"cosine {cosine:.2f} with '{partner}' ({MODEL})"))
                elif key_of[node] != root:
                    verdict = compare(key_of[node], root, weight)
                    method = verdict.method if verdict.same else (
                        "curated" if key_of[node] in curated else "fuzzy-name, through a closer wording")
                    matches.append(Match(node, iri, "exactMatch", verdict.score, method, verdict.evidence))
            # what counts: the newest scan of each article naming it, one date an article
            dated: dict[str, str | None] = {}
            for scan in sorted(concept.scans):
                edition = found.get(scan)
                if edition is None or edition.counts:
                    dated[edition.article if edition else scan] = scans.get(scan, {}).get("date")
            concept.articles = set(dated)
            # and by wording: a topic is named where a row's own wording holds its words
            by_wording: dict[str, set[str]] = {}
            for node in nodes:
                for scan in scans_of_row.get(node) or [graph.nodes[node].get("scan")]:
                    edition = found.get(scan) if scan else None
                    if scan and (edition is None or edition.counts):
                        by_wording.setdefault(" ".join(label_of[node].split()), set()).add(
                            edition.article if edition else scan)
            wording_articles[iri] = by_wording
            days = sorted(day for day in dated.values() if day)
            if days:
                concept.first, concept.last = days[0], days[-1]
                concept.months = Counter(day[:7] for day in days)
            concepts[iri] = concept
            root_concept[root] = concept
            for key in {key_of[n] for n in nodes}:
                all_keys[kind, key] = (iri, key_text[key], key == root)
        seen: set[tuple[str, str]] = set()
        for pair in likely:
            left, right = root_concept[groups.find(pair.a)], root_concept[groups.find(pair.b)]
            if left.iri == right.iri or (left.iri, right.iri) in seen or groups.kept_apart(pair.a, pair.b):
                continue
            seen.add((left.iri, right.iri))
            review.append((left, right, pair.verdict))
            for node in left.rows:
                if key_of[node] == pair.a:
                    matches.append(Match(node, right.iri, "closeMatch", pair.verdict.score, pair.verdict.method,
                                         pair.verdict.evidence))
    # the review is read top down: the pairs that change the most articles' counts first
    review.sort(key=lambda entry: (-(len(entry[0].articles) + len(entry[1].articles)), -entry[2].score,
                                   entry[0].label.casefold(), entry[1].label.casefold()))
    return ConceptSet(concepts, of_row, matches, review, found,
                      build_topics(concepts, found, scans, wording_articles), all_keys, all_weights,
                      steep_tags(concepts.values(), lambda c: best_description(graph, c.rows), vectors))


def best_description(graph: nx.DiGraph[str], rows: Iterable[str]) -> str | None:
    """The description a concept shows: that of its most relevant row (with a description first, then the
    first row IRI), as :func:`foresight.derived.conceptgraph.concept_node` picks it."""
    present = [row for row in rows if row in graph]
    if not present:
        return None
    best = max(present, key=lambda row: (graph.nodes[row].get("relevancy") or 0,
                                         bool(graph.nodes[row].get("description")), row))
    description = graph.nodes[best].get("description")
    return str(description) if description else None


def steep_tags(concepts: Iterable[Concept], description: Callable[[Concept], str | None],
               vectors: Vectors | None) -> dict[str, tuple[str, ...]]:
    """The STEEP(LE)+V categories of the concepts of the tagged kinds (:mod:`foresight.steep`): the first, and a
    close second; from each concept's name and ``description``."""
    from foresight.steep import TAGGED_KINDS, tag_concepts

    tagged = [c for c in concepts if c.kind in TAGGED_KINDS]
    tags = tag_concepts([(c.label, description(c)) for c in tagged], vectors) if tagged else []
    return {c.iri: tuple(category for category in (tag.category, tag.second) if category)
            for c, tag in zip(tagged, tags, strict=True) if tag.category}


def concepts_nquads(concept_set: ConceptSet, marker: str | None = None) -> str:
    """The concepts graph as N-Quads (see the module docstring for its shape)."""
    return "".join(concepts_nquads_chunks(concept_set, marker=marker))


#: fs:rank is given to this many concepts of each kind, the most named: enough for "the top N" in a
#: query, and few enough that one new scan shifts a handful of ranks, not thousands.
RANKED = 100


def _ranks(concept_set: ConceptSet) -> dict[str, int]:
    """Each concept's rank within its kind (1: the most scans; ties by label)."""
    ranked = sorted(concept_set.concepts.values(), key=lambda c: (c.kind, -len(c.articles), c.label.casefold(), c.iri))
    rank: dict[str, int] = {}
    count: dict[str, int] = {}
    for concept in ranked:
        count[concept.kind] = rank[concept.iri] = count.get(concept.kind, 0) + 1
    return rank


def _hashed_iri(folder: str, text: str) -> str:
    """A stable IRI in the concepts graph for a node named by ``text`` (a match, an association)."""
    import hashlib

    return f"{CONCEPTS_GRAPH}/{folder}/{hashlib.sha1(text.encode()).hexdigest()[:20]}"


def _match_iri(match: Match) -> str:
    return _hashed_iri("match", f"{match.row} {match.relation} {match.concept}")


def _units(concept_set: ConceptSet, only: set[str] | None = None, rank: Mapping[str, int] | None = None
           ) -> Iterator[tuple[str, list[str]]]:
    """The concepts graph, without its marker, as (unit, N-Quads lines): the schemes, then each concept
    (with its month buckets and exact matches), then each non-trivial match; with ``only``, just the
    units named there.

    Units are keyed by stable IRIs, so two builds of the graph can be compared unit by unit.
    """
    from foresight.vocab import FS, PROV, RDF, SCHEME_NAMES, SKOS, XSD, iri, literal

    graph = iri(CONCEPTS_GRAPH)
    a = iri(RDF + "type")
    lines: list[str] = []

    def add(s: str, p: str, o: str) -> None:
        lines.append(f"{s} {p} {o} {graph} .\n")

    for kind, folder in CONCEPT_KINDS.items():
        scheme = iri(f"{ID}scheme/{folder}")
        add(scheme, a, iri(SKOS + "ConceptScheme"))
        # keywords and themes share their scheme with the vocabulary graph: one name for it
        add(scheme, iri(SKOS + "prefLabel"), literal(SCHEME_NAMES.get(kind, f"{kind} concepts")))
    add(iri(TOPIC_SCHEME), a, iri(SKOS + "ConceptScheme"))
    add(iri(TOPIC_SCHEME), iri(SKOS + "prefLabel"), literal("Topics"))
    add(iri(STEEP_SCHEME), a, iri(SKOS + "ConceptScheme"))
    add(iri(STEEP_SCHEME), iri(SKOS + "prefLabel"), literal("STEEP(LE)+V categories"))
    for category in STEEP_CATEGORIES:
        add(iri(steep_iri(category)), a, iri(SKOS + "Concept"))
        add(iri(steep_iri(category)), iri(SKOS + "inScheme"), iri(STEEP_SCHEME))
        add(iri(steep_iri(category)), iri(SKOS + "prefLabel"), literal(category))
    if only is None or "schemes" in only:
        yield "schemes", lines
    # rank within its kind: 1 for the concept most scans name, ties by label. SPARQL takes "the top
    # N" with VALUES ?rank { 1 2 ... N }: a few index lookups, the same answer on every store,
    # instead of sorting every concept
    rank = _ranks(concept_set) if rank is None else rank
    for concept in concept_set.concepts.values():
        if only is not None and concept.iri not in only:
            continue
        lines = []
        node = iri(concept.iri)
        add(node, a, iri(SKOS + "Concept"))
        add(node, a, iri(FS + "Concept"))
        add(node, iri(SKOS + "inScheme"), iri(f"{ID}scheme/{CONCEPT_KINDS[concept.kind]}"))
        add(node, iri(FS + "conceptOf"), iri(FS + concept.kind))
        add(node, iri(SKOS + "prefLabel"), literal(concept.label))
        for label in concept.alt_labels:
            add(node, iri(SKOS + "altLabel"), literal(label))
        add(node, iri(FS + "scanCount"), literal(len(concept.scans)))
        add(node, iri(FS + "articleCount"), literal(len(concept.articles)))
        add(node, iri(FS + "rowCount"), literal(len(concept.rows)))
        if rank.get(concept.iri, RANKED + 1) <= RANKED:
            add(node, iri(FS + "rank"), literal(rank[concept.iri]))
        # one article: its month is the first-seen date's, no bucket needed
        for triple in _dated(concept.iri, concept.first, concept.last,
                             concept.months if len(concept.articles) > 1 else Counter()):
            add(*triple)
        for row in concept.rows:
            add(iri(row), iri(SKOS + "exactMatch"), node)
        for category in concept_set.steep.get(concept.iri, ()):
            add(node, iri(FS + "steepCategory"), iri(steep_iri(category)))
        yield concept.iri, lines
    # scans of one article: each newer one a revision of the one before (only the newest counts)
    for scan, edition in sorted(concept_set.editions.items()):
        unit = f"{scan}#revision"
        if edition.revision_of is None or (only is not None and unit not in only):
            continue
        lines = []
        add(iri(scan), iri(PROV + "wasRevisionOf"), iri(edition.revision_of))
        yield unit, lines
    yield from _topic_units(concept_set, only)
    for match in concept_set.matches:
        name = _match_iri(match)
        if only is not None and name not in only:
            continue
        lines = []
        relation = iri(SKOS + match.relation)
        if match.relation == "closeMatch":
            add(iri(match.row), relation, iri(match.concept))
        link = iri(name)
        add(link, a, iri(FS + "Link"))
        add(link, iri(FS + "linkSource"), iri(match.row))
        add(link, iri(FS + "linkRelation"), relation)
        add(link, iri(FS + "linkTarget"), iri(match.concept))
        add(link, iri(FS + "score"), literal(f"{match.score:.3f}", XSD + "decimal"))
        add(link, iri(FS + "method"), literal(match.method))
        add(link, iri(FS + "evidence"), literal(match.evidence))
        yield name, lines


def _dated(node: str, first: str | None, last: str | None, months: Counter[str]) -> list[tuple[str, str, str]]:
    """A concept's or topic's first and last seen and its articles by month, as N-Triples terms."""
    from foresight.vocab import FS, RDF, XSD, iri, literal

    subject = iri(node)
    found = []
    if first and last:
        found += [(subject, iri(FS + "firstSeen"), literal(first, XSD + "date")),
                  (subject, iri(FS + "lastSeen"), literal(last, XSD + "date"))]
    for month, count in sorted(months.items()):
        bucket = iri(f"{node}/month/{month}")
        found += [(subject, iri(FS + "monthlyCount"), bucket), (bucket, iri(RDF + "type"), iri(FS + "MonthlyCount")),
                  (bucket, iri(FS + "month"), literal(month)), (bucket, iri(FS + "monthScanCount"), literal(count))]
    return found


#: the scheme of the topics
TOPIC_SCHEME = f"{ID}scheme/topics"
#: the STEEP(LE)+V categories, as SKOS concepts of a scheme of their own; a concept points at its categories
#: with fs:steepCategory
STEEP_SCHEME = f"{ID}scheme/steep"


def steep_iri(category: str) -> str:
    """The IRI of a STEEP(LE)+V category (``fsid:steep/legal``)."""
    return f"{ID}steep/{category}"


def association_iri(association: Association) -> str:
    return _hashed_iri("association", f"{association.a} {association.b}")


def _topic_units(concept_set: ConceptSet, only: set[str] | None) -> Iterator[tuple[str, list[str]]]:
    """The topics, each concept's topics and the associations, as units of :func:`_units`::

        <topic> a skos:Concept, fs:Topic ; skos:inScheme <scheme/topics> ; skos:prefLabel "…" ;
                fs:articleCount 12 ; fs:firstSeen … ; fs:lastSeen … ; fs:monthlyCount […] ;
                skos:broader <broader topic> .
        <concept> skos:broader <topic> .
        <topic> fs:coOccursWith <other topic> .
        <link> a fs:Link ; fs:linkSource <topic> ; fs:linkRelation fs:coOccursWith ; fs:linkTarget <other> ;
               fs:method "co-occurrence" ; fs:score ; fs:support 12 ; fs:lift 4.6 ; fs:pmi 2.2 ;
               fs:evidence "…" ; prov:wasDerivedFrom <scan>, … .
    """
    from foresight.vocab import FS, PROV, RDF, SKOS, XSD, iri, literal

    graph = iri(CONCEPTS_GRAPH)
    a = iri(RDF + "type")
    broader = iri(SKOS + "broader")
    for topic in concept_set.topics.topics.values():
        if only is not None and topic.iri not in only:
            continue
        node = iri(topic.iri)
        triples = [(node, a, iri(SKOS + "Concept")), (node, a, iri(FS + "Topic")),
                   (node, iri(SKOS + "inScheme"), iri(TOPIC_SCHEME)), (node, iri(SKOS + "prefLabel"),
                                                                      literal(topic.label)),
                   (node, iri(FS + "articleCount"), literal(len(topic.articles)))]
        triples += [(node, iri(SKOS + "altLabel"), literal(label)) for label in topic.alt_labels]
        triples += _dated(topic.iri, topic.first, topic.last, topic.months)
        triples += [(node, broader, iri(other)) for other in topic.broader]
        yield topic.iri, [f"{s} {p} {o} {graph} .\n" for s, p, o in triples]
    # each concept's topics, a unit of its own: a new concept under a topic rewrites one line, not the topic
    for concept, held in concept_set.topics.of_concept.items():
        unit = f"{concept}#topics"
        if only is not None and unit not in only:
            continue
        yield unit, [f"{iri(concept)} {broader} {iri(topic)} {graph} .\n" for topic in held]
    relation = iri(FS + "coOccursWith")
    for association in concept_set.topics.associations:
        name = association_iri(association)
        if only is not None and name not in only:
            continue
        link = iri(name)
        source, target = iri(association.a), iri(association.b)
        triples = [(source, relation, target), (link, a, iri(FS + "Link")), (link, iri(FS + "linkSource"), source),
                   (link, iri(FS + "linkRelation"), relation), (link, iri(FS + "linkTarget"), target),
                   (link, iri(FS + "score"), literal(f"{association.score:.3f}", XSD + "decimal")),
                   (link, iri(FS + "method"), literal("co-occurrence")),
                   (link, iri(FS + "support"), literal(association.support)),
                   (link, iri(FS + "lift"), literal(f"{association.lift:.3f}", XSD + "decimal")),
                   (link, iri(FS + "pmi"), literal(f"{association.pmi:.3f}", XSD + "decimal")),
                   (link, iri(FS + "evidence"), literal(
                       f"named together in {association.support} articles, {association.lift:.1f} times what "
                       f"chance would give"))]
        triples += [(link, iri(PROV + "wasDerivedFrom"), iri(scan)) for scan in association.scans]
        yield name, [f"{s} {p} {o} {graph} .\n" for s, p, o in triples]


def _marker_line(marker: str) -> str:
    from foresight.vocab import FS, iri, literal

    return f"{iri(CONCEPTS_GRAPH)} {iri(FS + 'contentDigest')} {literal(marker)} {iri(CONCEPTS_GRAPH)} .\n"


#: Lines of the concepts graph written per store call (a big graph need not sit in memory as one text).
_CHUNK_LINES = 200_000


def concepts_nquads_chunks(concept_set: ConceptSet, size: int = _CHUNK_LINES, marker: str | None = None
                           ) -> Iterator[str]:
    """The concepts graph as N-Quads, in chunks of about ``size`` lines (a big graph need not sit in memory twice).

    The graph's marker (``fs:contentDigest``) comes last, a chunk of its own.
    """
    yield from _chunks(concept_set, size)
    yield _marker_line(marker or concepts_marker("unknown"))


def _same_topic(old: Topic | None, new: Topic | None) -> bool:
    """Whether a topic's own lines are the same (its members are written with each member)."""
    if old is None or new is None:
        return old is new
    return (old.label, old.alt_labels, len(old.articles), old.first, old.last, old.months, old.broader) == (
        new.label, new.alt_labels, len(new.articles), new.first, new.last, new.months, new.broader)


def concepts_changes(old: ConceptSet, new: ConceptSet) -> tuple[list[str], list[str]]:
    """The N-Quads lines to delete and to insert to turn the concepts graph of ``old`` into that of ``new``.

    Finds the units (a concept, a match) whose data differ, writes the lines of just those, for
    both sets, and compares them line by line; so one new scan costs the lines it changes, not the
    graph, and not the time to write the whole graph out twice.
    """
    def ranked(rank: dict[str, int], concept: str) -> int | None:
        number = rank.get(concept)
        return number if number is not None and number <= RANKED else None

    old_rank, new_rank = _ranks(old), _ranks(new)
    differ = {iri for iri, concept in new.concepts.items()
              if old.concepts.get(iri) != concept or ranked(old_rank, iri) != ranked(new_rank, iri)}
    differ |= old.concepts.keys() - new.concepts.keys()
    differ |= {iri for iri in new.concepts if old.steep.get(iri) != new.steep.get(iri)}
    differ.add("schemes")  # a few lines; a graph written before the steep scheme gets it
    old_matches = {_match_iri(match): match for match in old.matches}
    new_matches = {_match_iri(match): match for match in new.matches}
    differ |= {name for name in old_matches.keys() | new_matches.keys()
               if old_matches.get(name) != new_matches.get(name)}
    old_topics, new_topics = old.topics.topics, new.topics.topics
    differ |= {name for name in old_topics.keys() | new_topics.keys()
               if not _same_topic(old_topics.get(name), new_topics.get(name))}
    old_held, new_held = old.topics.of_concept, new.topics.of_concept
    differ |= {f"{name}#topics" for name in old_held.keys() | new_held.keys()
               if old_held.get(name) != new_held.get(name)}
    old_links = {association_iri(x): x for x in old.topics.associations}
    new_links = {association_iri(x): x for x in new.topics.associations}
    differ |= {name for name in old_links.keys() | new_links.keys() if old_links.get(name) != new_links.get(name)}
    before = dict(_units(old, differ))
    deletes: list[str] = []
    inserts: list[str] = []
    for unit, lines in _units(new, differ):
        previous = before.pop(unit, [])
        kept, old_lines = set(lines), set(previous)
        deletes += [line for line in previous if line not in kept]
        inserts += [line for line in lines if line not in old_lines]
    for lines in before.values():  # units only the old graph has
        deletes += lines
    return deletes, inserts


def overrides_key(overrides: Overrides) -> str:
    """What a curator's overrides decide, as text: part of what the concepts are keyed by."""
    return f"{overrides.merge}\n{overrides.never}\n{overrides.rename}"


def concepts_marker(key: str) -> str:
    """The marker the concepts graph holds when it was built from what ``key`` names."""
    return f"concepts v{MERGER_VERSION} {key}"


#: The marker a concepts graph holds while a store that cannot write it in one transaction writes it.
INCOMPLETE = "concepts incomplete"


def write_concepts(store: Store, concept_set: ConceptSet, marker: str,
                   previous: ConceptSet | None = None) -> int:
    """Write ``concept_set`` as the store's concepts graph, marked ``marker``; returns the lines written.

    Only the difference from what the graph holds is written: from ``previous`` (the
    concept set the graph holds, when known), else from the graph read back. Readers
    see the old graph or the new one: the store applies the change in one transaction
    (see :meth:`~foresight.store.base.Store.apply_changes`); a store that cannot (a
    SPARQL server) marks the graph incomplete first, so a write cut short is redone.
    The first concepts graph of a store goes in with the bulk loader, its marker last
    (nothing was there before for a reader to lose).
    """
    stored = store.digest_of(CONCEPTS_GRAPH)
    incomplete = (_marker_line(stored) if stored else "", _marker_line(INCOMPLETE))
    if previous is not None:
        deletes, inserts = concepts_changes(previous, concept_set)
        if stored:
            deletes.append(_marker_line(stored))
        inserts.append(_marker_line(marker))
        store.apply_changes(deletes="".join(deletes), inserts="".join(inserts), incomplete=incomplete)
        return len(deletes) + len(inserts)
    if not store.has_graph(CONCEPTS_GRAPH):
        written = 0
        for chunk in _chunks(concept_set):
            store.replace_graphs([], chunk)
            written += chunk.count("\n")
        store.replace_graphs([], "", _marker_line(marker))
        return written + 1
    # the graph read back and the new one compared by line digests: memory stays a few integers a line
    from foresight.store.base import canonical_lines

    def new_lines() -> Iterator[str]:
        for chunk in (*_chunks(concept_set), _marker_line(marker)):
            yield from canonical_lines(chunk)

    wanted = {hash(line) for line in new_lines()}
    held: set[int] = set()
    gone: list[str] = []
    for line in store.graph_lines(CONCEPTS_GRAPH):
        digest = hash(line)
        held.add(digest)
        if digest not in wanted:
            gone.append(line)
    new = [line for line in new_lines() if hash(line) not in held]
    if gone or new:
        store.apply_changes(deletes="".join(gone), inserts="".join(new), incomplete=incomplete)
    return len(gone) + len(new)


def _chunks(concept_set: ConceptSet, size: int = _CHUNK_LINES) -> Iterator[str]:
    """The concepts graph without its marker, as N-Quads of about ``size`` lines each."""
    chunk: list[str] = []
    for _, lines in _units(concept_set):
        chunk += lines
        if len(chunk) >= size:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


def concepts_for(store: Store, overrides: Overrides | None = None) -> ConceptSet:
    """The concepts of the store's current rows under ``overrides`` (kept by :mod:`foresight.derived`)."""
    from foresight.derived import views

    return views(store, overrides).concepts()


def refresh_concepts(store: Store, overrides: Overrides | None = None, *, force: bool = False) -> ConceptSet:
    """Make the store's concepts graph hold the concepts of everything in the store (see :func:`build_concepts`).

    The graph's marker records what it was built from; when that still holds, nothing
    is written. When the concepts the graph holds are still known (kept by
    :mod:`foresight.derived`), only the difference is written: rewriting a big concepts
    graph costs far more than building it. With ``force``, the concepts are merged
    again from the rows and compared with the graph read back, which repairs a
    concepts graph changed by hand.
    """
    from foresight.derived import views

    derived = views(store, overrides)
    marker = concepts_marker(derived.content_key())
    if force:
        concept_set = derived.rebuild_concepts()
        write_concepts(store, concept_set, marker)
        derived.build("concepts")  # the index too: it may hold scans added in place (foresight.derived.incremental)
        return concept_set
    concept_set = derived.concepts()
    stored = store.digest_of(CONCEPTS_GRAPH)
    if stored == marker:
        return concept_set
    previous = None
    if stored and stored.startswith(f"concepts v{MERGER_VERSION} "):
        previous = derived.stored_concepts(stored.rsplit(" ", 1)[-1])
    write_concepts(store, concept_set, marker, previous)
    return concept_set


def summary(concept_set: ConceptSet, kind: str | None = None) -> list[Concept]:
    """Concepts by how many articles name them, most first (ties by label)."""
    chosen = [c for c in concept_set.concepts.values() if kind is None or c.kind == kind]
    return sorted(chosen, key=lambda c: (-len(c.articles), -len(c.rows), c.label.casefold(), c.iri))
